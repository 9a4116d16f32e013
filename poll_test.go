package roundtable

import (
	"testing"
	"time"
)

func TestPoll_Validate(t *testing.T) {
	now := time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
	at := func(h int) *PollOption {
		return &PollOption{StartsAt: now.Add(time.Duration(h) * time.Hour), Minutes: 90}
	}
	ok := &Poll{Scope: ScopeMeeting, Options: []*PollOption{at(24), at(48)}}
	if err := ok.Validate(now); err != nil {
		t.Fatalf("got %v, want a valid poll", err)
	}
	for _, c := range []struct {
		name  string
		p     *Poll
		field string
	}{
		{"one time", &Poll{Scope: ScopeMeeting, Options: []*PollOption{at(24)}}, "options"},
		{"six times", &Poll{Scope: ScopeMeeting, Options: []*PollOption{at(1), at(2), at(3), at(4), at(5), at(6)}}, "options"},
		{"twice the same", &Poll{Scope: ScopeMeeting, Options: []*PollOption{at(24), at(24)}}, "option2"},
		{"in the past", &Poll{Scope: ScopeMeeting, Options: []*PollOption{at(-1), at(24)}}, "option1"},
		{"no time", &Poll{Scope: ScopeMeeting, Options: []*PollOption{{Minutes: 90}, at(24)}}, "option1"},
		{"too short", &Poll{Scope: ScopeMeeting, Options: []*PollOption{at(24), {StartsAt: now.Add(time.Hour), Minutes: 5}}}, "option2"},
		{"no scope", &Poll{Options: []*PollOption{at(24), at(48)}}, "scope"},
	} {
		if f := ErrorFields(c.p.Validate(now)); f[c.field] == "" {
			t.Errorf("%s: got %v, want a problem with %s", c.name, f, c.field)
		}
	}
}

// The best time has the most yes, then the most if-need-be, then the fewest
// no; the earlier wins a tie.
func TestPoll_Best(t *testing.T) {
	p := &Poll{Options: []*PollOption{
		{ID: "a", Yes: 2, IfNeedBe: 0, No: 1},
		{ID: "b", Yes: 2, IfNeedBe: 1, No: 2},
		{ID: "c", Yes: 2, IfNeedBe: 1, No: 1},
		{ID: "d", Yes: 2, IfNeedBe: 1, No: 1},
		{ID: "e", Yes: 1, IfNeedBe: 4, No: 0},
	}}
	if got := p.Best(); got.ID != "c" {
		t.Errorf("got %s, want c", got.ID)
	}
	if (&Poll{}).Best() != nil {
		t.Error("a poll without options has a best one")
	}
}
