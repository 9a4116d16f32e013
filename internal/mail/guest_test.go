package mail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
)

func TestGuestInvitation(t *testing.T) {
	link := "https://rt.example.org/signin/link/tok?next=%2Fmeetings%2Fm1%2Froom"
	m := mail.GuestInvitation(mail.GuestMail{
		To: "gia@example.org", Name: "Gia O'Neill\nBcc: x", InvitedBy: "Fay", ProgramName: "Leaders", CircleName: "Circle A",
		When: "Tuesday 17 March, 10:00–11:00 (Europe/Paris)", Link: link, Expires: 25 * time.Hour,
	})
	checkMessage(t, m, "gia@example.org", "You are invited as a guest of Circle A, Tuesday 17 March, 10:00–11:00 (Europe/Paris)",
		[]string{"Hello Gia O'Neill,", "Fay invites you", "Circle A", "Leaders", "as a guest", "for the next 25 hours", "stays in the circle"})
	if !strings.Contains(m.Text, "\n"+link+"\n") || !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("got %q, want the link on its own line and as the button", m.Text)
	}
	if strings.Contains(m.Text, "Bcc") {
		t.Errorf("got %q, want the name kept to its first line", m.Text)
	}
}
