package formcsv

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/roundtable/roundtable/grouping"
)

// OutputColumns is the header of the circles file.
var OutputColumns = []string{"circle", "id", "slot", "reason"}

// Write writes the circles file of f: one row per participant, circle by
// circle (numbered from 1) and then the unplaced, who have an empty circle
// and the reason they could not be placed. A placed member's slot is the
// circle's best weekly start in the reference zone, like "Tue 15:00
// Europe/London", and their reason is the one-line explanation of Explain.
func Write(w io.Writer, people []grouping.Person, s grouping.Settings, f *grouping.Formation) error {
	ref := "UTC"
	if s.Reference != nil {
		ref = s.Reference.String()
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(OutputColumns); err != nil {
		return err
	}
	written := make([]bool, len(people))
	for c, circle := range f.Circles {
		slot := ""
		if len(circle.Slots) > 0 {
			slot = circle.Slots[0].String() + " " + ref
		}
		for _, m := range circle.Members {
			if m < 0 || m >= len(people) || written[m] {
				continue
			}
			written[m] = true
			reason := f.Explain(people, s, c, m)
			if err := cw.Write([]string{strconv.Itoa(c + 1), people[m].ID, slot, reason}); err != nil {
				return err
			}
		}
	}
	for _, u := range f.Unplaced {
		if u.Person < 0 || u.Person >= len(people) || written[u.Person] {
			continue
		}
		written[u.Person] = true
		if err := cw.Write([]string{"", people[u.Person].ID, "", u.Reason}); err != nil {
			return err
		}
	}
	// Form lists everyone; this keeps the promise of one row per participant
	// should a formation ever miss someone.
	for i, done := range written {
		if !done {
			if err := cw.Write([]string{"", people[i].ID, "", "Not placed"}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
