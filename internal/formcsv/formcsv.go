// Package formcsv reads the participants CSV of `roundtable form` and writes
// the circles it proposes.
//
// The input has a header row naming at least the columns of Columns, in any
// order; further columns are extra attributes (for --never-alone). Every row
// is checked, and every bad row is reported by its line and reasons, so that
// nothing is formed from a file with mistakes in it.
package formcsv

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/schedule"
)

// Columns are the columns every participants file has, in the order the
// documentation lists them.
var Columns = []string{"id", "name", "email", "organization", "sector", "industry", "function",
	"level", "timezone", "availability", "avoid", "gender"}

// MaxLevel is the largest level of responsibility accepted.
const MaxLevel = 1000

// File is a participants file that passed every check.
type File struct {
	People []grouping.Person
	// Lines holds the line on which each person's row starts.
	Lines []int
	// Attributes are the columns that may be marked "never the only one":
	// gender and any column beyond Columns, in header order.
	Attributes []string
}

// RowError is one bad row (or the header, or a line the CSV syntax breaks).
type RowError struct {
	Line    int
	Reasons []string
}

func (e RowError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, strings.Join(e.Reasons, "; "))
}

// Errors lists every bad row of a file, in line order.
type Errors []RowError

func (es Errors) Error() string {
	var b strings.Builder
	if len(es) == 1 {
		b.WriteString("1 bad row")
	} else {
		fmt.Fprintf(&b, "%d bad rows", len(es))
	}
	for _, e := range es {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// row is a record kept until its avoid list can be checked against every id.
type row struct {
	line   int
	id     string
	avoid  []string
	person int // index in File.People; -1 for a bad row
}

// Read reads a participants file: UTF-8 with or without a byte-order mark,
// a header row, one participant per row. A file with any bad row returns
// Errors naming each of them; an unreadable stream returns its error.
func Read(r io.Reader) (*File, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\ufeff")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // the field count is checked here, with a clearer message
	cr.ReuseRecord = true

	var errs Errors
	fail := func(line int, reasons ...string) {
		errs = append(errs, RowError{Line: line, Reasons: reasons})
	}

	header, err := cr.Read()
	if err == io.EOF {
		return nil, Errors{{Line: 1, Reasons: []string{"the file is empty; the first line must be the header " + strings.Join(Columns, ",")}}}
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, Errors{{Line: pe.Line, Reasons: []string{csvReason(pe)}}}
		}
		return nil, err
	}
	header = append([]string(nil), header...) // the reader reuses its record
	col, attrs, reasons := readHeader(header)
	if len(reasons) > 0 {
		// Without a usable header no row can be read: report it alone.
		return nil, Errors{{Line: 1, Reasons: reasons}}
	}

	f := &File{Attributes: attrs}
	var rows []row
	ids := map[string]int{} // id → line
	zones := map[string]*time.Location{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				fail(pe.StartLine, csvReason(pe))
				continue
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line (csv skips truly empty ones; this catches spaces)
		}
		if len(rec) != len(header) {
			fail(line, fmt.Sprintf("has %d fields, want %d as in the header", len(rec), len(header)))
			continue
		}
		p, avoid, reasons := readRow(rec, header, col, attrs, zones)
		if p.ID != "" {
			if first, ok := ids[p.ID]; ok {
				reasons = append(reasons, fmt.Sprintf("id %q is already used on line %d", p.ID, first))
			} else {
				ids[p.ID] = line
			}
		}
		rw := row{line: line, id: p.ID, avoid: avoid, person: -1}
		if len(reasons) > 0 {
			fail(line, reasons...)
		} else {
			rw.person = len(f.People)
			f.People = append(f.People, p)
			f.Lines = append(f.Lines, line)
		}
		rows = append(rows, rw)
	}

	// Avoid lists may name people on later lines, so they are checked last,
	// on bad rows too, so that a row's every mistake is reported at once.
	for _, rw := range rows {
		var reasons []string
		for _, id := range rw.avoid {
			switch _, ok := ids[id]; {
			case id == rw.id:
				reasons = append(reasons, fmt.Sprintf("avoid names the participant's own id %q", id))
			case !ok:
				reasons = append(reasons, fmt.Sprintf("avoid names %q, which is no participant's id", id))
			}
		}
		if len(reasons) > 0 {
			fail(rw.line, reasons...)
		}
		if rw.person >= 0 {
			f.People[rw.person].Avoid = rw.avoid
		}
	}
	if len(errs) > 0 {
		return nil, mergeErrors(errs)
	}
	if len(f.People) == 0 {
		return nil, Errors{{Line: 2, Reasons: []string{"the file has a header but no participants"}}}
	}
	return f, nil
}

// readHeader maps column names to positions and lists what is wrong with the header.
func readHeader(header []string) (col map[string]int, attrs []string, reasons []string) {
	col = map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !utf8.ValidString(name):
			reasons = append(reasons, fmt.Sprintf("column %d of the header is not valid UTF-8", i+1))
			continue
		case name == "":
			reasons = append(reasons, fmt.Sprintf("column %d of the header has no name", i+1))
			continue
		}
		if _, dup := col[name]; dup {
			reasons = append(reasons, fmt.Sprintf("column %q appears twice in the header", name))
			continue
		}
		col[name] = i
	}
	var missing []string
	for _, c := range Columns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		reasons = append(reasons, fmt.Sprintf("the header lacks the column(s) %s; it must name %s",
			strings.Join(missing, ","), strings.Join(Columns, ",")))
	}
	// Attributes in header order: gender and every column we do not otherwise use.
	known := map[string]bool{}
	for _, c := range Columns {
		known[c] = c != "gender"
	}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if j, ok := col[name]; ok && j == i && !known[name] {
			attrs = append(attrs, name)
		}
	}
	return col, attrs, reasons
}

// readRow checks one record and builds its person; the avoid ids are returned
// apart, to be checked once every id is known.
func readRow(rec, header []string, col map[string]int, attrs []string, zones map[string]*time.Location) (p grouping.Person, avoid []string, reasons []string) {
	get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
	for i, v := range rec {
		if !utf8.ValidString(v) {
			reasons = append(reasons, fmt.Sprintf("%s is not valid UTF-8", strings.TrimSpace(header[i])))
			return p, nil, reasons
		}
	}

	p.ID = get("id")
	if p.ID == "" {
		reasons = append(reasons, "id is empty")
	} else if strings.Contains(p.ID, ";") {
		reasons = append(reasons, fmt.Sprintf("id %q contains \";\", which separates the ids of avoid", p.ID))
	}
	p.Name = get("name")
	if p.Name == "" {
		reasons = append(reasons, "name is empty")
	}
	if email := get("email"); email != "" && !strings.Contains(email, "@") {
		reasons = append(reasons, fmt.Sprintf("email %q is not an e-mail address", email))
	}
	p.Organization = get("organization")
	p.Sector = get("sector")
	p.Industry = get("industry")
	p.Function = get("function")

	switch lv := get("level"); {
	case lv == "":
		reasons = append(reasons, "level is empty; it must be a whole number like 3")
	default:
		n, err := strconv.Atoi(lv)
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("level %q is not a whole number", lv))
		} else if n < 0 || n > MaxLevel {
			reasons = append(reasons, fmt.Sprintf("level %d is outside 0–%d", n, MaxLevel))
		} else {
			p.Level = n
		}
	}

	tz := get("timezone")
	if loc, err := loadZone(tz, zones); err != nil {
		reasons = append(reasons, err.Error())
	} else {
		p.Zone = loc
	}

	if w, err := schedule.ParseWeek(get("availability")); err != nil {
		reasons = append(reasons, "availability: "+err.Error())
	} else {
		p.Week = w
	}

	seen := map[string]bool{}
	for id := range strings.SplitSeq(get("avoid"), ";") {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			avoid = append(avoid, id)
		}
	}

	for _, a := range attrs {
		if v := get(a); v != "" {
			if p.Attrs == nil {
				p.Attrs = map[string]string{}
			}
			p.Attrs[a] = v
		}
	}
	return p, avoid, reasons
}

// loadZone returns the IANA zone named tz, remembering zones already loaded.
func loadZone(tz string, zones map[string]*time.Location) (*time.Location, error) {
	if loc, ok := zones[tz]; ok {
		return loc, nil
	}
	// "Local" would mean the zone of the machine running the command, which
	// says nothing about the participant.
	if tz == "" || tz == "Local" {
		return nil, fmt.Errorf("timezone is empty; it must be an IANA zone like Europe/London")
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q; use an IANA zone like Europe/London", tz)
	}
	zones[tz] = loc
	return loc, nil
}

// csvReason words a CSV syntax error for people who edit spreadsheets.
func csvReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return `a quoted field is not closed, or a quote inside it is not doubled ("")`
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return `a quote (") appears inside an unquoted field; quote the field and double the quote`
	default:
		return pe.Err.Error()
	}
}

// mergeErrors orders errors by line and joins the reasons of one line (the
// avoid checks come after the rows) into one entry.
func mergeErrors(es Errors) Errors {
	slices.SortStableFunc(es, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
	out := es[:0]
	for _, e := range es {
		if n := len(out); n > 0 && out[n-1].Line == e.Line {
			out[n-1].Reasons = append(out[n-1].Reasons, e.Reasons...)
			continue
		}
		out = append(out, e)
	}
	return out
}
