package sqldb_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

// genderQuestion is a "nobody the only one" question.
func genderQuestion() roundtable.Question {
	return roundtable.Question{Label: "Gender", Choices: []string{"Woman", "Man", "Non-binary"}, NeverAlone: true}
}

// questionProgram creates a program asking for gender and, required, a career stage.
func (e *env) questionProgram(org *roundtable.User) *roundtable.Program {
	e.t.Helper()
	p := newProgram("Questions")
	p.Questions = []roundtable.Question{genderQuestion(),
		{Label: "Career stage", Choices: []string{"Early", "Late"}, Required: true}}
	must(e.t, e.programs.CreateProgram(as(org), p))
	return p
}

func TestProgramService_Questions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.questionProgram(org)
		got, err := e.programs.FindProgramByID(as(org), p.ID)
		must(t, err)
		want := []roundtable.Question{
			{Key: "gender", Label: "Gender", Choices: []string{"Woman", "Man", "Non-binary"}, NeverAlone: true},
			{Key: "career_stage", Label: "Career stage", Choices: []string{"Early", "Late"}, Required: true},
		}
		if !reflect.DeepEqual(got.Questions, want) {
			t.Fatalf("got questions %+v, want %+v", got.Questions, want)
		}

		// Renaming keeps the key; a new question gets its own; the public
		// form sees them.
		got.Questions[1].Label = "Stage of career"
		got.Questions = append(got.Questions, roundtable.Question{Label: "Sector of birth", Choices: []string{"A", "B"}})
		must(t, e.programs.UpdateProgram(as(org), got))
		open, err := e.programs.FindOpenProgram(anon, p.ID)
		must(t, err)
		if len(open.Questions) != 3 || open.Questions[1].Key != "career_stage" || open.Questions[1].Label != "Stage of career" || open.Questions[2].Key != "sector_of_birth" {
			t.Fatalf("got %+v, want the renamed question's key kept and a new key", open.Questions)
		}

		t.Run("ErrInvalid", func(t *testing.T) {
			bad := *open
			bad.Questions = []roundtable.Question{{Label: "Gender", Choices: []string{"Woman"}}}
			err := e.programs.UpdateProgram(as(org), &bad)
			wantCode(t, err, roundtable.EINVALID)
			if roundtable.ErrorFields(err)["q1_choices"] == "" {
				t.Errorf("got %v, want a message for q1_choices", err)
			}
		})

		// Removing every question stores none.
		open.Questions = nil
		must(t, e.programs.UpdateProgram(as(org), open))
		if got, _ := e.programs.FindProgramByID(as(org), p.ID); len(got.Questions) != 0 {
			t.Errorf("got %d questions, want none", len(got.Questions))
		}
	})
}

func TestApplicantService_Answers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.questionProgram(org)

		a := newApplicant(p.ID, "Ann One", "ann@example.org")
		a.Answers = map[string]string{"gender": "woman", "career_stage": "Early", "unknown": "x"}
		must(t, e.applicants.Apply(anon, a))
		got, err := e.applicants.FindApplicantByID(as(org), a.ID)
		must(t, err)
		if want := map[string]string{"gender": "Woman", "career_stage": "Early"}; !reflect.DeepEqual(got.Answers, want) {
			t.Errorf("got answers %v, want %v", got.Answers, want)
		}

		t.Run("ErrInvalid", func(t *testing.T) {
			b := newApplicant(p.ID, "Ben Two", "ben@example.org")
			b.Answers = map[string]string{"gender": "Robot"}
			err := e.applicants.Apply(anon, b)
			wantCode(t, err, roundtable.EINVALID)
			fields := roundtable.ErrorFields(err)
			if fields["answer_gender"] == "" || fields["answer_career_stage"] == "" {
				t.Errorf("got %v, want messages for the bad and the missing answer", fields)
			}
		})

		t.Run("Import", func(t *testing.T) {
			head := "name,email,organization,sector,level,timezone,availability,Gender,career_stage\n"
			row := func(name, gender, stage string) string {
				return fmt.Sprintf("%s,%s@example.org,Acme,Private,3,Europe/Paris,Mon 09:00-12:00,%s,%s\n", name, strings.ToLower(name), gender, stage)
			}
			_, err := e.applicants.ImportApplicants(as(org), p.ID, strings.NewReader(head+row("Cat", "Man", "Late")+row("Dan", "Martian", "Late")))
			var ie *roundtable.ImportError
			if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != 3 || !strings.Contains(ie.Lines[0].Reason, "gender:") {
				t.Fatalf("got %v, want line 3's gender refused", err)
			}
			n, err := e.applicants.ImportApplicants(as(org), p.ID, strings.NewReader(head+row("Cat", "Man", "Late")+row("Dan", "", "early")))
			must(t, err)
			list, err := e.applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{Query: "dan"})
			must(t, err)
			if n != 2 || len(list) != 1 || !reflect.DeepEqual(list[0].Answers, map[string]string{"career_stage": "Early"}) {
				t.Errorf("got %d imported and %+v, want Dan's stage and no gender", n, list)
			}
		})
	})
}

func TestFormationService_NeverAlone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, p, _ := formationEnv(t, e, 0)
		p.Questions = []roundtable.Question{genderQuestion()}
		must(t, e.programs.UpdateProgram(as(org), p))
		// Three women among twelve, in two circles: unless all three share
		// a circle, one of them is the only woman in hers.
		for i := range 12 {
			a := newApplicant(p.ID, fmt.Sprintf("Person %02d", i), fmt.Sprintf("p%02d@example.org", i))
			a.Organization = fmt.Sprintf("Org %d", i)
			a.Sector = roundtable.Sectors[i%len(roundtable.Sectors)]
			a.Answers = map[string]string{"gender": "Man"}
			if i%4 == 0 {
				a.Answers["gender"] = "Woman"
			}
			must(t, e.applicants.Apply(anon, a))
			must(t, e.applicants.SetApplicantStatus(sys, a.ID, roundtable.StatusAccepted))
		}
		ctx := as(org)
		def, _, err := fs.FormationDefaults(ctx, p.ID)
		must(t, err)
		if !reflect.DeepEqual(def.NeverAlone, []string{"gender"}) {
			t.Fatalf("got defaults' never-alone keys %q, want [gender]", def.NeverAlone)
		}
		s := quickSettings(p)
		s.Circles = 2
		s.Weights["weight_never_alone"] = roundtable.WeightHigh
		d, err := fs.StartFormation(ctx, p.ID, s)
		must(t, err)
		pv := settled(t, fs, ctx, d.ID)
		if pv.Draft.Status != roundtable.FormationReady || len(pv.Circles) != 2 {
			t.Fatalf("got %s with %d circles (%s), want 2 ready circles", pv.Draft.Status, len(pv.Circles), pv.Draft.Message)
		}
		var woman *roundtable.Applicant
		for _, c := range pv.Circles {
			women := 0
			for _, m := range c.Members {
				if m.Applicant.Answers["gender"] == "Woman" {
					women++
					woman = m.Applicant
				}
			}
			if women == 1 || len(c.Scores.Alone) > 0 || c.Scores.NeverAlone != 100 {
				t.Errorf("circle %d: got %d women, alone %q, score %.0f; want nobody the only woman", c.Number, women, c.Scores.Alone, c.Scores.NeverAlone)
			}
		}

		// Moved by hand into the other circle, she is the only woman there,
		// and the preview says so with the question's label.
		to := 1
		if containsApplicant(pv.Circles[0], woman) {
			to = 2
		}
		must(t, fs.MoveInFormation(ctx, d.ID, woman.ID, to))
		pv, err = fs.FindFormationPreview(ctx, d.ID)
		must(t, err)
		c := pv.Circles[to-1]
		if !reflect.DeepEqual(c.Scores.Alone, []string{"Gender: Woman"}) || c.Scores.NeverAlone >= 100 {
			t.Fatalf("got alone %q score %.0f, want Gender: Woman below 100", c.Scores.Alone, c.Scores.NeverAlone)
		}
		if got := c.Members[0].Explanation; !strings.Contains(got, "only one of Gender: Woman") {
			t.Errorf("got explanation %q, want the only woman named", got)
		}
	})
}

func containsApplicant(c *roundtable.PreviewCircle, a *roundtable.Applicant) bool {
	for _, m := range c.Members {
		if m.Applicant.ID == a.ID {
			return true
		}
	}
	return false
}
