package main

import (
	"context"
	"fmt"
	"io"
	"net"
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

// TestBrowser_MeetingRoom runs a meeting of the Cedar Circle in three real
// browser windows: Fay facilitates (and keeps time), Nia presents and Kemi
// takes notes. Kemi's window reaches Roundtable through a connection the
// test can cut. Starting the timer and each change of segment must reach the
// other screens within a second; Kemi's suggestion appears for the others;
// Nia's play-back turns into commitments that open the next meeting's
// follow-ups; Kemi's screen catches up after its connection drops; and a
// member of another circle finds no room at all.
func TestBrowser_MeetingRoom(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	cd := cedarCircle(t, m, smtp)
	ctx := context.Background()
	sys := roundtable.NewSystemContext(ctx)

	ids := cd.userIDs(t, m)
	fayID, niaID, kemiID := ids[cd.facEmail], ids[cd.memberEmail], ids["kemi.adeyemi@example.net"]

	// This meeting starts in a few minutes; the next one in two weeks.
	meetings := sqldb.NewMeetingService(m.DB)
	start := time.Now().Add(5 * time.Minute).Truncate(time.Minute)
	now := &roundtable.Meeting{CircleID: cd.id, StartsAt: start, Minutes: 90, VideoURL: "https://video.example/cedar"}
	next := &roundtable.Meeting{CircleID: cd.id, StartsAt: start.AddDate(0, 0, 14), Minutes: 90, VideoURL: "https://video.example/cedar"}
	for _, mt := range []*roundtable.Meeting{now, next} {
		if err := meetings.CreateMeeting(sys, mt); err != nil {
			t.Fatalf("create meeting: %v", err)
		}
	}
	agendas := sqldb.NewAgendaService(m.DB)
	if err := agendas.SetRoles(sys, now.ID, []roundtable.RoleAssignment{
		{Role: roundtable.RoleChair, UserID: fayID}, {Role: roundtable.RoleTimekeeper, UserID: fayID},
		{Role: roundtable.RolePresenter, UserID: niaID}, {Role: roundtable.RoleNoteTaker, UserID: kemiID},
	}); err != nil {
		t.Fatalf("set roles: %v", err)
	}

	cut := startCuttableProxy(t, strings.TrimPrefix(m.URL(), "http://"))
	fay := newBrowser(t, root, "fay", m.URL())
	signIn(fay, cd.facEmail, cd.facPassword)
	niaB := newBrowser(t, root, "nia", m.URL())
	signIn(niaB, cd.memberEmail, cd.memberPasswd)

	// Fay picks the peer assist format for the meeting on its agenda page;
	// Nia writes her challenge card.
	agendaPath := "/meetings/" + now.ID + "/agenda"
	fay.open(agendaPath)
	fay.checkPage("agenda, choose a format")
	fay.do("choose peer assist", chromedp.Click(chromedp.CSS(`input[name=source][value="format:peer_assist"]`)))
	fay.submit(`form[action$="/agenda/format"] button[type=submit]`, `^/meetings/`)
	fay.checkPage("agenda with the format's parts")
	fay.open("/meetings/" + now.ID)
	fay.see("The host frames the problem", "One last idea each")
	niaB.open("/meetings/" + now.ID + "/challenge")
	niaB.typeIn(`#f-question`, "How do I build one team without losing the best people of either?")
	niaB.typeIn(`#f-context`, "Two hospitals merge in spring; both operations teams report to me.")
	niaB.typeIn(`#f-tried`, "Joint stand-ups; a shared dashboard.")
	niaB.checkPage("challenge card")
	niaB.submit(`form[action$="/challenge"] button[type=submit]`, `^/meetings/`)
	niaB.open("/meetings/" + now.ID)
	niaB.see("How do I build one team without losing the best people of either?", "The host frames the problem")
	niaB.checkPage("meeting page with agenda, roles and card")
	kemi := newBrowser(t, root, "kemi", "http://"+cut.addr())
	signIn(kemi, "kemi.adeyemi@example.net", "a circle of trusted peers")

	room := "/meetings/" + now.ID + "/room"
	everyone := []*browser{fay, niaB, kemi}
	for _, b := range everyone {
		b.open(room)
		b.waitLive()
	}
	fay.see("The meeting has not started yet.", "How do I build one team without losing the best people of either?")
	fay.checkPage("meeting room, before the start")
	kemi.checkPage("meeting room, note-taker")

	// Starting the timer reaches the other screens within a second.
	fay.click(`form:has(input[name=action][value=start]) button`)
	fay.waitFor("the timer started", `document.querySelector("[data-timer]").dataset.running === "true"`, 3*time.Second)
	for _, b := range []*browser{niaB, kemi} {
		b.waitFor("the timer started", `document.querySelector("[data-timer]").dataset.running === "true" && document.querySelector(".segment-title").textContent.includes("The host frames the problem")`, time.Second)
	}
	// So does each change of segment.
	for _, seg := range []string{"Questions", "Experience and options"} {
		fay.click(`form:has(input[name=action][value=next]) button`)
		for _, b := range []*browser{niaB, kemi} {
			b.waitFor("segment "+seg, `document.querySelector(".segment-title").textContent.includes(`+jsString(seg)+`)`, time.Second)
		}
	}

	// Kemi posts a suggestion; both others see it.
	suggestion := "Pair each lead with a counterpart from the other hospital for the first ninety days."
	kemi.do("choose suggestion", chromedp.Click(chromedp.CSS(`input[data-suggestion]`)))
	kemi.typeIn(`#board-body`, suggestion)
	kemi.click(`.board-form button[type=submit]`)
	for _, b := range []*browser{fay, niaB} {
		b.waitFor("the suggestion", `document.querySelector("[data-region=board]").textContent.includes(`+jsString(suggestion)+`)`, time.Second)
	}
	niaB.checkPage("meeting room, presenter during suggestions")

	// Nia's play-back: she picks the suggestion and words her commitment.
	commitment := "Name the pairs and tell both teams by Friday."
	niaB.waitFor("the suggestion to pick", `!!document.querySelector("#playback input[name=picked]")`, 5*time.Second)
	niaB.do("pick", chromedp.Click(chromedp.CSS(`#playback input[name=picked]`)))
	niaB.typeIn(`#commitments-`+niaID, commitment)
	niaB.click(`#playback button[type=submit]`)
	for _, b := range everyone {
		b.waitFor("the commitment", `document.querySelector("[data-region=commitments]").textContent.includes(`+jsString(commitment)+`)`, 2*time.Second)
	}
	fay.waitFor("the picked suggestion", `document.querySelector("[data-region=board]").textContent.includes("picked by the presenter")`, 2*time.Second)

	// Kemi's connection drops; meanwhile the meeting moves on. Once it is
	// back, her screen shows where the meeting is.
	cut.drop()
	kemi.waitFor("the lost connection to show", `document.getElementById("room").dataset.live === "lost"`, 10*time.Second)
	fay.click(`form:has(input[name=action][value=next]) button`)
	fay.waitFor("the next segment", `document.querySelector(".segment-title").textContent.includes("One last idea each")`, time.Second)
	cut.restore()
	kemi.waitFor("the room to come back", `document.getElementById("room").dataset.live === "open" && document.querySelector(".segment-title").textContent.includes("One last idea each")`, 15*time.Second)
	kemi.waitFor("the notice to go", `document.querySelector("[data-conn]").hidden`, 2*time.Second)

	// The commitment opens the next meeting: on its page and in its room.
	niaB.open("/meetings/" + next.ID)
	niaB.see(commitment)
	niaB.open("/meetings/" + next.ID + "/room")
	niaB.see(commitment)

	// A member of another circle finds nothing: not the room, not its events.
	outsider := newBrowser(t, root, "outsider", m.URL())
	signIn(outsider, m.Demo.MemberEmail, demo.Password)
	for _, path := range []string{room, room + "/events"} {
		if code := outsider.status(path); code != 404 {
			t.Errorf("another circle's member opening %s: got %d, want 404", path, code)
		}
	}
}

// waitLive waits until the room's page has its event stream open.
func (b *browser) waitLive() {
	b.t.Helper()
	b.waitFor("the live connection", `document.getElementById("room").dataset.live === "open"`, 10*time.Second)
}

// waitFor polls a JavaScript condition until it holds, failing after limit.
func (b *browser) waitFor(what, cond string, limit time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, limit)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		diag, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.getElementById("room") || {dataset: {}}).dataset.frameError || ""`))
		b.t.Fatalf("%s: %s within %s: %v (page %s; script error %q)\n%s", b.name, what, limit, err, b.location(), diag, b.mainText())
	}
}

// click clicks the element sel (a form sent by room.js stays on the page).
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// status fetches path in the browser's session and returns the HTTP status.
func (b *browser) status(path string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	code, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch(`+jsString(path)+`, {credentials: "same-origin"}).then(r => { const s = r.status; r.body && r.body.cancel(); return s; })`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: fetch %s: %v", b.name, path, err)
	}
	return code
}

// jsString quotes s as a JavaScript string.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// cuttableProxy forwards TCP connections to a server until it is cut: then
// every open connection is closed and new ones are refused, as when a
// laptop's Wi-Fi drops, until it is restored.
type cuttableProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
}

func startCuttableProxy(t *testing.T, target string) *cuttableProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cuttableProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.drop() })
	go p.serve()
	return p
}

func (p *cuttableProxy) addr() string { return p.ln.Addr().String() }

func (p *cuttableProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *cuttableProxy) pipe(dst, src net.Conn) {
	io.Copy(dst, src)
	dst.Close()
	src.Close()
}

func (p *cuttableProxy) drop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *cuttableProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// TestBrowser_RoomOnPhone: the demo's Harbour Circle meets with a nine-part
// agenda, more than a phone's width holds. The room stays within the screen
// (the agenda scrolls sideways on its own), and as the meeting moves on the
// current part is scrolled into view. While the board is closed, its form
// is hidden; while the meeting runs, the tab's title shows the clock.
func TestBrowser_RoomOnPhone(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, m.Demo.FacilitatorEmail, demo.Password)
	room := "/meetings/" + m.Demo.MeetingIDs[0] + "/room"
	fac.open(room)
	fac.waitLive()
	fac.checkPage("meeting room with a long agenda")
	// The first part keeps the board closed: no form to post on.
	fac.waitFor("the board's form to hide", `document.querySelector(".board-form").hidden`, 2*time.Second)

	fac.do("phone viewport", chromedp.EmulateViewport(390, 844))
	parts, err := chromedp.Run(fac.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".agenda-bar .seg").length`))
	if err != nil || parts < 8 {
		t.Fatalf("got %d parts (%v), want the demo's long agenda", parts, err)
	}
	fac.click(`form:has(input[name=action][value=start]) button`)
	fac.waitFor("the meeting to start", `document.querySelector("[data-timer]").dataset.running === "true"`, 5*time.Second)
	// The tab's title carries the clock, for a room kept behind the video call.
	fac.waitFor("the clock in the title", `/^\d\d:\d\d left · Meeting room · Harbour Circle/.test(document.title)`, 2*time.Second)
	for done := 1; done < parts; done++ {
		fac.click(`form:has(input[name=action][value=next]) button`)
		fac.waitFor("the next part", fmt.Sprintf(`document.querySelectorAll(".agenda-bar .seg-done").length === %d`, done), 5*time.Second)
	}
	inView, err := chromedp.Run(fac.ctx, chromedp.Evaluate[string](`(() => {
		const bar = document.querySelector(".agenda-bar"), cur = bar.querySelector(".seg-current");
		if (bar.scrollWidth <= bar.clientWidth) return "the agenda does not scroll";
		const b = bar.getBoundingClientRect(), c = cur.getBoundingClientRect();
		return c.left >= b.left - 1 && c.right <= b.right + 1 ? "" : "the current part is out of view: " + c.left + "–" + c.right + " in " + b.left + "–" + b.right;
	})()`))
	if err != nil || inView != "" {
		t.Errorf("last part on a phone: %s (%v)", inView, err)
	}
}
