package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
)

// BackfillService implements roundtable.BackfillService. A proposal is not
// stored: applying one computes it again from the database in the same
// transaction and compares its version, so a proposal made from circles or
// people that changed since is refused. The engine is deterministic, which
// makes the two computations agree when nothing changed.
type BackfillService struct{ db *DB }

var _ roundtable.BackfillService = (*BackfillService)(nil)

// NewBackfillService returns the service that fills open seats.
func NewBackfillService(db *DB) *BackfillService { return &BackfillService{db: db} }

// seatMember is a member of a circle; applicant is nil for a member who has
// no application (it was deleted).
type seatMember struct {
	userID    string
	applicant *roundtable.Applicant
}

// seatCircle is a circle with its members and its view for the page.
type seatCircle struct {
	circle  *roundtable.Circle
	view    *roundtable.SeatCircle
	members []seatMember
}

// seats is everything a proposal is computed from, read in one transaction.
type seats struct {
	program  *roundtable.Program
	settings *roundtable.FormationSettings
	circles  []*seatCircle
	late     []*roundtable.Applicant
	waitlist []*roundtable.Applicant
}

// view returns what the page shows of the program's seats.
func (in *seats) view() *roundtable.OpenSeats {
	out := &roundtable.OpenSeats{LateJoiners: in.late, Waitlist: in.waitlist}
	for _, c := range in.circles {
		out.Circles = append(out.Circles, c.view)
	}
	return out
}

// loadSeats reads a program's circles, members, late joiners and waiting
// list for one of its organizers.
func loadSeats(ctx context.Context, tx *Tx, a actor, programID string) (*seats, error) {
	if err := requireOrganizer(ctx, tx, a, programID); err != nil {
		return nil, err
	}
	p, err := findProgram(ctx, tx, programID)
	if err != nil {
		return nil, err
	}
	in := &seats{program: p}
	if in.settings, err = backfillSettings(ctx, tx, p); err != nil {
		return nil, err
	}
	all, err := queryApplicants(ctx, tx, `SELECT `+applicantColumns+` FROM applicants a WHERE a.program_id = $1 ORDER BY a.created_at, a.id`, programID)
	if err != nil {
		return nil, err
	}
	byID := map[string]*roundtable.Applicant{}
	for _, ap := range all {
		byID[ap.ID] = ap
	}
	if err := loadSeatCircles(ctx, tx, in, byID); err != nil {
		return nil, err
	}
	// Someone who stepped away from her circle waits for no seat.
	away, err := queryStrings(ctx, tx, `
		SELECT d.applicant_id FROM circle_departures d JOIN circles c ON c.id = d.circle_id
		WHERE c.program_id = $1 AND d.applicant_id IS NOT NULL`, programID)
	if err != nil {
		return nil, fmt.Errorf("list departures: %w", err)
	}
	member := map[string]bool{}
	for _, id := range away {
		member[id] = true
	}
	for _, c := range in.circles {
		for _, m := range c.members {
			if m.applicant != nil {
				member[m.applicant.ID] = true
			}
		}
	}
	for _, ap := range all {
		switch {
		case anonymised(ap): // nobody left to invite
		case ap.Status == roundtable.StatusAccepted && ap.CircleID == "" && !member[ap.ID]:
			in.late = append(in.late, ap)
		case ap.Status == roundtable.StatusWaitlisted && !member[ap.ID]:
			in.waitlist = append(in.waitlist, ap)
		}
	}
	return in, nil
}

// loadSeatCircles reads the program's circles, by name, and their members.
func loadSeatCircles(ctx context.Context, tx *Tx, in *seats, byID map[string]*roundtable.Applicant) error {
	p := in.program
	rows, err := tx.QueryContext(ctx, `SELECT `+circleColumns+` FROM circles c WHERE c.program_id = $1 ORDER BY c.name, c.created_at, c.id`, p.ID)
	if err != nil {
		return fmt.Errorf("list circles: %w", err)
	}
	byCircle := map[string]*seatCircle{}
	for rows.Next() {
		c, err := scanCircle(rows)
		if err != nil {
			rows.Close()
			return err
		}
		sc := &seatCircle{circle: c, view: &roundtable.SeatCircle{ID: c.ID, Name: c.Name, TimeZone: c.TimeZone, Slot: c.Slot,
			Min: p.SizeMin, Max: p.SizeMax}}
		in.circles = append(in.circles, sc)
		byCircle[c.ID] = sc
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list circles: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `
		SELECT m.circle_id, m.user_id, COALESCE(m.applicant_id, '')
		FROM circle_members m JOIN circles c ON c.id = m.circle_id
		WHERE c.program_id = $1 AND m.role = 'member'
		ORDER BY m.circle_id, m.invited_at, m.user_id`, p.ID)
	if err != nil {
		return fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var circleID, userID, applicantID string
		if err := rows.Scan(&circleID, &userID, &applicantID); err != nil {
			return err
		}
		if sc := byCircle[circleID]; sc != nil {
			sc.members = append(sc.members, seatMember{userID: userID, applicant: byID[applicantID]})
			sc.view.Members++
		}
	}
	return rows.Err()
}

// backfillSettings returns the settings seats are filled with: those of the
// last published formation, so late joiners meet the rules the circles were
// formed by (organizations kept apart, weights…), with the program's sizes,
// dates, session length and zone of today.
func backfillSettings(ctx context.Context, tx *Tx, p *roundtable.Program) (*roundtable.FormationSettings, error) {
	s := roundtable.DefaultFormationSettings(p)
	var raw string
	err := tx.QueryRowContext(ctx, `SELECT settings FROM formation_drafts WHERE program_id = $1 AND status = 'published' ORDER BY created_at DESC, id DESC LIMIT 1`, p.ID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return nil, fmt.Errorf("last formation settings: %w", err)
	}
	var last roundtable.FormationSettings
	if json.Unmarshal([]byte(raw), &last) != nil {
		return s, nil
	}
	last.SizeMin, last.SizeMax, last.Circles = p.SizeMin, p.SizeMax, 0
	last.SessionMinutes, last.StartDate, last.EndDate, last.TimeZone = p.SessionMinutes, p.StartDate, p.EndDate, p.TimeZone
	if len(last.Weights) == 0 {
		last.Weights = s.Weights
	}
	return &last, nil
}

// FindOpenSeats returns the program's circles and who could fill them.
func (s *BackfillService) FindOpenSeats(ctx context.Context, programID string) (*roundtable.OpenSeats, error) {
	var out *roundtable.OpenSeats
	err := s.db.view(ctx, func(tx *Tx) error {
		in, err := loadSeats(ctx, tx, actorOf(ctx), programID)
		if err != nil {
			return err
		}
		out = in.view()
		return nil
	})
	return out, err
}

// ProposeBackfill proposes seats for the late joiners and the chosen
// waiting-list applicants.
func (s *BackfillService) ProposeBackfill(ctx context.Context, programID string, waitlisted []string) (*roundtable.BackfillProposal, error) {
	var out *roundtable.BackfillProposal
	err := s.db.view(ctx, func(tx *Tx) error {
		in, err := loadSeats(ctx, tx, actorOf(ctx), programID)
		if err != nil {
			return err
		}
		out, err = propose(ctx, in, waitlisted)
		return err
	})
	return out, err
}

// errStale is the answer to applying a proposal made from circles or people
// that changed since.
func errStale() error {
	return roundtable.Errorf(roundtable.ECONFLICT, "Circles or people changed since this proposal was made, so nobody was placed. Please look at the new proposal.")
}

// ApplyBackfill makes a proposal that is still current, in one transaction.
func (s *BackfillService) ApplyBackfill(ctx context.Context, programID string, req roundtable.BackfillRequest) (*roundtable.BackfillResult, error) {
	out := &roundtable.BackfillResult{}
	err := s.db.update(ctx, func(tx *Tx) error {
		in, err := loadSeats(ctx, tx, actorOf(ctx), programID)
		if err != nil {
			return err
		}
		prop, err := propose(ctx, in, req.Waitlisted)
		if code := roundtable.ErrorCode(err); code == roundtable.EINVALID {
			// The proposal was valid when it was made: someone left the
			// waiting list, or the last late joiner was placed meanwhile.
			return errStale()
		} else if err != nil {
			return err
		}
		if req.Version == "" || prop.Version != req.Version {
			return errStale()
		}
		return applyProposal(ctx, tx, in, prop, req.Moves, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// applyProposal moves members (when moves is set) and places newcomers, each
// with the invitation placing someone by hand sends.
func applyProposal(ctx context.Context, tx *Tx, in *seats, prop *roundtable.BackfillProposal, moves bool, out *roundtable.BackfillResult) error {
	if prop.Direct() == 0 && (!moves || len(prop.Placements) == 0) {
		if len(prop.Placements) == 0 {
			return roundtable.Errorf(roundtable.EINVALID, "Nobody in this proposal can be placed.")
		}
		return roundtable.Errorf(roundtable.EINVALID, "Nobody was placed: every seat in this proposal needs a member to move. Tick “Also move members” to make the moves.")
	}
	circles := map[string]*roundtable.Circle{}
	for _, c := range in.circles {
		circles[c.circle.ID] = c.circle
	}
	if moves {
		for _, m := range prop.Moves {
			if err := removeMember(ctx, tx, m.From.ID, m.UserID); roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
				return errStale()
			} else if err != nil {
				return err
			}
			ap := *m.Applicant
			ap.CircleID = ""
			if err := placeApplicant(ctx, tx, circles[m.To.ID], in.program, &ap); err != nil {
				return err
			}
			out.Moved++
		}
	}
	for _, pl := range prop.Placements {
		if pl.NeedsMove && !moves {
			continue
		}
		ap := *pl.Applicant
		if pl.FromWaitlist {
			if err := acceptWaitlisted(ctx, tx, &ap); err != nil {
				return err
			}
			out.Accepted++
		}
		if err := placeApplicant(ctx, tx, circles[pl.Circle.ID], in.program, &ap); err != nil {
			return err
		}
		out.Placed++
	}
	out.Invitations = out.Placed + out.Moved
	return nil
}

// acceptWaitlisted accepts an applicant who is still on the waiting list.
func acceptWaitlisted(ctx context.Context, tx *Tx, ap *roundtable.Applicant) error {
	res, err := tx.ExecContext(ctx, `UPDATE applicants SET status = 'accepted' WHERE id = $1 AND status = 'waitlisted'`, ap.ID)
	if err != nil {
		return fmt.Errorf("accept from waiting list: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("accept from waiting list: %w", err)
	} else if n != 1 {
		return errStale()
	}
	ap.Status = roundtable.StatusAccepted
	return nil
}
