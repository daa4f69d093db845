package cleaner

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestSummarize counts a list long enough to be counted in several parts,
// whose failing domains have rows in every part, and compares each count
// with what the rows were made to be.
func TestSummarize(t *testing.T) {
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprint("procs=", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			const n = 5*summaryMinPart + 7
			var b strings.Builder
			b.WriteString("email\n")
			want := map[Reason]int{}
			failing := map[string]int{}
			for i := range n {
				switch i % 6 {
				case 0, 1:
					fmt.Fprintf(&b, "u%d@listclean.org\n", i)
					want[ReasonOK]++
				case 2:
					fmt.Fprintf(&b, "u%d@gone-away.com\n", i)
					want[ReasonNXDomain]++
					failing["gone-away.com"]++
				case 3:
					fmt.Fprintf(&b, "u%d@gmial.com\n", i) // suggested: gmail.com
					want[ReasonNXDomain]++
					failing["gmial.com"]++
				case 4:
					b.WriteString("dup@listclean.org\n")
					if i == 4 {
						want[ReasonOK]++
					} else {
						want[ReasonDuplicate]++
					}
				case 5:
					b.WriteString("not an address\n")
					want[ReasonSyntax]++
				}
			}
			s := NewSession(readString(t, b.String()), true)
			judgeWithout(s, "gone-away.com", "gmial.com")

			sum := s.Summarize()
			if sum.Rows != n || sum.Domains != 3 {
				t.Errorf("%d rows over %d domains, want %d over 3", sum.Rows, sum.Domains, n)
			}
			for r, w := range want {
				if got := sum.ByReason[r]; got != w {
					t.Errorf("ByReason[%s] = %d, want %d", r, got, w)
				}
			}
			if len(sum.ByReason) != len(want) {
				t.Errorf("ByReason = %v, want only %v", sum.ByReason, want)
			}
			wantVerdict := map[Verdict]int{
				VerdictValid:     want[ReasonOK],
				VerdictInvalid:   want[ReasonNXDomain] + want[ReasonSyntax],
				VerdictDuplicate: want[ReasonDuplicate],
			}
			if !maps.Equal(sum.ByVerdict, wantVerdict) {
				t.Errorf("ByVerdict = %v, want %v", sum.ByVerdict, wantVerdict)
			}
			if sum.Suggestions != failing["gmial.com"] {
				t.Errorf("%d suggestions, want %d (the gmial.com rows)", sum.Suggestions, failing["gmial.com"])
			}
			wantFailing := []DomainCount{
				{Domain: "gmial.com", Reason: ReasonNXDomain, Rows: failing["gmial.com"]},
				{Domain: "gone-away.com", Reason: ReasonNXDomain, Rows: failing["gone-away.com"]},
			}
			if failing["gmial.com"] < failing["gone-away.com"] {
				slices.Reverse(wantFailing)
			}
			if !slices.Equal(sum.Failing, wantFailing) {
				t.Errorf("Failing = %v, want %v", sum.Failing, wantFailing)
			}
		})
	}
}
