package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roundtable/roundtable"
)

// DocumentService implements roundtable.DocumentService: a circle's shared
// files and links, sealed with the circle's key (see sealing.go); a file's
// bytes are kept in sealed pieces (document_file.go).
type DocumentService struct{ db *DB }

var _ roundtable.DocumentService = (*DocumentService)(nil)

// NewDocumentService returns the service.
func NewDocumentService(db *DB) *DocumentService { return &DocumentService{db: db} }

// quota is how much one circle's files may take together.
func (db *DB) quota() int64 {
	if db.docQuota > 0 {
		return db.docQuota
	}
	return roundtable.DefaultDocumentQuota
}

// documentColumns read a document (scanDocument) with its circle's wrapped
// key and the name of who added it.
const documentColumns = `d.id, d.circle_id, d.kind, d.title, d.file_name, d.url, d.content_type, d.size, d.chunks,
	COALESCE(d.added_by, ''), COALESCE(u.name, ''), d.created_at, COALESCE(k.data_key, '')`

// documentFrom joins what documentColumns read.
const documentFrom = `FROM documents d JOIN circles k ON k.id = d.circle_id LEFT JOIN users u ON u.id = d.added_by`

// scanDocument reads documentColumns and opens the sealed ones; chunks is
// how many pieces a file is stored in.
func scanDocument(tx *Tx, row interface{ Scan(...any) error }) (*roundtable.Document, int, error) {
	d := &roundtable.Document{}
	var created int64
	var chunks int
	var wrapped string
	if err := row.Scan(&d.ID, &d.CircleID, &d.Kind, &d.Title, &d.FileName, &d.URL, &d.ContentType, &d.Size, &chunks,
		&d.AddedBy, &d.AddedByName, &created, &wrapped); err != nil {
		return nil, 0, err
	}
	d.CreatedAt = fromMS(created)
	d.Title = tx.open(d.CircleID, wrapped, "documents", "title", d.ID, d.Title)
	d.FileName = tx.open(d.CircleID, wrapped, "documents", "file_name", d.ID, d.FileName)
	d.URL = tx.open(d.CircleID, wrapped, "documents", "url", d.ID, d.URL)
	return d, chunks, nil
}

// findDocument reads a stored (ready) document for a member of its circle:
// ENOTFOUND for anyone else.
func findDocument(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.Document, int, *membership, error) {
	if !validID(id) {
		return nil, 0, nil, notFound("document")
	}
	var circleID string
	err := tx.QueryRowContext(ctx, `SELECT circle_id FROM documents WHERE id = $1 AND ready_at IS NOT NULL`, id).Scan(&circleID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil, notFound("document")
	} else if err != nil {
		return nil, 0, nil, fmt.Errorf("find document: %w", err)
	}
	mb, err := memberWithRules(ctx, tx, a, circleID)
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		return nil, 0, nil, notFound("document")
	} else if err != nil {
		return nil, 0, nil, err
	}
	d, chunks, err := scanDocument(tx, tx.QueryRowContext(ctx, `SELECT `+documentColumns+` `+documentFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return nil, 0, nil, fmt.Errorf("read document: %w", err)
	}
	return d, chunks, mb, nil
}

// FindDocumentShelf returns a circle's documents, newest first, with the
// meetings each is a reading for.
func (s *DocumentService) FindDocumentShelf(ctx context.Context, circleID string, page int) (*roundtable.DocumentShelf, error) {
	a := actorOf(ctx)
	var sh *roundtable.DocumentShelf
	err := s.db.view(ctx, func(tx *Tx) error {
		mb, err := memberWithRules(ctx, tx, a, circleID)
		if err != nil {
			return err
		}
		c, err := findCircle(ctx, tx, circleID)
		if err != nil {
			return err
		}
		sh = &roundtable.DocumentShelf{Circle: c, Quota: s.db.quota(), Facilitating: mb.role == roundtable.RoleFacilitator}
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM documents
			WHERE circle_id = $1 AND ready_at IS NOT NULL`, circleID).Scan(&sh.Total, &sh.Used)
		if err != nil {
			return fmt.Errorf("count documents: %w", err)
		}
		per := roundtable.DocumentsPerPage
		sh.Pages = max((sh.Total+per-1)/per, 1)
		sh.Page = min(max(page, 1), sh.Pages)
		if sh.Documents, err = listDocuments(ctx, tx, circleID, per, (sh.Page-1)*per); err != nil {
			return err
		}
		sh.Meetings, err = comingMeetings(ctx, tx, circleID)
		return err
	})
	return sh, err
}

// listDocuments reads limit of a circle's stored documents, newest first,
// from offset, and the meetings each is a reading for.
func listDocuments(ctx context.Context, tx *Tx, circleID string, limit, offset int) ([]*roundtable.Document, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+documentColumns+` `+documentFrom+`
		WHERE d.circle_id = $1 AND d.ready_at IS NOT NULL ORDER BY d.created_at DESC, d.id DESC
		LIMIT CAST($2 AS INTEGER) OFFSET CAST($3 AS INTEGER)`, circleID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var out []*roundtable.Document
	byID := map[string]*roundtable.Document{}
	for rows.Next() {
		d, _, err := scanDocument(tx, rows)
		if err != nil {
			return nil, fmt.Errorf("read document: %w", err)
		}
		out = append(out, d)
		byID[d.ID] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	arows, err := tx.QueryContext(ctx, `
		SELECT md.document_id, md.meeting_id FROM meeting_documents md JOIN meetings x ON x.id = md.meeting_id
		WHERE x.circle_id = $1 ORDER BY x.starts_at, x.id`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list readings: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var docID, meetingID string
		if err := arows.Scan(&docID, &meetingID); err != nil {
			return nil, err
		}
		if d := byID[docID]; d != nil {
			d.MeetingIDs = append(d.MeetingIDs, meetingID)
		}
	}
	return out, arows.Err()
}

// comingMeetings returns a circle's meetings yet to start and not
// cancelled, soonest first: when each starts, and its length.
func comingMeetings(ctx context.Context, tx *Tx, circleID string) ([]*roundtable.Meeting, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, starts_at, minutes FROM meetings
		WHERE circle_id = $1 AND cancelled_at IS NULL AND starts_at > $2
		ORDER BY starts_at, id LIMIT 24`, circleID, ms(tx.now))
	if err != nil {
		return nil, fmt.Errorf("list coming meetings: %w", err)
	}
	defer rows.Close()
	var out []*roundtable.Meeting
	for rows.Next() {
		m := &roundtable.Meeting{CircleID: circleID}
		var starts int64
		if err := rows.Scan(&m.ID, &starts, &m.Minutes); err != nil {
			return nil, err
		}
		m.StartsAt = fromMS(starts)
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindDocument returns a document of the caller's circle.
func (s *DocumentService) FindDocument(ctx context.Context, id string) (*roundtable.Document, error) {
	a := actorOf(ctx)
	var d *roundtable.Document
	err := s.db.view(ctx, func(tx *Tx) error {
		var err error
		d, _, _, err = findDocument(ctx, tx, a, id)
		return err
	})
	return d, err
}

// FindDocumentMeetings returns a document and its circle's coming meetings.
func (s *DocumentService) FindDocumentMeetings(ctx context.Context, id string) (*roundtable.Document, []*roundtable.Meeting, error) {
	a := actorOf(ctx)
	var d *roundtable.Document
	var ms []*roundtable.Meeting
	err := s.db.view(ctx, func(tx *Tx) error {
		var err error
		if d, _, _, err = findDocument(ctx, tx, a, id); err != nil {
			return err
		}
		if err := documentMeetings(ctx, tx, d); err != nil {
			return err
		}
		ms, err = comingMeetings(ctx, tx, d.CircleID)
		return err
	})
	return d, ms, err
}

// documentMeetings fills in the meetings a document is a reading for.
func documentMeetings(ctx context.Context, tx *Tx, d *roundtable.Document) error {
	rows, err := tx.QueryContext(ctx, `SELECT meeting_id FROM meeting_documents WHERE document_id = $1`, d.ID)
	if err != nil {
		return fmt.Errorf("list readings of document: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		d.MeetingIDs = append(d.MeetingIDs, id)
	}
	return rows.Err()
}

// AddLink stores a link with its title.
func (s *DocumentService) AddLink(ctx context.Context, d *roundtable.Document) error {
	a := actorOf(ctx)
	d.Title, d.URL = clean(d.Title), clean(d.URL)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, d.CircleID); err != nil {
			return err
		}
		if err := roundtable.ValidateLink(d); err != nil {
			return err
		}
		d.ID, d.Kind, d.AddedBy, d.CreatedAt, d.FileName, d.ContentType, d.Size = newID(), roundtable.DocumentLink, a.id(), tx.now, "", "", 0
		title, err := tx.seal(ctx, d.CircleID, "documents", "title", d.ID, d.Title)
		if err != nil {
			return err
		}
		link, err := tx.seal(ctx, d.CircleID, "documents", "url", d.ID, d.URL)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO documents (id, circle_id, kind, title, url, added_by, created_at, ready_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			d.ID, d.CircleID, string(d.Kind), title, link, nullable(d.AddedBy), ms(tx.now), ms(tx.now))
		if err != nil {
			return fmt.Errorf("add link: %w", err)
		}
		return nil
	})
}

// DeleteDocument removes a document, its pieces and its readings.
func (s *DocumentService) DeleteDocument(ctx context.Context, id string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		d, _, mb, err := findDocument(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if d.AddedBy != a.id() && mb.role != roundtable.RoleFacilitator {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only who added it, or the circle's facilitator, can remove this document.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete document: %w", err)
		}
		return nil
	})
}

// AttachDocument makes a document a reading for a meeting of its circle.
func (s *DocumentService) AttachDocument(ctx context.Context, documentID, meetingID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		d, _, _, err := findDocument(ctx, tx, a, documentID)
		if err != nil {
			return err
		}
		var n int
		if validID(meetingID) {
			err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meetings WHERE id = $1 AND circle_id = $2`, meetingID, d.CircleID).Scan(&n)
			if err != nil {
				return fmt.Errorf("find meeting: %w", err)
			}
		}
		if n == 0 {
			msg := "Choose one of your circle's meetings."
			return &roundtable.Error{Code: roundtable.EINVALID, Message: msg, Fields: map[string]string{"meeting_id": msg}}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meeting_documents (meeting_id, document_id, added_at) VALUES ($1, $2, $3)
			ON CONFLICT (meeting_id, document_id) DO NOTHING`, meetingID, documentID, ms(tx.now))
		if err != nil {
			return fmt.Errorf("attach document: %w", err)
		}
		return nil
	})
}

// DetachDocument takes a document off a meeting's readings.
func (s *DocumentService) DetachDocument(ctx context.Context, documentID, meetingID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, _, _, err := findDocument(ctx, tx, a, documentID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM meeting_documents WHERE meeting_id = $1 AND document_id = $2`, meetingID, documentID)
		if err != nil {
			return fmt.Errorf("detach document: %w", err)
		}
		return nil
	})
}

// meetingReadings returns the documents that are readings for a meeting,
// in the order they were attached. The caller checked who asks.
func meetingReadings(ctx context.Context, tx *Tx, meetingID string) ([]*roundtable.Document, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+documentColumns+` `+documentFrom+`
		JOIN meeting_documents md ON md.document_id = d.id
		WHERE md.meeting_id = $1 AND d.ready_at IS NOT NULL ORDER BY md.added_at, d.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("list meeting readings: %w", err)
	}
	defer rows.Close()
	var out []*roundtable.Document
	for rows.Next() {
		d, _, err := scanDocument(tx, rows)
		if err != nil {
			return nil, fmt.Errorf("read document: %w", err)
		}
		d.MeetingIDs = []string{meetingID}
		out = append(out, d)
	}
	return out, rows.Err()
}

// readingLine is a document as a calendar entry or a plain-text message
// lists it: its title and where to open it.
func (db *DB) readingLine(d *roundtable.Document) (title, link string) {
	link = d.URL
	if d.Kind == roundtable.DocumentFile {
		link = db.baseURL + d.Href()
	}
	return strings.TrimSpace(d.Title), link
}

// feedReadings returns the documents attached to every meeting in a
// person's calendar feed, as lines by meeting: one query for the whole feed.
func (db *DB) feedReadings(ctx context.Context, tx *Tx, userID string) (map[string][]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT md.meeting_id, `+documentColumns+` `+documentFrom+`
		JOIN meeting_documents md ON md.document_id = d.id
		JOIN meetings x ON x.id = md.meeting_id
		JOIN circle_members m ON m.circle_id = x.circle_id AND m.user_id = $1
		WHERE m.ground_rules_accepted_at IS NOT NULL AND d.ready_at IS NOT NULL
		ORDER BY md.meeting_id, md.added_at, d.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list feed readings: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var meetingID string
		d, _, err := scanDocument(tx, prefixScan{rows, &meetingID})
		if err != nil {
			return nil, fmt.Errorf("read feed reading: %w", err)
		}
		title, link := db.readingLine(d)
		out[meetingID] = append(out[meetingID], title+": "+link)
	}
	return out, rows.Err()
}

// prefixScan scans one column before the ones its caller asks for.
type prefixScan struct {
	rows  *sql.Rows
	first any
}

func (p prefixScan) Scan(dest ...any) error { return p.rows.Scan(append([]any{p.first}, dest...)...) }
