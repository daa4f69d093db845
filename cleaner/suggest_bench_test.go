package cleaner

import (
	"sync"
	"testing"
)

// sgListData is what the list benchmarks of the Suggester work on.
type sgListData struct {
	l       *List
	s       *Suggester
	targets []string // the rows' domains, then the malformed cases' targets
	rowDoms int
}

var (
	sgListOnce sync.Once
	sgList     *sgListData
)

// sgLoadList builds the Suggester of the list named by benchListEnv, and
// the domains it is asked about, the way NewSession does (findCorrections,
// addCandidates), once.
func sgLoadList(tb testing.TB) *sgListData {
	l := benchList(tb)
	sgListOnce.Do(func() {
		t := newDomainTally()
		for i := range l.Rows {
			a := ParseAddress(l.EmailCell(i))
			t.add(&a)
		}
		counts := make(map[string]int, len(t.domains))
		for k, d := range t.domains {
			counts[d] = t.rows[k]
		}
		data := &sgListData{l: l, s: NewSuggester(counts), targets: t.domains, rowDoms: len(t.domains)}
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
		sgList = data
	})
	return sgList
}

// BenchmarkSuggestList times Suggest and Suspect on every distinct domain of
// the list named by benchListEnv, as addCandidates calls them, and reports the
// time per domain.
func BenchmarkSuggestList(b *testing.B) {
	data := sgLoadList(b)
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
	data := sgLoadList(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		NewSuggester(data.s.counts)
	}
}

// BenchmarkNewSessionList times NewSession with DNS on for the list named
// by benchListEnv: parsing, the Suggester, and the candidates of every domain.
func BenchmarkNewSessionList(b *testing.B) {
	data := sgLoadList(b)
	b.ResetTimer()
	for b.Loop() {
		NewSession(data.l, true)
	}
}
