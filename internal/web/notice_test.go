package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// flashCookieFor returns the cookie setFlash would leave for kind and text.
func flashCookieFor(a *app, kind, text string) *http.Cookie {
	rec := httptest.NewRecorder()
	a.srv.setFlash(rec, kind, text)
	return rec.Result().Cookies()[0]
}

// TestFlash_EachKindHasItsLookAndRole renders pages with a flash of each
// kind: success and info are status messages in their own style, errors are
// alerts in the error style, and an unknown kind is shown as info.
func TestFlash_EachKindHasItsLookAndRole(t *testing.T) {
	a := newApp(t)
	u := a.user("ada@example.org", "Ada", true)
	for _, tc := range []struct{ kind, class, role string }{
		{"success", "flash-success", "status"},
		{"info", "flash-info", "status"},
		{"error", "flash-error", "alert"},
		{"shout", "flash-info", "status"},
	} {
		for _, page := range []struct {
			path   string
			signed bool
		}{{"/signin", false}, {"/", false}, {"/", true}, {"/account", true}, {"/programs", true}} {
			b := a.browser()
			if page.signed {
				b.signInAs(u)
			}
			b.cookies[flashCookie] = flashCookieFor(a, tc.kind, "A message of kind "+tc.kind+".")
			res := b.get(page.path).want(t, http.StatusOK)
			want := `<div class="flash ` + tc.class + `" role="` + tc.role + `">A message of kind ` + tc.kind + `.</div>`
			if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(res.Body) {
				t.Errorf("%s (signed in %t) with a %q flash: no %s; got %s", page.path, page.signed, tc.kind, want, snippet(res.Body))
			}
		}
	}
}

// TestFlash_SavedIsSuccess checks the kinds the handlers choose: something
// saved is a success, a sign-in link that may or may not be sent is info.
func TestFlash_SavedIsSuccess(t *testing.T) {
	a := newApp(t)
	u := a.user("ada@example.org", "Ada", false)
	b := a.browser().signInAs(u)
	res := b.follow(b.post("/account", url.Values{"name": {"Ada L."}, "time_zone": {"Europe/London"}}))
	res.contains(t, `<div class="flash flash-success" role="status">Your details are saved.</div>`)

	anon := a.browser()
	res = anon.follow(anon.post("/signin/link", url.Values{"link_email": {"nobody@example.org"}}))
	res.contains(t, `<div class="flash flash-info" role="status">If that address has an account`)
}

// TestTemplates_NoticeRoles walks every template: a place for an error is an
// alert, a place for a success is a status message, never the other way.
func TestTemplates_NoticeRoles(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	tag := regexp.MustCompile(`<[a-z]+[^>]*\bclass="[^"]*\b(form-error|form-done|flash)\b[^"]*"[^>]*>`)
	role := regexp.MustCompile(`\brole="([a-z]+)"`)
	want := map[string]string{"form-error": "alert", "form-done": "status"}
	seen := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tag.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]]++
			got := ""
			if r := role.FindStringSubmatch(m[0]); r != nil {
				got = r[1]
			}
			if w, ok := want[m[1]]; ok && got != w {
				t.Errorf("%s: %s has role %q, want %q", f, m[0], got, w)
			}
		}
	}
	// Every room form that says "done" has a place for it.
	room, _ := os.ReadFile("templates/room.html")
	if n, notes := len(regexp.MustCompile(`data-done="`).FindAll(room, -1)), len(regexp.MustCompile(`data-done-note`).FindAll(room, -1)); n == 0 || notes < n {
		t.Errorf("room.html: %d forms with data-done, %d places for the note", n, notes)
	}
	if seen["form-done"] == 0 || seen["form-error"] == 0 {
		t.Errorf("no success or error places found in the templates: %v", seen)
	}
}
