package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

func TestApplicantsDecide(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Bulk Program")
	other := a.program(org, "Other Program")
	ada := a.applicant(org, p, "ada@example.org", "Ada Able", "Goals.", false)
	bo := a.applicant(org, p, "bo@example.org", "Bo Brave", "Goals.", false)
	cy := a.applicant(org, p, "cy@example.org", "Cy Calm", "Goals.", false)
	dee := a.applicant(org, p, "dee@example.org", "Dee Done", "Goals.", true)
	stranger := a.applicant(org, other, "sam@example.org", "Sam Elsewhere", "Goals.", false)
	c := a.circle(org, p, "Circle A")
	fac := a.facilitator(org, c, "fac@example.org", "Fiona Fac")
	mem := a.member(org, c, dee, "Europe/Paris")
	a.deliver()
	list := "/programs/" + p.ID + "/applicants"
	b := a.browser().signInAs(org)
	statuses := func() string {
		t.Helper()
		var out []string
		for _, ap := range []*roundtable.Applicant{ada, bo, cy, dee, stranger} {
			got, err := a.svc.Applicants.FindApplicantByID(as(org), ap.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(got.Status))
		}
		return strings.Join(out, ",")
	}
	pending := url.Values{"filter": {"status=pending"}}
	with := func(v url.Values, kv ...string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = vs
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}

	t.Run("ChooseAllShown", func(t *testing.T) {
		r := b.get(list+"?status=pending").want(t, http.StatusOK)
		r.contains(t, `action="/programs/`+p.ID+`/applicants/review"`, `name="filter" value="status=pending"`,
			`href="/programs/`+p.ID+`/applicants?status=pending&amp;pick=all#decide"`, "Choose all 3 shown",
			`<label for="f-ids"><span class="visually-hidden">Choose Ada Able</span></label>`,
			`name="status" value="accepted"`, "Accept…", "Put on the waiting list…", "Decline…")
		if strings.Contains(r.Body, " checked>") {
			t.Errorf("a box is ticked before anyone chose")
		}
		// Without JavaScript, the link lists the same people with every box ticked.
		r = b.get(list+"?status=pending&pick=all").want(t, http.StatusOK)
		if got := strings.Count(r.Body, `name="id" value=`); got != 3 {
			t.Fatalf("got %d rows, want the 3 pending", got)
		}
		if got := strings.Count(r.Body, `" checked>`); got != 4 { // 3 rows and the script's box
			t.Errorf("got %d ticked boxes, want 3 rows and the box for all", got)
		}
		r.contains(t, "Clear the choice").lacks(t, "Dee Done")
	})

	t.Run("NoneChosen", func(t *testing.T) {
		r := b.post(list+"/review", with(pending, "status", "accepted")).want(t, http.StatusUnprocessableEntity)
		r.contains(t, "There is a problem", `href="#f-ids"`, "Choose at least one applicant", "Nothing was changed.",
			`name="filter" value="status=pending"`, "Ada Able").lacks(t, "Dee Done")
	})
	t.Run("UnknownAction", func(t *testing.T) {
		r := b.post(list+"/review", with(pending, "id", ada.ID, "status", "maybe")).want(t, http.StatusUnprocessableEntity)
		r.contains(t, `href="#f-status"`, "Choose Accept, Put on the waiting list or Decline.")
		if !strings.Contains(r.Body, `value="`+ada.ID+`" id="f-ids" checked>`) {
			t.Errorf("Ada's box lost its tick; body: %s", snippet(r.Body))
		}
		r = b.post(list+"/decide", with(pending, "id", ada.ID, "status", "pending")).want(t, http.StatusUnprocessableEntity)
		r.contains(t, "Choose Accept, Put on the waiting list or Decline.")
	})
	t.Run("OtherProgram", func(t *testing.T) {
		before := statuses()
		r := b.post(list+"/review", with(pending, "id", ada.ID, "id", stranger.ID, "status", "declined")).want(t, http.StatusUnprocessableEntity)
		r.contains(t, "1 of the chosen applicants is not in this program", "Nothing was changed.").lacks(t, "Sam Elsewhere", "Decline 2 applicants</button>")
		r = b.post(list+"/decide", with(pending, "id", ada.ID, "id", stranger.ID, "status", "declined", "notify", "on")).want(t, http.StatusUnprocessableEntity)
		r.contains(t, "not in this program", "Nothing was changed.")
		if got := statuses(); got != before {
			t.Fatalf("got statuses %s, want %s unchanged", got, before)
		}
		if got := a.deliver(); len(got) != 0 {
			t.Fatalf("got %d messages, want none", len(got))
		}
	})
	t.Run("NotOrganizer", func(t *testing.T) {
		before := statuses()
		for _, u := range []*roundtable.User{fac, mem} {
			ub := a.browser().signInAs(u)
			ub.get(list).want(t, http.StatusNotFound)
			ub.post(list+"/review", with(pending, "id", ada.ID, "status", "declined")).want(t, http.StatusNotFound).lacks(t, "Ada Able")
			ub.post(list+"/decide", with(pending, "id", ada.ID, "status", "declined", "notify", "on")).want(t, http.StatusNotFound)
			ub.post(list+"/decide", url.Values{}).want(t, http.StatusNotFound)
		}
		a.browser().post(list+"/decide", with(pending, "id", ada.ID, "status", "declined")).want(t, http.StatusSeeOther)
		if got := statuses(); got != before {
			t.Fatalf("got statuses %s, want %s unchanged", got, before)
		}
	})
	t.Run("Placed", func(t *testing.T) {
		r := b.post(list+"/review", url.Values{"id": {bo.ID, dee.ID}, "status": {"waitlisted"}}).want(t, http.StatusUnprocessableEntity)
		r.contains(t, "Dee Done is in a circle and cannot be on the waiting list").lacks(t, "on the waiting list</button>")
		r = b.post(list+"/decide", url.Values{"id": {bo.ID, dee.ID}, "status": {"waitlisted"}}).want(t, http.StatusUnprocessableEntity)
		r.contains(t, "Dee Done is in a circle", "Nothing was changed.")
	})

	t.Run("Accept", func(t *testing.T) {
		r := b.post(list+"/review", with(pending, "id", ada.ID, "id", bo.ID, "status", "accepted")).want(t, http.StatusOK)
		r.contains(t, "<h1>Accept 2 applicants?</h1>", "Ada Able", "Bo Brave", `<input type="hidden" name="id" value="`+bo.ID+`">`,
			"Accept 2 applicants</button>", "Go back without changing anything").lacks(t, "Cy Calm", "kind e-mail")
		r = b.post(list+"/decide", with(pending, "id", ada.ID, "id", bo.ID, "status", "accepted")).want(t, http.StatusSeeOther)
		if r.Location != list+"?status=pending" {
			t.Fatalf("got redirect %q, want the filtered list", r.Location)
		}
		b.follow(r).contains(t, "Accepted 2 applicants.", "Cy Calm").lacks(t, "Ada Able")
		if got, want := statuses(), "accepted,accepted,pending,accepted,pending"; got != want {
			t.Fatalf("got statuses %s, want %s", got, want)
		}
	})
	t.Run("DeclineKindly", func(t *testing.T) {
		r := b.post(list+"/review", url.Values{"id": {cy.ID}, "status": {"declined"}}).want(t, http.StatusOK)
		r.contains(t, "<h1>Decline 1 applicant?</h1>", "Send them a kind e-mail", "Your own words to add")
		f := url.Values{"id": {cy.ID}, "status": {"declined"}, "notify": {"on"}, "note": {strings.Repeat("x", 2001)}}
		r = b.post(list+"/decide", f).want(t, http.StatusUnprocessableEntity)
		r.contains(t, `href="#f-note"`, "Use at most 2,000 characters.", "xxxx", `name="notify" value="on" checked`)
		f.Set("note", "The next round opens in May.")
		r = b.post(list+"/decide", f).want(t, http.StatusSeeOther)
		b.follow(r).contains(t, "Declined 1 applicant. 1 kind message is on the way.")
		msgs := a.deliver()
		if len(msgs) != 1 || msgs[0].To != "cy@example.org" || !strings.Contains(msgs[0].Text, "The next round opens in May.") {
			t.Fatalf("got %+v, want one kind message to Cy with the note", msgs)
		}
	})
}
