// Package resolver checks whether email domains can receive mail, by asking
// DNS servers for their MX, A and AAAA records with github.com/miekg/dns.
//
// A Checker asks each distinct domain and each distinct MX host once for its
// whole life, however many callers ask at once, and adapts the number of
// queries in flight to what the servers sustain. How answers become a Status
// is decided in status.go alone.
package resolver

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/miekg/dns"
)

// A Checker checks domains against the configured DNS servers. It is safe for
// concurrent use. Its cache lasts as long as the Checker: use one per run.
type Checker struct {
	cfg       Config
	preferred atomic.Int32 // index of the server that last answered well
	limit     *limiter
	conns     *connPool
	domains   flightCache[Result]
	hosts     flightCache[hostResult]

	queries, answers, timeouts, retries, tcp atomic.Int64
}

// Stats is a snapshot of a Checker's work so far.
type Stats struct {
	Queries  int64 // queries sent, over UDP and TCP
	Answers  int64 // replies received, whatever their rcode
	Timeouts int64 // attempts that got no reply in time
	Retries  int64 // attempts after the first of a lookup
	TCP      int64 // truncated UDP replies asked again over TCP
	InFlight int   // queries in flight now
	Limit    int   // the current limit on queries in flight
}

// NewChecker returns a Checker for cfg. Zero Timeout means DefaultTimeout;
// there must be at least one server.
func NewChecker(cfg Config) (*Checker, error) {
	cfg, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	return &Checker{
		cfg:   cfg,
		limit: newLimiter(cfg.Concurrency),
		conns: newConnPool(cfg.Servers),
	}, nil
}

// Close releases the Checker's idle sockets. Queries still running end with
// an error; the Checker must not be used afterwards.
func (c *Checker) Close() error {
	c.conns.close()
	return nil
}

// Stats returns a snapshot of the counters; it is safe to call while checks
// run, for example to draw progress.
func (c *Checker) Stats() Stats {
	inFlight, limit := c.limit.snapshot()
	return Stats{
		Queries:  c.queries.Load(),
		Answers:  c.answers.Load(),
		Timeouts: c.timeouts.Load(),
		Retries:  c.retries.Load(),
		TCP:      c.tcp.Load(),
		InFlight: inFlight,
		Limit:    limit,
	}
}

// Normalize returns domain as the Checker keys it: lower case, without
// surrounding spaces or a trailing dot.
func Normalize(domain string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
}

// Distinct returns the distinct domains of domains as Normalize makes them,
// in the order first seen: what Check sends one Result for each of, and so
// the total for a progress display.
func Distinct(domains []string) []string {
	seen := make(map[string]bool, len(domains))
	var distinct []string
	for _, d := range domains {
		d = Normalize(d)
		if !seen[d] {
			seen[d] = true
			distinct = append(distinct, d)
		}
	}
	return distinct
}

// CheckDomain checks one domain, given in ASCII (punycode for IDNs), and
// returns its Result, from the cache when the domain was checked before or
// is being checked by another caller. A name that is not a valid ASCII
// domain gives StatusDNSError with Err saying why: it was never asked, so
// nothing is known. When ctx is cancelled first, the Result is also a
// StatusDNSError, with ctx's error in Err, and is not cached.
func (c *Checker) CheckDomain(ctx context.Context, domain string) Result {
	d := Normalize(domain)
	r, err := c.check(ctx, d)
	if err != nil {
		return Result{Domain: d, Status: StatusDNSError, Err: "check cancelled: " + err.Error()}
	}
	return cloneResult(r) // the caller's own, free to modify
}

// Check checks the distinct domains of domains (see Distinct) concurrently
// and sends one Result per distinct domain on the returned channel as each
// completes, cached ones included. The channel is closed when all are sent
// or ctx is cancelled; domains not finished by then are not sent. The caller
// must read the channel until it is closed or cancel ctx.
//
// The Results share their slices with the Checker's cache, which a list of
// a million rows would otherwise copy once more (20 MB): read them, and
// copy a slice before changing it.
func (c *Checker) Check(ctx context.Context, domains []string) <-chan Result {
	distinct := Distinct(domains)
	out := make(chan Result, 64)
	var (
		next    atomic.Int64 // index of the next domain to check
		workers atomic.Int64 // workers running
		wg      sync.WaitGroup
	)
	// A worker checks one domain at a time, and at times waits for an MX host
	// that another worker is looking up rather than for a query slot, so the
	// number of workers follows the in-flight limit plus an eighth: enough to
	// keep the limiter busy, without idle goroutines (whose start-up would
	// also blur the latency the limiter measures). Twice the limit kept half
	// the workers waiting in the limiter's queue, each query then handed
	// from one goroutine to another: on loopback the checks took 1.43 times
	// the plain loop against 1.30 with an eighth (medians of 8 and 11
	// alternating runs of BenchmarkDNSPhase), the same at 30 ms. Workers are
	// added as soon as they fall short, but leave only when they are more
	// than twice as many: the limit moves by a tenth or a sixteenth every
	// window, and following each move exactly started and ended a worker for
	// about one domain in ten, each growing its stack anew.
	want := func() int64 { l := c.limit.currentLimit(); return int64(l + l/8 + 1) }
	// handedOut is closed once every domain has been taken by a worker, or
	// ctx is cancelled: no worker is wanted after that.
	handedOut := make(chan struct{})
	endHanding := sync.OnceFunc(func() { close(handedOut) })
	work := func() {
		defer wg.Done()
		for {
			i := int(next.Add(1) - 1)
			if i >= len(distinct) || ctx.Err() != nil {
				endHanding()
				return
			}
			r, err := c.check(ctx, distinct[i])
			if err != nil {
				return
			}
			select {
			case out <- r:
			case <-ctx.Done():
				return
			}
			if n, w := workers.Load(), want(); n > 2*w && workers.CompareAndSwap(n, n-1) {
				return
			}
		}
	}
	// addWorkers starts the workers the limit wants and the domains left
	// can keep busy.
	addWorkers := func() {
		for {
			n, w := workers.Load(), want()
			add := min(w-n, int64(len(distinct))-next.Load())
			if add <= 0 {
				return
			}
			if workers.CompareAndSwap(n, n+add) {
				wg.Add(int(add))
				for range add {
					go work()
				}
				return
			}
		}
	}
	// The workers are started, and added as soon as the limit grows, by one
	// goroutine; it counts in wg so that wg cannot reach zero while it may
	// still add workers. Adding them when a worker finished a domain (two
	// round trips, an MX and its host) held slow start back to one step per
	// two round trips: 30 ms away, the limit took 0.2 s to reach 2,048.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			grown := c.limit.growth()
			addWorkers()
			if int(next.Load()) >= len(distinct) {
				return
			}
			select {
			case <-grown:
			case <-handedOut:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// check returns the Result of a normalized domain through the cache; the
// error is ctx's when it was cancelled first. The Result shares its slices
// with the cache.
func (c *Checker) check(ctx context.Context, domain string) (Result, error) {
	if err := validDomain(domain); err != nil {
		return Result{Domain: domain, Status: StatusDNSError, Err: err.Error()}, nil
	}
	r, _, err := c.domains.get(ctx, domain, func() (Result, bool) {
		r, err := checkDomain(ctx, c.lookup, c.host, domain)
		return r, err == nil
	})
	if err != nil {
		return Result{}, err
	}
	return r, nil
}

// host looks up an MX host through the cache. The lookups of an answer that
// another domain's check obtained are marked Cached.
func (c *Checker) host(ctx context.Context, host string) (hostResult, error) {
	hr, shared, err := c.hosts.get(ctx, host, func() (hostResult, bool) {
		hr, err := checkHost(ctx, c.lookup, host)
		return hr, err == nil
	})
	if err != nil || !shared {
		return hr, err
	}
	hr.Lookups = slices.Clone(hr.Lookups)
	for i := range hr.Lookups {
		hr.Lookups[i].Cached = true
	}
	return hr, nil
}

// validDomain reports why domain cannot be asked about, if it cannot.
func validDomain(domain string) error {
	if domain == "" {
		return fmt.Errorf("empty domain name")
	}
	for i := range len(domain) {
		if domain[i] >= 0x80 {
			return fmt.Errorf("domain %q is not ASCII: convert it to punycode first", domain)
		}
	}
	if _, ok := dns.IsDomainName(domain); !ok || strings.Contains(domain, "..") || strings.HasPrefix(domain, ".") {
		return fmt.Errorf("%q is not a valid domain name", domain)
	}
	return nil
}

// cloneResult copies r deeply, so that callers sharing a cached Result
// cannot change each other's.
func cloneResult(r Result) Result {
	r.CNAME = slices.Clone(r.CNAME)
	r.Addrs = slices.Clone(r.Addrs)
	r.Lookups = slices.Clone(r.Lookups)
	r.MX = slices.Clone(r.MX)
	for i := range r.MX {
		r.MX[i].Addrs = slices.Clone(r.MX[i].Addrs)
	}
	return r
}
