package roundtable

import "testing"

func TestZone_LoadsEachZoneOnce(t *testing.T) {
	a, err := Zone("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Zone("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	if a != b || a.String() != "Europe/Paris" {
		t.Errorf("got %p %q and %p, want the same Europe/Paris twice", a, a, b)
	}
	if _, err := Zone("Mars/Olympus_Mons"); err == nil {
		t.Error("an unknown zone loaded")
	}
	if got := LoadLocation("Mars/Olympus_Mons"); got.String() != "UTC" {
		t.Errorf("LoadLocation of an unknown zone: got %q, want UTC", got)
	}
}
