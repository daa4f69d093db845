package dnstest

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// A FloorResult is one run of FloorCheck.
type FloorResult struct {
	Took     time.Duration
	Queries  int64
	Failures int64 // queries without an answer: the run did less than it should
}

// FloorCheck is the floor of a checker's DNS work, which benchmarks compare
// listclean with: workers goroutines, each with a UDP socket of its own,
// asking server the MX of every domain, the A of a domain whose MX answer
// holds no MX record, and the A of the most preferred MX host of each
// domain, once per distinct host; no retries, no pacing, no caching of
// domains, no statuses. Each query waits at most timeout for its answer.
func FloorCheck(server string, domains []string, workers int, timeout time.Duration) FloorResult {
	var next, queries, failures atomic.Int64
	var hosts sync.Map
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			client := &dns.Client{Timeout: timeout}
			co, err := client.Dial(server)
			if err != nil {
				failures.Add(1)
				return
			}
			defer co.Close()
			// ask returns the reply, or nil after a timeout. Over UDP,
			// ExchangeWithConn skips late replies to earlier questions.
			ask := func(name string, qtype uint16) *dns.Msg {
				m := new(dns.Msg)
				m.SetQuestion(dns.Fqdn(name), qtype)
				m.SetEdns0(ednsSize, false)
				queries.Add(1)
				r, _, err := client.ExchangeWithConn(m, co)
				if err != nil {
					failures.Add(1)
					return nil
				}
				return r
			}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(domains) {
					return
				}
				r := ask(domains[i], dns.TypeMX)
				if r == nil || r.Rcode != dns.RcodeSuccess {
					continue
				}
				var first *dns.MX
				for _, rr := range r.Answer {
					if mx, ok := rr.(*dns.MX); ok && (first == nil || mx.Preference < first.Preference) {
						first = mx
					}
				}
				switch {
				case first == nil:
					ask(domains[i], dns.TypeA)
				case first.Mx != ".":
					if _, seen := hosts.LoadOrStore(first.Mx, true); !seen {
						ask(first.Mx, dns.TypeA)
					}
				}
			}
		})
	}
	wg.Wait()
	return FloorResult{Took: time.Since(start), Queries: queries.Load(), Failures: failures.Load()}
}
