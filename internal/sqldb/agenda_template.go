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
	var created int64
	if err := row.Scan(&t.ID, &t.ProgramID, &t.Name, &segs, &t.CreatedBy, &created); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMS(created)
	var err error
	t.Segments, err = decodeSegments(segs)
	return &t, err
}

const templateColumns = `id, program_id, name, segments, COALESCE(created_by, ''), created_at`

// findTemplate returns a template without checking who asks.
func findTemplate(ctx context.Context, tx *Tx, id string) (*roundtable.AgendaTemplate, error) {
	if !validID(id) {
		return nil, notFound("template")
	}
	t, err := scanTemplate(tx.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM agenda_templates WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("template")
	} else if err != nil {
		return nil, fmt.Errorf("find template: %w", err)
	}
	return t, nil
}

// ListAgendaTemplates returns the templates of a circle's program.
func (s *AgendaService) ListAgendaTemplates(ctx context.Context, circleID string) ([]*roundtable.AgendaTemplate, error) {
	a := actorOf(ctx)
	var out []*roundtable.AgendaTemplate
	err := s.db.view(ctx, func(tx *Tx) error {
		mb, err := memberWithRules(ctx, tx, a, circleID)
		if err != nil {
			return err
		}
		out, err = queryAll(ctx, tx, `SELECT `+templateColumns+` FROM agenda_templates WHERE program_id = $1 ORDER BY lower(name), id`,
			func(rows *sql.Rows) (*roundtable.AgendaTemplate, error) { return scanTemplate(rows) }, mb.programID)
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
			INSERT INTO agenda_templates (id, program_id, name, segments, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, t.ProgramID, t.Name, segs, nullable(t.CreatedBy), ms(t.CreatedAt))
		if isUniqueViolation(err) {
			return &roundtable.Error{Code: roundtable.ECONFLICT, Message: "The program has a template of that name already.",
				Fields: map[string]string{"name": "The program has a template of that name already: choose another name."}}
		} else if err != nil {
			return fmt.Errorf("insert template: %w", err)
		}
		return nil
	})
}

// DeleteAgendaTemplate deletes a template for a facilitator of its program.
func (s *AgendaService) DeleteAgendaTemplate(ctx context.Context, id string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		t, err := findTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.system {
			var n int
			err := tx.QueryRowContext(ctx, `
				SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id
				WHERE c.program_id = $1 AND m.user_id = $2 AND m.role = 'facilitator' AND m.ground_rules_accepted_at IS NOT NULL`,
				t.ProgramID, a.id()).Scan(&n)
			if err != nil {
				return fmt.Errorf("check facilitator: %w", err)
			}
			if n == 0 {
				return notFound("template")
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agenda_templates WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete template: %w", err)
		}
		return nil
	})
}
