package keyring_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/roundtable/roundtable/internal/keyring"
)

// Example shows the round trip storage makes: a key row per circle holding
// the wrapped data key, and sealed text in the content columns.
func Example() {
	dir, _ := os.MkdirTemp("", "keyring")
	defer os.RemoveAll(dir)

	// At start: load the master key, or create one beside a SQLite database.
	path := filepath.Join(dir, "roundtable.key")
	master, err := keyring.LoadMasterKey(path, "")
	if errors.Is(err, os.ErrNotExist) {
		master, err = keyring.CreateKeyFile(path)
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	ring, _ := keyring.New(master)

	// When a circle is formed: make its key and store the wrapped form
	// (INSERT INTO circle_keys (circle_id, wrapped) VALUES ($1, $2)).
	_, wrapped, _ := ring.NewDataKey("circle-7")

	// On every write of a confidential column: seal for table, column, row.
	key, _ := ring.DataKey("circle-7", wrapped) // wrapped just read from circle_keys
	b := keyring.Binding{Table: "board_posts", Column: "body", Row: "post-42"}
	sealed, _ := key.Seal("We meet at the library on Thursday.", b)
	fmt.Println(keyring.IsSealed(sealed))

	// On read: the same key row, the same binding.
	key, _ = ring.DataKey("circle-7", wrapped)
	text, _ := key.Open(sealed, b)
	fmt.Println(text)

	// Crypto-shredding: once the key row is gone, nothing opens.
	_, err = ring.DataKey("circle-7", "") // no row found
	fmt.Println(errors.Is(err, keyring.ErrKeyGone))
	// Output:
	// true
	// We meet at the library on Thursday.
	// true
}
