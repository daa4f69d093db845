package resolver

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// fill takes n slots of l, failing t if any blocks. It leaves out the
// pace and the spread over the round trip, which hold queries back in
// time rather than by the limit.
func fill(t *testing.T, l *limiter, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range n {
		if _, err := l.take(ctx); err != nil {
			t.Fatalf("slot %d of %d: %v", i+1, n, err)
		}
	}
}

// window completes one window of l (limit outcomes at full load) with the
// given round-trip time and number of timeouts, and returns the new limit.
// Each query is released with the instant it was sent at, so that its
// cohort (of sends) counts its outcome: a window whose sends straddle two
// cohorts would otherwise leave one never complete, and never judged.
func window(t *testing.T, l *limiter, rtt time.Duration, timeouts int) int {
	t.Helper()
	n := l.limit
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sent := make([]time.Time, n)
	for i := range n {
		var err error
		if sent[i], err = l.take(ctx); err != nil {
			t.Fatalf("slot %d of %d: %v", i+1, n, err)
		}
	}
	for i := range n {
		if i < timeouts {
			l.release(sent[i], 0, timedOut)
		} else {
			l.release(sent[i], rtt, answered)
		}
	}
	_, limit := l.snapshot()
	return limit
}

func TestLimiterAdapts(t *testing.T) {
	l := newLimiter(0, maxInFlight)
	if got := window(t, l, 100*time.Microsecond, 0); got != 2*startInFlight {
		t.Fatalf("after a good window in slow start: limit %d, want %d", got, 2*startInFlight)
	}
	// Latency far above the baseline: queues are building, back off a little.
	if got := window(t, l, 10*time.Millisecond, 0); got != 2*startInFlight*9/10 {
		t.Fatalf("after a slow window: limit %d, want %d", got, 2*startInFlight*9/10)
	}
	// Out of slow start, good windows grow the limit by about 1/16.
	before := l.limit
	if got := window(t, l, 100*time.Microsecond, 0); got != before+before/16 {
		t.Fatalf("after a good window: limit %d, want %d", got, before+before/16)
	}
	// The bounds hold.
	for i := range 30 {
		window(t, l, time.Millisecond<<i, 0) // ever slower
	}
	if l.limit != minInFlight {
		t.Errorf("limit %d after many slow windows, want the floor %d", l.limit, minInFlight)
	}
	for range 200 {
		window(t, l, 100*time.Microsecond, 0)
	}
	if l.limit != maxInFlight {
		t.Errorf("limit %d after many good windows, want the ceiling %d", l.limit, maxInFlight)
	}
}

// TestLimiterFarSlowStart: on a path of tens of milliseconds, slow start
// grows four times per window, until the latency rule ends it; after that
// the limit grows by a quarter while the round trip is as good as at its
// best, and by a sixteenth when it is merely under the bound.
func TestLimiterFarSlowStart(t *testing.T) {
	l := newLimiter(0, maxInFlight)
	l.setLimit(maxInFlight / 32) // room for two fourfold steps under the ceiling
	for _, step := range []struct {
		what string
		rtt  time.Duration
		want func(before int) int
	}{
		{"a good window 30 ms away", 30 * time.Millisecond, func(n int) int { return 4 * n }},
		{"a second", 31 * time.Millisecond, func(n int) int { return 4 * n }},
		{"a window three times slower", 90 * time.Millisecond, func(n int) int { return n * 9 / 10 }},
		{"a window a fifth slower than the best", 36 * time.Millisecond, func(n int) int { return n + n/4 }},
		{"a window half as slow again as the best", 45 * time.Millisecond, func(n int) int { return n + n/16 }},
	} {
		before := l.limit
		if got := window(t, l, step.rtt, 0); got != step.want(before) {
			t.Fatalf("after %s: limit %d, want %d", step.what, got, step.want(before))
		}
	}
}

// TestLimiterSlowStartEndsWhenTheRoundTripRises: a window a quarter slower
// than the best ends slow start where it is, before it overshoots; the
// limit then grows by the steps that follow it.
func TestLimiterSlowStartEndsWhenTheRoundTripRises(t *testing.T) {
	l := newLimiter(0, maxInFlight)
	window(t, l, 30*time.Millisecond, 0)
	before := l.limit
	if got := window(t, l, 40*time.Millisecond, 0); got != before || l.slowStart {
		t.Fatalf("after a window a third slower: limit %d (slow start %v), want %d and slow start over", got, l.slowStart, before)
	}
	if got := window(t, l, 30*time.Millisecond, 0); got != before+before/4 {
		t.Errorf("after a window as fast as the best again: limit %d, want %d", got, before+before/4)
	}
}

// TestLimiterSpreadsQueries: once a window shows the round trip, queries
// go at once up to a quarter of the limit, and the next waits its turn at
// twice the limit over the round trip; no query waits before the first
// window.
func TestLimiterSpreadsQueries(t *testing.T) {
	l := newLimiter(0, maxInFlight)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // spreadOut reports the cancellation only when it would wait
	for i := range 2 * startInFlight {
		if err := l.spreadOut(ctx); err != nil {
			t.Fatalf("query %d waited before any window: %v", i+1, err)
		}
	}
	// A round trip of 100 s: an instant every 100 s / (2 x the limit).
	window(t, l, 100*time.Second, 0)
	if want := 2 * float64(l.limit) / 100; math.Abs(l.spread-want) > 1e-9 {
		t.Fatalf("spread %.3f queries a second, want %.3f", l.spread, want)
	}
	burst := max(minInFlight, l.limit/spreadBurst)
	for i := range burst + 1 {
		if err := l.spreadOut(ctx); err != nil {
			t.Fatalf("query %d of the burst of %d waited: %v", i+1, burst+1, err)
		}
	}
	if err := l.spreadOut(ctx); err == nil {
		t.Errorf("query %d went at once, want it to wait for its turn", burst+2)
	}
}

func TestLimiterGrowsOnlyWhenUsed(t *testing.T) {
	l := newLimiter(0, maxInFlight)
	for range 5 * startInFlight {
		fill(t, l, 1)
		l.release(time.Now(), time.Millisecond, answered)
	}
	if l.limit != startInFlight {
		t.Errorf("limit grew to %d with one query in flight, want it to stay %d", l.limit, startInFlight)
	}
}

func TestLimiterPinned(t *testing.T) {
	l := newLimiter(3, maxInFlight)
	for range 10 {
		window(t, l, time.Second, 2)
	}
	if l.limit != 3 {
		t.Errorf("pinned limit moved to %d", l.limit)
	}
}

func TestLimiterBlocksAndHandsOver(t *testing.T) {
	l := newLimiter(2, maxInFlight)
	fill(t, l, 2)

	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan error)
	go func() { _, err := l.acquire(ctx); cancelled <- err }()
	var wg sync.WaitGroup
	const waiters = 5
	for range waiters {
		wg.Go(func() {
			if _, err := l.acquire(context.Background()); err != nil {
				t.Error(err)
			}
			l.release(time.Now(), time.Millisecond, answered)
		})
	}
	for {
		l.mu.Lock()
		n := len(l.waiters)
		l.mu.Unlock()
		if n == waiters+1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled acquire returned %v", err)
	}
	l.release(time.Now(), time.Millisecond, answered)
	l.release(time.Now(), time.Millisecond, answered)
	wg.Wait()
	if inFlight, _ := l.snapshot(); inFlight != 0 || len(l.waiters) != 0 {
		t.Errorf("after all released: %d in flight, %d waiting", inFlight, len(l.waiters))
	}
}

func TestLimiterFollowsExternalSlowdown(t *testing.T) {
	l := newLimiter(0, maxInFlight)
	window(t, l, 100*time.Microsecond, 0)
	// The machine becomes busy: every answer now takes 20 ms, whatever we do.
	for range 100 {
		window(t, l, 20*time.Millisecond, 0)
	}
	if l.limit == minInFlight {
		t.Errorf("limit stuck at the floor %d: the new latency should have become the baseline", l.limit)
	}
}

// TestLimiterGrowthSignal: the channel of growth is closed when the limit
// grows, and only then.
func TestLimiterGrowthSignal(t *testing.T) {
	l := newLimiter(0, maxInFlight)
	closed := func(ch <-chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	g := l.growth()
	if closed(g) {
		t.Fatal("closed before any window")
	}
	if got := window(t, l, 100*time.Microsecond, 0); got <= startInFlight || !closed(g) {
		t.Fatalf("after a good window (limit %d): closed %v, want true", got, closed(g))
	}
	g = l.growth()
	if closed(g) {
		t.Fatal("the next growth's channel is closed already")
	}
	if got := window(t, l, 10*time.Millisecond, 0); got >= 2*startInFlight || closed(g) {
		t.Fatalf("after a cut (limit %d): closed %v, want false", got, closed(g))
	}
	window(t, l, 100*time.Microsecond, 0)
	if !closed(g) {
		t.Fatal("not closed after growing again")
	}
}

// capModel is a server that answers at most rate queries a second (a token
// bucket with a tenth of a second's burst), and refuses or drops the rest;
// or, with loss set instead, loses that fraction of the queries whatever
// their rate.
type capModel struct {
	mu     sync.Mutex
	rate   float64
	drop   bool       // over the cap: no answer (a timeout) rather than REFUSED
	loss   float64    // lose this fraction at random
	random *rand.Rand // for loss, when set: at random from it rather than in a fixed pattern
	tokens float64
	at     time.Time
	n      uint64
}

// outcome decides the fate of one query sent now.
func (m *capModel) outcome(now time.Time) outcome {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n++
	if m.loss > 0 && m.random != nil {
		if m.random.Float64() < m.loss {
			return timedOut
		}
		return answered
	}
	if m.loss > 0 {
		// A fixed pattern with the right fraction: the n-th query is lost
		// when the fraction's multiples step over an integer.
		if uint64(float64(m.n)*m.loss) != uint64(float64(m.n-1)*m.loss) {
			return timedOut
		}
		return answered
	}
	if m.at.IsZero() {
		m.at, m.tokens = now, m.rate/10
	}
	m.tokens = min(m.tokens+now.Sub(m.at).Seconds()*m.rate, m.rate/10)
	m.at = now
	if m.tokens >= 1 {
		m.tokens--
		return answered
	}
	if m.drop {
		return timedOut
	}
	return refused
}

// drive sends queries through l to m from 16 goroutines for d, and
// returns the answers and failures of the last second.
func drive(l *limiter, m *capModel, d time.Duration) (answers, failures int) {
	const timeout = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	lastSecond := time.Now().Add(d - time.Second)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for ctx.Err() == nil {
				sent, err := l.acquire(ctx)
				if err != nil {
					return
				}
				o := m.outcome(sent)
				rtt := 100 * time.Microsecond
				if o == timedOut {
					rtt = timeout
				}
				time.Sleep(rtt)
				l.release(sent, rtt, o)
				if sent.After(lastSecond) {
					mu.Lock()
					if o == answered {
						answers++
					} else {
						failures++
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return answers, failures
}

// TestLimiterFindsRateLimit: against a server that refuses or drops what
// exceeds its rate, the pace settles near that rate, few queries fail, and
// the limiter says the server limited the rate.
func TestLimiterFindsRateLimit(t *testing.T) {
	const rate = 500
	for _, drop := range []bool{false, true} {
		t.Run(map[bool]string{false: "refused", true: "dropped"}[drop], func(t *testing.T) {
			t.Parallel()
			l := newLimiter(0, maxInFlight)
			answers, failures := drive(l, &capModel{rate: rate, drop: drop}, 4*time.Second)
			limited, found := l.rateLimit()
			t.Logf("last second: %d answers, %d failures; found %.0f/s, pace %.0f/s", answers, failures, found, l.rate)
			if !limited {
				t.Errorf("the limiter did not find the rate limit")
			}
			if answers < rate*6/10 || answers > rate*12/10 {
				t.Errorf("%d answers in the last second, want about %d", answers, rate)
			}
			if failures*5 > answers {
				t.Errorf("%d failures for %d answers in the last second: the pace is not holding", failures, answers)
			}
		})
	}
}

// TestLimiterToleratesLoss: a path that loses 30% of the queries whatever
// their rate is not a rate limit: the pace is lifted again and the 30%
// become the failure baseline.
func TestLimiterToleratesLoss(t *testing.T) {
	t.Parallel()
	l := newLimiter(0, maxInFlight)
	answers, failures := drive(l, &capModel{loss: 0.3}, 3*time.Second)
	limited, _ := l.rateLimit()
	t.Logf("last second: %d answers, %d failures; baseline %.2f, pace %.0f/s", answers, failures, l.failBase, l.rate)
	if limited {
		t.Errorf("random loss was taken for a rate limit")
	}
	if l.rate != 0 {
		t.Errorf("queries still paced at %.0f/s", l.rate)
	}
	if l.failBase < 0.15 || l.failBase > 0.45 {
		t.Errorf("failure baseline %.2f, want about 0.3", l.failBase)
	}
}

// TestLimiterProbesAboveTheCeiling: at maxInFlight, windows as fast as the
// best raise the ceiling by half at a time, up to the limiter's ceiling;
// a window whose round trip has risen does not.
func TestLimiterProbesAboveTheCeiling(t *testing.T) {
	l := newLimiter(0, maxProbedInFlight)
	for range 20 {
		if window(t, l, 30*time.Millisecond, 0) >= maxInFlight {
			break
		}
	}
	if l.limit != maxInFlight || l.soft != maxInFlight {
		t.Fatalf("limit %d, ceiling for now %d: want both %d before any probe", l.limit, l.soft, maxInFlight)
	}
	if got := window(t, l, 45*time.Millisecond, 0); got > maxInFlight {
		t.Fatalf("a window half as slow again raised the limit to %d", got)
	}
	want := maxInFlight + maxInFlight/probeGrowth
	if got := window(t, l, 30*time.Millisecond, 0); got != want || l.safe != maxInFlight {
		t.Fatalf("a window as fast as the best at the ceiling: limit %d (safe %d), want %d (safe %d)", got, l.safe, want, maxInFlight)
	}
	if got := window(t, l, 30*time.Millisecond, 0); got != want {
		t.Fatalf("raised again to %d before the queries sent at %d were judged", got, want)
	}
	for range 20 {
		// The cohorts of the round trip after the raise are judged.
		time.Sleep(cohortWidth + 60*time.Millisecond)
		window(t, l, 30*time.Millisecond, 0)
	}
	if l.limit != maxProbedInFlight {
		t.Errorf("limit %d after many good windows, want the ceiling %d", l.limit, maxProbedInFlight)
	}
}

// TestLimiterRaisesAfterTwoRoundTrips: once the ceiling was raised, the
// next raise waits for the queries of the round trip after the one that
// filled the new slots to be judged: those of the first alone were sent
// while the slots were filling, before a queue could overflow at the new
// ceiling (TestCeilingProbe). It then comes at once.
func TestLimiterRaisesAfterTwoRoundTrips(t *testing.T) {
	const rtt = 30 * time.Millisecond
	l := newLimiter(0, maxProbedInFlight)
	for range 20 {
		if window(t, l, rtt, 0) >= maxInFlight {
			break
		}
	}
	// The raise early in a cohort, so that a round trip after it is in
	// that cohort and two are in the next.
	for time.Now().UnixNano()%int64(cohortWidth) > int64(cohortWidth)/5 {
		time.Sleep(time.Millisecond)
	}
	before := time.Now()
	raised := window(t, l, rtt, 0)
	if raised != maxInFlight+maxInFlight/probeGrowth {
		t.Fatalf("a window as fast as the best at the ceiling: limit %d, want %d", raised, maxInFlight+maxInFlight/probeGrowth)
	}
	l.mu.Lock()
	k := l.raisedK
	l.mu.Unlock()
	if least := before.Add(2*rtt).UnixNano() / int64(cohortWidth); k < least {
		t.Fatalf("the next raise waits for cohort %d, sent within two round trips of the raise (cohort %d)", k, least)
	}
	wait := func(cohort int64) {
		time.Sleep(time.Until(time.Unix(0, cohort*int64(cohortWidth)).Add(2 * time.Millisecond)))
	}
	wait(k) // every cohort before it judged
	if got := window(t, l, rtt, 0); got != raised {
		t.Fatalf("the cohorts before the second round trip's judged: limit %d, want it to stay at %d", got, raised)
	}
	wait(k + 1) // and that one
	if got := window(t, l, rtt, 0); got <= raised {
		t.Errorf("two round trips after the raise were judged, yet the limit stayed at %d", got)
	}
}

// TestLimiterProbeOverloadReturns: an overload once the ceiling was raised
// puts the limit back at the last ceiling that lost nothing, for good,
// without a trial; an overload at a ceiling not raised starts a trial.
func TestLimiterProbeOverloadReturns(t *testing.T) {
	overload := func(l *limiter) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.sent.add(time.Now()) // a rate worth a trial
		for range trialRate {
			l.sent.add(time.Now())
		}
		l.fw = tally{judged: failWindow, failures: failWindow / 2}
		l.judgeWindow(time.Now())
	}
	l := newLimiter(0, maxProbedInFlight)
	for l.soft == maxInFlight {
		window(t, l, 30*time.Millisecond, 0)
	}
	raised := l.soft
	overload(l)
	if l.limit != maxInFlight || l.soft != maxInFlight || !l.probed || l.trial != nil {
		t.Fatalf("overload at %d: limit %d, ceiling %d, probed %v, trial %v; want %d, %d, true, none", raised, l.limit, l.soft, l.probed, l.trial != nil, maxInFlight, maxInFlight)
	}
	for range 10 {
		window(t, l, 30*time.Millisecond, 0)
	}
	if l.limit != maxInFlight {
		t.Errorf("limit %d after good windows, want it to stay at %d", l.limit, maxInFlight)
	}
	overload(l)
	if l.trial == nil {
		t.Errorf("an overload at the ceiling that lost nothing before started no trial")
	}
}

// limitFound returns a limiter that has found the server's rate limit of
// found queries a second and paces them at pace from now, which it also
// returns. l.mu is held until the test ends, for judgeWindow.
func limitFound(t *testing.T, found, pace float64) (*limiter, time.Time) {
	l := newLimiter(0, maxInFlight)
	l.mu.Lock()
	t.Cleanup(l.mu.Unlock)
	now := time.Now()
	l.found, l.limited = found, now
	l.setPace(now, pace)
	l.judgeFrom(now)
	return l, now
}

// TestLimiterBaselineHoldsUnderARateLimit: once the server has shown its
// rate limit, the failures that come as the pace grows past the limit are
// of our making, even when each window of them stays just under the
// threshold: they do not raise the failure baseline. A baseline that
// followed them lifted the threshold with them, until no window was
// overload and the pace grew unchecked (issue 21: the baseline rose from 0
// to 0.74 in 20 s, the pace from 530 to 4,470 a second).
func TestLimiterBaselineHoldsUnderARateLimit(t *testing.T) {
	l, now := limitFound(t, 500, 475)
	l.fw = tally{judged: failWindow} // at the pace the server takes, nothing fails
	l.judgeWindow(now)
	for i := range 200 {
		// The pace grows, and the failures with it, each window as many
		// as the threshold lets by.
		l.rate += l.rate / paceGrowth
		failures := min(int(l.failThreshold(failWindow)*failWindow), failWindow)
		l.fw = tally{judged: failWindow, failures: failures}
		l.judgeWindow(now)
		if l.trial != nil || l.rate == 0 {
			t.Fatalf("window %d: a trial or the pace lifted, after %d of %d failed", i, failures, failWindow)
		}
	}
	if l.failBase > 0.01 {
		t.Errorf("failure baseline %.2f after windows just under the threshold as the pace grew, want it to stay at 0", l.failBase)
	}
}

// TestLimiterBaselineFollowsSteadyLoss: once a rate limit is found, a path
// that loses 30% of the queries whatever their pace (a limit found by
// mistake, or a rate-limited server far away) still raises the failure
// baseline to its loss: at 0.17 the threshold is 0.33, and a window a few
// losses over it would cut the pace for failures that no pace avoids.
func TestLimiterBaselineFollowsSteadyLoss(t *testing.T) {
	l, now := limitFound(t, 300, 285)
	l.failBase = 0.17
	for i := range 100 {
		lost := []int{11, 13, 12, 13, 11, 12}[i%6] // 30% at a steady pace
		l.fw = tally{judged: 40, failures: lost}
		l.judgeWindow(now)
		if l.rate != 285 {
			t.Fatalf("window %d (%d of 40 lost, baseline %.2f): the pace was cut to %.0f", i, lost, l.failBase, l.rate)
		}
	}
	if l.failBase < 0.25 {
		t.Errorf("failure baseline %.2f after 100 windows that lost 30%%, want near 0.3", l.failBase)
	}
}

// TestLimiterRetriesAreNotJudged: the failures are a fraction of the
// lookups' first attempts; a retry's answer is left out like its failure.
// Counted alone, the answers of retries made a path that loses 30% of
// the queries seem to lose 18%, which gave no lookup the more attempts
// such a loss needs (lossRetries).
func TestLimiterRetriesAreNotJudged(t *testing.T) {
	l := newLimiter(0, maxInFlight)
	l.mu.Lock()
	defer l.mu.Unlock()
	at := time.Unix(1_700_000_000, 0)
	lost := func(i int) outcome {
		if i%10 < 3 {
			return timedOut
		}
		return answered
	}
	// A first attempt and a retry every 20 ms, too few a second for a
	// trial: each window's fraction goes into the failure baseline.
	for i := range 100 * failWindow {
		for _, retry := range []bool{false, true} {
			sent := l.stamp(at)
			l.observe(at.Add(time.Millisecond), sent, time.Millisecond, attemptOutcome(lost(i), retry))
		}
		at = at.Add(20 * time.Millisecond)
	}
	l.judgeCohorts(at)
	if l.trial != nil || l.rate != 0 {
		t.Fatalf("a trial or a pace (%.0f/s) at 100 queries a second", l.rate)
	}
	if math.Abs(l.failBase-0.3) > 0.02 {
		t.Errorf("failure baseline %.2f on a path that loses 30%%, want 0.30", l.failBase)
	}
}

// A limiterSim drives a limiter on a clock of its own, a millisecond at a
// time, as a check does: it sends queries at supply a second, or at the
// pace when that is lower, to the server m, first the retries that are
// due and then the lookups' first attempts; a failed attempt is retried
// simRetryAfter after its outcome, up to simRetries times. Every query goes
// through the limiter's stamp and observe, so that its judgement of
// failures, its trials and its pace run as they do live, and the same way
// on every run.
type limiterSim struct {
	l         *limiter
	m         *capModel
	supply    float64 // queries a second the checks would send unpaced
	now       time.Time
	allowance float64
	due       []simQuery    // retries, in the order they fall due
	pending   [2][]simQuery // sent, waiting for their outcome: replies, then timeouts, each in the order they fall due
}

// The retries of a limiterSim's lookups: two, 50 ms after a failure.
const (
	simRetries    = 2
	simRetryAfter = 50 * time.Millisecond
)

// A simQuery is one attempt of a lookup: due at, for its outcome or, as a
// retry, for sending.
type simQuery struct {
	at, sent time.Time
	o        outcome
	attempt  int // 0 for the first
}

// newLimiterSim returns a simulation of checks that send supply queries
// a second to m, with no end of lookups to send.
func newLimiterSim(m *capModel, supply float64) *limiterSim {
	return &limiterSim{
		l:      newLimiter(0, maxInFlight),
		m:      m,
		supply: supply,
		now:    time.Unix(1_700_000_000, 0),
	}
}

// run advances the simulation by d, calling each, when not nil, after
// every millisecond.
func (s *limiterSim) run(d time.Duration, each func()) {
	l := s.l
	l.mu.Lock()
	defer l.mu.Unlock()
	for end := s.now.Add(d); s.now.Before(end); s.now = s.now.Add(time.Millisecond) {
		for i, pending := range s.pending {
			for len(pending) > 0 && !pending[0].at.After(s.now) {
				q := pending[0]
				pending = pending[1:]
				l.observe(s.now, q.sent, q.at.Sub(q.sent), attemptOutcome(q.o, q.attempt > 0))
				if q.o != answered && q.attempt < simRetries {
					s.due = append(s.due, simQuery{at: s.now.Add(simRetryAfter), attempt: q.attempt + 1})
				}
			}
			s.pending[i] = pending
		}
		rate := s.supply
		if l.rate > 0 && l.rate < rate {
			rate = l.rate
		}
		s.allowance = min(s.allowance+rate/1000, max(1, rate*paceCredit.Seconds()))
		for s.allowance >= 1 {
			var q simQuery // a first attempt, unless a retry is due
			if len(s.due) > 0 && !s.due[0].at.After(s.now) {
				q, s.due = s.due[0], s.due[1:]
			}
			s.allowance--
			if rate < s.supply {
				l.paced = true // the query waited for the pace
			}
			q.sent = l.stamp(s.now)
			q.o = s.m.outcome(s.now)
			q.at = s.now.Add(time.Millisecond)
			i := 0
			if q.o == timedOut {
				q.at, i = s.now.Add(250*time.Millisecond), 1
			}
			s.pending[i] = append(s.pending[i], q)
		}
		if each != nil {
			each()
		}
	}
}

// TestLimiterTrialUnderTheRate: a trial started by failures at a rate a
// little over the server's, whose two steps both go under it, sees no
// failures in either: they went when the pace was halved, so they were of
// our making, and the server limits the rate. Taken for the path's, such
// steps cleared the rate limit found and lifted the pace, and a run ended
// without a word of the limit.
func TestLimiterTrialUnderTheRate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		m      *capModel
		supply float64
	}{
		{"REFUSED, 600 a second sent", &capModel{rate: 500}, 600},
		{"REFUSED, 700 a second sent", &capModel{rate: 500}, 700},
		{"dropped, 600 a second sent", &capModel{rate: 500, drop: true}, 600},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newLimiterSim(tt.m, tt.supply)
			found, cleared := false, 0
			s.run(6*time.Second, func() {
				if found && s.l.limited.IsZero() {
					cleared++
				}
				found = !s.l.limited.IsZero()
			})
			limited, pace := s.l.rateLimit()
			if !limited || cleared > 0 {
				t.Errorf("rate limit found at the end: %v, cleared %d times; want found and never cleared", limited, cleared)
			}
			if pace < 400 || pace > tt.supply {
				t.Errorf("paced at %.0f a second, want about the server's 500", pace)
			}
		})
	}
}

// TestLimiterTrialOfRetries: a trial whose steps judged too few first
// attempts, the rest retries of a burst the server dropped over its rate,
// is judged by all the attempts they sent: every one answered, after a
// window that lost 39 of 93, shows the rate limit (the steps of a run of
// TestMisbehavingServers that gave no word of it); as many lost as before
// shows the path's loss, not a limit.
func TestLimiterTrialOfRetries(t *testing.T) {
	for _, tt := range []struct {
		name  string
		steps [2]tally
		want  bool
	}{
		{"every attempt answered", [2]tally{{sent: 93, answers: 93, judged: 11}, {sent: 44, answers: 44, judged: 4}}, true},
		{"four in ten lost, as before", [2]tally{{sent: 93, answers: 56, judged: 11, failures: 4}, {sent: 44, answers: 26, judged: 4, failures: 2}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newLimiter(0, maxInFlight)
			l.mu.Lock()
			defer l.mu.Unlock()
			start := time.Unix(1_700_000_000, 0)
			l.trial = &trial{start: start, pace: 292, before: 480,
				prior: tally{sent: 93, answers: 54, judged: 93, failures: 39}, steps: tt.steps}
			l.endTrial(start.Add(2 * trialSpan))
			if got := !l.limited.IsZero(); got != tt.want {
				t.Errorf("rate limit found: %v, want %v (pace %.0f a second)", got, tt.want, l.rate)
			}
		})
	}
}

// TestLimiterTrialNotFooledByLoss: on a path that loses 30% or 50% of
// the queries at random, whatever their pace, no trial takes the failures
// for a rate limit, and the failure baseline learns a loss of 30% (one of
// 50% is learned more slowly than these 6 s, its trials' steps mostly
// retries, too few first attempts to judge). Steps of few
// first attempts, among many retries, sometimes lost few enough of them,
// below a window picked for losing many, or below a first step that lost
// many by chance, to be taken for one; and at 50%, a second step of half
// the queries sometimes got nearly as many answers as the first by chance
// (8 runs in 40 at 300 a second), and the run went on paced at a hundred
// a second, with the loss never learned.
func TestLimiterTrialNotFooledByLoss(t *testing.T) {
	for _, tt := range []struct {
		loss   float64
		supply float64 // queries a second
		seeds  uint64  // of the random loss: so many runs
	}{{0.3, 700, 10}, {0.3, 1000, 50}, {0.3, 1500, 20}, {0.5, 300, 20}, {0.5, 700, 20}} {
		for seed := range tt.seeds {
			supply := tt.supply
			s := newLimiterSim(&capModel{loss: tt.loss, random: rand.New(rand.NewPCG(seed, 1))}, supply)
			limited := false
			s.run(6*time.Second, func() { limited = limited || !s.l.limited.IsZero() })
			if limited {
				t.Errorf("loss %.0f%%, %.0f queries a second, seed %d: the loss was taken for a rate limit", 100*tt.loss, supply, seed)
			}
			if tt.loss == 0.3 && s.l.failBase < 0.2 {
				t.Errorf("loss 30%%, %.0f queries a second, seed %d: failure baseline %.2f, want about 0.3", supply, seed, s.l.failBase)
			}
		}
	}
}
