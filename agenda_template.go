package roundtable

import (
	"strings"
	"time"
	"unicode/utf8"
)

// AgendaTemplate is a facilitator's own agenda, saved for the program: the
// titles, minutes, kinds and guidance of its segments, never who held a
// role or anything said in a meeting.
type AgendaTemplate struct {
	ID        string
	ProgramID string
	Name      string
	Segments  []Segment
	// Shared templates are seen and applied by every facilitator of the
	// program; the others by their author only. Only the author or the
	// program's organizer changes or deletes a template.
	Shared     bool
	CreatedBy  string
	AuthorName string // filled when read; "" when the author left
	CreatedAt  time.Time
}

// VisibleTo reports whether the user may see and apply the template.
func (t *AgendaTemplate) VisibleTo(userID string) bool {
	return t.Shared || (userID != "" && t.CreatedBy == userID)
}

// TotalMinutes returns the template's length as saved.
func (t *AgendaTemplate) TotalMinutes() int { return TotalMinutes(t.Segments) }

// Validate tidies and checks a template (keys: name, and those of
// ValidateSegments).
func (t *AgendaTemplate) Validate() error {
	var v Problems
	t.Name = strings.TrimSpace(t.Name)
	switch n := utf8.RuneCountInString(t.Name); {
	case n == 0:
		v.Add("name", "Give the template a name, like “Case clinic, our way”.")
	case n > MaxSegmentTitle:
		v.Add("name", "Use at most 80 characters for the name.")
	}
	if len(t.Segments) == 0 {
		v.Add("segments", "Add at least one part to the agenda before saving it as a template.")
	}
	if err := ValidateSegments(t.Segments); err != nil {
		for k, msg := range ErrorFields(err) {
			v.Add(k, msg)
		}
	}
	return v.Err()
}
