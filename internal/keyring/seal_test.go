package keyring

import (
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	r := testRing(t)
	k, _, err := r.NewDataKey("circle-a")
	if err != nil {
		t.Fatal(err)
	}
	b := Binding{Table: "board_posts", Column: "body", Row: "post-1"}
	for _, text := range []string{"", "x", "My challenge: saying no.", strings.Repeat("é✓ ", 7000)} {
		sealed, err := k.Seal(text, b)
		if err != nil {
			t.Fatal(err)
		}
		if !IsSealed(sealed) {
			t.Errorf("IsSealed(%.20q…) = false", sealed)
		}
		if len(text) > 3 && strings.Contains(sealed, text) {
			t.Error("sealed value holds the plaintext")
		}
		got, err := k.Open(sealed, b)
		if err != nil || got != text {
			t.Errorf("Open = %.20q, %v; want %.20q", got, err, text)
		}
		if id, err := SealedKeyID(sealed); err != nil || id != k.ID() {
			t.Errorf("SealedKeyID = %s, %v; want %s", id, err, k.ID())
		}
		if want := len(text)*4/3 + 72; len(sealed) > want+2 {
			t.Errorf("sealed %d bytes of text into %d characters, want about %d", len(text), len(sealed), want)
		}
	}
	s1, _ := k.Seal("same", b)
	s2, _ := k.Seal("same", b)
	if s1 == s2 {
		t.Error("sealing twice gave the same text: nonce reused")
	}
}

func TestOpen_Binding(t *testing.T) {
	r := testRing(t)
	k, _, _ := r.NewDataKey("circle-a")
	other, _, _ := r.NewDataKey("circle-b")
	b := Binding{Table: "board_posts", Column: "body", Row: "post-1"}
	sealed, err := k.Seal("only for post 1", b)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		key  *DataKey
		b    Binding
		want error
	}{
		{"other row", k, Binding{"board_posts", "body", "post-2"}, ErrTampered},
		{"other column", k, Binding{"board_posts", "title", "post-1"}, ErrTampered},
		{"other table", k, Binding{"minutes", "body", "post-1"}, ErrTampered},
		{"shifted fields", k, Binding{"board_postsbody", "", "post-1"}, nil}, // rejected as incomplete
		{"shifted lengths", k, Binding{"board_post", "sbody", "post-1"}, ErrTampered},
		{"other circle's key", other, b, ErrKeyGone},
		{"nil key", nil, b, ErrKeyGone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.key.Open(sealed, tt.b)
			if err == nil || got != "" {
				t.Fatalf("Open = %q, %v; want an error", got, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}

	// Same key id, other circle: a key moved to another circle's row still
	// fails, because the circle is bound too.
	moved := &DataKey{id: k.id, circle: "circle-b", aead: k.aead}
	if _, err := moved.Open(sealed, b); !errors.Is(err, ErrTampered) {
		t.Errorf("other circle, same key: got %v, want ErrTampered", err)
	}
}

func TestOpen_Tampered(t *testing.T) {
	r := testRing(t)
	k, _, _ := r.NewDataKey("circle-a")
	b := Binding{Table: "reflections", Column: "text", Row: "r-9"}
	sealed, err := k.Seal("what I learned this week", b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(sealed) {
		bad := flip(sealed, i)
		got, err := k.Open(bad, b)
		if err == nil || got != "" {
			t.Fatalf("flipping character %d: Open = %q, %v", i, got, err)
		}
		if !errors.Is(err, ErrTampered) && !errors.Is(err, ErrNotSealed) && !errors.Is(err, ErrKeyGone) {
			t.Fatalf("flipping character %d: unexpected error %v", i, err)
		}
	}
	for _, bad := range []string{"rtenc:", "rtenc:!!!!", sealed[:len(sealed)-1], sealed[:40], sealed + "AA", "rtenc:" + strings.Repeat("A", 90)} {
		if got, err := k.Open(bad, b); !errors.Is(err, ErrTampered) || got != "" {
			t.Errorf("%.30q: Open = %q, %v; want ErrTampered", bad, got, err)
		}
	}
	if _, err := k.Open("legacy plaintext", b); !errors.Is(err, ErrNotSealed) {
		t.Errorf("plaintext: got %v, want ErrNotSealed", err)
	}
	if _, err := k.Seal("x", Binding{Table: "t", Column: "c"}); err == nil {
		t.Error("Seal without a row: no error")
	}
}

func TestIsSealed(t *testing.T) {
	r := testRing(t)
	k, _, _ := r.NewDataKey("c")
	sealed, _ := k.Seal("hello", Binding{"t", "c", "r"})
	for _, s := range []string{"", "hello", "rtenc:", "rtenc:abc", "rtenc: " + sealed[7:], sealed[:len(sealed)-1] + "=", "rtenc:" + strings.Repeat("A", 100)} {
		if IsSealed(s) {
			t.Errorf("IsSealed(%.30q) = true", s)
		}
	}
	if !IsSealed(sealed) {
		t.Error("IsSealed(sealed) = false")
	}
}
