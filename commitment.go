package roundtable

import (
	"context"
	"time"
	"unicode/utf8"
)

// Commitment is one of a member's commitments as she sees it on "My
// commitments": the action item with the names of its circle and when the
// meeting it was made in started. Its Report is her latest word on it,
// given at a follow-up or between meetings (NotedAt).
type Commitment struct {
	ActionItem
	CircleName string
	MadeAt     time.Time
}

// ValidateCommitmentUpdate checks the owner's word on a commitment between
// meetings (field keys status and note).
func ValidateCommitmentUpdate(status ActionStatus, note string) error {
	var v Problems
	switch status {
	case ActionOpen, ActionDone, ActionDropped:
	default:
		v.Add("status", "Say whether the commitment is still open, done or dropped.")
	}
	if utf8.RuneCountInString(note) > MaxReportLength {
		v.Add("note", "Use at most 1,000 characters.")
	}
	return v.Err()
}

// CommitmentService lets a member keep her commitments up to date between
// meetings. Commitments are circle content: only their owner sees them
// here, and only in circles whose ground rules she accepted; organizers
// never do.
type CommitmentService interface {
	// ListMyCommitments returns the caller's commitments in all her circles:
	// the open ones first, soonest due first, then those done or dropped,
	// the latest closed first. EUNAUTHORIZED when nobody is signed in.
	ListMyCommitments(ctx context.Context) ([]*Commitment, error)

	// UpdateCommitment records the owner's latest word on one of her
	// commitments: still open, done or dropped, with a short note. The next
	// meeting's follow-ups show it. ENOTFOUND unless the caller owns the
	// commitment and is still in its circle; EGROUNDRULES before she accepted
	// its rules; EINVALID (fields status, note) for a bad status or a note
	// that is too long.
	UpdateCommitment(ctx context.Context, id string, status ActionStatus, note string) error
}
