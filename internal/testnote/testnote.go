// Package testnote makes skipped tests visible. `go test` hides what a
// passing package prints, so a skipped PostgreSQL suite or a missing data set
// would pass unnoticed; a test records its note here instead, and `make test`
// prints every note in a banner after the run.
package testnote

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// EnvFile names the variable holding the file notes are appended to. The
// Makefile sets it; without it notes go to standard error only.
const EnvFile = "ROUNDTABLE_TEST_NOTES"

// Add records a note about what this run did not test.
func Add(format string, args ...any) {
	// One line per note, whatever the error it quotes.
	msg := strings.Join(strings.Fields(fmt.Sprintf(format, args...)), " ")
	fmt.Fprintf(os.Stderr, "\n*** %s ***\n\n", msg)
	path := os.Getenv(EnvFile)
	if path == "" {
		return
	}
	// O_APPEND keeps the lines of packages tested in parallel whole.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "testnote: %v\n", err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, msg)
}

// Skip records a note and skips the test with the same words.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	Add(format, args...)
	t.Skipf(format, args...)
}
