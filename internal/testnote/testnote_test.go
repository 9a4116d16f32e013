package testnote

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdd_AppendsToTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes")
	t.Setenv(EnvFile, path)
	Add("first %d", 1)
	Add("second")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "first 1\nsecond\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSkip_RecordsAndSkips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes")
	t.Setenv(EnvFile, path)
	ok := t.Run("inner", func(t *testing.T) {
		Skip(t, "no data at %s", "/nowhere")
		t.Error("got past Skip, want the test to stop")
	})
	if !ok {
		t.Fatal("got the inner test failed, want it skipped")
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "no data at /nowhere") {
		t.Errorf("got notes %q, want the skip's reason", b)
	}
}
