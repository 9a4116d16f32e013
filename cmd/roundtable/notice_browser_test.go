package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// noticeLook is how a notice shows: its words, its role, its colour and the
// colours of success and error on this page.
type noticeLook struct {
	Text    string `json:"text"`
	Role    string `json:"role"`
	Color   string `json:"color"`
	OK      string `json:"ok"`
	Error   string `json:"error"`
	Visible bool   `json:"visible"`
}

// notice reads the notice sel as the reader's browser draws it.
func (b *browser) notice(sel string) noticeLook {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`(() => {
		const el = document.querySelector(`+jsString(sel)+`);
		if (!el) return null;
		const colour = v => { const p = document.createElement("span"); p.style.color = "var(" + v + ")"; document.body.append(p); const c = getComputedStyle(p).color; p.remove(); return c; };
		return {text: el.textContent.trim(), role: el.getAttribute("role") || "", color: getComputedStyle(el).color,
			ok: colour("--ok"), error: colour("--error"), visible: !!(el.offsetWidth || el.offsetHeight)};
	})()`))
	if err != nil {
		b.t.Fatalf("%s: read notice %s: %v", b.name, sel, err)
	}
	var n noticeLook
	if err := json.Unmarshal(raw, &n); err != nil || n.OK == "" {
		b.t.Fatalf("%s: no notice %s on %s (%v)", b.name, sel, b.location(), err)
	}
	return n
}

// wantSuccess fails unless the notice sel says text as a status message in
// the colour of success.
func (b *browser) wantSuccess(sel, text string) {
	b.t.Helper()
	n := b.notice(sel)
	if n.Text != text || n.Role != "status" || !n.Visible || n.Color != n.OK || n.Color == n.Error {
		b.t.Errorf("%s: notice %s: got %+v, want %q shown with role status in the success colour %s", b.name, sel, n, text, n.OK)
	}
}

// TestBrowser_RoomNotices saves a presenter's commitments and a member's
// reflection in the meeting room with JavaScript on: what is saved is said
// calmly, as a status in the colour of success; what is refused is an alert
// in the colour of errors.
func TestBrowser_RoomNotices(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	cd := cedarCircle(t, m, smtp)
	sys := roundtable.NewSystemContext(context.Background())
	ids := cd.userIDs(t, m)
	mt := cd.meeting(t, m, 5*time.Minute, 60, []roundtable.Segment{
		{Title: "Ideas", Kind: roundtable.SegmentDiscussion, Minutes: 20, Board: roundtable.BoardSuggestions},
		{Title: "Closing", Kind: roundtable.SegmentClosing, Minutes: 5},
	})
	if err := sqldb.NewAgendaService(m.DB).SetRoles(sys, mt.ID, []roundtable.RoleAssignment{
		{Role: roundtable.RoleChair, UserID: ids[cd.facEmail]}, {Role: roundtable.RoleTimekeeper, UserID: ids[cd.facEmail]},
		{Role: roundtable.RolePresenter, UserID: ids[cd.memberEmail]},
	}); err != nil {
		t.Fatalf("set roles: %v", err)
	}

	fay := newBrowser(t, root, "fay", m.URL())
	signIn(fay, cd.facEmail, cd.facPassword)
	nia := newBrowser(t, root, "nia", m.URL())
	signIn(nia, cd.memberEmail, cd.memberPasswd)
	room := "/meetings/" + mt.ID + "/room"
	for _, b := range []*browser{fay, nia} {
		b.open(room)
		b.waitLive()
	}
	fay.click(`form:has(input[name=action][value=start]) button`)
	nia.waitFor("the meeting to start", `document.getElementById("room").classList.contains("is-started")`, 3*time.Second)

	// Nia saves her commitments: a calm status, not an error.
	nia.typeIn(`#commitments-`+ids[cd.memberEmail], "Tell both teams by Friday.")
	nia.click(`#playback button[type=submit]`)
	nia.waitFor("the commitments saved", `document.querySelector("#playback [data-done-note]").textContent !== ""`, 3*time.Second)
	nia.wantSuccess(`#playback [data-done-note]`, "Your commitments are saved. They will come back at the next meeting.")
	if n := nia.notice(`#playback [data-error]`); n.Text != "" || n.Visible {
		t.Errorf("nia: the error place of the play-back shows %q after a save", n.Text)
	}

	// The meeting closes; Nia sends her reflection without answering.
	fay.click(`form:has(input[name=action][value=next]) button`)
	nia.waitFor("the reflection to open", `document.getElementById("room").classList.contains("is-closing")`, 3*time.Second)
	// The browser would stop the empty form itself; the server's refusal is
	// what is shown here, as for a browser that does not check forms.
	nia.do("skip the browser's check", chromedp.Evaluate[chromedp.Void](`document.querySelector("#reflection form").noValidate = true`))
	nia.click(`#reflection button[type=submit]`)
	nia.waitFor("the refusal", `document.querySelector("#reflection [data-error]").textContent !== ""`, 3*time.Second)
	if n := nia.notice(`#reflection [data-error]`); n.Role != "alert" || !n.Visible || n.Color != n.Error || n.Color == n.OK {
		t.Errorf("nia: refused reflection: got %+v, want role alert in the error colour %s", n, n.Error)
	}
	nia.checkAccessibility("room, reflection refused")

	// She answers and sends again: the error goes, the thanks come.
	for _, q := range []string{"relevance", "insights", "heard"} {
		nia.do("answer "+q, chromedp.Click(chromedp.CSS(`#reflection input[name=`+q+`][value="4"]`)))
	}
	nia.click(`#reflection button[type=submit]`)
	nia.waitFor("the thanks", `document.querySelector("#reflection [data-done-note]").textContent !== ""`, 3*time.Second)
	nia.wantSuccess(`#reflection [data-done-note]`, "Thank you. Your reflection is saved.")
	if n := nia.notice(`#reflection [data-error]`); n.Text != "" {
		t.Errorf("nia: the refusal stays after the reflection is saved: %q", n.Text)
	}
	nia.checkAccessibility("room, reflection saved")
	nia.do("show the reflection", chromedp.ScrollIntoView(chromedp.CSS(`#reflection`)))
	screens(t, nia, "room-reflection-saved")
}
