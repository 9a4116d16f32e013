package grouping

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// This file words the diagnosis of reason.go for organizers: each sentence names the circle,
// the time, the organization, the person or the size that a placement found runs into.

func itoa(n int) string { return strconv.Itoa(n) }

// zoneName names a zone, nil being UTC.
func zoneName(loc *time.Location) string {
	if loc == nil {
		return "UTC"
	}
	return loc.String()
}

// at writes a slot in the reference zone, like "Tue 15:00 (Europe/London)".
func (d *diagnosis) at(sl schedule.Slot) string {
	return sl.String() + " (" + zoneName(d.md.s.Reference) + ")"
}

// circleTime is the first common slot of circle g in words.
func (d *diagnosis) circleTime(g int) string {
	if sl, ok := d.common[g].First(); ok {
		return d.at(sl)
	}
	return "a time of its own"
}

// freeTimes writes x's availability in her zone, like "Mon 09:00-12:00, Wed 14:00-17:00
// (Europe/Paris)", the first three windows only.
func (d *diagnosis) freeTimes(x int32) string {
	p := &d.md.people[x]
	var parts []string
	for k, win := range p.Week {
		if k == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, win.String())
	}
	return strings.Join(parts, ", ") + " (" + zoneName(p.Zone) + ")"
}

// availability says what is wrong with x's own times, or "" when they are not the trouble
// by themselves.
func (d *diagnosis) availability(x int32) string {
	md := d.md
	mins := md.s.Minutes
	switch {
	case len(md.people[x].Week) == 0:
		return "no availability given"
	case md.slots[x].IsEmpty():
		for _, win := range md.people[x].Week {
			if win.End-win.Start >= mins+schedule.Step-1 {
				// Long enough for a slot on the quarter-hour grid, yet none: clocks change between
				// their zone and the reference.
				return fmt.Sprintf("their availability (%s) holds no %d-minute weekly window that fits every week of the program, because clock changes move it against %s",
					d.freeTimes(x), mins, zoneName(md.s.Reference))
			}
		}
		return fmt.Sprintf("their availability (%s) holds no %d-minute weekly window on every week of the program", d.freeTimes(x), mins)
	}
	best := int32(0)
	md.slots[x].Each(func(sl schedule.Slot) bool {
		best = max(best, d.shared[slotIndex(sl)])
		return true
	})
	if int(best) < md.s.Min {
		return fmt.Sprintf("no %d-minute weekly window shared with enough others (a circle needs %d; they are free %s)", mins, md.s.Min, d.freeTimes(x))
	}
	return ""
}

// names writes up to three names of people, then how many more.
func (d *diagnosis) names(people []int32) string {
	var out []string
	for k, y := range people {
		if k == 3 {
			out = append(out, fmt.Sprintf("%d more", len(people)-3))
			break
		}
		out = append(out, d.md.name(int(y)))
	}
	return joinNames(out)
}

// clauses lists what x runs into with the members p (but skip) of a circle meeting at a time
// of slots, for the rules of relax.
func (d *diagnosis) clauses(x int32, relax Rule, p []int32, skip int32, slots schedule.SlotSet, when string, size int, said bool) []string {
	md := d.md
	var out []string
	if relax&RuleTime != 0 && !meets(&slots, &md.slots[x]) {
		switch {
		case when == "" && said:
			out = append(out, "they cannot make that time")
		case when == "":
			out = append(out, fmt.Sprintf("they cannot make that time (they are free %s)", d.freeTimes(x)))
		case said:
			out = append(out, fmt.Sprintf("it meets %s, a time they cannot make", when))
		default:
			out = append(out, fmt.Sprintf("it meets %s, a time they cannot make (they are free %s)", when, d.freeTimes(x)))
		}
	}
	if relax&RuleOrganization != 0 {
		org := md.v(int(x), attrOrg)
		var same []int32
		for _, y := range p {
			if y != skip && md.v(int(y), attrOrg) == org {
				same = append(same, y)
			}
		}
		if len(same) > 0 {
			out = append(out, fmt.Sprintf("%s %s also from %s", d.names(same), isAre(len(same)), md.names[attrOrg][org]))
		}
	}
	if relax&RuleKeepApart != 0 {
		var apart []int32
		for _, y := range p {
			if y != skip && avoids(md, x, y) {
				apart = append(apart, y)
			}
		}
		if len(apart) > 0 {
			out = append(out, fmt.Sprintf("it includes %s, from whom they are to be kept apart", d.names(apart)))
		}
	}
	if relax&RuleSize != 0 {
		switch {
		case size > md.s.Max:
			out = append(out, fmt.Sprintf("it is full with %d", md.s.Max))
		case size < md.s.Min:
			out = append(out, fmt.Sprintf("that makes only %d, and circles need at least %d", size, md.s.Min))
		}
	}
	return out
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// sentence describes placement w of x, which needs the rules w.relax waived.
func (d *diagnosis) sentence(x int32, w witness) string {
	var b strings.Builder
	said := false
	if w.relax&RuleTime != 0 {
		if a := d.availability(x); a != "" {
			b.WriteString(a + "; ")
			said = true
		}
	}
	var cl []string
	if w.join >= 0 {
		p := d.parts[w.join]
		size := len(p) + 1
		common := d.common[w.join]
		if w.out >= 0 {
			size--
			common = d.without[w.join][indexOf(p, w.out)]
			fmt.Fprintf(&b, "Circle %d would take them if %s moved to Circle %d, but ", w.join+1, d.md.name(int(w.out)), w.to+1)
		} else {
			fmt.Fprintf(&b, "Circle %d would take them, but ", w.join+1)
		}
		cl = d.clauses(x, w.relax, p, w.out, common, d.circleTime(w.join), size, said)
	} else {
		fmt.Fprintf(&b, "a new circle meeting %s could hold them with %s, but ", d.at(w.slot), d.names(w.fresh))
		relax := w.relax
		k := 0
		if relax&RuleOrganization != 0 {
			if k = d.orgsAt(x, w.slot); k < d.md.s.Min {
				relax &^= RuleOrganization
			}
		}
		cl = d.clauses(x, relax, w.fresh, -1, schedule.SlotSetOf(w.slot), "", len(w.fresh)+1, said)
		if relax != w.relax && len(cl) == 0 && !said {
			// The organizations of the people free then are the whole story: say it first.
			return fmt.Sprintf("only %d organizations are among the people free at %s, and a circle needs %d from different ones; with that rule eased for them, a new circle could hold them with %s.",
				k, d.at(w.slot), d.md.s.Min, d.names(w.fresh))
		}
		if relax != w.relax {
			cl = append(cl, fmt.Sprintf("the people free then come from only %d organizations, and a circle needs %d from different ones", k, d.md.s.Min))
		}
	}
	if len(cl) == 0 {
		cl = []string{"the rule forbids it"}
	}
	b.WriteString(strings.Join(cl, "; ") + ".")
	return b.String()
}

// orgsAt counts the organizations (people without one each count as their own) among x and
// the candidates free at sl.
func (d *diagnosis) orgsAt(x int32, sl schedule.Slot) int {
	md := d.md
	seen := map[int32]bool{}
	n := 0
	for _, y := range append([]int32{x}, d.bySlot[slotIndex(sl)]...) {
		o := md.v(int(y), attrOrg)
		if o < 0 {
			n++
		} else if !seen[o] {
			seen[o] = true
			n++
		}
	}
	return n
}

func indexOf(p []int32, y int32) int {
	for k, z := range p {
		if z == y {
			return k
		}
	}
	return -1
}

// missed describes a placement that breaks no rule: the search did not find it.
func (d *diagnosis) missed(x int32, w witness) string {
	switch {
	case w.join >= 0 && w.out >= 0:
		return fmt.Sprintf("No rule keeps them out, but the search missed it: Circle %d can take them if %s moves to Circle %d; make both moves by hand.", w.join+1, d.md.name(int(w.out)), w.to+1)
	case w.join >= 0:
		return fmt.Sprintf("No rule keeps them out, but the search missed it: Circle %d can take them as it stands; move them there by hand.", w.join+1)
	}
	return fmt.Sprintf("No rule keeps them out, but the search missed it: a new circle meeting %s could hold them with %s.", d.at(w.slot), d.names(w.fresh))
}

// words writes the reason for x from the placements found.
func (d *diagnosis) words(x int32, fixes []witness, quick bool) string {
	md := d.md
	if len(fixes) == 0 {
		if quick {
			return "No circle can take them as it stands, and there was no time left to check what else would place them."
		}
		msg := "Meeting time: "
		if a := d.availability(x); a != "" {
			msg += a + "; and even at other times, "
		}
		return msg + fmt.Sprintf("no circle could take them: at most %d of the people not placed (or spared by larger circles) share any one %d-minute weekly time, and a circle needs %d.",
			d.mostShared(x), md.s.Minutes, md.s.Min)
	}
	var b strings.Builder
	for k, w := range fixes {
		if k > 0 {
			b.WriteString(" Or: ")
		}
		if w.relax == 0 {
			b.WriteString(d.missed(x, w))
			continue
		}
		label := w.relax.Label()
		if k == 0 {
			label = strings.ToUpper(label[:1]) + label[1:]
		}
		b.WriteString(label + ": ")
		b.WriteString(d.sentence(x, w))
	}
	return b.String()
}

// mostShared is the largest number of candidates for a new circle, other than x, free at one slot.
func (d *diagnosis) mostShared(x int32) int {
	best := 0
	for i := range d.bySlot {
		k := len(d.bySlot[i])
		if slices.Contains(d.bySlot[i], x) {
			k--
		}
		best = max(best, k)
	}
	return best
}
