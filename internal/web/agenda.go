package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// The agenda editor works without JavaScript: one form holds every part,
// and its buttons add, move or remove a part by posting the whole form,
// which comes back with the change made but not saved until "Save agenda".

// segmentFields are the fields of one part of the agenda form.
var segmentFields = []string{"title", "minutes", "kind", "board", "order", "guests", "roles", "guidance"}

// agendaRow is one part of the agenda form as typed, so a move or an error
// gives back exactly what was there.
type agendaRow struct {
	ID, Title, Minutes, Kind, Board, Order, Roles, Guidance string
	Guests                                                  bool
}

// agendaPage is the facilitator's agenda editor.
type agendaPage struct {
	layoutData
	meetingHead

	Form     *form // the parts
	Rows     []agendaRowView
	Total    int  // minutes of the parts together
	Over     int  // minutes beyond the meeting's length
	Left     int  // minutes the parts leave free
	Unsaved  bool // parts were added, moved or removed since the last save
	Formats  []formatChoice
	Source   *form // the choice of a format or template
	Existing int   // parts the meeting's agenda has now
	People   int   // people expected, for the formats' minutes

	Templates []templateChoice
	Deleting  *roundtable.AgendaTemplate // asked to confirm its deletion
}

// agendaRowView is a row and where it stands.
type agendaRowView struct {
	I           int
	N           int    // 1-based
	Start       string // when it starts if the meeting keeps to time, reader's zone
	First, Last bool
	// Summary says in a line what the folded fields hold; Open unfolds
	// them when one has an error.
	Summary string
	Open    bool
}

// agendaFolded are the fields of a part shown folded under its summary:
// a phone shows the agenda as titles and minutes, one part opened at a time.
var agendaFolded = []string{"kind", "order", "board", "roles", "guidance", "guests"}

// rowView describes row i of f for the editor.
func rowView(f *form, row agendaRow, i, n int, start string) agendaRowView {
	v := agendaRowView{I: i, N: i + 1, Start: start, First: i == 0, Last: i == n-1}
	var say []string
	if k := roundtable.SegmentKind(row.Kind); k.Valid() {
		say = append(say, k.Label())
	}
	if o := roundtable.SpeakingOrder(row.Order); o.Valid() && !(o == roundtable.OrderRound && row.Kind == string(roundtable.SegmentRound)) {
		say = append(say, strings.ToLower(o.Label()))
	}
	if b := roundtable.BoardMode(row.Board); b.Valid() {
		say = append(say, "board: "+strings.ToLower(b.Label()))
	}
	if row.Guests {
		say = append(say, "guests follow")
	}
	v.Summary = strings.Join(say, " · ")
	for _, name := range agendaFolded {
		if f.Error(roundtable.SegmentField(name, i)) != "" {
			v.Open = true
		}
	}
	return v
}

// agendaFormOrder lists the form's fields in page order for the error summary.
func agendaFormOrder(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		for _, f := range segmentFields {
			out = append(out, roundtable.SegmentField(f, i))
		}
	}
	return append(out, "segments", "template_name", "template_shared")
}

// rowsFromSegments writes saved segments as form rows.
func rowsFromSegments(segs []roundtable.Segment) []agendaRow {
	out := make([]agendaRow, len(segs))
	for i, s := range segs {
		out[i] = agendaRow{ID: s.ID, Title: s.Title, Minutes: strconv.Itoa(s.Minutes), Kind: string(s.Kind), Board: string(s.Board),
			Order: string(s.Order), Roles: s.Roles, Guidance: s.Guidance, Guests: s.Guests}
	}
	return out
}

// readRows reads the rows of a posted agenda form.
func readRows(v url.Values) []agendaRow {
	n, _ := strconv.Atoi(v.Get("count"))
	n = min(max(n, 0), roundtable.MaxSegments+1)
	out := make([]agendaRow, n)
	for i := range out {
		get := func(f string) string { return strings.TrimSpace(v.Get(roundtable.SegmentField(f, i))) }
		out[i] = agendaRow{ID: get("id"), Title: get("title"), Minutes: get("minutes"), Kind: get("kind"), Board: get("board"),
			Order: get("order"), Roles: get("roles"), Guidance: get("guidance"), Guests: get("guests") != ""}
	}
	return out
}

// rowValues writes rows as form values.
func rowValues(rows []agendaRow, v url.Values) url.Values {
	if v == nil {
		v = url.Values{}
	}
	v.Set("count", strconv.Itoa(len(rows)))
	for i, r := range rows {
		set := func(f, val string) { v.Set(roundtable.SegmentField(f, i), val) }
		set("id", r.ID)
		set("title", r.Title)
		set("minutes", r.Minutes)
		set("kind", r.Kind)
		set("board", r.Board)
		set("order", r.Order)
		set("roles", r.Roles)
		set("guidance", r.Guidance)
		if r.Guests {
			set("guests", "on")
		} else {
			v.Del(roundtable.SegmentField("guests", i))
		}
	}
	return v
}

// segmentsOf reads rows as segments, recording unreadable minutes on f.
func segmentsOf(rows []agendaRow, f *form) []roundtable.Segment {
	out := make([]roundtable.Segment, len(rows))
	for i, r := range rows {
		m, err := strconv.Atoi(r.Minutes)
		if err != nil {
			f.add(roundtable.SegmentField("minutes", i), "Enter the minutes as a number, like 15.")
		}
		out[i] = roundtable.Segment{ID: r.ID, Title: r.Title, Minutes: m, Kind: roundtable.SegmentKind(r.Kind),
			Board: roundtable.BoardMode(r.Board), Order: roundtable.SpeakingOrder(r.Order), Roles: r.Roles, Guidance: r.Guidance, Guests: r.Guests}
	}
	return out
}

// agendaOf returns the meeting of the request with its agenda, for the
// circle's people.
func (s *Server) agendaOf(r *http.Request) (*roundtable.User, *roundtable.Meeting, *roundtable.CircleHome, *roundtable.Agenda, error) {
	u, m, home, err := s.meetingOf(r)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	ag, err := s.svc.Agendas.FindAgenda(r.Context(), m.ID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return u, m, home, ag, nil
}

// editableAgenda returns the meeting and agenda of the request for someone
// who may change them.
func (s *Server) editableAgenda(r *http.Request) (*roundtable.User, *roundtable.Meeting, *roundtable.CircleHome, *roundtable.Agenda, error) {
	u, m, home, ag, err := s.agendaOf(r)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if err := s.settled(m, "its agenda"); err != nil {
		return nil, nil, nil, nil, err
	}
	if !ag.CanEdit {
		return nil, nil, nil, nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the meeting's facilitator plans its agenda.")
	}
	return u, m, home, ag, nil
}

// settled refuses a change to what (like "its agenda") once the meeting is
// cancelled or over.
func (s *Server) settled(m *roundtable.Meeting, what string) error {
	switch {
	case m.Cancelled:
		return roundtable.Errorf(roundtable.EINVALID, "This meeting is cancelled: %s can no longer change.", what)
	case !m.EndsAt().After(s.now()):
		return roundtable.Errorf(roundtable.EINVALID, "This meeting is over: %s can no longer change.", what)
	}
	return nil
}

// renderAgenda shows the editor with rows (typed or saved); unsaved says
// that parts were added, moved or removed and wait to be saved.
func (s *Server) renderAgenda(w http.ResponseWriter, r *http.Request, status int, u *roundtable.User, m *roundtable.Meeting,
	home *roundtable.CircleHome, ag *roundtable.Agenda, rows []agendaRow, f, source *form, unsaved bool) {
	loc := u.Location()
	if f == nil {
		f = newForm(rowValues(rows, nil), agendaFormOrder(len(rows))...)
	}
	if source == nil {
		// Adding after an agenda that already fills the meeting would be
		// refused: then replacing it is what the facilitator most likely wants.
		mode := "replace"
		if len(ag.Segments) > 0 && ag.TotalMinutes() < m.Minutes {
			mode = "add"
		}
		source = newForm(url.Values{"mode": {mode}}, "source", "mode")
	}
	page := &agendaPage{
		layoutData:  layoutData{Title: "Plan the agenda", Nav: "home"},
		meetingHead: s.headOf(u, m, home.Circle),
		Form:        f, Source: source, Existing: len(ag.Segments), People: expectedPeople(home.Circle, m), Unsaved: unsaved,
	}
	at := m.StartsAt
	for i, row := range rows {
		page.Rows = append(page.Rows, rowView(f, row, i, len(rows), at.In(loc).Format("15:04")))
		if n, err := strconv.Atoi(row.Minutes); err == nil && n > 0 {
			at = at.Add(time.Duration(n) * time.Minute)
			page.Total += n
		}
	}
	page.Over, page.Left = max(page.Total-m.Minutes, 0), max(m.Minutes-page.Total, 0)
	// The choices are measured against the whole meeting, as when they
	// replace the agenda; adding one after the agenda so far is refused
	// with its reason when the time left is too short.
	plan := roundtable.AgendaPlan{People: page.People, FollowUps: len(ag.FollowUps), Minutes: m.Minutes}
	for _, fm := range roundtable.Formats() {
		c := formatChoice{Key: fm.Key, Name: fm.Name, Description: fm.Description, Roles: fm.Roles}
		switch {
		case fm.GroupSize > 0:
			c.Note = fmt.Sprintf("The circle works in groups of %d.", fm.GroupSize)
		case page.People < fm.MinPeople || page.People > fm.MaxPeople:
			c.Note = fmt.Sprintf("Works best with %d to %d people; %s expected.", fm.MinPeople, fm.MaxPeople, plural(page.People, "person is", "people are"))
		}
		var fit string
		c.Minutes, fit, c.Unfit = fitNote(fm.Name, fm.Segments, fm.MinMinutes, plan)
		c.Note = strings.TrimSpace(c.Note + " " + fit)
		page.Formats = append(page.Formats, c)
	}
	templates, err := s.svc.Agendas.ListAgendaTemplates(r.Context(), m.CircleID)
	if err == nil {
		for _, t := range templates {
			c := templateChoice{AgendaTemplate: t, Mine: t.CreatedBy == u.ID}
			c.Minutes, c.Note, c.Unfit = fitNote("The template “"+t.Name+"”", t.Segments, 0, plan)
			page.Templates = append(page.Templates, c)
		}
	}
	if id := r.URL.Query().Get("delete"); id != "" {
		for _, t := range page.Templates {
			if t.ID == id && t.Mine {
				page.Deleting = t.AgendaTemplate
			}
		}
	}
	s.render(w, r, status, "meeting_agenda", page)
}

// expectedPeople counts the circle's people who joined, less those who
// said they will not come.
func expectedPeople(c *roundtable.Circle, m *roundtable.Meeting) int {
	n := 0
	for _, p := range c.Members {
		if p.JoinedAt != nil && m.RSVPs[p.UserID] != roundtable.RSVPNo {
			n++
		}
	}
	return n
}

// handleAgendaEdit shows the agenda editor.
func (s *Server) handleAgendaEdit(w http.ResponseWriter, r *http.Request) error {
	u, m, home, ag, err := s.editableAgenda(r)
	if err != nil {
		return err
	}
	s.renderAgenda(w, r, http.StatusOK, u, m, home, ag, rowsFromSegments(ag.Segments), nil, nil, false)
	return nil
}

// handleAgendaSave adds, moves or removes a part (shown again, not saved),
// saves the agenda, or saves it and keeps it as a template.
func (s *Server) handleAgendaSave(w http.ResponseWriter, r *http.Request) error {
	u, m, home, ag, err := s.editableAgenda(r)
	if err != nil {
		return err
	}
	if _, ok := r.PostForm["count"]; !ok {
		// Without the count of parts, saving would empty the agenda.
		return roundtable.Errorf(roundtable.EINVALID, "The agenda form came incomplete. Please open it again.")
	}
	rows := readRows(r.PostForm)
	op, arg, _ := strings.Cut(r.PostForm.Get("op"), "-")
	i, _ := strconv.Atoi(arg)
	inRange := i >= 0 && i < len(rows)
	reshow := func(rows []agendaRow) error {
		v := rowValues(rows, url.Values{"template_name": {r.PostForm.Get("template_name")}, "template_shared": {r.PostForm.Get("template_shared")}})
		s.renderAgenda(w, r, http.StatusOK, u, m, home, ag, rows, newForm(v, agendaFormOrder(len(rows))...), nil, true)
		return nil
	}
	switch {
	case op == "add":
		if len(rows) >= roundtable.MaxSegments {
			f := newForm(rowValues(rows, nil), agendaFormOrder(len(rows))...)
			f.add("segments", fmt.Sprintf("An agenda can have at most %d parts.", roundtable.MaxSegments))
			f.finish("")
			s.renderAgenda(w, r, http.StatusUnprocessableEntity, u, m, home, ag, rows, f, nil, true)
			return nil
		}
		return reshow(append(rows, agendaRow{Kind: string(roundtable.SegmentDiscussion), Minutes: "10", Order: string(roundtable.OrderHands)}))
	case op == "up" && inRange && i > 0:
		rows[i-1], rows[i] = rows[i], rows[i-1]
		return reshow(rows)
	case op == "down" && inRange && i < len(rows)-1:
		rows[i+1], rows[i] = rows[i], rows[i+1]
		return reshow(rows)
	case op == "remove" && inRange:
		return reshow(append(rows[:i], rows[i+1:]...))
	case op != "" && op != "save" && op != "template":
		return reshow(rows) // a stale or unknown button: show the form as it is
	}

	f := newForm(r.PostForm, agendaFormOrder(len(rows))...)
	segs := segmentsOf(rows, f)
	if err := roundtable.ValidateSegments(segs); err != nil {
		f.mergeProblems(err)
	}
	var tpl *roundtable.AgendaTemplate
	if op == "template" {
		tpl = &roundtable.AgendaTemplate{Name: r.PostForm.Get("template_name"), Segments: segs, Shared: r.PostForm.Get("template_shared") == "program"}
		if err := tpl.Validate(); err != nil {
			for k, msg := range roundtable.ErrorFields(err) {
				if k == "name" || k == "segments" {
					f.add("template_name", msg)
				}
			}
		}
	}
	saved := false
	if !f.Invalid() {
		if err := s.svc.Agendas.SetSegments(r.Context(), m.ID, segs); err != nil && !f.fail(err) {
			return err
		}
		saved = !f.Invalid()
	}
	if !f.Invalid() && tpl != nil {
		if err := s.svc.Agendas.CreateAgendaTemplate(r.Context(), m.CircleID, tpl); err != nil {
			fields := roundtable.ErrorFields(err)
			if msg := fields["name"]; msg != "" {
				f.add("template_name", msg)
			} else if !f.fail(err) {
				return err
			}
			f.finish("The agenda is saved, but not as a template yet.")
		}
	}
	if f.Invalid() {
		f.finish("")
		s.renderAgenda(w, r, http.StatusUnprocessableEntity, u, m, home, ag, rows, f, nil, !saved)
		return nil
	}
	if tpl != nil && tpl.Shared {
		return s.notice(w, r, "/meetings/"+m.ID+"/agenda", "Agenda saved, and kept as the template “"+tpl.Name+"” for every facilitator of the program.")
	} else if tpl != nil {
		return s.notice(w, r, "/meetings/"+m.ID+"/agenda", "Agenda saved, and kept as your template “"+tpl.Name+"”. Only you see it.")
	}
	return s.notice(w, r, "/meetings/"+m.ID, "Agenda saved. The circle sees it here and in the reminder a week before.")
}

// labelled lists the values of an agenda choice as a select's options.
func labelled[T ~string](values []T, label func(T) string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{string(v), label(v)}
	}
	return out
}

// The choices of a part's selects.
var (
	kindOptions  = labelled(roundtable.SegmentKinds, roundtable.SegmentKind.Label)
	boardOptions = labelled(roundtable.BoardModes, roundtable.BoardMode.Label)
	orderOptions = labelled(roundtable.SpeakingOrders, roundtable.SpeakingOrder.Label)
)

// Select is a select of part i's field for the "field" partial.
func (p *agendaPage) Select(field string, i int) *fieldView {
	v := &fieldView{Form: p.Form, Name: roundtable.SegmentField(field, i), Type: "select"}
	switch field {
	case "kind":
		v.Label, v.Options = "What happens", kindOptions
	case "board":
		v.Label, v.Options = "The board takes", boardOptions
	case "order":
		v.Label, v.Options = "Who speaks", orderOptions
	}
	return v
}
