package resolver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/listclean/listclean/resolver/dnstest"
)

// testZone is the world the checker tests run against; each case adds its
// faults on top. It has the witnesses, so that its server is trusted.
const testZone = dnstest.WitnessZone + `
$ORIGIN test.
$TTL 300
mx.shared       A     192.0.2.10
mx6             AAAA  2001:db8::25
noaddr          TXT   "exists, but no address"
flaky-mx        A     192.0.2.11

ok              MX    10 mx.shared
ok2             MX    10 mx.shared
ok3             MX    20 mx.shared
v6              MX    10 mx6
implicit        A     192.0.2.20
implicit6       AAAA  2001:db8::20
nullmx          MX    0 .
nomail          TXT   "v=spf1 -all"
badmx           MX    10 nowhere
badmx           MX    20 noaddr
localmx         MX    10 localhost.
localmx         MX    20 192.0.2.1.
localmx         MX    30 mail.localhost.
alias           CNAME alias2
alias2          CNAME ok
dangling        CNAME gone
firstdead       MX    10 dead
firstdead       MX    20 mx.shared
tempmx          MX    10 flaky-mx
tempmx          MX    20 noaddr
tempthenok      MX    10 flaky-mx
tempthenok      MX    20 mx.shared
failfirst       MX    10 mx.shared
servfail        MX    10 mx.shared
refused         MX    10 mx.shared
drop            MX    10 mx.shared
truncate        MX    10 mx.shared
slow            MX    10 mx.shared
cnameloop       CNAME cnameloop2
cnameloop2      CNAME cnameloop

$ORIGIN de.
xn--bcher-kva   MX    10 mx.shared.test.
`

// bigZone returns a domain with n MX hosts, too many for a 1232-byte UDP
// answer, of which only the last resolves.
func bigZone(n int) string {
	var b strings.Builder
	b.WriteString("$ORIGIN big.test.\n")
	for i := range n {
		fmt.Fprintf(&b, "@ MX %d a-rather-long-mail-exchanger-name-%02d\n", i, i)
	}
	fmt.Fprintf(&b, "a-rather-long-mail-exchanger-name-%02d A 192.0.2.99\n", n-1)
	return b.String()
}

// testConfig is the configuration for tests: the default retry count and a
// timeout that a loaded CI machine does not reach on loopback, so that only
// the faults a test sets up make attempts fail.
func testConfig(servers ...string) Config {
	return Config{Servers: servers, Timeout: 5 * time.Second, Retries: 2}
}

// shortTimeout is for tests where queries go unanswered on purpose.
const shortTimeout = 200 * time.Millisecond

// startServer starts a local DNS server for zone, closed when t ends.
func startServer(t testing.TB, zone string) *dnstest.Server {
	t.Helper()
	srv, err := dnstest.Start(zone)
	if err != nil {
		t.Fatalf("starting DNS server: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// newTestChecker returns a Checker for cfg, closed when t ends.
func newTestChecker(t testing.TB, cfg Config) *Checker {
	t.Helper()
	c, err := NewChecker(cfg)
	if err != nil {
		t.Fatalf("NewChecker: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// hostStates returns "host=state" for each MX host of r, in order.
func hostStates(r Result) []string {
	var s []string
	for _, h := range r.MX {
		s = append(s, h.Host+"="+h.State)
	}
	return s
}

func TestCheckDomainStatuses(t *testing.T) {
	servfail := dnstest.Fault{Rcode: dns.RcodeServerFailure}
	tests := []struct {
		name    string
		domain  string
		zone    string                   // added to testZone
		timeout time.Duration            // when not the testConfig one
		slow    time.Duration            // delay every answer by this much
		faults  map[string]dnstest.Fault // by name
		status  Status                   // wanted
		hosts   []string                 // wanted hostStates, when not nil
		cname   []string                 // wanted CNAME chain
		addrs   []string                 // wanted Result.Addrs
		errHas  string                   // wanted in Result.Err
		check   func(*testing.T, Result, *Checker, *dnstest.Server)
	}{
		{
			name: "ok", domain: "ok.test", status: StatusOK,
			hosts: []string{"mx.shared.test=resolved"},
			check: func(t *testing.T, r Result, _ *Checker, _ *dnstest.Server) {
				if got := r.MX[0].Addrs; !slices.Equal(got, []string{"192.0.2.10"}) {
					t.Errorf("MX addrs = %v, want [192.0.2.10]", got)
				}
				if n := len(r.Lookups); n != 2 {
					t.Errorf("%d lookups, want MX and A: %+v", n, r.Lookups)
				}
				lk := r.Lookups[0]
				if lk.Name != "ok.test" || lk.Type != "MX" || lk.Rcode != "NOERROR" || lk.Attempts != 1 || lk.Server == "" || lk.RTT <= 0 {
					t.Errorf("MX lookup evidence = %+v", lk)
				}
			},
		},
		{
			name: "upper case and trailing dot", domain: "OK.Test.", status: StatusOK,
			check: func(t *testing.T, r Result, _ *Checker, _ *dnstest.Server) {
				if r.Domain != "ok.test" {
					t.Errorf("Domain = %q, want ok.test", r.Domain)
				}
			},
		},
		{name: "MX host with only AAAA", domain: "v6.test", status: StatusOK, hosts: []string{"mx6.test=resolved"}},
		{name: "implicit MX by A", domain: "implicit.test", status: StatusImplicitMX, addrs: []string{"192.0.2.20"}},
		{name: "implicit MX by AAAA", domain: "implicit6.test", status: StatusImplicitMX, addrs: []string{"2001:db8::20"}},
		{name: "null MX", domain: "nullmx.test", status: StatusNullMX, hosts: []string{".="}},
		{name: "no mail", domain: "nomail.test", status: StatusNoMail},
		{
			name: "bad MX", domain: "badmx.test", status: StatusBadMX,
			hosts: []string{"nowhere.test=nxdomain", "noaddr.test=no_address"},
		},
		{
			name: "MX to localhost and IP literal", domain: "localmx.test", status: StatusBadMX,
			hosts: []string{"localhost=invalid", "192.0.2.1=invalid", "mail.localhost=invalid"},
			check: func(t *testing.T, r Result, _ *Checker, srv *dnstest.Server) {
				if n := len(r.Lookups); n != 1 {
					t.Errorf("%d lookups, want only the MX one: %+v", n, r.Lookups)
				}
				if n := srv.QueriesFor("localhost"); n != 0 {
					t.Errorf("localhost was asked %d times", n)
				}
			},
		},
		{name: "nxdomain", domain: "nonexistent.test", status: StatusNXDomain},
		{
			name: "CNAME to a domain with MX", domain: "alias.test", status: StatusOK,
			cname: []string{"alias2.test", "ok.test"}, hosts: []string{"mx.shared.test=resolved"},
		},
		{name: "CNAME to nothing", domain: "dangling.test", status: StatusNXDomain, cname: []string{"gone.test"}},
		{name: "CNAME loop", domain: "cnameloop.test", status: StatusNoMail, cname: []string{"cnameloop2.test", "cnameloop.test"}},
		{
			name: "40 MX hosts", domain: "big.test", zone: bigZone(40), status: StatusOK,
			check: func(t *testing.T, r Result, c *Checker, _ *dnstest.Server) {
				if len(r.MX) != 40 {
					t.Fatalf("%d MX hosts, want 40", len(r.MX))
				}
				if got := r.MX[39].State; got != HostResolved {
					t.Errorf("last MX host state %q, want resolved", got)
				}
				if got := r.MX[0].State; got != HostNXDomain {
					t.Errorf("first MX host state %q, want nxdomain", got)
				}
				if c.Stats().TCP == 0 {
					t.Errorf("the 40-MX answer was not asked again over TCP")
				}
			},
		},
		{
			name: "first MX host dead, second alive", domain: "firstdead.test", status: StatusOK,
			hosts: []string{"dead.test=nxdomain", "mx.shared.test=resolved"},
		},
		{
			name: "MX host fails temporarily", domain: "tempmx.test", status: StatusDNSError,
			faults: map[string]dnstest.Fault{"flaky-mx.test": servfail},
			hosts:  []string{"flaky-mx.test=dns_error", "noaddr.test=no_address"},
			errHas: "flaky-mx.test",
		},
		{
			name: "MX host fails temporarily, next resolves", domain: "tempthenok.test", status: StatusOK,
			faults: map[string]dnstest.Fault{"flaky-mx.test": servfail},
			hosts:  []string{"flaky-mx.test=dns_error", "mx.shared.test=resolved"},
		},
		{
			name: "IDN in punycode", domain: "xn--bcher-kva.de", status: StatusOK,
			hosts: []string{"mx.shared.test=resolved"},
		},
		{
			name: "SERVFAIL then success", domain: "failfirst.test", status: StatusOK,
			faults: map[string]dnstest.Fault{"failfirst.test": {FailFirst: 1}},
			check: func(t *testing.T, r Result, c *Checker, _ *dnstest.Server) {
				if lk := r.Lookups[0]; lk.Attempts != 2 || lk.Rcode != "NOERROR" {
					t.Errorf("MX lookup = %+v, want 2 attempts ending in NOERROR", lk)
				}
				if c.Stats().Retries != 1 {
					t.Errorf("stats %+v, want 1 retry", c.Stats())
				}
			},
		},
		{
			name: "permanent SERVFAIL", domain: "servfail.test", status: StatusDNSError,
			faults: map[string]dnstest.Fault{"servfail.test": servfail},
			errHas: "SERVFAIL",
			check: func(t *testing.T, r Result, _ *Checker, srv *dnstest.Server) {
				if lk := r.Lookups[0]; lk.Attempts != 3 || lk.Rcode != "SERVFAIL" || lk.Err == "" {
					t.Errorf("MX lookup = %+v, want 3 attempts ending in SERVFAIL", lk)
				}
				if n := srv.QueriesFor("servfail.test"); n != 3 {
					t.Errorf("server saw %d queries, want 3", n)
				}
			},
		},
		{
			name: "REFUSED", domain: "refused.test", status: StatusDNSError,
			faults: map[string]dnstest.Fault{"refused.test": {Rcode: dns.RcodeRefused}},
			errHas: "REFUSED",
		},
		{
			name: "no answer", domain: "drop.test", status: StatusDNSError, timeout: shortTimeout,
			faults: map[string]dnstest.Fault{"drop.test": {Drop: true}},
			errHas: "timeout",
			check: func(t *testing.T, r Result, c *Checker, _ *dnstest.Server) {
				if lk := r.Lookups[0]; lk.Attempts != 3 || lk.Rcode != "" {
					t.Errorf("MX lookup = %+v, want 3 attempts without rcode", lk)
				}
				if got := c.Stats().Timeouts; got != 3 {
					t.Errorf("%d timeouts counted, want 3", got)
				}
			},
		},
		{
			name: "truncated over UDP, answered over TCP", domain: "truncate.test", status: StatusOK,
			faults: map[string]dnstest.Fault{"truncate.test": {Truncate: true}},
			check: func(t *testing.T, r Result, c *Checker, _ *dnstest.Server) {
				if got := c.Stats().TCP; got != 1 {
					t.Errorf("%d TCP fallbacks, want 1", got)
				}
			},
		},
		{
			// The server is slow: its probe taught the checker to wait.
			name: "slow server under the timeout", domain: "slow.test", status: StatusOK,
			slow: 300 * time.Millisecond,
			check: func(t *testing.T, r Result, _ *Checker, _ *dnstest.Server) {
				if lk := r.Lookups[0]; lk.Attempts != 1 {
					t.Errorf("MX lookup = %+v, want 1 attempt", lk)
				}
			},
		},
		{
			// One name is slow on a fast server, as a name the server must
			// resolve first: asked again sooner than the timeout, it is
			// answered all the same.
			name: "slow name under the timeout", domain: "slow.test", status: StatusOK,
			faults: map[string]dnstest.Fault{"slow.test": {Delay: 300 * time.Millisecond}},
		},
		{name: "not ASCII", domain: "bücher.de", status: StatusDNSError, errHas: "punycode"},
		{name: "empty label", domain: "a..test", status: StatusDNSError, errHas: "not a valid domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, testZone+tt.zone)
			srv.SetDefaultFault(dnstest.Fault{Delay: tt.slow})
			for name, f := range tt.faults {
				srv.SetFault(name, f)
			}
			cfg := testConfig(srv.Addr())
			if tt.timeout != 0 {
				cfg.Timeout = tt.timeout
			}
			c := newTestChecker(t, cfg)
			r := c.CheckDomain(context.Background(), tt.domain)

			if r.Status != tt.status {
				t.Fatalf("status %q, want %q; result %+v", r.Status, tt.status, r)
			}
			if tt.hosts != nil && !slices.Equal(hostStates(r), tt.hosts) {
				t.Errorf("MX hosts %v, want %v", hostStates(r), tt.hosts)
			}
			if !slices.Equal(r.CNAME, tt.cname) {
				t.Errorf("CNAME chain %v, want %v", r.CNAME, tt.cname)
			}
			if tt.addrs != nil && !slices.Equal(r.Addrs, tt.addrs) {
				t.Errorf("addrs %v, want %v", r.Addrs, tt.addrs)
			}
			if (r.Status == StatusDNSError) != (r.Err != "") {
				t.Errorf("status %q with Err %q: Err must be set exactly for dns_error", r.Status, r.Err)
			}
			if !strings.Contains(r.Err, tt.errHas) {
				t.Errorf("Err %q does not mention %q", r.Err, tt.errHas)
			}
			if tt.check != nil {
				tt.check(t, r, c, srv)
			}
		})
	}
}

func TestServerRotation(t *testing.T) {
	live := startServer(t, testZone)
	silent := startServer(t, testZone)
	silent.SetDefaultFault(dnstest.Fault{Drop: true})
	closed := closedPort(t)

	for _, tt := range []struct {
		name string
		dead string
	}{
		{"dead server drops queries", silent.Addr()},
		{"dead server port closed", closed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(tt.dead, live.Addr())
			cfg.Timeout = time.Second
			c := newTestChecker(t, cfg)
			// The probe finds the dead server; the lookups never wait for it.
			if err := c.Prove(context.Background(), nil); err != nil {
				t.Fatalf("Prove: %v", err)
			}
			for _, d := range []string{"ok.test", "ok2.test", "ok3.test", "nonexistent.test"} {
				r := c.CheckDomain(context.Background(), d)
				if r.Status.Temporary() {
					t.Fatalf("%s: %q (%s), want an answer from the live server", d, r.Status, r.Err)
				}
				for _, lk := range r.Lookups {
					if lk.Server != live.Addr() || lk.Attempts != 1 {
						t.Errorf("%s: %s answered by %s after %d attempts, want the live %s at once", d, lk.Name, lk.Server, lk.Attempts, live.Addr())
					}
				}
			}
			if notes := c.Notes(); len(notes) != 1 || !strings.Contains(notes[0], tt.dead+" did not answer") {
				t.Errorf("notes %q, want one saying %s did not answer", notes, tt.dead)
			}
		})
	}
}

// closedPort returns a loopback UDP address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

func TestCancellation(t *testing.T) {
	srv := startServer(t, testZone)
	srv.SetDefaultFault(dnstest.Fault{Drop: true})
	cfg := testConfig(srv.Addr())
	cfg.Timeout = time.Minute // only cancellation can end these checks
	c := newTestChecker(t, cfg)

	t.Run("CheckDomain", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for srv.Queries() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		r := c.CheckDomain(ctx, "ok.test")
		if r.Status != StatusDNSError || !strings.Contains(r.Err, context.Canceled.Error()) {
			t.Errorf("got %q (%s), want dns_error saying it was cancelled", r.Status, r.Err)
		}
	})
	t.Run("Check", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		results := c.Check(ctx, []string{"ok.test", "ok2.test", "nomail.test"})
		for srv.Queries() < 3 {
			time.Sleep(time.Millisecond)
		}
		cancel()
		for r := range results {
			t.Errorf("unfinished domain sent: %+v", r)
		}
	})
	t.Run("nothing cached", func(t *testing.T) {
		srv.SetDefaultFault(dnstest.Fault{})
		if r := c.CheckDomain(context.Background(), "ok.test"); r.Status != StatusOK {
			t.Errorf("after cancellation, got %q (%s), want a fresh check to succeed", r.Status, r.Err)
		}
	})
}

func TestCacheAsksEachNameOnce(t *testing.T) {
	srv := startServer(t, testZone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	domains := []string{"ok.test", "ok2.test", "OK.test.", "ok3.test", "alias.test", "xn--bcher-kva.de", "firstdead.test", "ok.test"}

	// Run the same list twice concurrently, then once more: every distinct
	// name is still asked once.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for r := range c.Check(context.Background(), domains) {
				if r.Status != StatusOK {
					t.Errorf("%s: %q (%s)", r.Domain, r.Status, r.Err)
				}
			}
		})
	}
	wg.Wait()
	for r := range c.Check(context.Background(), domains) {
		if r.Status != StatusOK {
			t.Errorf("cached %s: %q", r.Domain, r.Status)
		}
	}

	if n := srv.QueriesFor("mx.shared.test"); n != 1 {
		t.Errorf("shared MX host asked %d times, want 1", n)
	}
	for _, name := range []string{"ok.test", "ok2.test", "ok3.test", "alias.test", "xn--bcher-kva.de", "dead.test"} {
		if n := srv.QueriesFor(name); n != 1 {
			t.Errorf("%s asked %d times, want 1", name, n)
		}
	}

	// The shared host's evidence is marked as reused for all but one domain.
	cached := 0
	for _, d := range []string{"ok.test", "ok2.test", "ok3.test"} {
		r := c.CheckDomain(context.Background(), d)
		if lk := r.Lookups[len(r.Lookups)-1]; lk.Cached {
			cached++
		}
	}
	if cached < 2 {
		t.Errorf("%d of 3 domains show the shared MX host's lookup as cached, want at least 2", cached)
	}
}

func TestCheckStreamsEachDistinctDomainOnce(t *testing.T) {
	srv := startServer(t, testZone)
	srv.SetFault("servfail.test", dnstest.Fault{Rcode: dns.RcodeServerFailure})
	for _, conc := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("concurrency %d", conc), func(t *testing.T) {
			cfg := testConfig(srv.Addr())
			cfg.Concurrency = conc
			cfg.RetryPause = 10 * time.Millisecond // servfail.test is asked again
			c := newTestChecker(t, cfg)
			want := map[string]Status{
				"ok.test": StatusOK, "implicit.test": StatusImplicitMX, "nullmx.test": StatusNullMX,
				"nomail.test": StatusNoMail, "badmx.test": StatusBadMX, "nonexistent.test": StatusNXDomain,
				"servfail.test": StatusDNSError, "dangling.test": StatusNXDomain, "a..test": StatusDNSError,
			}
			var domains []string
			for d := range want {
				domains = append(domains, d, strings.ToUpper(d)+".")
			}
			got := make(map[string]Status)
			for r := range c.Check(context.Background(), domains) {
				if _, dup := got[r.Domain]; dup {
					t.Errorf("%s sent twice", r.Domain)
				}
				got[r.Domain] = r.Status
			}
			if len(got) != len(want) {
				t.Errorf("got %d results, want %d", len(got), len(want))
			}
			for d, s := range want {
				if got[d] != s {
					t.Errorf("%s: %q, want %q", d, got[d], s)
				}
			}
			// A probe round that a held Result asked for may still be
			// asking the witnesses when the Results end: what is in
			// flight must come back, not stay counted.
			st := c.Stats()
			for deadline := time.Now().Add(5 * time.Second); st.InFlight != 0 && time.Now().Before(deadline); st = c.Stats() {
				time.Sleep(10 * time.Millisecond)
			}
			if st.InFlight != 0 || st.Queries == 0 || st.Answers == 0 {
				t.Errorf("stats after the check: %+v", st)
			}
		})
	}
}

// TestCheckStream: the domains that come over time are checked as they
// come, each distinct one once however often it comes, and the Results
// end once the stream has.
func TestCheckStream(t *testing.T) {
	srv := startServer(t, testZone)
	cfg := testConfig(srv.Addr())
	c := newTestChecker(t, cfg)
	in := make(chan []string)
	out := c.CheckStreamHeld(context.Background(), in, nil)
	got := make(map[string]Status)
	receive := func(n int) {
		t.Helper()
		for range n {
			r, ok := <-out
			if !ok {
				t.Fatalf("the Results ended after %d, before the stream", len(got))
			}
			if _, dup := got[r.Domain]; dup {
				t.Errorf("%s sent twice", r.Domain)
			}
			got[r.Domain] = r.Status
		}
	}
	in <- []string{"ok.test", "OK.test."}
	receive(1) // ok.test is checked before any other domain comes
	in <- []string{"ok.test", "nonexistent.test", "implicit.test"}
	in <- nil
	receive(2)
	close(in)
	for r := range out {
		t.Errorf("%s sent after every domain was", r.Domain)
	}
	want := map[string]Status{"ok.test": StatusOK, "nonexistent.test": StatusNXDomain, "implicit.test": StatusImplicitMX}
	if !maps.Equal(got, want) {
		t.Errorf("Results %v, want %v", got, want)
	}
}

// TestCheckStreamSecondTry: a domain that ends in dns_error has its
// second try while the stream is still open, once the domains received so
// far are done, so that a caller that waits for its Result before sending
// more (as the cleaner does with a failing domain's corrections) gets it.
func TestCheckStreamSecondTry(t *testing.T) {
	srv := startServer(t, testZone)
	srv.SetFault("servfail.test", dnstest.Fault{Rcode: dns.RcodeServerFailure})
	cfg := testConfig(srv.Addr())
	cfg.RetryPause = -1
	newTestChecker(t, cfg).CheckDomain(context.Background(), "servfail.test")
	oneTry := srv.QueriesFor("servfail.test")
	cfg.RetryPause = 10 * time.Millisecond
	c := newTestChecker(t, cfg)
	// Not a timing: a bound on a hang, which would otherwise last until
	// the test binary's timeout.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := make(chan []string)
	out := c.CheckStreamHeld(ctx, in, nil)
	in <- []string{"servfail.test"}
	r, ok := <-out
	if !ok {
		t.Fatal("the Results ended before servfail.test's, the stream still open")
	}
	if r.Domain != "servfail.test" || r.Status != StatusDNSError {
		t.Errorf("got %s %q, want servfail.test dns_error", r.Domain, r.Status)
	}
	firstTry := srv.QueriesFor("servfail.test") - oneTry
	in <- []string{"ok.test"}
	close(in)
	for r := range out {
		if r.Domain != "ok.test" || r.Status != StatusOK {
			t.Errorf("got %s %q, want ok.test OK", r.Domain, r.Status)
		}
	}
	if ctx.Err() != nil {
		t.Fatal("no Result within a minute")
	}
	if n := srv.QueriesFor("servfail.test") - oneTry; n != firstTry {
		t.Errorf("servfail.test asked %d times after its Result, want none", n-firstTry)
	}
	if firstTry != 2*oneTry {
		t.Errorf("servfail.test asked %d times before its Result, want %d: two tries of %d", firstTry, 2*oneTry, oneTry)
	}
}

// TestCheckDomainCopies: what a caller of CheckDomain changes in its
// Result changes neither the cache nor what Check sends.
func TestCheckDomainCopies(t *testing.T) {
	srv := startServer(t, testZone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	first := c.CheckDomain(context.Background(), "ok.test")
	if len(first.MX) == 0 || len(first.Lookups) == 0 {
		t.Fatalf("ok.test: %+v, want MX hosts and lookups", first)
	}
	first.MX[0].Host, first.Lookups[0].Name = "changed.", "changed."
	for _, r := range []Result{c.CheckDomain(context.Background(), "ok.test"), <-c.Check(context.Background(), []string{"ok.test"})} {
		if r.MX[0].Host == "changed." || r.Lookups[0].Name == "changed." {
			t.Errorf("a caller's change reached the cache: %+v", r)
		}
	}
}

func TestCheckEmpty(t *testing.T) {
	c := newTestChecker(t, testConfig("127.0.0.1:1"))
	for r := range c.Check(context.Background(), nil) {
		t.Errorf("result for no domains: %+v", r)
	}
}

func TestResultsAreCopies(t *testing.T) {
	srv := startServer(t, testZone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	r := c.CheckDomain(context.Background(), "ok.test")
	r.MX[0].Addrs[0] = "changed"
	r.Lookups[0].Name = "changed"
	again := c.CheckDomain(context.Background(), "ok.test")
	if again.MX[0].Addrs[0] == "changed" || again.Lookups[0].Name == "changed" {
		t.Errorf("changing one Result changed the cached one: %+v", again)
	}
}

func TestNewCheckerRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{Servers: []string{"127.0.0.1"}},
		{Servers: []string{"127.0.0.1:53"}, Retries: -1},
		{Servers: []string{"127.0.0.1:53"}, Timeout: -time.Second},
		{Servers: []string{"127.0.0.1:53"}, Concurrency: -1},
	} {
		if _, err := NewChecker(cfg); err == nil {
			t.Errorf("NewChecker(%+v) succeeded, want an error", cfg)
		}
	}
}

func TestLookupStopsOnClosedChecker(t *testing.T) {
	srv := startServer(t, testZone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	c.Close()
	_, lk, err := c.lookup(context.Background(), "ok.test", dns.TypeMX)
	if err == nil || errors.Is(err, context.Canceled) || lk.Attempts != 3 {
		t.Errorf("lookup on a closed checker: %+v, %v; want a temporary failure after 3 attempts", lk, err)
	}
}

func TestDistinct(t *testing.T) {
	got := Distinct([]string{"B.test", "a.test.", " b.test ", "A.TEST", "c.test"})
	if want := []string{"b.test", "a.test", "c.test"}; !slices.Equal(got, want) {
		t.Errorf("Distinct = %q, want %q", got, want)
	}
}

// TestCheckAddsWorkersWhenTheLimitGrows: Check puts a grown limit to use at
// once, not when a worker next finishes a domain. Every answer is held
// back for a minute here, so no domain finishes while the test runs.
func TestCheckAddsWorkersWhenTheLimitGrows(t *testing.T) {
	srv := startServer(t, testZone)
	cfg := testConfig(srv.Addr())
	cfg.Timeout = 2 * time.Minute
	c := newTestChecker(t, cfg)
	if err := c.Prove(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	srv.SetDefaultFault(dnstest.Fault{Delay: time.Minute})
	domains := make([]string, 4*startInFlight)
	for i := range domains {
		domains[i] = fmt.Sprintf("d%d.test", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	results := c.Check(ctx, domains)
	defer func() {
		cancel()
		for range results {
		}
	}()
	waitInFlight := func(n int) bool {
		for range 2000 { // up to 20 s on a loaded machine; well under the delay
			if in, _ := c.limit.snapshot(); in >= n {
				return true
			}
			time.Sleep(10 * time.Millisecond)
		}
		return false
	}
	if !waitInFlight(startInFlight) {
		t.Fatalf("never %d queries in flight at the start", startInFlight)
	}
	grown := 3 * startInFlight
	c.limit.mu.Lock()
	c.limit.setLimit(grown) // as a window of answers would, in release
	c.limit.handOver()
	c.limit.mu.Unlock()
	if !waitInFlight(grown) {
		in, limit := c.limit.snapshot()
		t.Fatalf("%d queries in flight with the limit grown to %d: the new workers wait for a domain to finish", in, limit)
	}
}

// TestCeilingProbe: 100 ms away, a server that holds only 1,000 waiting
// queries (unbound's default request list) and drops the rest makes a
// limit raised above maxInFlight return, for good, to the ceiling that
// lost nothing; every domain gets its answer, the dropped queries asked
// again, as against a server that takes every query. (Whether the limit
// rises depends on the machine keeping the round trip flat, which a
// loaded one under -race does not: TestLimiterProbesAboveTheCeiling shows
// the rise.)
func TestCeilingProbe(t *testing.T) {
	const domains = 6000
	var zone strings.Builder
	zone.WriteString(dnstest.WitnessZone + "\n$ORIGIN q.test.\nmx A 192.0.2.25\n")
	names := make([]string, domains)
	for i := range names {
		fmt.Fprintf(&zone, "d%d MX 10 mx\n", i)
		names[i] = fmt.Sprintf("d%d.q.test", i)
	}
	for _, queue := range []int{0, 1000} {
		t.Run(fmt.Sprintf("queue %d", queue), func(t *testing.T) {
			srv := startServer(t, zone.String())
			srv.SetDefaultFault(dnstest.Fault{Delay: 100 * time.Millisecond, Queue: queue})
			c := newTestChecker(t, testConfig(srv.Addr()))
			ok := 0
			for r := range c.Check(context.Background(), names) {
				if r.Status == StatusOK {
					ok++
				}
			}
			if ok != domains {
				t.Errorf("%d of %d domains ok", ok, domains)
			}
			c.limit.mu.Lock()
			soft, probed := c.limit.soft, c.limit.probed
			c.limit.mu.Unlock()
			dropped := srv.OverLimit()
			t.Logf("ceiling %d, probed %v, %d queries, %d dropped", soft, probed, srv.Queries(), dropped)
			switch {
			case queue > 0 && dropped > 0 && (!probed || soft > queue):
				t.Errorf("ceiling %d (probed %v) after %d queries dropped by a queue of %d", soft, probed, dropped, queue)
			case queue > 0 && dropped > int64(queue):
				t.Errorf("%d queries dropped: the probe overshot a queue of %d", dropped, queue)
			}
		})
	}
}

// sharedHostFailing returns a server of testZone whose MX host
// mx.shared.test answers its first n queries SERVFAIL, and a Checker that
// makes one attempt per lookup and no second try.
func sharedHostFailing(t *testing.T, n int) (*dnstest.Server, *Checker) {
	t.Helper()
	srv := startServer(t, testZone)
	srv.SetFault("mx.shared.test", dnstest.Fault{FailFirst: n})
	cfg := testConfig(srv.Addr())
	cfg.Retries, cfg.RetryPause = 0, -1
	return srv, newTestChecker(t, cfg)
}

// TestHostFailureIsNotKept: an MX host whose lookup failed for a moment
// (one SERVFAIL, one lost query) is asked again for the next domain that
// routes through it, rather than failing every such domain for the rest
// of the run. On a path that loses half the queries, one of the ten MX
// hosts of scripts/dnsfaults.sh failed its first lookup in about one run
// in three, and the 2,000 domains that route through it ended dns_error
// until their second try, or for good when that lookup failed too.
func TestHostFailureIsNotKept(t *testing.T) {
	srv, c := sharedHostFailing(t, 1)
	ctx := context.Background()
	if r := c.CheckDomain(ctx, "ok.test"); r.Status != StatusDNSError {
		t.Fatalf("ok.test, whose MX host got SERVFAIL: %q (%s), want dns_error", r.Status, r.Err)
	}
	if r := c.CheckDomain(ctx, "ok2.test"); r.Status != StatusOK {
		t.Errorf("ok2.test, after its MX host answered SERVFAIL once: %q (%s), want ok", r.Status, r.Err)
	}
	if r := c.CheckDomain(ctx, "ok3.test"); r.Status != StatusOK {
		t.Errorf("ok3.test: %q (%s), want ok", r.Status, r.Err)
	}
	// The answer is kept: A (SERVFAIL) and AAAA (no records) for
	// ok.test, A for ok2.test, nothing for ok3.test.
	if n := srv.QueriesFor("mx.shared.test"); n != 3 {
		t.Errorf("mx.shared.test asked %d times, want 3", n)
	}
}

// TestHostFailureIsKeptAfterHostLookups: an MX host whose every lookup
// fails is asked hostLookups times a run, not once per domain that routes
// through it: a host that is really down held each flight of its domains
// for a whole timeout.
func TestHostFailureIsKeptAfterHostLookups(t *testing.T) {
	srv, c := sharedHostFailing(t, 1000)
	ctx := context.Background()
	domains := []string{"ok.test", "ok2.test", "ok3.test", "failfirst.test", "servfail.test", "refused.test"}
	for _, d := range domains {
		if r := c.CheckDomain(ctx, d); r.Status != StatusDNSError {
			t.Errorf("%s, whose MX host always answers SERVFAIL: %q (%s), want dns_error", d, r.Status, r.Err)
		}
	}
	// Each lookup asks A and AAAA, both SERVFAIL.
	if n := srv.QueriesFor("mx.shared.test"); n != 2*hostLookups {
		t.Errorf("mx.shared.test asked %d times for %d domains, want %d (%d lookups)", n, len(domains), 2*hostLookups, hostLookups)
	}
}
