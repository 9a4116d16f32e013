package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/roundtable/roundtable"
)

// ExportService implements roundtable.ExportService.
type ExportService struct{ db *DB }

var _ roundtable.ExportService = (*ExportService)(nil)

// NewExportService returns the service that gives a person her own data.
func NewExportService(db *DB) *ExportService { return &ExportService{db: db} }

// Every query of this file is bound to the caller's own ID: it reads rows she
// wrote or that are about her, never a circle's whole board or another
// member's card. The queries that read circle content (goals, challenge
// cards, board posts, commitments and reports, reflections) are the
// export* functions below exportContent; sealing opens their columns there.

// ExportMyData returns the caller's data and records the export.
func (s *ExportService) ExportMyData(ctx context.Context) (*roundtable.DataExport, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return nil, errSignIn()
	}
	out := &roundtable.DataExport{}
	err := s.db.update(ctx, func(tx *Tx) error {
		out.ExportedAt = tx.now
		if err := exportAccount(ctx, tx, a.user.ID, out); err != nil {
			return err
		}
		if err := exportContent(ctx, tx, a.user.ID, out); err != nil {
			return err
		}
		if err := exportDiscussion(ctx, tx, a.user.ID, out); err != nil {
			return err
		}
		return audit(ctx, tx, auditNote{kind: roundtable.AuditDataExported, userID: a.user.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("export data: %w", err)
	}
	return out, nil
}

// exportAccount reads the account, its sessions (never their tokens), its
// choice of messages, applications and circles.
func exportAccount(ctx context.Context, tx *Tx, userID string, out *roundtable.DataExport) error {
	ac := &out.Account
	var created int64
	var hash string
	err := tx.QueryRowContext(ctx, `SELECT id, name, email, time_zone, is_admin, can_organize, password_hash, created_at
		FROM users WHERE id = $1 AND deleted_at IS NULL`, userID).
		Scan(&ac.ID, &ac.Name, &ac.Email, &ac.TimeZone, &ac.IsAdmin, &ac.CanOrganize, &hash, &created)
	if err == sql.ErrNoRows {
		return errSignIn()
	} else if err != nil {
		return fmt.Errorf("read account: %w", err)
	}
	ac.HasPassword, ac.CreatedAt = hash != "", fromMS(created)
	out.Sessions, err = queryAll(ctx, tx, `SELECT browser, created_at, last_seen_at, expires_at, via_link
		FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at`,
		func(rows *sql.Rows) (x roundtable.ExportSession, err error) {
			var c, l, e int64
			err = rows.Scan(&x.Browser, &c, &l, &e, &x.ViaLink)
			x.CreatedAt, x.LastSeenAt, x.ExpiresAt = fromMS(c), fromMS(l), fromMS(e)
			return x, err
		}, userID, ms(tx.now))
	if err != nil {
		return fmt.Errorf("read sessions: %w", err)
	}
	out.Messages = map[string]bool{}
	prefs, err := queryAll(ctx, tx, `SELECT kind, enabled FROM notification_prefs WHERE user_id = $1`,
		func(rows *sql.Rows) (p [2]string, err error) {
			var on int
			err = rows.Scan(&p[0], &on)
			if on == 1 {
				p[1] = "on"
			}
			return p, err
		}, userID)
	if err != nil {
		return fmt.Errorf("read message choices: %w", err)
	}
	for _, p := range prefs {
		out.Messages[p[0]] = p[1] == "on"
	}
	if err := exportApplications(ctx, tx, ac.Email, out); err != nil {
		return err
	}
	out.Circles, err = queryAll(ctx, tx, `SELECT c.name, p.name, m.role, m.joined_at
		FROM circle_members m JOIN circles c ON c.id = m.circle_id JOIN programs p ON p.id = c.program_id
		WHERE m.user_id = $1 ORDER BY p.name, c.name`,
		func(rows *sql.Rows) (x roundtable.ExportCircle, err error) {
			var joined *int64
			err = rows.Scan(&x.Circle, &x.Program, &x.Role, &joined)
			x.JoinedAt = nullMS(joined)
			return x, err
		}, userID)
	if err != nil {
		return fmt.Errorf("read circles: %w", err)
	}
	return nil
}

// exportApplications reads her applications through the applicants' own
// reading code, with their programs' names.
func exportApplications(ctx context.Context, tx *Tx, email string, out *roundtable.DataExport) error {
	apps, err := queryApplicants(ctx, tx, `SELECT `+applicantColumns+` FROM applicants a
		WHERE a.email = $1 AND a.anonymised_at IS NULL ORDER BY a.created_at, a.id`, email)
	if err != nil {
		return err
	}
	for _, ap := range apps {
		p, err := findProgram(ctx, tx, ap.ProgramID)
		if err != nil {
			return err
		}
		out.Applications = append(out.Applications, roundtable.ExportApplication{
			Program: p.Name, Name: ap.Name, Email: ap.Email, Title: ap.Title, Organization: ap.Organization,
			Sector: ap.Sector, Industry: ap.Industry, Function: ap.Function, Level: int(ap.Level), TimeZone: ap.TimeZone,
			Availability: ap.Availability, Goals: ap.Goals, Topics: ap.Topics, Avoid: ap.Avoid, Answers: ap.Answers,
			Status: string(ap.Status), CreatedAt: ap.CreatedAt,
		})
	}
	return nil
}

// meetingJoin names a row's meeting (x) and circle (c) and program (p).
const meetingJoin = ` JOIN meetings x ON x.id = t.meeting_id JOIN circles c ON c.id = x.circle_id JOIN programs p ON p.id = c.program_id `

// exportContent reads what she wrote in her circles and her answers to
// their meetings.
func exportContent(ctx context.Context, tx *Tx, userID string, out *roundtable.DataExport) error {
	// Each query reads the circle's wrapped key with the content, to open it
	// as the circle's own pages do.
	var err error
	if out.Goals, err = queryAll(ctx, tx, `SELECT c.name, t.body, t.created_at, c.id, COALESCE(c.data_key, ''), t.id FROM goals t JOIN circles c ON c.id = t.circle_id
		WHERE t.user_id = $1 ORDER BY c.name, t.position`,
		func(rows *sql.Rows) (x roundtable.ExportGoal, err error) {
			var at int64
			var circleID, wrapped, id string
			err = rows.Scan(&x.Circle, &x.Body, &at, &circleID, &wrapped, &id)
			x.CreatedAt = fromMS(at)
			x.Body = tx.open(circleID, wrapped, "goals", "body", id, x.Body)
			return x, err
		}, userID); err != nil {
		return fmt.Errorf("read goals: %w", err)
	}
	if out.CheckIns, err = exportCheckIns(ctx, tx, userID); err != nil {
		return err
	}
	if out.Challenges, err = queryAll(ctx, tx, `SELECT c.name, x.starts_at, t.context, t.question, t.tried, t.updated_at, c.id, COALESCE(c.data_key, ''), t.meeting_id
		FROM challenges t`+meetingJoin+`WHERE t.presenter_id = $1 ORDER BY x.starts_at`,
		func(rows *sql.Rows) (e roundtable.ExportChallenge, err error) {
			var at, up int64
			var circleID, wrapped, meetingID string
			err = rows.Scan(&e.Circle, &at, &e.Context, &e.Question, &e.Tried, &up, &circleID, &wrapped, &meetingID)
			e.Meeting, e.UpdatedAt = fromMS(at), fromMS(up)
			row := rowID(meetingID, userID)
			e.Context = tx.open(circleID, wrapped, "challenges", "context", row, e.Context)
			e.Question = tx.open(circleID, wrapped, "challenges", "question", row, e.Question)
			e.Tried = tx.open(circleID, wrapped, "challenges", "tried", row, e.Tried)
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read challenge cards: %w", err)
	}
	if out.Posts, err = queryAll(ctx, tx, `SELECT p.name, c.name, x.starts_at, t.kind, t.body, t.created_at, c.id, COALESCE(c.data_key, ''), t.id
		FROM board_posts t`+meetingJoin+`WHERE t.author_id = $1 ORDER BY x.starts_at, t.created_at`,
		func(rows *sql.Rows) (e roundtable.ExportPost, err error) {
			var at, cr int64
			var circleID, wrapped, id string
			err = rows.Scan(&e.Program, &e.Circle, &at, &e.Kind, &e.Body, &cr, &circleID, &wrapped, &id)
			e.Meeting, e.CreatedAt = fromMS(at), fromMS(cr)
			e.Body = tx.open(circleID, wrapped, "board_posts", "body", id, e.Body)
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read board posts: %w", err)
	}
	if out.Commitments, err = queryAll(ctx, tx, `SELECT c.name, x.starts_at, t.text, t.due_at, t.status, t.report, t.created_at, t.closed_at, c.id, COALESCE(c.data_key, ''), t.id
		FROM action_items t`+meetingJoin+`WHERE t.owner_id = $1 ORDER BY t.created_at`,
		func(rows *sql.Rows) (e roundtable.ExportCommitment, err error) {
			var at, due, cr int64
			var closed *int64
			var circleID, wrapped, id string
			err = rows.Scan(&e.Circle, &at, &e.Text, &due, &e.Status, &e.Report, &cr, &closed, &circleID, &wrapped, &id)
			e.Meeting, e.DueAt, e.CreatedAt, e.ClosedAt = fromMS(at), fromMS(due), fromMS(cr), nullMS(closed)
			e.Text = tx.open(circleID, wrapped, "action_items", "text", id, e.Text)
			e.Report = tx.open(circleID, wrapped, "action_items", "report", id, e.Report)
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read commitments: %w", err)
	}
	if out.Reflections, err = queryAll(ctx, tx, `SELECT c.name, x.starts_at, t.relevance, t.insights, t.heard, t.line, t.created_at, c.id, COALESCE(c.data_key, ''), t.meeting_id
		FROM reflections t`+meetingJoin+`WHERE t.user_id = $1 ORDER BY x.starts_at`,
		func(rows *sql.Rows) (e roundtable.ExportReflection, err error) {
			var at, cr int64
			var circleID, wrapped, meetingID string
			err = rows.Scan(&e.Circle, &at, &e.Relevance, &e.Insights, &e.Heard, &e.Line, &cr, &circleID, &wrapped, &meetingID)
			e.Meeting, e.CreatedAt = fromMS(at), fromMS(cr)
			e.Line = tx.open(circleID, wrapped, "reflections", "line", rowID(meetingID, userID), e.Line)
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read reflections: %w", err)
	}
	if err := exportDecisions(ctx, tx, userID, out); err != nil {
		return err
	}
	if err := exportDocuments(ctx, tx, userID, out); err != nil {
		return err
	}
	return exportAnswers(ctx, tx, userID, out)
}

// exportAnswers reads her RSVPs and attendance: no content, only her own rows.
func exportAnswers(ctx context.Context, tx *Tx, userID string, out *roundtable.DataExport) error {
	var err error
	if out.RSVPs, err = queryAll(ctx, tx, `SELECT c.name, x.starts_at, t.answer, t.updated_at
		FROM rsvps t`+meetingJoin+`WHERE t.user_id = $1 ORDER BY x.starts_at`,
		func(rows *sql.Rows) (e roundtable.ExportRSVP, err error) {
			var at, up int64
			err = rows.Scan(&e.Circle, &at, &e.Answer, &up)
			e.Meeting, e.UpdatedAt = fromMS(at), fromMS(up)
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read answers: %w", err)
	}
	if out.Attendance, err = queryAll(ctx, tx, `SELECT c.name, x.starts_at, t.present, t.excused
		FROM attendance t`+meetingJoin+`WHERE t.user_id = $1 ORDER BY x.starts_at`,
		func(rows *sql.Rows) (e roundtable.ExportAttendance, err error) {
			var at int64
			var excused int
			err = rows.Scan(&e.Circle, &at, &e.Present, &excused)
			e.Meeting, e.Excused = fromMS(at), excused == 1 && !e.Present
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read attendance: %w", err)
	}
	return nil
}

// exportCheckIns reads her check-ins on her goals, with each goal's words.
func exportCheckIns(ctx context.Context, tx *Tx, userID string) ([]roundtable.ExportCheckIn, error) {
	out, err := queryAll(ctx, tx, `SELECT c.name, g.body, t.rating, t.reflection, t.created_at, t.updated_at, c.id, COALESCE(c.data_key, ''), g.id, t.id
		FROM goal_checkins t JOIN goals g ON g.id = t.goal_id JOIN circles c ON c.id = t.circle_id
		WHERE t.user_id = $1 ORDER BY c.name, g.position, t.created_at, t.id`,
		func(rows *sql.Rows) (e roundtable.ExportCheckIn, err error) {
			var cr, up int64
			var circleID, wrapped, goalID, id string
			err = rows.Scan(&e.Circle, &e.Goal, &e.Rating, &e.Reflection, &cr, &up, &circleID, &wrapped, &goalID, &id)
			e.CreatedAt, e.UpdatedAt = fromMS(cr), fromMS(up)
			e.Goal = tx.open(circleID, wrapped, "goals", "body", goalID, e.Goal)
			e.Reflection = tx.open(circleID, wrapped, "goal_checkins", "reflection", id, e.Reflection)
			return e, err
		}, userID)
	if err != nil {
		return nil, fmt.Errorf("read check-ins: %w", err)
	}
	return out, nil
}
