package sqldb

import (
	"context"

	"github.com/roundtable/roundtable/grouping"
)

// WaitingPeopleForTest returns a program's people waiting to be placed, as a
// formation run hands them to the engine.
func WaitingPeopleForTest(ctx context.Context, db *DB, programID string) ([]grouping.Person, error) {
	var people []grouping.Person
	err := db.view(ctx, func(tx *Tx) error {
		aps, err := waitingApplicants(ctx, tx, programID)
		people, _, _ = peopleOf(aps)
		return err
	})
	return people, err
}
