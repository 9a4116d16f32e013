package main

import (
	"strings"
	"testing"
)

func TestBench_Mail(t *testing.T) {
	code, stdout, stderr := runCLI(t, "bench", "mail", "--n", "300", "--db", "sqlite")
	if code != 0 {
		t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"Enqueue: 300 reminders", "Delivery: 300 messages", "Duplicates by Message-ID: 0", "Still waiting in the outbox: 0"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("got %q, want it to contain %q", stdout, want)
		}
	}
	if code, _, stderr := runCLI(t, "bench", "mail", "--db", "oracle"); code != 2 || !strings.Contains(stderr, "--db sqlite or postgres") {
		t.Errorf("got exit %d and %q for an unknown engine, want 2 and a usage error", code, stderr)
	}
}
