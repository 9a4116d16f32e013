package mail

import (
	"strings"
	"testing"
)

// TestDecision: the message names the circle, who proposes, what and until
// when, and escapes what members wrote.
func TestDecision(t *testing.T) {
	d := DecisionMail{To: "mo@example.org", Name: "Mo", ProgramName: "Leaders", CircleName: "Harbour", Proposer: "Fay",
		Title: "Meet <b>weekly</b>", Closes: "Tuesday 8 December, 18:00 (Europe/Paris)", Link: "https://rt.example/circles/c/decisions/d",
		PrefsLink: "https://rt.example/account"}
	m := Decision(d)
	if m.Subject != "Harbour decides: Meet <b>weekly</b>" {
		t.Errorf("got subject %q", m.Subject)
	}
	for _, want := range []string{"Fay asks Harbour to decide:", "Meet <b>weekly</b>", "Votes close Tuesday 8 December, 18:00", d.Link, d.PrefsLink} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, "Meet &lt;b&gt;weekly&lt;/b&gt;") || strings.Contains(m.HTML, "<b>weekly") {
		t.Errorf("the HTML does not escape the title:\n%s", m.HTML)
	}
	d.Reminder = true
	if m := Decision(d); !strings.HasPrefix(m.Subject, "Closing soon") || !strings.Contains(m.Text, "You have not voted yet") {
		t.Errorf("reminder: got %q\n%s", m.Subject, m.Text)
	}
}
