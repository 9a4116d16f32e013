package sqldb

import (
	"context"
	"strings"
)

// AuditRowsForTest returns every stored column of every audit entry, one
// entry a line, as the database holds them.
func AuditRowsForTest(ctx context.Context, db *DB) (string, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY at, id`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, kind, email, ref, detail, client string
		var actor, user, circle, program *string
		var at int64
		var system int
		if err := rows.Scan(&id, &at, &kind, &actor, &system, &email, &user, &circle, &program, &ref, &detail, &client); err != nil {
			return "", err
		}
		for _, p := range []*string{actor, user, circle, program} {
			if p != nil {
				b.WriteString(*p + " ")
			}
		}
		b.WriteString(id + " " + kind + " " + email + " " + ref + " " + detail + " " + client + "\n")
	}
	return b.String(), rows.Err()
}

// CountForTest answers a COUNT query on the writer.
func CountForTest(ctx context.Context, db *DB, query string, args ...any) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}
