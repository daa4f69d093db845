package resolver

import (
	"context"
	"testing"
	"time"
)

// TestFlightCacheWaiters checks the paths of a caller that arrives while
// another computes the key: it gets the value once computed, and computes
// it itself when the other gave up; a later caller gets the value at once.
func TestFlightCacheWaiters(t *testing.T) {
	for _, ownerGivesUp := range []bool{false, true} {
		var c flightCache[int]
		started, finish := make(chan struct{}), make(chan struct{})
		owner := make(chan int)
		go func() {
			v, _, _ := c.get(context.Background(), "k", func(v *int) bool {
				close(started)
				<-finish
				*v = 1
				return !ownerGivesUp
			})
			owner <- value(v)
		}()
		<-started
		type got struct {
			v      int
			shared bool
			err    error
		}
		waiter := make(chan got)
		go func() {
			v, shared, err := c.get(context.Background(), "k", set(2))
			waiter <- got{value(v), shared, err}
		}()
		// Let the waiter find the flight in progress before it ends.
		for deadline := time.Now().Add(5 * time.Second); ; {
			c.mu.Lock()
			waiting := c.m["k"].wait != nil
			c.mu.Unlock()
			if waiting {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the second caller never waited for the first")
			}
			time.Sleep(time.Millisecond)
		}
		close(finish)
		<-owner
		w := <-waiter
		want := got{1, true, nil}
		if ownerGivesUp {
			want = got{2, false, nil}
		}
		if w != want {
			t.Errorf("owner gives up %v: waiter got %+v, want %+v", ownerGivesUp, w, want)
		}
		v, shared, err := c.get(context.Background(), "k", set(3))
		if value(v) != want.v || !shared || err != nil {
			t.Errorf("owner gives up %v: later caller got %d, %v, %v, want %d from the cache", ownerGivesUp, value(v), shared, err, want.v)
		}
		if v, ok := c.peek("k"); v != want.v || !ok {
			t.Errorf("owner gives up %v: peek got %d, %v", ownerGivesUp, v, ok)
		}
		c.forget("k")
		if _, ok := c.peek("k"); ok {
			t.Errorf("owner gives up %v: peek found the key after forget", ownerGivesUp)
		}
	}
}

// TestFlightCacheWaiterCancelled checks that a caller waiting for another's
// computation returns its context's error when cancelled first.
func TestFlightCacheWaiterCancelled(t *testing.T) {
	var c flightCache[int]
	started, finish := make(chan struct{}), make(chan struct{})
	defer close(finish)
	go c.get(context.Background(), "k", func(v *int) bool {
		close(started)
		<-finish
		*v = 1
		return true
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := c.get(ctx, "k", set(2)); err != context.Canceled {
		t.Errorf("got error %v, want %v", err, context.Canceled)
	}
}

// TestFlightCacheKeeps checks that a value computed with no one waiting
// is handed to later callers without computing it again.
func TestFlightCacheKeeps(t *testing.T) {
	var c flightCache[int]
	for i, want := range []struct {
		v      int
		shared bool
	}{{1, false}, {1, true}, {1, true}} {
		v, shared, err := c.get(context.Background(), "k", set(i+1))
		if value(v) != want.v || shared != want.shared || err != nil {
			t.Errorf("call %d: got %d, %v, %v, want %d, %v", i, value(v), shared, err, want.v, want.shared)
		}
	}
}

// set is a computation of the value v that is never cut short.
func set(v int) func(*int) bool {
	return func(p *int) bool { *p = v; return true }
}

// value is the value get returned, or -1 for none.
func value(v *int) int {
	if v == nil {
		return -1
	}
	return *v
}
