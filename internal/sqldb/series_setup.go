package sqldb

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/schedule"
)

// maxSlotOptions is how many of the members' best common times the
// facilitator is offered besides the circle's own, each at least
// slotOptionsApart minutes from the others on the same day.
const (
	maxSlotOptions   = 6
	slotOptionsApart = 60
)

// FindSeriesSetup returns what the facilitator chooses a series from.
func (s *SeriesService) FindSeriesSetup(ctx context.Context, circleID string) (*roundtable.SeriesSetup, error) {
	var out *roundtable.SeriesSetup
	err := s.db.view(ctx, func(tx *Tx) error {
		c, p, sr, err := seriesCircle(ctx, tx, actorOf(ctx), circleID)
		if err != nil {
			return err
		}
		if c.Members, err = listMembers(ctx, tx, circleID); err != nil {
			return err
		}
		out = &roundtable.SeriesSetup{Circle: c, Program: p, Series: sr}
		if err := tx.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM meetings WHERE circle_id = $1 AND in_series = 1 AND cancelled_at IS NULL AND starts_at > $2`,
			circleID, ms(tx.now)).Scan(&out.Meetings); err != nil {
			return fmt.Errorf("count series meetings: %w", err)
		}
		minutes := p.SessionMinutes
		if sr != nil {
			minutes = sr.Minutes
		}
		out.Options, err = slotOptions(ctx, tx, c, p, sr, minutes)
		return err
	})
	return out, err
}

// slotOptions returns the weekly times to offer: the series' current one,
// the circle's own from its formation, then the best times the members'
// availability has in common, each in every person's own time.
func slotOptions(ctx context.Context, tx *Tx, c *roundtable.Circle, p *roundtable.Program, sr *roundtable.Series, minutes int) ([]*roundtable.SlotOption, error) {
	ref, err := roundtable.Zone(c.TimeZone)
	if err != nil {
		return nil, nil
	}
	rng := schedule.NewRange(p.StartDate, p.EndDate)
	plan, err := schedule.NewPlan(ref, rng, minutes)
	if err != nil {
		return nil, nil
	}
	weeks, err := memberWeeks(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	var members []schedule.Member
	common := schedule.AllSlots()
	own := map[string]schedule.SlotSet{} // by user: the slots their week holds
	for _, m := range c.Members {
		if w, ok := weeks[m.UserID]; ok {
			members = append(members, w)
			own[m.UserID] = plan.Slots(w.Week, w.Zone)
			common = common.And(own[m.UserID])
		}
	}

	var out []*roundtable.SlotOption
	seen := map[string]bool{}
	add := func(sl schedule.Slot, circle bool) {
		key := sl.String()
		if seen[key] {
			return
		}
		seen[key] = true
		o := &roundtable.SlotOption{Slot: key, Circle: circle, Fits: len(members) > 0 && common.Has(sl)}
		for _, m := range c.Members {
			loc := roundtable.LoadLocation(m.TimeZone)
			set, gave := own[m.UserID]
			o.Local = append(o.Local, roundtable.LocalSlot{Name: m.Name, Zone: loc.String(), Time: plan.LocalTimes(sl, loc).String(),
				Outside: gave && !set.Has(sl)})
		}
		out = append(out, o)
	}
	var taken []schedule.Slot
	if sr != nil {
		if sl, err := schedule.ParseSlot(sr.Slot); err == nil {
			add(sl, sr.Slot == c.Slot)
			taken = append(taken, sl)
		}
	}
	if sl, err := schedule.ParseSlot(c.Slot); err == nil {
		add(sl, true)
		taken = append(taken, sl)
	}
	if len(members) > 0 {
		for _, r := range schedule.Apart(plan.RankSet(common, members), taken, slotOptionsApart, maxSlotOptions) {
			add(r.Slot, false)
		}
	}
	return out, nil
}

// memberWeeks returns, by user, the weekly availability each member gave in
// their application, in the zone they gave it in. People without an
// application (a facilitator from outside) or without availability are left
// out: nothing is known of them.
func memberWeeks(ctx context.Context, tx *Tx, circleID string) (map[string]schedule.Member, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT m.user_id, a.availability, a.time_zone FROM circle_members m JOIN applicants a ON a.id = m.applicant_id
		WHERE m.circle_id = $1`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list availability: %w", err)
	}
	defer rows.Close()
	out := map[string]schedule.Member{}
	for rows.Next() {
		var uid, avail, tz string
		if err := rows.Scan(&uid, &avail, &tz); err != nil {
			return nil, err
		}
		w, err := schedule.ParseWeek(avail)
		if err != nil || len(w) == 0 {
			continue
		}
		out[uid] = schedule.Member{Week: w, Zone: loadZone(tz)}
	}
	return out, rows.Err()
}
