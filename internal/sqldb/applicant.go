package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// ApplicantService implements roundtable.ApplicantService.
type ApplicantService struct{ db *DB }

var _ roundtable.ApplicantService = (*ApplicantService)(nil)

// NewApplicantService returns the application service.
func NewApplicantService(db *DB) *ApplicantService { return &ApplicantService{db: db} }

const applicantColumns = `a.id, a.program_id, a.name, a.email, a.title, a.organization, a.sector, a.industry,
	a.job_function, a.level, a.time_zone, a.availability, a.goals, a.topics, a.avoid, a.status,
	COALESCE(a.circle_id, ''), a.created_at, a.answers`

func scanApplicant(row interface{ Scan(...any) error }) (*roundtable.Applicant, error) {
	var a roundtable.Applicant
	var created int64
	var answers string
	err := row.Scan(&a.ID, &a.ProgramID, &a.Name, &a.Email, &a.Title, &a.Organization, &a.Sector, &a.Industry,
		&a.Function, &a.Level, &a.TimeZone, &a.Availability, &a.Goals, &a.Topics, &a.Avoid, &a.Status,
		&a.CircleID, &created, &answers)
	if err != nil {
		return nil, err
	}
	if answers != "" {
		if err := json.Unmarshal([]byte(answers), &a.Answers); err != nil {
			return nil, fmt.Errorf("read answers of applicant %s: %w", a.ID, err)
		}
	}
	a.CreatedAt = fromMS(created)
	return &a, nil
}

// cleanApplicant removes bytes no engine should store from an application.
func cleanApplicant(a *roundtable.Applicant) {
	for _, s := range []*string{&a.Name, &a.Email, &a.Title, &a.Organization, &a.Sector, &a.Industry,
		&a.Function, &a.TimeZone, &a.Availability, &a.Goals, &a.Topics, &a.Avoid} {
		*s = clean(*s)
	}
	if a.Answers != nil {
		answers := make(map[string]string, len(a.Answers))
		for k, v := range a.Answers {
			answers[clean(k)] = clean(v)
		}
		a.Answers = answers
	}
}

// answersText encodes validated answers for the answers column: JSON, or ""
// for none.
func answersText(answers map[string]string) (string, error) {
	if len(answers) == 0 {
		return "", nil
	}
	b, err := json.Marshal(answers)
	if err != nil {
		return "", fmt.Errorf("encode answers: %w", err)
	}
	return string(b), nil
}

// insertApplicant stores a validated applicant, setting ID and CreatedAt.
func insertApplicant(ctx context.Context, tx *Tx, a *roundtable.Applicant) error {
	answers, err := answersText(a.Answers)
	if err != nil {
		return err
	}
	a.ID, a.CreatedAt = newID(), tx.now
	_, err = tx.ExecContext(ctx, `
		INSERT INTO applicants (id, program_id, name, email, title, organization, sector, industry,
			job_function, level, time_zone, availability, goals, topics, avoid, status, circle_id, created_at, answers)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		a.ID, a.ProgramID, a.Name, a.Email, a.Title, a.Organization, a.Sector, a.Industry,
		a.Function, int(a.Level), a.TimeZone, a.Availability, a.Goals, a.Topics, a.Avoid, string(a.Status),
		nullable(a.CircleID), ms(a.CreatedAt), answers)
	if isUniqueViolation(err) {
		return errAppliedAlready()
	} else if err != nil {
		return fmt.Errorf("insert applicant: %w", err)
	}
	return nil
}

func errAppliedAlready() error {
	const msg = "This e-mail has already applied to this program."
	return &roundtable.Error{Code: roundtable.ECONFLICT, Message: msg, Fields: map[string]string{"email": msg}}
}

// Apply submits an application to an open program and confirms it by e-mail.
func (s *ApplicantService) Apply(ctx context.Context, a *roundtable.Applicant) error {
	cleanApplicant(a)
	a.Status, a.CircleID = roundtable.StatusPending, ""
	return s.db.update(ctx, func(tx *Tx) error {
		p, err := findProgram(ctx, tx, a.ProgramID)
		if err != nil {
			return err
		}
		if !p.ApplicationsOpen {
			return notFound("program")
		}
		if err := a.ValidateFor(p); err != nil {
			return err
		}
		if err := insertApplicant(ctx, tx, a); err != nil {
			return err
		}
		return enqueue(ctx, tx, "application_received", mail.ApplicationReceived(a.Email, a.Name, p.Name))
	})
}

// importError is an EINVALID *roundtable.Error that also carries the
// *roundtable.ImportError with every bad line, for errors.As.
type importError struct {
	err   *roundtable.Error
	lines *roundtable.ImportError
}

func (e *importError) Error() string   { return e.err.Error() + ": " + e.lines.Error() }
func (e *importError) Unwrap() []error { return []error{e.err, e.lines} }

func wrapImportError(ie *roundtable.ImportError) error {
	msg := "The file was not imported: one line needs correcting."
	if n := len(ie.Lines); n > 1 {
		msg = fmt.Sprintf("The file was not imported: %d problems need correcting.", n)
	}
	return &importError{err: roundtable.Errorf(roundtable.EINVALID, "%s", msg), lines: ie}
}

// ImportApplicants imports every applicant of a CSV file into a program, or
// none: a bad row or an e-mail already in the program rejects the file.
func (s *ApplicantService) ImportApplicants(ctx context.Context, programID string, r io.Reader) (int, error) {
	a := actorOf(ctx)
	// Check access before reading the file, so a stranger learns nothing from it.
	var p *roundtable.Program
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		if err := requireOrganizer(ctx, tx, a, programID); err != nil {
			return err
		}
		p, err = findProgram(ctx, tx, programID)
		return err
	})
	if err != nil {
		return 0, err
	}
	rows, err := roundtable.ReadApplicantsCSV(r, p.Questions...)
	var ie *roundtable.ImportError
	if errors.As(err, &ie) {
		return 0, wrapImportError(ie)
	} else if err != nil {
		return 0, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, a, programID); err != nil {
			return err
		}
		existing := map[string]bool{}
		q, err := tx.QueryContext(ctx, `SELECT email FROM applicants WHERE program_id = $1`, programID)
		if err != nil {
			return fmt.Errorf("list e-mails: %w", err)
		}
		defer q.Close()
		for q.Next() {
			var e string
			if err := q.Scan(&e); err != nil {
				return err
			}
			existing[e] = true
		}
		if err := q.Err(); err != nil {
			return err
		}
		var bad roundtable.ImportError
		for _, row := range rows {
			if existing[row.Applicant.Email] {
				bad.Lines = append(bad.Lines, roundtable.LineError{Line: row.Line,
					Reason: "email: " + row.Applicant.Email + " has already applied to this program"})
			}
		}
		if len(bad.Lines) > 0 {
			return wrapImportError(&bad)
		}
		for _, row := range rows {
			ap := row.Applicant
			cleanApplicant(ap)
			ap.ProgramID, ap.Status, ap.CircleID = programID, roundtable.StatusPending, ""
			if err := insertApplicant(ctx, tx, ap); err != nil {
				if roundtable.ErrorCode(err) == roundtable.ECONFLICT {
					return wrapImportError(&roundtable.ImportError{Lines: []roundtable.LineError{{Line: row.Line,
						Reason: "email: " + ap.Email + " has already applied to this program"}}})
				}
				return fmt.Errorf("line %d: %w", row.Line, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// ListApplicants lists a program's applicants, oldest first.
func (s *ApplicantService) ListApplicants(ctx context.Context, programID string, f roundtable.ApplicantFilter) ([]*roundtable.Applicant, error) {
	var out []*roundtable.Applicant
	err := s.db.view(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), programID); err != nil {
			return err
		}
		where := []string{"a.program_id = $1"}
		args := []any{programID}
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		if f.Status != "" {
			where = append(where, "a.status = "+arg(clean(string(f.Status))))
		}
		if f.Sector != "" {
			where = append(where, "a.sector = "+arg(clean(f.Sector)))
		}
		if f.Level != 0 {
			where = append(where, "a.level = "+arg(int(f.Level)))
		}
		if q := strings.ToLower(strings.TrimSpace(clean(f.Query))); q != "" {
			like := "%" + likeEscaper.Replace(q) + "%"
			where = append(where, fmt.Sprintf(`(LOWER(a.name) LIKE %s ESCAPE '\' OR a.email LIKE %s ESCAPE '\' OR LOWER(a.organization) LIKE %s ESCAPE '\')`,
				arg(like), arg(like), arg(like)))
		}
		if f.Placed != nil {
			if *f.Placed {
				where = append(where, "a.circle_id IS NOT NULL")
			} else {
				where = append(where, "a.circle_id IS NULL")
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+applicantColumns+` FROM applicants a WHERE `+
			strings.Join(where, " AND ")+` ORDER BY a.created_at, a.id`, args...)
		if err != nil {
			return fmt.Errorf("list applicants: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			ap, err := scanApplicant(rows)
			if err != nil {
				return err
			}
			out = append(out, ap)
		}
		return rows.Err()
	})
	return out, err
}

// likeEscaper escapes LIKE's wildcards so a search matches them literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// findApplicant returns an applicant the actor may see, or ENOTFOUND.
func findApplicant(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.Applicant, error) {
	if !validID(id) {
		return nil, notFound("applicant")
	}
	ap, err := scanApplicant(tx.QueryRowContext(ctx, `SELECT `+applicantColumns+` FROM applicants a WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("applicant")
	} else if err != nil {
		return nil, fmt.Errorf("find applicant: %w", err)
	}
	if err := requireOrganizer(ctx, tx, a, ap.ProgramID); err != nil {
		return nil, notFound("applicant")
	}
	return ap, nil
}

// FindApplicantByID returns an applicant to the organizers of its program.
func (s *ApplicantService) FindApplicantByID(ctx context.Context, id string) (*roundtable.Applicant, error) {
	var ap *roundtable.Applicant
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		ap, err = findApplicant(ctx, tx, actorOf(ctx), id)
		return err
	})
	return ap, err
}

// SetApplicantStatus accepts, waitlists, declines or resets an applicant.
func (s *ApplicantService) SetApplicantStatus(ctx context.Context, id string, st roundtable.ApplicantStatus) error {
	if !st.Valid() {
		return &roundtable.Error{Code: roundtable.EINVALID, Message: "Choose a status.", Fields: map[string]string{"status": "Choose a status."}}
	}
	return s.db.update(ctx, func(tx *Tx) error {
		ap, err := findApplicant(ctx, tx, actorOf(ctx), id)
		if err != nil {
			return err
		}
		if ap.CircleID != "" && st != roundtable.StatusAccepted {
			return roundtable.Errorf(roundtable.ECONFLICT, "%s is in a circle. Remove them from the circle first.", ap.Name)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applicants SET status = $1 WHERE id = $2`, string(st), id); err != nil {
			return fmt.Errorf("set status: %w", err)
		}
		return audit(ctx, tx, auditNote{kind: roundtable.AuditApplicantStatus, programID: ap.ProgramID, ref: id, detail: string(st)})
	})
}
