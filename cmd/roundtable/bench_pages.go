package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/roundtable/roundtable/internal/keyring"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// Targets of issue 10's page benchmark.
const (
	pagesTargetRatio = 0.10 // of the bare handler's requests per second
	pagesTargetP99   = 20 * time.Millisecond
)

// pageCase is one page as one role sees it: the address, the session it is
// asked with and a piece of text the page must hold.
type pageCase struct {
	Page, Role string
	Path       string
	Session    string // the session cookie's value; empty for the bare handler
	Marker     string
	// P99Target, when set, is the page's own target for p99, instead of
	// issue 10's (and the page is held to no ratio to the bare handler).
	P99Target time.Duration
}

// runBenchPages measures how fast the real server answers its busiest pages
// (the circle, meeting, room and program pages, as each role that sees them)
// against a bare hello-world handler served the same way in the same run.
func runBenchPages(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("bench pages", std)
	engine := fs.String("db", "sqlite", "database engine: sqlite or postgres")
	pgURL := fs.String("postgres", defaultBenchPostgres, "PostgreSQL `URL` of a database through which the benchmark's own is created and dropped")
	concurrency := fs.Int("concurrency", 16, "requests in flight at once, each on its own kept-alive connection")
	duration := fs.Duration("duration", 3*time.Second, "time each page is measured")
	warmup := fs.Duration("warmup", time.Second, "time each page is asked for before it is measured")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured pages (not the bare handler) to `FILE`")
	memProfile := fs.String("memprofile", "", "write an allocation profile, taken after the pages, to `FILE`")
	only := fs.String("pages", "", "measure only these pages, comma-separated ("+strings.Join(benchPageNames, ", ")+"); all when empty")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *concurrency < 1 || *duration <= 0 || *warmup < 0:
		return usageError{"--concurrency and --duration must be positive, --warmup not negative"}
	case *engine != "sqlite" && *engine != "postgres":
		return usageError{"--db sqlite or postgres"}
	case !knownPages(*only):
		return usageError{"--pages names no page: " + strings.Join(benchPageNames, ", ")}
	}
	if *memProfile != "" {
		runtime.MemProfileRate = 4096
	}
	tuneServerGC(os.Getenv) // the server as `serve` runs it

	dbURL, drop, err := benchDatabase(ctx, *engine, *pgURL)
	if err != nil {
		return err
	}
	defer drop()
	m, err := startPagesApp(ctx, dbURL)
	if err != nil {
		return err
	}
	defer m.Close()
	cases, err := pageCases(ctx, m)
	if err != nil {
		return err
	}
	cases = pickPages(cases, *only)
	bare, err := startBareServer()
	if err != nil {
		return err
	}
	defer bare.Close()

	fmt.Fprintf(std.Out, "Pages benchmark: the real server on %s with the demo data, over loopback; %d requests in flight on kept-alive connections; %v per page after %v of warm-up; cores %d (GOMAXPROCS %d)%s.\n",
		*engine, *concurrency, *duration, *warmup, runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage())
	load := pagesLoad{concurrency: *concurrency, duration: *duration, warmup: *warmup}
	client := newPagesClient(*concurrency)
	defer client.CloseIdleConnections()

	bareCase := pageCase{Page: "bare net/http", Role: "-", Path: "/", Marker: bareBody}
	base, err := load.run(ctx, client, bare.URL, bareCase)
	if err != nil {
		return err
	}
	results := []pagesResult{base}
	stopProfile := func() {}
	if *cpuProfile != "" {
		if stopProfile, err = startCPUProfile(*cpuProfile); err != nil {
			return err
		}
	}
	load.trips = m.DB.RoundTrips
	for _, c := range cases {
		res, err := load.run(ctx, client, m.URL(), c)
		if err != nil {
			stopProfile()
			return err
		}
		results = append(results, res)
	}
	stopProfile()
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	writePagesTable(std.Out, results)
	return pagesErrors(results)
}

// startPagesApp boots the real program on a loopback port, with the demo
// data on dbURL; its e-mails go nowhere.
func startPagesApp(ctx context.Context, dbURL string) (*Main, error) {
	m := NewMain()
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DatabaseURL = dbURL
	m.Config.LogLevel = "error"
	m.Logger = quietLogger()
	m.Mailer = discardMailer{}
	m.SeedDemo = true
	if m.Config.MasterKey == "" && m.Config.MasterKeyFile == "" {
		// A fresh database each run: a fresh key, kept nowhere.
		_, key, err := keyring.GenerateMasterKey()
		if err != nil {
			return nil, err
		}
		m.Config.MasterKey = key
	}
	if err := m.Run(ctx); err != nil {
		return nil, fmt.Errorf("start Roundtable: %w", err)
	}
	if m.Demo == nil {
		m.Close()
		return nil, errors.New("the benchmark's database was not empty: no demo data")
	}
	return m, nil
}

// discardMailer accepts every e-mail and sends none.
type discardMailer struct{}

func (discardMailer) Send(context.Context, mail.Message) error { return nil }

// pageCases signs in the demo's member, facilitator and organizer (a
// session each, as the sign-in form makes) and lists the pages each sees.
func pageCases(ctx context.Context, m *Main) ([]pageCase, error) {
	d := m.Demo
	auth := sqldb.NewAuthService(m.DB)
	session := map[string]string{}
	for role, email := range map[string]string{"member": d.MemberEmail, "facilitator": d.FacilitatorEmail, "organizer": d.OrganizerEmail} {
		token, err := auth.CreateSession(ctx, d.Users[email])
		if err != nil {
			return nil, fmt.Errorf("sign in the %s: %w", role, err)
		}
		session[role] = token
	}
	circle := d.CircleNames[0]
	meeting := d.MeetingIDs[0]
	// Circle, meeting and room pages in the order people meet them, the
	// member's first: each role's line in the table sits under its page.
	var cases []pageCase
	for _, page := range []pageCase{
		{Page: "circle", Path: "/circles/" + url.PathEscape(d.MemberCircleID), Marker: "<h1>" + circle + "</h1>"},
		{Page: "meeting", Path: "/meetings/" + url.PathEscape(meeting), Marker: "Meeting of " + circle + "</span>"},
		{Page: "room", Path: roomPathOf(meeting), Marker: `data-events="` + roomPathOf(meeting) + `/events"`},
	} {
		for _, role := range []string{"member", "facilitator"} {
			page.Role, page.Session = role, session[role]
			cases = append(cases, page)
		}
	}
	cases = append(cases, pageCase{Page: "program", Role: "organizer", Session: session["organizer"],
		Path: "/programs/" + url.PathEscape(d.ProgramID), Marker: "<h1>" + d.ProgramName + "</h1>"})
	threads, err := threadCases(ctx, m, session["member"])
	if err != nil {
		return nil, err
	}
	return append(cases, threads...), nil
}

// pickPages keeps the cases whose page is named in the comma-separated
// list only ("thread" keeps both of the thread's lines); all when empty.
func pickPages(cases []pageCase, only string) []pageCase {
	if strings.TrimSpace(only) == "" {
		return cases
	}
	var out []pageCase
	for _, c := range cases {
		for _, name := range strings.Split(only, ",") {
			if name = strings.TrimSpace(name); c.Page == name || strings.HasPrefix(c.Page, name+" ") {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// benchPageNames are the pages bench pages measures ("thread" is both of the thread's lines).
var benchPageNames = []string{"circle", "meeting", "room", "program", "discussion", "thread"}

// knownPages reports whether every name in the comma-separated list is a
// page the benchmark measures.
func knownPages(only string) bool {
	if strings.TrimSpace(only) == "" {
		return true
	}
	for _, name := range strings.Split(only, ",") {
		if !slices.Contains(benchPageNames, strings.TrimSpace(name)) {
			return false
		}
	}
	return true
}

// roomPathOf is a meeting room's address.
func roomPathOf(meetingID string) string { return "/meetings/" + url.PathEscape(meetingID) + "/room" }

// bareBody is what the bare handler answers.
const bareBody = "Hello, world.\n"

// bareServer is a hello-world net/http server on a loopback port: what the
// machine, the client and net/http cost without Roundtable.
type bareServer struct {
	URL string
	srv *http.Server
}

// startBareServer serves bareBody on a loopback port.
func startBareServer() (*bareServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, bareBody)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go srv.Serve(ln)
	return &bareServer{URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// Close stops the bare server.
func (b *bareServer) Close() { b.srv.Close() }

// startCPUProfile profiles this process (server and clients alike) into
// path until the returned function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeapProfile writes the allocations made so far into path.
func writeHeapProfile(path string) error {
	f, err := os.Create(filepath.Clean(path))
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// loadAverage words the machine's load average from Linux's /proc, which
// says how far other work may have moved the figures; empty elsewhere.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return "; load average " + strings.Join(f[:3], " ")
	}
	return ""
}
