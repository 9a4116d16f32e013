// Package mailtest runs a real SMTP server inside a test, so tests can assert
// on the e-mails Roundtable sends (and follow the links in them), count
// deliveries per Message-ID, and stop and restart it as a failing mail
// server would.
//
//	srv := mailtest.StartServer(t)
//	mailer := srv.Mailer(t)           // an SMTPMailer pointed at srv
//	… code under test sends through mailer …
//	msg := srv.WaitFor(t, "ada@example.org", 5*time.Second)
//	link := msg.Link("/invitations/")
package mailtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/roundtable/roundtable/internal/mail"
)

// Options change how the test server behaves. The zero value is a plain
// server without TLS or authentication that accepts every message.
type Options struct {
	// TLS is "" or mail.TLSNone (plain), mail.TLSStartTLS (offers STARTTLS)
	// or mail.TLSImplicit (TLS from the first byte), with a self-signed
	// certificate for 127.0.0.1 that TLSConfig trusts.
	TLS string
	// Username and Password, when set, make the server require AUTH PLAIN.
	Username, Password string
	// Reject makes the server refuse every message with a permanent error.
	Reject bool
	// CountOnly keeps no messages, only how many arrived with each
	// Message-ID: benchmarks send a hundred thousand.
	CountOnly bool
}

// Server is an SMTP server listening on 127.0.0.1 for one test.
type Server struct {
	Host string
	Port int

	opts      Options
	serverTLS *tls.Config
	clientTLS *tls.Config

	mu       sync.Mutex
	smtp     *smtp.Server // nil while stopped
	ln       net.Listener // its listener
	messages []ParsedMessage
	taken    []bool         // messages already returned by WaitFor
	ids      map[string]int // deliveries per Message-ID
	received int
	conns    int           // SMTP connections accepted
	changed  chan struct{} // closed and replaced when a message arrives
}

// StartServer starts a plain server; it stops when the test ends.
func StartServer(t testing.TB) *Server { return StartServerWith(t, Options{}) }

// StartServerWith starts a server with options; it stops when the test ends.
func StartServerWith(t testing.TB, o Options) *Server {
	t.Helper()
	s, err := Start(o)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Start starts a server outside a test (the mail benchmark); Close stops it.
func Start(o Options) (*Server, error) {
	s := &Server{opts: o, changed: make(chan struct{}), ids: map[string]int{}}
	if o.TLS == mail.TLSStartTLS || o.TLS == mail.TLSImplicit {
		var err error
		if s.serverTLS, s.clientTLS, err = selfSigned(); err != nil {
			return nil, err
		}
	}
	if err := s.listen("127.0.0.1:0"); err != nil {
		return nil, err
	}
	return s, nil
}

// listen starts serving on addr.
func (s *Server) listen(addr string) error {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	srv.AllowInsecureAuth = s.opts.TLS == "" || s.opts.TLS == mail.TLSNone
	srv.ErrorLog = quietLog{}

	tcp, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var ln net.Listener = &countingListener{Listener: tcp, srv: s}
	switch s.opts.TLS {
	case mail.TLSStartTLS:
		srv.TLSConfig = s.serverTLS
	case mail.TLSImplicit:
		ln = tls.NewListener(ln, s.serverTLS)
	}
	s.mu.Lock()
	s.smtp, s.ln = srv, tcp
	if s.Port == 0 { // a restart keeps the port
		s.Host, s.Port = "127.0.0.1", ln.Addr().(*net.TCPAddr).Port
	}
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// Stop closes the listener and every open connection, as a mail server that
// goes down does: connecting fails until Restart. Messages received so far
// are kept.
func (s *Server) Stop() error {
	s.mu.Lock()
	srv, ln := s.smtp, s.ln
	s.smtp, s.ln = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	// Closing the listener ourselves covers a Serve that has not yet
	// registered it with the server.
	_ = ln.Close()
	if err := srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// countingListener counts accepted connections (a STARTTLS upgrade makes a
// second session on the same connection, so sessions cannot be counted).
type countingListener struct {
	net.Listener
	srv *Server
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.srv.mu.Lock()
		l.srv.conns++
		l.srv.mu.Unlock()
	}
	return c, err
}

// Restart listens again on the same port after Stop.
func (s *Server) Restart() error {
	s.mu.Lock()
	running := s.smtp != nil
	s.mu.Unlock()
	if running {
		return nil
	}
	return s.listen(s.Addr())
}

// Close stops the server for good.
func (s *Server) Close() error { return s.Stop() }

// quietLog drops go-smtp's log lines about connections a stopped server cut.
type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}

// Addr returns host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// TLSConfig returns a client configuration that trusts the server's
// certificate, or nil for a plain server.
func (s *Server) TLSConfig() *tls.Config {
	if s.clientTLS == nil {
		return nil
	}
	return s.clientTLS.Clone()
}

// SMTPConfig returns a configuration for mail.NewSMTPMailer that reaches this
// server with its TLS mode and credentials.
func (s *Server) SMTPConfig() mail.SMTPConfig {
	mode := s.opts.TLS
	if mode == "" {
		mode = mail.TLSNone
	}
	return mail.SMTPConfig{
		Host:      s.Host,
		Port:      s.Port,
		Username:  s.opts.Username,
		Password:  s.opts.Password,
		From:      "Roundtable <roundtable@example.org>",
		TLS:       mode,
		Timeout:   10 * time.Second,
		TLSConfig: s.TLSConfig(),
	}
}

// Mailer returns an SMTPMailer that sends to this server.
func (s *Server) Mailer(t testing.TB) *mail.SMTPMailer {
	t.Helper()
	m, err := mail.NewSMTPMailer(s.SMTPConfig())
	if err != nil {
		t.Fatalf("mailtest: mailer: %v", err)
	}
	return m
}

// Messages returns every message received so far, oldest first.
func (s *Server) Messages() []ParsedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ParsedMessage(nil), s.messages...)
}

// MessagesTo returns the messages received so far for one recipient.
func (s *Server) MessagesTo(to string) []ParsedMessage {
	var out []ParsedMessage
	for _, m := range s.Messages() {
		if m.SentTo(to) {
			out = append(out, m)
		}
	}
	return out
}

// WaitFor returns the oldest message to the address that no earlier WaitFor
// call returned, waiting up to timeout for it to arrive; the test fails when
// none does. Calling it twice for one address returns two different messages.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) ParsedMessage {
	t.Helper()
	m, ok := s.waitMatch(func(m ParsedMessage) bool { return m.SentTo(to) }, timeout)
	if !ok {
		t.Fatalf("mailtest: no new e-mail to %s within %v; got %d messages: %s", to, timeout, len(s.Messages()), s.summary())
	}
	return m
}

// WaitForMatch is WaitFor for the oldest unreturned message that match accepts.
func (s *Server) WaitForMatch(t testing.TB, match func(ParsedMessage) bool, timeout time.Duration) ParsedMessage {
	t.Helper()
	m, ok := s.waitMatch(match, timeout)
	if !ok {
		t.Fatalf("mailtest: no matching e-mail within %v; got: %s", timeout, s.summary())
	}
	return m
}

func (s *Server) waitMatch(match func(ParsedMessage) bool, timeout time.Duration) (ParsedMessage, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for i, m := range s.messages {
			if !s.taken[i] && match(m) {
				s.taken[i] = true
				s.mu.Unlock()
				return m, true
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return ParsedMessage{}, false
		}
	}
}

func (s *Server) summary() string {
	var parts []string
	for _, m := range s.Messages() {
		parts = append(parts, strings.Join(m.To, ",")+" "+strings.TrimSpace(m.Subject))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

// Received returns how many messages arrived, counting each delivery of a
// message sent twice.
func (s *Server) Received() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received
}

// Connections returns how many SMTP connections the server accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Deliveries returns how many times each Message-ID arrived ("" for messages
// without one).
func (s *Server) Deliveries() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.ids)
}

// Duplicates returns how many deliveries repeated a Message-ID that arrived
// before: what a recipient's mail system would see as one message.
func (s *Server) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received - len(s.ids)
}

// WaitReceived waits until n messages have arrived in all, or ctx ends.
func (s *Server) WaitReceived(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		got, changed := s.received, s.changed
		s.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("mailtest: %d of %d messages arrived: %w", got, n, ctx.Err())
		}
	}
}

func (s *Server) add(m ParsedMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received++
	s.ids[m.MessageID]++
	if !s.opts.CountOnly {
		s.messages = append(s.messages, m)
		s.taken = append(s.taken, false)
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one SMTP conversation.
type session struct {
	srv    *Server
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.srv.opts.Username || password != x.srv.opts.Password {
			return smtp.ErrAuthFailed
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.srv.opts.Username != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if x.srv.opts.Reject {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message rejected by the test server"}
	}
	var m ParsedMessage
	if x.srv.opts.CountOnly {
		m, err = parseHeader(raw)
	} else {
		m, err = Parse(raw)
	}
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Unreadable message: " + err.Error()}
	}
	m.From, m.To = x.from, append([]string(nil), x.to...)
	x.srv.add(m)
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost, returning the
// server's configuration and a client configuration that trusts it.
func selfSigned() (server, client *tls.Config, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}, MinVersion: tls.VersionTLS12}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client, nil
}
