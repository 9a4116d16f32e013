package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/schedule"
)

// SeriesService implements roundtable.SeriesService.
type SeriesService struct{ db *DB }

var _ roundtable.SeriesService = (*SeriesService)(nil)

// NewSeriesService returns the series service.
func NewSeriesService(db *DB) *SeriesService { return &SeriesService{db: db} }

// findSeries returns a circle's series, or ENOTFOUND when it has none.
func findSeries(ctx context.Context, tx *Tx, circleID string) (*roundtable.Series, error) {
	var r seriesRow
	err := tx.QueryRowContext(ctx, `
		SELECT slot, freq, every_n, nth, minutes, video_url, place, created_at, updated_at FROM series WHERE circle_id = $1`,
		circleID).Scan(r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("meeting series")
	} else if err != nil {
		return nil, fmt.Errorf("find series: %w", err)
	}
	return r.series(circleID), nil
}

// seriesColumns are a series row's columns for scanning with seriesRow.dest,
// read through a LEFT JOIN as s: a circle without a series gives zeros.
const seriesColumns = `COALESCE(s.slot, ''), COALESCE(s.freq, ''), COALESCE(s.every_n, 0), COALESCE(s.nth, 0),
	COALESCE(s.minutes, 0), COALESCE(s.video_url, ''), COALESCE(s.place, ''), COALESCE(s.created_at, 0),
	COALESCE(s.updated_at, 0)`

// seriesRow is a series as its row stores it.
type seriesRow struct {
	s                roundtable.Series
	freq             string
	every            int
	created, updated int64
}

// dest returns where the row's columns are scanned, in the order of
// findSeries and seriesColumns.
func (r *seriesRow) dest() []any {
	return []any{&r.s.Slot, &r.freq, &r.every, &r.s.Nth, &r.s.Minutes, &r.s.VideoURL, &r.s.Place, &r.created, &r.updated}
}

// series returns the circle's series of the row.
func (r *seriesRow) series(circleID string) *roundtable.Series {
	s := r.s
	s.CircleID = circleID
	s.CreatedAt, s.UpdatedAt = fromMS(r.created), fromMS(r.updated)
	switch {
	case r.freq == "monthly" && r.every == 2:
		s.Cadence = roundtable.Bimonthly
	case r.freq == "monthly":
		s.Cadence = roundtable.Monthly
	case r.every == 2:
		s.Cadence = roundtable.Biweekly
	default:
		s.Cadence = roundtable.Weekly
	}
	return &s
}

// saveSeries inserts or replaces a circle's series row.
func saveSeries(ctx context.Context, tx *Tx, s *roundtable.Series) error {
	r := s.Rule()
	freq := "weekly"
	if r.Freq == schedule.Monthly {
		freq = "monthly"
	}
	s.UpdatedAt = tx.now
	if s.CreatedAt.IsZero() {
		s.CreatedAt = tx.now
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO series (circle_id, slot, freq, every_n, nth, minutes, video_url, place, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (circle_id) DO UPDATE SET slot = excluded.slot, freq = excluded.freq, every_n = excluded.every_n,
			nth = excluded.nth, minutes = excluded.minutes, video_url = excluded.video_url, place = excluded.place,
			updated_at = excluded.updated_at`,
		s.CircleID, s.Slot, freq, max(r.Interval, 1), s.Nth, s.Minutes, s.VideoURL, s.Place, ms(s.CreatedAt), ms(s.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save series: %w", err)
	}
	return nil
}

// FindSeries returns a circle's series to its people.
func (s *SeriesService) FindSeries(ctx context.Context, circleID string) (*roundtable.Series, error) {
	var out *roundtable.Series
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		if _, err := memberWithRules(ctx, tx, actorOf(ctx), circleID); err != nil {
			return err
		}
		out, err = findSeries(ctx, tx, circleID)
		return err
	})
	return out, err
}

// seriesCircle checks the actor facilitates the circle and returns it with
// its program and series (nil when it has none).
func seriesCircle(ctx context.Context, tx *Tx, a actor, circleID string) (*roundtable.Circle, *roundtable.Program, *roundtable.Series, error) {
	if _, err := requireFacilitator(ctx, tx, a, circleID, "set up the meeting series"); err != nil {
		return nil, nil, nil, err
	}
	c, err := findCircle(ctx, tx, circleID)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := findProgram(ctx, tx, c.ProgramID)
	if err != nil {
		return nil, nil, nil, err
	}
	old, err := findSeries(ctx, tx, circleID)
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		return c, p, nil, nil
	}
	return c, p, old, err
}

// PreviewSeries returns what CreateSeries or ChangeSeries would do.
func (s *SeriesService) PreviewSeries(ctx context.Context, sr *roundtable.Series, from time.Time) (*roundtable.SeriesPreview, error) {
	var out *roundtable.SeriesPreview
	err := s.db.view(ctx, func(tx *Tx) error {
		c, p, old, err := seriesCircle(ctx, tx, actorOf(ctx), sr.CircleID)
		if err != nil {
			return err
		}
		if err := sr.Validate(); err != nil {
			return err
		}
		if from.IsZero() {
			old = nil
		} else if old == nil {
			return notFound("meeting series")
		}
		w, err := planSeries(ctx, tx, c, p, old, sr, from, time.Time{})
		if err != nil {
			return err
		}
		out = w.preview
		return nil
	})
	return out, err
}

// CreateSeries makes every meeting of a new series.
func (s *SeriesService) CreateSeries(ctx context.Context, sr *roundtable.Series) (*roundtable.SeriesPreview, error) {
	a := actorOf(ctx)
	var out *roundtable.SeriesPreview
	err := s.db.update(ctx, func(tx *Tx) error {
		c, p, old, err := seriesCircle(ctx, tx, a, sr.CircleID)
		if err != nil {
			return err
		}
		if old != nil {
			return roundtable.Errorf(roundtable.ECONFLICT, "This circle has a meeting series already; change it instead.")
		}
		if err := sr.Validate(); err != nil {
			return err
		}
		w, err := planSeries(ctx, tx, c, p, nil, sr, time.Time{}, time.Time{})
		if err != nil {
			return err
		}
		if err := saveSeries(ctx, tx, sr); err != nil {
			return err
		}
		out = w.preview
		return w.apply(ctx, tx, a)
	})
	return out, err
}

// ChangeSeries rewrites the series from a date on.
func (s *SeriesService) ChangeSeries(ctx context.Context, sr *roundtable.Series, from time.Time) (*roundtable.SeriesPreview, error) {
	a := actorOf(ctx)
	var out *roundtable.SeriesPreview
	err := s.db.update(ctx, func(tx *Tx) error {
		c, p, old, err := seriesCircle(ctx, tx, a, sr.CircleID)
		if err != nil {
			return err
		}
		if old == nil {
			return notFound("meeting series")
		}
		if err := sr.Validate(); err != nil {
			return err
		}
		if from.IsZero() {
			return fieldError("from", "Enter the date from which the new times apply.")
		}
		out, err = changeSeries(ctx, tx, a, c, p, old, sr, from, time.Time{})
		return err
	})
	return out, err
}

// changeSeries plans and applies a change of the series in tx.
func changeSeries(ctx context.Context, tx *Tx, a actor, c *roundtable.Circle, p *roundtable.Program, old, sr *roundtable.Series, from, first time.Time) (*roundtable.SeriesPreview, error) {
	w, err := planSeries(ctx, tx, c, p, old, sr, from, first)
	if err != nil {
		return nil, err
	}
	sr.CreatedAt = old.CreatedAt
	if err := saveSeries(ctx, tx, sr); err != nil {
		return nil, err
	}
	return w.preview, w.apply(ctx, tx, a)
}

// fieldError is an EINVALID error about one field.
func fieldError(field, msg string) error {
	return &roundtable.Error{Code: roundtable.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

// seriesWork is a series worked out against the circle's meetings: what to
// create, move and cancel.
type seriesWork struct {
	circleID string
	preview  *roundtable.SeriesPreview
	create   []*roundtable.Meeting
	revise   [][2]*roundtable.Meeting // the meeting and what it becomes
	cancel   []*roundtable.Meeting
	// format is the program's default format, which new meetings start
	// with; nil for none.
	format *roundtable.Format
}

// apply makes the changes.
func (w *seriesWork) apply(ctx context.Context, tx *Tx, a actor) error {
	for _, pair := range w.revise {
		if err := reviseMeeting(ctx, tx, pair[0], pair[1]); err != nil {
			return err
		}
	}
	for _, m := range w.cancel {
		if err := cancelMeeting(ctx, tx, m); err != nil {
			return err
		}
	}
	for i, m := range w.create {
		if err := insertMeeting(ctx, tx, m, a.id()); err != nil {
			return err
		}
		if w.format != nil {
			if err := applyDefaultFormat(ctx, tx, m, w.format); err != nil {
				return err
			}
		}
		for j := range w.preview.Dates {
			if d := &w.preview.Dates[j]; d.New && d.Existing == "" && d.StartsAt.Equal(m.StartsAt) {
				d.Existing = w.create[i].ID
			}
		}
	}
	return nil
}

// dayKey is a calendar date in a zone, for matching meetings to dates.
func dayKey(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }

// planSeries works out a series for circle c of program p. For a new series
// (old nil, from zero) the dates run over the program; for a change, from
// the date from on, the rule's dates starting at first (from when zero),
// matched against the series' meetings still to come from that date on.
func planSeries(ctx context.Context, tx *Tx, c *roundtable.Circle, p *roundtable.Program, old, sr *roundtable.Series, from, first time.Time) (*seriesWork, error) {
	ref, err := roundtable.Zone(c.TimeZone)
	if err != nil || c.TimeZone == "" {
		return nil, roundtable.Errorf(roundtable.EINVALID, "The circle's time zone %q is unknown; ask the organizer to correct it.", c.TimeZone)
	}
	cands, rngFrom, err := seriesDates(tx, p, sr, ref, from, first)
	if err != nil {
		return nil, err
	}
	all, err := listMeetings(ctx, tx, c.ID, "")
	if err != nil {
		return nil, err
	}
	ex := sortExisting(all, ref, tx.now, old, from)
	w := &seriesWork{circleID: c.ID, preview: &roundtable.SeriesPreview{Series: sr, From: rngFrom}}
	pairOf, cancel := ex.pair(cands, ref)
	w.cancel, w.preview.Cancelled = cancel, cancel
	for i, cd := range cands {
		if ex.skipped[cd.day] {
			continue
		}
		if m := ex.oneOff[cd.day]; m != nil {
			w.preview.Dates = append(w.preview.Dates, roundtable.SeriesDate{StartsAt: m.StartsAt, TimeNote: m.TimeNote, Existing: m.ID})
			continue
		}
		w.addDate(c.ID, sr, old, cd, pairOf[i])
	}
	sort.SliceStable(w.preview.Dates, func(i, j int) bool { return w.preview.Dates[i].StartsAt.Before(w.preview.Dates[j].StartsAt) })
	return w, defaultAgenda(ctx, tx, w, p, sr)
}

// seriesDate is a date the series' rule gives, still to come.
type seriesDate struct {
	at   time.Time
	note string // a clock change near it, if any
	day  string // its date in the circle's zone, YYYY-MM-DD
}

// seriesDates checks the series against the program and returns the dates
// its rule gives that are still to come, and the day the range starts.
func seriesDates(tx *Tx, p *roundtable.Program, sr *roundtable.Series, ref *time.Location, from, first time.Time) ([]seriesDate, time.Time, error) {
	slot, err := schedule.ParseSlot(sr.Slot)
	if err != nil {
		return nil, time.Time{}, fieldError("slot", "Choose a day and a start time, like Tuesday at 15:00.")
	}
	today := civilDay(tx.now.In(ref))
	start, end := civilDay(p.StartDate), civilDay(p.EndDate)
	if today.After(end) {
		return nil, time.Time{}, roundtable.Errorf(roundtable.EINVALID, "The program ended on %s: there are no meetings left to schedule.", end.Format("2 January 2006"))
	}
	rngFrom := start
	if !from.IsZero() {
		from = civilDay(from)
		switch {
		case from.Before(start) || from.After(end):
			return nil, time.Time{}, fieldError("from", fmt.Sprintf("Choose a date within the program, from %s to %s.",
				start.Format("2 January 2006"), end.Format("2 January 2006")))
		case from.Before(today):
			return nil, time.Time{}, fieldError("from", "Choose today or a later date: meetings that took place stay as they were.")
		}
		rngFrom = from
		if !first.IsZero() {
			rngFrom = civilDay(first)
		}
	}
	rng := schedule.NewRange(rngFrom, end)
	if sr.Monthly() && sr.Nth == 0 {
		if ds := rng.Dates(slot.Day); len(ds) > 0 {
			sr.Nth = schedule.NthOfMonth(ds[0])
		}
	}
	noDates := func() error {
		field := "cadence"
		if sr.Monthly() {
			field = "nth"
		}
		return fieldError(field, fmt.Sprintf("No meeting is left to hold %s between %s and %s. Choose another day or rhythm.",
			sr.Rule().Phrase(slot.Day), rngFrom.Format("2 January 2006"), end.Format("2 January 2006")))
	}
	dates, err := sr.Rule().Dates(slot.Day, rng)
	if err != nil {
		return nil, time.Time{}, noDates()
	}
	var cands []seriesDate
	for _, d := range dates {
		t, note := schedule.WallTimeNote(d, slot.Start, ref)
		if !t.After(tx.now) {
			continue // the past stays as it was
		}
		cands = append(cands, seriesDate{at: fromMS(ms(t)), note: note, day: d.Format(time.DateOnly)})
	}
	if len(cands) == 0 {
		return nil, time.Time{}, noDates()
	}
	return cands, rngFrom, nil
}

// existingMeetings are the circle's meetings still to come, as a series
// change sees them.
type existingMeetings struct {
	oneOff  map[string]*roundtable.Meeting // dates one-off meetings take
	skipped map[string]bool                // dates of series meetings cancelled by hand
	olds    []*roundtable.Meeting          // series meetings to rewrite, by start
}

// sortExisting sorts the circle's meetings still to come (from the date
// from on, for a change of the series old).
func sortExisting(all []*roundtable.Meeting, ref *time.Location, now time.Time, old *roundtable.Series, from time.Time) existingMeetings {
	var fromDay string
	if !from.IsZero() {
		fromDay = civilDay(from).Format(time.DateOnly)
	}
	ex := existingMeetings{oneOff: map[string]*roundtable.Meeting{}, skipped: map[string]bool{}}
	for _, m := range all {
		day := dayKey(m.StartsAt, ref)
		if !m.StartsAt.After(now) || (old != nil && day < fromDay) {
			continue
		}
		switch {
		case !m.InSeries && !m.Cancelled:
			ex.oneOff[day] = m
		case old == nil:
		case m.InSeries && m.Cancelled:
			ex.skipped[day] = true
		case m.InSeries:
			ex.olds = append(ex.olds, m)
		}
	}
	return ex
}

// pair gives each date the series meeting already on its day; the meetings
// whose date goes move to the dates that are new, as many as can, in order,
// each as little as can be; the others are cancelled. pairOf[i] is date i's
// meeting, nil for a new one.
func (ex existingMeetings) pair(cands []seriesDate, ref *time.Location) (pairOf, cancel []*roundtable.Meeting) {
	paired := map[*roundtable.Meeting]bool{}
	pairOf = make([]*roundtable.Meeting, len(cands))
	var open []int // dates still without a meeting
	byDay := map[string]*roundtable.Meeting{}
	for _, m := range ex.olds {
		if byDay[dayKey(m.StartsAt, ref)] == nil {
			byDay[dayKey(m.StartsAt, ref)] = m
		}
	}
	for i, cd := range cands {
		if ex.oneOff[cd.day] != nil || ex.skipped[cd.day] {
			continue
		}
		if m := byDay[cd.day]; m != nil && !paired[m] {
			pairOf[i], paired[m] = m, true
			continue
		}
		open = append(open, i)
	}
	var rest []*roundtable.Meeting
	for _, m := range ex.olds {
		if !paired[m] {
			rest = append(rest, m)
		}
	}
	openAt := make([]time.Time, len(open))
	for k, i := range open {
		openAt[k] = cands[i].at
	}
	for a, b := range matchInOrder(rest, openAt) {
		if b < 0 {
			cancel = append(cancel, rest[a])
			continue
		}
		pairOf[open[b]] = rest[a]
	}
	return pairOf, cancel
}

// addDate plans the series' meeting on date cd: the meeting m moved or kept
// there (nil: a new one), keeping what the facilitator set on it by hand.
func (w *seriesWork) addDate(circleID string, sr, old *roundtable.Series, cd seriesDate, m *roundtable.Meeting) {
	next := &roundtable.Meeting{CircleID: circleID, StartsAt: cd.at, Minutes: sr.Minutes, TimeNote: cd.note,
		VideoURL: sr.VideoURL, Place: sr.Place, InSeries: true}
	d := roundtable.SeriesDate{StartsAt: cd.at, TimeNote: cd.note}
	if m == nil {
		d.New = true
		w.create = append(w.create, next)
		w.preview.Dates = append(w.preview.Dates, d)
		return
	}
	if old != nil && m.VideoURL != old.VideoURL {
		next.VideoURL = m.VideoURL
	}
	if old != nil && m.Place != old.Place {
		next.Place = m.Place
	}
	d.Existing = m.ID
	if !m.StartsAt.Equal(cd.at) {
		d.Was = m.StartsAt
	}
	w.revise = append(w.revise, [2]*roundtable.Meeting{m, next})
	w.preview.Dates = append(w.preview.Dates, d)
}

// civilDay returns t's calendar date (read in t's location) at midnight UTC.
func civilDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// matchInOrder pairs meetings with new dates, both in time order, keeping
// the order: it pairs as many as it can and, among those pairings, moves
// meetings the least in total. It returns, for each meeting, the index of
// its date or -1 when it has none. Both lists are short (a program's
// meetings), so the quadratic table is cheap.
func matchInOrder(ms []*roundtable.Meeting, dates []time.Time) []int {
	const skip = int64(1) << 40 // more than any move: pairing comes first
	n, k := len(ms), len(dates)
	cost := make([][]int64, n+1)
	for i := range cost {
		cost[i] = make([]int64, k+1)
		for j := range cost[i] {
			switch {
			case i == 0:
				cost[i][j] = int64(j) * skip
			case j == 0:
				cost[i][j] = int64(i) * skip
			default:
				d := ms[i-1].StartsAt.Sub(dates[j-1])
				if d < 0 {
					d = -d
				}
				cost[i][j] = min(cost[i-1][j]+skip, cost[i][j-1]+skip, cost[i-1][j-1]+int64(d/time.Minute))
			}
		}
	}
	out := make([]int, n)
	for i, j := n, k; i > 0; {
		switch {
		case j > 0 && cost[i][j] == cost[i-1][j-1]+int64(absDuration(ms[i-1].StartsAt.Sub(dates[j-1]))/time.Minute):
			out[i-1] = j - 1
			i, j = i-1, j-1
		case cost[i][j] == cost[i-1][j]+skip:
			out[i-1] = -1
			i--
		default:
			j--
		}
	}
	return out
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
