package keyring

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// Binding says where a sealed value lives. Open must be given the same
// binding as Seal, and the same circle's key; anything else fails.
// Row is the row's primary key as text; for a composite key join its parts
// in a fixed order with a separator that cannot occur in them (e.g. "/").
type Binding struct {
	Table  string
	Column string
	Row    string
}

const (
	sealedPrefix     = "rtenc:"
	sealVersion      = 1
	sealHeaderSize   = 1 + 8 // version, data key id
	sealPrefixRaw    = sealHeaderSize + chacha20poly1305.NonceSizeX
	sealOverheadRaw  = sealPrefixRaw + chacha20poly1305.Overhead
	sealMinTextSize  = len(sealedPrefix) + (sealOverheadRaw*8+5)/6
	maxBindingLength = 1 << 16
)

// b64 is strict so that each value has exactly one text form: a changed
// unused bit in the last character is rejected, not ignored.
var b64 = base64.RawURLEncoding.Strict()

// bufPool holds scratch buffers for the raw bytes of a value and its
// associated data, so the hot path allocates little more than its result.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func getBuf(n int) *[]byte {
	p := bufPool.Get().(*[]byte)
	if cap(*p) < n {
		*p = make([]byte, 0, n)
	}
	*p = (*p)[:0]
	return p
}

// putBuf wipes the first n bytes of a buffer (they held plaintext; the rest
// was wiped when last used) and returns it to the pool. Very large buffers are
// dropped so one huge value does not pin memory.
func putBuf(p *[]byte, n int) {
	if cap(*p) > 1<<20 {
		return
	}
	clear((*p)[:n])
	bufPool.Put(p)
}

// appendAD appends the associated data of a value: its header (version, key
// id) and then circle, table, column and row, each with its length first so
// no two bindings share an encoding.
func appendAD(dst, header []byte, circle string, b Binding) []byte {
	dst = append(dst, header...)
	for _, s := range [...]string{circle, b.Table, b.Column, b.Row} {
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

func (b Binding) check() error {
	if b.Table == "" || b.Column == "" || b.Row == "" {
		return fmt.Errorf("keyring: binding needs table, column and row (got %q, %q, %q)", b.Table, b.Column, b.Row)
	}
	if len(b.Table)+len(b.Column)+len(b.Row) > maxBindingLength {
		return fmt.Errorf("keyring: binding of %s.%s is too long", b.Table, b.Column)
	}
	return nil
}

func (b Binding) adSize(circle string) int {
	return sealHeaderSize + 16 + len(circle) + len(b.Table) + len(b.Column) + len(b.Row)
}

// Seal encrypts plaintext for the place b names in k's circle and returns the
// sealed text to store. Every call uses a fresh random nonce, so sealing the
// same text twice gives different results. A nil key returns ErrKeyGone.
func (k *DataKey) Seal(plaintext string, b Binding) (string, error) {
	if k == nil {
		return "", fmt.Errorf("seal %s.%s: %w", b.Table, b.Column, ErrKeyGone)
	}
	if err := b.check(); err != nil {
		return "", err
	}
	rawLen := sealOverheadRaw + len(plaintext)
	adLen := b.adSize(k.circle)
	encLen := b64.EncodedLen(rawLen)
	p := getBuf(rawLen + adLen + encLen)
	defer putBuf(p, rawLen+adLen+encLen)
	// One scratch buffer holds the raw value, then its associated data, then
	// its base64 form; the plaintext is copied in and sealed in place.
	buf := (*p)[:sealPrefixRaw+len(plaintext)]
	buf[0] = sealVersion
	copy(buf[1:sealHeaderSize], k.id[:])
	nonce := buf[sealHeaderSize:sealPrefixRaw]
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	pt := buf[sealPrefixRaw:]
	copy(pt, plaintext)
	ad := appendAD((*p)[rawLen:rawLen], buf[:sealHeaderSize], k.circle, b)
	buf = k.aead.Seal(buf[:sealPrefixRaw], nonce, pt, ad)
	enc := b64.AppendEncode((*p)[rawLen+len(ad):rawLen+len(ad)], buf)

	var sb strings.Builder
	sb.Grow(len(sealedPrefix) + len(enc))
	sb.WriteString(sealedPrefix)
	sb.Write(enc)
	return sb.String(), nil
}

// Open decrypts a value sealed by Seal for the same place and circle.
// It returns ErrNotSealed for text that is not a sealed value (such as legacy
// plaintext), ErrKeyGone when the value was sealed by another data key than k
// (the key that sealed it was deleted or replaced) or k is nil, and
// ErrTampered when the value was changed or belongs to another row, column,
// table or circle. It never returns wrong plaintext.
func (k *DataKey) Open(sealed string, b Binding) (string, error) {
	if !strings.HasPrefix(sealed, sealedPrefix) {
		return "", fmt.Errorf("open %s.%s of row %s: %w", b.Table, b.Column, b.Row, ErrNotSealed)
	}
	if k == nil {
		return "", fmt.Errorf("open %s.%s of row %s: %w", b.Table, b.Column, b.Row, ErrKeyGone)
	}
	if err := b.check(); err != nil {
		return "", err
	}
	text := sealed[len(sealedPrefix):]
	rawLen := b64.DecodedLen(len(text))
	p := getBuf(rawLen + b.adSize(k.circle))
	defer putBuf(p, rawLen+b.adSize(k.circle))
	raw, err := b64.AppendDecode((*p)[:0], []byte(text))
	if err != nil || len(raw) < sealOverheadRaw {
		return "", fmt.Errorf("open %s.%s of row %s: malformed sealed value: %w", b.Table, b.Column, b.Row, ErrTampered)
	}
	if raw[0] != sealVersion {
		return "", fmt.Errorf("open %s.%s of row %s: unknown format version %d: %w", b.Table, b.Column, b.Row, raw[0], ErrTampered)
	}
	if KeyID(raw[1:sealHeaderSize]) != k.id {
		return "", fmt.Errorf("open %s.%s of row %s: sealed by data key %s, not by the circle's key %s: %w",
			b.Table, b.Column, b.Row, KeyID(raw[1:sealHeaderSize]), k.id, ErrKeyGone)
	}
	ad := appendAD((*p)[len(raw):len(raw)], raw[:sealHeaderSize], k.circle, b)
	ct := raw[sealPrefixRaw:]
	plain, err := k.aead.Open(ct[:0], raw[sealHeaderSize:sealPrefixRaw], ct, ad)
	if err != nil {
		return "", fmt.Errorf("open %s.%s of row %s: %w", b.Table, b.Column, b.Row, ErrTampered)
	}
	return string(plain), nil
}

// IsSealed reports whether s has the form of a sealed value: the prefix, room
// for the header, nonce and tag, URL-safe base64 only, and a known version.
// It reads no key, so the migration that seals legacy plaintext can use it to
// skip values already sealed.
func IsSealed(s string) bool {
	if len(s) < sealMinTextSize || !strings.HasPrefix(s, sealedPrefix) {
		return false
	}
	text := s[len(sealedPrefix):]
	if len(text)%4 == 1 {
		return false
	}
	for i := 0; i < len(text); i++ {
		if !isB64[text[i]] {
			return false
		}
	}
	var first [3]byte
	n, err := b64.Decode(first[:], []byte(text[:4]))
	return err == nil && n == 3 && first[0] == sealVersion
}

// isB64 marks the characters of URL-safe base64.
var isB64 = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

// SealedKeyID returns the id of the data key that sealed s, for storage that
// keeps more than one key per circle.
func SealedKeyID(s string) (KeyID, error) {
	if !strings.HasPrefix(s, sealedPrefix) {
		return KeyID{}, ErrNotSealed
	}
	if len(s) < sealMinTextSize {
		return KeyID{}, fmt.Errorf("sealed value is too short: %w", ErrTampered)
	}
	var head [12]byte
	n, err := b64.Decode(head[:], []byte(s[len(sealedPrefix):len(sealedPrefix)+16]))
	if err != nil || n != 12 || head[0] != sealVersion {
		return KeyID{}, fmt.Errorf("sealed value is malformed: %w", ErrTampered)
	}
	return KeyID(head[1:sealHeaderSize]), nil
}
