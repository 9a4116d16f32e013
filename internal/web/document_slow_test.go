package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// slowServer serves the app over a real connection with the short read and
// write limits a page needs, as the program does (a minute there).
func slowServer(t *testing.T, w *docWorld, limit time.Duration) *httptest.Server {
	srv := httptest.NewUnstartedServer(w.a.srv)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = limit, limit
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// slowReader hands out its bytes a piece at a time, waiting before each.
type slowReader struct {
	b     []byte
	piece int
	wait  time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.wait)
	n := copy(p[:min(len(p), s.piece)], s.b)
	s.b = s.b[n:]
	return n, nil
}

// TestDocuments_SlowUpload: a file on a slow line takes longer than a page
// may; it still arrives whole, and its answer reaches the browser.
func TestDocuments_SlowUpload(t *testing.T) {
	w := newDocWorld(t)
	srv := slowServer(t, w, 300*time.Millisecond)
	b := w.a.browser().signInAs(w.member)
	content := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("slow line "), 40<<10)...)
	body, ct := uploadForm("Slow pack", "slow.pdf", content)
	req := b.request(http.MethodPost, "/circles/"+w.circle.ID+"/documents/files", &slowReader{b: body.Bytes(), piece: 64 << 10, wait: 150 * time.Millisecond}, ct)
	req.RequestURI, req.URL.Scheme, req.URL.Host = "", "http", srv.Listener.Addr().String()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("upload: got %v, want an answer", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("got status %d, want 303 (the file stored)", res.StatusCode)
	}
	sh, err := w.a.svc.Documents.FindDocumentShelf(as(w.member), w.circle.ID, 1)
	if err != nil || sh.Total != 1 || sh.Used != int64(len(content)) {
		t.Fatalf("got %d documents, %d bytes (%v); want the %d bytes stored", sh.Total, sh.Used, err, len(content))
	}
}

// TestDocuments_SlowDownload: a browser that reads a large file slowly gets
// all of it, even past the time a page may take.
func TestDocuments_SlowDownload(t *testing.T) {
	w := newDocWorld(t)
	srv := slowServer(t, w, 300*time.Millisecond)
	content := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{7}, roundtable.MaxDocumentSize-16)...)
	d, err := w.a.svc.Documents.UploadDocument(as(w.member), &roundtable.DocumentUpload{CircleID: w.circle.ID, FileName: "big.pdf", Body: bytes.NewReader(content)})
	if err != nil {
		t.Fatal(err)
	}
	b := w.a.browser().signInAs(w.member)
	req := b.request(http.MethodGet, "/documents/"+d.ID, nil, "")
	req.RequestURI, req.URL.Scheme, req.URL.Host = "", "http", srv.Listener.Addr().String()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("download: got %v, want an answer", err)
	}
	defer res.Body.Close()
	time.Sleep(time.Second) // the browser is busy; the connection's buffers fill
	got, err := io.ReadAll(res.Body)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("got %d of %d bytes (%v), want the whole file", len(got), len(content), err)
	}
}
