package grouping

import (
	"bytes"
	"compress/gzip"
	"math"
	"strings"
	"testing"
)

// small is a valid instance: 4 elements, 2 groups of 1..3.
const small = "4 2 ds 1 3 1 3 \n0 1 1.5\n0 2 2\n0 3 3\n1 2 4\n1 3 5\n2 3 6.25\n"

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadMDGP(t *testing.T) {
	for name, data := range map[string][]byte{"plain": []byte(small), "gzip": gz(t, small)} {
		t.Run(name, func(t *testing.T) {
			in, err := ReadMDGP(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if in.N != 4 || in.M != 2 || in.Kind != "ds" {
				t.Fatalf("got n=%d m=%d kind=%q, want 4 2 ds", in.N, in.M, in.Kind)
			}
			if in.Dist(3, 2) != 6.25 || in.Dist(2, 3) != 6.25 || in.Dist(1, 1) != 0 {
				t.Fatalf("got d32=%v d23=%v d11=%v, want 6.25 6.25 0", in.Dist(3, 2), in.Dist(2, 3), in.Dist(1, 1))
			}
			if got := in.Objective([]int{0, 0, 1, 1}); got != 1.5+6.25 {
				t.Fatalf("got objective %v, want 7.75", got)
			}
			if err := in.Feasible([]int{0, 0, 0, 0}); err == nil {
				t.Fatal("got feasible for 4 elements in a group of at most 3, want an error")
			}
			if err := in.Feasible([]int{0, 1, 1, 1}); err != nil {
				t.Fatalf("got %v, want feasible", err)
			}
		})
	}
}

func TestReadMDGP_Errors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty input"},
		{"short header", "4 2\n", "line 1"},
		{"bad n", "x 2 ss 2 2 2 2\n", "line 1: n ="},
		{"huge n", "1000000 2 ss 1 500000 1 500000\n", "exceeds the limit"},
		{"bad kind", "4 2 xx 2 2 2 2\n", "kind"},
		{"bound count", "4 2 ss 2 2 2\n", "2·m = 4"},
		{"lo above hi", "4 2 ds 3 2 2 2\n", "bounds of group 0"},
		{"too few places", "4 2 ds 1 1 1 2\n", "infeasible"},
		{"too many minima", "4 2 ds 3 3 2 2\n", "infeasible"},
		{"m above n", "2 3 ss 1 1 1 1 1 1\n", "m ="},
		{"out of order", "3 1 ss 3 3\n0 2 1\n0 1 1\n1 2 1\n", "line 2: pair (0, 2) out of order, want (0, 1)"},
		{"missing lines", "3 1 ss 3 3\n0 1 1\n0 2 1\n", "line 3: file ends after 2"},
		{"extra lines", "2 1 ss 2 2\n0 1 1\n0 1 1\n", "line 3: more than"},
		{"nan", "2 1 ss 2 2\n0 1 NaN\n", "line 2: distance"},
		{"inf", "2 1 ss 2 2\n0 1 +Inf\n", "line 2: distance"},
		{"fields", "2 1 ss 2 2\n0 1\n", "line 2: want `i j d`"},
		{"blank inside", "3 1 ss 3 3\n0 1 1\n\n1 2 1\n", "line 3"},
		{"not an index", "2 1 ss 2 2\na 1 1\n", "line 2: element indices"},
		{"bad gzip", "\x1f\x8bnot gzip at all", "gzip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadMDGP(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadMDGP_TrailingBlankLines(t *testing.T) {
	if _, err := ReadMDGP(strings.NewReader(small + "\n\n")); err != nil {
		t.Fatalf("got %v, want trailing blank lines accepted", err)
	}
}

func FuzzReadMDGP(f *testing.F) {
	f.Add([]byte(small))
	f.Add(gz(f, small))
	f.Add([]byte("3 1 ss 3 3\n0 1 1\n0 2 1\n1 2 1\n"))
	f.Add([]byte("9999 3 ds 0 9999 0 9999 0 9999\n0 1 1e300\n"))
	f.Add([]byte("2 2 ds 0 2 0 2\n0 1 -4.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ReadMDGP(bytes.NewReader(data))
		if err != nil {
			return
		}
		if in.N < 1 || in.N > MaxMDGPElements || len(in.D) != in.N*in.N || len(in.Lo) != in.M {
			t.Fatalf("got n=%d m=%d len(D)=%d, inconsistent", in.N, in.M, len(in.D))
		}
		for i := 0; i < in.N; i++ {
			for j := 0; j < in.N; j++ {
				if d := in.Dist(i, j); d != in.Dist(j, i) || math.IsNaN(d) || (i == j && d != 0) {
					t.Fatalf("got d(%d,%d)=%v d(%d,%d)=%v", i, j, d, j, i, in.Dist(j, i))
				}
			}
		}
		if !feasibleSizes(in) {
			t.Fatal("accepted infeasible bounds")
		}
	})
}
