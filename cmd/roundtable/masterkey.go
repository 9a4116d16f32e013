package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/roundtable/roundtable/internal/keyring"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// demoKeyFile is where `roundtable demo` on PostgreSQL keeps its master key
// when none is given.
const demoKeyFile = "./roundtable-data/roundtable.key"

// errPostgresNeedsKey explains why serve on PostgreSQL makes up no key.
var errPostgresNeedsKey = errors.New("serving PostgreSQL needs the master key that protects circle content: " +
	"give it with --master-key-file, ROUNDTABLE_MASTER_KEY_FILE or ROUNDTABLE_MASTER_KEY. " +
	"None is created here because every instance serving the database must use the same one; " +
	"make one once (head -c 32 /dev/urandom | base64 > roundtable.key; chmod 600 roundtable.key), " +
	"back it up apart from the database, and give it to each instance")

// masterKey is the master key found for a start, and the file it was
// created in, if this start created it (removed again if the start fails).
type masterKey struct {
	key     *keyring.MasterKey
	created string
}

// loadMasterKey finds the master key: the one given, else (SQLite, or a
// demo) the key file kept beside the data, created when missing.
func (m *Main) loadMasterKey() (masterKey, error) {
	c := m.Config
	key, err := keyring.LoadMasterKey(c.MasterKeyFile, c.MasterKey)
	if !errors.Is(err, keyring.ErrNoMasterKey) {
		if err != nil {
			return masterKey{}, err
		}
		return masterKey{key: key}, nil
	}
	path := ""
	if db, ok := sqldb.SQLitePath(c.DatabaseURL); ok {
		path = db + ".key"
	} else if m.SeedDemo {
		path = demoKeyFile
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return masterKey{}, fmt.Errorf("make the folder for the demo's master key: %w", err)
		}
	} else {
		return masterKey{}, errPostgresNeedsKey
	}
	key, err = keyring.ReadKeyFile(path)
	if err == nil {
		m.Logger.Info("master key read from its file beside the data", "file", path)
		return masterKey{key: key}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return masterKey{}, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return masterKey{}, fmt.Errorf("make the folder for the master key: %w", err)
		}
	}
	if key, err = keyring.CreateKeyFile(path); err != nil {
		return masterKey{}, err
	}
	m.Logger.Warn("a new master key protects circle content: back it up together with the database, kept apart from it; without it circle content cannot be read",
		"file", path, "key", key.ID().String())
	return masterKey{key: key, created: path}, nil
}

// benchKeyring returns the keyring of a benchmark's database: the key in
// ROUNDTABLE_MASTER_KEY, else a new one put there, so the instances a
// benchmark starts as processes share it.
func benchKeyring() (*keyring.Keyring, error) {
	text := os.Getenv("ROUNDTABLE_MASTER_KEY")
	if text == "" {
		var err error
		if _, text, err = keyring.GenerateMasterKey(); err != nil {
			return nil, err
		}
		os.Setenv("ROUNDTABLE_MASTER_KEY", text)
	}
	key, err := keyring.ParseMasterKey(text)
	if err != nil {
		return nil, fmt.Errorf("ROUNDTABLE_MASTER_KEY: %w", err)
	}
	return keyring.New(key)
}
