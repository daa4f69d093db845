package resolver

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/listclean/listclean/resolver/dnstest"
)

// benchDomains is the size of the benchmark's list.
const benchDomains = 20000

// benchWorld returns the records of the benchmark's world and its domains:
// 80% of the domains use one of 50 hosted MX hosts, 10% have their own MX
// host, 10% do not exist. That is 20,000 MX and 2,050 A questions.
func benchWorld() (rrs []dns.RR, domains []string, hosts []string) {
	hdr := func(name string, t uint16) dns.RR_Header {
		return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: 300}
	}
	a := func(name string, ip net.IP) dns.RR { return &dns.A{Hdr: hdr(name, dns.TypeA), A: ip} }
	for i := range 50 {
		host := fmt.Sprintf("mx%d.hosted.test.", i)
		rrs = append(rrs, a(host, net.IPv4(192, 0, 2, byte(i))))
		hosts = append(hosts, host)
	}
	for i := range benchDomains {
		d := fmt.Sprintf("d%05d.bench.test.", i)
		domains = append(domains, d)
		var mx string
		switch i % 10 {
		case 9:
			continue // does not exist
		case 8:
			mx = "mx." + d
			rrs = append(rrs, a(mx, net.IPv4(198, 51, byte(i>>8), byte(i))))
			hosts = append(hosts, mx)
		default:
			mx = hosts[i%50]
		}
		rrs = append(rrs, &dns.MX{Hdr: hdr(d, dns.TypeMX), Preference: 10, Mx: mx})
	}
	return rrs, domains, hosts
}

// BenchmarkCheck checks 20,000 domains against the local server, with the
// Checker (adaptive, then pinned for comparison) and with a plain miekg/dns
// loop at 64 in flight that asks only the needed questions, once on
// loopback and once with 30 ms added to every answer. Run it with
// -benchtime=1x: one iteration is a whole list.
func BenchmarkCheck(b *testing.B) {
	srv, domains, hosts := startBenchServer(b)

	for _, net := range []struct {
		name  string
		delay time.Duration
	}{{"loopback", 0}, {"30ms", 30 * time.Millisecond}} {
		b.Run(net.name, func(b *testing.B) {
			srv.SetDefaultFault(dnstest.Fault{Delay: net.delay})
			b.Run("checker", func(b *testing.B) { benchChecker(b, srv.Addr(), domains, 0) })
			b.Run("checker-pinned64", func(b *testing.B) { benchChecker(b, srv.Addr(), domains, 64) })
			b.Run("checker-pinned256", func(b *testing.B) { benchChecker(b, srv.Addr(), domains, 256) })
			b.Run("plain64", func(b *testing.B) { benchPlain(b, srv.Addr(), domains, hosts, 64) })
		})
	}
}

// startBenchServer starts a server of benchWorld, closed when tb ends,
// and returns it with the world's domains and MX hosts.
func startBenchServer(tb testing.TB) (*dnstest.Server, []string, []string) {
	tb.Helper()
	rrs, domains, hosts := benchWorld()
	// The witnesses, without which the server is not trusted and every
	// domain ends in dns_error, unasked.
	zp := dns.NewZoneParser(strings.NewReader("$TTL 300\n"+dnstest.WitnessZone), "", "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		tb.Fatal(err)
	}
	srv, err := dnstest.StartRRs(rrs)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv, domains, hosts
}

func benchChecker(b *testing.B, server string, domains []string, concurrency int) {
	var st Stats
	for b.Loop() {
		c, err := NewChecker(Config{Servers: []string{server}, Timeout: DefaultTimeout, Retries: DefaultRetries, Concurrency: concurrency})
		if err != nil {
			b.Fatal(err)
		}
		n, errs := 0, 0
		for r := range c.Check(context.Background(), domains) {
			n++
			if r.Status.Temporary() {
				errs++
			}
		}
		if n != len(domains) {
			b.Fatalf("%d results for %d domains", n, len(domains))
		}
		if errs > 0 {
			b.Errorf("%d domains ended in dns_error", errs)
		}
		st = c.Stats()
		c.Close()
	}
	b.ReportMetric(float64(len(domains)*b.N)/b.Elapsed().Seconds(), "domains/s")
	b.ReportMetric(float64(st.Queries), "queries/op")
	b.ReportMetric(float64(st.Timeouts), "timeouts/op")
	b.ReportMetric(float64(st.Limit), "final-limit")
}

// benchPlain is the baseline: workers goroutines, each with its own UDP
// socket, asking the MX of every domain and the A of every MX host once,
// with no retries, no cache logic and no status decisions.
func benchPlain(b *testing.B, server string, domains, hosts []string, workers int) {
	type question struct {
		name  string
		qtype uint16
	}
	var questions []question
	for _, d := range domains {
		questions = append(questions, question{d, dns.TypeMX})
	}
	for _, h := range hosts {
		questions = append(questions, question{h, dns.TypeA})
	}

	var timeouts atomic.Int64
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				client := &dns.Client{Timeout: DefaultTimeout}
				co, err := client.Dial(server)
				if err != nil {
					b.Error(err)
					return
				}
				defer co.Close()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(questions) {
						return
					}
					m := new(dns.Msg)
					m.SetQuestion(questions[i].name, questions[i].qtype)
					m.SetEdns0(ednsSize, false)
					if _, _, err := client.ExchangeWithConn(m, co); err != nil {
						timeouts.Add(1)
					}
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(len(domains)*b.N)/b.Elapsed().Seconds(), "domains/s")
	b.ReportMetric(float64(len(questions)), "queries/op")
	b.ReportMetric(float64(timeouts.Load())/float64(b.N), "timeouts/op")
}
