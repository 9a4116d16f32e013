package keyring

import (
	"errors"
	"sync"
)

// DefaultCacheSize is how many unwrapped data keys a Keyring keeps when New is
// given no size: one per recently read circle; each costs well under 1 KB.
const DefaultCacheSize = 4096

// Keyring makes and unwraps data keys with the current master key (and, while
// a rotation is under way, previous ones) and keeps unwrapped keys in a
// bounded cache. It is safe for concurrent use; storage holds one per process.
type Keyring struct {
	current *MasterKey
	masters []*MasterKey // current first, then previous keys

	mu    sync.RWMutex
	max   int
	cache map[KeyID]cacheEntry
}

// cacheEntry is an unwrapped key and the exact wrapped text it came from.
type cacheEntry struct {
	wrapped string
	key     *DataKey
}

// New returns a Keyring that wraps new data keys with current and unwraps
// keys wrapped by current or any of previous (for online rotation: give the
// new key as current and the old one as previous, then run the rotation).
func New(current *MasterKey, previous ...*MasterKey) (*Keyring, error) {
	return NewWithCacheSize(DefaultCacheSize, current, previous...)
}

// NewWithCacheSize is New with a cache of at most size keys (at least 1).
func NewWithCacheSize(size int, current *MasterKey, previous ...*MasterKey) (*Keyring, error) {
	if current == nil {
		return nil, errors.New("keyring: no master key given")
	}
	masters := []*MasterKey{current}
	for _, m := range previous {
		if m == nil {
			return nil, errors.New("keyring: a previous master key is missing")
		}
		if m.id != current.id {
			masters = append(masters, m)
		}
	}
	return &Keyring{
		current: current,
		masters: masters,
		max:     max(size, 1),
		cache:   make(map[KeyID]cacheEntry),
	}, nil
}

// MasterID returns the id of the current master key.
func (r *Keyring) MasterID() MasterID { return r.current.id }

// NewDataKey makes a random data key for a circle and returns it with its
// wrapped form, which the caller stores in the circle's key row. The key is
// cached.
func (r *Keyring) NewDataKey(circle string) (*DataKey, string, error) {
	k, wrapped, err := generateDataKey(r.current, circle)
	if err != nil {
		return nil, "", err
	}
	r.put(wrapped, k)
	return k, wrapped, nil
}

// DataKey returns the data key of a circle given the wrapped form just read
// from its key row. An empty wrapped form (no row) returns ErrKeyGone; a
// wrapped key made by another master key ErrWrongMasterKey; a changed one, or
// one moved from another circle, ErrTampered.
//
// A cached key is returned only for the exact wrapped text it was unwrapped
// from and for the same circle, so the cache never outlives a deleted or
// replaced row as long as the caller reads the row.
func (r *Keyring) DataKey(circle, wrapped string) (*DataKey, error) {
	if len(wrapped) == wrappedTextSize {
		var id KeyID
		if wrappedKeyID(wrapped, &id) {
			r.mu.RLock()
			e, ok := r.cache[id]
			r.mu.RUnlock()
			if ok && e.wrapped == wrapped && e.key.circle == circle {
				return e.key, nil
			}
		}
	}
	k, err := unwrap(r.masters, circle, wrapped)
	if err != nil {
		return nil, err
	}
	r.put(wrapped, k)
	return k, nil
}

// wrappedKeyID reads the data key id out of a wrapped key's text without
// decoding the rest. Bytes 9..16 of the raw form start at base64 character
// 12 (byte 9 is the first of a 3-byte group), so characters 12..23 hold
// bytes 9..17.
func wrappedKeyID(wrapped string, id *KeyID) bool {
	var b [9]byte
	text := wrapped[len(wrappedPrefix):]
	n, err := b64.Decode(b[:], []byte(text[12:24]))
	if err != nil || n != 9 {
		return false
	}
	copy(id[:], b[:8])
	return true
}

// put caches k, evicting an arbitrary entry when full. Go's randomised map
// order makes that a random eviction: no bookkeeping on the read path, and
// good enough for a working set of recently read circles.
func (r *Keyring) put(wrapped string, k *DataKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.cache[k.id]; !ok && len(r.cache) >= r.max {
		for id := range r.cache {
			delete(r.cache, id)
			break
		}
	}
	r.cache[k.id] = cacheEntry{wrapped: wrapped, key: k}
}

// Forget drops a data key from the cache, e.g. right after its row is deleted.
func (r *Keyring) Forget(id KeyID) {
	r.mu.Lock()
	delete(r.cache, id)
	r.mu.Unlock()
}

// cached returns how many keys the cache holds (for tests).
func (r *Keyring) cached() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.cache)
}
