package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// agendaForm is the agenda form as the page holds it for segs.
func agendaForm(segs []roundtable.Segment, op string) url.Values {
	v := rowValues(rowsFromSegments(segs), nil)
	v.Set("op", op)
	return v
}

// TestAgenda_Pages: the facilitator starts the agenda from a format, adds,
// moves and removes parts without JavaScript, saves it, keeps it as a
// template and deletes the template; members read the agenda in their own
// time zone and cannot change it.
func TestAgenda_Pages(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 10, 90)
	at := m.StartsAt
	fb, mb := a.browser().signInAs(s.fac), a.browser().signInAs(s.ny)
	path := "/meetings/" + m.ID

	mb.get(path+"/agenda").want(t, http.StatusForbidden)
	mb.post(path+"/agenda", agendaForm(nil, "save")).want(t, http.StatusForbidden)
	mb.post(path+"/agenda/format", url.Values{"source": {"format:check_in"}}).want(t, http.StatusForbidden)
	mb.get(path).want(t, http.StatusOK).contains(t, "No agenda yet.").lacks(t, "Plan the agenda")
	fb.get(path).want(t, http.StatusOK).contains(t, "Plan the agenda", "Give the roles")

	page := fb.get(path+"/agenda").want(t, http.StatusOK)
	page.contains(t, "Plan the agenda", "Round-robin check-in", "Case clinic", "Troika consulting", "Peer assist",
		"Action-learning set", "Free discussion, then synthesis", "Only your circle can see this", "No parts yet")
	fb.post(path+"/agenda/format", url.Values{"mode": {"replace"}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-source"`)
	fb.post(path+"/agenda/format", url.Values{"source": {"format:karaoke"}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-source"`)
	r := fb.post(path+"/agenda/format", url.Values{"source": {"format:case_clinic"}, "mode": {"replace"}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The agenda now follows Case clinic", "Intention statement", "Generative dialogue",
		"The parts take <strong>70 of the meeting's 90 minutes</strong>", "20 minutes are left")

	ag, err := a.svc.Agendas.FindAgenda(as(s.fac), m.ID)
	if err != nil || len(ag.Segments) != 8 {
		t.Fatalf("got %v (%v), want the case clinic's 8 parts", ag, err)
	}
	segs := ag.Segments

	// Add, move and remove: shown again, not saved.
	added := fb.post(path+"/agenda", agendaForm(segs, "add")).want(t, http.StatusOK)
	added.contains(t, "Not saved yet", "Part 9", `name="count" value="9"`)
	moved := fb.post(path+"/agenda", agendaForm(segs, "down-0")).want(t, http.StatusOK).contains(t, "Not saved yet")
	if strings.Index(moved.Body, `value="Intention statement"`) > strings.Index(moved.Body, `value="Choose roles"`) {
		t.Errorf("moving the first part down: Choose roles is still first")
	}
	removed := fb.post(path+"/agenda", agendaForm(segs, "remove-7")).want(t, http.StatusOK)
	removed.contains(t, `name="count" value="7"`).lacks(t, `value="Appreciations"`)
	// Stale or made-up buttons and counts show the form, never an error page.
	for _, op := range []string{"up-0", "down-7", "remove-99", "up-x", "explode"} {
		fb.post(path+"/agenda", agendaForm(segs, op)).want(t, http.StatusOK)
	}
	huge := agendaForm(segs, "add")
	huge.Set("count", "100000")
	fb.post(path+"/agenda", huge).want(t, http.StatusUnprocessableEntity).contains(t, "at most 40 parts")
	if got, _ := a.svc.Agendas.FindAgenda(as(s.fac), m.ID); len(got.Segments) != 8 {
		t.Fatalf("got %d parts, want nothing saved by the edits", len(got.Segments))
	}

	// Saving checks each field and says where.
	bad := agendaForm(segs, "save")
	bad.Set("minutes_0", "two")
	bad.Set("title_3", "")
	bad.Set("kind_2", "dance")
	refused := fb.post(path+"/agenda", bad).want(t, http.StatusUnprocessableEntity).
		contains(t, `href="#f-minutes_0"`, `href="#f-title_3"`, `href="#f-kind_2"`, "Not saved yet")
	// Each part's folded fields are summed up in a line; the part whose
	// folded field is wrong comes unfolded, the others stay folded.
	if got := strings.Count(refused.Body, `<details class="agenda-more" open>`); got != 1 {
		t.Errorf("got %d parts unfolded, want 1", got)
	}
	if i, j := strings.Index(refused.Body, `id="part-3"`), strings.Index(refused.Body, `<details class="agenda-more" open>`); i < 0 || j < i || j > strings.Index(refused.Body, `id="part-4"`) {
		t.Error("the part with the wrong kind is not the one unfolded")
	}
	refused.contains(t, "The presenter speaks · raised hands · board: questions only", "Round: everyone in turn · board: closed")
	long := agendaForm(segs, "save")
	long.Set("minutes_5", "60")
	r = fb.post(path+"/agenda", long).want(t, http.StatusSeeOther)
	shown := fb.follow(r)
	shown.contains(t, "Agenda saved", "Intention statement", "100 minutes in all", "10 more than the meeting lasts")

	// A member reads it with times in her own zone.
	ny := roundtable.LoadLocation("America/New_York")
	mb.get(path).want(t, http.StatusOK).contains(t, "Choose roles", at.In(ny).Format("15:04"),
		at.Add(2*time.Minute).In(ny).Format("15:04"), "Coaches ask what they need", "board: questions only").lacks(t, "Change the agenda")

	// Kept as a template, applied elsewhere, deleted after one confirmation.
	fb.post(path+"/agenda", agendaForm(segs, "template")).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-template_name"`)
	tv := agendaForm(segs, "template")
	tv.Set("template_name", "Clinic, our way")
	r = fb.post(path+"/agenda", tv).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "kept as your template", "Only you see it", "Clinic, our way", "Templates you can use", "Yours; only you see it.")
	fb.post(path+"/agenda", tv).want(t, http.StatusUnprocessableEntity).contains(t, "template of that name already")
	list, err := a.svc.Agendas.ListAgendaTemplates(as(s.fac), s.circle.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("got %v (%v), want one template", list, err)
	}
	// Adding the template after the 70 minutes saved would run
	// over, so it is refused with the reason; replacing it fits.
	fb.post(path+"/agenda/format", url.Values{"source": {"template:" + list[0].ID}, "mode": {"add"}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "The template “Clinic, our way” needs at least 50 minutes; the agenda so far leaves 20 of the meeting")
	r = fb.post(path+"/agenda/format", url.Values{"source": {"template:" + list[0].ID}, "mode": {"replace"}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The agenda now follows your template", "The parts take <strong>70 of the meeting's 90 minutes</strong>")
	r = fb.post(path+"/agenda/templates/delete", url.Values{"template_id": {list[0].ID}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "Delete the template “Clinic, our way”", "Keep it")
	r = fb.post(path+"/agenda/templates/delete", url.Values{"template_id": {list[0].ID}, "confirm": {"yes"}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "Template deleted").lacks(t, "Templates you can use")
	fb.post(path+"/agenda/templates/delete", url.Values{"template_id": {list[0].ID}, "confirm": {"yes"}}).want(t, http.StatusSeeOther)
}

// TestRoles_Pages: a fair suggestion, saving, checks on who may hold a
// role; the presenter writes her challenge card and the circle reads it.
func TestRoles_Pages(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 12, 90)
	fb, nb, tb := a.browser().signInAs(s.fac), a.browser().signInAs(s.ny), a.browser().signInAs(s.tokyo)
	path := "/meetings/" + m.ID
	nb.get(path+"/roles").want(t, http.StatusForbidden)
	nb.post(path+"/roles", url.Values{"presenter": {s.ny.ID}}).want(t, http.StatusForbidden)
	nb.get(path+"/challenge").want(t, http.StatusForbidden)

	fb.get(path+"/roles").want(t, http.StatusOK).contains(t, "Roles for the meeting", "Suggest roles fairly", "Presenters", "Timekeeper", "Nia York")
	sug := fb.get(path+"/roles?suggest=1").want(t, http.StatusOK).contains(t, "These roles are a suggestion")
	// Nia joined first: she presents; the facilitator facilitates.
	if !strings.Contains(sug.Body, `name="presenter" value="`+s.ny.ID+`" checked`) || !strings.Contains(sug.Body, `value="`+s.fac.ID+`" selected`) {
		t.Errorf("suggestion: want Nia presenting and the facilitator facilitating: %s", snippet(sug.Body))
	}

	stranger := a.user("sam@example.org", "Sam Stranger", false)
	fb.post(path+"/roles", url.Values{"timekeeper": {stranger.ID}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-timekeeper"`)
	r := fb.post(path+"/roles", url.Values{"facilitator": {s.fac.ID}, "presenter": {s.ny.ID}, "timekeeper": {s.tokyo.ID}, "notetaker": {""}}).
		want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "Roles saved", "Presenter", "Nia York", "Timekeeper", "Taro Kyo")

	tb.get(path+"/challenge").want(t, http.StatusForbidden)
	tb.post(path+"/challenge", url.Values{"question": {"Mine?"}}).want(t, http.StatusForbidden)
	fb.get(path+"/challenge").want(t, http.StatusForbidden)
	nb.get(path).want(t, http.StatusOK).contains(t, "Write your challenge card", "You have not written your challenge card yet")
	tb.get(path).want(t, http.StatusOK).contains(t, "Nia York has not written the challenge card yet").lacks(t, "Write your challenge card")
	nb.get(path+"/challenge").want(t, http.StatusOK).contains(t, "Your challenge card", "Your question for the circle")
	nb.post(path+"/challenge", url.Values{"context": {"A merger."}}).want(t, http.StatusUnprocessableEntity).
		contains(t, `href="#f-question"`, "A merger.")
	long := strings.Repeat("x", roundtable.MaxChallengeText+1)
	nb.post(path+"/challenge", url.Values{"question": {"Q"}, "tried": {long}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-tried"`)
	r = nb.post(path+"/challenge", url.Values{"question": {"How do I keep both teams?"}, "context": {"A merger."}, "tried": {"Town halls."}}).
		want(t, http.StatusSeeOther)
	nb.follow(r).contains(t, "Your challenge card is saved", "Your challenge", "Change your challenge card")
	tb.get(path).want(t, http.StatusOK).contains(t, "Nia York’s challenge", "How do I keep both teams?", "The situation", "A merger.", "Tried so far", "Town halls.")
}

// Formats say when they fit the circle badly, and the editor's start
// times follow the minutes typed.
func TestAgenda_FormatNotes(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 14, 45)
	at := m.StartsAt
	fb := a.browser().signInAs(s.fac)
	page := fb.get("/meetings/"+m.ID+"/agenda").want(t, http.StatusOK)
	page.contains(t, "Works best with 4 to 5 people; 3 people are expected.",
		"Does not fit this meeting: Case clinic needs at least 70 minutes; this meeting has 45.",
		`value="format:case_clinic" aria-describedby="f-source-4-hint" disabled`,
		"Action-learning set</strong>, about 45 minutes", "Shortened to fit this meeting: usually 48 minutes.",
		"The circle works in groups of 3.")
	// Posted anyway (an old page), it is refused with the same reason.
	fb.post("/meetings/"+m.ID+"/agenda/format", url.Values{"source": {"format:case_clinic"}, "mode": {"replace"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-source"`, "Case clinic needs at least 70 minutes; this meeting has 45.")
	r := fb.post("/meetings/"+m.ID+"/agenda/format", url.Values{"source": {"format:action_learning"}, "mode": {"replace"}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The parts take <strong>45 of the meeting's 45 minutes</strong>")
	segs := []roundtable.Segment{{Title: "One", Kind: roundtable.SegmentRound, Minutes: 25}, {Title: "Two", Kind: roundtable.SegmentClosing, Minutes: 5}}
	v := agendaForm(segs, "add")
	paris := roundtable.LoadLocation("Europe/Paris")
	fb.post("/meetings/"+m.ID+"/agenda", v).want(t, http.StatusOK).contains(t, "starts at "+at.Add(25*time.Minute).In(paris).Format("15:04"),
		"starts at "+at.Add(30*time.Minute).In(paris).Format("15:04"), "Part "+strconv.Itoa(3))
}
