package main

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable/internal/sqldb"
)

// runKeysShred deletes one circle's data key, after naming the circle and
// saying what is lost; it acts only with --yes.
func runKeysShred(ctx context.Context, args []string, getenv func(string) string, io stdio) error {
	fs := newFlagSet("keys shred", io)
	circle := fs.String("circle", "", "id of the circle whose content is to become unreadable for good (required)")
	yes := fs.Bool("yes", false, "delete the key; without it the command only says what it would do")
	cfg, err := parseConfig(fs, args, getenv)
	if err != nil {
		return err
	}
	if *circle == "" {
		return usageError{"--circle is required"}
	}
	db, err := sqldb.Open(ctx, sqldb.Config{URL: cfg.DatabaseURL, Logger: newLogger(io.Err, cfg.LogLevel)})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrStaleSchema, err)
	}
	if !*yes {
		c, err := db.FindCircleToShred(ctx, *circle)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "This deletes the key of circle %q (%s). What was written in it — challenge cards, board posts, minutes, commitments, goals, reflections — can then never be read again, by anyone, from this database or from backups made afterwards (older backups still hold the key). Names, times and who was in the circle stay. Run again with --yes to do it.\n", c.Name, c.Program)
		return nil
	}
	c, err := db.ShredCircle(ctx, *circle)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "Deleted the key of circle %q (%s): its content can no longer be read. Backups made before now still hold the key; delete them or let them expire.\n", c.Name, c.Program)
	return nil
}
