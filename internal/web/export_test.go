package web

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

// unzip returns the files of a zip response by name.
func unzip(t *testing.T, body string) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("read zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

func TestAccount_Export(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Export Program")
	c := a.circle(org, p, "Circle E")
	mia := a.member(org, c, a.applicant(org, p, "mia@example.org", "Mia Member", "Grow <b>bold</b> MIA-GOALS", true), "Europe/Paris")
	kim := a.member(org, c, a.applicant(org, p, "kim@example.org", "Kim Other", "KIM-GOALS", true), "Europe/Paris")
	if err := a.svc.Circles.SetGoals(as(mia), c.ID, []string{"MIA-CIRCLE-GOAL"}); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Circles.SetGoals(as(kim), c.ID, []string{"KIM-CIRCLE-GOAL"}); err != nil {
		t.Fatal(err)
	}
	b := a.browser().signInAs(mia)
	b.get("/account").want(t, http.StatusOK).contains(t, `action="/account/export"`, "Download my data", `href="/account/delete"`)
	r := b.post("/account/export", nil).want(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/zip" {
		t.Fatalf("got Content-Type %q, want application/zip", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="roundtable-data-`) {
		t.Fatalf("got Content-Disposition %q, want an attachment", cd)
	}
	files := unzip(t, r.Body)
	var js, page string
	for name, body := range files {
		switch {
		case strings.HasSuffix(name, "/data.json"):
			js = body
		case strings.HasSuffix(name, "/data.html"):
			page = body
		}
	}
	for what, body := range map[string]string{"JSON": js, "HTML": page} {
		if !strings.Contains(body, "MIA-CIRCLE-GOAL") || !strings.Contains(body, "MIA-GOALS") || !strings.Contains(body, "mia@example.org") {
			t.Errorf("the %s file lacks her goals or address", what)
		}
		if strings.Contains(body, "KIM-") || strings.Contains(body, "kim@example.org") {
			t.Errorf("the %s file holds another member's words", what)
		}
	}
	// Self-contained and escaped: nothing fetched, her words never markup.
	for _, bad := range []string{"<b>bold</b>", "src=", "href=", "<link", "<script", "http://", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("the HTML copy holds %q", bad)
		}
	}
	a.browser().post("/account/export", nil).want(t, http.StatusSeeOther) // signed out: to the sign-in page
}
