package mdgpbench

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roundtable/roundtable/grouping"
)

// dir holds the small MDGPLIB instances (n ≤ 120) and their best-known
// values, kept in the repository so a fresh clone runs these tests.
const dir = "../../testdata/mdgp"

func TestRun_SmallInstances(t *testing.T) {
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
	if _, err := Run(context.Background(), Config{Dir: dir, Filter: "no such instance"}); err == nil {
		t.Fatal("got no error, want one for a filter matching nothing")
	}
	if _, err := Run(context.Background(), Config{Dir: dir, Filter: "("}); err == nil {
		t.Fatal("got no error, want one for a bad regular expression")
	}
}

func TestSolveFile_Gzip(t *testing.T) {
	// The large sets are compressed; a small one compressed here takes the same path.
	raw, err := os.ReadFile(filepath.Join(dir, "instances", "Geo_n012_ds_01.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	zw.Close()
	path := filepath.Join(t.TempDir(), "Geo_n012_ds_01.txt.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
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
