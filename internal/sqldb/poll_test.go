package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

func pollOf(meetingID string, scope roundtable.PollScope, starts ...time.Time) *roundtable.Poll {
	p := &roundtable.Poll{MeetingID: meetingID, Scope: scope, Note: "Half of us are away that week."}
	for _, s := range starts {
		p.Options = append(p.Options, &roundtable.PollOption{StartsAt: s, Minutes: 90})
	}
	return p
}

// The facilitator offers times, members answer, the best one is chosen and
// the meeting moves to it with a raised sequence.
func TestPollService_MoveOneMeeting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 6, 30))
		m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: start.Add(10 * 24 * time.Hour), Minutes: 90, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(s.fac), m))
		a, b, c := m.StartsAt.Add(24*time.Hour), m.StartsAt.Add(48*time.Hour), m.StartsAt.Add(72*time.Hour)
		mo, ana := s.members[0], s.members[1]
		outsider := e.user("Out", "out@example.org", false, true)

		for _, bad := range []struct {
			p     *roundtable.Poll
			field string
		}{
			{pollOf(m.ID, roundtable.ScopeMeeting, a), "options"},
			{pollOf(m.ID, roundtable.ScopeMeeting, a, a), "option2"},
			{pollOf(m.ID, roundtable.ScopeMeeting, a, start.Add(-time.Hour)), "option2"},
			{pollOf(m.ID, "sometimes", a, b), "scope"},
			{pollOf(m.ID, roundtable.ScopeSeries, a, b), "scope"}, // not a series meeting
		} {
			err := s.polls.CreatePoll(as(s.fac), bad.p)
			wantCode(t, err, roundtable.EINVALID)
			if roundtable.ErrorFields(err)[bad.field] == "" {
				t.Errorf("got %v, want a problem with %s", err, bad.field)
			}
		}
		wantCode(t, s.polls.CreatePoll(as(mo), pollOf(m.ID, roundtable.ScopeMeeting, a, b)), roundtable.EFORBIDDEN)
		wantCode(t, s.polls.CreatePoll(as(outsider), pollOf(m.ID, roundtable.ScopeMeeting, a, b)), roundtable.ENOTFOUND)

		p := pollOf(m.ID, roundtable.ScopeMeeting, a, b, c)
		must(t, s.polls.CreatePoll(as(s.fac), p))
		wantCode(t, s.polls.CreatePoll(as(s.fac), pollOf(m.ID, roundtable.ScopeMeeting, a, b)), roundtable.ECONFLICT)

		rows := e.outboxRows()
		open, reminders := rowsOf(rows, "poll.open", ""), rowsOf(rows, "poll.reminder", "")
		if len(open) != 2 || len(reminders) != 2 {
			t.Fatalf("got %d open and %d reminders, want 2 each (not to the facilitator)", len(open), len(reminders))
		}
		for _, r := range append(open, reminders...) {
			if r.UserID == s.fac.ID || r.RefID != p.ID || r.MeetingID != "" {
				t.Errorf("got %+v, want a member's message about poll %s", r, p.ID)
			}
		}
		if !reminders[0].DueAt.Equal(start.Add(48 * time.Hour)) {
			t.Errorf("reminder due %s, want two days later", reminders[0].DueAt)
		}

		ans := func(u *roundtable.User, x, y, z roundtable.PollAnswer) {
			t.Helper()
			must(t, s.polls.AnswerPoll(as(u), p.ID, map[string]roundtable.PollAnswer{p.Options[0].ID: x, p.Options[1].ID: y, p.Options[2].ID: z}))
		}
		ans(mo, roundtable.AnswerYes, roundtable.AnswerIfNeedBe, roundtable.AnswerNo)
		ans(ana, roundtable.AnswerNo, roundtable.AnswerYes, roundtable.AnswerYes)
		ans(mo, roundtable.AnswerYes, roundtable.AnswerYes, roundtable.AnswerNo) // a change of mind
		wantCode(t, s.polls.AnswerPoll(as(outsider), p.ID, map[string]roundtable.PollAnswer{p.Options[0].ID: roundtable.AnswerYes}), roundtable.ENOTFOUND)
		wantCode(t, s.polls.AnswerPoll(as(ana), p.ID, map[string]roundtable.PollAnswer{p.Options[0].ID: "perhaps"}), roundtable.EINVALID)
		wantCode(t, s.polls.AnswerPoll(as(ana), p.ID, map[string]roundtable.PollAnswer{"not-an-option": roundtable.AnswerYes}), roundtable.EINVALID)
		wantCode(t, func() error { _, err := s.polls.FindPoll(as(outsider), p.ID); return err }(), roundtable.ENOTFOUND)

		got, err := s.polls.FindPoll(as(ana), p.ID)
		must(t, err)
		best := got.Best()
		if best.ID != p.Options[1].ID || best.Yes != 2 || len(got.Answered) != 2 || !got.HasAnswered(mo.ID) {
			t.Fatalf("got best %+v of %+v, want the second time with two yes", best, got)
		}
		list, err := s.polls.ListPolls(as(mo), s.circle.ID)
		must(t, err)
		if len(list) != 1 || !list[0].Open() {
			t.Fatalf("got %d polls, want the open one", len(list))
		}

		wantCode(t, s.polls.ChoosePollOption(as(mo), p.ID, best.ID), roundtable.EFORBIDDEN)
		must(t, s.polls.ChoosePollOption(as(s.fac), p.ID, best.ID))
		moved, err := e.meetings.FindMeetingByID(as(mo), m.ID)
		must(t, err)
		if !moved.StartsAt.Equal(b) || moved.Sequence != 1 {
			t.Fatalf("got %s seq %d, want %s seq 1", moved.StartsAt, moved.Sequence, b)
		}
		if n := len(waiting(rowsOf(e.outboxRows(), "meeting.invitation", m.ID))); n != 3 {
			t.Errorf("got %d updated invitations waiting, want 3", n)
		}
		got, err = s.polls.FindPoll(as(mo), p.ID)
		must(t, err)
		if got.Open() || got.Chosen() == nil || got.Chosen().ID != best.ID {
			t.Fatalf("got %+v, want it closed with the second time", got)
		}
		wantCode(t, s.polls.AnswerPoll(as(ana), p.ID, map[string]roundtable.PollAnswer{p.Options[0].ID: roundtable.AnswerYes}), roundtable.EINVALID)
		wantCode(t, s.polls.ChoosePollOption(as(s.fac), p.ID, p.Options[0].ID), roundtable.EINVALID)

		// A new poll is possible once the first is closed; closing without a choice moves nothing.
		p2 := pollOf(m.ID, roundtable.ScopeMeeting, a, c)
		must(t, s.polls.CreatePoll(as(s.fac), p2))
		must(t, s.polls.ClosePoll(as(s.fac), p2.ID))
		again, err := e.meetings.FindMeetingByID(as(mo), m.ID)
		must(t, err)
		if !again.StartsAt.Equal(b) || again.Sequence != 1 {
			t.Errorf("closing a poll moved the meeting to %s seq %d", again.StartsAt, again.Sequence)
		}
	})
}

// A poll for "this and the following meetings" moves the series from the
// polled meeting on to the chosen weekday and time.
func TestPollService_MoveSeries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 4, 30))
		_, err := s.series.CreateSeries(as(s.fac), &roundtable.Series{CircleID: s.circle.ID, Slot: "Tue 15:00", Cadence: roundtable.Biweekly, Minutes: 90, VideoURL: "https://v.example/a"})
		must(t, err)
		ms := e.meetingsOf(s) // 3, 17, 31 Mar, 14, 28 Apr
		if len(ms) != 5 {
			t.Fatalf("got %d meetings, want 5", len(ms))
		}
		paris, _ := time.LoadLocation("Europe/Paris")
		thu := time.Date(2026, 3, 19, 18, 0, 0, 0, paris) // instead of Tuesday 17 March
		p := pollOf(ms[1].ID, roundtable.ScopeSeries, thu, thu.Add(time.Hour))
		must(t, s.polls.CreatePoll(as(s.fac), p))
		bad := pollOf(ms[1].ID, roundtable.ScopeSeries, time.Date(2026, 5, 5, 18, 0, 0, 0, paris), thu)
		must(t, s.polls.ClosePoll(as(s.fac), p.ID))
		err = s.polls.CreatePoll(as(s.fac), bad)
		wantCode(t, err, roundtable.EINVALID)
		if roundtable.ErrorFields(err)["option1"] == "" {
			t.Errorf("got %v, want option1 refused as outside the program", err)
		}
		p = pollOf(ms[1].ID, roundtable.ScopeSeries, thu, thu.Add(time.Hour))
		must(t, s.polls.CreatePoll(as(s.fac), p))
		must(t, s.polls.ChoosePollOption(as(s.fac), p.ID, p.Options[0].ID))

		after := e.meetingsOf(s)
		var active []*roundtable.Meeting
		for _, m := range after {
			if !m.Cancelled {
				active = append(active, m)
			}
		}
		want := []string{"2026-03-03 15:00", "2026-03-19 18:00", "2026-04-02 18:00", "2026-04-16 18:00", "2026-04-30 18:00"}
		if len(active) != len(want) {
			t.Fatalf("got %d meetings, want %d", len(active), len(want))
		}
		for i, m := range active {
			if got := m.StartsAt.In(paris).Format("2006-01-02 15:04"); got != want[i] {
				t.Errorf("meeting %d: got %s, want %s", i, got, want[i])
			}
		}
		if active[1].ID != ms[1].ID || active[1].Sequence != 1 {
			t.Errorf("got %+v, want the polled meeting moved with sequence 1", active[1])
		}
		sr, err := s.series.FindSeries(as(s.members[0]), s.circle.ID)
		must(t, err)
		if sr.Slot != "Thu 18:00" || sr.Cadence != roundtable.Biweekly {
			t.Errorf("got series %+v, want Thursdays at 18:00 every two weeks", sr)
		}
	})
}
