package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// agendaView is a meeting's agenda, roles, challenge cards and
// commitments as its page shows them, in the reader's time zone.
type agendaView struct {
	Segments    []segmentView
	Total       int // minutes of the parts together
	Over        int // minutes beyond the meeting's length, 0 when it fits
	Roles       []roleView
	Cards       []*cardView
	FollowUps   []commitmentView // open commitments that come back here
	Commitments []commitmentView // made in this meeting
	CanEdit     bool             // the reader may change agenda and roles
	Presenting  bool             // the reader presents
	MyCardEmpty bool
}

// segmentView is one timed part of the agenda. Its two lines of small print
// are written here, once, rather than pieced together by the template from
// a handful of fields and conditions for every part.
type segmentView struct {
	Start    string // "10:25", the reader's zone
	Title    string
	Guidance string
	// Length is the minutes and the roles that lead, like "24 min · The
	// opener, then everyone in turn".
	Length string
	// Tags are the kind and how it runs, like "The presenter speaks ·
	// board: questions only · open to guests".
	Tags string
}

// segmentLines writes a segment's length and tags for the meeting page.
func segmentLines(s roundtable.Segment) (length, tags string) {
	length = strconv.Itoa(s.Minutes) + " min"
	if s.Roles != "" {
		length += " · " + s.Roles
	}
	tags = s.Kind.Label()
	// A round says "in turn" in its kind already.
	if s.Order == roundtable.OrderRound && s.Kind != roundtable.SegmentRound {
		tags += " · everyone in turn"
	}
	if s.Board != roundtable.BoardClosed {
		tags += " · board: " + strings.ToLower(s.Board.Label())
	}
	if s.Guests {
		tags += " · open to guests"
	}
	return length, tags
}

// roleView is a role and who holds it.
type roleView struct{ Label, Names string }

// cardView is a presenter's challenge card. Its fields are plain copies, not
// an embedded roundtable.Challenge: the template finds a field of an
// embedded struct by a reflective search at every reading.
type cardView struct {
	PresenterID, Name, Question, Context, Tried string
	Empty, Mine                                 bool
}

// commitmentView is a commitment as a line on the page.
type commitmentView struct {
	Owner  string
	Text   string
	Made   string // when it was made, like "12 March"
	Status string // "Open", "Done", "Dropped"
	Report string
	Noted  string // when the owner gave her latest word between meetings, like "3 December"; "" if not
}

// newAgendaView builds the view for the reader.
func newAgendaView(ag *roundtable.Agenda, m *roundtable.Meeting, u *roundtable.User, loc *time.Location, made map[string]time.Time) *agendaView {
	v := &agendaView{CanEdit: ag.CanEdit, Total: ag.TotalMinutes()}
	if v.Total > m.Minutes {
		v.Over = v.Total - m.Minutes
	}
	starts := ag.Starts()
	for i, s := range ag.Segments {
		sv := segmentView{Start: starts[i].In(loc).Format("15:04"), Title: s.Title, Guidance: s.Guidance}
		sv.Length, sv.Tags = segmentLines(s)
		v.Segments = append(v.Segments, sv)
	}
	for _, role := range roundtable.MeetingRoles {
		var names []string
		for _, h := range ag.Holders(role) {
			names = append(names, h.Name)
		}
		if len(names) == 0 {
			continue
		}
		label := role.Label()
		if role == roundtable.RolePresenter && len(names) > 1 {
			label = "Presenters"
		}
		v.Roles = append(v.Roles, roleView{Label: label, Names: strings.Join(names, ", ")})
	}
	for _, c := range ag.Challenges {
		mine := c.PresenterID == u.ID
		v.Cards = append(v.Cards, &cardView{PresenterID: c.PresenterID, Name: c.Name, Question: c.Question,
			Context: c.Context, Tried: c.Tried, Empty: c.Empty(), Mine: mine})
		if mine {
			v.Presenting, v.MyCardEmpty = true, c.Empty()
		}
	}
	line := func(it *roundtable.ActionItem) commitmentView {
		cv := commitmentView{Owner: it.OwnerName, Text: it.Text, Report: it.Report, Status: "Open"}
		switch it.Status {
		case roundtable.ActionDone:
			cv.Status = "Done"
		case roundtable.ActionDropped:
			cv.Status = "Dropped"
		}
		if t, ok := made[it.MeetingID]; ok {
			cv.Made = t.In(loc).Format("2 January")
		}
		if it.NotedAt != nil {
			cv.Noted = it.NotedAt.In(loc).Format("2 January")
		}
		return cv
	}
	for _, it := range ag.FollowUps {
		v.FollowUps = append(v.FollowUps, line(it))
	}
	for _, it := range ag.Commitments {
		v.Commitments = append(v.Commitments, line(it))
	}
	return v
}
