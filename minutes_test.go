package roundtable_test

import (
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

func TestMergeText(t *testing.T) {
	tests := []struct {
		name               string
		base, mine, theirs string
		want               string
		ok                 bool
	}{
		{"NobodyChanged", "a\nb", "a\nb", "a\nb", "a\nb", true},
		{"OnlyMine", "a\nb", "a\nB", "a\nb", "a\nB", true},
		{"OnlyTheirs", "a\nb", "a\nb", "A\nb", "A\nb", true},
		{"DifferentLines", "a\nb\nc", "A\nb\nc", "a\nb\nC", "A\nb\nC", true},
		{"SameChange", "a\nb", "a\nX", "a\nX", "a\nX", true},
		{"BothAppend", "a\nb", "a\nb\nmine", "a\nb\ntheirs", "a\nb\ntheirs\nmine", true},
		{"BothStartFromEmpty", "", "mine", "theirs", "theirs\nmine", true},
		{"AppendAfterLastLineWithoutEnd", "a", "a\nb", "a\nc", "a\nc\nb", true},
		{"DeleteAndEditElsewhere", "a\nb\nc\nd", "a\nc\nd", "a\nb\nc\nD", "a\nc\nD", true},
		{"InsertInMiddleAndEditEnd", "a\nb\nc", "a\nnew\nb\nc", "a\nb\nC", "a\nnew\nb\nC", true},
		{"CarriageReturns", "a\r\nb\r\nc", "a\r\nb\r\nC", "A\nb\nc", "A\nb\nC", true},
		{"NeighbourLinesChanged", "a\nb", "a\nB", "A\nb", "", false},
		{"SameLineChangedTwice", "a\nb\nc", "a\nX\nc", "a\nY\nc", "", false},
		{"EditOfDeletedLine", "a\nb\nc", "a\nc", "a\nB\nc", "", false},
		{"BothEmptied", "a\nb", "", "", "", true},
		{"TheirsEmptied", "a\nb", "a\nb", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := roundtable.MergeText(tt.base, tt.mine, tt.theirs)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("got (%q, %v), want (%q, %v)", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// FuzzMergeText checks what a merge promises whatever the texts: a side that
// changed nothing yields the other side; a line that appears once in each of
// the three texts (both sides kept it) is never dropped, nor is a line only
// one side added.
func FuzzMergeText(f *testing.F) {
	f.Add("a\nb\nc", "a\nB\nc", "a\nb\nC")
	f.Add("", "x", "y")
	f.Add("a\nb\na", "a", "a")
	f.Add("one\ntwo\nthree\nfour", "zero\none\nthree\nfour", "one\ntwo\nthree\nfive")
	f.Add("l1\nl2\nl3\nl4\nl5", "l1\nl3\nl2\nl5", "l2\nl1\nl4\nl5\nl6")
	f.Fuzz(func(t *testing.T, base, mine, theirs string) {
		if got, ok := roundtable.MergeText(base, base, theirs); !ok || got != norm(theirs) {
			if ok || len(base)+len(theirs) < 1000 { // only a very large rewrite may give up
				t.Fatalf("mine unchanged: got (%q, %v), want (%q, true)", got, ok, norm(theirs))
			}
		}
		if got, ok := roundtable.MergeText(base, mine, base); !ok || got != norm(mine) {
			if ok || len(base)+len(mine) < 1000 {
				t.Fatalf("theirs unchanged: got (%q, %v), want (%q, true)", got, ok, norm(mine))
			}
		}
		got, ok := roundtable.MergeText(base, mine, theirs)
		if !ok {
			return
		}
		b, m, th, g := count(base), count(mine), count(theirs), count(got)
		for line, n := range m {
			if n != 1 {
				continue
			}
			keptByBoth := b[line] == 1 && th[line] == 1
			addedByMine := b[line] == 0 && th[line] == 0
			if (keptByBoth || addedByMine) && g[line] == 0 {
				t.Fatalf("MergeText(%q, %q, %q) = %q dropped line %q", base, mine, theirs, got, line)
			}
		}
		for line, n := range th {
			if n == 1 && b[line] == 0 && m[line] == 0 && g[line] == 0 {
				t.Fatalf("MergeText(%q, %q, %q) = %q dropped their new line %q", base, mine, theirs, got, line)
			}
		}
	})
}

// norm writes line ends as MergeText does.
func norm(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// count counts the lines of a text as MergeText reads them.
func count(s string) map[string]int {
	s = norm(s)
	out := map[string]int{}
	if s == "" {
		return out
	}
	for _, l := range strings.Split(s, "\n") {
		out[l]++
	}
	return out
}
