package sqldb

import "context"

// ExecForTest runs a statement on the writer, for tests that need to reach
// past the services (to make a schema stale, say).
func ExecForTest(ctx context.Context, db *DB, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// OutboxBodiesForTest returns every stored subject and body, joined.
func OutboxBodiesForTest(ctx context.Context, db *DB) string {
	var s string
	rows, err := db.write.QueryContext(ctx, `SELECT subject || text_body || html_body FROM outbox WHERE sent_at IS NOT NULL OR failed_at IS NOT NULL`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	for rows.Next() {
		var b string
		rows.Scan(&b)
		s += b
	}
	return s
}
