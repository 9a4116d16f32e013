package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClock is a clock that moves only when told.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// throttledApp is an app whose sign-in throttle runs on a test clock.
func throttledApp(t *testing.T) (*app, *testClock) {
	a := newApp(t)
	clk := &testClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	a.srv.signins = newSignInThrottle(clk.Now)
	return a, clk
}

func (b *browser) signInWith(email, password string) *response {
	return b.post("/signin", url.Values{"email": {email}, "password": {password}})
}

var waitRE = regexp.MustCompile(`try again in (\d+) (seconds?|minutes)`)

// waitOf reads the wait a throttled answer states.
func waitOf(t *testing.T, r *response) time.Duration {
	t.Helper()
	m := waitRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("the answer states no wait; body: %s", snippet(r.Body))
	}
	n, _ := strconv.Atoi(m[1])
	unit := time.Second
	if m[2] == "minutes" {
		unit = time.Minute
	}
	if ra := r.Header.Get("Retry-After"); ra == "" {
		t.Errorf("no Retry-After header")
	}
	return time.Duration(n) * unit
}

func TestSignIn_Throttle(t *testing.T) {
	t.Run("AttackerDoesNotStopOwner", func(t *testing.T) {
		a, clk := throttledApp(t)
		a.user("mia@example.org", "Mia Member", false)
		attacker := a.browser()
		attacker.ip = "203.0.113.66"
		owner := a.browser()
		owner.ip = "198.51.100.20"

		var waits []time.Duration
		for failed := 0; failed < 50; {
			r := attacker.signInWith("mia@example.org", fmt.Sprintf("guess number %d", failed))
			switch r.Code {
			case http.StatusUnauthorized:
				failed++
				// The owner, at another address, is never held up.
				if failed%10 == 0 {
					owner.signInWith("mia@example.org", testPassword).want(t, http.StatusSeeOther)
				}
			case http.StatusTooManyRequests:
				r.contains(t, "Too many tries from here")
				d := waitOf(t, r)
				if n := len(waits); n > 0 && d < waits[n-1] {
					t.Fatalf("wait %d is %v, shorter than the one before (%v)", n+1, d, waits[n-1])
				}
				waits = append(waits, d)
				// Even the right password waits, from the address that failed.
				attacker.signInWith("mia@example.org", testPassword).want(t, http.StatusTooManyRequests)
				clk.Add(d)
			default:
				t.Fatalf("try after %d failures: got %d", failed, r.Code)
			}
		}
		if len(waits) < 40 {
			t.Fatalf("got %d waits in 50 failures, want one before nearly every try: %v", len(waits), waits)
		}
		if waits[0] != time.Second || waits[1] != 2*time.Second || waits[2] != 4*time.Second {
			t.Errorf("got first waits %v, want 1s, 2s, 4s", waits[:3])
		}
		if last := waits[len(waits)-1]; last != maxWait {
			t.Errorf("got last wait %v, want the cap %v", last, maxWait)
		}
		owner.signInWith("mia@example.org", testPassword).want(t, http.StatusSeeOther)

		logs := a.logs.String()
		for _, want := range []string{`msg="sign-in failed: wrong e-mail or password" email=mia@example.org client=203.0.113.66`,
			`msg="sign-in throttled" email=mia@example.org client=203.0.113.66 wait=`} {
			if !strings.Contains(logs, want) {
				t.Errorf("the log lacks %q", want)
			}
		}
		if strings.Contains(logs, "guess number") || strings.Contains(logs, testPassword) {
			t.Errorf("a password reached the log")
		}
	})
	t.Run("SuccessClearsTheAccountsCount", func(t *testing.T) {
		a, clk := throttledApp(t)
		a.user("mia@example.org", "Mia Member", false)
		b := a.browser()
		for i := 0; i < freePerAccount; i++ {
			b.signInWith("mia@example.org", "wrong password").want(t, http.StatusUnauthorized)
		}
		r := b.signInWith("mia@example.org", testPassword).want(t, http.StatusTooManyRequests)
		if d := waitOf(t, r); d != time.Second {
			t.Fatalf("got wait %v, want 1s", d)
		}
		clk.Add(time.Second)
		b.signInWith("mia@example.org", testPassword).want(t, http.StatusSeeOther)
		for i := 0; i < freePerAccount; i++ {
			b.signInWith("mia@example.org", "wrong again").want(t, http.StatusUnauthorized)
		}
	})
	t.Run("PerAddressOverAccounts", func(t *testing.T) {
		a, _ := throttledApp(t)
		a.user("mia@example.org", "Mia Member", false)
		sprayer := a.browser()
		sprayer.ip = "203.0.113.77"
		for i := 0; i < freePerAddress; i++ {
			sprayer.signInWith(fmt.Sprintf("person%d@example.org", i), "wrong password").want(t, http.StatusUnauthorized)
		}
		sprayer.signInWith("mia@example.org", "wrong password").want(t, http.StatusTooManyRequests)
		other := a.browser()
		other.ip = "198.51.100.30"
		other.signInWith("mia@example.org", testPassword).want(t, http.StatusSeeOther)
	})
	t.Run("AccountUnderAttackSlowsOnlyFailingAddresses", func(t *testing.T) {
		a, _ := throttledApp(t)
		a.user("mia@example.org", "Mia Member", false)
		for i := 0; i < accountUnderAttack; i++ {
			b := a.browser()
			b.ip = fmt.Sprintf("203.0.113.%d", 100+i)
			b.signInWith("mia@example.org", "wrong password").want(t, http.StatusUnauthorized)
		}
		// One more guesser waits after its first wrong password…
		b := a.browser()
		b.ip = "203.0.113.200"
		b.signInWith("mia@example.org", "wrong password").want(t, http.StatusUnauthorized)
		b.signInWith("mia@example.org", "another guess").want(t, http.StatusTooManyRequests)
		// …while the owner, who has not failed, signs in at once.
		owner := a.browser()
		owner.ip = "198.51.100.40"
		owner.signInWith("mia@example.org", testPassword).want(t, http.StatusSeeOther)
	})
}

func TestSignInThrottle_Bounded(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	th := newSignInThrottle(clk.Now)
	for i := range 1000 {
		th.fail("mia@example.org", fmt.Sprintf("203.0.%d.%d", i/256, i%256))
	}
	if p, ad, ac := th.size(); p != 1000 || ad != 1000 || ac != 1 {
		t.Fatalf("got %d pairs, %d addresses, %d accounts; want 1000, 1000, 1", p, ad, ac)
	}
	// Once failures are old, the next failure sweeps them away.
	clk.Add(forgetAfter + time.Minute)
	th.fail("zoe@example.org", "198.51.100.1")
	if p, ad, ac := th.size(); p != 1 || ad != 1 || ac != 1 {
		t.Fatalf("after the sweep: got %d pairs, %d addresses, %d accounts; want 1 each", p, ad, ac)
	}
	// A flood from very many addresses is held to the bound.
	th.max = 100
	for i := range 1000 {
		clk.Add(time.Millisecond)
		th.fail(fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("2001:db8::%x", i))
	}
	if p, ad, ac := th.size(); p > 100 || ad > 100 || ac > 100 {
		t.Fatalf("got %d pairs, %d addresses, %d accounts; want at most 100 each", p, ad, ac)
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		n, free int
		want    time.Duration
	}{
		{0, 3, 0}, {2, 3, 0}, {3, 3, time.Second}, {4, 3, 2 * time.Second}, {6, 3, 8 * time.Second},
		{1, 1, time.Second}, {50, 3, maxWait}, {1 << 20, 3, maxWait},
	} {
		if got := backoff(tc.n, tc.free); got != tc.want {
			t.Errorf("backoff(%d, %d): got %v, want %v", tc.n, tc.free, got, tc.want)
		}
	}
}

func TestWaitText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1 second", 8 * time.Second: "8 seconds", 7500 * time.Millisecond: "8 seconds",
		119 * time.Second: "119 seconds", 2 * time.Minute: "2 minutes", 9*time.Minute + time.Second: "10 minutes",
	} {
		if got := waitText(d); got != want {
			t.Errorf("waitText(%v): got %q, want %q", d, got, want)
		}
	}
}
