package resolver

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of the adaptive in-flight limit.
const (
	minInFlight   = 8
	startInFlight = 32
	maxInFlight   = 2048
)

// latencySlack is added to twice the baseline round-trip time to tell
// queueing from noise: below 2×baseline+slack the latency "holds". On
// loopback the baseline is tens of microseconds, and without slack the
// scheduler's jitter alone would stop all growth.
const latencySlack = time.Millisecond

// farSlowStart is the mean round-trip time from which slow start grows the
// limit four times per window rather than two: on a path of 30 ms,
// doubling from 32 took six round trips, some 0.4 s, to reach the 2,048
// queries in flight that fill it. Loopback and a resolver on the local
// network answer well under it.
const farSlowStart = 5 * time.Millisecond

// baselineEpoch is how long a lowest round-trip time is remembered: the
// baseline is the lowest window mean of the current and previous epoch.
const baselineEpoch = 5 * time.Second

// An outcome is what became of one query, as feedback to the limiter.
type outcome int

const (
	answered outcome = iota // a reply came; its round-trip time is a latency sample
	timedOut                // no reply before the timeout: a sign of overload
	failed                  // any other end (refused connection, cancellation): no signal
)

// A limiter caps the number of queries in flight. With a fixed limit it is a
// FIFO semaphore. When adaptive it adjusts the limit once per window of
// about one round trip's worth of outcomes (AIMD):
//
//   - it doubles the limit per window (slow start; four times it when the
//     window's mean round-trip time is farSlowStart or more, where each
//     window is a long wait) and later grows it by
//     1/16 per window while the window's mean round-trip time stays under
//     2×baseline+slack, the window had no more timeouts than a few dead
//     names explain, and the limit was actually reached (growing an unused
//     limit proves nothing); by a quarter on a far path whose mean is
//     within a quarter of the baseline, where no queue is building;
//   - it cuts the limit by 10% when the mean round-trip time exceeds that
//     bound: queues are building, in the server's socket or in our own CPU.
//     The baseline is the lowest window mean of the last 5 to 10 seconds,
//     and is reset when the limit is at its floor and latency still high;
//   - it halves the limit when at least 2 and at least 5% of the window's
//     outcomes are timeouts. A lone timeout is a dead name, not congestion.
//     Timeouts of queries sent before the last cut are not counted again.
//
// The figures behind it (issue 2): on loopback 64 in flight answered 58,000
// queries/s but 256 collapsed to 5,000/s through socket overflow and
// timeouts; 30 ms away, 64 in flight were 4 times slower than 256. Latency
// stops the growth before the loopback collapse, and only the 30 ms path
// lets the limit grow high.
type limiter struct {
	mu       sync.Mutex
	limit    int          // changed only through setLimit
	current  atomic.Int64 // limit, for reading without mu
	adaptive bool
	inFlight int
	waiters  []*waiter // FIFO of goroutines waiting for a slot

	slowStart   bool
	minCur      time.Duration // lowest window mean round-trip time of this epoch
	minPrev     time.Duration // and of the previous one; 0 when unknown
	epochStart  time.Time
	lastCut     time.Time // when the limit was last cut
	winOutcomes int       // answers and counted timeouts in this window
	winAnswers  int
	winTimeouts int
	winRTT      time.Duration // sum of this window's round-trip times
	winFull     bool          // the limit was reached during this window
	grown       chan struct{} // closed when the limit next grows; nil until growth asks for it
}

// A waiter is a goroutine blocked in acquire. Its channel is buffered so
// that release can hand over a slot without blocking under the lock.
type waiter struct{ ready chan struct{} }

var waiterPool = sync.Pool{New: func() any { return &waiter{ready: make(chan struct{}, 1)} }}

// newLimiter returns a limiter pinned at fixed queries in flight, or an
// adaptive one when fixed is 0.
func newLimiter(fixed int) *limiter {
	l := &limiter{}
	if fixed > 0 {
		l.setLimit(fixed)
		return l
	}
	l.adaptive, l.slowStart = true, true
	l.setLimit(startInFlight)
	return l
}

// setLimit sets the limit to n. l.mu must be held, except by newLimiter.
func (l *limiter) setLimit(n int) {
	if n > l.limit && l.grown != nil {
		close(l.grown)
		l.grown = nil
	}
	l.limit = n
	l.current.Store(int64(n))
}

// growth returns a channel that is closed the next time the limit grows:
// Check starts the workers a grown limit allows then, rather than when a
// worker next finishes a domain, a round trip or two later.
func (l *limiter) growth() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.grown == nil {
		l.grown = make(chan struct{})
	}
	return l.grown
}

// currentLimit returns the limit without waiting for l.mu: Check reads it
// after every domain to size its workers.
func (l *limiter) currentLimit() int {
	return int(l.current.Load())
}

// acquire blocks until a query may be sent or ctx is done. Every successful
// acquire must be paired with one release.
func (l *limiter) acquire(ctx context.Context) error {
	l.mu.Lock()
	if l.inFlight < l.limit && len(l.waiters) == 0 {
		l.inFlight++
		if l.inFlight == l.limit {
			l.winFull = true
		}
		l.mu.Unlock()
		return nil
	}
	l.winFull = true
	w := waiterPool.Get().(*waiter)
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()

	select {
	case <-w.ready:
		waiterPool.Put(w)
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	for i, x := range l.waiters {
		if x == w {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			l.mu.Unlock()
			waiterPool.Put(w)
			return ctx.Err()
		}
	}
	l.mu.Unlock()
	// A slot was handed over while ctx was being cancelled: give it back.
	<-w.ready
	waiterPool.Put(w)
	l.release(time.Time{}, 0, failed)
	return ctx.Err()
}

// release frees the slot of a query sent at sent, reporting what became of
// it and, for an answer, its round-trip time.
func (l *limiter) release(sent time.Time, rtt time.Duration, o outcome) {
	l.mu.Lock()
	l.inFlight--
	if l.adaptive {
		l.observe(sent, rtt, o)
	}
	l.handOver()
	l.mu.Unlock()
}

// handOver gives the free slots to the goroutines waiting longest. l.mu
// must be held.
func (l *limiter) handOver() {
	for l.inFlight < l.limit && len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters[0] = nil
		l.waiters = l.waiters[1:]
		l.inFlight++
		w.ready <- struct{}{}
	}
}

// observe adds one outcome to the window and adjusts the limit when the
// window is complete. l.mu must be held.
func (l *limiter) observe(sent time.Time, rtt time.Duration, o outcome) {
	switch o {
	case answered:
		l.winAnswers++
		l.winRTT += rtt
	case timedOut:
		if sent.Before(l.lastCut) {
			return
		}
		l.winTimeouts++
	default:
		return
	}
	l.winOutcomes++
	if l.winOutcomes < max(l.limit, minInFlight) {
		return
	}

	switch {
	case l.winTimeouts >= 2 && l.winTimeouts*20 >= l.winOutcomes:
		l.cut(l.limit / 2)
	case l.winAnswers > 0:
		mean := l.winRTT / time.Duration(l.winAnswers)
		base := l.baseline(mean)
		switch slow := mean > 2*base+latencySlack; {
		case slow && l.limit > minInFlight:
			l.cut(l.limit * 9 / 10)
		case slow:
			// Slow even at the floor: the latency is not of our making (a
			// busy machine, a slower path). Take it as the new baseline.
			l.minCur, l.minPrev = mean, 0
		case l.winFull && l.slowStart && mean >= farSlowStart:
			l.setLimit(min(4*l.limit, maxInFlight))
		case l.winFull && l.slowStart:
			l.setLimit(min(2*l.limit, maxInFlight))
		case l.winFull && mean >= farSlowStart && mean <= base+base/4:
			// Far, and answering as fast as at its best: what cut the
			// limit has passed. A burst of CPU work beside slow start
			// (measured with the checks started before the session's
			// corrections were found) cut it at 128 of the 2,048 a 30 ms
			// path fills; growing a sixteenth per window then took 1.3 s
			// to reach 1,091, a quarter 0.7 s to reach 2,048.
			l.setLimit(min(l.limit+max(1, l.limit/4), maxInFlight))
		case l.winFull:
			l.setLimit(min(l.limit+max(1, l.limit/16), maxInFlight))
		}
	}
	l.winOutcomes, l.winAnswers, l.winTimeouts, l.winRTT = 0, 0, 0, 0
	l.winFull = l.inFlight >= l.limit
}

// baseline returns the lowest window mean round-trip time of the last one
// to two epochs, after taking in this window's mean. Forgetting old minima
// lets the baseline follow a path or a machine that became slower for good.
// l.mu must be held.
func (l *limiter) baseline(mean time.Duration) time.Duration {
	if now := time.Now(); now.Sub(l.epochStart) > baselineEpoch {
		l.minPrev, l.minCur, l.epochStart = l.minCur, 0, now
	}
	if l.minCur == 0 || mean < l.minCur {
		l.minCur = mean
	}
	if l.minPrev != 0 && l.minPrev < l.minCur {
		return l.minPrev
	}
	return l.minCur
}

// cut lowers the limit to n (at least minInFlight) and ends slow start.
// l.mu must be held.
func (l *limiter) cut(n int) {
	l.setLimit(max(n, minInFlight))
	l.slowStart = false
	l.lastCut = time.Now()
}

// snapshot returns the queries in flight and the current limit.
func (l *limiter) snapshot() (inFlight, limit int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight, l.limit
}
