package grouping

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkNearest times the ways in of every unplaced person of a formed
// synthetic cohort: the preview computes them on each view.
func BenchmarkNearest(b *testing.B) {
	for _, n := range []int{300, 2000} {
		people, s := Synthetic(n, 1)
		s.Iterations, s.Workers = 20000, 1
		f, err := Form(context.Background(), people, s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("n=%d/unplaced=%d", n, len(f.Unplaced)), func(b *testing.B) {
			for b.Loop() {
				if _, err := Nearest(people, s, f, 3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
