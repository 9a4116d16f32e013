package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// runUserCreate creates an account from the command line, e.g. the first
// administrator of an installation.
func runUserCreate(ctx context.Context, args []string, getenv func(string) string, io stdio) error {
	fs := newFlagSet("user create", io)
	var (
		u             roundtable.User
		passwordStdin bool
	)
	fs.StringVar(&u.Email, "email", "", "the person's e-mail address (required)")
	fs.StringVar(&u.Name, "name", "", "the person's full name (required)")
	fs.StringVar(&u.TimeZone, "time-zone", "UTC", "the person's IANA time zone, e.g. Europe/Paris")
	fs.BoolVar(&u.IsAdmin, "admin", false, "make the person an administrator (who may also organize)")
	fs.BoolVar(&u.CanOrganize, "organizer", false, "let the person create programs")
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input (first line)")
	cfg, err := parseConfig(fs, args, getenv)
	if err != nil {
		return err
	}
	if u.Email == "" || u.Name == "" {
		return usageError{"--email and --name are required"}
	}
	if u.IsAdmin {
		u.CanOrganize = true
	}

	password, err := readPassword(io, passwordStdin)
	if err != nil {
		return err
	}

	db, err := sqldb.Open(ctx, sqldb.Config{URL: cfg.DatabaseURL, Logger: newLogger(io.Err, cfg.LogLevel)})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	// SQLite is migrated as serve would; PostgreSQL is left to `roundtable migrate`.
	if db.Dialect() == "sqlite" {
		if _, err := db.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	} else if err := db.CheckSchema(ctx); err != nil {
		return err
	}

	if err := sqldb.NewUserService(db).CreateUser(roundtable.NewSystemContext(ctx), &u, password); err != nil {
		return userError(err)
	}
	how := "with their password"
	if password == "" {
		how = "by asking for a sign-in link on the sign-in page (no password set)"
	}
	fmt.Fprintf(io.Out, "Created %s %s <%s>. They sign in %s.\n", roleWords(&u), u.Name, u.Email, how)
	return nil
}

// readPassword asks for a password on a terminal (without echo), or reads the
// first line of standard input with --password-stdin. Without a terminal and
// without the flag, the account gets no password.
func readPassword(io stdio, fromStdin bool) (string, error) {
	f, isFile := io.In.(*os.File)
	if isFile && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(io.Err, "Password (at least 10 characters; leave empty to sign in by e-mail link): ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(io.Err)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if len(pw) == 0 {
			return "", nil
		}
		fmt.Fprint(io.Err, "Repeat the password: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(io.Err)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(pw) != string(again) {
			return "", usageError{"the passwords differ"}
		}
		return string(pw), nil
	}
	if !fromStdin {
		return "", nil
	}
	line, err := bufio.NewReader(io.In).ReadString('\n')
	if err != nil && line == "" {
		return "", usageError{"--password-stdin: no password on standard input"}
	}
	pw := strings.TrimRight(line, "\r\n")
	if msg := roundtable.ValidatePassword(pw); msg != "" {
		return "", usageError{"password: " + msg}
	}
	return pw, nil
}

// userError words a service error for the command line: field messages are
// named by their flag, and internal errors keep their detail for the operator.
func userError(err error) error {
	if fields := roundtable.ErrorFields(err); len(fields) > 0 {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var msgs []string
		for _, k := range keys {
			name := "--" + strings.ReplaceAll(k, "_", "-")
			if k == "password" {
				name = "password"
			}
			msgs = append(msgs, name+": "+fields[k])
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	if roundtable.ErrorCode(err) != roundtable.EINTERNAL {
		return errors.New(roundtable.ErrorMessage(err))
	}
	return fmt.Errorf("create user: %w", err)
}
