// Package sqldb implements Roundtable's services on SQL databases: SQLite
// (embedded, pure Go) and PostgreSQL, with one SQL text for both. Dialect
// differences live in dialect.go.
//
// Exported service methods own their transaction; unexported helpers take the
// *Tx, which carries the clock reading of the transaction. Authorization is
// decided here, from the caller in the context (roundtable.UserFromContext).
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/roundtable/roundtable/internal/keyring"
)

// Config is how to reach the database and what the services need around it.
type Config struct {
	URL     string           // "sqlite:PATH" (also a bare file path), "postgres://…" or "postgresql://…"
	BaseURL string           // e.g. "http://localhost:8080", used to build links in e-mails
	Now     func() time.Time // nil = time.Now; tests pass a controllable clock
	Logger  *slog.Logger     // nil = slog.Default()
	// AuditRetention is how long audit entries are kept; 0 means
	// roundtable.DefaultAuditRetention.
	AuditRetention time.Duration
	// Keyring seals and opens circle content (see sealing.go). Nil: the
	// database serves no circle content; writing or reading any fails.
	Keyring *keyring.Keyring
	// DocumentQuota is how many bytes one circle's files may take together;
	// 0 means roundtable.DefaultDocumentQuota.
	DocumentQuota int64
}

// DB is an open database. It is safe for concurrent use.
type DB struct {
	dialect dialect
	write   *sql.DB // SQLite: one connection, so writers queue instead of failing
	read    *sql.DB // SQLite: a pool of readers; PostgreSQL: the same pool as write

	baseURL   string
	now       func() time.Time
	log       *slog.Logger
	auditKeep time.Duration // see auditRetention
	keys      *keyring.Keyring
	docQuota  int64 // see quota

	// wake is signalled after a commit that enqueued e-mail, so Outbox.Run
	// delivers at once instead of at its next poll.
	wake chan struct{}

	// roomHook is called after a commit that changed live rooms, once per
	// meeting (see OnRoomChange).
	roomHook atomic.Pointer[func(meetingID string)]

	// pieceBytes counts bytes of file pieces since the last collection
	// asked for (see piecesPassed).
	pieceBytes atomic.Int64

	// trips counts the round trips to the database (see RoundTrips).
	trips atomic.Uint64

	// readStmts and writeStmts keep the queries prepared on SQLite's
	// pools; nil on PostgreSQL.
	readStmts, writeStmts *stmtCache
}

// RoundTrips returns how many times the services have asked the database
// something so far: each statement, each transaction's begin and its end.
// Tests compare it before and after a page to keep the page's queries from
// creeping up.
func (db *DB) RoundTrips() uint64 { return db.trips.Load() }

// Open connects to the database named by cfg.URL. It does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{
		baseURL: trimSlash(cfg.BaseURL),
		now:     cfg.Now,
		log:     cfg.Logger,
		wake:    make(chan struct{}, 1),

		auditKeep: cfg.AuditRetention,
		keys:      cfg.Keyring,
		docQuota:  cfg.DocumentQuota,
	}
	if db.now == nil {
		db.now = time.Now
	}
	if db.log == nil {
		db.log = slog.Default()
	}
	var err error
	db.dialect, db.write, db.read, err = openDialect(ctx, cfg.URL)
	if err != nil {
		return nil, err
	}
	if db.read != db.write {
		db.readStmts, db.writeStmts = newStmtCache(db.read), newStmtCache(db.write)
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	if db.readStmts != nil {
		db.readStmts.close()
		db.writeStmts.close()
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.Dialect(), err)
	}
	if db.read != db.write {
		if err := db.write.PingContext(ctx); err != nil {
			return fmt.Errorf("ping %s writer: %w", db.Dialect(), err)
		}
	}
	return nil
}

// clock returns the current time at millisecond precision, in UTC, because
// times are stored as Unix milliseconds and must read back equal.
func (db *DB) clock() time.Time { return time.UnixMilli(db.now().UnixMilli()).UTC() }

// notify wakes Outbox.Run without blocking.
func (db *DB) notify() {
	select {
	case db.wake <- struct{}{}:
	default:
	}
}

// Tx is a transaction with the time it started, which every change in it
// uses. A read on PostgreSQL is no transaction but one connection (conn,
// with Tx nil): at PostgreSQL's READ COMMITTED each statement sees the data
// committed when it starts, in a transaction or not, so BEGIN and COMMIT
// would be two round trips that change nothing.
type Tx struct {
	*sql.Tx
	conn     *sql.Conn
	db       *DB
	now      time.Time
	enqueued bool     // an e-mail was enqueued: wake the outbox after commit
	rooms    []string // meetings whose room changed: told after commit, each once
	// roomParts are the parts of each room already touched in this
	// transaction: touching them again changes nothing.
	roomParts map[string]roomPart
	// stmts are the prepared queries of the transaction's pool, nil on
	// PostgreSQL; queried are the queries of rows asked so far (see stmt).
	stmts   *stmtCache
	queried map[string]bool
	// keys are the data keys of the circles this transaction touched, and
	// meetingCircle the circle of each meeting whose key it asked for.
	keys          map[string]*keyring.DataKey
	meetingCircle map[string]string
	// keyless are the circles whose key could not be had in this
	// transaction, told to the log once each (see unopened).
	keyless map[string]bool
}

// beginRead starts a read-only transaction (on SQLite, on a reader connection).
func (db *DB) beginRead(ctx context.Context) (*Tx, error) {
	if db.read == db.write {
		conn, err := db.read.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		return &Tx{conn: conn, db: db, now: db.clock()}, nil
	}
	db.trips.Add(1)
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: db.read != db.write})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.clock(), stmts: db.readStmts}, nil
}

// beginWrite starts a transaction that may change data.
func (db *DB) beginWrite(ctx context.Context) (*Tx, error) {
	db.trips.Add(1)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.clock(), stmts: db.writeStmts}, nil
}

// Commit commits and wakes the outbox when the transaction enqueued e-mail.
func (tx *Tx) Commit() error {
	if tx.conn != nil {
		return tx.conn.Close()
	}
	tx.db.trips.Add(1)
	if err := tx.Tx.Commit(); err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	if tx.enqueued {
		tx.db.notify()
	}
	if len(tx.rooms) > 0 {
		if fn := tx.db.roomHook.Load(); fn != nil {
			for _, id := range tx.rooms {
				(*fn)(id)
			}
		}
	}
	return nil
}

// Rollback ends the transaction without its changes; after a commit it does
// nothing (and asks the database nothing).
func (tx *Tx) Rollback() error {
	if tx.conn != nil {
		if err := tx.conn.Close(); !errors.Is(err, sql.ErrConnDone) {
			return err
		}
		return nil
	}
	err := tx.Tx.Rollback()
	if !errors.Is(err, sql.ErrTxDone) {
		tx.db.trips.Add(1)
	}
	return err
}

// QueryContext runs a query that returns rows, prepared once on SQLite.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	tx.db.trips.Add(1)
	if s := tx.stmt(ctx, query, true); s != nil {
		return s.QueryContext(ctx, args...)
	}
	if tx.conn != nil {
		return tx.conn.QueryContext(ctx, query, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query that returns at most one row, prepared once
// on SQLite.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	tx.db.trips.Add(1)
	if s := tx.stmt(ctx, query, false); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	if tx.conn != nil {
		return tx.conn.QueryRowContext(ctx, query, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement that returns no rows.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx.db.trips.Add(1)
	if tx.conn != nil {
		return tx.conn.ExecContext(ctx, query, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// readRow runs a query that reads one row on its own, outside any
// transaction: a single statement sees one consistent state of the database
// on both engines, so BEGIN and COMMIT around it would be two round trips
// that change nothing. On SQLite the query is prepared once on the readers.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	db.trips.Add(1)
	if db.readStmts != nil {
		if s := db.readStmts.get(query); s != nil {
			return s.QueryRowContext(ctx, args...)
		}
	}
	return db.read.QueryRowContext(ctx, query, args...)
}

// readRows is readRow for a query of several rows.
func (db *DB) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	db.trips.Add(1)
	if db.readStmts != nil {
		if s := db.readStmts.get(query); s != nil {
			return s.QueryContext(ctx, args...)
		}
	}
	return db.read.QueryContext(ctx, query, args...)
}

// view runs fn in a read-only transaction.
func (db *DB) view(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// update runs fn in a writing transaction and commits when it returns nil.
func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
