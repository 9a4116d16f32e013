package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// whatIfApplicants adds 15 accepted people no circle of 4–6 with
// organizations kept apart can hold: ten free on Monday mornings from three
// organizations, five of five others free for one hour on Tuesdays.
func (a *app) whatIfApplicants(org *roundtable.User, p *roundtable.Program) {
	a.t.Helper()
	for i := range 15 {
		ap := &roundtable.Applicant{ProgramID: p.ID, Name: fmt.Sprintf("Person %02d", i), Email: fmt.Sprintf("w%02d@example.org", i),
			Title: "Head of Operations", Organization: fmt.Sprintf("Org %d", i%3), Sector: "Private", Level: 3,
			TimeZone: "Europe/Paris", Availability: "Mon 08:00-13:00", Goals: "Grow."}
		if i >= 10 {
			ap.Organization, ap.Availability = fmt.Sprintf("Solo %d", i), "Tue 08:00-09:00"
		}
		if err := a.svc.Applicants.Apply(context.Background(), ap); err != nil {
			a.t.Fatal(err)
		}
		if err := a.svc.Applicants.SetApplicantStatus(as(org), ap.ID, roundtable.StatusAccepted); err != nil {
			a.t.Fatal(err)
		}
	}
}

// whatIfDone waits until a draft's what-ifs are stored.
func (a *app) whatIfDone(org *roundtable.User, id string) *roundtable.FormationPreview {
	a.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pv := a.settledDraft(org, id)
		if w := pv.Draft.WhatIf; w != nil && !w.Pending {
			return pv
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("what-ifs not stored after 60 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestFormation_WhatIf: the preview and the settings page say, in sentences,
// how many more people re-runs with one setting changed placed.
func TestFormation_WhatIf(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "What-if Program")
	a.whatIfApplicants(org, p)
	base := "/programs/" + p.ID + "/formation"
	a.browser().signInAs(org).get(base).want(t, http.StatusOK).lacks(t, "What would place more people?")

	form := formationForm()
	form.Set("size_min", "4")
	form.Set("size_max", "6")
	form.Set("separate_organizations", "on")
	r := a.browser().signInAs(org).post(base, form).want(t, http.StatusSeeOther)
	pv := a.whatIfDone(org, strings.TrimPrefix(r.Location, base+"/"))
	sentences := pv.Draft.WhatIf.Sentences()
	if len(sentences) != 3 || sentences[0] != "With 60-minute sessions, 5 more people would be placed." ||
		sentences[2] != "If organizations were not kept apart, 10 more people would be placed." {
		t.Fatalf("got %q, want three what-ifs", sentences)
	}
	want := append([]string{"What would place more people?", "The search placed 0 of 15 people."}, sentences...)
	a.browser().signInAs(org).get(r.Location).want(t, http.StatusOK).contains(t, want...).lacks(t, "See the proposal")
	// Fifteen people are few enough for the search to prove its count: the
	// preview says no arrangement places more.
	if !pv.Draft.Result.PlacedOptimal {
		t.Fatal("the run did not prove that no arrangement places more people")
	}
	a.browser().signInAs(org).get(r.Location).want(t, http.StatusOK).contains(t, "no arrangement of them places more")

	want = append([]string{"What would place more people?", "placed 0 of 15 people", "circles of 4–6, 90-minute sessions, organizations kept apart", `href="` + r.Location + `"`}, sentences...)
	a.browser().signInAs(org).get(base).want(t, http.StatusOK).contains(t, want...).lacks(t, "has changed since")

	// One more person accepted: the figures are from before, and the page says so.
	a.applicant(org, p, "late@example.org", "Lena Late", "Grow.", true)
	a.browser().signInAs(org).get(base).want(t, http.StatusOK).
		contains(t, "The number of people waiting has changed since (15 then, 16 now): propose again for figures with today&#39;s applicants.",
			`<input type="hidden" name="size_min" value="4">`, `<input type="hidden" name="separate_organizations" value="on">`, "Propose again with the same settings")
	// The button proposes again with the same settings for the 16 waiting now.
	again := formationForm()
	again.Set("size_min", "4")
	again.Set("size_max", "6")
	again.Set("separate_organizations", "on")
	r = a.browser().signInAs(org).post(base, again).want(t, http.StatusSeeOther)
	pv = a.whatIfDone(org, strings.TrimPrefix(r.Location, base+"/"))
	if pv.Draft.WhatIf.People != 16 {
		t.Fatalf("got what-ifs of %d people, want the 16 waiting now", pv.Draft.WhatIf.People)
	}
	a.browser().signInAs(org).get(base).want(t, http.StatusOK).contains(t, "of 16 people").lacks(t, "has changed since")
}

// TestFormation_WhatIfPending: while the re-runs go on, both pages say so.
func TestFormation_WhatIfPending(t *testing.T) {
	d := &roundtable.FormationDraft{ID: "d1", Status: roundtable.FormationReady, WhatIf: &roundtable.FormationWhatIfs{Pending: true, People: 3}}
	pv := &roundtable.FormationPreview{Draft: d, Unplaced: []*roundtable.PreviewUnplaced{{}}}
	if v := draftWhatIf(pv); v == nil || !v.Pending {
		t.Errorf("got %+v for the preview, want pending", v)
	}
	if v := settingsWhatIf("p1", []*roundtable.FormationDraft{d}, 3); v == nil || !v.Pending || v.Link != "/programs/p1/formation/d1" {
		t.Errorf("got %+v for the settings page, want pending with a link to the draft", v)
	}
	pv.Unplaced = nil
	if v := draftWhatIf(pv); v != nil {
		t.Errorf("got %+v with everyone placed, want nothing", v)
	}
}
