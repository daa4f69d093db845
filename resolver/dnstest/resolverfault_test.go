package dnstest

import (
	"net/netip"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestLyingResolverFaults: the faults of a filtering or redirecting
// resolver change the answers they are meant to, and only those.
func TestLyingResolverFaults(t *testing.T) {
	type query struct {
		name  string
		qtype uint16
		rcode int
		rrs   []string // briefs of the answer
	}
	tests := []struct {
		name    string
		fault   Fault
		queries []query
	}{
		{
			name:  "NXDOMAIN for everything",
			fault: Fault{Rcode: dns.RcodeNameError},
			queries: []query{
				{"gmail.com.", dns.TypeMX, dns.RcodeNameError, nil},
				{"mail.example.", dns.TypeA, dns.RcodeNameError, nil},
			},
		},
		{
			name:  "no MX anywhere",
			fault: Fault{EmptyMX: true},
			queries: []query{
				{"gmail.com.", dns.TypeMX, dns.RcodeSuccess, nil},
				{"example.", dns.TypeMX, dns.RcodeSuccess, nil},
				{"nowhere.example.", dns.TypeMX, dns.RcodeSuccess, nil},
				{"mail.example.", dns.TypeA, dns.RcodeSuccess, []string{"mail.example. A 192.0.2.25"}},
			},
		},
		{
			name:  "NXDOMAIN redirect",
			fault: Fault{Redirect: netip.MustParseAddr("198.51.100.80")},
			queries: []query{
				{"typo-domain.test.", dns.TypeA, dns.RcodeSuccess, []string{"typo-domain.test. A 198.51.100.80"}},
				{"typo-domain.test.", dns.TypeMX, dns.RcodeSuccess, nil},
				{"typo-domain.test.", dns.TypeAAAA, dns.RcodeSuccess, nil},
				// Names that exist are answered from the data.
				{"mail.example.", dns.TypeA, dns.RcodeSuccess, []string{"mail.example. A 192.0.2.25"}},
				{"example.", dns.TypeMX, dns.RcodeSuccess, []string{"example. MX 10 mail.example.", "example. MX 20 mail2.example."}},
				{"ns.example.", dns.TypeMX, dns.RcodeSuccess, nil},
			},
		},
		{
			name:  "IPv6 redirect",
			fault: Fault{Redirect: netip.MustParseAddr("2001:db8::80")},
			queries: []query{
				{"typo-domain.test.", dns.TypeAAAA, dns.RcodeSuccess, []string{"typo-domain.test. AAAA 2001:db8::80"}},
				{"typo-domain.test.", dns.TypeA, dns.RcodeSuccess, nil},
			},
		},
	}
	s := startT(t, testZone)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetDefaultFault(tt.fault)
			defer s.SetDefaultFault(Fault{})
			for _, netw := range []string{"udp", "tcp"} {
				for _, q := range tt.queries {
					r := mustAsk(t, s, netw, q.name, q.qtype, 1232)
					if got := briefs(r.Answer); r.Rcode != q.rcode || !slices.Equal(got, q.rrs) {
						t.Errorf("%s %s %s: %s %q, want %s %q", netw, q.name, dns.TypeToString[q.qtype],
							dns.RcodeToString[r.Rcode], got, dns.RcodeToString[q.rcode], q.rrs)
					}
				}
			}
		})
	}
}

// TestRateLimit: above RateLimit queries a second, the server answers
// REFUSED, SERVFAIL or nothing, and about RateLimit queries a second get
// their answer.
func TestRateLimit(t *testing.T) {
	const rate = 200
	for _, tt := range []struct {
		name  string
		rcode int
		over  int // the rcode wanted over the limit; -1 for a timeout
	}{
		{"refused", 0, dns.RcodeRefused},
		{"servfail", dns.RcodeServerFailure, dns.RcodeServerFailure},
		{"drop", -1, -1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startT(t, testZone)
			s.SetDefaultFault(Fault{RateLimit: rate, RateRcode: tt.rcode})
			// 400 queries as fast as 8 workers go: far over the limit.
			// A server that answers over the limit answers at once: a
			// timeout there is a loaded machine, not the fault, so the
			// wait is short only where silence is the answer.
			wait := time.Second
			if tt.over < 0 {
				wait = 50 * time.Millisecond
			}
			start := time.Now()
			var mu sync.Mutex
			answered, over, other, late := 0, 0, 0, 0
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					for range 50 {
						r, _, err := ask(s, "udp", "mail.example.", dns.TypeA, 0, wait)
						mu.Lock()
						switch {
						case err == nil && r.Rcode == dns.RcodeSuccess:
							answered++
						case tt.over < 0 && isTimeout(err), err == nil && r.Rcode == tt.over:
							over++
						case isTimeout(err):
							late++ // answered, but after the wait: a loaded machine
						default:
							other++
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			took := time.Since(start).Seconds()
			if other != 0 {
				t.Errorf("%d answers neither NOERROR nor the over-limit answer", other)
			}
			if late > 20 {
				t.Errorf("%d of 400 queries unanswered after %v from a server that answers at once", late, wait)
			}
			// The bucket starts full (a tenth of a second's worth) and
			// refills at the rate; allow for a slow machine.
			if most := int(rate*took) + rate/10 + 1; answered > most || answered == 0 {
				t.Errorf("%d answered in %.2fs at %d/s, want 1 to %d", answered, took, rate, most)
			}
			if over == 0 {
				t.Errorf("no query was over the limit")
			}
			if n := s.OverLimit(); n < int64(over) || n > int64(over+late) {
				t.Errorf("OverLimit() = %d, the client saw %d over the limit and %d late", n, over, late)
			}
		})
	}
}

// TestQueue: a server whose Queue is full drops the queries that come
// while it is, as a resolver with a full request list does, and answers
// again once a place is free.
func TestQueue(t *testing.T) {
	s := startT(t, testZone)
	const delay = 300 * time.Millisecond
	s.SetDefaultFault(Fault{Delay: delay, Queue: 2})
	var answered, dropped int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			_, _, err := ask(s, "udp", "mail.example.", dns.TypeA, 0, delay+time.Second)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				answered++
			case isTimeout(err):
				dropped++
			default:
				t.Errorf("neither an answer nor a timeout: %v", err)
			}
		})
	}
	wg.Wait()
	if answered != 2 || dropped != 3 {
		t.Errorf("5 queries at once to a queue of 2: %d answered, %d dropped; want 2 and 3", answered, dropped)
	}
	if n := s.OverLimit(); n != 3 {
		t.Errorf("OverLimit() = %d, want the 3 dropped", n)
	}
	if _, _, err := ask(s, "udp", "mail.example.", dns.TypeA, 0, delay+time.Second); err != nil {
		t.Errorf("once the queue emptied: %v, want an answer", err)
	}
}

// TestDieAfter: a server dies the given time after the first query under
// the fault, however long after the fault was set that query came.
func TestDieAfter(t *testing.T) {
	s := startT(t, testZone)
	const life = 300 * time.Millisecond
	s.SetDefaultFault(Fault{DieAfter: life})
	time.Sleep(life) // the clock has not started: no query yet
	first := time.Now()
	if r := mustAsk(t, s, "udp", "mail.example.", dns.TypeA, 0); r.Rcode != dns.RcodeSuccess {
		t.Fatalf("the first query: %s", dns.RcodeToString[r.Rcode])
	}
	if r := mustAsk(t, s, "tcp", "mail.example.", dns.TypeMX, 0); r.Rcode != dns.RcodeSuccess && time.Since(first) < life {
		t.Fatalf("before it dies: %s", dns.RcodeToString[r.Rcode])
	}
	time.Sleep(time.Until(first.Add(life + 50*time.Millisecond))) // the server's clock starts a little after first
	for _, netw := range []string{"udp", "tcp"} {
		if r, _, err := ask(s, netw, "mail.example.", dns.TypeA, 0, 100*time.Millisecond); !isTimeout(err) {
			t.Errorf("%s after it died: %v, %v; want a timeout", netw, r, err)
		}
	}
}

// TestScanResolverFaults: the directives of a misbehaving resolver.
func TestScanResolverFaults(t *testing.T) {
	zone := `;@fault * ratelimit=500 overlimit=servfail
;@fault a.test. emptymx redirect=198.51.100.80
;@fault b.test. ratelimit=20 overlimit=drop dieafter=1m30s
;@fault c.test. ratelimit=20 overlimit=refused
;@fault d.test. delay=20ms queue=1000
`
	zf, err := scanFaults(zone, "z")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Fault{
		"a.test.": {EmptyMX: true, Redirect: netip.MustParseAddr("198.51.100.80")},
		"b.test.": {RateLimit: 20, RateRcode: -1, DieAfter: 90 * time.Second},
		"c.test.": {RateLimit: 20, RateRcode: dns.RcodeRefused},
		"d.test.": {Delay: 20 * time.Millisecond, Queue: 1000},
	}
	if !reflect.DeepEqual(zf.byName, want) {
		t.Errorf("faults\n%+v\nwant\n%+v", zf.byName, want)
	}
	if def := (Fault{RateLimit: 500, RateRcode: dns.RcodeServerFailure}); zf.def != def {
		t.Errorf("default %+v, want %+v", zf.def, def)
	}
	for _, bad := range []string{
		";@fault * redirect=nowhere\n",
		";@fault * ratelimit=0\n",
		";@fault * overlimit=sometimes\n",
		";@fault * dieafter=0s\n",
		";@fault * queue=0\n",
		";@fault * emptymx=yes\n",
	} {
		if _, err := scanFaults(bad, "z"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
