package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

// questionProgram creates an open program that asks for gender (nobody the
// only one) and, required, a career stage.
func (a *app) questionProgram(org *roundtable.User) *roundtable.Program {
	a.t.Helper()
	p := a.program(org, "Question Program")
	p.Questions = []roundtable.Question{
		{Label: "Gender", Choices: []string{"Woman", "Man", "Non-binary"}, NeverAlone: true},
		{Label: "Career stage", Choices: []string{"Early", "Late"}, Required: true},
	}
	if err := a.svc.Programs.UpdateProgram(as(org), p); err != nil {
		a.t.Fatalf("add questions: %v", err)
	}
	return p
}

func TestProgramQuestions(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	b := a.browser().signInAs(org)
	b.get("/programs/new").want(t, http.StatusOK).contains(t, `name="q1_label"`, `name="q2_choices"`, "Add a question",
		"Nobody should be the only one of an answer in a circle").lacks(t, `name="q3_label"`)

	t.Run("ErrOneChoice", func(t *testing.T) {
		f := programForm()
		// A blank first row is skipped: the question moves up to row 1.
		f.Set("q2_label", "Gender")
		f.Set("q2_choices", "Woman")
		f.Set("q2_never_alone", "on")
		r := b.post("/programs/new", f).want(t, http.StatusUnprocessableEntity)
		r.contains(t, `href="#f-q1_choices"`, "Give at least two answers", `id="f-q1_label" name="q1_label" value="Gender"`,
			`name="q1_never_alone" value="on" checked`)
	})

	f := programForm()
	f.Set("q1_label", "Gender")
	f.Set("q1_choices", "Woman\r\nMan\r\nNon-binary")
	f.Set("q1_never_alone", "on")
	f.Set("q2_label", "Career stage")
	f.Set("q2_choices", "Early, Late")
	f.Set("q2_required", "on")
	r := b.post("/programs/new", f).want(t, http.StatusSeeOther)
	id := strings.TrimPrefix(r.Location, "/programs/")
	p, err := a.svc.Programs.FindProgramByID(as(org), id)
	if err != nil {
		t.Fatal(err)
	}
	want := []roundtable.Question{
		{Key: "gender", Label: "Gender", Choices: []string{"Woman", "Man", "Non-binary"}, NeverAlone: true},
		{Key: "career_stage", Label: "Career stage", Choices: []string{"Early", "Late"}, Required: true},
	}
	if !reflect.DeepEqual(p.Questions, want) {
		t.Fatalf("got questions %+v, want %+v", p.Questions, want)
	}

	// Editing keeps each question's key; a ticked question is removed.
	edit := b.get("/programs/"+id+"/edit").want(t, http.StatusOK)
	edit.contains(t, `name="q1_key" value="gender"`, `value="Career stage"`, "Woman\nMan\nNon-binary", "Remove this question", `name="q4_label"`)
	f = programForm()
	f.Set("q1_key", "gender")
	f.Set("q1_label", "Gender identity")
	f.Set("q1_choices", "Woman\nMan\nNon-binary")
	f.Set("q2_key", "career_stage")
	f.Set("q2_label", "Career stage")
	f.Set("q2_choices", "Early\nLate")
	f.Set("q2_remove", "on")
	b.post("/programs/"+id+"/edit", f).want(t, http.StatusSeeOther)
	p, _ = a.svc.Programs.FindProgramByID(as(org), id)
	if len(p.Questions) != 1 || p.Questions[0].Key != "gender" || p.Questions[0].Label != "Gender identity" || p.Questions[0].NeverAlone {
		t.Fatalf("got %+v, want the renamed gender question alone, no longer marked", p.Questions)
	}
}

func TestApplyQuestions(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	// An application sent before the program had questions shows none answered.
	plain := a.program(org, "Plain")
	early := a.applicant(org, plain, "early@example.org", "Eddie Early", "Grow.", false)
	plain.Questions = []roundtable.Question{{Label: "Gender", Choices: []string{"Woman", "Man"}}}
	if err := a.svc.Programs.UpdateProgram(as(org), plain); err != nil {
		t.Fatal(err)
	}
	a.browser().signInAs(org).get("/programs/"+plain.ID+"/applicants/"+early.ID).want(t, http.StatusOK).
		contains(t, "<dt>Gender</dt><dd>Not answered</dd>")

	p := a.questionProgram(org)
	b := a.browser()
	b.get("/apply/"+p.ID).want(t, http.StatusOK).contains(t, "<legend>Gender (optional)</legend>", "<legend>Career stage</legend>",
		`type="radio" id="f-answer_gender" name="answer_gender" value="Woman"`, `id="f-answer_gender-none" name="answer_gender" value=""`).
		lacks(t, "f-answer_career_stage-none")

	form := url.Values{
		"name": {"Ana Applicant"}, "email": {"ana@example.org"}, "organization": {"Acme"},
		"sector": {"Non-profit"}, "level": {"4"}, "time_zone": {"Europe/Paris"}, "slot": {"Tue 09:00-12:00"},
		"goals": {"Delegate more."}, "answer_gender": {"Woman"},
	}
	r := b.post("/apply/"+p.ID, form).want(t, http.StatusUnprocessableEntity)
	r.contains(t, `href="#f-answer_career_stage"`, "Choose an answer to “Career stage”",
		`id="f-answer_gender" name="answer_gender" value="Woman" checked`)

	form.Set("answer_gender", "Robot")
	form.Set("answer_career_stage", "Late")
	b.post("/apply/"+p.ID, form).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-answer_gender"`, "Woman, Man, Non-binary")

	form.Set("answer_gender", "Woman")
	b.post("/apply/"+p.ID, form).want(t, http.StatusSeeOther)
	list, err := a.svc.Applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("got %d applicants (%v), want 1", len(list), err)
	}
	if want := map[string]string{"gender": "Woman", "career_stage": "Late"}; !reflect.DeepEqual(list[0].Answers, want) {
		t.Errorf("got answers %v, want %v", list[0].Answers, want)
	}
	ob := a.browser().signInAs(org)
	ob.get("/programs/"+p.ID+"/applicants/"+list[0].ID).want(t, http.StatusOK).
		contains(t, "<dt>Gender</dt><dd>Woman</dd>", "<dt>Career stage</dt><dd>Late</dd>")

	// "Prefer not to say" sends an empty answer.
	form.Set("email", "bo@example.org")
	form.Set("answer_gender", "")
	b.post("/apply/"+p.ID, form).want(t, http.StatusSeeOther)
	list, _ = a.svc.Applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{Query: "bo@"})
	if len(list) != 1 || list[0].Answers["gender"] != "" {
		t.Fatalf("got %+v, want Bo without a gender", list)
	}
	ob.get("/programs/"+p.ID+"/applicants/"+list[0].ID).want(t, http.StatusOK).contains(t, "<dt>Gender</dt><dd>Not answered</dd>")
}

func TestApplicantImportQuestions(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.questionProgram(org)
	b := a.browser().signInAs(org)
	path := "/programs/" + p.ID + "/applicants/import"
	b.get(path).want(t, http.StatusOK).contains(t, "<code>gender</code>", "Woman, Man, Non-binary", "<code>career_stage</code>")

	head := "name,email,organization,sector,level,timezone,availability,gender,Career stage\n"
	row := func(name, gender, stage string) string {
		return fmt.Sprintf("%s,%s@example.org,Acme,Private,3,Europe/Paris,Mon 09:00-12:00,%s,%s\n", name, strings.ToLower(name), gender, stage)
	}
	r := uploadCSV(b, path, head+row("Ann", "Woman", "Early")+row("Ben", "Wizard", "Late")).want(t, http.StatusUnprocessableEntity)
	r.contains(t, "Nothing was imported", "Line 3: gender: Choose one of the answers to “Gender”")
	if list, _ := a.svc.Applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{}); len(list) != 0 {
		t.Fatalf("got %d applicants after a rejected import, want 0", len(list))
	}
	r = uploadCSV(b, path, head+row("Ann", "woman", "Early")+row("Ben", "", "Late")).want(t, http.StatusSeeOther)
	b.follow(r).contains(t, "Imported 2 applicants")
}

func TestFormationNeverAlone(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.questionProgram(org)
	for i := range 6 {
		ap := &roundtable.Applicant{
			ProgramID: p.ID, Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.org", i),
			Organization: fmt.Sprintf("Org %d", i), Sector: "Private", Level: 3, TimeZone: "Europe/Paris",
			Availability: "Mon 09:00-12:00", Answers: map[string]string{"gender": "Man", "career_stage": "Early"},
		}
		if i == 0 {
			ap.Answers["gender"] = "Woman"
		}
		if err := a.svc.Applicants.Apply(context.Background(), ap); err != nil {
			t.Fatal(err)
		}
		if err := a.svc.Applicants.SetApplicantStatus(as(org), ap.ID, roundtable.StatusAccepted); err != nil {
			t.Fatal(err)
		}
	}
	b := a.browser().signInAs(org)
	b.get("/programs/"+p.ID+"/formation").want(t, http.StatusOK).
		contains(t, "Nobody the only one", "Nobody is the only one of an answer to: Gender.", `name="weight_never_alone"`)
	pv := a.readyDraft(org, p)
	r := b.get("/programs/"+p.ID+"/formation/"+pv.Draft.ID).want(t, http.StatusOK)
	// One woman among six: whichever circle she is in, she is the only one.
	r.contains(t, "Nobody the only one", "only one of Gender: Woman")
}
