package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// ApplicantAnonymiseService implements roundtable.ApplicantAnonymiseService.
type ApplicantAnonymiseService struct{ db *DB }

var _ roundtable.ApplicantAnonymiseService = (*ApplicantAnonymiseService)(nil)

// NewApplicantAnonymiseService returns the service that anonymises applicants.
func NewApplicantAnonymiseService(db *DB) *ApplicantAnonymiseService {
	return &ApplicantAnonymiseService{db: db}
}

// kindAnonymise is the daily job that anonymises the unplaced applicants of
// every program past its period; RefID is the day (UTC). Like the audit
// log's pruning it is keyed by day, so one instance does it once a day.
const kindAnonymise = "applicants.anonymise"

// anonymisedDomain ends the address an anonymised applicant is given: it
// cannot receive mail, and it keeps addresses unique within a program.
const anonymisedDomain = "@applicant.invalid"

// anonymised reports whether an applicant was anonymised: there is nobody
// left to place or invite.
func anonymised(ap *roundtable.Applicant) bool { return strings.HasSuffix(ap.Email, anonymisedDomain) }

// unplaced selects a program's applicants ($1) not yet anonymised and in no
// circle, by their application or by a membership made from it.
const unplaced = `program_id = $1 AND anonymised_at IS NULL AND circle_id IS NULL
	AND NOT EXISTS (SELECT 1 FROM circle_members m WHERE m.applicant_id = applicants.id)`

// CountAnonymisable counts the program's applicants to anonymise.
func (s *ApplicantAnonymiseService) CountAnonymisable(ctx context.Context, programID string) (int, error) {
	var n int
	err := s.db.view(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), programID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM applicants WHERE `+unplaced, programID).Scan(&n)
	})
	return n, err
}

// AnonymiseApplicants anonymises the program's unplaced applicants now.
func (s *ApplicantAnonymiseService) AnonymiseApplicants(ctx context.Context, programID string) (int, error) {
	var n int
	err := s.db.update(ctx, func(tx *Tx) (err error) {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), programID); err != nil {
			return err
		}
		n, err = anonymise(ctx, tx, programID, "by an organizer")
		return err
	})
	return n, err
}

// anonymise clears the unplaced applicants of a program and notes it in the
// audit log when there were any; how says who asked.
func anonymise(ctx context.Context, tx *Tx, programID, how string) (int, error) {
	res, err := tx.ExecContext(ctx, `
		UPDATE applicants SET name = $2, email = 'former-' || id || $4, title = '', organization = '',
			availability = '', goals = '', topics = '', avoid = '', answers = '', decline_note = '', anonymised_at = $3
		WHERE `+unplaced, programID, roundtable.FormerApplicantName, ms(tx.now), anonymisedDomain)
	if err != nil {
		return 0, fmt.Errorf("anonymise applicants: %w", err)
	}
	n64, _ := res.RowsAffected()
	n := int(n64)
	if n == 0 {
		return 0, nil
	}
	return n, audit(ctx, tx, auditNote{kind: roundtable.AuditApplicantsErased, programID: programID,
		detail: strconv.Itoa(n) + " " + how})
}

// anonymiseDue is the daily job: every program whose period after its start
// has passed has its unplaced applicants anonymised. It sends no e-mail.
func (db *DB) anonymiseDue(ctx context.Context, tx *Tx) (rendered, error) {
	type prog struct {
		id, start string
		days      int
	}
	progs, err := queryAll(ctx, tx, `SELECT id, start_date, anonymise_after_days FROM programs ORDER BY id`,
		func(rows *sql.Rows) (p prog, err error) { return p, rows.Scan(&p.id, &p.start, &p.days) })
	if err != nil {
		return rendered{}, fmt.Errorf("list programs: %w", err)
	}
	total := 0
	ctx = roundtable.NewSystemContext(ctx) // the log names the system as the actor
	for _, p := range progs {
		start, err := time.Parse(roundtable.DateLayout, p.start)
		if err != nil || tx.now.Before(start.AddDate(0, 0, p.days)) {
			continue
		}
		n, err := anonymise(ctx, tx, p.id, "after "+strconv.Itoa(p.days)+" days")
		if err != nil {
			return rendered{}, err
		}
		total += n
	}
	return drop(fmt.Sprintf("housekeeping, no message: anonymised %d applicants", total)), nil
}
