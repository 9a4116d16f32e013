package keyring

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// MasterKeySize is the length of a master key in bytes before encoding.
const MasterKeySize = 32

// maxKeyFileSize bounds what ReadKeyFile reads: a key is 44 characters, so
// anything much larger is the wrong file.
const maxKeyFileSize = 4096

// MasterID names a master key without revealing it: the first 8 bytes of an
// HMAC-SHA-256 of a fixed label under the key.
type MasterID [8]byte

// String returns the id in hex.
func (id MasterID) String() string { return hex.EncodeToString(id[:]) }

// MasterKey wraps and unwraps data keys. Its String, GoString and LogValue
// show only its id, so printing or logging one never shows the key.
type MasterKey struct {
	id   MasterID
	aead cipher.AEAD
}

// ID returns the key's id.
func (m *MasterKey) ID() MasterID { return m.id }

// String returns "master key <id>".
func (m *MasterKey) String() string { return "master key " + m.id.String() }

// GoString keeps %#v from printing the key's internals.
func (m *MasterKey) GoString() string { return m.String() }

// LogValue keeps slog from printing the key's internals.
func (m *MasterKey) LogValue() slog.Value { return slog.StringValue(m.String()) }

// newMasterKey builds a MasterKey from raw key bytes.
func newMasterKey(raw []byte) (*MasterKey, error) {
	if len(raw) != MasterKeySize {
		return nil, fmt.Errorf("master key is %d bytes; want %d", len(raw), MasterKeySize)
	}
	aead, err := chacha20poly1305.NewX(raw)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	mac := hmac.New(sha256.New, raw)
	mac.Write([]byte("roundtable master key id v1"))
	m := &MasterKey{aead: aead}
	copy(m.id[:], mac.Sum(nil))
	return m, nil
}

// GenerateMasterKey returns a new random master key and its encoded form (the
// text to put in a key file or in ROUNDTABLE_MASTER_KEY).
func GenerateMasterKey() (*MasterKey, string, error) {
	raw := make([]byte, MasterKeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", fmt.Errorf("generate master key: %w", err)
	}
	m, err := newMasterKey(raw)
	if err != nil {
		return nil, "", err
	}
	return m, base64.StdEncoding.EncodeToString(raw), nil
}

// ParseMasterKey decodes a master key given as base64 of 32 bytes (standard or
// URL-safe alphabet, padding optional, surrounding white space ignored), as in
// ROUNDTABLE_MASTER_KEY. Errors say what is wrong without repeating the value.
func ParseMasterKey(s string) (*MasterKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("master key is empty; want base64 of 32 random bytes")
	}
	raw, err := decodeKeyText(s)
	if err != nil {
		return nil, errors.New("master key is not valid base64; want base64 of 32 random bytes")
	}
	if len(raw) != MasterKeySize {
		return nil, fmt.Errorf("master key decodes to %d bytes; want base64 of %d random bytes", len(raw), MasterKeySize)
	}
	return newMasterKey(raw)
}

// decodeKeyText accepts both base64 alphabets with or without padding, so a
// key pasted from any common tool works.
func decodeKeyText(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// ErrNoMasterKey means neither a key file nor a key value was given.
var ErrNoMasterKey = errors.New("no master key given: set --master-key-file, ROUNDTABLE_MASTER_KEY_FILE or ROUNDTABLE_MASTER_KEY")

// LoadMasterKey loads the master key from a file path (--master-key-file or
// ROUNDTABLE_MASTER_KEY_FILE) or a key value (ROUNDTABLE_MASTER_KEY), whichever
// is set. Both set is refused, since they may hold different keys and picking
// one silently could wrap new data under the wrong one. Neither set returns
// ErrNoMasterKey, on which the caller may create a key file or refuse to start.
func LoadMasterKey(file, value string) (*MasterKey, error) {
	switch {
	case file != "" && value != "":
		return nil, errors.New("both a master key file and ROUNDTABLE_MASTER_KEY are set; give only one")
	case file != "":
		return ReadKeyFile(file)
	case value != "":
		m, err := ParseMasterKey(value)
		if err != nil {
			return nil, fmt.Errorf("ROUNDTABLE_MASTER_KEY: %w", err)
		}
		return m, nil
	}
	return nil, ErrNoMasterKey
}

// ReadKeyFile loads a master key from a file holding its base64 form. It
// refuses a file that others may read or anyone but the owner's group may
// write, so a leaked key is noticed before it is used. Errors name the file
// and what is wrong, never the key.
func ReadKeyFile(path string) (*MasterKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, keyFileError(path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, keyFileError(path, err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("master key file %s is a directory; want a file holding the key", path)
	}
	if err := checkKeyFileMode(path, info.Mode().Perm()); err != nil {
		return nil, err
	}
	buf, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, keyFileError(path, err)
	}
	if len(buf) > maxKeyFileSize {
		return nil, fmt.Errorf("master key file %s is larger than %d bytes; want only the base64 key", path, maxKeyFileSize)
	}
	m, err := ParseMasterKey(string(buf))
	clear(buf)
	if err != nil {
		return nil, fmt.Errorf("master key file %s: %w", path, err)
	}
	return m, nil
}

// checkKeyFileMode refuses permissions that let other users read or change
// the key. Windows has no such bits, so it is not checked there.
func checkKeyFileMode(path string, perm fs.FileMode) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	if perm&0o007 != 0 {
		return fmt.Errorf("master key file %s has mode %04o: other users may read or change it; run chmod 600 %s (and consider the key exposed)", path, perm, path)
	}
	if perm&0o020 != 0 {
		return fmt.Errorf("master key file %s has mode %04o: its group may change it; run chmod 600 %s", path, perm, path)
	}
	return nil
}

// keyFileError turns an open or read failure into a sentence.
func keyFileError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("master key file %s does not exist: %w", path, fs.ErrNotExist)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("master key file %s cannot be read by this user: %w", path, fs.ErrPermission)
	}
	return fmt.Errorf("master key file %s cannot be read: %w", path, err)
}

// CreateKeyFile makes a new random master key and writes it to path with mode
// 0600. It refuses to overwrite anything already at path (fs.ErrExist), so a
// key that protects data is never replaced by accident. The parent folder must
// exist.
func CreateKeyFile(path string) (*MasterKey, error) {
	m, text, err := GenerateMasterKey()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("master key file %s exists already; not overwriting it: %w", path, fs.ErrExist)
		}
		return nil, fmt.Errorf("create master key file %s: %w", path, err)
	}
	_, err = f.WriteString(text + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("write master key file %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return m, nil
}

// syncDir makes the new file's directory entry durable, so a crash right after
// start does not lose the key that the first data keys were wrapped with.
// Failure is ignored: some systems cannot sync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
