package roundtable

import (
	"strings"
	"testing"
)

// Whatever the format, the circle and the meeting, a fitted agenda never
// runs over the meeting, and no part is cut below its shortest; a format
// that cannot fit is refused with the minutes it needs.
func TestFitAgenda_NeverOver(t *testing.T) {
	for _, f := range Formats() {
		for people := 2; people <= 16; people += 7 {
			for minutes := 15; minutes <= 150; minutes += 5 {
				for _, followUps := range []int{0, 3} {
					p := AgendaPlan{People: people, FollowUps: followUps, Minutes: minutes}
					usual := PlanAgenda(f.Segments, p)
					got, err := f.Fit(p)
					if err != nil {
						if msg := ErrorFields(err)["format"]; ErrorCode(err) != EINVALID || !strings.Contains(msg, f.Name+" needs at least ") {
							t.Errorf("%s, %d people, %d min: got %v, want the reason on the format", f.Key, people, minutes, err)
						}
						if TotalMinutes(usual) <= minutes && f.MinMinutes <= minutes {
							t.Errorf("%s, %d people, %d min: refused though it fits as it is", f.Key, people, minutes)
						}
						continue
					}
					if total := TotalMinutes(got); total > minutes {
						t.Errorf("%s, %d people, %d min: got %d minutes", f.Key, people, minutes, total)
					}
					for i, s := range got {
						if s.Minutes > usual[i].Minutes || s.Minutes < ShortestMinutes(usual[i].Minutes) {
							t.Errorf("%s, %d people, %d min, %q: got %d minutes, usual %d", f.Key, people, minutes, s.Title, s.Minutes, usual[i].Minutes)
						}
					}
					if err := ValidateSegments(got); err != nil {
						t.Errorf("%s: %v", f.Key, err)
					}
				}
			}
		}
	}
}

func TestFitAgenda_Cases(t *testing.T) {
	cc, _ := FormatByKey("case_clinic")
	if _, err := cc.Fit(AgendaPlan{People: 5, Minutes: 60}); ErrorMessage(err) != "Case clinic needs at least 70 minutes; this meeting has 60." {
		t.Errorf("case clinic in 60 minutes: got %v", err)
	}
	// 76 minutes with three follow-ups, fitted into a 70-minute meeting.
	got, err := cc.Fit(AgendaPlan{People: 5, FollowUps: 3, Minutes: 70})
	if err != nil || TotalMinutes(got) != 70 || got[0].Kind != SegmentFollowUps {
		t.Errorf("case clinic with follow-ups in 70 minutes: got %d minutes (%v)", TotalMinutes(got), err)
	}
	// Added after 50 minutes of agenda in a 60-minute meeting.
	before := []Segment{{Title: "Long talk", Kind: SegmentDiscussion, Minutes: 50}}
	ci, _ := FormatByKey("check_in")
	if _, err := ci.Fit(AgendaPlan{People: 7, Minutes: 60, Before: before}); !strings.Contains(ErrorMessage(err), "needs at least 14 minutes; the agenda so far leaves 10 of the meeting's 60") {
		t.Errorf("check-in after 50 minutes: got %v", err)
	}
	for n, want := range map[int]int{1: 1, 2: 2, 3: 2, 5: 4, 10: 7, 30: 20} {
		if got := ShortestMinutes(n); got != want {
			t.Errorf("ShortestMinutes(%d): got %d, want %d", n, got, want)
		}
	}
}
