package cleaner

import (
	"cmp"
	"slices"

	"github.com/listclean/listclean/cleaner/address"
)

// witnessRank is how many of the first providers of providers.txt are big
// enough to be witnesses: brands whose domains route mail beyond doubt.
const witnessRank = 20

// Witnesses returns the big mailbox providers among the domains of the
// list's rows, most rows first, at most n of them: the names a DNS server
// is asked about before it is trusted (resolver.Checker.Prove), since
// they must route mail. A server that says the list's own providers do
// not exist would empty the list; asking about those makes the proof the
// one that matters. It is empty when the list has none, and the checker
// asks about its own defaults.
func (s *Session) Witnesses(n int) []string {
	type witness struct {
		domain     string
		rows, rank int
	}
	var ws []witness
	for k, d := range s.domains {
		if rank, ok := address.ProviderRank(d); ok && rank < witnessRank {
			ws = append(ws, witness{d, s.domainRows[k], rank})
		}
	}
	slices.SortFunc(ws, func(a, b witness) int {
		return cmp.Or(cmp.Compare(b.rows, a.rows), cmp.Compare(a.rank, b.rank))
	})
	out := make([]string, min(n, len(ws)))
	for i := range out {
		out[i] = ws[i].domain
	}
	return out
}
