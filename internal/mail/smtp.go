package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of an SMTP connection.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS; required
	TLSImplicit = "tls"      // TLS from the first byte (usually port 465)
	TLSNone     = "none"     // no encryption; only for a relay on the same host or network
)

// SMTPConfig configures an SMTPMailer.
type SMTPConfig struct {
	Host     string
	Port     int    // 0 picks 587 for starttls, 465 for tls, 25 for none
	Username string // empty: no authentication
	Password string
	From     string // the sender, e.g. "Roundtable <circles@example.org>"
	TLS      string // TLSStartTLS (default), TLSImplicit or TLSNone
	Timeout  time.Duration

	// TLSConfig overrides the TLS settings (tests use it to trust their own
	// certificate). Nil verifies the server against the system's roots.
	TLSConfig *tls.Config
}

// SMTPMailer sends messages through an SMTP server: one connection per Send,
// one for a whole SendBatch.
type SMTPMailer struct {
	cfg  SMTPConfig
	opts []gomail.Option
}

var _ BatchMailer = (*SMTPMailer)(nil)

// NewSMTPMailer checks cfg and returns a mailer. It does not connect.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: host is required")
	}
	if cfg.From == "" {
		return nil, errors.New("smtp: a sender address (--smtp-from) is required")
	}
	if err := gomail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp: sender address %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	mode := strings.ToLower(strings.TrimSpace(cfg.TLS))
	if mode == "" {
		mode = TLSStartTLS
	}
	opts := []gomail.Option{gomail.WithTimeout(cfg.Timeout)}
	switch mode {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		if cfg.Port == 0 {
			cfg.Port = 587
		}
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
		if cfg.Port == 0 {
			cfg.Port = 465
		}
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		if cfg.Port == 0 {
			cfg.Port = 25
		}
	default:
		return nil, fmt.Errorf("smtp: unknown TLS mode %q (use starttls, tls or none)", cfg.TLS)
	}
	cfg.TLS = mode
	opts = append(opts, gomail.WithPort(cfg.Port))
	if cfg.TLSConfig != nil {
		tc := cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = cfg.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if cfg.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if mode == TLSNone {
			// Auto-discovery refuses PLAIN on a clear connection; the operator
			// chose "none" knowingly (a local relay), so allow it.
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	// Building a client checks the options (port range, timeout) now rather
	// than at the first message.
	if _, err := gomail.NewClient(cfg.Host, opts...); err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return &SMTPMailer{cfg: cfg, opts: opts}, nil
}

// Send delivers m over a connection of its own. The error never holds the
// message body.
func (s *SMTPMailer) Send(ctx context.Context, m Message) error {
	return s.SendBatch(ctx, []Message{m})[0]
}

// SendBatch delivers ms over one connection, in order, and returns one error
// per message (nil when delivered). A connection that cannot be made fails
// every message with the same error. Errors never hold a message body.
func (s *SMTPMailer) SendBatch(ctx context.Context, ms []Message) []error {
	errs := make([]error, len(ms))
	msgs := make([]*gomail.Msg, len(ms))
	todo := 0
	for i, m := range ms {
		if msgs[i], errs[i] = build(s.cfg.From, m, false); errs[i] == nil {
			todo++
		}
	}
	if todo == 0 {
		return errs
	}
	failAll := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	// One liveness NOOP per message and a RSET after each delivered one are
	// round trips a healthy connection does not need: the server ends each
	// transaction itself, and a dead connection fails the next command anyway.
	client, err := gomail.NewClient(s.cfg.Host, append(s.opts[:len(s.opts):len(s.opts)], gomail.WithoutNoop(), gomail.WithoutRset())...)
	if err != nil {
		return failAll(fmt.Errorf("smtp client: %w", err))
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return failAll(fmt.Errorf("smtp connect to %s:%d: %w", s.cfg.Host, s.cfg.Port, err))
	}
	// The library's deadlines cover each command, not the batch: closing the
	// connection when ctx ends interrupts a send to a stalled server.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	for i, msg := range msgs {
		if errs[i] != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		// A message the server accepted counts as delivered even when a
		// later step of the library reports an error: sending it again
		// would make a duplicate.
		if err := client.SendWithSMTPClient(conn, msg); err != nil && !msg.IsDelivered() {
			if cerr := ctx.Err(); cerr != nil {
				err = cerr
			}
			errs[i] = fmt.Errorf("smtp send to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
		}
	}
	if stop() {
		_ = client.CloseWithSMTPClient(conn) // QUIT; the messages are delivered whatever it answers
	}
	return errs
}

// build turns m into a multipart message from the given sender: the text, the
// HTML and, for invitations, the calendar file as alternatives of one another.
// eightBit keeps the bodies unencoded, for files people read.
func build(from string, m Message, eightBit bool) (*gomail.Msg, error) {
	var opts []gomail.MsgOption
	if eightBit {
		opts = append(opts, gomail.WithEncoding(gomail.NoEncoding))
	}
	msg := gomail.NewMsg(opts...)
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("mail sender %q: %w", from, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		if !validMessageID(m.ID) {
			return nil, fmt.Errorf("mail Message-ID %q is not of the form local@host", m.ID)
		}
		msg.SetMessageIDWithValue(m.ID)
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if len(m.Calendar) > 0 {
		method := strings.ToUpper(strings.TrimSpace(m.CalendarMethod))
		if method == "" {
			method = "REQUEST"
		}
		if !isToken(method) {
			return nil, fmt.Errorf("mail calendar method %q", m.CalendarMethod)
		}
		// A text/calendar alternative with its method is what mail programs
		// (Outlook, Gmail, Apple Mail, Thunderbird) show as an invitation
		// with accept and decline buttons. Base64 keeps the file's CRLF line
		// ends and folded lines exactly as written.
		partOpts := []gomail.PartOption{gomail.WithPartCharset(gomail.CharsetUTF8)}
		if !eightBit {
			partOpts = append(partOpts, gomail.WithPartEncoding(gomail.EncodingB64))
		}
		msg.AddAlternativeString(gomail.ContentType("text/calendar; method="+method), string(m.Calendar), partOpts...)
	}
	return msg, nil
}

// validMessageID accepts local@host made of printable characters without
// spaces, angle brackets or a second @, so it cannot break the header.
func validMessageID(id string) bool {
	local, host, ok := strings.Cut(id, "@")
	if !ok || local == "" || host == "" || strings.Contains(host, "@") {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r >= 0x7f || r == '<' || r == '>' || r == '"' || r == '\\' {
			return false
		}
	}
	return true
}

// isToken reports a MIME parameter value that needs no quoting: letters,
// digits and hyphens.
func isToken(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return s != ""
}
