package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/live"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/web"
)

// roomApp is what bench room needs from the application: the meetings, how a
// room changes and how a screen's frame is loaded — the real room service
// and the real page's regions, on the benchmark's database.
type roomApp struct {
	// Meetings are the seeded meetings, in the same order in every process.
	Meetings []string
	// Load draws a meeting's room for an audience, as a screen receives it.
	Load live.Loader
	// Hub is the pages' hub of room screens, wired as the server wires it:
	// on SQLite each change is published to it after its commit; on
	// PostgreSQL it knows the room versions for a listener's safety poll.
	Hub *live.Hub
	// Change gives the current segment of the meeting two more minutes, as a
	// timekeeper's click does, and returns the room's new version. On
	// PostgreSQL its transaction notifies live.Channel.
	Change func(ctx context.Context, meetingID string) (int64, error)
	Close  func() error
}

// seedRoomApp migrates the benchmark's database and seeds n meetings in
// progress.
func seedRoomApp(ctx context.Context, dbURL string, n int) error {
	ring, err := benchKeyring()
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, sqldb.Config{URL: dbURL, Logger: quietLogger(), Keyring: ring})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := sqldb.SeedRoomBench(ctx, db, n); err != nil {
		return fmt.Errorf("seed rooms: %w", err)
	}
	return nil
}

// quietLogger drops the database's and pages' logs of a benchmark.
func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// openRoomApp opens the rooms on the database with the web pages' renderer;
// log gets the pages' and the hub's warnings.
func openRoomApp(ctx context.Context, dbURL string, log *slog.Logger) (*roomApp, error) {
	ring, err := benchKeyring()
	if err != nil {
		return nil, err
	}
	db, err := sqldb.Open(ctx, sqldb.Config{URL: dbURL, Logger: quietLogger(), Keyring: ring})
	if err != nil {
		return nil, err
	}
	meetings, err := sqldb.RoomBenchMeetings(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	svc := webServices(db, sqldb.NewFormationService(db))
	rooms := svc.Room
	srv, err := web.New(svc, web.Config{Logger: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	hub := srv.Hub()
	wireRoomHub(db, hub)
	return &roomApp{
		Meetings: meetings,
		Load:     srv.RoomFrame,
		Hub:      hub,
		Change: func(ctx context.Context, meetingID string) (int64, error) {
			sys := roundtable.NewSystemContext(ctx)
			if err := rooms.ControlTimer(sys, meetingID, roundtable.TimerExtend, 2); err != nil {
				return 0, fmt.Errorf("change room %s: %w", meetingID, err)
			}
			v, err := db.RoomVersions(sys, []string{meetingID})
			return v[meetingID], err
		},
		Close: db.Close,
	}, nil
}
