package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
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
	"message", "home", "home_anon", "setup", "signin", "signin_link", "account", "users",
	"programs", "program_form", "program_show", "applicants", "applicant_show", "applicant_import",
	"apply", "apply_thanks", "circles", "circle_roster", "invite", "welcome", "circle_home", "goals",
	"meeting_form", "meeting_show", "formation", "formation_draft", "backfill",
	"meeting_cancel", "meeting_notes", "series_form", "series_preview", "poll_form", "poll_show", "room",
	"meeting_agenda", "meeting_roles", "meeting_challenge",
}

// sharedTemplates are parsed into every page.
var sharedTemplates = []string{"layout.html", "partials.html"}

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
}

func (l *layoutData) layout() *layoutData { return l }

// IsOrganizer reports whether the signed-in user may organize programs.
func (l *layoutData) IsOrganizer() bool {
	return l.User != nil && (l.User.CanOrganize || l.User.IsAdmin)
}

// pageData is implemented by every page's data (through layoutData).
type pageData interface{ layout() *layoutData }

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
	if l.Flash == nil {
		l.Flash = s.takeFlash(w, r)
	}
	buf := s.buffers.Get().(*bytes.Buffer)
	defer s.putBuffer(buf)
	if err := pt.t.ExecuteTemplate(buf, "layout", data); err != nil {
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
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages show personal and confidential content: keep them out of caches.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

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

// staticFiles are the embedded stylesheet and script with cache-busting URLs.
type staticFiles struct {
	urls map[string]string // file name → /static/NAME?v=HASH
}

func loadStatic() (staticFiles, error) {
	sf := staticFiles{urls: map[string]string{}}
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
		// Template keys cannot hold dots: "style.css" is reached as .Static.style_css.
		key := strings.ReplaceAll(e.Name(), ".", "_")
		sf.urls[key] = "/static/" + e.Name() + "?v=" + hex.EncodeToString(sum[:6])
	}
	return sf, nil
}

// handleStatic serves the embedded stylesheet and script.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	if strings.Contains(name, "/") {
		return roundtable.Errorf(roundtable.ENOTFOUND, "No such file.")
	}
	b, err := fs.ReadFile(staticFS, "static/"+name)
	if err != nil {
		return roundtable.Errorf(roundtable.ENOTFOUND, "No such file.")
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	if r.URL.Query().Get("v") != "" {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Write(b)
	return nil
}
