package roundtable

import "slices"

// The session formats Roundtable ships. The minutes are the usual ones in
// practice; the guidance is ours, one or two sentences a facilitator could
// read aloud. Rounds give each person a few minutes (PerPerson), so they
// grow with the circle; a segment without minutes shares the time left.

// Formats returns the built-in session formats, a fresh copy each time.
func Formats() []Format {
	return []Format{
		circleMeeting(),
		{
			Key: "check_in", Name: "Round-robin check-in",
			Description: "Everyone speaks in turn for the same short time, the opener first. A calm way to open any meeting.",
			MinPeople:   2, MaxPeople: 20, Roles: "Opener, everyone",
			Segments: []Segment{
				{Title: "Check-in round", Kind: SegmentRound, PerPerson: 3, Order: OrderRound, Guests: true,
					Roles:    "The opener, then everyone in turn",
					Guidance: "Each person says in about three minutes how they arrive today. The opener starts; the others listen without replying."},
			},
		},
		{
			Key: "check_in_moments", Name: "Check-in: best and hardest moments",
			Description: "The “5 %” round: in turn, each person names the best and the hardest moment since the circle last met.",
			MinPeople:   2, MaxPeople: 20, Roles: "Opener, everyone",
			Segments: []Segment{
				{Title: "Best and hardest moments", Kind: SegmentRound, PerPerson: 3, Order: OrderRound, Guests: true,
					Roles:    "The opener, then everyone in turn",
					Guidance: "Share the high point and the low point of the weeks since we last met. Nobody comments until everyone has spoken."},
			},
		},
		{
			Key: "follow_ups", Name: "Follow-ups",
			Description: "Every open commitment comes back: its owner tells what happened. It opens each meeting when commitments are open.",
			MinPeople:   2, MaxPeople: 20, Roles: "Each commitment's owner",
			Segments: []Segment{FollowUpsSegment()},
		},
		{
			Key: "case_clinic", Name: "Case clinic",
			Description: "One member brings a case; four or so coaches ask, reflect back what they sensed and think it through with her. Needs at least 70 minutes.",
			MinPeople:   4, MaxPeople: 5, MinMinutes: 70, Presenters: 1, PresenterLabel: "Case giver",
			Roles: "Case giver, coaches, timekeeper",
			Segments: []Segment{
				{Title: "Choose roles", Kind: SegmentDiscussion, Minutes: 2, Order: OrderHands, Roles: "Facilitator",
					Guidance: "Confirm who brings the case, who coaches and who keeps time."},
				{Title: "Intention statement", Kind: SegmentPresent, Minutes: 7, Board: BoardQuestions, Order: OrderHands, Roles: "Case giver",
					Guidance: "The case giver describes the situation, what she wants to bring about, where she feels at her edge and what help she needs."},
				{Title: "Questions only", Kind: SegmentQuestions, Minutes: 8, Board: BoardQuestions, Order: OrderHands, Roles: "Coaches",
					Guidance: "Coaches ask what they need to understand the case. No advice yet, not even dressed as a question."},
				{Title: "Stillness", Kind: SegmentSilence, Minutes: 3, Order: OrderHands, Roles: "Everyone",
					Guidance: "Stay silent for a moment and notice what the story stirs in you."},
				{Title: "Mirroring", Kind: SegmentRound, Minutes: 10, Order: OrderRound, Roles: "Coaches, in turn",
					Guidance: "Each coach offers back an image, a feeling or a gesture the case evoked: “I see…”, “I sense…”, “I feel…”. The case giver only listens."},
				{Title: "Generative dialogue", Kind: SegmentDiscussion, Minutes: 30, Board: BoardSuggestions, Order: OrderHands, Roles: "Case giver and coaches",
					Guidance: "The case giver responds to what she heard, then everyone explores the case together. New possibilities are welcome."},
				{Title: "How the case giver sees it now", Kind: SegmentPlayback, Minutes: 5, Order: OrderHands, Roles: "Case giver",
					Guidance: "The case giver says how her situation looks now and picks what she will act on; those become her commitments."},
				{Title: "Appreciations", Kind: SegmentClosing, Minutes: 5, Order: OrderRound, Roles: "Coaches, in turn",
					Guidance: "Each coach gives the case giver a short appreciation. Then everyone fills in the reflection."},
			},
		},
		troika(),
		{
			Key: "peer_assist", Name: "Peer assist",
			Description: "A host with a concrete problem draws on what her peers have lived through, then says what she will use.",
			MinPeople:   6, MaxPeople: 8, Presenters: 1, PresenterLabel: "Host",
			Roles: "Host, peers, facilitator",
			Segments: []Segment{
				{Title: "The host frames the problem", Kind: SegmentPresent, Minutes: 5, Board: BoardQuestions, Order: OrderHands, Roles: "Host", Guests: true,
					Guidance: "The host explains the problem, what she has tried so far and what she hopes to learn from the group."},
				{Title: "Questions", Kind: SegmentQuestions, Minutes: 8, Board: BoardQuestions, Order: OrderHands, Roles: "Peers", Guests: true,
					Guidance: "Peers ask what they need to understand the problem before anyone offers an answer."},
				{Title: "Experience and options", Kind: SegmentDiscussion, Minutes: 15, Board: BoardSuggestions, Order: OrderHands, Roles: "Peers", Guests: true,
					Guidance: "Peers tell what they have seen work or fail in similar situations and lay out options. The host listens and takes notes."},
				{Title: "One last idea each", Kind: SegmentRound, PerPerson: 1, Board: BoardSuggestions, Order: OrderRound, Roles: "Peers, in turn", Guests: true,
					Guidance: "In turn, each peer offers one last idea in a sentence or two."},
				{Title: "The host's play-back", Kind: SegmentPlayback, Minutes: 5, Order: OrderHands, Roles: "Host", Guests: true,
					Guidance: "The host says which ideas she will use, how, and when she will tell the circle how it went."},
			},
		},
		{
			Key: "action_learning", Name: "Action-learning set",
			Description: "A small set helps one presenter think through her issue with questions rather than advice, then each commits to action.",
			MinPeople:   4, MaxPeople: 8, Presenters: 1, PresenterLabel: "Presenter",
			Roles: "Presenter, set members, set adviser",
			Segments: []Segment{
				{Title: "Reports on last actions", Kind: SegmentFollowUps, PerPerson: 2, Order: OrderRound, Roles: "Each member with actions",
					Guidance: "Each member reports briefly on the actions she committed to and what she learned from them."},
				{Title: "The issue", Kind: SegmentPresent, Minutes: 8, Board: BoardQuestions, Order: OrderHands, Roles: "Presenter",
					Guidance: "The presenter sets out her issue: what is going on, why it matters to her and what she would like from the set."},
				{Title: "Clarifying questions in turn", Kind: SegmentQuestions, Minutes: 8, Board: BoardQuestions, Order: OrderRound, Roles: "Set members, in a fixed order",
					Guidance: "Going round in a fixed order, each member asks one question and may add one follow-up."},
				{Title: "Questions that open up", Kind: SegmentQuestions, Minutes: 12, Board: BoardQuestions, Order: OrderHands, Roles: "Set members, the adviser",
					Guidance: "Ask questions that help the presenter think for herself. The adviser kindly stops advice disguised as a question."},
				{Title: "The presenter's summary", Kind: SegmentPresent, Minutes: 2, Order: OrderHands, Roles: "Presenter",
					Guidance: "The presenter sums up what she now understands about her issue."},
				{Title: "Resources", Kind: SegmentRound, Minutes: 5, Board: BoardSuggestions, Order: OrderRound, Roles: "Set members, in turn",
					Guidance: "In turn, members offer something that could help: a contact, a reading, a tool or an experience."},
				{Title: "Commitment to action", Kind: SegmentPlayback, Minutes: 2, Order: OrderHands, Roles: "Presenter",
					Guidance: "The presenter states what she will do before the next meeting."},
				{Title: "Process review", Kind: SegmentClosing, Minutes: 5, Order: OrderHands, Roles: "Set adviser",
					Guidance: "Look back together at how the set worked today and what to change next time."},
			},
		},
		{
			Key: "discussion_synthesis", Name: "Free discussion, then synthesis",
			Description: "Half the time to talk freely about a theme, half to gather what people take away and will do.",
			MinPeople:   2, MaxPeople: 20, Roles: "Everyone, a note-taker",
			Segments: []Segment{
				{Title: "Open discussion", Kind: SegmentDiscussion, Board: BoardSuggestions, Order: OrderHands, Roles: "Everyone", Guests: true,
					Guidance: "Talk freely about the theme of the day. Anyone may bring a question, an experience or an idea."},
				{Title: "Key learnings and actions", Kind: SegmentRound, Board: BoardSuggestions, Order: OrderRound, Roles: "Everyone, in turn",
					Guidance: "In turn, each person names what she takes away and one thing she will do about it. The note-taker records the actions."},
			},
		},
	}
}

// DefaultFormatKey is the format a new program's meetings start with.
const DefaultFormatKey = "circle_meeting"

// circleMeeting is the usual meeting of a circle, the skeleton every other
// format shares: everyone checks in, one member brings a real challenge,
// questions come before advice, she says what she will act on, a short
// round closes. The discussion takes whatever time is left.
func circleMeeting() Format {
	return Format{
		Key: DefaultFormatKey, Name: "Check-in, one challenge, closing round",
		Description: "The usual circle meeting: everyone checks in, one member brings a challenge that the others question before they advise, she says what she will act on, and a short round closes. The discussion takes the time that is left.",
		MinPeople:   3, MaxPeople: 20, Presenters: 1, PresenterLabel: "Presenter",
		Roles: "Opener, presenter, everyone",
		Segments: []Segment{
			{Title: "Check-in round", Kind: SegmentRound, PerPerson: 3, Order: OrderRound, Guests: true,
				Roles:    "The opener, then everyone in turn",
				Guidance: "Each person says in about three minutes how they arrive today. The opener starts; the others listen without replying."},
			{Title: "The challenge", Kind: SegmentPresent, Minutes: 10, Board: BoardQuestions, Order: OrderHands, Roles: "Presenter",
				Guidance: "The presenter tells the situation, what she has tried and the help she would like. The others listen and note their questions."},
			{Title: "Questions only", Kind: SegmentQuestions, Minutes: 10, Board: BoardQuestions, Order: OrderHands, Roles: "Everyone",
				Guidance: "Ask what you need to understand the challenge. No advice yet, not even dressed as a question."},
			{Title: "Ideas and experience", Kind: SegmentDiscussion, Board: BoardSuggestions, Order: OrderHands, Roles: "Everyone",
				Guidance: "Share what you have seen work or fail in similar situations and offer ideas. The presenter listens and takes notes."},
			{Title: "The presenter's play-back", Kind: SegmentPlayback, Minutes: 5, Order: OrderHands, Roles: "Presenter",
				Guidance: "The presenter says which ideas she will act on and by when; those become her commitments."},
			{Title: "Closing round", Kind: SegmentClosing, PerPerson: 1, Order: OrderRound, Roles: "Everyone, in turn",
				Guidance: "In a sentence each, say what you take away from today. Then everyone fills in the reflection."},
		},
	}
}

// troika is troika consulting: three rounds of about ten minutes, so that
// each person of a trio is the client once.
func troika() Format {
	f := Format{
		Key: "troika", Name: "Troika consulting",
		Description: "The circle splits into trios. In turn each person is the client while the two others consult, with the client turned away as they talk.",
		MinPeople:   3, MaxPeople: 20, GroupSize: 3, PresenterLabel: "Client",
		Roles: "Client, two consultants",
		Segments: []Segment{
			{Title: "Form trios", Kind: SegmentDiscussion, Minutes: 2, Order: OrderHands, Roles: "Facilitator",
				Guidance: "Split into groups of three, each in its own breakout room, and agree who is the client first."},
		},
	}
	for _, n := range []string{"1", "2", "3"} {
		f.Segments = append(f.Segments,
			Segment{Title: "Round " + n + ": the client's challenge", Kind: SegmentPresent, Minutes: 2, Order: OrderHands, Roles: "Client",
				Guidance: "The client describes her challenge and the help she is looking for."},
			Segment{Title: "Round " + n + ": questions", Kind: SegmentQuestions, Minutes: 2, Board: BoardQuestions, Order: OrderHands, Roles: "Consultants",
				Guidance: "The two consultants ask short questions to understand. No advice yet."},
			Segment{Title: "Round " + n + ": the client turns away", Kind: SegmentTurnedAway, Minutes: 4, Board: BoardSuggestions, Order: OrderHands, Roles: "Consultants",
				Guidance: "The client turns camera and microphone off and listens while the consultants talk the challenge over and offer ideas."},
			Segment{Title: "Round " + n + ": what helped", Kind: SegmentPlayback, Minutes: 2, Order: OrderHands, Roles: "Client",
				Guidance: "The client comes back and says what was most useful. Then the next person becomes the client."},
		)
	}
	return f
}

// FollowUpsSegment is the segment that opens a meeting when commitments
// are open: two minutes for each.
func FollowUpsSegment() Segment {
	return Segment{Title: "Follow-ups", Kind: SegmentFollowUps, PerPerson: 2, Order: OrderRound, Roles: "Each commitment's owner",
		Guidance: "For each open commitment, its owner tells in a minute or two what she did and what came of it. Not done yet is fine; saying so is the point."}
}

// FormatByKey returns the built-in format with the key.
func FormatByKey(key string) (Format, bool) {
	for _, f := range Formats() {
		if f.Key == key {
			return f, true
		}
	}
	return Format{}, false
}

// Minutes returns the format's length for a number of people, at its usual
// minutes, with no follow-ups.
func (f Format) Minutes(people, meetingMinutes int) int {
	return TotalMinutes(PlanAgenda(f.Segments, AgendaPlan{People: people, Minutes: meetingMinutes}))
}

// AgendaPlan is what sizes an agenda to one meeting.
type AgendaPlan struct {
	People    int // people expected
	FollowUps int // open commitments to follow up
	Minutes   int // the meeting's length
	// Before is the meeting's agenda so far, when the new segments are
	// added after it; it counts for the time left and the follow-ups.
	Before []Segment
}

// Shortest a segment sharing the time left may be.
const minFillMinutes = 5

// PlanAgenda sizes a format's or a template's segments for a meeting and
// returns the new segments (Before not included). Rounds take PerPerson
// minutes for each person, follow-ups for each open commitment; segments
// with no minutes share what is left of the meeting equally (five minutes
// at least). When commitments are open and neither Before nor segs has a
// follow-ups segment, one comes first: every meeting opens with them.
func PlanAgenda(segs []Segment, p AgendaPlan) []Segment {
	out := make([]Segment, 0, len(segs)+1)
	if p.FollowUps > 0 && !hasKind(p.Before, SegmentFollowUps) && !hasKind(segs, SegmentFollowUps) {
		out = append(out, FollowUpsSegment())
	}
	out = append(out, segs...)
	people := max(p.People, 1)
	fixed, fill := TotalMinutes(p.Before), 0
	for i := range out {
		s := &out[i]
		s.ID = ""
		if s.PerPerson > 0 {
			n := people
			if s.Kind == SegmentFollowUps && p.FollowUps > 0 {
				n = p.FollowUps
			}
			s.Minutes = min(max(s.PerPerson*n, 1), MaxSegmentMinutes)
		}
		if s.Minutes <= 0 {
			fill++
			continue
		}
		fixed += s.Minutes
	}
	if fill > 0 {
		share := minFillMinutes
		if left := p.Minutes - fixed; left > 0 {
			share = min(max(left/fill, minFillMinutes), MaxSegmentMinutes)
		}
		for i := range out {
			if out[i].Minutes <= 0 {
				out[i].Minutes = share
			}
		}
	}
	for i := range out {
		out[i].Position = len(p.Before) + i
	}
	return out
}

func hasKind(segs []Segment, k SegmentKind) bool {
	return slices.ContainsFunc(segs, func(s Segment) bool { return s.Kind == k })
}
