package resolver

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// fill acquires n slots of l, failing t if any blocks.
func fill(t *testing.T, l *limiter, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range n {
		if err := l.acquire(ctx); err != nil {
			t.Fatalf("slot %d of %d: %v", i+1, n, err)
		}
	}
}

// window completes one window of l (limit outcomes at full load) with the
// given round-trip time and number of timeouts, and returns the new limit.
func window(t *testing.T, l *limiter, rtt time.Duration, timeouts int) int {
	t.Helper()
	n := l.limit
	fill(t, l, n)
	now := time.Now()
	for i := range n {
		if i < timeouts {
			l.release(now, 0, timedOut)
		} else {
			l.release(now, rtt, answered)
		}
	}
	_, limit := l.snapshot()
	return limit
}

func TestLimiterAdapts(t *testing.T) {
	l := newLimiter(0)
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
	// Many timeouts halve it.
	before = l.limit
	if got := window(t, l, 100*time.Microsecond, before/4); got != before/2 {
		t.Fatalf("after a window of timeouts: limit %d, want %d", got, before/2)
	}
	// A lone timeout is a dead name, not congestion: it does not stop growth.
	before = l.limit
	if got := window(t, l, 100*time.Microsecond, 1); got <= before {
		t.Fatalf("after a window with one timeout: limit %d, want above %d", got, before)
	}
	// Timeouts of queries sent before the last cut are not counted again.
	l.cut(l.limit)
	before = l.limit
	fill(t, l, before)
	sentEarlier := l.lastCut.Add(-time.Second)
	for range before {
		l.release(sentEarlier, 0, timedOut)
	}
	if l.limit != before {
		t.Fatalf("old timeouts changed the limit from %d to %d", before, l.limit)
	}
	// The bounds hold.
	for range 20 {
		window(t, l, 100*time.Microsecond, l.limit)
	}
	if l.limit != minInFlight {
		t.Errorf("limit %d after many bad windows, want the floor %d", l.limit, minInFlight)
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
	l := newLimiter(0)
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

func TestLimiterGrowsOnlyWhenUsed(t *testing.T) {
	l := newLimiter(0)
	for range 5 * startInFlight {
		fill(t, l, 1)
		l.release(time.Now(), time.Millisecond, answered)
	}
	if l.limit != startInFlight {
		t.Errorf("limit grew to %d with one query in flight, want it to stay %d", l.limit, startInFlight)
	}
}

func TestLimiterPinned(t *testing.T) {
	l := newLimiter(3)
	for range 10 {
		window(t, l, time.Second, 2)
	}
	if l.limit != 3 {
		t.Errorf("pinned limit moved to %d", l.limit)
	}
}

func TestLimiterBlocksAndHandsOver(t *testing.T) {
	l := newLimiter(2)
	fill(t, l, 2)

	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan error)
	go func() { cancelled <- l.acquire(ctx) }()
	var wg sync.WaitGroup
	const waiters = 5
	for range waiters {
		wg.Go(func() {
			if err := l.acquire(context.Background()); err != nil {
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
	l := newLimiter(0)
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
	l := newLimiter(0)
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
