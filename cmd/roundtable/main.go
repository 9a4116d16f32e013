// Command roundtable runs Roundtable: a self-hosted platform for peer
// learning circles for leaders.
//
//	roundtable serve      serve the web application
//	roundtable migrate    bring the database schema up to date
//	roundtable demo       serve with demo data (on an empty database)
//	roundtable user create --email … --name … [--admin] [--organizer]
//	roundtable version    print the version
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/keyring"
	"github.com/roundtable/roundtable/internal/live"
	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}

// Main is the running program: its database, mail worker and web server.
// Tests boot it on ":0" and drive it over HTTP.
type Main struct {
	Config Config

	// Mailer delivers e-mail. Nil builds one from Config: SMTP when a host is
	// set, otherwise a LogMailer writing into Config.MailDir.
	Mailer mail.Mailer
	// Logger receives the program's logs; nil logs text to stderr at Config.LogLevel.
	Logger *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// SeedDemo fills an empty database with demo data at start (and migrates
	// PostgreSQL too, since a demo starts from nothing).
	SeedDemo bool

	DB       *sqldb.DB
	Demo     *demo.Demo // the seeded data when SeedDemo filled the database
	Server   *http.Server
	Listener net.Listener

	baseURL    string
	stopOutbox context.CancelFunc
	stopLive   context.CancelFunc      // the PostgreSQL listener of room changes
	formations *sqldb.FormationService // owns background runs of circle formation
	outboxDone chan struct{}
	serveErr   chan error
	closeOnce  sync.Once
	closeErr   error
}

// NewMain returns a Main with the default configuration.
func NewMain() *Main { return &Main{Config: DefaultConfig()} }

// URL returns the address people use: Config.BaseURL, or the bound address.
func (m *Main) URL() string { return m.baseURL }

// ErrStaleSchema wraps the schema check's message when serve finds a
// PostgreSQL schema that `roundtable migrate` must bring up to date.
var ErrStaleSchema = errors.New("database schema is not up to date")

// Run opens the database, prepares it, starts the mail worker and the web
// server, and returns; the server keeps running until Close. ctx bounds the
// start only.
func (m *Main) Run(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	if err := m.Config.Validate(); err != nil {
		return err
	}
	if m.Logger == nil {
		m.Logger = newLogger(os.Stderr, m.Config.LogLevel)
	}
	if m.Now == nil {
		m.Now = time.Now
	}

	// The key first: without it nothing may start.
	mk, ring, err := m.openKeyring()
	if err != nil {
		return err
	}

	// Bind first, so ":0" has a port before links are built with it.
	m.Listener, err = net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.baseURL = strings.TrimRight(m.Config.BaseURL, "/")
	if m.baseURL == "" {
		m.baseURL = "http://localhost:" + portOf(m.Listener.Addr())
	}

	// Seeding takes the demo's e-mails out of the outbox; the database's
	// "mail sent" lines for them would suggest mail went out, so they are
	// muted while it runs.
	quiet := &quietHandler{Handler: m.Logger.Handler(), muted: new(atomic.Bool)}
	if err := m.openDatabase(ctx, slog.New(quiet), mk, ring); err != nil {
		return err
	}

	if err := m.seed(ctx, quiet); err != nil {
		return err
	}

	mailer, err := m.mailer()
	if err != nil {
		return err
	}

	m.formations = sqldb.NewFormationService(m.DB)
	proxies, err := m.Config.trustedProxies()
	if err != nil {
		return err
	}
	if len(proxies) > 0 {
		m.Logger.Info("client addresses are read from forwarded headers of trusted proxies", "proxies", m.Config.TrustedProxies)
	}
	handler, err := web.New(webServices(m.DB, m.formations), web.Config{BaseURL: m.baseURL, Logger: m.Logger, Now: m.Now, TrustedProxies: proxies})
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}

	m.startWork(handler, mailer)

	m.Server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	// Open room screens would hold a graceful shutdown until its time limit.
	m.Server.RegisterOnShutdown(handler.Hub().Close)
	m.serveErr = make(chan error, 1)
	go func() {
		if err := m.Server.Serve(m.Listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.serveErr <- err
		}
		close(m.serveErr)
	}()
	m.Logger.Info("Roundtable is serving", "url", m.baseURL, "addr", m.Listener.Addr().String(), "database", m.DB.Dialect(), "version", roundtable.Version)
	return nil
}

// seed adds the demo data when asked (its e-mails' log lines muted) and
// says how to create the administrator on an empty database.
func (m *Main) seed(ctx context.Context, quiet *quietHandler) error {
	if m.SeedDemo {
		quiet.muted.Store(true)
		d, err := demo.Seed(ctx, m.DB)
		quiet.muted.Store(false)
		switch {
		case errors.Is(err, demo.ErrNotEmpty):
			m.Logger.Info("the database holds data already: serving it as it is, without adding demo data")
		case err != nil:
			return fmt.Errorf("seed demo data: %w", err)
		default:
			m.Demo = d
			m.Logger.Info("demo data added", "program", d.ProgramName, "circles", len(d.CircleIDs))
		}
	}

	users := sqldb.NewUserService(m.DB)
	if n, err := users.CountUsers(ctx); err != nil {
		return fmt.Errorf("count users: %w", err)
	} else if n == 0 {
		m.Logger.Warn("no accounts yet: open " + m.baseURL + "/setup to create the administrator")
	}
	return nil
}

// openKeyring loads the master key (and the previous one, while a rotation
// is under way) and makes the keyring that opens circles' data keys.
func (m *Main) openKeyring() (masterKey, *keyring.Keyring, error) {
	mk, err := m.loadMasterKey()
	if err != nil {
		return mk, nil, err
	}
	var previous []*keyring.MasterKey
	if f := m.Config.PreviousMasterKeyFile; f != "" {
		p, err := keyring.ReadKeyFile(f)
		if err != nil {
			return mk, nil, fmt.Errorf("previous master key: %w", err)
		}
		previous = append(previous, p)
	}
	ring, err := keyring.New(mk.key, previous...)
	return mk, ring, err
}

// openDatabase opens and migrates the database (on PostgreSQL outside the
// demo it only checks the schema: `roundtable migrate` changes it), then
// seals what an older version left in plaintext.
func (m *Main) openDatabase(ctx context.Context, logger *slog.Logger, mk masterKey, ring *keyring.Keyring) error {
	var err error
	m.DB, err = sqldb.Open(ctx, sqldb.Config{URL: m.Config.DatabaseURL, BaseURL: m.baseURL, Now: m.Now, Logger: logger,
		AuditRetention: time.Duration(m.Config.AuditDays) * 24 * time.Hour, Keyring: ring,
		DocumentQuota: int64(m.Config.DocumentQuotaMB) << 20})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	if m.DB.Dialect() == "sqlite" || m.SeedDemo {
		n, err := m.DB.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("migrate database: %w", err)
		}
		if n > 0 {
			m.Logger.Info("database migrated", "dialect", m.DB.Dialect(), "applied", n)
		}
	} else if err := m.DB.CheckSchema(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrStaleSchema, err)
	}
	keys, sealed, err := m.DB.SealAtRest(ctx)
	if err != nil {
		if mk.created != "" && errors.Is(err, keyring.ErrWrongMasterKey) {
			// The key just made protects nothing: the next start should
			// not find it and fail the same way with a less clear reason.
			os.Remove(mk.created)
		}
		return fmt.Errorf("circle content: %w", err)
	}
	if keys > 0 || sealed > 0 {
		m.Logger.Info("circle content sealed at rest", "circle keys made", keys, "values sealed", sealed)
	}
	return nil
}

// mailer returns the mailer given, else SMTP when a host is set, else one
// that writes e-mails to files.
func (m *Main) mailer() (mail.Mailer, error) {
	if m.Mailer != nil {
		return m.Mailer, nil
	}
	if m.Config.SMTPHost != "" {
		mailer, err := m.Config.mailerSMTP()
		if err != nil {
			return nil, err
		}
		m.Logger.Info("e-mail goes through SMTP", "host", m.Config.SMTPHost)
		return mailer, nil
	}
	lm := mail.NewLogMailer(m.Config.MailDir, m.Logger)
	if m.Config.SMTPFrom != "" {
		lm.From = m.Config.SMTPFrom
	}
	m.Logger.Info("no SMTP server configured: e-mails are written to files and logged (recipient and subject only)", "folder", m.Config.MailDir)
	return lm, nil
}

// startWork starts what runs beside the pages: room changes reaching open
// screens, presence leases and the outbox.
func (m *Main) startWork(handler *web.Server, mailer mail.Mailer) {
	// Every change to a room reaches the screens on this instance at once;
	// on PostgreSQL the changes of other instances arrive as notifications.
	// (A change's notification reaches this instance's listener too, so on
	// PostgreSQL the screens are woken by the listener alone.)
	hub := handler.Hub()
	wireRoomHub(m.DB, hub)
	liveCtx, stopLive := context.WithCancel(context.Background())
	m.stopLive = stopLive
	if m.DB.Dialect() == "postgres" {
		go live.ListenPostgres(liveCtx, m.Config.DatabaseURL, hub, m.Logger)
	}
	// The database knows who has a room open on which instance; this one
	// renews its screens' presences and ends those of instances gone.
	go handler.KeepPresence(liveCtx)

	outboxCtx, cancel := context.WithCancel(context.Background())
	m.stopOutbox, m.outboxDone = cancel, make(chan struct{})
	go func() {
		defer close(m.outboxDone)
		sqldb.NewOutbox(m.DB).Run(outboxCtx, mailer)
	}()
}

// webServices gives the web pages the database's services. The server and
// bench room share it, so the benchmark renders the pages people see.
func webServices(db *sqldb.DB, formations *sqldb.FormationService) web.Services {
	return web.Services{
		Users:         sqldb.NewUserService(db),
		Auth:          sqldb.NewAuthService(db),
		Programs:      sqldb.NewProgramService(db),
		Applicants:    sqldb.NewApplicantService(db),
		Circles:       sqldb.NewCircleService(db),
		Meetings:      sqldb.NewMeetingService(db),
		Formations:    formations,
		TimeAsks:      formations,
		Backfill:      sqldb.NewBackfillService(db),
		Audit:         sqldb.NewAuditService(db),
		Export:        sqldb.NewExportService(db),
		Deletion:      sqldb.NewAccountDeletionService(db),
		Anonymise:     sqldb.NewApplicantAnonymiseService(db),
		Calendar:      sqldb.NewCalendarService(db),
		Notifications: sqldb.NewNotificationService(db),
		Series:        sqldb.NewSeriesService(db),
		Polls:         sqldb.NewPollService(db),
		Discussion:    sqldb.NewDiscussionService(db),
		Room:          sqldb.NewRoomService(db),
		Agendas:       sqldb.NewAgendaService(db),
		Commitments:   sqldb.NewCommitmentService(db),
		CheckIns:      sqldb.NewCheckInService(db),
		ParkingLot:    sqldb.NewParkingLotService(db),
		Decisions:     sqldb.NewDecisionService(db),
		Lapses:        sqldb.NewLapseService(db),
		Documents:     sqldb.NewDocumentService(db),
		Health:        db.Ping,
	}
}

// wireRoomHub makes the database's room changes reach hub: on SQLite each
// change is published after its commit; on PostgreSQL a listener hears them
// (the caller starts it) and hub.Versions serves its slow poll, in case a
// notification is missed. The server and bench room share it.
func wireRoomHub(db *sqldb.DB, hub *live.Hub) {
	if db.Dialect() == "postgres" {
		hub.Versions = db.RoomVersions
	} else {
		db.OnRoomChange(hub.Publish)
	}
}

// Done reports a web server that stopped on its own (with the error).
func (m *Main) Done() <-chan error { return m.serveErr }

// Close stops the web server gracefully, then the mail worker, then closes
// the database. It is safe to call more than once.
func (m *Main) Close() error {
	m.closeOnce.Do(func() {
		var errs []error
		if m.Server != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			errs = append(errs, m.Server.Shutdown(ctx))
			cancel()
		} else if m.Listener != nil {
			errs = append(errs, m.Listener.Close())
		}
		if m.formations != nil {
			m.formations.Close()
		}
		if m.stopLive != nil {
			m.stopLive()
		}
		if m.stopOutbox != nil {
			m.stopOutbox()
			<-m.outboxDone
		}
		if m.DB != nil {
			errs = append(errs, m.DB.Close())
		}
		m.closeErr = errors.Join(errs...)
	})
	return m.closeErr
}

// portOf returns the port of a listener's address.
func portOf(a net.Addr) string {
	_, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "8080"
	}
	return port
}

// quietHandler drops records below warnings while muted is set.
type quietHandler struct {
	slog.Handler
	muted *atomic.Bool
}

func (h *quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if l < slog.LevelWarn && h.muted.Load() {
		return false
	}
	return h.Handler.Enabled(ctx, l)
}

func (h *quietHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &quietHandler{Handler: h.Handler.WithAttrs(attrs), muted: h.muted}
}

func (h *quietHandler) WithGroup(name string) slog.Handler {
	return &quietHandler{Handler: h.Handler.WithGroup(name), muted: h.muted}
}
