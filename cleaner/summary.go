package cleaner

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Summary counts the verdicts of a session.
type Summary struct {
	Rows        int
	Domains     int // distinct domains among the rows that parsed
	ByVerdict   map[Verdict]int
	ByReason    map[Reason]int
	Failing     []DomainCount // domains whose rows are invalid for a DNS reason, most rows first
	Suggestions int           // rows with a suggested correction
}

// DomainCount is a domain that fails, with why and for how many rows.
type DomainCount struct {
	Domain string
	Reason Reason
	Rows   int
}

// Summarize counts the rows of the session by verdict and reason and finds
// the domains that fail most often.
func (s *Session) Summarize() Summary {
	sum := Summary{
		Rows:      len(s.Rows),
		Domains:   s.rowDoms,
		ByVerdict: make(map[Verdict]int),
		ByReason:  make(map[Reason]int),
	}
	// One count per verdict and reason seen, rather than two map updates
	// per row: a list has a handful of them and a million rows.
	type pair struct {
		v Verdict
		r Reason
	}
	pairs := make(map[pair]int)
	failing := make(map[string]*DomainCount)
	for i := range s.Rows {
		r := &s.Rows[i]
		pairs[pair{r.Verdict(), r.Reason}]++
		if r.Suggestion != "" {
			sum.Suggestions++
		}
		switch r.Reason {
		case ReasonNXDomain, ReasonNoMail, ReasonNullMX, ReasonBadMX, ReasonBadDomain, ReasonDNSError:
			if r.Addr.Domain() == "" {
				continue
			}
			dc := failing[r.Addr.Domain()]
			if dc == nil {
				dc = &DomainCount{Domain: r.Addr.Domain(), Reason: r.Reason}
				failing[r.Addr.Domain()] = dc
			}
			dc.Rows++
		}
	}
	for p, n := range pairs {
		sum.ByVerdict[p.v] += n
		sum.ByReason[p.r] += n
	}
	for _, dc := range failing {
		sum.Failing = append(sum.Failing, *dc)
	}
	sortFailing(sum.Failing)
	return sum
}

// sortFailing puts the failing domains with the most rows first, then by
// name.
func sortFailing(f []DomainCount) {
	sort.Slice(f, func(a, b int) bool {
		if f[a].Rows != f[b].Rows {
			return f[a].Rows > f[b].Rows
		}
		return f[a].Domain < f[b].Domain
	})
}

// WriteText prints the summary for a terminal or a log: rows, domains,
// counts per verdict and reason, the most frequent failing domains (at most
// top), and the time taken.
func (sum Summary) WriteText(w io.Writer, top int, took time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows, %d distinct domains, checked in %s\n", sum.Rows, sum.Domains, took.Round(time.Millisecond))
	for _, v := range Verdicts {
		n := sum.ByVerdict[v]
		if n == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %-10s %7d\n", v, n)
		for _, r := range Reasons {
			if verdictOf(r) == v && sum.ByReason[r] > 0 && r != Reason(v) {
				fmt.Fprintf(&b, "    %-14s %7d\n", r, sum.ByReason[r])
			}
		}
	}
	if u := sum.ByVerdict[VerdictUnknown]; u > 0 {
		fmt.Fprintf(&b, "%d rows are unknown (DNS errors or not checked): they are kept, not removed\n", u)
	}
	if sum.Suggestions > 0 {
		fmt.Fprintf(&b, "%d rows have a suggested correction\n", sum.Suggestions)
	}
	if len(sum.Failing) > 0 {
		b.WriteString("Domains that fail most often:\n")
		for k, dc := range sum.Failing {
			if k == top {
				break
			}
			unit := "rows"
			if dc.Rows == 1 {
				unit = "row"
			}
			fmt.Fprintf(&b, "  %-32s %-10s %5d %s\n", dc.Domain, dc.Reason, dc.Rows, unit)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
