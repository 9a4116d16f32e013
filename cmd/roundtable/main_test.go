package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// syncBuffer is a bytes.Buffer safe for a logger and a test reading at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bootMain starts a Main on 127.0.0.1:0 with its own SQLite file; it stops
// when the test ends, and its log is printed when the test fails.
func bootMain(t *testing.T, dbURL string, mailer mail.Mailer, seed bool) (*Main, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	m := NewMain()
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DatabaseURL = dbURL
	if dbURL == "" {
		m.Config.DatabaseURL = "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	} else if _, ok := sqldb.SQLitePath(dbURL); !ok {
		m.Config.MasterKey = testMasterKey(t) // PostgreSQL makes up no key
	}
	m.Config.MailDir = filepath.Join(t.TempDir(), "outbox")
	m.Mailer = mailer
	m.SeedDemo = seed
	m.Logger = slog.New(slog.NewTextHandler(logs, nil))
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v\n%s", err, logs)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if t.Failed() {
			t.Logf("log:\n%s", logs)
		}
	})
	return m, logs
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func newClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 20 * time.Second}
}

func TestMain_Healthz(t *testing.T) {
	m, logs := bootMain(t, "", nil, false)
	if !strings.HasPrefix(m.URL(), "http://localhost:") || strings.HasSuffix(m.URL(), ":0") {
		t.Errorf("URL: got %q, want http://localhost:<bound port>", m.URL())
	}
	c := newClient(t)
	if status, body := get(t, c, m.URL()+"/healthz"); status != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /healthz: got %d %q, want 200 ok", status, body)
	}
	if !strings.Contains(logs.String(), m.URL()+"/setup") {
		t.Errorf("log does not tell to open %s/setup:\n%s", m.URL(), logs)
	}

	// With the database gone, the check fails.
	m.DB.Close()
	if status, _ := get(t, c, m.URL()+"/healthz"); status != http.StatusServiceUnavailable {
		t.Errorf("GET /healthz without a database: got %d, want 503", status)
	}
}

func TestMain_BaseURL(t *testing.T) {
	m := NewMain()
	m.Config.Addr = "127.0.0.1:0"
	m.Config.BaseURL = "https://circles.example.org/"
	m.Config.DatabaseURL = "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	m.Logger = slog.New(slog.DiscardHandler)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if got := m.URL(); got != "https://circles.example.org" {
		t.Errorf("URL: got %q, want https://circles.example.org", got)
	}
}

// TestMain_Demo boots the demo, signs in as the member with the demo password
// and reads the circle page, then signs the organizer in by a link that
// arrives by real SMTP through the outbox worker.
func TestMain_Demo(t *testing.T) {
	srv := mailtest.StartServer(t)
	m, logs := bootMain(t, "", srv.Mailer(t), true)
	if m.Demo == nil {
		t.Fatal("no demo data was seeded")
	}
	// Seeding sends nothing, and does not log that it did.
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("e-mails sent while seeding: got %d, want 0", n)
	}
	if strings.Contains(logs.String(), "mail sent") {
		t.Errorf("the log reports demo e-mails as sent:\n%s", logs)
	}

	member := newClient(t)
	status, body := post(t, member, m.URL()+"/signin", url.Values{"email": {demo.MemberEmail}, "password": {demo.Password}})
	if status != http.StatusOK {
		t.Fatalf("sign in: got %d, want 200 after the redirect\n%s", status, body)
	}
	status, body = get(t, member, m.URL()+"/circles/"+m.Demo.MemberCircleID)
	if status != http.StatusOK {
		t.Fatalf("circle page: got %d, want 200\n%s", status, body)
	}
	for _, want := range []string{"Harbour Circle", "Samira Haddad", "Maya Lindqvist", "Delegate the weekly escalations"} {
		if !strings.Contains(body, want) {
			t.Errorf("circle page does not show %q", want)
		}
	}

	// A sign-in link by e-mail, delivered by the outbox worker over SMTP.
	organizer := newClient(t)
	if status, body := post(t, organizer, m.URL()+"/signin/link", url.Values{"link_email": {demo.OrganizerEmail}}); status != http.StatusOK {
		t.Fatalf("ask for a link: got %d\n%s", status, body)
	}
	msg := srv.WaitFor(t, demo.OrganizerEmail, 10*time.Second)
	link := msg.Link("/signin/link/")
	if !strings.HasPrefix(link, m.URL()+"/signin/link/") {
		t.Fatalf("sign-in link: got %q in\n%s", link, msg.Text)
	}
	if status, _ := get(t, organizer, link); status != http.StatusOK {
		t.Fatalf("open the link: got %d", status)
	}
	if status, body := post(t, organizer, link, url.Values{}); status != http.StatusOK {
		t.Fatalf("use the link: got %d\n%s", status, body)
	}
	status, body = get(t, organizer, m.URL()+"/programs/"+m.Demo.ProgramID)
	if status != http.StatusOK || !strings.Contains(body, demo.ProgramName) {
		t.Errorf("program page for the organizer: got %d, want 200 with the program's name", status)
	}
	// The organizer does not see the circle's content.
	if status, _ := get(t, organizer, m.URL()+"/circles/"+m.Demo.MemberCircleID); status != http.StatusNotFound {
		t.Errorf("circle page for the organizer: got %d, want 404", status)
	}
}

func TestMain_DemoNotEmpty(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	first, _ := bootMain(t, dbURL, nil, true)
	if first.Demo == nil {
		t.Fatal("first demo: nothing seeded")
	}
	first.Close()
	second, logs := bootMain(t, dbURL, nil, true)
	if second.Demo != nil {
		t.Error("second demo seeded again")
	}
	if !strings.Contains(logs.String(), "without adding demo data") {
		t.Errorf("log does not say the data was kept:\n%s", logs)
	}
}

// runCmd runs the command line in-process.
func runCmd(t *testing.T, ctx context.Context, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	code = run(ctx, args, envFunc(env), stdio{In: strings.NewReader(stdin), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

func TestRun_Version(t *testing.T) {
	code, out, _ := runCmd(t, context.Background(), "", nil, "version")
	if code != 0 || out != "roundtable "+roundtable.Version+"\n" {
		t.Errorf("version: got %d %q, want 0 %q", code, out, "roundtable "+roundtable.Version+"\n")
	}
}

func TestRun_Usage(t *testing.T) {
	ctx := context.Background()
	if code, _, errOut := runCmd(t, ctx, "", nil); code != 2 || !strings.Contains(errOut, "roundtable serve") {
		t.Errorf("no command: got %d %q, want 2 and the usage", code, errOut)
	}
	if code, _, errOut := runCmd(t, ctx, "", nil, "start"); code != 2 || !strings.Contains(errOut, `unknown command "start"`) {
		t.Errorf("unknown command: got %d %q, want 2", code, errOut)
	}
	if code, out, _ := runCmd(t, ctx, "", nil, "help"); code != 0 || !strings.Contains(out, "roundtable migrate") {
		t.Errorf("help: got %d %q, want 0 and the usage", code, out)
	}
	if code, _, _ := runCmd(t, ctx, "", nil, "serve", "-h"); code != 0 {
		t.Errorf("serve -h: got %d, want 0", code)
	}
	if code, _, errOut := runCmd(t, ctx, "", nil, "serve", "--addr", "nowhere"); code != 2 || !strings.Contains(errOut, "--addr") {
		t.Errorf("serve --addr nowhere: got %d %q, want 2", code, errOut)
	}
	if code, _, _ := runCmd(t, ctx, "", nil, "user", "delete"); code != 2 {
		t.Errorf("user delete: got %d, want 2", code)
	}
}

func dbURLFor(t *testing.T, engine string) string {
	if engine == "postgres" {
		return sqldbtest.CreatePostgresDatabase(t)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
}

func TestRun_Migrate(t *testing.T) {
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dbURL := dbURLFor(t, engine)
			code, out, errOut := runCmd(t, context.Background(), "", nil, "migrate", "--database-url", dbURL)
			if code != 0 || !regexp.MustCompile(`^Applied \d+ migrations? to the `+engine+` database\.\n$`).MatchString(out) {
				t.Fatalf("first migrate: got %d %q %s", code, out, errOut)
			}
			code, out, _ = runCmd(t, context.Background(), "", map[string]string{"ROUNDTABLE_DATABASE_URL": dbURL}, "migrate")
			if code != 0 || !strings.Contains(out, "up to date") {
				t.Errorf("second migrate: got %d %q, want 0 and up to date", code, out)
			}
		})
	}
}

// TestRun_Serve_StalePostgres checks that serve does not migrate PostgreSQL:
// it refuses an unmigrated database with the schema check's advice, and
// serves once `roundtable migrate` has run.
func TestRun_Serve_StalePostgres(t *testing.T) {
	if !slices.Contains(sqldbtest.Engines(t), "postgres") {
		t.Skip("PostgreSQL does not answer (see the message above)")
	}
	dbURL := sqldbtest.CreatePostgresDatabase(t)
	ctx := context.Background()
	key := testMasterKey(t)
	code, _, errOut := runCmd(t, ctx, "", map[string]string{"ROUNDTABLE_MASTER_KEY": key}, "serve", "--addr", "127.0.0.1:0", "--database-url", dbURL)
	if code != 1 || !strings.Contains(errOut, "roundtable migrate") {
		t.Fatalf("serve on an empty PostgreSQL: got %d %q, want 1 and advice to run roundtable migrate", code, errOut)
	}
	m := NewMain()
	m.Config.Addr, m.Config.DatabaseURL, m.Logger = "127.0.0.1:0", dbURL, slog.New(slog.DiscardHandler)
	m.Config.MasterKey = key
	if err := m.Run(ctx); !errors.Is(err, ErrStaleSchema) {
		t.Errorf("Main.Run: got %v, want ErrStaleSchema", err)
	}

	if code, out, errOut := runCmd(t, ctx, "", nil, "migrate", "--database-url", dbURL); code != 0 {
		t.Fatalf("migrate: got %d %q %q", code, out, errOut)
	}
	served, _ := bootMain(t, dbURL, nil, false)
	if served.DB.Dialect() != "postgres" {
		t.Errorf("dialect: got %q, want postgres", served.DB.Dialect())
	}
	if status, _ := get(t, newClient(t), served.URL()+"/healthz"); status != http.StatusOK {
		t.Errorf("GET /healthz: got %d, want 200", status)
	}
}

// TestRun_Serve runs the serve command until its context ends, as SIGINT
// would end it.
func TestRun_Serve(t *testing.T) {
	for _, cmd := range []string{"serve", "demo"} {
		t.Run(cmd, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dir := t.TempDir()
			var out, errOut syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{cmd, "--addr", "127.0.0.1:0", "--mail-dir", filepath.Join(dir, "outbox")},
					envFunc(map[string]string{"ROUNDTABLE_DATABASE_URL": "sqlite:" + filepath.Join(dir, "rt.db")}),
					stdio{In: strings.NewReader(""), Out: &out, Err: &errOut})
			}()
			urlRE := regexp.MustCompile(`url=(http://localhost:\d+)`)
			waitFor(t, "the server to start", 30*time.Second, func() bool {
				select {
				case code := <-done:
					t.Fatalf("%s stopped with %d:\n%s", cmd, code, errOut.String())
				default:
				}
				return urlRE.MatchString(errOut.String())
			})
			base := urlRE.FindStringSubmatch(errOut.String())[1]
			if status, _ := get(t, newClient(t), base+"/healthz"); status != http.StatusOK {
				t.Errorf("GET /healthz: got %d, want 200", status)
			}
			if cmd == "demo" {
				for _, want := range []string{base, "organizer@example.org", "facilitator@example.org", "member@example.org", "admin@example.org", "roundtable-demo"} {
					if !strings.Contains(out.String(), want) {
						t.Errorf("demo output does not contain %q:\n%s", want, out.String())
					}
				}
			}
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Errorf("exit code: got %d, want 0\n%s", code, errOut.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop after its context ended")
			}
			if !strings.Contains(errOut.String(), "shutting down") {
				t.Errorf("log does not say it is shutting down:\n%s", errOut.String())
			}
		})
	}
}

func TestRun_UserCreate(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	env := map[string]string{"ROUNDTABLE_DATABASE_URL": dbURL}

	code, out, errOut := runCmd(t, ctx, "a long admin passphrase\n", env,
		"user", "create", "--admin", "--email", "Ada@Example.org", "--name", "Ada Lovelace", "--password-stdin")
	if code != 0 || !strings.Contains(out, "Created administrator Ada Lovelace") {
		t.Fatalf("create admin: got %d %q %q", code, out, errOut)
	}
	if strings.Contains(out+errOut, "a long admin passphrase") {
		t.Error("the password was printed")
	}
	code, out, errOut = runCmd(t, ctx, "", env, "user", "create", "--organizer", "--email", "bo@example.org", "--name", "Bo Organizer")
	if code != 0 || !strings.Contains(out, "sign-in link") {
		t.Fatalf("create organizer without password: got %d %q %q", code, out, errOut)
	}

	db, err := sqldb.Open(ctx, sqldb.Config{URL: dbURL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := sqldb.NewAuthService(db).Authenticate(ctx, "ada@example.org", "a long admin passphrase")
	if err != nil {
		t.Fatalf("Authenticate admin: %v", err)
	}
	if !u.IsAdmin || !u.CanOrganize {
		t.Errorf("admin: got IsAdmin %v CanOrganize %v, want both", u.IsAdmin, u.CanOrganize)
	}
	if _, err := sqldb.NewAuthService(db).Authenticate(ctx, "bo@example.org", ""); err == nil {
		t.Error("the organizer without a password could sign in with an empty one")
	}

	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		wantIn      string
	}{
		{"Duplicate", "", []string{"--email", "ada@example.org", "--name", "Ada Again"}, 1, "roundtable:"},
		{"NoEmail", "", []string{"--name", "Nobody"}, 2, "--email and --name are required"},
		{"ShortPassword", "short\n", []string{"--email", "cy@example.org", "--name", "Cy", "--password-stdin"}, 2, "at least 10 characters"},
		{"EmptyStdin", "", []string{"--email", "cy@example.org", "--name", "Cy", "--password-stdin"}, 2, "no password"},
		{"BadEmail", "", []string{"--email", "not-an-address", "--name", "Cy"}, 1, "e-mail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, ctx, tc.stdin, env, append([]string{"user", "create"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.wantIn) {
				t.Errorf("got %d %q, want %d and %q", code, errOut, tc.code, tc.wantIn)
			}
		})
	}
}

// TestRun_HelpListsEverything checks that `roundtable --help` names every
// command and every benchmark, so nobody has to read the code to find one.
func TestRun_HelpListsEverything(t *testing.T) {
	code, out, _ := runCmd(t, context.Background(), "", nil, "--help")
	if code != 0 {
		t.Fatalf("--help: got exit %d, want 0", code)
	}
	commands := []string{"serve", "migrate", "demo", "user create", "form", "version", "help"}
	for _, b := range benchmarks {
		commands = append(commands, "bench "+b.name)
	}
	for _, c := range commands {
		if !strings.Contains(out, "roundtable "+c+" ") {
			t.Errorf("--help does not list %q:\n%s", "roundtable "+c, out)
		}
	}
	// Every command the help names is one run knows.
	for _, c := range []string{"serve", "migrate", "demo", "form", "bench", "version", "help"} {
		if _, _, errOut := runCmd(t, context.Background(), "", nil, c, "-h"); strings.Contains(errOut, "unknown command") {
			t.Errorf("%s -h: got %q", c, errOut)
		}
	}
}
