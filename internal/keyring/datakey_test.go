package keyring

import (
	"errors"
	"strings"
	"testing"
)

// testMaster returns a fresh random master key.
func testMaster(t testing.TB) *MasterKey {
	t.Helper()
	m, _, err := GenerateMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testRing returns a Keyring under a fresh master key.
func testRing(t testing.TB) *Keyring {
	t.Helper()
	r, err := New(testMaster(t))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDataKey_WrapUnwrap(t *testing.T) {
	m := testMaster(t)
	k, wrapped, err := generateDataKey(m, "circle-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(wrapped, wrappedPrefix) || len(wrapped) != wrappedTextSize {
		t.Fatalf("wrapped %q: want prefix %q and %d characters", wrapped, wrappedPrefix, wrappedTextSize)
	}
	if id, err := WrappedMasterID(wrapped); err != nil || id != m.ID() {
		t.Errorf("WrappedMasterID = %s, %v; want %s", id, err, m.ID())
	}
	got, err := unwrap([]*MasterKey{m}, "circle-1", wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID() != k.ID() || got.Circle() != "circle-1" {
		t.Errorf("unwrapped %v, want %v", got, k)
	}
	b := Binding{"posts", "body", "p1"}
	sealed, _ := k.Seal("hello", b)
	if s, err := got.Open(sealed, b); err != nil || s != "hello" {
		t.Errorf("open with unwrapped key = %q, %v", s, err)
	}

	t.Run("ErrWrongMasterKey", func(t *testing.T) {
		_, err := unwrap([]*MasterKey{testMaster(t)}, "circle-1", wrapped)
		if !errors.Is(err, ErrWrongMasterKey) {
			t.Errorf("got %v, want ErrWrongMasterKey", err)
		}
	})
	t.Run("other circle", func(t *testing.T) {
		_, err := unwrap([]*MasterKey{m}, "circle-2", wrapped)
		if !errors.Is(err, ErrTampered) {
			t.Errorf("got %v, want ErrTampered", err)
		}
	})
	t.Run("no row", func(t *testing.T) {
		_, err := unwrap([]*MasterKey{m}, "circle-1", "")
		if !errors.Is(err, ErrKeyGone) {
			t.Errorf("got %v, want ErrKeyGone", err)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		for i := range len(wrapped) {
			bad := flip(wrapped, i)
			_, err := unwrap([]*MasterKey{m}, "circle-1", bad)
			if err == nil {
				t.Fatalf("flipping character %d: no error", i)
			}
			if !errors.Is(err, ErrTampered) && !errors.Is(err, ErrWrongMasterKey) {
				t.Fatalf("flipping character %d: got %v", i, err)
			}
		}
		for _, bad := range []string{wrapped[:len(wrapped)-1], wrapped + "A", "rtkey:", "plain text"} {
			if _, err := unwrap([]*MasterKey{m}, "circle-1", bad); !errors.Is(err, ErrTampered) {
				t.Errorf("%q: got %v, want ErrTampered", bad, err)
			}
		}
	})
}

// flip changes character i of s to another character that keeps it text.
func flip(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func TestRewrap(t *testing.T) {
	oldKey, newKey := testMaster(t), testMaster(t)
	old, err := New(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	k, wrapped, err := old.NewDataKey("c1")
	if err != nil {
		t.Fatal(err)
	}
	b := Binding{"minutes", "text", "m1"}
	sealed, err := k.Seal("minutes of the first meeting", b)
	if err != nil {
		t.Fatal(err)
	}

	re, changed, err := Rewrap("c1", wrapped, oldKey, newKey)
	if err != nil || !changed || re == wrapped {
		t.Fatalf("Rewrap = changed %v, err %v", changed, err)
	}
	if id, _ := WrappedMasterID(re); id != newKey.ID() {
		t.Errorf("rewrapped under %s, want %s", id, newKey.ID())
	}

	// The new key opens the old values; the old key no longer opens the key.
	fresh, _ := New(newKey)
	k2, err := fresh.DataKey("c1", re)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := k2.Open(sealed, b); err != nil || s != "minutes of the first meeting" {
		t.Errorf("open after rotation = %q, %v", s, err)
	}
	oldOnly, _ := New(oldKey)
	if _, err := oldOnly.DataKey("c1", re); !errors.Is(err, ErrWrongMasterKey) {
		t.Errorf("old key on rewrapped: got %v, want ErrWrongMasterKey", err)
	}

	// Running again is harmless: already under the new key.
	again, changed, err := Rewrap("c1", re, oldKey, newKey)
	if err != nil || changed || again != re {
		t.Errorf("second Rewrap = changed %v, same %v, err %v", changed, again == re, err)
	}

	t.Run("wrong old key", func(t *testing.T) {
		wrong := testMaster(t)
		out, changed, err := Rewrap("c1", wrapped, wrong, newKey)
		if !errors.Is(err, ErrWrongMasterKey) || changed || out != "" {
			t.Errorf("got %q, %v, %v; want ErrWrongMasterKey and nothing", out, changed, err)
		}
		if !strings.Contains(err.Error(), oldKey.ID().String()) || !strings.Contains(err.Error(), wrong.ID().String()) {
			t.Errorf("error %q should name both key ids", err)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		bad := flip(wrapped, len(wrapped)-3)
		if _, _, err := Rewrap("c1", bad, oldKey, newKey); !errors.Is(err, ErrTampered) {
			t.Errorf("got %v, want ErrTampered", err)
		}
		if _, _, err := Rewrap("c2", wrapped, oldKey, newKey); !errors.Is(err, ErrTampered) {
			t.Errorf("other circle: got %v, want ErrTampered", err)
		}
	})
}

func TestKeyring_OnlineRotation(t *testing.T) {
	oldKey, newKey := testMaster(t), testMaster(t)
	old, _ := New(oldKey)
	_, wrapped, err := old.NewDataKey("c1")
	if err != nil {
		t.Fatal(err)
	}
	// A server started with the new key as current and the old as previous
	// reads keys on both sides of a rotation under way, and wraps new ones
	// under the new key.
	both, err := New(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := both.DataKey("c1", wrapped); err != nil {
		t.Errorf("old-wrapped key: %v", err)
	}
	re, _, _ := Rewrap("c1", wrapped, oldKey, newKey)
	if _, err := both.DataKey("c1", re); err != nil {
		t.Errorf("new-wrapped key: %v", err)
	}
	_, w2, _ := both.NewDataKey("c2")
	if id, _ := WrappedMasterID(w2); id != newKey.ID() {
		t.Errorf("new data key wrapped by %s, want %s", id, newKey.ID())
	}
	if _, err := New(nil); err == nil {
		t.Error("New(nil): no error")
	}
}
