package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
)

// errDraftNotReady is the answer to changing a draft that is running or published.
func errDraftNotReady(d *roundtable.FormationDraft) error {
	if d.Status == roundtable.FormationPublished {
		return roundtable.Errorf(roundtable.ECONFLICT, "This draft is published already: its circles exist. Change them on the circles page.")
	}
	return roundtable.Errorf(roundtable.ECONFLICT, "This draft cannot be changed: it is %s.", d.Status)
}

// saveResult stores a draft's changed result.
func saveResult(ctx context.Context, tx *Tx, d *roundtable.FormationDraft) error {
	raw, err := json.Marshal(d.Result)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE formation_drafts SET result = $1, updated_at = $2 WHERE id = $3`, string(raw), ms(tx.now), d.ID)
	if err != nil {
		return fmt.Errorf("save result: %w", err)
	}
	return nil
}

// MoveInFormation moves a person between a ready draft's circles and its
// unplaced list.
func (s *FormationService) MoveInFormation(ctx context.Context, draftID, applicantID string, circle int) error {
	return s.db.update(ctx, func(tx *Tx) error {
		d, err := organizedDraft(ctx, tx, actorOf(ctx), draftID)
		if err != nil {
			return err
		}
		if d.Status != roundtable.FormationReady || d.Result == nil {
			return errDraftNotReady(d)
		}
		res := d.Result
		if circle < 0 || circle > len(res.Circles) {
			return roundtable.Errorf(roundtable.EINVALID, "Choose one of the circles, or Unplaced.")
		}
		from, found := 0, false
		for ci, ids := range res.Circles {
			for i, id := range ids {
				if id == applicantID {
					from, found = ci+1, true
					res.Circles[ci] = append(ids[:i:i], ids[i+1:]...)
					break
				}
			}
		}
		if !found {
			for i, u := range res.Unplaced {
				if u.ApplicantID == applicantID {
					found = true
					res.Unplaced = append(res.Unplaced[:i:i], res.Unplaced[i+1:]...)
					break
				}
			}
		}
		if !found {
			return roundtable.Errorf(roundtable.EINVALID, "That person is not in this draft.")
		}
		if circle == 0 {
			reason := "Moved out by hand"
			if from == 0 {
				return nil
			}
			res.Unplaced = append(res.Unplaced, roundtable.FormationUnplaced{ApplicantID: applicantID, Reason: reason})
		} else {
			res.Circles[circle-1] = append(res.Circles[circle-1], applicantID)
		}
		return saveResult(ctx, tx, d)
	})
}

// PublishFormation creates the draft's circles and places their members, in
// one transaction.
func (s *FormationService) PublishFormation(ctx context.Context, draftID string) (*roundtable.PublishedFormation, error) {
	out := &roundtable.PublishedFormation{}
	err := s.db.update(ctx, func(tx *Tx) error {
		d, err := organizedDraft(ctx, tx, actorOf(ctx), draftID)
		if err != nil {
			return err
		}
		if d.Status != roundtable.FormationReady || d.Result == nil {
			return errDraftNotReady(d)
		}
		// Claim the draft first: of two publishers, the second waits here (on
		// PostgreSQL, for the row lock) and then finds it published.
		res, err := tx.ExecContext(ctx, `UPDATE formation_drafts SET status = 'published', updated_at = $1 WHERE id = $2 AND status = 'ready'`, ms(tx.now), d.ID)
		if err != nil {
			return fmt.Errorf("claim draft: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("claim draft: %w", err)
		} else if n != 1 {
			return roundtable.Errorf(roundtable.ECONFLICT, "This draft was published or changed meanwhile. Reload the page.")
		}
		p, err := findProgram(ctx, tx, d.ProgramID)
		if err != nil {
			return err
		}
		list, circles, _, err := draftPeople(ctx, tx, d)
		if err != nil {
			return err
		}
		var conflicts []string
		for _, c := range circles {
			for _, i := range c {
				if unavailable(list[i]) != "" {
					conflicts = append(conflicts, list[i].Name)
				}
			}
		}
		if len(conflicts) > 0 {
			return roundtable.Errorf(roundtable.ECONFLICT, "Nothing was published: %s %s placed elsewhere or no longer accepted since this draft was made. Move them to Unplaced, or start a new run.",
				joinNames(conflicts), map[bool]string{true: "was", false: "were"}[len(conflicts) == 1])
		}
		people, _, _ := peopleOf(list)
		gs := d.Settings.Grouping()
		f, err := grouping.Evaluate(people, gs, circles)
		if err != nil {
			return fmt.Errorf("evaluate draft: %w", err)
		}
		first, err := nextCircleNumber(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		waiting, err := waitingAsks(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		d.Result.CircleIDs = make([]string, len(circles))
		for ci, members := range circles {
			if len(members) == 0 {
				continue
			}
			c := &roundtable.Circle{ID: newID(), ProgramID: p.ID, Name: "Circle " + strconv.Itoa(first+out.Circles),
				TimeZone: d.Settings.TimeZone, CreatedAt: tx.now}
			if ci < len(f.Circles) && len(f.Circles[ci].Slots) > 0 {
				c.Slot = askedSlot(waiting, ci+1, f.Circles[ci].Slots)
			}
			if err := insertCircle(ctx, tx, c); err != nil {
				return err
			}
			out.Circles++
			d.Result.CircleIDs[ci] = c.ID
			for _, i := range members {
				if err := placeApplicant(ctx, tx, c, p, list[i]); err != nil {
					return err
				}
				out.Invitations++
			}
		}
		// Kept so that an unplaced person's later answer finds her circle.
		return saveResult(ctx, tx, d)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// nextCircleNumber returns the number after the highest "Circle N" of a
// program, so published circles never repeat a name.
func nextCircleNumber(ctx context.Context, tx *Tx, programID string) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM circles WHERE program_id = $1`, programID)
	if err != nil {
		return 0, fmt.Errorf("list circle names: %w", err)
	}
	defer rows.Close()
	highest := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return 0, err
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(name, "Circle ")); err == nil && n > highest {
			highest = n
		}
	}
	return highest + 1, rows.Err()
}

// joinNames writes "Ana", "Ana and Bo" or "Ana, Bo and Cy".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
