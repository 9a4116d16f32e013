package keyring

import (
	"crypto/rand"
	"fmt"
)

// SealBytes encrypts binary plaintext (a piece of an uploaded file) for the
// place b names in k's circle, as Seal does for text, and appends the sealed
// form to dst: the same header, nonce and tag, without the text prefix and
// base64, since binary columns need neither. dst may be plaintext's own
// buffer only if it does not overlap it.
func (k *DataKey) SealBytes(dst, plaintext []byte, b Binding) ([]byte, error) {
	if k == nil {
		return nil, fmt.Errorf("seal %s.%s: %w", b.Table, b.Column, ErrKeyGone)
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	start := len(dst)
	dst = append(dst, sealVersion)
	dst = append(dst, k.id[:]...)
	var nonce [sealPrefixRaw - sealHeaderSize]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	dst = append(dst, nonce[:]...)
	var adBuf [256]byte
	ad := appendAD(adBuf[:0], dst[start:start+sealHeaderSize], k.circle, b)
	return k.aead.Seal(dst, nonce[:], plaintext, ad), nil
}

// OpenBytes decrypts a value sealed by SealBytes for the same place and
// circle and appends the plaintext to dst. Its errors are Open's:
// ErrKeyGone for another key, ErrTampered for a changed or moved value.
func (k *DataKey) OpenBytes(dst, sealed []byte, b Binding) ([]byte, error) {
	if k == nil {
		return nil, fmt.Errorf("open %s.%s of row %s: %w", b.Table, b.Column, b.Row, ErrKeyGone)
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	if len(sealed) < sealOverheadRaw || sealed[0] != sealVersion {
		return nil, fmt.Errorf("open %s.%s of row %s: malformed sealed value: %w", b.Table, b.Column, b.Row, ErrTampered)
	}
	if KeyID(sealed[1:sealHeaderSize]) != k.id {
		return nil, fmt.Errorf("open %s.%s of row %s: sealed by data key %s, not by the circle's key %s: %w",
			b.Table, b.Column, b.Row, KeyID(sealed[1:sealHeaderSize]), k.id, ErrKeyGone)
	}
	var adBuf [256]byte
	ad := appendAD(adBuf[:0], sealed[:sealHeaderSize], k.circle, b)
	out, err := k.aead.Open(dst, sealed[sealHeaderSize:sealPrefixRaw], sealed[sealPrefixRaw:], ad)
	if err != nil {
		return nil, fmt.Errorf("open %s.%s of row %s: %w", b.Table, b.Column, b.Row, ErrTampered)
	}
	return out, nil
}
