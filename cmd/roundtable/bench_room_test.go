package main

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"
)

// init serves as an instance of bench room when the benchmark under test
// starts this test binary as its child: the binary does not run main.
func init() {
	if os.Getenv(benchRoomServeEnv) == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Getenv, stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
}

func TestBench_Room(t *testing.T) {
	runs := [][]string{{"--db", "sqlite"}}
	if postgresAnswers() {
		runs = append(runs, []string{"--db", "postgres", "--instances", "2"})
	} else {
		t.Log("PostgreSQL does not answer: bench room runs on SQLite only")
	}
	for _, engine := range runs {
		t.Run(engine[1], func(t *testing.T) {
			args := append([]string{"bench", "room", "--connections", "20", "--meetings", "5", "--rounds", "3", "--interval", "100ms"}, engine...)
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
			}
			// A screen that falls behind on a busy machine gets only the latest
			// frame (coalescing, by design): what must hold is that nothing comes
			// out of order and every screen ends on its meeting's last version.
			for _, want := range []string{"Connect: 20 screens", "events received of 60", "0 out of order, 0 screens without"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("got %q, want it to contain %q", stdout, want)
				}
			}
		})
	}
	if code, _, stderr := runCLI(t, "bench", "room", "--instances", "2"); code != 2 || !strings.Contains(stderr, "needs --db postgres") {
		t.Errorf("got exit %d and %q for two instances on SQLite, want 2 and a usage error", code, stderr)
	}
}

// postgresAnswers reports whether the benchmarks' PostgreSQL server answers.
func postgresAnswers() bool {
	db, err := sql.Open("pgx", defaultBenchPostgres)
	if err != nil {
		return false
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return db.PingContext(ctx) == nil
}
