package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// Rendering a keyed outbox message (see jobs.go) happens when it is due, from
// the state of things then: a moved meeting's reminder tells the new time, a
// cancelled meeting's reminder is not sent, a member who left the circle or
// turned the kind off gets nothing. Each render function returns the message
// or the reason it is dropped.

// render composes the message of job j, or says why it must not be sent. It
// may record what an invitation told its reader (calendar_copies), so it
// needs a writing transaction.
func (db *DB) render(ctx context.Context, tx *Tx, j job) (rendered, error) {
	var r rendered
	var err error
	switch j.Kind {
	case kindInvitation:
		r, err = db.renderInvitation(ctx, tx, j)
	case kindCancellation:
		r, err = db.renderCancellation(ctx, tx, j)
	case kindReminderWeek:
		r, err = db.renderReminderWeek(ctx, tx, j)
	case kindReminderDay:
		r, err = db.renderReminderDay(ctx, tx, j)
	case kindNotes:
		r, err = db.renderNotes(ctx, tx, j)
	case kindRSVPChange:
		r, err = db.renderRSVPChange(ctx, tx, j)
	case kindPollOpen, kindPollReminder:
		r, err = db.renderPoll(ctx, tx, j)
	case kindDecisionOpen, kindDecisionDue:
		r, err = db.renderDecision(ctx, tx, j)
	case kindDeclined:
		r, err = db.renderDeclined(ctx, tx, j)
	case kindSeatOpened:
		r, err = db.renderSeatOpened(ctx, tx, j)
	case kindCommitmentDue:
		r, err = db.renderCommitmentDue(ctx, tx, j)
	case kindCheckInPrompt:
		r, err = db.renderCheckInPrompt(ctx, tx, j)
	case kindCheckInsDue:
		return db.checkInsDue(ctx, tx)
	case kindLapseAlert, kindSteppedAway:
		r, err = db.renderLapse(ctx, tx, j)
	case kindLapseHeld:
		return db.evaluateHeld(ctx, tx, j)
	case kindDiscussionThread, kindDiscussionReply:
		r, err = db.renderDiscussionPost(ctx, tx, j)
	case kindDiscussionDigest:
		r, err = db.renderDigest(ctx, tx, j)
	case kindAuditPrune:
		return db.pruneAudit(ctx, tx)
	case kindUploadsPrune:
		return db.pruneUploads(ctx, tx)
	case kindAnonymise:
		return db.anonymiseDue(ctx, tx)
	default:
		return drop("no message of this kind exists"), nil
	}
	if err != nil {
		return rendered{}, fmt.Errorf("render %s: %w", j.Kind, err)
	}
	if r.drop == "" {
		r.msg.ID = j.messageID(db.host())
	}
	return r, nil
}

// drop is a rendered result that is not sent, with the reason.
func drop(reason string) rendered { return rendered{drop: reason} }

// Reasons for not sending, kept in the outbox row.
const (
	dropMeetingGone   = "the meeting no longer exists"
	dropCancelled     = "the meeting was cancelled"
	dropStale         = "the meeting changed since"
	dropOver          = "the meeting is over"
	dropStarted       = "the meeting has started"
	dropNotInCircle   = "the recipient is no longer in the circle"
	dropNoAccount     = "the recipient's account no longer exists"
	dropTurnedOff     = "the recipient turned these messages off"
	dropRulesPending  = "the recipient has not accepted the ground rules"
	dropNoNotes       = "the meeting has no notes"
	dropNotesLater    = "a later sending of the notes replaces it"
	dropNotFacilitor  = "the recipient no longer facilitates the circle"
	dropNoAnswer      = "the member has no answer"
	dropPollGone      = "the poll no longer exists"
	dropPollClosed    = "the poll is closed"
	dropPollAnswered  = "the recipient answered the poll"
	dropNotCancelled  = "the meeting is no longer cancelled"
	dropOwnAnswer     = "the answer is the recipient's own"
	dropMemberLeft    = "the member is no longer in the circle"
	dropPollNoOptions = "the poll has no options"
)

// host is the name in Message-IDs and calendar UIDs: the site's host, so
// they are unique to this installation.
func (db *DB) host() string {
	if u, err := url.Parse(db.baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "roundtable.invalid"
}

// Links in messages.
func (db *DB) meetingLink(id string) string { return db.baseURL + "/meetings/" + id }
func (db *DB) circleLink(id string) string  { return db.baseURL + "/circles/" + id }
func (db *DB) pollLink(id string) string    { return db.baseURL + "/polls/" + id }
func (db *DB) prefsLink() string            { return db.baseURL + "/account#messages" }

// recipient is the person a message goes to and their place in the circle
// it is about.
type recipient struct {
	id, email, name string
	loc             *time.Location
	role            roundtable.CircleRole // "" when not in the circle
	accepted        bool                  // ground rules accepted
}

// memberRecipient finds the member a message about her circle goes to, or
// says why it must be dropped: her account is gone, she left the circle or
// has not accepted its ground rules yet, or she turned this kind off.
func memberRecipient(ctx context.Context, tx *Tx, j job, circleID string) (*recipient, string, error) {
	to, err := findRecipient(ctx, tx, j.UserID, circleID)
	switch {
	case err != nil:
		return nil, "", err
	case to == nil:
		return nil, dropNoAccount, nil
	case to.role == "":
		return nil, dropNotInCircle, nil
	case !to.accepted:
		return nil, dropRulesPending, nil
	}
	if ok, err := wants(ctx, tx, to.id, j.Kind); err != nil {
		return nil, "", err
	} else if !ok {
		return nil, dropTurnedOff, nil
	}
	return to, "", nil
}

// findRecipient returns a user and their membership of circleID; nil when
// the account is gone.
func findRecipient(ctx context.Context, tx *Tx, userID, circleID string) (*recipient, error) {
	r := &recipient{id: userID}
	var tz string
	var role *string
	var accepted *int64
	err := tx.QueryRowContext(ctx, `
		SELECT u.email, u.name, u.time_zone, m.role, m.ground_rules_accepted_at
		FROM users u LEFT JOIN circle_members m ON m.user_id = u.id AND m.circle_id = $1
		WHERE u.id = $2`, circleID, userID).Scan(&r.email, &r.name, &tz, &role, &accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find recipient: %w", err)
	}
	r.loc = roundtable.LoadLocation(tz)
	if role != nil {
		r.role = roundtable.CircleRole(*role)
	}
	r.accepted = accepted != nil
	return r, nil
}

// circleInfo is what messages say about a circle.
type circleInfo struct {
	id, name, programName string
	loc                   *time.Location // the circle's reference zone
	facilitator           person         // the first facilitator, by name; empty when none
}

type person struct{ id, name, email string }

// findCircleInfo returns the circle's names, zone and facilitator.
func findCircleInfo(ctx context.Context, tx *Tx, circleID string) (*circleInfo, error) {
	c := &circleInfo{id: circleID}
	var tz string
	err := tx.QueryRowContext(ctx, `
		SELECT c.name, c.time_zone, p.name FROM circles c JOIN programs p ON p.id = c.program_id
		WHERE c.id = $1`, circleID).Scan(&c.name, &tz, &c.programName)
	if err != nil {
		return nil, fmt.Errorf("find circle: %w", err)
	}
	c.loc = roundtable.LoadLocation(tz)
	err = tx.QueryRowContext(ctx, `
		SELECT u.id, u.name, u.email FROM circle_members m JOIN users u ON u.id = m.user_id
		WHERE m.circle_id = $1 AND m.role = 'facilitator' ORDER BY u.name, u.id LIMIT 1`, circleID).
		Scan(&c.facilitator.id, &c.facilitator.name, &c.facilitator.email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find facilitator: %w", err)
	}
	return c, nil
}

// prefKinds maps message kinds to the choice that turns them off; kinds
// missing here always go out.
var prefKinds = map[string]roundtable.NotificationKind{
	kindReminderWeek:  roundtable.NotifyReminderWeek,
	kindReminderDay:   roundtable.NotifyReminderDay,
	kindNotes:         roundtable.NotifyNotes,
	kindRSVPChange:    roundtable.NotifyRSVP,
	kindPollOpen:      roundtable.NotifyPolls,
	kindPollReminder:  roundtable.NotifyPolls,
	kindCommitmentDue: roundtable.NotifyCommitmentDue,
	kindCheckInPrompt: roundtable.NotifyCheckIn,
	kindDecisionOpen:  roundtable.NotifyDecisions,
	kindDecisionDue:   roundtable.NotifyDecisions,
}

// wants reports whether the user receives messages of the kind.
func wants(ctx context.Context, tx *Tx, userID, kind string) (bool, error) {
	k, ok := prefKinds[kind]
	if !ok {
		return true, nil
	}
	var enabled int
	err := tx.QueryRowContext(ctx, `SELECT enabled FROM notification_prefs WHERE user_id = $1 AND kind = $2`, userID, string(k)).Scan(&enabled)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("read preference: %w", err)
	}
	return enabled == 1, nil
}

// meetingMessage is everything a message about a meeting reads.
type meetingMessage struct {
	m      *roundtable.Meeting
	circle *circleInfo
	to     *recipient
}

// loadMeetingMessage reads the meeting, its circle and the recipient of j,
// or returns why the message must be dropped: the meeting or the account is
// gone, the recipient left the circle, or turned the kind off.
func loadMeetingMessage(ctx context.Context, tx *Tx, j job) (*meetingMessage, string, error) {
	m, err := findMeeting(ctx, tx, j.MeetingID)
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		return nil, dropMeetingGone, nil
	} else if err != nil {
		return nil, "", err
	}
	to, err := findRecipient(ctx, tx, j.UserID, m.CircleID)
	if err != nil {
		return nil, "", err
	}
	if to == nil {
		return nil, dropNoAccount, nil
	}
	if to.role == "" {
		return nil, dropNotInCircle, nil
	}
	if ok, err := wants(ctx, tx, j.UserID, j.Kind); err != nil {
		return nil, "", err
	} else if !ok {
		return nil, dropTurnedOff, nil
	}
	c, err := findCircleInfo(ctx, tx, m.CircleID)
	if err != nil {
		return nil, "", err
	}
	return &meetingMessage{m: m, circle: c, to: to}, "", nil
}

// mailFor returns the fields every message about the meeting shares, in the
// recipient's zone. Circle content (agenda, readings, the challenge) is left
// out for a member who has not accepted the ground rules yet.
func (db *DB) mailFor(mm *meetingMessage, now time.Time) mail.MeetingMail {
	m, loc := mm.m, mm.to.loc
	d := mail.MeetingMail{
		To: mm.to.email, Name: mm.to.name,
		ProgramName: mm.circle.programName, CircleName: mm.circle.name,
		When:         mail.When(m.StartsAt, m.EndsAt(), loc, now),
		Day:          mail.Day(m.StartsAt, loc, now),
		TimeNote:     m.TimeNote,
		VideoURL:     m.VideoURL,
		Place:        m.Place,
		Facilitating: mm.to.role == roundtable.RoleFacilitator,
		Facilitator:  mm.circle.facilitator.name,
		Link:         db.meetingLink(m.ID),
		CircleLink:   db.circleLink(m.CircleID),
	}
	if mm.to.accepted {
		d.Agenda, d.Readings = mail.Lines(m.Agenda), mail.Readings(m.Readings)
	} else {
		d.RulesPending = true
	}
	return d
}
