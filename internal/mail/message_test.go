package mail_test

import (
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

func checkMessage(t *testing.T, m mail.Message, to, subject string, want []string) {
	t.Helper()
	if m.To != to {
		t.Errorf("to: got %q, want %q", m.To, to)
	}
	if m.Subject != subject {
		t.Errorf("subject: got %q, want %q", m.Subject, subject)
	}
	if m.HTML == "" || !strings.Contains(m.HTML, "<html") {
		t.Fatalf("html: got %q, want a document", m.HTML)
	}
	for _, w := range want {
		if !strings.Contains(m.Text, w) {
			t.Errorf("text does not contain %q:\n%s", w, m.Text)
		}
		if !strings.Contains(m.HTML, strings.ReplaceAll(w, "'", "&#39;")) {
			t.Errorf("html does not contain %q:\n%s", w, m.HTML)
		}
	}
	if strings.Contains(m.Text, "<no value>") || strings.Contains(m.HTML, "<no value>") {
		t.Errorf("a template field is missing:\n%s", m.Text)
	}
}

func TestSignInLink(t *testing.T) {
	link := "https://rt.example.org/signin/tok?x=1&y=2"
	m := mail.SignInLink("ada@example.org", "Ada Lovelace", link)
	checkMessage(t, m, "ada@example.org", "Your sign-in link for Roundtable", []string{"Hello Ada Lovelace,", "15 minutes", "ignore this e-mail"})
	if !strings.Contains(m.Text, "\n"+link+"\n") {
		t.Errorf("text: the link is not on its own line:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, `href="https://rt.example.org/signin/tok?x=1&amp;y=2"`) {
		t.Errorf("html: no button with the link:\n%s", m.HTML)
	}
}

func TestApplicationReceived(t *testing.T) {
	m := mail.ApplicationReceived("bo@example.org", "Bo", "Emerging Leaders Circle")
	checkMessage(t, m, "bo@example.org", "We received your application to Emerging Leaders Circle",
		[]string{"Hello Bo,", "Thank you for applying to", "Emerging Leaders Circle", "organizers"})
}

func TestInvitation(t *testing.T) {
	link := "https://rt.example.org/invitations/tok"
	for _, tc := range []struct {
		name         string
		role         roundtable.CircleRole
		needsAccount bool
		subject      string
		button       string
		want         []string
	}{
		{"MemberNewAccount", roundtable.RoleMember, true, "You are invited to Circle A", "Set up your account",
			[]string{"you have a place in", "set up your account", "ground rules", "14 days"}},
		{"MemberExistingAccount", roundtable.RoleMember, false, "You are invited to Circle A", "Join your circle",
			[]string{"you have a place in", "sign in with your Roundtable account", "14 days", "leadership goals"}},
		{"FacilitatorNewAccount", roundtable.RoleFacilitator, true, "You are invited to facilitate Circle A", "Set up your account",
			[]string{"facilitate", "set up your account", "plan its first", "14 days"}},
		{"FacilitatorExistingAccount", roundtable.RoleFacilitator, false, "You are invited to facilitate Circle A", "Open the invitation",
			[]string{"facilitate", "sign in with your Roundtable account"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := mail.Invitation("cy@example.org", "Cy", "Circle A", "Emerging Leaders", tc.role, link, tc.needsAccount)
			checkMessage(t, m, "cy@example.org", tc.subject, append(tc.want, "Hello Cy,", "Emerging Leaders", "did not expect"))
			if !strings.Contains(m.Text, "\n"+link+"\n") {
				t.Errorf("text: the link is not on its own line:\n%s", m.Text)
			}
			if !strings.Contains(m.HTML, `href="`+link+`"`) || !strings.Contains(m.HTML, ">"+tc.button+"</a>") {
				t.Errorf("html: no button %q with the link", tc.button)
			}
			if tc.role == roundtable.RoleMember && strings.Contains(m.Text, "facilitate") {
				t.Errorf("member invitation speaks of facilitating:\n%s", m.Text)
			}
			if !tc.needsAccount && strings.Contains(m.Text, "password") {
				t.Errorf("invitation for an existing account asks for a password:\n%s", m.Text)
			}
		})
	}
}

func TestInvitation_Escaping(t *testing.T) {
	m := mail.Invitation("x@example.org", "<script>alert(1)</script>", "Circle <b>", "P & Q\nBcc: evil@example.org", roundtable.RoleMember, "https://rt.example.org/i/t", true)
	if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "Circle <b>") {
		t.Errorf("html is not escaped:\n%s", m.HTML)
	}
	if strings.Contains(m.Subject, "\n") {
		t.Errorf("subject holds a line break: %q", m.Subject)
	}
	if strings.Contains(m.Text, "Bcc:") {
		t.Errorf("the program name's second line leaked into the text:\n%s", m.Text)
	}
}

func TestMessages_NoName(t *testing.T) {
	m := mail.SignInLink("ada@example.org", "", "https://rt.example.org/s/t")
	if !strings.HasPrefix(m.Text, "Hello,\n") {
		t.Errorf("text: got %q, want a greeting without a name", m.Text[:20])
	}
}

func TestApplicationDeclined(t *testing.T) {
	m := mail.ApplicationDeclined("bo@example.org", "Bo", "Emerging Leaders Circle", "The next round opens in May.\n\nWrite to us <any time>.")
	checkMessage(t, m, "bo@example.org", "Your application to Emerging Leaders Circle",
		[]string{"Hello Bo,", "Thank you for applying to", "no judgement", "A word from the organizers", "The next round opens in May."})
	if !strings.Contains(m.Text, "Write to us <any time>.") || !strings.Contains(m.HTML, "Write to us &lt;any time&gt;.") {
		t.Errorf("the note is not written as plain text in both bodies:\n%s\n%s", m.Text, m.HTML)
	}
	quiet := mail.ApplicationDeclined("bo@example.org", "Bo", "Emerging Leaders Circle", "  ")
	if strings.Contains(quiet.Text, "A word from the organizers") || strings.Contains(quiet.HTML, "A word from the organizers") {
		t.Errorf("an empty note still shows its heading:\n%s", quiet.Text)
	}
}
