package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

func TestApplicants_Anonymise(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Anon Program")
	c := a.circle(org, p, "Circle N")
	a.member(org, c, a.applicant(org, p, "mia@example.org", "Mia Member", "Grow", true), "Europe/Paris")
	dee := a.applicant(org, p, "dee@example.org", "Dee Declined", "Grow", false)
	if err := a.svc.Applicants.SetApplicantStatus(as(org), dee.ID, roundtable.StatusDeclined); err != nil {
		t.Fatal(err)
	}
	a.applicant(org, p, "ace@example.org", "Ace Unplaced", "Grow", true)
	ob := a.browser().signInAs(org)
	ob.get("/programs/"+p.ID+"/applicants").want(t, http.StatusOK).contains(t, "Anonymise declined and unplaced now", "90 days")
	ob.get("/programs/"+p.ID+"/applicants/anonymise").want(t, http.StatusOK).contains(t, "2 applicants", "Anonymise 2 applicants")
	stranger := a.browser().signInAs(a.user("sam@example.org", "Sam Stranger", true))
	stranger.get("/programs/"+p.ID+"/applicants/anonymise").want(t, http.StatusNotFound)
	stranger.post("/programs/"+p.ID+"/applicants/anonymise", nil).want(t, http.StatusNotFound)
	r := ob.post("/programs/"+p.ID+"/applicants/anonymise", nil).want(t, http.StatusSeeOther)
	ob.follow(r).want(t, http.StatusOK).contains(t, "2 applicants are anonymised.", roundtable.FormerApplicantName, "Mia Member").
		lacks(t, "Dee Declined", "Ace Unplaced")
	ob.get("/programs/"+p.ID+"/applicants/anonymise").want(t, http.StatusOK).contains(t, "nothing to do")
}

func TestPrograms_AnonymiseDays(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	b := a.browser().signInAs(org)
	for _, bad := range []string{"", "soon", "0", "-5", "4000", "1e3"} {
		f := programForm()
		f.Set("anonymise_after_days", bad)
		b.post("/programs/new", f).want(t, http.StatusUnprocessableEntity).contains(t, `id="f-anonymise_after_days"`, `href="#f-anonymise_after_days"`)
	}
	f := programForm()
	f.Set("anonymise_after_days", "30")
	r := b.post("/programs/new", f).want(t, http.StatusSeeOther)
	id := strings.TrimPrefix(r.Location, "/programs/")
	b.get("/programs/"+id+"/edit").want(t, http.StatusOK).contains(t, `name="anonymise_after_days"`, `value="30"`)
	// A form from before the setting existed keeps the default.
	r = b.post("/programs/new", programForm()).want(t, http.StatusSeeOther)
	id = strings.TrimPrefix(r.Location, "/programs/")
	b.get("/programs/"+id+"/edit").want(t, http.StatusOK).contains(t, `value="90"`)
}
