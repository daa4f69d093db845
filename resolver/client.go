package resolver

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// ednsSize is the UDP payload size advertised with EDNS0: the DNS Flag Day
// 2020 value, small enough to avoid IP fragmentation on any usual path.
const ednsSize = 1232

// Backoff between attempts: backoffBase·2^n with jitter, at most backoffMax.
const (
	backoffBase = 50 * time.Millisecond
	backoffMax  = time.Second
)

// Temporary failures of a single attempt. Anything that ends in one of these
// after the last retry makes the lookup, and so the domain, a dns_error.
var (
	errTimeout    = errors.New("no reply before the timeout")
	errMalformed  = errors.New("malformed reply")
	errMismatched = errors.New("reply does not match the question")
)

// An rcodeError is a reply whose rcode says the server could not answer:
// SERVFAIL, REFUSED, or anything but NOERROR and NXDOMAIN.
type rcodeError int

func (e rcodeError) Error() string { return "server answered " + rcodeName(int(e)) }

// rcodeName is the mnemonic of an rcode, or its number when it has none.
func rcodeName(rcode int) string {
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rcode)
}

// Attempts' timeouts follow each server's round-trip times (RFC 6298):
// the smoothed round trip plus four times its variation, doubled at each
// retry of a lookup, within [minRTO, Config.Timeout]; before any answer,
// initialRTO. The last attempt of a lookup, after which it would fail,
// waits the full Config.Timeout, the user's word for how long a server may
// take. A lost query is thus asked again after a fraction of a second on a
// fast path, rather than after the full timeout: with 30% of queries lost,
// 10,000 rows took 80 s with a fixed 2 s timeout (issue 15). The floor
// leaves a name that the server must first resolve, on a path that is
// otherwise fast, the time of the usual slow authority: the demo's 300 ms
// one is answered at the second attempt.
const (
	initialRTO = 500 * time.Millisecond
	minRTO     = 250 * time.Millisecond
)

// Under a rate limit, an attempt that failed says nothing about its name:
// up to congestedRetries such attempts do not count against the retries,
// and each waits congestedBackoff or more, so that the pace has let the
// server's budget refill.
const (
	congestedRetries = 4
	congestedBackoff = 250 * time.Millisecond
	maxLossRetries   = 5
)

// lossRetries is how many more attempts a lookup makes after timeouts on
// a path that loses queries: as many as bring the chance that all are lost
// under 1%, given the loss seen, on top of the retries, at most
// maxLossRetries. The timeout stays that of the last retry. At 50% loss,
// three attempts lose one lookup in eight.
func (c *Checker) lossRetries() int {
	loss := c.limit.loss()
	if loss < 0.05 {
		return 0
	}
	need := int(math.Ceil(math.Log(0.01)/math.Log(min(loss, 0.9)))) - 1 - c.cfg.Retries
	return max(0, min(need, maxLossRetries))
}

// lookup asks the servers about name and qtype until one gives a
// definitive answer (NOERROR or NXDOMAIN) or 1+Retries attempts have
// failed. The attempts rotate over the servers that are still usable (see
// trust), starting from the one that last answered well, with a jittered
// exponential backoff in between. It returns the definitive reply, or an
// error describing the last temporary failure (or ctx's error when
// cancelled), and in both cases the Lookup evidence.
func (c *Checker) lookup(ctx context.Context, name string, qtype uint16) (*dns.Msg, Lookup, error) {
	return c.ask(ctx, name, qtype, -1, c.cfg.Retries)
}

// lookupOn returns an askFunc that asks only the given server, with
// retries retries: a probe must hear from the server it tests.
func (c *Checker) lookupOn(server, retries int) askFunc {
	return func(ctx context.Context, name string, qtype uint16) (*dns.Msg, Lookup, error) {
		return c.ask(ctx, name, qtype, server, retries)
	}
}

// ask is lookup, pinned to one server when pin is not -1. On a path that
// loses queries, timeouts get lossRetries more attempts.
func (c *Checker) ask(ctx context.Context, name string, qtype uint16, pin, retries int) (*dns.Msg, Lookup, error) {
	lk := Lookup{Name: name, Type: dns.TypeToString[qtype]}
	fqdn := dns.Fqdn(name)
	n := len(c.cfg.Servers)
	server := pin
	silent := make([]bool, n) // servers that gave no reply in this lookup
	var err error
	tries, free := 0, 0 // attempts that count against retries, and those that did not
	for attempt := 0; ; attempt++ {
		if pin < 0 {
			var ok bool
			if server, ok = c.pick(server, attempt, silent); !ok {
				err = c.trust.noServer()
				lk.Err = err.Error()
				return nil, lk, err
			}
		}
		timeout := c.cfg.Timeout
		// lossRetries, which locks the limiter, only where it counts:
		// not for the first attempts, the most of them by far.
		if tries < retries || tries < retries+c.lossRetries() {
			timeout = c.rtt[server].timeout(tries, timeout)
		}
		var r *dns.Msg
		r, lk.RTT, err = c.exchange(ctx, server, fqdn, qtype, timeout, attempt > 0)
		lk.Attempts = attempt + 1
		lk.Server = c.cfg.Servers[server]
		lk.Rcode, lk.Err = "", ""
		if r != nil {
			lk.Rcode = rcodeName(r.Rcode)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, lk, ctxErr
		}
		if err == nil {
			if pin < 0 && int(c.preferred.Load()) != server {
				c.preferred.Store(int32(server))
			}
			return r, lk, nil
		}
		lk.Err = err.Error()
		var rc rcodeError
		isRcode := errors.As(err, &rc)
		if !isRcode {
			// The server did not answer at all: skip it for the rest of this
			// lookup, and prefer the next one from now on.
			silent[server] = true
			c.preferred.CompareAndSwap(int32(server), int32((server+1)%n))
		}
		pause := backoff(tries + 1)
		if (isRcode || errors.Is(err, errTimeout)) && free < congestedRetries && c.limit.congested() {
			free++
			pause = congestedBackoff + backoff(free)
		} else {
			tries++
		}
		if tries > retries && !(errors.Is(err, errTimeout) && tries <= retries+c.lossRetries()) {
			return nil, lk, err
		}
		c.retries.Add(1)
		if err := sleep(ctx, pause); err != nil {
			return nil, lk, err
		}
	}
}

// pick returns the server for a lookup's attempt, after server for a
// retry: the preferred one for the first attempt, else the next one in
// turn that is usable and has not already stayed silent in this lookup,
// so that a dead server does not use up the retries of a live one that
// failed temporarily. When every usable server has been silent, it simply
// rotates over the usable ones. It reports false when none is usable.
func (c *Checker) pick(server, attempt int, silent []bool) (int, bool) {
	n := len(silent)
	if attempt == 0 {
		server = int(c.preferred.Load())
		if c.trust.usable(server) {
			return server, true
		}
	}
	for _, quiet := range []bool{false, true} {
		for k := 1; k <= n; k++ {
			if next := (server + k) % n; c.trust.usable(next) && (quiet || !silent[next]) {
				return next, true
			}
		}
	}
	return 0, false
}

// backoff is the pause before the given retry (1 for the first).
func backoff(retry int) time.Duration {
	d := min(backoffBase<<(retry-1), backoffMax)
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t, _ := timerPool.Get().(*time.Timer)
	if t == nil {
		t = time.NewTimer(d)
	} else {
		t.Reset(d)
	}
	defer timerPool.Put(t)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// timerPool keeps the timers of sleep and awaitRound for reuse: the
// limiter paces queries with sleep, even on loopback, and each new timer
// was two allocations (3 of the 150 MB a check of 50,000 domains
// allocated). A timer stopped, then reset, never delivers a time from
// before (Go 1.23 and later, which go.mod asks for).
var timerPool sync.Pool

// exchange makes one attempt: it asks the server over UDP, and again over
// TCP when the UDP reply is truncated, each within timeout, holding one
// limiter slot throughout. A nil error means a NOERROR or NXDOMAIN reply;
// any other rcode is returned with the reply as an rcodeError. What became
// of the attempt goes to the limiter, to the server's round-trip estimate
// and to its trust. The limiter judges failures by a lookup's first
// attempt alone (retry false): the failures that tell it to slow down are
// of many names, not the retries of one whose own servers are broken.
func (c *Checker) exchange(ctx context.Context, server int, fqdn string, qtype uint16, timeout time.Duration, retry bool) (*dns.Msg, time.Duration, error) {
	sent, err := c.limit.acquire(ctx)
	if err != nil {
		return nil, 0, err
	}
	m := newQuery(fqdn, qtype)
	defer queryPool.Put(m)

	r, truncated, err := c.exchangeUDP(ctx, server, m, sent.Add(timeout))
	rtt := time.Since(sent)
	if err == nil && !truncated {
		c.rtt[server].sample(rtt)
	}
	if err == nil && truncated {
		c.tcp.Add(1)
		r, err = c.exchangeTCP(ctx, server, m, time.Now().Add(c.cfg.Timeout))
		rtt = time.Since(sent)
	}
	if ctx.Err() == nil {
		c.trust.observe(server, err == nil, sent)
	}

	switch {
	case err == nil && r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError:
		// A reply, but no answer: under load, the sign of a rate limit.
		c.answers.Add(1)
		c.limit.release(sent, rtt, attemptOutcome(refused, retry))
	case err == nil:
		c.answers.Add(1)
		c.limit.release(sent, rtt, attemptOutcome(answered, retry))
	case errors.Is(err, errTimeout) && ctx.Err() == nil:
		c.timeouts.Add(1)
		c.limit.release(sent, rtt, attemptOutcome(timedOut, retry))
	default:
		c.limit.release(sent, rtt, failed)
	}
	if err != nil {
		return nil, rtt, fmt.Errorf("%s: %w", c.cfg.Servers[server], err)
	}
	if r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError {
		return r, rtt, fmt.Errorf("%s: %w", c.cfg.Servers[server], rcodeError(r.Rcode))
	}
	return r, rtt, nil
}

// attemptOutcome is the outcome of an attempt for the limiter: o for a
// lookup's first; for a retry, an answer that is not judged for failures
// (reanswered), or no signal. The failures of retries are left out, and
// so must their answers be: counted alone, they made the failures a
// smaller share the more of the queries were retries (on a path that
// loses 30%, 11% to 21% in a trial's steps, whose slower pace left more
// room to retries than before it).
func attemptOutcome(o outcome, retry bool) outcome {
	switch {
	case !retry:
		return o
	case o == answered:
		return reanswered
	}
	return failed
}

// queryPool keeps query messages for reuse. A query lives for one attempt,
// and building one afresh (the message, its question, the OPT record and
// the ID) cost five allocations per attempt.
var queryPool = sync.Pool{New: func() any {
	m := &dns.Msg{Question: make([]dns.Question, 1)}
	m.RecursionDesired = true
	m.SetEdns0(ednsSize, false)
	return m
}}

// newQuery returns a query from queryPool for fqdn and qtype, with RD set,
// EDNS0 advertising ednsSize and a new random ID. Put it back when the
// attempt is over; replies do not refer to it.
func newQuery(fqdn string, qtype uint16) *dns.Msg {
	m := queryPool.Get().(*dns.Msg)
	m.Id = randomID()
	m.Question[0] = dns.Question{Name: fqdn, Qtype: qtype, Qclass: dns.ClassINET}
	return m
}

// randomID returns a query ID from crypto/rand, as dns.Id does, but without
// its allocation: an unpredictable ID is what makes spoofed replies hard.
func randomID() uint16 {
	var b [2]byte
	crand.Read(b[:]) // never fails: it crashes the program instead
	return binary.BigEndian.Uint16(b[:])
}

// exchangeUDP sends m over one of the pooled UDP sockets for server and reads
// until the matching reply arrives. It reports a truncated reply without
// decoding it, since the answer is to be asked again over TCP.
func (c *Checker) exchangeUDP(ctx context.Context, server int, m *dns.Msg, deadline time.Time) (*dns.Msg, bool, error) {
	u, err := c.conns.get(ctx, server)
	if err != nil {
		return nil, false, err
	}
	r, truncated, err := c.roundTripUDP(ctx, u, m, deadline)
	if err != nil || ctx.Err() != nil {
		// A socket that missed its reply may still receive it later, and one
		// whose context was cancelled has, or is about to have, a past
		// deadline: never reuse them.
		u.close()
		return r, truncated, err
	}
	c.conns.put(server, u)
	return r, truncated, nil
}

// roundTripUDP writes m to u and reads its reply before deadline, skipping
// replies with another ID or question as strays (late answers to earlier
// queries). Cancelling ctx interrupts the read through u's watch.
func (c *Checker) roundTripUDP(ctx context.Context, u *udpConn, m *dns.Msg, deadline time.Time) (*dns.Msg, bool, error) {
	u.SetDeadline(deadline)
	// After the deadline is set, so that a cancellation not seen here sets
	// its past deadline after this one.
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	out, err := m.PackBuffer(u.out)
	if err != nil {
		return nil, false, fmt.Errorf("packing the query: %w", err)
	}
	c.queries.Add(1)
	if _, err := u.Write(out); err != nil {
		return nil, false, classify(err)
	}
	var stray error
	for {
		n, err := u.Read(u.in)
		if err != nil {
			if stray != nil && errors.Is(err, os.ErrDeadlineExceeded) {
				return nil, false, stray
			}
			return nil, false, classify(err)
		}
		if n < headerSize {
			return nil, false, errMalformed
		}
		p := u.in[:n]
		if binary.BigEndian.Uint16(p) != m.Id {
			continue
		}
		if binary.BigEndian.Uint16(p[2:])&truncatedBit != 0 {
			return nil, true, nil
		}
		r, err := unpackReply(m, p)
		if errors.Is(err, errMismatched) {
			stray = err
			continue
		}
		return r, false, err
	}
}

// Where a reply's header says what roundTripUDP needs before decoding it.
const (
	headerSize   = 12     // ID, flags and four counts
	truncatedBit = 1 << 9 // TC in the flags, the header's second 16 bits
)

// exchangeTCP asks m over a new TCP connection to server, closed afterwards,
// and reads its reply before deadline; a reply with another ID or question
// is an error. Truncation is rare (a big MX set), so connections are not
// kept.
func (c *Checker) exchangeTCP(ctx context.Context, server int, m *dns.Msg, deadline time.Time) (*dns.Msg, error) {
	d := net.Dialer{Deadline: deadline}
	nc, err := d.DialContext(ctx, "tcp", c.cfg.Servers[server])
	if err != nil {
		return nil, fmt.Errorf("over TCP: %w", classify(err))
	}
	co := &dns.Conn{Conn: nc}
	defer co.Close()
	co.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { co.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c.queries.Add(1)
	if err := co.WriteMsg(m); err != nil {
		return nil, fmt.Errorf("over TCP: %w", classify(err))
	}
	var h dns.Header
	p, err := co.ReadMsgHeader(&h)
	switch {
	case errors.Is(err, dns.ErrShortRead):
		return nil, fmt.Errorf("over TCP: %w", errMalformed)
	case err != nil:
		return nil, fmt.Errorf("over TCP: %w", classify(err))
	case h.Id != m.Id:
		return nil, fmt.Errorf("over TCP: %w: ID %d, asked %d", errMismatched, h.Id, m.Id)
	}
	r, err := unpackReply(m, p)
	if err != nil {
		return nil, fmt.Errorf("over TCP: %w", err)
	}
	return r, nil
}

// unpackReply decodes p, a reply with the ID of m, and checks that it
// answers the question of m. The error wraps errMalformed or errMismatched.
// The usual replies take decodeReply's way; what it leaves, Unpack's.
func unpackReply(m *dns.Msg, p []byte) (*dns.Msg, error) {
	if r := decodeReply(m, p); r != nil {
		return r, nil
	}
	r := new(dns.Msg)
	if err := r.Unpack(p); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	if err := matches(m, r); err != nil {
		return nil, err
	}
	return r, nil
}

// matches reports whether r is a reply to the question of m.
func matches(m, r *dns.Msg) error {
	if !r.Response || r.Opcode != dns.OpcodeQuery {
		return fmt.Errorf("%w: not a query response", errMismatched)
	}
	q := m.Question[0]
	if len(r.Question) != 1 {
		return fmt.Errorf("%w: %d questions", errMismatched, len(r.Question))
	}
	rq := r.Question[0]
	if rq.Qtype != q.Qtype || rq.Qclass != q.Qclass || !strings.EqualFold(rq.Name, q.Name) {
		return fmt.Errorf("%w: answer for %s %s", errMismatched, rq.Name, dns.TypeToString[rq.Qtype])
	}
	return nil
}

// classify maps a deadline expiry to errTimeout and leaves other errors
// (a refused connection, a cancelled context) as they are.
func classify(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errTimeout
	}
	return err
}

// A udpConn is a pooled UDP socket with what its queries reuse: buffers for
// the query and the reply, and a watch that makes a cancelled context
// interrupt its reads. One query uses it at a time.
type udpConn struct {
	net.Conn
	out  []byte          // for packing queries: a question fits in 512 bytes
	in   []byte          // for reading replies: the EDNS0 size we advertise
	done <-chan struct{} // Done of the context watched; nil when none
	stop func() bool     // ends the watch of done; nil when none
}

// watch makes the cancellation of ctx set a past deadline on u, which ends
// a read in progress. The watch stays between queries, so the queries of a
// Check, which share one context, set it up once per socket rather than
// once each (a context.AfterFunc and its registration with the parent
// context per query). It reports false when u watched another context that
// was cancelled: that watch may still be setting a past deadline, so u
// cannot be trusted and must be closed.
func (u *udpConn) watch(ctx context.Context) bool {
	done := ctx.Done()
	if done == u.done {
		return true
	}
	if u.stop != nil && !u.stop() {
		return false
	}
	u.done, u.stop = done, nil
	if done != nil {
		u.stop = context.AfterFunc(ctx, func() { u.SetDeadline(time.Unix(1, 0)) })
	}
	return true
}

// close ends u's watch, so that its context no longer refers to u, and
// closes the socket.
func (u *udpConn) close() {
	if u.stop != nil {
		u.stop()
	}
	u.Conn.Close()
}

// A connPool keeps idle UDP sockets per server. Each query takes a socket
// for itself and gives it back when done, so a socket is never used by two
// queries at once and there are about as many sockets as queries in flight.
type connPool struct {
	servers []string
	most    int // idle sockets kept, over all servers
	mu      sync.Mutex
	idle    [][]*udpConn // per server index, used last-in first-out
	idleN   int
	closed  bool
}

// newConnPool returns a pool for servers that keeps at most most idle
// sockets.
func newConnPool(servers []string, most int) *connPool {
	return &connPool{servers: servers, most: most, idle: make([][]*udpConn, len(servers))}
}

// get returns an idle socket for the server, or a new one, watching ctx.
func (p *connPool) get(ctx context.Context, server int) (*udpConn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, errors.New("checker closed")
		}
		idle := p.idle[server]
		if len(idle) == 0 {
			p.mu.Unlock()
			break
		}
		u := idle[len(idle)-1]
		idle[len(idle)-1] = nil
		p.idle[server] = idle[:len(idle)-1]
		p.idleN--
		p.mu.Unlock()
		if u.watch(ctx) {
			return u, nil
		}
		u.close()
	}
	nc, err := net.Dial("udp", p.servers[server])
	if err != nil {
		return nil, fmt.Errorf("opening UDP socket: %w", err)
	}
	u := &udpConn{Conn: nc, out: make([]byte, dns.MinMsgSize), in: make([]byte, ednsSize)}
	u.watch(ctx) // a new socket watches nothing yet: this cannot fail
	return u, nil
}

// put returns a healthy socket to the pool.
func (p *connPool) put(server int, u *udpConn) {
	p.mu.Lock()
	if p.closed || p.idleN >= p.most {
		p.mu.Unlock()
		u.close()
		return
	}
	p.idle[server] = append(p.idle[server], u)
	p.idleN++
	p.mu.Unlock()
}

// trimIdle closes each server's idle sockets beyond the first keep. It
// closes them outside the pool's lock: a query that takes a socket
// meanwhile does not wait for the closing.
func (p *connPool) trimIdle(keep int) {
	var extra []*udpConn
	p.mu.Lock()
	for i, idle := range p.idle {
		if len(idle) <= keep {
			continue
		}
		extra = append(extra, idle[keep:]...)
		clear(idle[keep:])
		p.idle[i] = idle[:keep]
		p.idleN -= len(idle) - keep
	}
	p.mu.Unlock()
	for _, u := range extra {
		u.close()
	}
}

// closeIdle closes every idle socket; the pool stays usable.
func (p *connPool) closeIdle() { p.trimIdle(0) }

// close closes every idle socket; sockets in use are closed when returned.
// The pool is marked closed first, so that none returned meanwhile is
// kept.
func (p *connPool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.closeIdle()
}

// An rttEstimate is one server's smoothed round-trip time and its
// variation (RFC 6298), from which its attempts' timeouts are derived.
type rttEstimate struct {
	mu      sync.Mutex
	srtt    time.Duration
	rttvar  time.Duration
	sampled bool
}

// sample takes in the round-trip time of one answer.
func (e *rttEstimate) sample(rtt time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.sampled {
		e.srtt, e.rttvar, e.sampled = rtt, rtt/2, true
		return
	}
	d := e.srtt - rtt
	if d < 0 {
		d = -d
	}
	e.rttvar += (d - e.rttvar) / 4
	e.srtt += (rtt - e.srtt) / 8
}

// timeout returns the timeout of an attempt after tries failed ones,
// at most limit.
func (e *rttEstimate) timeout(tries int, limit time.Duration) time.Duration {
	e.mu.Lock()
	rto := initialRTO
	if e.sampled {
		rto = max(e.srtt+4*e.rttvar, minRTO)
	}
	e.mu.Unlock()
	for range min(tries, 8) {
		rto *= 2
	}
	return min(rto, limit)
}
