package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/schedule"
)

// The way in for the unplaced (roundtable.TimeAskService): the ways are
// computed with the preview; an ask stores the ways as she was shown them,
// and her answer is checked again against the draft or the circle as they are
// when she answers.

var _ roundtable.TimeAskService = (*FormationService)(nil)

// waysLimit is how many ways in the preview shows per person.
const waysLimit = 3

// waysOf returns the ways in of f's unplaced people, by index into list.
func waysOf(people []grouping.Person, list []*roundtable.Applicant, gs grouping.Settings, f *grouping.Formation) map[int][]*roundtable.WayIn {
	found, err := grouping.Nearest(people, gs, f, waysLimit)
	if err != nil {
		return nil
	}
	out := make(map[int][]*roundtable.WayIn, len(found))
	for i, list2 := range found {
		for _, sg := range list2 {
			w := &roundtable.WayIn{Circle: sg.Circle + 1, Slot: sg.Slot.String(), Add: sg.Add.String(),
				Her: roundtable.TimesPhrase(sg.Local, gs.Minutes), Ref: roundtable.SlotPhrase(sg.Slot, gs.Minutes), Extra: sg.Extra}
			for _, o := range sg.Others {
				w.Others = append(w.Others, list[o].ID)
				w.OtherNames = append(w.OtherNames, list[o].Name)
			}
			out[i] = append(out[i], w)
		}
	}
	return out
}

// attachWays adds to a preview each unplaced person's ways in and asks, and
// marks the members who joined by answering one.
func attachWays(ctx context.Context, tx *Tx, pv *roundtable.FormationPreview, people []grouping.Person, list []*roundtable.Applicant,
	gs grouping.Settings, f *grouping.Formation) error {
	asks, err := loadAsks(ctx, tx, `t.draft_id = $1`, pv.Draft.ID)
	if err != nil {
		return err
	}
	byID := map[string]*roundtable.TimeAsk{}
	for _, a := range asks {
		byID[a.ApplicantID] = a
	}
	if err := pinPublished(ctx, tx, pv.Draft, f); err != nil {
		return err
	}
	ways := waysOf(people, list, gs, f)
	index := map[string]int{}
	for i, a := range list {
		index[a.ID] = i
	}
	for _, u := range pv.Unplaced {
		u.Ways, u.Ask = ways[index[u.Applicant.ID]], byID[u.Applicant.ID]
	}
	for _, c := range pv.Circles {
		for _, m := range c.Members {
			if a := byID[m.Applicant.ID]; a != nil && a.Outcome == roundtable.AskDraft {
				m.Asked = a
			}
		}
	}
	return nil
}

// pinPublished narrows a published draft's circles to the weekly time each
// kept when it was published: a seat there is a seat at that time. A circle
// deleted since takes nobody.
func pinPublished(ctx context.Context, tx *Tx, d *roundtable.FormationDraft, f *grouping.Formation) error {
	if d.Status != roundtable.FormationPublished {
		return nil
	}
	for ci := range f.Circles {
		f.Circles[ci].Slots = nil
		if ci >= len(d.Result.CircleIDs) || d.Result.CircleIDs[ci] == "" {
			continue
		}
		var slot string
		err := tx.QueryRowContext(ctx, `SELECT slot FROM circles WHERE id = $1`, d.Result.CircleIDs[ci]).Scan(&slot)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return fmt.Errorf("find circle slot: %w", err)
		}
		if sl, err := schedule.ParseSlot(slot); err == nil {
			f.Circles[ci].Slots = []schedule.Slot{sl}
		}
	}
	return nil
}

// waitingAsks returns a draft's asks that can still be answered, oldest first.
func waitingAsks(ctx context.Context, tx *Tx, draftID string) ([]*roundtable.TimeAsk, error) {
	asks, err := loadAsks(ctx, tx, `t.draft_id = $1 AND t.answered_at IS NULL`, draftID)
	asks = slices.DeleteFunc(asks, func(a *roundtable.TimeAsk) bool { return !a.Open })
	slices.SortStableFunc(asks, func(a, b *roundtable.TimeAsk) int { return a.AskedAt.Compare(b.AskedAt) })
	return asks, err
}

// askedSlot picks the weekly time a circle is published with: the best of
// its common times, unless a person still to answer was asked about another
// of them for this circle; then that one, so that the seat she was offered
// is still there at the time she was told.
func askedSlot(waiting []*roundtable.TimeAsk, circle int, slots []schedule.Slot) string {
	for _, a := range waiting {
		for _, w := range a.Options {
			if sl, err := schedule.ParseSlot(w.Slot); err == nil && w.Circle == circle && slices.Contains(slots, sl) {
				return w.Slot
			}
		}
	}
	return slots[0].String()
}

const askColumns = `t.id, t.draft_id, d.program_id, p.name, t.applicant_id, a.name, a.time_zone, t.options,
	t.created_at, t.expires_at, t.answered_at, t.choice, t.outcome, t.message`

// loadAsks returns the asks that match where (on time_asks t).
func loadAsks(ctx context.Context, tx *Tx, where string, args ...any) ([]*roundtable.TimeAsk, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+askColumns+` FROM time_asks t
		JOIN formation_drafts d ON d.id = t.draft_id
		JOIN programs p ON p.id = d.program_id
		JOIN applicants a ON a.id = t.applicant_id
		WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list asks: %w", err)
	}
	defer rows.Close()
	var out []*roundtable.TimeAsk
	for rows.Next() {
		var t roundtable.TimeAsk
		var options string
		var created, expires int64
		var answered *int64
		if err := rows.Scan(&t.ID, &t.DraftID, &t.ProgramID, &t.ProgramName, &t.ApplicantID, &t.Name, &t.TimeZone, &options,
			&created, &expires, &answered, &t.Choice, &t.Outcome, &t.Message); err != nil {
			return nil, fmt.Errorf("read ask: %w", err)
		}
		if err := json.Unmarshal([]byte(options), &t.Options); err != nil {
			return nil, fmt.Errorf("read ask options: %w", err)
		}
		t.AskedAt, t.ExpiresAt, t.AnsweredAt = fromMS(created), fromMS(expires), nullMS(answered)
		t.Open = t.AnsweredAt == nil && tx.now.Before(t.ExpiresAt)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// askByToken returns the ask of a link, or ENOTFOUND.
func askByToken(ctx context.Context, tx *Tx, token string) (*roundtable.TimeAsk, error) {
	errGone := roundtable.Errorf(roundtable.ENOTFOUND, "This link does not work: check that you copied the whole address from the e-mail.")
	if !validToken(token) {
		return nil, errGone
	}
	asks, err := loadAsks(ctx, tx, `t.token_hash = $1`, hashToken(token))
	if err != nil {
		return nil, err
	}
	if len(asks) == 0 {
		return nil, errGone
	}
	return asks[0], nil
}

// AskTimes e-mails an unplaced person the ways in of a draft.
func (s *FormationService) AskTimes(ctx context.Context, draftID, applicantID string) (*roundtable.TimeAsk, error) {
	var out *roundtable.TimeAsk
	err := s.db.update(ctx, func(tx *Tx) error {
		a := actorOf(ctx)
		d, err := organizedDraft(ctx, tx, a, draftID)
		if err != nil {
			return err
		}
		if d.Result == nil || d.Status != roundtable.FormationReady && d.Status != roundtable.FormationPublished {
			return roundtable.Errorf(roundtable.ECONFLICT, "This draft has no proposed circles to ask about.")
		}
		if validID(applicantID) {
			asks, err := loadAsks(ctx, tx, `t.draft_id = $1 AND t.applicant_id = $2`, d.ID, applicantID)
			if err != nil {
				return err
			}
			if len(asks) > 0 && (asks[0].Open || asks[0].AnsweredAt != nil) {
				out = asks[0] // asked already: nothing is sent twice
				return nil
			}
		}
		list, circles, unplaced, err := draftPeople(ctx, tx, d)
		if err != nil {
			return err
		}
		her := slices.IndexFunc(unplaced, func(i int) bool { return list[i].ID == applicantID })
		if her < 0 {
			return roundtable.Errorf(roundtable.EINVALID, "That person is not on this draft's unplaced list.")
		}
		her = unplaced[her]
		ap := list[her]
		if msg := unavailable(ap); msg != "" {
			return roundtable.Errorf(roundtable.EINVALID, "%s", msg)
		}
		people, _, _ := peopleOf(list)
		gs := d.Settings.Grouping()
		f, err := grouping.Evaluate(people, gs, circles)
		if err != nil {
			return fmt.Errorf("evaluate draft: %w", err)
		}
		if err := pinPublished(ctx, tx, d, f); err != nil {
			return err
		}
		ways := waysOf(people, list, gs, f)[her]
		if len(ways) == 0 {
			return roundtable.Errorf(roundtable.EINVALID, "No weekly time would place %s: no circle with a free seat may take her, and too few others are unplaced to start one with her.", ap.Name)
		}
		out, err = s.storeAsk(ctx, tx, d, ap, ways)
		return err
	})
	return out, err
}

// storeAsk saves an ask with a new link (replacing one that expired
// unanswered) and enqueues its e-mail.
func (s *FormationService) storeAsk(ctx context.Context, tx *Tx, d *roundtable.FormationDraft, ap *roundtable.Applicant, ways []*roundtable.WayIn) (*roundtable.TimeAsk, error) {
	raw, err := json.Marshal(ways)
	if err != nil {
		return nil, fmt.Errorf("encode ways: %w", err)
	}
	p, err := findProgram(ctx, tx, d.ProgramID)
	if err != nil {
		return nil, err
	}
	token, hash := newToken()
	t := &roundtable.TimeAsk{ID: newID(), DraftID: d.ID, ProgramID: p.ID, ProgramName: p.Name, ApplicantID: ap.ID,
		Name: ap.Name, TimeZone: ap.TimeZone, Options: ways, AskedAt: tx.now, ExpiresAt: tx.now.Add(roundtable.TimeAskLifetime),
		Choice: -1, Open: true}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO time_asks (id, draft_id, applicant_id, token_hash, options, asked_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (draft_id, applicant_id) DO UPDATE SET token_hash = $4, options = $5, asked_by = $6, created_at = $7, expires_at = $8
		WHERE time_asks.answered_at IS NULL AND time_asks.expires_at <= $7
		RETURNING id`,
		t.ID, d.ID, ap.ID, hash, string(raw), nullable(actorOf(ctx).id()), ms(tx.now), ms(t.ExpiresAt)).Scan(&t.ID)
	if errors.Is(err, sql.ErrNoRows) {
		// Another organizer asked her at the same moment: hers is the ask, sent once.
		asks, err := loadAsks(ctx, tx, `t.draft_id = $1 AND t.applicant_id = $2`, d.ID, ap.ID)
		if err != nil || len(asks) == 0 {
			return nil, fmt.Errorf("find concurrent ask: %w", err)
		}
		return asks[0], nil
	} else if err != nil {
		return nil, fmt.Errorf("save ask: %w", err)
	}
	times := make([]string, len(ways))
	for i, w := range ways {
		times[i] = w.Her
	}
	zone := ap.TimeZone
	if zone == "" {
		zone = "UTC"
	}
	err = enqueue(ctx, tx, "time_ask", mail.TimeAsk(mail.TimeAskMail{To: ap.Email, Name: ap.Name, ProgramName: p.Name,
		Times: times, Zone: zone, Link: s.db.baseURL + "/times/" + token, Expires: roundtable.TimeAskLifetime}))
	return t, err
}

// FindTimeAsk returns the ask of a link.
func (s *FormationService) FindTimeAsk(ctx context.Context, token string) (*roundtable.TimeAsk, error) {
	var out *roundtable.TimeAsk
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		out, err = askByToken(ctx, tx, token)
		return err
	})
	return out, err
}
