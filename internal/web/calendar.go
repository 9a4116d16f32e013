package web

import (
	"net/http"
	"strings"

	"github.com/roundtable/roundtable"
)

// handleCalendarFeed serves a person's calendar feed. Calendar programs
// cannot sign in, so the secret in the address is the only key: an unknown
// or replaced one gets the not-found page, like any address that does not
// exist. The answer may be kept by the calendar program, never by a shared
// cache.
func (s *Server) handleCalendarFeed(w http.ResponseWriter, r *http.Request) error {
	secret, ok := strings.CutSuffix(r.PathValue("feed"), ".ics")
	if !ok {
		return roundtable.Errorf(roundtable.ENOTFOUND, "We could not find this calendar.")
	}
	ics, err := s.svc.Calendar.Feed(r.Context(), secret)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="roundtable.ics"`)
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("X-Robots-Tag", "noindex")
	w.Write(ics)
	return nil
}

// handleCalendarReset gives the signed-in person a new feed address.
func (s *Server) handleCalendarReset(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	if _, err := s.svc.Calendar.ResetFeed(r.Context()); err != nil {
		return err
	}
	return s.notice(w, r, "/account#calendar", "Your calendar has a new address. The old one no longer works: subscribe to the new one in your calendar program.")
}
