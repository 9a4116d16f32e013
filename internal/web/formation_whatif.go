package web

import (
	"fmt"
	"maps"
	"slices"

	"github.com/roundtable/roundtable"
)

// whatIfView is the "What would place more people?" block of the formation
// pages: re-runs of placement with one setting changed, in sentences.
type whatIfView struct {
	Pending   bool
	Link      string // the draft the figures come from (settings page only)
	Intro     string
	Sentences []string
	Stale     string // why the figures may no longer hold, or ""
	// Again holds the proposal's settings as form fields, to propose again
	// with today's applicants when the figures are stale.
	Again  []hiddenField
	Action string
}

// hiddenField is one hidden input of a form.
type hiddenField struct{ Name, Value string }

// draftWhatIf is the block of a draft's preview: shown while some people are
// unplaced and the draft can still change.
func draftWhatIf(pv *roundtable.FormationPreview) *whatIfView {
	d := pv.Draft
	w := d.WhatIf
	if w == nil || d.Status != roundtable.FormationReady || len(pv.Unplaced) == 0 {
		return nil
	}
	if w.Pending {
		return &whatIfView{Pending: true}
	}
	v := &whatIfView{Sentences: w.Sentences(),
		Intro: fmt.Sprintf("The search placed %d of %s. Placing everyone again with one change each:", w.Placed, plural(w.People, "person", "people"))}
	if len(v.Sentences) == 0 {
		return nil
	}
	return v
}

// settingsWhatIf is the block of the settings page: the what-ifs of the
// newest ready proposal, with a warning when the people waiting have changed.
func settingsWhatIf(programID string, drafts []*roundtable.FormationDraft, waiting int) *whatIfView {
	var d *roundtable.FormationDraft
	for _, x := range drafts {
		if x.Status == roundtable.FormationReady {
			d = x
			break
		}
	}
	if d == nil || d.WhatIf == nil {
		return nil
	}
	w, link := d.WhatIf, draftPath(programID, d.ID)
	if w.Pending {
		return &whatIfView{Pending: true, Link: link}
	}
	s := &d.Settings
	apart := "organizations mixed"
	if s.SeparateOrganizations {
		apart = "organizations kept apart"
	}
	v := &whatIfView{Link: link, Sentences: w.Sentences(),
		Intro: fmt.Sprintf("Your proposal of %s UTC (circles of %d–%d, %d-minute sessions, %s) placed %d of %s. Placing them again with one change each:",
			d.CreatedAt.Format("2 January, 15:04"), s.SizeMin, s.SizeMax, s.SessionMinutes, apart, w.Placed, plural(w.People, "person", "people"))}
	if len(v.Sentences) == 0 || w.Placed == w.People {
		return nil
	}
	if waiting != w.People {
		v.Stale = fmt.Sprintf("The number of people waiting has changed since (%d then, %d now): propose again for figures with today's applicants.", w.People, waiting)
		v.Action = "/programs/" + programID + "/formation"
		vals := settingsValues(s)
		names := slices.Sorted(maps.Keys(vals))
		for _, k := range names {
			v.Again = append(v.Again, hiddenField{k, vals.Get(k)})
		}
	}
	return v
}
