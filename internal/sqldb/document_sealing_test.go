package sqldb_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// TestSealing_MarkersDocuments writes markers into a document's title, file
// name and bytes and into a link's title and address, reads them back, and
// finds none in the raw database: not as text, not hex-encoded (as pg_dump
// writes binary columns), not in the stored pieces themselves.
func TestSealing_MarkersDocuments(t *testing.T) {
	t.Parallel()
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			var logs bytes.Buffer
			e, url := sealedDB(t, engine, &logs)
			w := e.world()
			s := sqldb.NewDocumentService(e.db)
			m := map[string]string{}
			for _, k := range []string{"doc-title", "doc-name", "doc-content", "link-title", "link-url", "control"} {
				m[k] = marker(k)
			}
			body := pdfFile(sqldb.ChunkSizeForTest+5000, m["doc-content"])
			copy(body[sqldb.ChunkSizeForTest+10:], m["doc-content"]) // in the second piece too
			d, err := upload(as(w.member), s, w.a.ID, m["doc-title"], m["doc-name"]+".pdf", body)
			must(t, err)
			l := &roundtable.Document{CircleID: w.a.ID, Title: m["link-title"], URL: "https://example.org/" + m["link-url"]}
			must(t, s.AddLink(as(w.member), l))
			e.user(m["control"], "control@example.org", false, false)

			got, b := readAll(t, as(w.fac), s, d.ID)
			if got.Title != m["doc-title"] || got.FileName != m["doc-name"]+".pdf" || !bytes.Equal(b, body) {
				t.Fatalf("the document does not read back: %q %q, %d bytes", got.Title, got.FileName, len(b))
			}
			sh, err := s.FindDocumentShelf(as(w.member), w.a.ID, 1)
			must(t, err)
			if len(sh.Documents) != 2 || sh.Documents[0].Title != m["link-title"] || !strings.HasSuffix(sh.Documents[0].URL, m["link-url"]) {
				t.Fatalf("the link does not read back: %+v", sh.Documents)
			}
			pieces, err := sqldb.DocumentChunkBytesForTest(context.Background(), e.db)
			must(t, err)
			wantSealed(t, append(rawDatabase(t, engine, url), pieces...), m["control"], m, &logs)
		})
	}
}
