package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestNew_Routes(t *testing.T) {
	a := newApp(t)
	seen := map[string]bool{}
	for _, rt := range a.srv.Routes() {
		key := rt.Method + " " + rt.Pattern
		if seen[key] {
			t.Errorf("route %s registered twice", key)
		}
		seen[key] = true
		if rt.Name == "" {
			t.Errorf("route %s has no name", key)
		}
	}
	if len(seen) < 40 {
		t.Errorf("got %d routes, want every page of the foundation (40 or more)", len(seen))
	}
}

func TestZones_AllLoad(t *testing.T) {
	if len(zones) < 300 {
		t.Fatalf("got %d zones, want every canonical IANA zone (300 or more)", len(zones))
	}
	for _, z := range zones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("zone %s does not load: %v", z, err)
		}
	}
}

func TestHealth(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		a := newApp(t)
		r := a.browser().get("/healthz").want(t, http.StatusOK)
		if strings.TrimSpace(r.Body) != "ok" {
			t.Errorf("got body %q, want ok", r.Body)
		}
	})
	t.Run("Unavailable", func(t *testing.T) {
		a := newAppWith(t, testBase, func(context.Context) error { return errors.New("database is down") })
		r := a.browser().get("/healthz").want(t, http.StatusServiceUnavailable)
		if strings.TrimSpace(r.Body) != "unavailable" {
			t.Errorf("got body %q, want unavailable", r.Body)
		}
	})
}

func TestPanic_FriendlyPage(t *testing.T) {
	a := newAppWith(t, testBase, func(context.Context) error { panic("boom: secret internal detail") })
	r := a.browser().get("/healthz").want(t, http.StatusInternalServerError)
	r.contains(t, "Something went wrong on our side").lacks(t, "boom", "secret internal detail", "goroutine")
	if !strings.Contains(a.logs.String(), "boom") {
		t.Errorf("the panic was not logged")
	}
}

func TestNotFound(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	b := a.browser().signInAs(org)
	paths := []string{
		"/no/such/page", "/programs/not-an-id", "/programs/00000000-0000-0000-0000-000000000000",
		"/programs/x/applicants/y", "/programs/x/circles/y", "/circles/'%3B%20drop%20table%20users",
		"/circles/%00", "/meetings/" + strings.Repeat("9", 300), "/apply/nope", "/apply/nope/thanks",
		"/static/nope.css", "/static/..%2fserver.go",
	}
	for _, p := range paths {
		for _, who := range []*browser{a.browser(), b} {
			r := who.get(p)
			if r.Code == http.StatusInternalServerError {
				t.Errorf("GET %s: got 500, want a friendly answer", p)
			}
			if who == b || strings.HasPrefix(p, "/no/") || strings.HasPrefix(p, "/apply/") || strings.HasPrefix(p, "/static/") {
				if r.Code != http.StatusNotFound {
					t.Errorf("GET %s: got %d, want 404", p, r.Code)
				} else {
					r.contains(t, "We could not find that page")
				}
			}
		}
	}
	// A known path with a method it does not take is not found either.
	a.browser().post("/healthz", nil).want(t, http.StatusNotFound)
}

func TestSecurityHeaders(t *testing.T) {
	a := newApp(t)
	a.user("someone@example.org", "Some One", false)
	r := a.browser().get("/signin").want(t, http.StatusOK)
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	csp := r.Header.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'self'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("CSP %q lacks %q", csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q allows inline code", csp)
	}
}

func TestCSRF_CrossSitePostRefused(t *testing.T) {
	a := newApp(t)
	u := a.user("member@example.org", "Mia Member", false)
	b := a.browser().signInAs(u)
	for name, hdr := range map[string]map[string]string{
		"SecFetchSite":  {"Sec-Fetch-Site": "cross-site"},
		"ForeignOrigin": {"Origin": "https://evil.example"},
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, testBase+"/account", strings.NewReader(url.Values{"name": {"Hacked"}, "time_zone": {"UTC"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			req.AddCookie(b.cookies[sessionCookie])
			r := b.send(req).want(t, http.StatusForbidden)
			r.contains(t, "This form came from another site")
			got, err := a.svc.Users.FindUserByID(sys(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Mia Member" {
				t.Errorf("got name %q, want it unchanged", got.Name)
			}
		})
	}
	// The same form from our own pages works.
	b.post("/account", url.Values{"name": {"Mia M."}, "time_zone": {"UTC"}}).want(t, http.StatusSeeOther)
}

func TestBodyLimit(t *testing.T) {
	a := newApp(t)
	a.user("someone@example.org", "Some One", false)
	big := url.Values{"email": {"someone@example.org"}, "password": {strings.Repeat("x", 100<<10)}}
	r := a.browser().post("/signin", big).want(t, http.StatusRequestEntityTooLarge)
	r.contains(t, "That was too much to send")
}

func TestNew_MissingTemplateFailsAtBoot(t *testing.T) {
	saved := pageNames
	defer func() { pageNames = saved }()
	pageNames = append(append([]string{}, saved...), "no_such_page")
	if _, err := parsePages((&Server{}).templateFuncs()); err == nil {
		t.Fatalf("got no error for a missing page template, want New to fail at boot")
	}
}
