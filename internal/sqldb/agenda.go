package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/roundtable/roundtable"
)

// AgendaService implements roundtable.AgendaService.
type AgendaService struct{ db *DB }

var _ roundtable.AgendaService = (*AgendaService)(nil)

// NewAgendaService returns the agenda service.
func NewAgendaService(db *DB) *AgendaService { return &AgendaService{db: db} }

// canEditAgenda reports whether the actor may change a meeting's agenda and
// roles: the circle's facilitator, or whoever facilitates this meeting.
func canEditAgenda(ctx context.Context, tx *Tx, a actor, mb *membership, meetingID string) (bool, error) {
	if mb.role == roundtable.RoleFacilitator {
		return true, nil
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_roles WHERE meeting_id = $1 AND role = $2 AND user_id = $3`,
		meetingID, roundtable.RoleChair, a.id()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check meeting facilitator: %w", err)
	}
	return n > 0, nil
}

// editableMeeting returns a meeting whose agenda the actor may change:
// ENOTFOUND outside the circle, EGROUNDRULES before the rules are accepted,
// EFORBIDDEN for other members, EINVALID when it is cancelled or over.
func editableMeeting(ctx context.Context, tx *Tx, a actor, meetingID string) (*roundtable.Meeting, error) {
	m, mb, err := accessibleMeeting(ctx, tx, a, meetingID)
	if err != nil {
		return nil, err
	}
	ok, err := canEditAgenda(ctx, tx, a, mb, meetingID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the meeting's facilitator can change its agenda and roles.")
	}
	if err := checkChangeable(m, tx); err != nil {
		return nil, err
	}
	return m, nil
}

// FindAgenda returns a meeting's agenda to its circle.
func (s *AgendaService) FindAgenda(ctx context.Context, meetingID string) (*roundtable.Agenda, error) {
	a := actorOf(ctx)
	var out *roundtable.Agenda
	err := s.db.view(ctx, func(tx *Tx) error {
		m, mb, err := accessibleMeeting(ctx, tx, a, meetingID)
		if err != nil {
			return err
		}
		out, err = readAgenda(ctx, tx, a, m, mb)
		return err
	})
	return out, err
}

// readAgenda reads the agenda of a meeting the actor may see, with mb the
// actor's membership of its circle.
func readAgenda(ctx context.Context, tx *Tx, a actor, m *roundtable.Meeting, mb *membership) (*roundtable.Agenda, error) {
	var err error
	ag := &roundtable.Agenda{MeetingID: m.ID, CircleID: m.CircleID, ProgramID: mb.programID, StartsAt: m.StartsAt,
		Minutes: m.Minutes, Cancelled: m.Cancelled}
	if ag.Segments, err = loadSegments(ctx, tx, m.ID); err != nil {
		return nil, err
	}
	if ag.Roles, ag.Challenges, err = loadRolesAndChallenges(ctx, tx, m.ID); err != nil {
		return nil, err
	}
	if ag.FollowUps, ag.Commitments, err = loadMeetingActions(ctx, tx, m.ID); err != nil {
		return nil, err
	}
	// The roles just read say whether the reader facilitates this
	// meeting, as canEditAgenda would ask.
	ag.CanEdit = mb.role == roundtable.RoleFacilitator || slices.ContainsFunc(ag.Roles, func(r roundtable.RoleAssignment) bool {
		return r.Role == roundtable.RoleChair && r.UserID == a.id() && a.id() != ""
	})
	ag.CanEdit = ag.CanEdit && !m.Cancelled && m.EndsAt().After(tx.now)
	return ag, nil
}

const segmentColumns = `s.id, s.position, s.title, s.kind, s.minutes, s.roles, s.guidance, s.board, s.speaking_order, s.guests`

// loadSegments returns a meeting's segments in order, their titles and
// guidance opened with the circle's key.
func loadSegments(ctx context.Context, tx *Tx, meetingID string) ([]roundtable.Segment, error) {
	out, err := queryAll(ctx, tx, `SELECT `+segmentColumns+` FROM meeting_segments s WHERE s.meeting_id = $1 ORDER BY s.position, s.id`,
		func(rows *sql.Rows) (s roundtable.Segment, err error) {
			var guests int
			err = rows.Scan(&s.ID, &s.Position, &s.Title, &s.Kind, &s.Minutes, &s.Roles, &s.Guidance, &s.Board, &s.Order, &guests)
			s.Guests = guests == 1
			return s, err
		}, meetingID)
	if err != nil {
		return nil, fmt.Errorf("load segments: %w", err)
	}
	var o *opener
	if len(out) > 0 {
		o = tx.meetingOpener(ctx, meetingID)
	}
	for i := range out {
		out[i].Position = i // positions read back as 0…n-1 whatever gaps there were
		out[i].Title = o.open("meeting_segments", "title", out[i].ID, out[i].Title)
		out[i].Guidance = o.open("meeting_segments", "guidance", out[i].ID, out[i].Guidance)
	}
	return out, nil
}

// replaceSegments makes segs the meeting's agenda. A segment whose ID is one
// of the meeting's keeps it (the room's board refers to segments by ID);
// the others get new IDs; segments left out are deleted.
func replaceSegments(ctx context.Context, tx *Tx, meetingID string, segs []roundtable.Segment) error {
	existing, err := queryStrings(ctx, tx, `SELECT id FROM meeting_segments WHERE meeting_id = $1`, meetingID)
	if err != nil {
		return fmt.Errorf("list segments: %w", err)
	}
	mine := map[string]bool{}
	for _, id := range existing {
		mine[id] = true
	}
	kept := map[string]bool{}
	k, _, err := tx.meetingKey(ctx, meetingID)
	if err != nil {
		return err
	}
	for i := range segs {
		s := &segs[i]
		s.Position = i
		if !mine[s.ID] || kept[s.ID] {
			s.ID = newID()
		}
		title, err := sealWith(k, "meeting_segments", "title", s.ID, s.Title)
		if err != nil {
			return err
		}
		guidance, err := sealWith(k, "meeting_segments", "guidance", s.ID, s.Guidance)
		if err != nil {
			return err
		}
		if mine[s.ID] && !kept[s.ID] {
			kept[s.ID] = true
			_, err = tx.ExecContext(ctx, `
				UPDATE meeting_segments SET position = $1, title = $2, kind = $3, minutes = $4, roles = $5, guidance = $6,
					board = $7, speaking_order = $8, guests = $9
				WHERE id = $10`,
				s.Position, title, s.Kind, s.Minutes, s.Roles, guidance, s.Board, s.Order, flag(s.Guests), s.ID)
		} else {
			_, err = tx.ExecContext(ctx, `
				INSERT INTO meeting_segments (id, meeting_id, position, title, kind, minutes, roles, guidance, board, speaking_order, guests)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				s.ID, meetingID, s.Position, title, s.Kind, s.Minutes, s.Roles, guidance, s.Board, s.Order, flag(s.Guests))
		}
		if err != nil {
			return fmt.Errorf("save segment: %w", err)
		}
	}
	for _, id := range existing {
		if !kept[id] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM meeting_segments WHERE id = $1`, id); err != nil {
				return fmt.Errorf("delete segment: %w", err)
			}
		}
	}
	return nil
}

// cleanSegments trims what people typed.
func cleanSegments(segs []roundtable.Segment) []roundtable.Segment {
	out := make([]roundtable.Segment, len(segs))
	for i, s := range segs {
		s.ID, s.Title, s.Roles, s.Guidance = clean(s.ID), clean(s.Title), clean(s.Roles), clean(s.Guidance)
		out[i] = s
	}
	return out
}

// SetSegments replaces a meeting's agenda.
func (s *AgendaService) SetSegments(ctx context.Context, meetingID string, segs []roundtable.Segment) error {
	a := actorOf(ctx)
	segs = cleanSegments(segs)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := editableMeeting(ctx, tx, a, meetingID); err != nil {
			return err
		}
		if err := roundtable.ValidateSegments(segs); err != nil {
			return err
		}
		if err := replaceSegments(ctx, tx, meetingID, segs); err != nil {
			return err
		}
		if err := markAgendaOwn(ctx, tx, meetingID); err != nil {
			return err
		}
		return touchRoom(ctx, tx, meetingID)
	})
}

// markAgendaOwn records that a meeting's agenda was set for it alone, so a
// change of the circle's format leaves it be.
func markAgendaOwn(ctx context.Context, tx *Tx, meetingID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE meetings SET agenda_own = 1 WHERE id = $1`, meetingID); err != nil {
		return fmt.Errorf("mark agenda: %w", err)
	}
	return nil
}

// ApplyFormat sets or extends a meeting's agenda from a built-in format.
func (s *AgendaService) ApplyFormat(ctx context.Context, meetingID, key string, add bool) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		m, err := editableMeeting(ctx, tx, a, meetingID)
		if err != nil {
			return err
		}
		f, ok := roundtable.FormatByKey(key)
		if !ok {
			return &roundtable.Error{Code: roundtable.EINVALID, Message: "Choose one of the formats.",
				Fields: map[string]string{"format": "Choose one of the formats."}}
		}
		return applySegments(ctx, tx, m, f.Name, f.Segments, f.MinMinutes, add)
	})
}

// ApplyTemplate sets or extends a meeting's agenda from a saved template
// the caller may use.
func (s *AgendaService) ApplyTemplate(ctx context.Context, meetingID, templateID string, add bool) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		m, err := editableMeeting(ctx, tx, a, meetingID)
		if err != nil {
			return err
		}
		programID, err := circleProgram(ctx, tx, m.CircleID)
		if err != nil {
			return err
		}
		t, err := findTemplate(ctx, tx, templateID)
		if err != nil {
			return err
		}
		if t.ProgramID != programID || !(a.system || t.VisibleTo(a.id())) {
			return notFound("template")
		}
		return applySegments(ctx, tx, m, "The template “"+t.Name+"”", t.Segments, 0, add)
	})
}

// fitSegments plans segs for the meeting (people expected, open follow-ups,
// time left) and fits them into it (see roundtable.FitAgenda). It returns
// the whole agenda to save: the meeting's own segments first when add is
// set. name and minMinutes are the format's, for FitAgenda.
func fitSegments(ctx context.Context, tx *Tx, m *roundtable.Meeting, name string, segs []roundtable.Segment, minMinutes int, add bool) ([]roundtable.Segment, error) {
	people, err := expectedPeople(ctx, tx, m)
	if err != nil {
		return nil, err
	}
	open, err := openFollowUps(ctx, tx, m.ID)
	if err != nil {
		return nil, err
	}
	plan := roundtable.AgendaPlan{People: people, FollowUps: len(open), Minutes: m.Minutes}
	if add {
		if plan.Before, err = loadSegments(ctx, tx, m.ID); err != nil {
			return nil, err
		}
	}
	planned, err := roundtable.FitAgenda(name, segs, minMinutes, plan)
	if err != nil {
		return nil, err
	}
	all := append(plan.Before, planned...)
	if err := roundtable.ValidateSegments(all); err != nil {
		if f := roundtable.ErrorFields(err); f["segments"] != "" {
			return nil, &roundtable.Error{Code: roundtable.EINVALID, Message: f["segments"], Fields: map[string]string{"format": f["segments"]}}
		}
		return nil, err
	}
	return all, nil
}

// applySegments fits segs to the meeting and saves them as its agenda, or
// after it, as the meeting's own, and wakes its room.
func applySegments(ctx context.Context, tx *Tx, m *roundtable.Meeting, name string, segs []roundtable.Segment, minMinutes int, add bool) error {
	all, err := fitSegments(ctx, tx, m, name, segs, minMinutes, add)
	if err != nil {
		return err
	}
	if err := replaceSegments(ctx, tx, m.ID, all); err != nil {
		return err
	}
	if err := markAgendaOwn(ctx, tx, m.ID); err != nil {
		return err
	}
	return touchRoom(ctx, tx, m.ID)
}

// applyDefaultFormat gives a meeting just made the agenda of the
// program's default format, fitted to it. A format that does not fit leaves
// the meeting without an agenda; the series' preview says why.
func applyDefaultFormat(ctx context.Context, tx *Tx, m *roundtable.Meeting, f *roundtable.Format) error {
	all, err := fitSegments(ctx, tx, m, f.Name, f.Segments, f.MinMinutes, false)
	if roundtable.ErrorCode(err) == roundtable.EINVALID {
		return nil
	} else if err != nil {
		return err
	}
	return replaceSegments(ctx, tx, m.ID, all)
}

// startWithDefaultFormat gives a meeting made by hand the agenda of its
// circle's format (set by a decision) or its program's default format, as a
// series does, fitted to it.
func startWithDefaultFormat(ctx context.Context, tx *Tx, m *roundtable.Meeting) error {
	programID, err := circleProgram(ctx, tx, m.CircleID)
	if err != nil {
		return err
	}
	p, err := findProgram(ctx, tx, programID)
	if err != nil {
		return err
	}
	f, ok, err := circleFormat(ctx, tx, m.CircleID, p)
	if err != nil || !ok {
		return err
	}
	return applyDefaultFormat(ctx, tx, m, &f)
}

// defaultAgenda notes the circle's or program's default format, which the series' new
// meetings start with, and says in the preview whether it fits them.
func defaultAgenda(ctx context.Context, tx *Tx, w *seriesWork, p *roundtable.Program, sr *roundtable.Series) error {
	f, ok, err := circleFormat(ctx, tx, w.circleID, p)
	if err != nil || !ok {
		return err
	}
	// A meeting not made yet has no answers: everyone who joined is expected.
	people, err := expectedPeople(ctx, tx, &roundtable.Meeting{CircleID: w.circleID})
	if err != nil {
		return err
	}
	w.format, w.preview.Format = &f, f.Name
	if _, err := f.Fit(roundtable.AgendaPlan{People: people, Minutes: sr.Minutes}); err != nil {
		w.preview.FormatNote = roundtable.ErrorMessage(err)
	}
	return nil
}

// expectedPeople counts who may come to a meeting: everyone who joined the
// circle, less those who said they will not come.
func expectedPeople(ctx context.Context, tx *Tx, m *roundtable.Meeting) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM circle_members c
		WHERE c.circle_id = $1 AND c.joined_at IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM rsvps r WHERE r.meeting_id = $2 AND r.user_id = c.user_id AND r.answer = 'no')`,
		m.CircleID, m.ID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count expected people: %w", err)
	}
	return n, nil
}

// circleProgram returns the program of a circle.
func circleProgram(ctx context.Context, tx *Tx, circleID string) (string, error) {
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT program_id FROM circles WHERE id = $1`, circleID).Scan(&id); err != nil {
		return "", fmt.Errorf("find circle's program: %w", err)
	}
	return id, nil
}
