package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/testnote"
)

// chromiumPath is Debian's Chromium, which `make test` installs when it is missing.
const chromiumPath = "/usr/bin/chromium"

// axePath is the accessibility checker that `make test` installs with npm.
const axePath = "../../tools/browser/node_modules/axe-core/axe.min.js"

// browser is one person's window: its own browser context (cookies and all),
// in one shared headless Chromium.
type browser struct {
	t    *testing.T
	name string
	ctx  context.Context
	base string
}

// startChromium starts one headless Chromium for a test and returns the
// allocator context that browser windows are made from. Without Chromium the
// test fails under CI and is skipped, loudly, elsewhere.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is missing at %s: run `make test`, which installs it", chromiumPath)
		}
		testnote.Skip(t, "browser tests SKIPPED: no Chromium at %s (run `make test` to install it)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	// Start the browser once with a context that has no deadline: its life is
	// bound to that context.
	rootCtx, cancelRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelRoot)
	if err := chromedp.Do(rootCtx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return rootCtx
}

// newBrowser opens a window in a fresh browser context, so two people never
// share cookies.
func newBrowser(t *testing.T, root context.Context, name, base string) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: open window: %v", name, err)
	}
	b := &browser{t: t, name: name, ctx: ctx, base: base}
	t.Cleanup(func() {
		if t.Failed() {
			b.saveScreenshot("failure")
		}
	})
	return b
}

// do runs actions with a time limit, failing the test with a screenshot on error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %s: %v (page %s)", b.name, what, err, b.location())
	}
}

func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// open loads a page of the site and waits for it.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// submit clicks a button that submits a form and waits until a new page
// whose path matches the regular expression want has loaded, and returns the
// path. A mark left on the old page tells the new page from the old one, even
// when the form redirects back to the same address.
func (b *browser) submit(button string, want string) string {
	b.t.Helper()
	b.do("mark page", chromedp.Evaluate[chromedp.Void](`window.__roundtableOldPage = true`))
	b.do("click "+button, chromedp.Click(chromedp.CSS(button)))
	return b.waitPath(want)
}

// waitPath waits until a page without the old-page mark, whose path matches
// want, has loaded, and returns its path.
func (b *browser) waitPath(want string) string {
	b.t.Helper()
	re := regexp.MustCompile(want)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(window.__roundtableOldPage ? "old " : "new ") + document.readyState + " " + location.pathname`))
		cancel()
		if f := strings.Fields(state); err == nil && len(f) == 3 && f[0] == "new" && f[1] == "complete" && re.MatchString(f[2]) {
			return f[2]
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: got page %s (%v), want a new page whose path matches %s\n%s", b.name, state, err, want, b.mainText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) set(sel, value string) {
	b.t.Helper()
	b.do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

func (b *browser) typeIn(sel, value string) {
	b.t.Helper()
	clear := fmt.Sprintf(`document.querySelector(%q).value = ""`, sel)
	b.do("type in "+sel, chromedp.Evaluate[chromedp.Void](clear), chromedp.SendKeys(chromedp.CSS(sel), value))
}

// evaluate runs a JavaScript expression and returns its value as a T,
// failing the test when it does not answer within 5 s; what names it in
// the failure.
func evaluate[T any](b *browser, what, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("%s: %s: %v", b.name, what, err)
	}
	return v
}

// mainText returns the text of the page's main landmark (or body).
func (b *browser) mainText() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText`))
	if err != nil {
		return "(no text: " + err.Error() + ")"
	}
	return s
}

// see fails unless the page's main text holds every one of texts.
func (b *browser) see(texts ...string) {
	b.t.Helper()
	got := b.mainText()
	for _, s := range texts {
		if !strings.Contains(got, s) {
			b.t.Fatalf("%s on %s: page does not say %q; it says:\n%s", b.name, b.location(), s, got)
		}
	}
}

// attr returns an attribute of the first element matching sel.
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil || !res.Exists {
		b.t.Fatalf("%s: attribute %s of %s: %v", b.name, name, sel, err)
	}
	return res.Value
}

// checkAccessibility runs axe-core on the page and fails on serious or
// critical violations of WCAG 2 A and AA.
func (b *browser) checkAccessibility(page string) {
	b.t.Helper()
	src, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") == "true" {
			b.t.Fatalf("axe-core is missing (%v): run `make test`, which installs it", err)
		}
		testnote.Add("accessibility NOT CHECKED: no axe-core at %s (run `make test` to install it)", axePath)
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		b.t.Fatalf("load axe-core: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"]}}).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html)})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core on %s: %v", page, err)
	}
	var violations []struct {
		ID    string
		Help  string
		Nodes []string
	}
	if err := json.Unmarshal(raw, &violations); err != nil {
		b.t.Fatalf("read axe-core result: %v", err)
	}
	for _, v := range violations {
		b.t.Errorf("%s: accessibility: %s (%s) on %s", page, v.Help, v.ID, strings.Join(v.Nodes, " | "))
	}
}

// saveScreenshot writes a full-page PNG for a person's window into
// testdata/failures, so a failing run shows what the browser showed.
func (b *browser) saveScreenshot(label string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("%s: no screenshot: %v", b.name, err)
		return
	}
	dir := filepath.Join("testdata", "failures")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("screenshot: %v", err)
		return
	}
	name := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", sanitize(b.t.Name()), b.name, label))
	if err := os.WriteFile(name, png, 0o644); err != nil {
		b.t.Logf("screenshot: %v", err)
		return
	}
	abs, _ := filepath.Abs(name)
	b.t.Logf("%s: screenshot of %s saved to %s", b.name, b.location(), abs)
}

func sanitize(s string) string {
	return regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(s, "_")
}

// value returns the value of the first input matching sel.
func (b *browser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("%s: value of %s: %v", b.name, sel, err)
	}
	return v
}

// navigateAndWait loads an absolute address and waits for its body.
func navigateAndWait(url string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body"))}
}

// selectOptionContaining chooses the first option of a select whose text
// holds text, as a person picking from the list would.
func selectOptionContaining(sel, text string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => {
		const s = document.querySelector(%q);
		if (!s) throw new Error("no select " + %q);
		const o = Array.from(s.options).find(o => o.text.includes(%q));
		if (!o) throw new Error("no option with " + %q);
		s.value = o.value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
	})()`, sel, sel, text, text)
	return chromedp.Evaluate[chromedp.Void](js)
}

// startDemo boots Roundtable on a free port with a fresh SQLite database
// filled with the demo data, sending e-mail to the test's SMTP server.
func startDemo(t *testing.T, smtp *mailtest.Server) *Main { return startDemoOn(t, smtp, nil) }

// startDemoOn is startDemo on a clock of the test's (nil: the real one).
func startDemoOn(t *testing.T, smtp *mailtest.Server, now func() time.Time) *Main {
	t.Helper()
	m := NewMain()
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DatabaseURL = "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	m.Config.LogLevel = "warn"
	m.Mailer = smtp.Mailer(t)
	m.SeedDemo = true
	m.Now = now
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("start Roundtable: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// importAccepted imports the CSV into the program as an organizer would,
// accepts every imported applicant whose name matches query, and fails
// unless there are want of them.
func importAccepted(t *testing.T, m *Main, programID, csv, query string, want int) []*roundtable.Applicant {
	t.Helper()
	sys := roundtable.NewSystemContext(context.Background())
	applicants := sqldb.NewApplicantService(m.DB)
	if _, err := applicants.ImportApplicants(sys, programID, strings.NewReader(csv)); err != nil {
		t.Fatalf("import: %v", err)
	}
	imported, err := applicants.ListApplicants(sys, programID, roundtable.ApplicantFilter{Query: query})
	if err != nil || len(imported) != want {
		t.Fatalf("got %d imported applicants (%v), want %d", len(imported), err, want)
	}
	for _, a := range imported {
		if err := applicants.SetApplicantStatus(sys, a.ID, roundtable.StatusAccepted); err != nil {
			t.Fatalf("accept %s: %v", a.Name, err)
		}
	}
	return imported
}
