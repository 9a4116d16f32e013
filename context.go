package roundtable

import "context"

type contextKey int

const (
	userContextKey contextKey = iota + 1
	systemContextKey
	clientAddrContextKey
)

// NewContextWithUser returns a copy of ctx that carries the signed-in user.
// Services decide what the caller may do from this user.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userContextKey, u)
}

// UserFromContext returns the signed-in user, or nil for an anonymous caller.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userContextKey).(*User)
	return u
}

// UserIDFromContext returns the signed-in user's ID, or "".
func UserIDFromContext(ctx context.Context) string {
	if u := UserFromContext(ctx); u != nil {
		return u.ID
	}
	return ""
}

// NewSystemContext returns a copy of ctx in which services act for the
// operator of the installation (command line, demo seeding), not for a person
// on the web. It is never created by an HTTP handler.
func NewSystemContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, systemContextKey, true)
}

// IsSystemContext reports whether ctx was made by NewSystemContext.
func IsSystemContext(ctx context.Context) bool {
	v, _ := ctx.Value(systemContextKey).(bool)
	return v
}
