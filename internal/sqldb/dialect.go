package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/roundtable/roundtable"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what differs between SQLite and PostgreSQL. Everything else
// is one SQL text: both engines bind $1…$N, both know RETURNING and ON CONFLICT.
type dialect interface {
	name() string
	// lockSkip is appended to a SELECT that claims rows for work, so two
	// instances never claim the same row.
	lockSkip() string
	// tableExists is a query with one parameter, the table name, answering a count.
	tableExists() string
}

type sqliteDialect struct{}

func (sqliteDialect) name() string { return "sqlite" }

// lockSkip is empty on SQLite: its single writer connection serializes claims.
func (sqliteDialect) lockSkip() string { return "" }
func (sqliteDialect) tableExists() string {
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
}

type postgresDialect struct{}

func (postgresDialect) name() string     { return "postgres" }
func (postgresDialect) lockSkip() string { return " FOR UPDATE SKIP LOCKED" }
func (postgresDialect) tableExists() string {
	return `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
}

// openDialect opens the pools for a database URL.
func openDialect(ctx context.Context, rawURL string) (dialect, *sql.DB, *sql.DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		db, err := sql.Open("pgx", rawURL)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("open postgres: %w", err)
		}
		// Idle connections are kept up to the limit: a connection dropped
		// after a busy moment costs a new backend process and its sign-in
		// at the next one.
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		return postgresDialect{}, db, db, nil
	case rawURL == "":
		return nil, nil, nil, errors.New("open database: no database URL")
	}
	path, ok := SQLitePath(rawURL)
	if !ok {
		return nil, nil, nil, fmt.Errorf("open database: %q is neither sqlite:PATH nor postgres://…", rawURL)
	}
	if err := createPrivate(path); err != nil {
		return nil, nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	// WAL lets readers work while the writer writes; foreign keys are off by
	// default in SQLite; busy_timeout makes a connection wait for a lock
	// instead of failing with "database is locked".
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?"
	// The writer takes the write lock at BEGIN (immediate), so a transaction
	// never fails to upgrade from reading to writing.
	write, err := sql.Open("sqlite", dsn+common+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	// Set WAL once on the writer before any reader connects.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, nil, nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn+common+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, nil, nil, fmt.Errorf("open sqlite: %w", err)
	}
	// Readers stay open (database/sql keeps only two idle by default): a
	// new one opens the file and runs the pragmas again.
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	return sqliteDialect{}, write, read, nil
}

// SQLitePath returns the file a SQLite database URL names; false for a
// PostgreSQL URL or one that names no file.
func SQLitePath(rawURL string) (string, bool) {
	if rawURL == "" || strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return "", false
	}
	path := strings.TrimPrefix(rawURL, "sqlite:")
	path = strings.TrimPrefix(path, "//")
	path = strings.TrimPrefix(path, "file:")
	if path == "" || strings.Contains(path, "://") {
		return "", false
	}
	return path, true
}

// createPrivate makes the database's folder (0700) and an empty database file
// (0600) when they are missing, so nobody else on the machine can read them.
// SQLite gives the WAL and shared-memory files the mode of the database
// file, so they are private too. Existing files keep the mode they have.
func createPrivate(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// translate turns driver errors a user could cause into *roundtable.Error and
// leaves the rest as they are. It is the one place that knows driver errors.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var re *roundtable.Error
	if errors.As(err, &re) {
		return err
	}
	if isUniqueViolation(err) {
		return &roundtable.Error{Code: roundtable.ECONFLICT, Message: "This exists already."}
	}
	return err
}

// isUniqueViolation reports a unique or primary key violation on either engine.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	return false
}
