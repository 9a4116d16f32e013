package sqldb_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

func TestMigrations_SameNamesInBothDialects(t *testing.T) {
	lite, err := sqldb.MigrationNames("sqlite")
	must(t, err)
	pg, err := sqldb.MigrationNames("postgres")
	must(t, err)
	if len(lite) == 0 {
		t.Fatal("got no migrations, want some")
	}
	if !slices.Equal(lite, pg) {
		t.Fatalf("got sqlite migrations %v and postgres %v, want the same names", lite, pg)
	}
}

func TestDB_Migrate(t *testing.T) {
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			url := "sqlite:" + filepath.Join(t.TempDir(), "sub dir", "née", "rt#1.db")
			if engine == "postgres" {
				url = sqldbtest.CreatePostgresDatabase(t)
			}
			db, err := sqldb.Open(ctx, sqldb.Config{URL: url, Logger: slog.New(slog.DiscardHandler), Keyring: sqldbtest.Keyring(t)})
			must(t, err)
			defer db.Close()
			if got := db.Dialect(); got != engine {
				t.Fatalf("got dialect %q, want %q", got, engine)
			}
			must(t, db.Ping(ctx))
			if engine == "sqlite" {
				if _, err := os.Stat(strings.TrimPrefix(url, "sqlite:")); err != nil {
					t.Fatalf("got %v, want the database file at its path", err)
				}
			}

			err = db.CheckSchema(ctx)
			if err == nil || !strings.Contains(err.Error(), "at version 0") || !strings.Contains(err.Error(), "roundtable migrate") {
				t.Fatalf("got CheckSchema %v on an empty database, want a stale-schema message", err)
			}
			names, _ := sqldb.MigrationNames(engine)
			n, err := db.Migrate(ctx)
			must(t, err)
			if n != len(names) {
				t.Fatalf("got %d migrations applied, want %d", n, len(names))
			}
			must(t, db.CheckSchema(ctx))
			if n, err := db.Migrate(ctx); err != nil || n != 0 {
				t.Fatalf("got (%d, %v) migrating again, want (0, nil)", n, err)
			}
		})
	}
}

func TestDB_CheckSchema(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		names, _ := sqldb.MigrationNames(e.db.Dialect())
		must(t, sqldb.ExecForTest(ctx, e.db, `DELETE FROM schema_migrations WHERE name = $1`, names[len(names)-1]))
		err := e.db.CheckSchema(ctx)
		if err == nil || !strings.Contains(err.Error(), "needs version") || !strings.Contains(err.Error(), "run `roundtable migrate`") {
			t.Fatalf("got %v, want a message asking to run roundtable migrate", err)
		}
		must(t, sqldb.ExecForTest(ctx, e.db, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, 0), ($2, 0)`, names[len(names)-1], "9999_future.sql"))
		err = e.db.CheckSchema(ctx)
		if err == nil || !strings.Contains(err.Error(), "newer Roundtable") {
			t.Fatalf("got %v, want a message about a newer Roundtable", err)
		}
	})
}
