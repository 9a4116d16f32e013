// Package keyring owns the keys that protect circle content at rest and is the
// only place in Roundtable that touches a cipher. Storage code asks it for a
// circle's data key and calls Seal before writing a confidential column and
// Open after reading one.
//
// # Envelope
//
// Every circle has its own data key: 32 random bytes used with
// XChaCha20-Poly1305 and a fresh random 24-byte nonce for every value. The
// data key is never stored as it is. It is wrapped (encrypted) by the master
// key, and only the wrapped form goes into the database, one row per circle.
// The master key lives outside the database: in a file (--master-key-file,
// ROUNDTABLE_MASTER_KEY_FILE) or in ROUNDTABLE_MASTER_KEY, as base64 of 32
// random bytes. Its id is a short hash of the key (never the key), so a
// wrapped data key names the master key that wrapped it and rotation can tell
// old from new.
//
// # Bindings
//
// Each sealed value is authenticated together with where it belongs: the
// circle (through its data key and the circle id), the table, the column and
// the row, plus the data key's id and the format version. Copying a sealed
// value into another row, column, table or circle makes it fail to open
// (ErrTampered) instead of showing the right text in the wrong place. A wrapped
// data key is likewise bound to its circle and to the master key's id.
//
// # Formats
//
// Sealed values and wrapped keys are text: a short prefix ("rtenc:" or
// "rtkey:") and URL-safe base64 without padding. Text was chosen over BLOB
// because the confidential columns are TEXT on both SQLite and PostgreSQL
// already: existing content can be sealed in place by a migration without
// changing column types per engine, both drivers scan it into a string the
// same way, and a dump shows clearly-marked opaque values. The cost is a third
// more bytes and 72 characters of overhead per value. The prefix makes telling
// sealed from legacy plaintext cheap (IsSealed).
//
// Sealed value, after "rtenc:":
//
//	version (1 byte, =1) | data key id (8) | nonce (24) | ciphertext | tag (16)
//
// Wrapped data key, after "rtkey:":
//
//	version (1 byte, =1) | master key id (8) | data key id (8) | nonce (24) | sealed key (32) | tag (16)
//
// # What a database thief sees
//
// Someone holding a copy of the database (file, WAL, dump or backup) but not
// the master key sees names, e-mails, times and the structure of circles, and
// for every sealed value its length (to within the 72-character overhead) and
// which data key sealed it, but none of the content. With the master key as
// well, everything opens: keep them apart, and back both up.
//
// # Losing the master key
//
// Without the master key no data key can be unwrapped, so no circle content
// can ever be read again; there is no back door. Rotation (Rewrap) moves every
// wrapped data key to a new master key without touching the sealed values, so
// it is quick and can run while the server is up if the Keyring is given both
// keys (New with the old one among the previous keys).
//
// # Crypto-shredding
//
// Deleting a circle's wrapped data key makes all of that circle's sealed
// values unreadable for good, including copies in backups taken afterwards
// and in old WAL pages that still hold them. Open reports ErrKeyGone for them.
// The Keyring's cache only saves the unwrap work: a cached key is served only
// when the caller presents the same wrapped form it read from the database,
// so storage must read the wrapped key row (one indexed read per request) and
// a deleted row is noticed at once, on every instance.
package keyring

import "errors"

// Errors that storage maps to messages. Each returned error wraps one of them
// and adds what went wrong; none ever holds key material or plaintext.
var (
	// ErrKeyGone means the data key that sealed a value is not available: the
	// circle's wrapped key was deleted (crypto-shredding) or replaced.
	ErrKeyGone = errors.New("keyring: data key is gone")

	// ErrTampered means a sealed value or wrapped key failed authentication or
	// is malformed: changed, truncated, or read for another row, column, table
	// or circle than the one it was sealed for.
	ErrTampered = errors.New("keyring: value fails authentication")

	// ErrNotSealed means a value has no sealed form at all: legacy plaintext,
	// or a value whose prefix was damaged.
	ErrNotSealed = errors.New("keyring: value is not sealed")

	// ErrWrongMasterKey means a wrapped data key was made with a master key
	// other than the ones given.
	ErrWrongMasterKey = errors.New("keyring: wrong master key")
)
