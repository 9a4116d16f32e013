package sqldb_test

import (
	"context"
	"log/slog"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// agendaFix is a circle with a facilitator, four members and a meeting in
// two days.
type agendaFix struct {
	*env
	agendas *sqldb.AgendaService
	c       *roundtable.Circle
	fac     *roundtable.User
	ms      []*roundtable.User // the members, in the order they joined
	m       *roundtable.Meeting
}

func newAgendaFix(t *testing.T, e *env) *agendaFix {
	t.Helper()
	org := e.user("Olga", "olga@example.org", false, true)
	p := e.program(org, "Leaders")
	f := &agendaFix{env: e, agendas: sqldb.NewAgendaService(e.db), c: e.circle(p.ID, "Harbour")}
	f.fac = e.facilitator(f.c, "Fay", "fay@example.org")
	for _, n := range []string{"ana", "ben", "cleo", "dev"} {
		f.ms = append(f.ms, e.member(f.c, n, n+"@example.org"))
		e.clock.Add(time.Minute) // a clear order of joining
	}
	f.m = f.meeting(48 * time.Hour)
	return f
}

// meeting schedules a 90-minute meeting after d.
func (f *agendaFix) meeting(d time.Duration) *roundtable.Meeting {
	f.t.Helper()
	m := &roundtable.Meeting{CircleID: f.c.ID, StartsAt: f.clock.Now().Add(d).Truncate(time.Minute), Minutes: 90, VideoURL: "https://v.example/h"}
	must(f.t, f.meetings.CreateMeeting(as(f.fac), m))
	return m
}

func (f *agendaFix) agenda(u *roundtable.User, meetingID string) *roundtable.Agenda {
	f.t.Helper()
	a, err := f.agendas.FindAgenda(as(u), meetingID)
	must(f.t, err)
	return a
}

func titles(segs []roundtable.Segment) []string {
	var out []string
	for _, s := range segs {
		out = append(out, s.Title)
	}
	return out
}

func TestAgendaService_SetSegments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		segs := []roundtable.Segment{
			{Title: " Check-in ", Kind: roundtable.SegmentRound, Minutes: 15, Order: roundtable.OrderRound, Guests: true},
			{Title: "Case", Kind: roundtable.SegmentPresent, Minutes: 10, Board: roundtable.BoardQuestions, Guidance: "Tell it."},
		}
		before := sqldb.RoomVersionForTest(context.Background(), e.db, f.m.ID)
		must(t, f.agendas.SetSegments(as(f.fac), f.m.ID, segs))
		if after := sqldb.RoomVersionForTest(context.Background(), e.db, f.m.ID); after <= before {
			t.Errorf("room version: got %d after %d, want it raised", after, before)
		}
		a := f.agenda(f.ms[0], f.m.ID)
		if got := titles(a.Segments); !slices.Equal(got, []string{"Check-in", "Case"}) || a.CanEdit {
			t.Fatalf("got %v (can edit %v), want the two segments, read-only for a member", got, a.CanEdit)
		}
		s := a.Segments[1]
		if s.Kind != roundtable.SegmentPresent || s.Minutes != 10 || s.Board != roundtable.BoardQuestions || s.Order != roundtable.OrderHands ||
			s.Guidance != "Tell it." || s.Position != 1 || s.Guests || !a.Segments[0].Guests || a.Segments[0].Order != roundtable.OrderRound {
			t.Fatalf("got %+v, want it as saved", a.Segments)
		}
		if a.TotalMinutes() != 25 || !a.Starts()[1].Equal(f.m.StartsAt.Add(15*time.Minute)) {
			t.Fatalf("got %d minutes, second start %v", a.TotalMinutes(), a.Starts()[1])
		}

		// Moved and changed, segments keep their IDs; a new one gets its own.
		caseID, checkID := a.Segments[1].ID, a.Segments[0].ID
		next := []roundtable.Segment{a.Segments[1], {Title: "Close", Kind: roundtable.SegmentClosing, Minutes: 5}, a.Segments[0]}
		next[0].Minutes = 20
		must(t, f.agendas.SetSegments(as(f.fac), f.m.ID, next))
		a = f.agenda(f.fac, f.m.ID)
		if a.Segments[0].ID != caseID || a.Segments[2].ID != checkID || a.Segments[1].ID == "" || a.Segments[0].Minutes != 20 || !a.CanEdit {
			t.Fatalf("got %+v, want IDs kept through the move", a.Segments)
		}
		// Removed.
		must(t, f.agendas.SetSegments(as(f.fac), f.m.ID, a.Segments[:1]))
		if a = f.agenda(f.fac, f.m.ID); len(a.Segments) != 1 || a.Segments[0].ID != caseID {
			t.Fatalf("got %+v, want the case alone", a.Segments)
		}

		t.Run("Invalid", func(t *testing.T) {
			err := f.agendas.SetSegments(as(f.fac), f.m.ID, []roundtable.Segment{{Title: "", Kind: "x", Minutes: 0}})
			wantCode(t, err, roundtable.EINVALID)
			if fl := roundtable.ErrorFields(err); fl["title_0"] == "" || fl["kind_0"] == "" || fl["minutes_0"] == "" {
				t.Fatalf("got %v, want problems with title, kind and minutes", fl)
			}
		})
		t.Run("MemberForbidden", func(t *testing.T) {
			wantCode(t, f.agendas.SetSegments(as(f.ms[0]), f.m.ID, segs), roundtable.EFORBIDDEN)
		})
		t.Run("MeetingFacilitatorMayEdit", func(t *testing.T) {
			must(t, f.agendas.SetRoles(as(f.fac), f.m.ID, []roundtable.RoleAssignment{{Role: roundtable.RoleChair, UserID: f.ms[1].ID}}))
			must(t, f.agendas.SetSegments(as(f.ms[1]), f.m.ID, segs))
			if !f.agenda(f.ms[1], f.m.ID).CanEdit {
				t.Fatal("got CanEdit false for the meeting's facilitator")
			}
			// She may hand the role on, and then no longer edits.
			must(t, f.agendas.SetRoles(as(f.ms[1]), f.m.ID, nil))
			wantCode(t, f.agendas.SetSegments(as(f.ms[1]), f.m.ID, segs), roundtable.EFORBIDDEN)
		})
		t.Run("CancelledOrOver", func(t *testing.T) {
			must(t, f.meetings.CancelMeeting(as(f.fac), f.m.ID))
			wantCode(t, f.agendas.SetSegments(as(f.fac), f.m.ID, segs), roundtable.EINVALID)
			if f.agenda(f.fac, f.m.ID).CanEdit {
				t.Fatal("got CanEdit for a cancelled meeting")
			}
			past := f.meeting(time.Hour)
			e.clock.Add(3 * time.Hour)
			wantCode(t, f.agendas.SetSegments(as(f.fac), past.ID, segs), roundtable.EINVALID)
			wantCode(t, f.agendas.ApplyFormat(as(f.fac), past.ID, "check_in", false), roundtable.EINVALID)
		})
	})
}

func TestAgendaService_ApplyFormat(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		// Five people expected: four members and the facilitator; one says no.
		must(t, f.meetings.SetRSVP(as(f.ms[3]), f.m.ID, roundtable.RSVPNo))
		must(t, f.agendas.ApplyFormat(as(f.fac), f.m.ID, "check_in", false))
		a := f.agenda(f.fac, f.m.ID)
		if len(a.Segments) != 1 || a.Segments[0].Minutes != 12 || a.Segments[0].Kind != roundtable.SegmentRound {
			t.Fatalf("got %+v, want a check-in of 4 × 3 minutes", a.Segments)
		}
		// Added after: the case clinic follows the check-in.
		must(t, f.agendas.ApplyFormat(as(f.fac), f.m.ID, "case_clinic", true))
		a = f.agenda(f.fac, f.m.ID)
		cc, _ := roundtable.FormatByKey("case_clinic")
		if len(a.Segments) != 1+len(cc.Segments) || a.Segments[1].Title != "Choose roles" || a.TotalMinutes() != 82 {
			t.Fatalf("got %v (%d min), want the check-in then the case clinic, 82 minutes", titles(a.Segments), a.TotalMinutes())
		}
		// Replaced: free discussion shares the meeting's 90 minutes.
		must(t, f.agendas.ApplyFormat(as(f.fac), f.m.ID, "discussion_synthesis", false))
		if a = f.agenda(f.fac, f.m.ID); len(a.Segments) != 2 || a.Segments[0].Minutes != 45 {
			t.Fatalf("got %+v, want two halves of 45 minutes", a.Segments)
		}

		// Open commitments from the meeting before bring follow-ups first.
		must(t, sqldb.ExecForTest(context.Background(), e.db, `UPDATE meetings SET starts_at = starts_at - 86400000 WHERE id = $1`, f.m.ID))
		next := f.meeting(14 * 24 * time.Hour)
		items := []*roundtable.ActionItem{
			{MeetingID: f.m.ID, OwnerID: f.ms[0].ID, Text: "Call the board"},
			{MeetingID: f.m.ID, OwnerID: f.ms[1].ID, Text: "Write to the team"},
		}
		must(t, sqldb.InsertActionItemsForTest(context.Background(), e.db, items))
		must(t, f.agendas.ApplyFormat(as(f.fac), next.ID, "peer_assist", false))
		a = f.agenda(f.ms[2], next.ID)
		if a.Segments[0].Kind != roundtable.SegmentFollowUps || a.Segments[0].Minutes != 4 || len(a.FollowUps) != 2 || a.FollowUps[0].OwnerName == "" {
			t.Fatalf("got %v, follow-ups %v; want follow-ups of 2 × 2 minutes first", titles(a.Segments), a.FollowUps)
		}
		if c := f.agenda(f.fac, f.m.ID).Commitments; len(c) != 2 || c[0].Text != "Call the board" {
			t.Fatalf("got commitments %v, want both made in the first meeting", c)
		}

		err := f.agendas.ApplyFormat(as(f.fac), next.ID, "karaoke", false)
		wantCode(t, err, roundtable.EINVALID)
		if roundtable.ErrorFields(err)["format"] == "" {
			t.Fatalf("got %v, want a problem with the format field", err)
		}
		wantCode(t, f.agendas.ApplyFormat(as(f.ms[0]), next.ID, "check_in", false), roundtable.EFORBIDDEN)
	})
}

func TestAgendaService_Templates(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		tpl := &roundtable.AgendaTemplate{Name: "Our clinic", Segments: []roundtable.Segment{
			{Title: "Check-in", Kind: roundtable.SegmentRound, Minutes: 20, Order: roundtable.OrderRound},
			{Title: "Case", Kind: roundtable.SegmentDiscussion, Minutes: 50, Board: roundtable.BoardSuggestions, Guests: true, Roles: "All"},
		}}
		must(t, f.agendas.CreateAgendaTemplate(as(f.fac), f.c.ID, tpl))
		if tpl.ID == "" || tpl.ProgramID != f.c.ProgramID || tpl.CreatedBy != f.fac.ID {
			t.Fatalf("got %+v, want ID, program and author set", tpl)
		}
		dup := &roundtable.AgendaTemplate{Name: "our CLINIC", Segments: tpl.Segments}
		err := f.agendas.CreateAgendaTemplate(as(f.fac), f.c.ID, dup)
		wantCode(t, err, roundtable.ECONFLICT)
		if roundtable.ErrorFields(err)["name"] == "" {
			t.Fatalf("got %v, want the name field marked", err)
		}
		wantCode(t, f.agendas.CreateAgendaTemplate(as(f.fac), f.c.ID, &roundtable.AgendaTemplate{Name: "Empty"}), roundtable.EINVALID)
		wantCode(t, f.agendas.CreateAgendaTemplate(as(f.ms[0]), f.c.ID, &roundtable.AgendaTemplate{Name: "Mine", Segments: tpl.Segments}), roundtable.EFORBIDDEN)

		list, err := f.agendas.ListAgendaTemplates(as(f.fac), f.c.ID)
		must(t, err)
		if len(list) != 1 || list[0].Name != "Our clinic" || len(list[0].Segments) != 2 || !list[0].Segments[1].Guests || list[0].Segments[1].Roles != "All" {
			t.Fatalf("got %+v, want the template as saved", list)
		}
		must(t, f.agendas.ApplyTemplate(as(f.fac), f.m.ID, tpl.ID, false))
		if a := f.agenda(f.fac, f.m.ID); !slices.Equal(titles(a.Segments), []string{"Check-in", "Case"}) || a.Segments[1].Board != roundtable.BoardSuggestions {
			t.Fatalf("got %+v, want the template's segments", a.Segments)
		}

		// Another program's facilitator neither applies nor deletes it.
		org2 := e.user("Otto", "otto@example.org", false, true)
		p2 := e.program(org2, "Other")
		c2 := e.circle(p2.ID, "Elsewhere")
		fac2 := e.facilitator(c2, "Gus", "gus@example.org")
		m2 := &roundtable.Meeting{CircleID: c2.ID, StartsAt: e.clock.Now().Add(72 * time.Hour), Minutes: 60, Place: "Here"}
		must(t, f.meetings.CreateMeeting(as(fac2), m2))
		wantCode(t, f.agendas.ApplyTemplate(as(fac2), m2.ID, tpl.ID, false), roundtable.ENOTFOUND)
		wantCode(t, f.agendas.DeleteAgendaTemplate(as(fac2), tpl.ID), roundtable.ENOTFOUND)
		wantCode(t, f.agendas.DeleteAgendaTemplate(as(f.ms[0]), tpl.ID), roundtable.ENOTFOUND)
		wantCode(t, f.agendas.ApplyTemplate(as(f.fac), f.m.ID, "not-an-id", false), roundtable.ENOTFOUND)

		// Its author deletes it.
		must(t, f.agendas.DeleteAgendaTemplate(as(f.fac), tpl.ID))
		if list, _ := f.agendas.ListAgendaTemplates(as(f.fac), f.c.ID); len(list) != 0 {
			t.Fatalf("got %d templates, want none left", len(list))
		}
	})
}

func TestAgendaService_Roles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		roles := []roundtable.RoleAssignment{
			{Role: roundtable.RolePresenter, UserID: f.ms[2].ID}, {Role: roundtable.RolePresenter, UserID: f.ms[0].ID},
			{Role: roundtable.RoleTimekeeper, UserID: f.ms[1].ID}, {Role: roundtable.RoleChair, UserID: f.fac.ID},
		}
		must(t, f.agendas.SetRoles(as(f.fac), f.m.ID, roles))
		a := f.agenda(f.ms[3], f.m.ID)
		if len(a.Roles) != 4 || a.Roles[0].Role != roundtable.RoleChair || a.Roles[1].UserID != f.ms[2].ID || a.Roles[2].UserID != f.ms[0].ID ||
			a.Roles[1].Name == "" || !a.Holds(f.ms[1].ID, roundtable.RoleTimekeeper) {
			t.Fatalf("got %+v, want the facilitator, two presenters in order, a timekeeper", a.Roles)
		}
		if len(a.Challenges) != 2 || a.Challenges[0].PresenterID != f.ms[2].ID || !a.Challenges[0].Empty() {
			t.Fatalf("got %+v, want two empty cards in the presenters' order", a.Challenges)
		}
		// The meeting's first presenter is what the meeting form shows.
		m, err := f.meetings.FindMeetingByID(as(f.fac), f.m.ID)
		must(t, err)
		if m.PresenterID != f.ms[2].ID {
			t.Fatalf("got presenter %q, want the first presenter", m.PresenterID)
		}

		stranger := e.user("Sam", "sam@example.org", false, false)
		err = f.agendas.SetRoles(as(f.fac), f.m.ID, []roundtable.RoleAssignment{{Role: roundtable.RoleNoteTaker, UserID: stranger.ID}})
		wantCode(t, err, roundtable.EINVALID)
		if roundtable.ErrorFields(err)["notetaker"] == "" {
			t.Fatalf("got %v, want the note-taker field marked", err)
		}
		err = f.agendas.SetRoles(as(f.fac), f.m.ID, []roundtable.RoleAssignment{
			{Role: roundtable.RoleOpener, UserID: f.ms[0].ID}, {Role: roundtable.RoleOpener, UserID: f.ms[1].ID}})
		wantCode(t, err, roundtable.EINVALID)
		wantCode(t, f.agendas.SetRoles(as(f.ms[0]), f.m.ID, nil), roundtable.EFORBIDDEN)
		_, err = f.agendas.SuggestRoles(as(f.ms[0]), f.m.ID, 1)
		wantCode(t, err, roundtable.EFORBIDDEN)
	})
}

// The rotation goes round the members in the order they joined, skips a
// member who said no and gives her the next turn, and does not count a
// turn missed at a meeting whose attendance showed her absent.
func TestAgendaService_SuggestRoles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		ctx := context.Background()
		ana, ben, cleo, dev := f.ms[0], f.ms[1], f.ms[2], f.ms[3]
		presenters := func(rs []roundtable.RoleAssignment) []string {
			var out []string
			for _, r := range rs {
				if r.Role == roundtable.RolePresenter {
					out = append(out, r.Name)
				}
			}
			return out
		}
		// accept suggests roles for m and keeps them.
		accept := func(m *roundtable.Meeting) []roundtable.RoleAssignment {
			t.Helper()
			rs, err := f.agendas.SuggestRoles(as(f.fac), m.ID, -1)
			must(t, err)
			must(t, f.agendas.SetRoles(as(f.fac), m.ID, rs))
			return rs
		}
		rs := accept(f.m)
		if got := presenters(rs); !slices.Equal(got, []string{ana.Name}) {
			t.Fatalf("first meeting: got presenters %v, want %s", got, ana.Name)
		}
		if len(rs) != 5 || rs[0].Role != roundtable.RoleChair || rs[0].UserID != f.fac.ID {
			t.Fatalf("got %+v, want the facilitator and four different members", rs)
		}
		m2 := f.meeting(30 * 24 * time.Hour)
		must(t, f.meetings.SetRSVP(as(ben), m2.ID, roundtable.RSVPNo))
		if got := presenters(accept(m2)); !slices.Equal(got, []string{cleo.Name}) {
			t.Fatalf("ben away: got %v, want %s", got, cleo.Name)
		}
		m3 := f.meeting(60 * 24 * time.Hour)
		if got := presenters(accept(m3)); !slices.Equal(got, []string{ben.Name}) {
			t.Fatalf("ben back: got %v, want %s, who kept his place", got, ben.Name)
		}
		// At m3 ben was marked absent in the room: his turn does not count.
		must(t, sqldb.ExecForTest(ctx, e.db, `INSERT INTO attendance (meeting_id, user_id, present, marked, updated_at) VALUES ($1, $2, 1, 1, 0), ($1, $3, 0, 1, 0)`,
			m3.ID, dev.ID, ben.ID))
		m4 := f.meeting(90 * 24 * time.Hour)
		if got := presenters(accept(m4)); !slices.Equal(got, []string{ben.Name}) {
			t.Fatalf("after ben missed his turn: got %v, want %s again", got, ben.Name)
		}
		// An agenda with two play-backs asks for two presenters.
		m5 := f.meeting(120 * 24 * time.Hour)
		must(t, f.agendas.SetSegments(as(f.fac), m5.ID, []roundtable.Segment{
			{Title: "A", Kind: roundtable.SegmentPlayback, Minutes: 5}, {Title: "B", Kind: roundtable.SegmentPlayback, Minutes: 5}}))
		rs, err := f.agendas.SuggestRoles(as(f.fac), m5.ID, -1)
		must(t, err)
		if got := presenters(rs); !slices.Equal(got, []string{dev.Name, ana.Name}) {
			t.Fatalf("two presenters: got %v, want %s then %s", got, dev.Name, ana.Name)
		}
	})
}

func TestAgendaService_Challenge(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		ana, ben := f.ms[0], f.ms[1]
		must(t, f.agendas.SetRoles(as(f.fac), f.m.ID, []roundtable.RoleAssignment{{Role: roundtable.RolePresenter, UserID: ana.ID}}))
		card := &roundtable.Challenge{MeetingID: f.m.ID, Context: "A merger.", Question: "How do I keep both teams?", Tried: "Town halls.", PresenterID: ben.ID}
		must(t, f.agendas.SaveChallenge(as(ana), card))
		a := f.agenda(ben, f.m.ID)
		c := a.Challenge(ana.ID)
		if c == nil || c.Question != "How do I keep both teams?" || c.Tried != "Town halls." || c.Name == "" || !c.UpdatedAt.Equal(e.clock.Now().Truncate(time.Millisecond)) {
			t.Fatalf("got %+v, want ana's card (never ben's, whatever she sends)", a.Challenges)
		}
		m, err := f.meetings.FindMeetingByID(as(ben), f.m.ID)
		must(t, err)
		if m.PresenterID != ana.ID || m.Challenge != "A merger." {
			t.Fatalf("got presenter %q, challenge %q; want ana and her context", m.PresenterID, m.Challenge)
		}

		wantCode(t, f.agendas.SaveChallenge(as(ben), &roundtable.Challenge{MeetingID: f.m.ID, Question: "Mine?"}), roundtable.EFORBIDDEN)
		wantCode(t, f.agendas.SaveChallenge(as(f.fac), &roundtable.Challenge{MeetingID: f.m.ID, Question: "Mine?"}), roundtable.EFORBIDDEN)
		err = f.agendas.SaveChallenge(as(ana), &roundtable.Challenge{MeetingID: f.m.ID, Context: "Only context"})
		wantCode(t, err, roundtable.EINVALID)
		if roundtable.ErrorFields(err)["question"] == "" {
			t.Fatalf("got %v, want the question required", err)
		}

		// The meeting form edits the first presenter's context, and only
		// when the text changed.
		m.Challenge = "A merger, and a move."
		must(t, f.meetings.UpdateMeeting(as(f.fac), m))
		if c := f.agenda(ana, f.m.ID).Challenge(ana.ID); c.Context != "A merger, and a move." || c.Question != "How do I keep both teams?" {
			t.Fatalf("got %+v, want the context changed and the rest kept", c)
		}
		// Another presenter through the form: ana's card stays hers, ben's is new.
		m, _ = f.meetings.FindMeetingByID(as(f.fac), f.m.ID)
		m.PresenterID = ben.ID
		must(t, f.meetings.UpdateMeeting(as(f.fac), m))
		a = f.agenda(ana, f.m.ID)
		if len(a.Challenges) != 1 || a.Challenges[0].PresenterID != ben.ID || !a.Challenges[0].Empty() {
			t.Fatalf("got %+v, want ben's empty card alone", a.Challenges)
		}
		// A challenge without a presenter has nobody to belong to.
		m, _ = f.meetings.FindMeetingByID(as(f.fac), f.m.ID)
		m.PresenterID, m.Challenge = "", "Someone's trouble"
		err = f.meetings.UpdateMeeting(as(f.fac), m)
		wantCode(t, err, roundtable.EINVALID)
		if roundtable.ErrorFields(err)["presenter_id"] == "" {
			t.Fatalf("got %v, want the presenter field marked", err)
		}
		// Taking the presenter off with the challenge untouched is fine.
		m, _ = f.meetings.FindMeetingByID(as(f.fac), f.m.ID)
		m.PresenterID = ""
		must(t, f.meetings.UpdateMeeting(as(f.fac), m))
		if a = f.agenda(ana, f.m.ID); len(a.Challenges) != 0 {
			t.Fatalf("got %+v, want no presenter", a.Challenges)
		}
	})
}

func TestActionItems(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		ctx := context.Background()
		m2 := f.meeting(30 * 24 * time.Hour)
		m3 := f.meeting(60 * 24 * time.Hour)
		items := []*roundtable.ActionItem{
			{MeetingID: f.m.ID, OwnerID: f.ms[0].ID, Text: "Delegate hiring", SourcePostID: "post-1"},
			{MeetingID: f.m.ID, OwnerID: f.ms[1].ID, Text: "Ask for feedback"},
		}
		must(t, sqldb.InsertActionItemsForTest(ctx, e.db, items))
		it := items[0]
		if it.ID == "" || it.CircleID != f.c.ID || it.DueMeetingID != m2.ID || !it.DueAt.Equal(m2.StartsAt) || it.Status != roundtable.ActionOpen {
			t.Fatalf("got %+v, want it due at the next meeting", it)
		}
		got, err := sqldb.FindActionItemForTest(ctx, e.db, it.ID)
		must(t, err)
		if got.Text != it.Text || got.SourcePostID != "post-1" || got.OwnerName == "" || !got.CreatedAt.Equal(e.clock.Now().Truncate(time.Millisecond)) {
			t.Fatalf("got %+v, want it as stored", got)
		}
		// Not in their own meeting's follow-ups; in the next one's and, while
		// open, in the ones after.
		for _, c := range []struct {
			m    *roundtable.Meeting
			want int
		}{{f.m, 0}, {m2, 2}, {m3, 2}} {
			open, err := sqldb.OpenFollowUpsForTest(ctx, e.db, c.m.ID)
			must(t, err)
			if len(open) != c.want {
				t.Fatalf("got %d follow-ups, want %d", len(open), c.want)
			}
		}
		must(t, sqldb.CloseActionItemForTest(ctx, e.db, it.ID, roundtable.ActionDone, "Done: Ravi hires now."))
		got, _ = sqldb.FindActionItemForTest(ctx, e.db, it.ID)
		if got.Status != roundtable.ActionDone || got.Report != "Done: Ravi hires now." || got.ClosedAt == nil {
			t.Fatalf("got %+v, want it done with the report", got)
		}
		if open, _ := sqldb.OpenFollowUpsForTest(ctx, e.db, m3.ID); len(open) != 1 || open[0].ID != items[1].ID {
			t.Fatalf("got %v, want the open one alone", open)
		}
		must(t, sqldb.CloseActionItemForTest(ctx, e.db, it.ID, roundtable.ActionOpen, "Not quite."))
		if got, _ = sqldb.FindActionItemForTest(ctx, e.db, it.ID); got.Status != roundtable.ActionOpen || got.ClosedAt != nil {
			t.Fatalf("got %+v, want it open again", got)
		}
		wantCode(t, sqldb.CloseActionItemForTest(ctx, e.db, it.ID, "maybe", ""), roundtable.EINVALID)
		wantCode(t, sqldb.CloseActionItemForTest(ctx, e.db, "01900000-0000-7000-8000-000000000000", roundtable.ActionDone, ""), roundtable.ENOTFOUND)

		// The due meeting moved before the item's due time: still due there.
		must(t, sqldb.ExecForTest(ctx, e.db, `UPDATE action_items SET due_at = due_at + 86400000 WHERE id = $1`, items[1].ID))
		if open, _ := sqldb.OpenFollowUpsForTest(ctx, e.db, m2.ID); len(open) != 2 {
			t.Fatalf("got %d follow-ups at the due meeting, want 2", len(open))
		}
		// The due meeting cancelled: the item comes back at the one after.
		must(t, f.meetings.CancelMeeting(as(f.fac), m2.ID))
		if open, _ := sqldb.OpenFollowUpsForTest(ctx, e.db, m3.ID); len(open) != 2 {
			t.Fatalf("got %d follow-ups after a cancellation, want 2", len(open))
		}
		// No later meeting: due four weeks on.
		late := []*roundtable.ActionItem{{MeetingID: m3.ID, OwnerID: f.ms[2].ID, Text: "Rest"}}
		must(t, sqldb.InsertActionItemsForTest(ctx, e.db, late))
		if late[0].DueMeetingID != "" || !late[0].DueAt.Equal(m3.StartsAt.Add(28*24*time.Hour)) {
			t.Fatalf("got %+v, want it due four weeks after its meeting", late[0])
		}

		// The pages read a meeting's follow-ups and the commitments made in
		// it in one query: the same items, in the same orders.
		for _, c := range []struct {
			m    *roundtable.Meeting
			made []*roundtable.ActionItem
		}{{f.m, items}, {m2, nil}, {m3, late}} {
			fu, made, err := sqldb.MeetingActionsForTest(ctx, e.db, c.m.ID)
			must(t, err)
			open, err := sqldb.OpenFollowUpsForTest(ctx, e.db, c.m.ID)
			must(t, err)
			if !reflect.DeepEqual(fu, open) {
				t.Errorf("got follow-ups %v, want %v", fu, open)
			}
			if len(made) != len(c.made) {
				t.Fatalf("got %d commitments made, want %d", len(made), len(c.made))
			}
			for i, it := range made {
				if it.ID != c.made[i].ID || it.OwnerName == "" || it.Text != c.made[i].Text {
					t.Errorf("commitment %d: got %+v, want %+v", i, it, c.made[i])
				}
			}
		}
	})
}

// Data written before agendas existed moves into them: the presenter into
// the roles, her challenge onto her card, a challenge without a presenter
// to the end of the agenda's text.
func TestMigration_0006Agenda(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		db := openBlank(t, e.db.Dialect())
		must(t, sqldb.MigrateUpToForTest(ctx, db, "0005_calendar_copies.sql"))
		const (
			uid = "01900000-0000-7000-8000-0000000000a1"
			pid = "01900000-0000-7000-8000-0000000000b1"
			cid = "01900000-0000-7000-8000-0000000000c1"
			m1  = "01900000-0000-7000-8000-0000000000d1"
			m2  = "01900000-0000-7000-8000-0000000000d2"
		)
		for _, q := range []string{
			`INSERT INTO users (id, email, name, time_zone, created_at) VALUES ('` + uid + `', 'ana@example.org', 'Ana', 'UTC', 0)`,
			`INSERT INTO programs (id, name, purpose, start_date, end_date, cadence, session_minutes, size_min, size_target, size_max, time_zone, ground_rules, created_at, updated_at)
				VALUES ('` + pid + `', 'P', 'x', '2026-01-01', '2026-12-01', 'monthly', 90, 2, 3, 4, 'UTC', 'Be kind.', 0, 0)`,
			`INSERT INTO circles (id, program_id, name, time_zone, created_at) VALUES ('` + cid + `', '` + pid + `', 'C', 'UTC', 0)`,
			`INSERT INTO circle_members (circle_id, user_id, role, invited_at, joined_at, ground_rules_accepted_at) VALUES ('` + cid + `', '` + uid + `', 'member', 0, 0, 0)`,
			`INSERT INTO meetings (id, circle_id, starts_at, minutes, video_url, place, agenda, created_at, presenter_id, challenge, updated_at)
				VALUES ('` + m1 + `', '` + cid + `', 1900000000000, 90, '', 'Here', 'Round', 0, '` + uid + `', 'My old challenge', 5)`,
			`INSERT INTO meetings (id, circle_id, starts_at, minutes, video_url, place, agenda, created_at, challenge, updated_at)
				VALUES ('` + m2 + `', '` + cid + `', 1900000000000, 90, '', 'Here', 'Round', 0, 'Nobody''s challenge', 5)`,
		} {
			must(t, sqldb.ExecForTest(ctx, db, q))
		}
		_, err := db.Migrate(ctx)
		must(t, err)
		// The start-up step gives the older circle its key and seals the
		// card and the two meetings' agendas.
		keys, sealed, err := db.SealAtRest(ctx)
		must(t, err)
		if keys != 1 || sealed != 3 {
			t.Errorf("start-up step made %d keys and sealed %d values; want 1 and 3", keys, sealed)
		}
		meetings := sqldb.NewMeetingService(db)
		got, err := meetings.FindMeetingByID(sys, m1)
		must(t, err)
		if got.PresenterID != uid || got.Challenge != "My old challenge" || got.Agenda != "Round" {
			t.Fatalf("got %q %q %q, want the presenter and her challenge kept", got.PresenterID, got.Challenge, got.Agenda)
		}
		a, err := sqldb.NewAgendaService(db).FindAgenda(sys, m1)
		must(t, err)
		if len(a.Roles) != 1 || a.Roles[0].Role != roundtable.RolePresenter || len(a.Challenges) != 1 || a.Challenges[0].Context != "My old challenge" {
			t.Fatalf("got roles %+v, cards %+v", a.Roles, a.Challenges)
		}
		got, err = meetings.FindMeetingByID(sys, m2)
		must(t, err)
		if got.PresenterID != "" || got.Challenge != "" || got.Agenda != "Round\n\nChallenge: Nobody's challenge" {
			t.Fatalf("got %q %q %q, want the challenge at the end of the agenda", got.PresenterID, got.Challenge, got.Agenda)
		}
	})
}

// openBlank opens an empty database of the engine, not migrated.
func openBlank(t *testing.T, engine string) *sqldb.DB {
	t.Helper()
	url := "sqlite:" + t.TempDir() + "/blank.db"
	if engine == "postgres" {
		url = sqldbtest.CreatePostgresDatabase(t)
	}
	db, err := sqldb.Open(context.Background(), sqldb.Config{URL: url, Logger: slog.New(slog.DiscardHandler), Keyring: sqldbtest.Keyring(t)})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// The meeting page reads the meeting, its circle and the agenda together:
// the same as FindMeetingHome and FindAgenda give, under the same checks.
func TestCircleService_FindMeetingPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		ctx := context.Background()
		must(t, f.agendas.SetRoles(as(f.fac), f.m.ID, []roundtable.RoleAssignment{
			{Role: roundtable.RolePresenter, UserID: f.ms[2].ID}, {Role: roundtable.RolePresenter, UserID: f.ms[0].ID},
			{Role: roundtable.RoleChair, UserID: f.ms[1].ID},
		}))
		must(t, f.agendas.SaveChallenge(as(f.ms[0]), &roundtable.Challenge{MeetingID: f.m.ID, Context: "A team of nine", Question: "Whom to promote?"}))
		must(t, f.agendas.SaveChallenge(as(f.ms[2]), &roundtable.Challenge{MeetingID: f.m.ID, Context: "A merger", Question: "What to keep?"}))
		before := f.meeting(-24 * time.Hour)
		must(t, sqldb.InsertActionItemsForTest(ctx, e.db, []*roundtable.ActionItem{{MeetingID: before.ID, OwnerID: f.ms[3].ID, Text: "Ask the board"}}))
		must(t, sqldb.InsertActionItemsForTest(ctx, e.db, []*roundtable.ActionItem{{MeetingID: f.m.ID, OwnerID: f.ms[1].ID, Text: "Write it down"}}))
		must(t, f.meetings.SetRSVP(as(f.ms[1]), f.m.ID, roundtable.RSVPYes))
		must(t, f.meetings.SetRSVP(as(f.ms[3]), f.m.ID, roundtable.RSVPNo))
		must(t, f.meetings.SetRSVP(as(f.ms[1]), before.ID, roundtable.RSVPNo))
		for _, u := range []*roundtable.User{f.fac, f.ms[0], f.ms[1], f.ms[3]} {
			pg, err := f.circles.FindMeetingPage(as(u), f.m.ID)
			must(t, err)
			wm, wh, err := f.circles.FindMeetingHome(as(u), f.m.ID)
			must(t, err)
			wag := f.agenda(u, f.m.ID)
			var wpolls []*roundtable.Poll
			for _, p := range wh.Polls {
				if p.MeetingID == f.m.ID {
					wpolls = append(wpolls, p)
				}
			}
			if !reflect.DeepEqual(pg.Meeting, wm) || !reflect.DeepEqual(pg.Circle, wh.Circle) || !reflect.DeepEqual(pg.Me, wh.Me) || !reflect.DeepEqual(pg.Polls, wpolls) {
				t.Errorf("as %s: the meeting, its answers, the circle or the polls differ from FindMeetingHome's", u.Name)
			}
			if !reflect.DeepEqual(pg.Agenda, wag) {
				t.Errorf("as %s: got agenda %+v, want %+v", u.Name, pg.Agenda, wag)
			}
			if !pg.Starts[before.ID].Equal(before.StartsAt) || !pg.Starts[f.m.ID].Equal(f.m.StartsAt) {
				t.Errorf("as %s: got starts %v, want the follow-up's meeting %v and this one %v", u.Name, pg.Starts, before.StartsAt, f.m.StartsAt)
			}
			// The meeting is read with its first presenter and her card:
			// the same as one meeting read alone.
			m, ag := pg.Meeting, pg.Agenda
			if m.PresenterID != f.ms[2].ID || m.Challenge != "A merger" {
				t.Errorf("as %s: got presenter %q with %q, want %q with %q", u.Name, m.PresenterID, m.Challenge, f.ms[2].ID, "A merger")
			}
			if len(ag.Challenges) != 2 || ag.Challenges[1].Context != "A team of nine" || len(ag.FollowUps) != 1 || len(ag.Commitments) != 1 {
				t.Errorf("as %s: got cards %+v, follow-ups %v, commitments %v", u.Name, ag.Challenges, ag.FollowUps, ag.Commitments)
			}
		}
		stranger := e.user("Sam", "sam@example.org", false, false)
		for _, who := range []context.Context{as(stranger), anon} {
			_, err := f.circles.FindMeetingPage(who, f.m.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
		}
		_, err := f.circles.FindMeetingPage(as(f.fac), "nope")
		wantCode(t, err, roundtable.ENOTFOUND)
	})
}
