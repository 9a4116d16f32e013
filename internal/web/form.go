package web

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
)

// form is a form's submitted (or default) values and its problems. Pages keep
// what people typed when they show errors.
type form struct {
	Values  url.Values
	Errors  map[string]string
	Message string   // the summary's sentence; empty when there are no errors
	order   []string // field names in page order, for the error summary
}

// newForm starts a form with values; order lists the fields as the page shows them.
func newForm(values url.Values, order ...string) *form {
	if values == nil {
		values = url.Values{}
	}
	return &form{Values: values, Errors: map[string]string{}, order: order}
}

// Get returns a field's value.
func (f *form) Get(name string) string { return f.Values.Get(name) }

// Has reports whether a field (a checkbox list or select) holds value.
func (f *form) Has(name, value string) bool { return slices.Contains(f.Values[name], value) }

// Error returns a field's message, or "".
func (f *form) Error(name string) string { return f.Errors[name] }

// Invalid reports whether the form has problems.
func (f *form) Invalid() bool { return len(f.Errors) > 0 || f.Message != "" }

// add records a problem with a field (the first one wins).
func (f *form) add(field, msg string) {
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = msg
	}
}

// fieldProblem is one entry of the error summary.
type fieldProblem struct{ Field, Message string }

// Summary lists the problems in the order fields appear on the page.
func (f *form) Summary() []fieldProblem {
	var out []fieldProblem
	seen := map[string]bool{}
	for _, name := range f.order {
		if msg, ok := f.Errors[name]; ok {
			out = append(out, fieldProblem{name, msg})
			seen[name] = true
		}
	}
	var rest []string
	for name := range f.Errors {
		if !seen[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	for _, name := range rest {
		out = append(out, fieldProblem{name, f.Errors[name]})
	}
	return out
}

// Anchor returns the id a summary entry links to: the field's own control,
// or the form's first control when the field has none on the page.
func (f *form) Anchor(field string) string {
	if slices.Contains(f.order, field) {
		return "f-" + field
	}
	if len(f.order) > 0 {
		return "f-" + f.order[0]
	}
	return "main"
}

// fail records a service's error on the form. It reports false when err is
// not something the person can fix (the caller then returns it).
func (f *form) fail(err error) bool {
	switch roundtable.ErrorCode(err) {
	case roundtable.EINVALID, roundtable.ECONFLICT:
	default:
		return false
	}
	for k, v := range roundtable.ErrorFields(err) {
		f.add(k, v)
	}
	f.finish(roundtable.ErrorMessage(err))
	return true
}

// finish sets the summary sentence once the problems are known.
func (f *form) finish(msg string) {
	if msg != "" {
		f.Message = msg
		return
	}
	switch n := len(f.Errors); n {
	case 0:
	case 1:
		f.Message = "Please correct the highlighted field."
	default:
		f.Message = "Please correct the " + strconv.Itoa(n) + " highlighted fields."
	}
}

// mergeProblems adds a validation error's fields to the form.
func (f *form) mergeProblems(err error) {
	for k, v := range roundtable.ErrorFields(err) {
		f.add(k, v)
	}
}

// text returns a trimmed field value.
func (f *form) text(name string) string { return strings.TrimSpace(f.Get(name)) }

// checked reports whether a checkbox was ticked.
func (f *form) checked(name string) bool { return f.Get(name) != "" }

// intField reads a whole number, recording msg when it is not one.
func (f *form) intField(name, msg string) int {
	n, err := strconv.Atoi(f.text(name))
	if err != nil {
		f.add(name, msg)
		return 0
	}
	return n
}
