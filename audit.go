package roundtable

import (
	"context"
	"time"
)

// The audit log records who did what to accounts, roles and circles' people,
// when and from which address. An entry never holds a password, a token, a
// link or anything written in a circle: only IDs, an e-mail address tried at
// sign-in and a few fixed words. Each entry is appended in the transaction
// of the action it records, so it can neither block nor contradict it.

// AuditKind names what an audit entry records. The list is fixed: the page's
// filter offers every kind, and storage refuses others.
type AuditKind string

// Kinds of audit entries.
const (
	AuditSignIn          AuditKind = "signin"           // a session started; Detail says how (password, link, invitation, set-up)
	AuditSignInFailed    AuditKind = "signin.failed"    // wrong e-mail or password, or a dead sign-in link; Email is the address tried
	AuditSignInThrottled AuditKind = "signin.throttled" // refused for too many tries from the address; Detail: password or link
	AuditLinkSent        AuditKind = "link.sent"        // a sign-in link was e-mailed to User
	AuditLinkUsed        AuditKind = "link.used"        // a sign-in link was used
	AuditSignOut         AuditKind = "signout"          // the actor signed out this browser
	AuditSessionEnded    AuditKind = "session.ended"    // the actor ended another of their sessions; Ref is its ID
	AuditSessionsEnded   AuditKind = "sessions.ended"   // the actor signed out everywhere else; Detail counts them
	AuditPasswordChanged AuditKind = "password.changed" // the actor set a new password; other sessions ended
	AuditAccountSetUp    AuditKind = "account.setup"    // an invited person set up their account (name, password)
	AuditUserCreated     AuditKind = "user.created"     // an account was made; Detail names its roles
	AuditRolesChanged    AuditKind = "user.roles"       // administrator or organizer rights changed; Detail names the new ones
	AuditMemberPlaced    AuditKind = "circle.placed"    // User was put in Circle as a member
	AuditFacilitatorSet  AuditKind = "circle.facilitator"
	AuditMemberRemoved   AuditKind = "circle.removed"    // User left Circle (removed, moved or replaced)
	AuditApplicantStatus AuditKind = "applicant.decided" // an applicant (Ref) was accepted, waitlisted, declined or reset; Detail is the status

	// Kinds for work to come: each is one call where the action happens.
	AuditDataExported      AuditKind = "data.exported"         // a person downloaded her data
	AuditAccountDeleted    AuditKind = "account.deleted"       // a person deleted her account
	AuditApplicantsErased  AuditKind = "applicants.anonymised" // declined or unplaced applicants were anonymised; Detail counts them
	AuditKeysRotated       AuditKind = "keys.rotated"          // every data key was wrapped under a new master key
	AuditCircleKeysDeleted AuditKind = "circle.shredded"       // a circle's data key was deleted
)

// AuditKinds lists every kind in the order the page's filter offers them.
var AuditKinds = []AuditKind{
	AuditSignIn, AuditSignInFailed, AuditSignInThrottled, AuditLinkSent, AuditLinkUsed,
	AuditSignOut, AuditSessionEnded, AuditSessionsEnded, AuditPasswordChanged, AuditAccountSetUp,
	AuditUserCreated, AuditRolesChanged,
	AuditMemberPlaced, AuditFacilitatorSet, AuditMemberRemoved, AuditApplicantStatus,
	AuditDataExported, AuditAccountDeleted, AuditApplicantsErased, AuditKeysRotated, AuditCircleKeysDeleted,
}

// Valid reports whether k is one of AuditKinds.
func (k AuditKind) Valid() bool {
	for _, v := range AuditKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Label returns the kind in words, like "Signed in".
func (k AuditKind) Label() string {
	switch k {
	case AuditSignIn:
		return "Signed in"
	case AuditSignInFailed:
		return "Sign-in failed"
	case AuditSignInThrottled:
		return "Sign-in refused: too many tries"
	case AuditLinkSent:
		return "Sign-in link sent"
	case AuditLinkUsed:
		return "Sign-in link used"
	case AuditSignOut:
		return "Signed out"
	case AuditSessionEnded:
		return "Signed out another browser"
	case AuditSessionsEnded:
		return "Signed out everywhere else"
	case AuditPasswordChanged:
		return "Password changed"
	case AuditAccountSetUp:
		return "Account set up from an invitation"
	case AuditUserCreated:
		return "Account created"
	case AuditRolesChanged:
		return "Rights changed"
	case AuditMemberPlaced:
		return "Placed in a circle"
	case AuditFacilitatorSet:
		return "Named facilitator"
	case AuditMemberRemoved:
		return "Left a circle"
	case AuditApplicantStatus:
		return "Applicant decided"
	case AuditDataExported:
		return "Data exported"
	case AuditAccountDeleted:
		return "Account deleted"
	case AuditApplicantsErased:
		return "Applicants anonymised"
	case AuditKeysRotated:
		return "Keys rotated"
	case AuditCircleKeysDeleted:
		return "Circle's key deleted"
	}
	return string(k)
}

// AuditEntry is one line of the audit log. The names are looked up when the
// log is read; they are empty when the account, circle or applicant is gone.
type AuditEntry struct {
	ID   string
	At   time.Time
	Kind AuditKind

	ActorID    string // who did it; "" for an anonymous visitor or the system
	ActorName  string
	ActorEmail string
	System     bool   // done from the command line or by the program itself
	Email      string // the e-mail address tried at a failed or refused sign-in

	UserID      string // the person it concerns
	UserName    string
	UserEmail   string
	CircleID    string
	CircleName  string
	ProgramID   string
	ProgramName string
	Ref         string // another ID: an applicant, a session
	RefName     string // the applicant's name, when Ref is an applicant
	Detail      string // a few fixed words: a status, a role, a count

	ClientAddr string // the client's address; "" when not from the web
}

// AuditFilter chooses entries of the audit log. Zero fields choose all.
type AuditFilter struct {
	Person string    // an e-mail address: entries by, about or tried for it
	Kind   AuditKind // one kind
	From   time.Time // entries at or after
	Until  time.Time // entries before
	// After is the cursor of the page before: entries older than the
	// entry it names. "" starts with the newest.
	After string
	Limit int // at most this many; 0 means AuditPageSize
}

// AuditPageSize is how many entries a page of the log shows.
const AuditPageSize = 50

// AuditPage is a page of the audit log, newest first.
type AuditPage struct {
	Entries []*AuditEntry
	Next    string // the cursor of the following (older) page; "" when this is the last
}

// DefaultAuditRetention is how long entries are kept unless configured.
const DefaultAuditRetention = 400 * 24 * time.Hour

// AuditService reads the audit log. Entries are appended by the services
// whose actions they record, never through this interface.
type AuditService interface {
	// ListAudit returns a page of entries matching f, newest first.
	// Returns EFORBIDDEN unless the caller is an administrator, EINVALID
	// with a field error ("kind", "after" or "until") for a bad filter.
	ListAudit(ctx context.Context, f AuditFilter) (*AuditPage, error)
}

// NewContextWithClientAddr returns a copy of ctx that carries the address
// of the client a request came from, for the audit log.
func NewContextWithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrContextKey, addr)
}

// ClientAddrFromContext returns the client's address, or "".
func ClientAddrFromContext(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrContextKey).(string)
	return a
}
