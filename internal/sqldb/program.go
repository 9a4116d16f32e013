package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// ProgramService implements roundtable.ProgramService.
type ProgramService struct{ db *DB }

var _ roundtable.ProgramService = (*ProgramService)(nil)

// NewProgramService returns the program service.
func NewProgramService(db *DB) *ProgramService { return &ProgramService{db: db} }

const programColumns = `p.id, p.name, p.purpose, p.start_date, p.end_date, p.cadence, p.session_minutes,
	p.size_min, p.size_target, p.size_max, p.time_zone, p.ground_rules, p.default_format, p.applications_open, p.questions,
	p.created_at, p.updated_at, p.anonymise_after_days, p.checkin_every`

func scanProgram(row interface{ Scan(...any) error }) (*roundtable.Program, error) {
	var p roundtable.Program
	var start, end, questions string
	var created, updated int64
	err := row.Scan(&p.ID, &p.Name, &p.Purpose, &start, &end, &p.Cadence, &p.SessionMinutes,
		&p.SizeMin, &p.SizeTarget, &p.SizeMax, &p.TimeZone, &p.GroundRules, &p.DefaultFormat, &p.ApplicationsOpen, &questions, &created, &updated, &p.AnonymiseAfterDays, &p.CheckInEvery)
	if err != nil {
		return nil, err
	}
	if questions != "" {
		if err := json.Unmarshal([]byte(questions), &p.Questions); err != nil {
			return nil, fmt.Errorf("read questions of program %s: %w", p.ID, err)
		}
	}
	p.StartDate, _ = time.Parse(roundtable.DateLayout, start)
	p.EndDate, _ = time.Parse(roundtable.DateLayout, end)
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return &p, nil
}

// findProgram returns a program by ID without checking who asks.
func findProgram(ctx context.Context, tx *Tx, id string) (*roundtable.Program, error) {
	if !validID(id) {
		return nil, notFound("program")
	}
	p, err := scanProgram(tx.QueryRowContext(ctx, `SELECT `+programColumns+` FROM programs p WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("program")
	} else if err != nil {
		return nil, fmt.Errorf("find program: %w", err)
	}
	return p, nil
}

// FindProgramByID returns a program the caller organizes.
func (s *ProgramService) FindProgramByID(ctx context.Context, id string) (*roundtable.Program, error) {
	var p *roundtable.Program
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), id); err != nil {
			return err
		}
		p, err = findProgram(ctx, tx, id)
		return err
	})
	return p, err
}

// FindOpenProgram returns a program that takes applications, to anyone.
func (s *ProgramService) FindOpenProgram(ctx context.Context, id string) (*roundtable.Program, error) {
	var p *roundtable.Program
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		p, err = findProgram(ctx, tx, id)
		if err == nil && !p.ApplicationsOpen {
			return notFound("program")
		}
		return err
	})
	return p, err
}

// ListPrograms returns the programs the caller organizes (all for
// administrators), newest first. Anonymous callers get none.
func (s *ProgramService) ListPrograms(ctx context.Context) ([]*roundtable.Program, error) {
	a := actorOf(ctx)
	if a.user == nil && !a.system {
		return nil, nil
	}
	var out []*roundtable.Program
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+programColumns+` FROM programs p
			WHERE CAST($1 AS INTEGER) = 1 OR EXISTS (
				SELECT 1 FROM program_organizers o WHERE o.program_id = p.id AND o.user_id = $2)
			ORDER BY p.created_at DESC, p.id DESC`, flag(a.admin()), a.id())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanProgram(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list programs: %w", err)
	}
	return out, nil
}

// cleanProgram removes bytes no engine should store from a program's text.
func cleanProgram(p *roundtable.Program) {
	p.Name, p.Purpose, p.GroundRules, p.TimeZone = clean(p.Name), clean(p.Purpose), clean(p.GroundRules), clean(p.TimeZone)
	p.DefaultFormat = clean(p.DefaultFormat)
	p.StartDate = dateOnly(p.StartDate)
	p.EndDate = dateOnly(p.EndDate)
	for i := range p.Questions {
		q := &p.Questions[i]
		q.Key, q.Label = clean(q.Key), clean(q.Label)
		for j := range q.Choices {
			q.Choices[j] = clean(q.Choices[j])
		}
	}
}

// questionsText encodes validated questions for the questions column: JSON,
// or "" for none.
func questionsText(qs []roundtable.Question) (string, error) {
	if len(qs) == 0 {
		return "", nil
	}
	b, err := json.Marshal(qs)
	if err != nil {
		return "", fmt.Errorf("encode questions: %w", err)
	}
	return string(b), nil
}

// dateOnly keeps the calendar date of t, at midnight UTC.
func dateOnly(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// CreateProgram creates a program; the caller becomes its organizer.
func (s *ProgramService) CreateProgram(ctx context.Context, p *roundtable.Program) error {
	a := actorOf(ctx)
	switch {
	case a.user == nil && !a.system:
		return errSignIn()
	case !a.admin() && !a.user.CanOrganize:
		return roundtable.Errorf(roundtable.EFORBIDDEN, "You may not create programs. Ask an administrator to let you organize.")
	}
	cleanProgram(p)
	if err := p.Validate(); err != nil {
		return err
	}
	questions, err := questionsText(p.Questions)
	if err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		p.ID, p.CreatedAt, p.UpdatedAt = newID(), tx.now, tx.now
		_, err := tx.ExecContext(ctx, `
			INSERT INTO programs (id, name, purpose, start_date, end_date, cadence, session_minutes,
				size_min, size_target, size_max, time_zone, ground_rules, applications_open, questions, created_at, updated_at,
				default_format, anonymise_after_days, checkin_every)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			p.ID, p.Name, p.Purpose, p.StartDate.Format(roundtable.DateLayout), p.EndDate.Format(roundtable.DateLayout),
			string(p.Cadence), p.SessionMinutes, p.SizeMin, p.SizeTarget, p.SizeMax, p.TimeZone, p.GroundRules,
			flag(p.ApplicationsOpen), questions, ms(p.CreatedAt), ms(p.UpdatedAt), p.DefaultFormat, p.AnonymiseAfterDays, string(p.CheckInEvery))
		if err != nil {
			return fmt.Errorf("insert program: %w", err)
		}
		if a.user != nil {
			return addOrganizer(ctx, tx, p.ID, a.user.ID)
		}
		return nil
	})
}

func addOrganizer(ctx context.Context, tx *Tx, programID, userID string) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO program_organizers (program_id, user_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (program_id, user_id) DO NOTHING`, programID, userID, ms(tx.now))
	if err != nil {
		return fmt.Errorf("add organizer: %w", err)
	}
	return nil
}

// AddOrganizer makes the user with an e-mail an organizer of a program. The
// program's organizers (and administrators) only; ENOTFOUND for an unknown
// program or e-mail. It is not part of roundtable.ProgramService yet: the
// command line and the demo seeder use it.
func (s *ProgramService) AddOrganizer(ctx context.Context, programID, email string) error {
	email = roundtable.NormalizeEmail(clean(email))
	return s.db.update(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), programID); err != nil {
			return err
		}
		u, _, err := findUserByEmail(ctx, tx, email)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("person")
		} else if err != nil {
			return fmt.Errorf("find user: %w", err)
		}
		return addOrganizer(ctx, tx, programID, u.ID)
	})
}

// UpdateProgram saves a program's fields.
func (s *ProgramService) UpdateProgram(ctx context.Context, p *roundtable.Program) error {
	cleanProgram(p)
	return s.db.update(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), p.ID); err != nil {
			return err
		}
		if err := p.Validate(); err != nil {
			return err
		}
		old, err := findProgram(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		questions, err := questionsText(p.Questions)
		if err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = old.CreatedAt, tx.now
		_, err = tx.ExecContext(ctx, `
			UPDATE programs SET name = $1, purpose = $2, start_date = $3, end_date = $4, cadence = $5,
				session_minutes = $6, size_min = $7, size_target = $8, size_max = $9, time_zone = $10,
				ground_rules = $11, applications_open = $12, questions = $13, updated_at = $14, default_format = $15,
				anonymise_after_days = $17, checkin_every = $18
			WHERE id = $16`,
			p.Name, p.Purpose, p.StartDate.Format(roundtable.DateLayout), p.EndDate.Format(roundtable.DateLayout),
			string(p.Cadence), p.SessionMinutes, p.SizeMin, p.SizeTarget, p.SizeMax, p.TimeZone, p.GroundRules,
			flag(p.ApplicationsOpen), questions, ms(p.UpdatedAt), p.DefaultFormat, p.ID, p.AnonymiseAfterDays, string(p.CheckInEvery))
		if err != nil {
			return fmt.Errorf("update program: %w", err)
		}
		return nil
	})
}

// ProgramStats returns a program's counts: aggregates, never circle content.
func (s *ProgramService) ProgramStats(ctx context.Context, id string) (*roundtable.ProgramStats, error) {
	st := &roundtable.ProgramStats{ByStatus: map[roundtable.ApplicantStatus]int{}}
	err := s.db.view(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), id); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT status, COUNT(*) FROM applicants WHERE program_id = $1 GROUP BY status`, id)
		if err != nil {
			return fmt.Errorf("count applicants: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var status roundtable.ApplicantStatus
			var n int
			if err := rows.Scan(&status, &n); err != nil {
				return err
			}
			st.ByStatus[status] = n
			st.Applicants += n
		}
		if err := rows.Err(); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `
			SELECT
				(SELECT COUNT(*) FROM circles WHERE program_id = $1),
				(SELECT COUNT(*) FROM circle_members m JOIN circles c ON c.id = m.circle_id
					WHERE c.program_id = $2 AND m.role = 'member'),
				(SELECT COUNT(*) FROM meetings x JOIN circles c ON c.id = x.circle_id
					WHERE c.program_id = $3 AND x.cancelled_at IS NULL AND x.starts_at + x.minutes * 60000 > $4)`,
			id, id, id, ms(tx.now)).Scan(&st.Circles, &st.PlacedMembers, &st.UpcomingMeetings)
		if err != nil {
			return fmt.Errorf("count circles: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// IsOrganizer reports whether the caller organizes the program.
func (s *ProgramService) IsOrganizer(ctx context.Context, programID string) (bool, error) {
	ok := false
	err := s.db.view(ctx, func(tx *Tx) error {
		err := requireOrganizer(ctx, tx, actorOf(ctx), programID)
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			return nil
		}
		ok = err == nil
		return err
	})
	return ok, err
}
