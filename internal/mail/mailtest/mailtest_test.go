package mailtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

func TestParse_NestedBase64(t *testing.T) {
	raw := strings.ReplaceAll(`From: a@example.org
To: b@example.org
Subject: =?UTF-8?Q?Caf=C3=A9_invitation?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

SGVsbG8sCgpKb2luOiBodHRwczovL3J0LmV4YW1wbGUub3JnL2ludml0
ZS90b2s=
--inner
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

<a href=3D"https://rt.example.org/invite/tok">Join</a>
--inner--
--outer
Content-Type: application/pdf

%PDF
--outer--
`, "\n", "\r\n")
	m, err := mailtest.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if m.Subject != "Café invitation" {
		t.Errorf("subject: got %q", m.Subject)
	}
	if m.Text != "Hello,\n\nJoin: https://rt.example.org/invite/tok" {
		t.Errorf("text: got %q", m.Text)
	}
	if !strings.Contains(m.HTML, `href="https://rt.example.org/invite/tok"`) {
		t.Errorf("html: got %q", m.HTML)
	}
	if got := m.Link("/invite/"); got != "https://rt.example.org/invite/tok" {
		t.Errorf("Link: got %q", got)
	}
}

func TestParse_Links(t *testing.T) {
	m := mailtest.ParsedMessage{Text: "Open https://a.example.org/x. Or (https://b.example.org/y), then http://c.example.org/z"}
	want := []string{"https://a.example.org/x", "https://b.example.org/y", "http://c.example.org/z"}
	got := m.Links()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Links: got %q, want %q", got, want)
	}
	if m.Link("nothing") != "" {
		t.Error("Link of an absent part is not empty")
	}
}

func TestServer_WaitFor(t *testing.T) {
	srv := mailtest.StartServer(t)
	mailer := srv.Mailer(t)
	ctx := context.Background()
	for _, subject := range []string{"first", "second"} {
		if err := mailer.Send(ctx, mail.Message{To: "Ada@Example.org", Subject: subject, Text: subject}); err != nil {
			t.Fatal(err)
		}
	}
	// Each call returns the next message to the address, oldest first.
	if got := srv.WaitFor(t, "ada@example.org", 5*time.Second).Subject; got != "first" {
		t.Errorf("first WaitFor: got %q, want first", got)
	}
	if got := srv.WaitFor(t, "ada@example.org", 5*time.Second).Subject; got != "second" {
		t.Errorf("second WaitFor: got %q, want second", got)
	}
	if n := len(srv.MessagesTo("ada@example.org")); n != 2 {
		t.Errorf("MessagesTo: got %d, want 2", n)
	}

	// A message sent while WaitFor waits wakes it.
	go func() {
		time.Sleep(50 * time.Millisecond)
		_ = mailer.Send(ctx, mail.Message{To: "bo@example.org", Subject: "later", Text: "later"})
	}()
	if got := srv.WaitForMatch(t, func(m mailtest.ParsedMessage) bool { return m.Subject == "later" }, 5*time.Second); !got.SentTo("bo@example.org") {
		t.Errorf("WaitForMatch: got a message to %v", got.To)
	}
}

func TestServer_CountOnlyAndRestart(t *testing.T) {
	srv := mailtest.StartServerWith(t, mailtest.Options{CountOnly: true})
	mailer := srv.Mailer(t)
	ctx := context.Background()
	send := func(id string) error {
		return mailer.Send(ctx, mail.Message{To: "ada@example.org", Subject: "s", Text: "t", ID: id})
	}
	if err := send("one@rt.example"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := send("two@rt.example"); err == nil {
		t.Fatal("got no error from a stopped server, want one")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"two@rt.example", "one@rt.example"} {
		if err := send(id); err != nil {
			t.Fatalf("after restart: %v", err)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := srv.WaitReceived(wctx, 3); err != nil {
		t.Fatal(err)
	}
	if got := srv.Deliveries(); got["one@rt.example"] != 2 || got["two@rt.example"] != 1 || srv.Duplicates() != 1 {
		t.Errorf("got deliveries %v and %d duplicates, want one twice, two once, 1 duplicate", got, srv.Duplicates())
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("got %d kept messages, want none when counting only", n)
	}
}
