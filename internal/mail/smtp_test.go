package mail_test

import (
	"context"
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
