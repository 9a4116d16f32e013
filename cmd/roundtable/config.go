package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable/internal/mail"
)

// Config is the program's configuration, from flags and ROUNDTABLE_*
// environment variables (a flag wins over its variable).
type Config struct {
	Addr        string // where the web server listens
	DatabaseURL string // "sqlite:PATH", a file path, or "postgres://…"
	BaseURL     string // the address people use; empty: http://localhost:<port>
	MailDir     string // where e-mails go when no SMTP server is configured
	LogLevel    string // debug, info, warn or error
	// TrustedProxies lists the reverse proxies, comma separated, as CIDRs
	// (or single addresses) whose X-Forwarded-For or Forwarded headers tell
	// the client's address. Empty: no header is believed.
	TrustedProxies string
	// AuditDays is how many days audit log entries are kept; 0 means
	// DefaultAuditDays.
	AuditDays int
	// DocumentQuotaMB is how many megabytes one circle's files may take
	// together; 0 means roundtable.DefaultDocumentQuota (500 MB).
	DocumentQuotaMB int
	// MasterKeyFile holds the master key that wraps every circle's data
	// key; MasterKey is the key itself (environment only, so it never shows
	// in a process listing). Neither: see Main.keyring.
	MasterKeyFile string
	MasterKey     string
	// PreviousMasterKeyFile holds the key being rotated away from: data keys
	// still wrapped by it open too, so instances serve during a rotation.
	PreviousMasterKeyFile string

	SMTPHost     string
	SMTPPort     int
	SMTPUsername string
	SMTPPassword string
	SMTPFrom     string
	SMTPTLS      string // starttls, tls or none
}

// Defaults.
const (
	DefaultAddr        = ":8080"
	DefaultDatabaseURL = "sqlite:./roundtable-data/roundtable.db"
	DefaultMailDir     = "./roundtable-data/outbox"
	DefaultAuditDays   = 400
)

// DefaultConfig returns the configuration without flags or environment.
func DefaultConfig() Config {
	return Config{
		Addr:        DefaultAddr,
		DatabaseURL: DefaultDatabaseURL,
		MailDir:     DefaultMailDir,
		LogLevel:    "info",
		SMTPTLS:     mail.TLSStartTLS,
		AuditDays:   DefaultAuditDays,
	}
}

// envName is the variable that stands for a flag: --smtp-host → ROUNDTABLE_SMTP_HOST.
func envName(flagName string) string {
	return "ROUNDTABLE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// bindConfig registers the configuration flags on fs, each defaulting to its
// environment variable when set.
func bindConfig(fs *flag.FlagSet, c *Config, getenv func(string) string) error {
	str := func(p *string, name, usage string) {
		if v := getenv(envName(name)); v != "" {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" ("+envName(name)+")")
	}
	str(&c.Addr, "addr", "address to listen on")
	str(&c.DatabaseURL, "database-url", "database: sqlite:PATH or postgres://user:pass@host/db")
	str(&c.BaseURL, "base-url", "public address for links in pages and e-mails (default http://localhost:<port>)")
	str(&c.MailDir, "mail-dir", "folder for e-mails when no SMTP server is configured")
	str(&c.LogLevel, "log-level", "log level: debug, info, warn or error")
	str(&c.MasterKeyFile, "master-key-file", "file holding the master key that protects circle content (ROUNDTABLE_MASTER_KEY may hold the key itself); default for SQLite: beside the database")
	if v := getenv("ROUNDTABLE_MASTER_KEY"); v != "" {
		c.MasterKey = v
	}
	str(&c.PreviousMasterKeyFile, "previous-master-key-file", "file of the master key being replaced, while `roundtable keys rotate` runs")
	str(&c.TrustedProxies, "trusted-proxies", "reverse proxies whose X-Forwarded-For or Forwarded header tells the client's address: CIDRs, comma separated, e.g. 10.0.0.0/8,fd00::/8")
	if v := getenv(envName("audit-days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not a whole number of days", envName("audit-days"), v)
		}
		c.AuditDays = n
	}
	fs.IntVar(&c.AuditDays, "audit-days", c.AuditDays, "days the audit log keeps its entries ("+envName("audit-days")+")")
	if v := getenv(envName("document-quota-mb")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not a whole number of megabytes", envName("document-quota-mb"), v)
		}
		c.DocumentQuotaMB = n
	}
	fs.IntVar(&c.DocumentQuotaMB, "document-quota-mb", c.DocumentQuotaMB,
		"megabytes one circle's shared files may take together; 0 is 500 ("+envName("document-quota-mb")+")")
	str(&c.SMTPHost, "smtp-host", "SMTP server; empty writes e-mails to --mail-dir and the log")
	if v := getenv(envName("smtp-port")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not a port number", envName("smtp-port"), v)
		}
		c.SMTPPort = n
	}
	fs.IntVar(&c.SMTPPort, "smtp-port", c.SMTPPort, "SMTP port (default 587 for starttls, 465 for tls, 25 for none) ("+envName("smtp-port")+")")
	str(&c.SMTPUsername, "smtp-username", "SMTP user name; empty: no authentication")
	str(&c.SMTPPassword, "smtp-password", "SMTP password (prefer the environment variable)")
	str(&c.SMTPFrom, "smtp-from", `sender of e-mails, e.g. "Roundtable <circles@example.org>"`)
	str(&c.SMTPTLS, "smtp-tls", "SMTP encryption: starttls, tls or none")
	return nil
}

// Validate checks values a flag parser cannot.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr %q is not like :8080 or 127.0.0.1:8080", c.Addr)
	}
	if c.DatabaseURL == "" {
		return fmt.Errorf("--database-url is empty")
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("--base-url %q must start with http:// or https://", c.BaseURL)
	}
	if c.MasterKeyFile != "" && c.MasterKey != "" {
		return fmt.Errorf("both --master-key-file and ROUNDTABLE_MASTER_KEY are set: give only one")
	}
	if _, err := c.trustedProxies(); err != nil {
		return err
	}
	if c.DocumentQuotaMB < 0 || c.DocumentQuotaMB > 1<<20 {
		return fmt.Errorf("--document-quota-mb %d: give a number of megabytes from 1 to 1048576, or 0 for 500", c.DocumentQuotaMB)
	}
	if c.AuditDays < 0 || c.AuditDays > 100*366 {
		return fmt.Errorf("--audit-days %d: keep the audit log between 1 day and 100 years", c.AuditDays)
	}
	if c.SMTPHost != "" {
		if _, err := c.mailerSMTP(); err != nil {
			return err
		}
	}
	return nil
}

// trustedProxies parses TrustedProxies. A single address stands for itself
// (a /32 or /128). The error names the first entry that is not a CIDR.
func (c *Config) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(c.TrustedProxies, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("--trusted-proxies: %q is not a CIDR like 10.0.0.0/8 or fd00::/8", part)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// mailerSMTP builds the SMTP mailer the configuration describes.
func (c *Config) mailerSMTP() (*mail.SMTPMailer, error) {
	return mail.NewSMTPMailer(mail.SMTPConfig{
		Host:     c.SMTPHost,
		Port:     c.SMTPPort,
		Username: c.SMTPUsername,
		Password: c.SMTPPassword,
		From:     c.SMTPFrom,
		TLS:      c.SMTPTLS,
	})
}

// parseLevel reads a log level.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level %q: use debug, info, warn or error", s)
	}
	return l, nil
}

// newLogger writes text logs at the configured level.
func newLogger(w io.Writer, level string) *slog.Logger {
	l, _ := parseLevel(level)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
