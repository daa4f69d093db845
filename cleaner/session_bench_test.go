package cleaner

import (
	"hash/maphash"
	"sync"
	"testing"

	"github.com/listclean/listclean/cleaner/address"
)

// BenchmarkParseList parses every row's email cell of the list named by
// benchListEnv the way NewSession does (on one goroutine, with an
// address.Parser per piece of 1024 rows), hashing the duplicate key of
// each clean address, and reports the time per row.
func BenchmarkParseList(b *testing.B) {
	l := benchList(b)
	seed := maphash.MakeSeed()
	var sink uint64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for lo := 0; lo < l.Rows.Len(); lo += 1024 {
			p := address.NewParser()
			for i := lo; i < min(lo+1024, l.Rows.Len()); i++ {
				a := p.Parse(l.EmailCell(i))
				if a.Reason == "" {
					sink += maphash.String(seed, a.Key())
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*l.Rows.Len()), "ns/row")
	_ = sink
}

// suggestListData is what the list benchmarks of the Suggester work on.
type suggestListData struct {
	l       *List
	counts  map[string]int // rows per domain, as NewSuggester is given them
	s       *address.Suggester
	targets []string // the rows' domains, then the malformed cases' targets
	rowDoms int
}

var (
	suggestListOnce sync.Once
	suggestList     *suggestListData
)

// loadSuggestList builds the Suggester of the list named by benchListEnv, and
// the domains it is asked about, the way NewSession and Domains do
// (newCorrections, allDomains), once.
func loadSuggestList(tb testing.TB) *suggestListData {
	l := benchList(tb)
	suggestListOnce.Do(func() {
		t := newDomainTally()
		for i := range l.Rows.Len() {
			a := address.Parse(l.EmailCell(i))
			t.add(&a)
		}
		counts := make(map[string]int, len(t.domains))
		for k, d := range t.domains {
			counts[d] = t.rows[k]
		}
		data := &suggestListData{l: l, counts: counts, s: address.NewSuggester(counts), targets: t.domains, rowDoms: len(t.domains)}
		seen := make(map[string]bool)
		for _, d := range t.domains {
			seen[d] = true
		}
		for _, m := range t.bad {
			if !seen[m.target] {
				seen[m.target] = true
				data.targets = append(data.targets, m.target)
			}
		}
		suggestList = data
	})
	return suggestList
}

// BenchmarkSuggestList times Suggest and Suspect on every distinct domain
// of the list named by benchListEnv, as allDomains has them found, and
// reports the time per domain.
func BenchmarkSuggestList(b *testing.B) {
	data := loadSuggestList(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for k, d := range data.targets {
			data.s.Suggest(d)
			if k < data.rowDoms {
				data.s.Suspect(d)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(data.targets)), "ns/domain")
}

// BenchmarkNewSuggesterList times making the Suggester of the list named
// by benchListEnv.
func BenchmarkNewSuggesterList(b *testing.B) {
	data := loadSuggestList(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		address.NewSuggester(data.counts)
	}
}

// BenchmarkNewSessionList times NewSession with DNS on for the list named
// by benchListEnv: parsing, and the Suggester with the malformed cases'
// candidates.
func BenchmarkNewSessionList(b *testing.B) {
	data := loadSuggestList(b)
	b.ResetTimer()
	for b.Loop() {
		NewSession(data.l, true).corrections()
	}
}

// BenchmarkNewSessionBuild times NewSession with DNS on for the list named
// by benchListEnv until it returns: parsing, duplicates and the tally of
// the domains, which the checks wait for. The Suggester that it makes in
// the background is waited for outside the timer, so that it does not run
// into the next round.
func BenchmarkNewSessionBuild(b *testing.B) {
	l := benchList(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s := NewSession(l, true)
		b.StopTimer()
		s.corrections()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*l.Rows.Len()), "ns/row")
}
