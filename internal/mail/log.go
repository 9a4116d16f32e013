package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// LogMailer stands in for SMTP when none is configured (demos, trying things
// out). It writes each message as an .eml file into Dir and logs one line
// with the recipient, the subject and the file's path. It never logs a body:
// bodies hold sign-in and invitation links, which are as good as passwords.
type LogMailer struct {
	Dir    string // where .eml files go; created when missing
	From   string // sender written into the files
	Logger *slog.Logger
	Now    func() time.Time

	mu sync.Mutex // serializes directory creation and file naming
}

var _ Mailer = (*LogMailer)(nil)

// NewLogMailer returns a LogMailer writing into dir.
func NewLogMailer(dir string, logger *slog.Logger) *LogMailer {
	return &LogMailer{Dir: dir, From: "Roundtable <roundtable@localhost>", Logger: logger}
}

// Send writes m to a new file and logs where it is.
func (l *LogMailer) Send(ctx context.Context, m Message) error {
	from := l.From
	if from == "" {
		from = "Roundtable <roundtable@localhost>"
	}
	// 8bit bodies keep each link whole on one line, so a person can copy it
	// from the file in any text editor; quoted-printable would wrap it. The
	// calendar file, when there is one, is in the .eml as sent by SMTP.
	msg, err := build(from, m, true)
	if err != nil {
		return err
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// 0700/0600: the files hold working links, so only the operator reads them.
	if err := os.MkdirAll(l.Dir, 0o700); err != nil {
		return fmt.Errorf("mail outbox folder: %w", err)
	}
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	name := fmt.Sprintf("%s-%s-%s.eml", now().UTC().Format("20060102-150405.000"), fileSafe(m.To), hex.EncodeToString(suffix[:]))
	path := filepath.Join(l.Dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("mail outbox file: %w", err)
	}
	if _, err := msg.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("write mail outbox file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write mail outbox file: %w", err)
	}
	logger := l.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	logger.InfoContext(ctx, "e-mail written to file (no SMTP server configured)", "to", m.To, "subject", m.Subject, "file", path)
	return nil
}

// fileSafe keeps letters, digits and a few marks of an address for a file name.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		case r == '@':
			b.WriteString("_at_")
		}
		if b.Len() >= 60 {
			break
		}
	}
	if b.Len() == 0 {
		return "message"
	}
	return b.String()
}
