package keyring

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealBytes_RoundTrip(t *testing.T) {
	r := testRing(t)
	k, _, err := r.NewDataKey("circle-a")
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := r.NewDataKey("circle-b")
	plain := bytes.Repeat([]byte("%PDF-1.7 MARKER "), 1000)
	b := Binding{Table: "document_chunks", Column: "data", Row: "doc/0"}
	sealed, err := k.SealBytes(nil, plain, b)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("MARKER")) {
		t.Fatal("got plaintext in the sealed bytes, want none")
	}
	got, err := k.OpenBytes(nil, sealed, b)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("got %d bytes, %v; want the %d bytes sealed", len(got), err, len(plain))
	}
	if _, err := k.OpenBytes(nil, sealed, Binding{Table: "document_chunks", Column: "data", Row: "doc/1"}); !errors.Is(err, ErrTampered) {
		t.Errorf("another chunk's place: got %v, want ErrTampered", err)
	}
	if _, err := other.OpenBytes(nil, sealed, b); !errors.Is(err, ErrKeyGone) {
		t.Errorf("another circle's key: got %v, want ErrKeyGone", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := k.OpenBytes(nil, sealed, b); !errors.Is(err, ErrTampered) {
		t.Errorf("a changed byte: got %v, want ErrTampered", err)
	}
}
