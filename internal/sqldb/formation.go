package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
)

// FormationService implements roundtable.FormationService. Runs of the
// engine live in goroutines the service owns: Close stops them. With several
// app instances a run lives in the instance that started it; a draft left
// running past its budget (its instance stopped) is marked failed on read.
type FormationService struct {
	db *DB

	// quickWait is how long StartFormation waits for a run that fails at
	// once (settings no formation can meet), so the settings page can say why.
	quickWait time.Duration
	// progressEvery is the least time between two progress writes to a draft.
	progressEvery time.Duration

	mu     sync.Mutex
	closed bool
	runs   sync.WaitGroup
	stop   context.CancelFunc
	base   context.Context
}

var _ roundtable.FormationService = (*FormationService)(nil)

// NewFormationService returns the circle formation service.
func NewFormationService(db *DB) *FormationService {
	base, stop := context.WithCancel(context.Background())
	return &FormationService{db: db, quickWait: time.Second, progressEvery: time.Second, base: base, stop: stop}
}

// Close stops running searches (they save what they found so far) and waits
// for them. Call it before closing the database.
func (s *FormationService) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stop()
	s.runs.Wait()
}

// staleMargin is how long past its budget a running draft may stay running
// before a reader decides its run is lost.
const staleMargin = time.Minute

const draftColumns = `d.id, d.program_id, d.settings, d.status, d.progress, d.message, d.result, COALESCE(d.created_by, ''), d.created_at, d.updated_at, d.what_if`

func scanDraft(row interface{ Scan(...any) error }) (*roundtable.FormationDraft, error) {
	var d roundtable.FormationDraft
	var settings, result, whatIf string
	var created, updated int64
	if err := row.Scan(&d.ID, &d.ProgramID, &settings, &d.Status, &d.Progress, &d.Message, &result, &d.CreatedBy, &created, &updated, &whatIf); err != nil {
		return nil, err
	}
	if whatIf != "" {
		d.WhatIf = &roundtable.FormationWhatIfs{}
		if err := json.Unmarshal([]byte(whatIf), d.WhatIf); err != nil {
			return nil, fmt.Errorf("read draft what-ifs: %w", err)
		}
	}
	if err := json.Unmarshal([]byte(settings), &d.Settings); err != nil {
		return nil, fmt.Errorf("read draft settings: %w", err)
	}
	if result != "" {
		d.Result = &roundtable.FormationResult{}
		if err := json.Unmarshal([]byte(result), d.Result); err != nil {
			return nil, fmt.Errorf("read draft result: %w", err)
		}
	}
	d.CreatedAt, d.UpdatedAt = fromMS(created), fromMS(updated)
	return &d, nil
}

// organizedDraft returns a draft whose program the actor organizes, or ENOTFOUND.
func organizedDraft(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.FormationDraft, error) {
	if !validID(id) {
		return nil, notFound("draft")
	}
	d, err := scanDraft(tx.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM formation_drafts d WHERE d.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("draft")
	} else if err != nil {
		return nil, fmt.Errorf("find draft: %w", err)
	}
	if err := requireOrganizer(ctx, tx, a, d.ProgramID); err != nil {
		return nil, notFound("draft")
	}
	return d, nil
}

// waitingApplicants returns a program's accepted applicants not in a circle, oldest first.
func waitingApplicants(ctx context.Context, tx *Tx, programID string) ([]*roundtable.Applicant, error) {
	return queryApplicants(ctx, tx, `SELECT `+applicantColumns+` FROM applicants a
		WHERE a.program_id = $1 AND a.status = 'accepted' AND a.circle_id IS NULL AND a.anonymised_at IS NULL
		ORDER BY a.created_at, a.id`, programID)
}

func queryApplicants(ctx context.Context, tx *Tx, query string, args ...any) ([]*roundtable.Applicant, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list applicants: %w", err)
	}
	defer rows.Close()
	var out []*roundtable.Applicant
	for rows.Next() {
		ap, err := scanApplicant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ap)
	}
	return out, rows.Err()
}

// FormationDefaults returns the last run's settings (with the program's
// dates and session length of today), else the program's defaults.
func (s *FormationService) FormationDefaults(ctx context.Context, programID string) (*roundtable.FormationSettings, int, error) {
	var out *roundtable.FormationSettings
	var waiting int
	err := s.db.view(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), programID); err != nil {
			return err
		}
		p, err := findProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		out = roundtable.DefaultFormationSettings(p)
		var raw string
		err = tx.QueryRowContext(ctx, `SELECT settings FROM formation_drafts WHERE program_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, programID).Scan(&raw)
		if err == nil {
			var last roundtable.FormationSettings
			if json.Unmarshal([]byte(raw), &last) == nil {
				last.SessionMinutes, last.StartDate, last.EndDate, last.Seed = p.SessionMinutes, p.StartDate, p.EndDate, 0
				last.NeverAlone = p.NeverAloneKeys()
				out = &last
			}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("last draft settings: %w", err)
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM applicants WHERE program_id = $1 AND status = 'accepted' AND circle_id IS NULL`, programID).Scan(&waiting)
	})
	return out, waiting, err
}

// StartFormation stores a running draft and starts its search.
func (s *FormationService) StartFormation(ctx context.Context, programID string, set *roundtable.FormationSettings) (*roundtable.FormationDraft, error) {
	a := actorOf(ctx)
	set.TimeZone = clean(set.TimeZone)
	var d *roundtable.FormationDraft
	var people []*roundtable.Applicant
	err := s.db.update(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, a, programID); err != nil {
			return err
		}
		if err := set.Validate(); err != nil {
			return err
		}
		p, err := findProgram(ctx, tx, programID)
		if err != nil {
			return err
		}
		set.SessionMinutes, set.StartDate, set.EndDate = p.SessionMinutes, p.StartDate, p.EndDate
		set.NeverAlone = p.NeverAloneKeys()
		if set.Seed == 0 {
			set.Seed = rand.Uint64()>>1 | 1
		}
		if people, err = waitingApplicants(ctx, tx, programID); err != nil {
			return err
		}
		if len(people) == 0 {
			return roundtable.Errorf(roundtable.EINVALID, "Nobody is waiting to be placed. Accept applicants first; people already in a circle are left as they are.")
		}
		raw, err := json.Marshal(set)
		if err != nil {
			return fmt.Errorf("encode settings: %w", err)
		}
		d = &roundtable.FormationDraft{ID: newID(), ProgramID: programID, Settings: *set, Status: roundtable.FormationRunning,
			CreatedBy: a.id(), CreatedAt: tx.now, UpdatedAt: tx.now}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO formation_drafts (id, program_id, settings, status, progress, message, result, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 0, '', '', $5, $6, $7)`,
			d.ID, d.ProgramID, string(raw), string(d.Status), nullable(d.CreatedBy), ms(d.CreatedAt), ms(d.UpdatedAt))
		if err != nil {
			return fmt.Errorf("insert draft: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.finish(d.ID, nil, people, errors.New("formation service closed"))
		return s.reread(ctx, d)
	}
	s.runs.Add(1)
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer s.runs.Done()
		defer close(done)
		s.run(d, people)
	}()
	select {
	case <-done:
	case <-time.After(s.quickWait):
	case <-ctx.Done():
	}
	return s.reread(ctx, d)
}

// reread returns the draft as stored now.
func (s *FormationService) reread(ctx context.Context, d *roundtable.FormationDraft) (*roundtable.FormationDraft, error) {
	var out *roundtable.FormationDraft
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		out, err = scanDraft(tx.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM formation_drafts d WHERE d.id = $1`, d.ID))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reread draft: %w", err)
	}
	return out, nil
}

// run searches for circles and stores the result in the draft. Its context
// is the service's, not the request's: the search outlives the request.
func (s *FormationService) run(d *roundtable.FormationDraft, applicants []*roundtable.Applicant) {
	people, _, _ := peopleOf(applicants)
	gs := d.Settings.Grouping()
	var fraction atomic.Uint64 // the latest progress, in millionths
	gs.Progress = func(p grouping.FormProgress) { fraction.Store(uint64(p.Fraction * 1e6)) }
	budget := time.Duration(d.Settings.Seconds) * time.Second
	ctx, cancel := context.WithTimeout(s.base, budget+staleMargin/2)
	defer cancel()

	// Progress is written from here, at most once per progressEvery, so the
	// search never waits for the database.
	stopTicker := make(chan struct{})
	tickerDone := make(chan struct{})
	go func() {
		defer close(tickerDone)
		t := time.NewTicker(s.progressEvery)
		defer t.Stop()
		last := uint64(0)
		for {
			select {
			case <-stopTicker:
				return
			case <-t.C:
				if f := fraction.Load(); f != last {
					last = f
					s.saveProgress(ctx, d.ID, float64(f)/1e6)
				}
			}
		}
	}()
	f, err := grouping.Form(ctx, people, gs)
	close(stopTicker)
	<-tickerDone
	if s.finish(d.ID, f, applicants, err) {
		s.whatIfs(ctx, d, people, f)
	}
}

func (s *FormationService) saveProgress(ctx context.Context, id string, fraction float64) {
	err := s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE formation_drafts SET progress = $1, updated_at = $2 WHERE id = $3 AND status = 'running'`,
			fraction, ms(tx.now), id)
		return err
	})
	if err != nil && ctx.Err() == nil {
		s.db.log.Warn("save formation progress", "draft", id, "err", err)
	}
}

// finish stores a run's outcome: the result, or why it failed. It reports
// whether the draft is ready, its what-ifs pending.
func (s *FormationService) finish(id string, f *grouping.Formation, applicants []*roundtable.Applicant, runErr error) bool {
	status, message, result, whatIf := roundtable.FormationReady, "", "", ""
	var se *grouping.SettingsError
	switch {
	case errors.As(runErr, &se):
		status, message = roundtable.FormationFailed, se.Message
	case runErr != nil || f == nil:
		s.db.log.Error("form circles", "draft", id, "err", runErr)
		status, message = roundtable.FormationFailed, "The search for circles stopped with an error on our side. Please start again; if it happens again, tell your administrator."
	default:
		res := roundtable.FormationResult{Circles: [][]string{}, PlacedOptimal: f.PlacedOptimal}
		for _, c := range f.Circles {
			ids := make([]string, len(c.Members))
			for i, m := range c.Members {
				ids[i] = applicants[m].ID
			}
			res.Circles = append(res.Circles, ids)
		}
		for _, u := range f.Unplaced {
			res.Unplaced = append(res.Unplaced, roundtable.FormationUnplaced{ApplicantID: applicants[u.Person].ID, Reason: u.Reason})
		}
		raw, err := json.Marshal(res)
		if err != nil {
			status, message = roundtable.FormationFailed, "The result could not be saved. Please start again."
		}
		result = string(raw)
		whatIf = pendingWhatIf(len(applicants), roundtable.PlacedIn(f))
	}
	// A fresh context: the run's may have ended, and the outcome must be kept.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE formation_drafts SET status = $1, message = $2, result = $3, progress = 1, updated_at = $4, what_if = $5
			WHERE id = $6 AND status = 'running'`, string(status), message, result, ms(tx.now), whatIf, id)
		return err
	})
	if err != nil {
		s.db.log.Error("save formation result", "draft", id, "err", err)
		return false
	}
	return status == roundtable.FormationReady
}

// ListFormationDrafts returns a program's drafts, newest first, without results.
func (s *FormationService) ListFormationDrafts(ctx context.Context, programID string) ([]*roundtable.FormationDraft, error) {
	var out []*roundtable.FormationDraft
	err := s.db.view(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), programID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+draftColumns+` FROM formation_drafts d WHERE d.program_id = $1 ORDER BY d.created_at DESC, d.id DESC`, programID)
		if err != nil {
			return fmt.Errorf("list drafts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDraft(rows)
			if err != nil {
				return err
			}
			d.Result = nil
			out = append(out, d)
		}
		return rows.Err()
	})
	for _, d := range out {
		s.markStale(ctx, d)
		s.expireWhatIf(d)
	}
	return out, err
}

// markStale fails a draft that has been running well past its budget: the
// instance running it stopped.
func (s *FormationService) markStale(ctx context.Context, d *roundtable.FormationDraft) {
	if d.Status != roundtable.FormationRunning {
		return
	}
	limit := d.CreatedAt.Add(time.Duration(d.Settings.Seconds)*time.Second + staleMargin)
	if !s.db.clock().After(limit) {
		return
	}
	const msg = "This run stopped before it finished, perhaps because the server restarted. Please start a new run."
	err := s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE formation_drafts SET status = 'failed', message = $1, updated_at = $2 WHERE id = $3 AND status = 'running'`,
			msg, ms(tx.now), d.ID)
		return err
	})
	if err != nil {
		s.db.log.Warn("mark stale draft", "draft", d.ID, "err", err)
		return
	}
	d.Status, d.Message = roundtable.FormationFailed, msg
}
