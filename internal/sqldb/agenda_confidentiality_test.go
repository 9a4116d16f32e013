package sqldb_test

import (
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// A meeting's agenda, roles, challenge cards and a facilitator's templates
// are circle content: organizers, administrators, other circles and
// strangers are told they do not exist, whatever they try; only deleting a
// template is open to the program's organizer.
func TestConfidentiality_Agenda(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		agendas := sqldb.NewAgendaService(e.db)
		segs := []roundtable.Segment{{Title: "Secret segment", Kind: roundtable.SegmentDiscussion, Minutes: 10}}
		must(t, agendas.SetSegments(as(w.fac), w.meeting.ID, segs))
		must(t, agendas.SetRoles(as(w.fac), w.meeting.ID, []roundtable.RoleAssignment{{Role: roundtable.RolePresenter, UserID: w.member.ID}}))
		must(t, agendas.SaveChallenge(as(w.member), &roundtable.Challenge{MeetingID: w.meeting.ID, Question: "Secret question"}))
		tpl := &roundtable.AgendaTemplate{Name: "Ours", Segments: segs}
		must(t, agendas.CreateAgendaTemplate(as(w.fac), w.a.ID, tpl))

		callers := w.outsiders()
		for name, ctx := range callers {
			t.Run(name, func(t *testing.T) {
				_, err := agendas.FindAgenda(ctx, w.meeting.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, agendas.SetSegments(ctx, w.meeting.ID, segs), roundtable.ENOTFOUND)
				wantCode(t, agendas.ApplyFormat(ctx, w.meeting.ID, "check_in", false), roundtable.ENOTFOUND)
				wantCode(t, agendas.ApplyTemplate(ctx, w.meeting.ID, tpl.ID, false), roundtable.ENOTFOUND)
				wantCode(t, agendas.SetRoles(ctx, w.meeting.ID, nil), roundtable.ENOTFOUND)
				_, err = agendas.SuggestRoles(ctx, w.meeting.ID, 1)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, agendas.SaveChallenge(ctx, &roundtable.Challenge{MeetingID: w.meeting.ID, Question: "Intrude"}), roundtable.ENOTFOUND)
				_, err = agendas.ListAgendaTemplates(ctx, w.a.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, agendas.CreateAgendaTemplate(ctx, w.a.ID, &roundtable.AgendaTemplate{Name: "Intruder", Segments: segs}), roundtable.ENOTFOUND)
				if name != "Organizer" && name != "Admin" { // who runs the program may delete: see below
					wantCode(t, agendas.DeleteAgendaTemplate(ctx, tpl.ID), roundtable.ENOTFOUND)
					wantCode(t, agendas.ShareAgendaTemplate(ctx, tpl.ID, true), roundtable.ENOTFOUND)
				}
			})
		}
		t.Run("TemplatesStayWithTheirAuthor", func(t *testing.T) {
			list, err := agendas.ListAgendaTemplates(as(w.otherFac), w.b.ID)
			must(t, err)
			if len(list) != 0 {
				t.Fatalf("got %v, want none of circle A's templates until its facilitator shares one", list)
			}
			must(t, agendas.ShareAgendaTemplate(as(w.fac), tpl.ID, true))
			if list, _ = agendas.ListAgendaTemplates(as(w.otherFac), w.b.ID); len(list) != 1 || list[0].Name != "Ours" {
				t.Fatalf("got %v, want circle A's template shared with the program's other facilitator", list)
			}
			// The program's organizer looks after its templates.
			must(t, agendas.DeleteAgendaTemplate(as(w.org), tpl.ID))
		})
		t.Run("PendingMember", func(t *testing.T) {
			ctx := as(w.pending)
			_, err := agendas.FindAgenda(ctx, w.meeting.ID)
			wantCode(t, err, roundtable.EGROUNDRULES)
			wantCode(t, agendas.SaveChallenge(ctx, &roundtable.Challenge{MeetingID: w.meeting.ID, Question: "x"}), roundtable.EGROUNDRULES)
			_, err = agendas.ListAgendaTemplates(ctx, w.a.ID)
			wantCode(t, err, roundtable.EGROUNDRULES)
		})
		t.Run("MembersRead", func(t *testing.T) {
			for _, u := range []*roundtable.User{w.fac, w.member} {
				a, err := agendas.FindAgenda(as(u), w.meeting.ID)
				must(t, err)
				if len(a.Segments) != 1 || a.Challenges[0].Question != "Secret question" {
					t.Fatalf("got %+v, want the agenda and the card", a)
				}
			}
		})
		t.Run("MalformedIDs", func(t *testing.T) {
			for _, id := range []string{"", "1", "../" + w.meeting.ID, w.meeting.ID + " ", "\xff\x00"} {
				_, err := agendas.FindAgenda(as(w.fac), id)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, agendas.ApplyTemplate(as(w.fac), w.meeting.ID, id, false), roundtable.ENOTFOUND)
				wantCode(t, agendas.DeleteAgendaTemplate(as(w.fac), id), roundtable.ENOTFOUND)
			}
		})
		t.Run("RemovedPresenterLosesAccess", func(t *testing.T) {
			must(t, e.circles.RemoveMember(as(w.org), w.a.ID, w.member.ID))
			wantCode(t, agendas.SaveChallenge(as(w.member), &roundtable.Challenge{MeetingID: w.meeting.ID, Question: "Still?"}), roundtable.ENOTFOUND)
		})
	})
}
