package main

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/roundtable/roundtable"
)

// Targets of issue 5's benchmark.
const (
	roomTargetP99     = 250 * time.Millisecond
	roomTargetPerConn = 50 << 10 // bytes
)

// runBenchRoom measures the live room's fan-out: it starts app instances as
// child processes (so their memory is theirs alone), opens SSE connections to
// them over TCP from this process, changes every meeting in rounds and
// reports how long each change took to reach each screen and what a
// connection costs the server.
func runBenchRoom(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("bench room", std)
	conns := fs.Int("connections", 2000, "SSE connections, one per screen showing a room")
	meetings := fs.Int("meetings", 250, "meetings the connections are spread over")
	engine := fs.String("db", "sqlite", "database engine: sqlite (one instance, publish in process) or postgres (LISTEN/NOTIFY)")
	pgURL := fs.String("postgres", defaultBenchPostgres, "PostgreSQL `URL` of a database through which the benchmark's own is created and dropped")
	instances := fs.Int("instances", 1, "app instances, each a process with its own hub; more than one needs postgres")
	rounds := fs.Int("rounds", 10, "rounds of changes, each changing every meeting once")
	interval := fs.Duration("interval", time.Second, "time from the start of one round to the start of the next")
	spread := fs.Bool("spread", false, "spread each round's changes evenly over the interval instead of making them in a burst")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after this long")
	serve := fs.Bool("serve", false, "(internal) run as one app instance, driven by the benchmark that started it")
	serveDB := fs.String("serve-db", "", "(internal) database `URL` of --serve")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *serve {
		return runBenchRoomServe(ctx, *engine, *serveDB, *meetings, std)
	}
	switch {
	case *conns < 1 || *meetings < 1 || *instances < 1 || *rounds < 1 || *interval <= 0:
		return usageError{"--connections, --meetings, --instances, --rounds and --interval must be positive"}
	case *engine != "sqlite" && *engine != "postgres":
		return usageError{"--db sqlite or postgres"}
	case *engine == "sqlite" && *instances > 1:
		return usageError{"--instances above 1 needs --db postgres: SQLite serves one instance"}
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if limit := raiseFileLimit(); limit != 0 && limit < uint64(*conns)+256 {
		return fmt.Errorf("open files are limited to %d, too few for %d connections: raise the hard limit (ulimit -Hn)", limit, *conns)
	}

	dbURL, drop, err := benchDatabase(ctx, *engine, *pgURL)
	if err != nil {
		return err
	}
	defer drop()
	if err := seedRoomApp(ctx, dbURL, *meetings); err != nil {
		return err
	}
	ids, sizes, err := benchFrameSizes(ctx, dbURL)
	if err != nil {
		return err
	}

	errw := &lockedWriter{w: std.Err} // children and the bar share it
	insts := make([]*roomInstance, *instances)
	for i := range insts {
		if insts[i], err = startRoomInstance(ctx, *engine, dbURL, *meetings, errw); err != nil {
			return fmt.Errorf("start instance %d: %w", i+1, err)
		}
		defer insts[i].stop()
	}

	how := "in a burst"
	if *spread {
		how = "spread evenly"
	}
	publish := "published in process after each commit"
	if *engine == "postgres" {
		publish = "pg_notify in each change's transaction, a LISTEN connection per instance (the changing one included)"
	}
	fmt.Fprintf(std.Out, "Room benchmark: %d SSE connections over %d meetings, %d instance(s) on %s; %s.\n", *conns, *meetings, *instances, *engine, publish)
	fmt.Fprintf(std.Out, "Changes: %d rounds, one change per meeting each, %s every %v; frames %.1f–%.1f KB (mean %.1f KB); cores %d (GOMAXPROCS %d).\n",
		*rounds, how, *interval, kb(sizes[0]), kb(sizes[2]), kb(sizes[1]), runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Fprintln(std.Out, "Each instance is a child process serving real TCP connections; the clients run in this process, so the memory below is the servers' alone.")

	before, err := roomStats(ctx, insts)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: newRoomTransport(*conns)}
	defer client.CloseIdleConnections()
	screens := make([]*roomScreen, *conns)
	for i := range screens {
		// Screens of a meeting take turns over the instances, so every
		// meeting is watched on each of them.
		screens[i] = &roomScreen{meeting: ids[i%*meetings], instance: (i / *meetings) % *instances}
	}
	bases := make([]string, len(insts))
	for i, in := range insts {
		bases[i] = in.base
	}
	sctx, stopScreens := context.WithCancel(ctx)
	defer stopScreens()
	start := time.Now()
	if err := connectRoomScreens(sctx, client, bases, screens, 64); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	fmt.Fprintf(std.Out, "Connect: %d screens in %.2f s, each with its current frame.\n", *conns, time.Since(start).Seconds())
	idle, err := roomStats(ctx, insts)
	if err != nil {
		return err
	}

	bar := newProgress(errw, "Rounds")
	clientCPU := processCPU()
	final := map[string]int64{} // the last version of each meeting
	changeAt := map[roomChangeKey]roomChange{}
	var commitSpan time.Duration // from the first change of a round to the start of its last
	var slowest time.Duration    // the longest a change took to commit
	for r := range *rounds {
		start := time.Now()
		changes, err := insts[0].round(ctx, *interval, *spread)
		if err != nil {
			bar.Finish()
			return fmt.Errorf("round %d: %w", r+1, err)
		}
		if len(changes) > 0 {
			commitSpan += time.Duration(changes[len(changes)-1].At - changes[0].At)
		}
		for _, c := range changes {
			slowest = max(slowest, time.Duration(c.Took))
			final[c.Meeting] = max(final[c.Meeting], c.Version)
			changeAt[roomChangeKey{c.Meeting, c.Version}] = c
		}
		bar.Set(float64(r+1) / float64(*rounds))
		if r < *rounds-1 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Until(start.Add(*interval))):
			}
		}
	}
	bar.Finish()
	late := waitScreens(ctx, screens, final, 30*time.Second)
	clientCPU = processCPU() - clientCPU
	after, err := roomStats(ctx, insts)
	if err != nil {
		return err
	}
	stopScreens()

	res := summarizeRoom(screens, changeAt, *instances)
	var loads, frames, coalesced uint64
	var serverCPU time.Duration
	for i, s := range after {
		serverCPU += s.CPU - idle[i].CPU
		loads += s.Hub.Loads - idle[i].Hub.Loads
		frames += s.Hub.Frames - idle[i].Hub.Frames
		coalesced += s.Hub.Coalesced - idle[i].Hub.Coalesced
	}
	fmt.Fprintf(std.Out, "Rounds: the %d changes of a round took %.0f ms to make on average, one transaction each; the slowest change took %.1f ms.\n",
		*meetings, float64(commitSpan)/float64(*rounds)/1e6, float64(slowest)/1e6)
	fmt.Fprintf(std.Out, "Fan-out: %d events received of %d (changes × screens): %d skipped by coalescing, %d out of order, %d screens without their meeting's last version; %.1f MB read.\n",
		res.received, res.expected, res.expected-res.received, res.outOfOrder, late, float64(res.bytes)/1e6)
	fmt.Fprintf(std.Out, "Hubs: %d loads for %d changes (%.2f each: one per instance watching the meeting, more when the safety poll sees a version before its NOTIFY); %d frames handed to screens, %d replaced before their screen took them.\n",
		loads, len(changeAt), float64(loads)/float64(max(len(changeAt), 1)), frames, coalesced)
	fmt.Fprintf(std.Out, "CPU during the rounds: servers %.0f ms per round (%.1f µs per event delivered), clients %.0f ms per round, on %d cores shared with whatever else runs.\n",
		float64(serverCPU)/float64(*rounds)/1e6, float64(serverCPU)/float64(max(res.received, 1))/1e3,
		float64(clientCPU)/float64(*rounds)/1e6, runtime.NumCPU())
	fmt.Fprintf(std.Out, "Latency to the event read by a screen, from before the change's commit: %s.\n", res.fromBegin)
	fmt.Fprintf(std.Out, "                                      from after its commit (publish): %s.\n", res.fromCommit)
	if *instances > 1 {
		for i, l := range res.byInstance {
			fmt.Fprintf(std.Out, "  screens on instance %d, from before the commit: %s\n", i+1, l)
		}
	}
	// On SQLite the hub's part starts with the publish after the commit; on
	// PostgreSQL the NOTIFY is part of the commit, so the clock starts before.
	target, targetFrom := res.fromBegin, "from before the commit"
	if *engine == "sqlite" {
		target, targetFrom = res.fromCommit, "publish to screen"
	}
	fmt.Fprintf(std.Out, "Memory per connection on the server side, after a collection, (with the screens − before) ÷ connections:\n")
	writeRoomMemory(std.Out, "  idle:             ", before, idle, *conns)
	writeRoomMemory(std.Out, "  after the rounds: ", before, after, *conns)
	memory := perConn(before, idle, *conns)
	fmt.Fprintf(std.Out, "Targets: p99 ≤ %v %s (%.1f ms %s); memory per idle connection ≤ %d KiB %s (heap and stacks %.1f KiB, resident %.1f KiB).\n",
		roomTargetP99, verdict(target.p99 <= roomTargetP99), float64(target.p99)/1e6, targetFrom,
		roomTargetPerConn>>10, verdict(memory.heap+memory.stacks <= roomTargetPerConn && memory.rss <= roomTargetPerConn),
		(memory.heap+memory.stacks)/1024, memory.rss/1024)

	switch {
	case res.err != nil:
		return res.err
	case late > 0:
		return fmt.Errorf("%d screens never got their meeting's last version", late)
	case res.outOfOrder > 0:
		return fmt.Errorf("%d events came after a newer one", res.outOfOrder)
	}
	return nil
}

// benchFrameSizes draws every seeded meeting's room once, as its screens
// receive it, and returns the meetings with the smallest, mean and largest
// frame in bytes.
func benchFrameSizes(ctx context.Context, dbURL string) ([]string, [3]int, error) {
	out := [3]int{1 << 30, 0, 0}
	app, err := openRoomApp(ctx, dbURL, quietLogger())
	if err != nil {
		return nil, out, err
	}
	defer app.Close()
	total := 0
	for _, id := range app.Meetings {
		f, err := app.Load(ctx, id, roundtable.AudienceMember)
		if err != nil {
			return nil, out, err
		}
		out[0], out[2] = min(out[0], len(f.Data)), max(out[2], len(f.Data))
		total += len(f.Data)
	}
	out[1] = total / max(1, len(app.Meetings))
	return app.Meetings, out, nil
}

// waitScreens waits until every screen has its meeting's last version, or
// for wait at most, and returns how many do not.
func waitScreens(ctx context.Context, screens []*roomScreen, final map[string]int64, wait time.Duration) int {
	deadline := time.Now().Add(wait)
	for {
		late := 0
		for _, s := range screens {
			if s.latest.Load() < final[s.meeting] {
				late++
			}
		}
		if late == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return late
		}
		time.Sleep(20 * time.Millisecond)
	}
}
