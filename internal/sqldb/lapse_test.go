package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// lapseWorld is world() with a second member, Kim, and weekly meetings
// from a week ahead, none held yet. Pat has not accepted the ground rules:
// the room leaves her out, so she is marked nowhere.
type lapseWorld struct {
	*world
	e        *env
	kim      *roundtable.User
	meetings []*roundtable.Meeting
	rooms    *sqldb.RoomService
	lapses   *sqldb.LapseService
}

func (e *env) lapseWorld(n int) *lapseWorld {
	e.t.Helper()
	w := &lapseWorld{world: e.world(), e: e, rooms: sqldb.NewRoomService(e.db), lapses: sqldb.NewLapseService(e.db)}
	w.kim = e.member(w.a, "Kim Member", "kim@example.org")
	for i := range n {
		m := &roundtable.Meeting{CircleID: w.a.ID, StartsAt: start.Add(time.Duration(7*(i+1)) * 24 * time.Hour), Minutes: 60, VideoURL: "https://meet.example/a"}
		must(e.t, e.meetings.CreateMeeting(as(w.fac), m))
		w.meetings = append(w.meetings, m)
	}
	e.deliver()
	return w
}

// hold has meeting i (from 1) pass and its facilitator take attendance
// afterwards: who is listed came, the other members (Mo, Kim) did not.
func (w *lapseWorld) hold(t *testing.T, i int, came ...*roundtable.User) {
	t.Helper()
	m := w.meetings[i-1]
	if over := m.EndsAt().Add(31 * time.Minute); w.e.clock.Now().Before(over) {
		w.e.clock.Add(over.Sub(w.e.clock.Now()))
	}
	for _, u := range []*roundtable.User{w.member, w.kim} {
		present := false
		for _, c := range came {
			present = present || c.ID == u.ID
		}
		must(t, w.rooms.SetAttendance(as(w.fac), m.ID, u.ID, present))
	}
}

// alerts returns the facilitator's alerts by member ID.
func (w *lapseWorld) alerts(t *testing.T) map[string]*roundtable.LapseAlert {
	t.Helper()
	l, err := w.lapses.CircleLapses(as(w.fac), w.a.ID)
	must(t, err)
	out := map[string]*roundtable.LapseAlert{}
	for _, a := range l.Alerts {
		out[a.UserID] = a
	}
	return out
}

// mails delivers what is due once the alerts' e-mails are.
func (w *lapseWorld) mails() []mail.Message {
	w.e.clock.Add(11 * time.Minute)
	return w.e.deliver()
}

// lapseMails returns the lapse alerts among the messages.
func lapseMails(msgs []mail.Message) []mail.Message {
	var out []mail.Message
	for _, m := range msgs {
		if strings.Contains(m.Subject, "missed") {
			out = append(out, m)
		}
	}
	return out
}

func TestLapseService_TwoInARow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(4)
		w.hold(t, 1, w.member, w.kim)
		w.hold(t, 2, w.kim)
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got alerts %v after one absence, want none", a)
		}
		w.hold(t, 3, w.kim)
		a := w.alerts(t)[w.member.ID]
		if a == nil || a.Rule != roundtable.RuleInARow || a.Missed != 2 || a.MeetingID != w.meetings[2].ID {
			t.Fatalf("got %+v, want Mo's alert for two in a row at the third meeting", a)
		}
		if len(w.alerts(t)) != 1 {
			t.Fatalf("got %d alerts, want only Mo's", len(w.alerts(t)))
		}
		sent := lapseMails(w.mails())
		if len(sent) != 1 || sent[0].To != "fay@example.org" || !strings.Contains(sent[0].Text, w.member.Name) ||
			!strings.Contains(sent[0].Text, roundtable.LapseNextStep) || !strings.Contains(sent[0].Subject, "missed the last 2 meetings in a row") {
			t.Fatalf("got %d alert e-mails %+v, want one to Fay naming Mo with the next step", len(sent), sent)
		}

		t.Run("OncePerCrossing", func(t *testing.T) {
			must(t, w.rooms.SetAttendance(as(w.fac), w.meetings[2].ID, w.kim.ID, true))
			w.hold(t, 4, w.kim)
			if a := w.alerts(t)[w.member.ID]; a == nil || a.Missed != 3 || a.MeetingID != w.meetings[2].ID {
				t.Fatalf("got %+v, want the same alert, now three in a row", a)
			}
			if sent := lapseMails(w.mails()); len(sent) != 0 {
				t.Fatalf("got %d more alert e-mails, want none for the same crossing", len(sent))
			}
		})
		t.Run("MembersOnly", func(t *testing.T) {
			l, err := w.lapses.CircleLapses(as(w.member), w.a.ID)
			must(t, err)
			if len(l.Alerts) != 0 {
				t.Fatalf("got %d alerts for a member, want none", len(l.Alerts))
			}
			for name, ctx := range w.outsiders() {
				_, err := w.lapses.CircleLapses(ctx, w.a.ID)
				if roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
					t.Fatalf("%s: got %v, want ENOTFOUND", name, err)
				}
				wantCode(t, w.lapses.MarkLapseDone(ctx, w.a.ID, w.member.ID), roundtable.ENOTFOUND)
			}
			wantCode(t, w.lapses.MarkLapseDone(as(w.kim), w.a.ID, w.member.ID), roundtable.EFORBIDDEN)
		})
		t.Run("Done", func(t *testing.T) {
			must(t, w.lapses.MarkLapseDone(as(w.fac), w.a.ID, w.member.ID))
			if a := w.alerts(t); len(a) != 0 {
				t.Fatalf("got %v, want the followed-up alert gone from the page", a)
			}
			wantCode(t, w.lapses.MarkLapseDone(as(w.fac), w.a.ID, w.member.ID), roundtable.ENOTFOUND)
		})
	})
}

// A correction that makes her present undoes the crossing; marking her
// absent again brings the same alert back without a second e-mail.
func TestLapseService_Corrected(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(2)
		w.hold(t, 1, w.kim)
		w.hold(t, 2, w.kim)
		if w.alerts(t)[w.member.ID] == nil {
			t.Fatal("got no alert for Mo, want one")
		}
		if sent := lapseMails(w.mails()); len(sent) != 1 {
			t.Fatalf("got %d alert e-mails, want 1", len(sent))
		}
		must(t, w.rooms.SetAttendance(as(w.fac), w.meetings[1].ID, w.member.ID, true))
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got %v after the correction, want no alert", a)
		}
		must(t, w.rooms.SetAttendance(as(w.fac), w.meetings[1].ID, w.member.ID, false))
		if w.alerts(t)[w.member.ID] == nil {
			t.Fatal("got no alert after marking her absent again, want it back")
		}
		if sent := lapseMails(w.mails()); len(sent) != 0 {
			t.Fatalf("got %d alert e-mails, want none: the crossing was told", len(sent))
		}
	})
}

// An alert undone before it is sent sends nothing.
func TestLapseService_CorrectedBeforeSending(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(2)
		w.hold(t, 1, w.kim)
		w.hold(t, 2, w.kim)
		must(t, w.rooms.SetAttendance(as(w.fac), w.meetings[0].ID, w.member.ID, true))
		if sent := lapseMails(w.mails()); len(sent) != 0 {
			t.Fatalf("got %d alert e-mails, want none once the crossing was undone", len(sent))
		}
		// Marked absent again, she crossed the rule at the same meeting: it
		// was never told, so it is now.
		must(t, w.rooms.SetAttendance(as(w.fac), w.meetings[0].ID, w.member.ID, false))
		if sent := lapseMails(w.e.deliver()); len(sent) != 0 {
			t.Fatalf("got %d alert e-mails at once, want them after the delay", len(sent))
		}
		if sent := lapseMails(w.mails()); len(sent) != 1 {
			t.Fatalf("got %d alert e-mails, want 1", len(sent))
		}
	})
}

func TestLapseService_Excused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(3)
		w.hold(t, 1, w.kim)
		wantCode(t, w.lapses.ExcuseAbsence(as(w.fac), w.meetings[1].ID, w.member.ID, true), roundtable.EINVALID) // not held yet
		must(t, w.lapses.ExcuseAbsence(as(w.fac), w.meetings[0].ID, w.member.ID, true))
		w.hold(t, 2, w.kim)
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got %v with the first absence excused, want none", a)
		}
		wantCode(t, w.lapses.ExcuseAbsence(as(w.fac), w.meetings[0].ID, w.kim.ID, true), roundtable.EINVALID) // she came
		wantCode(t, w.lapses.ExcuseAbsence(as(w.kim), w.meetings[0].ID, w.member.ID, true), roundtable.EFORBIDDEN)
		wantCode(t, w.lapses.ExcuseAbsence(as(w.org), w.meetings[0].ID, w.member.ID, true), roundtable.ENOTFOUND)
		wantCode(t, w.lapses.ExcuseAbsence(as(w.fac), w.meetings[0].ID, w.otherMember.ID, true), roundtable.EINVALID)

		must(t, w.lapses.ExcuseAbsence(as(w.fac), w.meetings[0].ID, w.member.ID, false))
		if w.alerts(t)[w.member.ID] == nil {
			t.Fatal("got no alert once the excuse was taken back, want one")
		}
		// Marking her absent again by the room's correction undoes the excuse.
		must(t, w.lapses.ExcuseAbsence(as(w.fac), w.meetings[1].ID, w.member.ID, true))
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got %v, want none with the second absence excused", a)
		}
		must(t, w.rooms.SetAttendance(as(w.fac), w.meetings[1].ID, w.member.ID, false))
		if w.alerts(t)[w.member.ID] == nil {
			t.Fatal("got no alert after the room's correction, want the excuse gone")
		}
	})
}

// More than a third of the meetings so far, from the third on; meetings not
// held yet (under way, or never taken attendance at) do not count.
func TestLapseService_ShareSoFar(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(6)
		w.hold(t, 1, w.kim) // 1 of 1, no rule yet
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got %v after one early absence, want none", a)
		}
		w.hold(t, 2, w.kim, w.member)
		w.hold(t, 3, w.kim, w.member) // 1 of 3: not more than a third
		w.hold(t, 4, w.kim, w.member)
		// Meeting 5 is under way: marking her absent now does not count.
		e.clock.Add(w.meetings[4].StartsAt.Add(10 * time.Minute).Sub(e.clock.Now()))
		must(t, w.rooms.SetAttendance(as(w.fac), w.meetings[4].ID, w.member.ID, false))
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got %v for a meeting under way, want none", a)
		}
		w.hold(t, 5, w.kim) // 2 of 5
		a := w.alerts(t)[w.member.ID]
		if a == nil || a.Rule != roundtable.RuleShare || a.Missed != 2 || a.Held != 5 {
			t.Fatalf("got %+v, want Mo's alert for 2 of 5", a)
		}
		if !strings.Contains(a.Reason(), "2 of the 5 meetings") {
			t.Fatalf("got reason %q, want the counts", a.Reason())
		}
		w.hold(t, 6, w.kim, w.member) // 2 of 6: back within the rule
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got %v once she came back, want none", a)
		}
	})
}

func TestLapseService_SetLapseRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(3)
		r, err := w.lapses.LapseRules(as(w.org), w.a.ProgramID)
		must(t, err)
		if r.InARow != 2 || r.ShareOf != 3 {
			t.Fatalf("got %+v, want the defaults", r)
		}
		for _, ctx := range []struct {
			name string
			u    *roundtable.User
		}{{"Facilitator", w.fac}, {"Member", w.member}, {"Stranger", w.stranger}} {
			_, err := w.lapses.LapseRules(as(ctx.u), w.a.ProgramID)
			wantCode(t, err, roundtable.ENOTFOUND)
			wantCode(t, w.lapses.SetLapseRules(as(ctx.u), &roundtable.LapseRules{ProgramID: w.a.ProgramID, InARow: 3, ShareOf: 2}), roundtable.ENOTFOUND)
		}
		err = w.lapses.SetLapseRules(as(w.org), &roundtable.LapseRules{ProgramID: w.a.ProgramID, InARow: 1, ShareOf: 5})
		wantCode(t, err, roundtable.EINVALID)
		if f := roundtable.ErrorFields(err); f["in_a_row"] == "" || f["share_of"] == "" {
			t.Fatalf("got fields %v, want in_a_row and share_of", f)
		}
		must(t, w.lapses.SetLapseRules(as(w.org), &roundtable.LapseRules{ProgramID: w.a.ProgramID, InARow: 3, ShareOf: 0}))
		w.hold(t, 1, w.kim, w.member)
		w.hold(t, 2, w.kim)
		w.hold(t, 3, w.kim) // two in a row, 2 of 3: neither rule now
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got %v under three in a row and no share rule, want none", a)
		}
	})
}

// More than half of the members said no to a meeting at least three days
// ahead: its facilitator is offered to find a new time, until a poll opens.
func TestLapseService_TimeTrouble(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(2) // members: Mo, Kim, Pat
		first, second := w.meetings[0], w.meetings[1]
		must(t, e.meetings.SetRSVP(as(w.member), second.ID, roundtable.RSVPNo))
		if l, _ := w.lapses.CircleLapses(as(w.fac), w.a.ID); len(l.Moves) != 0 {
			t.Fatalf("got %v with one of three saying no, want none", l.Moves)
		}
		must(t, e.meetings.SetRSVP(as(w.kim), second.ID, roundtable.RSVPNo))
		must(t, e.meetings.SetRSVP(as(w.member), first.ID, roundtable.RSVPNo))
		must(t, e.meetings.SetRSVP(as(w.kim), first.ID, roundtable.RSVPNo))
		e.clock.Add(first.StartsAt.Add(-2 * 24 * time.Hour).Sub(e.clock.Now())) // the first is two days ahead
		l, err := w.lapses.CircleLapses(as(w.fac), w.a.ID)
		must(t, err)
		if len(l.Moves) != 1 || l.Moves[0].MeetingID != second.ID || l.Moves[0].No != 2 || l.Moves[0].Members != 3 {
			t.Fatalf("got %+v, want the second meeting only, 2 of 3 saying no", l.Moves)
		}
		tt, err := w.lapses.MeetingTimeTrouble(as(w.fac), second.ID)
		must(t, err)
		if tt == nil || tt.MeetingID != second.ID {
			t.Fatalf("got %+v, want the second meeting's trouble", tt)
		}
		if tt, err := w.lapses.MeetingTimeTrouble(as(w.kim), second.ID); err != nil || tt != nil {
			t.Fatalf("got %+v, %v for a member, want nothing", tt, err)
		}
		_, err = w.lapses.MeetingTimeTrouble(as(w.org), second.ID)
		wantCode(t, err, roundtable.ENOTFOUND)

		polls := sqldb.NewPollService(e.db)
		at := second.StartsAt.Add(24 * time.Hour)
		must(t, polls.CreatePoll(as(w.fac), &roundtable.Poll{MeetingID: second.ID, Scope: roundtable.ScopeMeeting, Options: []*roundtable.PollOption{
			{StartsAt: at, Minutes: 60}, {StartsAt: at.Add(24 * time.Hour), Minutes: 60}}}))
		if tt, _ := w.lapses.MeetingTimeTrouble(as(w.fac), second.ID); tt != nil {
			t.Fatalf("got %+v with a poll open, want no offer", tt)
		}
	})
}

func TestLapseService_StepAway(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(2)
		w.hold(t, 1, w.kim)
		w.hold(t, 2, w.kim)
		e.deliver()
		wantCode(t, w.lapses.StepAway(as(w.fac), w.a.ID), roundtable.EINVALID)
		wantCode(t, w.lapses.StepAway(as(w.otherMember), w.a.ID), roundtable.ENOTFOUND)
		wantCode(t, w.lapses.StepAway(anon, w.a.ID), roundtable.ENOTFOUND)
		backfill := sqldb.NewBackfillService(e.db)
		before, err := backfill.FindOpenSeats(as(w.org), w.a.ProgramID)
		must(t, err)

		must(t, w.lapses.StepAway(as(w.member), w.a.ID))
		_, err = e.circles.FindCircleHome(as(w.member), w.a.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
		if a := w.alerts(t); len(a) != 0 {
			t.Fatalf("got %v, want no alert about someone who left", a)
		}
		after, err := backfill.FindOpenSeats(as(w.org), w.a.ProgramID)
		must(t, err)
		if seatsOf(after, w.a.ID) != seatsOf(before, w.a.ID)+1 {
			t.Fatalf("got %d open seats, want one more than %d", seatsOf(after, w.a.ID), seatsOf(before, w.a.ID))
		}
		if len(after.LateJoiners) != len(before.LateJoiners) {
			t.Fatalf("got %d late joiners, want %d: she stepped away, she waits for no seat", len(after.LateJoiners), len(before.LateJoiners))
		}
		sent := e.deliver()
		if len(sent) != 1 || sent[0].To != "fay@example.org" || !strings.Contains(sent[0].Subject, "stepped away") || !strings.Contains(sent[0].Text, w.member.Name) {
			t.Fatalf("got %+v, want one message to Fay that Mo stepped away", sent)
		}
		wantCode(t, w.lapses.StepAway(as(w.member), w.a.ID), roundtable.ENOTFOUND)
	})
}

func seatsOf(o *roundtable.OpenSeats, circleID string) int {
	for _, c := range o.Circles {
		if c.ID == circleID {
			return c.Open()
		}
	}
	return -1
}

// Meetings whose room took attendance but nobody ended count once the room
// stops taking attendance: the first join scheduled the measure for then.
func TestLapseService_HeldWithoutEnd(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(2)
		for _, m := range w.meetings {
			e.clock.Add(m.StartsAt.Add(5 * time.Minute).Sub(e.clock.Now()))
			must(t, w.rooms.Join(as(w.kim), m.ID))
			e.deliver()
			if a := w.alerts(t); len(a) != 0 {
				t.Fatalf("got %v during a meeting, want none", a)
			}
		}
		e.clock.Add(w.meetings[1].EndsAt().Add(32 * time.Minute).Sub(e.clock.Now()))
		e.deliver()
		if a := w.alerts(t)[w.member.ID]; a == nil || a.Missed != 2 || a.MeetingID != w.meetings[1].ID {
			t.Fatalf("got %+v, want Mo's alert once the second meeting is over", a)
		}
		if sent := lapseMails(w.mails()); len(sent) != 1 {
			t.Fatalf("got %d alert e-mails, want 1", len(sent))
		}
	})
}

// An alert the facilitator followed up from the circle page while its
// e-mail was held sends nothing: she was told already.
func TestLapseService_DoneBeforeSending(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(2)
		w.hold(t, 1, w.kim)
		w.hold(t, 2, w.kim)
		must(t, w.lapses.MarkLapseDone(as(w.fac), w.a.ID, w.member.ID))
		if sent := lapseMails(w.mails()); len(sent) != 0 {
			t.Fatalf("got %d alert e-mails, want none once she followed it up", len(sent))
		}
	})
}

// Correcting an earlier absence moves where a lapse that goes on began;
// the facilitator, told already, is not told again.
func TestLapseService_CorrectedEarlierOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(3)
		w.hold(t, 1, w.kim)
		w.hold(t, 2, w.kim)
		w.hold(t, 3, w.kim)
		if sent := lapseMails(w.mails()); len(sent) != 1 {
			t.Fatalf("got %d alert e-mails, want 1", len(sent))
		}
		must(t, w.rooms.SetAttendance(as(w.fac), w.meetings[0].ID, w.member.ID, true))
		if a := w.alerts(t)[w.member.ID]; a == nil || a.Missed != 2 {
			t.Fatalf("got %+v, want Mo's alert, two in a row", a)
		}
		if sent := lapseMails(w.mails()); len(sent) != 0 {
			t.Fatalf("got %d more alert e-mails %+v, want none: the lapse goes on and was told", len(sent), sent)
		}
	})
}

// Once she stepped away she writes nothing more in the circle, and is
// asked nothing more about it.
func TestLapseService_StepAway_NoMoreWriting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.lapseWorld(1)
		checkIns := sqldb.NewCheckInService(e.db)
		p, err := checkIns.FindCheckIns(as(w.member), w.a.ID, w.member.ID)
		must(t, err)
		goal := p.Goals[0].Goal.ID
		e.deliver()
		must(t, w.lapses.StepAway(as(w.member), w.a.ID))
		wantCode(t, checkIns.CheckIn(as(w.member), w.a.ID, []roundtable.CheckInEntry{{GoalID: goal, Rating: 3}}), roundtable.ENOTFOUND)
		wantCode(t, checkIns.ShareCheckIns(as(w.member), w.a.ID, true), roundtable.ENOTFOUND)
		wantCode(t, e.circles.SetGoals(as(w.member), w.a.ID, []string{"Still here"}), roundtable.ENOTFOUND)
		_, err = checkIns.FindCheckIns(as(w.member), w.a.ID, w.member.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
		mine, err := sqldb.NewCommitmentService(e.db).ListMyCommitments(as(w.member))
		must(t, err)
		if len(mine) != 0 {
			t.Fatalf("got %d commitments in the circle she left, want none", len(mine))
		}
		// A month on, the check-in prompts go to those still there.
		e.clock.Add(32 * 24 * time.Hour)
		for _, m := range e.deliver() {
			if m.To == w.member.Email {
				t.Fatalf("got %q to Mo, who stepped away; want nothing", m.Subject)
			}
		}
	})
}
