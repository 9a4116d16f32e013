package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/roundtable/roundtable"
)

// FindProgramPage reads the program page in one transaction: the program
// with the check that the caller organizes it, the applicants by status,
// the circles, the upcoming meetings and the meetings soon without an
// agenda. The to-do card reuses the counts and the circles rather than
// asking again.
func (s *ProgramService) FindProgramPage(ctx context.Context, id string) (*roundtable.ProgramPage, error) {
	a := actorOf(ctx)
	if !validID(id) || (a.user == nil && !a.system) {
		return nil, notFound("program")
	}
	pg := &roundtable.ProgramPage{
		Stats: &roundtable.ProgramStats{ByStatus: map[roundtable.ApplicantStatus]int{}},
		Todo:  &roundtable.ProgramTodo{},
	}
	err := s.db.view(ctx, func(tx *Tx) error {
		var err error
		if pg.Program, err = organizedProgram(ctx, tx, a, id); err != nil {
			return err
		}
		if err := pageApplicants(ctx, tx, id, pg); err != nil {
			return err
		}
		sums, err := listCircleSummaries(ctx, tx, id)
		if err != nil {
			return err
		}
		pg.Circles = summariesOf(sums)
		pg.Stats.Circles = len(sums)
		for _, c := range sums {
			pg.Stats.PlacedMembers += c.MemberCount
			pg.Todo.CirclesMeet = pg.Todo.CirclesMeet || c.MemberCount > 0
			if !c.facilitated {
				pg.Todo.NoFacilitator = append(pg.Todo.NoFacilitator, roundtable.CircleRef{ID: c.ID, Name: c.Name})
			}
		}
		// The to-do card lists circles by name, then ID.
		slices.SortStableFunc(pg.Todo.NoFacilitator, func(x, y roundtable.CircleRef) int {
			return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
		})
		return upcomingMeetings(ctx, tx, a, id, pg)
	})
	if err != nil {
		return nil, err
	}
	return pg, nil
}

// organizedProgram returns a program the actor organizes, checked in the
// same query that reads it, or ENOTFOUND.
func organizedProgram(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.Program, error) {
	p, err := scanProgram(tx.QueryRowContext(ctx, `
		SELECT `+programColumns+` FROM programs p
		WHERE p.id = $1 AND (CAST($2 AS INTEGER) = 1 OR EXISTS (
			SELECT 1 FROM program_organizers o WHERE o.program_id = p.id AND o.user_id = $3))`,
		id, flag(a.admin()), a.id()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("program")
	} else if err != nil {
		return nil, fmt.Errorf("find program: %w", err)
	}
	return p, nil
}

// pageApplicants counts a program's applicants by status, and those
// accepted but in no circle, in one pass.
func pageApplicants(ctx context.Context, tx *Tx, id string, pg *roundtable.ProgramPage) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT status, COUNT(*), SUM(CASE WHEN circle_id IS NULL THEN 1 ELSE 0 END)
		FROM applicants WHERE program_id = $1 GROUP BY status`, id)
	if err != nil {
		return fmt.Errorf("count applicants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status roundtable.ApplicantStatus
		var n, unplaced int
		if err := rows.Scan(&status, &n, &unplaced); err != nil {
			return err
		}
		pg.Stats.ByStatus[status] = n
		pg.Stats.Applicants += n
		switch status {
		case roundtable.StatusPending:
			pg.Todo.Pending = n
		case roundtable.StatusAccepted:
			pg.Todo.Unplaced = unplaced
		}
	}
	return rows.Err()
}

// upcomingMeetings counts the program's upcoming meetings (not cancelled,
// not over) and lists, as todoAgendas does for one program, those of the
// coming week without an agenda, in one query: its first row is the count.
func upcomingMeetings(ctx context.Context, tx *Tx, a actor, id string, pg *roundtable.ProgramPage) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT 0, '', '', '', COUNT(*), 0
		FROM meetings x JOIN circles c ON c.id = x.circle_id
		WHERE c.program_id = $1 AND x.cancelled_at IS NULL AND x.starts_at + x.minutes * 60000 > $3
		UNION ALL
		SELECT 1, m.id, c.id, c.name, m.starts_at,
			CASE WHEN EXISTS (SELECT 1 FROM circle_members f WHERE f.circle_id = c.id AND f.user_id = $2 AND f.role = 'facilitator')
				THEN 1 ELSE 0 END
		FROM meetings m JOIN circles c ON c.id = m.circle_id
		WHERE c.program_id = $1
			AND m.cancelled_at IS NULL AND m.starts_at >= $3 AND m.starts_at < $4 AND m.agenda = ''
			AND NOT EXISTS (SELECT 1 FROM meeting_segments s WHERE s.meeting_id = m.id)
		ORDER BY 1, 5, 2`, id, a.id(), ms(tx.now), ms(tx.now.Add(roundtable.TodoWindow)))
	if err != nil {
		return fmt.Errorf("list upcoming meetings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, facilitating int
		var g roundtable.AgendaGap
		var n int64
		if err := rows.Scan(&kind, &g.MeetingID, &g.CircleID, &g.CircleName, &n, &facilitating); err != nil {
			return err
		}
		if kind == 0 {
			pg.Stats.UpcomingMeetings = int(n)
			continue
		}
		g.StartsAt, g.Facilitating = fromMS(n), facilitating == 1
		pg.Todo.NoAgenda = append(pg.Todo.NoAgenda, g)
	}
	return rows.Err()
}
