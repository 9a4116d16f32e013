package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Channel is the PostgreSQL notification channel on which a room change is
// announced, with the meeting ID as the payload.
const Channel = "roundtable_room"

// Listener wakes a hub when any app instance changes a room: it holds a
// PostgreSQL connection of its own that LISTENs on Channel and publishes the
// meeting named by each notification. A notification is only a wake-up: after
// every (re)connection the listener publishes every meeting with screens, and
// it runs Hub.Refresh every Poll, so one lost on the way costs a delay only.
type Listener struct {
	URL    string // PostgreSQL URL of the application's database
	Hub    *Hub
	Logger *slog.Logger // nil discards

	// Poll is how often Hub.Refresh runs (when the hub has a VersionSource);
	// 5 s when zero, never when negative.
	Poll time.Duration
	// MinBackoff and MaxBackoff bound the wait before reconnecting, which
	// doubles with each failure in a row; 250 ms and 15 s when zero.
	MinBackoff, MaxBackoff time.Duration
	// OnListen, when set, is called each time LISTEN has taken effect and
	// before the listener publishes everything (tests wait for it).
	OnListen func()

	idle time.Duration // how long to wait for a notification before a ping; 30 s when zero
}

// ListenPostgres runs a Listener on databaseURL for hub until ctx ends.
func ListenPostgres(ctx context.Context, databaseURL string, hub *Hub, log *slog.Logger) error {
	return (&Listener{URL: databaseURL, Hub: hub, Logger: log}).Run(ctx)
}

// Run listens until ctx ends, reconnecting as often as needed, and returns
// nil then; it returns an error at once only for a URL it cannot parse.
func (l *Listener) Run(ctx context.Context) error {
	log := l.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgx.ParseConfig(l.URL)
	if err != nil {
		return fmt.Errorf("live: listener database URL: %w", err)
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "roundtable-live" // to spot it in pg_stat_activity
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}

	if l.Poll >= 0 && l.Hub.Versions != nil {
		done := make(chan struct{})
		defer func() { <-done }()
		go func() {
			defer close(done)
			l.poll(ctx, log)
		}()
	}

	minWait := cmpDuration(l.MinBackoff, 250*time.Millisecond)
	maxWait := cmpDuration(l.MaxBackoff, 15*time.Second)
	wait := minWait
	for {
		listened, err := l.session(ctx, cfg)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			wait = minWait
		}
		// Jitter keeps instances that lost the same server from returning
		// in step.
		d := wait/2 + rand.N(wait/2+1)
		log.Warn("live: lost the PostgreSQL listener connection; reconnecting", "err", err, "in", d)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(d):
		}
		wait = min(2*wait, maxWait)
	}
}

// session connects, listens and publishes what is notified until the
// connection fails or ctx ends. listened reports whether LISTEN took effect.
func (l *Listener) session(ctx context.Context, cfg *pgx.ConnConfig) (listened bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return false, err
	}
	if l.OnListen != nil {
		l.OnListen()
	}
	// Whatever changed while we were not listening is in the database.
	l.Hub.PublishAll()
	for {
		// Waiting in slices lets a ping find a connection that died
		// silently; a timeout leaves the connection usable.
		wctx, cancel := context.WithTimeout(ctx, cmpDuration(l.idle, 30*time.Second))
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			l.Hub.Publish(n.Payload)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, err
			}
		default:
			return true, err
		}
	}
}

// poll runs Hub.Refresh every l.Poll until ctx ends.
func (l *Listener) poll(ctx context.Context, log *slog.Logger) {
	every := cmpDuration(l.Poll, 5*time.Second)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		rctx, cancel := context.WithTimeout(ctx, every)
		if err := l.Hub.Refresh(rctx); err != nil && ctx.Err() == nil {
			log.Warn("live: poll room versions", "err", err)
		}
		cancel()
	}
}
