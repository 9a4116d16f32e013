package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// AuditService implements roundtable.AuditService.
type AuditService struct{ db *DB }

var _ roundtable.AuditService = (*AuditService)(nil)

// NewAuditService returns the service that reads the audit log.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// auditNote is what an action tells the audit log. The time, the client's
// address and (unless actor is set) the actor come from the transaction and
// the context.
type auditNote struct {
	kind      roundtable.AuditKind
	actor     string // who acted, when not the caller: the person signing in
	email     string // an e-mail address tried at sign-in
	userID    string
	circleID  string
	programID string
	ref       string
	detail    string
}

// auditColumns are the columns one note fills, in auditArgs' order.
const auditColumns = `id, at, kind, actor_id, system, email, user_id, circle_id, program_id, ref, detail, client_addr`

// auditArgs returns the values of a note's row.
func auditArgs(ctx context.Context, tx *Tx, n auditNote) []any {
	a := actorOf(ctx)
	actor := n.actor
	if actor == "" {
		actor = a.id()
	}
	return []any{newID(), ms(tx.now), string(n.kind), nullable(actor), flag(a.system && actor == ""),
		clean(n.email), nullable(n.userID), nullable(n.circleID), nullable(n.programID), n.ref, clean(n.detail),
		clean(roundtable.ClientAddrFromContext(ctx))}
}

// audit appends a note to the log in tx: it commits or rolls back with the
// action it records.
func audit(ctx context.Context, tx *Tx, n auditNote) error {
	return auditMany(ctx, tx, []auditNote{n})
}

// auditMany appends notes in as few statements as both engines' limits on
// parameters allow.
func auditMany(ctx context.Context, tx *Tx, notes []auditNote) error {
	const perStatement = 200 // 12 parameters each
	for len(notes) > 0 {
		part := notes[:min(len(notes), perStatement)]
		notes = notes[len(part):]
		var q strings.Builder
		q.WriteString(`INSERT INTO audit_log (` + auditColumns + `) VALUES `)
		args := make([]any, 0, 12*len(part))
		for i, n := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for j, v := range auditArgs(ctx, tx, n) {
				if j > 0 {
					q.WriteString(", ")
				}
				args = append(args, v)
				q.WriteString("$" + strconv.Itoa(len(args)))
			}
			q.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("append to audit log: %w", err)
		}
	}
	return nil
}

// auditAlone appends a note in a transaction of its own, for an action that
// writes nothing else (a failed sign-in). A failure is logged, not returned:
// the answer to the person does not depend on it.
func (db *DB) auditAlone(ctx context.Context, n auditNote) {
	err := db.update(ctx, func(tx *Tx) error { return audit(ctx, tx, n) })
	if err != nil && ctx.Err() == nil {
		db.log.Error("append to audit log", "kind", string(n.kind), "err", err)
	}
}

// auditCursor is the position of an entry in the log's order.
func auditCursor(at time.Time, id string) string { return strconv.FormatInt(ms(at), 10) + "_" + id }

// parseAuditCursor reads a cursor made by auditCursor.
func parseAuditCursor(s string) (int64, string, bool) {
	at, id, ok := strings.Cut(s, "_")
	n, err := strconv.ParseInt(at, 10, 64)
	return n, id, ok && err == nil && validID(id)
}

// auditSelect reads entries with the names they point to; entries name no
// foreign keys, so each join may find nothing.
const auditSelect = `
	SELECT e.id, e.at, e.kind, COALESCE(e.actor_id, ''), e.system, e.email, COALESCE(e.user_id, ''),
		COALESCE(e.circle_id, ''), COALESCE(e.program_id, ''), e.ref, e.detail, e.client_addr,
		COALESCE(ua.name, ''), COALESCE(ua.email, ''), COALESCE(uu.name, ''), COALESCE(uu.email, ''),
		COALESCE(c.name, ''), COALESCE(p.name, ''), COALESCE(ap.name, '')
	FROM audit_log e
	LEFT JOIN users ua ON ua.id = e.actor_id
	LEFT JOIN users uu ON uu.id = e.user_id
	LEFT JOIN circles c ON c.id = e.circle_id
	LEFT JOIN programs p ON p.id = e.program_id
	LEFT JOIN applicants ap ON ap.id = e.ref AND e.kind = 'applicant.decided'`

// auditQuery is a checked filter: the cursor read, the person normalized.
type auditQuery struct {
	roundtable.AuditFilter
	person  string
	afterAt int64
	afterID string
}

// checkAuditFilter returns the filter's problems as field errors.
func checkAuditFilter(f roundtable.AuditFilter) (auditQuery, error) {
	q := auditQuery{AuditFilter: f}
	var v roundtable.Problems
	if f.Kind != "" && !f.Kind.Valid() {
		v.Add("kind", "Choose a kind from the list.")
	}
	if !f.From.IsZero() && !f.Until.IsZero() && !f.Until.After(f.From) {
		v.Add("until", "Choose an end on or after the start.")
	}
	if f.After != "" {
		var ok bool
		if q.afterAt, q.afterID, ok = parseAuditCursor(f.After); !ok {
			v.Add("after", "This page of the log does not exist. Start again from the newest entries.")
		}
	}
	q.person = roundtable.NormalizeEmail(clean(f.Person))
	if q.person != "" && roundtable.ValidateEmail(q.person) != "" {
		v.Add("person", "Enter an e-mail address like name@example.org.")
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = roundtable.AuditPageSize
	}
	return q, v.Err()
}

// sql returns the query of a page (one entry more than the page, to tell
// whether another follows) and its arguments. personID is the account of
// the person filtered by, "" when the address has none.
func (q auditQuery) sql(personID string) (string, []any) {
	var where []string
	var args []any
	arg := func(x any) string { args = append(args, x); return "$" + strconv.Itoa(len(args)) }
	if q.person != "" {
		where = append(where, "(e.email = "+arg(q.person)+" OR e.actor_id = "+arg(personID)+" OR e.user_id = "+arg(personID)+")")
	}
	if q.Kind != "" {
		where = append(where, "e.kind = "+arg(string(q.Kind)))
	}
	if !q.From.IsZero() {
		where = append(where, "e.at >= "+arg(ms(q.From)))
	}
	if !q.Until.IsZero() {
		where = append(where, "e.at < "+arg(ms(q.Until)))
	}
	if q.afterID != "" {
		at := arg(q.afterAt)
		where = append(where, "(e.at < "+at+" OR (e.at = "+at+" AND e.id < "+arg(q.afterID)+"))")
	}
	text := auditSelect
	if len(where) > 0 {
		text += " WHERE " + strings.Join(where, " AND ")
	}
	return text + " ORDER BY e.at DESC, e.id DESC LIMIT " + strconv.Itoa(q.Limit+1), args
}

// ListAudit returns a page of the log, newest first. Administrators only.
func (s *AuditService) ListAudit(ctx context.Context, f roundtable.AuditFilter) (*roundtable.AuditPage, error) {
	if !actorOf(ctx).admin() {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only administrators can read the audit log.")
	}
	q, err := checkAuditFilter(f)
	if err != nil {
		return nil, err
	}
	page := &roundtable.AuditPage{}
	err = s.db.view(ctx, func(tx *Tx) error {
		var personID string
		if q.person != "" {
			err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE email = $1`, q.person).Scan(&personID)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		text, args := q.sql(personID)
		page.Entries, err = queryAll(ctx, tx, text, scanAuditEntry, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	if len(page.Entries) > q.Limit {
		page.Entries = page.Entries[:q.Limit]
		last := page.Entries[q.Limit-1]
		page.Next = auditCursor(last.At, last.ID)
	}
	return page, nil
}

// scanAuditEntry reads a row of auditSelect.
func scanAuditEntry(rows *sql.Rows) (*roundtable.AuditEntry, error) {
	var e roundtable.AuditEntry
	var at int64
	err := rows.Scan(&e.ID, &at, &e.Kind, &e.ActorID, &e.System, &e.Email, &e.UserID, &e.CircleID, &e.ProgramID,
		&e.Ref, &e.Detail, &e.ClientAddr, &e.ActorName, &e.ActorEmail, &e.UserName, &e.UserEmail,
		&e.CircleName, &e.ProgramName, &e.RefName)
	e.At = fromMS(at)
	return &e, err
}
