package mdgpbench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roundtable/roundtable/grouping"
)

// dir holds the MDGPLIB instances and best-known values.
const dir = "../../../shared/bench/mdgp"

func needData(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "bkv.tsv")); err != nil {
		t.Skip("benchmark data not found:", err)
	}
}

func TestRun_SmallInstances(t *testing.T) {
	needData(t)
	rs, err := Run(context.Background(), Config{Dir: dir, Filter: "^RanReal_n010_ss", Seeds: 2, Iterations: 300, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 10 {
		t.Fatalf("got %d instances, want 10", len(rs))
	}
	var b bytes.Buffer
	if err := WriteTable(&b, rs); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"RanReal_n010_ss_01", "RanReal_n010_ss ", "matched or beat", "RanReal_n010_ss_10 "} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Every n = 10 instance has a proven optimum the search must reach.
	if got := strings.Count(out, " match\n"); got != 10 {
		t.Errorf("got %d matches, want 10:\n%s", got, out)
	}
}

func TestRun_BadFilter(t *testing.T) {
	needData(t)
	if _, err := Run(context.Background(), Config{Dir: dir, Filter: "no such instance"}); err == nil {
		t.Fatal("got no error, want one for a filter matching nothing")
	}
	if _, err := Run(context.Background(), Config{Dir: dir, Filter: "("}); err == nil {
		t.Fatal("got no error, want one for a bad regular expression")
	}
}

func TestSolveFile_Gzip(t *testing.T) {
	needData(t)
	path := filepath.Join(dir, "instances", "Geo_n240_ds_01.txt.gz")
	assign, v, err := SolveFile(context.Background(), path, grouping.Options{Seed: 1, Iterations: 50, Workers: 1, PopSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	in, err := ReadInstance(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Feasible(assign); err != nil {
		t.Fatal(err)
	}
	if got := in.Objective(assign); got != v {
		t.Fatalf("got objective %v, want %v", v, got)
	}
}

func TestReadBKV(t *testing.T) {
	needData(t)
	b, err := ReadBKV(filepath.Join(dir, "bkv.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	r, ok := b["RanReal_n120_ss_01"]
	if !ok || r.N != 120 || r.M != 10 || r.TimeS != 3 || r.Value < 47000 {
		t.Fatalf("got %+v, want RanReal_n120_ss_01 with n=120 m=10 3 s", r)
	}
}

func TestLiteratureTime(t *testing.T) {
	for n, want := range map[int]string{120: "3s", 240: "20s", 480: "2m0s", 960: "10m0s"} {
		if got := LiteratureTime(n).String(); got != want {
			t.Errorf("n=%d: got %s, want %s", n, got, want)
		}
	}
}
