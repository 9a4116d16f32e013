package keyring

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestKeyring_Cache(t *testing.T) {
	m := testMaster(t)
	r, err := NewWithCacheSize(3, m)
	if err != nil {
		t.Fatal(err)
	}
	k, wrapped, _ := r.NewDataKey("c1")
	got, err := r.DataKey("c1", wrapped)
	if err != nil || got != k {
		t.Fatalf("DataKey = %v, %v; want the cached key", got, err)
	}
	// A cached key is not handed out for another circle or a changed text.
	if _, err := r.DataKey("c2", wrapped); !errors.Is(err, ErrTampered) {
		t.Errorf("other circle: got %v, want ErrTampered", err)
	}
	if _, err := r.DataKey("c1", flip(wrapped, len(wrapped)-2)); !errors.Is(err, ErrTampered) {
		t.Errorf("changed text: got %v, want ErrTampered", err)
	}
	// Shredding: no row means no key, cached or not.
	if _, err := r.DataKey("c1", ""); !errors.Is(err, ErrKeyGone) {
		t.Errorf("no row: got %v, want ErrKeyGone", err)
	}
	r.Forget(k.ID())
	if r.cached() != 0 {
		t.Errorf("after Forget %d cached, want 0", r.cached())
	}
	// Bounded.
	for i := range 10 {
		if _, _, err := r.NewDataKey(fmt.Sprint("c", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.cached(); n != 3 {
		t.Errorf("%d cached, want 3", n)
	}
	// A fresh keyring unwraps what another made (another instance).
	r2, _ := New(m)
	if k2, err := r2.DataKey("c1", wrapped); err != nil || k2.ID() != k.ID() {
		t.Errorf("fresh keyring: %v, %v", k2, err)
	}
}

// TestKeyring_Concurrent seals, opens and unwraps from many goroutines with a
// small cache so that eviction races with reads; run with -race.
func TestKeyring_Concurrent(t *testing.T) {
	r, _ := NewWithCacheSize(4, testMaster(t))
	const circles = 8
	wrapped := make([]string, circles)
	for i := range wrapped {
		_, w, err := r.NewDataKey(fmt.Sprint("c", i))
		if err != nil {
			t.Fatal(err)
		}
		wrapped[i] = w
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Go(func() {
			for n := range 200 {
				i := (g + n) % circles
				circle := fmt.Sprint("c", i)
				k, err := r.DataKey(circle, wrapped[i])
				if err != nil {
					errs <- err
					return
				}
				b := Binding{"posts", "body", fmt.Sprint(g, "-", n)}
				text := fmt.Sprintf("post %d by %d in %s", n, g, circle)
				s, err := k.Seal(text, b)
				if err != nil {
					errs <- err
					return
				}
				if got, err := k.Open(s, b); err != nil || got != text {
					errs <- fmt.Errorf("open = %q, %v; want %q", got, err, text)
					return
				}
				if n%50 == 0 {
					r.Forget(k.ID())
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
