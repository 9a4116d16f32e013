package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// A template stays with its author unless she shares it with the program's
// facilitators: another circle's facilitator neither sees nor uses nor
// deletes a private one, even by its ID; a shared one he applies but does
// not change or delete; the program's organizer deletes any.
func TestAgendaService_TemplateVisibility(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e) // circle A, facilitated by Fay
		cB := e.circle(f.c.ProgramID, "Meridian")
		facB := e.facilitator(cB, "Hal", "hal@example.org")
		mB := &roundtable.Meeting{CircleID: cB.ID, StartsAt: e.clock.Now().Add(72 * time.Hour).Truncate(time.Minute), Minutes: 90, Place: "Here"}
		must(t, f.meetings.CreateMeeting(as(facB), mB))
		segs := []roundtable.Segment{{Title: "Ana's merger, part two", Kind: roundtable.SegmentDiscussion, Minutes: 30, Guidance: "Pick up where Ana left off."}}

		private := &roundtable.AgendaTemplate{Name: "Our clinic", Segments: segs}
		must(t, f.agendas.CreateAgendaTemplate(as(f.fac), f.c.ID, private))
		if private.Shared {
			t.Fatal("a template is shared unless its author says so")
		}
		list, err := f.agendas.ListAgendaTemplates(as(facB), cB.ID)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("B's facilitator sees %d templates, want none of A's private ones", len(list))
		}
		wantCode(t, f.agendas.ApplyTemplate(as(facB), mB.ID, private.ID, false), roundtable.ENOTFOUND)
		wantCode(t, f.agendas.DeleteAgendaTemplate(as(facB), private.ID), roundtable.ENOTFOUND)
		wantCode(t, f.agendas.ShareAgendaTemplate(as(facB), private.ID, true), roundtable.ENOTFOUND)
		if a, _ := f.agendas.FindAgenda(as(facB), mB.ID); len(a.Segments) != 0 {
			t.Fatalf("A's private template landed in B's agenda: %v", titles(a.Segments))
		}
		// Names are per author: B may use the same name, and learns nothing.
		must(t, f.agendas.CreateAgendaTemplate(as(facB), cB.ID, &roundtable.AgendaTemplate{Name: "Our clinic", Segments: segs}))

		shared := &roundtable.AgendaTemplate{Name: "Clinic for everyone", Segments: segs, Shared: true}
		must(t, f.agendas.CreateAgendaTemplate(as(f.fac), f.c.ID, shared))
		list, err = f.agendas.ListAgendaTemplates(as(facB), cB.ID)
		must(t, err)
		if len(list) != 2 || list[0].ID != shared.ID || !list[0].Shared || list[0].AuthorName == "" || list[1].CreatedBy != facB.ID {
			t.Fatalf("got %+v, want A's shared template with its author and B's own", list)
		}
		must(t, f.agendas.ApplyTemplate(as(facB), mB.ID, shared.ID, false))
		wantCode(t, f.agendas.DeleteAgendaTemplate(as(facB), shared.ID), roundtable.EFORBIDDEN)
		wantCode(t, f.agendas.ShareAgendaTemplate(as(facB), shared.ID, false), roundtable.EFORBIDDEN)

		// Its author takes it back; then B no longer sees it.
		must(t, f.agendas.ShareAgendaTemplate(as(f.fac), shared.ID, false))
		wantCode(t, f.agendas.ApplyTemplate(as(facB), mB.ID, shared.ID, false), roundtable.ENOTFOUND)

		// The program's organizer deletes any template of it; another's not.
		org2 := e.user("Nadia", "nadia@example.org", false, true)
		must(t, e.programs.AddOrganizer(sys, f.c.ProgramID, org2.Email))
		must(t, f.agendas.DeleteAgendaTemplate(as(org2), private.ID))
		stranger := e.user("Otto", "otto@example.org", false, true)
		e.program(stranger, "Other")
		wantCode(t, f.agendas.DeleteAgendaTemplate(as(stranger), shared.ID), roundtable.ENOTFOUND)
		if list, _ := f.agendas.ListAgendaTemplates(as(f.fac), f.c.ID); len(list) != 1 || list[0].ID != shared.ID {
			t.Fatalf("got %+v, want only Fay's now private template left to her", list)
		}
	})
}

// Templates saved before sharing existed become their author's alone, and
// programs start giving series meetings the usual circle meeting.
func TestMigration_0010AgendaDefaults(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		db := openBlank(t, e.db.Dialect())
		must(t, sqldb.MigrateUpToForTest(ctx, db, "0008_room_parts.sql"))
		const (
			uid = "01900000-0000-7000-8000-0000000000a1"
			pid = "01900000-0000-7000-8000-0000000000b1"
			cid = "01900000-0000-7000-8000-0000000000c1"
			tid = "01900000-0000-7000-8000-0000000000e1"
		)
		for _, q := range []string{
			`INSERT INTO users (id, email, name, time_zone, created_at) VALUES ('` + uid + `', 'ana@example.org', 'Ana', 'UTC', 0)`,
			`INSERT INTO programs (id, name, purpose, start_date, end_date, cadence, session_minutes, size_min, size_target, size_max, time_zone, ground_rules, created_at, updated_at)
				VALUES ('` + pid + `', 'P', 'x', '2026-01-01', '2026-12-01', 'monthly', 90, 2, 3, 4, 'UTC', 'Be kind.', 0, 0)`,
			`INSERT INTO circles (id, program_id, name, time_zone, created_at) VALUES ('` + cid + `', '` + pid + `', 'C', 'UTC', 0)`,
			`INSERT INTO circle_members (circle_id, user_id, role, invited_at, joined_at, ground_rules_accepted_at) VALUES ('` + cid + `', '` + uid + `', 'facilitator', 0, 0, 0)`,
			`INSERT INTO agenda_templates (id, program_id, name, segments, created_by, created_at)
				VALUES ('` + tid + `', '` + pid + `', 'Old one', '[{"title":"Talk","kind":"discussion","minutes":30}]', '` + uid + `', 0)`,
		} {
			must(t, sqldb.ExecForTest(ctx, db, q))
		}
		_, err := db.Migrate(ctx)
		must(t, err)
		list, err := sqldb.NewAgendaService(db).ListAgendaTemplates(as(&roundtable.User{ID: uid}), cid)
		must(t, err)
		if len(list) != 1 || list[0].Shared || list[0].CreatedBy != uid {
			t.Fatalf("got %+v, want the old template kept, private to its author", list)
		}
		p, err := sqldb.NewProgramService(db).FindProgramByID(sys, pid)
		must(t, err)
		if p.DefaultFormat != roundtable.DefaultFormatKey {
			t.Fatalf("got default format %q, want %q", p.DefaultFormat, roundtable.DefaultFormatKey)
		}
	})
}
