package cleaner

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/listclean/listclean/cleaner/history"
)

// BenchmarkJudgeAll times JudgeAll over the rows of the list named by
// benchListEnv as DNS judged them (exportDNSSession), and reports the time
// per row.
func BenchmarkJudgeAll(b *testing.B) {
	s := exportDNSSession(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.JudgeAll()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Rows)), "ns/row")
}

// BenchmarkRemember times Session.Remember over the rows of the list
// named by benchListEnv as DNS judged them (exportDNSSession), with an
// empty domain history and with a full one: eight earlier runs of every
// domain on eight days, a tenth of them failing in each. It reports the
// time per domain; reading the history is not timed.
func BenchmarkRemember(b *testing.B) {
	s := exportDNSSession(b)
	domains := s.domains
	day1 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	full := filepath.Join(b.TempDir(), "full.csv")
	h, err := history.Open(full)
	if err != nil {
		b.Fatal(err)
	}
	for run := range history.MaxRuns {
		outcomes := make(map[string]string, len(domains))
		for k, d := range domains {
			outcomes[d] = history.OutcomeOK
			if (k+run)%10 == 0 {
				outcomes[d] = history.OutcomeNXDomain
			}
		}
		h.RecordRun(day1.AddDate(0, 0, run), outcomes)
	}
	if err := h.Save(day1.AddDate(0, 0, history.MaxRuns)); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, path string }{
		{"Empty", filepath.Join(b.TempDir(), "none.csv")},
		{"Full", full},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				h, err := history.Open(bc.path)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				s.Remember(h, day1.AddDate(0, 0, history.MaxRuns))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(domains)), "ns/domain")
		})
	}
}
