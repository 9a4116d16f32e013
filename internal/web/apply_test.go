package web

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// TestApply_NoWeeklyTime sends the application without a weekly time: the
// summary's link goes to the grid's first box, every box of the grid is
// marked and described by the message, and the optional box for other times
// stays optional. A time the optional box gets wrong is that box's error.
func TestApply_NoWeeklyTime(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Open Program")
	form := url.Values{
		"name": {"Ana Applicant"}, "email": {"ana@example.org"}, "organization": {"Acme"},
		"sector": {"Non-profit"}, "level": {"4"}, "time_zone": {"America/Sao_Paulo"}, "goals": {"Delegate more."},
	}
	const msg = "Tick at least one weekly time when you could meet, or write one under Other times."
	r := a.browser().post("/apply/"+p.ID, form).want(t, http.StatusUnprocessableEntity)
	r.contains(t, `<a href="#f-slot">`+msg+`</a>`,
		`<p class="error-message" id="f-slot-error"><span class="visually-hidden">Error:</span> `+msg+`</p>`,
		`id="f-slot" name="slot" value="Mon 07:00-09:00"`)
	first := regexp.MustCompile(`<input [^>]*id="f-slot"[^>]*>`).FindString(r.Body)
	if !regexp.MustCompile(`aria-invalid="true"`).MatchString(first) || !regexp.MustCompile(`aria-describedby="f-slot-error"`).MatchString(first) {
		t.Errorf("the grid's first box is %s, want it invalid and described by the error", first)
	}
	if boxes := regexp.MustCompile(`<input type="checkbox"[^>]*name="slot"[^>]*aria-describedby="f-slot-error"`).FindAllString(r.Body, -1); len(boxes) != 35 {
		t.Errorf("got %d boxes of the grid described by the error, want 35", len(boxes))
	}
	other := regexp.MustCompile(`<textarea [^>]*id="f-availability"[^>]*>`).FindString(r.Body)
	if other == "" || regexp.MustCompile(`aria-invalid|error`).MatchString(other) {
		t.Errorf("the optional box is %q, want it present and not in error", other)
	}
	r.lacks(t, `href="#f-availability"`, `id="f-availability-error"`)

	// A time written wrong in the optional box is that box's to fix.
	form.Set("availability", "Someday 9-5")
	r = a.browser().post("/apply/"+p.ID, form).want(t, http.StatusUnprocessableEntity)
	r.contains(t, `href="#f-availability"`, `id="f-availability-error"`)
	r.lacks(t, `href="#f-slot"`, `id="f-slot-error"`)
	if other := regexp.MustCompile(`<textarea [^>]*id="f-availability"[^>]*>`).FindString(r.Body); !regexp.MustCompile(`aria-invalid="true"`).MatchString(other) {
		t.Errorf("the optional box with a wrong time is %q, want it marked invalid", other)
	}
}
