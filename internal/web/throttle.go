package web

import (
	"slices"
	"sync"
	"time"
)

// Sign-in throttling. Wrong passwords slow down the address that sends them,
// never the account: a stranger who guesses cannot keep the owner out, and a
// correct password from an address that has not been failing is never
// refused.
const (
	// freePerAccount is how many wrong passwords one address may give for
	// one account before each further try must wait.
	freePerAccount = 3
	// freePerAddress is the same over every account: several people may
	// share one office address, so it is higher.
	freePerAddress = 20
	// accountUnderAttack is how many wrong passwords for one account, from
	// every address, mark it as the target of guessing from many places.
	// Then an address waits from its first wrong password for that account;
	// addresses that have not failed for it are not slowed at all.
	accountUnderAttack = 10

	firstWait = time.Second      // the first wait; each failure doubles it
	maxWait   = 10 * time.Minute // the longest wait
	// forgetAfter is how long failures are remembered after the last one.
	// It is longer than maxWait, so waiting out a delay does not reset it.
	forgetAfter = time.Hour
	// maxTracked bounds each table; past it the oldest entries go first.
	maxTracked = 100_000
)

// failures counts wrong passwords and remembers the last one.
type failures struct {
	n    int
	last time.Time
}

// signInThrottle keeps counts of wrong passwords per (account, address), per
// address and per account, in memory. It is per instance: with several
// instances a guesser gets a few more tries on each.
type signInThrottle struct {
	now       func() time.Time
	max       int // maxTracked; tests lower it
	mu        sync.Mutex
	pairs     map[string]*failures // account + " " + address
	addresses map[string]*failures
	accounts  map[string]*failures
	swept     time.Time
}

func newSignInThrottle(now func() time.Time) *signInThrottle {
	return &signInThrottle{now: now, max: maxTracked,
		pairs: map[string]*failures{}, addresses: map[string]*failures{}, accounts: map[string]*failures{}}
}

// backoff returns the wait after n failures when the first free ones cost
// nothing: 1 s after the last free one, then 2 s, 4 s … up to maxWait.
func backoff(n, free int) time.Duration {
	if n < free {
		return 0
	}
	d := firstWait
	for i := free; i < n && d < maxWait; i++ {
		d *= 2
	}
	return min(d, maxWait)
}

// live returns the entry of key, forgetting it when it is old.
func (t *signInThrottle) live(m map[string]*failures, key string, now time.Time) *failures {
	f := m[key]
	if f != nil && now.Sub(f.last) >= forgetAfter {
		delete(m, key)
		return nil
	}
	return f
}

// wait returns how long the address must wait before it may try a password
// for the account; zero means now.
func (t *signInThrottle) wait(account, address string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var d time.Duration
	if p := t.live(t.pairs, account+" "+address, now); p != nil {
		free := freePerAccount
		if a := t.live(t.accounts, account, now); a != nil && a.n >= accountUnderAttack {
			free = 1
		}
		d = max(d, p.last.Add(backoff(p.n, free)).Sub(now))
	}
	if a := t.live(t.addresses, address, now); a != nil {
		d = max(d, a.last.Add(backoff(a.n, freePerAddress)).Sub(now))
	}
	return max(d, 0)
}

// fail counts a wrong password from the address for the account and returns
// the address's failures for it.
func (t *signInThrottle) fail(account, address string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	pair := account + " " + address
	for _, e := range []struct {
		m   map[string]*failures
		key string
	}{{t.pairs, pair}, {t.addresses, address}, {t.accounts, account}} {
		f := t.live(e.m, e.key, now)
		if f == nil {
			if len(e.m) >= t.max {
				t.trim(e.m)
			}
			f = &failures{}
			e.m[e.key] = f
		}
		f.n++
		f.last = now
	}
	return t.pairs[pair].n
}

// succeed forgets the address's failures for the account. Its failures over
// every account stay: otherwise signing in to one's own account would wipe
// the count of guesses at others.
func (t *signInThrottle) succeed(account, address string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.pairs, account+" "+address)
}

// sweep forgets old failures, at most once a minute.
func (t *signInThrottle) sweep(now time.Time) {
	if now.Sub(t.swept) < time.Minute {
		return
	}
	t.swept = now
	for _, m := range []map[string]*failures{t.pairs, t.addresses, t.accounts} {
		for k, f := range m {
			if now.Sub(f.last) >= forgetAfter {
				delete(m, k)
			}
		}
	}
}

// trim makes room in a full table by forgetting the tenth of its entries that
// failed longest ago. Only a flood from very many addresses fills a table.
func (t *signInThrottle) trim(m map[string]*failures) {
	type entry struct {
		key  string
		last time.Time
	}
	all := make([]entry, 0, len(m))
	for k, f := range m {
		all = append(all, entry{k, f.last})
	}
	slices.SortFunc(all, func(a, b entry) int { return a.last.Compare(b.last) })
	for _, e := range all[:len(all)/10+1] {
		delete(m, e.key)
	}
}

// size returns the number of entries in each table.
func (t *signInThrottle) size() (pairs, addresses, accounts int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.pairs), len(t.addresses), len(t.accounts)
}
