package sqldb

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable"
)

// organizedPrograms is the condition "the program of column col is one the
// actor organizes", with the actor's admin flag as $1 and user ID as $2.
func organizedPrograms(col string) string {
	return `(CAST($1 AS INTEGER) = 1 OR ` + col + ` IN (SELECT o.program_id FROM program_organizers o WHERE o.user_id = $2))`
}

// ListProgramTodos gathers what needs doing in every program the caller
// organizes in four queries, each over all those programs at once.
func (s *ProgramService) ListProgramTodos(ctx context.Context) (map[string]*roundtable.ProgramTodo, error) {
	a := actorOf(ctx)
	if a.user == nil && !a.system {
		return nil, errSignIn()
	}
	out := map[string]*roundtable.ProgramTodo{}
	err := s.db.view(ctx, func(tx *Tx) error {
		who := []any{flag(a.admin()), a.id()}
		steps := []func(context.Context, *Tx, []any, map[string]*roundtable.ProgramTodo) error{
			todoPrograms, todoApplicants, todoCircles, todoAgendas,
		}
		for _, step := range steps {
			if err := step(ctx, tx, who, out); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// todoPrograms starts an empty entry for every organized program.
func todoPrograms(ctx context.Context, tx *Tx, who []any, out map[string]*roundtable.ProgramTodo) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.id FROM programs p WHERE `+organizedPrograms("p.id"), who...)
	if err != nil {
		return fmt.Errorf("list organized programs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		out[id] = &roundtable.ProgramTodo{}
	}
	return rows.Err()
}

// todoApplicants counts applicants waiting for review and accepted people in
// no circle.
func todoApplicants(ctx context.Context, tx *Tx, who []any, out map[string]*roundtable.ProgramTodo) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT a.program_id,
			SUM(CASE WHEN a.status = 'pending' THEN 1 ELSE 0 END),
			SUM(CASE WHEN a.status = 'accepted' AND a.circle_id IS NULL THEN 1 ELSE 0 END)
		FROM applicants a WHERE `+organizedPrograms("a.program_id")+`
		GROUP BY a.program_id`, who...)
	if err != nil {
		return fmt.Errorf("count applicants to do: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var pending, unplaced int
		if err := rows.Scan(&id, &pending, &unplaced); err != nil {
			return err
		}
		if t := out[id]; t != nil {
			t.Pending, t.Unplaced = pending, unplaced
		}
	}
	return rows.Err()
}

// todoCircles lists circles without a facilitator and notes whether any
// circle has members.
func todoCircles(ctx context.Context, tx *Tx, who []any, out map[string]*roundtable.ProgramTodo) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT c.program_id, c.id, c.name,
			EXISTS (SELECT 1 FROM circle_members m WHERE m.circle_id = c.id AND m.role = 'facilitator'),
			EXISTS (SELECT 1 FROM circle_members m WHERE m.circle_id = c.id AND m.role = 'member')
		FROM circles c WHERE `+organizedPrograms("c.program_id")+`
		ORDER BY c.name, c.id`, who...)
	if err != nil {
		return fmt.Errorf("list circles to do: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid string
		var ref roundtable.CircleRef
		var facilitated, members bool
		if err := rows.Scan(&pid, &ref.ID, &ref.Name, &facilitated, &members); err != nil {
			return err
		}
		t := out[pid]
		if t == nil {
			continue
		}
		if !facilitated {
			t.NoFacilitator = append(t.NoFacilitator, ref)
		}
		t.CirclesMeet = t.CirclesMeet || members
	}
	return rows.Err()
}

// todoAgendas lists the meetings of the coming week that are not cancelled
// and have neither timed parts nor an agenda text. Only whether an agenda
// exists is read, never what it says.
func todoAgendas(ctx context.Context, tx *Tx, who []any, out map[string]*roundtable.ProgramTodo) error {
	args := append(append([]any{}, who...), ms(tx.now), ms(tx.now.Add(roundtable.TodoWindow)))
	rows, err := tx.QueryContext(ctx, `
		SELECT c.program_id, m.id, c.id, c.name, m.starts_at,
			EXISTS (SELECT 1 FROM circle_members f WHERE f.circle_id = c.id AND f.user_id = $2 AND f.role = 'facilitator')
		FROM meetings m JOIN circles c ON c.id = m.circle_id
		WHERE `+organizedPrograms("c.program_id")+`
			AND m.cancelled_at IS NULL AND m.starts_at >= $3 AND m.starts_at < $4 AND m.agenda = ''
			AND NOT EXISTS (SELECT 1 FROM meeting_segments s WHERE s.meeting_id = m.id)
		ORDER BY m.starts_at, m.id`, args...)
	if err != nil {
		return fmt.Errorf("list meetings without agenda: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid string
		var g roundtable.AgendaGap
		var starts int64
		if err := rows.Scan(&pid, &g.MeetingID, &g.CircleID, &g.CircleName, &starts, &g.Facilitating); err != nil {
			return err
		}
		g.StartsAt = fromMS(starts)
		if t := out[pid]; t != nil {
			t.NoAgenda = append(t.NoAgenda, g)
		}
	}
	return rows.Err()
}
