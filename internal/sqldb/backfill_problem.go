package sqldb

// The engine's side of filling open seats: the problem a proposal is
// computed from, how its answer is described, and the fingerprint that tells
// a proposal still current from one made before something changed.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/schedule"
)

// propose runs the engine on the seats with the chosen waiting-list
// applicants and describes its answer.
func propose(ctx context.Context, in *seats, waitlisted []string) (*roundtable.BackfillProposal, error) {
	chosen, err := in.chosen(waitlisted)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(in.circles, func(c *seatCircle) bool { return len(c.members) > 0 }) {
		return nil, roundtable.Errorf(roundtable.EINVALID, "No circle has members yet, so there are no seats to fill. Form circles first.")
	}
	newcomers := append(slices.Clone(in.late), chosen...)
	if len(newcomers) == 0 {
		return nil, &roundtable.Error{Code: roundtable.EINVALID, Message: "Nobody is waiting for a seat.",
			Fields: map[string]string{"waitlisted": "Choose people from the waiting list, or accept applicants first."}}
	}
	pr := newProblem(in, newcomers)
	gs := in.settings.Grouping()
	opt := grouping.BackfillOptions{Fixed: pr.fixed, Stay: pr.stay}
	full, err := grouping.BackfillWith(ctx, pr.people, gs, pr.current, pr.newIdx, opt)
	if err != nil {
		return nil, engineError(err)
	}
	opt.NoMoves = true
	direct, err := grouping.BackfillWith(ctx, pr.people, gs, pr.current, pr.newIdx, opt)
	if err != nil {
		return nil, engineError(err)
	}
	prop := pr.describe(full, direct, len(in.late))
	prop.OpenSeats = *in.view()
	prop.Waitlisted = make([]string, len(chosen))
	for i, ap := range chosen {
		prop.Waitlisted[i] = ap.ID
	}
	prop.Version = fingerprint(in, newcomers, prop)
	return prop, nil
}

// engineError turns settings no engine run can meet into a message for organizers.
func engineError(err error) error {
	var se *grouping.SettingsError
	if errors.As(err, &se) {
		return roundtable.Errorf(roundtable.EINVALID, "%s", se.Message)
	}
	return fmt.Errorf("fill open seats: %w", err)
}

// chosen returns the waiting-list applicants of ids, in waiting-list order,
// or EINVALID when an ID is not on the waiting list.
func (in *seats) chosen(ids []string) ([]*roundtable.Applicant, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []*roundtable.Applicant
	for _, ap := range in.waitlist {
		if want[ap.ID] {
			out = append(out, ap)
			delete(want, ap.ID)
		}
	}
	if len(want) > 0 {
		return nil, &roundtable.Error{Code: roundtable.EINVALID, Message: "Someone chosen is not on the waiting list any more.",
			Fields: map[string]string{"waitlisted": "Choose people from the waiting list below."}}
	}
	return out, nil
}

// problem is the seats as the engine sees them: people are the members with
// an application, then the newcomers, then members without one (who stay
// where they are).
type problem struct {
	in      *seats
	list    []*roundtable.Applicant // people with an application, by index
	userOf  map[int]string          // member index → user ID
	people  []grouping.Person
	current [][]int
	fixed   []*grouping.FixedSlot
	stay    []int
	newIdx  []int
}

func newProblem(in *seats, newcomers []*roundtable.Applicant) *problem {
	pr := &problem{in: in, userOf: map[int]string{}}
	var orphans [][2]int // circle, member position of members without an application
	for g, c := range in.circles {
		pr.current = append(pr.current, []int{})
		for k, m := range c.members {
			if m.applicant == nil {
				orphans = append(orphans, [2]int{g, k})
				continue
			}
			pr.userOf[len(pr.list)] = m.userID
			pr.current[g] = append(pr.current[g], len(pr.list))
			pr.list = append(pr.list, m.applicant)
		}
		pr.fixed = append(pr.fixed, fixedSlot(c.circle, in.program))
	}
	for _, ap := range newcomers {
		pr.newIdx = append(pr.newIdx, len(pr.list))
		pr.list = append(pr.list, ap)
	}
	pr.people, _, _ = peopleOf(pr.list)
	// A member without an application still takes a seat; nothing is known
	// of them, so they fit any time and stay put.
	anytime := schedule.Week{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		anytime = append(anytime, schedule.Window{Day: d, Start: 0, End: 24 * 60})
	}
	for _, o := range orphans {
		x := len(pr.people)
		uid := in.circles[o[0]].members[o[1]].userID
		pr.people = append(pr.people, grouping.Person{ID: "member:" + uid, Name: "A member", Zone: time.UTC, Week: anytime})
		pr.current[o[0]] = append(pr.current[o[0]], x)
		pr.stay = append(pr.stay, x)
	}
	return pr
}

// fixedSlot returns the weekly time a circle meets at, or nil when it has
// none (or one that cannot be read, which then counts as none).
func fixedSlot(c *roundtable.Circle, p *roundtable.Program) *grouping.FixedSlot {
	if c.Slot == "" {
		return nil
	}
	sl, err := schedule.ParseSlot(c.Slot)
	if err != nil {
		return nil
	}
	return &grouping.FixedSlot{Slot: sl, Zone: loadZone(c.TimeZone, p.TimeZone)}
}

// loadZone loads a zone, falling back to another and then to UTC.
func loadZone(names ...string) *time.Location {
	for _, n := range names {
		if loc, err := time.LoadLocation(n); err == nil && n != "" {
			return loc
		}
	}
	return time.UTC
}

// describe writes the engine's answers as a proposal: full with moves, direct
// without. The first late newcomers came from the accepted list, the rest
// from the waiting list.
func (pr *problem) describe(full, direct *grouping.Formation, late int) *roundtable.BackfillProposal {
	in := pr.in
	where := func(f *grouping.Formation) map[int]int {
		out := map[int]int{}
		for g, c := range f.Circles {
			for _, x := range c.Members {
				out[x] = g
			}
		}
		return out
	}
	now, without := where(full), where(direct)
	prop := &roundtable.BackfillProposal{}
	for k, x := range pr.newIdx {
		g, ok := now[x]
		if !ok {
			continue
		}
		dg, placed := without[x]
		prop.Placements = append(prop.Placements, &roundtable.BackfillPlacement{
			Applicant: pr.list[x], Circle: in.circles[g].view, LocalTime: pr.localTime(g, x),
			FromWaitlist: k >= late, NeedsMove: !placed || dg != g,
		})
	}
	was := map[int]int{}
	for g, c := range pr.current {
		for _, x := range c {
			was[x] = g
		}
	}
	for _, x := range full.Moved {
		g := now[x]
		prop.Moves = append(prop.Moves, &roundtable.BackfillMove{Applicant: pr.list[x], UserID: pr.userOf[x],
			From: in.circles[was[x]].view, To: in.circles[g].view, LocalTime: pr.localTime(g, x)})
	}
	for _, u := range full.Unplaced {
		prop.Unplaced = append(prop.Unplaced, &roundtable.PreviewUnplaced{Applicant: pr.list[u.Person], Reason: u.Reason})
	}
	return prop
}

// localTime is circle g's weekly time on person x's clock over the program,
// or "" when the circle has no time yet.
func (pr *problem) localTime(g, x int) string {
	fx := pr.fixed[g]
	if fx == nil {
		return ""
	}
	p := pr.in.program
	own := loadZone(pr.list[x].TimeZone)
	return schedule.LocalTimes(fx.Slot, fx.Zone, own, schedule.NewRange(p.StartDate, p.EndDate)).String()
}

// fingerprint digests what a proposal was made from and what it proposes.
func fingerprint(in *seats, newcomers []*roundtable.Applicant, prop *roundtable.BackfillProposal) string {
	h := sha256.New()
	p, st := in.program, in.settings
	fmt.Fprintf(h, "program %q %d %d %d %s %s %q\n", p.ID, p.SizeMin, p.SizeMax, p.SessionMinutes,
		p.StartDate.Format(time.DateOnly), p.EndDate.Format(time.DateOnly), p.TimeZone)
	settings, _ := json.Marshal(st) // maps marshal with sorted keys
	fmt.Fprintf(h, "settings %s", settings)
	for _, c := range in.circles {
		fmt.Fprintf(h, "\ncircle %q %q %q\n", c.circle.ID, c.circle.Slot, c.circle.TimeZone)
		for _, m := range c.members {
			fmt.Fprintf(h, "member %q ", m.userID)
			writeApplicant(h, m.applicant)
		}
	}
	for _, ap := range newcomers {
		io.WriteString(h, "newcomer ")
		writeApplicant(h, ap)
	}
	for _, pl := range prop.Placements {
		fmt.Fprintf(h, "place %q %q %v\n", pl.Applicant.ID, pl.Circle.ID, pl.NeedsMove)
	}
	for _, m := range prop.Moves {
		fmt.Fprintf(h, "move %q %q %q\n", m.Applicant.ID, m.From.ID, m.To.ID)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writeApplicant writes the fields of an application the engine reads.
func writeApplicant(w io.Writer, a *roundtable.Applicant) {
	if a == nil {
		io.WriteString(w, "-\n")
		return
	}
	fmt.Fprintf(w, "%q %q %q %q %q %q %q %q %q %d %q %q\n", a.ID, a.Status, a.CircleID, a.Name, a.Email,
		a.Organization, a.Sector, a.Industry, a.Function, a.Level, a.TimeZone, a.Availability+"|"+a.Avoid)
}
