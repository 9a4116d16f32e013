package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// kb converts bytes to kilobytes.
func kb(n int) float64 { return float64(n) / 1000 }

// verdict words whether a target is met.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// roomMemory is memory per connection, in bytes.
type roomMemory struct {
	heap, stacks, rss, goroutines float64
}

// perConn returns the growth from before to after, summed over the
// instances, per connection.
func perConn(before, after []roomServerStats, conns int) roomMemory {
	var m roomMemory
	for i := range before {
		m.heap += float64(after[i].Heap) - float64(before[i].Heap)
		m.stacks += float64(after[i].Stacks) - float64(before[i].Stacks)
		m.rss += float64(after[i].RSS) - float64(before[i].RSS)
		m.goroutines += float64(after[i].Goroutines) - float64(before[i].Goroutines)
	}
	n := float64(conns)
	return roomMemory{m.heap / n, m.stacks / n, m.rss / n, m.goroutines / n}
}

// writeRoomMemory writes a line of perConn.
func writeRoomMemory(w io.Writer, label string, before, after []roomServerStats, conns int) {
	m := perConn(before, after, conns)
	fmt.Fprintf(w, "%sheap %.1f KiB + goroutine stacks %.1f KiB = %.1f KiB; resident (VmRSS) %.1f KiB; %.2f goroutines\n",
		label, m.heap/1024, m.stacks/1024, (m.heap+m.stacks)/1024, m.rss/1024, m.goroutines)
}

// latencies summarizes a sample of latencies.
type latencies struct {
	n                   int
	p50, p90, p99, maxi time.Duration
}

// newLatencies summarizes ds, which it sorts.
func newLatencies(ds []time.Duration) latencies {
	slices.Sort(ds)
	l := latencies{n: len(ds)}
	if len(ds) == 0 {
		return l
	}
	at := func(q float64) time.Duration { // nearest rank
		return ds[max(0, int(q*float64(len(ds))+0.999999)-1)]
	}
	l.p50, l.p90, l.p99, l.maxi = at(0.50), at(0.90), at(0.99), ds[len(ds)-1]
	return l
}

func (l latencies) String() string {
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms" }
	return fmt.Sprintf("p50 %s, p90 %s, p99 %s, max %s over %d events", ms(l.p50), ms(l.p90), ms(l.p99), ms(l.maxi), l.n)
}

// roomChangeKey names the change that made a version of a meeting.
type roomChangeKey struct {
	meeting string
	version int64
}

// roomResult is what the screens saw.
type roomResult struct {
	fromBegin  latencies   // from before the change's commit
	fromCommit latencies   // from after the commit, when the change is published
	byInstance []latencies // fromBegin by the screens' instance
	received   int
	expected   int
	outOfOrder int
	bytes      int64
	err        error
}

// summarizeRoom matches every event received to the change that made it.
func summarizeRoom(screens []*roomScreen, changes map[roomChangeKey]roomChange, instances int) roomResult {
	var res roomResult
	perMeeting := map[string]int{}
	for k := range changes {
		perMeeting[k.meeting]++
	}
	var begin, commit []time.Duration
	by := make([][]time.Duration, instances)
	for _, s := range screens {
		s.mu.Lock()
		if s.err != nil && res.err == nil {
			res.err = s.err
		}
		res.expected += perMeeting[s.meeting]
		res.received += len(s.got)
		res.outOfOrder += s.outOfOrder
		for _, g := range s.got {
			if c, ok := changes[roomChangeKey{s.meeting, g.version}]; ok {
				d := time.Duration(g.at - c.At)
				begin = append(begin, d)
				commit = append(commit, d-time.Duration(c.Took))
				by[s.instance] = append(by[s.instance], d)
			}
		}
		s.mu.Unlock()
		res.bytes += s.bytes.Load()
	}
	res.fromBegin, res.fromCommit = newLatencies(begin), newLatencies(commit)
	for _, ds := range by {
		res.byInstance = append(res.byInstance, newLatencies(ds))
	}
	return res
}
