package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/listclean/listclean/resolver/dnstest"
)

// rawServer answers each UDP query on 127.0.0.1 with the packets reply
// makes from it: a server that misbehaves in ways a real one cannot.
func rawServer(t *testing.T, reply func(req *dns.Msg) [][]byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 2048)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			req := new(dns.Msg)
			if req.Unpack(buf[:n]) != nil {
				continue
			}
			for _, p := range reply(req) {
				pc.WriteTo(p, addr)
			}
		}
	}()
	return pc.LocalAddr().String()
}

// mxReply returns a packed answer to req with one MX record, after edit.
func mxReply(req *dns.Msg, edit func(*dns.Msg)) []byte {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Answer = append(m.Answer, &dns.MX{
		Hdr:        dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeMX, Class: dns.ClassINET, Ttl: 60},
		Preference: 10, Mx: "mx.example.",
	})
	if edit != nil {
		edit(m)
	}
	p, _ := m.Pack() // a reply built from a parsed query always packs
	return p
}

func TestRepliesMustMatch(t *testing.T) {
	wrongID := func(m *dns.Msg) { m.Id++ }
	wrongName := func(m *dns.Msg) { m.Question[0].Name = "other.test." }
	wrongType := func(m *dns.Msg) { m.Question[0].Qtype = dns.TypeA }
	notResponse := func(m *dns.Msg) { m.Response = false }
	tests := []struct {
		name    string
		reply   func(*dns.Msg) [][]byte
		wantErr error // nil: the lookup succeeds
	}{
		{"late reply with another ID, then the right one", func(req *dns.Msg) [][]byte {
			return [][]byte{mxReply(req, wrongID), mxReply(req, nil)}
		}, nil},
		{"reply for another name, then the right one", func(req *dns.Msg) [][]byte {
			return [][]byte{mxReply(req, wrongName), mxReply(req, nil)}
		}, nil},
		{"only another ID", func(req *dns.Msg) [][]byte {
			return [][]byte{mxReply(req, wrongID)}
		}, errTimeout},
		{"only another name", func(req *dns.Msg) [][]byte {
			return [][]byte{mxReply(req, wrongName)}
		}, errMismatched},
		{"only another type", func(req *dns.Msg) [][]byte {
			return [][]byte{mxReply(req, wrongType)}
		}, errMismatched},
		{"not a response", func(req *dns.Msg) [][]byte {
			return [][]byte{mxReply(req, notResponse)}
		}, errMismatched},
		{"garbage after a valid header", func(req *dns.Msg) [][]byte {
			p := mxReply(req, nil)
			return [][]byte{p[:len(p)-7]}
		}, errMalformed},
		{"shorter than a header", func(req *dns.Msg) [][]byte {
			return [][]byte{{0x12}}
		}, errMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(rawServer(t, tt.reply))
			if tt.wantErr != nil {
				// The right reply never comes: one attempt, long enough for
				// the wrong one to arrive on a loaded machine.
				cfg.Timeout, cfg.Retries = time.Second, 0
			}
			c := newTestChecker(t, cfg)
			r, lk, err := c.lookup(context.Background(), "case.test", dns.TypeMX)
			if tt.wantErr == nil {
				if err != nil || len(r.Answer) != 1 || lk.Rcode != "NOERROR" {
					t.Fatalf("lookup = %v, %+v, %v; want the MX answer", r, lk, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("lookup error %v, want %v", err, tt.wantErr)
			}
			if lk.Attempts != 1 || lk.Rcode != "" || !strings.Contains(lk.Err, tt.wantErr.Error()) {
				t.Errorf("evidence %+v, want 1 attempt, no rcode and the error", lk)
			}
		})
	}
}

func TestQueryFlags(t *testing.T) {
	got := make(chan *dns.Msg, 1)
	addr := rawServer(t, func(req *dns.Msg) [][]byte {
		select {
		case got <- req:
		default:
		}
		return [][]byte{mxReply(req, nil)}
	})
	c := newTestChecker(t, testConfig(addr))
	if _, _, err := c.lookup(context.Background(), "Flags.Test", dns.TypeMX); err != nil {
		t.Fatal(err)
	}
	req := <-got
	if !req.RecursionDesired {
		t.Error("RD bit not set")
	}
	if opt := req.IsEdns0(); opt == nil || opt.UDPSize() != 1232 {
		t.Errorf("EDNS0 OPT = %v, want a 1232-byte buffer", opt)
	}
	if q := req.Question[0]; q.Name != "Flags.Test." || q.Qtype != dns.TypeMX || q.Qclass != dns.ClassINET {
		t.Errorf("question %v", q)
	}
}

func TestBackoff(t *testing.T) {
	for retry, limit := range map[int]time.Duration{1: 50 * time.Millisecond, 2: 100 * time.Millisecond, 3: 200 * time.Millisecond, 10: time.Second} {
		for range 100 {
			if d := backoff(retry); d < limit/2 || d > limit {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", retry, d, limit/2, limit)
			}
		}
	}
}

func TestPick(t *testing.T) {
	tests := []struct {
		server, attempt int
		preferred       int
		silent          []bool
		states          []int32 // of the servers' trust; nil for all unproven
		want            int     // -1 for none
	}{
		{0, 0, 1, []bool{false, false, false}, nil, 1}, // the first attempt goes to the preferred one
		{0, 1, 0, []bool{false, false, false}, nil, 1},
		{2, 1, 0, []bool{false, false, false}, nil, 0},
		{1, 1, 0, []bool{true, false}, nil, 1},        // the dead one is skipped: the live one again
		{0, 1, 0, []bool{false, true, false}, nil, 2}, // skip the silent middle server
		{1, 1, 0, []bool{true, true}, nil, 0},         // all silent: plain rotation
		{0, 1, 0, []bool{false}, nil, 0},              // one server
		// Servers that lied or stopped answering are never asked.
		{0, 0, 0, []bool{false, false, false}, []int32{untrusted, trusted, trusted}, 1},
		{1, 1, 0, []bool{false, false, false}, []int32{trusted, trusted, silent}, 0},
		{0, 1, 0, []bool{false, true, false}, []int32{trusted, trusted, untrusted}, 0}, // the live one again
		{0, 0, 0, []bool{false, false}, []int32{untrusted, silent}, -1},
	}
	for _, tt := range tests {
		servers := make([]string, len(tt.silent))
		for i := range servers {
			servers[i] = fmt.Sprintf("127.0.0.1:%d", 1000+i)
		}
		c := newTestChecker(t, testConfig(servers...))
		c.preferred.Store(int32(tt.preferred))
		for i, st := range tt.states {
			c.trust.servers[i].state.Store(st)
		}
		got, ok := c.pick(tt.server, tt.attempt, tt.silent)
		if !ok {
			got = -1
		}
		if got != tt.want {
			t.Errorf("pick(%d, attempt %d, %v) with states %v = %d, want %d", tt.server, tt.attempt, tt.silent, tt.states, got, tt.want)
		}
	}
}

// TestSocketsOutliveTheirContext checks that pooled sockets, which keep
// watching the context of their last query, never pass a cancellation on
// to a query under another context: neither one that came before the
// query took the socket, nor one that comes during it.
func TestSocketsOutliveTheirContext(t *testing.T) {
	srv := startServer(t, testZone)
	c := newTestChecker(t, testConfig(srv.Addr()))
	lookup := func(t *testing.T, ctx context.Context) {
		t.Helper()
		if _, lk, err := c.lookup(ctx, "ok.test", dns.TypeMX); err != nil || lk.Attempts != 1 {
			t.Fatalf("lookup: %+v, %v; want an answer at the first attempt", lk, err)
		}
	}

	t.Run("cancelled while idle", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		lookup(t, ctx) // leaves a socket in the pool, watching ctx
		cancel()
		lookup(t, context.Background())
	})
	t.Run("cancelled during the next query", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		lookup(t, ctx)
		// Under minRTO, so that the answer comes before the attempt's
		// timeout on this fast server.
		srv.SetFault("ok.test", dnstest.Fault{Delay: minRTO / 2})
		defer srv.SetFault("ok.test", dnstest.Fault{})
		time.AfterFunc(minRTO/5, cancel)
		lookup(t, context.Background())
		if ctx.Err() == nil {
			t.Fatal("the first context was not cancelled during the second query")
		}
	})
	if st := c.Stats(); st.Timeouts != 0 || st.Retries != 0 {
		t.Errorf("stats %+v, want no timeouts or retries", st)
	}
}

// TestLossRetries: on a lossy path timeouts get enough attempts more that
// a lookup is lost less than once in a hundred, within a bound.
func TestLossRetries(t *testing.T) {
	c := newTestChecker(t, testConfig("127.0.0.1:53"))
	for loss, want := range map[float64]int{0: 0, 0.03: 0, 0.1: 0, 0.2: 0, 0.3: 1, 0.5: 4, 0.9: maxLossRetries} {
		c.limit.mu.Lock()
		c.limit.failBase = loss
		c.limit.mu.Unlock()
		if got := c.lossRetries(); got != want {
			t.Errorf("loss %.2f: %d more attempts, want %d", loss, got, want)
		}
	}
}

// TestAttemptTimeouts: an attempt waits the smoothed round trip plus four
// times its variation, doubled per failed attempt, within the floor and
// the timeout; before any answer, initialRTO.
func TestAttemptTimeouts(t *testing.T) {
	var fresh rttEstimate
	if got := fresh.timeout(0, 2*time.Second); got != initialRTO {
		t.Errorf("before any answer: %v, want %v", got, initialRTO)
	}
	var far rttEstimate
	for range 50 {
		far.sample(100 * time.Millisecond)
		far.sample(120 * time.Millisecond)
	}
	// srtt about 110 ms, rttvar about 10 ms: 150 ms, under the floor.
	if got := far.timeout(0, 2*time.Second); got != minRTO {
		t.Errorf("30 ms away: %v, want the floor %v", got, minRTO)
	}
	var slow rttEstimate
	for range 50 {
		slow.sample(300 * time.Millisecond)
		slow.sample(340 * time.Millisecond)
	}
	if got := slow.timeout(0, 2*time.Second); got < 390*time.Millisecond || got > 420*time.Millisecond {
		t.Errorf("300 ms away: %v, want about 400 ms (srtt 320 ms + 4 x 20 ms)", got)
	}
	if got, first := slow.timeout(1, 2*time.Second), slow.timeout(0, 2*time.Second); got != 2*first {
		t.Errorf("after a failed attempt: %v, want twice %v", got, first)
	}
	if got := slow.timeout(3, 2*time.Second); got != 2*time.Second {
		t.Errorf("after three failed attempts: %v, want the timeout", got)
	}
}

// TestLastAttemptWaitsTheTimeout: the attempts of a lookup wait what the
// round trips say, but the last waits the whole timeout, so that a server
// that takes longer than usual, within the timeout, still answers it.
func TestLastAttemptWaitsTheTimeout(t *testing.T) {
	srv := startServer(t, "fast.test. MX 10 mx.test.\nslow.test. MX 10 mx.test.\nmx.test. A 192.0.2.1\n")
	srv.SetFault("slow.test", dnstest.Fault{Delay: 3 * minRTO})
	cfg := testConfig(srv.Addr())
	cfg.Retries, cfg.Private = 1, true
	c := newTestChecker(t, cfg)
	if r := c.CheckDomain(t.Context(), "fast.test"); r.Status != StatusOK {
		t.Fatalf("fast.test: %s %s", r.Status, r.Err)
	}
	// The first attempt times out at the floor (the loopback round trip is
	// far under it); the second, the last, waits for the answer.
	r := c.CheckDomain(t.Context(), "slow.test")
	if r.Status != StatusOK || r.Lookups[0].Attempts != 2 {
		t.Errorf("slow.test: %s after %d attempts (%s), want ok at the second", r.Status, r.Lookups[0].Attempts, r.Err)
	}
}

// TestFailuresCountOncePerLookup: a name whose servers are broken fails at
// every attempt, but tells the limiter of one failure, not of one per
// attempt: failures across many names are what slow the checks down.
func TestFailuresCountOncePerLookup(t *testing.T) {
	srv := startServer(t, "broken.test. MX 10 mx.test.\nmx.test. A 192.0.2.1\n")
	srv.SetFault("broken.test", dnstest.Fault{Rcode: dns.RcodeServerFailure})
	cfg := testConfig(srv.Addr())
	cfg.Private, cfg.RetryPause = true, -1
	c := newTestChecker(t, cfg)
	r := c.CheckDomain(t.Context(), "broken.test")
	if r.Status != StatusDNSError || r.Lookups[0].Attempts != 1+cfg.Retries {
		t.Fatalf("broken.test: %s after %d attempts, want dns_error after %d", r.Status, r.Lookups[0].Attempts, 1+cfg.Retries)
	}
	c.limit.mu.Lock()
	failures := 0
	for _, ch := range c.limit.cohort {
		failures += ch.failures
	}
	c.limit.mu.Unlock()
	if failures != 1 {
		t.Errorf("the limiter counted %d failures, want 1", failures)
	}
}
