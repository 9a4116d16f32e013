package roundtable

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// RSVP is a member's answer to a meeting invitation.
type RSVP string

// RSVP answers.
const (
	RSVPYes   RSVP = "yes"
	RSVPNo    RSVP = "no"
	RSVPMaybe RSVP = "maybe"
)

// Valid reports whether r is a known answer.
func (r RSVP) Valid() bool { return r == RSVPYes || r == RSVPNo || r == RSVPMaybe }

// Label returns the answer in words.
func (r RSVP) Label() string {
	switch r {
	case RSVPYes:
		return "Coming"
	case RSVPNo:
		return "Not coming"
	case RSVPMaybe:
		return "Maybe"
	}
	return "No answer yet"
}

// Meeting is one meeting of a circle. Its agenda and place are circle content.
type Meeting struct {
	ID        string
	CircleID  string
	StartsAt  time.Time // an instant; shown in each reader's zone
	Minutes   int       // duration
	VideoURL  string
	Place     string
	Agenda    string
	CreatedAt time.Time

	MyRSVP RSVP            // the caller's answer, "" if none
	RSVPs  map[string]RSVP // by user ID
}

// EndsAt returns when the meeting ends.
func (m *Meeting) EndsAt() time.Time { return m.StartsAt.Add(time.Duration(m.Minutes) * time.Minute) }

// Validate checks a meeting's fields (keys: starts_at, minutes, video_url,
// place, agenda).
func (m *Meeting) Validate() error {
	var v Problems
	if m.StartsAt.IsZero() {
		v.Add("starts_at", "Enter the date and time of the meeting.")
	} else if y := m.StartsAt.Year(); y < 2000 || y > 2200 {
		v.Add("starts_at", "Enter a date between the years 2000 and 2200.")
	}
	if m.Minutes < 15 || m.Minutes > 480 {
		v.Add("minutes", "Enter a length between 15 and 480 minutes.")
	}
	m.VideoURL = strings.TrimSpace(m.VideoURL)
	if m.VideoURL != "" {
		u, err := url.Parse(m.VideoURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(m.VideoURL) > 2000 {
			v.Add("video_url", "Enter a full link starting with https://.")
		}
	}
	m.Place = strings.TrimSpace(m.Place)
	if utf8.RuneCountInString(m.Place) > 300 {
		v.Add("place", "Use at most 300 characters.")
	}
	if m.VideoURL == "" && m.Place == "" && !v.Has("video_url") {
		v.Add("video_url", "Give a video link or a place to meet.")
	}
	if utf8.RuneCountInString(m.Agenda) > MaxTextLength {
		v.Add("agenda", "Use at most 10,000 characters.")
	}
	return v.Err()
}

// UpcomingMeeting is a meeting on a person's dashboard, with its circle's name.
type UpcomingMeeting struct {
	Meeting
	CircleName string
}

// MeetingService manages a circle's meetings. Only the circle's members and
// facilitator see them; only its facilitator creates them.
type MeetingService interface {
	// CreateMeeting creates a meeting. Facilitators of the circle only
	// (ENOTFOUND for non-members, EFORBIDDEN for members); EINVALID for bad fields.
	CreateMeeting(ctx context.Context, m *Meeting) error

	// FindMeetingByID returns a meeting with everyone's RSVPs. Members and
	// facilitator of its circle only (ENOTFOUND otherwise; EGROUNDRULES first).
	FindMeetingByID(ctx context.Context, id string) (*Meeting, error)

	// SetRSVP records the caller's answer to a meeting.
	SetRSVP(ctx context.Context, meetingID string, r RSVP) error

	// ListMyUpcomingMeetings returns the caller's meetings that have not ended,
	// across circles whose ground rules they accepted, soonest first.
	ListMyUpcomingMeetings(ctx context.Context) ([]*UpcomingMeeting, error)
}
