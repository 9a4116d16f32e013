package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames lists every page template (templates/NAME.html). Each defines
// "content"; layout.html and partials.html are shared by all.
var pageNames = []string{
	"message", "home", "home_anon", "setup", "signin", "signin_link", "account", "account_delete", "users", "audit",
	"programs", "program_form", "program_show", "applicants", "applicant_show", "applicant_import", "applicant_review", "applicant_anonymise",
	"apply", "apply_thanks", "circles", "circle_roster", "invite", "welcome", "circle_home", "goals",
	"meeting_form", "meeting_show", "formation", "formation_draft", "backfill",
	"meeting_cancel", "meeting_notes", "series_form", "series_preview", "poll_form", "poll_show", "room",
	"meeting_agenda", "meeting_roles", "meeting_challenge", "times", "lapse_rules", "step_away", "attendance",
	"commitments", "goal_checkins",
	"parking_lot", "parking_topic", "decisions", "decision_form", "decision_show",
	"documents", "document_delete", "document_attach",
	"discussion", "discussion_form", "discussion_thread", "discussion_reply", "discussion_delete",
}

// sharedTemplates are parsed into every page.
var sharedTemplates = []string{"layout.html", "partials.html", "formation_ways.html", "formation_whatif.html", "parking_fields.html", "lapse_notices.html"}

// pageTemplate is one parsed page, layout included.
type pageTemplate struct{ t *template.Template }

// parsePages parses every page with the shared templates. It fails when a
// page is missing, lacks a "content" block, or a template file is not used.
func parsePages(funcs template.FuncMap) (map[string]pageTemplate, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, n := range sharedTemplates {
		known[n] = true
	}
	for _, n := range pageNames {
		known[n+".html"] = true
	}
	for _, f := range files {
		if !known[path.Base(f)] {
			return nil, fmt.Errorf("web: template %s is not a known page; add it to pageNames", f)
		}
	}
	shared := make([]string, len(sharedTemplates))
	for i, n := range sharedTemplates {
		shared[i] = "templates/" + n
	}
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, shared...)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	pages := map[string]pageTemplate{}
	for _, name := range pageNames {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("web: page template %s: %w", name, err)
		}
		if t.Lookup("content") == nil || t.Lookup("layout") == nil {
			return nil, fmt.Errorf("web: page template %s defines no content", name)
		}
		pages[name] = pageTemplate{t: t}
	}
	return pages, nil
}

// layoutData is what the layout needs on every page. Page data structs embed it.
type layoutData struct {
	Title string
	User  *roundtable.User
	Flash *flash
	Nav   string // the navigation entry to mark as current
	// Refresh, when positive, reloads the page after that many seconds
	// (progress pages that must work without JavaScript).
	Refresh int
	Static  map[string]string
	// Description is the page's summary for search engines and shared
	// links; public pages have one (see pageDescriptions).
	Description string
}

// pageDescriptions describe the public pages that need no data to say what
// they are. The application form describes its own program.
var pageDescriptions = map[string]string{
	"home_anon": "Roundtable runs peer learning circles for leaders: small groups of peers from different organizations who meet regularly to work on real challenges together.",
	"signin":    "Sign in to Roundtable to see your circle, its meetings and what you committed to.",
}

func (l *layoutData) layout() *layoutData { return l }

// IsOrganizer reports whether the signed-in user may organize programs.
func (l *layoutData) IsOrganizer() bool {
	return l.User != nil && (l.User.CanOrganize || l.User.IsAdmin)
}

// pageData is implemented by every page's data (through layoutData).
type pageData interface{ layout() *layoutData }

// layoutView is what the layout template is given: the layout's fields on
// their own, and the page for its "content". Reading .Title through the
// page would make the template search the page's embedded structs by
// reflection for every field, on every page.
type layoutView struct {
	L    *layoutData
	Page any
}

// render writes a page. It renders into a buffer first so a template error
// becomes the 500 page, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	pt, ok := s.pages[name]
	if !ok {
		s.log.Error("unknown page template", "page", name)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	l := data.layout()
	l.User = currentUser(r)
	l.Static = s.static.urls
	if l.Description == "" {
		l.Description = pageDescriptions[name]
	}
	if l.Flash == nil {
		l.Flash = s.takeFlash(w, r)
	}
	buf := s.buffers.Get().(*bytes.Buffer)
	defer s.putBuffer(buf)
	view := layoutView{L: l, Page: data}
	if s.rendered != nil {
		s.rendered(pt, view)
	}
	if err := pt.t.ExecuteTemplate(buf, "layout", view); err != nil {
		s.log.Error("render page", "page", name, "route", routeLabel(r), "err", err)
		if name != "message" {
			s.renderMessage(w, r, http.StatusInternalServerError, "Something went wrong on our side",
				"We are sorry: this page could not be shown. Please try again in a moment.")
			return
		}
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = htmlTypeHeader
	// Pages show personal and confidential content: keep them out of caches.
	h["Cache-Control"] = noStoreHeader
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// Values of the headers every page gets (see headerValue).
var (
	htmlTypeHeader = headerValue("text/html; charset=utf-8")
	noStoreHeader  = headerValue("no-store")
)

// maxPooledBuffer bounds the page buffers kept for reuse: a rare huge page
// (a long applicant list) should not stay in memory for good.
const maxPooledBuffer = 256 << 10

// putBuffer empties a page buffer and keeps it for the next page: pages are
// written whole into a buffer first, and growing a fresh one to a page's
// size was a seventh of what the pages allocated. Only its length is ever
// written out, so nothing of one page reaches another.
func (s *Server) putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	s.buffers.Put(b)
}

// messagePage is a page with a title, a message and a way on.
type messagePage struct {
	layoutData
	Message  string
	LinkHref string
	LinkText string
}

// renderMessage shows a short page with one message, for errors and dead ends.
func (s *Server) renderMessage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s.render(w, r, status, "message", &messagePage{layoutData: layoutData{Title: title}, Message: msg})
}

// staticFiles are the embedded stylesheet, scripts and icon, each with a
// cache-busting URL, read and compressed once at start.
type staticFiles struct {
	urls  map[string]string // template key (style_css) → /static/NAME?v=HASH
	files map[string]*staticFile
}

// staticFile is one embedded file as it is served.
type staticFile struct {
	body        []byte
	gz          []byte // nil when gzip would not make it smaller
	etag, gzTag string // strong validators, one per encoding
	contentType string
}

func loadStatic() (staticFiles, error) {
	sf := staticFiles{urls: map[string]string{}, files: map[string]*staticFile{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return sf, err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(staticFS, "static/"+e.Name())
		if err != nil {
			return sf, err
		}
		sum := sha256.Sum256(b)
		hash := hex.EncodeToString(sum[:6])
		// Template keys cannot hold dots: "style.css" is reached as .Static.style_css.
		key := strings.ReplaceAll(e.Name(), ".", "_")
		sf.urls[key] = "/static/" + e.Name() + "?v=" + hash
		f := &staticFile{body: b, etag: `"` + hash + `"`, gzTag: `"` + hash + `-gz"`, contentType: mime.TypeByExtension(path.Ext(e.Name()))}
		switch path.Ext(e.Name()) {
		case ".css":
			f.contentType = "text/css; charset=utf-8"
		case ".js":
			f.contentType = "text/javascript; charset=utf-8"
		case ".svg":
			f.contentType = "image/svg+xml"
		}
		if f.gz, err = gzipBytes(b); err != nil {
			return sf, err
		}
		sf.files[e.Name()] = f
	}
	return sf, nil
}

// gzipBytes compresses b as well as gzip can; it returns nil for a small
// file and when that would not be smaller.
func gzipBytes(b []byte) ([]byte, error) {
	if len(b) < minCompressSize {
		return nil, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() >= len(b) {
		return nil, nil
	}
	return buf.Bytes(), nil
}

// handleStatic serves the embedded stylesheet, scripts and icon: compressed
// when the browser accepts it, and "304 Not Modified" when it has them.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.static.files[r.PathValue("file")]
	if !ok {
		return roundtable.Errorf(roundtable.ENOTFOUND, "No such file.")
	}
	cache := "public, max-age=300"
	if r.URL.Query().Get("v") != "" {
		cache = "public, max-age=31536000, immutable"
	}
	s.serveStatic(w, r, f, cache)
	return nil
}

// handleFavicon answers browsers that ask for /favicon.ico with our icon.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.static.files["favicon.svg"]
	if !ok {
		return roundtable.Errorf(roundtable.ENOTFOUND, "No such file.")
	}
	s.serveStatic(w, r, f, "public, max-age=86400")
	return nil
}

// serveStatic writes one static file in the encoding the browser takes.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, f *staticFile, cache string) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", cache)
	h.Set("Vary", "Accept-Encoding")
	body, tag := f.body, f.etag
	if f.gz != nil && acceptsGzip(r) {
		body, tag = f.gz, f.gzTag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", tag)
	if etagMatches(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// etagMatches reports whether an If-None-Match header names tag (or "*").
// Weak comparison, as If-None-Match calls for: a W/ prefix is ignored.
func etagMatches(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || (t != "" && t == tag) {
			return true
		}
	}
	return false
}
