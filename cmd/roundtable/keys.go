package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/roundtable/roundtable/internal/keyring"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// runKeys carries out `roundtable keys rotate` and `roundtable keys shred`.
func runKeys(ctx context.Context, args []string, getenv func(string) string, io stdio) error {
	switch {
	case len(args) > 0 && args[0] == "rotate":
		return runKeysRotate(ctx, args[1:], getenv, io)
	case len(args) > 0 && args[0] == "shred":
		return runKeysShred(ctx, args[1:], getenv, io)
	}
	return usageError{`unknown keys command; use "roundtable keys rotate --new-key-file FILE" or "roundtable keys shred --circle ID"`}
}

// runKeysRotate wraps every circle's key under a new master key.
func runKeysRotate(ctx context.Context, args []string, getenv func(string) string, io stdio) error {
	fs := newFlagSet("keys rotate", io)
	newFile := fs.String("new-key-file", "", "file of the new master key; created (mode 0600) when missing (required)")
	cfg, err := parseConfig(fs, args, getenv)
	if err != nil {
		return err
	}
	if *newFile == "" {
		return usageError{"--new-key-file is required"}
	}
	old, err := oldMasterKey(cfg)
	if err != nil {
		return err
	}
	next, created, err := newMasterKey(*newFile)
	if err != nil {
		return err
	}
	if next.ID() == old.ID() {
		return fmt.Errorf("the new key in %s is the key in use; give a new one", *newFile)
	}

	db, err := sqldb.Open(ctx, sqldb.Config{URL: cfg.DatabaseURL, Logger: newLogger(io.Err, cfg.LogLevel)})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrStaleSchema, err)
	}
	n, circles, err := db.RotateMasterKey(ctx, old, next)
	if err != nil {
		return fmt.Errorf("rotate: nothing was changed: %w", err)
	}
	if created {
		fmt.Fprintf(io.Out, "Created the new master key %s in %s.\n", next.ID(), *newFile)
	}
	fmt.Fprintf(io.Out, "Wrapped %d of %d circle keys under master key %s (the others were under it already).\n", n, circles, next.ID())
	fmt.Fprintf(io.Out, "Start every instance with --master-key-file %s now; keep the old key (%s) until they all run with the new one, then destroy it. Back up the new key.\n", *newFile, old.ID())
	return nil
}

// oldMasterKey loads the key in use as serve would, but never creates one.
func oldMasterKey(cfg Config) (*keyring.MasterKey, error) {
	key, err := keyring.LoadMasterKey(cfg.MasterKeyFile, cfg.MasterKey)
	if !errors.Is(err, keyring.ErrNoMasterKey) {
		return key, err
	}
	if db, ok := sqldb.SQLitePath(cfg.DatabaseURL); ok {
		return keyring.ReadKeyFile(db + ".key")
	}
	return nil, fmt.Errorf("give the master key in use (--master-key-file, ROUNDTABLE_MASTER_KEY_FILE or ROUNDTABLE_MASTER_KEY): %w", err)
}

// newMasterKey reads the new key's file, or creates it.
func newMasterKey(path string) (*keyring.MasterKey, bool, error) {
	key, err := keyring.ReadKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = keyring.CreateKeyFile(path)
		return key, err == nil, err
	}
	return key, false, err
}
