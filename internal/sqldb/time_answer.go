package sqldb

import (
	"context"
	"fmt"
	"slices"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/schedule"
)

// AnswerTimeAsk records a person's answer to an ask and places her.
func (s *FormationService) AnswerTimeAsk(ctx context.Context, token string, choice int) (*roundtable.TimeAsk, error) {
	var out *roundtable.TimeAsk
	err := s.db.update(ctx, func(tx *Tx) error {
		t, err := askByToken(ctx, tx, token)
		if err != nil {
			return err
		}
		switch {
		case t.AnsweredAt != nil:
			return roundtable.Errorf(roundtable.ECONFLICT, "You answered already, on %s.", t.AnsweredAt.Format("2 January 2006"))
		case !t.Open:
			return roundtable.Errorf(roundtable.ECONFLICT, "This link expired on %s. Ask the organizer of %s for a new one if you would still like a seat.",
				t.ExpiresAt.Format("2 January 2006"), t.ProgramName)
		case choice < -1 || choice >= len(t.Options):
			return roundtable.Errorf(roundtable.EINVALID, "Choose one of the times, or None of these.")
		}
		// Claim the answer first: of two answers at once, the second waits here
		// (on PostgreSQL, for the row lock) and then finds it answered.
		res, err := tx.ExecContext(ctx, `UPDATE time_asks SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL`, ms(tx.now), t.ID)
		if err != nil {
			return fmt.Errorf("claim answer: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("claim answer: %w", err)
		} else if n != 1 {
			return roundtable.Errorf(roundtable.ECONFLICT, "You answered already.")
		}
		t.Choice, t.Outcome = choice, roundtable.AskNone
		t.Message = "Thank you for telling us. Your availability stays as it was; the organizer of " + t.ProgramName + " will be in touch if another time comes up."
		if choice >= 0 {
			if err := s.takeWay(ctx, tx, t, t.Options[choice]); err != nil {
				return err
			}
		}
		now := tx.now
		t.AnsweredAt, t.Open = &now, false
		_, err = tx.ExecContext(ctx, `UPDATE time_asks SET choice = $1, outcome = $2, message = $3 WHERE id = $4`,
			t.Choice, string(t.Outcome), t.Message, t.ID)
		if err != nil {
			return fmt.Errorf("save answer: %w", err)
		}
		out = t
		return nil
	})
	return out, err
}

// takeWay adds the chosen time to her availability and places her: in the
// draft while it is not published, else in the published circle.
func (s *FormationService) takeWay(ctx context.Context, tx *Tx, t *roundtable.TimeAsk, w *roundtable.WayIn) error {
	ap, err := findApplicantRow(ctx, tx, t.ApplicantID)
	if err != nil {
		return err
	}
	add, err := schedule.ParseWeek(w.Add)
	if err != nil {
		return fmt.Errorf("read the ask's window: %w", err)
	}
	ap.Availability = ap.Week().Union(add).String()
	if _, err := tx.ExecContext(ctx, `UPDATE applicants SET availability = $1 WHERE id = $2`, ap.Availability, ap.ID); err != nil {
		return fmt.Errorf("add availability: %w", err)
	}
	added := "We added " + w.HerFirst()
	if ch := w.HerChanges(); ch != "" {
		added += " (" + ch + ", as clocks change)"
	}
	added += " to your availability"
	t.Outcome = roundtable.AskTaken
	t.Message = added + ", but the seat was taken meanwhile. The organizer of " + t.ProgramName + " will be in touch."
	if ap.Status != roundtable.StatusAccepted {
		t.Message = added + ". Your application is no longer among the accepted ones, so no seat is kept for you; the organizer of " + t.ProgramName + " will be in touch."
		return nil
	}
	if ap.CircleID != "" {
		t.Outcome, t.Message = roundtable.AskPlaced, added+". You have a seat in a circle already: look for its invitation in your e-mail."
		return nil
	}
	d, err := scanDraft(tx.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM formation_drafts d WHERE d.id = $1`, t.DraftID))
	if err != nil {
		return fmt.Errorf("find draft: %w", err)
	}
	switch {
	case d.Status == roundtable.FormationReady && d.Result != nil:
		return placeInDraft(ctx, tx, t, d, w, added)
	case d.Status == roundtable.FormationPublished && d.Result != nil && w.Circle > 0:
		return placeInCircle(ctx, tx, t, d, w, ap, added)
	case w.Circle == 0:
		t.Message = added + ". The organizer of " + t.ProgramName + " will be in touch about a circle at this time."
	}
	return nil
}

// findApplicantRow reads an applicant without checking who asks: the
// token of the ask is the permission.
func findApplicantRow(ctx context.Context, tx *Tx, id string) (*roundtable.Applicant, error) {
	list, err := queryApplicants(ctx, tx, `SELECT `+applicantColumns+` FROM applicants a WHERE a.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound("application")
	}
	return list[0], nil
}

// seatProblem says why her (an index into people) cannot join members at
// slot (any common time when slot is ""), or "" when she can.
func seatProblem(people []grouping.Person, gs grouping.Settings, members []int, her int, slot string) (string, error) {
	if len(members) >= gs.Max {
		return "full", nil
	}
	before, err := grouping.Evaluate(people, gs, [][]int{members})
	if err != nil {
		return "", err
	}
	after, err := grouping.Evaluate(people, gs, [][]int{append(slices.Clone(members), her)})
	if err != nil {
		return "", err
	}
	c := after.Circles[0]
	if len(c.Problems) > len(before.Circles[0].Problems) {
		return "rules", nil
	}
	if slot == "" {
		if len(c.Slots) == 0 {
			return "time", nil
		}
		return "", nil
	}
	sl, err := schedule.ParseSlot(slot)
	if err != nil || !slices.Contains(c.Slots, sl) {
		return "time", nil
	}
	return "", nil
}

// placeInDraft puts her in the draft's circle (or a new circle with the
// others of the way in) when the seat is still hers.
func placeInDraft(ctx context.Context, tx *Tx, t *roundtable.TimeAsk, d *roundtable.FormationDraft, w *roundtable.WayIn, added string) error {
	res := d.Result
	ui := slices.IndexFunc(res.Unplaced, func(u roundtable.FormationUnplaced) bool { return u.ApplicantID == t.ApplicantID })
	if ui < 0 {
		t.Outcome, t.Message = roundtable.AskDraft, added+". The organizer has already given you a seat in the proposed circles; you will get an invitation by e-mail when they are published."
		return nil
	}
	list, circles, _, err := draftPeople(ctx, tx, d)
	if err != nil {
		return err
	}
	people, _, _ := peopleOf(list)
	gs := d.Settings.Grouping()
	her := slices.IndexFunc(list, func(a *roundtable.Applicant) bool { return a.ID == t.ApplicantID })
	var members []int
	if w.Circle > 0 {
		if w.Circle > len(circles) {
			return nil
		}
		members = circles[w.Circle-1]
	} else {
		for _, id := range w.Others {
			if j := slices.IndexFunc(list, func(a *roundtable.Applicant) bool { return a.ID == id }); j >= 0 &&
				slices.ContainsFunc(res.Unplaced, func(u roundtable.FormationUnplaced) bool { return u.ApplicantID == id }) {
				members = append(members, j)
			}
		}
		if len(members)+1 < gs.Min {
			return nil
		}
	}
	if problem, err := seatProblem(people, gs, members, her, w.Slot); err != nil || problem != "" {
		return err
	}
	res.Unplaced = slices.Delete(res.Unplaced, ui, ui+1)
	if w.Circle > 0 {
		res.Circles[w.Circle-1] = append(res.Circles[w.Circle-1], t.ApplicantID)
		t.Message = added + " and kept you a seat in a circle that meets then. You will get an invitation by e-mail when the organizer publishes the circles."
	} else {
		ids := []string{t.ApplicantID}
		for _, m := range members {
			ids = append(ids, list[m].ID)
		}
		res.Unplaced = slices.DeleteFunc(res.Unplaced, func(u roundtable.FormationUnplaced) bool { return slices.Contains(ids, u.ApplicantID) })
		res.Circles = append(res.Circles, ids)
		t.Message = added + " and proposed a new circle at that time with others who can make it. You will get an invitation by e-mail when the organizer publishes the circles."
	}
	t.Outcome = roundtable.AskDraft
	return saveResult(ctx, tx, d)
}

// placeInCircle gives her the seat in the published circle when it is still
// free and she can make the circle's time; she gets the circle's invitation.
func placeInCircle(ctx context.Context, tx *Tx, t *roundtable.TimeAsk, d *roundtable.FormationDraft, w *roundtable.WayIn, ap *roundtable.Applicant, added string) error {
	if w.Circle > len(d.Result.CircleIDs) || d.Result.CircleIDs[w.Circle-1] == "" {
		return nil
	}
	c, err := findCircle(ctx, tx, d.Result.CircleIDs[w.Circle-1])
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	list, err := queryApplicants(ctx, tx, `SELECT `+applicantColumns+` FROM applicants a WHERE a.circle_id = $1 ORDER BY a.created_at, a.id`, c.ID)
	if err != nil {
		return err
	}
	members := make([]int, len(list))
	for i := range list {
		members[i] = i
	}
	list = append(list, ap)
	people, _, _ := peopleOf(list)
	problem, err := seatProblem(people, d.Settings.Grouping(), members, len(list)-1, c.Slot)
	if err != nil || problem != "" {
		return err
	}
	p, err := findProgram(ctx, tx, c.ProgramID)
	if err != nil {
		return err
	}
	if err := placeApplicant(ctx, tx, c, p, ap); err != nil {
		return err
	}
	t.Outcome = roundtable.AskPlaced
	t.Message = added + " and gave you a seat in " + c.Name + ". An invitation to join it is on its way by e-mail."
	return nil
}
