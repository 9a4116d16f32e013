package main

import (
	"strings"
	"testing"
)

func TestBench_Pages(t *testing.T) {
	engines := []string{"sqlite"}
	if postgresAnswers() {
		engines = append(engines, "postgres")
	} else {
		t.Log("PostgreSQL does not answer: bench pages runs on SQLite only")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "bench", "pages", "--db", engine, "--duration", "150ms", "--warmup", "20ms", "--concurrency", "4")
			if code != 0 {
				t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
			}
			// Timings depend on the machine; what must hold is that every page
			// was asked for as every role and answered as expected.
			for _, want := range []string{"bare net/http", "circle         member", "circle         facilitator",
				"meeting        member", "meeting        facilitator", "room           member", "room           facilitator",
				"program        organizer", "discussion     member", "thread         member", "thread last    member", "Targets: every page"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("got %q, want it to contain %q", stdout, want)
				}
			}
		})
	}
	// --pages measures only the pages it names.
	code, stdout, stderr := runCLI(t, "bench", "pages", "--pages", "room, thread", "--duration", "50ms", "--warmup", "0s", "--concurrency", "2")
	if code != 0 || !strings.Contains(stdout, "room           member") || !strings.Contains(stdout, "thread last") ||
		strings.Contains(stdout, "circle ") || strings.Contains(stdout, "discussion ") {
		t.Errorf("--pages room,thread: got exit %d and\n%s%s\nwant the room's and the thread's lines only", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "bench", "pages", "--pages", "lobby"); code != 2 || !strings.Contains(stderr, "--pages names no page") {
		t.Errorf("got exit %d and %q for an unknown page, want 2 and a usage error", code, stderr)
	}
	if code, _, stderr := runCLI(t, "bench", "pages", "--db", "oracle"); code != 2 || !strings.Contains(stderr, "--db sqlite or postgres") {
		t.Errorf("got exit %d and %q for an unknown engine, want 2 and a usage error", code, stderr)
	}
}
