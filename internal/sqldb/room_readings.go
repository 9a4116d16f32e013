package sqldb

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable"
)

// reflectionAndReadings reads what a member's room page shows of her own
// beside the room: her reflection on the meeting (nil when none) and the
// documents attached to it as readings. One query for both, since the room
// page is read at every visit and each query is a round trip: the first
// eight columns are the reflection's, the rest a document's (padding on the
// other kind of row).
func reflectionAndReadings(ctx context.Context, tx *Tx, meetingID, userID string) (*roundtable.Reflection, []*roundtable.Document, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT 0, f.relevance, f.insights, f.heard, f.line, f.created_at, k.id, COALESCE(k.data_key, ''),
			'', '', '', '', '', '', '', 0, 0, '', '', 0, '', 0
		FROM reflections f JOIN meetings x ON x.id = f.meeting_id JOIN circles k ON k.id = x.circle_id
		WHERE f.meeting_id = $1 AND f.user_id = $2
		UNION ALL
		SELECT 1, 0, 0, 0, '', 0, '', '', `+documentColumns+`, md.added_at
		`+documentFrom+` JOIN meeting_documents md ON md.document_id = d.id
		WHERE md.meeting_id = $1 AND d.ready_at IS NOT NULL
		ORDER BY 1, 22, 9`, meetingID, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("find reflection and readings: %w", err)
	}
	defer rows.Close()
	var refl *roundtable.Reflection
	var docs []*roundtable.Document
	for rows.Next() {
		var kind int
		var added, created int64
		var circleID, wrapped string
		f := roundtable.Reflection{MeetingID: meetingID, UserID: userID}
		d, _, err := scanDocument(tx, scanFunc(func(dest ...any) error {
			head := []any{&kind, &f.Relevance, &f.Insights, &f.Heard, &f.Line, &created, &circleID, &wrapped}
			return rows.Scan(append(append(head, dest...), &added)...)
		}))
		if err != nil {
			return nil, nil, fmt.Errorf("read reflection or reading: %w", err)
		}
		if kind == 0 {
			f.CreatedAt = fromMS(created)
			f.Line = tx.open(circleID, wrapped, "reflections", "line", rowID(meetingID, userID), f.Line)
			refl = &f
			continue
		}
		d.MeetingIDs = []string{meetingID}
		docs = append(docs, d)
	}
	return refl, docs, rows.Err()
}
