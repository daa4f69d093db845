package cleaner

import (
	"hash/maphash"
	"os"
	"sync"
	"testing"
)

// addrListEnv names a list (such as the 1,000,000-row one that the repo's
// TestGenerateBenchData writes) whose email cells BenchmarkParseList parses:
//
//	LISTCLEAN_GEN_DIR=/tmp/bd go test -run '^TestGenerateBenchData$' .
//	LISTCLEAN_PARSE_LIST=/tmp/bd/list.csv go test -run '^$' -bench ParseList ./cleaner/
const addrListEnv = "LISTCLEAN_PARSE_LIST"

var (
	addrListOnce sync.Once
	addrList     *List
	addrListErr  error
)

// addrLoadList reads the list named by addrListEnv once.
func addrLoadList(tb testing.TB) *List {
	path := os.Getenv(addrListEnv)
	if path == "" {
		tb.Skip(addrListEnv + " names no list")
	}
	addrListOnce.Do(func() { addrList, addrListErr = ReadFile(path, ReadOptions{}) })
	if addrListErr != nil {
		tb.Fatal(addrListErr)
	}
	return addrList
}

// BenchmarkParseList parses every row's email cell of the list named by
// addrListEnv the way NewSession does (on one goroutine, with an addrParser
// per piece of 1024 rows), hashing the duplicate key of each clean
// address, and reports the time per row.
func BenchmarkParseList(b *testing.B) {
	l := addrLoadList(b)
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
