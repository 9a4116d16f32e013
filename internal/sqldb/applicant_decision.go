package sqldb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/roundtable/roundtable"
)

// maxDecisionIDs bounds one decision: more than any program's applicants,
// few enough that a forged request cannot make a huge statement.
const maxDecisionIDs = 5000

// decisionChunk is how many IDs one UPDATE names, well under both engines'
// limits on bound parameters.
const decisionChunk = 500

// kindDeclined is the kind message to a declined applicant; RefID is the
// applicant, rendered when sent (render_decline.go).
const kindDeclined = "applicant.declined"

// checkDecision validates a decision and returns its IDs without repeats.
func checkDecision(d *roundtable.Decision) ([]string, error) {
	var v roundtable.Problems
	seen := map[string]bool{}
	var ids []string
	for _, id := range d.IDs {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	switch {
	case len(ids) == 0:
		v.Add("ids", "Choose at least one applicant.")
	case len(ids) > maxDecisionIDs:
		v.Add("ids", fmt.Sprintf("Choose at most %d applicants at once.", maxDecisionIDs))
	}
	if !slices.Contains(roundtable.Decisions, d.Status) {
		v.Add("status", "Choose Accept, Put on the waiting list or Decline.")
	}
	d.Note = strings.TrimSpace(clean(d.Note))
	if utf8.RuneCountInString(d.Note) > roundtable.MaxDecisionNote {
		v.Add("note", "Use at most 2,000 characters.")
	}
	if d.Status != roundtable.StatusDeclined {
		d.Notify, d.Note = false, ""
	}
	return ids, v.Err()
}

// DecideApplicants gives many applicants of a program one status in one
// transaction: every one of them, or none.
func (s *ApplicantService) DecideApplicants(ctx context.Context, programID string, d roundtable.Decision) (int, error) {
	a := actorOf(ctx)
	ids, verr := checkDecision(&d)
	err := s.db.update(ctx, func(tx *Tx) error {
		// Who may decide comes before what is wrong with the decision: a
		// stranger learns nothing from the answer.
		if err := requireOrganizer(ctx, tx, a, programID); err != nil {
			return err
		}
		if verr != nil {
			return verr
		}
		chosen, err := programApplicants(ctx, tx, programID, ids)
		if err != nil {
			return err
		}
		if err := refuseDecision(ids, chosen, d.Status); err != nil {
			return err
		}
		for start := 0; start < len(ids); start += decisionChunk {
			part := ids[start:min(start+decisionChunk, len(ids))]
			args := []any{string(d.Status), d.Note, programID}
			marks := make([]string, len(part))
			for i, id := range part {
				args = append(args, id)
				marks[i] = fmt.Sprintf("$%d", len(args))
			}
			// The note is kept only with a decline that sends it; other
			// decisions leave the last one be.
			_, err := tx.ExecContext(ctx, `
				UPDATE applicants SET status = $1,
					decline_note = CASE WHEN $1 = 'declined' THEN $2 ELSE decline_note END
				WHERE program_id = $3 AND id IN (`+strings.Join(marks, ", ")+`)`, args...)
			if err != nil {
				return fmt.Errorf("decide on applicants: %w", err)
			}
		}
		notes := make([]auditNote, len(ids))
		for i, id := range ids {
			notes[i] = auditNote{kind: roundtable.AuditApplicantStatus, programID: programID, ref: id, detail: string(d.Status)}
		}
		if err := auditMany(ctx, tx, notes); err != nil {
			return err
		}
		if !d.Notify {
			return nil
		}
		for _, id := range ids {
			if err := enqueueJob(ctx, tx, job{Kind: kindDeclined, RefID: id}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

// decided is what a decision needs to know of one applicant.
type decided struct {
	name   string
	placed bool
}

// programApplicants returns the applicants of a program among ids, by ID.
func programApplicants(ctx context.Context, tx *Tx, programID string, ids []string) (map[string]decided, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name, circle_id IS NOT NULL FROM applicants WHERE program_id = $1`, programID)
	if err != nil {
		return nil, fmt.Errorf("list applicants: %w", err)
	}
	defer rows.Close()
	out := map[string]decided{}
	for rows.Next() {
		var id string
		var d decided
		if err := rows.Scan(&id, &d.name, &d.placed); err != nil {
			return nil, err
		}
		if want[id] {
			out[id] = d
		}
	}
	return out, rows.Err()
}

// refuseDecision returns the reason a decision cannot be made: an applicant
// who is not in the program, or a placed one who would lose their place.
func refuseDecision(ids []string, chosen map[string]decided, st roundtable.ApplicantStatus) error {
	missing := 0
	var placed []string
	for _, id := range ids {
		ap, ok := chosen[id]
		switch {
		case !ok:
			missing++
		case ap.placed && st != roundtable.StatusAccepted:
			placed = append(placed, ap.name)
		}
	}
	if missing > 0 {
		msg := "One of the chosen applicants is not in this program. Nothing was changed."
		if missing > 1 {
			msg = fmt.Sprintf("%d of the chosen applicants are not in this program. Nothing was changed.", missing)
		}
		return &roundtable.Error{Code: roundtable.EINVALID, Message: msg, Fields: map[string]string{"ids": msg}}
	}
	if len(placed) > 0 {
		who := placed[0] + " is in a circle"
		if len(placed) > 1 {
			who = strings.Join(placed[:len(placed)-1], ", ") + " and " + placed[len(placed)-1] + " are in circles"
		}
		return roundtable.Errorf(roundtable.ECONFLICT, "%s. Leave them out, or remove them from their circle first. Nothing was changed.", who)
	}
	return nil
}
