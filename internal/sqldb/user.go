package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/roundtable/roundtable"
)

// UserService implements roundtable.UserService.
type UserService struct{ db *DB }

var _ roundtable.UserService = (*UserService)(nil)

// NewUserService returns the account service.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

const userColumns = `u.id, u.email, u.name, u.time_zone, u.is_admin, u.can_organize,
	CASE WHEN u.password_hash = '' THEN 0 ELSE 1 END, u.created_at`

func scanUser(row interface{ Scan(...any) error }) (*roundtable.User, error) {
	var u roundtable.User
	var created int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.TimeZone, &u.IsAdmin, &u.CanOrganize, &u.HasPassword, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

// findUser returns a user by ID, or ENOTFOUND.
func findUser(ctx context.Context, tx *Tx, id string) (*roundtable.User, error) {
	if !validID(id) {
		return nil, notFound("person")
	}
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("person")
	} else if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

// findUserByEmail returns a user and their password hash, or sql.ErrNoRows.
func findUserByEmail(ctx context.Context, tx *Tx, email string) (*roundtable.User, string, error) {
	var hash string
	var u roundtable.User
	var created int64
	err := tx.QueryRowContext(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.email = $1 AND u.deleted_at IS NULL`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.TimeZone, &u.IsAdmin, &u.CanOrganize, &u.HasPassword, &created, &hash)
	if err != nil {
		return nil, "", err
	}
	u.CreatedAt = fromMS(created)
	return &u, hash, nil
}

// FindUserByID returns a user to themselves, to administrators and to the
// system. Returns ENOTFOUND for anyone else, as if the user did not exist.
func (s *UserService) FindUserByID(ctx context.Context, id string) (*roundtable.User, error) {
	a := actorOf(ctx)
	if !a.admin() && a.id() != id {
		return nil, notFound("person")
	}
	var u *roundtable.User
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		u, err = findUser(ctx, tx, id)
		return err
	})
	return u, err
}

// CountUsers returns the number of users.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.view(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// CreateFirstAdmin creates the first user, as administrator and organizer.
// Returns ECONFLICT when any user exists.
func (s *UserService) CreateFirstAdmin(ctx context.Context, u *roundtable.User, password string) error {
	u.IsAdmin, u.CanOrganize = true, true
	if err := validateNewUser(u, password, true); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		if n > 0 {
			return errSetUpAlready()
		}
		if err := insertUser(ctx, tx, u, password); err != nil {
			return err
		}
		// The count above does not stop a concurrent first visitor on
		// PostgreSQL; the single row of installation does.
		_, err := tx.ExecContext(ctx, `INSERT INTO installation (id, first_admin_id, created_at) VALUES (1, $1, $2)`, u.ID, ms(tx.now))
		if roundtable.ErrorCode(translate(err)) == roundtable.ECONFLICT {
			return errSetUpAlready()
		} else if err != nil {
			return fmt.Errorf("claim installation: %w", err)
		}
		return nil
	})
}

func errSetUpAlready() error {
	return roundtable.Errorf(roundtable.ECONFLICT, "Roundtable has been set up already. Please sign in.")
}

// CreateUser creates a user. Administrators and the system only.
func (s *UserService) CreateUser(ctx context.Context, u *roundtable.User, password string) error {
	if !actorOf(ctx).admin() {
		return roundtable.Errorf(roundtable.EFORBIDDEN, "Only administrators can add people.")
	}
	if err := validateNewUser(u, password, false); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error { return insertUser(ctx, tx, u, password) })
}

// validateNewUser checks and normalizes a new account. An empty time zone
// becomes UTC; the person can change it in their profile.
func validateNewUser(u *roundtable.User, password string, passwordRequired bool) error {
	var v roundtable.Problems
	u.Name = strings.TrimSpace(clean(u.Name))
	validateName(&v, u.Name)
	u.Email = clean(u.Email)
	if msg := roundtable.ValidateEmail(u.Email); msg != "" {
		v.Add("email", msg)
	}
	u.Email = roundtable.NormalizeEmail(u.Email)
	if u.TimeZone == "" {
		u.TimeZone = "UTC"
	}
	if msg := roundtable.ValidateTimeZone(u.TimeZone); msg != "" {
		v.Add("time_zone", msg)
	}
	if password != "" || passwordRequired {
		if msg := roundtable.ValidatePassword(password); msg != "" {
			v.Add("password", msg)
		}
	}
	return v.Err()
}

func validateName(v *roundtable.Problems, name string) {
	switch {
	case name == "":
		v.Add("name", "Enter a name.")
	case utf8.RuneCountInString(name) > roundtable.MaxNameLength:
		v.Add("name", "Use at most 120 characters.")
	}
}

// insertUser stores a validated user, setting its ID and CreatedAt. Returns
// ECONFLICT when the e-mail is taken.
func insertUser(ctx context.Context, tx *Tx, u *roundtable.User, password string) error {
	hash := ""
	if password != "" {
		hash = hashPassword(password)
	}
	u.ID, u.CreatedAt, u.HasPassword = newID(), tx.now, hash != ""
	_, err := tx.ExecContext(ctx, `
		INSERT INTO users (id, email, name, time_zone, is_admin, can_organize, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		u.ID, u.Email, u.Name, u.TimeZone, flag(u.IsAdmin), flag(u.CanOrganize), hash, ms(u.CreatedAt))
	if isUniqueViolation(err) {
		return &roundtable.Error{Code: roundtable.ECONFLICT, Message: "This e-mail address belongs to an account already.",
			Fields: map[string]string{"email": "This e-mail address belongs to an account already."}}
	} else if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return audit(ctx, tx, auditNote{kind: roundtable.AuditUserCreated, userID: u.ID, detail: roleWords(u)})
}

// roleWords names a user's rights for the audit log.
func roleWords(u *roundtable.User) string {
	switch {
	case u.IsAdmin:
		return "administrator"
	case u.CanOrganize:
		return "organizer"
	}
	return "no special rights"
}

// findOrCreateUser returns the user with an e-mail, creating one without a
// password (they set it up through their invitation) when there is none.
func findOrCreateUser(ctx context.Context, tx *Tx, email, name, timeZone string) (*roundtable.User, error) {
	u, _, err := findUserByEmail(ctx, tx, email)
	if err == nil {
		return u, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find user: %w", err)
	}
	if roundtable.ValidateTimeZone(timeZone) != "" {
		timeZone = "UTC"
	}
	u = &roundtable.User{Email: email, Name: name, TimeZone: timeZone}
	if err := insertUser(ctx, tx, u, ""); err != nil {
		return nil, err
	}
	return u, nil
}

// ListUsers lists every user by name. Administrators only.
func (s *UserService) ListUsers(ctx context.Context) ([]*roundtable.User, error) {
	if !actorOf(ctx).admin() {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only administrators can see everyone.")
	}
	var users []*roundtable.User
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.deleted_at IS NULL ORDER BY u.name, u.email`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			users = append(users, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// UpdateProfile changes the caller's name and time zone.
func (s *UserService) UpdateProfile(ctx context.Context, name, timeZone string) (*roundtable.User, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return nil, errSignIn()
	}
	var v roundtable.Problems
	name = strings.TrimSpace(clean(name))
	validateName(&v, name)
	if msg := roundtable.ValidateTimeZone(timeZone); msg != "" {
		v.Add("time_zone", msg)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var u *roundtable.User
	err := s.db.update(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, time_zone = $2 WHERE id = $3`, name, timeZone, a.user.ID); err != nil {
			return fmt.Errorf("update profile: %w", err)
		}
		var err error
		u, err = findUser(ctx, tx, a.user.ID)
		return err
	})
	return u, err
}
