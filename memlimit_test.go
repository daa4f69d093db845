package main

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// TestCollectAtLimit: a batch run turns the collector's pacing off while
// the soft memory limit bounds the heap, and back on after; with no limit
// in place it leaves the pacing alone, since nothing else would bound the
// heap then.
func TestCollectAtLimit(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set: collectAtLimit leaves the collector to it")
	}
	if debug.SetMemoryLimit(-1) != softMemoryLimit {
		t.Skip("this process has no soft memory limit (GOMEMLIMIT set, or lifted)")
	}
	restore := collectAtLimit()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("with the limit in place: GOGC %d, want off (-1)", got)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after restore: GOGC %d, want 100", got)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(softMemoryLimit)
	restore = collectAtLimit()
	defer restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("without a limit: GOGC %d, want 100 untouched", got)
	}
}
