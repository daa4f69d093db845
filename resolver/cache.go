package resolver

import (
	"context"
	"sync"
)

// A flightCache remembers one value per key for the life of a Checker and
// deduplicates work in flight: the first caller of a key computes the value,
// callers arriving meanwhile wait for it, later callers get it at once. It is
// what makes each distinct domain and each distinct MX host asked once per run.
type flightCache[V any] struct {
	mu sync.Mutex
	m  map[string]*flight[V]
}

// A flight is one key's value, ready once done is closed. When the computing
// caller gave up (its context was cancelled) the flight is dropped from the
// map with ok false, and its waiters compute the value themselves.
type flight[V any] struct {
	done chan struct{}
	val  V
	ok   bool
}

// get returns the value for key, computing it with compute if no other
// caller has or is. compute reports false when it was cut short by ctx; such
// a value is neither kept nor handed to waiters. shared tells whether the
// value came from another caller's computation. get returns ctx's error when
// ctx is done before the value is known.
func (c *flightCache[V]) get(ctx context.Context, key string, compute func() (V, bool)) (val V, shared bool, err error) {
	for {
		c.mu.Lock()
		if c.m == nil {
			c.m = make(map[string]*flight[V])
		}
		f, found := c.m[key]
		if !found {
			f = &flight[V]{done: make(chan struct{})}
			c.m[key] = f
			c.mu.Unlock()
			return c.run(ctx, key, f, compute)
		}
		c.mu.Unlock()

		select {
		case <-f.done:
		case <-ctx.Done():
			return val, false, ctx.Err()
		}
		if f.ok {
			return f.val, true, nil
		}
		if err := ctx.Err(); err != nil {
			return val, false, err
		}
	}
}

// run computes the value of flight f as its owner.
func (c *flightCache[V]) run(ctx context.Context, key string, f *flight[V], compute func() (V, bool)) (V, bool, error) {
	f.val, f.ok = compute()
	if !f.ok {
		c.mu.Lock()
		delete(c.m, key)
		c.mu.Unlock()
	}
	close(f.done)
	if !f.ok {
		var zero V
		return zero, false, ctx.Err()
	}
	return f.val, false, nil
}

// peek returns the value of key when it is known, without computing it.
func (c *flightCache[V]) peek(key string) (V, bool) {
	c.mu.Lock()
	f := c.m[key]
	c.mu.Unlock()
	var zero V
	if f == nil {
		return zero, false
	}
	select {
	case <-f.done:
		return f.val, f.ok
	default:
		return zero, false
	}
}

// forget drops the value of key, once computed, so that the next get
// computes it again. A computation under way is left to finish.
func (c *flightCache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.m[key]; f != nil {
		select {
		case <-f.done:
			delete(c.m, key)
		default:
		}
	}
}
