package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// stdio is where a command reads and writes.
type stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

const usage = `Roundtable runs peer learning circles for leaders.

Usage:
  roundtable serve    [flags]   serve the web application
  roundtable migrate  [flags]   bring the database schema up to date
  roundtable demo     [flags]   serve with demo data (added to an empty database only)
  roundtable user create --email ADDRESS --name NAME [--admin] [--organizer] [--password-stdin] [flags]
  roundtable keys rotate --new-key-file FILE [flags]
                                wrap every circle's key under a new master key (online)
  roundtable keys shred --circle ID [--yes] [flags]
                                delete a circle's key: its content becomes unreadable for good
  roundtable form --in applicants.csv --min 6 --max 8 --from DATE --to DATE --duration 90m [flags]
                                form circles from a participants CSV ("roundtable form -h")
  roundtable form --mdgp FILE   solve an MDGPLIB instance
  roundtable bench mdgp         the formation engine on the MDGP benchmark, against best-known values
  roundtable bench form         forming circles for a synthetic cohort, against greedy and random
  roundtable bench place        people placed in realistic cohorts, against a greedy, a proven bound and the optimum
  roundtable bench mail         reminders delivered to an SMTP server, counting duplicates
  roundtable bench room         the meeting room's fan-out to thousands of open screens
  roundtable bench pages        the circle, meeting, room and program pages against a bare handler
  roundtable bench documents    a circle's documents page, and memory while a 20 MB file goes up and down
                                ("roundtable bench help" gives each benchmark's flags)
  roundtable version            print the version
  roundtable help               print this help

The flags of serve, migrate, demo and user have environment variables: --smtp-host is ROUNDTABLE_SMTP_HOST.
A flag wins over its variable. "roundtable serve -h" lists the flags.
`

// run carries out one command and returns the exit code: 0 done, 1 failed,
// 2 wrong usage.
func run(ctx context.Context, args []string, getenv func(string) string, io stdio) int {
	if len(args) == 0 {
		fmt.Fprint(io.Err, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, rest, getenv, io, false)
	case "demo":
		err = runServe(ctx, rest, getenv, io, true)
	case "migrate":
		err = runMigrate(ctx, rest, getenv, io)
	case "user":
		if len(rest) == 0 || rest[0] != "create" {
			fmt.Fprintln(io.Err, `roundtable: unknown user command; use "roundtable user create --email ADDRESS --name NAME"`)
			return 2
		}
		err = runUserCreate(ctx, rest[1:], getenv, io)
	case "keys":
		err = runKeys(ctx, rest, getenv, io)
	case "form":
		err = runForm(ctx, rest, io)
	case "bench":
		err = runBench(ctx, rest, io)
	case "version", "--version", "-version":
		fmt.Fprintln(io.Out, "roundtable", roundtable.Version)
		return 0
	case "help", "-h", "--help", "-help":
		fmt.Fprint(io.Out, usage)
		return 0
	default:
		fmt.Fprintf(io.Err, "roundtable: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintln(io.Err, "roundtable:", err)
		return 2
	case errors.As(err, new(*roundtable.Error)):
		// What the one who runs the command can fix: said in words.
		fmt.Fprintln(io.Err, "roundtable:", roundtable.ErrorMessage(err))
		return 1
	default:
		fmt.Fprintln(io.Err, "roundtable:", err)
		return 1
	}
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parseConfig parses a command's flags over the environment's values.
func parseConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	cfg := DefaultConfig()
	if err := bindConfig(fs, &cfg, getenv); err != nil {
		return cfg, usageError{err.Error()}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, err
		}
		return cfg, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return cfg, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usageError{err.Error()}
	}
	return cfg, nil
}

func newFlagSet(name string, io stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("roundtable "+name, flag.ContinueOnError)
	fs.SetOutput(io.Err)
	return fs
}

// runServe serves until ctx is done (SIGINT or SIGTERM) or the server fails.
func runServe(ctx context.Context, args []string, getenv func(string) string, io stdio, seedDemo bool) error {
	name := "serve"
	if seedDemo {
		name = "demo"
	}
	cfg, err := parseConfig(newFlagSet(name, io), args, getenv)
	if err != nil {
		return err
	}
	tuneServerGC(getenv)
	m := NewMain()
	m.Config = cfg
	m.SeedDemo = seedDemo
	m.Logger = newLogger(io.Err, cfg.LogLevel)
	if err := m.Run(ctx); err != nil {
		return err
	}
	if seedDemo {
		printDemo(io.Out, m)
	}
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
	case err = <-m.Done():
	}
	return errors.Join(err, m.Close())
}

// printDemo tells a person trying Roundtable where to go and how to sign in.
func printDemo(w io.Writer, m *Main) {
	fmt.Fprintf(w, "\nRoundtable demo is running at %s\n\n", m.URL())
	if m.Demo == nil {
		fmt.Fprintln(w, "The database held data already, so no demo data was added. If an earlier")
		fmt.Fprintf(w, "\"roundtable demo\" filled it, these sign-ins still work (password %s):\n", demo.Password)
	} else {
		fmt.Fprintf(w, "Sign in with any of these accounts, password %s:\n", demo.Password)
	}
	fmt.Fprintln(w)
	for _, s := range demo.SignIns {
		fmt.Fprintf(w, "  %-25s %s\n", s.Email, s.Role)
	}
	fmt.Fprintln(w)
	if m.Mailer == nil && m.Config.SMTPHost == "" {
		fmt.Fprintf(w, "E-mails are not sent: each one is written to a file in %s (the log names it).\n", m.Config.MailDir)
	}
	fmt.Fprintln(w, "Press Ctrl+C to stop.")
}

// runMigrate applies the pending migrations.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, io stdio) error {
	cfg, err := parseConfig(newFlagSet("migrate", io), args, getenv)
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, sqldb.Config{URL: cfg.DatabaseURL, Logger: newLogger(io.Err, cfg.LogLevel)})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	switch n {
	case 0:
		fmt.Fprintf(io.Out, "The %s database schema is up to date: no migrations to apply.\n", db.Dialect())
	case 1:
		fmt.Fprintf(io.Out, "Applied 1 migration to the %s database.\n", db.Dialect())
	default:
		fmt.Fprintf(io.Out, "Applied %d migrations to the %s database.\n", n, db.Dialect())
	}
	return nil
}

// roleWords describes a new user's powers.
func roleWords(u *roundtable.User) string {
	var parts []string
	if u.IsAdmin {
		parts = append(parts, "administrator")
	}
	if u.CanOrganize && !u.IsAdmin {
		parts = append(parts, "organizer")
	}
	if len(parts) == 0 {
		return "user"
	}
	return strings.Join(parts, " and ")
}
