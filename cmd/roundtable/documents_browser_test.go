package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// movableClock is the server's clock: the real time, moved on by a test.
type movableClock struct {
	mu    sync.Mutex
	ahead time.Duration
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.ahead)
}

// moveTo moves the clock to at.
func (c *movableClock) moveTo(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ahead = time.Until(at)
}

// TestBrowser_DocumentReading: a member uploads a PDF to her circle's
// documents and makes it a reading for the next meeting; it shows on the
// meeting's page, and the one-week reminder carries it with its link.
func TestBrowser_DocumentReading(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	clock := &movableClock{}
	m := NewMain()
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DatabaseURL = "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	m.Config.LogLevel = "warn"
	m.Mailer = smtp.Mailer(t)
	m.SeedDemo = true
	m.Now = clock.Now
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("start Roundtable: %v", err)
	}
	t.Cleanup(func() { m.Close() })

	// The facilitator schedules a meeting two days before the demo's first
	// meeting more than nine days ahead (the demo's own reminders went to
	// invented people and were dropped); the clock then moves to a little
	// before its one-week reminder, so it is the circle's next meeting.
	sys := roundtable.NewSystemContext(context.Background())
	home, err := sqldb.NewCircleService(m.DB).FindCircleHome(sys, m.Demo.MemberCircleID)
	if err != nil {
		t.Fatal(err)
	}
	var later *roundtable.Meeting
	for _, mt := range home.Upcoming {
		if !mt.Cancelled && mt.StartsAt.After(time.Now().Add(9*24*time.Hour)) {
			later = mt
			break
		}
	}
	if later == nil {
		t.Fatal("the demo circle has no meeting more than nine days ahead")
	}
	fac, err := sqldb.NewUserService(m.DB).FindUserByID(sys, m.Demo.Users[demo.FacilitatorEmail])
	if err != nil {
		t.Fatal(err)
	}
	next := &roundtable.Meeting{CircleID: m.Demo.MemberCircleID, StartsAt: later.StartsAt.Add(-48 * time.Hour), Minutes: 90,
		VideoURL: "https://video.example/harbour"}
	if err := sqldb.NewMeetingService(m.DB).CreateMeeting(roundtable.NewContextWithUser(context.Background(), fac), next); err != nil {
		t.Fatal(err)
	}
	weekBefore := next.StartsAt.Add(-7 * 24 * time.Hour)
	clock.moveTo(weekBefore.Add(-2 * time.Hour))

	pdf := filepath.Join(t.TempDir(), "board-pack.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mia := newBrowser(t, root, "member", m.URL())
	signIn(mia, demo.MemberEmail, demo.Password)
	mia.open("/circles/" + m.Demo.MemberCircleID)
	mia.submit(`a[href$="/documents"]`, `/documents$`)
	mia.see("Documents and links", "Shared with your circle", "Delegation without abdication")
	mia.typeIn(`#f-file_title`, "Board pack for the case")
	mia.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{pdf}))
	mia.submit(`form[action$="/documents/files"] button[type=submit]`, `/documents$`)
	mia.see("“Board pack for the case” is shared with your circle.", "PDF, ")
	// The first meeting offered is the next one.
	mia.submit(`a[href$="/attach"]`, `/attach$`)
	mia.see("Which meeting is it a reading for?")
	mia.checkPage("choose the meeting")
	mia.submit(`form[action$="/attach"] button[type=submit]`, `/documents$`)
	mia.see("The document is a reading for the meeting", "Reading for")
	mia.checkPage("documents page")

	mia.open("/meetings/" + next.ID)
	mia.see("Readings", "Board pack for the case", "Take off the readings")
	mia.checkPage("meeting page with a reading")
	href := mia.attr(`ul.readings a`, "href")
	if !strings.HasPrefix(href, "/documents/") {
		t.Fatalf("got reading link %q, want the circle's document", href)
	}

	// A week before, the reminder goes out with the reading and its link.
	clock.moveTo(weekBefore.Add(time.Minute))
	msg := smtp.WaitForMatch(t, func(p mailtest.ParsedMessage) bool {
		return p.SentTo(demo.MemberEmail) && strings.Contains(p.Text, "meets in a week") && strings.Contains(p.Text, "Board pack for the case")
	}, 30*time.Second)
	if !strings.Contains(msg.Text, m.URL()+href) || !strings.Contains(msg.HTML, `href="`+m.URL()+href+`"`) {
		t.Errorf("the reminder lacks the document's link %s:\n%s", href, msg.Text)
	}
}
