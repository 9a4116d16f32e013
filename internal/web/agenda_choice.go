package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/roundtable/roundtable"
)

// The agenda editor offers the built-in formats and the saved templates the
// reader may use, each with how it fits the meeting; these handlers apply
// one, and share or delete a template.

// formatChoice is a built-in format as the editor offers it.
type formatChoice struct {
	Key, Name, Description, Roles string
	Minutes                       int    // as fitted to this meeting
	Note                          string // when it fits the circle badly, or was shortened
	Unfit                         string // why it does not fit this meeting at all
}

// templateChoice is a saved template as the editor offers it.
type templateChoice struct {
	*roundtable.AgendaTemplate
	Minutes int    // as fitted to this meeting
	Note    string // shortened to fit
	Unfit   string // why it does not fit this meeting at all
	Mine    bool   // the reader may share, keep to herself or delete it
}

// fitNote says how a format or template fits the meeting: its minutes once
// fitted, a note when it had to be shortened, or why it cannot fit.
func fitNote(name string, segs []roundtable.Segment, minMinutes int, plan roundtable.AgendaPlan) (minutes int, note, unfit string) {
	usual := roundtable.TotalMinutes(roundtable.PlanAgenda(segs, plan))
	fitted, err := roundtable.FitAgenda(name, segs, minMinutes, plan)
	if err != nil {
		return usual, "", "Does not fit this meeting: " + roundtable.ErrorMessage(err)
	}
	minutes = roundtable.TotalMinutes(fitted)
	if minutes < usual {
		note = fmt.Sprintf("Shortened to fit this meeting: usually %d minutes.", usual)
	}
	return minutes, note, ""
}

// handleAgendaFormat applies a format or a saved template to the agenda.
func (s *Server) handleAgendaFormat(w http.ResponseWriter, r *http.Request) error {
	u, m, home, ag, err := s.editableAgenda(r)
	if err != nil {
		return err
	}
	source := newForm(r.PostForm, "source", "mode")
	add := r.PostForm.Get("mode") == "add"
	kind, key, _ := strings.Cut(r.PostForm.Get("source"), ":")
	var name string
	switch kind {
	case "format":
		f, ok := roundtable.FormatByKey(key)
		if !ok {
			source.add("source", "Choose a format or one of your templates.")
			break
		}
		name = f.Name
		err = s.svc.Agendas.ApplyFormat(r.Context(), m.ID, key, add)
	case "template":
		name = "your template"
		err = s.svc.Agendas.ApplyTemplate(r.Context(), m.ID, key, add)
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			err = nil
			source.add("source", "That template is no longer there. Choose another.")
		}
	default:
		source.add("source", "Choose a format or one of your templates.")
	}
	if err != nil {
		fields := roundtable.ErrorFields(err)
		if msg := fields["format"]; msg != "" {
			source.add("source", msg)
		} else if !source.fail(err) {
			return err
		}
	}
	if source.Invalid() {
		source.finish("")
		s.renderAgenda(w, r, http.StatusUnprocessableEntity, u, m, home, ag, rowsFromSegments(ag.Segments), nil, source, false)
		return nil
	}
	msg := "The agenda now follows " + name + ". Adjust any part below and save."
	if add {
		msg = "The parts of " + name + " are added at the end. Adjust any part below and save."
	}
	return s.notice(w, r, "/meetings/"+m.ID+"/agenda", msg)
}

// handleAgendaTemplateDelete deletes a template after one confirmation.
func (s *Server) handleAgendaTemplateDelete(w http.ResponseWriter, r *http.Request) error {
	_, m, _, _, err := s.editableAgenda(r)
	if err != nil {
		return err
	}
	id := r.PostForm.Get("template_id")
	if r.PostForm.Get("confirm") != "yes" {
		redirect(w, r, "/meetings/"+m.ID+"/agenda?delete="+url.QueryEscape(id))
		return nil
	}
	if err := s.svc.Agendas.DeleteAgendaTemplate(r.Context(), id); err != nil {
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			return s.inform(w, r, "/meetings/"+m.ID+"/agenda", "That template is no longer there.")
		}
		return err
	}
	return s.notice(w, r, "/meetings/"+m.ID+"/agenda", "Template deleted. Agendas made from it stay as they are.")
}

// handleAgendaTemplateShare shares one of the reader's templates with the
// program's facilitators, or keeps it to herself again.
func (s *Server) handleAgendaTemplateShare(w http.ResponseWriter, r *http.Request) error {
	_, m, _, _, err := s.editableAgenda(r)
	if err != nil {
		return err
	}
	shared := r.PostForm.Get("shared") == "program"
	if err := s.svc.Agendas.ShareAgendaTemplate(r.Context(), r.PostForm.Get("template_id"), shared); err != nil {
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			return s.inform(w, r, "/meetings/"+m.ID+"/agenda", "That template is no longer there.")
		}
		return err
	}
	if shared {
		return s.notice(w, r, "/meetings/"+m.ID+"/agenda", "Template shared: every facilitator of the program can now use it.")
	}
	return s.notice(w, r, "/meetings/"+m.ID+"/agenda", "Template kept to yourself: other facilitators no longer see it.")
}
