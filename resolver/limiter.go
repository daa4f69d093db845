package resolver

import (
	"cmp"
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of the adaptive in-flight limit. The ceiling is what a recursive
// resolver takes from one client without turning queries away: unbound
// keeps at most 1,024 queries waiting for their answers by default
// (num-queries-per-thread), and those over it are dropped ("request list
// exceeded"); a cold cache makes every query of a run wait. Three quarters
// of that leaves room for its other clients. On a path of 30 ms it sends
// 25,000 queries a second, a list of 200,000 rows' checks in about a
// second; 2,048 overflowed unbound's list by 1,000 to 1,400 queries,
// each lost one then waiting out its timeout.
//
// A server may show that it takes more: while the limit sits at the
// ceiling with every answer as fast as at the best (a path where no queue
// is building) and nothing lost, the ceiling is raised by half, up to
// maxProbedInFlight; the first overload above the last ceiling that lost
// nothing puts the limit back there for the rest of the run. A far
// authoritative server, or a resolver with a bigger list, is then used at
// what it takes (30 ms away, 768 in flight left a list of 200,000 rows'
// 27,000 queries 1.16 s of checks, the plain loop at 2,048 took 0.64 s),
// while unbound's list overflows once, by a few hundred queries at most,
// each asked again after its measured timeout.
const (
	minInFlight       = 8
	startInFlight     = 64
	maxInFlight       = 768
	maxProbedInFlight = 4096
	probeGrowth       = 2 // the ceiling grows by a 1/probeGrowth of itself
)

// latencySlack is added to twice the baseline round-trip time to tell
// queueing from noise: below 2×baseline+slack the latency "holds". On
// loopback the baseline is tens of microseconds, and without slack the
// scheduler's jitter alone would stop all growth.
const latencySlack = time.Millisecond

// Slow start ends when a window's mean round-trip time rises above the
// baseline by a quarter (plus latencySlack): queues start to build, and
// growing the limit two or four times more would overshoot what the path
// holds by as much, as a burst that the server's socket or request list
// drops.
const slowStartRise = 4 // the rise that ends it: a 1/slowStartRise of the baseline

// The queries are spread over the round trip: sent at most at the rate
// that the limit allows over the last window's mean round-trip time,
// times a gain (twice it in slow start, a quarter more after), with a
// burst of a quarter of the limit. A limit that grows lets its new
// queries go over a round trip rather than at once; in steady state the
// answers come at the limit over the round trip, under the rate, and no
// query waits.
const (
	spreadGainSlowStart = 2.0
	spreadGain          = 1.25
	spreadBurst         = 4 // the burst: a 1/spreadBurst of the limit
)

// farSlowStart is the mean round-trip time from which slow start grows the
// limit four times per window rather than two: on a path of 30 ms,
// doubling from 32 took six round trips, some 0.4 s, to reach the 2,048
// queries in flight that fill it. Loopback and a resolver on the local
// network answer well under it.
const farSlowStart = 5 * time.Millisecond

// baselineEpoch is how long a lowest round-trip time is remembered: the
// baseline is the lowest window mean of the current and previous epoch.
const baselineEpoch = 5 * time.Second

// The pace, a cap on queries a second for a server that limits their rate
// (see limiter).
const (
	minRate      = 20                     // queries a second: the pace never goes below
	paceStep     = 100 * time.Millisecond // how often the pace may grow
	paceGrowth   = 25                     // by 1/paceGrowth of itself
	rateSpan     = 500 * time.Millisecond // the answers of this long past give the rate the server sustains
	rateBuckets  = 5                      // in buckets of rateSpan/rateBuckets
	trialSpan    = 300 * time.Millisecond // how long each step of a trial sends at its pace
	trialMin     = 16                     // first attempts judged that a step needs to show anything
	trialRate    = 200                    // queries a second below which no trial is made: the failures are taken as usual
	failWindow   = 32                     // first attempts that are judged together for failures
	failMargin   = 0.05                   // failures above their baseline that count as overload, plus noise
	failNoiseSDs = 2                      // the noise: this many standard deviations of the window's fraction
	limitedFor   = 2 * time.Second        // how long after a sign of the rate limit a failure is blamed on it
	maxCuts      = 3                      // cuts in a row to the answers a second before another trial
	paceCredit   = 20 * time.Millisecond  // how far the pace lets queries catch up when they fell behind it
	paceAhead    = 20 * time.Millisecond  // how far ahead a query may take its instant
	cohortWidth  = 50 * time.Millisecond  // queries are judged by when they were sent, in cohorts this wide
	cohorts      = 256                    // cohorts remembered: 12.8 s, more than any query waits
)

// An outcome is what became of one query, as feedback to the limiter.
type outcome int

const (
	answered   outcome = iota // a reply came; its round-trip time is a latency sample
	timedOut                  // no reply before the timeout: a sign of overload, or of loss
	refused                   // SERVFAIL or REFUSED: a sign of a rate limit, or of a broken domain
	failed                    // any other end (refused connection, cancellation): no signal
	reanswered                // a reply to a retry: an answer and a latency sample, not judged for failures (see attemptOutcome)
)

// A limiter caps the number of queries in flight and, once a server has
// shown that it limits the rate of queries, the number of queries a
// second. With a fixed limit it is a FIFO semaphore and nothing else. When
// adaptive it adjusts the limit once per window of about one round trip's
// worth of outcomes (AIMD):
//
//   - it doubles the limit per window (slow start; four times it when the
//     window's mean round-trip time is farSlowStart or more, where each
//     window is a long wait), until a window's mean rises a quarter above
//     the baseline (slowStartRise), and later grows it by
//     1/16 per window while the window's mean round-trip time stays under
//     2×baseline+slack and the limit was actually reached (growing an
//     unused limit proves nothing); by a quarter on a far path whose mean
//     is within a quarter of the baseline, where no queue is building;
//   - it cuts the limit by 10% when the mean round-trip time exceeds that
//     bound: queues are building, in the server's socket or in our own CPU.
//     The baseline is the lowest window mean of the last 5 to 10 seconds,
//     and is reset when the limit is at its floor and latency still high;
//   - it spreads the queries over the round trip (spreadOut): no faster
//     than the limit over the last window's mean, times spreadGain, so
//     that a limit grown fourfold does not go out as one burst.
//
// Failures (timeouts, SERVFAIL, REFUSED) are judged apart, per 32 of the
// lookups' first attempts (a retry's outcome is left out): more than
// usual (at least 2, and a fraction above the failure baseline by 5% plus
// two standard deviations) at 200 queries a second or more is overload,
// or not, and a trial tells which. The baseline is an average of the
// windows that were not overload; once the server has shown its rate
// limit, no higher than the failures at the pace before it grew. It paces
// the queries at half the rate they were sent at for 300 ms, then at a
// quarter, and compares the two steps:
//
//   - when the answers a second held while the queries were halved, or the
//     failures fell by half from one step to the next, or, both steps
//     under the server's rate, the failures fell back to the usual from
//     more than chance explains before the trial, the server answers what
//     it can and refuses or drops the rest: it limits the rate (public
//     resolvers do, per client). The pace becomes a little under the
//     answers a second, grows by 2% every 100 ms while queries wait for it
//     (by a quarter up to 90% of the rate found, when far under it), and
//     is cut to the answers a second again whenever failures are more than
//     usual, which keeps the queries about at the server's cap; only after
//     three such cuts in a row is another trial made;
//   - when the answers fell with the queries and the failures stayed, each
//     step failing more than usual, the failures are not of our making: a
//     lossy path, or domains whose servers are broken. The pace is lifted,
//     and their fraction becomes the failure baseline, so that 30% of
//     queries lost on the way neither slows the checks nor starts another
//     trial. So too when no rate limit was found before and the failures
//     fell by no more than chance;
//   - otherwise the trial shows nothing: the steps had too few queries to
//     send for the pace to hold them back, or the failures under a rate
//     limit found before fell by no more than chance. The first step's
//     pace stays, and so does a rate limit found before; failures that
//     stay more than usual make another trial.
//
// The figures behind it (issue 2): on loopback 64 in flight answered 58,000
// queries/s but 256 collapsed to 5,000/s through socket overflow and
// timeouts; 30 ms away, 64 in flight were 4 times slower than 256. Latency
// stops the growth before the loopback collapse, and only the 30 ms path
// lets the limit grow high. A limit on queries in flight cannot hold a
// server to a rate (issue 15): on loopback even the floor of 8 sends tens
// of thousands a second, which is why the pace exists.
type limiter struct {
	mu       sync.Mutex
	ceiling  int          // the highest limit: maxProbedInFlight, or less where file descriptors are few
	soft     int          // the highest limit for now: maxInFlight (or ceiling), raised while the server shows it takes more
	safe     int          // the highest soft ceiling that lost nothing, where an overload above it returns
	probed   bool         // an overload above safe was met: soft stays where it is
	raisedK  int64        // the cohort two round trips after soft was last raised: the next raise waits until it is judged
	limit    int          // changed only through setLimit
	current  atomic.Int64 // limit, for reading without mu
	adaptive bool
	inFlight int
	waiters  []*waiter // FIFO of goroutines waiting for a slot

	slowStart   bool
	minCur      time.Duration // lowest window mean round-trip time of this epoch
	minPrev     time.Duration // and of the previous one; 0 when unknown
	epochStart  time.Time
	winOutcomes int // answers in this window
	winRTT      time.Duration
	winFull     bool          // the limit was reached during this window
	grown       chan struct{} // closed when the limit next grows; nil until growth asks for it

	cohort    [cohorts]cohort
	judged    int64         // the next cohort to judge
	maxWait   time.Duration // the longest a query waits for its outcome; 0 when unbounded
	fw        tally         // the current window of failures
	fwSince   time.Time     // queries sent before this are not judged
	firstFrac float64       // the failures of the first window of those, sent before the pace grew; -1 until judged
	failBase  float64       // the fraction of failures that is not of our making
	trial     *trial        // the trial under way, if any

	spread     float64   // the rate the limit and the round trip allow (see spreadGain); 0 before the first window
	spreadNext time.Time // when the next query may go under it, at the latest

	rate     float64   // the pace in queries a second; 0 when not paced
	next     time.Time // when the next paced query may go
	queued   int       // goroutines waiting beyond paceAhead
	paced    bool      // a query waited for the pace since it last grew
	grewPace time.Time // when the pace last grew
	limited  time.Time // when the server last showed it limits the rate
	found    float64   // the answers a second it held to in the trial that showed it; 0 before
	cuts     int       // cuts of the pace since a window without overload
	refusals int       // replies of the run that were REFUSED or SERVFAIL...
	replies  int       // ...among all its replies
	answers  rateMeter
	sent     rateMeter
}

// A cohort is the queries sent during one cohortWidth: they are judged
// together once every one of them has had its outcome, so that the
// timeouts, which come long after the answers, count with the answers of
// their time. Judged as they came, a burst of queries (the start, the
// proof) made a window of its late timeouts alone.
type cohort struct {
	k    int64 // the cohort's number: its start in cohortWidths since 1970
	done int   // queries that had their outcome
	tally
}

// A tally counts what became of the queries of one or more cohorts: those
// sent, their answers, and, of the lookups' first attempts among them,
// those judged (answered or failed) and those that failed. A retry is
// not judged (see attemptOutcome).
type tally struct{ sent, answers, judged, failures int }

// add counts the queries of n in t.
func (t *tally) add(n tally) {
	t.sent += n.sent
	t.answers += n.answers
	t.judged += n.judged
	t.failures += n.failures
}

// frac returns the fraction of the judged attempts that failed, 0 when
// none was judged.
func (t tally) frac() float64 {
	return float64(t.failures) / float64(max(t.judged, 1))
}

// A trial is the experiment that tells a rate limit from failures that
// are not of our making: two steps of trialSpan, the second at half the
// pace of the first. Each step counts the queries sent during it.
//
// What came before is the window of failures that started the trial and
// the queries sent after it at the same rate, judged once the trial began.
// The window alone, picked for its many failures, was too high a mark: a
// first step of 16 queries of a path that loses 30% sometimes lost few
// enough below it to be taken for a rate limit.
type trial struct {
	start  time.Time
	pace   float64 // of the first step
	before float64 // the answers a second before it
	prior  tally   // the queries sent before it, from the window that started it on
	steps  [2]tally
}

// step returns the index of the step in which a query sent at sent went,
// or -1 when it went before the trial or after its second step; the steps
// count whole cohorts.
func (t *trial) step(sent time.Time) int {
	d := sent.Sub(t.start)
	if d < 0 || d >= 2*trialSpan {
		return -1
	}
	return int(d / trialSpan)
}

// A rateMeter counts events in buckets over the last rateSpan.
type rateMeter struct {
	counts [rateBuckets]int
	bucket int       // index of the current bucket
	at     time.Time // when it began
	born   time.Time
}

// add counts one event at now.
func (m *rateMeter) add(now time.Time) {
	m.roll(now)
	m.counts[m.bucket]++
}

// roll moves the current bucket on to now, emptying the buckets it passes.
func (m *rateMeter) roll(now time.Time) {
	if m.born.IsZero() {
		m.born, m.at = now, now
	}
	width := rateSpan / rateBuckets
	if now.Sub(m.at) >= rateSpan+width {
		m.counts, m.at = [rateBuckets]int{}, now
		return
	}
	for now.Sub(m.at) >= width {
		m.bucket = (m.bucket + 1) % rateBuckets
		m.counts[m.bucket] = 0
		m.at = m.at.Add(width)
	}
}

// perSecond returns the events a second over the last rateSpan or so, or
// over the meter's life when it is shorter.
func (m *rateMeter) perSecond(now time.Time) float64 {
	m.roll(now)
	n := 0
	for _, c := range m.counts {
		n += c
	}
	// The buckets span the full ones before the current one, and the
	// part of the current one gone by.
	width := rateSpan / rateBuckets
	span := min((rateBuckets-1)*width+now.Sub(m.at), now.Sub(m.born))
	if span < width {
		span = width
	}
	return float64(n) / span.Seconds()
}

// A waiter is a goroutine blocked in acquire. Its channel is buffered so
// that release can hand over a slot without blocking under the lock.
type waiter struct{ ready chan struct{} }

var waiterPool = sync.Pool{New: func() any { return &waiter{ready: make(chan struct{}, 1)} }}

// newLimiter returns a limiter pinned at fixed queries in flight, or an
// adaptive one when fixed is 0 that lets maxInFlight fly, and up to
// ceiling when the server shows it takes more.
func newLimiter(fixed, ceiling int) *limiter {
	l := &limiter{ceiling: ceiling, soft: min(maxInFlight, ceiling), firstFrac: -1}
	l.safe = l.soft
	if fixed > 0 {
		l.setLimit(fixed)
		return l
	}
	l.adaptive, l.slowStart = true, true
	l.setLimit(min(startInFlight, ceiling))
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

// acquire blocks until a query may be sent or ctx is done: until the pace
// lets it go, then until a slot is free. It returns when the query is
// sent, as far as the limiter knows: pass it to release. Every successful
// acquire must be paired with one release.
func (l *limiter) acquire(ctx context.Context) (time.Time, error) {
	if err := l.pace(ctx); err != nil {
		return time.Time{}, err
	}
	if err := l.spreadOut(ctx); err != nil {
		return time.Time{}, err
	}
	return l.take(ctx)
}

// take blocks until a slot is free or ctx is done, and takes it: the part
// of acquire that keeps to the limit on queries in flight.
func (l *limiter) take(ctx context.Context) (time.Time, error) {
	l.mu.Lock()
	if l.inFlight < l.limit && len(l.waiters) == 0 {
		l.inFlight++
		if l.inFlight == l.limit {
			l.winFull = true
		}
		sent := l.stamp(time.Now())
		l.mu.Unlock()
		return sent, nil
	}
	l.winFull = true
	w := waiterPool.Get().(*waiter)
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()

	select {
	case <-w.ready:
		waiterPool.Put(w)
		l.mu.Lock()
		sent := l.stamp(time.Now())
		l.mu.Unlock()
		return sent, nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	for i, x := range l.waiters {
		if x == w {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			l.mu.Unlock()
			waiterPool.Put(w)
			return time.Time{}, ctx.Err()
		}
	}
	l.mu.Unlock()
	// A slot was handed over while ctx was being cancelled: give it back.
	<-w.ready
	waiterPool.Put(w)
	l.release(time.Time{}, 0, failed)
	return time.Time{}, ctx.Err()
}

// stamp records a query sent now in its cohort and returns now. l.mu must
// be held.
func (l *limiter) stamp(now time.Time) time.Time {
	if l.adaptive {
		l.sent.add(now)
		k := now.UnixNano() / int64(cohortWidth)
		if c := &l.cohort[k%cohorts]; c.k == k {
			c.sent++
		} else {
			*c = cohort{k: k, tally: tally{sent: 1}}
		}
	}
	return now
}

// pace waits until the pace lets one more query go, or ctx is done. The
// queries are spaced evenly: each takes the next instant, or one up to
// paceCredit past when queries fell behind it, so that a goroutine that
// woke late does not cost the pace its turn. No instant is taken more than
// paceAhead ahead: a goroutine further back in line waits to take one, so
// that a new pace (a trial's second step, a cut) holds at once rather than
// after the instants already taken at the old one.
func (l *limiter) pace(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.rate == 0 {
			l.mu.Unlock()
			return nil
		}
		now := time.Now()
		at := now.Add(-paceCredit)
		if l.next.After(at) {
			at = l.next
		}
		interval := time.Duration(float64(time.Second) / l.rate)
		if ahead := at.Sub(now); ahead > paceAhead {
			// Wait about until this goroutine's turn, behind those
			// already waiting, rather than all waking at each instant.
			l.paced = true
			l.queued++
			wait := ahead - paceAhead + time.Duration(l.queued-1)*interval
			l.mu.Unlock()
			err := sleep(ctx, wait)
			l.mu.Lock()
			l.queued--
			l.mu.Unlock()
			if err != nil {
				return err
			}
			continue
		}
		if at.After(now) {
			l.paced = true
		}
		l.next = at.Add(interval)
		l.mu.Unlock()
		if !at.After(now) {
			return nil
		}
		return sleep(ctx, at.Sub(now))
	}
}

// spreadOut waits until the query may go under the spread rate, or ctx is
// done: each query takes the next instant at the rate, and waits for it
// when it is more than the burst ahead.
func (l *limiter) spreadOut(ctx context.Context) error {
	l.mu.Lock()
	if l.spread == 0 {
		l.mu.Unlock()
		return nil
	}
	now := time.Now()
	interval := time.Duration(float64(time.Second) / l.spread)
	at := l.spreadNext
	if at.Before(now) {
		at = now
	}
	l.spreadNext = at.Add(interval)
	wait := at.Sub(now) - time.Duration(max(minInFlight, l.limit/spreadBurst))*interval
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	return sleep(ctx, wait)
}

// release frees the slot of a query sent at sent, reporting what became of
// it and, for an answer, its round-trip time.
func (l *limiter) release(sent time.Time, rtt time.Duration, o outcome) {
	l.mu.Lock()
	l.inFlight--
	switch o {
	case refused:
		l.refusals++
		l.replies++
	case answered, reanswered:
		l.replies++
	}
	if l.adaptive {
		l.observe(time.Now(), sent, rtt, o)
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

// observe takes in one outcome, come at now: an answer's round-trip time
// for the limit on queries in flight, any outcome for its cohort. l.mu
// must be held.
func (l *limiter) observe(now, sent time.Time, rtt time.Duration, o outcome) {
	if !sent.IsZero() {
		k := sent.UnixNano() / int64(cohortWidth)
		if c := &l.cohort[k%cohorts]; c.k == k {
			c.done++
			switch o {
			case answered:
				c.answers++
				c.judged++
			case reanswered:
				c.answers++
			case timedOut, refused:
				c.failures++
				c.judged++
			}
		}
	}
	if o == answered || o == reanswered {
		l.answers.add(now)
		l.observeRTT(rtt)
	}
	if t := l.trial; t != nil && now.Sub(t.start) >= trialSpan && l.rate == t.pace {
		l.setPace(now, max(t.pace/2, minRate)) // the trial's second step
	}
	if l.trial == nil {
		l.growPace(now)
	}
	l.judgeCohorts(now)
}

// observeRTT adds an answer's round-trip time to the window and adjusts
// the limit when the window is complete. l.mu must be held.
func (l *limiter) observeRTT(rtt time.Duration) {
	l.winOutcomes++
	l.winRTT += rtt
	if l.winOutcomes < max(l.limit, minInFlight) {
		return
	}
	mean := l.winRTT / time.Duration(l.winOutcomes)
	l.winOutcomes, l.winRTT = 0, 0
	full := l.winFull
	l.winFull = l.inFlight >= l.limit
	base := l.baseline(mean)
	switch slow := mean > 2*base+latencySlack; {
	case slow && l.limit > minInFlight:
		l.cut(l.limit * 9 / 10)
	case slow:
		// Slow even at the floor: the latency is not of our making (a
		// busy machine, a slower path). Take it as the new baseline.
		l.minCur, l.minPrev = mean, 0
	case l.slowStart && mean > base+base/slowStartRise+latencySlack:
		l.slowStart = false
	case full && l.limit >= l.soft && l.soft < l.ceiling && !l.probed && mean <= base+base/4+latencySlack && l.judged > l.raisedK:
		// At the ceiling, no queue building, and the queries sent over
		// the round trip after the last raise filled its new slots
		// judged (a full queue drops them, and their timeouts come
		// long after the answers): the server may take more, and the
		// ceiling before is safe. The new slots are spread over the
		// round trip after a raise (see spreadOut), so the queries that
		// show whether the server holds them all are those of the
		// round trip after that. Judging those of the first alone,
		// sent while the slots were filling, let a ceiling count as
		// safe before a queue of 1,000 overflowed at it: the next
		// overload put the limit back there, for good, above the
		// queue (TestCeilingProbe, 2 runs in 9 on a loaded machine
		// once the sends were made a little cheaper).
		l.safe = l.soft
		l.soft = min(l.soft+l.soft/probeGrowth, l.ceiling)
		l.raisedK = time.Now().Add(2*mean).UnixNano() / int64(cohortWidth)
		l.setLimit(l.soft)
	case full && l.slowStart && mean >= farSlowStart:
		l.setLimit(min(4*l.limit, l.soft))
	case full && l.slowStart:
		l.setLimit(min(2*l.limit, l.soft))
	case full && mean >= farSlowStart && mean <= base+base/4:
		// Far, and answering as fast as at its best: what cut the
		// limit has passed. A burst of CPU work beside slow start
		// (measured with the checks started before the session's
		// corrections were found) cut it at 128 of the 2,048 a 30 ms
		// path fills; growing a sixteenth per window then took 1.3 s
		// to reach 1,091, a quarter 0.7 s to reach 2,048.
		l.setLimit(min(l.limit+max(1, l.limit/4), l.soft))
	case full:
		l.setLimit(min(l.limit+max(1, l.limit/16), l.soft))
	}
	gain := spreadGain
	if l.slowStart {
		gain = spreadGainSlowStart
	}
	l.spread = gain * float64(l.limit) / max(mean, time.Microsecond).Seconds()
}

// judgeCohorts judges, in order, the cohorts before now whose queries
// have all had their outcome (or could have, after maxWait), adding each
// to the trial under way or to the window of failures. l.mu must be held.
func (l *limiter) judgeCohorts(now time.Time) {
	nowK := now.UnixNano() / int64(cohortWidth)
	if l.judged == 0 || l.judged < nowK-cohorts+1 {
		l.judged = max(l.judged, nowK-cohorts+1)
	}
	for ; l.judged < nowK; l.judged++ {
		start := time.Unix(0, l.judged*int64(cohortWidth))
		c := &l.cohort[l.judged%cohorts]
		if c.k == l.judged && c.done < c.sent && (l.maxWait == 0 || now.Before(start.Add(cohortWidth+l.maxWait))) {
			return // waiting for outcomes
		}
		if t := l.trial; t != nil && !start.Before(t.start.Add(2*trialSpan)) {
			l.endTrial(now)
		}
		if c.k != l.judged {
			continue
		}
		if t := l.trial; t != nil {
			switch k := t.step(start); {
			case k >= 0:
				t.steps[k].add(c.tally)
			case start.Before(t.start):
				t.prior.add(c.tally)
			}
			continue
		}
		if start.Before(l.fwSince) {
			continue
		}
		l.fw.add(c.tally)
		if l.fw.judged >= failWindow {
			l.judgeWindow(now)
		}
	}
}

// judgeWindow acts on a complete window of failures: more than usual
// starts a trial, or, once the server has shown its rate limit, cuts the
// pace to it. l.mu must be held.
func (l *limiter) judgeWindow(now time.Time) {
	window := l.fw
	frac := window.frac()
	overload := window.failures >= 2 && frac > l.failThreshold(window.judged)
	l.fw = tally{}
	if l.firstFrac < 0 {
		l.firstFrac = frac
	}
	if overload && l.soft > l.safe {
		// Above the last ceiling that lost nothing: the server took
		// less than the raise. Back to it, for good, rather than a
		// trial: what was lost is asked again.
		l.soft, l.probed = l.safe, true
		l.setLimit(min(l.limit, l.soft))
		l.judgeFrom(now)
		return
	}
	sendRate := l.sent.perSecond(now)
	switch {
	case !overload || l.found == 0 && sendRate < trialRate:
		// The baseline follows the usual failures, slowly: the noise of
		// one window must not move it. Failures at a trickle of queries
		// (the proof, a second try, a small list's broken domains) are
		// not a rate limit worth slowing down for.
		//
		// Once the server has shown its rate limit, the baseline rises
		// no higher than the failures of the first window since the
		// pace was set: as the pace grows past the limit, the failures
		// grow with it, each window under the threshold that a rising
		// baseline lifts with them, and the pace would never meet its
		// cut (issue 21: under SERVFAIL above 500 queries a second the
		// baseline crept from 0 to 0.74 and the pace from 530 to 4,470
		// a second). Failures that were there before the pace grew,
		// as on a path that loses 30% at any pace, still raise it.
		target := frac
		if l.found > 0 {
			target = min(frac, max(l.firstFrac, l.failBase))
		}
		l.failBase += (target - l.failBase) / 16
	case l.found > 0 && l.cuts < maxCuts:
		// The server has shown its rate limit: back to what it answers,
		// at once, but to no less than half the pace: when the answers
		// fall with the pace, something else is failing, and the third
		// cut in a row makes a trial.
		if r := max(l.answers.perSecond(now)*0.95, l.rate/2, minRate); l.rate == 0 || r < l.rate {
			l.setPace(now, r)
		}
		l.limited = now
		l.judgeFrom(now)
		l.cuts++
		return
	default:
		l.trial = &trial{start: now, pace: max(sendRate/2, minRate), before: l.answers.perSecond(now), prior: window}
		l.setPace(now, l.trial.pace)
	}
	l.cuts = 0
}

// endTrial judges a trial whose cohorts have all been judged.
// l.mu must be held.
func (l *limiter) endTrial(now time.Time) {
	t := l.trial
	l.trial = nil
	l.judgeFrom(now)
	a, b := t.steps[0], t.steps[1]
	// A step shows something only when the pace held the queries back:
	// when it sent nearly as many as the pace let go, retries included.
	// When there were fewer to send (the checks ending, a small list
	// whose few broken domains started the trial, workers waiting on
	// something else), it shows nothing. Its failures say something only
	// of enough first attempts: at a slow pace, retries can be most of
	// what a step sends (a second step of 53 queries judged 11).
	held := func(st tally, pace float64) bool {
		return float64(st.sent) >= 0.8*pace*trialSpan.Seconds()
	}
	heldA, heldB := held(a, t.pace), held(b, t.pace/2)
	both := a
	both.add(b)
	enough := func(st tally) bool { return st.judged >= trialMin }
	// Failures no more than usual: under the failure threshold.
	usual := func(st tally) bool { return st.frac() <= l.failThreshold(st.judged) }
	// The server answered at its rate whatever was sent: half the
	// queries, as many answers (both steps above its rate), or the
	// failures fell back to the usual in the second step from more than
	// chance explains in the first (the first above its rate, the second
	// under). Half the failures of the first were not enough: on a path
	// that loses 30%, a first step that lost 45% of 76 and a second 8% of
	// 25 were taken for a rate limit. Nor were as many answers alone: the
	// share of the queries left unanswered must fall by more than chance
	// explains too. On a path that loses half, a first step of 35 queries
	// got 16 answers and a second of 18 got 13, and the run went on paced
	// at 100 a second, its loss never learned (297 s rather than 55).
	unanswered := func(st tally) float64 { return 1 - float64(st.answers)/float64(max(st.sent, 1)) }
	capped := heldA && heldB && (a.answers > 0 && b.answers*4 >= a.answers*3 &&
		fell(unanswered(a), a.sent, unanswered(b), b.sent) ||
		enough(a) && enough(b) && usual(b) && fell(a.frac(), a.judged, b.frac(), b.judged))
	// Or both steps under its rate: the failures fell back to the usual
	// once the pace was halved, from more than chance explains before.
	// Taken for the path's, such steps cleared the rate limit found
	// (TestMisbehavingServers under -race: steps that lost none of 84
	// and 43 queries, after a window that lost 9%, then two more such
	// trials, and the run ended paced at 134 a second, or warned of
	// nothing).
	//
	// When the steps judged too few first attempts for that, all that
	// they sent shows it: the share of attempts, retries included, that
	// got no answer or only REFUSED or SERVFAIL (a retry's fails as a
	// first attempt's would, on a lossy path or at a broken domain). A
	// burst that a server dropped over its rate left steps of retries
	// alone: 93 attempts and 44, all answered, of which 11 and 4 first
	// attempts, after a window that lost 39 of 93, showed nothing, and
	// a run of 1,500 rows gave no word of the limit (TestMisbehavingServers,
	// 9 runs in 42 under load).
	gone := heldA && (enough(both) && usual(both) &&
		fell(t.prior.frac(), t.prior.judged, both.frac(), both.judged) ||
		!enough(both) && both.sent >= trialMin && unanswered(both) <= l.failThreshold(both.sent) &&
			fell(t.prior.frac(), t.prior.judged, unanswered(both), both.sent))
	// The failures stayed as the pace halved: each step alone failed
	// more than usual.
	stayed := enough(a) && enough(b) && !usual(a) && !usual(b)
	switch {
	case capped || gone:
		// The server answers at its rate whatever we send. The rate is
		// what it answered before the trial, or during it if more.
		found := max(t.before, float64(max(a.answers, b.answers))/trialSpan.Seconds())
		l.limited, l.found = now, found
		l.setPace(now, max(found*0.95, minRate))
	case heldA && heldB && enough(both) && (stayed || l.found == 0):
		// The answers fell with the queries and the failures stayed, or
		// no rate limit was found and they fell by no more than chance:
		// the failures are the path's or the names', and any rate limit
		// found before was mistaken.
		l.failBase = max(l.failBase, both.frac())
		l.found, l.limited = 0, time.Time{}
		l.setPace(now, 0)
	default:
		// The queries did not keep to the pace, too few were judged, or
		// the failures under the rate limit found fell by no more than
		// chance: nothing is shown either way. Keep the first step's
		// pace, half what was sent before, which a server that limits
		// the rate needs, and the rate found; another trial follows if
		// failures stay more than usual.
		l.setPace(now, t.pace)
	}
}

// judgeFrom starts the window of failures afresh with the queries sent
// from now on, at a new pace or limit: its first window shows the
// failures of the pace before it grows. l.mu must be held.
func (l *limiter) judgeFrom(now time.Time) {
	l.fwSince, l.firstFrac = now, -1
}

// fell reports whether a fraction of failures fell from a among na
// outcomes to b among nb by more than chance explains: by three standard
// errors of the difference.
func fell(a float64, na int, b float64, nb int) bool {
	p := (a*float64(na) + b*float64(nb)) / float64(na+nb)
	return a-b > 3*math.Sqrt(p*(1-p)*(1/float64(na)+1/float64(nb)))
}

// setPace sets the pace to rate queries a second, or lifts it for 0.
// l.mu must be held.
func (l *limiter) setPace(now time.Time, rate float64) {
	l.rate = rate
	l.grewPace, l.paced = now, false
}

// failThreshold is the fraction of failures among n outcomes above which
// they show overload: the baseline, plus failMargin, plus the noise of a
// fraction of n. l.mu must be held.
func (l *limiter) failThreshold(n int) float64 {
	b := l.failBase
	return b + failMargin + failNoiseSDs*math.Sqrt(b*(1-b)/float64(n))
}

// growPace raises the pace by 1/paceGrowth once per paceStep while it
// holds the queries back: they wait for it, and go at nearly its rate.
// l.mu must be held.
func (l *limiter) growPace(now time.Time) {
	if l.rate == 0 || now.Sub(l.grewPace) < paceStep {
		return
	}
	switch {
	case !l.paced || l.sent.perSecond(now) < l.rate*0.9:
	case l.rate < l.found*0.9:
		// Far under the rate the server was found to answer: back to it
		// in a few steps.
		l.rate = min(l.rate*1.25, l.found*0.9)
	default:
		l.rate += max(1, l.rate/paceGrowth)
	}
	l.grewPace, l.paced = now, false
}

// congested reports whether the server showed its rate limit less than
// limitedFor ago: a failed attempt then says nothing about its name, and
// is retried later without counting against the retries.
func (l *limiter) congested() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.limited.IsZero() && time.Since(l.limited) < limitedFor
}

// loss returns the fraction of queries that fail whatever the pace: the
// failure baseline.
func (l *limiter) loss() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failBase
}

// rateLimit reports whether the server ever showed that it limits the
// rate of queries, and the pace the queries keep to under it.
func (l *limiter) rateLimit() (bool, float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.limited.IsZero(), cmp.Or(l.rate, l.found)
}

// refusedShare returns how many replies of the run were REFUSED or
// SERVFAIL, and how many replies came in all.
func (l *limiter) refusedShare() (refusals, replies int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refusals, l.replies
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
}

// snapshot returns the queries in flight and the current limit.
func (l *limiter) snapshot() (inFlight, limit int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inFlight, l.limit
}
