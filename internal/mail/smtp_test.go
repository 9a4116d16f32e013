package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

func testMessage() mail.Message {
	return mail.Message{
		To:      "ada@example.org",
		Subject: "Welcome to Roundtable, Ada – café édition",
		Text:    "Hello Ada,\n\nOpen https://roundtable.example.org/invitations/abc123 to join.\n",
		HTML:    `<p>Hello Ada,</p><p><a href="https://roundtable.example.org/invitations/abc123">Join</a></p>`,
	}
}

func TestSMTPMailer_Send(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts mailtest.Options
	}{
		{"Plain", mailtest.Options{}},
		{"PlainWithAuth", mailtest.Options{Username: "roundtable", Password: "s3cret-pass"}},
		{"StartTLSWithAuth", mailtest.Options{TLS: mail.TLSStartTLS, Username: "roundtable", Password: "s3cret-pass"}},
		{"ImplicitTLS", mailtest.Options{TLS: mail.TLSImplicit}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.StartServerWith(t, tc.opts)
			want := testMessage()
			if err := srv.Mailer(t).Send(context.Background(), want); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.WaitFor(t, "ada@example.org", 5*time.Second)
			if got.Subject != want.Subject {
				t.Errorf("subject: got %q, want %q", got.Subject, want.Subject)
			}
			if got.Text != want.Text {
				t.Errorf("text: got %q, want %q", got.Text, want.Text)
			}
			if got.HTML != want.HTML {
				t.Errorf("html: got %q, want %q", got.HTML, want.HTML)
			}
			if got.From != "roundtable@example.org" {
				t.Errorf("envelope sender: got %q, want %q", got.From, "roundtable@example.org")
			}
			if link := got.Link("/invitations/"); link != "https://roundtable.example.org/invitations/abc123" {
				t.Errorf("link: got %q", link)
			}
			if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
				t.Errorf("content type: got %q, want multipart/alternative", ct)
			}
		})
	}
}

func TestSMTPMailer_Send_Errors(t *testing.T) {
	ctx := context.Background()
	t.Run("Rejected", func(t *testing.T) {
		srv := mailtest.StartServerWith(t, mailtest.Options{Reject: true})
		err := srv.Mailer(t).Send(ctx, testMessage())
		if err == nil {
			t.Fatal("got no error, want one")
		}
		if strings.Contains(err.Error(), "abc123") {
			t.Errorf("error holds the message body: %v", err)
		}
	})
	t.Run("WrongPassword", func(t *testing.T) {
		srv := mailtest.StartServerWith(t, mailtest.Options{TLS: mail.TLSStartTLS, Username: "roundtable", Password: "right"})
		cfg := srv.SMTPConfig()
		cfg.Password = "wrong"
		m, err := mail.NewSMTPMailer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Send(ctx, testMessage()); err == nil {
			t.Fatal("got no error, want an authentication error")
		}
	})
	t.Run("StartTLSRequired", func(t *testing.T) {
		// The server offers no STARTTLS: a mailer set to starttls must not
		// fall back to a clear connection.
		srv := mailtest.StartServer(t)
		cfg := srv.SMTPConfig()
		cfg.TLS = mail.TLSStartTLS
		m, err := mail.NewSMTPMailer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Send(ctx, testMessage()); err == nil {
			t.Fatal("got no error, want one")
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("messages: got %d, want 0", n)
		}
	})
	t.Run("NoServer", func(t *testing.T) {
		srv := mailtest.StartServer(t)
		cfg := srv.SMTPConfig()
		cfg.Port = 1 // nothing listens there
		cfg.Timeout = 2 * time.Second
		m, err := mail.NewSMTPMailer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Send(ctx, testMessage()); err == nil {
			t.Fatal("got no error, want one")
		}
	})
	t.Run("BadRecipient", func(t *testing.T) {
		srv := mailtest.StartServer(t)
		msg := testMessage()
		msg.To = "not an address"
		if err := srv.Mailer(t).Send(ctx, msg); err == nil {
			t.Fatal("got no error, want one")
		}
	})
}

func TestNewSMTPMailer_Config(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  mail.SMTPConfig
		ok   bool
	}{
		{"Minimal", mail.SMTPConfig{Host: "smtp.example.org", From: "circles@example.org"}, true},
		{"NamedSender", mail.SMTPConfig{Host: "smtp.example.org", From: "Roundtable <circles@example.org>", TLS: "TLS"}, true},
		{"NoHost", mail.SMTPConfig{From: "circles@example.org"}, false},
		{"NoFrom", mail.SMTPConfig{Host: "smtp.example.org"}, false},
		{"BadFrom", mail.SMTPConfig{Host: "smtp.example.org", From: "circles"}, false},
		{"BadTLS", mail.SMTPConfig{Host: "smtp.example.org", From: "circles@example.org", TLS: "ssl3"}, false},
		{"BadPort", mail.SMTPConfig{Host: "smtp.example.org", From: "circles@example.org", Port: 70000}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mail.NewSMTPMailer(tc.cfg)
			if got := err == nil; got != tc.ok {
				t.Errorf("ok: got %v (err %v), want %v", got, err, tc.ok)
			}
		})
	}
}

// testCalendar is a small invitation with CRLF line ends, as calendar files are.
var testCalendar = []byte(strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Roundtable//Test//EN
METHOD:REQUEST
BEGIN:VEVENT
UID:meeting-1@roundtable.example.org
SEQUENCE:2
DTSTAMP:20260302T090000Z
DTSTART:20260310T160000Z
DTEND:20260310T173000Z
SUMMARY:Circle meeting – café
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n"))

func TestSMTPMailer_Send_CalendarAndMessageID(t *testing.T) {
	srv := mailtest.StartServer(t)
	want := testMessage()
	want.ID = "meeting.invitation.m1.u1.2@roundtable.example.org"
	want.Calendar, want.CalendarMethod = testCalendar, "request"
	if err := srv.Mailer(t).Send(context.Background(), want); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(t, "ada@example.org", 5*time.Second)
	if got.MessageID != want.ID {
		t.Errorf("Message-ID: got %q, want %q", got.MessageID, want.ID)
	}
	if string(got.Calendar) != string(testCalendar) {
		t.Errorf("calendar: got %q, want %q", got.Calendar, testCalendar)
	}
	if got.CalendarMethod != "REQUEST" {
		t.Errorf("calendar method: got %q, want REQUEST", got.CalendarMethod)
	}
	if !strings.Contains(string(got.Raw), "text/calendar; method=REQUEST; charset=UTF-8") {
		t.Errorf("no text/calendar part with method and charset in:\n%s", got.Raw)
	}
	if got.Text != want.Text || got.HTML != want.HTML {
		t.Errorf("bodies changed beside the calendar: text %q, html %q", got.Text, got.HTML)
	}

	t.Run("Cancel", func(t *testing.T) {
		m := testMessage()
		m.Calendar, m.CalendarMethod = testCalendar, "CANCEL"
		if err := srv.Mailer(t).Send(context.Background(), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if got := srv.WaitFor(t, "ada@example.org", 5*time.Second); got.CalendarMethod != "CANCEL" {
			t.Errorf("method: got %q, want CANCEL", got.CalendarMethod)
		}
	})
	t.Run("BadFields", func(t *testing.T) {
		for _, m := range []mail.Message{
			{To: "ada@example.org", Subject: "x", Text: "x", ID: "no-at-sign"},
			{To: "ada@example.org", Subject: "x", Text: "x", ID: "a@b>\r\nBcc: eve@example.org"},
			{To: "ada@example.org", Subject: "x", Text: "x", Calendar: testCalendar, CalendarMethod: "REQUEST\r\nBcc: x"},
		} {
			if err := srv.Mailer(t).Send(context.Background(), m); err == nil {
				t.Errorf("got no error for %q / %q, want one", m.ID, m.CalendarMethod)
			}
		}
	})
}

func TestSMTPMailer_SendBatch(t *testing.T) {
	ctx := context.Background()
	batch := func(n int) []mail.Message {
		var ms []mail.Message
		for i := range n {
			m := testMessage()
			m.To = fmt.Sprintf("member%d@example.org", i)
			m.ID = fmt.Sprintf("reminder.%d@roundtable.example.org", i)
			ms = append(ms, m)
		}
		return ms
	}
	t.Run("OneConnection", func(t *testing.T) {
		srv := mailtest.StartServerWith(t, mailtest.Options{TLS: mail.TLSStartTLS, Username: "roundtable", Password: "s3cret-pass"})
		ms := batch(25)
		ms[7].To = "not an address" // fails alone; the rest go out
		errs := srv.Mailer(t).SendBatch(ctx, ms)
		for i, err := range errs {
			if (err != nil) != (i == 7) {
				t.Errorf("message %d: got error %v", i, err)
			}
		}
		if got := srv.Received(); got != 24 {
			t.Errorf("received: got %d, want 24", got)
		}
		if got := srv.Connections(); got != 1 {
			t.Errorf("connections: got %d, want 1", got)
		}
		if d := srv.Deliveries(); len(d) != 24 || d["reminder.3@roundtable.example.org"] != 1 {
			t.Errorf("deliveries by Message-ID: got %v", d)
		}
	})
	t.Run("ServerDown", func(t *testing.T) {
		srv := mailtest.StartServer(t)
		mailer := srv.Mailer(t)
		if err := srv.Stop(); err != nil {
			t.Fatal(err)
		}
		for i, err := range mailer.SendBatch(ctx, batch(3)) {
			if err == nil {
				t.Errorf("message %d: got no error from a stopped server", i)
			}
		}
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
		for i, err := range mailer.SendBatch(ctx, batch(3)) {
			if err != nil {
				t.Errorf("message %d after restart: %v", i, err)
			}
		}
		if got := srv.Received(); got != 3 {
			t.Errorf("received: got %d, want 3", got)
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		srv := mailtest.StartServer(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		for i, err := range srv.Mailer(t).SendBatch(cctx, batch(3)) {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("message %d: got %v, want context.Canceled", i, err)
			}
		}
		if got := srv.Received(); got != 0 {
			t.Errorf("received: got %d, want 0", got)
		}
	})
}
