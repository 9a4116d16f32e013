package sqldb

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// newID returns a new UUIDv7: time-ordered, so indexes stay compact.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// validID reports whether s is an ID in the canonical form this package
// writes. Anything else cannot exist, so callers answer ENOTFOUND without
// asking the database (and never pass odd bytes to a driver).
func validID(s string) bool {
	if len(s) != 36 {
		return false
	}
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}

// newToken returns a random secret for a link or a cookie, and the hash that
// is stored in its place.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// hashToken returns the stored form of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// validToken reports whether s looks like a token from newToken.
func validToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// clean makes user text safe for both engines: PostgreSQL rejects NUL bytes
// and invalid UTF-8 in TEXT, SQLite would store them; neither is meaningful.
func clean(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// ms returns t as stored: Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS reads a stored time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullMS reads a stored nullable time.
func nullMS(v *int64) *time.Time {
	if v == nil {
		return nil
	}
	t := fromMS(*v)
	return &t
}

// flag returns a boolean as stored: INTEGER 0 or 1 on both engines.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nullable returns nil for "" so optional references store NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
