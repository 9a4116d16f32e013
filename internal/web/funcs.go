package web

import (
	_ "embed"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// zoneList is every IANA zone people choose from, generated at development
// time from the system's tzdata (Etc/ and legacy names left out).
//
//go:generate sh -c "{ echo UTC; grep '^Z ' /usr/share/zoneinfo/tzdata.zi | awk '{print $2}' | grep / | grep -v '^Etc/' | sort; } > zones.txt"
//go:embed zones.txt
var zoneList string

// zones is zoneList as a slice.
var zones = strings.Fields(zoneList)

// option is one choice of a select.
type option struct{ Value, Label string }

// optionLists are the named choices of selects, referred to in templates as
// "options=NAME".
func optionLists() map[string][]option {
	lists := map[string][]option{}
	for _, z := range zones {
		lists["zones"] = append(lists["zones"], option{z, strings.ReplaceAll(z, "_", " ")})
	}
	lists["sectors"] = []option{{"", "Choose a sector"}}
	for _, s := range roundtable.Sectors {
		lists["sectors"] = append(lists["sectors"], option{s, s})
	}
	lists["levels"] = []option{{"", "Choose a level"}}
	for _, l := range roundtable.Levels {
		lists["levels"] = append(lists["levels"], option{strconv.Itoa(int(l)), l.Label()})
	}
	for _, c := range roundtable.Cadences {
		lists["cadences"] = append(lists["cadences"], option{string(c), c.Label()})
	}
	for _, f := range roundtable.Formats() {
		lists["formats"] = append(lists["formats"], option{f.Key, f.Name})
	}
	lists["formats"] = append(lists["formats"], option{"", "None: facilitators plan each meeting from scratch"})
	for _, c := range roundtable.CheckInCadences {
		lists["checkins"] = append(lists["checkins"], option{string(c), c.Label()})
	}
	for _, n := range roundtable.LapseShares {
		lists["lapse_shares"] = append(lists["lapse_shares"], option{strconv.Itoa(n), roundtable.ShareLabel(n)})
	}
	return lists
}

// fieldView is what the field partials need to draw one labelled control.
type fieldView struct {
	Form         *form
	Name         string
	Label        string
	Hint         string
	Type         string // text, email, password, date, time, number, url, textarea, select, checkbox
	Autocomplete string
	Required     bool
	Options      []option
	Rows         int
	Width        string // a CSS class such as "w-short"
	Zone         bool   // a time zone select
	BrowserZone  bool   // JavaScript presets it to the browser's zone
}

// Value returns the field's value.
func (v *fieldView) Value() string { return v.Form.Get(v.Name) }

// Error returns the field's message.
func (v *fieldView) Error() string { return v.Form.Error(v.Name) }

// ID returns the control's id.
func (v *fieldView) ID() string { return "f-" + v.Name }

// templateFuncs are the functions templates may call.
func (s *Server) templateFuncs() template.FuncMap {
	lists := optionLists()
	funcs := template.FuncMap{
		// field builds a fieldView: (field .Form "email" "E-mail address" "type=email" "hint=…").
		"field": func(f *form, name, label string, opts ...string) (*fieldView, error) {
			v := &fieldView{Form: f, Name: name, Label: label, Type: "text"}
			for _, o := range opts {
				k, val, _ := strings.Cut(o, "=")
				switch k {
				case "type":
					v.Type = val
				case "hint":
					v.Hint = val
				case "autocomplete":
					v.Autocomplete = val
				case "required":
					v.Required = true
				case "rows":
					v.Rows, _ = strconv.Atoi(val)
				case "browserzone":
					v.BrowserZone = val == "true"
				case "width":
					v.Width = val
				case "options":
					l, ok := lists[val]
					if !ok {
						return nil, fmt.Errorf("field %s: no option list %q", name, val)
					}
					v.Type, v.Options, v.Zone = "select", l, val == "zones"
				default:
					return nil, fmt.Errorf("field %s: unknown option %q", name, o)
				}
			}
			return v, nil
		},
		"lines":      roundtable.NonEmptyLines,
		"priorities": func() []roundtable.Priority { return roundtable.Priorities },
		"linkParts":  linkParts,
		"join":       strings.Join, // names in a sentence: (join .Names ", ")
		"lower":      strings.ToLower,
		"date":       func(t time.Time) string { return t.Format("2 January 2006") },
		"dateIn":     func(t time.Time, loc *time.Location) string { return t.In(loc).Format("2 January 2006") },
		"plural":     plural,
		"statusOf":   func(s string) roundtable.ApplicantStatus { return roundtable.ApplicantStatus(s) },
		"levelOf":    func(n int) roundtable.Level { return roundtable.Level(n) },
		"applyLink":  func(id string) string { return s.cfg.BaseURL + "/apply/" + id },
		"windows": func(a *roundtable.Applicant) []string {
			var out []string
			for _, w := range a.Week() {
				out = append(out, w.String())
			}
			if len(out) == 0 && a.Availability != "" {
				out = []string{a.Availability}
			}
			return out
		},
	}
	for name, fn := range roomFuncs() {
		funcs[name] = fn
	}
	return funcs
}

// plural writes "1 applicant" or "3 applicants".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// dayIn writes t's day in a zone, like "Tuesday 12 January", with the year
// when it is not the current one, then the rest of layout (", 15:04" adds
// the time).
func dayIn(t time.Time, loc *time.Location, now time.Time, rest string) string {
	t = t.In(loc)
	layout := "Monday 2 January"
	if t.Year() != now.In(loc).Year() {
		layout += " 2006"
	}
	return t.Format(layout + rest)
}

// meetingWhen writes a meeting's time in a zone, like "Tuesday 12 January,
// 10:00–11:30"; the year is added when it is not the current one.
func meetingWhen(start, end time.Time, loc *time.Location, now time.Time) string {
	s, e := start.In(loc), end.In(loc)
	out := dayIn(s, loc, now, ", 15:04") + "–" + e.Format("15:04")
	if e.YearDay() != s.YearDay() || e.Year() != s.Year() {
		out += " (" + e.Format("Monday") + ")"
	}
	return out
}

// zoneName names a zone for people, e.g. "Europe/Paris".
func zoneName(loc *time.Location) string {
	return strings.ReplaceAll(loc.String(), "_", " ")
}

// DescribedBy returns the ids of the hint and error that describe the control.
func (v *fieldView) DescribedBy() string {
	var ids []string
	if v.Hint != "" {
		ids = append(ids, v.ID()+"-hint")
	}
	if v.Error() != "" {
		ids = append(ids, v.ID()+"-error")
	}
	return strings.Join(ids, " ")
}

// Choices returns the select's options, with the current value added when it
// is not among them (e.g. a zone name a browser reports under an old name).
func (v *fieldView) Choices() []option {
	val := v.Value()
	if val == "" || !v.Zone || roundtable.ValidateTimeZone(val) != "" {
		return v.Options
	}
	for _, o := range v.Options {
		if o.Value == val {
			return v.Options
		}
	}
	return append([]option{{val, val}}, v.Options...)
}
