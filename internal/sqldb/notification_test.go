package sqldb_test

import (
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

func TestNotificationService(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := sqldb.NewNotificationService(e.db)
		_, err := s.NotificationPrefs(anon)
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		wantCode(t, s.SetNotificationPrefs(anon, roundtable.NotificationPrefs{roundtable.NotifyNotes: false}), roundtable.EUNAUTHORIZED)

		u := e.user("Una", "una@example.org", false, false)
		other := e.user("Otto", "otto@example.org", false, false)
		prefs, err := s.NotificationPrefs(as(u))
		must(t, err)
		for _, k := range roundtable.NotificationKinds {
			if on, ok := prefs[k]; !ok || !on {
				t.Errorf("kind %s: got (%v, %v), want on by default", k, on, ok)
			}
		}
		must(t, s.SetNotificationPrefs(as(u), roundtable.NotificationPrefs{roundtable.NotifyReminderDay: false, roundtable.NotifyPolls: false}))
		must(t, s.SetNotificationPrefs(as(u), roundtable.NotificationPrefs{roundtable.NotifyPolls: true}))
		prefs, err = s.NotificationPrefs(as(u))
		must(t, err)
		if prefs.On(roundtable.NotifyReminderDay) || !prefs.On(roundtable.NotifyPolls) || !prefs.On(roundtable.NotifyReminderWeek) {
			t.Errorf("got %v, want only the day reminder off", prefs)
		}
		theirs, err := s.NotificationPrefs(as(other))
		must(t, err)
		if !theirs.On(roundtable.NotifyReminderDay) {
			t.Errorf("one person's choice changed another's: %v", theirs)
		}
		wantCode(t, s.SetNotificationPrefs(as(u), roundtable.NotificationPrefs{"invitation": false}), roundtable.EINVALID)
	})
}
