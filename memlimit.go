package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
)

// Memory. A list is held in memory whole while it is cleaned: about its
// size in text plus some 60 bytes a row and a base (cleaner.ProjectMemory),
// 270 MB for a million rows of ten columns.
// Go's collector lets the heap grow to about twice what is live before it
// collects. A soft memory limit makes it collect sooner instead, at the
// cost of a few collections more: softMemoryLimit until the list's
// projection is known, then the projection and an eighth (fitMemoryLimit).
//
// A limit close to what is live would make the collector run almost
// without pause. After each collection the limit is raised, for an eighth
// of what is live to grow by, when the collection left the heap less than
// a thirty-second of it (its goal, which the limit sets less the memory
// the runtime holds besides: goroutine stacks, partly used spans), or when
// the collector took more than an eighth of the processors' time since
// the one before: the heap stays bounded, and collecting costs little.
// GOMEMLIMIT, when set, decides instead. A batch run that holds its list
// in memory collects at the limit alone (see collectAtLimit).
//
// The limit is never below minMemoryLimit: the DNS checks take about as
// much for a list of 200,000 rows as for one of a million (the answers in
// flight, their goroutines, the cache of hosts), and a limit fitted to the
// small list alone made the collector run 22 times during its checks, 15%
// of the processors' time: 200,000 rows 30 ms away took 2.9-3.1 s, and
// take 2.5-2.7 s with this floor. The bound on memory matters for the big
// lists, above it.
const (
	softMemoryLimit = 900 << 20
	minMemoryLimit  = 256 << 20
)

func init() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/goal:bytes"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/cpu/classes/total:cpu-seconds"}}
	metrics.Read(sample)
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	gcPacing.limited = true
	gcPacing.limit = softMemoryLimit
	debug.SetMemoryLimit(softMemoryLimit)
	var gcBefore, totalBefore float64 // the processors' time so far, collecting and in all
	afterEachGC(func() bool {
		metrics.Read(sample)
		live, goal := int64(sample[0].Value.Uint64()), int64(sample[1].Value.Uint64())
		gc, total := sample[2].Value.Float64(), sample[3].Value.Float64()
		costly := total > totalBefore && (gc-gcBefore) > (total-totalBefore)/8
		gcBefore, totalBefore = gc, total
		gcPacing.Lock()
		defer gcPacing.Unlock()
		if goal < live+live/32 || costly {
			gcPacing.limit += max(live+live/8-goal, live/16)
			debug.SetMemoryLimit(gcPacing.limit)
		}
		return true
	})
}

// fitMemoryLimit sets the soft memory limit to projected, the memory the
// list about to be cleaned is projected to take (cleaner.ProjectMemory),
// and an eighth, when the limit is this file's to set (GOMEMLIMIT unset).
func fitMemoryLimit(projected int64) {
	gcPacing.Lock()
	defer gcPacing.Unlock()
	if !gcPacing.limited {
		return
	}
	gcPacing.limit = max(projected+projected/8, minMemoryLimit)
	debug.SetMemoryLimit(gcPacing.limit)
}

// growMemoryLimit raises the soft memory limit by more, when the limit is
// this file's to set: what the list held turned out to need beyond its
// projection, once its domains are counted (cleaner.Session.DomainMemory).
func growMemoryLimit(more int64) {
	gcPacing.Lock()
	defer gcPacing.Unlock()
	if !gcPacing.limited || more <= 0 {
		return
	}
	gcPacing.limit += more + more/8
	debug.SetMemoryLimit(gcPacing.limit)
}

// physicalMemory returns the machine's memory in bytes, from
// /proc/meminfo; 0 when unknown (another system).
func physicalMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kib << 10
		}
	}
	return 0
}

// memoryBudget is the memory a list held whole may take: half of the
// machine's (8 GiB assumed when unknown), so that a list and the rest of
// the user's work fit. Batch mode cleans a list projected to take more in
// passes; the terminal UI refuses one projected to take more than
// twice the budget.
func memoryBudget() int64 {
	if m := physicalMemory(); m > 0 {
		return m / 2
	}
	return 4 << 30
}

// gcPacing is how this file has set the collector's pacing. Its lock
// makes each change and the state it rests on one step, whether made by a
// run or by the collector's callback.
var gcPacing struct {
	sync.Mutex
	limited bool  // the soft limit set by init is in place
	limit   int64 // the soft limit, while limited
	atLimit int   // collectAtLimit holds not yet restored; GOGC is off while limited and above 0
}

// collectAtLimit makes the collector wait for the soft memory limit instead
// of running each time the heap doubles, until the function it returns is
// called (by each caller, when several hold at once). A batch run holding a
// list in memory builds up most of what stays live while it reads and
// parses, and the collections on the way (a dozen for a million rows) each
// mark all that was built so far: about 12% of the run's time. Collecting
// at the limit alone keeps the peak at the limit. It does nothing when
// GOGC is set, or when the soft limit is not in place (GOMEMLIMIT set):
// then nothing but GOGC would bound the heap.
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
