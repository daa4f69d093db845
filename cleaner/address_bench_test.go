package cleaner

import (
	"hash/maphash"
	"testing"
)

// BenchmarkParseList parses every row's email cell of the list named by
// benchListEnv the way NewSession does (on one goroutine, with an addrParser
// per piece of 1024 rows), hashing the duplicate key of each clean
// address, and reports the time per row.
func BenchmarkParseList(b *testing.B) {
	l := benchList(b)
	seed := maphash.MakeSeed()
	var sink uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for lo := 0; lo < len(l.Rows); lo += 1024 {
			p := newAddrParser()
			for i := lo; i < min(lo+1024, len(l.Rows)); i++ {
				a := p.parse(l.EmailCell(i))
				if a.Reason == "" {
					sink += maphash.String(seed, a.Key())
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(l.Rows)), "ns/row")
	_ = sink
}
