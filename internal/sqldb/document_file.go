package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/keyring"
)

// A file is kept in pieces of chunkSize bytes, each sealed on its own and
// written in a transaction of its own, so an upload never holds a whole file
// in memory, nor SQLite's one writer for as long as a slow client takes to
// send it. The document's row says the file is complete (ready_at) only
// after its last piece: until then it is shown nowhere. A refused or broken
// upload removes its row and pieces; one abandoned by a crash is removed by
// a later upload or by the day's housekeeping once it is staleUpload old.
const (
	chunkSize   = 256 << 10
	staleUpload = time.Hour
	// collectEvery is how many bytes of pieces pass through the drivers
	// between the collections piecesPassed asks for.
	collectEvery = 2 << 20
)

// piecesPassed counts the bytes of file pieces written or read. Both
// drivers copy each piece into memory of their own (modernc's SQLite a new
// slice per row read, pgx its encoding and decoding buffers): 256 KB of
// garbage a piece, which under the server's lazy collector (GOGC 400, see
// cmd/roundtable/gc.go) would pile up to about the file's size before the
// next collection. So every collectEvery bytes, across all transfers, the
// transfer that crosses the mark asks for a collection: a few milliseconds
// of the collector's time per 2 MB, and a transfer's memory stays near one
// piece rather than its file.
func (db *DB) piecesPassed(n int) {
	if v := db.pieceBytes.Add(int64(n)); v >= collectEvery && db.pieceBytes.CompareAndSwap(v, 0) {
		runtime.GC()
	}
}

// chunkBinding is where a piece of a file lives, for sealing.
func chunkBinding(documentID string, position int) keyring.Binding {
	return keyring.Binding{Table: "document_chunks", Column: "data", Row: documentID + "/" + strconv.Itoa(position)}
}

// errQuota is the reason a file does not fit in the circle's quota.
func errQuota(room, quota int64) error {
	if room < 0 {
		room = 0
	}
	return roundtable.FileProblem(fmt.Sprintf("Your circle's documents may take %s together, and %s is left. Remove a document you no longer need, or share a link instead.",
		roundtable.ByteSize(quota), roundtable.ByteSize(room)))
}

// errTooBig is the reason a file larger than the limit is refused.
var errTooBig = roundtable.FileProblem(fmt.Sprintf("This file is larger than %s. Upload a smaller file, or share a link to it instead.",
	roundtable.ByteSize(roundtable.MaxDocumentSize)))

// errTooSlow is the reason an upload that took longer than staleUpload is
// not kept.
var errTooSlow = roundtable.FileProblem("This upload took too long and was stopped. Try again on a faster connection, or share a link to the file instead.")

// cleanFileName keeps the last part of a path a browser sent as a name,
// without control characters.
func cleanFileName(name string) string {
	name = clean(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	return strings.TrimSpace(name)
}

// UploadDocument stores a file read from up.Body a piece at a time.
func (s *DocumentService) UploadDocument(ctx context.Context, up *roundtable.DocumentUpload) (*roundtable.Document, error) {
	a := actorOf(ctx)
	d := &roundtable.Document{CircleID: up.CircleID, Kind: roundtable.DocumentFile, Title: clean(up.Title),
		FileName: cleanFileName(up.FileName), AddedBy: a.id()}
	// Who asks comes first: a stranger learns nothing about types or room.
	var room int64
	err := s.db.view(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, d.CircleID); err != nil {
			return err
		}
		used, err := usedBytes(ctx, tx, d.CircleID)
		room = s.db.quota() - used
		return err
	})
	if err != nil {
		return nil, err
	}
	var v roundtable.Problems
	roundtable.ValidateDocumentTitle(&v, &d.Title, false)
	switch {
	case d.FileName == "":
		v.Add("file", "Choose a file to upload.")
	case utf8.RuneCountInString(d.FileName) > roundtable.MaxDocumentTitle:
		v.Add("file", fmt.Sprintf("Rename the file to at most %d characters.", roundtable.MaxDocumentTitle))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if d.Title == "" {
		// The name without its extension; a name that is all extension
		// (".pdf") stays whole, so the list has something to link.
		d.Title = strings.TrimSpace(strings.TrimSuffix(d.FileName, path.Ext(d.FileName)))
		if d.Title == "" {
			d.Title = d.FileName
		}
	}
	if room <= 0 {
		return nil, errQuota(room, s.db.quota())
	}
	// The first piece decides the type, before anything is stored.
	buf := make([]byte, chunkSize)
	n, err := readPiece(up.Body, buf)
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if n == 0 {
		return nil, roundtable.FileProblem("This file is empty. Choose the file again.")
	}
	if d.ContentType, err = roundtable.DocumentType(d.FileName, buf[:n]); err != nil {
		return nil, err
	}
	d.ID = newID()
	w := &chunkWriter{db: s.db, doc: d, room: room, buf: buf}
	if err := w.store(ctx, up.Body, n); err != nil {
		// Nothing of a refused or broken upload stays, even when the
		// client went away (ctx is done).
		bg := context.WithoutCancel(ctx)
		if derr := s.db.update(bg, func(tx *Tx) error {
			_, err := tx.ExecContext(bg, `DELETE FROM documents WHERE id = $1`, d.ID)
			return err
		}); derr != nil {
			s.db.log.Error("remove a failed upload", "document", d.ID, "err", derr)
		}
		return nil, err
	}
	return d, nil
}

// kindUploadsPrune is the daily job that removes abandoned uploads, for a
// site where nobody uploads again soon; RefID is the day (UTC).
const kindUploadsPrune = "documents.prune"

// removeAbandonedUploads removes the rows and pieces of uploads that began
// staleUpload ago or more and never completed, and says how many.
func removeAbandonedUploads(ctx context.Context, tx *Tx) (int64, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE ready_at IS NULL AND created_at < $1`, ms(tx.now.Add(-staleUpload)))
	if err != nil {
		return 0, fmt.Errorf("remove abandoned uploads: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// pruneUploads is the daily job: it removes abandoned uploads.
func (db *DB) pruneUploads(ctx context.Context, tx *Tx) (rendered, error) {
	n, err := removeAbandonedUploads(ctx, tx)
	if err != nil {
		return rendered{}, err
	}
	return drop(fmt.Sprintf("housekeeping, no message: removed %d abandoned uploads", n)), nil
}

// readPiece fills buf from r, or reads to r's end. Unlike io.ReadFull it
// tells the end of the file (io.EOF: a shorter last piece, no error) from a
// body cut short (io.ErrUnexpectedEOF from the form's reader: an error),
// so a broken upload is never stored as a whole file.
func readPiece(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, err
		}
	}
	return n, nil
}

// usedBytes is how much a circle's stored files take.
func usedBytes(ctx context.Context, tx *Tx, circleID string) (int64, error) {
	var used int64
	err := tx.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM documents WHERE circle_id = $1 AND ready_at IS NOT NULL`,
		circleID).Scan(&used)
	if err != nil {
		return 0, fmt.Errorf("sum document sizes: %w", err)
	}
	return used, nil
}

// chunkWriter writes a file's pieces.
type chunkWriter struct {
	db     *DB
	doc    *roundtable.Document
	room   int64 // what the quota had left when the upload began
	buf    []byte
	sealed []byte
	key    *keyring.DataKey
	pos    int
}

// store writes the document's row with the first piece (n bytes of buf),
// then each further piece of body, then marks the file complete.
func (w *chunkWriter) store(ctx context.Context, body io.Reader, n int) error {
	d := w.doc
	err := w.db.update(ctx, func(tx *Tx) error {
		if _, err := removeAbandonedUploads(ctx, tx); err != nil {
			return err
		}
		var err error
		if w.key, err = tx.circleKey(ctx, d.CircleID); err != nil {
			return err
		}
		title, err := sealWith(w.key, "documents", "title", d.ID, d.Title)
		if err != nil {
			return err
		}
		name, err := sealWith(w.key, "documents", "file_name", d.ID, d.FileName)
		if err != nil {
			return err
		}
		d.CreatedAt = tx.now
		_, err = tx.ExecContext(ctx, `
			INSERT INTO documents (id, circle_id, kind, title, file_name, content_type, added_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			d.ID, d.CircleID, string(d.Kind), title, name, d.ContentType, nullable(d.AddedBy), ms(tx.now))
		if err != nil {
			return fmt.Errorf("add document: %w", err)
		}
		return w.writeChunk(ctx, tx, w.buf[:n])
	})
	if err != nil {
		return err
	}
	w.db.piecesPassed(len(w.sealed)) // after the commit: no lock held

	for n == len(w.buf) {
		if n, err = readPiece(body, w.buf); err != nil {
			return fmt.Errorf("read upload: %w", err)
		}
		if n == 0 {
			break
		}
		if err := w.db.update(ctx, func(tx *Tx) error { return w.writeChunk(ctx, tx, w.buf[:n]) }); err != nil {
			return err
		}
		w.db.piecesPassed(len(w.sealed))
	}
	return w.db.update(ctx, func(tx *Tx) error {
		// Touching the circle's row first makes two uploads to one circle
		// complete one after the other on PostgreSQL (SQLite's one writer
		// does so anyway): the second then counts the first's bytes.
		if _, err := tx.ExecContext(ctx, `UPDATE circles SET name = name WHERE id = $1`, d.CircleID); err != nil {
			return fmt.Errorf("hold the circle's quota: %w", err)
		}
		used, err := usedBytes(ctx, tx, d.CircleID)
		if err != nil {
			return err
		}
		if q := w.db.quota(); used+d.Size > q {
			return errQuota(q-used, q) // another upload took the room meanwhile
		}
		res, err := tx.ExecContext(ctx, `UPDATE documents SET size = $1, chunks = $2, ready_at = $3 WHERE id = $4`,
			d.Size, w.pos, ms(tx.now), d.ID)
		if err != nil {
			return fmt.Errorf("complete document: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			// It arrived so slowly that it was taken for abandoned and
			// removed (removeAbandonedUploads).
			return errTooSlow
		}
		return nil
	})
}

// writeChunk seals and writes the next piece, refusing a file that grew
// past the size limit or the circle's room.
func (w *chunkWriter) writeChunk(ctx context.Context, tx *Tx, piece []byte) error {
	d := w.doc
	d.Size += int64(len(piece))
	if d.Size > roundtable.MaxDocumentSize {
		return errTooBig
	}
	if d.Size > w.room {
		return errQuota(w.room, w.db.quota())
	}
	var err error
	if w.sealed, err = w.key.SealBytes(w.sealed[:0], piece, chunkBinding(d.ID, w.pos)); err != nil {
		return fmt.Errorf("seal document piece: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO document_chunks (document_id, position, data) VALUES ($1, $2, $3)`, d.ID, w.pos, w.sealed)
	if err != nil {
		return fmt.Errorf("write document piece: %w", err)
	}
	w.pos++
	return nil
}

// OpenDocument returns a file and a reader of its pieces.
func (s *DocumentService) OpenDocument(ctx context.Context, id string) (*roundtable.Document, io.ReadCloser, error) {
	a := actorOf(ctx)
	var d *roundtable.Document
	var chunks int
	var key *keyring.DataKey
	err := s.db.view(ctx, func(tx *Tx) error {
		var err error
		if d, chunks, _, err = findDocument(ctx, tx, a, id); err != nil {
			return err
		}
		if d.Kind != roundtable.DocumentFile {
			return notFound("document")
		}
		key, err = tx.circleKey(ctx, d.CircleID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return d, &chunkReader{ctx: ctx, db: s.db, key: key, id: d.ID, chunks: chunks}, nil
}

// chunkReader reads a file's pieces one at a time, each in a short read of
// its own, and opens them.
type chunkReader struct {
	ctx    context.Context
	db     *DB
	key    *keyring.DataKey
	id     string
	chunks int
	pos    int
	plain  []byte // the current piece
	off    int    // how much of it was read
}

// Read implements io.Reader.
func (r *chunkReader) Read(p []byte) (int, error) {
	for r.off == len(r.plain) {
		if r.pos == r.chunks {
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.plain[r.off:])
	r.off += n
	return n, nil
}

// next reads and opens the next piece.
func (r *chunkReader) next() error {
	var stored int
	err := r.db.view(r.ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(r.ctx, `SELECT data FROM document_chunks WHERE document_id = $1 AND position = $2`, r.id, r.pos)
		if err != nil {
			return fmt.Errorf("read document piece: %w", err)
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return err
			}
			return fmt.Errorf("document %s lacks piece %d: %w", r.id, r.pos, sql.ErrNoRows)
		}
		var raw sql.RawBytes
		if err := rows.Scan(&raw); err != nil {
			return err
		}
		if r.plain, err = r.key.OpenBytes(r.plain[:0], raw, chunkBinding(r.id, r.pos)); err != nil {
			return fmt.Errorf("open document piece: %w", err)
		}
		r.pos, r.off, stored = r.pos+1, 0, len(raw)
		return rows.Close()
	})
	if err == nil {
		r.db.piecesPassed(stored) // after the read: no connection held
	}
	return err
}

// Close implements io.Closer; the reader holds no connection between reads.
func (r *chunkReader) Close() error {
	clear(r.plain)
	r.plain = nil
	return nil
}
