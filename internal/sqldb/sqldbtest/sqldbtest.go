// Package sqldbtest opens fresh, migrated databases for tests, on SQLite and,
// when a server answers, on PostgreSQL, so one suite runs on both engines.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	"github.com/roundtable/roundtable/internal/keyring"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/testnote"
)

// DefaultPostgresURL is the server tried when ROUNDTABLE_TEST_POSTGRES_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the URL of the database through which test databases
// are created and dropped.
func PostgresURL() string {
	if u := os.Getenv("ROUNDTABLE_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var probe struct {
	once sync.Once
	err  error
}

// postgresReachable reports once per process whether PostgreSQL answers.
func postgresReachable() error {
	probe.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			probe.err = err
			return
		}
		defer db.Close()
		probe.err = db.PingContext(ctx)
		if probe.err != nil {
			if os.Getenv("CI") != "true" {
				testnote.Add("PostgreSQL at %s does not answer (%v): the PostgreSQL store suite is SKIPPED; only SQLite runs", redact(PostgresURL()), probe.err)
			}
		}
	})
	return probe.err
}

// Engines returns the engines the store tests run on: always "sqlite", and
// "postgres" when a server answers at ROUNDTABLE_TEST_POSTGRES_URL. With
// CI=true an unreachable PostgreSQL fails the test; elsewhere the skip is
// logged and printed on stderr.
func Engines(t testing.TB) []string {
	t.Helper()
	if err := postgresReachable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but PostgreSQL at %s does not answer: %v", redact(PostgresURL()), err)
		}
		t.Logf("PostgreSQL suite SKIPPED: %s does not answer: %v", redact(PostgresURL()), err)
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

// Open returns a migrated, empty database of the engine for one test. now
// may be nil (the real clock).
func Open(t testing.TB, engine string, now func() time.Time) *sqldb.DB {
	t.Helper()
	return OpenWith(t, engine, sqldb.Config{Now: now})
}

// OpenWith is Open with more of the configuration; cfg.URL is ignored. An
// empty BaseURL becomes http://roundtable.test, a nil Logger discards.
func OpenWith(t testing.TB, engine string, cfg sqldb.Config) *sqldb.DB {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://roundtable.test"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Keyring == nil {
		cfg.Keyring = Keyring(t)
	}
	switch engine {
	case "sqlite":
		cfg.URL = "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	case "postgres":
		tmpl, err := migratedTemplate()
		if err != nil {
			t.Fatalf("prepare a migrated PostgreSQL template: %v", err)
		}
		cfg.URL = createPostgresDatabase(t, tmpl)
	default:
		t.Fatalf("sqldbtest: unknown engine %q", engine)
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	// A copy of the template is migrated already; this checks it.
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return db
}

var testKeys struct {
	once   sync.Once
	master *keyring.MasterKey
	ring   *keyring.Keyring
	err    error
}

// Keyring returns the keyring the test databases seal circle content with:
// one random master key for the whole test process.
func Keyring(t testing.TB) *keyring.Keyring {
	t.Helper()
	testKeys.once.Do(func() {
		if testKeys.master, _, testKeys.err = keyring.GenerateMasterKey(); testKeys.err == nil {
			testKeys.ring, testKeys.err = keyring.New(testKeys.master)
		}
	})
	if testKeys.err != nil {
		t.Fatalf("test keyring: %v", testKeys.err)
	}
	return testKeys.ring
}

// MasterKey returns the master key of Keyring, for tests of rotation.
func MasterKey(t testing.TB) *keyring.MasterKey {
	t.Helper()
	Keyring(t)
	return testKeys.master
}

// CreatePostgresDatabase creates an empty database for one test and returns
// its URL; it is dropped when the test ends (after cleanups registered
// later, such as closing the connections to it).
func CreatePostgresDatabase(t testing.TB) string {
	t.Helper()
	return createPostgresDatabase(t, "")
}

// createPostgresDatabase creates a database as a copy of template ("" for
// PostgreSQL's default, empty one).
func createPostgresDatabase(t testing.TB, template string) string {
	t.Helper()
	if err := postgresReachable(); err != nil {
		t.Fatalf("PostgreSQL does not answer: %v", err)
	}
	base := PostgresURL()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", redact(base), err)
	}
	name := "rt_test_" + randomHex()

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	ctx := context.Background()
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	_, err = admin.ExecContext(ctx, create)
	// A test run of another schema (another checkout using this server) may
	// drop the template as stale: build it again and retry.
	for try := 0; try < 3 && template != "" && isMissingDatabase(err); try++ {
		if template, err = buildTemplate(); err == nil {
			_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template)
		}
	}
	if err != nil {
		admin.Close()
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// isMissingDatabase reports whether err is PostgreSQL's "database does not exist".
func isMissingDatabase(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "3D000"
}

func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var tmpl struct {
	once sync.Once
	name string
	err  error
}

// migratedTemplate returns a database holding the migrated schema, which test
// databases copy: copying is quicker than migrating each one. Its name
// carries the digest of the migrations, so it is built once per schema and
// shared by test processes; it is built under a temporary name and renamed,
// so a half-built template is never used.
func migratedTemplate() (string, error) {
	tmpl.once.Do(func() { tmpl.name, tmpl.err = buildTemplate() })
	return tmpl.name, tmpl.err
}

func buildTemplate() (string, error) {
	digest, err := sqldb.MigrationsDigest("postgres")
	if err != nil {
		return "", err
	}
	name := "rt_tmpl_" + digest[:16]
	ctx := context.Background()
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return "", err
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		return name, nil
	}
	dropStaleTemplates(ctx, admin)
	build := "rt_tmpl_build_" + randomHex()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+build); err != nil {
		return "", err
	}
	u, err := url.Parse(PostgresURL())
	if err != nil {
		return "", err
	}
	u.Path = "/" + build
	db, err := sqldb.Open(ctx, sqldb.Config{URL: u.String(), Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		_, err = db.Migrate(ctx)
		db.Close()
	}
	if err == nil {
		_, err = admin.ExecContext(ctx, "ALTER DATABASE "+build+" RENAME TO "+name)
		if err != nil {
			// Another test process renamed its copy first: use that one.
			if admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n) == nil && n > 0 {
				err = nil
			}
		}
	}
	if err != nil {
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+build+" WITH (FORCE)")
		return "", err
	}
	admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+build+" WITH (FORCE)")
	return name, nil
}

// dropStaleTemplates removes templates of earlier schemas, so the server keeps
// one template at most. A template in use by another test process is left
// alone (DROP DATABASE without FORCE refuses it).
func dropStaleTemplates(ctx context.Context, admin *sql.DB) {
	rows, err := admin.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'rt\_tmpl\_%' AND datname NOT LIKE 'rt\_tmpl\_build\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name)
	}
}

// redact hides a password in a URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
