package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
)

// actor is who calls a service: a signed-in user, the system (command line,
// demo seeding), or nobody.
type actor struct {
	user   *roundtable.User
	system bool
}

func actorOf(ctx context.Context) actor {
	return actor{user: roundtable.UserFromContext(ctx), system: roundtable.IsSystemContext(ctx)}
}

// id returns the user's ID, or "".
func (a actor) id() string {
	if a.user == nil {
		return ""
	}
	return a.user.ID
}

// admin reports whether the actor may do anything an administrator may.
func (a actor) admin() bool { return a.system || (a.user != nil && a.user.IsAdmin) }

// notFound is the answer for what does not exist or may not be known to exist.
func notFound(what string) error {
	return roundtable.Errorf(roundtable.ENOTFOUND, "We could not find this %s.", what)
}

// errSignIn is the answer to an anonymous caller of a personal action.
func errSignIn() error { return roundtable.Errorf(roundtable.EUNAUTHORIZED, "Please sign in first.") }

// requireOrganizer returns ENOTFOUND unless the program exists and the actor
// organizes it (administrators and the system organize every program).
func requireOrganizer(ctx context.Context, tx *Tx, a actor, programID string) error {
	if !validID(programID) || (a.user == nil && !a.system) {
		return notFound("program")
	}
	var n int
	err := tx.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM programs p
		WHERE p.id = $1 AND (CAST($2 AS INTEGER) = 1 OR EXISTS (
			SELECT 1 FROM program_organizers o WHERE o.program_id = p.id AND o.user_id = $3))`,
		programID, flag(a.admin()), a.id()).Scan(&n)
	if err != nil {
		return fmt.Errorf("check organizer: %w", err)
	}
	if n == 0 {
		return notFound("program")
	}
	return nil
}

// membership is the actor's place in a circle.
type membership struct {
	circleID  string
	programID string
	role      roundtable.CircleRole
	accepted  bool // ground rules accepted
	system    bool // the system context, which is no member
}

// memberOf returns the actor's membership of a circle, or ENOTFOUND when the
// circle does not exist or the actor is not in it. Organizers and
// administrators are not members: a circle's content is for its people only.
// The system context passes as a facilitator who accepted the rules.
func memberOf(ctx context.Context, tx *Tx, a actor, circleID string) (*membership, error) {
	if !validID(circleID) {
		return nil, notFound("circle")
	}
	m := &membership{circleID: circleID}
	if a.user == nil {
		if !a.system {
			return nil, notFound("circle")
		}
		if err := tx.QueryRowContext(ctx, `SELECT program_id FROM circles WHERE id = $1`, circleID).Scan(&m.programID); errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("circle")
		} else if err != nil {
			return nil, fmt.Errorf("find circle: %w", err)
		}
		m.role, m.accepted, m.system = roundtable.RoleFacilitator, true, true
		return m, nil
	}
	var accepted *int64
	err := tx.QueryRowContext(ctx, `
		SELECT c.program_id, m.role, m.ground_rules_accepted_at
		FROM circle_members m JOIN circles c ON c.id = m.circle_id
		WHERE m.circle_id = $1 AND m.user_id = $2`, circleID, a.user.ID).Scan(&m.programID, &m.role, &accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("circle")
	} else if err != nil {
		return nil, fmt.Errorf("find membership: %w", err)
	}
	m.accepted = accepted != nil
	return m, nil
}

// errGroundRules is the answer to a member who has not accepted the rules.
func errGroundRules() error {
	return roundtable.Errorf(roundtable.EGROUNDRULES, "Please read and accept the circle's ground rules first.")
}

// memberWithRules is memberOf that also requires accepted ground rules.
func memberWithRules(ctx context.Context, tx *Tx, a actor, circleID string) (*membership, error) {
	m, err := memberOf(ctx, tx, a, circleID)
	if err != nil {
		return nil, err
	}
	if !m.accepted {
		return nil, errGroundRules()
	}
	return m, nil
}
