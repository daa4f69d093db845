package cleaner

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	exportSessOnce sync.Once
	exportSess     *Session
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

// BenchmarkExport times Session.Export of the list named by benchListEnv
// to files in a temporary folder: the cleaned list and the removed rows,
// and those with the report. It reports the bytes written per second and
// the time per row.
func BenchmarkExport(b *testing.B) {
	for _, bc := range []struct {
		name   string
		report bool
		opt    ExportOptions
	}{
		{name: "CleanedRemoved"},
		{name: "WithReport", report: true},
		{name: "FixEscape", opt: ExportOptions{Policy: Policy{Fix: true}, EscapeFormulas: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := exportLoadSession(b)
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
