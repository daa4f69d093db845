package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Memory. A list is held in memory whole while it is cleaned: about 520 MiB
// live for a million rows, most of it the records read and the rows'
// parsed addresses.
// Go's collector lets the heap grow to about twice what is live before it
// collects, which takes such a run past 1 GiB. A soft memory limit makes it
// collect sooner instead, at the cost of a collection or two more.
//
// A limit well below what is live would make the collector run almost
// without pause, so once a collection finds more than limitLiftLive live
// (a list of some 1.2 million rows and more) the limit is lifted, and Go's
// usual pacing applies. GOMEMLIMIT, when set, decides instead. A batch run
// that holds its list in memory collects at the limit alone (see
// collectAtLimit).
const (
	softMemoryLimit = 900 << 20
	limitLiftLive   = 720 << 20
)

func init() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	debug.SetMemoryLimit(softMemoryLimit)
	gcPacing.limited = true
	afterEachGC(func() bool {
		metrics.Read(sample)
		if sample[0].Value.Uint64() <= limitLiftLive {
			return true
		}
		gcPacing.Lock()
		defer gcPacing.Unlock()
		debug.SetMemoryLimit(math.MaxInt64)
		gcPacing.limited = false
		if gcPacing.atLimit > 0 {
			debug.SetGCPercent(100)
		}
		return false
	})
}

// gcPacing is how this file has set the collector's pacing. Its lock
// makes each change and the state it rests on one step, whether made by a
// run or by the collector's callback.
var gcPacing struct {
	sync.Mutex
	limited bool // the soft limit set by init is in place
	atLimit int  // collectAtLimit holds not yet restored; GOGC is off while limited and above 0
}

// collectAtLimit makes the collector wait for the soft memory limit instead
// of running each time the heap doubles, until the function it returns is
// called (by each caller, when several hold at once). A batch run holding a
// list in memory builds up most of what stays live while it reads and
// parses, and the collections on the way (a dozen for a million rows) each
// mark all that was built so far: about 12% of the run's time. Collecting
// at the limit alone keeps the peak at the limit. It does nothing when
// GOGC is set, or when the soft limit is not in place (GOMEMLIMIT set, or
// the limit lifted for a large list): then nothing but GOGC would bound the
// heap. Lifting the limit turns GOGC's default back on.
func collectAtLimit() (restore func()) {
	gcPacing.Lock()
	defer gcPacing.Unlock()
	if _, set := os.LookupEnv("GOGC"); set || !gcPacing.limited {
		return func() {}
	}
	if gcPacing.atLimit++; gcPacing.atLimit == 1 {
		debug.SetGCPercent(-1)
	}
	return sync.OnceFunc(func() {
		gcPacing.Lock()
		defer gcPacing.Unlock()
		if gcPacing.atLimit--; gcPacing.atLimit == 0 && gcPacing.limited {
			debug.SetGCPercent(100)
		}
	})
}

// gcSentinel is an object that only exists to be collected.
type gcSentinel struct{ _ *byte }

// afterEachGC calls f after each garbage collection, on the runtime's
// cleanup goroutine, for as long as f returns true.
func afterEachGC(f func() bool) {
	runtime.AddCleanup(&gcSentinel{}, func(struct{}) {
		if f() {
			afterEachGC(f)
		}
	}, struct{}{})
}
