package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestCollectAtLimit: a batch run turns the collector's pacing off while
// the soft memory limit bounds the heap, and back on when the last of the
// runs holding it is done; with no limit in place it leaves the pacing
// alone, since nothing else would bound the heap then.
func TestCollectAtLimit(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set: collectAtLimit leaves the collector to it")
	}
	gcPacing.Lock()
	limited := gcPacing.limited
	gcPacing.Unlock()
	if !limited {
		t.Skip("this process has no soft memory limit (GOMEMLIMIT set, or lifted)")
	}
	gogc := func() int { // the current GOGC, left as it is
		n := debug.SetGCPercent(-1)
		debug.SetGCPercent(n)
		return n
	}
	first, second := collectAtLimit(), collectAtLimit()
	if got := gogc(); got != -1 {
		t.Errorf("with the limit in place: GOGC %d, want off (-1)", got)
	}
	first()
	first() // a second call changes nothing
	if got := gogc(); got != -1 {
		t.Errorf("while a second run holds: GOGC %d, want off (-1)", got)
	}
	second()
	if got := gogc(); got != 100 {
		t.Errorf("after both are done: GOGC %d, want 100", got)
	}

	gcPacing.Lock()
	gcPacing.limited = false
	gcPacing.Unlock()
	defer func() {
		gcPacing.Lock()
		gcPacing.limited = true
		gcPacing.Unlock()
	}()
	restore := collectAtLimit()
	defer restore()
	if got := gogc(); got != 100 {
		t.Errorf("without a limit: GOGC %d, want 100 untouched", got)
	}
}

// TestFitMemoryLimit: the soft limit is the projection and an eighth, and
// never below minMemoryLimit, which the DNS checks of a small list need.
func TestFitMemoryLimit(t *testing.T) {
	gcPacing.Lock()
	limited, before := gcPacing.limited, gcPacing.limit
	gcPacing.Unlock()
	if !limited {
		t.Skip("this process has no soft memory limit (GOMEMLIMIT set, or lifted)")
	}
	defer func() {
		gcPacing.Lock()
		gcPacing.limit = before
		gcPacing.Unlock()
		debug.SetMemoryLimit(before)
	}()
	for _, tt := range []struct{ projected, want int64 }{
		{10 << 20, 256 << 20},
		{200 << 20, 256 << 20},
		{800 << 20, 900 << 20},
	} {
		fitMemoryLimit(tt.projected)
		if got := debug.SetMemoryLimit(-1); got != tt.want {
			t.Errorf("projected %d MiB: limit %d MiB, want %d MiB", tt.projected>>20, got>>20, tt.want>>20)
		}
	}
}
