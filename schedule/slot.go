package schedule

import (
	"fmt"
	"iter"
	"math/bits"
	"strings"
	"time"
)

// Step is the grid of candidate start times, in minutes: slots start on the
// quarter hour.
const Step = 15

// NumSlots is the number of candidate weekly slots: 7 days × 96 quarter hours.
const NumSlots = 7 * 24 * 60 / Step

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	secondsPerWeek = minutesPerWeek * 60
)

// Slot is a weekly meeting start in a circle's reference zone: a weekday and
// minutes since midnight, like "Tue 15:00". Slots in a SlotSet start on the
// Step grid; other functions accept any minute in [0, 1440).
type Slot struct {
	Day   time.Weekday
	Start int // minutes since midnight
}

// String writes the slot like "Tue 15:00".
func (s Slot) String() string {
	return fmt.Sprintf("%s %02d:%02d", DayAbbrev(s.Day), s.Start/60, s.Start%60)
}

// Valid reports whether the day and start are in range.
func (s Slot) Valid() bool {
	return s.Day >= time.Sunday && s.Day <= time.Saturday && s.Start >= 0 && s.Start < minutesPerDay
}

// minuteOfWeek counts minutes from Sunday 00:00.
func (s Slot) minuteOfWeek() int { return int(s.Day)*minutesPerDay + s.Start }

// index is the slot's bit in a SlotSet, or -1 when it is off the grid.
func (s Slot) index() int {
	if !s.Valid() || s.Start%Step != 0 {
		return -1
	}
	return s.minuteOfWeek() / Step
}

// slotAt returns the slot of bit i of a SlotSet.
func slotAt(i int) Slot {
	m := i * Step
	return Slot{Day: time.Weekday(m / minutesPerDay), Start: m % minutesPerDay}
}

// ParseSlot reads a slot like "Tue 15:00" (days as in ParseWeek; the time
// must be before 24:00).
func ParseSlot(s string) (Slot, error) {
	fields := strings.Fields(s)
	if len(fields) != 2 {
		return Slot{}, fmt.Errorf("%q is not like \"Tue 15:00\"", s)
	}
	// Reuse the window parser so days are read in exactly one way.
	win, err := parseWindow(fields[0] + " 00:00-00:01")
	if err != nil {
		return Slot{}, fmt.Errorf("%q: unknown day %q", s, fields[0])
	}
	start, err := parseClock(fields[1])
	if err != nil {
		return Slot{}, fmt.Errorf("%q: %v", s, err)
	}
	if start >= minutesPerDay {
		return Slot{}, fmt.Errorf("%q: a meeting starts before 24:00", s)
	}
	return Slot{Day: win.Day, Start: start}, nil
}

// SlotSet is a set of grid slots (NumSlots bits), small enough to copy and
// keep per circle. The zero value is empty.
type SlotSet [(NumSlots + 63) / 64]uint64

// AllSlots returns the set of every grid slot.
func AllSlots() SlotSet {
	var s SlotSet
	s.addRange(0, NumSlots)
	return s
}

// SlotSetOf returns the set of the given slots; off-grid slots are ignored.
func SlotSetOf(slots ...Slot) SlotSet {
	var s SlotSet
	for _, sl := range slots {
		s.Add(sl)
	}
	return s
}

// Add puts the slot in the set; an off-grid slot is ignored.
func (s *SlotSet) Add(sl Slot) {
	if i := sl.index(); i >= 0 {
		s[i/64] |= 1 << (i % 64)
	}
}

// Remove takes the slot out of the set.
func (s *SlotSet) Remove(sl Slot) {
	if i := sl.index(); i >= 0 {
		s[i/64] &^= 1 << (i % 64)
	}
}

// Has reports whether the slot is in the set.
func (s SlotSet) Has(sl Slot) bool {
	i := sl.index()
	return i >= 0 && s[i/64]&(1<<(i%64)) != 0
}

// And returns the slots in both sets.
func (s SlotSet) And(t SlotSet) SlotSet {
	for i := range s {
		s[i] &= t[i]
	}
	return s
}

// Or returns the slots in either set.
func (s SlotSet) Or(t SlotSet) SlotSet {
	for i := range s {
		s[i] |= t[i]
	}
	return s
}

// AndNot returns the slots of s that are not in t.
func (s SlotSet) AndNot(t SlotSet) SlotSet {
	for i := range s {
		s[i] &^= t[i]
	}
	return s
}

// Count returns the number of slots in the set.
func (s SlotSet) Count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// IsEmpty reports whether the set has no slot.
func (s SlotSet) IsEmpty() bool { return s == SlotSet{} }

// First returns the earliest slot of the week (from Sunday 00:00) in the set.
func (s SlotSet) First() (Slot, bool) {
	for i, w := range s {
		if w != 0 {
			return slotAt(i*64 + bits.TrailingZeros64(w)), true
		}
	}
	return Slot{}, false
}

// Each calls fn for the slots in week order from Sunday 00:00 until fn
// returns false.
func (s SlotSet) Each(fn func(Slot) bool) {
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			if !fn(slotAt(i*64 + b)) {
				return
			}
			w &= w - 1
		}
	}
}

// All returns the slots in week order from Sunday 00:00.
func (s SlotSet) All() iter.Seq[Slot] { return s.Each }

// Slots returns the slots in week order from Sunday 00:00.
func (s SlotSet) Slots() []Slot {
	out := make([]Slot, 0, s.Count())
	s.Each(func(sl Slot) bool { out = append(out, sl); return true })
	return out
}

// String lists the slots, joining consecutive ones into ranges of starts like
// "Tue 09:00-10:30" (the last start, not the meeting's end).
func (s SlotSet) String() string {
	var parts []string
	for i := 0; i < NumSlots; i++ {
		if !s.has(i) {
			continue
		}
		j := i
		for j+1 < NumSlots && s.has(j+1) && (j+1)%(minutesPerDay/Step) != 0 {
			j++
		}
		if j == i {
			parts = append(parts, slotAt(i).String())
		} else {
			last := slotAt(j)
			parts = append(parts, fmt.Sprintf("%s-%02d:%02d", slotAt(i), last.Start/60, last.Start%60))
		}
		i = j
	}
	return strings.Join(parts, ";")
}

func (s SlotSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }

// addRange sets bits [lo, hi) with 0 ≤ lo ≤ hi ≤ NumSlots, a word at a time.
func (s *SlotSet) addRange(lo, hi int) {
	for lo < hi {
		w, b := lo/64, lo%64
		n := min(64-b, hi-lo)
		var m uint64 = ^uint64(0)
		if n < 64 {
			m = (1<<n - 1) << b
		}
		s[w] |= m
		lo += n
	}
}

// addCyclic sets n bits starting at bit start (any integer, taken modulo
// NumSlots), wrapping from Saturday back to Sunday.
func (s *SlotSet) addCyclic(start int64, n int64) {
	if n <= 0 {
		return
	}
	if n >= NumSlots {
		s.addRange(0, NumSlots)
		return
	}
	lo := int(mod(start, NumSlots))
	hi := lo + int(n)
	if hi <= NumSlots {
		s.addRange(lo, hi)
		return
	}
	s.addRange(lo, NumSlots)
	s.addRange(0, hi-NumSlots)
}

// mod is the non-negative remainder of a / b for b > 0.
func mod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

// floorDiv divides rounding towards minus infinity, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// ceilDiv divides rounding towards plus infinity, for b > 0.
func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }
