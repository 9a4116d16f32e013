package grouping

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MaxMDGPElements is the largest n ReadMDGP accepts. The largest published instances have
// n = 3000; the cap keeps the full matrix (8·n² bytes) within a few hundred megabytes.
const MaxMDGPElements = 10000

// MDGPInstance is a Maximally Diverse Grouping Problem instance: N elements into M labelled
// groups, group g holding between Lo[g] and Hi[g] elements, maximising the sum of D over pairs
// that share a group. It implements Problem.
type MDGPInstance struct {
	N, M   int
	Kind   string // "ss" (same sizes) or "ds" (different sizes)
	Lo, Hi []int
	// D is the symmetric n×n distance matrix, row-major, with a zero diagonal.
	D []float64
}

// minDist returns the smallest distance between two distinct elements (0 when n < 2).
func (in *MDGPInstance) minDist() float64 {
	if in.N < 2 {
		return 0
	}
	d := math.Inf(1)
	for i := 0; i < in.N; i++ {
		for j := i + 1; j < in.N; j++ {
			d = min(d, in.D[i*in.N+j])
		}
	}
	return d
}

// Dist returns d_ij.
func (in *MDGPInstance) Dist(i, j int) float64 { return in.D[i*in.N+j] }

// ReadMDGP reads an instance in the MDGPLIB text format, plain or gzip-compressed: a header
// `n m kind a_1 b_1 … a_m b_m`, then exactly n(n−1)/2 lines `i j d` with 0 ≤ i < j < n in
// lexicographic order. Errors name the offending line.
func ReadMDGP(r io.Reader) (*MDGPInstance, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("mdgp: gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)

	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("mdgp: line 1: %w", err)
		}
		return nil, errors.New("mdgp: empty input")
	}
	in, err := parseHeader(sc.Text())
	if err != nil {
		return nil, fmt.Errorf("mdgp: line 1: %w", err)
	}

	n := in.N
	want := n * (n - 1) / 2
	// The triangle grows as lines arrive, so a header promising a huge n costs nothing until
	// the file really holds that many lines.
	tri := make([]float64, 0, min(want, 1<<16))
	i, j := 0, 1
	line := 1
	for sc.Scan() {
		line++
		if len(tri) == want {
			if strings.TrimSpace(sc.Text()) == "" {
				continue // blank lines after the last pair are harmless
			}
			return nil, fmt.Errorf("mdgp: line %d: more than n(n-1)/2 = %d pair lines", line, want)
		}
		d, err := parsePair(sc.Bytes(), i, j)
		if err != nil {
			return nil, fmt.Errorf("mdgp: line %d: %w", line, err)
		}
		tri = append(tri, d)
		if j++; j == n {
			i++
			j = i + 1
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mdgp: line %d: %w", line+1, err)
	}
	if len(tri) < want {
		return nil, fmt.Errorf("mdgp: line %d: file ends after %d of n(n-1)/2 = %d pair lines", line, len(tri), want)
	}

	in.D = make([]float64, n*n)
	k := 0
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ {
			in.D[a*n+b] = tri[k]
			in.D[b*n+a] = tri[k]
			k++
		}
	}
	return in, nil
}

// parseHeader parses `n m kind a_1 b_1 … a_m b_m` and checks that the bounds are feasible.
func parseHeader(s string) (*MDGPInstance, error) {
	f := strings.Fields(s)
	if len(f) < 3 {
		return nil, errors.New("header must be `n m kind a_1 b_1 … a_m b_m`")
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 {
		return nil, fmt.Errorf("n = %q is not a positive integer", f[0])
	}
	if n > MaxMDGPElements {
		return nil, fmt.Errorf("n = %d exceeds the limit of %d elements", n, MaxMDGPElements)
	}
	m, err := strconv.Atoi(f[1])
	if err != nil || m < 1 || m > n {
		return nil, fmt.Errorf("m = %q is not an integer between 1 and n = %d", f[1], n)
	}
	kind := f[2]
	if kind != "ss" && kind != "ds" {
		return nil, fmt.Errorf("kind = %q, want ss or ds", kind)
	}
	if len(f) != 3+2*m {
		return nil, fmt.Errorf("header has %d bounds, want 2·m = %d", len(f)-3, 2*m)
	}
	in := &MDGPInstance{N: n, M: m, Kind: kind, Lo: make([]int, m), Hi: make([]int, m)}
	sumLo, sumHi := 0, 0
	for g := 0; g < m; g++ {
		lo, err1 := strconv.Atoi(f[3+2*g])
		hi, err2 := strconv.Atoi(f[4+2*g])
		if err1 != nil || err2 != nil || lo < 0 || hi < lo || hi > n {
			return nil, fmt.Errorf("bounds of group %d = %q %q, want integers 0 ≤ a ≤ b ≤ n", g, f[3+2*g], f[4+2*g])
		}
		in.Lo[g], in.Hi[g] = lo, hi
		sumLo += lo
		sumHi += hi
	}
	if sumLo > n || sumHi < n {
		return nil, fmt.Errorf("bounds are infeasible: sum of lower bounds %d, sum of upper bounds %d, n = %d", sumLo, sumHi, n)
	}
	return in, nil
}

// parsePair parses one `i j d` line and checks that it is the pair (wi, wj) expected next.
func parsePair(b []byte, wi, wj int) (float64, error) {
	f := bytes.Fields(b)
	if len(f) != 3 {
		return 0, fmt.Errorf("want `i j d`, got %d fields", len(f))
	}
	i, err1 := strconv.Atoi(string(f[0]))
	j, err2 := strconv.Atoi(string(f[1]))
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("element indices %q %q are not integers", f[0], f[1])
	}
	if i != wi || j != wj {
		return 0, fmt.Errorf("pair (%d, %d) out of order, want (%d, %d)", i, j, wi, wj)
	}
	d, err := strconv.ParseFloat(string(f[2]), 64)
	if err != nil || math.IsNaN(d) || math.IsInf(d, 0) {
		return 0, fmt.Errorf("distance %q is not a finite number", f[2])
	}
	return d, nil
}

// Objective returns Σ_g Σ_{i<j in g} d_ij for assign (one group index per element). Elements
// with a group outside [0, M) count in no group.
func (in *MDGPInstance) Objective(assign []int) float64 {
	n := in.N
	var sum float64
	for i := 0; i < n && i < len(assign); i++ {
		g := assign[i]
		if g < 0 || g >= in.M {
			continue
		}
		row := in.D[i*n : (i+1)*n]
		for j := i + 1; j < n && j < len(assign); j++ {
			if assign[j] == g {
				sum += row[j]
			}
		}
	}
	return sum
}

// Feasible returns nil if assign places every element in a group within the size bounds, and an
// error saying what is wrong otherwise.
func (in *MDGPInstance) Feasible(assign []int) error {
	return checkFeasible(in, assign)
}

// checkFeasible is Feasible for any Problem.
func checkFeasible(p Problem, assign []int) error {
	n, m := p.Size()
	if len(assign) != n {
		return fmt.Errorf("assignment has %d entries, want %d", len(assign), n)
	}
	size := make([]int, m)
	for i, g := range assign {
		if g < 0 || g >= m {
			return fmt.Errorf("element %d has group %d, want 0..%d", i, g, m-1)
		}
		size[g]++
	}
	for g, s := range size {
		if lo, hi := p.Bounds(g); s < lo || s > hi {
			return fmt.Errorf("group %d has %d elements, want %d..%d", g, s, lo, hi)
		}
	}
	return nil
}

// Size implements Problem.
func (in *MDGPInstance) Size() (n, m int) { return in.N, in.M }

// Bounds implements Problem.
func (in *MDGPInstance) Bounds(g int) (lo, hi int) { return in.Lo[g], in.Hi[g] }

// NewState implements Problem with a matrixState.
func (in *MDGPInstance) NewState() State {
	s := &matrixState{in: in, group: make([]int, in.N), w: make([]float64, in.N*in.M), slack: -2 * in.minDist()}
	for i := range s.group {
		s.group[i] = -1
	}
	return s
}
