package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun_KeysShred deletes one circle's key of a demo database: the command
// first only says what would be lost, then deletes it with --yes, refuses a
// second time and an unknown circle with the reason, and the database still
// starts afterwards.
func TestRun_KeysShred(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "rt.db")
	first, logs, err := startMain(t, dbURL, func(m *Main) { m.SeedDemo = true })
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, logs)
	}
	first.Close()
	circle := first.Demo.CircleIDs[0]
	ctx := context.Background()

	code, out, errOut := runCmd(t, ctx, "", nil, "keys", "shred", "--database-url", dbURL, "--circle", circle)
	if code != 0 || !strings.Contains(out, "can then never be read again") || !strings.Contains(out, "--yes") {
		t.Fatalf("shred without --yes: got %d %q %q, want what would be lost", code, out, errOut)
	}
	code, out, errOut = runCmd(t, ctx, "", nil, "keys", "shred", "--database-url", dbURL, "--circle", circle, "--yes")
	if code != 0 || !strings.Contains(out, "Deleted the key of circle") {
		t.Fatalf("shred --yes: got %d %q %q", code, out, errOut)
	}
	code, _, errOut = runCmd(t, ctx, "", nil, "keys", "shred", "--database-url", dbURL, "--circle", circle, "--yes")
	if code != 1 || !strings.Contains(errOut, "was deleted already") || strings.Contains(errOut, "code=") {
		t.Errorf("shred twice: got %d %q, want refused in words", code, errOut)
	}
	code, _, errOut = runCmd(t, ctx, "", nil, "keys", "shred", "--database-url", dbURL, "--circle", "no-such-circle")
	if code != 1 || !strings.Contains(errOut, "There is no circle no-such-circle") {
		t.Errorf("shred an unknown circle: got %d %q", code, errOut)
	}
	code, _, errOut = runCmd(t, ctx, "", nil, "keys", "shred", "--database-url", dbURL)
	if code != 2 || !strings.Contains(errOut, "--circle is required") {
		t.Errorf("shred without --circle: got %d %q", code, errOut)
	}
	again, logs, err := startMain(t, dbURL, nil)
	if err != nil {
		t.Fatalf("start after shredding: %v\n%s", err, logs)
	}
	again.Close()
}
