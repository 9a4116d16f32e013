package roundtable

import (
	"sync"
	"time"
)

// zones keeps the time zones loaded so far by name. A zone's rules are read
// once from the system's database and do not change while the program runs,
// and loading them again on every page costs a file read and a parse. Only
// zones that load are kept, so the map is bounded by the zone database.
var zones sync.Map // name → *time.Location

// Zone returns the IANA time zone named name, as time.LoadLocation does,
// loading each zone only once.
func Zone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
