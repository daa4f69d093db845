package cleaner

import (
	"context"

	"github.com/listclean/listclean/resolver"
)

// DomainChecker is what the cleaner needs from a DNS checker; it is
// satisfied by *resolver.Checker. Check streams one result per distinct
// domain and closes the channel when done or cancelled.
type DomainChecker interface {
	Check(ctx context.Context, domains []string) <-chan resolver.Result
}

// Session is one list being cleaned: every row's parsed address and
// verdict, the DNS results they rest on, and the user's decisions.
//
// A session is not safe for concurrent use: results are applied and
// decisions taken from one goroutine (batch mode's loop, or the TUI's
// Update).
type Session struct {
	List *List
	Rows []Row // one per data row, in input order

	dns       bool                       // DNS checks run; false with -dns off
	suggester *Suggester                 // typo corrections, aware of the list's domain counts
	results   map[string]resolver.Result // DNS results by ASCII domain
	domains   []string                   // distinct domains to check: the rows' first, then candidates
	rowDoms   int                        // how many of domains are the rows' own

	decisions map[int]Decision // the user's decisions by row index
	undo      [][]change       // one entry per Decide call, newest last
}

// NewSession parses every address of the list, marks repeated addresses,
// and works out which domains DNS must be asked about: the rows' own and
// every correction that might be suggested for them, so that only a
// correction that routes is ever offered. With dns false no DNS check will
// run, and corrections are limited to the embedded mailbox providers.
func NewSession(l *List, dns bool) *Session {
	s := &Session{
		List:      l,
		Rows:      make([]Row, len(l.Rows)),
		dns:       dns,
		results:   make(map[string]resolver.Result),
		decisions: make(map[int]Decision),
	}
	counts := make(map[string]int)
	first := make(map[string]int) // duplicate key -> first row
	for i := range l.Rows {
		a := ParseAddress(l.EmailCell(i))
		r := &s.Rows[i]
		r.Addr = a
		r.DupOf = -1
		if a.Reason != "" {
			continue
		}
		counts[a.ASCII]++
		if j, seen := first[a.Key]; seen {
			r.DupOf = j
		} else {
			first[a.Key] = i
		}
	}
	s.suggester = NewSuggester(counts)

	seen := make(map[string]bool, len(counts))
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			s.domains = append(s.domains, d)
		}
	}
	for i := range s.Rows {
		if a := s.Rows[i].Addr; a.Reason == "" {
			add(a.ASCII)
		}
	}
	s.rowDoms = len(s.domains)
	if !dns {
		s.domains = nil
		return s
	}
	for _, d := range s.domains[:s.rowDoms] {
		for _, c := range s.suggester.Suggest(d) {
			add(c.Domain)
		}
		if c, ok := s.suggester.Suspect(d); ok {
			add(c.Domain)
		}
	}
	for i := range s.Rows {
		a := s.Rows[i].Addr
		if a.Reason == "" {
			continue
		}
		if a.Fix != "" {
			a = ParseAddress(a.Fix)
			add(a.ASCII)
		}
		for _, c := range s.suggester.Suggest(domainOf(a)) {
			add(c.Domain)
		}
	}
	return s
}

// domainOf is the domain to look corrections up for: the ASCII form when
// the domain could be converted, else as written.
func domainOf(a Address) string {
	if a.ASCII != "" {
		return a.ASCII
	}
	return a.Domain
}

// Domains returns the distinct domains to check in DNS: the rows' own
// domains first, then candidate corrections. It is empty when DNS is off.
func (s *Session) Domains() []string { return s.domains }

// RowDomains returns how many distinct domains the rows themselves use.
func (s *Session) RowDomains() int { return s.rowDoms }

// DNS reports whether the session checks domains in DNS.
func (s *Session) DNS() bool { return s.dns }

// Apply records one domain's DNS result. Call Judge afterwards to update
// the verdicts.
func (s *Session) Apply(r resolver.Result) { s.results[r.Domain] = r }

// Result returns the DNS result for an ASCII domain, if it was checked.
func (s *Session) Result(domain string) (resolver.Result, bool) {
	r, ok := s.results[domain]
	return r, ok
}

// Check asks c about every domain of the session and applies the results
// as they stream in, calling progress (if not nil) after each. It returns
// when all are done or ctx is cancelled; domains left unchecked give their
// rows the reason not_checked. It ends by judging every row.
func (s *Session) Check(ctx context.Context, c DomainChecker, progress func(r resolver.Result, done, total int)) {
	total := len(s.domains)
	done := 0
	if total > 0 {
		for r := range c.Check(ctx, s.domains) {
			s.Apply(r)
			done++
			if progress != nil {
				progress(r, done, total)
			}
		}
	}
	s.JudgeAll()
}

// JudgeAll gives every row its verdict from the results applied so far.
// Duplicates are judged after the address itself: a repeated address is a
// duplicate only if it parsed cleanly.
func (s *Session) JudgeAll() {
	for i := range s.Rows {
		r := &s.Rows[i]
		r.Reason, r.Suggestion, r.SuggestionRoutes = s.judge(r.Addr)
		if r.DupOf >= 0 {
			r.Reason, r.Suggestion, r.SuggestionRoutes = ReasonDuplicate, "", false
		}
		r.Verdict = verdictOf(r.Reason)
	}
}

// Judge gives the verdict on an address as if it stood on its own row,
// from the results applied so far: the TUI uses it for an edited address.
func (s *Session) Judge(raw string) Row {
	a := ParseAddress(raw)
	reason, sugg, routes := s.judge(a)
	return Row{Addr: a, Verdict: verdictOf(reason), Reason: reason, Suggestion: sugg, SuggestionRoutes: routes, DupOf: -1}
}

// Unchecked returns the ASCII domain of raw when it parses cleanly and has
// not been checked yet, so that the caller can check it before Judge.
func (s *Session) Unchecked(raw string) (string, bool) {
	a := ParseAddress(raw)
	if a.Reason != "" || !s.dns {
		return "", false
	}
	_, checked := s.results[a.ASCII]
	return a.ASCII, !checked
}

// judge returns the reason for an address and the correction to suggest,
// with whether that correction is known to route.
func (s *Session) judge(a Address) (Reason, string, bool) {
	if a.Reason != "" {
		sugg, routes := s.correctMalformed(a)
		return a.Reason, sugg, routes
	}
	res, checked := s.results[a.ASCII]
	if !checked {
		if s.dns {
			return ReasonNotChecked, "", false
		}
		sugg, routes := s.correctDomain(a)
		return ReasonNotChecked, sugg, routes
	}
	switch {
	case res.Status.Routes():
		if c, ok := s.suggester.Suspect(a.ASCII); ok && s.routes(c.Domain) {
			return ReasonTypoSuspect, withDomain(a, c.Domain), true
		}
		return reasonOfStatus[res.Status], "", false
	case res.Status.Temporary():
		return ReasonDNSError, "", false
	default:
		sugg, routes := s.correctDomain(a)
		return reasonOfStatus[res.Status], sugg, routes
	}
}

// correctMalformed suggests a correction for an address that failed the
// syntax or domain-format checks: its syntax fix, if any, with the fixed
// domain corrected in turn when it does not route.
func (s *Session) correctMalformed(a Address) (string, bool) {
	if a.Fix == "" {
		return s.correctDomain(a)
	}
	f := ParseAddress(a.Fix)
	if f.Reason != "" {
		return s.correctDomain(f)
	}
	if s.routes(f.ASCII) {
		if c, ok := s.suggester.Suspect(f.ASCII); ok && s.routes(c.Domain) {
			return withDomain(f, c.Domain), true
		}
		return f.Email, true
	}
	if sugg, routes := s.correctDomain(f); sugg != "" {
		return sugg, routes
	}
	if !s.dns {
		// The fix only undoes a slip in how the address was written; offer
		// it, but without DNS nobody knows it routes, so -fix leaves it.
		return f.Email, false
	}
	return "", false
}

// correctDomain suggests the address with the first candidate domain that
// routes, or "" when there is none.
func (s *Session) correctDomain(a Address) (string, bool) {
	for _, c := range s.suggester.Suggest(domainOf(a)) {
		if s.routes(c.Domain) {
			return withDomain(a, c.Domain), true
		}
	}
	return "", false
}

// routes reports whether a domain is known to route mail: its DNS result
// says so, or, with DNS off, it is an embedded mailbox provider.
func (s *Session) routes(domain string) bool {
	if r, ok := s.results[domain]; ok {
		return r.Status.Routes()
	}
	return !s.dns && IsProvider(domain)
}

// withDomain returns the address a with its domain replaced, normalised.
func withDomain(a Address, domain string) string {
	return ParseAddress(a.Local + "@" + domain).Email
}
