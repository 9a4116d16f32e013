package main

import "runtime/debug"

// serverGCPercent is the garbage collector's goal while serving. A page
// allocates about 100 KB that is garbage once it is sent, and the live heap
// is small, so collecting when the heap has grown five-fold rather than
// Go's default two-fold spends about a sixth less CPU per page (measured
// with `roundtable bench pages`) for a few tens of MB more memory.
const serverGCPercent = 400

// tuneServerGC sets serverGCPercent unless GOGC says otherwise.
func tuneServerGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}
