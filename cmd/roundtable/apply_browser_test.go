package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	keys "github.com/chromedp/chromedp/kb"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_ApplyWithoutTime sends the public application form without a
// weekly time and follows the error summary's link with the keyboard: it
// lands on the grid's first box, which is described by the error, and the
// page passes axe-core.
func TestBrowser_ApplyWithoutTime(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	ada := newBrowser(t, root, "applicant", m.URL())
	ada.open("/apply/" + m.Demo.ProgramID)
	ada.typeIn(`input[name=name]`, "Ada Okafor")
	ada.typeIn(`input[name=email]`, "ada.okafor@example.net")
	ada.typeIn(`input[name=organization]`, "City of Lagos")
	ada.set(`select[name=sector]`, "Public")
	ada.set(`select[name=level]`, "4")
	ada.set(`textarea[name=goals]`, "Lead a large digital transformation without losing my team.")
	// The program's own questions: the first answer of each.
	ada.do("answer the questions", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("fieldset").forEach(f => {
		const r = f.querySelector("input[type=radio]");
		if (r && !f.querySelector("input[type=radio]:checked")) r.checked = true;
	})`))
	ada.submit(`main form button[type=submit]`, `^/apply/`)
	ada.see("There is a problem", "Tick at least one weekly time")

	// The summary has the focus; Tab reaches its link, Enter follows it.
	ada.do("tab to the link", chromedp.KeyEvent(keys.Tab))
	if got := ada.active(); !strings.HasPrefix(got, "A #f-slot") {
		t.Fatalf("after Tab the focus is on %q, want the summary's link to #f-slot", got)
	}
	ada.do("follow the link", pressEnter())
	ada.waitFor("the grid's first box to have the focus", `document.activeElement && document.activeElement.id === "f-slot"`, 3*time.Second)
	desc := ada.eval(`(() => { const e = document.activeElement; return e.type + " " + e.getAttribute("aria-label") + " | " +
		(e.getAttribute("aria-describedby") || "").split(" ").map(id => (document.getElementById(id) || {}).textContent || "").join(" ") + " | " + e.getAttribute("aria-invalid"); })()`)
	if want := "checkbox Monday 07:00–09:00 | Error: Tick at least one weekly time when you could meet, or write one under Other times. | true"; desc != want {
		t.Errorf("focused box: got %q, want %q", desc, want)
	}
	if inv := ada.eval(`String(document.getElementById("f-availability").getAttribute("aria-invalid"))`); inv != "null" {
		t.Errorf("the optional box has aria-invalid %q, want none", inv)
	}
	ada.checkPage("application form, no weekly time")
}

// pressEnter presses Enter as a keyboard does: a key down that types "\r"
// and a key up. (chromedp's KeyEvent adds a second keypress, which reaches
// whatever has the focus after the first one: a box of the form, which it
// would then send.)
func pressEnter() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, k := range keys.Encode('\r') {
			if k.Type == keys.KeyChar {
				continue
			}
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *k); err != nil {
				return err
			}
		}
		return nil
	})
}

// active describes the focused element: its tag, then #id or the link's
// fragment.
func (b *browser) active() string {
	b.t.Helper()
	return b.eval(`(() => { const e = document.activeElement; if (!e) return ""; const h = e.getAttribute("href"); return e.tagName + " " + (h || ("#" + e.id)); })()`)
}

// eval runs a JavaScript expression that gives a string.
func (b *browser) eval(js string) string {
	b.t.Helper()
	return evaluate[string](b, "evaluate", js)
}
