package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/live"
)

// benchRoomServeEnv marks a process started by bench room to serve: the test
// binary, which does not run main, looks for it.
const benchRoomServeEnv = "ROUNDTABLE_BENCH_ROOM_SERVE"

// roomServerStats is what an instance reports about itself.
type roomServerStats struct {
	Heap       uint64 // live heap objects after a collection, bytes
	Stacks     uint64 // goroutine stacks, bytes
	Goroutines uint64
	RSS        uint64 // resident set (VmRSS), bytes
	CPU        time.Duration
	Hub        live.Stats
}

// roomChange is one change made by an instance: the meeting, the version it
// made, when it began (Unix nanoseconds, before the commit) and how long it
// took.
type roomChange struct {
	Meeting string `json:"m"`
	Version int64  `json:"v"`
	At      int64  `json:"t"`
	Took    int64  `json:"d"` // nanoseconds to commit
}

// runBenchRoomServe runs one app instance for bench room: a hub and an SSE
// handler as the web package has them, without sign-in, on the real room
// frames, and two routes for its parent: /bench/stats and /bench/round. It
// prints its address as one line of JSON and serves until its standard input
// closes.
func runBenchRoomServe(ctx context.Context, engine, dbURL string, meetings int, std stdio) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // the parent is gone or done
		io.Copy(io.Discard, std.In)
		cancel()
	}()
	raiseFileLimit()
	// ROUNDTABLE_BENCH_CPUPROFILE=FILE profiles this instance (FILE.PID).
	if path := os.Getenv("ROUNDTABLE_BENCH_CPUPROFILE"); path != "" {
		if f, err := os.Create(fmt.Sprintf("%s.%d", path, os.Getpid())); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	logger := slog.New(slog.NewTextHandler(std.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))

	app, err := openRoomApp(ctx, dbURL, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	hub := app.Hub
	defer hub.Close()

	if engine == "postgres" {
		listening := make(chan struct{})
		l := &live.Listener{URL: dbURL, Hub: hub, Logger: logger, OnListen: sync.OnceFunc(func() { close(listening) })}
		done := make(chan struct{})
		var runErr error
		go func() {
			runErr = l.Run(ctx)
			close(done)
		}()
		defer func() { cancel(); <-done }()
		select {
		case <-listening:
		case <-done:
			return fmt.Errorf("listen: %v", runErr)
		case <-time.After(30 * time.Second):
			return fmt.Errorf("listener not listening after 30 s")
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /meetings/{id}/room/events", func(w http.ResponseWriter, r *http.Request) {
		sub, err := hub.Subscribe(r.Context(), r.PathValue("id"), roundtable.AudienceMember)
		if err != nil {
			http.Error(w, "Not found.", http.StatusNotFound)
			return
		}
		defer sub.Close()
		live.ServeSSE(w, r, sub)
	})
	mux.HandleFunc("GET /bench/stats", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(readRoomServerStats(hub))
	})
	mux.HandleFunc("POST /bench/round", func(w http.ResponseWriter, r *http.Request) {
		spread, _ := time.ParseDuration(r.FormValue("spread"))
		changes, err := changeEveryRoom(r.Context(), app, meetings, spread)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(changes)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(ln)
	defer srv.Close()
	if err := json.NewEncoder(std.Out).Encode(map[string]string{"addr": ln.Addr().String()}); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// changeEveryRoom changes each meeting once, in a burst or spread evenly
// over spread.
func changeEveryRoom(ctx context.Context, app *roomApp, meetings int, spread time.Duration) ([]roomChange, error) {
	changes := make([]roomChange, 0, meetings)
	start := time.Now()
	for i := range meetings {
		if spread > 0 {
			time.Sleep(time.Until(start.Add(spread * time.Duration(i) / time.Duration(meetings))))
		}
		id := app.Meetings[i]
		at := time.Now().UnixNano()
		v, err := app.Change(ctx, id)
		if err != nil {
			return nil, err
		}
		changes = append(changes, roomChange{Meeting: id, Version: v, At: at, Took: time.Now().UnixNano() - at})
	}
	return changes, nil
}

// readRoomServerStats collects garbage, then reads the process's memory.
func readRoomServerStats(hub *live.Hub) roomServerStats {
	runtime.GC()
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/sched/goroutines:goroutines"},
	}
	metrics.Read(samples)
	return roomServerStats{
		Heap:       samples[0].Value.Uint64(),
		Stacks:     samples[1].Value.Uint64(),
		Goroutines: samples[2].Value.Uint64(),
		RSS:        residentBytes(),
		CPU:        processCPU(),
		Hub:        hub.Stats(),
	}
}

// residentBytes returns the process's VmRSS from Linux's /proc, 0 elsewhere.
func residentBytes() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
