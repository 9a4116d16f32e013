package roundtable

import (
	"slices"
	"strings"
)

// MergeText merges two edits of the same text line by line, as a three-way
// merge: base is the text both started from, mine and theirs the two edits.
// Where only one side changed a stretch of lines, its change is taken; where
// both made the same change, it is taken once; where both only added lines at
// the same place, theirs come first, then mine. Where both changed the same
// lines differently, ok is false and merged is "": a person must choose.
// Line ends are read as "\n" whatever the browser sent ("\r\n", "\r").
func MergeText(base, mine, theirs string) (merged string, ok bool) {
	b, m, t := splitLines(base), splitLines(mine), splitLines(theirs)
	bm, okM := matchLines(b, m)
	bt, okT := matchLines(b, t)
	if !okM || !okT {
		return "", false
	}
	var out []string
	i, x, y := 0, 0, 0 // next line of base, mine, theirs
	for i <= len(b) {
		// The next base line both edits kept ends the stretch that differs.
		j := i
		for j < len(b) && (bm[j] < 0 || bt[j] < 0) {
			j++
		}
		xe, ye := len(m), len(t)
		if j < len(b) {
			xe, ye = bm[j], bt[j]
		}
		chunk, ok := mergeChunk(b[i:j], m[x:xe], t[y:ye])
		if !ok {
			return "", false
		}
		out = append(out, chunk...)
		if j == len(b) {
			break
		}
		out = append(out, b[j])
		i, x, y = j+1, xe+1, ye+1
	}
	return strings.Join(out, "\n"), true
}

// mergeChunk resolves one stretch of lines that is not the same on all sides.
func mergeChunk(base, mine, theirs []string) ([]string, bool) {
	switch {
	case slices.Equal(mine, base):
		return theirs, true
	case slices.Equal(theirs, base), slices.Equal(mine, theirs):
		return mine, true
	case len(base) == 0:
		// Both added lines at the same place: keep both, the saved ones first.
		return append(append([]string(nil), theirs...), mine...), true
	}
	return nil, false
}

// splitLines cuts a text into lines; the empty text has none, so that two
// people starting on empty minutes both add lines rather than both change one.
func splitLines(s string) []string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// maxMatchCells bounds the table of the longest common subsequence. Minutes
// are at most 10,000 characters, and the common start and end are cut off
// first, so only a rewrite of a long text comes near it; it is then left to
// a person.
const maxMatchCells = 4 << 20

// matchLines pairs the lines of a with lines of b along a longest common
// subsequence: idx[i] is the line of b that a[i] stays as, or -1 when a[i]
// was removed or changed. ok is false when the texts are too different to
// compare cheaply.
func matchLines(a, b []string) (idx []int, ok bool) {
	idx = make([]int, len(a))
	for i := range idx {
		idx[i] = -1
	}
	// The common start and end pair up as they are.
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		idx[p] = p
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		idx[len(a)-1-s] = len(b) - 1 - s
		s++
	}
	ma, mb := a[p:len(a)-s], b[p:len(b)-s]
	n, m := len(ma), len(mb)
	if n == 0 || m == 0 {
		return idx, true
	}
	if (n+1)*(m+1) > maxMatchCells {
		return nil, false
	}
	// l[i][j] is the length of the longest common subsequence of ma[i:] and mb[j:].
	w := m + 1
	l := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case ma[i] == mb[j]:
				l[i*w+j] = l[(i+1)*w+j+1] + 1
			case l[(i+1)*w+j] >= l[i*w+j+1]:
				l[i*w+j] = l[(i+1)*w+j]
			default:
				l[i*w+j] = l[i*w+j+1]
			}
		}
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case ma[i] == mb[j]:
			idx[p+i] = p + j
			i++
			j++
		case l[(i+1)*w+j] >= l[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return idx, true
}
