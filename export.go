package roundtable

import (
	"context"
	"time"
)

// DataExport is everything Roundtable holds about one person and everything
// she wrote, as she downloads it from her account page. It never holds
// another member's words: her board posts come with the names of their
// meeting and circle, not with the board around them.
type DataExport struct {
	ExportedAt   time.Time           `json:"exported_at"`
	Account      ExportAccount       `json:"account"`
	Sessions     []ExportSession     `json:"sessions"`
	Applications []ExportApplication `json:"applications"`
	Circles      []ExportCircle      `json:"circles"`
	Goals        []ExportGoal        `json:"goals"`
	CheckIns     []ExportCheckIn     `json:"goal_check_ins"`
	Challenges   []ExportChallenge   `json:"challenge_cards"`
	Posts        []ExportPost        `json:"board_posts"`
	Commitments  []ExportCommitment  `json:"commitments"`
	Reflections  []ExportReflection  `json:"reflections"`
	Documents    []ExportDocument    `json:"documents"`
	RSVPs        []ExportRSVP        `json:"rsvps"`
	Attendance   []ExportAttendance  `json:"attendance"`
	// ParkingLot is her parking lot; Proposals the decisions she proposed
	// and Votes her votes, with the decision's title.
	ParkingLot []ExportParkingTopic `json:"parking_lot"`
	Proposals  []ExportProposal     `json:"proposals"`
	Votes      []ExportDecisionVote `json:"decision_votes"`
	Discussion []ExportThreadPost   `json:"discussion_posts"`
	Messages   map[string]bool      `json:"messages,omitempty"` // which kinds of e-mail she receives
}

// ExportAccount is the account itself.
type ExportAccount struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	TimeZone    string    `json:"time_zone"`
	IsAdmin     bool      `json:"administrator"`
	CanOrganize bool      `json:"organizer"`
	HasPassword bool      `json:"has_password"`
	CreatedAt   time.Time `json:"created_at"`
}

// ExportSession is a signed-in browser, without its token.
type ExportSession struct {
	Browser    string    `json:"browser"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	ViaLink    bool      `json:"via_link"`
}

// ExportApplication is an application she made, with her answers.
type ExportApplication struct {
	Program      string            `json:"program"`
	Name         string            `json:"name"`
	Email        string            `json:"email"`
	Title        string            `json:"title"`
	Organization string            `json:"organization"`
	Sector       string            `json:"sector"`
	Industry     string            `json:"industry"`
	Function     string            `json:"function"`
	Level        int               `json:"level"`
	TimeZone     string            `json:"time_zone"`
	Availability string            `json:"availability"`
	Goals        string            `json:"goals"`
	Topics       string            `json:"topics"`
	Avoid        string            `json:"avoid"`
	Answers      map[string]string `json:"answers,omitempty"`
	Status       string            `json:"status"`
	CreatedAt    time.Time         `json:"created_at"`
}

// ExportCircle is a circle she belongs to and her part in it.
type ExportCircle struct {
	Circle   string     `json:"circle"`
	Program  string     `json:"program"`
	Role     string     `json:"role"`
	JoinedAt *time.Time `json:"joined_at,omitempty"`
}

// ExportGoal is one of her goals in a circle.
type ExportGoal struct {
	Circle    string    `json:"circle"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportCheckIn is one of her check-ins on a goal: how far she had come,
// 1 to 5, and her line of reflection.
type ExportCheckIn struct {
	Circle     string    `json:"circle"`
	Goal       string    `json:"goal"`
	Rating     int       `json:"rating"`
	Reflection string    `json:"reflection"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// ExportChallenge is a challenge card she wrote for a meeting.
type ExportChallenge struct {
	Circle    string    `json:"circle"`
	Meeting   time.Time `json:"meeting"`
	Context   string    `json:"context"`
	Question  string    `json:"question"`
	Tried     string    `json:"tried"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ExportPost is a post she wrote on a meeting's board.
type ExportPost struct {
	Program   string    `json:"program"`
	Circle    string    `json:"circle"`
	Meeting   time.Time `json:"meeting"`
	Kind      string    `json:"kind"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportDocument is a file or link she shared with a circle: its title and
// name or address; a file's bytes are downloaded from the circle's page.
type ExportDocument struct {
	Circle    string    `json:"circle"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	FileName  string    `json:"file_name,omitempty"`
	URL       string    `json:"url,omitempty"`
	Size      int64     `json:"size,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportCommitment is a commitment she made and her report on it.
type ExportCommitment struct {
	Circle    string     `json:"circle"`
	Meeting   time.Time  `json:"meeting"`
	Text      string     `json:"text"`
	DueAt     time.Time  `json:"due_at"`
	Status    string     `json:"status"`
	Report    string     `json:"report"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
}

// ExportReflection is her reflection after a meeting.
type ExportReflection struct {
	Circle    string    `json:"circle"`
	Meeting   time.Time `json:"meeting"`
	Relevance int       `json:"relevance"`
	Insights  int       `json:"insights"`
	Heard     int       `json:"heard"`
	Line      string    `json:"line"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportRSVP is her answer to a meeting.
type ExportRSVP struct {
	Circle    string    `json:"circle"`
	Meeting   time.Time `json:"meeting"`
	Answer    string    `json:"answer"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ExportAttendance is whether she was at a meeting.
type ExportAttendance struct {
	Circle  string    `json:"circle"`
	Meeting time.Time `json:"meeting"`
	Present bool      `json:"present"`
	Excused bool      `json:"excused,omitempty"` // absent, and the facilitator excused it
}

// ExportService gives a person her own data.
type ExportService interface {
	// ExportMyData returns everything about the caller and everything she
	// wrote, and records the export in the audit log. Returns
	// EUNAUTHORIZED when no one is signed in.
	ExportMyData(ctx context.Context) (*DataExport, error)
}
