// Package resolver checks whether email domains can receive mail, by asking
// DNS servers for their MX, A and AAAA records with github.com/miekg/dns.
//
// A Checker asks each distinct domain and each distinct MX host once for its
// whole life, however many callers ask at once, and adapts the number of
// queries in flight, and their rate, to what the servers sustain. How
// answers become a Status is decided in status.go alone; whether a server
// is trusted to give them, in trust.go.
package resolver

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// A Checker checks domains against the configured DNS servers. It is safe for
// concurrent use. Its cache lasts as long as the Checker: use one per run.
type Checker struct {
	cfg       Config
	preferred atomic.Int32 // index of the server that last answered well
	limit     *limiter
	conns     *connPool
	rtt       []rttEstimate // per server
	trust     *trust
	domains   flightCache[checked]
	hosts     flightCache[hostResult]
	checks    atomic.Int64 // Checks running

	hostsMu    sync.Mutex
	hostFailed map[string]int // the lookups of each MX host that ended in a temporary failure (see host)

	life    context.Context // of the Checker, for its probe rounds: cancelled by Close
	endLife context.CancelFunc

	queries, answers, timeouts, retries, tcp atomic.Int64
}

// checked is a Result as cached, with when its last answer came: the
// probes that vouch for it must come after.
type checked struct {
	Result
	at time.Time
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
	ceiling := queryCeiling(len(cfg.Servers))
	c := &Checker{
		cfg:   cfg,
		limit: newLimiter(cfg.Concurrency, ceiling),
		conns: newConnPool(cfg.Servers, ceiling),
		rtt:   make([]rttEstimate, len(cfg.Servers)),
	}
	c.limit.maxWait = 2 * cfg.Timeout // over UDP, then TCP
	c.life, c.endLife = context.WithCancel(context.Background())
	c.trust = newTrust(c)
	return c, nil
}

// Close releases the Checker's idle sockets. Queries still running end with
// an error; the Checker must not be used afterwards.
func (c *Checker) Close() error {
	c.endLife()
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
//
// Like every Result, it may have waited for a probe of its server, and is
// a dns_error when it rests on a server that is not trusted (see trust.go).
func (c *Checker) CheckDomain(ctx context.Context, domain string) Result {
	d := Normalize(domain)
	c.trust.ready(ctx)
	r, err := c.check(ctx, d)
	var res Result
	if err == nil {
		res, err = c.trust.settle(ctx, r.Result, r.at, true)
	}
	if err != nil {
		return Result{Domain: d, Status: StatusDNSError, Err: "check cancelled: " + err.Error()}
	}
	return cloneResult(res) // the caller's own, free to modify
}

// Check checks the distinct domains of domains (see Distinct) concurrently
// and sends one Result per distinct domain on the returned channel as each
// completes, cached ones included. The channel is closed when all are sent
// or ctx is cancelled; domains not finished by then are not sent. The caller
// must read the channel until it is closed or cancel ctx.
//
// The servers are proven (see Prove) unless they were, while the first
// domains are asked: no Result is sent before that first probe round has
// ended. A Result that would remove addresses is sent once a later probe has
// passed its server, and any Result that rests on a server found lying is
// a dns_error that says so (see trust.go). The domains that end in
// dns_error are asked again once every domain had its turn, after
// Config.RetryPause (the seed's advice for temporary DNS problems:
// retry once, later), unless no server is left to ask.
//
// The Results share their slices with the Checker's cache, which a list of
// a million rows would otherwise copy once more (20 MB): read them, and
// copy a slice before changing it.
func (c *Checker) Check(ctx context.Context, domains []string) <-chan Result {
	src := newSource()
	c.domains.reserve(len(domains))
	src.add(domains)
	src.close()
	return c.checkAll(ctx, src, nil)
}

// CheckStreamHeld is Check for domains that come over time, a slice at a
// time on domains: it checks each distinct domain received (see
// Distinct), even when received again, and sends one Result for each as
// it completes. The channel is closed once domains is closed and every
// Result is sent, or when ctx is cancelled; the caller must read it until
// then. Every domain received shares the run's probe rounds and its
// second try, rather than each slice having its own: the Results held
// for a probe wait for one round at the end, not one per slice.
//
// It calls onHeld, when not nil, with each Result that must wait for a
// probe round before it may leave (it would remove addresses), as soon as
// it is in: its Domain and Status as the server answered, which the round
// may yet turn into a dns_error. The caller can act on the likely outcome
// while it waits, such as asking about the domain's corrections, which
// then share that round rather than needing one of their own at the end.
// onHeld is called from the checking goroutines, before the Result is
// sent, and must not block.
func (c *Checker) CheckStreamHeld(ctx context.Context, domains <-chan []string, onHeld func(Result)) <-chan Result {
	src := newSource()
	go func() {
		defer src.close()
		for {
			select {
			case ds, ok := <-domains:
				if !ok {
					return
				}
				c.domains.reserve(len(ds))
				src.add(ds)
			case <-ctx.Done():
				return
			}
		}
	}()
	return c.checkAll(ctx, src, onHeld)
}

// checkAll is Check and CheckStreamHeld: it checks the domains src hands out.
//
// The second try happens whenever the run falls idle (every domain
// received so far had its turn and none is in flight), for the domains
// that ended in dns_error since the last: a stream's domains that wait on
// the Results of earlier ones (the candidates of a failing domain) would
// otherwise wait for a second try that waits for them. The Results held
// for a probe round ask for one then too.
func (c *Checker) checkAll(ctx context.Context, src *source, onHeld func(Result)) <-chan Result {
	out := make(chan Result, 64)
	c.checks.Add(1)
	go func() {
		defer close(out)
		defer c.checkEnded()
		// The lookups start with the first probe round rather than after
		// it: no Result leaves before it ends (see gate).
		c.trust.begin()
		var (
			mu     sync.Mutex
			again  []checked               // dns_error Results for the second try
			second = make(map[string]bool) // domains on their second try
		)
		send := func(r Result) {
			select {
			case out <- r:
			case <-ctx.Done():
			}
		}
		held := c.trust.hold(ctx, send) // the Results waiting for a probe round
		release := func(r checked) {
			if !mustWait(r.Result) {
				res, _ := c.trust.settle(ctx, r.Result, r.at, false)
				send(res)
				return
			}
			if onHeld != nil {
				onHeld(Result{Domain: r.Domain, Status: r.Status})
			}
			held.add(r)
		}
		gate := c.trust.gate(ctx, release)
		// flush is called whenever the run falls idle, and at its end. The
		// Results held last need not wait roundEvery for their round.
		// Nothing is in flight: the sockets of the run's busiest moment,
		// thousands 30 ms away, wait in the pool. They are closed while
		// that round waits for its answers, rather than once the Results
		// held for it are sent (checkEnded), between the last of them and
		// the caller's next step: 14 ms for 2,600 sockets.
		flush := func() {
			if held.waiting() > 0 {
				c.trust.requestRound()
			}
			c.conns.trimIdle(idleKeptWhenIdle)
		}
		// retry gives the domains in again their second try, after
		// RetryPause, unless no server is left to ask: one that stopped
		// answering is not waited for again.
		retry := func() {
			mu.Lock()
			batch := again
			again = nil
			mu.Unlock()
			if !c.trust.anyUsable() || sleep(ctx, c.cfg.RetryPause) != nil || !c.trust.anyUsable() {
				for _, r := range batch {
					gate.pass(r)
				}
				src.drop(len(batch))
				return
			}
			names := make([]string, len(batch))
			mu.Lock()
			for i, r := range batch {
				c.forget(r.Result)
				names[i] = r.Domain
				second[r.Domain] = true
			}
			mu.Unlock()
			src.requeue(names)
		}
		var idle sync.WaitGroup
		idle.Add(1)
		go func() {
			defer idle.Done()
			for {
				_, isIdle, done, changed := src.state()
				if done || ctx.Err() != nil {
					return
				}
				if isIdle {
					flush()
					mu.Lock()
					n := len(again)
					mu.Unlock()
					if n > 0 {
						retry()
						continue
					}
				}
				select {
				case <-changed:
				case <-ctx.Done():
					return
				}
			}
		}()
		c.run(ctx, src, func(r checked) {
			if r.Status == StatusDNSError && len(r.Lookups) > 0 && c.cfg.RetryPause > 0 {
				mu.Lock()
				if !second[r.Domain] {
					again = append(again, r)
					src.hold()
					mu.Unlock()
					return
				}
				mu.Unlock()
			}
			gate.pass(r)
		})
		idle.Wait()
		<-gate.done
		flush()
		held.close()
	}()
	return out
}

// Recheck forgets what the Checker knows of the domains that ended in
// dns_error among domains, and of their MX hosts that did, and checks
// domains again as Check does: for the user who asks again about the
// unknown rows.
func (c *Checker) Recheck(ctx context.Context, domains []string) <-chan Result {
	for _, d := range Distinct(domains) {
		if r, ok := c.domains.peek(d); ok && r.Status == StatusDNSError {
			c.forget(r.Result)
		}
	}
	return c.Check(ctx, domains)
}

// forget drops a dns_error Result from the cache, with the MX hosts whose
// lookups failed, so that they are asked again.
func (c *Checker) forget(r Result) {
	c.domains.forget(r.Domain)
	for _, h := range r.MX {
		if h.State == HostDNSError {
			c.hosts.forget(h.Host)
		}
	}
}

// idleKeptWhenIdle is how many idle sockets per server a run keeps when
// it falls idle: enough for a probe round, which asks about the
// witnesses, their MX hosts and a random name (7 questions with the
// default witnesses), without opening sockets anew. A second try, or the
// corrections asked later, open what more they need.
const idleKeptWhenIdle = 16

// checkEnded closes the idle sockets when the last Check running ends: a
// run of 100,000 rows at 200 ms left 2,048 of them open, and the export
// that follows failed with "too many open files" under ulimit -n 1024.
func (c *Checker) checkEnded() {
	if c.checks.Add(-1) == 0 {
		c.conns.closeIdle()
	}
}

// A source hands out the domains of a run to its workers, each distinct
// one once (twice with a second try): the domains of a Check, or those
// that a CheckStreamHeld brings, until it is closed.
type source struct {
	mu      sync.Mutex
	seen    map[string]bool
	queue   []string      // the distinct domains added, normalized
	next    int           // index in queue of the next to hand out
	busy    int           // domains handed out and not yet finished
	holds   int           // domains held for a second try, to come again
	closed  bool          // no more will be added
	changed chan struct{} // closed, and made anew, when domains are added, the run falls idle, or the source is closed
}

func newSource() *source {
	return &source{seen: make(map[string]bool), changed: make(chan struct{})}
}

// add queues the domains of ds not seen before, as Normalize makes them.
// The first domains added, a whole list's at once as a rule, are given
// room at once rather than by doubling.
func (s *source) add(ds []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) == 0 {
		s.seen = make(map[string]bool, len(ds))
		s.queue = slices.Grow(s.queue, len(ds))
	}
	n := len(s.queue)
	for _, d := range ds {
		if d = Normalize(d); !s.seen[d] {
			s.seen[d] = true
			s.queue = append(s.queue, d)
		}
	}
	if len(s.queue) > n {
		s.signal()
	}
}

// hold counts one domain held for a second try: the source is not done
// until requeue or drop accounts for it.
func (s *source) hold() {
	s.mu.Lock()
	s.holds++
	s.mu.Unlock()
}

// requeue queues the held domains ds again, for their second try.
func (s *source) requeue(ds []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds -= len(ds)
	s.queue = append(s.queue, ds...)
	s.signal()
}

// drop gives up n held domains without a second try.
func (s *source) drop(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holds -= n
	s.signal()
}

// close says no more domains will be added.
func (s *source) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.signal()
}

// signal wakes those waiting for a change. s.mu must be held.
func (s *source) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// take returns the next domain to check, if one is queued, counting it
// busy until finish; otherwise it counts the worker asking out of
// workers, under the source's lock, so that a domain added afterwards
// finds it gone and a worker is started for it.
func (s *source) take(workers *atomic.Int64) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next < len(s.queue) {
		d := s.queue[s.next]
		s.queue[s.next] = ""
		s.next++
		s.busy++
		return d, true
	}
	workers.Add(-1)
	return "", false
}

// finish says a domain taken is checked and its Result handled.
func (s *source) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy--
	if s.busy == 0 && s.next == len(s.queue) {
		s.signal() // idle
	}
}

// state returns how many domains are queued now; whether the run is
// idle, every domain received handed out and finished; whether it is
// done, idle with no more to come; and a channel closed at the next
// change.
func (s *source) state() (queued int, idle, done bool, changed <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	queued = len(s.queue) - s.next
	idle = queued == 0 && s.busy == 0
	return queued, idle, idle && s.closed && s.holds == 0, s.changed
}

// run checks the domains of src concurrently, calling handle with each
// Result as it completes, from many goroutines at once, and returns when
// src is done and all are checked, or ctx is cancelled.
func (c *Checker) run(ctx context.Context, src *source, handle func(checked)) {
	var (
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
	// about one domain in ten, each growing its stack anew. A worker also
	// leaves when no domain is queued; one is started again when more come.
	want := func() int64 { l := c.limit.currentLimit(); return int64(l + l/8 + 1) }
	work := func() {
		defer wg.Done()
		for {
			if ctx.Err() != nil {
				workers.Add(-1)
				return
			}
			d, ok := src.take(&workers)
			if !ok {
				return
			}
			r, err := c.check(ctx, d)
			if err != nil {
				src.finish()
				workers.Add(-1)
				return
			}
			handle(*r)
			src.finish()
			if n, w := workers.Load(), want(); n > 2*w && workers.CompareAndSwap(n, n-1) {
				return
			}
		}
	}
	// addWorkers starts the workers the limit wants and the domains queued
	// can keep busy.
	addWorkers := func(queued int) {
		for {
			n, w := workers.Load(), want()
			add := min(w-n, int64(queued))
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
	// The workers are started, and added as soon as the limit grows or
	// domains come, by one goroutine; it counts in wg so that wg cannot
	// reach zero while it may still add workers. Adding them when a worker
	// finished a domain (two round trips, an MX and its host) held slow
	// start back to one step per two round trips: 30 ms away, the limit
	// took 0.2 s to reach 2,048.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			grown := c.limit.growth()
			queued, _, done, changed := src.state()
			addWorkers(queued)
			if done {
				return
			}
			select {
			case <-grown:
			case <-changed:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
}

// check returns the Result of a normalized domain through the cache; the
// error is ctx's when it was cancelled first. The Result is the cache's
// own, not to be changed, and is as the servers answered: settle it before
// it leaves the Checker.
func (c *Checker) check(ctx context.Context, domain string) (*checked, error) {
	if err := validDomain(domain); err != nil {
		return &checked{Result: Result{Domain: domain, Status: StatusDNSError, Err: err.Error()}, at: time.Now()}, nil
	}
	r, shared, err := c.domains.get(ctx, domain, func(r *checked) bool {
		err := checkDomain(ctx, c.lookup, c.host, domain, &r.Result)
		r.at = time.Now()
		return err == nil
	})
	if err != nil {
		return nil, err
	}
	if !shared {
		c.trust.noteResult(r.Result)
	}
	return r, nil
}

// hostLookups is how many lookups of one MX host a run makes at most when
// each ends in a temporary failure, before the last failure is kept as an
// answer is (the second try of dns_error domains asks once more). Two
// lookups of three attempts each both lose all their queries one time in
// 64 on a path that loses half of them, where one lookup did one time in
// eight. A host that is really down (its name servers silent) holds each
// flight of the domains that route through it for a whole timeout: with
// half of 5,000 domains routed through such a host, the check took 18 s
// with two lookups, 24 s with three, 13 s with one, and 99 s when every
// flight asked again.
const hostLookups = 2

// host looks up an MX host through the cache, which keeps answers, and
// temporary failures (HostDNSError) only after hostLookups of them. An
// answer that another domain's check obtained is marked Cached, for
// checkDomain to mark its copies of the lookups: copying them here as well
// cost an allocation for four domains in five (those of the big hosted
// providers).
func (c *Checker) host(ctx context.Context, host string) (hostResult, error) {
	cached, shared, err := c.hosts.get(ctx, host, func(hr *hostResult) bool {
		return checkHost(ctx, c.lookup, host, hr) == nil
	})
	if err != nil {
		return hostResult{}, err
	}
	if !shared && cached.State == HostDNSError && c.hostFailure(host) < hostLookups {
		// A temporary failure is one of its moment: the domains that
		// waited for the lookup share it, the next one asks again. Kept
		// for the run, one unlucky lookup of a host that thousands of
		// domains route through made them all dns_error (see
		// TestHostFailureIsNotKept).
		c.hosts.forget(host)
	}
	hr := *cached
	hr.Cached = shared
	return hr, nil
}

// hostFailure counts a lookup of host that ended in a temporary failure
// and returns how many have.
func (c *Checker) hostFailure(host string) int {
	c.hostsMu.Lock()
	defer c.hostsMu.Unlock()
	if c.hostFailed == nil {
		c.hostFailed = make(map[string]int)
	}
	c.hostFailed[host]++
	return c.hostFailed[host]
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
