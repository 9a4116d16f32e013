package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// BenchmarkOutbox_Deliver delivers 2,000 one-week reminders per operation
// through the real renderer and SMTP to a counting server in the process;
// msgs/s is the figure to compare with the 500 messages/s target (roundtable
// bench mail runs the 100,000 of the issue).
func BenchmarkOutbox_Deliver(b *testing.B) {
	const n = 2000
	for _, engine := range sqldbtest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			srv := mailtest.StartServerWith(b, mailtest.Options{CountOnly: true})
			mailer := srv.Mailer(b)
			var elapsed time.Duration
			for range b.N {
				b.StopTimer()
				db := sqldbtest.OpenWith(b, engine, sqldb.Config{BaseURL: "https://rt.example"})
				if _, err := sqldb.SeedMailBench(ctx, db, n); err != nil {
					b.Fatal(err)
				}
				o := sqldb.NewOutbox(db)
				before := srv.Received()
				b.StartTimer()
				start := time.Now()
				if _, err := o.Deliver(ctx, mailer); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
				if got := srv.Received() - before; got != n {
					b.Fatalf("got %d delivered, want %d", got, n)
				}
			}
			b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "msgs/s")
			if d := srv.Duplicates(); d != 0 {
				b.Fatalf("got %d duplicates, want 0", d)
			}
		})
	}
}
