package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pagesLoad asks for one page from many clients at once.
type pagesLoad struct {
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	// trips reads the server's database round trips so far; nil for the
	// bare handler.
	trips func() uint64
}

// pagesResult is what one page's load measured.
type pagesResult struct {
	Case      pageCase
	Requests  int // answered as expected while measured
	Errors    int // other answers: another status, no marker, a failed request
	FirstErr  string
	Elapsed   time.Duration
	P50, P99  time.Duration
	Bytes     int64 // of the last good answer
	PerSecond float64
	// CPU is this process's CPU time per request, server and clients
	// together: unlike the rate, other work on the machine hardly moves it.
	CPU time.Duration
	// Trips are the database round trips per request.
	Trips float64
}

// newPagesClient returns a client that keeps one connection per request in
// flight alive, as browsers do, and never follows redirects: a page that
// sends the reader elsewhere counts as an error.
func newPagesClient(concurrency int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        concurrency * 2,
			MaxIdleConnsPerHost: concurrency * 2,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

// run warms the page up, then asks for it from every client for the
// duration and gathers the latencies.
func (l pagesLoad) run(ctx context.Context, client *http.Client, base string, c pageCase) (pagesResult, error) {
	if l.warmup > 0 {
		if _, err := l.drive(ctx, client, base, c, l.warmup); err != nil {
			return pagesResult{}, err
		}
	}
	return l.drive(ctx, client, base, c, l.duration)
}

// drive keeps concurrency requests for the page in flight for d.
func (l pagesLoad) drive(ctx context.Context, client *http.Client, base string, c pageCase, d time.Duration) (pagesResult, error) {
	type worker struct {
		lat      []time.Duration
		errs     int
		firstErr string
		bytes    int64
	}
	workers := make([]worker, l.concurrency)
	var trips0 uint64
	if l.trips != nil {
		trips0 = l.trips()
	}
	cpu0 := processCPU()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for i := range workers {
		w := &workers[i]
		wg.Go(func() {
			buf := new(bytes.Buffer)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				n, err := fetchPage(ctx, client, base, c, buf)
				took := time.Since(t0)
				if err != nil {
					w.errs++
					if w.firstErr == "" {
						w.firstErr = err.Error()
					}
					continue
				}
				w.lat = append(w.lat, took)
				w.bytes = n
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return pagesResult{}, err
	}
	res := pagesResult{Case: c, Elapsed: time.Since(start)}
	cpu := processCPU() - cpu0
	var trips uint64
	if l.trips != nil {
		trips = l.trips() - trips0
	}
	var all []time.Duration
	for _, w := range workers {
		all = append(all, w.lat...)
		res.Errors += w.errs
		if res.FirstErr == "" {
			res.FirstErr = w.firstErr
		}
		res.Bytes = max(res.Bytes, w.bytes)
	}
	res.Requests = len(all)
	res.PerSecond = float64(res.Requests) / res.Elapsed.Seconds()
	if n := res.Requests + res.Errors; n > 0 {
		res.CPU = cpu / time.Duration(n)
		res.Trips = float64(trips) / float64(n)
	}
	lat := newLatencies(all)
	res.P50, res.P99 = lat.p50, lat.p99
	return res, nil
}

// fetchPage asks for the page once and checks the answer: 200 with the
// marker in the body. It returns the body's size.
func fetchPage(ctx context.Context, client *http.Client, base string, c pageCase, buf *bytes.Buffer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+c.Path, nil)
	if err != nil {
		return 0, err
	}
	if c.Session != "" {
		req.Header.Set("Cookie", "rt_session="+c.Session)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	buf.Reset()
	n, err := buf.ReadFrom(resp.Body)
	switch {
	case err != nil:
		return 0, err
	case resp.StatusCode != http.StatusOK:
		return 0, fmt.Errorf("%s answered %s", c.Path, resp.Status)
	case !bytes.Contains(buf.Bytes(), []byte(c.Marker)):
		return 0, fmt.Errorf("%s lacks %q", c.Path, c.Marker)
	}
	return n, nil
}

// writePagesTable prints each page's figures and its ratio to the bare
// handler (the first result), with the targets' verdicts.
func writePagesTable(w io.Writer, rs []pagesResult) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %-12s %9s %9s %9s %8s %8s %7s %7s %7s  %s\n", "page", "role", "req/s", "p50 ms", "p99 ms", "ratio", "CPU µs", "trips", "KB", "errors", "targets")
	bare := rs[0].PerSecond
	allMet := true
	for i, r := range rs {
		ratio := r.PerSecond / max(bare, 1)
		verdicts := ""
		if i > 0 {
			ok := ratio >= pagesTargetRatio && r.P99 <= pagesTargetP99 && r.Errors == 0
			if r.Case.P99Target > 0 {
				ok = r.P99 <= r.Case.P99Target && r.Errors == 0
			}
			allMet = allMet && ok
			verdicts = verdict(ok)
		}
		fmt.Fprintf(&b, "%-14s %-12s %9.0f %9.2f %9.2f %7.1f%% %8.0f %7.1f %7.1f %7d  %s\n",
			r.Case.Page, r.Case.Role, r.PerSecond, ms(r.P50), ms(r.P99), 100*ratio, float64(r.CPU)/1e3, r.Trips, float64(r.Bytes)/1024, r.Errors, verdicts)
	}
	b.WriteString("CPU µs: this process's CPU time per request, the server's and the clients' (PostgreSQL's own is not in it); trips: database round trips per request.\n")
	fmt.Fprintf(&b, "Targets: every page ≥ %.0f %% of the bare handler's requests per second and p99 ≤ %v, without errors; the discussion's pages (a thread of %d replies) p99 ≤ %v: %s.\n",
		100*pagesTargetRatio, pagesTargetP99, benchThreadReplies, threadTargetP99, verdict(allMet))
	io.WriteString(w, b.String())
}

// ms is a duration in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// pagesErrors fails the run when a page answered wrongly, naming the first.
func pagesErrors(rs []pagesResult) error {
	var errs []error
	for _, r := range rs {
		if r.Errors > 0 {
			errs = append(errs, fmt.Errorf("%s page as %s: %d wrong answers, the first: %s", r.Case.Page, r.Case.Role, r.Errors, r.FirstErr))
		}
		if r.Requests == 0 && r.Errors == 0 {
			errs = append(errs, fmt.Errorf("%s page as %s: no answer in time", r.Case.Page, r.Case.Role))
		}
	}
	return errors.Join(errs...)
}
