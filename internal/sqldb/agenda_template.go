package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
)

// templateSegment is how a template's segment is kept in JSON: the fields
// of roundtable.Segment that a template carries, under names of our own so
// renaming a Go field does not lose saved templates.
type templateSegment struct {
	Title     string `json:"title"`
	Kind      string `json:"kind"`
	Minutes   int    `json:"minutes"`
	PerPerson int    `json:"per_person,omitempty"`
	Roles     string `json:"roles,omitempty"`
	Guidance  string `json:"guidance,omitempty"`
	Board     string `json:"board,omitempty"`
	Order     string `json:"order,omitempty"`
	Guests    bool   `json:"guests,omitempty"`
}

func encodeSegments(segs []roundtable.Segment) (string, error) {
	out := make([]templateSegment, len(segs))
	for i, s := range segs {
		out[i] = templateSegment{Title: s.Title, Kind: string(s.Kind), Minutes: s.Minutes, PerPerson: s.PerPerson, Roles: s.Roles,
			Guidance: s.Guidance, Board: string(s.Board), Order: string(s.Order), Guests: s.Guests}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeSegments(text string) ([]roundtable.Segment, error) {
	var in []templateSegment
	if err := json.Unmarshal([]byte(text), &in); err != nil {
		return nil, fmt.Errorf("read template segments: %w", err)
	}
	out := make([]roundtable.Segment, len(in))
	for i, s := range in {
		out[i] = roundtable.Segment{Position: i, Title: s.Title, Kind: roundtable.SegmentKind(s.Kind), Minutes: s.Minutes,
			PerPerson: s.PerPerson, Roles: s.Roles, Guidance: s.Guidance, Board: roundtable.BoardMode(s.Board),
			Order: roundtable.SpeakingOrder(s.Order), Guests: s.Guests}
	}
	return out, nil
}

func scanTemplate(row interface{ Scan(...any) error }) (*roundtable.AgendaTemplate, error) {
	var t roundtable.AgendaTemplate
	var segs string
	var shared int
	var created int64
	if err := row.Scan(&t.ID, &t.ProgramID, &t.Name, &segs, &shared, &t.CreatedBy, &t.AuthorName, &created); err != nil {
		return nil, err
	}
	t.Shared, t.CreatedAt = shared == 1, fromMS(created)
	var err error
	t.Segments, err = decodeSegments(segs)
	return &t, err
}

const templateSelect = `SELECT t.id, t.program_id, t.name, t.segments, t.shared, COALESCE(t.created_by, ''), COALESCE(u.name, ''), t.created_at
	FROM agenda_templates t LEFT JOIN users u ON u.id = t.created_by`

// findTemplate returns a template without checking who asks.
func findTemplate(ctx context.Context, tx *Tx, id string) (*roundtable.AgendaTemplate, error) {
	if !validID(id) {
		return nil, notFound("template")
	}
	t, err := scanTemplate(tx.QueryRowContext(ctx, templateSelect+` WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("template")
	} else if err != nil {
		return nil, fmt.Errorf("find template: %w", err)
	}
	return t, nil
}

// ListAgendaTemplates returns the templates of a circle's program that the
// caller may use: the shared ones and her own.
func (s *AgendaService) ListAgendaTemplates(ctx context.Context, circleID string) ([]*roundtable.AgendaTemplate, error) {
	a := actorOf(ctx)
	var out []*roundtable.AgendaTemplate
	err := s.db.view(ctx, func(tx *Tx) error {
		mb, err := memberWithRules(ctx, tx, a, circleID)
		if err != nil {
			return err
		}
		out, err = queryAll(ctx, tx, templateSelect+`
			WHERE t.program_id = $1 AND (t.shared = 1 OR t.created_by = $2 OR CAST($3 AS INTEGER) = 1)
			ORDER BY lower(t.name), t.id`,
			func(rows *sql.Rows) (*roundtable.AgendaTemplate, error) { return scanTemplate(rows) }, mb.programID, a.id(), flag(a.system))
		if err != nil {
			return fmt.Errorf("list templates: %w", err)
		}
		return nil
	})
	return out, err
}

// CreateAgendaTemplate saves a template for the program of a circle.
func (s *AgendaService) CreateAgendaTemplate(ctx context.Context, circleID string, t *roundtable.AgendaTemplate) error {
	a := actorOf(ctx)
	t.Name, t.Segments = clean(t.Name), cleanSegments(t.Segments)
	return s.db.update(ctx, func(tx *Tx) error {
		mb, err := requireFacilitator(ctx, tx, a, circleID, "save agenda templates")
		if err != nil {
			return err
		}
		if err := t.Validate(); err != nil {
			return err
		}
		segs, err := encodeSegments(t.Segments)
		if err != nil {
			return err
		}
		t.ID, t.ProgramID, t.CreatedBy, t.CreatedAt = newID(), mb.programID, a.id(), tx.now
		_, err = tx.ExecContext(ctx, `
			INSERT INTO agenda_templates (id, program_id, name, segments, shared, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			t.ID, t.ProgramID, t.Name, segs, flag(t.Shared), nullable(t.CreatedBy), ms(t.CreatedAt))
		if isUniqueViolation(err) {
			return &roundtable.Error{Code: roundtable.ECONFLICT, Message: "You have a template of that name already.",
				Fields: map[string]string{"name": "You have a template of that name already: choose another name."}}
		} else if err != nil {
			return fmt.Errorf("insert template: %w", err)
		}
		return nil
	})
}

// ownedTemplate returns a template the actor may change: her own, or any of
// a program she organizes. A facilitator of the program who sees the
// template because it is shared gets EFORBIDDEN; anyone else ENOTFOUND.
func ownedTemplate(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.AgendaTemplate, error) {
	t, err := findTemplate(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if a.system || (t.CreatedBy != "" && t.CreatedBy == a.id()) {
		return t, nil
	}
	err = requireOrganizer(ctx, tx, a, t.ProgramID)
	if err == nil || roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
		return t, err
	}
	if t.Shared {
		var n int
		err := tx.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id
			WHERE c.program_id = $1 AND m.user_id = $2 AND m.role = 'facilitator' AND m.ground_rules_accepted_at IS NOT NULL`,
			t.ProgramID, a.id()).Scan(&n)
		if err != nil {
			return nil, fmt.Errorf("check facilitator: %w", err)
		}
		if n > 0 {
			return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the template's author or the program's organizer can change or delete it.")
		}
	}
	return nil, notFound("template")
}

// ShareAgendaTemplate sets who sees a template.
func (s *AgendaService) ShareAgendaTemplate(ctx context.Context, id string, shared bool) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := ownedTemplate(ctx, tx, a, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agenda_templates SET shared = $1 WHERE id = $2`, flag(shared), id); err != nil {
			return fmt.Errorf("share template: %w", err)
		}
		return nil
	})
}

// DeleteAgendaTemplate deletes a template for its author or the program's
// organizer.
func (s *AgendaService) DeleteAgendaTemplate(ctx context.Context, id string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := ownedTemplate(ctx, tx, a, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agenda_templates WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete template: %w", err)
		}
		return nil
	})
}
