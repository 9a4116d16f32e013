package keyring

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// KeyID names a data key. It is random, made with the key, and carried in
// every value the key seals, so a value names the key it needs.
type KeyID [8]byte

// String returns the id in hex.
func (id KeyID) String() string { return hex.EncodeToString(id[:]) }

// DataKey seals and opens one circle's values. It is safe for concurrent use;
// the Keyring hands out one shared DataKey per wrapped key.
type DataKey struct {
	id     KeyID
	circle string
	aead   cipher.AEAD
}

// ID returns the key's id.
func (k *DataKey) ID() KeyID { return k.id }

// Circle returns the id of the circle the key belongs to.
func (k *DataKey) Circle() string { return k.circle }

// String returns "data key <id> of circle <circle>", never the key.
func (k *DataKey) String() string { return "data key " + k.id.String() + " of circle " + k.circle }

// GoString keeps %#v from printing the key's internals.
func (k *DataKey) GoString() string { return k.String() }

const (
	wrappedPrefix  = "rtkey:"
	wrapVersion    = 1
	dataKeySize    = chacha20poly1305.KeySize
	wrapHeaderSize = 1 + 8 + 8 // version, master id, data key id
	wrappedRawSize = wrapHeaderSize + chacha20poly1305.NonceSizeX + dataKeySize + chacha20poly1305.Overhead
)

var wrappedTextSize = len(wrappedPrefix) + b64.EncodedLen(wrappedRawSize)

// wrapAD is what a wrapped key is authenticated with: its header (version,
// master id, data key id) and the circle, so a wrapped key cannot be moved to
// another circle's row or passed off under another id.
func wrapAD(header []byte, circle string) []byte {
	ad := make([]byte, 0, len(header)+len(circle))
	ad = append(ad, header...)
	return append(ad, circle...)
}

// wrap seals raw under m for circle and returns the wrapped text.
func wrap(m *MasterKey, id KeyID, circle string, raw []byte) (string, error) {
	buf := make([]byte, wrapHeaderSize+chacha20poly1305.NonceSizeX, wrappedRawSize)
	buf[0] = wrapVersion
	copy(buf[1:9], m.id[:])
	copy(buf[9:17], id[:])
	nonce := buf[wrapHeaderSize:]
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("wrap data key: %w", err)
	}
	buf = m.aead.Seal(buf, nonce, raw, wrapAD(buf[:wrapHeaderSize], circle))
	return wrappedPrefix + b64.EncodeToString(buf), nil
}

// parseWrapped decodes a wrapped key's text and checks its shape.
func parseWrapped(wrapped string) ([]byte, error) {
	if wrapped == "" {
		return nil, fmt.Errorf("no wrapped data key: %w", ErrKeyGone)
	}
	if !strings.HasPrefix(wrapped, wrappedPrefix) || len(wrapped) != wrappedTextSize {
		return nil, fmt.Errorf("wrapped data key is malformed: %w", ErrTampered)
	}
	raw, err := b64.DecodeString(wrapped[len(wrappedPrefix):])
	if err != nil || len(raw) != wrappedRawSize {
		return nil, fmt.Errorf("wrapped data key is malformed: %w", ErrTampered)
	}
	if raw[0] != wrapVersion {
		return nil, fmt.Errorf("wrapped data key has unknown format version %d: %w", raw[0], ErrTampered)
	}
	return raw, nil
}

// WrappedMasterID returns the id of the master key that wrapped a data key, so
// rotation can count or pick the rows still under the old key.
func WrappedMasterID(wrapped string) (MasterID, error) {
	raw, err := parseWrapped(wrapped)
	if err != nil {
		return MasterID{}, err
	}
	return MasterID(raw[1:9]), nil
}

// unwrapRaw opens a parsed wrapped key with m. The caller checked the master id.
func unwrapRaw(m *MasterKey, raw []byte, circle string) ([]byte, error) {
	nonce := raw[wrapHeaderSize : wrapHeaderSize+chacha20poly1305.NonceSizeX]
	sealed := raw[wrapHeaderSize+chacha20poly1305.NonceSizeX:]
	key, err := m.aead.Open(nil, nonce, sealed, wrapAD(raw[:wrapHeaderSize], circle))
	if err != nil {
		return nil, fmt.Errorf("wrapped data key for circle %s fails authentication (changed, or moved from another circle): %w", circle, ErrTampered)
	}
	return key, nil
}

// unwrap returns the DataKey inside wrapped, trying each master key whose id
// matches.
func unwrap(masters []*MasterKey, circle, wrapped string) (*DataKey, error) {
	raw, err := parseWrapped(wrapped)
	if err != nil {
		return nil, err
	}
	mid := MasterID(raw[1:9])
	for _, m := range masters {
		if m.id != mid {
			continue
		}
		key, err := unwrapRaw(m, raw, circle)
		if err != nil {
			return nil, err
		}
		return newDataKey(KeyID(raw[9:17]), circle, key)
	}
	return nil, fmt.Errorf("data key of circle %s is wrapped by master key %s, which is not among the keys given (%s): %w",
		circle, mid, masterIDs(masters), ErrWrongMasterKey)
}

// masterIDs lists the ids of masters for an error message.
func masterIDs(masters []*MasterKey) string {
	ids := make([]string, len(masters))
	for i, m := range masters {
		ids[i] = m.id.String()
	}
	return strings.Join(ids, ", ")
}

// newDataKey builds a DataKey and wipes the raw key bytes; the AEAD keeps its
// own copy.
func newDataKey(id KeyID, circle string, raw []byte) (*DataKey, error) {
	aead, err := chacha20poly1305.NewX(raw)
	clear(raw)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	return &DataKey{id: id, circle: circle, aead: aead}, nil
}

// generateDataKey makes a random data key for circle and wraps it under m.
func generateDataKey(m *MasterKey, circle string) (*DataKey, string, error) {
	var id KeyID
	raw := make([]byte, dataKeySize)
	if _, err := rand.Read(id[:]); err != nil {
		return nil, "", fmt.Errorf("generate data key: %w", err)
	}
	if _, err := rand.Read(raw); err != nil {
		return nil, "", fmt.Errorf("generate data key: %w", err)
	}
	wrapped, err := wrap(m, id, circle, raw)
	if err != nil {
		return nil, "", err
	}
	k, err := newDataKey(id, circle, raw)
	if err != nil {
		return nil, "", err
	}
	return k, wrapped, nil
}

// Rewrap moves a circle's wrapped data key from master key from to master key
// to, for rotation; the data key itself and every value it sealed stay as they
// are. The caller reads each row, calls Rewrap and writes the result back,
// ideally all in one transaction.
//
// A key already wrapped by to is checked (it must open) and returned as it is
// with changed false, so an interrupted rotation can simply be run again.
// A key wrapped by neither returns ErrWrongMasterKey; one that fails to open
// returns ErrTampered. On error nothing is returned to write, so nothing
// changes.
func Rewrap(circle, wrapped string, from, to *MasterKey) (rewrapped string, changed bool, err error) {
	raw, err := parseWrapped(wrapped)
	if err != nil {
		return "", false, err
	}
	mid := MasterID(raw[1:9])
	switch mid {
	case to.id:
		key, err := unwrapRaw(to, raw, circle)
		if err != nil {
			return "", false, err
		}
		clear(key)
		return wrapped, false, nil
	case from.id:
	default:
		return "", false, fmt.Errorf("data key of circle %s is wrapped by master key %s, not by the old key given (%s): %w",
			circle, mid, from.id, ErrWrongMasterKey)
	}
	key, err := unwrapRaw(from, raw, circle)
	if err != nil {
		return "", false, err
	}
	defer clear(key)
	out, err := wrap(to, KeyID(raw[9:17]), circle, key)
	if err != nil {
		return "", false, err
	}
	return out, true, nil
}
