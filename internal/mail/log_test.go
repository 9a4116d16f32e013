package mail_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

func TestLogMailer_Send(t *testing.T) {
	var logs bytes.Buffer
	dir := filepath.Join(t.TempDir(), "outbox")
	m := mail.NewLogMailer(dir, slog.New(slog.NewTextHandler(&logs, nil)))
	msg := mail.SignInLink("ada@example.org", "Ada", "https://roundtable.example.org/signin/secret-token-123")
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}

	out := logs.String()
	if strings.Contains(out, "secret-token-123") || strings.Contains(out, "/signin/") {
		t.Errorf("log holds the link: %s", out)
	}
	if strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("log lines: got %d, want 1: %s", strings.Count(out, "\n"), out)
	}
	for _, want := range []string{"to=ada@example.org", `subject="Your sign-in link for Roundtable"`, "file="} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q does not contain %q", out, want)
		}
	}

	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(files) != 1 {
		t.Fatalf("files: got %v (%v), want 1", files, err)
	}
	if !strings.Contains(out, files[0]) {
		t.Errorf("log %q does not name the file %q", out, files[0])
	}
	info, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode: got %o, want 600", perm)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	got, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got.Subject != msg.Subject {
		t.Errorf("subject: got %q, want %q", got.Subject, msg.Subject)
	}
	if link := got.Link("/signin/"); link != "https://roundtable.example.org/signin/secret-token-123" {
		t.Errorf("link in file: got %q", link)
	}
	// The raw file holds the link whole, for people who open it in an editor.
	if link := "\nhttps://roundtable.example.org/signin/secret-token-123"; !strings.Contains(string(raw), link+"\n") && !strings.Contains(string(raw), link+"\r\n") {
		t.Errorf("the file does not hold the link on a line of its own:\n%s", raw)
	}
	if !strings.Contains(got.HTML, `href="https://roundtable.example.org/signin/secret-token-123"`) {
		t.Errorf("html in file has no link: %s", got.HTML)
	}

	// A second message gets its own file.
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.eml")); len(files) != 2 {
		t.Errorf("files after two messages: got %d, want 2", len(files))
	}
}

func TestLogMailer_Send_BadDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	m := mail.NewLogMailer(filepath.Join(file, "outbox"), slog.New(slog.DiscardHandler))
	if err := m.Send(context.Background(), testMessage()); err == nil {
		t.Fatal("got no error, want one")
	}
}

func TestLogMailer_Send_Calendar(t *testing.T) {
	dir := t.TempDir()
	m := mail.NewLogMailer(dir, slog.New(slog.DiscardHandler))
	msg := testMessage()
	msg.ID = "meeting.invitation.m1.u1.0@roundtable.example.org"
	msg.Calendar, msg.CalendarMethod = testCalendar, "REQUEST"
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("files: got %d, want 1", len(files))
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	got, err := mailtest.Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got.MessageID != msg.ID || got.CalendarMethod != "REQUEST" || !strings.Contains(string(got.Calendar), "UID:meeting-1@roundtable.example.org") {
		t.Errorf("got Message-ID %q, method %q, calendar %q", got.MessageID, got.CalendarMethod, got.Calendar)
	}
}
