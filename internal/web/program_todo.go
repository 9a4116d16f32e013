package web

import (
	"time"

	"github.com/roundtable/roundtable"
)

// todoView is what needs doing in one program, as the home and program
// pages show it: each line a link to the page where it gets done.
//
// Its fields are copied from the roundtable.ProgramTodo rather than embedding
// it: the template would find each field of an embedded struct by a
// reflective search at every reading.
type todoView struct {
	Program       *roundtable.Program
	Pending       int
	NoFacilitator []roundtable.CircleRef
	Unplaced      int
	CirclesMeet   bool
	Meetings      []todoMeeting
	// ShowUnplaced is false where the page already points to open seats.
	ShowUnplaced bool
}

// todoMeeting is a meeting soon without an agenda, its time in my zone.
type todoMeeting struct {
	MeetingID, CircleID, CircleName string
	Facilitating                    bool
	When                            string
}

// newTodoView prepares a program's to-do for a page, times in loc.
func newTodoView(p *roundtable.Program, t *roundtable.ProgramTodo, loc *time.Location) *todoView {
	if t == nil {
		t = &roundtable.ProgramTodo{}
	}
	v := &todoView{Program: p, Pending: t.Pending, NoFacilitator: t.NoFacilitator, Unplaced: t.Unplaced,
		CirclesMeet: t.CirclesMeet, ShowUnplaced: true}
	for _, g := range t.NoAgenda {
		v.Meetings = append(v.Meetings, todoMeeting{MeetingID: g.MeetingID, CircleID: g.CircleID, CircleName: g.CircleName,
			Facilitating: g.Facilitating, When: g.StartsAt.In(loc).Format("Monday 2 January, 15:04")})
	}
	return v
}

// Nothing reports whether the lines the page shows are all empty.
func (v *todoView) Nothing() bool {
	return v.Pending == 0 && len(v.NoFacilitator) == 0 && len(v.Meetings) == 0 && (v.Unplaced == 0 || !v.ShowUnplaced)
}

// PlaceURL is where accepted people get a circle: open seats once circles
// meet, forming circles before.
func (v *todoView) PlaceURL() string {
	if v.CirclesMeet {
		return "/programs/" + v.Program.ID + "/seats"
	}
	return "/programs/" + v.Program.ID + "/formation"
}
