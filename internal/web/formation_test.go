package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// formationForm is a valid settings form with a one-second budget.
func formationForm() url.Values {
	v := url.Values{"size_min": {"3"}, "size_max": {"5"}, "seconds": {"1"}, "time_zone": {"Europe/Paris"}}
	for _, g := range roundtable.FormationGoals {
		v.Set(g.Field, "normal")
	}
	return v
}

// readyDraft starts a run through the service and waits until it settles.
func (a *app) readyDraft(org *roundtable.User, p *roundtable.Program) *roundtable.FormationPreview {
	a.t.Helper()
	s := roundtable.DefaultFormationSettings(p)
	s.SizeMin, s.SizeMax, s.Seconds = 2, 4, 1
	d, err := a.svc.Formations.StartFormation(as(org), p.ID, s)
	if err != nil {
		a.t.Fatalf("start formation: %v", err)
	}
	return a.settledDraft(org, d.ID)
}

// settledDraft waits until a draft is no longer running.
func (a *app) settledDraft(org *roundtable.User, id string) *roundtable.FormationPreview {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		pv, err := a.svc.Formations.FindFormationPreview(as(org), id)
		if err != nil {
			a.t.Fatalf("find draft: %v", err)
		}
		if pv.Draft.Status != roundtable.FormationRunning {
			return pv
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("draft still running after 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestFormation(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	stranger := a.user("sam@example.org", "Sam Stranger", true)
	p := a.program(org, "Formation Program")
	for i := range 9 {
		a.applicant(org, p, fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("Person %d", i), "Grow.", true)
	}
	base := "/programs/" + p.ID + "/formation"

	t.Run("Settings", func(t *testing.T) {
		a.browser().signInAs(org).get("/programs/"+p.ID).want(t, http.StatusOK).contains(t, `href="`+base+`"`, "Form circles")
		a.browser().signInAs(org).get(base).want(t, http.StatusOK).
			contains(t, "9 accepted people", `name="size_min" value="2"`, "Keep people from the same organization apart", `name="seconds" value="10"`, "Similar levels")
		a.browser().signInAs(stranger).get(base).want(t, http.StatusNotFound)
		a.browser().get(base).want(t, http.StatusSeeOther)
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		bad := formationForm()
		bad.Set("size_min", "two")
		bad.Set("seconds", "500")
		bad.Set("weight_sector", "extreme")
		a.browser().signInAs(org).post(base, bad).want(t, http.StatusUnprocessableEntity).
			contains(t, "There is a problem", "Enter the smallest circle size as a whole number", "Enter a time between 1 and 120 seconds", "Choose how much this counts", `href="#f-size_min"`)
	})

	t.Run("SettingsError", func(t *testing.T) {
		// Nine people cannot make circles of at least ten.
		f := formationForm()
		f.Set("size_min", "10")
		f.Set("size_max", "12")
		r := a.browser().signInAs(org).post(base, f)
		if r.Code == http.StatusSeeOther {
			// The run did not fail at once: its draft page shows the settings with the reason.
			a.settledDraft(org, strings.TrimPrefix(r.Location, base+"/"))
			r = a.browser().signInAs(org).get(r.Location)
		}
		r.contains(t, "There is a problem", `name="size_min" value="10"`).lacks(t, "grouping:")
	})

	var pv *roundtable.FormationPreview
	t.Run("Preview", func(t *testing.T) {
		r := a.browser().signInAs(org).post(base, formationForm()).want(t, http.StatusSeeOther)
		if !strings.HasPrefix(r.Location, base+"/") {
			t.Fatalf("got redirect to %q, want the draft", r.Location)
		}
		pv = a.settledDraft(org, strings.TrimPrefix(r.Location, base+"/"))
		if pv.Draft.Status != roundtable.FormationReady {
			t.Fatalf("got %s %q, want ready", pv.Draft.Status, pv.Draft.Message)
		}
		page := a.browser().signInAs(org).get(r.Location).want(t, http.StatusOK)
		page.contains(t, "Proposed circles", "overall score", "weakest circle", "Circle 1", "Levels", "Sectors", "Unplaced", "Publish these circles", "Person 0", "America/New_York").
			lacks(t, `http-equiv="refresh"`)
		a.browser().signInAs(stranger).get(r.Location).want(t, http.StatusNotFound)
		other := a.program(org, "Other Program")
		a.browser().signInAs(org).get("/programs/"+other.ID+"/formation/"+pv.Draft.ID).want(t, http.StatusNotFound)
		a.browser().signInAs(org).get(base).want(t, http.StatusOK).contains(t, "Earlier proposals", "Ready to review")
	})

	t.Run("Running", func(t *testing.T) {
		// A run in progress, as a service reports it while the search goes on.
		running := &roundtable.FormationDraft{ID: pv.Draft.ID, ProgramID: p.ID, Status: roundtable.FormationRunning, Progress: 0.42,
			Settings: roundtable.FormationSettings{Seconds: 60, TimeZone: "UTC"}}
		svc := a.svc
		svc.Formations = runningFormations{FormationService: a.svc.Formations, draft: running}
		srv, err := New(svc, Config{BaseURL: testBase})
		if err != nil {
			t.Fatal(err)
		}
		b := *a
		b.srv = srv
		b.browser().signInAs(org).get(base+"/"+pv.Draft.ID).want(t, http.StatusOK).contains(t, `<meta http-equiv="refresh" content="2">`, "42%", "Forming circles")
	})

	t.Run("Move", func(t *testing.T) {
		path := base + "/" + pv.Draft.ID
		mover := pv.Circles[0].Members[0].Applicant
		r := a.browser().signInAs(org).post(path+"/move", url.Values{"applicant_id": {mover.ID}, "to": {"0"}}).want(t, http.StatusSeeOther)
		if !strings.HasPrefix(r.Location, path) {
			t.Fatalf("got redirect %q, want the draft", r.Location)
		}
		after := a.settledDraft(org, pv.Draft.ID)
		if len(after.Unplaced) != len(pv.Unplaced)+1 || len(after.Circles[0].Members) != len(pv.Circles[0].Members)-1 {
			t.Fatalf("got %d unplaced, want %d and circle 1 rescored", len(after.Unplaced), len(pv.Unplaced)+1)
		}
		a.browser().signInAs(org).get(path).want(t, http.StatusOK).contains(t, "Moved out by hand")
		// A bad target or person is a message, never a server error.
		a.browser().signInAs(org).post(path+"/move", url.Values{"applicant_id": {mover.ID}, "to": {"x"}}).want(t, http.StatusSeeOther)
		a.browser().signInAs(org).post(path+"/move", url.Values{"applicant_id": {"nobody"}, "to": {"1"}}).want(t, http.StatusSeeOther)
		a.browser().signInAs(stranger).post(path+"/move", url.Values{"applicant_id": {mover.ID}, "to": {"1"}}).want(t, http.StatusNotFound)
		// Back into circle 1.
		a.browser().signInAs(org).post(path+"/move", url.Values{"applicant_id": {mover.ID}, "to": {"1"}}).want(t, http.StatusSeeOther)
		pv = a.settledDraft(org, pv.Draft.ID)
	})

	t.Run("Publish", func(t *testing.T) {
		path := base + "/" + pv.Draft.ID
		a.browser().signInAs(stranger).post(path+"/publish", nil).want(t, http.StatusNotFound)
		a.deliver()
		b := a.browser().signInAs(org)
		r := b.post(path+"/publish", nil).want(t, http.StatusSeeOther)
		if r.Location != "/programs/"+p.ID+"/circles" {
			t.Fatalf("got redirect %q, want the circles page", r.Location)
		}
		b.get(r.Location).want(t, http.StatusOK).contains(t, "Circle 1", "Published:")
		invites := 0
		for _, m := range a.deliver() {
			if inviteRE.MatchString(m.Text) {
				invites++
			}
		}
		if invites != pv.Placed() {
			t.Fatalf("got %d invitations, want %d", invites, pv.Placed())
		}
		// Publishing twice is refused with a message.
		b.post(path+"/publish", nil).want(t, http.StatusSeeOther)
		b.get(path).want(t, http.StatusOK).contains(t, "published already").lacks(t, "Publish these circles")
	})
}

// runningFormations reports one draft as still running.
type runningFormations struct {
	roundtable.FormationService
	draft *roundtable.FormationDraft
}

func (f runningFormations) FindFormationPreview(ctx context.Context, id string) (*roundtable.FormationPreview, error) {
	return &roundtable.FormationPreview{Draft: f.draft}, nil
}
