package sqldb_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/roundtable/roundtable"
)

func TestUserService_CreateFirstAdmin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		n, err := e.users.CountUsers(anon)
		must(t, err)
		if n != 0 {
			t.Fatalf("got %d users, want 0", n)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			err := e.users.CreateFirstAdmin(anon, &roundtable.User{Name: "", Email: "nope", TimeZone: "Mars/Base"}, "short")
			wantCode(t, err, roundtable.EINVALID)
			for _, f := range []string{"name", "email", "time_zone", "password"} {
				if roundtable.ErrorFields(err)[f] == "" {
					t.Errorf("got no message for %s, want one", f)
				}
			}
		})
		u := &roundtable.User{Name: "Ada Admin", Email: " Ada@Example.org ", TimeZone: "Europe/London"}
		must(t, e.users.CreateFirstAdmin(anon, u, "a very good password"))
		if !u.IsAdmin || !u.CanOrganize || !u.HasPassword || u.Email != "ada@example.org" || u.ID == "" {
			t.Fatalf("got %+v, want an administrator and organizer with a password and a lower-case e-mail", u)
		}
		t.Run("ErrConflict", func(t *testing.T) {
			err := e.users.CreateFirstAdmin(anon, &roundtable.User{Name: "Eve", Email: "eve@example.org", TimeZone: "UTC"}, "a very good password")
			wantCode(t, err, roundtable.ECONFLICT)
		})
		got, err := e.users.FindUserByID(as(u), u.ID)
		must(t, err)
		if got.Email != u.Email || !got.IsAdmin || !got.CreatedAt.Equal(start) {
			t.Fatalf("got %+v, want %+v", got, u)
		}
	})
}

func TestUserService_CreateUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		admin := e.user("Ada", "ada@example.org", true, true)
		plain := e.user("Paul", "paul@example.org", false, false)

		t.Run("ErrForbidden", func(t *testing.T) {
			wantCode(t, e.users.CreateUser(as(plain), &roundtable.User{Name: "X", Email: "x@example.org"}, ""), roundtable.EFORBIDDEN)
			wantCode(t, e.users.CreateUser(anon, &roundtable.User{Name: "X", Email: "x@example.org"}, ""), roundtable.EFORBIDDEN)
		})
		t.Run("ErrConflict", func(t *testing.T) {
			err := e.users.CreateUser(as(admin), &roundtable.User{Name: "Paul 2", Email: "PAUL@example.org"}, "")
			wantCode(t, err, roundtable.ECONFLICT)
			if roundtable.ErrorFields(err)["email"] == "" {
				t.Fatalf("got %v, want a message on email", err)
			}
		})
		t.Run("NoPassword", func(t *testing.T) {
			u := &roundtable.User{Name: "Link Only", Email: "link@example.org"}
			must(t, e.users.CreateUser(as(admin), u, ""))
			if u.HasPassword || u.TimeZone != "UTC" {
				t.Fatalf("got %+v, want no password and UTC", u)
			}
		})
		t.Run("List", func(t *testing.T) {
			users, err := e.users.ListUsers(as(admin))
			must(t, err)
			if len(users) != 3 {
				t.Fatalf("got %d users, want 3", len(users))
			}
			_, err = e.users.ListUsers(as(plain))
			wantCode(t, err, roundtable.EFORBIDDEN)
		})
		t.Run("FindOthers", func(t *testing.T) {
			_, err := e.users.FindUserByID(as(plain), admin.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = e.users.FindUserByID(as(admin), "not-an-id")
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = e.users.FindUserByID(sys, "0190f5b2-8c3e-7000-8000-000000000000")
			wantCode(t, err, roundtable.ENOTFOUND)
		})
	})
}

func TestUserService_UpdateProfile(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		u := e.user("Paul", "paul@example.org", false, false)
		got, err := e.users.UpdateProfile(as(u), "  Paul Newman ", "America/New_York")
		must(t, err)
		if got.Name != "Paul Newman" || got.TimeZone != "America/New_York" {
			t.Fatalf("got %q %q, want Paul Newman America/New_York", got.Name, got.TimeZone)
		}
		_, err = e.users.UpdateProfile(as(u), "", "Nowhere")
		wantCode(t, err, roundtable.EINVALID)
		_, err = e.users.UpdateProfile(anon, "X", "UTC")
		wantCode(t, err, roundtable.EUNAUTHORIZED)
	})
}

// TestUserService_CreateFirstAdmin_Race lets several first visitors set up
// the installation at once: exactly one becomes administrator.
func TestUserService_CreateFirstAdmin_Race(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		const visitors = 6
		errs := make(chan error, visitors)
		var start sync.WaitGroup
		start.Add(1)
		for i := range visitors {
			go func() {
				start.Wait()
				u := &roundtable.User{Name: fmt.Sprintf("Visitor %d", i), Email: fmt.Sprintf("v%d@example.org", i), TimeZone: "UTC"}
				errs <- e.users.CreateFirstAdmin(anon, u, "a very good password")
			}()
		}
		start.Done()
		ok := 0
		for range visitors {
			switch err := <-errs; roundtable.ErrorCode(err) {
			case "":
				ok++
			case roundtable.ECONFLICT:
			default:
				t.Errorf("got %v, want success or ECONFLICT", err)
			}
		}
		n, err := e.users.CountUsers(anon)
		must(t, err)
		if ok != 1 || n != 1 {
			t.Fatalf("got %d administrators created and %d users, want 1 and 1", ok, n)
		}
	})
}
