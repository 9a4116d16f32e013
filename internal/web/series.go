package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/schedule"
)

// seriesFields are the fields of the series form, in page order.
var seriesFields = []string{"slot", "day", "time", "cadence", "nth", "minutes", "video_url", "place", "from"}

// slotChoice is one weekly time offered on the series form, with who sees
// it at which time on their own clock.
type slotChoice struct {
	ID, Value, Label string
	People           []localGroup
	Fits, Circle     bool
}

// localGroup is the people who see a slot at the same local time, and
// whether it is outside their availability.
type localGroup struct {
	Time    string
	Names   []string
	Outside bool
}

// groupLocal gathers people by the local time they see and whether it is
// outside their availability, in first-seen order.
func groupLocal(ls []roundtable.LocalSlot) []localGroup {
	type key struct {
		time    string
		outside bool
	}
	var out []localGroup
	at := map[key]int{}
	for _, l := range ls {
		k := key{l.Time, l.Outside}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, localGroup{Time: l.Time, Outside: l.Outside})
		}
		out[i].Names = append(out[i].Names, l.Name)
	}
	return out
}

// seriesFormPage is the facilitator's form for the circle's meeting series.
type seriesFormPage struct {
	layoutData
	Setup        *roundtable.SeriesSetup
	Form         *form
	Zone         string // the circle's
	Changing     bool
	Rhythm       string // the series' current rhythm, when changing
	ProgramDates string
	Choices      []slotChoice

	DaySelect, CadenceSelect, NthSelect *selectView
}

// selectView is a labelled select whose options the page provides.
type selectView struct {
	Form              *form
	Name, Label, Hint string
	Options           []option
}

// seriesChoices turns the setup's options into radio choices, ending with
// "another time". Under each, people are grouped by the time they see on
// their own clock from today to the end of the program.
func seriesChoices(setup *roundtable.SeriesSetup, now time.Time) []slotChoice {
	ref := roundtable.LoadLocation(setup.Circle.TimeZone)
	from, to := programFrom(setup.Program, ref, now), setup.Program.EndDate
	// The series' and the circle's own times come first; the members' best
	// times follow in the order of the week, easier to scan than by rank.
	opts := slices.Clone(setup.Options)
	pinned := 0
	for pinned < len(opts) && (opts[pinned].Circle || (setup.Series != nil && opts[pinned].Slot == setup.Series.Slot)) {
		pinned++
	}
	slices.SortStableFunc(opts[pinned:], func(a, b *roundtable.SlotOption) int { return weekMinute(a.Slot) - weekMinute(b.Slot) })
	var out []slotChoice
	for i, o := range opts {
		label, local := o.Slot, o.Local
		if sl, err := schedule.ParseSlot(o.Slot); err == nil {
			label, local = schedule.DayName(sl.Day)+" at "+wallClock(sl.Start), nil
			for _, l := range o.Local {
				if runs := localRuns(sl, ref, roundtable.LoadLocation(l.Zone), from, to); len(runs) > 0 {
					l.Time = schedule.DayAbbrev(runs[0].Day) + " " + wallClock(runs[0].Start)
					if len(runs) > 1 {
						l.Time += " (" + runChanges(runs, now.Year(), true) + ")"
					}
				}
				local = append(local, l)
			}
		}
		out = append(out, slotChoice{ID: "f-slot-" + strconv.Itoa(i), Value: o.Slot, Label: label, People: groupLocal(local), Fits: o.Fits, Circle: o.Circle})
	}
	if len(out) > 0 {
		out[0].ID = "f-slot"
	}
	id := "f-slot-other"
	if len(out) == 0 {
		id = "f-slot"
	}
	return append(out, slotChoice{ID: id, Value: "other", Label: "Another time"})
}

// weekMinute orders a slot's text in a week that starts on Monday; text
// that is no slot sorts last.
func weekMinute(slot string) int {
	sl, err := schedule.ParseSlot(slot)
	if err != nil {
		return 7 * 24 * 60
	}
	return (int(sl.Day)+6)%7*24*60 + sl.Start
}

var (
	weekdayOptions = func() []option {
		out := []option{{"", "Choose a day"}}
		for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
			out = append(out, option{schedule.DayAbbrev(d), schedule.DayName(d)})
		}
		return out
	}()
	nthOptions = []option{
		{"", "The same week as the first meeting"}, {"1", "The first"}, {"2", "The second"},
		{"3", "The third"}, {"4", "The fourth"}, {"-1", "The last"},
	}
)

func cadenceOptions() []option {
	var out []option
	for _, c := range roundtable.Cadences {
		out = append(out, option{string(c), c.Label()})
	}
	return out
}

// seriesSetup returns the series setup for the circle of the request, for
// its facilitator.
func (s *Server) seriesSetup(r *http.Request) (*roundtable.User, *roundtable.SeriesSetup, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, nil, err
	}
	setup, err := s.svc.Series.FindSeriesSetup(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return nil, nil, err
	}
	return u, setup, nil
}

// seriesDefaults are the form's first values: the series as it is, or the
// circle's time and the program's rhythm for a new one.
func seriesDefaults(setup *roundtable.SeriesSetup, now time.Time) url.Values {
	p, sr := setup.Program, setup.Series
	if sr != nil {
		from := programFrom(p, roundtable.LoadLocation(setup.Circle.TimeZone), now)
		v := url.Values{"slot": {sr.Slot}, "cadence": {string(sr.Cadence)}, "minutes": {strconv.Itoa(sr.Minutes)},
			"video_url": {sr.VideoURL}, "place": {sr.Place}, "from": {from.Format(roundtable.DateLayout)}}
		if sr.Monthly() {
			v.Set("nth", strconv.Itoa(sr.Nth))
		}
		return v
	}
	v := url.Values{"cadence": {string(p.Cadence)}, "minutes": {strconv.Itoa(p.SessionMinutes)}, "slot": {"other"}}
	if len(setup.Options) > 0 {
		v.Set("slot", setup.Options[0].Slot)
	}
	return v
}

// civilToday is today's date in loc, at midnight UTC.
func civilToday(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// programFrom is the first date of the program still to come in loc: today,
// or its start when it has not begun.
func programFrom(p *roundtable.Program, loc *time.Location, now time.Time) time.Time {
	if from := civilToday(now, loc); !from.Before(p.StartDate) {
		return from
	}
	return p.StartDate
}

func (s *Server) renderSeriesForm(w http.ResponseWriter, r *http.Request, status int, setup *roundtable.SeriesSetup, f *form) {
	zone := zoneName(roundtable.LoadLocation(setup.Circle.TimeZone))
	page := &seriesFormPage{
		layoutData: layoutData{Title: "Meeting series", Nav: "home"},
		Setup:      setup, Form: f, Zone: zone, Changing: setup.Series != nil,
		ProgramDates:  setup.Program.StartDate.Format("2 January 2006") + " to " + setup.Program.EndDate.Format("2 January 2006"),
		Choices:       seriesChoices(setup, s.now()),
		DaySelect:     &selectView{Form: f, Name: "day", Label: "Day", Options: weekdayOptions},
		CadenceSelect: &selectView{Form: f, Name: "cadence", Label: "How often", Options: cadenceOptions()},
		NthSelect: &selectView{Form: f, Name: "nth", Label: "Which week of the month",
			Hint: "For monthly meetings only, like the second Tuesday.", Options: nthOptions},
	}
	if setup.Series != nil {
		page.Rhythm = setup.Series.Phrase()
	}
	s.render(w, r, status, "series_form", page)
}

// handleSeriesForm shows the series form, with the values of a preview the
// facilitator comes back from.
func (s *Server) handleSeriesForm(w http.ResponseWriter, r *http.Request) error {
	_, setup, err := s.seriesSetup(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	if v.Get("cadence") == "" {
		v = seriesDefaults(setup, s.now())
	}
	s.renderSeriesForm(w, r, http.StatusOK, setup, newForm(v, seriesFields...))
	return nil
}

// readSeries reads the form into a series and, when changing, the date from
// which it applies.
func readSeries(f *form, circleID string, changing bool) (*roundtable.Series, time.Time) {
	sr := &roundtable.Series{CircleID: circleID, Cadence: roundtable.Cadence(f.text("cadence")), VideoURL: f.text("video_url"), Place: f.text("place")}
	sr.Slot = f.text("slot")
	if sr.Slot == "" || sr.Slot == "other" {
		day, clock := f.text("day"), f.text("time")
		if day == "" {
			f.add("day", "Choose the day of the week.")
		}
		if _, err := time.Parse("15:04", clock); err != nil {
			f.add("time", "Enter the start time like 15:00.")
		}
		sr.Slot = day + " " + clock
	}
	if n := f.text("nth"); n != "" && sr.Monthly() {
		var err error
		if sr.Nth, err = strconv.Atoi(n); err != nil {
			f.add("nth", "Choose which weekday of the month.")
		}
	}
	sr.Minutes = f.intField("minutes", "Enter the length in minutes, like 90.")
	var from time.Time
	if changing {
		var err error
		if from, err = time.Parse(roundtable.DateLayout, f.text("from")); err != nil {
			f.add("from", "Enter the date like 2026-03-14.")
		}
	}
	if err := sr.Validate(); err != nil {
		for k, v := range roundtable.ErrorFields(err) {
			if k == "slot" && (f.Error("day") != "" || f.Error("time") != "") {
				continue
			}
			f.add(k, v)
		}
	}
	return sr, from
}

// previewRow is one date of a preview, in the reader's and the circle's time.
type previewRow struct {
	When, CircleWhen, Note, Status string
}

// seriesPreviewPage shows the dates before they are made.
type seriesPreviewPage struct {
	layoutData
	Circle     *roundtable.Circle
	Changing   bool
	Phrase     string
	From       string
	Zone       string
	CircleZone string // "" when it is the reader's
	Rows       []previewRow
	Cancelled  []previewRow
	Created    int
	Moved      int
	Kept       int
	Hidden     []option // the form's values, posted on
	Back       string   // the form with these values
	Format     string   // the program's default format, which new meetings start with
	FormatNote string   // why it does not fit these meetings
}

// handleSeriesPreview shows the meetings the choices make, or the form with
// what needs correcting.
func (s *Server) handleSeriesPreview(w http.ResponseWriter, r *http.Request) error {
	u, setup, err := s.seriesSetup(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	f := newForm(v, seriesFields...)
	changing := setup.Series != nil
	sr, from := readSeries(f, setup.Circle.ID, changing)
	var preview *roundtable.SeriesPreview
	if !f.Invalid() {
		if preview, err = s.svc.Series.PreviewSeries(r.Context(), sr, from); err != nil && !f.fail(err) {
			return err
		}
	}
	if f.Invalid() {
		f.finish("")
		s.renderSeriesForm(w, r, http.StatusUnprocessableEntity, setup, f)
		return nil
	}
	loc, cloc, now := u.Location(), roundtable.LoadLocation(setup.Circle.TimeZone), s.now()
	page := &seriesPreviewPage{
		layoutData: layoutData{Title: "Check the meetings", Nav: "home"},
		Circle:     setup.Circle, Changing: changing, Phrase: sr.Phrase(), Zone: zoneName(loc),
		From: preview.From.Format("2 January 2006"), Back: "/circles/" + setup.Circle.ID + "/series?" + v.Encode(),
		Format: preview.Format, FormatNote: preview.FormatNote,
	}
	if cloc.String() != loc.String() {
		page.CircleZone = zoneName(cloc)
	}
	end := func(t time.Time) time.Time { return t.Add(time.Duration(sr.Minutes) * time.Minute) }
	for _, d := range preview.Dates {
		row := previewRow{When: meetingWhen(d.StartsAt, end(d.StartsAt), loc, now), Note: d.TimeNote}
		if page.CircleZone != "" {
			row.CircleWhen = meetingWhen(d.StartsAt, end(d.StartsAt), cloc, now)
		}
		switch {
		case d.New:
			row.Status = "New"
		case !d.Was.IsZero():
			row.Status = "Moves from " + meetingWhen(d.Was, end(d.Was), loc, now)
		default:
			row.Status = "Stays"
		}
		page.Rows = append(page.Rows, row)
	}
	for _, m := range preview.Cancelled {
		page.Cancelled = append(page.Cancelled, previewRow{When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now)})
	}
	page.Created, page.Moved, page.Kept = preview.Counts()
	for _, k := range seriesFields {
		if val := v.Get(k); val != "" {
			page.Hidden = append(page.Hidden, option{k, val})
		}
	}
	s.render(w, r, http.StatusOK, "series_preview", page)
	return nil
}

// handleSeriesSave makes the series, or changes it from a date on.
func (s *Server) handleSeriesSave(w http.ResponseWriter, r *http.Request) error {
	_, setup, err := s.seriesSetup(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, seriesFields...)
	changing := setup.Series != nil
	sr, from := readSeries(f, setup.Circle.ID, changing)
	var preview *roundtable.SeriesPreview
	if !f.Invalid() {
		if changing {
			preview, err = s.svc.Series.ChangeSeries(r.Context(), sr, from)
		} else {
			preview, err = s.svc.Series.CreateSeries(r.Context(), sr)
		}
		if err != nil && !f.fail(err) {
			return err
		}
	}
	if f.Invalid() {
		f.finish("")
		s.renderSeriesForm(w, r, http.StatusUnprocessableEntity, setup, f)
		return nil
	}
	created, moved, _ := preview.Counts()
	var msg string
	if changing {
		var parts []string
		if moved > 0 {
			parts = append(parts, plural(moved, "meeting moves", "meetings move"))
		}
		if created > 0 {
			parts = append(parts, plural(created, "new meeting", "new meetings"))
		}
		if n := len(preview.Cancelled); n > 0 {
			parts = append(parts, plural(n, "meeting is cancelled", "meetings are cancelled"))
		}
		msg = "The series is changed from " + preview.From.Format("2 January") + ": " + sr.Phrase() + "."
		if len(parts) > 0 {
			msg += " " + roundtable.Sentence(strings.Join(parts, ", ")) + " Everyone gets the updates for their calendar."
		}
	} else {
		msg = fmt.Sprintf("The series is set: %s, %s. Everyone gets an invitation for each in their own time zone.",
			plural(created, "meeting", "meetings"), sr.Phrase())
	}
	if created > 0 && preview.Format != "" && preview.FormatNote == "" {
		msg += " Each new meeting has the agenda of " + preview.Format + "; change it on the meeting's agenda page."
	}
	return s.notice(w, r, "/circles/"+setup.Circle.ID, msg)
}

// circleSchedule adds the weekly time, the series and the open polls to the
// circle page: the series' time, when there is one, else the time the circle
// was formed around.
func (s *Server) circleSchedule(r *http.Request, data *circleHomePage, loc *time.Location) {
	c, sr := data.Home.Circle, data.Home.Series
	data.HasSeries = sr != nil
	data.Rhythm = circleRhythm(c, data.Home.Program, sr, loc, s.now())
	u := roundtable.UserFromContext(r.Context())
	for _, p := range data.Home.Polls {
		link := pollLink{ID: p.ID, Answered: u != nil && p.HasAnswered(u.ID)}
		for _, m := range data.Upcoming {
			if m.ID == p.MeetingID {
				link.MeetingWhen = m.When
			}
		}
		data.Polls = append(data.Polls, link)
	}
}
