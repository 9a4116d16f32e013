package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// auditPage shows the audit log to administrators, newest first, a page at
// a time, with filters by person, kind and dates.
type auditPage struct {
	layoutData
	Filter   *form
	Kinds    []roundtable.AuditKind
	Rows     []auditRow
	Filtered bool
	Zone     string // the reader's time zone, named under the times
	FirstURL string // the newest entries with this filter
	NextURL  string // the older entries; "" on the last page
	Later    bool   // this is not the first page
}

// auditRow is one entry in words.
type auditRow struct {
	When      string
	Kind      string
	Who       string
	WhoNote   string // the actor's e-mail address, on a line of its own
	WhoFilter string // the log filtered by the actor; "" when there is no one to filter by
	About     string
	Detail    string
	Client    string
}

// auditFilterFields are the filter's fields in page order.
var auditFilterFields = []string{"person", "kind", "from", "until"}

// auditFilter reads the filter from a query in the reader's zone, with a
// message on each field it cannot read, and returns the canonical query.
func auditFilter(q url.Values, loc *time.Location) (*form, roundtable.AuditFilter, url.Values) {
	f := newForm(q, auditFilterFields...)
	var af roundtable.AuditFilter
	canon := url.Values{}
	if p := f.text("person"); p != "" {
		if msg := roundtable.ValidateEmail(p); msg != "" {
			f.add("person", "Enter the person's e-mail address, like name@example.org.")
		} else {
			af.Person = roundtable.NormalizeEmail(p)
			canon.Set("person", af.Person)
		}
	}
	if k := roundtable.AuditKind(f.text("kind")); k != "" {
		if !k.Valid() {
			f.add("kind", "Choose a kind from the list.")
		} else {
			af.Kind = k
			canon.Set("kind", string(k))
		}
	}
	day := func(name, label string) time.Time {
		v := f.text(name)
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(roundtable.DateLayout, v, loc)
		if err != nil || d.Year() < 2000 || d.Year() > 9999 {
			f.add(name, "Enter the "+label+" date like 2026-12-07.")
			return time.Time{}
		}
		canon.Set(name, v)
		return d
	}
	from, until := day("from", "first"), day("until", "last")
	af.From = from
	if !until.IsZero() {
		af.Until = until.AddDate(0, 0, 1) // the whole last day
		if !from.IsZero() && until.Before(from) {
			f.add("until", "Choose a last date on or after the first.")
		}
	}
	af.After = q.Get("after")
	return f, af, canon
}

// handleAuditIndex shows a page of the audit log.
func (s *Server) handleAuditIndex(w http.ResponseWriter, r *http.Request) error {
	u, err := requireAdmin(r)
	if err != nil {
		return err
	}
	loc := u.Location()
	f, af, canon := auditFilter(r.URL.Query(), loc)
	page := &auditPage{
		layoutData: layoutData{Title: "Audit log", Nav: "users"},
		Filter:     f, Kinds: roundtable.AuditKinds, Zone: loc.String(),
		Filtered: len(canon) > 0, FirstURL: auditURL(canon, ""), Later: af.After != "",
	}
	if f.Invalid() {
		f.finish("")
		s.render(w, r, http.StatusUnprocessableEntity, "audit", page)
		return nil
	}
	list, err := s.svc.Audit.ListAudit(r.Context(), af)
	if f.fail(err) {
		// A cursor that is not ours: the filter's fields are fine.
		if msg := f.Error("after"); msg != "" {
			delete(f.Errors, "after")
			f.finish(msg)
		}
		s.render(w, r, http.StatusUnprocessableEntity, "audit", page)
		return nil
	} else if err != nil {
		return fmt.Errorf("list audit log: %w", err)
	}
	for _, e := range list.Entries {
		page.Rows = append(page.Rows, auditRowOf(e, loc, canon))
	}
	if list.Next != "" {
		page.NextURL = auditURL(canon, list.Next)
	}
	s.render(w, r, http.StatusOK, "audit", page)
	return nil
}

// auditURL is the log with a filter, from the cursor after.
func auditURL(canon url.Values, after string) string {
	q := url.Values{}
	for k, v := range canon {
		q[k] = v
	}
	if after != "" {
		q.Set("after", after)
	}
	if len(q) == 0 {
		return "/admin/audit"
	}
	return "/admin/audit?" + q.Encode()
}

// auditRowOf puts an entry in words.
func auditRowOf(e *roundtable.AuditEntry, loc *time.Location, canon url.Values) auditRow {
	row := auditRow{
		When:   e.At.In(loc).Format("2 Jan 2006, 15:04:05"),
		Kind:   e.Kind.Label(),
		Detail: e.Detail,
		Client: e.ClientAddr,
	}
	filterBy := func(email string) string {
		q := url.Values{}
		for k, v := range canon {
			q[k] = v
		}
		q.Set("person", email)
		return "/admin/audit?" + q.Encode()
	}
	switch {
	case e.ActorID != "" && e.ActorName != "":
		row.Who, row.WhoNote = e.ActorName, e.ActorEmail
		row.WhoFilter = filterBy(e.ActorEmail)
	case e.ActorID != "":
		row.Who = "A former account"
	case e.System:
		row.Who = "The system (command line)"
	case e.Email != "":
		row.Who, row.WhoNote = "Someone not signed in", "as "+e.Email
		row.WhoFilter = filterBy(e.Email)
	default:
		row.Who = "Someone not signed in"
	}
	var about []string
	switch {
	case e.UserID != "" && e.UserName != "" && e.UserID != e.ActorID:
		about = append(about, e.UserName+" ("+e.UserEmail+")")
	case e.UserID != "" && e.UserName == "":
		about = append(about, "a former account")
	}
	if e.RefName != "" {
		about = append(about, "applicant "+e.RefName)
	}
	if e.CircleName != "" {
		about = append(about, "circle "+e.CircleName)
	}
	if e.ProgramName != "" && e.CircleName == "" {
		about = append(about, "program "+e.ProgramName)
	}
	row.About = strings.Join(about, ", ")
	return row
}
