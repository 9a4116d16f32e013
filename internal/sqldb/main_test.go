package sqldb_test

import (
	"context"
	"errors"
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

// forEachEngine runs fn as a subtest on every engine the machine offers. The
// tests run in parallel: each has its own database, and PostgreSQL's time
// goes mostly to creating and dropping databases, which overlaps well.
func forEachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	t.Parallel()
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { fn(t, newEnv(t, engine)) })
	}
}

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder is a mailer that keeps what it is given, or fails while fail is set.
type recorder struct {
	mu   sync.Mutex
	msgs []mail.Message
	fail error
}

func (r *recorder) Send(ctx context.Context, m mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) sent() []mail.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]mail.Message(nil), r.msgs...)
}

// env is one test's database and services.
type env struct {
	t          *testing.T
	db         *sqldb.DB
	clock      *clock
	users      *sqldb.UserService
	auth       *sqldb.AuthService
	programs   *sqldb.ProgramService
	applicants *sqldb.ApplicantService
	circles    *sqldb.CircleService
	meetings   *sqldb.MeetingService
	outbox     *sqldb.Outbox
	mailer     *recorder
}

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, engine string) *env {
	c := &clock{t: start}
	db := sqldbtest.OpenWith(t, engine, sqldb.Config{Now: c.Now, BaseURL: "https://rt.example"})
	return &env{
		t: t, db: db, clock: c,
		users:      sqldb.NewUserService(db),
		auth:       sqldb.NewAuthService(db),
		programs:   sqldb.NewProgramService(db),
		applicants: sqldb.NewApplicantService(db),
		circles:    sqldb.NewCircleService(db),
		meetings:   sqldb.NewMeetingService(db),
		outbox:     sqldb.NewOutbox(db),
		mailer:     &recorder{},
	}
}

var (
	anon = context.Background()
	sys  = roundtable.NewSystemContext(context.Background())
)

func as(u *roundtable.User) context.Context {
	return roundtable.NewContextWithUser(context.Background(), u)
}

// user creates a user through the system context.
func (e *env) user(name, email string, admin, organize bool) *roundtable.User {
	e.t.Helper()
	u := &roundtable.User{Name: name, Email: email, TimeZone: "Europe/Paris", IsAdmin: admin, CanOrganize: organize}
	if err := e.users.CreateUser(sys, u, "correct horse battery"); err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func newProgram(name string) *roundtable.Program {
	return &roundtable.Program{
		Name: name, Purpose: "Grow together.",
		StartDate: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Cadence: roundtable.Monthly, SessionMinutes: 90, SizeMin: 5, SizeTarget: 7, SizeMax: 8,
		TimeZone: "Europe/Paris", GroundRules: roundtable.DefaultGroundRules, ApplicationsOpen: true,
	}
}

// program creates an open program organized by org.
func (e *env) program(org *roundtable.User, name string) *roundtable.Program {
	e.t.Helper()
	p := newProgram(name)
	if err := e.programs.CreateProgram(as(org), p); err != nil {
		e.t.Fatalf("create program: %v", err)
	}
	return p
}

func newApplicant(programID, name, email string) *roundtable.Applicant {
	return &roundtable.Applicant{
		ProgramID: programID, Name: name, Email: email, Title: "Head of Operations", Organization: "Acme",
		Sector: "Private", Industry: "Logistics", Function: "Operations", Level: 3, TimeZone: "Europe/Berlin",
		Availability: "Mon 09:00-12:00;Wed 14:00-17:30", Goals: "Delegate more.",
	}
}

// accepted applies to a program and accepts the application.
func (e *env) accepted(programID, name, email string) *roundtable.Applicant {
	e.t.Helper()
	a := newApplicant(programID, name, email)
	if err := e.applicants.Apply(anon, a); err != nil {
		e.t.Fatalf("apply %s: %v", email, err)
	}
	if err := e.applicants.SetApplicantStatus(sys, a.ID, roundtable.StatusAccepted); err != nil {
		e.t.Fatalf("accept %s: %v", email, err)
	}
	return a
}

func (e *env) circle(programID, name string) *roundtable.Circle {
	e.t.Helper()
	c := &roundtable.Circle{ProgramID: programID, Name: name}
	if err := e.circles.CreateCircle(sys, c); err != nil {
		e.t.Fatalf("create circle: %v", err)
	}
	return c
}

// deliver sends what is due and returns the messages sent by this call.
func (e *env) deliver() []mail.Message {
	e.t.Helper()
	before := len(e.mailer.sent())
	if _, err := e.outbox.Deliver(context.Background(), e.mailer); err != nil {
		e.t.Fatalf("deliver: %v", err)
	}
	return e.mailer.sent()[before:]
}

var (
	inviteRE = regexp.MustCompile(`/invite/([A-Za-z0-9_-]{43})`)
	linkRE   = regexp.MustCompile(`/signin/link/([A-Za-z0-9_-]{43})`)
)

// lastToken delivers mail and returns the token of the last link to addr.
func (e *env) lastToken(re *regexp.Regexp, addr string) string {
	e.t.Helper()
	e.deliver()
	msgs := e.mailer.sent()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == addr {
			if m := re.FindStringSubmatch(msgs[i].Text + msgs[i].HTML); m != nil {
				return m[1]
			}
		}
	}
	e.t.Fatalf("no link e-mailed to %s", addr)
	return ""
}

// member places an accepted applicant in a circle, lets them accept the
// invitation and the ground rules, and returns their user.
func (e *env) member(c *roundtable.Circle, name, email string) *roundtable.User {
	e.t.Helper()
	a := e.accepted(c.ProgramID, name, email)
	if err := e.circles.PlaceApplicant(sys, c.ID, a.ID); err != nil {
		e.t.Fatalf("place %s: %v", email, err)
	}
	return e.join(c, email)
}

// join accepts the latest invitation to addr and the circle's ground rules.
func (e *env) join(c *roundtable.Circle, email string) *roundtable.User {
	e.t.Helper()
	u, err := e.auth.AcceptInvitation(anon, e.lastToken(inviteRE, email), roundtable.AccountSetup{Name: "Set Up " + email, TimeZone: "Asia/Tokyo", Password: "a long enough password"})
	if err != nil {
		e.t.Fatalf("accept invitation %s: %v", email, err)
	}
	if err := e.circles.AcceptGroundRules(as(u), c.ID); err != nil {
		e.t.Fatalf("accept ground rules %s: %v", email, err)
	}
	return u
}

// facilitator names a facilitator of c who joins and accepts the rules.
func (e *env) facilitator(c *roundtable.Circle, name, email string) *roundtable.User {
	e.t.Helper()
	if err := e.circles.SetFacilitator(sys, c.ID, email, name); err != nil {
		e.t.Fatalf("set facilitator: %v", err)
	}
	return e.join(c, email)
}

// wantCode fails unless err carries the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := roundtable.ErrorCode(err); got != code {
		t.Fatalf("got error code %q (%v), want %q", got, err, code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

var _ = errors.New
