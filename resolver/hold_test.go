package resolver

import (
	"context"
	"testing"
	"time"
)

// TestAwaitRoundAfterAMissedRound: a wait for a round ends at once when a
// round started or ended after the caller last looked at its Results. A
// round that ended in between, as a round of a millisecond on loopback
// often did, was missed, and the Results waited a whole roundEvery for the
// next one.
func TestAwaitRoundAfterAMissedRound(t *testing.T) {
	srv := startServer(t, testZone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	ctx := context.Background()
	if err := c.Prove(ctx, nil); err != nil {
		t.Fatal(err)
	}
	tr := c.trust
	seen := tr.rounds.Load()
	// A round that starts and ends after seen was read, as between a
	// verdict and the wait that follows it.
	tr.mu.Lock()
	r := tr.startRound(false)
	tr.mu.Unlock()
	<-r.done

	start := time.Now()
	if err := tr.awaitRound(ctx, false, nil, seen); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > roundEvery/4 {
		t.Errorf("waited %v after a round that had ended, want no wait", d)
	}
}
