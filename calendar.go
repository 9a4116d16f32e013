package roundtable

import "context"

// CalendarService serves each person's private calendar feed: an address a
// calendar program subscribes to, holding all their meetings. The address
// carries a secret instead of a sign-in, because calendar programs cannot
// sign in; a person can replace it, which stops the old address working.
//
// The feed holds the meetings of every circle whose ground rules the person
// accepted, past and upcoming, in each circle's time zone (calendars show
// them in the reader's). A cancelled meeting stays in the feed, marked
// cancelled (STATUS:CANCELLED, "Cancelled:" before its title), so that a
// calendar that showed it tells the person it is off rather than silently
// dropping it.
type CalendarService interface {
	// FeedSecret returns the caller's feed secret, creating it on first use.
	// EUNAUTHORIZED when nobody is signed in.
	FeedSecret(ctx context.Context) (string, error)

	// ResetFeed replaces the caller's feed secret and returns the new one;
	// the old address stops working at once. EUNAUTHORIZED when nobody is
	// signed in.
	ResetFeed(ctx context.Context) (string, error)

	// Feed returns the iCalendar file of the person whose secret it is.
	// ENOTFOUND for an unknown or replaced secret. It needs no sign-in.
	Feed(ctx context.Context, secret string) ([]byte, error)
}

// CalendarFeedPath returns the path of the feed with secret, e.g.
// "/calendar/SECRET.ics".
func CalendarFeedPath(secret string) string { return "/calendar/" + secret + ".ics" }
