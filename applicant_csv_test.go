package roundtable_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

const header = roundtable.ApplicantsCSVHeader + "\n"

func parseErr(t *testing.T, data string) *roundtable.ImportError {
	t.Helper()
	_, err := roundtable.ParseApplicantsCSV(strings.NewReader(data))
	var ie *roundtable.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an *ImportError", err)
	}
	return ie
}

// wantLines fails unless the error names exactly these line: reason prefixes.
func wantLines(t *testing.T, ie *roundtable.ImportError, want ...string) {
	t.Helper()
	var got []string
	for _, l := range ie.Lines {
		got = append(got, fmt.Sprintf("line %d: %s", l.Line, l.Reason))
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems %q, want %d %q", len(got), got, len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("got %q, want it to start with %q", got[i], want[i])
		}
	}
}

func TestParseApplicantsCSV(t *testing.T) {
	data := "\xef\xbb\xbf" + "Email,Name,Organization,Sector,Level,TimeZone,Availability,Goals\r\n" +
		"Ann@Example.org, Ann One ,Acme,non-profit,4,Europe/Paris,\"mon 09:00-12:00; Wed 14:00-17:30\",\"Grow, and\nlisten\"\r\n" +
		"\r\n" +
		"ben@example.org,Ben Two,Gov,Public,1,America/Chicago,Tue 10:00-11:00,\r\n"
	rows, err := roundtable.ReadApplicantsCSV(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	a := rows[0].Applicant
	if rows[0].Line != 2 || a.Name != "Ann One" || a.Email != "ann@example.org" || a.Sector != "Non-profit" ||
		a.Level != 4 || a.Availability != "Mon 09:00-12:00;Wed 14:00-17:30" || a.Goals != "Grow, and\nlisten" ||
		a.Status != roundtable.StatusPending {
		t.Fatalf("got line %d %+v, want Ann normalized", rows[0].Line, a)
	}
	// Ann's goals span lines 2–3, line 4 is blank.
	if rows[1].Line != 5 || rows[1].Applicant.Email != "ben@example.org" {
		t.Fatalf("got line %d %+v, want Ben on line 5", rows[1].Line, rows[1].Applicant)
	}
	list, err := roundtable.ParseApplicantsCSV(strings.NewReader(data))
	if err != nil || len(list) != 2 {
		t.Fatalf("got (%d, %v), want 2 applicants", len(list), err)
	}
}

func TestParseApplicantsCSV_EveryBadLine(t *testing.T) {
	data := header +
		"Ann,ann@example.org,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n" + // 2 fine
		"Bea,not-an-email,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n" + // 3
		"Cy,cy@example.org,,Acme,Martian,,,7,Mars/Olympus,Someday,,,\n" + // 4: sector, level, timezone, availability
		"Ann Again,ANN@example.org,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n" + // 5: duplicate of 2
		"Short,row\n" + // 6
		",dee@example.org,,,Private,,,x,Europe/Paris,,,,\n" // 7: name, organization, level, availability
	ie := parseErr(t, data)
	wantLines(t, ie,
		"line 3: email: Enter an e-mail address like name@example.org.",
		"line 4: level: \"7\" is not a level from 1 to 6",
		"line 4: sector: Choose a sector",
		"line 4: timezone: ",
		"line 4: availability: ",
		"line 5: email: ann@example.org appears on line 2 and line 5",
		"line 6: this row has 2 values but the header has 13 columns",
		"line 7: level: ",
		"line 7: name: Enter your full name.",
		"line 7: organization: ",
		"line 7: availability: ",
	)
	if !strings.Contains(ie.Error(), "line 3: email: Enter an e-mail address like name@example.org.") {
		t.Fatalf("got %q, want the readable line", ie.Error())
	}
}

func TestParseApplicantsCSV_Header(t *testing.T) {
	for name, tc := range map[string]struct {
		data string
		want []string
	}{
		"Empty":       {"", []string{"line 1: the file is empty"}},
		"OnlySpace":   {" \n\n", []string{"line 1: the file is empty"}},
		"OnlyHeader":  {header, []string{"line 2: the file has a header but no applicants"}},
		"Unknown":     {"name,email,organization,sector,level,timezone,availability,salary\n", []string{`line 1: unknown column "salary"`}},
		"Missing":     {"name,email\n", []string{`line 1: the required column "organization"`, `line 1: the required column "sector"`, `line 1: the required column "level"`, `line 1: the required column "timezone"`, `line 1: the required column "availability"`}},
		"Twice":       {"name,name,email,organization,sector,level,timezone,availability\n", []string{`line 1: the column "name" appears twice`}},
		"NotUTF8":     {header + "Ann,ann@example.org,,Acme\xff,Private,,,3,UTC,Mon 09:00-10:00,,,\n", []string{"line 2: the file is not UTF-8"}},
		"Nul":         {header + "Ann,ann@example.org,,Acme\x00,Private,,,3,UTC,Mon 09:00-10:00,,,\n", []string{"line 2: the file holds a NUL"}},
		"OpenQuote":   {header + "\"Ann,ann@example.org,,Acme,Private,,,3,UTC,Mon 09:00-10:00,,,\n", []string{"line 2: a quoted value is not closed"}},
		"BareQuote":   {header + "An\"n,ann@example.org,,Acme,Private,,,3,UTC,Mon 09:00-10:00,,,\n", []string{"line 2: a quote"}},
		"EmptyColumn": {"name,email,organization,sector,level,timezone,availability,\nA,a@example.org,B,Other,1,UTC,Mon 09:00-10:00,x\n", []string{"line 2: column 8 has a value but no name"}},
	} {
		t.Run(name, func(t *testing.T) {
			ie := parseErr(t, tc.data)
			wantLines(t, ie, tc.want...)
		})
	}
}

func TestParseApplicantsCSV_Bounds(t *testing.T) {
	t.Run("Rows", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(header)
		for i := range roundtable.MaxImportRows + 1 {
			fmt.Fprintf(&b, "P%d,p%d@example.org,,Acme,Private,,,3,UTC,Mon 09:00-10:00,,,\n", i, i)
		}
		ie := parseErr(t, b.String())
		last := ie.Lines[len(ie.Lines)-1]
		if last.Line != roundtable.MaxImportRows+2 || !strings.Contains(last.Reason, "more than 5,000 rows") {
			t.Fatalf("got %+v, want the row limit named at line %d", last, roundtable.MaxImportRows+2)
		}
	})
	t.Run("Bytes", func(t *testing.T) {
		data := header + strings.Repeat("x", roundtable.MaxImportBytes)
		ie := parseErr(t, data)
		if !strings.Contains(ie.Lines[0].Reason, "larger than 5 MiB") {
			t.Fatalf("got %+v, want the size limit", ie.Lines)
		}
	})
	t.Run("ExactlyMaxRows", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString(header)
		for i := range roundtable.MaxImportRows {
			fmt.Fprintf(&b, "P%d,p%d@example.org,,Acme,Private,,,3,UTC,Mon 09:00-10:00,,,\n", i, i)
		}
		rows, err := roundtable.ParseApplicantsCSV(&b)
		if err != nil || len(rows) != roundtable.MaxImportRows {
			t.Fatalf("got (%d, %v), want %d rows", len(rows), err, roundtable.MaxImportRows)
		}
	})
}

func FuzzParseApplicantsCSV(f *testing.F) {
	f.Add(header + "Ann,ann@example.org,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n")
	f.Add("name,email\n\"open")
	f.Add("\xef\xbb\xbfemail,name,organization,sector,level,timezone,availability\na@b.co,A,B,Other,6,UTC,Sun 00:00-24:00\n")
	f.Add(header + "a,\"b\"\"c\",,,,,,,,,,,\n")
	f.Add("")
	f.Add("name,email,organization,sector,level,timezone,availability,Gender\nA,a@b.co,B,Other,6,UTC,Sun 00:00-24:00,woman\n")
	p := &roundtable.Program{Questions: []roundtable.Question{
		{Key: "gender", Label: "Gender", Choices: []string{"Woman", "Man"}, Required: true}}}
	f.Fuzz(func(t *testing.T, data string) {
		rows, err := roundtable.ParseApplicantsCSV(strings.NewReader(data), p.Questions...)
		if err == nil {
			if len(rows) == 0 {
				t.Fatal("got no rows and no error")
			}
			for _, a := range rows {
				// Without the question's column a row need not answer it.
				if a.Validate() != nil || a.Answers != nil && a.ValidateFor(p) != nil {
					t.Fatalf("got an invalid applicant %+v without an error", a)
				}
			}
			return
		}
		var ie *roundtable.ImportError
		if !errors.As(err, &ie) || len(ie.Lines) == 0 {
			t.Fatalf("got %v, want an *ImportError naming lines", err)
		}
	})
}

func TestParseApplicantsCSV_EmptyColumnsFromSpreadsheets(t *testing.T) {
	data := "name,email,organization,sector,level,timezone,availability,,\n" +
		"A,a@example.org,B,Other,1,UTC,Mon 09:00-10:00,,\n"
	rows, err := roundtable.ParseApplicantsCSV(strings.NewReader(data))
	if err != nil || len(rows) != 1 {
		t.Fatalf("got (%d, %v), want one applicant", len(rows), err)
	}
}

func TestParseApplicantsCSV_Questions(t *testing.T) {
	qs := []roundtable.Question{
		{Key: "gender", Label: "Gender", Choices: []string{"Woman", "Man", "Non-binary"}, NeverAlone: true},
		{Key: "career_stage", Label: "Career stage", Choices: []string{"Early", "Late"}, Required: true},
	}
	row := "Ann One,ann@example.org,Acme,Private,4,Europe/Paris,Mon 09:00-12:00"
	t.Run("ByKeyAndLabel", func(t *testing.T) {
		data := "name,email,organization,sector,level,timezone,availability,GENDER,Career  Stage\n" +
			row + ",woman,late\n" +
			strings.Replace(row, "ann", "ben", 1) + ",,Early\n"
		list, err := roundtable.ParseApplicantsCSV(strings.NewReader(data), qs...)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(list[0].Answers, list[1].Answers); got != "map[career_stage:Late gender:Woman] map[career_stage:Early]" {
			t.Errorf("got answers %s, want the choices' spelling and no answer for an empty value", got)
		}
	})
	t.Run("OldHeader", func(t *testing.T) {
		// A file without the questions' columns still imports: required
		// answers are asked for only when the file has the column.
		data := header + "Ann One,ann@example.org,,Acme,Private,,,4,Europe/Paris,Mon 09:00-12:00,,,\n"
		if _, err := roundtable.ParseApplicantsCSV(strings.NewReader(data), qs...); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrBadAnswer", func(t *testing.T) {
		data := "name,email,organization,sector,level,timezone,availability,gender,career_stage\n" +
			row + ",Woman,Late\n" +
			strings.Replace(row, "ann", "ben", 1) + ",Robot,\n"
		_, err := roundtable.ParseApplicantsCSV(strings.NewReader(data), qs...)
		var ie *roundtable.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("got %v, want an *ImportError", err)
		}
		wantLines(t, ie, "line 3: gender: Choose one of the answers to “Gender”: Woman, Man, Non-binary", "line 3: career_stage: Choose an answer")
	})
	t.Run("ErrUnknownColumn", func(t *testing.T) {
		ie := parseErr(t, "name,email,organization,sector,level,timezone,availability,gender\n"+row+",Woman\n")
		wantLines(t, ie, `line 1: unknown column "gender"`)
		_, err := roundtable.ParseApplicantsCSV(strings.NewReader("name,email,organization,sector,level,timezone,availability,shoe size\n"+row+",44\n"), qs...)
		if err == nil || !strings.Contains(err.Error(), "for the program's questions gender,career_stage") {
			t.Errorf("got %v, want the questions' columns named", err)
		}
	})
	t.Run("ErrTwoColumns", func(t *testing.T) {
		_, err := roundtable.ParseApplicantsCSV(strings.NewReader("name,email,organization,sector,level,timezone,availability,gender,Gender\n"+row+",Woman,Woman\n"), qs...)
		if err == nil || !strings.Contains(err.Error(), `the question "Gender" has two columns`) {
			t.Errorf("got %v, want two columns for one question refused", err)
		}
	})
}
