package grouping

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// fillingSpread is the mean level spread of the circles a packer's filling is dealt into.
func fillingSpread(pk *packer) float64 {
	cs, _ := pk.circles()
	sum := 0
	for _, c := range cs {
		sum += c.st.lmax - c.st.lmin
	}
	return float64(sum) / float64(max(1, len(cs)))
}

func TestPacker_PolishLevelsKeepsTheRules(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		people := randomCohort(r, 20+r.IntN(100))
		for i := range people {
			if r.IntN(5) == 0 {
				people[i].Avoid = append(people[i].Avoid, fmt.Sprint("id", r.IntN(len(people))))
			}
		}
		s := baseSettings(t)
		s.Min, s.Max = 2+r.IntN(3), 4+r.IntN(3)
		md, err := newModel(people, s)
		if err != nil {
			t.Fatal(err)
		}
		var all []int32
		for i := range people {
			all = append(all, int32(i))
		}
		pk := newPacker(md, all, seed)
		pk.pack(context.Background(), time.Time{})
		before := pk.placed
		pk.polishLevels(time.Time{})
		label := fmt.Sprintf("seed %d", seed)
		checkFilling(t, pk, label)
		if pk.placed < before {
			t.Errorf("%s: the polish placed %d, want at least %d", label, pk.placed, before)
		}
		if pk.lv != nil {
			t.Errorf("%s: the polish left its bookkeeping on the packer", label)
		}
	}
}

func TestPacker_PolishLevelsBringsLevelsTogether(t *testing.T) {
	people, s := GenerateCohort(300, 1)
	s.Seed = 1
	md, err := newModel(people, s)
	if err != nil {
		t.Fatal(err)
	}
	var all []int32
	for i := range people {
		all = append(all, int32(i))
	}
	pk := newPacker(md, all, 1)
	pk.pack(context.Background(), time.Time{})
	placed, before := pk.placed, fillingSpread(pk)
	pk.polishLevels(time.Time{})
	checkFilling(t, pk, "n=300")
	after := fillingSpread(pk)
	if pk.placed < placed {
		t.Errorf("placed %d after the polish, want at least %d", pk.placed, placed)
	}
	// Measured: about 2.9 before, 2.2–2.3 after.
	if after > before-0.3 {
		t.Errorf("mean level spread %.2f after the polish, want at most %.2f (it was %.2f)", after, before-0.3, before)
	}
}
