package mail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
)

func TestTimeAsk(t *testing.T) {
	link := "https://rt.example.org/times/tok"
	m := mail.TimeAsk(mail.TimeAskMail{
		To: "di@example.org", Name: "Di Nakamura\nBcc: x", ProgramName: "Leaders",
		Times: []string{"Tuesday 09:00–10:30; 10:00–11:30 from 14 Mar 2027", "Thursday 12:00–13:30"}, Zone: "America/New_York",
		Link: link, Expires: 14 * 24 * time.Hour,
	})
	checkMessage(t, m, "di@example.org", "Could you make one of these times? A seat in Leaders",
		[]string{"Hello Di Nakamura,", "Tuesday 09:00–10:30; 10:00–11:30 from 14 Mar 2027", "Thursday 12:00–13:30", "America/New_York time", "for the next 14 days", "no account"})
	if !strings.Contains(m.Text, "\n"+link+"\n") || !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("got %q, want the link on its own line and as the button", m.Text)
	}
}
