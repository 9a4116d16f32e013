// Package demo fills an empty database with a small, realistic program: the
// "Emerging Leaders Circle" with 24 applicants, three circles, meetings and
// the sign-ins a newcomer needs to look around. `roundtable demo` and tests
// use it.
//
// Seeding goes through the services with each person's own context (the
// organizer creates the program, a facilitator schedules meetings, members
// accept ground rules and set goals), so demo data obeys the same rules as
// real use. The e-mails those steps enqueue never leave the process: Seed
// takes them from the outbox into memory, uses the invitation links to let
// people join, and drops the rest.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/schedule"
)

// ErrNotEmpty is returned by Seed when the database has users already.
var ErrNotEmpty = errors.New("demo: the database is not empty; demo data is only added to an empty database")

// The demo sign-ins. Every demo account has the same password.
const (
	Password         = "roundtable-demo"
	AdminEmail       = "admin@example.org"
	OrganizerEmail   = "organizer@example.org"
	FacilitatorEmail = "facilitator@example.org"
	MemberEmail      = "member@example.org"
	ProgramName      = "Emerging Leaders Circle"
)

// SignIn is a demo account and what it shows.
type SignIn struct{ Email, Role string }

// SignIns lists the accounts worth trying, in the order to try them.
var SignIns = []SignIn{
	{OrganizerEmail, "organizer of the program " + ProgramName},
	{FacilitatorEmail, "facilitator of the Harbour Circle"},
	{MemberEmail, "member of the Harbour Circle"},
	{AdminEmail, "administrator of the installation"},
}

// Demo is what Seed created, for tests and for printing.
type Demo struct {
	ProgramID   string
	ProgramName string
	// CircleIDs are in order: Harbour, Meridian, Summit.
	CircleIDs   []string
	CircleNames []string
	// MeetingIDs holds each circle's next meeting, PastMeetingIDs its past
	// one, in the order of CircleIDs.
	MeetingIDs     []string
	PastMeetingIDs []string
	// MemberCircleID is the circle of MemberEmail and FacilitatorEmail.
	MemberCircleID string

	AdminEmail, OrganizerEmail, FacilitatorEmail, MemberEmail string
	Password                                                  string
	// Users maps the e-mail of every demo account to its user ID.
	Users map[string]string
}

// Seed fills an empty database with the demo program. It returns ErrNotEmpty
// when the database has any user.
func Seed(ctx context.Context, db *sqldb.DB) (*Demo, error) {
	s := &seeder{
		db:         db,
		users:      sqldb.NewUserService(db),
		auth:       sqldb.NewAuthService(db),
		programs:   sqldb.NewProgramService(db),
		applicants: sqldb.NewApplicantService(db),
		circles:    sqldb.NewCircleService(db),
		meetings:   sqldb.NewMeetingService(db),
		agendas:    sqldb.NewAgendaService(db),
		series:     sqldb.NewSeriesService(db),
		outbox:     sqldb.NewOutbox(db),
		signedIn:   map[string]*roundtable.User{},
		d: &Demo{
			ProgramName: ProgramName, Password: Password, Users: map[string]string{},
			AdminEmail: AdminEmail, OrganizerEmail: OrganizerEmail, FacilitatorEmail: FacilitatorEmail, MemberEmail: MemberEmail,
		},
	}
	n, err := s.users.CountUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: count users: %w", err)
	}
	if n > 0 {
		return nil, ErrNotEmpty
	}
	if err := s.seed(ctx); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return s.d, nil
}

type seeder struct {
	db         *sqldb.DB
	users      *sqldb.UserService
	auth       *sqldb.AuthService
	programs   *sqldb.ProgramService
	applicants *sqldb.ApplicantService
	circles    *sqldb.CircleService
	meetings   *sqldb.MeetingService
	agendas    *sqldb.AgendaService
	series     *sqldb.SeriesService
	outbox     *sqldb.Outbox

	now      time.Time // the database's clock at the start
	signedIn map[string]*roundtable.User
	d        *Demo
}

func (s *seeder) seed(ctx context.Context) error {
	// The administrator is created as on a new installation's /setup page.
	admin := &roundtable.User{Email: AdminEmail, Name: "Alex Morgan", TimeZone: "Europe/London"}
	if err := s.users.CreateFirstAdmin(ctx, admin, Password); err != nil {
		return fmt.Errorf("create administrator: %w", err)
	}
	adminCtx, err := s.as(ctx, AdminEmail)
	if err != nil {
		return err
	}
	// Dates follow the database's clock (tests fix it), read back from the
	// administrator's creation time.
	me := roundtable.UserFromContext(adminCtx)
	s.now = me.CreatedAt
	if s.now.IsZero() {
		s.now = time.Now()
	}

	organizer := &roundtable.User{Email: OrganizerEmail, Name: "Nadia Rahman", TimeZone: "Europe/London", CanOrganize: true}
	if err := s.users.CreateUser(adminCtx, organizer, Password); err != nil {
		return fmt.Errorf("create organizer: %w", err)
	}
	orgCtx, err := s.as(ctx, OrganizerEmail)
	if err != nil {
		return err
	}

	start := time.Date(s.now.Year(), s.now.Month(), s.now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -35)
	p := &roundtable.Program{
		Name:             ProgramName,
		Purpose:          programPurpose,
		StartDate:        start,
		EndDate:          start.AddDate(0, 6, -1),
		Cadence:          roundtable.Monthly,
		SessionMinutes:   120,
		SizeMin:          5,
		SizeTarget:       7,
		SizeMax:          8,
		TimeZone:         "Europe/London",
		GroundRules:      roundtable.DefaultGroundRules,
		DefaultFormat:    roundtable.DefaultFormatKey,
		ApplicationsOpen: true,
		Questions:        []roundtable.Question{genderQuestion},
	}
	if err := s.programs.CreateProgram(orgCtx, p); err != nil {
		return fmt.Errorf("create program: %w", err)
	}
	s.d.ProgramID = p.ID

	if err := s.apply(ctx, orgCtx); err != nil {
		return err
	}
	ids, err := s.applicantIDs(orgCtx)
	if err != nil {
		return err
	}
	for _, plan := range circlePlans {
		if err := s.circle(ctx, orgCtx, plan, ids); err != nil {
			return fmt.Errorf("%s: %w", plan.name, err)
		}
	}
	if err := s.between(ctx); err != nil {
		return fmt.Errorf("between meetings: %w", err)
	}
	// Whatever is still in the outbox (confirmations of applications) is
	// demo mail to invented people: take it out so nothing is sent.
	if _, err := s.drain(ctx); err != nil {
		return err
	}
	// The reminders of the coming meetings are due later; they too would
	// go to invented people.
	if _, err := s.outbox.DropUnsent(ctx, "demo data: the people are invented"); err != nil {
		return fmt.Errorf("drop demo e-mails: %w", err)
	}
	return nil
}

// as signs a demo person in with the password, as the sign-in page would,
// and returns a context acting for them.
func (s *seeder) as(ctx context.Context, email string) (context.Context, error) {
	u := s.signedIn[email]
	if u == nil {
		var err error
		if u, err = s.auth.Authenticate(ctx, email, Password); err != nil {
			return nil, fmt.Errorf("sign in as %s: %w", email, err)
		}
		s.signedIn[email] = u
		s.d.Users[email] = u.ID
	}
	return roundtable.NewContextWithUser(ctx, u), nil
}

// apply sends every application through the public form, then the organizer
// decides on each.
func (s *seeder) apply(ctx, orgCtx context.Context) error {
	var all []person
	decisions := map[string]roundtable.ApplicantStatus{}
	for _, c := range circlePlans {
		for _, p := range c.members {
			all = append(all, p)
			decisions[p.email] = roundtable.StatusAccepted
		}
	}
	for _, u := range unplaced {
		all = append(all, u.p)
		decisions[u.p.email] = roundtable.ApplicantStatus(u.status)
	}
	// Interleave circles so the applicant list is not sorted by circle.
	order := interleave(all, 3)
	for _, p := range order {
		a := &roundtable.Applicant{
			ProgramID:    s.d.ProgramID,
			Name:         p.name,
			Email:        p.email,
			Title:        p.title,
			Organization: p.org,
			Sector:       p.sector,
			Industry:     p.industry,
			Function:     p.function,
			Level:        roundtable.Level(p.level),
			TimeZone:     p.tz,
			Availability: availability(p, s.now),
			Goals:        strings.Join(p.goals, "\n"),
			Topics:       p.topics,
			Avoid:        p.avoid,
		}
		if g := genders[p.email]; g != "" {
			a.Answers = map[string]string{"gender": g}
		}
		if err := s.applicants.Apply(ctx, a); err != nil {
			return fmt.Errorf("apply as %s: %w", p.email, err)
		}
	}
	ids, err := s.applicantIDs(orgCtx)
	if err != nil {
		return err
	}
	for _, p := range order {
		if st := decisions[p.email]; st != roundtable.StatusPending {
			if err := s.applicants.SetApplicantStatus(orgCtx, ids[p.email], st); err != nil {
				return fmt.Errorf("set status of %s: %w", p.email, err)
			}
		}
	}
	return nil
}

// applicantIDs maps e-mail to applicant ID.
func (s *seeder) applicantIDs(orgCtx context.Context) (map[string]string, error) {
	list, err := s.applicants.ListApplicants(orgCtx, s.d.ProgramID, roundtable.ApplicantFilter{})
	if err != nil {
		return nil, fmt.Errorf("list applicants: %w", err)
	}
	ids := make(map[string]string, len(list))
	for _, a := range list {
		ids[a.Email] = a.ID
	}
	return ids, nil
}

// circle creates a circle, names its facilitator, places its members, lets
// them join, and schedules its meetings.
func (s *seeder) circle(ctx, orgCtx context.Context, plan circlePlan, applicantIDs map[string]string) error {
	// The circle meets at the weekly time its members were formed around.
	slot := schedule.Slot{Day: plan.weekday, Start: plan.hour * 60}
	c := &roundtable.Circle{ProgramID: s.d.ProgramID, Name: plan.name, TimeZone: plan.tz, Slot: slot.String()}
	if err := s.circles.CreateCircle(orgCtx, c); err != nil {
		return fmt.Errorf("create circle: %w", err)
	}
	s.d.CircleIDs = append(s.d.CircleIDs, c.ID)
	s.d.CircleNames = append(s.d.CircleNames, c.Name)
	if plan.facilitator.email == FacilitatorEmail {
		s.d.MemberCircleID = c.ID
	}

	f := plan.facilitator
	if err := s.circles.SetFacilitator(orgCtx, c.ID, f.email, f.name); err != nil {
		return fmt.Errorf("set facilitator: %w", err)
	}
	for _, m := range plan.members {
		if err := s.circles.PlaceApplicant(orgCtx, c.ID, applicantIDs[m.email]); err != nil {
			return fmt.Errorf("place %s: %w", m.email, err)
		}
	}
	invitations, err := s.drain(ctx)
	if err != nil {
		return err
	}

	// The facilitator joins and accepts the ground rules first, so they can
	// schedule meetings.
	if err := s.join(ctx, invitations, f.email, f.name, f.tz); err != nil {
		return err
	}
	fctx, err := s.as(ctx, f.email)
	if err != nil {
		return err
	}
	if err := s.circles.AcceptGroundRules(fctx, c.ID); err != nil {
		return fmt.Errorf("facilitator accepts ground rules: %w", err)
	}

	joined := len(plan.members) - plan.notJoined
	var members []context.Context
	for i, m := range plan.members[:joined] {
		if err := s.join(ctx, invitations, m.email, m.name, m.tz); err != nil {
			return err
		}
		mctx, err := s.as(ctx, m.email)
		if err != nil {
			return err
		}
		if i >= joined-plan.rulesPending {
			continue // joined, ground rules not yet accepted
		}
		if err := s.circles.AcceptGroundRules(mctx, c.ID); err != nil {
			return fmt.Errorf("%s accepts ground rules: %w", m.email, err)
		}
		if err := s.circles.SetGoals(mctx, c.ID, m.goals); err != nil {
			return fmt.Errorf("%s sets goals: %w", m.email, err)
		}
		members = append(members, mctx)
	}
	return s.schedule(fctx, c, plan, members)
}

// join accepts a person's invitation as they would from the e-mail, setting
// up their account with the demo password.
func (s *seeder) join(ctx context.Context, invitations map[string]string, email, name, tz string) error {
	token := invitations[email]
	if token == "" {
		return fmt.Errorf("no invitation was sent to %s", email)
	}
	u, err := s.auth.AcceptInvitation(ctx, token, roundtable.AccountSetup{Name: name, TimeZone: tz, Password: Password})
	if err != nil {
		return fmt.Errorf("%s accepts invitation: %w", email, err)
	}
	s.signedIn[email] = u
	s.d.Users[email] = u.ID
	return nil
}

// schedule creates the circle's past kick-off, set by hand, then the
// monthly series from the next meeting to the end of the program, prepares
// the next two meetings and records some answers to the next one.
func (s *seeder) schedule(fctx context.Context, c *roundtable.Circle, plan circlePlan, members []context.Context) error {
	loc, err := time.LoadLocation(plan.tz)
	if err != nil {
		return err
	}
	past := nextSlot(s.now.AddDate(0, 0, -21), loc, plan.weekday, plan.hour)
	kickoff := &roundtable.Meeting{CircleID: c.ID, StartsAt: past, Minutes: 120, VideoURL: plan.video, Agenda: kickoffAgenda}
	if err := s.meetings.CreateMeeting(fctx, kickoff); err != nil {
		return fmt.Errorf("create the kick-off: %w", err)
	}
	s.d.PastMeetingIDs = append(s.d.PastMeetingIDs, kickoff.ID)

	// The series' weekday of the month is the one of the next meeting.
	next := nextSlot(s.now, loc, plan.weekday, plan.hour).In(loc)
	nth := schedule.NthOfMonth(next) // reads only the local day of the month
	sr := &roundtable.Series{CircleID: c.ID, Slot: c.Slot, Cadence: roundtable.Monthly, Nth: nth, Minutes: 120, VideoURL: plan.video}
	made, err := s.series.CreateSeries(fctx, sr)
	if err != nil {
		return fmt.Errorf("create the series: %w", err)
	}
	if len(made.Dates) < 2 {
		return fmt.Errorf("the series has %d meetings, want at least 2", len(made.Dates))
	}
	prepared := []struct{ agenda, readings string }{
		{fmt.Sprintf(caseClinicAgenda, plan.presenters[0], plan.themes[0]), demoReadings},
		{fmt.Sprintf(peerAssistAgenda, plan.presenters[1], plan.themes[1]), ""},
	}
	for i, p := range prepared {
		m, err := s.meetings.FindMeetingByID(fctx, made.Dates[i].Existing)
		if err != nil {
			return fmt.Errorf("find series meeting: %w", err)
		}
		m.Agenda, m.Readings = p.agenda, p.readings
		if err := s.meetings.UpdateMeeting(fctx, m); err != nil {
			return fmt.Errorf("prepare meeting on %s: %w", m.StartsAt.Format(time.RFC3339), err)
		}
		if err := s.prepareAgenda(fctx, plan, m.ID, i); err != nil {
			return fmt.Errorf("prepare the agenda on %s: %w", m.StartsAt.Format(time.RFC3339), err)
		}
	}
	first := made.Dates[0].Existing
	s.d.MeetingIDs = append(s.d.MeetingIDs, first)

	answers := []roundtable.RSVP{roundtable.RSVPYes, roundtable.RSVPYes, roundtable.RSVPMaybe, roundtable.RSVPYes, roundtable.RSVPNo}
	if err := s.meetings.SetRSVP(fctx, first, roundtable.RSVPYes); err != nil {
		return fmt.Errorf("facilitator answers: %w", err)
	}
	for i, mctx := range members {
		if i >= len(answers) {
			break // the rest have not answered yet
		}
		if err := s.meetings.SetRSVP(mctx, first, answers[i]); err != nil {
			return fmt.Errorf("answer meeting: %w", err)
		}
	}
	return nil
}

// drain takes every due message out of the outbox and returns the invitation
// tokens by recipient.
func (s *seeder) drain(ctx context.Context) (map[string]string, error) {
	var c capture
	if _, err := s.outbox.Deliver(ctx, &c); err != nil {
		return nil, fmt.Errorf("take demo e-mails from the outbox: %w", err)
	}
	return c.invitations, nil
}

// capture is a Mailer that keeps invitation tokens and drops everything else.
type capture struct {
	mu          sync.Mutex
	invitations map[string]string
}

func (c *capture) Send(_ context.Context, m mail.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.invitations == nil {
		c.invitations = map[string]string{}
	}
	// The text body holds the link on a line of its own; the token is its
	// last path segment.
	for _, line := range strings.Split(m.Text, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "/invite/"); i >= 0 && !strings.ContainsAny(line, " \t") {
			c.invitations[roundtable.NormalizeEmail(m.To)] = line[strings.LastIndexByte(line, '/')+1:]
		}
	}
	return nil
}

// nextSlot returns the first weekday at hour:00 in loc strictly after t.
func nextSlot(t time.Time, loc *time.Location, day time.Weekday, hour int) time.Time {
	l := t.In(loc)
	for i := 0; i <= 7; i++ {
		d := l.AddDate(0, 0, i)
		c := time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc)
		if c.Weekday() == day && c.After(t) {
			return c
		}
	}
	return time.Date(l.Year(), l.Month(), l.Day()+7, hour, 0, 0, 0, loc)
}

// interleave deals people into n piles in turn and reads the piles back, so
// consecutive applicants come from different circles.
func interleave(ps []person, n int) []person {
	out := make([]person, 0, len(ps))
	for start := 0; start < n; start++ {
		for i := start; i < len(ps); i += n {
			out = append(out, ps[i])
		}
	}
	return out
}

const kickoffAgenda = `Welcome and introductions: who you are and what you lead (25 min)
Our ground rules, read together, and what confidentiality means to us (10 min)
Each member shares the leadership goals they want to work on (45 min)
How we will work: dates, formats, rotating roles (25 min)
Closing round: one word each (15 min)`

// The agenda texts of the prepared meetings are the facilitator's notes on
// the timed agenda, which comes from the formats (see prepareAgenda).
const caseClinicAgenda = `Case clinic: %s brings a challenge about %s. Questions first, no advice until the dialogue.
We end ten minutes early for the pulse.`

const demoReadings = `https://library.example.org/leader-as-coach (on coaching instead of telling)
Bring one decision from the past month that you wish you had delegated.`

const peerAssistAgenda = `Peer assist: %s on %s.
Then a free discussion on what we learned from each other so far.`
