package resolver

import (
	"context"
	"sync"
)

// A flightCache remembers one value per key for the life of a Checker and
// deduplicates work in flight: the first caller of a key computes the value,
// callers arriving meanwhile wait for it, later callers get it at once. It is
// what makes each distinct domain and each distinct MX host asked once per run
// (an MX host whose lookup failed is asked again: see Checker.host).
type flightCache[V any] struct {
	mu sync.Mutex
	m  map[string]*flight[V]
}

// A flight is one key's value, known once done. When the computing caller
// gave up (its context was cancelled) the flight is dropped from the map
// with ok false, and its waiters compute the value themselves.
//
// done and wait are guarded by the cache's mu; val and ok are written
// before done is set and never after. The channel that waiters wait on is
// made by the first of them: most keys never have one (a domain is handed
// to one worker; only the shared MX hosts are waited for), and a channel
// for each was 96 of the 288 bytes a domain's cache entry took.
type flight[V any] struct {
	val  V
	ok   bool
	done bool
	wait chan struct{} // closed once done; nil until a caller waits
}

// get returns the value for key, computing it with compute if no other
// caller has or is. compute writes the value where it is told and reports
// false when it was cut short by ctx; such a value is neither kept nor
// handed to waiters. The value returned is the cache's own: read it, and
// copy it before changing it. shared tells whether the value came from
// another caller's computation. get returns ctx's error when ctx is done
// before the value is known.
//
// The value is written and read in place, rather than returned: a
// domain's Result, returned, took room in five frames on the stack of
// each worker (see decodeScratch for what the depth of that stack
// costs).
func (c *flightCache[V]) get(ctx context.Context, key string, compute func(*V) bool) (val *V, shared bool, err error) {
	for {
		c.mu.Lock()
		if c.m == nil {
			c.m = make(map[string]*flight[V])
		}
		f, found := c.m[key]
		if !found {
			f = &flight[V]{}
			c.m[key] = f
			c.mu.Unlock()
			return c.run(ctx, key, f, compute)
		}
		if f.done { // and so ok: a flight given up is no longer in the map
			c.mu.Unlock()
			return &f.val, true, nil
		}
		if f.wait == nil {
			f.wait = make(chan struct{})
		}
		wait := f.wait
		c.mu.Unlock()

		select {
		case <-wait:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		if f.ok {
			return &f.val, true, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
	}
}

// run computes the value of flight f as its owner.
func (c *flightCache[V]) run(ctx context.Context, key string, f *flight[V], compute func(*V) bool) (*V, bool, error) {
	f.ok = compute(&f.val)
	c.mu.Lock()
	if !f.ok {
		delete(c.m, key)
	}
	f.done = true
	wait := f.wait
	c.mu.Unlock()
	if wait != nil {
		close(wait)
	}
	if !f.ok {
		return nil, false, ctx.Err()
	}
	return &f.val, false, nil
}

// reserve makes room for n keys when the cache has none yet: the map of a
// run's domains, grown one doubling at a time, allocated twice its size
// and rehashed every key on the way.
func (c *flightCache[V]) reserve(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) == 0 {
		c.m = make(map[string]*flight[V], n)
	}
}

// peek returns the value of key when it is known, without computing it.
func (c *flightCache[V]) peek(key string) (V, bool) {
	c.mu.Lock()
	f := c.m[key]
	done := f != nil && f.done
	c.mu.Unlock()
	if !done {
		var zero V
		return zero, false
	}
	return f.val, f.ok
}

// forget drops the value of key, once computed, so that the next get
// computes it again. A computation under way is left to finish.
func (c *flightCache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.m[key]; f != nil && f.done {
		delete(c.m, key)
	}
}
