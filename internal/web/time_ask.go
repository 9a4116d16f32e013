package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
)

// The way in for the unplaced: on a draft's preview each unplaced person's
// nearest weekly times with an "Ask" button; the person's own page (a link
// from the e-mail, no account) where she answers.

// waysView is what the "ways" partial of the preview draws for one person.
type waysView struct {
	Base    string // the draft's path
	U       *roundtable.PreviewUnplaced
	RefZone string // the draft's zone, the organizer's times
	CanAsk  bool   // a way needs a time she is not free yet, and the draft takes asks
	Loc     *time.Location
}

// Ways returns the ways-in partial's data of an unplaced person.
func (p *draftPage) Ways(u *roundtable.PreviewUnplaced) *waysView {
	v := &waysView{Base: p.Base, U: u, RefZone: p.Settings.TimeZone, Loc: time.UTC}
	if p.User != nil {
		v.Loc = p.User.Location()
	}
	st := p.Preview.Draft.Status
	if st == roundtable.FormationReady || st == roundtable.FormationPublished {
		for _, w := range u.Ways {
			v.CanAsk = v.CanAsk || w.Extra > 0
		}
	}
	return v
}

// When writes an instant in the organizer's zone: "7 December 2026 at 13:50 (Europe/Paris)".
func (v *waysView) When(t time.Time) string {
	return t.In(v.Loc).Format("2 January 2006 at 15:04") + " (" + v.Loc.String() + ")"
}

// handleFormationAsk e-mails an unplaced person the times that would place her.
func (s *Server) handleFormationAsk(w http.ResponseWriter, r *http.Request) error {
	p, pv, err := s.findDraft(r)
	if err != nil {
		return err
	}
	id := r.PostForm.Get("applicant_id")
	back := draftPath(p.ID, pv.Draft.ID) + "#circle-0"
	name := "The person"
	for _, u := range pv.Unplaced {
		if u.Applicant.ID == id {
			name = u.Applicant.Name
		}
	}
	ask, err := s.svc.TimeAsks.AskTimes(r.Context(), pv.Draft.ID, id)
	if code := roundtable.ErrorCode(err); code == roundtable.EINVALID || code == roundtable.ECONFLICT {
		s.setFlash(w, "error", roundtable.ErrorMessage(err))
		redirect(w, r, back)
		return nil
	} else if err != nil {
		return fmt.Errorf("ask times: %w", err)
	}
	u, _ := requireUser(r)
	when := ask.AskedAt.In(u.Location()).Format("2 January 2006 at 15:04")
	return s.notice(w, r, back, fmt.Sprintf("%s was asked by e-mail on %s about the times shown. The answer will show here.", name, when))
}

// timesPage is where an unplaced person answers an ask.
type timesPage struct {
	layoutData
	Ask    *roundtable.TimeAsk
	Action string
	Error  string // why her answer was not taken, in words for her
}

func (s *Server) renderTimes(w http.ResponseWriter, r *http.Request, status int, ask *roundtable.TimeAsk, problem string) {
	title := "Could you make one of these times?"
	if ask.AnsweredAt != nil {
		title = "Thank you for your answer"
	} else if !ask.Open {
		title = "This link has expired"
	}
	s.render(w, r, status, "times", &timesPage{
		layoutData: layoutData{Title: title},
		Ask:        ask, Action: "/times/" + url.PathEscape(r.PathValue("token")), Error: problem,
	})
}

// renderTimesGone explains that a link does not work.
func (s *Server) renderTimesGone(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "message", &messagePage{
		layoutData: layoutData{Title: "This link does not work"},
		Message:    "We could not find the question this link belongs to. Check that you copied the whole address from the e-mail, or ask the program's organizer to send it again.",
	})
}

// handleTimesShow shows the times she was asked about, or her answer.
func (s *Server) handleTimesShow(w http.ResponseWriter, r *http.Request) error {
	ask, err := s.svc.TimeAsks.FindTimeAsk(r.Context(), r.PathValue("token"))
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		s.renderTimesGone(w, r)
		return nil
	} else if err != nil {
		return fmt.Errorf("find ask: %w", err)
	}
	status := http.StatusOK
	if !ask.Open && ask.AnsweredAt == nil {
		status = http.StatusGone
	}
	s.renderTimes(w, r, status, ask, "")
	return nil
}

// handleTimesAnswer records her answer and shows what it did.
func (s *Server) handleTimesAnswer(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	choice := -1
	if c := r.PostForm.Get("choice"); c != "none" {
		n, err := strconv.Atoi(c)
		if err != nil {
			n = -2 // not a choice: the service says so
		}
		choice = n
	}
	_, err := s.svc.TimeAsks.AnswerTimeAsk(r.Context(), token, choice)
	switch roundtable.ErrorCode(err) {
	case "":
		redirect(w, r, "/times/"+url.PathEscape(token))
		return nil
	case roundtable.ENOTFOUND:
		s.renderTimesGone(w, r)
		return nil
	case roundtable.EINVALID, roundtable.ECONFLICT:
		ask, ferr := s.svc.TimeAsks.FindTimeAsk(r.Context(), token)
		if ferr != nil {
			s.renderTimesGone(w, r)
			return nil
		}
		s.renderTimes(w, r, http.StatusUnprocessableEntity, ask, roundtable.ErrorMessage(err))
		return nil
	}
	return fmt.Errorf("answer ask: %w", err)
}
