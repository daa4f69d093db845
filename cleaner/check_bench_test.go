package cleaner

import (
	"context"
	"testing"

	"github.com/listclean/listclean/resolver"
)

// instantChecker answers every domain at once, from the list's own
// counts: a domain of at most two rows does not exist (the likeliest
// typos, as in the generated lists), any other routes; a domain that is
// not the list's (a candidate correction) routes.
type instantChecker struct{ rows map[string]int }

func (c instantChecker) CheckStreamHeld(ctx context.Context, domains <-chan []string, onHeld func(resolver.Result)) <-chan resolver.Result {
	out := make(chan resolver.Result, 64)
	go func() {
		defer close(out)
		for ds := range domains {
			for _, d := range ds {
				r := resolver.Result{Domain: d, Status: resolver.StatusOK, MX: []resolver.MXHost{{Host: "mx." + d, Pref: 10, State: resolver.HostResolved, Addrs: []string{"192.0.2.1"}}}}
				if n, own := c.rows[d]; own && n <= 2 {
					r = resolver.Result{Domain: d, Status: resolver.StatusNXDomain, Lookups: []resolver.Lookup{{Name: d, Type: "MX", Rcode: "NXDOMAIN"}}}
				}
				select {
				case out <- r:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// BenchmarkSessionCheck times Session.Check of the list named by
// benchListEnv against a checker that answers at once: what the session
// itself costs while the checks run (passing the results on, finding the
// failing domains' corrections, applying each) and judging every row.
func BenchmarkSessionCheck(b *testing.B) {
	l := benchList(b)
	base := NewSession(l, true)
	rows := make(map[string]int, len(base.domains))
	for k, d := range base.domains {
		rows[d] = base.domainRows[k]
	}
	c := instantChecker{rows: rows}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s := NewSession(l, true)
		s.corrections()
		b.StartTimer()
		s.Check(context.Background(), c, nil)
	}
}
