package sqldb

import (
	"context"
	"database/sql"
)

// queryStrings returns the first column of a query's rows.
func queryStrings(ctx context.Context, tx *Tx, query string, args ...any) ([]string, error) {
	return queryAll(ctx, tx, query, func(rows *sql.Rows) (s string, err error) {
		return s, rows.Scan(&s)
	}, args...)
}

// queryAll returns a query's rows, each read by scan: the one loop over
// rows the many list readers share. The query's error is returned bare, for
// the caller to wrap.
func queryAll[T any](ctx context.Context, tx *Tx, query string, scan func(*sql.Rows) (T, error), args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanFunc lets a function stand where a row is scanned, e.g. to scan
// columns more than scanUser or scanActionItem knows of.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }
