package cleaner

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// exportListEnv names a list (such as the 1,000,000-row one that the repo's
// TestGenerateBenchData writes) that BenchmarkExport judges, then exports:
//
//	LISTCLEAN_GEN_DIR=/tmp/bd go test -run '^TestGenerateBenchData$' .
//	LISTCLEAN_EXPORT_LIST=/tmp/bd/list.csv go test -run '^$' -bench Export ./cleaner/
const exportListEnv = "LISTCLEAN_EXPORT_LIST"

var (
	exportSessOnce sync.Once
	exportSess     *Session
	exportSessErr  error
)

// exportLoadSession reads the list named by exportListEnv once and judges
// it without DNS.
func exportLoadSession(tb testing.TB) *Session {
	path := os.Getenv(exportListEnv)
	if path == "" {
		tb.Skip(exportListEnv + " names no list")
	}
	exportSessOnce.Do(func() {
		l, err := ReadFile(path, ReadOptions{})
		if err != nil {
			exportSessErr = err
			return
		}
		exportSess = NewSession(l, false)
		exportSess.JudgeAll()
	})
	if exportSessErr != nil {
		tb.Fatal(exportSessErr)
	}
	return exportSess
}

// BenchmarkExport times Session.Export of the list named by exportListEnv
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
