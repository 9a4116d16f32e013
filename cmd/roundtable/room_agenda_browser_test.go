package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// agendaBarProblems is a script answering what is wrong with the room's
// agenda bar as drawn: a part whose name is cut (by an ellipsis or by its
// box), a current part not in view or without its whole title, a page wider
// than the screen. It answers "" when all is well.
const agendaBarProblems = `(() => {
	const out = [];
	const bar = document.querySelector(".agenda-bar");
	if (!bar) return "no agenda bar";
	for (const seg of bar.querySelectorAll(".seg")) {
		const t = seg.querySelector(".seg-title");
		const name = t.textContent.trim();
		if (t.scrollWidth > t.clientWidth + 1 || t.scrollHeight > t.clientHeight + 1) out.push("the title is cut: " + name);
		if (seg.scrollWidth > seg.clientWidth + 1 || seg.scrollHeight > seg.clientHeight + 1) out.push("the part overflows its box: " + name);
		if (getComputedStyle(t).textOverflow === "ellipsis" && getComputedStyle(t).whiteSpace === "nowrap") out.push("the title may end in an ellipsis: " + name);
		// A word split over two lines is as hard to read as one cut.
		const walk = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			for (const m of n.textContent.matchAll(/\S+/g)) {
				const r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				const tops = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
				if (tops.size > 1) out.push("a word is split: " + m[0] + " in " + name);
			}
		}
	}
	const cur = bar.querySelector(".seg-current");
	if (cur) {
		const b = bar.getBoundingClientRect(), c = cur.getBoundingClientRect();
		if (c.left < b.left - 1 || c.right > b.right + 1) out.push("the current part is out of view");
		const title = cur.querySelector(".seg-title").textContent.trim();
		const now = document.querySelector(".segment-title");
		if (!now || !now.textContent.includes(title)) out.push("the timer lacks the current part's title " + title);
	}
	if (document.documentElement.scrollWidth > window.innerWidth) out.push("the page is " + document.documentElement.scrollWidth + " px wide for a screen of " + window.innerWidth);
	return out.join("; ");
})()`

// agendaBarLines is a script answering the most lines a part's title takes.
const agendaBarLines = `Math.max(...Array.from(document.querySelectorAll(".agenda-bar .seg-title")).map(t => Math.round(t.getBoundingClientRect().height / parseFloat(getComputedStyle(t).lineHeight))))`

// TestBrowser_RoomAgendaBar: every part of the demo's nine-part agenda and
// of a thirteen-part troika agenda is named in full on the room's agenda
// bar, on a laptop and on a phone, with the current part's whole title in
// view and the page no wider than the screen.
func TestBrowser_RoomAgendaBar(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	sys := roundtable.NewSystemContext(context.Background())
	meetings := sqldb.NewMeetingService(m.DB)
	first, err := meetings.FindMeetingByID(sys, m.Demo.MeetingIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	troika := &roundtable.Meeting{CircleID: first.CircleID, StartsAt: first.StartsAt.AddDate(0, 0, 7), Minutes: 90, VideoURL: "https://video.example/harbour"}
	if err := meetings.CreateMeeting(sys, troika); err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	if err := sqldb.NewAgendaService(m.DB).ApplyFormat(sys, troika.ID, "troika", false); err != nil {
		t.Fatalf("troika agenda: %v", err)
	}

	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, m.Demo.FacilitatorEmail, demo.Password)
	for _, c := range []struct {
		name, meeting string
		parts         int
	}{{"nine parts", first.ID, 9}, {"troika", troika.ID, 13}} {
		fac.do("laptop viewport", chromedp.EmulateViewport(1280, 900))
		fac.open("/meetings/" + c.meeting + "/room")
		fac.waitLive()
		if n := fac.count(".agenda-bar .seg"); n != c.parts {
			t.Fatalf("%s: got %d parts, want %d", c.name, n, c.parts)
		}
		// Into the meeting, so that parts are done, current and to come.
		fac.click(`form:has(input[name=action][value=start]) button`)
		for done := 1; done <= 2; done++ {
			fac.click(`form:has(input[name=action][value=next]) button`)
			fac.waitFor("the next part", fmt.Sprintf(`document.querySelectorAll(".agenda-bar .seg-done").length === %d`, done), 5*time.Second)
		}
		for _, width := range []int64{1280, 390} {
			fac.do("viewport", chromedp.EmulateViewport(width, 900))
			// A redraw scrolls the current part into view, as a frame does.
			fac.click(`form:has(input[name=action][value=next]) button`)
			fac.waitFor("the next part", `document.querySelectorAll(".agenda-bar .seg-done").length > 2`, 5*time.Second)
			fac.click(`form:has(input[name=action][value=previous]) button`)
			fac.waitFor("the part before", `document.querySelectorAll(".agenda-bar .seg-done").length === 2`, 5*time.Second)
			if problems := evaluate[string](fac, "check the agenda bar", agendaBarProblems); problems != "" {
				t.Errorf("%s at %d px: %s", c.name, width, problems)
			}
			lines, err := chromedp.Run(fac.ctx, chromedp.Evaluate[int](agendaBarLines))
			t.Logf("%s at %d px: titles take at most %d lines (%v)", c.name, width, lines, err)
		}
		fac.do("laptop viewport", chromedp.EmulateViewport(1280, 900))
		fac.checkPage("meeting room, agenda bar of " + c.name)
	}
}
