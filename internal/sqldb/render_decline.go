package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// Reasons a decline message is not sent.
const (
	dropApplicantGone = "the applicant no longer exists"
	dropNotDeclined   = "the applicant is no longer declined"
)

// renderDeclined writes the kind message to a declined applicant, with the
// organizer's note as it is when sent. An organizer who changed their mind
// before it went out sends nothing.
func (db *DB) renderDeclined(ctx context.Context, tx *Tx, j job) (rendered, error) {
	if !validID(j.RefID) {
		return drop(dropApplicantGone), nil
	}
	var name, email, status, note, program string
	err := tx.QueryRowContext(ctx, `
		SELECT a.name, a.email, a.status, a.decline_note, p.name
		FROM applicants a JOIN programs p ON p.id = a.program_id WHERE a.id = $1`, j.RefID).
		Scan(&name, &email, &status, &note, &program)
	if errors.Is(err, sql.ErrNoRows) {
		return drop(dropApplicantGone), nil
	} else if err != nil {
		return rendered{}, fmt.Errorf("find applicant: %w", err)
	}
	if roundtable.ApplicantStatus(status) != roundtable.StatusDeclined {
		return drop(dropNotDeclined), nil
	}
	return rendered{msg: mail.ApplicationDeclined(email, name, program, note)}, nil
}
