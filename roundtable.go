// Package roundtable holds the domain of Roundtable, a self-hosted platform for
// running peer learning circles for leaders: programs, applications, circles,
// meetings and the people in them.
//
// The package defines types and the service interfaces that the rest of the
// program implements (internal/sqldb) and uses (internal/web, cmd/roundtable).
// It does no I/O of its own.
package roundtable

import "time"

// Version is the program's version, set at build time with -ldflags.
var Version = "dev"

// Now is the clock used by pure helpers in this package. Services carry their
// own clock so tests control time; this one is only read where no service is
// involved (e.g. formatting "in 3 days").
func nowUTC() time.Time { return time.Now().UTC() }
