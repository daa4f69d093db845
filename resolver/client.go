package resolver

import (
	"context"
	"errors"
	"fmt"
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

// lookup asks servers about name and qtype until a server gives a definitive
// answer (NOERROR or NXDOMAIN) or 1+Retries attempts have failed. The
// attempts rotate over the servers, starting from the one that last answered
// well, with a jittered exponential backoff in between. It returns the
// definitive reply, or an error describing the last temporary failure (or
// ctx's error when cancelled), and in both cases the Lookup evidence.
func (c *Checker) lookup(ctx context.Context, name string, qtype uint16) (*dns.Msg, Lookup, error) {
	lk := Lookup{Name: name, Type: dns.TypeToString[qtype]}
	fqdn := dns.Fqdn(name)
	n := len(c.cfg.Servers)
	server := int(c.preferred.Load())
	silent := make([]bool, n) // servers that gave no reply in this lookup
	var err error
	for attempt := range c.cfg.Retries + 1 {
		if attempt > 0 {
			c.retries.Add(1)
			if err := sleep(ctx, backoff(attempt)); err != nil {
				return nil, lk, err
			}
			server = nextServer(server, silent)
		}
		var r *dns.Msg
		r, lk.RTT, err = c.exchange(ctx, server, fqdn, qtype)
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
			if int(c.preferred.Load()) != server {
				c.preferred.Store(int32(server))
			}
			return r, lk, nil
		}
		lk.Err = err.Error()
		var rc rcodeError
		if !errors.As(err, &rc) {
			// The server did not answer at all: skip it for the rest of this
			// lookup, and prefer the next one from now on.
			silent[server] = true
			c.preferred.CompareAndSwap(int32(server), int32((server+1)%n))
		}
	}
	return nil, lk, err
}

// nextServer returns the server to try after server: the next one in turn
// that has not already stayed silent in this lookup, so that a dead server
// does not use up the retries of a live one that failed temporarily. When
// every server has been silent, it simply rotates.
func nextServer(server int, silent []bool) int {
	n := len(silent)
	for k := 1; k <= n; k++ {
		if next := (server + k) % n; !silent[next] {
			return next
		}
	}
	return (server + 1) % n
}

// backoff is the pause before the given retry (1 for the first).
func backoff(retry int) time.Duration {
	d := min(backoffBase<<(retry-1), backoffMax)
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// exchange makes one attempt: it asks the server over UDP, and again over
// TCP when the UDP reply is truncated, each within the timeout, holding one
// limiter slot throughout. A nil error means a NOERROR or NXDOMAIN reply;
// any other rcode is returned with the reply as an rcodeError.
func (c *Checker) exchange(ctx context.Context, server int, fqdn string, qtype uint16) (*dns.Msg, time.Duration, error) {
	if err := c.limit.acquire(ctx); err != nil {
		return nil, 0, err
	}
	m := new(dns.Msg)
	m.SetQuestion(fqdn, qtype)
	m.RecursionDesired = true
	m.SetEdns0(ednsSize, false)

	sent := time.Now()
	r, truncated, err := c.exchangeUDP(ctx, server, m, sent.Add(c.cfg.Timeout))
	if err == nil && truncated {
		c.tcp.Add(1)
		r, err = c.exchangeTCP(ctx, server, m, time.Now().Add(c.cfg.Timeout))
	}
	rtt := time.Since(sent)

	switch {
	case err == nil:
		c.answers.Add(1)
		c.limit.release(sent, rtt, answered)
	case errors.Is(err, errTimeout) && ctx.Err() == nil:
		c.timeouts.Add(1)
		c.limit.release(sent, rtt, timedOut)
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

// exchangeUDP sends m over one of the pooled UDP sockets for server and reads
// until the matching reply arrives. It reports a truncated reply without
// decoding it, since the answer is to be asked again over TCP.
func (c *Checker) exchangeUDP(ctx context.Context, server int, m *dns.Msg, deadline time.Time) (*dns.Msg, bool, error) {
	co, err := c.conns.get(server)
	if err != nil {
		return nil, false, err
	}
	r, truncated, err := c.roundTrip(ctx, co, m, deadline, true)
	if err != nil {
		// A socket that missed its reply may still receive it later, and one
		// interrupted by cancellation has a stale deadline: never reuse them.
		co.Close()
		return nil, false, err
	}
	if ctx.Err() != nil {
		// The cancellation may be setting a past deadline on co right now.
		co.Close()
		return r, truncated, nil
	}
	c.conns.put(server, co)
	return r, truncated, nil
}

// exchangeTCP asks m over a new TCP connection to server, closed afterwards.
// Truncation is rare (a big MX set), so connections are not kept.
func (c *Checker) exchangeTCP(ctx context.Context, server int, m *dns.Msg, deadline time.Time) (*dns.Msg, error) {
	d := net.Dialer{Deadline: deadline}
	nc, err := d.DialContext(ctx, "tcp", c.cfg.Servers[server])
	if err != nil {
		return nil, fmt.Errorf("over TCP: %w", classify(err))
	}
	co := &dns.Conn{Conn: nc}
	defer co.Close()
	r, _, err := c.roundTrip(ctx, co, m, deadline, false)
	if err != nil {
		return nil, fmt.Errorf("over TCP: %w", err)
	}
	return r, nil
}

// roundTrip writes m to co and reads its reply before deadline. Over UDP,
// replies with another ID or question are skipped as strays (late answers
// to earlier queries); over TCP they are an error. Cancelling ctx interrupts
// the read.
func (c *Checker) roundTrip(ctx context.Context, co *dns.Conn, m *dns.Msg, deadline time.Time, udp bool) (*dns.Msg, bool, error) {
	co.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { co.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c.queries.Add(1)
	if err := co.WriteMsg(m); err != nil {
		return nil, false, classify(err)
	}
	var stray error
	for {
		var h dns.Header
		p, err := co.ReadMsgHeader(&h)
		if err != nil {
			if stray != nil && errors.Is(err, os.ErrDeadlineExceeded) {
				return nil, false, stray
			}
			if errors.Is(err, dns.ErrShortRead) {
				return nil, false, errMalformed
			}
			return nil, false, classify(err)
		}
		if h.Id != m.Id {
			if udp {
				continue
			}
			return nil, false, fmt.Errorf("%w: ID %d, asked %d", errMismatched, h.Id, m.Id)
		}
		const truncatedBit = 1 << 9 // TC in the header's flags
		if udp && h.Bits&truncatedBit != 0 {
			return nil, true, nil
		}
		r := new(dns.Msg)
		if err := r.Unpack(p); err != nil {
			return nil, false, fmt.Errorf("%w: %v", errMalformed, err)
		}
		if err := matches(m, r); err != nil {
			if udp {
				stray = err
				continue
			}
			return nil, false, err
		}
		return r, false, nil
	}
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

// A connPool keeps idle UDP sockets per server. Each query takes a socket
// for itself and gives it back when done, so a socket is never used by two
// queries at once and there are about as many sockets as queries in flight.
type connPool struct {
	servers []string
	mu      sync.Mutex
	idle    [][]*dns.Conn // per server index, used last-in first-out
	closed  bool
}

func newConnPool(servers []string) *connPool {
	return &connPool{servers: servers, idle: make([][]*dns.Conn, len(servers))}
}

// get returns an idle socket for the server, or a new one.
func (p *connPool) get(server int) (*dns.Conn, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, errors.New("checker closed")
	}
	if idle := p.idle[server]; len(idle) > 0 {
		co := idle[len(idle)-1]
		p.idle[server] = idle[:len(idle)-1]
		p.mu.Unlock()
		return co, nil
	}
	p.mu.Unlock()
	nc, err := net.Dial("udp", p.servers[server])
	if err != nil {
		return nil, fmt.Errorf("opening UDP socket: %w", err)
	}
	return &dns.Conn{Conn: nc, UDPSize: ednsSize}, nil
}

// put returns a healthy socket to the pool.
func (p *connPool) put(server int, co *dns.Conn) {
	p.mu.Lock()
	if p.closed || len(p.idle[server]) >= maxInFlight {
		p.mu.Unlock()
		co.Close()
		return
	}
	p.idle[server] = append(p.idle[server], co)
	p.mu.Unlock()
}

// close closes every idle socket; sockets in use are closed when returned.
func (p *connPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for i, idle := range p.idle {
		for _, co := range idle {
			co.Close()
		}
		p.idle[i] = nil
	}
}
