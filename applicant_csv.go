package roundtable

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ApplicantsCSVHeader is the header of an applicants CSV file, in the order
// templates show it.
const ApplicantsCSVHeader = "name,email,title,organization,sector,industry,function,level,timezone,availability,goals,topics,avoid"

// Bounds of an applicants CSV file.
const (
	MaxImportRows  = 5000
	MaxImportBytes = 5 << 20
)

// csvColumns maps each column of the header to the field key Applicant.Validate
// uses, and the other way round for messages.
var csvColumns = map[string]string{
	"name": "name", "email": "email", "title": "title", "organization": "organization",
	"sector": "sector", "industry": "industry", "function": "function", "level": "level",
	"timezone": "time_zone", "availability": "availability", "goals": "goals",
	"topics": "topics", "avoid": "avoid",
}

// csvRequired are the columns a file must have.
var csvRequired = []string{"name", "email", "organization", "sector", "level", "timezone", "availability"}

// ApplicantRow is one applicant read from a CSV file, with the line its
// record starts on.
type ApplicantRow struct {
	Line      int
	Applicant *Applicant
}

// ParseApplicantsCSV reads applicants from a CSV file (UTF-8, comma separated,
// a byte order mark is ignored). The first line is the header:
//
//	name,email,title,organization,sector,industry,function,level,timezone,availability,goals,topics,avoid
//
// Columns may come in any order; unknown columns are refused, columns without
// a name must be empty. A further column may hold the answers to one of the
// program's questions qs: its header is the question's key or its label (any
// case), and each value is one of the question's choices (any case) or empty.
// A required question needs an answer in every row only when the file has
// its column. The columns
// name, email, organization, sector, level, timezone and availability are
// required, and so are their values in every row:
//
//   - sector is one of Private, Public, Non-profit, Academia, Social enterprise, Other;
//   - level is a number from 1 (team lead) to 6 (head of an organization);
//   - timezone is an IANA name such as Europe/Paris;
//   - availability lists weekly times in that zone, like "Mon 09:00-12:00;Wed 14:00-17:30".
//
// Each row is checked as the application form checks it, and an e-mail may
// appear only once. A file holds at most 5,000 rows and 5 MiB. When anything
// is wrong, the error is an *ImportError that names every bad line and why
// ("line 7: email: Enter an e-mail address like name@example.org."); an empty
// file, or one with only a header, is an error too.
func ParseApplicantsCSV(r io.Reader, qs ...Question) ([]*Applicant, error) {
	rows, err := ReadApplicantsCSV(r, qs...)
	if err != nil {
		return nil, err
	}
	out := make([]*Applicant, len(rows))
	for i, row := range rows {
		out[i] = row.Applicant
	}
	return out, nil
}

// ReadApplicantsCSV is ParseApplicantsCSV that also tells the line of each
// applicant, so callers can report further problems (an e-mail already in a
// program) by line.
func ReadApplicantsCSV(r io.Reader, qs ...Question) ([]ApplicantRow, error) {
	data, err := readImportFile(r)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // checked per row, to name the line
	header, err := cr.Read()
	if err != nil {
		return nil, importErr(1, "the header cannot be read: "+csvReason(err))
	}
	cols, asked, problems := readCSVHeader(header, qs)
	if len(problems) > 0 {
		return nil, &ImportError{Lines: problems}
	}
	rows, problems, err := readApplicantRows(cr, cols, asked)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, &ImportError{Lines: problems}
	}
	if len(rows) == 0 {
		return nil, importErr(2, "the file has a header but no applicants")
	}
	return rows, nil
}

// readImportFile reads an import file whole and refuses, naming the line,
// one too large, empty, not UTF-8 or holding a NUL; a byte-order mark is
// dropped.
func readImportFile(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read applicants file: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, importErr(0, "the file is larger than 5 MiB; split it into smaller files")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, importErr(1, "the file is empty; its first line must be the header "+ApplicantsCSVHeader)
	}
	if line, ok := firstBadUTF8(data); !ok {
		return nil, importErr(line, "the file is not UTF-8 text; save it as \"CSV UTF-8\"")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, importErr(1+bytes.Count(data[:i], []byte("\n")), "the file holds a NUL character; is it really a CSV file?")
	}
	return data, nil
}

// readCSVHeader names each column of the header (answerColumn + key for a
// question's) and returns the questions the file answers, or the header's
// problems, all on line 1.
func readCSVHeader(header []string, qs []Question) (cols []string, asked []Question, problems []LineError) {
	add := func(format string, args ...any) {
		problems = append(problems, LineError{Line: 1, Reason: fmt.Sprintf(format, args...)})
	}
	cols = make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "time_zone" {
			h = "timezone"
		}
		cols[i] = h
		q := questionColumn(qs, h)
		switch {
		case h == "":
			continue // spreadsheets add empty columns; rows must leave them empty
		case csvColumns[h] == "" && q == nil:
			add("unknown column %q; the columns are %s%s", header[i], ApplicantsCSVHeader, questionColumns(qs))
		case q != nil:
			cols[i] = answerColumn + q.Key
			if !seen[cols[i]] {
				asked = append(asked, *q)
			} else {
				add("the question %q has two columns", q.Label)
			}
		case seen[h]:
			add("the column %q appears twice", h)
		}
		seen[cols[i]] = true
	}
	for _, c := range csvRequired {
		if !seen[c] {
			add("the required column %q is missing", c)
		}
	}
	return cols, asked, problems
}

// readApplicantRows reads the rows after the header: the applicants of the
// good ones, and a problem per bad one, by line.
func readApplicantRows(cr *csv.Reader, cols []string, asked []Question) ([]ApplicantRow, []LineError, error) {
	var rows []ApplicantRow
	var problems []LineError
	add := func(line int, format string, args ...any) {
		problems = append(problems, LineError{Line: line, Reason: fmt.Sprintf(format, args...)})
	}
	records := 0
	firstLine := map[string]int{} // e-mail → line it first appears on
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			add(pe.StartLine, "%s", csvReason(err))
			if pe.Err == csv.ErrQuote {
				break // an open quote swallows the rest of the file
			}
			continue
		} else if err != nil {
			return nil, nil, fmt.Errorf("read applicants file: %w", err)
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		if records++; records > MaxImportRows {
			add(line, "the file has more than 5,000 rows; split it into smaller files")
			break
		}
		if len(rec) != len(cols) {
			add(line, "this row has %d values but the header has %d columns", len(rec), len(cols))
			continue
		}
		a, bad := applicantFromRecord(cols, rec, asked)
		for _, b := range bad {
			add(line, "%s", b)
		}
		if a.Email != "" && len(bad) == 0 {
			if first, dup := firstLine[a.Email]; dup {
				add(line, "email: %s appears on line %d and line %d; each person may apply once", a.Email, first, line)
				continue
			}
			firstLine[a.Email] = line
		}
		if len(bad) == 0 {
			rows = append(rows, ApplicantRow{Line: line, Applicant: a})
		}
	}
	return rows, problems, nil
}

// answerColumn marks a column that answers a question: "answer:" + its key.
const answerColumn = "answer:"

// questionColumn returns the question a header (lower-cased) names by key
// or label, or nil. The applicant's own columns come first: a header that
// is one of them never names a question.
func questionColumn(qs []Question, h string) *Question {
	if h == "" || csvColumns[h] != "" {
		return nil
	}
	h = strings.Join(strings.Fields(h), " ")
	for i := range qs {
		if qs[i].Key == h || strings.EqualFold(strings.Join(strings.Fields(qs[i].Label), " "), h) {
			return &qs[i]
		}
	}
	return nil
}

// questionColumns lists the question columns for an error message.
func questionColumns(qs []Question) string {
	if len(qs) == 0 {
		return ""
	}
	keys := make([]string, len(qs))
	for i, q := range qs {
		keys[i] = q.Key
	}
	return ", and for the program's questions " + strings.Join(keys, ",")
}

// applicantFromRecord builds and validates one applicant, returning the
// problems as "column: message", in the order of the columns. asked are the
// questions the file has columns for.
func applicantFromRecord(cols, rec []string, asked []Question) (*Applicant, []string) {
	a := &Applicant{}
	var bad []string
	levelText := ""
	for i, c := range cols {
		v := rec[i]
		if key, ok := strings.CutPrefix(c, answerColumn); ok {
			if a.Answers == nil {
				a.Answers = map[string]string{}
			}
			a.Answers[key] = v
			continue
		}
		switch c {
		case "":
			if strings.TrimSpace(v) != "" {
				bad = append(bad, fmt.Sprintf("column %d has a value but no name in the header", i+1))
			}
		case "name":
			a.Name = v
		case "email":
			a.Email = v
		case "title":
			a.Title = v
		case "organization":
			a.Organization = v
		case "sector":
			a.Sector = v
		case "industry":
			a.Industry = v
		case "function":
			a.Function = v
		case "level":
			levelText = strings.TrimSpace(v)
		case "timezone":
			a.TimeZone = strings.TrimSpace(v)
		case "availability":
			a.Availability = v
		case "goals":
			a.Goals = v
		case "topics":
			a.Topics = v
		case "avoid":
			a.Avoid = v
		}
	}
	if n, err := strconv.Atoi(levelText); err == nil && Level(n).Valid() {
		a.Level = Level(n)
	} else if levelText == "" {
		bad = append(bad, "level: enter a level from 1 (team lead) to 6 (head of an organization)")
	} else {
		bad = append(bad, fmt.Sprintf("level: %q is not a level from 1 to 6", truncate(levelText, 20)))
	}
	var e *Error
	if err := a.ValidateFor(&Program{Questions: asked}); errors.As(err, &e) {
		// Report in the column order of the file.
		for _, c := range cols {
			key := csvColumns[c]
			name := c
			if k, ok := strings.CutPrefix(c, answerColumn); ok {
				key, name = AnswerField(k), k
			}
			if msg, ok := e.Fields[key]; ok && key != "level" {
				bad = append(bad, name+": "+strings.TrimPrefix(msg, "Availability: "))
			}
		}
	}
	return a, bad
}

// importErr is an *ImportError with one line.
func importErr(line int, reason string) error {
	return &ImportError{Lines: []LineError{{Line: line, Reason: reason}}}
}

// csvReason words a CSV syntax error for people.
func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch pe.Err {
		case csv.ErrQuote:
			return "a quoted value is not closed; check the quotes (\") from this line on"
		case csv.ErrBareQuote:
			return "a quote (\") appears inside a value that is not quoted; put the value in quotes and double the quote inside"
		}
		return pe.Err.Error()
	}
	if err == io.EOF {
		return "the file is empty"
	}
	return err.Error()
}

// firstBadUTF8 returns the line of the first invalid UTF-8 byte, or ok.
func firstBadUTF8(data []byte) (line int, ok bool) {
	if utf8.Valid(data) {
		return 0, true
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), MaxImportBytes+1)
	for n := 1; sc.Scan(); n++ {
		if !utf8.Valid(sc.Bytes()) {
			return n, false
		}
	}
	return 1, false
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
