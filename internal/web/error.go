package web

import (
	"net/http"
	"net/url"

	"github.com/roundtable/roundtable"
)

// errorStatus maps each error code to its HTTP status. Codes not listed
// (EINTERNAL and plain Go errors) are 500s.
var errorStatus = map[string]int{
	roundtable.EINVALID:        http.StatusUnprocessableEntity,
	roundtable.ENOTFOUND:       http.StatusNotFound,
	roundtable.EUNAUTHORIZED:   http.StatusUnauthorized,
	roundtable.EFORBIDDEN:      http.StatusForbidden,
	roundtable.ETOOMANYREQ:     http.StatusTooManyRequests,
	roundtable.ECONFLICT:       http.StatusConflict,
	roundtable.EGROUNDRULES:    http.StatusForbidden,
	roundtable.ENOTIMPLEMENTED: http.StatusNotImplemented,
}

// handleError answers a handler's error: redirects for sign-in and ground
// rules, a friendly page for the rest. Internal errors are logged and never
// shown.
func (s *Server) handleError(w http.ResponseWriter, r *http.Request, err error) {
	code := roundtable.ErrorCode(err)
	switch code {
	case roundtable.EUNAUTHORIZED:
		next := "/"
		if r.Method == http.MethodGet {
			next = r.URL.RequestURI()
		}
		if next == "/" {
			redirect(w, r, "/signin")
		} else {
			redirect(w, r, "/signin?next="+url.QueryEscape(next))
		}
		return
	case roundtable.EGROUNDRULES:
		if id := r.PathValue("circleID"); id != "" {
			redirect(w, r, "/circles/"+url.PathEscape(id)+"/welcome")
			return
		}
		s.setFlash(w, "error", "Please read and accept your circle's ground rules first.")
		redirect(w, r, "/")
		return
	case roundtable.ENOTFOUND:
		s.renderNotFound(w, r)
		return
	}
	status, ok := errorStatus[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "route", routeLabel(r), "err", err)
		s.renderMessage(w, r, status, "Something went wrong on our side",
			"We are sorry: this could not be done just now. Please try again in a moment.")
		return
	}
	title := map[int]string{
		http.StatusUnprocessableEntity: "Please check what you entered",
		http.StatusForbidden:           "This is not open to you",
		http.StatusTooManyRequests:     "Please wait a little",
		http.StatusConflict:            "That clashes with something that exists",
		http.StatusNotImplemented:      "Not available yet",
	}[status]
	s.renderMessage(w, r, status, title, roundtable.ErrorMessage(err))
}

// renderNotFound shows the friendly 404 page.
func (s *Server) renderNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderMessage(w, r, http.StatusNotFound, "We could not find that page",
		"The link may be mistyped, or the page may not be shared with you. If someone sent you this link, ask them to check it.")
}

// handleNotFound answers every URL no other route matches.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	s.renderNotFound(w, r)
	return nil
}
