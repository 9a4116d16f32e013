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

// SMTPMailer sends messages through an SMTP server, one connection per message.
type SMTPMailer struct {
	cfg  SMTPConfig
	opts []gomail.Option
}

var _ Mailer = (*SMTPMailer)(nil)

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

// Send delivers m. The error never holds the message body.
func (s *SMTPMailer) Send(ctx context.Context, m Message) error {
	msg, err := build(s.cfg.From, m)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(s.cfg.Host, s.opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp send to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

// build turns m into a multipart text + HTML message from the given sender.
func build(from string, m Message, opts ...gomail.MsgOption) (*gomail.Msg, error) {
	msg := gomail.NewMsg(opts...)
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("mail sender %q: %w", from, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
