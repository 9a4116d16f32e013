package live

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// createDatabase creates an empty database for the test on the server at
// ROUNDTABLE_TEST_POSTGRES_URL (as sqldbtest does, whose migrated schema
// these tests do not need) and drops it afterwards. Without a server the test
// is skipped, or fails when CI=true.
func createDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("ROUNDTABLE_TEST_POSTGRES_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but PostgreSQL does not answer: %v", err)
		}
		t.Skipf("SKIPPED: PostgreSQL does not answer: %v", err)
	}
	name := "rt_test_live_" + rand.Text()[:12]
	name = strings.ToLower(name)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// pgRooms is a database of its own on PostgreSQL with a table of room
// versions, standing in for the application's room_state.
type pgRooms struct {
	url string
	db  *sql.DB
}

func newPGRooms(t *testing.T, meetings ...string) *pgRooms {
	t.Helper()
	dbURL := createDatabase(t)
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE rooms (meeting_id TEXT PRIMARY KEY, version BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range meetings {
		if _, err := db.Exec(`INSERT INTO rooms VALUES ($1, 1)`, m); err != nil {
			t.Fatal(err)
		}
	}
	return &pgRooms{url: dbURL, db: db}
}

func (p *pgRooms) load(ctx context.Context, meetingID, audience string) (Frame, error) {
	var v int64
	if err := p.db.QueryRowContext(ctx, `SELECT version FROM rooms WHERE meeting_id = $1`, meetingID).Scan(&v); err != nil {
		return Frame{}, err
	}
	return Frame{Version: v, Data: fmt.Appendf(nil, "%s v%d", meetingID, v)}, nil
}

func (p *pgRooms) versions(ctx context.Context, ids []string) (map[string]int64, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT meeting_id, version FROM rooms WHERE meeting_id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// change bumps the meeting's version in a transaction that, with notify,
// announces it the way the application does.
func (p *pgRooms) change(t *testing.T, meetingID string, notify bool) {
	t.Helper()
	tx, err := p.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`UPDATE rooms SET version = version + 1 WHERE meeting_id = $1`, meetingID); err != nil {
		t.Fatal(err)
	}
	if notify {
		if _, err := tx.Exec(`SELECT pg_notify($1, $2)`, Channel, meetingID); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// listen runs l until the test ends and returns a channel that receives a
// value each time it is listening.
func listen(t *testing.T, l *Listener) <-chan struct{} {
	t.Helper()
	listening := make(chan struct{}, 10)
	l.OnListen = func() { listening <- struct{}{} }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	return listening
}

func waitListening(t *testing.T, c <-chan struct{}) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(10 * time.Second):
		t.Fatal("listener not listening within 10 s")
	}
}

func wantVersion(t *testing.T, s *Sub, want int64) {
	t.Helper()
	if f := next(t, s); f.Version != want {
		t.Fatalf("got version %d, want %d", f.Version, want)
	}
}

// watch runs l on p's database until the test ends and, once it listens,
// opens a screen on m1 of l.Hub, which starts at version 1. It returns the
// screen and listen's channel.
func (p *pgRooms) watch(t *testing.T, l *Listener) (*Sub, <-chan struct{}) {
	t.Helper()
	l.URL = p.url
	listening := listen(t, l)
	waitListening(t, listening)
	s := subscribe(t, l.Hub, "m1", "member")
	wantVersion(t, s, 1)
	return s, listening
}

func TestListener_TwoInstances(t *testing.T) {
	p := newPGRooms(t, "m1", "m2")
	var subs []*Sub
	for range 2 { // two app instances on one database
		s, _ := p.watch(t, &Listener{Hub: NewHub(p.load, nil), Poll: -1})
		subs = append(subs, s)
	}
	p.change(t, "m1", true)
	for _, s := range subs {
		wantVersion(t, s, 2)
	}
	p.change(t, "m2", true) // nobody watches m2
	p.change(t, "m1", true)
	for _, s := range subs {
		wantVersion(t, s, 3)
	}
}

func TestListener_Reconnect(t *testing.T) {
	p := newPGRooms(t, "m1")
	// The back-off leaves time for a change to be made while nobody listens.
	s, listening := p.watch(t, &Listener{Hub: NewHub(p.load, nil), Poll: -1, MinBackoff: 400 * time.Millisecond})

	var killed int
	err := p.db.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'roundtable-live'`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("got %d listener connections ended (%v), want 1", killed, err)
	}
	p.change(t, "m1", true) // its NOTIFY reaches nobody
	waitListening(t, listening)
	wantVersion(t, s, 2) // published after reconnecting
	p.change(t, "m1", true)
	wantVersion(t, s, 3)
}

func TestListener_Poll(t *testing.T) {
	p := newPGRooms(t, "m1")
	h := NewHub(p.load, nil)
	h.Versions = p.versions
	s, _ := p.watch(t, &Listener{Hub: h, Poll: 50 * time.Millisecond})
	p.change(t, "m1", false) // a change whose wake-up got lost
	wantVersion(t, s, 2)
}

func TestListener_Idle(t *testing.T) {
	p := newPGRooms(t, "m1")
	// Waits that time out, and the pings after them, leave the connection
	// listening.
	s, listening := p.watch(t, &Listener{Hub: NewHub(p.load, nil), Poll: -1, idle: 10 * time.Millisecond})
	time.Sleep(100 * time.Millisecond)
	p.change(t, "m1", true)
	wantVersion(t, s, 2)
	select {
	case <-listening:
		t.Error("the listener reconnected, want one connection throughout")
	default:
	}
}
