package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

// programForm is a valid program form.
func programForm() url.Values {
	return url.Values{
		"name": {"Spring Leaders"}, "purpose": {"Peer learning for new directors."},
		"start_date": {"2027-03-01"}, "end_date": {"2027-09-30"}, "cadence": {"monthly"},
		"session_minutes": {"90"}, "size_min": {"6"}, "size_target": {"7"}, "size_max": {"8"},
		"time_zone": {"Europe/Paris"}, "ground_rules": {"What is said here stays here.\nWe listen."},
		"applications_open": {"on"},
	}
}

func TestPrograms(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	b := a.browser().signInAs(org)

	b.get("/programs").want(t, http.StatusOK).contains(t, "Create your first program")
	b.get("/programs/new").want(t, http.StatusOK).contains(t, `<option value="monthly" selected>`, `value="90"`,
		`id="f-size_min" name="size_min" value="6"`, `<option value="Europe/Paris" selected>`, "Confidentiality", `name="applications_open" value="on" checked`)

	t.Run("FieldErrors", func(t *testing.T) {
		f := programForm()
		f.Set("name", "")
		f.Set("end_date", "2027-01-01")
		f.Set("size_max", "many")
		f.Set("purpose", "Keep this text")
		r := b.post("/programs/new", f).want(t, http.StatusUnprocessableEntity)
		r.contains(t, "Please correct the 3 highlighted fields", `href="#f-name"`, `href="#f-end_date"`, `href="#f-size_max"`,
			"Keep this text", `value="many"`, "The end date must be after the start date")
	})

	r := b.post("/programs/new", programForm()).want(t, http.StatusSeeOther)
	if !strings.HasPrefix(r.Location, "/programs/") {
		t.Fatalf("got redirect %q, want the program's page", r.Location)
	}
	id := strings.TrimPrefix(r.Location, "/programs/")
	b.follow(r).want(t, http.StatusOK).contains(t, "Program created", "Spring Leaders", testBase+"/apply/"+id, "Next steps")

	b.get("/programs/"+id+"/edit").want(t, http.StatusOK).contains(t, `value="Spring Leaders"`, `value="2027-03-01"`)
	f := programForm()
	f.Set("name", "Spring Leaders 2027")
	f.Del("applications_open")
	r = b.post("/programs/"+id+"/edit", f).want(t, http.StatusSeeOther)
	b.follow(r).contains(t, "Program saved", "Spring Leaders 2027", "Applications are closed")
	a.browser().get("/apply/"+id).want(t, http.StatusNotFound)

	// Someone who does not organize it cannot tell it exists.
	other := a.user("other@example.org", "Otto Other", true)
	ob := a.browser().signInAs(other)
	ob.get("/programs/"+id).want(t, http.StatusNotFound)
	ob.post("/programs/"+id+"/edit", programForm()).want(t, http.StatusNotFound)
	member := a.user("mia@example.org", "Mia Member", false)
	a.browser().signInAs(member).get("/programs/new").want(t, http.StatusForbidden)
}

func TestApply(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Open Program")
	b := a.browser()
	b.get("/apply/"+p.ID).want(t, http.StatusOK).contains(t, "Apply to Open Program", `name="slot" value="Mon 09:00-12:00"`,
		`data-browser-zone`, `<option value="Pacific/Auckland">`, `<option value="6">Head of an organization`)

	form := url.Values{
		"name": {"Ana Applicant"}, "email": {"ana@example.org"}, "title": {"Director"}, "organization": {"Acme"},
		"sector": {"Non-profit"}, "industry": {"Health"}, "function": {"Operations"}, "level": {"4"},
		"time_zone": {"America/Sao_Paulo"}, "slot": {"Tue 09:00-12:00", "Thu 17:00-20:00"},
		"availability": {"Sat 10:00-11:00"}, "goals": {"Delegate more."}, "topics": {"Hiring"}, "avoid": {"Bob at Acme"},
	}
	t.Run("FieldErrors", func(t *testing.T) {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("email", "ana@")
		f.Set("level", "9")
		f.Set("availability", "Someday 9-5")
		r := b.post("/apply/"+p.ID, f).want(t, http.StatusUnprocessableEntity)
		r.contains(t, `href="#f-email"`, `href="#f-level"`, `href="#f-availability"`, `value="Ana Applicant"`,
			`value="Tue 09:00-12:00" aria-label="Tuesday 09:00–12:00" checked`, "Delegate more.", `<option value="America/Sao_Paulo" selected>`)
		r.lacks(t, "data-browser-zone")
	})

	r := b.post("/apply/"+p.ID, form).want(t, http.StatusSeeOther)
	if r.Location != "/apply/"+p.ID+"/thanks" {
		t.Fatalf("got redirect %q, want the thanks page", r.Location)
	}
	b.follow(r).want(t, http.StatusOK).contains(t, "Thank you for applying")
	list, err := a.svc.Applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("got %d applicants (%v), want 1", len(list), err)
	}
	if got, want := list[0].Availability, "Tue 09:00-12:00;Thu 17:00-20:00;Sat 10:00-11:00"; got != want {
		t.Errorf("got availability %q, want %q", got, want)
	}
	if got := a.deliver(); len(got) == 0 || got[0].To != "ana@example.org" {
		t.Errorf("got mails %v, want a confirmation to the applicant", got)
	}

	// Applying twice is a clear error on the e-mail field.
	r = b.post("/apply/"+p.ID, form).want(t, http.StatusUnprocessableEntity)
	r.contains(t, `href="#f-email"`, "already applied")
}

func TestApplicants(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Review Program")
	ap := a.applicant(org, p, "ana@example.org", "Ana Applicant", "Delegate more.", false)
	a.applicant(org, p, "ben@example.org", "Ben Bright", "Speak up.", true)
	b := a.browser().signInAs(org)

	b.get("/programs/"+p.ID+"/applicants").want(t, http.StatusOK).contains(t, "Ana Applicant", "Ben Bright", `data-label="Status"`)
	b.get("/programs/"+p.ID+"/applicants?status=accepted").want(t, http.StatusOK).contains(t, "Ben Bright").lacks(t, "Ana Applicant")
	b.get("/programs/"+p.ID+"/applicants?q=ana").want(t, http.StatusOK).contains(t, "Ana Applicant").lacks(t, "Ben Bright")
	b.get("/programs/"+p.ID+"/applicants?placed=yes").want(t, http.StatusOK).contains(t, "Nobody matches these filters")
	b.get("/programs/"+p.ID+"/applicants?level=99&status=bogus&sector=%3Cb%3E").want(t, http.StatusOK)

	b.get("/programs/"+p.ID+"/applicants/"+ap.ID).want(t, http.StatusOK).contains(t, "Delegate more.", "Mon 09:00-12:00", "Manager of managers", ">Accept</button>")
	r := b.post("/programs/"+p.ID+"/applicants/"+ap.ID+"/status", url.Values{"status": {"accepted"}}).want(t, http.StatusSeeOther)
	b.follow(r).contains(t, "Ana Applicant is now accepted")
	b.post("/programs/"+p.ID+"/applicants/"+ap.ID+"/status", url.Values{"status": {"bogus"}}).want(t, http.StatusUnprocessableEntity)

	// The applicant of one program is not found under another.
	other := a.program(org, "Other Program")
	b.get("/programs/"+other.ID+"/applicants/"+ap.ID).want(t, http.StatusNotFound)
}

// uploadCSV posts a CSV file to the import form.
func uploadCSV(b *browser, path, content string) *response {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", "applicants.csv")
	fw.Write([]byte(content))
	w.Close()
	return b.do(http.MethodPost, path, &body, w.FormDataContentType())
}

func TestApplicantImport(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Import Program")
	b := a.browser().signInAs(org)
	path := "/programs/" + p.ID + "/applicants/import"
	b.get(path).want(t, http.StatusOK).contains(t, "name,email,title,organization,sector,industry,function,level,timezone,availability,goals,topics,avoid")

	header := "name,email,title,organization,sector,industry,function,level,timezone,availability,goals,topics,avoid\n"
	good := "Ana Applicant,ana@example.org,Director,Acme,Private,Tech,Ops,3,Europe/Paris,Mon 09:00-12:00,Grow,AI,\n"
	bad := "Ben Bright,not-an-email,,Beta,Private,,,3,Europe/Paris,Mon 09:00-12:00,,,\n" +
		"Cy Clear,cy@example.org,,Gamma,Spaceships,,,9,Nowhere/City,Someday,,,\n"

	r := uploadCSV(b, path, header+good+bad).want(t, http.StatusUnprocessableEntity)
	r.contains(t, "Nothing was imported", "Line 3:", "Line 4:")
	if list, _ := a.svc.Applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{}); len(list) != 0 {
		t.Errorf("got %d applicants after a rejected import, want 0", len(list))
	}
	b.post(path, url.Values{}).want(t, http.StatusUnprocessableEntity).contains(t, "Choose a CSV file")

	r = uploadCSV(b, path, header+good+"Dee Dale,dee@example.org,,Delta,Public,,,2,Asia/Tokyo,Fri 10:00-12:00,,,\n").want(t, http.StatusSeeOther)
	b.follow(r).contains(t, "Imported 2 applicants", "Ana Applicant", "Dee Dale")

	// Larger than 5 MiB: a friendly refusal.
	uploadCSV(b, path, header+strings.Repeat(good, (6<<20)/len(good))).want(t, http.StatusRequestEntityTooLarge)
}
