package cleaner

import (
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/listclean/listclean/cleaner/printable"
)

// Summary counts the verdicts of a session.
type Summary struct {
	Rows        int
	Domains     int // distinct domains among the rows that parsed
	ByVerdict   map[Verdict]int
	ByReason    map[Reason]int
	Failing     []DomainCount // domains whose rows are invalid for a DNS reason, most rows first
	Suggestions int           // rows with a suggested correction

	// Suppression counts the user's evidence (Session.Suppress) and how
	// much of it is about the list; zero when none was given.
	Suppression SuppressionCount
	// History lists the domains of the list that the domain history has
	// something to say of (Session.Remember), persistent failures first.
	History []DomainHistory
	// Persistent counts the rows whose dns_error has persisted across
	// runs (Row.Persistent): unknown rows that Policy.DropPersistent
	// removes. (A persistent bad_mx is invalid, removed anyway.)
	Persistent int
}

// SuppressionCount is what the summary says of the user's evidence.
type SuppressionCount struct {
	Files     int // files read
	Records   int // records read from them
	Addresses int // distinct addresses the records are about
	Matched   int // rows with evidence that do not repeat an earlier row: the addresses on the list
	Rows      int // rows with evidence, suppressed or kept with it as a detail
}

// DomainCount is a domain that fails, with why and for how many rows.
type DomainCount struct {
	Domain string
	Reason Reason
	Rows   int
}

// Summarize counts the rows of the session by verdict and reason and finds
// the domains that fail most often. The rows are counted in contiguous
// parts on all processors and the parts added up in order, so that a
// failing domain keeps the reason of its first row.
func (s *Session) Summarize() Summary {
	sum := Summary{
		Rows:      len(s.Rows),
		Domains:   len(s.domains),
		ByVerdict: make(map[Verdict]int),
		ByReason:  make(map[Reason]int),
	}
	parts := make([]summaryPart, max(1, min(runtime.GOMAXPROCS(0), len(s.Rows)/summaryMinPart)))
	goAll(len(parts), func(k int) {
		parts[k].count(s.Rows[k*len(s.Rows)/len(parts) : (k+1)*len(s.Rows)/len(parts)])
	})
	failing := make(map[string]*DomainCount)
	for _, p := range parts {
		sum.Suggestions += p.suggestions
		for n, rows := range p.byReason {
			if rows > 0 {
				sum.ByVerdict[reasonVerdicts[n]] += rows
				sum.ByReason[numberedReason(uint8(n))] += rows
			}
		}
		for d, dc := range p.failing {
			if f := failing[d]; f != nil {
				f.Rows += dc.Rows // an earlier part's first row gave the reason
			} else {
				failing[d] = dc
			}
		}
	}
	for _, dc := range failing {
		sum.Failing = append(sum.Failing, *dc)
	}
	sortFailing(sum.Failing)
	for _, p := range parts {
		sum.add(p.evidence)
	}
	s.summarizeMemory(&sum)
	return sum
}

// evidenceCount is what a part of the rows counts of the user's evidence
// and the domain history.
type evidenceCount struct {
	rows, matched, persistent int
}

// add adds a part's count to the summary.
func (sum *Summary) add(c evidenceCount) {
	sum.Suppression.Rows += c.rows
	sum.Suppression.Matched += c.matched
	sum.Persistent += c.persistent
}

// summarizeMemory fills in what the summary says of the session's evidence
// and history as a whole, beside the rows' counts.
func (s *Session) summarizeMemory(sum *Summary) {
	if sp := s.suppress; sp != nil {
		sum.Suppression.Files, sum.Suppression.Records, sum.Suppression.Addresses = len(sp.Files), sp.Records(), sp.Addresses()
	}
	sum.History = s.histories
}

// summaryMinPart is the fewest rows Summarize gives a processor.
const summaryMinPart = 16 << 10

// A summaryPart is what Summarize counts in one part of the rows.
type summaryPart struct {
	byReason    []int                   // rows by their reason's number (Row.reason), 0 for those not judged
	failing     map[string]*DomainCount // the part's failing domains, with the reason of their first row
	suggestions int
	evidence    evidenceCount
}

// count counts rows.
func (p *summaryPart) count(rows []Row) {
	p.failing = make(map[string]*DomainCount)
	p.byReason = make([]int, len(Reasons)+1)
	for i := range rows {
		r := &rows[i]
		p.byReason[r.reason&^hasSuggestion]++
		reason := r.Reason()
		if r.HasSuggestion() {
			p.suggestions++
		}
		if r.Evidence {
			p.evidence.rows++
			if r.DupOf < 0 {
				p.evidence.matched++
			}
		}
		if r.Persistent && reason == ReasonDNSError {
			p.evidence.persistent++
		}
		switch reason {
		case ReasonNXDomain, ReasonNoMail, ReasonNullMX, ReasonBadMX, ReasonBadDomain, ReasonDNSError:
			d := r.Addr().Domain()
			if d == "" {
				continue
			}
			dc := p.failing[d]
			if dc == nil {
				dc = &DomainCount{Domain: d, Reason: reason}
				p.failing[d] = dc
			}
			dc.Rows++
		}
	}
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
// counts per verdict and reason (each code with its words, as screens show
// them), the most frequent failing domains (at most top, each shown by
// printable.String, since a domain that fails may hold any bytes of the
// file), and the time taken.
func (sum Summary) WriteText(w io.Writer, top int, took time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s, checked in %s\n", plural(sum.Rows, "row", "rows"), plural(sum.Domains, "distinct domain", "distinct domains"), took.Round(time.Millisecond))
	for _, v := range Verdicts {
		n := sum.ByVerdict[v]
		if n == 0 {
			continue
		}
		words := ""
		if v.Words() != string(v) {
			words = "  " + v.Words()
		}
		fmt.Fprintf(&b, "  %-10s %7d%s\n", v, n, words)
		for _, r := range Reasons {
			if verdictOf(r) == v && sum.ByReason[r] > 0 && r != Reason(v) {
				fmt.Fprintf(&b, "    %-14s %7d  %s\n", r, sum.ByReason[r], r.Words())
			}
		}
	}
	if u := sum.ByVerdict[VerdictUnknown]; u > 0 {
		fmt.Fprintf(&b, "%s unknown (DNS errors or not checked): kept, not removed\n", plural(u, "row is", "rows are"))
	}
	if sum.Suggestions > 0 {
		fmt.Fprintf(&b, "%s a suggested correction\n", plural(sum.Suggestions, "row has", "rows have"))
	}
	if sc := sum.Suppression; sc.Files > 0 {
		fmt.Fprintf(&b, "Suppression files: %s, %s about %s; %s on the list (%s)\n",
			plural(sc.Files, "file", "files"), plural(sc.Records, "record", "records"), plural(sc.Addresses, "address", "addresses"),
			plural(sc.Matched, "address", "addresses"), plural(sc.Rows, "row", "rows"))
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
			fmt.Fprintf(&b, "  %-32s %-10s %5d %s\n", printable.String(dc.Domain), dc.Reason, dc.Rows, unit)
		}
	}
	if len(sum.History) > 0 {
		b.WriteString("Domain history (earlier runs and bounce files):\n")
		for k, dh := range sum.History {
			if k == top {
				fmt.Fprintf(&b, "  and %d more\n", len(sum.History)-top)
				break
			}
			outcome := dh.Outcome
			if outcome == "" {
				outcome = "-"
			}
			fmt.Fprintf(&b, "  %-32s %-11s %s\n", dh.Domain, outcome, dh.Note)
		}
	}
	if sum.Persistent > 0 {
		fmt.Fprintf(&b, "%s kept as unknown at domains whose dns_error persists across runs (-drop-persistent removes them)\n", plural(sum.Persistent, "row is", "rows are"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// plural returns "1 row" or "2 rows".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
