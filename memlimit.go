package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Memory. A list is held in memory whole while it is cleaned: about 600 MiB
// live for a million rows, most of it the rows and their parsed addresses.
// Go's collector lets the heap grow to about twice what is live before it
// collects, which takes such a run past 1 GiB. A soft memory limit makes it
// collect sooner instead, at the cost of a collection or two more.
//
// A limit well below what is live would make the collector run almost
// without pause, so once a collection finds more than limitLiftLive live
// (a list of some 1.2 million rows and more) the limit is lifted, and Go's
// usual pacing applies. GOMEMLIMIT, when set, decides instead.
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
	afterEachGC(func() bool {
		metrics.Read(sample)
		if sample[0].Value.Uint64() > limitLiftLive {
			debug.SetMemoryLimit(math.MaxInt64)
			return false
		}
		return true
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
