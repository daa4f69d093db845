// Package dnstest runs a small authoritative DNS server on 127.0.0.1 that
// serves zone data, with faults that tests switch on per name.
//
// Every DNS test in listclean uses it, since tests never send traffic
// anywhere but loopback; so do the app's offline -zone mode and the
// benchmarks, which is why the query path takes no locks and allocates little.
//
// The server answers as an authority for every name: the AA bit set, answers
// only from its data, no recursion. A CNAME at the query name is followed
// inside the data. A name that does not exist, and is not an ancestor of one
// that does, gets NXDOMAIN; an existing name without records of the asked
// type gets NODATA; both carry the closest enclosing SOA in the data, or a
// synthetic SOA at the root. Wildcards, delegations and additional-section
// processing are not implemented: a "*" label is an ordinary label, NS
// records are data like any other.
//
// Zone text may carry fault directives in comment lines:
//
//	;@fault NAME KIND[=ARG] [KIND[=ARG]...]
//
// where KIND is servfail, refused, rcode=NAME (e.g. rcode=NXDOMAIN), drop,
// truncate, delay=DURATION (Go syntax, e.g. 30ms), failfirst=N,
// droprate=P, emptymx, redirect=IP, ratelimit=N (queries a second) with
// overlimit=refused|servfail|drop, dieafter=DURATION, or queue=N (with
// delay: at most N queries waiting, the rest dropped). NAME is relative
// to the $ORIGIN in force like an owner name, or absolute with a trailing
// dot; NAME "*" sets the default fault, which is how a whole resolver's
// misbehaviour is written. See Fault for what each does.
package dnstest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// ednsSize is the UDP payload size the server advertises in its OPT records,
// and the size of its UDP read buffers (RFC 9715's recommended value).
const ednsSize = 1232

// socketBuffer is the UDP socket buffer size asked for, so that a burst of
// thousands of queries waits in the kernel rather than being dropped. Linux
// caps it at net.core.rmem_max and net.core.wmem_max.
const socketBuffer = 4 << 20

// defaultTTL is the TTL of records in zone text that give none before any
// $TTL, as with dns.NewRR, so that test zones can leave TTLs out.
const defaultTTL = 3600

// shutdownTimeout bounds how long Close waits for connections to end.
const shutdownTimeout = 5 * time.Second

// A Server is an authoritative DNS server for zone data on 127.0.0.1, on
// the same port for UDP and TCP. Its methods may be called concurrently.
type Server struct {
	idx  *index
	addr string
	udp  *dns.Server
	tcp  *dns.Server

	done      chan struct{} // closed by Close, to end pending delays
	closeOnce sync.Once
	closeErr  error

	faults     sync.Map // canonical name → *faultState
	defFault   atomic.Pointer[faultState]
	dropSeq    atomic.Uint64 // DropRate decisions so far
	queries    atomic.Int64
	overLimit  atomic.Int64 // queries refused, failed or dropped over a RateLimit
	missCounts sync.Map     // canonical name not in the data → *atomic.Int64
}

// Start serves the zone text (RFC 1035 master format, parsed with
// dns.NewZoneParser; $ORIGIN and $TTL honoured, default origin ".")
// including fault directives. Records without a TTL before any $TTL get 3600
// seconds. Errors name the line, in a source called "zone".
func Start(zone string) (*Server, error) {
	return startText(zone, "zone")
}

// StartFile is Start for a zone file; errors name the file and line.
func StartFile(path string) (*Server, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dnstest: reading zone: %w", err)
	}
	return startText(string(b), path)
}

// StartRRs serves records built in code. The server keeps rrs and shares
// them between answers; the caller must not modify them afterwards.
func StartRRs(rrs []dns.RR) (*Server, error) {
	return start(rrs, zoneFaults{})
}

func startText(text, file string) (*Server, error) {
	zp := dns.NewZoneParser(strings.NewReader(text), ".", file)
	zp.SetDefaultTTL(defaultTTL)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return nil, fmt.Errorf("dnstest: parsing zone: %w", err)
	}
	zf, err := scanFaults(text, file)
	if err != nil {
		return nil, fmt.Errorf("dnstest: parsing zone: %w", err)
	}
	return start(rrs, zf)
}

func start(rrs []dns.RR, zf zoneFaults) (*Server, error) {
	idx, err := newIndex(rrs)
	if err != nil {
		return nil, fmt.Errorf("dnstest: %w", err)
	}
	pc, l, err := listen()
	if err != nil {
		return nil, fmt.Errorf("dnstest: %w", err)
	}
	s := &Server{idx: idx, addr: l.Addr().String(), done: make(chan struct{})}
	for name, f := range zf.byName {
		s.faults.Store(name, newFaultState(f))
	}
	s.SetDefaultFault(zf.def)

	s.udp = &dns.Server{
		PacketConn: pc,
		UDPSize:    ednsSize,
		Handler:    dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) { s.serveDNS(w, r, true) }),
	}
	s.tcp = &dns.Server{
		Listener: l,
		// No cap on queries per connection, as with common authorities;
		// idle connections still close after 8 seconds.
		MaxTCPQueries: -1,
		Handler:       dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) { s.serveDNS(w, r, false) }),
	}
	if err := activate(s.udp); err != nil {
		pc.Close()
		l.Close()
		return nil, fmt.Errorf("dnstest: serving UDP: %w", err)
	}
	if err := activate(s.tcp); err != nil {
		s.udp.Shutdown()
		l.Close()
		return nil, fmt.Errorf("dnstest: serving TCP: %w", err)
	}
	return s, nil
}

// listen opens a UDP socket on a free loopback port and a TCP listener on
// the same port, retrying when the TCP port is already taken.
func listen() (net.PacketConn, net.Listener, error) {
	var err error
	for range 20 {
		var pc *net.UDPConn
		pc, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return nil, nil, fmt.Errorf("listening on UDP: %w", err)
		}
		var l net.Listener
		l, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			// Best effort: without the larger buffers the server still
			// works, it just drops more of a burst.
			pc.SetReadBuffer(socketBuffer)
			pc.SetWriteBuffer(socketBuffer)
			return pc, l, nil
		}
		pc.Close()
	}
	return nil, nil, fmt.Errorf("listening on TCP on the UDP port: %w", err)
}

// activate starts srv and returns once it is serving, so that a Close right
// after Start finds it started.
func activate(srv *dns.Server) error {
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	errc := make(chan error, 1)
	go func() { errc <- srv.ActivateAndServe() }()
	select {
	case <-started:
		return nil
	case err := <-errc:
		return err
	}
}

// Addr returns the server's address, "127.0.0.1:PORT", the same for UDP and
// TCP.
func (s *Server) Addr() string { return s.addr }

// Close stops the server. Queries waiting out a Delay are not answered.
// Calling Close again returns the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		var errs []error
		if err := s.udp.ShutdownContext(ctx); err != nil {
			errs = append(errs, fmt.Errorf("dnstest: stopping UDP: %w", err))
		}
		if err := s.tcp.ShutdownContext(ctx); err != nil {
			errs = append(errs, fmt.Errorf("dnstest: stopping TCP: %w", err))
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// SetFault sets the faults for queries whose qname equals name
// (case-insensitive, trailing dot optional), replacing any it had, and
// restarting its FailFirst count; a zero Fault clears them, so that the
// default fault applies to name again.
func (s *Server) SetFault(name string, f Fault) {
	key := canonical(name)
	if f == (Fault{}) {
		s.faults.Delete(key)
		return
	}
	s.faults.Store(key, newFaultState(f))
}

// SetDefaultFault sets the faults for every query whose name has no fault of
// its own (e.g. 30 ms latency on every answer, or a 30% UDP drop rate),
// restarting FailFirst counts; a zero Fault clears them.
func (s *Server) SetDefaultFault(f Fault) {
	if f == (Fault{}) {
		s.defFault.Store(nil)
		return
	}
	s.defFault.Store(newFaultState(f))
}

// Queries returns how many queries the server has received so far, over UDP
// and TCP, dropped ones included.
func (s *Server) Queries() int64 { return s.queries.Load() }

// OverLimit returns how many queries the server has refused, failed or
// dropped so far for being over a RateLimit or a full Queue.
func (s *Server) OverLimit() int64 { return s.overLimit.Load() }

// QueriesFor returns how many queries the server has received for the qname
// name (case-insensitive, trailing dot optional).
func (s *Server) QueriesFor(name string) int64 {
	key := canonical(name)
	if n := s.idx.names[key]; n != nil {
		return n.queries.Load()
	}
	if c, ok := s.missCounts.Load(key); ok {
		return c.(*atomic.Int64).Load()
	}
	return 0
}

// serveDNS answers one query; udp tells the transport it came over. The
// dns.Server calls it on a goroutine per UDP packet and per TCP connection,
// so a Delay holds up only its own query over UDP, and the later queries of
// the same connection over TCP.
func (s *Server) serveDNS(w dns.ResponseWriter, req *dns.Msg, udp bool) {
	s.queries.Add(1)
	m := new(dns.Msg)
	m.SetReply(req)
	// The dns.Server rejects a header that does not count one question, but
	// a message whose count lies unpacks with fewer.
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		reply(w, m, req, udp)
		return
	}
	qname := canonical(req.Question[0].Name)
	n := s.idx.names[qname]
	s.count(qname, n)

	f := s.fault(qname)
	qtype := req.Question[0].Qtype
	if f != nil {
		if f.dead() || f.Drop || udp && f.DropRate > 0 && s.dropNow(f.DropRate) {
			return
		}
		if f.overLimit() {
			s.overLimit.Add(1)
			if f.rateRcode() < 0 {
				return
			}
			m.Rcode = f.rateRcode()
			reply(w, m, req, udp)
			return
		}
		if f.Delay > 0 {
			if !f.enqueue() {
				s.overLimit.Add(1)
				return
			}
			ok := s.sleep(f.Delay)
			f.dequeue()
			if !ok {
				return
			}
		}
	}

	switch {
	case req.Opcode != dns.OpcodeQuery:
		m.Rcode = dns.RcodeNotImplemented
	case f != nil && f.failFirst(qname):
		m.Rcode = dns.RcodeServerFailure
	case f != nil && f.Rcode != dns.RcodeSuccess:
		m.Rcode = f.Rcode
	case f != nil && f.Truncate && udp:
		m.Authoritative = true
		m.Truncated = true
	case f != nil && f.EmptyMX && qtype == dns.TypeMX:
		// NOERROR with nothing at all, not even the SOA of a NODATA.
	case f != nil && f.Redirect.IsValid() && n == nil:
		m.Answer = redirect(req.Question[0], f.Redirect)
	default:
		m.Authoritative = true
		s.idx.answer(m, qname, qtype, n)
	}
	reply(w, m, req, udp)
}

// redirect is the answer of a redirecting resolver to question q about a
// name that does not exist: addr for the address type it fits, nothing
// for any other type, and never NXDOMAIN.
func redirect(q dns.Question, addr netip.Addr) []dns.RR {
	h := dns.RR_Header{Name: q.Name, Rrtype: q.Qtype, Class: dns.ClassINET, Ttl: 60}
	switch {
	case q.Qtype == dns.TypeA && addr.Is4():
		return []dns.RR{&dns.A{Hdr: h, A: addr.AsSlice()}}
	case q.Qtype == dns.TypeAAAA && addr.Is6() && !addr.Is4In6():
		return []dns.RR{&dns.AAAA{Hdr: h, AAAA: addr.AsSlice()}}
	}
	return nil
}

// reply sends m, the reply to req, with an OPT record if req had one, and
// over UDP truncated to the size the client can take.
func reply(w dns.ResponseWriter, m, req *dns.Msg, udp bool) {
	size := dns.MaxMsgSize
	if udp {
		size = dns.MinMsgSize
	}
	if opt := req.IsEdns0(); opt != nil {
		if udp {
			size = int(opt.UDPSize())
		}
		m.SetEdns0(ednsSize, opt.Do())
	}
	m.Truncate(size)
	// A failed write looks to the client like a lost packet, which is what
	// it is; there is no one else to tell.
	w.WriteMsg(m)
}

// fault returns the fault in force for qname, or nil.
func (s *Server) fault(qname string) *faultState {
	if f, ok := s.faults.Load(qname); ok {
		return f.(*faultState)
	}
	return s.defFault.Load()
}

// count adds a query to qname's count: on its node when it exists, otherwise
// in missCounts.
func (s *Server) count(qname string, n *node) {
	if n != nil {
		n.queries.Add(1)
		return
	}
	c, ok := s.missCounts.Load(qname)
	if !ok {
		c, _ = s.missCounts.LoadOrStore(qname, new(atomic.Int64))
	}
	c.(*atomic.Int64).Add(1)
}

// dropNow decides whether to drop a query under DropRate p. The decisions
// come from a hash of a per-server sequence number, so a server always makes
// the same ones in the same order, and among any N queries drops the same
// number whatever order they arrive in.
func (s *Server) dropNow(p float64) bool {
	// splitmix64: the sequence number times its increment, then its mix.
	x := s.dropSeq.Add(1) * 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11)/(1<<53) < p
}

// sleep waits for d, or until the server closes; it reports whether the
// full time passed.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}
