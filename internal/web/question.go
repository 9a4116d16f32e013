package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
)

// The program form shows the saved questions and a couple of blank rows for
// new ones, without JavaScript. Row i holds the fields q{i}_key (hidden, so
// a question keeps its key when its label is edited), q{i}_label,
// q{i}_choices, q{i}_required, q{i}_never_alone and, for saved questions,
// q{i}_remove.

// questionParts are a question row's visible fields, in page order.
var questionParts = []string{"label", "choices", "required", "never_alone", "remove"}

// blankQuestionRows is how many empty rows the form offers for new questions.
const blankQuestionRows = 2

// setQuestionValues writes one question into row i of the form's values.
func setQuestionValues(v url.Values, i int, key, label, choices string, required, neverAlone bool) {
	v.Set(roundtable.QuestionField(i, "key"), key)
	v.Set(roundtable.QuestionField(i, "label"), label)
	v.Set(roundtable.QuestionField(i, "choices"), choices)
	if required {
		v.Set(roundtable.QuestionField(i, "required"), "on")
	}
	if neverAlone {
		v.Set(roundtable.QuestionField(i, "never_alone"), "on")
	}
}

// questionsFromForm reads the question rows. Empty rows and rows marked for
// removal are left out, and the form's values are renumbered to match, so a
// problem with the third question shows on the third row when the page
// comes back.
func questionsFromForm(f *form) []roundtable.Question {
	var qs []roundtable.Question
	type row struct {
		key, label, choices  string
		required, neverAlone bool
	}
	var rows []row
	for i := 1; i <= roundtable.MaxQuestions; i++ {
		get := func(part string) string { return f.text(roundtable.QuestionField(i, part)) }
		r := row{key: get("key"), label: get("label"), choices: get("choices"),
			required: get("required") != "", neverAlone: get("never_alone") != ""}
		if (r.label == "" && r.choices == "") || get("remove") != "" {
			continue
		}
		rows = append(rows, r)
		qs = append(qs, roundtable.Question{Key: r.key, Label: r.label, Choices: roundtable.SplitChoices(r.choices),
			Required: r.required, NeverAlone: r.neverAlone})
	}
	for i := 1; i <= roundtable.MaxQuestions; i++ {
		for _, part := range append([]string{"key"}, questionParts...) {
			f.Values.Del(roundtable.QuestionField(i, part))
		}
	}
	for i, r := range rows {
		setQuestionValues(f.Values, i+1, r.key, r.label, r.choices, r.required, r.neverAlone)
	}
	return qs
}

// questionRow is one question's fields on the program form.
type questionRow struct {
	N          int
	Key        string // the saved key, "" for a new question
	KeyName    string // the hidden field's name
	Blank      bool   // an empty row for a new question, shown folded
	Label      *fieldView
	Choices    *fieldView
	Required   *fieldView
	NeverAlone *fieldView
	Remove     *fieldView // nil for new questions
}

// questionRows builds the rows the form shows: every row with values, then
// blank ones, at most MaxQuestions.
func questionRows(f *form) []*questionRow {
	filled := 0
	for i := 1; i <= roundtable.MaxQuestions; i++ {
		if f.text(roundtable.QuestionField(i, "label")) != "" || f.text(roundtable.QuestionField(i, "choices")) != "" {
			filled = i
		}
	}
	var out []*questionRow
	for i := 1; i <= min(filled+blankQuestionRows, roundtable.MaxQuestions); i++ {
		name := func(part string) string { return roundtable.QuestionField(i, part) }
		r := &questionRow{
			N: i, KeyName: name("key"), Key: f.text(name("key")),
			Label: &fieldView{Form: f, Name: name("label"), Label: "What to ask", Type: "text",
				Hint: "A short question, such as Gender or Career stage."},
			Choices: &fieldView{Form: f, Name: name("choices"), Label: "Answers to choose from", Type: "textarea", Rows: 4,
				Hint: "One answer per line, at least two. Applicants can also choose “Prefer not to say” unless an answer is required."},
			Required: &fieldView{Form: f, Name: name("required"), Label: "Applicants must answer", Type: "checkbox"},
			NeverAlone: &fieldView{Form: f, Name: name("never_alone"), Label: "Nobody should be the only one of an answer in a circle", Type: "checkbox",
				Hint: "For answers that can leave someone isolated, such as gender. Forming circles then avoids making anyone the only one of their answer."},
		}
		if r.Key != "" {
			r.Remove = &fieldView{Form: f, Name: name("remove"), Label: "Remove this question", Type: "checkbox",
				Hint: "Answers already given are kept but no longer shown or used."}
		}
		r.Blank = r.Key == "" && i > filled
		out = append(out, r)
	}
	return out
}

// answerView is one of a program's questions on the application form: a
// radio group, with "Prefer not to say" unless an answer is required.
type answerView struct {
	Form     *form
	Question roundtable.Question
}

// Name returns the field's name.
func (v *answerView) Name() string { return roundtable.AnswerField(v.Question.Key) }

// ID returns the id of the i-th radio; the first one is the field's anchor.
func (v *answerView) ID(i int) string {
	if i == 0 {
		return "f-" + v.Name()
	}
	return "f-" + v.Name() + "-" + strconv.Itoa(i)
}

// NoneID returns the id of the "Prefer not to say" radio.
func (v *answerView) NoneID() string { return "f-" + v.Name() + "-none" }

// Error returns the field's message.
func (v *answerView) Error() string { return v.Form.Error(v.Name()) }

// Checked reports whether choice was the answer sent; "" is "Prefer not to
// say", checked only when it was chosen.
func (v *answerView) Checked(choice string) bool {
	if !v.Form.Values.Has(v.Name()) {
		return false
	}
	sent := strings.TrimSpace(v.Form.Get(v.Name()))
	if choice == "" {
		return sent == ""
	}
	return strings.EqualFold(sent, choice)
}

// answerViews builds the application form's questions.
func answerViews(f *form, p *roundtable.Program) []*answerView {
	out := make([]*answerView, len(p.Questions))
	for i, q := range p.Questions {
		out[i] = &answerView{Form: f, Question: q}
	}
	return out
}

// answersFromForm reads the answers to a program's questions.
func answersFromForm(f *form, p *roundtable.Program) map[string]string {
	answers := map[string]string{}
	for _, q := range p.Questions {
		if v := f.text(roundtable.AnswerField(q.Key)); v != "" {
			answers[q.Key] = v
		}
	}
	return answers
}
