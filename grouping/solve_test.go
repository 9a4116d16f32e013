package grouping

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/roundtable/roundtable/internal/testnote"
)

// benchDir holds the small MDGPLIB instances (n ≤ 120) and their best-known
// values, kept in the repository.
const benchDir = "../testdata/mdgp"

// largeBenchDir returns the folder of the whole MDGPLIB set (n up to 480),
// which lives outside the repository: $ROUNDTABLE_MDGP_DIR, or the shared
// benchmark folder beside the checkout.
func largeBenchDir() string {
	if d := os.Getenv("ROUNDTABLE_MDGP_DIR"); d != "" {
		return d
	}
	return "../../shared/bench/mdgp"
}

// randomInstance makes an instance with n elements, m groups, random bounds around n/m and
// distances uniform in [0, 100).
func randomInstance(rng *rand.Rand, n, m int) *MDGPInstance {
	in := &MDGPInstance{N: n, M: m, Kind: "ds", Lo: make([]int, m), Hi: make([]int, m), D: make([]float64, n*n)}
	for {
		sumLo, sumHi := 0, 0
		for g := 0; g < m; g++ {
			c := n / m
			in.Lo[g] = max(0, c-rng.IntN(3))
			in.Hi[g] = c + rng.IntN(3)
			sumLo += in.Lo[g]
			sumHi += in.Hi[g]
		}
		if sumLo <= n && n <= sumHi {
			break
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			d := math.Round(rng.Float64()*100000) / 1000
			in.D[i*n+j], in.D[j*n+i] = d, d
		}
	}
	return in
}

func TestMatrixState_Deltas(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := randomInstance(rng, 23, 4)
	st := in.NewState()
	assign := make([]int, in.N)
	for i := range assign {
		assign[i] = rng.IntN(in.M)
	}
	st.Reset(assign)
	gain := make([]float64, in.M)
	for step := 0; step < 500; step++ {
		if got, want := st.Value(), in.Objective(assign); math.Abs(got-want) > 1e-6 {
			t.Fatalf("step %d: got value %v, want %v", step, got, want)
		}
		i := rng.IntN(in.N)
		if rng.IntN(2) == 0 {
			st.Gains(i, gain)
			h := rng.IntN(in.M)
			before := in.Objective(assign)
			assign[i] = h
			if got, want := gain[h], in.Objective(assign)-before; math.Abs(got-want) > 1e-6 {
				t.Fatalf("step %d: move gain got %v, want %v", step, got, want)
			}
			st.Move(i, h)
			continue
		}
		j := rng.IntN(in.N)
		if i == j || assign[i] == assign[j] {
			continue
		}
		delta := st.SwapDelta(i, j)
		gi, gj := assign[i], assign[j]
		st.Gains(i, gain)
		gainI := gain[gj]
		st.Gains(j, gain)
		if bound := gainI + gain[gi] + st.SwapSlack(); delta > bound+1e-9 {
			t.Fatalf("step %d: swap delta %v above its bound %v", step, delta, bound)
		}
		before := in.Objective(assign)
		assign[i], assign[j] = gj, gi
		if got, want := delta, in.Objective(assign)-before; math.Abs(got-want) > 1e-6 {
			t.Fatalf("step %d: swap delta got %v, want %v", step, got, want)
		}
		st.Move(i, gj)
		st.Move(j, gi)
	}
	// Insertion into and removal from a partial assignment are scored the same way.
	st.Move(0, -1)
	assign[0] = -1
	if got, want := st.Value(), in.Objective(assign); math.Abs(got-want) > 1e-6 {
		t.Fatalf("after removal: got value %v, want %v", got, want)
	}
	st.Gains(0, gain)
	before := in.Objective(assign)
	assign[0] = 2
	if got, want := gain[2], in.Objective(assign)-before; math.Abs(got-want) > 1e-6 {
		t.Fatalf("insertion gain got %v, want %v", got, want)
	}
}

func TestSolve_FeasibleOnRandomInstances(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for k := 0; k < 40; k++ {
		n := 2 + rng.IntN(40)
		m := 1 + rng.IntN(min(n, 8))
		in := randomInstance(rng, n, m)
		res, err := Solve(context.Background(), in, Options{Seed: uint64(k), Iterations: 300, Workers: 2, PopSize: 4})
		if err != nil {
			t.Fatalf("n=%d m=%d: %v", n, m, err)
		}
		if err := in.Feasible(res.Assign); err != nil {
			t.Fatalf("n=%d m=%d bounds %v..%v: %v", n, m, in.Lo, in.Hi, err)
		}
		if got, want := res.Value, in.Objective(res.Assign); math.Abs(got-want) > 1e-6 {
			t.Fatalf("got value %v, want %v", got, want)
		}
	}
}

func TestSolve_Deterministic(t *testing.T) {
	in := randomInstance(rand.New(rand.NewPCG(3, 4)), 60, 6)
	opt := Options{Seed: 42, Iterations: 3000, Workers: 2}
	a, err := Solve(context.Background(), in, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Solve(context.Background(), in, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Assign, b.Assign) || a.Value != b.Value || a.Iterations != b.Iterations {
		t.Fatalf("got %v (%v, %d steps) then %v (%v, %d steps), want the same run twice", a.Assign, a.Value, a.Iterations, b.Assign, b.Value, b.Iterations)
	}
}

func TestSolve_Infeasible(t *testing.T) {
	in := &MDGPInstance{N: 13, M: 2, Lo: []int{6, 6}, Hi: []int{6, 6}, D: make([]float64, 169)}
	if _, err := Solve(context.Background(), in, Options{Iterations: 10}); err != ErrInfeasible {
		t.Fatalf("got %v, want ErrInfeasible", err)
	}
}

func TestSolve_Anytime(t *testing.T) {
	in := randomInstance(rand.New(rand.NewPCG(5, 6)), 50, 5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Solve(ctx, in, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Feasible(res.Assign); err != nil {
		t.Fatalf("got %v, want a feasible assignment even when cancelled at once", err)
	}
}

// TestSolve_ProvenOptima checks that the search reaches the proven optimum of every n = 10 and
// n = 12 instance of the benchmark.
func TestSolve_ProvenOptima(t *testing.T) {
	bkv := readBKV(t)
	names, _ := filepath.Glob(filepath.Join(benchDir, "instances", "*_n01[02]_*.txt"))
	if len(names) == 0 {
		t.Fatalf("no n = 10 or 12 instance in %s", benchDir)
	}
	for _, path := range names {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		in := readInstance(t, path)
		res, err := Solve(context.Background(), in, Options{Seed: 1, Iterations: 400, Workers: 1, PopSize: 4})
		if err != nil {
			t.Fatal(err)
		}
		if want, ok := bkv[name]; !ok {
			t.Errorf("%s: no best-known value", name)
		} else if got := in.Objective(res.Assign); got < want-1e-3 {
			t.Errorf("%s: got %.3f, want the optimum %.3f", name, got, want)
		}
	}
}

func readBKV(t testing.TB) map[string]float64 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(benchDir, "bkv.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	return parseBKV(t, data)
}

// parseBKV reads the best-known value of each instance from bkv.tsv.
func parseBKV(t testing.TB, data []byte) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		c := strings.Split(line, "\t")
		if len(c) > 5 {
			v, err := strconv.ParseFloat(c[5], 64)
			if err != nil {
				t.Fatalf("bkv.tsv: %q: %v", line, err)
			}
			out[c[0]] = v
		}
	}
	return out
}

func readInstance(t testing.TB, path string) *MDGPInstance {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, err := ReadMDGP(f)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func benchmarkSolve(b *testing.B, name string) {
	path, want := findInstance(b, name)
	in := readInstance(b, path)
	var gap float64
	for k := 0; b.Loop(); k++ {
		res, err := Solve(context.Background(), in, Options{Seed: uint64(k), Iterations: 20000, Workers: 1})
		if err != nil {
			b.Fatal(err)
		}
		gap += 100 * (want - res.Value) / want
	}
	b.ReportMetric(gap/float64(b.N), "gap%")
}

// findInstance returns the file of a named instance and its best-known value,
// from the repository's small set or else the whole set, skipping loudly when
// neither has it.
func findInstance(b *testing.B, name string) (string, float64) {
	for _, dir := range []string{benchDir, largeBenchDir()} {
		for _, file := range []string{name + ".txt", name + ".txt.gz"} {
			path := filepath.Join(dir, "instances", file)
			if _, err := os.Stat(path); err != nil {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, "bkv.tsv"))
			if err != nil {
				b.Fatal(err)
			}
			return path, parseBKV(b, data)[name]
		}
	}
	testnote.Skip(b, "MDGP benchmark %s skipped: not in %s nor in %s (set ROUNDTABLE_MDGP_DIR to the whole MDGPLIB set)", name, benchDir, largeBenchDir())
	return "", 0
}

// The benchmarks run a fixed budget of 20,000 tabu steps on one worker and report the gap to
// the best-known value; ns/op gives the speed of a step.
func BenchmarkSolve_RanReal_n120_ss(b *testing.B) { benchmarkSolve(b, "RanReal_n120_ss_01") }
func BenchmarkSolve_RanReal_n120_ds(b *testing.B) { benchmarkSolve(b, "RanReal_n120_ds_01") }
func BenchmarkSolve_Geo_n120_ss(b *testing.B)     { benchmarkSolve(b, "Geo_n120_ss_01") }
func BenchmarkSolve_RanReal_n240_ss(b *testing.B) { benchmarkSolve(b, "RanReal_n240_ss_01") }
func BenchmarkSolve_RanReal_n480_ss(b *testing.B) { benchmarkSolve(b, "RanReal_n480_ss_01") }

func TestSolve_Progress(t *testing.T) {
	in := randomInstance(rand.New(rand.NewPCG(8, 9)), 40, 4)
	var calls []float64
	res, err := Solve(context.Background(), in, Options{Seed: 1, Iterations: 2000, Workers: 2, Progress: func(p Progress) {
		calls = append(calls, p.Value) // calls are serialised, so no lock is needed
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || !slices.IsSorted(calls) {
		t.Fatalf("got progress %v, want a rising sequence", calls)
	}
	if last := calls[len(calls)-1]; math.Abs(last-res.Value) > 1e-6 {
		t.Fatalf("got last progress %v, want the result %v", last, res.Value)
	}
}

func TestPartitionDistance(t *testing.T) {
	tests := []struct {
		a, b []int
		want int
	}{
		{[]int{0, 0, 1, 1}, []int{1, 1, 0, 0}, 0}, // relabelled
		{[]int{0, 0, 1, 1}, []int{0, 1, 0, 1}, 2},
		{[]int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 1, 1}, 1},
	}
	for _, tt := range tests {
		if got := partitionDistance(tt.a, tt.b, 2); got != tt.want {
			t.Errorf("partitionDistance(%v, %v) got %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
