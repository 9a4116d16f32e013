package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create and drop the benchmark's database

	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// defaultBenchPostgres is the server in which bench mail creates (and then
// drops) a database of its own.
const defaultBenchPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// runBenchMail enqueues n one-week reminders the way the services do and
// delivers them through the outbox worker to an SMTP server in this process,
// reporting the enqueue time, the delivery rate and the messages that
// arrived twice (by Message-ID; there must be none).
func runBenchMail(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("bench mail", std)
	n := fs.Int("n", 100000, "reminders to enqueue and deliver")
	engine := fs.String("db", "sqlite", "database engine: sqlite or postgres")
	pgURL := fs.String("postgres", defaultBenchPostgres, "PostgreSQL `URL` of a database through which the benchmark's own is created and dropped")
	workers := fs.Int("workers", 1, "outbox workers, each with its own database connections, as separate app instances")
	batch := fs.Int("batch", 0, "messages per claim (0: the outbox's default)")
	concurrency := fs.Int("concurrency", 0, "batches on their way at once in each worker (0: the outbox's default)")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up delivering after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 1 || *workers < 1 || *batch < 0 || *concurrency < 0 || (*engine != "sqlite" && *engine != "postgres") {
		return usageError{"--n and --workers must be at least 1, --batch and --concurrency not negative, --db sqlite or postgres"}
	}

	dbURL, drop, err := benchDatabase(ctx, *engine, *pgURL)
	if err != nil {
		return err
	}
	defer drop()
	ring, err := benchKeyring()
	if err != nil {
		return err
	}
	open := func() (*sqldb.DB, error) {
		return sqldb.Open(ctx, sqldb.Config{URL: dbURL, BaseURL: "https://roundtable.bench", Logger: quietLogger(), Keyring: ring})
	}
	db, err := open()
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	probe := sqldb.NewOutbox(db)
	fmt.Fprintf(std.Out, "Mail benchmark: %d one-week reminders on %s; %d worker(s), batches of %d, %d at once each; cores %d (GOMAXPROCS %d).\n",
		*n, *engine, *workers, cmp.Or(*batch, probe.Batch), cmp.Or(*concurrency, probe.Concurrency), runtime.NumCPU(), runtime.GOMAXPROCS(0))
	seed, err := sqldb.SeedMailBench(ctx, db, *n)
	if err != nil {
		return err
	}
	fmt.Fprintf(std.Out, "Setup: %d circles, %d members, %d meetings in %.2f s.\n", seed.Circles, seed.Members, seed.Meetings, seed.Setup.Seconds())
	fmt.Fprintf(std.Out, "Enqueue: %d reminders in %.2f s (%.0f messages/s; one transaction per circle).\n",
		seed.Messages, seed.Enqueue.Seconds(), float64(seed.Messages)/seed.Enqueue.Seconds())

	srv, err := mailtest.Start(mailtest.Options{CountOnly: true})
	if err != nil {
		return fmt.Errorf("start the SMTP server: %w", err)
	}
	defer srv.Close()
	mailer, err := mail.NewSMTPMailer(srv.SMTPConfig())
	if err != nil {
		return err
	}

	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	outboxes := make([]*sqldb.Outbox, *workers)
	for i := range outboxes {
		wdb := db
		if i > 0 {
			if wdb, err = open(); err != nil {
				stop()
				wg.Wait()
				return err
			}
			defer wdb.Close()
		}
		outboxes[i] = sqldb.NewOutbox(wdb)
		if *batch > 0 {
			outboxes[i].Batch = *batch
		}
		if *concurrency > 0 {
			outboxes[i].Concurrency = *concurrency
		}
	}
	bar := newProgress(std.Err, "Delivering")
	start := time.Now()
	for _, o := range outboxes {
		wg.Go(func() { o.Run(wctx, mailer) })
	}
	deadline := time.After(*timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	var elapsed time.Duration
	var waitErr error
wait:
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			waitErr = ctx.Err()
			break wait
		case <-deadline:
			waitErr = fmt.Errorf("not delivered within %v", *timeout)
			break wait
		case <-tick.C:
		}
		got := srv.Received()
		bar.Set(float64(got) / float64(*n))
		if got >= *n {
			break
		}
		// Messages the renderer refuses never arrive: stop when none waits.
		if i%10 == 9 {
			if pending, err := outboxes[0].Pending(ctx); err == nil && pending == 0 {
				break
			}
		}
	}
	elapsed = time.Since(start)
	tick.Stop()
	bar.Finish()
	stop()
	wg.Wait()

	received, dups := srv.Received(), srv.Duplicates()
	fmt.Fprintf(std.Out, "Delivery: %d messages in %.2f s: %.0f messages/s (claim, render, send over SMTP, record).\n",
		received, elapsed.Seconds(), float64(received)/elapsed.Seconds())
	fmt.Fprintf(std.Out, "Duplicates by Message-ID: %d (distinct Message-IDs: %d).\n", dups, len(srv.Deliveries()))
	fmt.Fprintf(std.Out, "SMTP connections: %d.\n", srv.Connections())
	if pending, err := outboxes[0].Pending(ctx); err == nil {
		fmt.Fprintf(std.Out, "Still waiting in the outbox: %d.\n", pending)
	}
	fmt.Fprintf(std.Out, "Peak memory: %s\n", peakMemory())
	switch {
	case waitErr != nil:
		return waitErr
	case dups > 0:
		return fmt.Errorf("%d messages arrived twice", dups)
	case received < *n:
		return fmt.Errorf("%d of %d messages arrived", received, *n)
	}
	return nil
}

// benchDatabase returns the URL of a fresh database for the benchmark and a
// function that removes it.
func benchDatabase(ctx context.Context, engine, pgURL string) (string, func(), error) {
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	name := "rt_bench_" + hex.EncodeToString(suffix[:])
	if engine == "sqlite" {
		dir, err := os.MkdirTemp("", name)
		if err != nil {
			return "", nil, err
		}
		return "sqlite:" + filepath.Join(dir, "roundtable.db"), func() { os.RemoveAll(dir) }, nil
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		return "", nil, fmt.Errorf("--postgres: %w", err)
	}
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return "", nil, fmt.Errorf("open postgres: %w", err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		// FORCE ends connections a failed run left open.
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "drop database %s: %v\n", name, err)
		}
		admin.Close()
	}, nil
}
