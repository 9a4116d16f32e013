package roundtable_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
)

// validProgram returns a program that passes Validate.
func validProgram() *roundtable.Program {
	start := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	return &roundtable.Program{
		Name: "Leaders", StartDate: start, EndDate: start.AddDate(0, 6, 0), Cadence: roundtable.Monthly,
		SessionMinutes: 90, SizeMin: 6, SizeTarget: 7, SizeMax: 8, TimeZone: "Europe/Paris",
		GroundRules: roundtable.DefaultGroundRules,
	}
}

func gender() roundtable.Question {
	return roundtable.Question{Label: "Gender", Choices: []string{"Woman", "Man", "Non-binary"}, NeverAlone: true}
}

func TestQuestionKey(t *testing.T) {
	for label, want := range map[string]string{
		"Gender":                "gender",
		"  Career stage? ":      "career_stage",
		"Género":                "género",
		"Years in role (0-5)":   "years_in_role_0_5",
		"???":                   "",
		strings.Repeat("a", 90): strings.Repeat("a", 40),
	} {
		if got := roundtable.QuestionKey(label); got != want {
			t.Errorf("QuestionKey(%q): got %q, want %q", label, got, want)
		}
	}
}

func TestSplitChoices(t *testing.T) {
	for text, want := range map[string][]string{
		"Woman, Man,  Non-binary ,":  {"Woman", "Man", "Non-binary"},
		"Woman\r\nMan, or other\n\n": {"Woman", "Man, or other"},
		"":                           nil,
		"  Early   career  \nLate  ": {"Early career", "Late"},
		"Only one":                   {"Only one"},
		"One, two\nThree":            {"One, two", "Three"},
	} {
		if got := roundtable.SplitChoices(text); !slices.Equal(got, want) {
			t.Errorf("SplitChoices(%q): got %q, want %q", text, got, want)
		}
	}
}

func TestProgram_ValidateQuestions(t *testing.T) {
	t.Run("Keys", func(t *testing.T) {
		p := validProgram()
		stage := roundtable.Question{Key: "stage", Label: "Career stage (renamed)", Choices: []string{" Early ", "Late"}}
		p.Questions = []roundtable.Question{gender(), stage, {Label: "Gender identity", Choices: []string{"A", "B"}, Key: "gender"}}
		if err := p.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
		var keys []string
		for _, q := range p.Questions {
			keys = append(keys, q.Key)
		}
		// A saved key stays when the label changes; a taken one is derived afresh.
		if want := []string{"gender", "stage", "gender_identity"}; !slices.Equal(keys, want) {
			t.Errorf("got keys %q, want %q", keys, want)
		}
		if got := p.Questions[1].Choices; !slices.Equal(got, []string{"Early", "Late"}) {
			t.Errorf("got choices %q, want them trimmed", got)
		}
		if got := p.NeverAloneKeys(); !slices.Equal(got, []string{"gender"}) {
			t.Errorf("got never-alone keys %q, want [gender]", got)
		}
	})

	for name, tc := range map[string]struct {
		qs    []roundtable.Question
		field string
		want  string
	}{
		"ErrOneChoice":     {[]roundtable.Question{{Label: "Gender", Choices: []string{"Woman"}}}, "q1_choices", "at least two"},
		"ErrNoLabel":       {[]roundtable.Question{gender(), {Choices: []string{"A", "B"}}}, "q2_label", "Enter the text of question 2"},
		"ErrLongLabel":     {[]roundtable.Question{{Label: strings.Repeat("x", 121), Choices: []string{"A", "B"}}}, "q1_label", "120 characters"},
		"ErrSameChoice":    {[]roundtable.Question{{Label: "Stage", Choices: []string{"Early", "early", "Late"}}}, "q1_choices", "appears twice"},
		"ErrManyChoices":   {[]roundtable.Question{{Label: "Number", Choices: numbers(21)}}, "q1_choices", "at most 20"},
		"ErrSameQuestion":  {[]roundtable.Question{gender(), gender()}, "q2_label", "Question 1 asks this already"},
		"ErrBuiltIn":       {[]roundtable.Question{{Label: "Sector", Choices: []string{"A", "B"}}}, "q1_label", "asks this already"},
		"ErrManyQuestions": {many(11), "questions", "at most 10"},
	} {
		t.Run(name, func(t *testing.T) {
			p := validProgram()
			p.Questions = tc.qs
			got := roundtable.ErrorFields(p.Validate())[tc.field]
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %s message %q (all: %v), want one containing %q", tc.field, got, roundtable.ErrorFields(p.Validate()), tc.want)
			}
		})
	}
}

func numbers(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprint(i))
	}
	return out
}

func many(n int) []roundtable.Question {
	var out []roundtable.Question
	for i := range n {
		out = append(out, roundtable.Question{Label: fmt.Sprintf("Question %d", i), Choices: []string{"A", "B"}})
	}
	return out
}

// validApplicant returns an application that passes Validate.
func validApplicant() *roundtable.Applicant {
	return &roundtable.Applicant{Name: "Ana Lima", Email: "ana@example.org", Organization: "Acme", Sector: "Private",
		Level: 3, TimeZone: "Europe/Paris", Availability: "Mon 09:00-12:00"}
}

func TestApplicant_ValidateFor(t *testing.T) {
	p := validProgram()
	stage := roundtable.Question{Label: "Career stage", Choices: []string{"Early", "Late"}, Required: true}
	p.Questions = []roundtable.Question{gender(), stage}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}

	a := validApplicant()
	a.Answers = map[string]string{"gender": " woman ", "career_stage": "LATE", "removed": "x"}
	if err := a.ValidateFor(p); err != nil {
		t.Fatalf("ValidateFor: %v", err)
	}
	if want := map[string]string{"gender": "Woman", "career_stage": "Late"}; fmt.Sprint(a.Answers) != fmt.Sprint(want) {
		t.Errorf("got answers %v, want %v (the choices' spelling, unknown questions dropped)", a.Answers, want)
	}

	// "Prefer not to say" is an empty answer, allowed unless required.
	a = validApplicant()
	a.Name = ""
	a.Answers = map[string]string{"gender": "Robot"}
	fields := roundtable.ErrorFields(a.ValidateFor(p))
	if !strings.Contains(fields["answer_gender"], "Woman, Man, Non-binary") {
		t.Errorf("got %q, want the choices named", fields["answer_gender"])
	}
	if !strings.Contains(fields["answer_career_stage"], "Career stage") {
		t.Errorf("got %q, want the required question named", fields["answer_career_stage"])
	}
	if fields["name"] == "" {
		t.Errorf("got fields %v, want the name problem kept too", fields)
	}
}

func TestFormationSettings_NeverAlone(t *testing.T) {
	p := validProgram()
	p.Questions = []roundtable.Question{gender(), {Label: "Stage", Choices: []string{"A", "B"}}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	s := roundtable.DefaultFormationSettings(p)
	s.Weights["weight_never_alone"] = roundtable.WeightHigh
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	g := s.Grouping()
	if !slices.Equal(g.NeverAlone, []string{"gender"}) || g.Weights.NeverAlone != 2*grouping.DefaultWeights().NeverAlone {
		t.Errorf("got never-alone %q weight %v, want [gender] at twice the default", g.NeverAlone, g.Weights.NeverAlone)
	}
	if hint := roundtable.NeverAloneHint(p); !strings.Contains(hint, "Gender") || strings.Contains(hint, "Stage") {
		t.Errorf("got hint %q, want the marked question named", hint)
	}

	// A draft saved before the goal existed has no weight for it: it counts
	// as normal, and without marked questions there is nothing to weigh.
	old := `{"SizeMin":4,"SizeMax":6,"Weights":{"weight_level":"high","weight_sector":"normal","weight_industry":"normal","weight_organization":"normal","weight_function":"normal","weight_balance":"normal"},"Seconds":1,"TimeZone":"Europe/Paris","SessionMinutes":90}`
	var saved roundtable.FormationSettings
	if err := json.Unmarshal([]byte(old), &saved); err != nil {
		t.Fatal(err)
	}
	if err := saved.Validate(); err != nil {
		t.Fatalf("Validate of old settings: %v", err)
	}
	if g := saved.Grouping(); g.Weights.NeverAlone != grouping.DefaultWeights().NeverAlone || g.NeverAlone != nil {
		t.Errorf("got weight %v and keys %q, want the default weight and no keys", g.Weights.NeverAlone, g.NeverAlone)
	}
}
