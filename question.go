package roundtable

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Question is an application question an organizer adds to a program's form,
// answered by choosing one of its choices. A question marked NeverAlone names
// an attribute, such as gender, of which circle formation tries to make
// nobody the only one in a circle.
type Question struct {
	// Key names the question in storage, in answers and as a CSV column. It
	// is derived from the label when the question is first saved and kept
	// when the label changes later, so answers stay attached.
	Key        string   `json:"key"`
	Label      string   `json:"label"`
	Choices    []string `json:"choices"`
	Required   bool     `json:"required,omitempty"`
	NeverAlone bool     `json:"never_alone,omitempty"`
}

// Bounds of application questions.
const (
	MaxQuestions       = 10
	MinChoices         = 2
	MaxChoices         = 20
	MaxChoiceLength    = 80
	maxQuestionKeySize = 40
)

// reservedKeys are the applicant fields every application has: a question
// with one of these keys would ask the same thing twice and clash with the
// import file's columns.
var reservedKeys = map[string]bool{
	"name": true, "email": true, "e_mail": true, "title": true, "organization": true, "sector": true,
	"industry": true, "function": true, "level": true, "timezone": true, "time_zone": true,
	"availability": true, "goals": true, "topics": true, "avoid": true, "status": true,
}

// QuestionField returns the form field name of the i-th question's part
// (i counts from 1): "q1_label", "q1_choices".
func QuestionField(i int, part string) string { return fmt.Sprintf("q%d_%s", i, part) }

// AnswerField returns the form field name of the answer to a question.
func AnswerField(key string) string { return "answer_" + key }

// SplitChoices reads the choices an organizer typed: one per line, or
// separated by commas when everything is on one line. Blank entries are dropped.
func SplitChoices(s string) []string {
	sep := "\n"
	if !strings.Contains(strings.TrimSpace(s), "\n") {
		sep = ","
	}
	var out []string
	for _, c := range strings.Split(s, sep) {
		if c = strings.Join(strings.Fields(c), " "); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// QuestionKey derives a key from a label: lower-case letters and digits,
// other characters folded into single underscores ("Career stage?" →
// "career_stage"). It returns "" when the label has no letter or digit.
func QuestionKey(label string) string {
	var b strings.Builder
	n, gap := 0, false
	for _, r := range strings.ToLower(label) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			gap = true
			continue
		}
		if n >= maxQuestionKeySize {
			break
		}
		if gap && n > 0 {
			b.WriteByte('_')
			n++
		}
		gap = false
		b.WriteRune(r)
		n++
	}
	return strings.TrimSuffix(b.String(), "_")
}

// validKey reports whether k has the shape QuestionKey gives.
func validKey(k string) bool {
	if k == "" || utf8.RuneCountInString(k) > maxQuestionKeySize || strings.HasPrefix(k, "_") || strings.HasSuffix(k, "_") {
		return false
	}
	for _, r := range k {
		if r != '_' && !unicode.IsDigit(r) && !(unicode.IsLetter(r) && unicode.ToLower(r) == r) {
			return false
		}
	}
	return true
}

// validateQuestions checks and normalizes a program's questions, giving each
// a unique key. Problems are keyed by QuestionField, or "questions".
func validateQuestions(qs []Question, v *Problems) {
	if len(qs) > MaxQuestions {
		v.Add("questions", fmt.Sprintf("Ask at most %d questions.", MaxQuestions))
		return
	}
	labels := map[string]int{}
	keys := map[string]bool{}
	for i := range qs {
		q := &qs[i]
		n := i + 1
		q.Label = strings.Join(strings.Fields(q.Label), " ")
		switch {
		case q.Label == "":
			v.Add(QuestionField(n, "label"), fmt.Sprintf("Enter the text of question %d.", n))
		case utf8.RuneCountInString(q.Label) > MaxNameLength:
			v.Add(QuestionField(n, "label"), "Use at most 120 characters.")
		case QuestionKey(q.Label) == "":
			v.Add(QuestionField(n, "label"), "Use letters or digits in the question.")
		case reservedKeys[QuestionKey(q.Label)]:
			v.Add(QuestionField(n, "label"), "Every application asks this already. Ask something else.")
		default:
			low := strings.ToLower(q.Label)
			if first, dup := labels[low]; dup {
				v.Add(QuestionField(n, "label"), fmt.Sprintf("Question %d asks this already.", first))
			}
			labels[low] = n
		}
		validateChoices(q, n, v)
		// A key from an earlier save is kept; a new or unreadable one is
		// derived from the label, with a number added when taken.
		if !validKey(q.Key) || keys[q.Key] || reservedKeys[q.Key] {
			q.Key = uniqueKey(QuestionKey(q.Label), keys)
		}
		keys[q.Key] = true
	}
}

// validateChoices checks and tidies one question's choices.
func validateChoices(q *Question, n int, v *Problems) {
	field := QuestionField(n, "choices")
	var choices []string
	seen := map[string]bool{}
	for _, c := range q.Choices {
		c = strings.Join(strings.Fields(c), " ")
		if c == "" {
			continue
		}
		low := strings.ToLower(c)
		if seen[low] {
			v.Add(field, fmt.Sprintf("%q appears twice. Give each answer once.", c))
			continue
		}
		seen[low] = true
		if utf8.RuneCountInString(c) > MaxChoiceLength {
			v.Add(field, fmt.Sprintf("Keep each answer to at most %d characters.", MaxChoiceLength))
		}
		choices = append(choices, c)
	}
	q.Choices = choices
	switch {
	case len(choices) < MinChoices:
		v.Add(field, "Give at least two answers to choose from, one per line.")
	case len(choices) > MaxChoices:
		v.Add(field, fmt.Sprintf("Give at most %d answers.", MaxChoices))
	}
}

// uniqueKey returns base, or base_2, base_3 … when taken. An empty base
// becomes "question".
func uniqueKey(base string, taken map[string]bool) string {
	if base == "" {
		base = "question"
	}
	k := base
	for i := 2; taken[k] || reservedKeys[k]; i++ {
		k = fmt.Sprintf("%s_%d", base, i)
	}
	return k
}

// Choice returns the choice that answer names, ignoring case and extra
// spaces, and whether there is one.
func (q *Question) Choice(answer string) (string, bool) {
	answer = strings.Join(strings.Fields(answer), " ")
	for _, c := range q.Choices {
		if strings.EqualFold(c, answer) {
			return c, true
		}
	}
	return "", false
}

// Question returns the program's question with key, or nil.
func (p *Program) Question(key string) *Question {
	for i := range p.Questions {
		if p.Questions[i].Key == key {
			return &p.Questions[i]
		}
	}
	return nil
}

// NeverAloneKeys returns the keys of the questions marked "nobody the only
// one", in the order the program asks them.
func (p *Program) NeverAloneKeys() []string {
	var out []string
	for _, q := range p.Questions {
		if q.NeverAlone {
			out = append(out, q.Key)
		}
	}
	return out
}

// NeverAloneLabels returns the labels of the questions marked "nobody the
// only one".
func (p *Program) NeverAloneLabels() []string {
	var out []string
	for _, q := range p.Questions {
		if q.NeverAlone {
			out = append(out, q.Label)
		}
	}
	return out
}

// checkAnswers checks and normalizes an applicant's answers against the
// program's questions: each answer becomes the choice it names, answers to
// questions the program no longer asks are dropped, and required questions
// must be answered. Problems are keyed by AnswerField.
func checkAnswers(answers map[string]string, qs []Question, v *Problems) map[string]string {
	out := map[string]string{}
	for _, q := range qs {
		given := strings.TrimSpace(answers[q.Key])
		field := AnswerField(q.Key)
		if given == "" {
			if q.Required {
				v.Add(field, "Choose an answer to “"+q.Label+"”.")
			}
			continue
		}
		c, ok := q.Choice(given)
		if !ok {
			v.Add(field, fmt.Sprintf("Choose one of the answers to “%s”: %s.", q.Label, strings.Join(q.Choices, ", ")))
			continue
		}
		out[q.Key] = c
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
