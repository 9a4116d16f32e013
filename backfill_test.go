package roundtable_test

import (
	"testing"

	"github.com/roundtable/roundtable"
)

func TestOpenSeats_Counts(t *testing.T) {
	seats := roundtable.OpenSeats{Circles: []*roundtable.SeatCircle{
		{Name: "Short", Members: 2, Min: 3, Max: 4},
		{Name: "Full", Members: 4, Min: 3, Max: 4},
		{Name: "Over", Members: 5, Min: 3, Max: 4},
		{Name: "Empty", Members: 0, Min: 3, Max: 4},
	}}
	if got := seats.Circles[0].Open(); got != 2 {
		t.Errorf("got %d open seats in the short circle, want 2", got)
	}
	if got := seats.Circles[2].Open(); got != 0 {
		t.Errorf("got %d open seats in a circle over the maximum, want 0", got)
	}
	// An empty circle is short, but its seats are not counted: backfilling fills circles
	// that meet, it does not start one.
	if got := seats.OpenCount(); got != 2 {
		t.Errorf("got %d open seats, want 2", got)
	}
	if got := seats.ShortCount(); got != 2 {
		t.Errorf("got %d short circles, want 2", got)
	}
}

func TestBackfillProposal_Direct(t *testing.T) {
	p := roundtable.BackfillProposal{Placements: []*roundtable.BackfillPlacement{{}, {NeedsMove: true}, {}}}
	if got := p.Direct(); got != 2 {
		t.Errorf("got %d direct placements, want 2", got)
	}
}
