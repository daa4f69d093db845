package dnstest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const testZone = `$ORIGIN example.
$TTL 300
@         SOA   ns hostmaster 1 3600 600 86400 60
@         NS    ns
@         MX    10 mail
@         MX    20 mail2
ns        A     192.0.2.53
mail      A     192.0.2.25
mail      AAAA  2001:db8::25
mail2     A     192.0.2.26
deep.a.b  A     192.0.2.1       ; makes a.b and b empty non-terminals
www       CNAME mail
alias     CNAME www             ; a two-step chain
dangling  CNAME nowhere
loop1     CNAME loop2
loop2     CNAME loop1
outside   CNAME mail.other.test.
$GENERATE 1-9 c$ CNAME c${1}    ; c1 -> c2 -> ... -> c10, longer than the bound
c10       A     192.0.2.10
$GENERATE 1-40 big MX $ mx$     ; 40 MX records: more than 512 bytes, less than 1232
$ORIGIN gmail.com.
@         MX    5 gmail-smtp-in.l.google.com.
`

// startT starts a server for zone and closes it when the test ends.
func startT(t testing.TB, zone string) *Server {
	t.Helper()
	s, err := Start(zone)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// ask sends one query for name and qtype to s over netw ("udp" or "tcp"),
// with an OPT record advertising edns bytes when edns is not 0.
func ask(s *Server, netw, name string, qtype, edns uint16, timeout time.Duration) (*dns.Msg, time.Duration, error) {
	c := &dns.Client{Net: netw, Timeout: timeout}
	q := new(dns.Msg).SetQuestion(name, qtype)
	if edns != 0 {
		q.SetEdns0(edns, false)
	}
	return c.Exchange(q, s.Addr())
}

// mustAsk is ask that fails the test when no answer comes.
func mustAsk(t *testing.T, s *Server, netw, name string, qtype, edns uint16) *dns.Msg {
	t.Helper()
	r, _, err := ask(s, netw, name, qtype, edns, 2*time.Second)
	if err != nil {
		t.Fatalf("%s %s over %s: %v", name, dns.TypeToString[qtype], netw, err)
	}
	return r
}

// brief returns rr as "owner TYPE rdata".
func brief(rr dns.RR) string {
	f := strings.Split(rr.String(), "\t")
	return f[0] + " " + f[3] + " " + strings.Join(f[4:], " ")
}

func briefs(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		out = append(out, brief(rr))
	}
	return out
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestAnswers(t *testing.T) {
	s := startT(t, testZone)
	chain := []string{}
	for i := 1; i <= maxCNAMEChain; i++ {
		chain = append(chain, fmt.Sprintf("c%d.example. CNAME c%d.example.", i, i+1))
	}
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		rcode  int
		answer []string
		soa    string // owner of the SOA wanted in authority, "" for none
	}{
		{"A", "mail.example.", dns.TypeA, dns.RcodeSuccess,
			[]string{"mail.example. A 192.0.2.25"}, ""},
		{"MX", "example.", dns.TypeMX, dns.RcodeSuccess,
			[]string{"example. MX 10 mail.example.", "example. MX 20 mail2.example."}, ""},
		{"MX outside example.", "gmail.com.", dns.TypeMX, dns.RcodeSuccess,
			[]string{"gmail.com. MX 5 gmail-smtp-in.l.google.com."}, ""},
		{"case-insensitive", "MAIL.Example.", dns.TypeAAAA, dns.RcodeSuccess,
			[]string{"mail.example. AAAA 2001:db8::25"}, ""},
		{"NXDOMAIN", "nope.example.", dns.TypeA, dns.RcodeNameError, nil, "example."},
		{"NXDOMAIN below a name", "x.mail.example.", dns.TypeA, dns.RcodeNameError, nil, "example."},
		{"NXDOMAIN without a SOA", "nope.test.", dns.TypeA, dns.RcodeNameError, nil, "."},
		{"NODATA", "mail.example.", dns.TypeMX, dns.RcodeSuccess, nil, "example."},
		{"empty non-terminal", "a.b.example.", dns.TypeA, dns.RcodeSuccess, nil, "example."},
		{"empty non-terminal above the data", "com.", dns.TypeMX, dns.RcodeSuccess, nil, "."},
		{"CNAME", "www.example.", dns.TypeA, dns.RcodeSuccess,
			[]string{"www.example. CNAME mail.example.", "mail.example. A 192.0.2.25"}, ""},
		{"CNAME chain", "alias.example.", dns.TypeA, dns.RcodeSuccess,
			[]string{"alias.example. CNAME www.example.", "www.example. CNAME mail.example.", "mail.example. A 192.0.2.25"}, ""},
		{"CNAME to NODATA", "www.example.", dns.TypeMX, dns.RcodeSuccess,
			[]string{"www.example. CNAME mail.example."}, "example."},
		{"CNAME asked for", "www.example.", dns.TypeCNAME, dns.RcodeSuccess,
			[]string{"www.example. CNAME mail.example."}, ""},
		{"CNAME to nothing", "dangling.example.", dns.TypeA, dns.RcodeNameError,
			[]string{"dangling.example. CNAME nowhere.example."}, "example."},
		{"CNAME out of the SOA", "outside.example.", dns.TypeA, dns.RcodeNameError,
			[]string{"outside.example. CNAME mail.other.test."}, "."},
		{"CNAME loop", "loop1.example.", dns.TypeA, dns.RcodeSuccess,
			[]string{"loop1.example. CNAME loop2.example.", "loop2.example. CNAME loop1.example."}, ""},
		{"CNAME chain too long", "c1.example.", dns.TypeA, dns.RcodeSuccess, chain, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, netw := range []string{"udp", "tcp"} {
				r := mustAsk(t, s, netw, tt.qname, tt.qtype, 0)
				if r.Rcode != tt.rcode {
					t.Errorf("%s: rcode %s, want %s", netw, dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
				}
				if !r.Authoritative || r.RecursionAvailable || r.Truncated {
					t.Errorf("%s: AA=%v RA=%v TC=%v, want AA only", netw, r.Authoritative, r.RecursionAvailable, r.Truncated)
				}
				if got := briefs(r.Answer); !reflect.DeepEqual(got, tt.answer) {
					t.Errorf("%s: answer\n%q\nwant\n%q", netw, got, tt.answer)
				}
				switch {
				case tt.soa == "" && len(r.Ns) != 0:
					t.Errorf("%s: authority %q, want none", netw, briefs(r.Ns))
				case tt.soa != "":
					if len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != dns.TypeSOA || r.Ns[0].Header().Name != tt.soa {
						t.Errorf("%s: authority %q, want the SOA of %s", netw, briefs(r.Ns), tt.soa)
					} else if ttl := r.Ns[0].Header().Ttl; ttl != 60 {
						t.Errorf("%s: negative SOA TTL %d, want 60 (the SOA minimum)", netw, ttl)
					}
				}
				if q := r.Question[0].Name; q != tt.qname {
					t.Errorf("%s: question %q, want it echoed as %q", netw, q, tt.qname)
				}
			}
		})
	}
}

func TestStartRRs(t *testing.T) {
	var rrs []dns.RR
	for _, s := range []string{"a.test. 60 IN MX 10 mx.a.test.", "mx.a.test. 60 IN A 192.0.2.1"} {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		rrs = append(rrs, rr)
	}
	s, err := StartRRs(rrs)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := mustAsk(t, s, "udp", "a.test.", dns.TypeMX, 0); len(r.Answer) != 1 {
		t.Errorf("MX answer %q, want one record", briefs(r.Answer))
	}
	if r := mustAsk(t, s, "udp", "b.test.", dns.TypeMX, 0); r.Rcode != dns.RcodeNameError || len(r.Ns) != 1 || r.Ns[0].Header().Name != "." {
		t.Errorf("b.test.: rcode %s, authority %q; want NXDOMAIN with the synthetic SOA", dns.RcodeToString[r.Rcode], briefs(r.Ns))
	}

	if _, err := StartRRs([]dns.RR{rrs[0], nil}); err == nil || !strings.Contains(err.Error(), "record 1 is nil") {
		t.Errorf("StartRRs with a nil record: error %v, want one naming record 1", err)
	}
	relative := &dns.A{Hdr: dns.RR_Header{Name: "a.test", Rrtype: dns.TypeA, Class: dns.ClassINET}}
	if _, err := StartRRs([]dns.RR{relative}); err == nil || !strings.Contains(err.Error(), "not fully qualified") {
		t.Errorf("StartRRs with a relative owner: error %v, want one saying so", err)
	}
}

func TestEDNSAndTruncation(t *testing.T) {
	s := startT(t, testZone)
	tests := []struct {
		netw    string
		edns    uint16
		trunc   bool
		wantOPT bool
	}{
		{"udp", 0, true, false},
		{"udp", 1232, false, true},
		{"udp", 4096, false, true},
		{"tcp", 0, false, false},
		{"tcp", 1232, false, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/edns=%d", tt.netw, tt.edns), func(t *testing.T) {
			r := mustAsk(t, s, tt.netw, "big.example.", dns.TypeMX, tt.edns)
			if r.Truncated != tt.trunc {
				t.Errorf("TC=%v, want %v", r.Truncated, tt.trunc)
			}
			switch {
			case tt.trunc && (len(r.Answer) == 0 || len(r.Answer) >= 40):
				t.Errorf("%d MX records in a truncated answer, want some of the 40", len(r.Answer))
			case !tt.trunc && len(r.Answer) != 40:
				t.Errorf("%d MX records, want all 40", len(r.Answer))
			}
			r.Compress = true // as it came over the wire
			if b, err := r.Pack(); err == nil && tt.trunc && len(b) > dns.MinMsgSize {
				t.Errorf("truncated answer is %d bytes, want at most %d", len(b), dns.MinMsgSize)
			}
			opt := r.IsEdns0()
			if (opt != nil) != tt.wantOPT {
				t.Errorf("OPT in answer: %v, want %v", opt != nil, tt.wantOPT)
			}
			if opt != nil && opt.UDPSize() != ednsSize {
				t.Errorf("advertised UDP size %d, want %d", opt.UDPSize(), ednsSize)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		netw  string
		rcode int
		aa    bool
		tc    bool
		n     int // answer records
	}{
		{"servfail", Fault{Rcode: dns.RcodeServerFailure}, "udp", dns.RcodeServerFailure, false, false, 0},
		{"refused", Fault{Rcode: dns.RcodeRefused}, "tcp", dns.RcodeRefused, false, false, 0},
		{"truncate over UDP", Fault{Truncate: true}, "udp", dns.RcodeSuccess, true, true, 0},
		{"truncate over TCP", Fault{Truncate: true}, "tcp", dns.RcodeSuccess, true, false, 2},
		{"droprate spares TCP", Fault{DropRate: 1}, "tcp", dns.RcodeSuccess, true, false, 2},
		{"cleared", Fault{}, "udp", dns.RcodeSuccess, true, false, 2},
	}
	s := startT(t, testZone)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetFault("Example", Fault{Rcode: dns.RcodeRefused}) // replaced next: names are case-insensitive
			s.SetFault("example.", tt.fault)
			r := mustAsk(t, s, tt.netw, "example.", dns.TypeMX, 0)
			if r.Rcode != tt.rcode || r.Authoritative != tt.aa || r.Truncated != tt.tc || len(r.Answer) != tt.n {
				t.Errorf("got %s AA=%v TC=%v with %d records, want %s AA=%v TC=%v with %d",
					dns.RcodeToString[r.Rcode], r.Authoritative, r.Truncated, len(r.Answer),
					dns.RcodeToString[tt.rcode], tt.aa, tt.tc, tt.n)
			}
			// Other names are untouched.
			if r := mustAsk(t, s, tt.netw, "mail.example.", dns.TypeA, 0); r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
				t.Errorf("mail.example.: %s with %d records, want NOERROR with 1", dns.RcodeToString[r.Rcode], len(r.Answer))
			}
		})
	}
}

func TestDrop(t *testing.T) {
	s := startT(t, testZone)
	s.SetFault("mail.example", Fault{Drop: true})
	for _, netw := range []string{"udp", "tcp"} {
		r, _, err := ask(s, netw, "mail.example.", dns.TypeA, 0, 100*time.Millisecond)
		if !isTimeout(err) {
			t.Errorf("%s: answer %v, error %v; want a timeout", netw, r, err)
		}
	}
	if got := s.QueriesFor("mail.example"); got != 2 {
		t.Errorf("QueriesFor = %d, want the 2 dropped queries counted", got)
	}
}

func TestDelay(t *testing.T) {
	const delay = 300 * time.Millisecond
	s := startT(t, testZone)
	s.SetFault("mail.example.", Fault{Delay: delay})

	// Many delayed queries at once must take about one delay, not many;
	// and an undelayed name must not wait behind them.
	const n = 20
	start := time.Now()
	var wg sync.WaitGroup
	rtts := make([]time.Duration, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			netw := []string{"udp", "tcp"}[i%2]
			_, rtts[i], errs[i] = ask(s, netw, "mail.example.", dns.TypeA, 0, 5*time.Second)
		})
	}
	time.Sleep(delay / 10)
	_, fast, err := ask(s, "udp", "ns.example.", dns.TypeA, 0, time.Second)
	if err != nil || fast >= delay {
		t.Errorf("undelayed name while others wait: rtt %v, error %v; want well under %v", fast, err, delay)
	}
	wg.Wait()
	if elapsed := time.Since(start); elapsed > 3*delay {
		t.Errorf("%d concurrent delayed queries took %v; answers were serialized", n, elapsed)
	}
	for i := range n {
		if errs[i] != nil || rtts[i] < delay {
			t.Errorf("query %d: rtt %v, error %v; want at least %v", i, rtts[i], errs[i], delay)
		}
	}
}

func TestDefaultFault(t *testing.T) {
	const delay = 300 * time.Millisecond
	s := startT(t, testZone)
	s.SetDefaultFault(Fault{Delay: delay})
	s.SetFault("mail.example", Fault{Rcode: dns.RcodeRefused})

	if _, rtt, err := ask(s, "udp", "ns.example.", dns.TypeA, 0, 2*time.Second); err != nil || rtt < delay {
		t.Errorf("default fault: rtt %v, error %v; want at least %v", rtt, err, delay)
	}
	// The name's own fault replaces the default: refused, without the delay.
	r, rtt, err := ask(s, "udp", "mail.example.", dns.TypeA, 0, 2*time.Second)
	if err != nil || r.Rcode != dns.RcodeRefused || rtt >= delay {
		t.Errorf("own fault: %v after %v, error %v; want REFUSED under %v", r, rtt, err, delay)
	}

	s.SetDefaultFault(Fault{})
	if _, rtt, err := ask(s, "udp", "ns.example.", dns.TypeA, 0, 2*time.Second); err != nil || rtt >= delay {
		t.Errorf("default fault cleared: rtt %v, error %v; want under %v", rtt, err, delay)
	}
}

func TestFailFirst(t *testing.T) {
	s := startT(t, testZone)
	s.SetFault("mail.example.", Fault{FailFirst: 2})
	want := []int{dns.RcodeServerFailure, dns.RcodeServerFailure, dns.RcodeSuccess, dns.RcodeSuccess}
	for i, rc := range want {
		netw := []string{"udp", "tcp"}[i%2]
		if r := mustAsk(t, s, netw, "mail.example.", dns.TypeA, 0); r.Rcode != rc {
			t.Errorf("query %d: %s, want %s", i+1, dns.RcodeToString[r.Rcode], dns.RcodeToString[rc])
		}
	}

	// A default FailFirst counts each name apart.
	s.SetDefaultFault(Fault{FailFirst: 1})
	for i, q := range []struct {
		name  string
		rcode int
	}{
		{"ns.example.", dns.RcodeServerFailure},
		{"mail2.example.", dns.RcodeServerFailure},
		{"ns.example.", dns.RcodeSuccess},
		{"NS.example.", dns.RcodeSuccess},
		{"mail2.example.", dns.RcodeSuccess},
	} {
		if r := mustAsk(t, s, "udp", q.name, dns.TypeA, 0); r.Rcode != q.rcode {
			t.Errorf("default, query %d for %s: %s, want %s", i+1, q.name, dns.RcodeToString[r.Rcode], dns.RcodeToString[q.rcode])
		}
	}
}

func TestDropRate(t *testing.T) {
	const (
		rate    = 0.3
		queries = 300
		workers = 30
	)
	s := startT(t, testZone)
	s.SetFault("mail.example.", Fault{DropRate: rate})
	var lost, failed atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range queries / workers {
				_, _, err := ask(s, "udp", "mail.example.", dns.TypeA, 0, 250*time.Millisecond)
				switch {
				case isTimeout(err):
					lost.Add(1)
				case err != nil:
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d queries failed other than by timing out", failed.Load())
	}
	if got := float64(lost.Load()) / queries; got < rate-0.1 || got > rate+0.1 {
		t.Errorf("dropped %d of %d queries (%.2f), want about %.2f", lost.Load(), queries, got, rate)
	}
	if got := s.QueriesFor("mail.example."); got != queries {
		t.Errorf("QueriesFor = %d, want %d", got, queries)
	}
}

func TestDropRateDeterministic(t *testing.T) {
	a, b := startT(t, ""), startT(t, "")
	var drops int
	for i := range 10000 {
		da, db := a.dropNow(0.3), b.dropNow(0.3)
		if da != db {
			t.Fatalf("decision %d: %v on one server, %v on the other", i, da, db)
		}
		if da {
			drops++
		}
	}
	if drops < 2800 || drops > 3200 {
		t.Errorf("dropped %d of 10000 at rate 0.3", drops)
	}
	for _, p := range []float64{0, 1} {
		for range 1000 {
			if a.dropNow(p) != (p == 1) {
				t.Fatalf("rate %v: wrong decision", p)
			}
		}
	}
}

func TestQueries(t *testing.T) {
	s := startT(t, testZone)
	mustAsk(t, s, "udp", "mail.example.", dns.TypeA, 0)
	mustAsk(t, s, "tcp", "MAIL.example.", dns.TypeAAAA, 0)
	mustAsk(t, s, "udp", "www.example.", dns.TypeA, 0) // follows to mail, counts for www
	mustAsk(t, s, "udp", "nope.example.", dns.TypeA, 0)
	for name, want := range map[string]int64{
		"mail.example.": 2,
		"mail.EXAMPLE":  2,
		"www.example":   1,
		"nope.example.": 1,
		"ns.example.":   0,
		"never.test":    0,
	} {
		if got := s.QueriesFor(name); got != want {
			t.Errorf("QueriesFor(%q) = %d, want %d", name, got, want)
		}
	}
	if got := s.Queries(); got != 4 {
		t.Errorf("Queries() = %d, want 4", got)
	}
}

func TestTCPConnReuse(t *testing.T) {
	s := startT(t, testZone)
	c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
	conn, err := c.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// More than the dns.Server's default cap of 128 queries a connection.
	for i := range 300 {
		q := new(dns.Msg).SetQuestion("mail.example.", dns.TypeA)
		if _, _, err := c.ExchangeWithConn(q, conn); err != nil {
			t.Fatalf("query %d on one connection: %v", i+1, err)
		}
	}
}

func TestMalformedAndOpcodes(t *testing.T) {
	s := startT(t, testZone)
	c := &dns.Client{Timeout: time.Second}

	noQuestion := &dns.Msg{MsgHdr: dns.MsgHdr{Id: dns.Id()}}
	if r, _, err := c.Exchange(noQuestion, s.Addr()); err != nil || r.Rcode != dns.RcodeFormatError {
		t.Errorf("no question: %v, error %v; want FORMERR", r, err)
	}

	notify := new(dns.Msg).SetNotify("example.")
	if r, _, err := c.Exchange(notify, s.Addr()); err != nil || r.Rcode != dns.RcodeNotImplemented {
		t.Errorf("NOTIFY: %v, error %v; want NOTIMP", r, err)
	}

	// A header counting one question followed by no bytes: the server must
	// neither crash nor hang, and still answer a proper query afterwards.
	conn, err := net.Dial("udp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte{0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	mustAsk(t, s, "udp", "mail.example.", dns.TypeA, 0)
}

func TestClose(t *testing.T) {
	s, err := Start(testZone)
	if err != nil {
		t.Fatal(err)
	}
	s.SetFault("mail.example.", Fault{Delay: time.Minute})
	go ask(s, "udp", "mail.example.", dns.TypeA, 0, time.Minute)
	go ask(s, "tcp", "mail.example.", dns.TypeA, 0, time.Minute)
	for s.Queries() < 2 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v with delayed queries pending", d)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestScanFaults(t *testing.T) {
	zone := `$ORIGIN example.
;@fault mail servfail
mail A 192.0.2.25
;@fault slow.other.test. delay=30ms failfirst=2 ; trailing comment
   ;@fault @ refused
$ORIGIN sub      ; relative to example.
;@fault x drop droprate=0.25 truncate
;@fault X delay=1s
;@fault * delay=5ms
;@fault y rcode=nxdomain
; @fault z servfail is an ordinary comment
;@faulty z servfail too
`
	zf, err := scanFaults(zone, "test.zone")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Fault{
		"mail.example.":    {Rcode: dns.RcodeServerFailure},
		"slow.other.test.": {Delay: 30 * time.Millisecond, FailFirst: 2},
		"example.":         {Rcode: dns.RcodeRefused},
		"x.sub.example.":   {Drop: true, DropRate: 0.25, Truncate: true, Delay: time.Second},
		"y.sub.example.":   {Rcode: dns.RcodeNameError},
	}
	if !reflect.DeepEqual(zf.byName, want) {
		t.Errorf("faults\n%+v\nwant\n%+v", zf.byName, want)
	}
	if wantDef := (Fault{Delay: 5 * time.Millisecond}); zf.def != wantDef {
		t.Errorf("default fault %+v, want %+v", zf.def, wantDef)
	}

	// And the server applies them.
	s := startT(t, zone)
	if r := mustAsk(t, s, "udp", "mail.example.", dns.TypeA, 0); r.Rcode != dns.RcodeServerFailure {
		t.Errorf("mail.example.: %s, want SERVFAIL from the directive", dns.RcodeToString[r.Rcode])
	}
	if r := mustAsk(t, s, "tcp", "example.", dns.TypeSOA, 0); r.Rcode != dns.RcodeRefused {
		t.Errorf("example.: %s, want REFUSED from the directive", dns.RcodeToString[r.Rcode])
	}
}

func TestZoneErrors(t *testing.T) {
	tests := []struct {
		name string
		zone string
		want string // in the error, after the file name
	}{
		{"bad record", "$ORIGIN example.\nmail A 192.0.2.1\nmail A 999.0.2.1\n", "line: 3"},
		{"unknown kind", "$ORIGIN example.\nmail A 192.0.2.1\n\n;@fault mail explode\n", ":4: unknown fault kind \"explode\""},
		{"bad delay", ";@fault mail. delay=soon\n", ":1: fault delay=soon"},
		{"negative delay", ";@fault mail. delay=-1s\n", ":1: fault delay=-1s"},
		{"bad droprate", "\n;@fault mail. droprate=1.5\n", ":2: fault droprate=1.5"},
		{"bad failfirst", ";@fault mail. failfirst=x\n", ":1: fault failfirst=x"},
		{"bad rcode", ";@fault mail. rcode=BADVERS\n", ":1: fault rcode=BADVERS"},
		{"missing argument", ";@fault mail. delay\n", ":1: fault \"delay\" needs an argument"},
		{"unwanted argument", ";@fault mail. drop=yes\n", ":1: fault \"drop\" takes no argument"},
		{"no kinds", ";@fault mail.\n", ":1: ;@fault needs a name and at least one fault"},
		{"include", "$INCLUDE /etc/passwd\n", "line: 1"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".zone")
			if err := os.WriteFile(path, []byte(tt.zone), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := StartFile(path)
			if err == nil {
				s.Close()
				t.Fatalf("StartFile succeeded, want an error")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("StartFile error %q, want it to name %s and contain %q", err, path, tt.want)
			}
			if _, err := Start(tt.zone); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Start error %v, want it to contain %q", err, tt.want)
			}
		})
	}

	missing := filepath.Join(dir, "missing.zone")
	if _, err := StartFile(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("StartFile of a missing file: error %v, want it to name the file", err)
	}
}

func TestStartFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "good.zone")
	if err := os.WriteFile(path, []byte(testZone), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := StartFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := mustAsk(t, s, "udp", "gmail.com.", dns.TypeMX, 0); len(r.Answer) != 1 {
		t.Errorf("gmail.com MX: %q, want one record", briefs(r.Answer))
	}
}

// BenchmarkQueries measures queries per second over UDP with 64 clients in
// flight, against 50,000 domains with an MX and an A record each.
func BenchmarkQueries(b *testing.B) {
	const domains, clients = 50000, 64
	rrs := make([]dns.RR, 0, 2*domains)
	for i := range domains {
		name := fmt.Sprintf("d%d.bench.test.", i)
		rrs = append(rrs,
			&dns.MX{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeMX, Class: dns.ClassINET, Ttl: 300}, Preference: 10, Mx: "mx." + name},
			&dns.A{Hdr: dns.RR_Header{Name: "mx." + name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 300}, A: net.IPv4(192, 0, 2, byte(i))})
	}
	s, err := StartRRs(rrs)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()

	var next, failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Go(func() {
			c := &dns.Client{Timeout: time.Second}
			conn, err := c.Dial(s.Addr())
			if err != nil {
				b.Error(err)
				return
			}
			defer conn.Close()
			for next.Add(1) <= int64(b.N) {
				q := new(dns.Msg).SetQuestion(fmt.Sprintf("d%d.bench.test.", rand.IntN(domains)), dns.TypeMX)
				if _, _, err := c.ExchangeWithConn(q, conn); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
	b.ReportMetric(float64(failed.Load()), "failed")
}
