package cleaner

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/listclean/listclean/resolver"
)

var (
	exportSessOnce sync.Once
	exportSess     *Session
	exportDNSOnce  sync.Once
	exportDNSSess  *Session
)

// exportLoadSession judges the list named by benchListEnv without DNS,
// once.
func exportLoadSession(tb testing.TB) *Session {
	l := benchList(tb)
	exportSessOnce.Do(func() {
		exportSess = NewSession(l, false)
		exportSess.JudgeAll()
	})
	return exportSess
}

// exportDNSSession judges the list named by benchListEnv as if DNS had
// answered, once: of every ten of the rows' domains, one failed
// temporarily (dns_error), one names MX hosts that do not exist (bad_mx),
// and the others route mail, so that the rows' details have DNS causes to
// give.
func exportDNSSession(tb testing.TB) *Session {
	l := benchList(tb)
	exportDNSOnce.Do(func() {
		s := NewSession(l, true)
		for k, d := range s.Domains()[:s.RowDomains()] {
			res := resolver.Result{Domain: d, Status: resolver.StatusOK,
				MX: []resolver.MXHost{{Host: "mx." + d, Pref: 10, State: resolver.HostResolved, Addrs: []string{"192.0.2.1"}}}}
			switch k % 10 {
			case 3:
				res = resolver.Result{Domain: d, Status: resolver.StatusDNSError,
					Err: "MX lookup: 127.0.0.1:53: server answered SERVFAIL (3 attempts)"}
			case 7:
				res.Status = resolver.StatusBadMX
				res.MX = []resolver.MXHost{
					{Host: "mx1." + d, Pref: 10, State: resolver.HostNXDomain},
					{Host: "mx2." + d, Pref: 20, State: resolver.HostNoAddress},
				}
			}
			s.Apply(res)
		}
		s.JudgeAll()
		exportDNSSess = s
	})
	return exportDNSSess
}

// BenchmarkExport times Session.Export of the list named by benchListEnv
// to files in a temporary folder: the cleaned list and the removed rows,
// and those with the report, also of the rows as DNS judged them. It
// reports the bytes written per second and the time per row.
func BenchmarkExport(b *testing.B) {
	for _, bc := range []struct {
		name   string
		report bool
		dns    bool // the rows judged by DNS results (exportDNSSession)
		opt    ExportOptions
	}{
		{name: "CleanedRemoved"},
		{name: "WithReport", report: true},
		{name: "FixEscape", opt: ExportOptions{Policy: Policy{Fix: true}, EscapeFormulas: true}},
		{name: "DNSWithReport", report: true, dns: true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := exportLoadSession(b)
			if bc.dns {
				s = exportDNSSession(b)
			}
			dir := b.TempDir()
			opt := bc.opt
			opt.Force = true
			opt.Paths = ExportPaths{Cleaned: filepath.Join(dir, "c.csv"), Removed: filepath.Join(dir, "x.csv")}
			if bc.report {
				opt.Paths.Report = filepath.Join(dir, "r.csv")
			}
			var size int64
			b.ResetTimer()
			for range b.N {
				if _, err := s.Export(opt); err != nil {
					b.Fatal(err)
				}
				if size == 0 {
					b.StopTimer()
					for _, p := range []string{opt.Paths.Cleaned, opt.Paths.Removed, opt.Paths.Report} {
						if fi, err := os.Stat(p); err == nil {
							size += fi.Size()
						}
					}
					b.StartTimer()
				}
			}
			b.SetBytes(size)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Rows)), "ns/row")
		})
	}
}

// BenchmarkDetail times Session.Detail, which the removed file and the
// report ask of every row they write, over the rows of the list named by
// benchListEnv judged without DNS and as DNS judged them
// (exportDNSSession), and reports the time and allocations per row.
func BenchmarkDetail(b *testing.B) {
	for _, bc := range []struct {
		name string
		load func(testing.TB) *Session
	}{
		{"NoDNS", exportLoadSession},
		{"DNS", exportDNSSession},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := bc.load(b)
			n := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for i := range s.Rows {
					n += len(s.Detail(i))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Rows)), "ns/row")
			b.ReportMetric(float64(n)/float64(b.N)/float64(len(s.Rows)), "bytes/row")
		})
	}
}
