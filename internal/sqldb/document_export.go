package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/roundtable/roundtable"
)

// exportDocuments adds the documents and links she shared to her export.
func exportDocuments(ctx context.Context, tx *Tx, userID string, out *roundtable.DataExport) error {
	var err error
	out.Documents, err = queryAll(ctx, tx, `SELECT c.name, d.kind, d.title, d.file_name, d.url, d.size, d.created_at, c.id, COALESCE(c.data_key, ''), d.id
		FROM documents d JOIN circles c ON c.id = d.circle_id
		WHERE d.added_by = $1 AND d.ready_at IS NOT NULL ORDER BY d.created_at, d.id`,
		func(rows *sql.Rows) (e roundtable.ExportDocument, err error) {
			var cr int64
			var circleID, wrapped, id string
			err = rows.Scan(&e.Circle, &e.Kind, &e.Title, &e.FileName, &e.URL, &e.Size, &cr, &circleID, &wrapped, &id)
			e.CreatedAt = fromMS(cr)
			e.Title = tx.open(circleID, wrapped, "documents", "title", id, e.Title)
			e.FileName = tx.open(circleID, wrapped, "documents", "file_name", id, e.FileName)
			e.URL = tx.open(circleID, wrapped, "documents", "url", id, e.URL)
			return e, err
		}, userID)
	if err != nil {
		return fmt.Errorf("read documents: %w", err)
	}
	return nil
}
