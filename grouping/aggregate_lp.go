package grouping

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// This file writes the aggregate's integer program for an outside solver, and reads the
// solution back into circles, for the benchmark: the product never needs a solver.

// WriteLP writes the integer program of the aggregate (see Aggregate) in the CPLEX LP format
// that CBC, HiGHS and GLPK read. Variable x<p>_<t> places person p at time t, y<t> counts the
// circles at time t.
func (a *Aggregate) WriteLP(w io.Writer) error {
	bw := bufio.NewWriter(w)
	line := &lpLine{w: bw}
	bw.WriteString("\\ Most people placed in circles: the packing problem beneath circle formation\nMaximize\n obj:")
	for t, at := range a.At {
		for _, p := range at {
			line.term(1, xName(p, t))
		}
	}
	line.end("")
	bw.WriteString("Subject To\n")
	times := make([][]int, a.N)
	for t, at := range a.At {
		for _, p := range at {
			times[p] = append(times[p], t)
		}
	}
	for p, ts := range times {
		if len(ts) < 2 {
			continue // a single binary needs no constraint
		}
		fmt.Fprintf(bw, " one%d:", p)
		for _, t := range ts {
			line.term(1, xName(int32(p), t))
		}
		line.end(" <= 1")
	}
	for t, at := range a.At {
		for _, bound := range []struct {
			name, sense string
			size        int
		}{{"min", ">=", a.Min}, {"max", "<=", a.Max}} {
			fmt.Fprintf(bw, " %s%d:", bound.name, t)
			for _, p := range at {
				line.term(1, xName(p, t))
			}
			line.term(-bound.size, yName(t))
			line.end(" " + bound.sense + " 0")
		}
		a.writeOrgRows(bw, line, t, at)
		for k, pr := range a.Avoid {
			if slices.Contains(at, pr[0]) && slices.Contains(at, pr[1]) {
				fmt.Fprintf(bw, " apart%d_%d:", k, t)
				line.term(1, xName(pr[0], t))
				line.term(1, xName(pr[1], t))
				line.term(-1, yName(t))
				line.end(" <= 0")
			}
		}
	}
	bw.WriteString("Bounds\n")
	for t, at := range a.At {
		fmt.Fprintf(bw, " 0 <= %s <= %d\n", yName(t), len(at)/max(1, a.Min))
	}
	bw.WriteString("Generals\n")
	for t := range a.At {
		line.term(0, yName(t))
	}
	line.end("")
	bw.WriteString("Binaries\n")
	for t, at := range a.At {
		for _, p := range at {
			line.term(0, xName(p, t))
		}
	}
	line.end("")
	bw.WriteString("End\n")
	return bw.Flush()
}

// writeOrgRows writes "at most one of each organization per circle" for time t, for the
// organizations with two or more people there, and x_pt ≤ y_t for the others.
func (a *Aggregate) writeOrgRows(bw *bufio.Writer, line *lpLine, t int, at []int32) {
	orgs, byOrg := a.byOrganization(at)
	// x ≤ y for everyone else: not needed for the integer program, but it cuts off the
	// fractional points where one person sits in an eighth of a circle, which makes the
	// solver's bound far stronger.
	for _, p := range at {
		if o := a.Org[p]; o < 0 || len(byOrg[o]) < 2 {
			fmt.Fprintf(bw, " link%d_%d: %s - %s <= 0\n", p, t, xName(p, t), yName(t))
		}
	}
	for _, o := range orgs {
		if len(byOrg[o]) < 2 {
			continue
		}
		fmt.Fprintf(bw, " org%d_%d:", o, t)
		for _, p := range byOrg[o] {
			line.term(1, xName(p, t))
		}
		line.term(-1, yName(t))
		line.end(" <= 0")
	}
}

// byOrganization groups people by organization: the organizations in the order their first
// person comes, and each one's people. People of none are left out.
func (a *Aggregate) byOrganization(people []int32) ([]int32, map[int32][]int32) {
	byOrg := map[int32][]int32{}
	var orgs []int32
	for _, p := range people {
		if o := a.Org[p]; o >= 0 {
			if byOrg[o] == nil {
				orgs = append(orgs, o)
			}
			byOrg[o] = append(byOrg[o], p)
		}
	}
	return orgs, byOrg
}

func xName(p int32, t int) string { return "x" + strconv.Itoa(int(p)) + "_" + strconv.Itoa(t) }
func yName(t int) string          { return "y" + strconv.Itoa(t) }

// lpLine writes the terms of one expression, breaking lines well below the LP format's limit.
type lpLine struct {
	w     *bufio.Writer
	terms int
}

// term writes coef·name; a coefficient of 0 writes the bare name (for the variable sections).
func (l *lpLine) term(coef int, name string) {
	if l.terms > 0 && l.terms%12 == 0 {
		l.w.WriteString("\n  ")
	}
	switch {
	case coef == 0:
		l.w.WriteString(" " + name)
	case coef == 1:
		l.w.WriteString(" + " + name)
	case coef < 0:
		fmt.Fprintf(l.w, " - %d %s", -coef, name)
	default:
		fmt.Fprintf(l.w, " + %d %s", coef, name)
	}
	l.terms++
}

// end closes the expression with its right-hand side, like " <= 1".
func (l *lpLine) end(rhs string) {
	l.w.WriteString(rhs + "\n")
	l.terms = 0
}

// ReadValues reads variable values from a solver's solution: lines holding a variable name
// of WriteLP followed by its value, like CBC's "  12 x3_7   1   0". Other lines are skipped.
func ReadValues(r io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		for i := 0; i+1 < len(f); i++ {
			if isVarName(f[i]) {
				if v, err := strconv.ParseFloat(f[i+1], 64); err == nil {
					out[f[i]] = v
				}
				break
			}
		}
	}
	return out, sc.Err()
}

// isVarName reports whether s is a name WriteLP or WriteSpreadLP gives a variable.
func isVarName(s string) bool {
	if len(s) < 2 || s[0] != 'x' && s[0] != 'y' && s[0] != 'z' {
		return false
	}
	for _, c := range s[1:] {
		if (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// Circles turns a solution of the integer program (values by variable name, as ReadValues
// gives them) into circles, dealing the people of each time into its circles (see Aggregate).
// It returns the circles, the people the solution places, and false when some time's deal
// could not keep its keep-apart pairs apart or its sizes did not fit.
func (a *Aggregate) Circles(values map[string]float64, r *rand.Rand) ([][]int, int, bool) {
	var out [][]int
	placed, ok := 0, true
	for t, at := range a.At {
		var here []int32
		for _, p := range at {
			if values[xName(p, t)] > 0.5 {
				here = append(here, p)
			}
		}
		placed += len(here)
		if len(here) == 0 {
			continue
		}
		y := int(math.Round(values[yName(t)]))
		cs, dealt := a.Deal(here, y, r)
		ok = ok && dealt
		out = append(out, cs...)
	}
	return out, placed, ok
}

// Values returns the integer program's variables for a formation's circles (indices into
// people), for a solver to start from: each circle at a time all its members can make. It
// returns false when some circle has no such time.
func (a *Aggregate) Values(circles [][]int) (map[string]float64, bool) {
	out := map[string]float64{}
	for _, c := range circles {
		t := a.timeOf(c)
		if t < 0 {
			return nil, false
		}
		for _, p := range c {
			out[xName(int32(p), t)] = 1
		}
		out[yName(t)]++
	}
	return out, true
}

// timeOf is the first of the aggregate's times every member of circle c can make, −1 for none.
func (a *Aggregate) timeOf(c []int) int {
	return slices.IndexFunc(a.At, func(at []int32) bool {
		for _, p := range c {
			if _, ok := slices.BinarySearch(at, int32(p)); !ok {
				return false
			}
		}
		return true
	})
}

// WriteValues writes variable values in the layout CBC reads a starting solution from, one
// "index name value" line each, after a header line.
func WriteValues(w io.Writer, values map[string]float64) error {
	bw := bufio.NewWriter(w)
	names := slices.Sorted(maps.Keys(values))
	fmt.Fprintf(bw, "Feasible - objective value %d\n", len(names))
	for i, name := range names {
		fmt.Fprintf(bw, "%7d %s %g 0\n", i, name, values[name])
	}
	return bw.Flush()
}
