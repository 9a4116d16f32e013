package grouping

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The lowest mean level spread, for the benchmark: an integer program over the aggregate that
// also chooses each circle's band of levels. A circle of band [lo, hi] holds people whose
// levels lie in it and has a spread of at most hi − lo. With z_tb ≥ 0 integer circles of band b
// at time t and x_ptb ∈ {0, 1} for each person p who can make t with her level in b:
//
//	Σ_tb x_ptb ≤ 1                          each person in one circle at most
//	Σ x_ptb ≥ placed                        no fewer people placed than asked
//	Min·z_tb ≤ Σ_p x_ptb ≤ Max·z_tb         the circles of band b at t hold their people
//	Σ_{p∈o} x_ptb ≤ z_tb                    organizations apart; keep-apart pairs likewise
//
// and it minimises Σ (spread(b) − μ)·z_tb. Its optimum is below zero exactly when some
// formation placing that many people has a mean spread below μ, so solving it for μ, then for
// the mean of the solution found, and so on, ends at the lowest mean spread (Dinkelbach's
// method for a ratio). As in the aggregate, the people of a band at a time are dealt into its
// circles, so every solution is a formation, save the rare keep-apart pair a deal cannot part:
// the optimum is a true lower bound on the mean spread of any formation.

// SpreadBand is a band of levels, lowest and highest included.
type SpreadBand struct{ Lo, Hi int }

// spreadBands lists the bands of the levels in use, narrowest first.
func spreadBands(levels []int) []SpreadBand {
	lo, hi := levels[0], levels[0]
	for _, l := range levels {
		lo, hi = min(lo, l), max(hi, l)
	}
	var out []SpreadBand
	for w := 0; w <= hi-lo; w++ {
		for l := lo; l+w <= hi; l++ {
			out = append(out, SpreadBand{l, l + w})
		}
	}
	return out
}

// spreadCell is one band at one time: the people who can make the time with a level in the
// band. Only bands whose ends are both someone's level there are kept (a wider band never does
// better than the tight one inside it), and only those that can hold a circle.
type spreadCell struct {
	t, b int
	who  []int32
}

func (c spreadCell) x(p int32) string {
	return "x" + strconv.Itoa(int(p)) + "_" + strconv.Itoa(c.t) + "_" + strconv.Itoa(c.b)
}

func (c spreadCell) z() string { return "z" + strconv.Itoa(c.t) + "_" + strconv.Itoa(c.b) }

// spreadCells lists the cells of the program.
func (a *Aggregate) spreadCells(levels []int, bands []SpreadBand) []spreadCell {
	var cells []spreadCell
	for t, at := range a.At {
		has := map[int]bool{}
		for _, p := range at {
			has[levels[p]] = true
		}
		for b, band := range bands {
			if !has[band.Lo] || !has[band.Hi] {
				continue
			}
			c := spreadCell{t: t, b: b}
			for _, p := range at {
				if levels[p] >= band.Lo && levels[p] <= band.Hi {
					c.who = append(c.who, p)
				}
			}
			if len(c.who) >= a.Min {
				cells = append(cells, c)
			}
		}
	}
	return cells
}

// WriteSpreadLP writes the program above in the CPLEX LP format, for people of the given
// levels, at least placed of them placed, and the target mean mu. Variable x<p>_<t>_<b> places
// person p at time t in a circle of band b, z<t>_<b> counts those circles; band b is the index
// into the bands of the levels, narrowest first.
func (a *Aggregate) WriteSpreadLP(w io.Writer, levels []int, placed int, mu float64) error {
	if len(levels) != a.N {
		return fmt.Errorf("grouping: %d levels for %d people", len(levels), a.N)
	}
	bands := spreadBands(levels)
	cells := a.spreadCells(levels, bands)
	bw := bufio.NewWriter(w)
	line := &lpLine{w: bw}
	bw.WriteString("\\ Lowest mean level spread of circles placing a given number of people\nMinimize\n obj:")
	for i, c := range cells {
		band := bands[c.b]
		if i > 0 && i%10 == 0 {
			bw.WriteString("\n  ")
		}
		fmt.Fprintf(bw, " %+.6f %s", float64(band.Hi-band.Lo)-mu, c.z())
	}
	line.end("")
	bw.WriteString("Subject To\n")
	a.writeSpreadPeople(bw, line, cells, placed)
	for i, c := range cells {
		a.writeSpreadCell(bw, line, i, c)
	}
	bw.WriteString("Bounds\n")
	for _, c := range cells {
		fmt.Fprintf(bw, " 0 <= %s <= %d\n", c.z(), len(c.who)/a.Min)
	}
	bw.WriteString("Generals\n")
	for _, c := range cells {
		line.term(0, c.z())
	}
	line.end("")
	bw.WriteString("Binaries\n")
	for _, c := range cells {
		for _, p := range c.who {
			line.term(0, c.x(p))
		}
	}
	line.end("")
	bw.WriteString("End\n")
	return bw.Flush()
}

// writeSpreadPeople writes the rows of the people: at least placed of them placed, each once.
func (a *Aggregate) writeSpreadPeople(bw *bufio.Writer, line *lpLine, cells []spreadCell, placed int) {
	mine := make([][]string, a.N)
	for _, c := range cells {
		for _, p := range c.who {
			mine[p] = append(mine[p], c.x(p))
		}
	}
	bw.WriteString(" placed:")
	for p := range mine {
		for _, v := range mine[p] {
			line.term(1, v)
		}
	}
	line.end(" >= " + strconv.Itoa(placed))
	for p, vs := range mine {
		if len(vs) < 2 {
			continue
		}
		fmt.Fprintf(bw, " one%d:", p)
		for _, v := range vs {
			line.term(1, v)
		}
		line.end(" <= 1")
	}
}

// writeSpreadCell writes the rows of cell i: its circles hold its people, an organization at
// most once per circle, a keep-apart pair in two circles.
func (a *Aggregate) writeSpreadCell(bw *bufio.Writer, line *lpLine, i int, c spreadCell) {
	for _, bound := range []struct {
		name, sense string
		size        int
	}{{"min", ">=", a.Min}, {"max", "<=", a.Max}} {
		fmt.Fprintf(bw, " %s%d:", bound.name, i)
		for _, p := range c.who {
			line.term(1, c.x(p))
		}
		line.term(-bound.size, c.z())
		line.end(" " + bound.sense + " 0")
	}
	orgs, byOrg := a.byOrganization(c.who)
	for _, o := range orgs {
		if len(byOrg[o]) < 2 {
			continue
		}
		fmt.Fprintf(bw, " org%d_%d:", o, i)
		for _, p := range byOrg[o] {
			line.term(1, c.x(p))
		}
		line.term(-1, c.z())
		line.end(" <= 0")
	}
	for k, pr := range a.Avoid {
		if slices.Contains(c.who, pr[0]) && slices.Contains(c.who, pr[1]) {
			fmt.Fprintf(bw, " apart%d_%d: %s + %s - %s <= 0\n", k, i, c.x(pr[0]), c.x(pr[1]), c.z())
		}
	}
}

// SpreadOfSolution reads the circles a solution of WriteSpreadLP opens (its z values, by
// name) and returns how many there are and the sum of their bands' spreads.
func SpreadOfSolution(values map[string]float64, levels []int) (circles, spreadSum int, err error) {
	bands := spreadBands(levels)
	for name, v := range values {
		if !strings.HasPrefix(name, "z") {
			continue
		}
		_, bs, ok := strings.Cut(name[1:], "_")
		b, perr := strconv.Atoi(bs)
		if !ok || perr != nil || b < 0 || b >= len(bands) {
			return 0, 0, fmt.Errorf("grouping: %q is no variable of the spread program", name)
		}
		k := int(v + 0.5)
		circles += k
		spreadSum += k * (bands[b].Hi - bands[b].Lo)
	}
	return circles, spreadSum, nil
}

// SpreadValues turns circles (people by index) into a solution of WriteSpreadLP for people of
// the given levels, to start a solver from: each circle at the first time all its members can
// make, in the band from its lowest level to its highest. False when a circle has no such time.
func (a *Aggregate) SpreadValues(circles [][]int, levels []int) (map[string]float64, bool) {
	bands := spreadBands(levels)
	out := map[string]float64{}
	for _, c := range circles {
		if len(c) == 0 {
			continue
		}
		t := a.timeOf(c)
		if t < 0 {
			return nil, false
		}
		lo, hi := levels[c[0]], levels[c[0]]
		for _, p := range c {
			lo, hi = min(lo, levels[p]), max(hi, levels[p])
		}
		cell := spreadCell{t: t, b: slices.Index(bands, SpreadBand{lo, hi})}
		for _, p := range c {
			out[cell.x(int32(p))] = 1
		}
		out[cell.z()]++
	}
	return out, true
}
