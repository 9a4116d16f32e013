package main

import (
	"strings"
	"testing"
)

func TestBench_Documents(t *testing.T) {
	engines := []string{"sqlite"}
	if postgresAnswers() {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "bench", "documents", "--db", engine, "--documents", "12", "--duration", "100ms",
				"--warmup", "10ms", "--concurrency", "2", "--size", "600000")
			if code != 0 {
				t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
			}
			// Timings and memory depend on the machine; what must hold is that
			// the page answered and the file went up and came down whole.
			for _, want := range []string{"documents page, 2 in flight", "0 errors", "upload of 0.6 MB", "download of 0.6 MB", "Targets:"} {
				if !strings.Contains(stdout, want) {
					t.Errorf("got %q, want it to contain %q", stdout, want)
				}
			}
		})
	}
	if code, _, stderr := runCLI(t, "bench", "documents", "--size", "10"); code != 2 || !strings.Contains(stderr, "--size between") {
		t.Errorf("got exit %d and %q for a tiny size, want 2 and a usage error", code, stderr)
	}
}
