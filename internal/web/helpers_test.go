package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// testBase is the site's address in handler tests.
const testBase = "http://rt.test"

// testPassword is every test account's password.
const testPassword = "correct horse battery"

// app is a server on a fresh SQLite database.
type app struct {
	t      *testing.T
	db     *sqldb.DB
	svc    Services
	srv    *Server
	outbox *sqldb.Outbox
	logs   *syncBuffer
	sent   []mail.Message // every e-mail delivered so far
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newApp(t *testing.T) *app { return newAppWith(t, testBase, nil) }

// newAppWith builds an app with a base URL and an optional health check.
func newAppWith(t *testing.T, base string, health func(context.Context) error) *app {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db := sqldbtest.OpenWith(t, "sqlite", sqldb.Config{BaseURL: base, Logger: logger})
	svc := testServices(t, db)
	if health != nil {
		svc.Health = health
	}
	srv, err := New(svc, Config{BaseURL: base, Logger: logger})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &app{t: t, db: db, svc: svc, srv: srv, outbox: sqldb.NewOutbox(db), logs: logs}
}

// testServices returns the database's real services, as the program wires them.
func testServices(t testing.TB, db *sqldb.DB) Services {
	formations := sqldb.NewFormationService(db)
	t.Cleanup(formations.Close) // runs before the database closes
	return Services{
		Users: sqldb.NewUserService(db), Auth: sqldb.NewAuthService(db), Programs: sqldb.NewProgramService(db),
		Applicants: sqldb.NewApplicantService(db), Circles: sqldb.NewCircleService(db), Meetings: sqldb.NewMeetingService(db),
		Formations: formations, Backfill: sqldb.NewBackfillService(db), TimeAsks: formations, Audit: sqldb.NewAuditService(db),
		Export: sqldb.NewExportService(db), Deletion: sqldb.NewAccountDeletionService(db),
		Anonymise: sqldb.NewApplicantAnonymiseService(db), Health: db.Ping,
		Calendar: sqldb.NewCalendarService(db), Notifications: sqldb.NewNotificationService(db),
		Series: sqldb.NewSeriesService(db), Polls: sqldb.NewPollService(db), Discussion: sqldb.NewDiscussionService(db),
		Room: sqldb.NewRoomService(db), Agendas: sqldb.NewAgendaService(db),
		Commitments: sqldb.NewCommitmentService(db), CheckIns: sqldb.NewCheckInService(db),
		ParkingLot: sqldb.NewParkingLotService(db), Decisions: sqldb.NewDecisionService(db),
		Lapses:    sqldb.NewLapseService(db),
		Documents: sqldb.NewDocumentService(db),
	}
}

// Send implements mail.Mailer by keeping the message.
func (a *app) Send(_ context.Context, m mail.Message) error {
	a.sent = append(a.sent, m)
	return nil
}

// deliver runs the outbox and returns the messages it sent now.
func (a *app) deliver() []mail.Message {
	a.t.Helper()
	before := len(a.sent)
	if _, err := a.outbox.Deliver(context.Background(), a); err != nil {
		a.t.Fatalf("deliver mail: %v", err)
	}
	return a.sent[before:]
}

var (
	inviteRE = regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`)
	linkRE   = regexp.MustCompile(`/signin/link/([A-Za-z0-9_-]+)`)
)

// tokenFor delivers mail and returns the last token of re sent to addr.
func (a *app) tokenFor(re *regexp.Regexp, addr string) string {
	a.t.Helper()
	a.deliver()
	for i := len(a.sent) - 1; i >= 0; i-- {
		if m := a.sent[i]; strings.EqualFold(m.To, addr) {
			if sm := re.FindStringSubmatch(m.Text); sm != nil {
				return sm[1]
			}
		}
	}
	a.t.Fatalf("no message to %s matches %s", addr, re)
	return ""
}

// sys is the operator's context.
func sys() context.Context { return roundtable.NewSystemContext(context.Background()) }

// as is a context acting for u.
func as(u *roundtable.User) context.Context {
	return roundtable.NewContextWithUser(context.Background(), u)
}

// user creates an account with testPassword.
func (a *app) user(email, name string, organizer bool) *roundtable.User {
	a.t.Helper()
	u := &roundtable.User{Email: email, Name: name, TimeZone: "Europe/Paris", CanOrganize: organizer}
	if err := a.svc.Users.CreateUser(sys(), u, testPassword); err != nil {
		a.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// program creates an open program organized by org.
func (a *app) program(org *roundtable.User, name string) *roundtable.Program {
	a.t.Helper()
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 7)
	p := &roundtable.Program{
		Name: name, Purpose: "Grow as leaders.", StartDate: start, EndDate: start.AddDate(0, 6, 0),
		Cadence: roundtable.Monthly, SessionMinutes: 90, SizeMin: 2, SizeTarget: 3, SizeMax: 8,
		TimeZone: "Europe/Paris", GroundRules: roundtable.DefaultGroundRules, ApplicationsOpen: true,
	}
	if err := a.svc.Programs.CreateProgram(as(org), p); err != nil {
		a.t.Fatalf("create program: %v", err)
	}
	return p
}

// applicant applies to p and, when accept is set, is accepted by org.
func (a *app) applicant(org *roundtable.User, p *roundtable.Program, email, name, goals string, accept bool) *roundtable.Applicant {
	a.t.Helper()
	ap := &roundtable.Applicant{
		ProgramID: p.ID, Name: name, Email: email, Title: "Head of Operations", Organization: name + " Ltd",
		Sector: "Private", Level: 3, TimeZone: "America/New_York", Availability: "Mon 09:00-12:00", Goals: goals,
	}
	if err := a.svc.Applicants.Apply(context.Background(), ap); err != nil {
		a.t.Fatalf("apply %s: %v", email, err)
	}
	if accept {
		if err := a.svc.Applicants.SetApplicantStatus(as(org), ap.ID, roundtable.StatusAccepted); err != nil {
			a.t.Fatalf("accept %s: %v", email, err)
		}
	}
	return ap
}

// circle creates a circle in p.
func (a *app) circle(org *roundtable.User, p *roundtable.Program, name string) *roundtable.Circle {
	a.t.Helper()
	c := &roundtable.Circle{ProgramID: p.ID, Name: name, TimeZone: "Europe/Paris"}
	if err := a.svc.Circles.CreateCircle(as(org), c); err != nil {
		a.t.Fatalf("create circle: %v", err)
	}
	return c
}

// member places an accepted applicant in c, lets them join through the
// invitation and accept the ground rules, and returns their user.
func (a *app) member(org *roundtable.User, c *roundtable.Circle, ap *roundtable.Applicant, tz string) *roundtable.User {
	a.t.Helper()
	if err := a.svc.Circles.PlaceApplicant(as(org), c.ID, ap.ID); err != nil {
		a.t.Fatalf("place %s: %v", ap.Email, err)
	}
	return a.join(c, ap.Email, ap.Name, tz)
}

// join accepts the latest invitation to addr and the circle's ground rules.
func (a *app) join(c *roundtable.Circle, addr, name, tz string) *roundtable.User {
	a.t.Helper()
	token := a.tokenFor(inviteRE, addr)
	u, err := a.svc.Auth.AcceptInvitation(context.Background(), token, roundtable.AccountSetup{Name: name, TimeZone: tz, Password: testPassword})
	if err != nil {
		a.t.Fatalf("accept invitation of %s: %v", addr, err)
	}
	if err := a.svc.Circles.AcceptGroundRules(as(u), c.ID); err != nil {
		a.t.Fatalf("accept ground rules: %v", err)
	}
	return u
}

// facilitator names addr as c's facilitator and lets them join.
func (a *app) facilitator(org *roundtable.User, c *roundtable.Circle, addr, name string) *roundtable.User {
	a.t.Helper()
	if err := a.svc.Circles.SetFacilitator(as(org), c.ID, addr, name); err != nil {
		a.t.Fatalf("set facilitator: %v", err)
	}
	return a.join(c, addr, name, "Europe/Paris")
}

// browser is a client with its own cookies.
type browser struct {
	a       *app
	cookies map[string]*http.Cookie
	ip      string
}

func (a *app) browser() *browser {
	return &browser{a: a, cookies: map[string]*http.Cookie{}, ip: "192.0.2.10"}
}

// response is what a request answered.
type response struct {
	Code     int
	Body     string
	Header   http.Header
	Location string
	Cookies  []*http.Cookie
}

// signInAs gives the browser a fresh session for u without the sign-in form.
func (b *browser) signInAs(u *roundtable.User) *browser {
	b.a.t.Helper()
	token, err := b.a.svc.Auth.CreateSession(context.Background(), u.ID)
	if err != nil {
		b.a.t.Fatalf("create session: %v", err)
	}
	b.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: token}
	return b
}

// do sends a request as this browser would, from our own pages.
func (b *browser) do(method, path string, body io.Reader, contentType string) *response {
	b.a.t.Helper()
	return b.send(b.request(method, path, body, contentType))
}

// request builds a request as this browser would send it from our own pages.
func (b *browser) request(method, path string, body io.Reader, contentType string) *http.Request {
	req := httptest.NewRequest(method, testBase+path, body)
	req.RemoteAddr = b.ip + ":4321"
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if method == http.MethodPost {
		req.Header.Set("Origin", testBase)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return req
}

// send serves req and keeps the cookies set by the answer.
func (b *browser) send(req *http.Request) *response {
	rec := httptest.NewRecorder()
	b.a.srv.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	r := &response{Code: res.StatusCode, Body: string(body), Header: res.Header, Location: res.Header.Get("Location"), Cookies: res.Cookies()}
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return r
}

func (b *browser) get(path string) *response { return b.do(http.MethodGet, path, nil, "") }

func (b *browser) post(path string, form url.Values) *response {
	return b.do(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// follow GETs the redirect target of r.
func (b *browser) follow(r *response) *response {
	b.a.t.Helper()
	if r.Code != http.StatusSeeOther && r.Code != http.StatusFound {
		b.a.t.Fatalf("got status %d, want a redirect; body: %s", r.Code, snippet(r.Body))
	}
	return b.get(r.Location)
}

// want checks a status and returns the response for more checks.
func (r *response) want(t *testing.T, code int) *response {
	t.Helper()
	if r.Code != code {
		t.Fatalf("got status %d, want %d; location %q; body: %s", r.Code, code, r.Location, snippet(r.Body))
	}
	return r
}

// contains checks that the body holds every string.
func (r *response) contains(t *testing.T, parts ...string) *response {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Body, p) {
			t.Errorf("body lacks %q; body: %s", p, snippet(r.Body))
		}
	}
	return r
}

// lacks checks that the body holds none of the strings.
func (r *response) lacks(t *testing.T, parts ...string) *response {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.Body, p) {
			t.Errorf("body holds %q, want it absent", p)
		}
	}
	return r
}

// snippet returns the main part of a page, shortened, for failure messages.
func snippet(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return body
}
