package sqldb

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/schedule"
)

// peopleOf maps applicants to the engine's people, in the same order. The
// free-text "not with" answer becomes Avoid: each entry (see
// roundtable.SplitAvoid) that equals another applicant's full name or e-mail,
// ignoring case, names that applicant. It also returns the pairs found and
// the entries that matched nobody here. Answers to the program's questions
// become Attrs; the engine reads only those its settings mark never-alone.
func peopleOf(applicants []*roundtable.Applicant) ([]grouping.Person, []roundtable.AvoidPair, []string) {
	byKey := map[string][]int{}
	for i, a := range applicants {
		for _, k := range []string{strings.ToLower(strings.Join(strings.Fields(a.Name), " ")), strings.ToLower(a.Email)} {
			if k != "" {
				byKey[k] = append(byKey[k], i)
			}
		}
	}
	people := make([]grouping.Person, len(applicants))
	var pairs []roundtable.AvoidPair
	var unmatched []string
	for i, a := range applicants {
		zone, err := roundtable.Zone(a.TimeZone)
		if err != nil {
			zone = time.UTC
		}
		week, _ := schedule.ParseWeek(a.Availability)
		p := grouping.Person{
			ID: a.ID, Name: a.Name, Level: int(a.Level), Organization: a.Organization, Sector: a.Sector,
			Industry: a.Industry, Function: a.Function, Zone: zone, Week: week,
			Attrs: a.Answers,
		}
		for _, entry := range roundtable.SplitAvoid(a.Avoid) {
			found := false
			for _, j := range byKey[entry] {
				if j == i || contains(p.Avoid, applicants[j].ID) {
					continue
				}
				found = true
				p.Avoid = append(p.Avoid, applicants[j].ID)
				pairs = append(pairs, roundtable.AvoidPair{Who: a.Name, NotWith: applicants[j].Name})
			}
			if !found && len(byKey[entry]) == 0 {
				unmatched = append(unmatched, a.Name+": "+entry)
			}
		}
		people[i] = p
	}
	return people, pairs, unmatched
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// draftPeople returns the draft's applicants in one order (circle members
// first, then the unplaced), the circles as indices into it, and the
// people found nowhere any more (deleted applications) by ID.
func draftPeople(ctx context.Context, tx *Tx, d *roundtable.FormationDraft) ([]*roundtable.Applicant, [][]int, []int, error) {
	all, err := queryApplicants(ctx, tx, `SELECT `+applicantColumns+` FROM applicants a WHERE a.program_id = $1`, d.ProgramID)
	if err != nil {
		return nil, nil, nil, err
	}
	byID := map[string]*roundtable.Applicant{}
	for _, a := range all {
		byID[a.ID] = a
	}
	var list []*roundtable.Applicant
	circles := make([][]int, len(d.Result.Circles))
	for ci, ids := range d.Result.Circles {
		circles[ci] = []int{}
		for _, id := range ids {
			if a, ok := byID[id]; ok {
				circles[ci] = append(circles[ci], len(list))
				list = append(list, a)
			}
		}
	}
	var unplaced []int
	for _, u := range d.Result.Unplaced {
		if a, ok := byID[u.ApplicantID]; ok {
			unplaced = append(unplaced, len(list))
			list = append(list, a)
		}
	}
	return list, circles, unplaced, nil
}

// FindFormationPreview returns a draft with its preview, scored afresh.
func (s *FormationService) FindFormationPreview(ctx context.Context, id string) (*roundtable.FormationPreview, error) {
	a := actorOf(ctx)
	var pv *roundtable.FormationPreview
	err := s.db.view(ctx, func(tx *Tx) error {
		d, err := organizedDraft(ctx, tx, a, id)
		if err != nil {
			return err
		}
		pv = &roundtable.FormationPreview{Draft: d}
		if d.Result == nil {
			return nil
		}
		return buildPreview(ctx, tx, pv)
	})
	if err != nil {
		return nil, err
	}
	s.markStale(ctx, pv.Draft)
	s.expireWhatIf(pv.Draft)
	return pv, nil
}

// buildPreview scores the draft's circles with the engine and describes them.
func buildPreview(ctx context.Context, tx *Tx, pv *roundtable.FormationPreview) error {
	d := pv.Draft
	list, circles, unplacedIdx, err := draftPeople(ctx, tx, d)
	if err != nil {
		return err
	}
	people, pairs, unmatched := peopleOf(list)
	pv.Avoid, pv.Unmatched = pairs, unmatched
	gs := d.Settings.Grouping()
	f, err := grouping.Evaluate(people, gs, circles)
	if err != nil {
		return fmt.Errorf("evaluate draft: %w", err)
	}
	p, err := findProgram(ctx, tx, d.ProgramID)
	if err != nil {
		return err
	}
	labelAlone(f, p)
	pv.Score, pv.Worst = f.Score, f.Worst
	rng := gs.Range
	for ci, c := range f.Circles {
		pc := &roundtable.PreviewCircle{Number: ci + 1, Scores: c.Scores, Problems: c.Problems}
		for i, sl := range c.Slots {
			if i == 5 {
				break
			}
			pc.Slots = append(pc.Slots, sl.String())
		}
		for _, m := range c.Members {
			pm := &roundtable.PreviewMember{Applicant: list[m], Explanation: f.Explain(people, gs, ci, m)}
			if len(c.Slots) > 0 {
				pm.LocalTime = schedule.LocalTimes(c.Slots[0], gs.Reference, people[m].Zone, rng).String()
			}
			pc.Members = append(pc.Members, pm)
		}
		pv.Circles = append(pv.Circles, pc)
	}
	reasons := map[string]string{}
	for _, u := range d.Result.Unplaced {
		reasons[u.ApplicantID] = u.Reason
	}
	for _, i := range unplacedIdx {
		pv.Unplaced = append(pv.Unplaced, &roundtable.PreviewUnplaced{Applicant: list[i], Reason: reasons[list[i].ID]})
	}
	if d.Status != roundtable.FormationPublished {
		for _, c := range circles {
			for _, i := range c {
				if msg := unavailable(list[i]); msg != "" {
					pv.Conflicts = append(pv.Conflicts, msg)
				}
			}
		}
	}
	return attachWays(ctx, tx, pv, people, list, gs, f)
}

// labelAlone names the questions in the circles' "only one of" facts by
// their labels ("Gender: Woman") rather than their keys, for the preview and
// the explanations made from them. Keys of questions since removed stay.
func labelAlone(f *grouping.Formation, p *roundtable.Program) {
	for ci := range f.Circles {
		alone := f.Circles[ci].Scores.Alone
		for i, fact := range alone {
			key, value, ok := strings.Cut(fact, ": ")
			if q := p.Question(key); ok && q != nil {
				alone[i] = q.Label + ": " + value
			}
		}
	}
}

// unavailable says why an applicant of a draft's circle can no longer be
// placed by it, or "".
func unavailable(a *roundtable.Applicant) string {
	switch {
	case a.CircleID != "":
		return a.Name + " has been placed in a circle since this draft was made."
	case a.Status != roundtable.StatusAccepted:
		return a.Name + " is no longer accepted (" + strings.ToLower(a.Status.Label()) + ")."
	}
	return ""
}
