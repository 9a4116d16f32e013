package keyring

import (
	"fmt"
	"strings"
	"testing"
)

// Field sizes: a short answer, a board post or minutes, a long document.
var benchSizes = []int{100, 2 << 10, 20 << 10}

func benchKey(b *testing.B) (*Keyring, *DataKey, string) {
	r := testRing(b)
	k, wrapped, err := r.NewDataKey("0190f1c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f")
	if err != nil {
		b.Fatal(err)
	}
	return r, k, wrapped
}

var benchBinding = Binding{Table: "board_posts", Column: "body", Row: "0190f1c2-7a3b-7c4d-8e5f-000000000001"}

func BenchmarkSeal(b *testing.B) {
	_, k, _ := benchKey(b)
	for _, n := range benchSizes {
		text := strings.Repeat("a", n)
		b.Run(fmt.Sprint(n, "B"), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Seal(text, benchBinding); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	_, k, _ := benchKey(b)
	for _, n := range benchSizes {
		sealed, err := k.Seal(strings.Repeat("a", n), benchBinding)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n, "B"), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Open(sealed, benchBinding); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDataKey measures what a page pays per circle for its key: a cache
// hit, and an unwrap on a miss.
func BenchmarkDataKey(b *testing.B) {
	r, _, wrapped := benchKey(b)
	circle := "0190f1c2-7a3b-7c4d-8e5f-6a7b8c9d0e1f"
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.DataKey(circle, wrapped); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unwrap", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := unwrap(r.masters, circle, wrapped); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkIsSealed(b *testing.B) {
	_, k, _ := benchKey(b)
	sealed, _ := k.Seal(strings.Repeat("a", 2<<10), benchBinding)
	b.ReportAllocs()
	for b.Loop() {
		if !IsSealed(sealed) {
			b.Fatal("not sealed")
		}
	}
}
