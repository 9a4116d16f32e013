package roundtable

import "context"

// FormerMemberName is the name a deleted account's board posts and
// commitments show in circles, so the circle's record stays whole without
// naming her.
const FormerMemberName = "A former member"

// AccountDeletionService deletes a person's own account.
type AccountDeletionService interface {
	// DeleteMyAccount deletes the caller's account: her name, e-mail,
	// password, applications, goals and her check-ins on them, reflections,
	// challenge cards, answers to meetings and every session go; her board posts, commitments and
	// attendance stay in their circles as FormerMemberName; she leaves every
	// circle and each circle's facilitators are e-mailed that a seat opened.
	// It needs her password, unless the session of currentToken began with
	// a sign-in link less than PasswordLinkWindow ago. Returns EINVALID with
	// a field error on "password" when that is missing or wrong, ECONFLICT
	// when she is the only administrator, EUNAUTHORIZED when no one is
	// signed in; nothing changes then.
	DeleteMyAccount(ctx context.Context, currentToken, password string) error

	// DeletionNeedsPassword reports whether DeleteMyAccount would ask the
	// caller for her password (false after a fresh sign-in link), and
	// whether she has one at all.
	DeletionNeedsPassword(ctx context.Context, currentToken string) (needs, has bool, err error)
}
