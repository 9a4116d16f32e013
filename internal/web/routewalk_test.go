package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// Markers planted in circle A's confidential content. No response to anyone
// outside circle A may contain them.
const (
	markerGoal   = "MARKER-GOAL-7f3e1a"
	markerAgenda = "MARKER-AGENDA-9c1b2d"
	markerVideo  = "MARKER-VIDEO-4d2c8e"
	markerPlace  = "MARKER-PLACE-0a9f5b"
	markerDoc    = "MARKER-DOCUMENT-5e6f7a"
)

var markers = []string{markerGoal, markerAgenda, markerVideo, markerPlace, markerDoc}

// lapseMarker is the words of the notice circle A's facilitator alone sees
// about a meeting most of the circle cannot make.
const lapseMarker = "Most of the circle cannot come on"

// walkBody is a plausible body for a POST route.
type walkBody struct {
	form url.Values
	csv  string // when set, the body is a multipart upload of this file
}

// TestRouteWalk requests every registered route, with circle A's IDs in the
// path and plausible bodies, as an anonymous visitor, a member of another
// circle of the same program and the program's organizer. None of them may
// see circle A's content or change it. A route the walk cannot fill fails
// the test, so new routes are walked too.
func TestRouteWalk(t *testing.T) {
	a := newApp(t)

	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Walk Program")
	circleA := a.circle(org, p, "Circle A")
	circleB := a.circle(org, p, "Circle B")
	ap1 := a.applicant(org, p, "anchor@example.org", "Anna Anchor", "Application text one.", true)
	ap2 := a.applicant(org, p, "mover@example.org", "Max Mover", "Application text two.", true)
	apB := a.applicant(org, p, "bea@example.org", "Bea Other", "Application text three.", true)
	spare := a.applicant(org, p, "spare@example.org", "Sam Spare", "Application text four.", true)
	anchor := a.member(org, circleA, ap1, "Asia/Tokyo")
	mover := a.member(org, circleA, ap2, "Europe/Paris")
	memberB := a.member(org, circleB, apB, "Europe/Paris")
	facA := a.facilitator(org, circleA, "fac@example.org", "Fiona Fac")

	// Circle A's content: goals, a meeting with agenda, link and place, RSVPs.
	if err := a.svc.Circles.SetGoals(as(anchor), circleA.ID, []string{"Grow " + markerGoal}); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Circles.SetGoals(as(mover), circleA.ID, []string{"Lead " + markerGoal}); err != nil {
		t.Fatal(err)
	}
	meeting := &roundtable.Meeting{
		CircleID: circleA.ID, StartsAt: time.Now().Add(72 * time.Hour).Truncate(time.Minute), Minutes: 90,
		VideoURL: "https://video.example/" + markerVideo, Place: "Room " + markerPlace, Agenda: "Case clinic " + markerAgenda,
	}
	if err := a.svc.Meetings.CreateMeeting(as(facA), meeting); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Meetings.SetRSVP(as(anchor), meeting.ID, roundtable.RSVPYes); err != nil {
		t.Fatal(err)
	}
	// A proposal of circle formation from the accepted people not in a circle.
	for i := range 3 {
		a.applicant(org, p, fmt.Sprintf("waiting%d@example.org", i), fmt.Sprintf("Wendy Waiting %d", i), "Application text.", true)
	}
	draft := a.readyDraft(org, p)
	// Circle A's series and a poll for a new time for its meeting.
	if _, err := a.svc.Series.CreateSeries(as(facA), &roundtable.Series{CircleID: circleA.ID, Slot: "Tue 15:00",
		Cadence: roundtable.Monthly, Minutes: 90, VideoURL: "https://video.example/" + markerVideo}); err != nil {
		t.Fatal(err)
	}
	poll := &roundtable.Poll{MeetingID: meeting.ID, Scope: roundtable.ScopeMeeting, Note: "Poll " + markerAgenda, Options: []*roundtable.PollOption{
		{StartsAt: meeting.StartsAt.Add(24 * time.Hour), Minutes: 90}, {StartsAt: meeting.StartsAt.Add(48 * time.Hour), Minutes: 90}}}
	if err := a.svc.Polls.CreatePoll(as(facA), poll); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Polls.AnswerPoll(as(anchor), poll.ID, map[string]roundtable.PollAnswer{poll.Options[0].ID: roundtable.AnswerYes}); err != nil {
		t.Fatal(err)
	}
	// The meeting's timed agenda, roles and the presenter's challenge card.
	if err := a.svc.Agendas.SetSegments(as(facA), meeting.ID, []roundtable.Segment{
		{Title: "Case " + markerAgenda, Kind: roundtable.SegmentPresent, Minutes: 30, Guidance: "Listen " + markerAgenda}}); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Agendas.SetRoles(as(facA), meeting.ID, []roundtable.RoleAssignment{{Role: roundtable.RolePresenter, UserID: anchor.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Agendas.SaveChallenge(as(anchor), &roundtable.Challenge{MeetingID: meeting.ID, Question: "Why " + markerAgenda}); err != nil {
		t.Fatal(err)
	}
	// The anchor's commitment from the meeting's play-back, and her check-in
	// on her goal, shared with her circle.
	if err := a.svc.Room.ControlTimer(as(facA), meeting.ID, roundtable.TimerStart, 0); err != nil {
		t.Fatal(err)
	}
	items, err := a.svc.Room.PlayBack(as(anchor), meeting.ID, nil, []string{"Act on " + markerGoal})
	if err != nil || len(items) != 1 {
		t.Fatalf("play-back: %v %v", items, err)
	}
	anchorGoals, err := a.svc.CheckIns.FindCheckIns(as(anchor), circleA.ID, anchor.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.svc.CheckIns.CheckIn(as(anchor), circleA.ID, []roundtable.CheckInEntry{
		{GoalID: anchorGoals.Goals[0].Goal.ID, Rating: 3, Reflection: "Going " + markerGoal}}); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.CheckIns.ShareCheckIns(as(anchor), circleA.ID, true); err != nil {
		t.Fatal(err)
	}
	// Circle A's parking lot (a shared topic and a private one) and an open decision with a vote.
	topic := &roundtable.ParkingTopic{CircleID: circleA.ID, Title: "Topic " + markerAgenda, Why: "Why " + markerAgenda,
		Priority: roundtable.PriorityA, Minutes: 20}
	if err := a.svc.ParkingLot.SaveTopic(as(anchor), topic); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.ParkingLot.ShareTopic(as(anchor), circleA.ID, topic.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.ParkingLot.SaveTopic(as(facA), &roundtable.ParkingTopic{CircleID: circleA.ID, Title: "Private " + markerGoal,
		Priority: roundtable.PriorityC, Minutes: 10}); err != nil {
		t.Fatal(err)
	}
	decision := &roundtable.GroupDecision{CircleID: circleA.ID, Title: "Decide " + markerAgenda, Details: "Details " + markerAgenda,
		Kind: roundtable.KindConsent, ClosesAt: time.Now().Add(72 * time.Hour), ResultsOpen: true, Change: roundtable.DecisionChange{Format: "check_in"}}
	if err := a.svc.Decisions.CreateDecision(as(anchor), decision); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Decisions.Vote(as(facA), circleA.ID, &roundtable.DecisionVote{DecisionID: decision.ID, Stance: roundtable.StanceAgree,
		Reason: "Reason " + markerGoal}); err != nil {
		t.Fatal(err)
	}
	// A later meeting most of circle A cannot make: its facilitator alone is
	// offered a new time.
	later := &roundtable.Meeting{CircleID: circleA.ID, StartsAt: time.Now().Add(10 * 24 * time.Hour).Truncate(time.Minute), Minutes: 90,
		VideoURL: "https://video.example/" + markerVideo}
	if err := a.svc.Meetings.CreateMeeting(as(facA), later); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*roundtable.User{anchor, mover} {
		if err := a.svc.Meetings.SetRSVP(as(u), later.ID, roundtable.RSVPNo); err != nil {
			t.Fatal(err)
		}
	}
	// A shared file and link, the file a reading for the meeting.
	docA, err := a.svc.Documents.UploadDocument(as(anchor), &roundtable.DocumentUpload{CircleID: circleA.ID,
		Title: "Pack " + markerDoc, FileName: "pack.pdf", Body: strings.NewReader("%PDF-1.7\n" + markerDoc + "\n%%EOF")})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Documents.AddLink(as(anchor), &roundtable.Document{CircleID: circleA.ID, Title: "Read " + markerDoc,
		URL: "https://example.org/" + markerDoc}); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Documents.AttachDocument(as(anchor), docA.ID, meeting.ID); err != nil {
		t.Fatal(err)
	}
	// Circle A's discussion: a thread linked to the meeting, with a reply.
	thread := &roundtable.Thread{CircleID: circleA.ID, MeetingID: meeting.ID, Title: "Thread " + markerGoal, Body: "Opening " + markerAgenda}
	if err := a.svc.Discussion.StartThread(as(anchor), thread); err != nil {
		t.Fatal(err)
	}
	reply := &roundtable.Reply{ThreadID: thread.ID, Body: "Reply " + markerPlace}
	if err := a.svc.Discussion.AddReply(as(mover), reply); err != nil {
		t.Fatal(err)
	}
	a.deliver() // invitations and notices out of the way

	// Calendar feeds: circle A's anchor sees A's meetings in theirs; the feed
	// walked below is circle B's member's, and the organizer's is checked too.
	feedOf := func(u *roundtable.User) string {
		secret, err := a.svc.Calendar.FeedSecret(as(u))
		if err != nil {
			t.Fatalf("feed secret: %v", err)
		}
		return secret + ".ics"
	}
	unfold := func(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }
	anchorFeed := a.browser().get("/calendar/"+feedOf(anchor)).want(t, http.StatusOK)
	for _, m := range []string{markerAgenda, markerVideo, markerPlace} {
		if !strings.Contains(unfold(anchorFeed.Body), m) {
			t.Fatalf("circle A's member's feed lacks %s; the feed checks would prove nothing", m)
		}
	}
	for _, u := range []*roundtable.User{memberB, org} {
		r := a.browser().get("/calendar/"+feedOf(u)).want(t, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
			t.Errorf("feed of %s: got Content-Type %q, want text/calendar", u.Email, ct)
		}
		for _, m := range markers {
			if strings.Contains(unfold(r.Body), m) {
				t.Errorf("the feed of %s holds circle A's content %q", u.Email, m)
			}
		}
	}

	// A session of circle A's anchor: nobody else may end it.
	anchorToken, err := a.svc.Auth.StartSession(sys(), anchor.ID, roundtable.SessionStart{Browser: "Firefox on Windows"})
	if err != nil {
		t.Fatal(err)
	}
	anchorSessions, err := a.svc.Auth.ListSessions(as(anchor), anchorToken)
	if err != nil || len(anchorSessions) == 0 {
		t.Fatalf("list the anchor's sessions: %v", err)
	}

	params := map[string]string{
		"programID":   p.ID,
		"circleID":    circleA.ID,
		"meetingID":   meeting.ID,
		"applicantID": ap1.ID,
		"draftID":     draft.Draft.ID,
		"token":       "Q2lyY2xlQUludml0YXRpb25Ub2tlbkZvclRoZVdhbGs",
		"file":        "style.css",
		"feed":        feedOf(memberB),
		"pollID":      poll.ID,
		"itemID":      items[0].ID, // the anchor's commitment
		"userID":      anchor.ID,
		"sessionID":   anchorSessions[0].ID,
		"topicID":     topic.ID,
		"decisionID":  decision.ID,
		"documentID":  docA.ID,
		"threadID":    thread.ID,
		"replyID":     reply.ID,
	}
	day := time.Now().AddDate(0, 0, 20).Format(roundtable.DateLayout)
	bodies := map[string]walkBody{
		"setup.create":        {form: url.Values{"name": {"Eve"}, "email": {"eve@example.org"}, "password": {testPassword}, "time_zone": {"UTC"}}},
		"signin.password":     {form: url.Values{"email": {"bea@example.org"}, "password": {testPassword}, "next": {"/circles/" + circleA.ID}}},
		"signin.link.request": {form: url.Values{"link_email": {"bea@example.org"}}},
		"signin.link.redeem":  {},
		"signout":             {},
		"account.update":      {form: url.Values{"name": {"Renamed Person"}, "time_zone": {"UTC"}}},
		"account.password":    {form: url.Values{"password": {testPassword}}},
		"account.messages":    {form: url.Values{"kinds": {"reminder_week"}}},
		"account.calendar":    {},
		"account.export":      {},
		// A wrong password: a walker's own account stays, and the walk goes on.
		"account.delete":       {form: url.Values{"password": {"not the password at all"}}},
		"applicants.anonymise": {},
		"users.create":         {form: url.Values{"name": {"New Person"}, "email": {"new.person@example.org"}, "time_zone": {"UTC"}, "can_organize": {"on"}}},
		"programs.create":      {form: programForm()},
		"program.update":       {form: programForm()},
		"applicants.import.create": {csv: roundtable.ApplicantsCSVHeader + "\n" +
			"Ivy Import,ivy@example.org,Lead,Imports Inc,Private,,,2,UTC,Mon 09:00-12:00,Grow,,\n"},
		"applicant.status": {form: url.Values{"status": {"accepted"}}},
		// Declining circle A's placed member is refused: nothing changes for anyone.
		"applicants.review": {form: url.Values{"id": {ap1.ID, spare.ID}, "status": {"declined"}}},
		"applicants.decide": {form: url.Values{"id": {ap1.ID, spare.ID}, "status": {"declined"}, "notify": {"on"}}},
		"apply.create": {form: url.Values{"name": {"Late Applicant"}, "email": {"late@example.org"}, "organization": {"Late Co"},
			"sector": {"Public"}, "level": {"2"}, "time_zone": {"UTC"}, "slot": {"Mon 09:00-12:00"}, "goals": {"Learn"}}},
		"circles.create":     {form: url.Values{"name": {"Circle C"}, "time_zone": {"UTC"}}},
		"circle.place":       {form: url.Values{"applicant_id": {spare.ID}}},
		"circle.facilitator": {form: url.Values{"facilitator_email": {"fac@example.org"}, "facilitator_name": {"Fiona Fac"}}},
		"circle.remove":      {form: url.Values{"user_id": {mover.ID}}},
		"invite.accept":      {form: url.Values{"name": {"Intruder"}, "time_zone": {"UTC"}, "password": {testPassword}}},
		"circle.accept":      {},
		"goals.update":       {form: url.Values{"goal1": {"Intruder goal"}}},
		"meetings.create": {form: url.Values{"date": {day}, "time": {"10:00"}, "minutes": {"60"},
			"video_url": {"https://intruder.example/"}, "agenda": {"Intruder agenda"}}},
		"meeting.rsvp": {form: url.Values{"answer": {"no"}}},
		"meeting.update": {form: url.Values{"date": {day}, "time": {"10:00"}, "minutes": {"60"},
			"video_url": {"https://intruder.example/"}, "agenda": {"Intruder agenda"}}},
		"meeting.cancel":     {},
		"meeting.notes.save": {form: url.Values{"notes": {"Intruder notes"}, "send": {"on"}}},
		"series.save": {form: url.Values{"slot": {"Wed 10:00"}, "cadence": {"weekly"}, "minutes": {"60"},
			"video_url": {"https://intruder.example/"}, "from": {day}}},
		"polls.create": {form: url.Values{"scope": {"meeting"}, "option1_date": {day}, "option1_time": {"10:00"},
			"option2_date": {day}, "option2_time": {"11:00"}, "minutes": {"60"}}},
		"poll.answer":       {form: url.Values{"answer_" + poll.Options[0].ID: {"no"}}},
		"poll.choose":       {form: url.Values{"option_id": {poll.Options[1].ID}}},
		"poll.close":        {},
		"room.timer":        {form: url.Values{"action": {"start"}}},
		"room.speaker":      {form: url.Values{"user": {"me"}}},
		"room.hand":         {form: url.Values{"raised": {"1"}}},
		"room.board":        {form: url.Values{"kind": {"question"}, "body": {"What did you try?"}}},
		"room.playback":     {form: url.Values{"commitments": {"Call the board chair"}}},
		"room.followup":     {form: url.Values{"status": {"done"}, "report": {"Done it"}}},
		"commitment.update": {form: url.Values{"status": {"dropped"}, "note": {"Intruder note"}}},
		"checkins.save":     {form: url.Values{"rating-" + anchorGoals.Goals[0].Goal.ID: {"1"}, "reflection-" + anchorGoals.Goals[0].Goal.ID: {"Intruder"}}},
		"checkins.share":    {form: url.Values{"share": {"0"}}},
		"room.minutes":      {form: url.Values{"base_version": {"0"}, "text": {"Notes"}}},
		"room.attendance":   {form: url.Values{"user": {facA.ID}, "present": {"1"}}},
		"room.reflection":   {form: url.Values{"relevance": {"4"}, "insights": {"4"}, "heard": {"5"}}},
		"room.guest.invite": {form: url.Values{"name": {"Gus Guest"}, "email": {"gus@example.org"}}},
		"room.guest.remove": {form: url.Values{"user": {facA.ID}}},
		"meeting.agenda.save": {form: url.Values{"count": {"1"}, "title_0": {"Intruder part"}, "minutes_0": {"5"},
			"kind_0": {"discussion"}, "op": {"save"}}},
		"meeting.agenda.format":          {form: url.Values{"source": {"format:check_in"}, "mode": {"replace"}}},
		"meeting.agenda.template.delete": {form: url.Values{"template_id": {"made-up"}, "confirm": {"yes"}}},
		"meeting.agenda.template.share":  {form: url.Values{"template_id": {"made-up"}, "shared": {"program"}}},
		"meeting.roles.save":             {form: url.Values{"presenter": {memberB.ID}}},
		"meeting.challenge.save":         {form: url.Values{"question": {"Intruder question"}}},
		"formation.start":                {form: formationForm()},
		"formation.move":                 {form: url.Values{"applicant_id": {spare.ID}, "to": {"1"}}},
		"formation.publish":              {},
		"formation.ask":                  {form: url.Values{"applicant_id": {spare.ID}}},
		"times.answer":                   {form: url.Values{"choice": {"0"}}},
		"lapse.rules.update":             {form: url.Values{"in_a_row": {"3"}, "share_of": {"2"}}},
		"lapse.done":                     {},
		"step_away":                      {},
		"attendance.excuse":              {form: url.Values{"user": {anchor.ID}, "excused": {"1"}}},
		"account.session.end":            {}, // circle A's anchor's session
		"account.sessions.end":           {},
		"discussion.messages":            {form: url.Values{"delivery": {"none"}}},
		"threads.create":                 {form: url.Values{"title": {"Intruder thread"}, "body": {"Intruder"}}},
		"thread.reply":                   {form: url.Values{"body": {"Intruder reply"}}},
		"thread.update":                  {form: url.Values{"title": {"Intruder title"}, "body": {"Intruder body"}}},
		"thread.delete":                  {},
		"reply.update":                   {form: url.Values{"body": {"Intruder body"}}},
		"reply.delete":                   {},
		"notfound":                       {},
		"documents.upload":               {csv: "Name,Note\nIntruder,upload\n"},
		"documents.link":                 {form: url.Values{"link_title": {"Intruder link"}, "link_url": {"https://intruder.example/"}}},
		"document.attach":                {form: url.Values{"meeting_id": {meeting.ID}}},
		"document.detach":                {form: url.Values{"meeting_id": {meeting.ID}}},
		"document.delete":                {},
		// A proposal's version that matches nothing: a real one, with moves, could take
		// circle A's members elsewhere.
		"seats.place":     {form: url.Values{"version": {"made-up"}, "waitlisted": {spare.ID}, "moves": {"on"}}},
		"parking.create":  {form: url.Values{"title": {"Intruder topic"}, "priority": {"A"}, "minutes": {"20"}, "share": {"on"}}},
		"parking.update":  {form: url.Values{"title": {"Intruder topic"}, "priority": {"A"}, "minutes": {"20"}}},
		"parking.delete":  {},
		"parking.share":   {form: url.Values{"shared": {"0"}}},
		"parking.want":    {form: url.Values{"want": {"1"}}},
		"parking.pick":    {form: url.Values{"meeting_id": {meeting.ID}}},
		"parking.putback": {},
		"decisions.create": {form: url.Values{"title": {"Intruder proposal"}, "kind": {"consent"}, "closes_date": {day},
			"closes_time": {"10:00"}, "results": {"open"}}},
		"decision.vote":    {form: url.Values{"stance": {"block"}, "reason": {"Intruder"}}},
		"decision.close":   {},
		"decision.outcome": {form: url.Values{"outcome": {"Intruder outcome"}}},
		"decision.apply":   {},
	}

	// snapshot is circle A's content as its anchor member sees it.
	snapshot := func() string {
		home, err := a.svc.Circles.FindCircleHome(as(anchor), circleA.ID)
		if err != nil {
			t.Fatalf("snapshot of circle A: %v", err)
		}
		var b strings.Builder
		for _, uid := range []string{anchor.ID, facA.ID} {
			for _, g := range home.Goals[uid] {
				fmt.Fprintf(&b, "goal %s %s\n", uid, g.Text)
			}
		}
		for _, m := range append(append([]*roundtable.Meeting{}, home.Upcoming...), home.Past...) {
			full, err := a.svc.Meetings.FindMeetingByID(as(anchor), m.ID)
			if err != nil {
				t.Fatalf("snapshot meeting: %v", err)
			}
			keys := make([]string, 0, len(full.RSVPs))
			for k, v := range full.RSVPs {
				if k == mover.ID {
					continue // the organizer may take her out of the circle, answers and all
				}
				keys = append(keys, k+"="+string(v))
			}
			sort.Strings(keys)
			fmt.Fprintf(&b, "meeting %s %s %d %q %q %q %v seq %d cancelled %v %q %q %q %q\n", full.ID, full.StartsAt.UTC(), full.Minutes,
				full.VideoURL, full.Place, full.Agenda, keys, full.Sequence, full.Cancelled, full.Notes, full.Challenge, full.Readings, full.PresenterID)
		}
		ag, err := a.svc.Agendas.FindAgenda(as(anchor), meeting.ID)
		if err != nil {
			t.Fatalf("snapshot agenda: %v", err)
		}
		fmt.Fprintf(&b, "agenda %+v roles %+v cards %+v\n", ag.Segments, ag.Roles, ag.Challenges)
		sr, err := a.svc.Series.FindSeries(as(anchor), circleA.ID)
		if err != nil {
			t.Fatalf("snapshot series: %v", err)
		}
		fmt.Fprintf(&b, "series %s %s %d %d %q %q\n", sr.Slot, sr.Cadence, sr.Nth, sr.Minutes, sr.VideoURL, sr.Place)
		polls, err := a.svc.Polls.ListPolls(as(anchor), circleA.ID)
		if err != nil {
			t.Fatalf("snapshot polls: %v", err)
		}
		for _, pl := range polls {
			fmt.Fprintf(&b, "poll %s %s open %v chosen %q %q\n", pl.ID, pl.Scope, pl.Open(), pl.ChosenID, pl.Note)
			for _, o := range pl.Options {
				fmt.Fprintf(&b, "  option %s %s %v\n", o.ID, o.StartsAt.UTC(), o.Answers)
			}
		}
		mine, err := a.svc.Commitments.ListMyCommitments(as(anchor))
		if err != nil {
			t.Fatalf("snapshot commitments: %v", err)
		}
		for _, c := range mine {
			fmt.Fprintf(&b, "commitment %s %s %s %q %q\n", c.ID, c.Text, c.Status, c.Report, c.DueMeetingID)
		}
		ci, err := a.svc.CheckIns.FindCheckIns(as(anchor), circleA.ID, anchor.ID)
		if err != nil {
			t.Fatalf("snapshot check-ins: %v", err)
		}
		fmt.Fprintf(&b, "check-ins shared %v\n", ci.Shared)
		for _, g := range ci.Goals {
			for _, x := range g.CheckIns {
				fmt.Fprintf(&b, "check-in %s %d %q\n", g.Goal.ID, x.Rating, x.Reflection)
			}
		}
		for _, u := range []*roundtable.User{anchor, facA} {
			l, err := a.svc.ParkingLot.FindParkingLot(as(u), circleA.ID)
			if err != nil {
				t.Fatalf("snapshot parking lot: %v", err)
			}
			for _, tp := range append(append(append([]*roundtable.ParkingTopic{}, l.Mine...), l.Shared...), l.Picked...) {
				fmt.Fprintf(&b, "topic %s %q %q %s %d shared %v picked %q wants %d\n", tp.ID, tp.Title, tp.Why, tp.Priority, tp.Minutes, tp.Shared, tp.PickedMeetingID, tp.Wants)
			}
		}
		ds, err := a.svc.Decisions.ListDecisions(as(anchor), circleA.ID)
		if err != nil {
			t.Fatalf("snapshot decisions: %v", err)
		}
		for _, d := range ds {
			full, err := a.svc.Decisions.FindDecision(as(anchor), circleA.ID, d.ID)
			if err != nil {
				t.Fatalf("snapshot decision: %v", err)
			}
			fmt.Fprintf(&b, "decision %s %q %q closed %v applied %v outcome %q\n", full.ID, full.Title, full.Details, full.ClosedAt, full.AppliedAt, full.Outcome)
			for _, v := range full.Votes {
				fmt.Fprintf(&b, "  vote %s %s %q\n", v.UserID, v.Stance, v.Reason)
			}
		}
		lapses, err := a.svc.Lapses.CircleLapses(as(facA), circleA.ID)
		if err != nil {
			t.Fatalf("snapshot lapses: %v", err)
		}
		for _, l := range lapses.Alerts {
			fmt.Fprintf(&b, "lapse %s %s %s %d\n", l.UserID, l.MeetingID, l.Rule, l.Missed)
		}
		for _, m := range lapses.Moves {
			fmt.Fprintf(&b, "move %s\n", m.MeetingID) // counts change when the organizer removes a member
		}
		shelf, err := a.svc.Documents.FindDocumentShelf(as(anchor), circleA.ID, 1)
		if err != nil {
			t.Fatalf("snapshot documents: %v", err)
		}
		for _, d := range shelf.Documents {
			fmt.Fprintf(&b, "document %s %s %q %q %q %d %v\n", d.ID, d.Kind, d.Title, d.FileName, d.URL, d.Size, d.MeetingIDs)
		}
		tp, err := a.svc.Discussion.ReadThread(as(anchor), thread.ID, 1)
		if err != nil {
			t.Fatalf("snapshot thread: %v", err)
		}
		fmt.Fprintf(&b, "thread %s %q %q %q %v\n", tp.Thread.ID, tp.Thread.Title, tp.Thread.Body, tp.Thread.MeetingID, tp.Thread.EditedAt)
		for _, r := range tp.Replies {
			fmt.Fprintf(&b, "  reply %s %q %v\n", r.ID, r.Body, r.EditedAt)
		}
		idx, err := a.svc.Discussion.ListThreads(as(anchor), circleA.ID)
		if err != nil {
			t.Fatalf("snapshot threads: %v", err)
		}
		fmt.Fprintf(&b, "threads %d\n", len(idx.Threads))
		for _, m := range home.Circle.Members {
			if m.UserID == anchor.ID || m.UserID == facA.ID {
				fmt.Fprintf(&b, "member %s %s %v\n", m.UserID, m.Role, m.GroundRulesAcceptedAt != nil)
			}
		}
		return b.String()
	}
	before := snapshot()
	for _, m := range markers {
		if !strings.Contains(before, m) {
			t.Fatalf("marker %s is not in circle A's content; the walk would prove nothing", m)
		}
	}
	// A member of A sees the markers through the pages: the check below can fire.
	a.browser().signInAs(anchor).get("/circles/"+circleA.ID).want(t, http.StatusOK).contains(t, markerGoal, markerVideo)
	a.browser().signInAs(anchor).get("/meetings/"+meeting.ID).want(t, http.StatusOK).contains(t, markerAgenda, markerPlace)
	a.browser().signInAs(anchor).get("/commitments").want(t, http.StatusOK).contains(t, "Act on "+markerGoal)
	a.browser().signInAs(mover).get("/circles/"+circleA.ID+"/members/"+anchor.ID+"/checkins").want(t, http.StatusOK).contains(t, "Going "+markerGoal)
	a.browser().signInAs(anchor).get("/circles/"+circleA.ID+"/parking-lot").want(t, http.StatusOK).contains(t, "Topic "+markerAgenda, "Why "+markerAgenda)
	a.browser().signInAs(anchor).get("/circles/"+circleA.ID+"/decisions/"+decision.ID).want(t, http.StatusOK).
		contains(t, "Decide "+markerAgenda, "Details "+markerAgenda, "Reason "+markerGoal)
	if !strings.Contains(before, "move "+later.ID) {
		t.Fatalf("circle A has no meeting most cannot make; the walk would not guard the facilitator's notice")
	}
	a.browser().signInAs(facA).get("/circles/"+circleA.ID).want(t, http.StatusOK).contains(t, lapseMarker)
	a.browser().signInAs(anchor).get("/meetings/"+meeting.ID).want(t, http.StatusOK).contains(t, markerAgenda, markerPlace, markerDoc)
	a.browser().signInAs(anchor).get("/documents/"+docA.ID).want(t, http.StatusOK).contains(t, markerDoc)
	a.browser().signInAs(anchor).get("/threads/"+thread.ID).want(t, http.StatusOK).contains(t, markerGoal, markerAgenda, markerPlace)
	a.browser().signInAs(anchor).get("/circles/"+circleA.ID+"/discussion").want(t, http.StatusOK).contains(t, markerGoal)

	identities := []struct {
		name string
		user *roundtable.User
		ip   string
	}{
		{"anonymous", nil, "192.0.2.21"},
		{"member of circle B", memberB, "192.0.2.22"},
		{"organizer", org, "192.0.2.23"},
	}
	paramRE := regexp.MustCompile(`\{([A-Za-z]+)(\.\.\.)?\}`)
	routes := a.srv.Routes()
	walked := 0
	for _, id := range identities {
		for _, rt := range routes {
			path := strings.ReplaceAll(rt.Pattern, "{$}", "")
			missing := ""
			path = paramRE.ReplaceAllStringFunc(path, func(s string) string {
				name := paramRE.FindStringSubmatch(s)[1]
				v, ok := params[name]
				if !ok {
					missing = name
				}
				return url.PathEscape(v)
			})
			if missing != "" {
				t.Errorf("route %s %s: the walk has no value for {%s}; add one to params", rt.Method, rt.Pattern, missing)
				continue
			}
			methods := []string{rt.Method}
			if rt.Method == "" {
				methods = []string{http.MethodGet, http.MethodPost}
			}
			for _, method := range methods {
				b := a.browser()
				b.ip = id.ip
				if id.user != nil {
					b.signInAs(id.user)
				}
				var r *response
				switch method {
				case http.MethodGet:
					r = b.get(path)
				case http.MethodPost:
					body, ok := bodies[rt.Name]
					if !ok {
						t.Errorf("route %s %s (%s): the walk has no plausible body; add one to bodies", rt.Method, rt.Pattern, rt.Name)
						continue
					}
					if body.csv != "" {
						var buf bytes.Buffer
						w := multipart.NewWriter(&buf)
						fw, _ := w.CreateFormFile("file", "applicants.csv")
						fw.Write([]byte(body.csv))
						w.Close()
						r = b.do(method, path, &buf, w.FormDataContentType())
					} else {
						r = b.post(path, body.form)
					}
				default:
					t.Errorf("route %s %s: the walk does not know method %s", rt.Method, rt.Pattern, method)
					continue
				}
				walked++
				where := fmt.Sprintf("%s: %s %s", id.name, method, path)
				if r.Code >= 500 {
					t.Errorf("%s: got status %d, want no server error", where, r.Code)
				}
				if strings.Contains(r.Body, lapseMarker) {
					t.Errorf("%s: the response holds circle A's facilitator's notice", where)
				}
				for _, m := range markers {
					// Calendar files fold long lines, which could split a marker.
					if strings.Contains(unfold(r.Body), m) || strings.Contains(r.Location, m) {
						t.Errorf("%s: the response holds circle A's content %q", where, m)
					}
				}
				if after := snapshot(); after != before {
					t.Fatalf("%s changed circle A:\nbefore:\n%s\nafter:\n%s", where, before, after)
				}
			}
		}
	}
	// The audit log is the administrators' alone: the walk's own requests
	// are in it, with their addresses, and none of the walkers may read it.
	admin := &roundtable.User{Email: "root@example.org", Name: "Root Admin", TimeZone: "UTC", IsAdmin: true}
	if err := a.svc.Users.CreateUser(sys(), admin, testPassword); err != nil {
		t.Fatal(err)
	}
	// (Each walker tried a made-up sign-in link.)
	a.browser().signInAs(admin).get("/admin/audit?kind=signin.failed").want(t, http.StatusOK).contains(t, "192.0.2.21", "192.0.2.22", "192.0.2.23")
	for _, id := range identities {
		b := a.browser()
		if id.user != nil {
			b.signInAs(id.user)
		}
		r := b.get("/admin/audit")
		if r.Code == http.StatusOK || strings.Contains(r.Body, "192.0.2.2") || strings.Contains(r.Body, "Audit log") {
			t.Errorf("%s: got status %d on the audit log, want no entries", id.name, r.Code)
		}
	}
	if _, err := a.svc.Auth.FindSession(sys(), anchorToken); err != nil {
		t.Errorf("the walk ended circle A's anchor's session: %v", err)
	}
	if want := len(routes) * len(identities); walked < want {
		t.Errorf("walked %d requests, want at least %d", walked, want)
	}
	t.Logf("walked %d routes × %d identities = %d requests", len(routes), len(identities), walked)
}
