package sqldb

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migration is one numbered .sql file of a dialect.
type migration struct {
	name string // file name, e.g. "0001_foundation.sql"
	sql  string
}

// migrations returns the dialect's migrations in order.
func migrations(dialect string) ([]migration, error) {
	dir := "migrations/" + dialect
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(migrationFS, dir+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration: %w", err)
		}
		out = append(out, migration{name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// MigrationNames returns the names of the embedded migrations of a dialect
// ("sqlite" or "postgres"), in the order they apply.
func MigrationNames(dialect string) ([]string, error) {
	ms, err := migrations(dialect)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.name
	}
	return names, nil
}

// MigrationsDigest returns a hash of a dialect's migrations, names and
// contents: equal digests mean equal schemas. Tests use it to reuse a
// migrated template database.
func MigrationsDigest(dialect string) (string, error) {
	ms, err := migrations(dialect)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%s\x00%s\x00", m.name, m.sql)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	name       TEXT PRIMARY KEY,
	applied_at BIGINT NOT NULL
)`

// Migrate applies the embedded migrations the database lacks, each in its own
// transaction, and returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	ms, err := migrations(db.Dialect())
	if err != nil {
		return 0, err
	}
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	done, err := db.appliedMigrations(ctx)
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if done[m.name] {
			continue
		}
		err := db.update(ctx, func(tx *Tx) error {
			// Recording the migration first makes a second instance migrating
			// at the same time wait on the key, then fail, instead of running
			// the same DDL twice.
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, m.name, tx.now.UnixMilli()); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, m.sql)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		db.log.Info("applied migration", "name", m.name, "dialect", db.Dialect())
		applied++
	}
	return applied, nil
}

// appliedMigrations returns the names recorded in schema_migrations, or none
// when the table does not exist yet.
func (db *DB) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	var n int
	if err := db.write.QueryRowContext(ctx, db.dialect.tableExists(), "schema_migrations").Scan(&n); err != nil {
		return nil, fmt.Errorf("look for schema_migrations: %w", err)
	}
	done := map[string]bool{}
	if n == 0 {
		return done, nil
	}
	rows, err := db.write.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		done[name] = true
	}
	return done, rows.Err()
}

// CheckSchema returns nil when every embedded migration is applied, and
// otherwise an error that tells the operator what to do.
func (db *DB) CheckSchema(ctx context.Context) error {
	ms, err := migrations(db.Dialect())
	if err != nil {
		return err
	}
	done, err := db.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	have := 0
	var missing []string
	known := map[string]bool{}
	for _, m := range ms {
		known[m.name] = true
		if done[m.name] {
			have++
		} else {
			missing = append(missing, m.name)
		}
	}
	for name := range done {
		if !known[name] {
			return fmt.Errorf("the database schema has migration %s, which this Roundtable does not know: it was migrated by a newer Roundtable; run that version", name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the database schema is at version %d but this Roundtable needs version %d (missing %s): run `roundtable migrate`",
			have, len(ms), strings.Join(missing, ", "))
	}
	return nil
}
