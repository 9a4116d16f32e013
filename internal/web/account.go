package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/roundtable/roundtable"
)

// accountPage holds the profile form, the password form, the choice of
// messages and the calendar feed address.
type accountPage struct {
	layoutData
	Form         *form
	PasswordForm *form
	// NeedsCurrent is set when the password form asks for the current
	// password; NeedsLink when the person has none and must first sign in
	// with a link (see roundtable.PasswordLinkWindow).
	NeedsCurrent bool
	NeedsLink    bool
	Sessions     []sessionView // where the person is signed in
	Zone         string        // the zone times are shown in
	Messages     []messageChoice
	// Delivery is her choice of e-mails about her circles' discussions.
	Delivery   roundtable.DiscussionDelivery
	Deliveries []roundtable.DiscussionDelivery
	FeedURL    string // https address of the person's calendar feed
	// WebcalURL is the same with webcal://, which calendar programs open. It
	// is made of the site's address and a URL-safe secret, so it is marked
	// safe for html/template, which would otherwise refuse the scheme.
	WebcalURL template.URL
}

// messageChoice is one checkbox of the messages form.
type messageChoice struct {
	Kind  roundtable.NotificationKind
	Label string
	Hint  string
	On    bool
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, f, pf *form) error {
	pf.Values.Del("password")
	pf.Values.Del("current_password")
	p := &accountPage{layoutData: layoutData{Title: "Your account", Nav: "account"}, Form: f, PasswordForm: pf}
	var err error
	if err := s.accountSessions(r, p); err != nil {
		return err
	}
	if p.Messages, err = s.messageChoices(r); err != nil {
		return err
	}
	if p.Delivery, err = s.svc.Discussion.DiscussionDelivery(r.Context()); err != nil {
		return err
	}
	p.Deliveries = roundtable.DiscussionDeliveries
	secret, err := s.svc.Calendar.FeedSecret(r.Context())
	if err != nil {
		return fmt.Errorf("calendar feed: %w", err)
	}
	p.FeedURL = s.absURL(roundtable.CalendarFeedPath(secret))
	p.WebcalURL = template.URL("webcal://" + strings.TrimPrefix(strings.TrimPrefix(p.FeedURL, "https://"), "http://"))
	s.render(w, r, status, "account", p)
	return nil
}

// messageChoices returns the kinds of messages the person may turn off, with
// their current choice. Answers to meetings concern facilitators only, so
// others do not see that choice.
func (s *Server) messageChoices(r *http.Request) ([]messageChoice, error) {
	prefs, err := s.svc.Notifications.NotificationPrefs(r.Context())
	if err != nil {
		return nil, fmt.Errorf("message preferences: %w", err)
	}
	facilitates, err := s.facilitatesACircle(r)
	if err != nil {
		return nil, err
	}
	var out []messageChoice
	for _, k := range roundtable.NotificationKinds {
		if k == roundtable.NotifyRSVP && !facilitates {
			continue
		}
		out = append(out, messageChoice{Kind: k, Label: k.Label(), Hint: k.Hint(), On: prefs.On(k)})
	}
	return out, nil
}

// facilitatesACircle reports whether the signed-in person facilitates a circle.
func (s *Server) facilitatesACircle(r *http.Request) (bool, error) {
	circles, err := s.svc.Circles.ListMyCircles(r.Context())
	if err != nil {
		return false, fmt.Errorf("list circles: %w", err)
	}
	for _, c := range circles {
		h, err := s.svc.Circles.FindCircleWelcome(r.Context(), c.ID)
		if err != nil {
			if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
				continue
			}
			return false, fmt.Errorf("find membership: %w", err)
		}
		if isFacilitator(h) {
			return true, nil
		}
	}
	return false, nil
}

// profileForm is the details form filled from the user.
func profileForm(u *roundtable.User) *form {
	return newForm(url.Values{"name": {u.Name}, "time_zone": {u.TimeZone}}, "name", "time_zone")
}

// passwordForm is the empty password form.
func passwordForm() *form { return newForm(nil, "current_password", "password") }

// handleAccountShow shows the signed-in person's details.
func (s *Server) handleAccountShow(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	return s.renderAccount(w, r, http.StatusOK, profileForm(u), passwordForm())
}

// handleAccountUpdate saves the name and time zone.
func (s *Server) handleAccountUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	f := newForm(r.PostForm, "name", "time_zone")
	if msg := roundtable.ValidateTimeZone(f.text("time_zone")); msg != "" {
		f.add("time_zone", msg)
	}
	if f.text("name") == "" {
		f.add("name", "Enter your name.")
	}
	var err error
	if !f.Invalid() {
		_, err = s.svc.Users.UpdateProfile(r.Context(), f.text("name"), f.text("time_zone"))
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, f, passwordForm())
	} else if err != nil {
		return fmt.Errorf("update profile: %w", err)
	}
	return s.notice(w, r, "/account", "Your details are saved.")
}

// handleAccountMessages saves which messages the person receives. The form
// lists the kinds it showed (field "kinds"), so a choice the page did not
// offer is left as it was; a shown box left unticked turns its kind off.
func (s *Server) handleAccountMessages(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	// The discussion's choice, when the page has it (an older one may not).
	d, withDelivery := roundtable.DiscussionDelivery(r.PostForm.Get("delivery")), r.PostForm.Has("delivery")
	if withDelivery && !d.Valid() {
		s.setFlash(w, flashError, "Choose one of the three ways to hear about new posts. Nothing was saved.")
		redirect(w, r, "/account#messages")
		return nil
	}
	prefs := roundtable.NotificationPrefs{}
	for _, k := range r.PostForm["kinds"] {
		kind := roundtable.NotificationKind(k)
		if !kind.Valid() {
			continue // a page from an older version; nothing to save for it
		}
		prefs[kind] = r.PostForm.Get("on_"+k) != ""
	}
	if err := s.svc.Notifications.SetNotificationPrefs(r.Context(), prefs); err != nil {
		return fmt.Errorf("save message preferences: %w", err)
	}
	if withDelivery {
		if err := s.svc.Discussion.SetDiscussionDelivery(r.Context(), d); err != nil {
			return err
		}
	}
	return s.notice(w, r, "/account#messages", "Your choice of messages is saved.")
}
