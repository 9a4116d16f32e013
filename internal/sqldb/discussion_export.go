package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/roundtable/roundtable"
)

// exportDiscussion reads the threads she started and the replies she wrote,
// as written (Markdown), oldest first.
func exportDiscussion(ctx context.Context, tx *Tx, userID string, out *roundtable.DataExport) error {
	posts, err := queryAll(ctx, tx, `
		SELECT c.name, c.id, COALESCE(c.data_key, ''), 'thread', t.id, t.title, t.body, t.created_at, t.edited_at
		FROM discussion_threads t JOIN circles c ON c.id = t.circle_id
		WHERE t.author_id = $1 AND t.deleted_at IS NULL
		UNION ALL
		SELECT c.name, c.id, COALESCE(c.data_key, ''), 'reply', r.id, '', r.body, r.created_at, r.edited_at
		FROM discussion_replies r JOIN discussion_threads t ON t.id = r.thread_id JOIN circles c ON c.id = t.circle_id
		WHERE r.author_id = $1
		ORDER BY 8, 5`, func(rows *sql.Rows) (e roundtable.ExportThreadPost, err error) {
		var circleID, wrapped, id string
		var created int64
		var edited *int64
		err = rows.Scan(&e.Circle, &circleID, &wrapped, &e.Kind, &id, &e.Title, &e.Body, &created, &edited)
		e.CreatedAt, e.EditedAt = fromMS(created), nullMS(edited)
		table := "discussion_threads"
		if e.Kind == "reply" {
			table = "discussion_replies"
		} else {
			e.Title = tx.open(circleID, wrapped, table, "title", id, e.Title)
		}
		e.Body = tx.open(circleID, wrapped, table, "body", id, e.Body)
		return e, err
	}, userID)
	if err != nil {
		return fmt.Errorf("read discussion posts: %w", err)
	}
	out.Discussion = posts
	return nil
}
