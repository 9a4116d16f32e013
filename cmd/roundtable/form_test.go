package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/roundtable/roundtable/internal/mdgpbench"
)

// benchDir holds the small MDGP instances kept in the repository, seen from
// this package's folder.
const benchDir = "../../testdata/mdgp"

// runCLI runs the command line and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, func(string) string { return "" }, stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestForm_MDGP(t *testing.T) {
	const name = "Geo_n010_ss_01"
	bkv, err := mdgpbench.ReadBKV(filepath.Join(benchDir, "bkv.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	want := bkv[name].Value
	path := filepath.Join(benchDir, "instances", name+".txt")

	// The same instance gzip-compressed must give the same answer.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(t.TempDir(), name+".txt.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	if err := os.WriteFile(gz, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, file := range []string{path, gz} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "groups.txt")
			code, stdout, stderr := runCLI(t, "form", "--mdgp", file, "--iterations", "2000", "--seed", "3", "--out", out)
			if code != 0 {
				t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
			}
			last := lastLine(stdout)
			v, ok := strings.CutPrefix(last, "objective=")
			if !ok {
				t.Fatalf("got last line %q, want objective=…", last)
			}
			got, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-3 {
				t.Errorf("got objective %.3f, want the optimum %.3f", got, want)
			}

			// --out recomputes to the printed objective.
			in, err := mdgpbench.ReadInstance(path)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			fields := strings.Fields(string(data))
			if len(fields) != in.N {
				t.Fatalf("got %d lines in --out, want %d", len(fields), in.N)
			}
			assign := make([]int, in.N)
			for i, f := range fields {
				if assign[i], err = strconv.Atoi(f); err != nil {
					t.Fatalf("line %d of --out: %v", i+1, err)
				}
			}
			if err := in.Feasible(assign); err != nil {
				t.Errorf("--out is infeasible: %v", err)
			}
			if re := in.Objective(assign); math.Abs(re-got) > 1e-3 {
				t.Errorf("got --out recomputing to %.3f, want %.3f", re, got)
			}
		})
	}
}

func TestForm_MDGPErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("4 2 ss 2 2 2 2\n0 1 x\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"Missing", []string{"form", "--mdgp", filepath.Join(dir, "none.txt")}, 1, "no such file"},
		{"Malformed", []string{"form", "--mdgp", bad, "--iterations", "10"}, 1, "line 2"},
		{"WithCSVFlags", []string{"form", "--mdgp", bad, "--min", "3"}, 2, "--min does not apply to --mdgp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d and %q, want exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// cohortCSV writes a small participants file: n people in four zones with
// broad weekday availability, and one who is free only on Sunday night.
func cohortCSV(t *testing.T, n int) string {
	t.Helper()
	zones := []string{"Europe/London", "America/New_York", "Europe/Berlin", "Africa/Lagos"}
	sectors := []string{"Health", "Energy", "Public", "Finance", "Retail"}
	var b strings.Builder
	b.WriteString("\ufeffid,name,email,organization,sector,industry,function,level,timezone,availability,avoid,gender\n")
	for i := range n {
		avoid := ""
		if i == 1 {
			avoid = "p00"
		}
		gender := []string{"woman", "man", ""}[i%3]
		fmt.Fprintf(&b, "p%02d,\"Person %d\",p%d@example.org,Org %d,%s,Ind %d,Fn %d,%d,%s,Mon 08:00-18:00;Tue 08:00-18:00;Wed 08:00-18:00,%s,%s\n",
			i, i, i, i%6, sectors[i%len(sectors)], i%4, i%3, 1+i%5, zones[i%len(zones)], avoid, gender)
	}
	b.WriteString("late,\"Night, Owl\",,Org X,Health,Ind 0,Fn 0,3,Pacific/Auckland,Sun 01:00-02:00,,\n")
	path := filepath.Join(t.TempDir(), "applicants.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestForm_CSV(t *testing.T) {
	in := cohortCSV(t, 15)
	out := filepath.Join(t.TempDir(), "circles.csv")
	code, stdout, stderr := runCLI(t, "form", "--in", in, "--out", out, "--min", "3", "--max", "5",
		"--from", "2027-01-11", "--to", "2027-06-28", "--duration", "90m", "--timezone", "Europe/London",
		"--never-alone", "gender", "--iterations", "200", "--seed", "1")
	if code != 0 {
		t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"Formed ", "placed", "Score ", "worst circle", "Mean per criterion", "Wrote " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("got summary %q, want it to contain %q", stdout, want)
		}
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("reading %s: %v", out, err)
	}
	if got, want := strings.Join(recs[0], ","), "circle,id,slot,reason"; got != want {
		t.Fatalf("got header %q, want %q", got, want)
	}
	seen := map[string]int{}
	circles := map[string][]string{}
	for _, r := range recs[1:] {
		seen[r[1]]++
		if r[0] == "" {
			if r[3] == "" {
				t.Errorf("got %s unplaced without a reason", r[1])
			}
			continue
		}
		circles[r[0]] = append(circles[r[0]], r[1])
		if !strings.HasSuffix(r[2], " Europe/London") {
			t.Errorf("got slot %q for %s, want a start in Europe/London", r[2], r[1])
		}
		if r[3] == "" {
			t.Errorf("got no explanation for %s", r[1])
		}
	}
	if len(seen) != 16 {
		t.Errorf("got %d participants in the output, want 16", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("got %s %d times, want once", id, n)
		}
	}
	for c, ids := range circles {
		if len(ids) < 3 || len(ids) > 5 {
			t.Errorf("circle %s has %d members, want 3–5", c, len(ids))
		}
	}
	if seen["late"] == 1 && !strings.Contains(stdout, "late (Night, Owl)") {
		t.Errorf("got summary %q, want the night owl listed as not placed", stdout)
	}
}

func TestForm_CSVToStdout(t *testing.T) {
	in := cohortCSV(t, 6)
	code, stdout, stderr := runCLI(t, "form", "--in", in, "--min", "3", "--max", "4",
		"--from", "2027-01-11", "--to", "2027-03-01", "--duration", "1h", "--iterations", "50")
	if code != 0 {
		t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "circle,id,slot,reason\n") || strings.Contains(stdout, "Formed ") {
		t.Errorf("got stdout %q, want only the circles file", stdout)
	}
	if !strings.Contains(stderr, "Formed ") {
		t.Errorf("got stderr %q, want the summary", stderr)
	}
	// The same seed and iteration budget give the same circles.
	_, again, _ := runCLI(t, "form", "--in", in, "--min", "3", "--max", "4",
		"--from", "2027-01-11", "--to", "2027-03-01", "--duration", "1h", "--iterations", "50")
	if again != stdout {
		t.Errorf("got a second run\n%s\nwant the first\n%s", again, stdout)
	}
}

func TestForm_BadCSV(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "applicants.csv")
	os.WriteFile(in, []byte("id,name,email,organization,sector,industry,function,level,timezone,availability,avoid,gender\n"+
		"a,Ana,,Acme,Health,H,F,3,Europe/London,Mon 09:00-12:00,,\n"+
		"b,Bo,,Acme,Health,H,F,three,Europe/London,Mon 09:00-12:00,,\n"+
		"c,Cy,,Acme,Health,H,F,3,Europe/London,Mon 09:00-12:00,,\n"+
		"d,Di,,Acme,Health,H,F,3,Moon/Base,Mon 09:00-12:00,nobody,\n"), 0o644)
	out := filepath.Join(dir, "circles.csv")
	code, stdout, stderr := runCLI(t, "form", "--in", in, "--out", out, "--min", "2", "--max", "3",
		"--from", "2027-01-11", "--to", "2027-06-28", "--duration", "90m", "--iterations", "10")
	if code != 1 {
		t.Fatalf("got exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"2 bad rows", `line 3: level "three" is not a whole number`,
		`line 5: unknown time zone "Moon/Base"`, `avoid names "nobody"`, "No circles were formed"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("got stderr %q, want it to contain %q", stderr, want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("got %s written (%v), want nothing formed from a bad file", out, err)
	}
}

func TestForm_Usage(t *testing.T) {
	in := cohortCSV(t, 6)
	base := []string{"form", "--in", in, "--min", "3", "--max", "4", "--from", "2027-01-11", "--to", "2027-03-01", "--duration", "60m", "--iterations", "10"}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"NoFlags", []string{"form"}, 2, "missing --in, --min, --max, --from, --to, --duration"},
		{"BadZone", append(base, "--timezone", "Europe/Atlantis"), 2, `unknown time zone "Europe/Atlantis"`},
		{"BadDuration", append(base[:len(base):len(base)], "--duration", "90s"), 2, "whole minutes"},
		{"BadDates", append(base[:len(base):len(base)], "--to", "2026-01-01"), 2, "--from/--to"},
		{"MaxBelowMin", append(base[:len(base):len(base)], "--max", "2"), 2, "--max 2 is below --min 3"},
		{"UnknownAttribute", append(base[:len(base):len(base)], "--never-alone", "pronouns"), 2, `has no column "pronouns"`},
		{"BadWeights", append(base[:len(base):len(base)], "--weights", "level=high"), 2, "--weights"},
		{"TooFew", []string{"form", "--in", cohortCSV(t, 12), "--min", "14", "--max", "16", "--from", "2027-01-11", "--to", "2027-03-01", "--duration", "60m", "--iterations", "10"}, 1, "roundtable: 13 people are too few for one circle of 14 to 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d and %q, want exit %d and %q\n%s", code, stderr, tt.code, tt.want, stdout)
			}
		})
	}
}

// TestForm_READMEExample runs the `roundtable form` example README gives, on
// the sample file it names, with a fixed step budget instead of seconds.
func TestForm_READMEExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cmd string
	for block := range strings.SplitSeq(string(readme), "```sh\n") {
		if strings.HasPrefix(block, "go run ./cmd/roundtable form ") {
			cmd, _, _ = strings.Cut(block, "```")
			break
		}
	}
	if cmd == "" {
		t.Fatal("README has no `go run ./cmd/roundtable form` example")
	}
	args := strings.Fields(strings.ReplaceAll(cmd, "\\\n", " "))[3:]
	out := filepath.Join(t.TempDir(), "circles.csv")
	for i := 0; i+1 < len(args); i++ {
		switch args[i] {
		case "--in":
			args[i+1] = filepath.Join("../..", args[i+1]) // README runs from the repository's root
		case "--out":
			args[i+1] = out
		case "--seconds":
			args[i], args[i+1] = "--iterations", "300"
		}
	}
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr+stdout, "from 60 participants") {
		t.Errorf("got %q, want 60 participants read", stderr+stdout)
	}
	if b, err := os.ReadFile(out); err != nil || strings.Count(string(b), "\n") != 61 {
		t.Errorf("got %d lines written (%v), want a header and 60 people", strings.Count(string(b), "\n"), err)
	}
}
