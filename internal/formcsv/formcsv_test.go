package formcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/schedule"
)

const header = "id,name,email,organization,sector,industry,function,level,timezone,availability,avoid,gender\n"

const good = header +
	`a1,Ana Lima,ana@example.org,Acme,Health,Hospitals,Finance,3,Europe/London,Mon 09:00-12:00;Wed 14:00-17:30,b2,woman
b2,Bo Chen,bo@example.org,Globex,Energy,Utilities,IT,4,Asia/Singapore,Tue 08:00-10:00,,
c3,"Lee, Chris",,Initech,Public,"Local ""city"" government",HR,2,America/New_York,"Mon 09:00-17:00
Tue 09:00-17:00",a1;b2,man
`

func TestRead_Good(t *testing.T) {
	f, err := Read(strings.NewReader(good))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got, want := len(f.People), 3; got != want {
		t.Fatalf("got %d people, want %d", got, want)
	}
	a, b, c := f.People[0], f.People[1], f.People[2]
	if a.ID != "a1" || a.Name != "Ana Lima" || a.Organization != "Acme" || a.Sector != "Health" ||
		a.Industry != "Hospitals" || a.Function != "Finance" || a.Level != 3 {
		t.Errorf("got %+v, want Ana's fields", a)
	}
	if got, want := a.Zone.String(), "Europe/London"; got != want {
		t.Errorf("got zone %q, want %q", got, want)
	}
	if got, want := a.Week.String(), "Mon 09:00-12:00;Wed 14:00-17:30"; got != want {
		t.Errorf("got week %q, want %q", got, want)
	}
	if got, want := strings.Join(a.Avoid, ","), "b2"; got != want {
		t.Errorf("got avoid %q, want %q", got, want)
	}
	if got, want := a.Attrs["gender"], "woman"; got != want {
		t.Errorf("got gender %q, want %q", got, want)
	}
	if b.Attrs != nil {
		t.Errorf("got attrs %v for an empty gender, want none", b.Attrs)
	}
	// Quoted fields: a comma, doubled quotes and a line break inside.
	if got, want := c.Name, "Lee, Chris"; got != want {
		t.Errorf("got name %q, want %q", got, want)
	}
	if got, want := c.Industry, `Local "city" government`; got != want {
		t.Errorf("got industry %q, want %q", got, want)
	}
	if got, want := c.Week.String(), "Mon 09:00-17:00;Tue 09:00-17:00"; got != want {
		t.Errorf("got week %q, want %q", got, want)
	}
	if got, want := f.Lines, []int{2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("got lines %v, want %v", got, want)
	}
	if got, want := strings.Join(f.Attributes, ","), "gender"; got != want {
		t.Errorf("got attributes %q, want %q", got, want)
	}
}

func TestRead_BOM(t *testing.T) {
	f, err := Read(strings.NewReader("\ufeff" + good))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got, want := f.People[0].ID, "a1"; got != want {
		t.Errorf("got first id %q, want %q", got, want)
	}
}

func TestRead_CRLFAndColumnOrder(t *testing.T) {
	// Spreadsheets write CRLF; columns may come in any order, extra ones are
	// attributes.
	in := "Name,ID,email,organization,sector,industry,function,level,timezone,availability,avoid,gender,Pronouns\r\n" +
		"Ana,a1,,Acme,Health,Hospitals,Finance,3,UTC,Mon 09:00-12:00,,,she\r\n"
	f, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	p := f.People[0]
	if p.ID != "a1" || p.Name != "Ana" {
		t.Errorf("got id %q name %q, want a1 Ana", p.ID, p.Name)
	}
	if got, want := strings.Join(f.Attributes, ","), "gender,pronouns"; got != want {
		t.Errorf("got attributes %q, want %q", got, want)
	}
	if got, want := p.Attrs["pronouns"], "she"; got != want {
		t.Errorf("got pronouns %q, want %q", got, want)
	}
}

// TestRead_BadRows puts every kind of mistake in one file and checks each is
// reported on its line, and that nothing is returned.
func TestRead_BadRows(t *testing.T) {
	in := header +
		"a1,Ana,,Acme,Health,H,F,3,Mars/Olympus,Mon 09:00-12:00,,\n" + // 2: zone
		"b2,Bo,,Acme,Health,H,F,3,UTC,Mon 9-12,,\n" + // 3: window
		"c3,Cy,,Acme,Health,H,F,senior,UTC,Mon 09:00-12:00,,\n" + // 4: level
		"a1,Di,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,,\n" + // 5: duplicate id
		"e5,Ed,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,zz9;a1,\n" + // 6: unknown avoid
		"f6,Flo,,Acme,Health,H,F,3,UTC\n" + // 7: too few fields
		",Gus,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,,\n" + // 8: no id
		"h8,Hal,,Acme,Health,H,F,3,,Mon 09:00-12:00,,\n" + // 9: no zone
		"i9,Ivy,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,,\n" + // 10: good
		"j10,Jo,,Acme,Health,H,F,-2,Nowhere,Fun 09:00-12:00,,\n" // 11: three at once
	_, err := Read(strings.NewReader(in))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v, want Errors", err)
	}
	want := map[int]string{
		2:  `unknown time zone "Mars/Olympus"`,
		3:  `availability:`,
		4:  `level "senior" is not a whole number`,
		5:  `id "a1" is already used on line 2`,
		6:  `avoid names "zz9", which is no participant's id`,
		7:  `has 9 fields, want 12`,
		8:  `id is empty`,
		9:  `timezone is empty`,
		11: `level -2 is outside`,
	}
	got := map[int]string{}
	for _, e := range es {
		got[e.Line] = e.Error()
	}
	if len(got) != len(want) {
		t.Errorf("got %d bad rows, want %d:\n%v", len(got), len(want), err)
	}
	for line, frag := range want {
		if !strings.Contains(got[line], frag) {
			t.Errorf("line %d: got %q, want it to contain %q", line, got[line], frag)
		}
	}
	if msg := got[11]; !strings.Contains(msg, "Nowhere") || !strings.Contains(msg, "Fun") {
		t.Errorf("line 11: got %q, want every reason of the row", msg)
	}
	if !strings.HasPrefix(err.Error(), "9 bad rows") {
		t.Errorf("got %q, want it to start with the count", err.Error())
	}
	for i := 1; i < len(es); i++ {
		if es[i].Line <= es[i-1].Line {
			t.Errorf("got lines out of order: %d after %d", es[i].Line, es[i-1].Line)
		}
	}
}

func TestRead_BadHeader(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Empty", "", "the file is empty"},
		{"NoHeader", "a1,Ana,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,,\n", "the header lacks the column(s)"},
		{"MissingColumn", strings.Replace(header, ",gender", "", 1) + "a1,Ana,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,\n", "lacks the column(s) gender"},
		{"Duplicate", strings.TrimSuffix(header, "\n") + ",Level\n", `column "level" appears twice`},
		{"Unnamed", strings.TrimSuffix(header, "\n") + ",\n", "column 13 of the header has no name"},
		{"HeaderOnly", header, "no participants"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in))
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("got %v, want Errors", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestRead_BadQuotes(t *testing.T) {
	in := header +
		"a1,Ana,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,,\n" +
		"b2,Bo \"the boss\",,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,,\n" +
		"c3,Cy,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,,\n"
	_, err := Read(strings.NewReader(in))
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v, want Errors", err)
	}
	if len(es) != 1 || es[0].Line != 3 || !strings.Contains(es[0].Error(), "quote") {
		t.Errorf("got %v, want one error on line 3 about a quote", err)
	}
}

func TestRead_NotUTF8(t *testing.T) {
	in := header + "a1,Ana \xff,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,,\n"
	_, err := Read(strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "line 2: name is not valid UTF-8") {
		t.Errorf("got %v, want line 2 named as not UTF-8", err)
	}
}

func TestWrite(t *testing.T) {
	f, err := Read(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	s := grouping.Settings{Reference: london}
	form := &grouping.Formation{
		Circles: []grouping.Circle{{
			Members: []int{2, 0},
			Slots:   []schedule.Slot{{Day: time.Tuesday, Start: 15 * 60}},
		}},
		Unplaced: []grouping.Unplaced{{Person: 1, Reason: "No 90-minute window shared with enough others"}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, f.People, s, form); err != nil {
		t.Fatalf("Write: %v", err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("reading the output back: %v", err)
	}
	want := [][]string{
		{"circle", "id", "slot", "reason"},
		{"1", "c3", "Tue 15:00 Europe/London"},
		{"1", "a1", "Tue 15:00 Europe/London"},
		{"", "b2", "", "No 90-minute window shared with enough others"},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d rows, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("row %d column %d: got %q, want %q", i, j, recs[i][j], want[i][j])
			}
		}
	}
}

// FuzzRead checks that no input makes Read panic, and that whatever it
// accepts is consistent: one line per person, unique ids, known avoid ids.
func FuzzRead(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("\ufeff" + good))
	f.Add([]byte(header + "a1,Ana,,Acme,Health,H,F,3,UTC,Mon 09:00-12:00,a1,\n"))
	f.Add([]byte(header + "a1,\"Ana\n"))
	f.Add([]byte("id\n\"\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(bytes.NewReader(data))
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("got %v, want Errors with at least one row", err)
			}
			return
		}
		if len(file.People) != len(file.Lines) || len(file.People) == 0 {
			t.Fatalf("got %d people and %d lines", len(file.People), len(file.Lines))
		}
		ids := map[string]bool{}
		for _, p := range file.People {
			if p.ID == "" || ids[p.ID] || p.Zone == nil {
				t.Fatalf("got person %+v: empty or repeated id, or no zone", p)
			}
			ids[p.ID] = true
		}
		for _, p := range file.People {
			for _, a := range p.Avoid {
				if !ids[a] || a == p.ID {
					t.Fatalf("got avoid %q for %q", a, p.ID)
				}
			}
		}
	})
}
