// Package web serves Roundtable's pages: server-rendered HTML forms that work
// without JavaScript, on the standard library's ServeMux and html/template.
//
// Handlers ask the root package's services for everything; authorization is
// decided there. This package adds sessions, protection against cross-site
// request forgery, rate limits on sign-in, bounded bodies and friendly errors.
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/live"
)

// Services are the services the pages use.
type Services struct {
	Users      roundtable.UserService
	Auth       roundtable.AuthService
	Programs   roundtable.ProgramService
	Applicants roundtable.ApplicantService
	Circles    roundtable.CircleService
	Meetings   roundtable.MeetingService
	Formations roundtable.FormationService
	Backfill   roundtable.BackfillService
	TimeAsks   roundtable.TimeAskService
	Audit      roundtable.AuditService
	Export     roundtable.ExportService
	Deletion   roundtable.AccountDeletionService
	Anonymise  roundtable.ApplicantAnonymiseService

	Calendar      roundtable.CalendarService
	Notifications roundtable.NotificationService
	Series        roundtable.SeriesService
	Polls         roundtable.PollService
	Room          roundtable.RoomService
	Agendas       roundtable.AgendaService
	Commitments   roundtable.CommitmentService
	CheckIns      roundtable.CheckInService
	ParkingLot    roundtable.ParkingLotService
	Decisions     roundtable.DecisionService
	Lapses        roundtable.LapseService
	Documents     roundtable.DocumentService
	Discussion    roundtable.DiscussionService

	// Health reports whether the database answers (nil error).
	Health func(ctx context.Context) error
}

// Config is the server's configuration.
type Config struct {
	BaseURL string // e.g. https://circles.example.org; links in pages use it
	Logger  *slog.Logger
	Now     func() time.Time
	// TrustedProxies are the reverse proxies whose forwarded headers tell
	// the client's address; requests from elsewhere are taken at their word.
	TrustedProxies []netip.Prefix
}

// Server serves every page. Build it with New.
type Server struct {
	svc     Services
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	secure  bool // cookies get the Secure flag
	routes  []route
	mux     *http.ServeMux
	pages   map[string]pageTemplate
	static  staticFiles
	cop     *http.CrossOriginProtection
	limiter *rateLimiter    // requests for sign-in links
	signins *signInThrottle // wrong passwords
	handler http.Handler
	hub     *live.Hub // the meeting rooms' screens on this instance
	frames  roomFrames
	// instance names this server among the app's instances: the presences
	// of its room screens are held in its name (see KeepPresence).
	instance string
	buffers  sync.Pool // of *bytes.Buffer, for render
	// rendered, when set (by tests only), is told each page's template and
	// what it was given, so a benchmark can time the template alone.
	rendered func(t pageTemplate, v layoutView)
}

// Route is one registered route.
type Route struct {
	Method  string // "" matches every method
	Pattern string // net/http ServeMux pattern without the method
	Name    string
}

// New builds a server. It parses every embedded template and fails if a page
// template is missing or broken, so mistakes stop the program at boot.
func New(svc Services, cfg Config) (*Server, error) {
	if svc.Users == nil || svc.Auth == nil || svc.Programs == nil || svc.Applicants == nil || svc.Circles == nil || svc.Meetings == nil || svc.Formations == nil || svc.Backfill == nil || svc.TimeAsks == nil ||
		svc.Calendar == nil || svc.Notifications == nil || svc.Series == nil || svc.Polls == nil || svc.Room == nil ||
		svc.Agendas == nil || svc.ParkingLot == nil || svc.Decisions == nil || svc.Documents == nil || svc.Audit == nil || svc.Export == nil || svc.Deletion == nil || svc.Anonymise == nil {
		return nil, errors.New("web: every service is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Server{
		svc:     svc,
		cfg:     cfg,
		log:     cfg.Logger,
		now:     cfg.Now,
		secure:  strings.HasPrefix(cfg.BaseURL, "https://"),
		limiter: newRateLimiter(cfg.Now),
		signins: newSignInThrottle(cfg.Now),
	}
	s.buffers.New = func() any { return new(bytes.Buffer) }
	var err error
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.templateFuncs()); err != nil {
		return nil, err
	}
	s.hub = live.NewHub(s.RoomFrame, s.log)
	s.instance = newInstanceName()
	s.cop = http.NewCrossOriginProtection()
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("web: base URL %q is not like https://circles.example.org", cfg.BaseURL)
		}
		// Behind a reverse proxy the Host header may differ from the public
		// name; the configured origin is ours either way.
		if err := s.cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: trusted origin: %w", err)
		}
	}
	s.mux = http.NewServeMux()
	s.routes = s.routeList()
	for _, rt := range s.routes {
		pattern := rt.pattern
		if rt.method != "" {
			pattern = rt.method + " " + rt.pattern
		}
		s.mux.Handle(pattern, s.wrap(rt))
	}
	// Compression is outermost, so the page a recovered panic shows is
	// compressed like any other.
	s.handler = s.compress(s.recoverPanics(s.secureHeaders(s.checkOrigin(s.loadSession(s.mux)))))
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns every registered route.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	for i, rt := range s.routes {
		out[i] = Route{Method: rt.method, Pattern: rt.pattern, Name: rt.name}
	}
	return out
}

// handlerFunc is the shape of every handler: it writes a page or a redirect,
// or returns an error that wrap turns into the right status and page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one entry of routeList.
type route struct {
	method  string
	pattern string
	name    string
	h       handlerFunc
	maxBody int64 // 0 means maxFormBody
	// stream leaves a POST's body unparsed, for the handler to read as it
	// arrives (an upload stored piece by piece).
	stream bool
}

// Body bounds.
const (
	maxFormBody   = 64 << 10
	maxUploadBody = 5 << 20
)

// wrap turns a handlerFunc into an http.Handler: it bounds and parses the
// body, runs the handler and renders any error it returns.
func (s *Server) wrap(rt route) http.Handler {
	limit := rt.maxBody
	if limit == 0 {
		limit = maxFormBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if r.Method == http.MethodPost && !rt.stream {
			if err := parseBody(r, limit); err != nil {
				s.renderBodyError(w, r, err)
				return
			}
		}
		if err := rt.h(w, r); err != nil {
			s.handleError(w, r, err)
		}
	})
}

// parseBody parses a urlencoded or multipart form.
func parseBody(r *http.Request, limit int64) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(limit)
	}
	return r.ParseForm()
}

// renderBodyError answers a body that was too large or unreadable.
func (s *Server) renderBodyError(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		s.renderMessage(w, r, http.StatusRequestEntityTooLarge, "That was too much to send",
			"What you sent is larger than this page accepts. Please shorten it, or split a large file into smaller ones, and try again.")
		return
	}
	s.renderMessage(w, r, http.StatusBadRequest, "We could not read that",
		"Your browser sent a form we could not read. Please go back and try again.")
}

// currentUser returns the signed-in user, or nil.
func currentUser(r *http.Request) *roundtable.User { return roundtable.UserFromContext(r.Context()) }

// requireUser returns the signed-in user, or an EUNAUTHORIZED error that
// handleError turns into a redirect to the sign-in page.
func requireUser(r *http.Request) (*roundtable.User, error) {
	if u := currentUser(r); u != nil {
		return u, nil
	}
	return nil, roundtable.Errorf(roundtable.EUNAUTHORIZED, "Please sign in.")
}

// requireOrganizer returns the signed-in user if they may organize programs.
func requireOrganizer(r *http.Request) (*roundtable.User, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if !u.CanOrganize && !u.IsAdmin {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only organizers can do this.")
	}
	return u, nil
}

// redirect answers a POST (or a GET) with 303 See Other.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// localPath returns next when it is a path on this site, and fallback
// otherwise, so a crafted link cannot send people elsewhere after sign-in.
func localPath(next, fallback string) string {
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return fallback
		}
	}
	return next
}
