package sqldb

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// maxCachedStatements bounds a statement cache: the services hold a few
// hundred query texts; a text built anew for each call (an IN list of some
// length, say) must not fill memory.
const maxCachedStatements = 1000

// stmtCache keeps the queries of one SQLite pool prepared, by text. SQLite
// parses and plans a statement each time it is prepared, and database/sql
// prepares every query it is given afresh: on the busiest pages that was a
// quarter of the server's time. A prepared statement of database/sql
// remembers the connections it is prepared on, so a transaction on any of
// the pool's connections reuses it there. (PostgreSQL needs none: pgx keeps
// prepared statements on each connection itself.)
type stmtCache struct {
	pool *sql.DB
	mu   sync.RWMutex
	// m holds each query's statement, nil while it is being prepared or
	// when it does not prepare.
	m      map[string]*sql.Stmt
	closed bool
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of query, or nil when there is none
// yet. A new query is prepared in the background: preparing on the pool
// needs a connection of its own, and the caller holds one in its
// transaction (the writer's pool has only that one).
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	s, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[query]; ok || c.closed || len(c.m) >= maxCachedStatements {
		return nil
	}
	c.m[query] = nil
	go c.prepare(query)
	return nil
}

// prepare prepares query on the pool and keeps it; a query that does not
// prepare stays nil, so it runs unprepared (and fails there, with its error).
func (c *stmtCache) prepare(query string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := c.pool.PrepareContext(ctx, query)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		s.Close()
		return
	}
	c.m[query] = s
}

// close closes every statement; later queries run unprepared.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for _, s := range c.m {
		if s != nil {
			s.Close()
		}
	}
	clear(c.m)
}

// stmt returns the transaction's handle on the cached statement of query,
// or nil to run it unprepared. A prepared statement serves one result at a
// time on a connection: a query whose rows may still be open (once or
// more in the transaction already) runs unprepared, so rows read in a loop
// are never overrun by the same query inside it. Single rows are read at
// once, before the next query.
func (tx *Tx) stmt(ctx context.Context, query string, rows bool) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if rows {
		if tx.queried[query] {
			return nil
		}
		if tx.queried == nil {
			tx.queried = map[string]bool{}
		}
		tx.queried[query] = true
	}
	s := tx.stmts.get(query)
	if s == nil {
		return nil
	}
	return tx.Tx.StmtContext(ctx, s)
}
