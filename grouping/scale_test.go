package grouping

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestScale forms circles for a synthetic cohort of GROUPING_SCALE people (skipped when unset)
// within GROUPING_SECONDS (default 10), checks every hard constraint, reports time, peak heap
// and the scores against the greedy and random baselines, and, with GROUPING_LONG=1, against a
// run ten times longer. Run it alone: go test ./grouping -run TestScale -v -timeout 30m
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GROUPING_SCALE"))
	if n == 0 {
		t.Skip("set GROUPING_SCALE to the cohort size")
	}
	secs := 10.0
	if v, err := strconv.ParseFloat(os.Getenv("GROUPING_SECONDS"), 64); err == nil {
		secs = v
	}
	people, s := Synthetic(n, 1)
	runtime.GC()
	s.Time = time.Duration(secs * float64(time.Second))
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // sample the heap: peak memory of the formation itself
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse+ms.StackInuse > peak.Load() {
				peak.Store(ms.HeapInuse + ms.StackInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	calls := 0
	s.Progress = func(FormProgress) { calls++ }
	start := time.Now()
	ours, err := Form(context.Background(), people, s)
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("n=%d: %d circles, %d unplaced, score %.2f, worst %.2f, in %v (budget %v), peak heap %.0f MiB, Sys %.0f MiB, %d progress calls",
		n, len(ours.Circles), len(ours.Unplaced), ours.Score, ours.Worst, elapsed.Round(time.Millisecond), s.Time,
		float64(peak.Load())/(1<<20), float64(ms.Sys)/(1<<20), calls)
	if elapsed > s.Time+s.Time/5 {
		t.Errorf("took %v, want about %v", elapsed, s.Time)
	}
	checkFormation(t, people, s, ours)

	s.Progress = nil
	_, greedy, random, err := compareOnly(people, s)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(compareTable(ours, greedy, random))
	if os.Getenv("GROUPING_LONG") != "" {
		l := s
		l.Time = 10 * s.Time
		long, err := Form(context.Background(), people, l)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("10× longer (%v): score %.2f, worst %.2f; ours is %.2f%% below", l.Time, long.Score, long.Worst,
			100*(long.Score-ours.Score)/long.Score)
	}
}

// compareOnly runs the two baselines.
func compareOnly(people []Person, s Settings) (*Formation, *Formation, *Formation, error) {
	g, err := form(context.Background(), people, s, modeGreedy)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := form(context.Background(), people, s, modeRandom)
	return nil, g, r, err
}

func compareTable(ours, greedy, random *Formation) string {
	o, g, r := ours.Criteria(), greedy.Criteria(), random.Criteria()
	out := fmt.Sprintf("\n%-13s %8s %8s %8s\n", "criterion", "ours", "greedy", "random")
	for k, name := range CriteriaNames {
		out += fmt.Sprintf("%-13s %8.2f %8.2f %8.2f\n", name, o[k], g[k], r[k])
	}
	out += fmt.Sprintf("%-13s %8.2f %8.2f %8.2f\n", "Worst", ours.Worst, greedy.Worst, random.Worst)
	out += fmt.Sprintf("%-13s %8d %8d %8d\n", "Unplaced", len(ours.Unplaced), len(greedy.Unplaced), len(random.Unplaced))
	return out
}
