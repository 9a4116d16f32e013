package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// getWith GETs path as b with extra headers.
func (b *browser) getWith(path string, headers ...string) *response {
	b.a.t.Helper()
	req := b.request(http.MethodGet, path, nil, "")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.send(req)
}

// gunzip decodes a gzip body.
func gunzip(t *testing.T, body string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return string(b)
}

// TestCompress_Pages: a page goes gzipped to a browser that takes it, is the
// same page once decoded and is smaller; a small body goes as it is.
func TestCompress_Pages(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Open Program")
	for _, path := range []string{"/signin", "/apply/" + p.ID} {
		plain := a.browser().get(path).want(t, http.StatusOK)
		gz := a.browser().getWith(path, "Accept-Encoding", "br, gzip;q=0.8").want(t, http.StatusOK)
		if ce := gz.Header.Get("Content-Encoding"); ce != "gzip" {
			t.Fatalf("%s: got Content-Encoding %q, want gzip", path, ce)
		}
		if !strings.Contains(gz.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: got Vary %q, want Accept-Encoding", path, gz.Header.Get("Vary"))
		}
		if got := gunzip(t, gz.Body); got != plain.Body {
			t.Errorf("%s: the decoded page differs from the plain one", path)
		}
		if len(gz.Body)*2 > len(plain.Body) {
			t.Errorf("%s: %d bytes gzipped for %d plain, want less than half", path, len(gz.Body), len(plain.Body))
		}
		t.Logf("%s: %d bytes plain, %d gzipped", path, len(plain.Body), len(gz.Body))
		if ce := a.browser().getWith(path, "Accept-Encoding", "gzip;q=0, identity").Header.Get("Content-Encoding"); ce != "" {
			t.Errorf("%s: gzip refused with q=0, got Content-Encoding %q", path, ce)
		}
	}
	// A body of a few bytes is not worth compressing.
	r := a.browser().getWith("/healthz", "Accept-Encoding", "gzip")
	if ce := r.Header.Get("Content-Encoding"); ce != "" || strings.TrimSpace(r.Body) != "ok" {
		t.Errorf("/healthz: got Content-Encoding %q and body %q, want a plain ok", ce, r.Body)
	}
	// A redirect carries no body to compress.
	r = a.browser().getWith("/programs", "Accept-Encoding", "gzip").want(t, http.StatusSeeOther)
	if ce := r.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("redirect: got Content-Encoding %q", ce)
	}
}

// TestStatic_CompressedAndCached: the stylesheet and scripts go gzipped as
// compressed at start, with a strong ETag per encoding; a browser that has
// the file gets 304 Not Modified.
func TestStatic_CompressedAndCached(t *testing.T) {
	a := newApp(t)
	for key, u := range a.srv.static.urls {
		plain := a.browser().get(u).want(t, http.StatusOK)
		gz := a.browser().getWith(u, "Accept-Encoding", "gzip").want(t, http.StatusOK)
		if !strings.Contains(gz.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: got Vary %q, want Accept-Encoding", key, gz.Header.Get("Vary"))
		}
		et, gzTag := plain.Header.Get("ETag"), gz.Header.Get("ETag")
		if !strings.HasPrefix(et, `"`) || (et == gzTag) != (gz.Header.Get("Content-Encoding") == "") {
			t.Errorf("%s: got ETags %q and %q, want strong and one per encoding", key, et, gzTag)
		}
		if gz.Header.Get("Content-Encoding") == "gzip" {
			if gunzip(t, gz.Body) != plain.Body || len(gz.Body) >= len(plain.Body) {
				t.Errorf("%s: the gzipped file is not the file, smaller", key)
			}
			t.Logf("%s: %d bytes plain, %d gzipped", key, len(plain.Body), len(gz.Body))
		} else if strings.HasSuffix(key, "_css") || strings.HasSuffix(key, "_js") {
			t.Errorf("%s: not compressed", key)
		}
		r := a.browser().getWith(u, "Accept-Encoding", "gzip", "If-None-Match", gzTag).want(t, http.StatusNotModified)
		if r.Body != "" {
			t.Errorf("%s: 304 with a body of %d bytes", key, len(r.Body))
		}
		a.browser().getWith(u, "If-None-Match", `"other", `+et).want(t, http.StatusNotModified)
		a.browser().getWith(u, "If-None-Match", `"other"`).want(t, http.StatusOK)
	}
	if _, ok := a.srv.static.urls["favicon_svg"]; !ok {
		t.Errorf("no favicon among the static files")
	}
}

// TestFaviconAndDescriptions: every page links the icon, /favicon.ico
// answers without a 404, and the public pages describe themselves.
func TestFaviconAndDescriptions(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Open Program")
	r := a.browser().get("/favicon.ico").want(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "image/svg+xml" || !strings.Contains(r.Body, "<svg") {
		t.Errorf("/favicon.ico: got %q %q, want our SVG icon", ct, r.Body)
	}
	for _, path := range []string{"/", "/signin", "/apply/" + p.ID} {
		r := a.browser().get(path).want(t, http.StatusOK)
		r.contains(t, `<link rel="icon" href="/static/favicon.svg?v=`, `<meta name="description" content="`)
	}
	a.browser().signInAs(org).get("/programs").want(t, http.StatusOK).contains(t, `<link rel="icon" href="/static/favicon.svg?v=`)
}

// TestCompress_EventsStayImmediate opens a room's event stream through the
// middleware with gzip accepted: it is not compressed, and a change reaches
// the screen at once, not when some buffer fills.
func TestCompress_EventsStayImmediate(t *testing.T) {
	w := newRoomWorld(t)
	w.liveServer(t)
	w.goTo(t, rsChallenge)
	token, err := w.a.svc.Auth.CreateSession(context.Background(), w.ny.ID)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.ts.URL+w.path+"/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	// Set by hand, so the client does not decode it quietly.
	req.Header.Set("Accept-Encoding", "gzip")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("open events: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("events: got %d with Content-Encoding %q, want 200 as it is", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	waitFor := func(what string, ok func(string) bool) {
		t.Helper()
		limit := time.After(2 * time.Second)
		for {
			select {
			case l, open := <-lines:
				if !open {
					t.Fatalf("the stream ended before %s", what)
				}
				if ok(l) {
					return
				}
			case <-limit:
				t.Fatalf("%s did not arrive within 2s", what)
			}
		}
	}
	waitFor("the first frame", func(l string) bool { return strings.HasPrefix(l, "data: ") })
	question := "Who decides on the org chart, through the middleware?"
	w.tb.postJS(w.path+"/board", url.Values{"kind": {"question"}, "body": {question}}).want(t, http.StatusNoContent)
	waitFor("the question", func(l string) bool { return strings.HasPrefix(l, "data: ") && strings.Contains(l, question) })
}

// BenchmarkCompress_Page measures what compressing a page costs.
func BenchmarkCompress_Page(b *testing.B) {
	page := bytes.Repeat([]byte(`<li class="applicant"><a href="/programs/x/applicants/y">Ana Applicant</a> Director, Acme</li>`+"\n"), 400)
	h := (&Server{}).compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	b.ReportAllocs()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		h.ServeHTTP(discardWriter{h: http.Header{}}, req)
	}
}

// discardWriter is a ResponseWriter that forgets what it is given.
type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}
