package roundtable

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// User is a person who can sign in. Applicants become users when they are
// placed in a circle; organizers and facilitators are users too.
type User struct {
	ID       string
	Email    string // stored lower-case
	Name     string
	TimeZone string // IANA name; times are shown to the user in this zone

	IsAdmin     bool // runs the installation: users, every program
	CanOrganize bool // may create programs

	HasPassword bool // false until the user sets one (they may use sign-in links only)
	CreatedAt   time.Time
}

// Location returns the user's time zone, or UTC when it is unset or unknown.
func (u *User) Location() *time.Location { return LoadLocation(u.TimeZone) }

// UserService manages accounts.
type UserService interface {
	// FindUserByID returns a user. Returns ENOTFOUND if the user does not exist.
	FindUserByID(ctx context.Context, id string) (*User, error)

	// CountUsers returns the number of users; zero means the installation is new.
	CountUsers(ctx context.Context) (int, error)

	// CreateFirstAdmin creates the first user as administrator (and organizer).
	// Returns ECONFLICT if any user exists already, EINVALID for bad input.
	CreateFirstAdmin(ctx context.Context, u *User, password string) error

	// CreateUser creates a user, with a password or none (they then sign in by
	// link). Only administrators and the system context may call it.
	// Returns ECONFLICT if the e-mail is taken, EINVALID for bad input.
	CreateUser(ctx context.Context, u *User, password string) error

	// ListUsers lists every user. Administrators only (EFORBIDDEN otherwise).
	ListUsers(ctx context.Context) ([]*User, error)

	// UpdateProfile changes the caller's own name and time zone.
	UpdateProfile(ctx context.Context, name, timeZone string) (*User, error)
}

// Session is a signed-in browser. Only a hash of its token is stored; the
// ID names the session in pages and forms.
type Session struct {
	ID         string
	UserID     string
	Browser    string // a short name from the User-Agent at sign-in, like "Firefox on Windows"
	CreatedAt  time.Time
	LastSeenAt time.Time // when it was last used, to within SessionSeenInterval
	ExpiresAt  time.Time
	ViaLink    bool // a sign-in link began it
	Current    bool // it is the session of the token the list was asked with
}

// SessionStart describes a session being started.
type SessionStart struct {
	Browser string // a short name for the browser, at most MaxBrowserLength characters
	ViaLink bool   // the person signed in with a one-time link
	// Method says for the audit log how the person proved who she is when
	// it was not a password or a link: "invitation" or "set-up".
	Method string
	// Replaces is the token of the browser's session before, if any: it
	// ends in the same transaction, so a session fixed before sign-in is
	// worthless.
	Replaces string
}

// SessionLifetime is how long a session lasts without sign-in.
const SessionLifetime = 30 * 24 * time.Hour

// SessionSeenInterval is how often, at most, a session's last use is written
// down: often enough to tell people when a browser was last used, rarely
// enough that pages do not each pay for a write.
const SessionSeenInterval = 5 * time.Minute

// MaxBrowserLength bounds a session's browser name.
const MaxBrowserLength = 60

// PasswordLinkWindow is how long after signing in with a link a person may
// set a new password without giving the current one. People who sign in only
// with links have no password to give; a fresh link proves they read the
// account's e-mail.
const PasswordLinkWindow = 10 * time.Minute

// SignInLinkLifetime is how long a one-time sign-in link works.
const SignInLinkLifetime = 15 * time.Minute

// InvitationLifetime is how long an invitation to a circle works.
const InvitationLifetime = 14 * 24 * time.Hour

// AuthService signs people in and out. Tokens handed out are random secrets;
// only their hashes are stored, and none is ever logged.
type AuthService interface {
	// Authenticate checks an e-mail and password. Returns EUNAUTHORIZED with one
	// message for every failure, so it does not tell which accounts exist.
	Authenticate(ctx context.Context, email, password string) (*User, error)

	// RequestSignInLink e-mails a one-time sign-in link that expires after
	// SignInLinkLifetime when the address belongs to a user, and does nothing
	// (without error) otherwise.
	RequestSignInLink(ctx context.Context, email string) error

	// RedeemSignInLink uses up a sign-in link token. Returns EUNAUTHORIZED if the
	// token is unknown, used or expired.
	RedeemSignInLink(ctx context.Context, token string) (*User, error)

	// CreateSession starts a session for the user and returns its token.
	CreateSession(ctx context.Context, userID string) (token string, err error)

	// FindSession returns the user of a live session, and notes when it was
	// used (at most every SessionSeenInterval). Returns EUNAUTHORIZED if the
	// token is unknown or expired.
	FindSession(ctx context.Context, token string) (*User, error)

	// DeleteSession ends a session (the person signs out); unknown tokens
	// are ignored.
	DeleteSession(ctx context.Context, token string) error

	// RecordThrottled notes in the audit log that a sign-in (or, with link,
	// a request for a sign-in link) for email was refused because too many
	// were tried from the client's address. It changes nothing else.
	RecordThrottled(ctx context.Context, email string, link bool) error

	// StartSession starts a session for the user, noting its browser and
	// whether a sign-in link began it, and returns its token. CreateSession
	// is StartSession with nothing noted.
	StartSession(ctx context.Context, userID string, how SessionStart) (token string, err error)

	// ListSessions returns the caller's live sessions: the session of
	// currentToken first, marked Current, then the most recently used. Returns
	// EUNAUTHORIZED when no one is signed in.
	ListSessions(ctx context.Context, currentToken string) ([]*Session, error)

	// EndSession ends one of the caller's sessions. Returns ENOTFOUND when the
	// caller has no live session with that ID, which includes every session
	// of another person.
	EndSession(ctx context.Context, id string) error

	// EndOtherSessions ends every session of the caller but the one of
	// currentToken and returns how many it ended.
	EndOtherSessions(ctx context.Context, currentToken string) (int, error)

	// ChangePassword sets the caller's password and ends their other sessions
	// (all but the one of currentToken). It needs the current password,
	// unless the session of currentToken began with a sign-in link less than
	// PasswordLinkWindow ago. Returns EINVALID with a field error on
	// "current_password" when that is missing or wrong, or on "password"
	// for a bad new one (or when the person has no password and no fresh
	// link); nothing changes then.
	ChangePassword(ctx context.Context, currentToken, currentPassword, newPassword string) error

	// FindInvitation returns what an invitation token invites to, without using
	// it up. Returns ENOTFOUND if unknown, used or expired.
	FindInvitation(ctx context.Context, token string) (*Invitation, error)

	// AcceptInvitation uses up an invitation. When the invited user has no
	// password yet, setup must hold their name, time zone and a password (the
	// account is set up); otherwise setup is ignored. Returns the user to sign in.
	AcceptInvitation(ctx context.Context, token string, setup AccountSetup) (*User, error)
}

// Invitation is an e-mailed invitation to join a circle (as member or facilitator).
type Invitation struct {
	UserID       string
	Email        string
	Name         string
	NeedsAccount bool // the user has no password yet
	TimeZone     string
	CircleID     string
	CircleName   string
	ProgramName  string
	Role         CircleRole
	ExpiresAt    time.Time
}

// AccountSetup is what a newly invited person gives to set up their account.
type AccountSetup struct {
	Name     string
	TimeZone string
	Password string
}

// Password bounds. Long passphrases are welcome; the upper bound only keeps
// hashing cheap.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 200
)

// ValidatePassword returns a field message for a bad password, or "".
func ValidatePassword(pw string) string {
	switch n := len([]rune(pw)); {
	case n == 0:
		return "Enter a password."
	case n < MinPasswordLength:
		return "Use at least 10 characters: a few words you will remember work well."
	case len(pw) > MaxPasswordLength:
		return "Use at most 200 characters."
	}
	return ""
}

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail returns a field message for a bad address, or "".
func ValidateEmail(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "Enter an e-mail address."
	}
	if len(s) > 254 {
		return "Enter an e-mail address of at most 254 characters."
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "Enter an e-mail address like name@example.org."
	}
	return ""
}

// ValidateTimeZone returns a field message for an unknown IANA zone, or "".
func ValidateTimeZone(tz string) string {
	if tz == "" {
		return "Choose a time zone."
	}
	if tz == "Local" {
		return "Choose a time zone such as Europe/Paris."
	}
	if len(tz) > 64 {
		return "Choose a time zone from the list, such as Europe/Paris."
	}
	if _, err := Zone(tz); err != nil {
		return "Choose a time zone from the list, such as Europe/Paris."
	}
	return ""
}

// LoadLocation returns the zone named tz, or UTC when it is empty or unknown.
func LoadLocation(tz string) *time.Location {
	if tz == "" || tz == "Local" {
		return time.UTC
	}
	loc, err := Zone(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}
