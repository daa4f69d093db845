package main

// In-process benchmarks of listclean's phases, for profiling them
// (-cpuprofile, -memprofile), each next to a floor in the same run with
// the ratio:
//
//	BenchmarkLoadAndJudge  reading the list and judging every row without DNS,
//	                       next to a plain encoding/csv read of the same file
//	BenchmarkDNSPhase      Session.Check with the real Checker, next to a plain
//	                       miekg/dns loop asking only the necessary questions
//	BenchmarkEndToEnd      the whole batch run, next to the CSV read plus that
//	                       loop
//
// The DNS benchmarks run on loopback and with 30 ms added to every answer.
// Each iteration is a whole list; run them with -benchtime=1x:
//
//	go test -run '^$' -bench . -benchtime=1x .
//
// The list has 1,000,000 rows over 50,000 domains unless LISTCLEAN_BENCH_ROWS
// and LISTCLEAN_BENCH_DOMAINS say otherwise (see benchdata_test.go);
// LISTCLEAN_BENCH_PLAIN can set the concurrencies the plain loop tries, e.g.
// "32,64". What a user sees is measured by scripts/bench.sh, which runs
// the binary and its floor as processes of their own.

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/resolver"
	"github.com/listclean/listclean/resolver/dnstest"
)

// benchPlainEnv overrides the concurrencies the plain DNS loop tries.
const benchPlainEnv = "LISTCLEAN_BENCH_PLAIN"

// benchNets are the two network conditions of the DNS benchmarks, and the
// fixed concurrencies the plain loop tries in each, its best counting.
var benchNets = []struct {
	name  string
	delay time.Duration
	plain []int
}{
	{"loopback", 0, []int{32, 64, 128, 256}},
	{"30ms", 30 * time.Millisecond, []int{1024, 2048, 4096}},
}

// benchGen holds the generated data, made once per test binary, and the
// list written to a file in a temporary folder (removed by TestMain).
var benchGen struct {
	once sync.Once
	data *genData
	dir  string // the folder of path
	path string
	err  error
}

// benchData returns the generated list and zone, and the file the list was
// written to. The list's bytes are dropped once written, so that the
// benchmarks' process holds no more than the zone and the domains while
// listclean runs in it: the command run on its own holds neither, and its
// memory limit would otherwise be reached, and the collector run, earlier
// than in a run of the binary.
func benchData(b *testing.B) (*genData, string) {
	b.Helper()
	size := genSizeFromEnv(b)
	benchGen.once.Do(func() {
		g, err := generate(size)
		if err == nil {
			benchGen.dir, err = os.MkdirTemp("", "listclean-bench-")
		}
		if err == nil {
			benchGen.path = filepath.Join(benchGen.dir, "list.csv")
			err = os.WriteFile(benchGen.path, g.csv, 0o644)
			g.csv = nil
		}
		benchGen.data, benchGen.err = g, err
	})
	if benchGen.err != nil {
		b.Fatal(benchGen.err)
	}
	return benchGen.data, benchGen.path
}

// benchServer serves the generated zone on loopback with delay added to
// every answer.
func benchServer(b *testing.B, g *genData, delay time.Duration) *dnstest.Server {
	b.Helper()
	srv, err := dnstest.Start(g.zone)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	srv.SetDefaultFault(dnstest.Fault{Delay: delay})
	return srv
}

// measure runs f and returns how long it took and how many bytes it
// allocated. It collects garbage first, so that one measurement does not
// pay for another's.
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return took, after.TotalAlloc - before.TotalAlloc
}

// readPlainCSV is the floor of reading: the whole file, then encoding/csv
// a record at a time into the same record. It returns the records read.
func readPlainCSV(b *testing.B, path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// BenchmarkLoadAndJudge reads the generated list and judges every row
// without DNS (ReadFile, NewSession, JudgeAll), next to a plain ReadAll of
// the same file. x-time and x-alloc are listclean's time and allocated
// bytes over the plain read's.
func BenchmarkLoadAndJudge(b *testing.B) {
	g, path := benchData(b)
	var plainT, toolT time.Duration
	var plainB, toolB uint64
	for range b.N {
		b.StopTimer()
		t, n := measure(func() {
			if n := readPlainCSV(b, path); n != g.rows+1 {
				b.Fatalf("plain read: %d records", n)
			}
		})
		plainT, plainB = plainT+t, plainB+n
		b.StartTimer()
		t, n = measure(func() {
			l, err := cleaner.ReadFile(path, cleaner.ReadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			s := cleaner.NewSession(l, false)
			s.JudgeAll()
			if len(s.Rows) != g.rows {
				b.Fatalf("%d rows", len(s.Rows))
			}
		})
		toolT, toolB = toolT+t, toolB+n
	}
	b.ReportMetric(float64(toolT)/float64(plainT), "x-time")
	b.ReportMetric(float64(toolB)/float64(plainB), "x-alloc")
	b.ReportMetric(toolT.Seconds()/float64(b.N), "tool-s")
	b.ReportMetric(plainT.Seconds()/float64(b.N), "csv-s")
	b.ReportMetric(float64(toolB)/float64(b.N)/(1<<20), "tool-MiB")
	b.ReportMetric(float64(plainB)/float64(b.N)/(1<<20), "csv-MiB")
}

// BenchmarkDNSPhase checks the generated list's domains with Session.Check
// and the real Checker (default settings: adaptive concurrency), next to
// the plain loop at its best fixed concurrency, on loopback and with 30 ms
// of latency. x-floor is Check's time over the plain loop's best;
// x-floor-dns-only leaves out the verdicts Check ends with (judge-s).
func BenchmarkDNSPhase(b *testing.B) {
	g, path := benchData(b)
	l, err := cleaner.ReadFile(path, cleaner.ReadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, nw := range benchNets {
		b.Run(nw.name, func(b *testing.B) {
			srv := benchServer(b, g, nw.delay)
			var checkT, judgeT, plainT time.Duration
			var st resolver.Stats
			var domains, checkQ, plainQ, best int
			for range b.N {
				b.StopTimer()
				var p dnstest.FloorResult
				p, best = bestPlain(b, srv, g.domains, nw.plain)
				plainT += p.Took
				plainQ = int(p.Queries)
				s := cleaner.NewSession(l, true)
				domains = len(s.Domains())
				c, err := resolver.NewChecker(resolver.Config{Servers: []string{srv.Addr()}, Timeout: resolver.DefaultTimeout, Retries: resolver.DefaultRetries})
				if err != nil {
					b.Fatal(err)
				}
				q0 := srv.Queries()
				b.StartTimer()
				start := time.Now()
				s.Check(context.Background(), c, nil)
				checkT += time.Since(start)
				b.StopTimer()
				checkQ = int(srv.Queries() - q0)
				st = c.Stats()
				c.Close()
				// Check ends by judging every row; do it again to tell that
				// part from the DNS work.
				start = time.Now()
				s.JudgeAll()
				judgeT += time.Since(start)
				if n := s.Summarize().ByReason[cleaner.ReasonDNSError]; n > 0 {
					b.Errorf("%d rows ended in dns_error", n)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(checkT)/float64(plainT), "x-floor")
			b.ReportMetric(checkT.Seconds()/float64(b.N), "check-s")
			b.ReportMetric(judgeT.Seconds()/float64(b.N), "judge-s")
			b.ReportMetric(float64(checkT-judgeT)/float64(plainT), "x-floor-dns-only")
			b.ReportMetric(plainT.Seconds()/float64(b.N), "plain-s")
			b.ReportMetric(float64(best), "plain-conc")
			b.ReportMetric(float64(domains), "check-domains")
			b.ReportMetric(float64(len(g.domains)), "plain-domains")
			b.ReportMetric(float64(checkQ), "check-queries")
			b.ReportMetric(float64(plainQ), "plain-queries")
			b.ReportMetric(float64(st.Timeouts), "check-timeouts")
			b.ReportMetric(float64(st.Limit), "check-final-limit")
		})
	}
}

// BenchmarkEndToEnd runs the whole batch command (read, check, export,
// summary) with default settings against the generated zone, next to the
// floor: the plain CSV read plus the plain DNS loop at its best
// concurrency. x-floor is the batch run's time over the floor's (in one
// process, a softer floor than scripts/bench.sh's). The default writes the cleaned and removed files; the
// loopback-report case adds -report, an opt-in third output of one line
// per row, to show what it costs.
func BenchmarkEndToEnd(b *testing.B) {
	g, path := benchData(b)
	dir := b.TempDir() // for the outputs
	cases := []struct {
		name   string
		net    int // index in benchNets
		report bool
	}{{"loopback", 0, false}, {"30ms", 1, false}, {"loopback-report", 0, true}}
	for _, c := range cases {
		nw := benchNets[c.net]
		b.Run(c.name, func(b *testing.B) {
			srv := benchServer(b, g, nw.delay)
			args := []string{"-batch", "-dns", srv.Addr(), "-force",
				"-out", filepath.Join(dir, "cleaned.csv"), "-removed", filepath.Join(dir, "removed.csv")}
			if c.report {
				args = append(args, "-report", filepath.Join(dir, "report.csv"))
			}
			args = append(args, path)
			var toolT, csvT, plainT time.Duration
			var best int
			for range b.N {
				b.StopTimer()
				t, _ := measure(func() { readPlainCSV(b, path) })
				csvT += t
				var p dnstest.FloorResult
				p, best = bestPlain(b, srv, g.domains, nw.plain)
				plainT += p.Took
				runtime.GC()
				b.StartTimer()
				var stderr bytes.Buffer
				start := time.Now()
				code := run(args, &stderr)
				toolT += time.Since(start)
				if code != 0 {
					b.Fatalf("exit status %d:\n%s", code, stderr.String())
				}
			}
			floor := csvT + plainT
			b.ReportMetric(float64(toolT)/float64(floor), "x-floor")
			b.ReportMetric(toolT.Seconds()/float64(b.N), "tool-s")
			b.ReportMetric(floor.Seconds()/float64(b.N), "floor-s")
			b.ReportMetric(csvT.Seconds()/float64(b.N), "csv-s")
			b.ReportMetric(plainT.Seconds()/float64(b.N), "plain-s")
			b.ReportMetric(float64(best), "plain-conc")
		})
	}
}

// bestPlain runs the plain loop (dnstest.FloorCheck) at each of the
// concurrencies (or those of LISTCLEAN_BENCH_PLAIN) and returns the fastest
// run without failures and its concurrency.
func bestPlain(b *testing.B, srv *dnstest.Server, domains []string, concurrencies []int) (dnstest.FloorResult, int) {
	b.Helper()
	if s := os.Getenv(benchPlainEnv); s != "" {
		concurrencies = nil
		for f := range strings.SplitSeq(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("%s=%q: want positive numbers separated by commas", benchPlainEnv, s)
			}
			concurrencies = append(concurrencies, n)
		}
	}
	var best dnstest.FloorResult
	bestConc := 0
	for _, n := range concurrencies {
		runtime.GC()
		r := dnstest.FloorCheck(srv.Addr(), domains, n, resolver.DefaultTimeout)
		b.Logf("plain loop at %d in flight: %v, %d queries, %d failures", n, r.Took, r.Queries, r.Failures)
		if r.Failures == 0 && (bestConc == 0 || r.Took < best.Took) {
			best, bestConc = r, n
		}
	}
	if bestConc == 0 {
		b.Fatal("the plain DNS loop failed at every concurrency")
	}
	return best, bestConc
}
