package keyring

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseMasterKey(t *testing.T) {
	m, text, err := GenerateMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(text)
	forms := map[string]string{
		"std":         text,
		"std with nl": "  " + text + "\n",
		"raw std":     strings.TrimRight(text, "="),
		"url":         base64.URLEncoding.EncodeToString(raw),
		"raw url":     base64.RawURLEncoding.EncodeToString(raw),
	}
	for name, s := range forms {
		got, err := ParseMasterKey(s)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got.ID() != m.ID() {
			t.Errorf("%s: id %s, want %s", name, got.ID(), m.ID())
		}
	}

	short := base64.StdEncoding.EncodeToString(raw[:16])
	bad := map[string]string{
		"empty":     "",
		"short":     short,
		"long":      base64.StdEncoding.EncodeToString(append(raw, raw...)),
		"not b64":   "this is not a key at all!",
		"raw bytes": string(raw),
	}
	for name, s := range bad {
		_, err := ParseMasterKey(s)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if s != "" && strings.Contains(err.Error(), strings.TrimSpace(s)) {
			t.Errorf("%s: error repeats the key: %v", name, err)
		}
	}
	if _, err := ParseMasterKey(short); err == nil || !strings.Contains(err.Error(), "16 bytes") {
		t.Errorf("short key: got %v, want it to say 16 bytes", err)
	}
}

func TestMasterKey_NeverPrinted(t *testing.T) {
	m, text, err := GenerateMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(text)
	for _, s := range []string{fmt.Sprint(m), fmt.Sprintf("%v %+v %#v %s", m, m, m, m)} {
		if strings.Contains(s, text) || strings.Contains(s, string(raw)) || !strings.Contains(s, m.ID().String()) {
			t.Errorf("printed as %q", s)
		}
	}
}

func TestCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	m, err := CreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", info.Mode().Perm())
	}
	got, err := ReadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID() != m.ID() {
		t.Errorf("read id %s, want %s", got.ID(), m.ID())
	}

	before, _ := os.ReadFile(path)
	if _, err := CreateKeyFile(path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second create: got %v, want fs.ErrExist", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("second create changed the file")
	}
	if _, err := CreateKeyFile(filepath.Join(t.TempDir(), "missing", "k")); err == nil {
		t.Error("create in a missing folder: no error")
	}
}

func TestReadKeyFile_Errors(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits")
	}
	dir := t.TempDir()
	_, text, err := GenerateMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		want string // in the error
	}{
		{"missing", filepath.Join(dir, "nope"), "does not exist"},
		{"directory", dir, "is a directory"},
		{"world readable", write("world", text, 0o644), "other users may read"},
		{"group writable", write("groupw", text, 0o660), "group may change"},
		{"empty", write("empty", "", 0o600), "is empty"},
		{"short", write("short", text[:20], 0o600), "bytes; want"},
		{"not base64", write("junk", "hello, world", 0o600), "not valid base64"},
		{"too large", write("large", strings.Repeat("A", 5000), 0o600), "larger than"},
	}
	if os.Geteuid() != 0 { // root reads anything
		tests = append(tests, struct{ name, path, want string }{"unreadable", write("noread", text, 0o000), "cannot be read"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadKeyFile(tt.path)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("got %q, want it to name the file and say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(text)) || strings.Contains(err.Error(), text[:20]) {
				t.Errorf("error shows the key: %q", err)
			}
		})
	}
	// Owner-only and group-readable files are accepted.
	for _, mode := range []os.FileMode{0o400, 0o600, 0o640} {
		p := write(fmt.Sprintf("ok%o", mode), text+"\n", mode)
		if _, err := ReadKeyFile(p); err != nil {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
}

func TestLoadMasterKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k")
	m, err := CreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, text, _ := GenerateMasterKey()
	v, _ := ParseMasterKey(text)

	if got, err := LoadMasterKey(path, ""); err != nil || got.ID() != m.ID() {
		t.Errorf("from file: %v, %v", got, err)
	}
	if got, err := LoadMasterKey("", text); err != nil || got.ID() != v.ID() {
		t.Errorf("from value: %v, %v", got, err)
	}
	if _, err := LoadMasterKey(path, text); err == nil || !strings.Contains(err.Error(), "only one") {
		t.Errorf("both: got %v", err)
	}
	if _, err := LoadMasterKey("", ""); !errors.Is(err, ErrNoMasterKey) {
		t.Errorf("neither: got %v, want ErrNoMasterKey", err)
	}
	if _, err := LoadMasterKey("", "short"); err == nil || !strings.Contains(err.Error(), "ROUNDTABLE_MASTER_KEY") {
		t.Errorf("bad value: got %v, want it to name ROUNDTABLE_MASTER_KEY", err)
	}
}
