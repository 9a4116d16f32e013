package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// between gives the Harbour Circle a life between its meetings, written by
// its own people: a thread carrying on from the kick-off with two replies,
// a reading for the next meeting, topics in the parking lot and a proposal
// open for a vote. A newcomer signed in as the member sees each page with
// something in it.
func (s *seeder) between(ctx context.Context) error {
	circleID := s.d.MemberCircleID
	who := map[string]context.Context{}
	for _, email := range []string{MemberEmail, FacilitatorEmail, "aoife.brennan@example.org", "tomasz.nowak@example.org"} {
		c, err := s.as(ctx, email)
		if err != nil {
			return err
		}
		who[email] = c
	}
	talk := sqldb.NewDiscussionService(s.db)
	th := &roundtable.Thread{CircleID: circleID, MeetingID: s.d.PastMeetingIDs[0],
		Title: "Carrying on: handing over the weekly escalations",
		Body: "At the kick-off I said I would stop answering escalations myself. Two weeks in:\n\n" +
			"- my leads take the calls, but they still copy me on every reply;\n" +
			"- I caught myself rewriting one answer before it went out.\n\n" +
			"How did you get your people to trust that you would **not** step in?"}
	if err := talk.StartThread(who[MemberEmail], th); err != nil {
		return fmt.Errorf("start a thread: %w", err)
	}
	for _, r := range []struct{ email, body string }{
		{"aoife.brennan@example.org", "I told my team which decisions I wanted to hear about *after* the fact, in writing. " +
			"It took a month before the copies stopped."},
		{FacilitatorEmail, "Worth bringing to the next meeting's check-in, Maya: what would \"not stepping in\" look like on a bad day?"},
	} {
		if err := talk.AddReply(who[r.email], &roundtable.Reply{ThreadID: th.ID, Body: r.body}); err != nil {
			return fmt.Errorf("reply: %w", err)
		}
	}

	docs := sqldb.NewDocumentService(s.db)
	link := &roundtable.Document{CircleID: circleID, Title: "Delegation without abdication (short article)",
		URL: "https://example.org/articles/delegation-without-abdication"}
	if err := docs.AddLink(who[FacilitatorEmail], link); err != nil {
		return fmt.Errorf("add a link: %w", err)
	}
	if err := docs.AttachDocument(who[FacilitatorEmail], link.ID, s.d.MeetingIDs[0]); err != nil {
		return fmt.Errorf("attach a reading: %w", err)
	}

	lot := sqldb.NewParkingLotService(s.db)
	for _, tp := range []struct {
		email, title, why string
		prio              roundtable.Priority
		minutes           int
		shared            bool
	}{
		{MemberEmail, "Giving hard feedback to a former peer", "She was my closest colleague until March; now I lead her team and I keep postponing the conversation.",
			roundtable.PriorityA, 30, true},
		{MemberEmail, "Saying no to the CEO's side projects", "Three requests this quarter, each small, together a day a week.", roundtable.PriorityB, 20, false},
		{"tomasz.nowak@example.org", "Choosing between two internal candidates", "Both are ready to lead; only one role opens this year.", roundtable.PriorityB, 25, true},
	} {
		t := &roundtable.ParkingTopic{CircleID: circleID, Title: tp.title, Why: tp.why, Priority: tp.prio, Minutes: tp.minutes}
		if err := lot.SaveTopic(who[tp.email], t); err != nil {
			return fmt.Errorf("add a topic: %w", err)
		}
		if tp.shared {
			if err := lot.ShareTopic(who[tp.email], circleID, t.ID, true); err != nil {
				return fmt.Errorf("share a topic: %w", err)
			}
		}
	}

	decisions := sqldb.NewDecisionService(s.db)
	d := &roundtable.GroupDecision{CircleID: circleID, Kind: roundtable.KindConsent, ResultsOpen: true,
		Title:    "Meet every two weeks from February",
		Details:  "Several of us said a month is long between meetings. Every two weeks, same time, for the rest of the program.",
		ClosesAt: s.now.Add(5 * 24 * time.Hour).Truncate(time.Hour),
		Change:   roundtable.DecisionChange{Cadence: roundtable.Biweekly}}
	if err := decisions.CreateDecision(who[FacilitatorEmail], d); err != nil {
		return fmt.Errorf("propose a decision: %w", err)
	}
	if err := decisions.Vote(who["aoife.brennan@example.org"], circleID, &roundtable.DecisionVote{DecisionID: d.ID, Stance: roundtable.StanceAgree}); err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	return nil
}
