package sqldb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
)

// A ready draft's what-ifs are re-runs of placement with one setting changed,
// made in the background after the draft's own run so the preview shows them
// without waiting. Until they are stored the draft holds a pending marker; a
// marker left by a server that stopped meanwhile expires on read.

// pendingWhatIf is the marker stored with a ready draft until its re-runs end.
func pendingWhatIf(people, placed int) string {
	raw, _ := json.Marshal(roundtable.FormationWhatIfs{Pending: true, People: people, Placed: placed})
	return string(raw)
}

// whatIfs makes the re-runs of draft d, whose run placed f's people, and
// stores them. A stopped service stores nothing; the marker expires.
func (s *FormationService) whatIfs(_ context.Context, d *roundtable.FormationDraft, people []grouping.Person, f *grouping.Formation) {
	runs := d.Settings.WhatIfRuns(len(people))
	ctx, cancel := context.WithTimeout(s.base, time.Duration(len(runs)+1)*roundtable.WhatIfBudget(d.Settings.Seconds))
	defer cancel()
	w := roundtable.RunWhatIfs(ctx, people, &d.Settings, roundtable.PlacedIn(f))
	if w == nil {
		return
	}
	raw, err := json.Marshal(w)
	if err != nil {
		s.db.log.Error("encode what-ifs", "draft", d.ID, "err", err)
		return
	}
	save, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	err = s.db.update(save, func(tx *Tx) error {
		_, err := tx.ExecContext(save, `UPDATE formation_drafts SET what_if = $1 WHERE id = $2`, string(raw), d.ID)
		return err
	})
	if err != nil {
		s.db.log.Error("save what-ifs", "draft", d.ID, "err", err)
	}
}

// expireWhatIf forgets the pending marker of a draft whose re-runs should
// have ended long ago: the server making them stopped.
func (s *FormationService) expireWhatIf(d *roundtable.FormationDraft) {
	if d == nil || d.WhatIf == nil || !d.WhatIf.Pending {
		return
	}
	limit := d.CreatedAt.Add(time.Duration(d.Settings.Seconds)*time.Second + 4*roundtable.WhatIfBudget(d.Settings.Seconds) + staleMargin)
	if s.db.clock().After(limit) {
		d.WhatIf = nil
	}
}
