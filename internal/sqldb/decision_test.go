package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// proposal is a valid consent proposal for circle c closing in a week.
func proposal(c *roundtable.Circle, now time.Time) *roundtable.GroupDecision {
	return &roundtable.GroupDecision{CircleID: c.ID, Title: "Meet every two weeks", Details: "Monthly is too far apart.",
		Kind: roundtable.KindConsent, ClosesAt: now.Add(7 * 24 * time.Hour)}
}

// findDecision reads a decision as u.
func findDecision(t *testing.T, s *sqldb.DecisionService, u *roundtable.User, d *roundtable.GroupDecision) *roundtable.GroupDecision {
	t.Helper()
	got, err := s.FindDecision(as(u), d.CircleID, d.ID)
	must(t, err)
	return got
}

// A consent proposal with results at the close: each member sees only her
// own vote until then; a block needs a reason; a late vote is told the
// decision closed; the outcome is the proposer's or the facilitator's.
func TestDecisionService_Consent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		d := proposal(w.a, e.clock.Now())
		must(t, s.CreateDecision(as(w.member), d))
		must(t, s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: d.ID, Stance: roundtable.StanceAgree}))
		err := s.Vote(as(w.fac), w.a.ID, &roundtable.DecisionVote{DecisionID: d.ID, Stance: roundtable.StanceBlock})
		if wantCode(t, err, roundtable.EINVALID); roundtable.ErrorFields(err)["reason"] == "" {
			t.Fatalf("got %v, want a problem with the reason", err)
		}
		must(t, s.Vote(as(w.fac), w.a.ID, &roundtable.DecisionVote{DecisionID: d.ID, Stance: roundtable.StanceBlock, Reason: "Not before the summer."}))

		got := findDecision(t, s, w.member, d)
		if got.Votes != nil || got.Mine == nil || got.Mine.Stance != roundtable.StanceAgree || got.Voters != 2 {
			t.Fatalf("before the close: got votes %v, mine %+v, voters %d; want only her own and the count", got.Votes, got.Mine, got.Voters)
		}
		if !got.CanManage || got.CanApply {
			t.Fatalf("proposer: got manage %v apply %v, want manage only", got.CanManage, got.CanApply)
		}
		wantCode(t, s.RecordOutcome(as(w.member), w.a.ID, d.ID, "Too early"), roundtable.EINVALID)

		e.clock.Add(8 * 24 * time.Hour)
		got = findDecision(t, s, w.fac, d)
		if len(got.Votes) != 2 || got.Count(roundtable.StanceAgree) != 1 || got.Count(roundtable.StanceBlock) != 1 {
			t.Fatalf("after the close: got %d votes, want agree 1 and block 1", len(got.Votes))
		}
		err = s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: d.ID, Stance: roundtable.StanceDisagree})
		wantCode(t, err, roundtable.ECONFLICT)
		if msg := roundtable.ErrorMessage(err); !contains(msg, "closed") {
			t.Fatalf("late vote: got %q, want a message that the decision closed", msg)
		}
		if got := findDecision(t, s, w.member, d); got.Mine.Stance != roundtable.StanceAgree {
			t.Fatalf("got %s after a late vote, want the vote unchanged", got.Mine.Stance)
		}
		stranger := e.member(w.a, "Una Other", "una@example.org")
		wantCode(t, s.RecordOutcome(as(stranger), w.a.ID, d.ID, "Mine"), roundtable.EFORBIDDEN)
		wantCode(t, s.RecordOutcome(as(w.member), w.a.ID, d.ID, " "), roundtable.EINVALID)
		must(t, s.RecordOutcome(as(w.member), w.a.ID, d.ID, "We stay monthly until the summer."))
		if got := findDecision(t, s, stranger, d); got.Outcome != "We stay monthly until the summer." || got.OutcomeBy == "" {
			t.Fatalf("got outcome %q by %q, want it recorded", got.Outcome, got.OutcomeBy)
		}
	})
}

// A choice and a score with results as they come in: tallies are visible
// at once; the proposer may close early.
func TestDecisionService_ChoiceAndScore(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		choice := proposal(w.a, e.clock.Now())
		choice.Kind, choice.ResultsOpen = roundtable.KindChoice, true
		choice.Options = []*roundtable.DecisionOption{{Label: "Tuesdays"}, {Label: ""}, {Label: "Thursdays"}}
		must(t, s.CreateDecision(as(w.fac), choice))
		if len(choice.Options) != 2 {
			t.Fatalf("got %d options, want the empty one left out", len(choice.Options))
		}
		wantCode(t, s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: choice.ID, OptionID: "made-up"}), roundtable.EINVALID)
		must(t, s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: choice.ID, OptionID: choice.Options[1].ID}))
		got := findDecision(t, s, w.fac, choice)
		if len(got.Votes) != 1 || got.Options[1].Chosen != 1 || got.Options[1].Label != "Thursdays" {
			t.Fatalf("got %d votes, options %+v; want Thursdays chosen once", len(got.Votes), got.Options[1])
		}

		score := proposal(w.a, e.clock.Now())
		score.Kind, score.ResultsOpen = roundtable.KindScore, true
		score.Options = []*roundtable.DecisionOption{{Label: "Case clinic"}, {Label: "Troika"}}
		must(t, s.CreateDecision(as(w.member), score))
		a, b := score.Options[0].ID, score.Options[1].ID
		err := s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: score.ID, Scores: map[string]int{a: 5, b: 9}})
		if wantCode(t, err, roundtable.EINVALID); roundtable.ErrorFields(err)["score_"+b] == "" {
			t.Fatalf("got %v, want a problem with the second score", err)
		}
		must(t, s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: score.ID, Scores: map[string]int{a: 5, b: 2}}))
		must(t, s.Vote(as(w.fac), w.a.ID, &roundtable.DecisionVote{DecisionID: score.ID, Scores: map[string]int{a: 4, b: 3}}))
		must(t, s.Vote(as(w.fac), w.a.ID, &roundtable.DecisionVote{DecisionID: score.ID, Scores: map[string]int{a: 3, b: 3}})) // changed
		got = findDecision(t, s, w.member, score)
		if got.Options[0].AverageText() != "4.0" || got.Options[1].AverageText() != "2.5" || got.Mine.Scores[a] != 5 {
			t.Fatalf("got averages %s and %s, want 4.0 and 2.5", got.Options[0].AverageText(), got.Options[1].AverageText())
		}
		must(t, s.CloseDecision(as(w.fac), w.a.ID, choice.ID))
		wantCode(t, s.CloseDecision(as(w.fac), w.a.ID, choice.ID), roundtable.EINVALID)
		list, err := s.ListDecisions(as(w.member), w.a.ID)
		must(t, err)
		if len(list) != 2 || list[0].ID != score.ID || list[1].ID != choice.ID || list[0].Mine == nil {
			t.Fatalf("got %d decisions, want the open one first, marked voted", len(list))
		}
	})
}

// Bad input is refused field by field and nothing is stored; nobody outside
// the circle reads or votes.
func TestDecisionService_CreateDecision(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		t.Run("BadInput", func(t *testing.T) {
			bad := &roundtable.GroupDecision{CircleID: w.a.ID, Kind: roundtable.KindChoice, ClosesAt: e.clock.Now().Add(-time.Hour),
				Options: []*roundtable.DecisionOption{{Label: "Only one"}}, Change: roundtable.DecisionChange{Format: "made_up"}}
			err := s.CreateDecision(as(w.member), bad)
			wantCode(t, err, roundtable.EINVALID)
			f := roundtable.ErrorFields(err)
			for _, k := range []string{"title", "options", "closes_at", "change"} {
				if f[k] == "" {
					t.Errorf("got no problem with %s, want one (%v)", k, f)
				}
			}
			list, err := s.ListDecisions(as(w.member), w.a.ID)
			if must(t, err); len(list) != 0 {
				t.Fatalf("got %d decisions stored, want none", len(list))
			}
		})
		d := proposal(w.a, e.clock.Now())
		must(t, s.CreateDecision(as(w.member), d))
		for name, ctx := range w.outsiders() {
			t.Run(name, func(t *testing.T) {
				_, err := s.ListDecisions(ctx, w.a.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = s.FindDecision(ctx, w.a.ID, d.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, s.CreateDecision(ctx, proposal(w.a, e.clock.Now())), roundtable.ENOTFOUND)
				wantCode(t, s.Vote(ctx, w.a.ID, &roundtable.DecisionVote{DecisionID: d.ID, Stance: roundtable.StanceAgree}), roundtable.ENOTFOUND)
				wantCode(t, s.CloseDecision(ctx, w.a.ID, d.ID), roundtable.ENOTFOUND)
				_, err = s.ApplyDecision(ctx, w.a.ID, d.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
			})
		}
		// Circle B's member cannot reach it through her own circle either.
		_, err := s.FindDecision(as(w.otherMember), w.b.ID, d.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
	})
}

// A decision to change the format, once closed, is applied by the
// facilitator in one click: every meeting still to come follows the
// format, and so do meetings made later.
func TestDecisionService_ApplyFormat(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		agendas := sqldb.NewAgendaService(e.db)
		d := proposal(w.a, e.clock.Now())
		d.Title, d.Change = "Open every meeting with a check-in", roundtable.DecisionChange{Format: "check_in"}
		must(t, s.CreateDecision(as(w.member), d))
		_, err := s.ApplyDecision(as(w.fac), w.a.ID, d.ID)
		wantCode(t, err, roundtable.EINVALID) // still open
		must(t, s.CloseDecision(as(w.member), w.a.ID, d.ID))
		_, err = s.ApplyDecision(as(w.member), w.a.ID, d.ID)
		wantCode(t, err, roundtable.EFORBIDDEN)
		if got := findDecision(t, s, w.fac, d); !got.CanApply {
			t.Fatal("the facilitator is not offered to apply the closed decision")
		}
		// A meeting whose agenda the facilitator set by hand keeps it.
		own := &roundtable.Meeting{CircleID: w.a.ID, StartsAt: w.meeting.StartsAt.Add(14 * 24 * time.Hour), Minutes: 60, Place: "Library"}
		must(t, e.meetings.CreateMeeting(as(w.fac), own))
		mine := []roundtable.Segment{{Title: "Guest speaker on hiring", Kind: roundtable.SegmentDiscussion, Minutes: 45}, {Title: "Close", Kind: roundtable.SegmentClosing, Minutes: 15}}
		must(t, agendas.SetSegments(as(w.fac), own.ID, mine))
		msg, err := s.ApplyDecision(as(w.fac), w.a.ID, d.ID)
		must(t, err)
		if !contains(msg, "Round-robin check-in") || !contains(msg, "1 meeting now follows it") || !contains(msg, "1 meeting keeps the agenda set for it alone") {
			t.Fatalf("got %q, want the format named, one meeting changed and one kept", msg)
		}
		ag, err := agendas.FindAgenda(as(w.member), w.meeting.ID)
		must(t, err)
		if len(ag.Segments) != 1 || ag.Segments[0].Title != "Check-in round" {
			t.Fatalf("got %v, want the check-in format", titles(ag.Segments))
		}
		if ag, err := agendas.FindAgenda(as(w.member), own.ID); err != nil || len(ag.Segments) != 2 || ag.Segments[0].Title != "Guest speaker on hiring" {
			t.Fatalf("the meeting with its own agenda: got %v (%v), want it kept", titles(ag.Segments), err)
		}
		later := &roundtable.Meeting{CircleID: w.a.ID, StartsAt: w.meeting.StartsAt.Add(30 * 24 * time.Hour), Minutes: 60, Place: "Library"}
		must(t, e.meetings.CreateMeeting(as(w.fac), later))
		if ag, err := agendas.FindAgenda(as(w.member), later.ID); err != nil || len(ag.Segments) != 1 || ag.Segments[0].Title != "Check-in round" {
			t.Fatalf("a meeting made later: got %v (%v), want the circle's format", titles(ag.Segments), err)
		}
		_, err = s.ApplyDecision(as(w.fac), w.a.ID, d.ID)
		wantCode(t, err, roundtable.EINVALID)
		if got := findDecision(t, s, w.fac, d); got.CanApply || got.AppliedAt.IsZero() {
			t.Fatal("an applied decision is offered to apply again")
		}
	})
}

// A decision to change the cadence changes the rest of the series.
func TestDecisionService_ApplyCadence(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		sc := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 5, 31))
		_, err := sc.series.CreateSeries(as(sc.fac), &roundtable.Series{CircleID: sc.circle.ID, Slot: "Tue 10:00", Cadence: roundtable.Weekly, Minutes: 60, Place: "Library"})
		must(t, err)
		before := 0
		for _, m := range e.meetingsOf(sc) {
			if !m.Cancelled {
				before++
			}
		}
		s := sqldb.NewDecisionService(e.db)
		d := proposal(sc.circle, e.clock.Now())
		d.Change = roundtable.DecisionChange{Cadence: roundtable.Biweekly}
		must(t, s.CreateDecision(as(sc.members[0]), d))
		e.clock.Add(8 * 24 * time.Hour)
		msg, err := s.ApplyDecision(as(sc.fac), sc.circle.ID, d.ID)
		must(t, err)
		sr, err := sc.series.FindSeries(as(sc.members[0]), sc.circle.ID)
		must(t, err)
		if sr.Cadence != roundtable.Biweekly {
			t.Fatalf("got cadence %s, want biweekly (%s)", sr.Cadence, msg)
		}
		after := 0
		for _, m := range e.meetingsOf(sc) {
			if !m.Cancelled {
				after++
			}
		}
		if after >= before {
			t.Fatalf("got %d meetings after, %d before; want fewer every two weeks (%s)", after, before, msg)
		}
	})
}

// A deleted account takes her parking lot with it; her proposals and votes
// stay with the circle, from "a former member".
func TestDecisionService_AccountDeleted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s, lots := sqldb.NewDecisionService(e.db), sqldb.NewParkingLotService(e.db)
		tp := topicOf(w.a, "Mine alone")
		must(t, lots.SaveTopic(as(w.member), tp))
		must(t, lots.ShareTopic(as(w.member), w.a.ID, tp.ID, true))
		must(t, lots.WantTopic(as(w.member), w.a.ID, tp.ID, true))
		d := proposal(w.a, e.clock.Now())
		d.ResultsOpen = true
		must(t, s.CreateDecision(as(w.member), d))
		must(t, s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: d.ID, Stance: roundtable.StanceAgree, Reason: "Yes"}))
		tok, err := e.auth.StartSession(sys, w.member.ID, roundtable.SessionStart{})
		must(t, err)
		must(t, sqldb.NewAccountDeletionService(e.db).DeleteMyAccount(as(w.member), tok, "a long enough password"))
		if l := lot(t, lots, w.fac, w.a); len(l.Shared) != 0 {
			t.Fatalf("got %d shared topics after her account went, want 0", len(l.Shared))
		}
		got := findDecision(t, s, w.fac, d)
		if got.ProposerName != roundtable.FormerMemberName || len(got.Votes) != 1 || got.Votes[0].Name != roundtable.FormerMemberName || got.Votes[0].Reason != "Yes" {
			t.Fatalf("got proposer %q, votes %+v; want both kept from a former member", got.ProposerName, got.Votes)
		}
	})
}

// A decision that opens is e-mailed to the circle (not to its proposer),
// and those who have not voted get one reminder the day before it closes;
// nothing goes out once it closed.
func TestDecisionService_Mail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		e.deliver()
		d := proposal(w.a, e.clock.Now())
		must(t, s.CreateDecision(as(w.fac), d))
		voted := proposal(w.a, e.clock.Now())
		voted.Title = "Already answered"
		must(t, s.CreateDecision(as(w.fac), voted))
		early := proposal(w.a, e.clock.Now())
		early.Title = "Closed early"
		must(t, s.CreateDecision(as(w.fac), early))
		sent := e.deliver()
		var got []string
		for _, m := range sent {
			if m.To == w.fac.Email {
				t.Errorf("the proposer got %q", m.Subject)
			}
			if m.To == w.member.Email {
				got = append(got, m.Subject)
				if !contains(m.Text, "/circles/"+w.a.ID+"/decisions/") || !contains(m.Text, "Votes close") {
					t.Errorf("the message lacks its link or closing time:\n%s", m.Text)
				}
			}
		}
		if len(got) != 3 || !contains(got[0]+got[1]+got[2], "A decides: Meet every two weeks") {
			t.Fatalf("got %q, want the member told of the three decisions", got)
		}
		must(t, s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: voted.ID, Stance: roundtable.StanceAgree}))
		must(t, s.CloseDecision(as(w.fac), w.a.ID, early.ID))
		e.clock.Add(6*24*time.Hour + time.Minute)
		got = nil
		for _, m := range e.deliver() {
			got = append(got, m.To+" "+m.Subject)
		}
		if len(got) != 1 || !contains(got[0], w.member.Email+" Closing soon, your vote: Meet every two weeks") {
			t.Fatalf("got %q, want one reminder, about the decision she did not vote on", got)
		}
	})
}

// The circle's page counts the open proposals waiting for the reader's
// vote: not those she voted on, nor those closed, early or on time.
func TestDecisionService_ToVoteOnCircleHome(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		check := func(step string, want map[*roundtable.User]int) {
			t.Helper()
			for u, n := range want {
				home, err := e.circles.FindCircleHome(as(u), w.a.ID)
				must(t, err)
				if home.ToVote != n {
					t.Errorf("%s, %s: got %d proposals waiting for a vote, want %d", step, u.Name, home.ToVote, n)
				}
			}
		}
		check("none", map[*roundtable.User]int{w.member: 0, w.fac: 0})
		early, late := proposal(w.a, e.clock.Now()), proposal(w.a, e.clock.Now())
		late.ClosesAt = e.clock.Now().Add(time.Hour)
		must(t, s.CreateDecision(as(w.member), early))
		must(t, s.CreateDecision(as(w.member), late))
		check("two open", map[*roundtable.User]int{w.member: 2, w.fac: 2})
		must(t, s.Vote(as(w.fac), w.a.ID, &roundtable.DecisionVote{DecisionID: early.ID, Stance: roundtable.StanceAgree}))
		check("she voted on one", map[*roundtable.User]int{w.member: 2, w.fac: 1})
		must(t, s.CloseDecision(as(w.member), w.a.ID, early.ID))
		check("one closed early", map[*roundtable.User]int{w.member: 1, w.fac: 1})
		e.clock.Add(2 * time.Hour)
		check("the other past its closing time", map[*roundtable.User]int{w.member: 0, w.fac: 0})
	})
}
