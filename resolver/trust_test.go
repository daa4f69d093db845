package resolver

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/listclean/listclean/resolver/dnstest"
)

// TestProve: a server is proven by what it says about the witnesses and
// a name that cannot exist. A lying one is named with what it said; a
// silent or refusing one is said not to answer; a healthy one, a private
// world under Private, and a server whose peer is dead pass.
func TestProve(t *testing.T) {
	tests := []struct {
		name    string
		zone    string // instead of testZone
		fault   dnstest.Fault
		private bool
		dead    bool // a dead server comes first
		want    error
		says    []string // in the error
	}{
		{name: "healthy", want: nil},
		{name: "healthy, a dead peer", dead: true, want: nil},
		{name: "NXDOMAIN for everything", fault: dnstest.Fault{Rcode: dns.RcodeNameError},
			want: ErrNotTrusted, says: []string{"is not telling the truth", "said gmail.com does not exist (NXDOMAIN)", "big mail provider"}},
		{name: "no MX for anything", fault: dnstest.Fault{EmptyMX: true},
			want: ErrNotTrusted, says: []string{"said gmail.com has no mail server and no address (no MX records)"}},
		{name: "NXDOMAIN redirect", fault: dnstest.Fault{Redirect: netip.MustParseAddr("198.51.100.80")},
			want: ErrNotTrusted, says: []string{"answered 198.51.100.80 for listclean-", "redirects names that do not exist"}},
		{name: "NXDOMAIN redirect, private", private: true, fault: dnstest.Fault{Redirect: netip.MustParseAddr("198.51.100.80")},
			want: ErrNotTrusted, says: []string{"redirects names that do not exist"}},
		{name: "sinkhole to loopback", zone: strings.Replace(testZone, "192.0.2.250", "127.0.0.1", 1),
			want: ErrNotTrusted, says: []string{"gmail.com's mail servers cannot receive mail: gmail-smtp-in.l.google.com (unroutable)"}},
		{name: "silent", fault: dnstest.Fault{Drop: true},
			want: ErrNoAnswer, says: []string{"did not answer"}},
		{name: "REFUSED for everything", fault: dnstest.Fault{Rcode: dns.RcodeRefused},
			want: ErrNoAnswer, says: []string{"answered no question about gmail.com", "REFUSED"}},
		{name: "a private world", zone: "$ORIGIN test.\nok MX 10 mx\nmx A 192.0.2.1\n", private: true, want: nil},
		{name: "a private world, not said", zone: "$ORIGIN test.\nok MX 10 mx\nmx A 192.0.2.1\n",
			want: ErrNotTrusted, says: []string{"gmail.com does not exist"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, cmpOr(tt.zone, testZone))
			srv.SetDefaultFault(tt.fault)
			servers := []string{srv.Addr()}
			if tt.dead {
				servers = []string{closedPort(t), srv.Addr()}
			}
			cfg := testConfig(servers...)
			cfg.Timeout, cfg.Private = shortTimeout, tt.private
			c := newTestChecker(t, cfg)
			err := c.Prove(context.Background(), nil)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("Prove: %v, want %v", err, tt.want)
			}
			var te *TrustError
			if err != nil && (!errors.As(err, &te) || te.Server != srv.Addr()) {
				t.Errorf("error %#v does not name %s", err, srv.Addr())
			}
			for _, s := range tt.says {
				if err == nil || !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			// After a failed proof, nothing is judged on the server's word.
			r := c.CheckDomain(context.Background(), "nonexistent.test")
			if tt.want != nil && r.Status != StatusDNSError {
				t.Errorf("nonexistent.test after a failed proof: %s, want dns_error", r.Status)
			}
			if tt.want == nil && tt.zone == "" && r.Status != StatusNXDomain {
				t.Errorf("nonexistent.test after the proof: %s (%s), want nxdomain", r.Status, r.Err)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestProveWithTheListsWitnesses: the witnesses given replace the default
// ones; a world that knows them, but not the defaults, passes.
func TestProveWithTheListsWitnesses(t *testing.T) {
	zone := "hotmail.com. MX 5 mx.hotmail.com.\nmx.hotmail.com. A 192.0.2.7\n"
	srv := startServer(t, zone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	if err := c.Prove(context.Background(), []string{"hotmail.com"}); err != nil {
		t.Fatalf("Prove with hotmail.com: %v", err)
	}
	if q := srv.QueriesFor("gmail.com"); q != 0 {
		t.Errorf("gmail.com asked %d times; the list's witnesses replace the defaults", q)
	}
	c = newTestChecker(t, testConfig(srv.Addr()))
	if err := c.Prove(context.Background(), nil); !errors.Is(err, ErrNotTrusted) {
		t.Errorf("Prove with the defaults: %v, want ErrNotTrusted", err)
	}
}

// TestLiarFoundMidRun: a server that starts to lie during the checks is
// found by the next probe round, and nothing it said since its last good
// probe removes anybody: the Results it would have removed are dns_error,
// not trusted.
func TestLiarFoundMidRun(t *testing.T) {
	srv := startServer(t, testZone)
	cfg := testConfig(srv.Addr())
	cfg.Timeout = shortTimeout
	c := newTestChecker(t, cfg)
	if err := c.Prove(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	srv.SetDefaultFault(dnstest.Fault{Rcode: dns.RcodeNameError})
	got := map[string]Result{}
	for r := range c.Check(context.Background(), []string{"ok.test", "nonexistent.test", "nullmx.test"}) {
		got[r.Domain] = r
	}
	for d, r := range got {
		if r.Status != StatusDNSError || !strings.Contains(r.Err, "not trusted: the DNS server "+srv.Addr()) {
			t.Errorf("%s: %s (%s), want dns_error, not trusted", d, r.Status, r.Err)
		}
	}
	notes := c.Notes()
	if len(notes) != 1 || !strings.Contains(notes[0], srv.Addr()+" is not telling the truth") || !strings.Contains(notes[0], "gmail.com does not exist") {
		t.Errorf("notes %q, want one naming the server and what it said", notes)
	}
	// And it is asked nothing more.
	before := srv.Queries()
	if r := c.CheckDomain(context.Background(), "ok2.test"); r.Status != StatusDNSError {
		t.Errorf("ok2.test: %s", r.Status)
	}
	if n := srv.Queries() - before; n != 0 {
		t.Errorf("%d more queries to a server found lying", n)
	}
}

// TestWaveFindsALiarThatKnowsTheWitnesses: a server that goes on telling
// the truth about the witnesses but says every other name does not exist
// gives a wave of nxdomain; the round it starts asks again about domains
// it said route earlier, and it is found lying.
func TestWaveFindsALiarThatKnowsTheWitnesses(t *testing.T) {
	var zone strings.Builder
	zone.WriteString(testZone + "$ORIGIN wave.test.\n")
	for i := range 2 * waveWindow {
		fmt.Fprintf(&zone, "d%d MX 10 mx.shared.test.\nx%d MX 10 mx.shared.test.\n", i, i)
	}
	srv := startServer(t, zone.String())
	cfg := testConfig(srv.Addr())
	cfg.Timeout = shortTimeout
	c := newTestChecker(t, cfg)
	if err := c.Prove(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	var honest, lied []string
	for i := range 2 * waveWindow {
		honest = append(honest, fmt.Sprintf("d%d.wave.test", i))
		lied = append(lied, fmt.Sprintf("x%d.wave.test", i))
	}
	for r := range c.Check(context.Background(), honest) {
		if r.Status != StatusOK {
			t.Fatalf("%s: %s before the lies", r.Domain, r.Status)
		}
	}
	srv.SetDefaultFault(dnstest.Fault{Rcode: dns.RcodeNameError})
	for _, n := range []string{"gmail.com", "gmail-smtp-in.l.google.com", "outlook.com", "outlook-com.olc.protection.outlook.com", "yahoo.com", "mta5.am0.yahoodns.net"} {
		srv.SetFault(n, dnstest.Fault{Delay: time.Nanosecond}) // the witnesses stay true
	}
	removed := 0
	for r := range c.Check(context.Background(), lied) {
		if r.Status != StatusDNSError {
			removed++
		}
	}
	if removed != 0 {
		t.Errorf("%d of %d domains judged on the word of a server that lies about all of them", removed, len(lied))
	}
	notes := strings.Join(c.Notes(), "\n")
	if !strings.Contains(notes, "after it said earlier in the checks that d") {
		t.Errorf("notes %q, want the server caught contradicting itself", notes)
	}
}

// TestSilentServerFoundInSeconds: a server that dies during the checks is
// found silent after deadAfter, and the domains left end at once as
// dns_error saying so, rather than each waiting out its timeouts.
func TestSilentServerFoundInSeconds(t *testing.T) {
	srv := startServer(t, testZone)
	cfg := testConfig(srv.Addr())
	cfg.Timeout = time.Second
	cfg.Concurrency = 8
	cfg.RetryPause = -1
	c := newTestChecker(t, cfg)
	if err := c.Prove(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	srv.SetDefaultFault(dnstest.Fault{Drop: true})
	domains := make([]string, 2000)
	for i := range domains {
		domains[i] = fmt.Sprintf("d%d.test", i)
	}
	n, silentErr := 0, 0
	for r := range c.Check(context.Background(), domains) {
		n++
		if strings.Contains(r.Err, "the DNS server "+srv.Addr()+" stopped answering") {
			silentErr++
		}
		if r.Status != StatusDNSError {
			t.Fatalf("%s: %s from a dead server", r.Domain, r.Status)
		}
	}
	// With 8 in flight and 3 attempts of up to 1 s each, asking every
	// domain would take minutes; the test's own deadline catches a run that
	// waits for each.
	if n != len(domains) || silentErr < len(domains)/2 {
		t.Errorf("%d results, %d saying the server did not answer; want %d, most of them", n, silentErr, len(domains))
	}
	if notes := c.Notes(); len(notes) != 1 || !strings.Contains(notes[0], "stopped answering") {
		t.Errorf("notes %q", notes)
	}
}

// TestRetryOnceLater: a domain that fails more often than the retries
// allow is asked again once every domain had its turn, and ends ok; with
// no second try it stays a dns_error.
func TestRetryOnceLater(t *testing.T) {
	for _, pause := range []time.Duration{50 * time.Millisecond, -1} {
		t.Run(fmt.Sprint(pause), func(t *testing.T) {
			srv := startServer(t, testZone)
			srv.SetFault("failfirst.test", dnstest.Fault{FailFirst: 3}) // 3 attempts fail
			cfg := testConfig(srv.Addr())
			cfg.RetryPause = pause
			c := newTestChecker(t, cfg)
			var got []Result
			for r := range c.Check(context.Background(), []string{"failfirst.test", "ok.test"}) {
				got = append(got, r)
			}
			want := StatusOK
			if pause < 0 {
				want = StatusDNSError
			}
			for _, r := range got {
				if r.Domain == "failfirst.test" && r.Status != want {
					t.Errorf("failfirst.test: %s (%s), want %s", r.Status, r.Err, want)
				}
			}
			if len(got) != 2 {
				t.Errorf("%d results, want 2", len(got))
			}
		})
	}
}

// TestRecheck: Recheck asks again about a domain that ended dns_error,
// and leaves the others to the cache.
func TestRecheck(t *testing.T) {
	srv := startServer(t, testZone)
	srv.SetFault("servfail.test", dnstest.Fault{Rcode: dns.RcodeServerFailure})
	cfg := testConfig(srv.Addr())
	cfg.RetryPause = -1
	c := newTestChecker(t, cfg)
	for range c.Check(context.Background(), []string{"servfail.test", "ok.test"}) {
	}
	srv.SetFault("servfail.test", dnstest.Fault{})
	okQueries := srv.QueriesFor("ok.test")
	got := map[string]Status{}
	for r := range c.Recheck(context.Background(), []string{"servfail.test", "ok.test"}) {
		got[r.Domain] = r.Status
	}
	if got["servfail.test"] != StatusOK || got["ok.test"] != StatusOK {
		t.Errorf("after Recheck: %v, want both ok", got)
	}
	if n := srv.QueriesFor("ok.test") - okQueries; n != 0 {
		t.Errorf("ok.test asked %d more times; it was known", n)
	}
}

// TestIdleSocketsClosedAfterCheck: when the checks end, no socket is left
// open for the export that follows.
func TestIdleSocketsClosedAfterCheck(t *testing.T) {
	srv := startServer(t, testZone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	domains := make([]string, 300)
	for i := range domains {
		domains[i] = fmt.Sprintf("d%d.test", i)
	}
	for range c.Check(context.Background(), domains) {
	}
	c.conns.mu.Lock()
	idle := c.conns.idleN
	c.conns.mu.Unlock()
	if idle != 0 {
		t.Errorf("%d idle sockets left open after the checks", idle)
	}
}

// TestIdleSocketsTrimmedForTheLastRound: once every domain had its turn,
// the sockets that the checks used are closed while the probe round that
// the held Results wait for runs, rather than after the Results are sent:
// all but idleKeptWhenIdle, and those the round had taken, which it gives
// back after.
func TestIdleSocketsTrimmedForTheLastRound(t *testing.T) {
	srv := startServer(t, testZone)
	srv.SetDefaultFault(dnstest.Fault{Delay: 5 * time.Millisecond}) // many queries in flight at once
	cfg := testConfig(srv.Addr())
	cfg.Concurrency = 4 * idleKeptWhenIdle
	c := newTestChecker(t, cfg)
	domains := make([]string, 300) // none exists: each Result is held for a round
	for i := range domains {
		domains[i] = fmt.Sprintf("d%d.test", i)
	}
	first, n := -1, 0
	for r := range c.Check(context.Background(), domains) {
		if n++; n == 1 {
			// The Results are sent after the last round, and more than the
			// channel holds remain: the Check has not ended.
			c.conns.mu.Lock()
			first = c.conns.idleN
			c.conns.mu.Unlock()
		}
		if r.Status != StatusNXDomain {
			t.Errorf("%s: %s, want nxdomain", r.Domain, r.Status)
		}
	}
	if n != len(domains) {
		t.Fatalf("%d Results, want %d", n, len(domains))
	}
	if most := 2 * idleKeptWhenIdle; first > most {
		t.Errorf("%d idle sockets when the first held Result came, want at most %d of the %d the checks used", first, most, cfg.Concurrency)
	}
}

// TestConnPoolTrimIdle: trimIdle keeps the first sockets of each server
// and closes the others, which then take no query.
func TestConnPoolTrimIdle(t *testing.T) {
	srv := startServer(t, testZone)
	p := newConnPool([]string{srv.Addr()}, 100)
	var all []*udpConn
	for range 10 {
		u, err := p.get(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, u)
	}
	for _, u := range all {
		p.put(0, u)
	}
	p.trimIdle(3)
	if p.idleN != 3 || len(p.idle[0]) != 3 {
		t.Fatalf("after trimIdle(3): %d idle (%d listed), want 3", p.idleN, len(p.idle[0]))
	}
	for i, u := range all {
		_, err := u.Write([]byte{0})
		if kept := i < 3; kept != (err == nil) {
			t.Errorf("socket %d: write error %v; kept %v", i, err, kept)
		}
	}
	p.close()
}

// TestQueryCeiling: the queries in flight leave room for the rest of the
// program under a low limit on open files.
func TestQueryCeiling(t *testing.T) {
	n := openFileLimit()
	got := queryCeiling(1)
	switch {
	case n <= 0 && got != maxProbedInFlight:
		t.Errorf("no known limit: ceiling %d, want %d", got, maxProbedInFlight)
	case n > 0 && 2*got+fdReserve > max(n, 2*minInFlight+fdReserve):
		t.Errorf("limit %d open files: ceiling %d leaves too few", n, got)
	}
}

// TestSilence: a server is silent when the queries sent it over a few
// seconds went unanswered, not when a burst of them was dropped at once
// while the checks waited out its timeouts; a reply brings it back.
func TestSilence(t *testing.T) {
	c := newTestChecker(t, testConfig(closedPort(t)))
	tr := c.trust
	sent := time.Now().Add(-2 * deadAfter)
	for range 2 * deadQueries {
		tr.observe(0, false, sent) // one burst, long ago
	}
	if !tr.usable(0) {
		t.Fatal("a burst of queries dropped at once made the server silent")
	}
	loseSpread(tr, deadQueries, sent)
	if tr.usable(0) {
		t.Fatal("queries unanswered over 3 s did not make the server silent")
	}
	if notes := c.Notes(); len(notes) != 1 || !strings.Contains(notes[0], "did not answer") {
		t.Errorf("notes %q", notes)
	}
	tr.observe(0, true, time.Now())
	if !tr.usable(0) {
		t.Error("a reply did not bring the server back")
	}
}

// TestSilenceSinceTheLastReply: queries sent before a server's last reply
// do not make it silent, however many of them time out afterwards and
// over however long they were sent: on a path that loses queries, the
// lookups left at the end of a run are those whose queries were lost, and
// they time out in a row after the replies to the others came. Those sent
// after the reply still do.
func TestSilenceSinceTheLastReply(t *testing.T) {
	c := newTestChecker(t, testConfig(closedPort(t)))
	tr := c.trust
	start := time.Now().Add(-2 * deadAfter)
	tr.observe(0, true, time.Now())
	loseSpread(tr, 2*deadQueries, start)
	if !tr.usable(0) {
		t.Fatalf("queries sent before the server's last reply made it silent: %q", c.Notes())
	}
	s := tr.servers[0]
	s.mu.Lock()
	s.lastReply = start.Add(-time.Second) // as if the reply had come before them
	s.mu.Unlock()
	loseSpread(tr, deadQueries, start)
	if tr.usable(0) {
		t.Fatal("queries unanswered over 3 s since the last reply did not make the server silent")
	}
	if notes := c.Notes(); len(notes) != 1 || !strings.Contains(notes[0], "stopped answering") {
		t.Errorf("notes %q", notes)
	}
}

// loseSpread tells tr that n queries to server 0, the first sent at from
// and each deadAfter/deadQueries after the one before, went unanswered.
func loseSpread(tr *trust, n int, from time.Time) {
	for k := range n {
		tr.observe(0, false, from.Add(time.Duration(k)*deadAfter/deadQueries))
	}
}

// TestRefusalsNoted: a server that answers many names SERVFAIL at first
// and correctly when asked again is named for it, though no trial showed
// a rate limit (a fixed number in flight makes none); one whose few broken
// names fail, as a list's lame domains do, is not.
func TestRefusalsNoted(t *testing.T) {
	tests := []struct {
		name    string
		failing int // of 200 names, answered SERVFAIL at first
		noted   bool
	}{
		{"most names fail at first", 200, true},
		{"a few broken names", 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var zone strings.Builder
			zone.WriteString(testZone)
			var names []string
			for i := range 200 {
				n := fmt.Sprintf("shop%d.refusals.test", i)
				fmt.Fprintf(&zone, "%s. MX 10 mx.shared.test.\n", n)
				names = append(names, n)
			}
			srv := startServer(t, zone.String())
			for _, n := range names[:tt.failing] {
				srv.SetFault(n, dnstest.Fault{FailFirst: 1})
			}
			cfg := testConfig(srv.Addr())
			cfg.Concurrency = 8
			c := newTestChecker(t, cfg)
			for r := range c.Check(context.Background(), names) {
				if r.Status != StatusOK {
					t.Errorf("%s: %s, want ok after asking again", r.Domain, r.Status)
				}
			}
			notes := strings.Join(c.Notes(), "\n")
			if got := strings.Contains(notes, "with REFUSED or SERVFAIL"); got != tt.noted {
				t.Errorf("notes %q: noted the refusals %v, want %v", notes, got, tt.noted)
			}
		})
	}
}

// TestLaterRoundsAskHostsAtOnce: a round after the first asks the
// witnesses' MX hosts beside their MX, not after its answer, so that it
// takes one round trip rather than two.
func TestLaterRoundsAskHostsAtOnce(t *testing.T) {
	srv := startServer(t, testZone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	if err := c.Prove(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	const host = "gmail-smtp-in.l.google.com"
	before := srv.QueriesFor(host)
	if before == 0 {
		t.Fatalf("the first round did not ask %s", host)
	}
	const delay = 2 * time.Second
	srv.SetFault("gmail.com", dnstest.Fault{Delay: delay})
	c.trust.mu.Lock()
	r := c.trust.startRound(false)
	c.trust.mu.Unlock()
	time.Sleep(delay / 2) // the MX of gmail.com is still on its way
	if n := srv.QueriesFor(host); n == before {
		t.Errorf("%s not asked while the MX of gmail.com was on its way", host)
	}
	<-r.done
	if err := c.trust.firstError(); err != nil {
		t.Errorf("after the round: %v", err)
	}
}

// TestChecksGoOnDuringTheProof: a Check's lookups start with the first
// probe round rather than after it, and yet no Result leaves before the
// round ends: a server that the round finds lying (here slowly, about
// gmail.com) has every Result it gave meanwhile made a dns_error, even
// those that would keep a row.
func TestChecksGoOnDuringTheProof(t *testing.T) {
	srv := startServer(t, testZone)
	const slow = 400 * time.Millisecond
	srv.SetFault("gmail.com", dnstest.Fault{Rcode: dns.RcodeNameError, Delay: slow})
	cfg := testConfig(srv.Addr())
	cfg.Timeout = 2 * slow
	c := newTestChecker(t, cfg)

	domains := []string{"ok.test", "ok2.test", "nonexistent.test"}
	results := c.Check(context.Background(), domains)
	// The lookups are asked while the round waits for gmail.com.
	askedDuringProof := false
	for srv.QueriesFor("ok.test") == 0 {
		select {
		case <-c.trust.proven:
			t.Fatal("the first round ended before ok.test was asked")
		case <-time.After(time.Millisecond):
		}
	}
	select {
	case <-c.trust.proven:
	default:
		askedDuringProof = true
	}
	if !askedDuringProof {
		t.Error("ok.test was asked only after the first round ended")
	}
	n := 0
	for r := range results {
		n++
		if r.Status != StatusDNSError || !strings.Contains(r.Err, "not trusted: the DNS server "+srv.Addr()) {
			t.Errorf("%s: %s (%s), want dns_error, not trusted", r.Domain, r.Status, r.Err)
		}
	}
	if n != len(domains) {
		t.Errorf("%d Results, want %d", n, len(domains))
	}
}
