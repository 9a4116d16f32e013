package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/roundtable/roundtable/internal/keyring"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

var testKey struct {
	once sync.Once
	text string
	err  error
}

// testMasterKey returns one master key (its base64 form) for the whole test
// process, so every start on one PostgreSQL database shares it.
func testMasterKey(t testing.TB) string {
	t.Helper()
	testKey.once.Do(func() { _, testKey.text, testKey.err = keyring.GenerateMasterKey() })
	if testKey.err != nil {
		t.Fatal(testKey.err)
	}
	return testKey.text
}

// startMain runs a Main on a loopback port with cfg changed by edit, and
// returns it (closed when the test ends), its log and Run's error.
func startMain(t *testing.T, dbURL string, edit func(m *Main)) (*Main, *syncBuffer, error) {
	t.Helper()
	logs := &syncBuffer{}
	m := NewMain()
	m.Config.Addr, m.Config.DatabaseURL = "127.0.0.1:0", dbURL
	m.Config.MailDir = filepath.Join(t.TempDir(), "outbox")
	m.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if edit != nil {
		edit(m)
	}
	err := m.Run(context.Background())
	t.Cleanup(func() { m.Close() })
	return m, logs, err
}

// TestMain_MasterKeyBesideSQLite checks that serving SQLite with no key makes
// one beside the database, private and announced; that the next start reads
// it; and that another key is refused before anything is served.
func TestMain_MasterKeyBesideSQLite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	dbPath := filepath.Join(dir, "roundtable.db")
	first, logs, err := startMain(t, "sqlite:"+dbPath, func(m *Main) { m.SeedDemo = true })
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, logs)
	}
	keyPath := dbPath + ".key"
	info, err := os.Stat(keyPath)
	if err != nil {
		t.Fatalf("no key file beside the database: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode: got %04o, want 0600", perm)
	}
	if !strings.Contains(logs.String(), keyPath) || !strings.Contains(logs.String(), "back it up together with the database") {
		t.Errorf("the log does not say where the new key is and to back it up:\n%s", logs)
	}
	checkPrivateFiles(t, dir, dbPath)
	first.Close()

	if _, logs, err := startMain(t, "sqlite:"+dbPath, nil); err != nil {
		t.Fatalf("second start: %v\n%s", err, logs)
	} else if strings.Contains(logs.String(), "a new master key") {
		t.Errorf("the second start made a new key:\n%s", logs)
	}

	other := ""
	for other == "" || other == testMasterKey(t) {
		_, other, _ = keyring.GenerateMasterKey()
	}
	m, _, err := startMain(t, "sqlite:"+dbPath, func(m *Main) { m.Config.MasterKey = other })
	if err == nil || !strings.Contains(err.Error(), "not the one this database's circle content was sealed with") {
		t.Errorf("start with another key: got %v, want it refused as the wrong key", err)
	}
	if m.Server != nil || m.DB != nil && m.DB.Ping(context.Background()) == nil {
		t.Error("a start refused for its key left a server or database open")
	}

	// The key file lost: a new one would open nothing, so the start is
	// refused and the key it made is not left behind to be found next time.
	if err := os.Remove(keyPath); err != nil {
		t.Fatal(err)
	}
	if _, _, err := startMain(t, "sqlite:"+dbPath, nil); err == nil || !strings.Contains(err.Error(), "not the one") {
		t.Errorf("start without the key file: got %v, want it refused as the wrong key", err)
	}
	if _, err := os.Stat(keyPath); err == nil {
		t.Error("the refused start left the key it made")
	}
}

// TestMain_DemoKeyOnPostgres checks that the demo on PostgreSQL keeps its
// key under ./roundtable-data, private, and finds it again.
func TestMain_DemoKeyOnPostgres(t *testing.T) {
	if !slices.Contains(sqldbtest.Engines(t), "postgres") {
		t.Skip("PostgreSQL does not answer (see the message above)")
	}
	t.Chdir(t.TempDir())
	dbURL := sqldbtest.CreatePostgresDatabase(t)
	first, logs, err := startMain(t, dbURL, func(m *Main) { m.SeedDemo = true })
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, logs)
	}
	first.Close()
	info, err := os.Stat(demoKeyFile)
	if err != nil {
		t.Fatalf("no demo key: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("demo key mode: got %04o, want 0600", perm)
	}
	if info, err := os.Stat(filepath.Dir(demoKeyFile)); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("demo data folder: %v, want mode 0700", err)
	}
	if _, logs, err := startMain(t, dbURL, func(m *Main) { m.SeedDemo = true }); err != nil {
		t.Fatalf("second demo start: %v\n%s", err, logs)
	} else if strings.Contains(logs.String(), "a new master key") {
		t.Errorf("the second start made a new key:\n%s", logs)
	}
}

// checkPrivateFiles checks the data folder and the database's files (the
// WAL and shared memory, while the database is open) are the owner's alone.
func checkPrivateFiles(t *testing.T, dir, dbPath string) {
	t.Helper()
	if info, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	} else if perm := info.Mode().Perm(); perm != 0o700 {
		t.Errorf("data folder mode: got %04o, want 0700", perm)
	}
	for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		if perm := info.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s mode: got %04o, want 0600", filepath.Base(p), perm)
		}
	}
}

// TestMain_MasterKeyErrors checks that a key given wrongly, or none on
// PostgreSQL, stops the start with the reason and serves nothing.
func TestMain_MasterKeyErrors(t *testing.T) {
	dir := t.TempDir()
	sqlite := "sqlite:" + filepath.Join(dir, "rt.db")
	loose := filepath.Join(dir, "loose.key")
	if err := os.WriteFile(loose, []byte(testMasterKey(t)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, dbURL string
		edit        func(m *Main)
		want        string
	}{
		{"Garbage", sqlite, func(m *Main) { m.Config.MasterKey = "not a key" }, "ROUNDTABLE_MASTER_KEY"},
		{"ShortKey", sqlite, func(m *Main) { m.Config.MasterKey = "c2hvcnQ=" }, "decodes to 5 bytes"},
		{"MissingFile", sqlite, func(m *Main) { m.Config.MasterKeyFile = filepath.Join(dir, "none.key") }, "does not exist"},
		{"OthersMayRead", sqlite, func(m *Main) { m.Config.MasterKeyFile = loose }, "chmod 600"},
	}
	if slices.Contains(sqldbtest.Engines(t), "postgres") {
		cases = append(cases, struct {
			name, dbURL string
			edit        func(m *Main)
			want        string
		}{"PostgresServeWithoutKey", sqldbtest.CreatePostgresDatabase(t), nil, "every instance serving the database must use the same one"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _, err := startMain(t, tc.dbURL, tc.edit)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run: got %v, want an error saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), testMasterKey(t)) {
				t.Error("the error shows the key")
			}
			if m.Listener != nil || m.DB != nil {
				t.Error("a start refused for its key opened a port or the database")
			}
		})
	}
}

// TestParseConfig_MasterKey checks the flag, its variable, the key variable,
// and that both ways at once are refused.
func TestParseConfig_MasterKey(t *testing.T) {
	c, err := parseConfig(newFlagSet("serve", stdio{Err: &syncBuffer{}}), nil,
		envFunc(map[string]string{"ROUNDTABLE_MASTER_KEY_FILE": "/etc/rt.key"}))
	if err != nil || c.MasterKeyFile != "/etc/rt.key" {
		t.Errorf("ROUNDTABLE_MASTER_KEY_FILE: got %q, %v", c.MasterKeyFile, err)
	}
	c, err = parseConfig(newFlagSet("serve", stdio{Err: &syncBuffer{}}), nil, envFunc(map[string]string{"ROUNDTABLE_MASTER_KEY": "abc"}))
	if err != nil || c.MasterKey != "abc" {
		t.Errorf("ROUNDTABLE_MASTER_KEY: got %q, %v", c.MasterKey, err)
	}
	_, err = parseConfig(newFlagSet("serve", stdio{Err: &syncBuffer{}}), []string{"--master-key-file", "/etc/rt.key"},
		envFunc(map[string]string{"ROUNDTABLE_MASTER_KEY": "abc"}))
	if err == nil || !strings.Contains(err.Error(), "give only one") {
		t.Errorf("both: got %v, want refused", err)
	}
}

// TestRun_KeysRotate rotates the master key of a demo database while an
// instance that knows both keys serves it: a wrong old key changes nothing,
// then the database opens with the new key and no longer with the old one.
func TestRun_KeysRotate(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "rt.db")
	dbURL := "sqlite:" + dbPath
	oldFile, newFile := dbPath+".key", filepath.Join(dir, "new.key")
	first, logs, err := startMain(t, dbURL, func(m *Main) { m.SeedDemo = true })
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, logs)
	}
	first.Close()
	if _, err := keyring.CreateKeyFile(newFile); err != nil {
		t.Fatal(err)
	}
	// Online: the instance takes the new key and keeps the old one.
	serving, logs, err := startMain(t, dbURL, func(m *Main) {
		m.Config.MasterKeyFile, m.Config.PreviousMasterKeyFile = newFile, oldFile
	})
	if err != nil {
		t.Fatalf("serve with both keys: %v\n%s", err, logs)
	}
	defer serving.Close()

	ctx := context.Background()
	_, wrong, _ := keyring.GenerateMasterKey()
	code, _, errOut := runCmd(t, ctx, "", map[string]string{"ROUNDTABLE_MASTER_KEY": wrong}, "keys", "rotate", "--database-url", dbURL, "--new-key-file", newFile)
	if code != 1 || !strings.Contains(errOut, "nothing was changed") || !strings.Contains(errOut, "not by the old key given") {
		t.Fatalf("rotate with a wrong old key: got %d %q, want refused", code, errOut)
	}
	code, out, errOut := runCmd(t, ctx, "", nil, "keys", "rotate", "--database-url", dbURL, "--new-key-file", newFile)
	n := len(first.Demo.CircleIDs)
	if want := fmt.Sprintf("Wrapped %d of %d circle keys", n, n); code != 0 || n == 0 || !strings.Contains(out, want) {
		t.Fatalf("rotate: got %d %q %q", code, out, errOut)
	}
	serving.Close()

	if _, _, err := startMain(t, dbURL, nil); err == nil || !strings.Contains(err.Error(), "not the one") {
		t.Errorf("start with the old key after rotation: got %v, want refused", err)
	}
	if _, logs, err := startMain(t, dbURL, func(m *Main) { m.Config.MasterKeyFile = newFile }); err != nil {
		t.Errorf("start with the new key: %v\n%s", err, logs)
	}
}
