package sqldb

import "context"

// DocumentRowsForTest counts the documents rows of a circle (stored or
// still arriving) and all pieces of files in the database.
func DocumentRowsForTest(ctx context.Context, db *DB, circleID string) (docs, chunks int, err error) {
	err = db.view(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM documents WHERE circle_id = $1`, circleID).Scan(&docs); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM document_chunks`).Scan(&chunks)
	})
	return docs, chunks, err
}

// DocumentChunkBytesForTest returns every stored piece's bytes, as kept.
func DocumentChunkBytesForTest(ctx context.Context, db *DB) ([]byte, error) {
	var out []byte
	err := db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT data FROM document_chunks`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				return err
			}
			out = append(out, b...)
		}
		return rows.Err()
	})
	return out, err
}

// ChunkSizeForTest is the size of a file's pieces.
const ChunkSizeForTest = chunkSize

// AbandonUploadForTest stores the start of a file whose upload never ended,
// as a crash of the instance receiving it would leave it: a row not ready
// and one piece.
func AbandonUploadForTest(ctx context.Context, db *DB, circleID string) error {
	return db.update(ctx, func(tx *Tx) error {
		id := newID()
		_, err := tx.ExecContext(ctx, `INSERT INTO documents (id, circle_id, kind, title, file_name, content_type, created_at)
			VALUES ($1, $2, 'file', '', '', 'application/pdf', $3)`, id, circleID, ms(tx.now))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO document_chunks (document_id, position, data) VALUES ($1, 0, $2)`, id, []byte("piece"))
		return err
	})
}
