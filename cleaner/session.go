package cleaner

import (
	"context"
	"hash/maphash"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/listclean/listclean/cleaner/address"
	"github.com/listclean/listclean/cleaner/history"
	"github.com/listclean/listclean/resolver"
)

// DomainChecker is what the cleaner needs from a DNS checker; it is
// satisfied by *resolver.Checker. CheckStreamHeld checks the domains that
// come on domains, a slice at a time, and streams one result per distinct
// domain; it closes the channel once domains is closed and every result
// is sent, or when ctx is cancelled. It calls onHeld, as soon as they are
// in, with the results that wait for a probe round before they may leave:
// Checks looks up their corrections meanwhile, so that those share the
// round rather than needing one more at the end.
type DomainChecker interface {
	CheckStreamHeld(ctx context.Context, domains <-chan []string, onHeld func(resolver.Result)) <-chan resolver.Result
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

	dns        bool                       // DNS checks run; false with -dns off
	results    map[string]resolver.Result // DNS results by ASCII domain
	causes     map[string]string          // DNSCause of each result that has one, by ASCII domain (Apply); nil when none has
	domains    []string                   // the rows' own distinct ASCII domains, in order of first appearance
	rowDomain  []int32                    // each row's domain's index in domains; -1 unless it parsed cleanly; nil in a Stream's chunk
	domainAt   map[string]int32           // each of domains' index in it
	domainRows []int                      // rows per domain of domains, by index

	// The typo corrections, whose suggester NewSession makes in the
	// background so that the checks of the rows' own domains can start
	// meanwhile: read them through corrections(), which waits for it.
	found     chan struct{} // closed once corr is set; nil when it was set before the session was returned
	corr      *corrections
	corrPanic any // what making them panicked with, raised again by corrections()

	decisions map[int]Decision  // the user's decisions by row index
	decidedAt map[int]time.Time // when each was taken, for the decisions file
	undo      [][]change        // one entry per Decide call, newest last

	suppress *Suppressions // the user's evidence (Suppress); nil when none was given

	// What the domain history says (Remember); nil until then.
	persistent map[string]bool   // the ASCII domains whose dns_error or bad_mx persists
	notes      map[string]string // by ASCII domain, history.Summary.Describe when not ""
	histories  []DomainHistory   // the rows' domains with a note, in the summary's order

	suggestions map[int]string // by row index, each suggestion of a row that has one (JudgeAll)

	// In a Stream's chunk, the verdicts of the domains that earlier
	// chunks judged, which JudgeAll takes rather than judges again and
	// adds to; nil otherwise.
	judgedBefore map[judgeKey]domainVerdict
}

// judgeKey is what JudgeAll judges alike: the addresses at one domain that
// parsed cleanly, or those at one domain that did not and have no syntax
// fix.
type judgeKey struct {
	domain    string
	malformed bool
}

// corrections are the typo corrections a session may suggest: its
// suggester, aware of the list's domain counts, and the candidates it
// proposed for each domain asked about so far. A correction is offered only
// when its domain routes, so with DNS the candidates' domains are checked
// too: those of the malformed cases at once, and those of the rows' own
// domains as their results come in, only where the verdict can use them
// (Session.Check): Suggest's for a domain that fails, Suspect's for one
// that routes. Finding candidates is costly; the checks then go on
// without waiting for it.
type corrections struct {
	suggester *address.Suggester
	dns       bool
	own       map[string]int32 // the rows' own domains, by index in Session.domains
	bad       []malformed      // the distinct malformed cases

	mu    sync.RWMutex
	cands map[string]*candidates // the Suggester's answers by domain, so far
	all   []string               // Domains's candidates' domains, once it asked for every domain's
}

// NewSession parses every address of the list, marks repeated addresses,
// and counts the rows per domain: the rows' own domains are what DNS is
// asked about, along with the corrections that might be suggested for
// them (see corrections), so that only a correction that routes is ever
// offered. The Suggester that finds corrections is made in the
// background: Check starts on the rows' own domains meanwhile, and every
// method that needs it waits. With dns false no DNS check will run, and
// corrections are limited to the embedded mailbox providers.
func NewSession(l *List, dns bool) *Session {
	s := &Session{
		List:      l,
		Rows:      make([]Row, l.Rows.Len()),
		dns:       dns,
		results:   make(map[string]resolver.Result),
		decisions: make(map[int]Decision),
		decidedAt: make(map[int]time.Time),
	}
	// Parsing is most of the work per row, and each row is parsed on its
	// own, along with a hash of its duplicate key (0 when the address did
	// not parse cleanly: such a row is never a duplicate). Each goroutine
	// counts the rows per domain of the rows it parsed, while their cells
	// are at hand, in a tally of its own.
	seed := maphash.MakeSeed()
	hashes := make([]uint64, len(s.Rows))
	s.rowDomain = make([]int32, len(s.Rows)) // each row's domain's index in its part's tally, until relabel
	parts := make([]tallyPart, parallelWorkers(len(s.Rows)))
	for w := range parts {
		parts[w] = newTallyPart()
	}
	parallelForOn(len(parts), len(s.Rows), func(w, lo, hi int) {
		p, part := address.NewParser(), &parts[w]
		for i := lo; i < hi; i++ {
			a := p.Parse(l.EmailCell(i))
			s.Rows[i] = NewRow(a)
			if a.Reason == "" {
				hashes[i] = maphash.String(seed, a.Key()) | 1<<63
			}
			s.rowDomain[i] = part.add(&a)
		}
		part.counted(lo, hi)
	})
	// Duplicates are marked (one goroutine per shard of the keys) while the
	// parts' tallies are merged; then each part's rows get their domains'
	// indexes in the merged tally.
	var t *domainTally
	shards := max(1, min(runtime.GOMAXPROCS(0), len(s.Rows)/(1<<14)))
	goAll(shards+1, func(k int) {
		if k < shards {
			s.markDuplicates(hashes, k, shards)
			return
		}
		t = mergeTallies(parts)
	})
	goAll(len(parts), func(w int) { parts[w].relabel(s.rowDomain) })
	s.domains, s.domainRows, s.domainAt = t.domains, t.rows, t.index
	if dns {
		// Made for all the results at once, rather than grown as they come.
		s.results = make(map[string]resolver.Result, len(s.domains))
	}
	s.found = make(chan struct{})
	go func() {
		defer close(s.found)
		defer func() { s.corrPanic = recover() }()
		s.corr = newCorrections(t, dns)
	}()
	return s
}

// domainTally gathers what NewSession needs to know of a list's domains,
// one address at a time: how many rows each domain has, and the domains
// that the rows which did not parse cleanly look for corrections at.
type domainTally struct {
	domains []string         // the ASCII domains of the rows that parsed cleanly, in order of first appearance
	rows    []int            // rows per domain, by index in domains
	index   map[string]int32 // each domain's index in domains
	bad     []malformed      // the distinct malformed cases, in order of first appearance
	badSeen map[malformed]bool
}

// malformed is what an address that did not parse cleanly asks DNS about:
// the domain of its syntax fix (if it has one, and that parses cleanly) and
// the domain to look corrections up for (after the fix).
type malformed struct {
	fixASCII string
	target   string
}

func newDomainTally() *domainTally {
	return &domainTally{index: make(map[string]int32), badSeen: make(map[malformed]bool)}
}

// add counts one row's address, and returns the index of its domain in
// t.domains, or -1 when it did not parse cleanly. The address is not
// copied: this runs once per row, on one goroutine.
func (t *domainTally) add(a *address.Address) int32 {
	if a.Reason == "" {
		k, ok := t.index[a.ASCII]
		if !ok {
			// A copy: the address's strings hold its whole row in memory.
			d := strings.Clone(a.ASCII)
			k = int32(len(t.domains))
			t.index[d] = k
			t.domains = append(t.domains, d)
			t.rows = append(t.rows, 0)
		}
		t.rows[k]++
		return k
	}
	t.malformedCase(malformedOf(a))
	return -1
}

// malformedCase adds m to t.bad unless it is there already.
func (t *domainTally) malformedCase(m malformed) {
	if !t.badSeen[m] {
		m = malformed{strings.Clone(m.fixASCII), strings.Clone(m.target)} // copies, as in add
		t.badSeen[m] = true
		t.bad = append(t.bad, m)
	}
}

// malformedOf is the malformed case of an address that did not parse
// cleanly.
func malformedOf(a *address.Address) malformed {
	var m malformed
	if a.Fix != "" {
		fixed := address.Parse(a.Fix)
		a = &fixed
		m.fixASCII = a.ASCII
	}
	m.target = domainOf(*a)
	return m
}

// tallyPart is the tally of the rows that one goroutine of NewSession
// parsed, in the spans of rows parallelForOn gave it, which mergeTallies
// puts together with the other parts' as if add had counted every row in
// order.
type tallyPart struct {
	index map[string]int32 // each domain's index in rows
	// rows holds the rows per domain, the domains in the order of their
	// first rows; mergeTallies turns it into each domain's index in the
	// merged tally.
	rows    []int32
	bad     []malformed // the distinct malformed cases, in the order of their first rows
	badSeen map[malformed]bool
	spans   []partSpan // the rows counted, in order
}

// partSpan is a span of the rows of a tallyPart, [lo, hi), and how many
// domains and malformed cases the part had once it was counted: those
// that the span's rows were the first of in the part come last.
type partSpan struct {
	lo, hi       int
	domains, bad int
	part         int // the index of the part in those merged (mergeTallies)
}

func newTallyPart() tallyPart {
	return tallyPart{index: make(map[string]int32), badSeen: make(map[malformed]bool)}
}

// add counts a row's address, as domainTally.add does, and returns the
// index of its domain in p.rows, or -1 when it did not parse cleanly.
func (p *tallyPart) add(a *address.Address) int32 {
	if a.Reason == "" {
		k, ok := p.index[a.ASCII]
		if !ok {
			k = int32(len(p.rows))
			// A copy, which the merged tally keeps: the address's strings
			// hold its whole row in memory. The copies are close together
			// too, where the cells are spread over the whole list, which
			// makes comparing them faster.
			p.index[strings.Clone(a.ASCII)] = k
			p.rows = append(p.rows, 0)
		}
		p.rows[k]++
		return k
	}
	if m := malformedOf(a); !p.badSeen[m] {
		p.badSeen[m] = true
		p.bad = append(p.bad, m)
	}
	return -1
}

// counted records that the rows [lo, hi), after those of every span
// before, are counted. Spans come in increasing order.
func (p *tallyPart) counted(lo, hi int) {
	p.spans = append(p.spans, partSpan{lo: lo, hi: hi, domains: len(p.rows), bad: len(p.bad)})
}

// mergeTallies returns the tally of the parts' rows, the same as add
// gives when it counts them one by one in the order of the rows: the
// domains and malformed cases are in the order of their earliest rows in
// any part. It makes the rows of each of the parts' domains its index in
// the tally returned (relabel), and takes the map of the part with the
// most domains for the tally's: the parts are left with no maps.
func mergeTallies(parts []tallyPart) *domainTally {
	// The domains of all the parts are numbered in the map of the part
	// with the most, b: its own as it has them, the others' that it has
	// not after them. Each part's domains get their numbers there (idOf).
	b := 0
	for w := range parts {
		if len(parts[w].rows) > len(parts[b].rows) {
			b = w
		}
	}
	all := parts[b].index
	ids := make([][]int32, len(parts)) // the numbers of the domains of each part but b
	idOf := func(w, k int) int32 {
		if w == b {
			return int32(k)
		}
		return ids[w][k]
	}
	n := int32(len(all))
	for w := range parts {
		if w == b {
			continue
		}
		ids[w] = make([]int32, len(parts[w].rows))
		for d, k := range parts[w].index {
			id, ok := all[d]
			if !ok {
				id = n
				n++
				all[d] = id
			}
			ids[w][k] = id
		}
	}
	// The order of the domains' first rows, by id: each part's domains
	// are in the order of their first rows, and each of its spans in
	// order holds the next of them.
	var spans []partSpan
	for w := range parts {
		for _, sp := range parts[w].spans {
			sp.part = w
			spans = append(spans, sp)
		}
	}
	slices.SortFunc(spans, func(x, y partSpan) int { return x.lo - y.lo })
	t := &domainTally{domains: make([]string, n), rows: make([]int, n), index: all, badSeen: make(map[malformed]bool)}
	order := make([]int32, n) // each number's index in t.domains, plus one
	ordered := int32(0)
	next := make([]struct{ domains, bad int }, len(parts)) // how many of each part's are in order
	for _, sp := range spans {
		p, at := &parts[sp.part], &next[sp.part]
		for ; at.domains < sp.domains; at.domains++ {
			if id := idOf(sp.part, at.domains); order[id] == 0 {
				ordered++
				order[id] = ordered
			}
		}
		for ; at.bad < sp.bad; at.bad++ {
			t.malformedCase(p.bad[at.bad])
		}
	}
	for d, id := range all {
		k := order[id] - 1
		t.domains[k], all[d] = d, k
	}
	for w := range parts {
		p := &parts[w]
		for k, rows := range p.rows {
			p.rows[k] = order[idOf(w, k)] - 1
			t.rows[p.rows[k]] += int(rows)
		}
		p.index, p.badSeen = nil, nil
	}
	return t
}

// relabel turns the indexes in p.rows of its rows' domains in rowDomain
// into those in the merged tally, once mergeTallies has put them in
// p.rows.
func (p *tallyPart) relabel(rowDomain []int32) {
	for _, sp := range p.spans {
		for i := sp.lo; i < sp.hi; i++ {
			if k := rowDomain[i]; k >= 0 {
				rowDomain[i] = p.rows[k]
			}
		}
	}
}

// newCorrections makes the suggester from the tally's counts and finds the
// candidate corrections of the malformed cases, which judging any of their
// rows needs (see corrections).
func newCorrections(t *domainTally, dns bool) *corrections {
	counts := make(map[string]int, len(t.domains))
	for k, d := range t.domains {
		counts[d] = t.rows[k]
	}
	// With DNS, the candidates of nearly every own domain are found as its
	// result comes in (needs): the map is made for them at once, rather
	// than grown while the checks run.
	hint := 0
	if dns {
		hint = len(t.domains)
	}
	c := &corrections{suggester: address.NewSuggester(counts), dns: dns, own: t.index, bad: t.bad,
		cands: make(map[string]*candidates, hint)}
	targets := make([]string, 0, len(t.bad))
	var fixes []string
	for _, m := range t.bad {
		targets = append(targets, m.target)
		if m.fixASCII != "" {
			fixes = append(fixes, m.fixASCII)
		}
	}
	c.find(targets, false)
	if dns {
		// A malformed address whose fix routes is offered the provider
		// its fixed domain is a typo of (Session.correctMalformed).
		c.find(fixes, true)
	}
	return c
}

// markDuplicates sets the DupOf of every row that repeats (by Key) the
// address of an earlier row, given the hashes of the rows' keys (0 for
// none), for the keys of one shard of shards (by the high bits of their
// hashes): each shard goes through the rows in order for its own keys, so
// that shards can run at once, a row only ever written by one of them, and
// only its DupOf.
//
// Each shard keeps the first row of each key in an open-addressing table
// of row numbers (plus one; 0 is an empty slot), comparing the keys
// themselves only when two hashes are equal. Unlike a map of the keys, the
// table holds no pointers, so the collector has nothing in it to scan, and
// it is sized once: four bytes a slot, the hashes being in hashes already.
func (s *Session) markDuplicates(hashes []uint64, shard, shards int) {
	mine := func(h uint64) bool { return h != 0 && (h>>32)%uint64(shards) == uint64(shard) }
	n := 0
	for _, h := range hashes {
		if mine(h) {
			n++
		}
	}
	table := make([]int32, 1<<bits.Len(uint(2*n))) // at most half full
	// Written before it is read: memory fresh from the system is mapped
	// to the zero page by a read, and the write after it then faults
	// again and copies, flushing the other cores' TLBs, page by page
	// (58 ms of the processors' time at 1M rows). Written first, each
	// page faults once.
	clear(table)
	mask := uint64(len(table) - 1)
	for i, h := range hashes {
		if !mine(h) {
			continue
		}
		for j := h & mask; ; j = (j + 1) & mask {
			first := table[j] - 1
			if first < 0 {
				table[j] = int32(i) + 1
				break
			}
			if hashes[first] == h && s.Rows[first].Addr().Key() == s.Rows[i].Addr().Key() {
				s.Rows[i].DupOf = first
				break
			}
		}
	}
}

// find asks the Suggester about each of domains that it was not asked
// about: Suggest, or with suspect Suspect too, in parallel, since finding
// candidates is costly. The candidates are kept for judging, which needs
// them again, for every chunk of a Stream.
func (c *corrections) find(domains []string, suspect bool) {
	c.mu.RLock()
	todo := make([]string, 0, len(domains))
	seen := make(map[string]bool, len(domains))
	for _, d := range domains {
		if f, ok := c.cands[d]; (!ok || !f.suggestKnown || suspect && !f.suspectKnown) && !seen[d] {
			seen[d] = true
			todo = append(todo, d)
		}
	}
	c.mu.RUnlock()
	found := make([]candidates, len(todo))
	parallelFor(len(todo), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			f := &found[k]
			f.suggest, f.suggestKnown = c.suggester.Suggest(todo[k]), true
			if suspect {
				f.suspect, f.suspectOK = c.suggester.Suspect(todo[k])
				f.suspectKnown = true
			}
		}
	})
	c.mu.Lock()
	for k, d := range todo {
		c.cands[d] = &found[k]
	}
	c.mu.Unlock()
}

// badDomains returns the domains that the malformed cases may be
// corrected to, which must be checked: each one's syntax fix's domain, the
// candidates for its target domain, and the provider its fixed domain may
// be a typo of.
func (c *corrections) badDomains() []string {
	var out []string
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, m := range c.bad {
		if m.fixASCII != "" {
			out = append(out, m.fixASCII)
			if f := c.cands[m.fixASCII]; f.suspectOK {
				out = append(out, f.suspect.Domain)
			}
		}
		for _, cand := range c.cands[m.target].suggest {
			out = append(out, cand.Domain)
		}
	}
	return out
}

// needs finds the candidates that the verdict of an own domain with the
// result r can use, and returns their domains, which must be checked: for
// a domain that routes, the provider it may be a typo of; for one that
// fails for good, the corrections to suggest. A dns_error uses none that
// must route: its rows are not corrected, and a disposable domain only
// asks whether it is a provider's typo.
func (c *corrections) needs(r outcome) []string {
	var f candidates
	switch {
	case r.status.Routes() || r.status.Temporary() && address.IsDisposable(r.domain):
		f.suspect, f.suspectOK = c.suggester.Suspect(r.domain)
		f.suspectKnown = true
	case !r.status.Temporary():
		f.suggest, f.suggestKnown = c.suggester.Suggest(r.domain), true
	default:
		return nil
	}
	c.mu.Lock()
	if old, ok := c.cands[r.domain]; ok {
		f = merged(*old, f)
	}
	c.cands[r.domain] = &f
	c.mu.Unlock()
	var out []string
	if f.suspectOK && r.status.Routes() {
		out = append(out, f.suspect.Domain)
	}
	for _, cand := range f.suggest {
		out = append(out, cand.Domain)
	}
	return out
}

// An outcome is what needs reads of an own domain's DNS Result: a fifth
// of its size, for the queue of results waiting for the finder of
// candidates (see Session.stream).
type outcome struct {
	domain string
	status resolver.Status
}

// allDomains returns the candidates' domains that might be suggested for
// any row, which are not among the rows' own, in the order of the rows:
// for each own domain the candidates of Suggest and Suspect, then the
// malformed cases' (badDomains). It asks the Suggester about every own
// domain, once.
func (c *corrections) allDomains(domains []string) []string {
	c.mu.RLock()
	all := c.all
	c.mu.RUnlock()
	if all != nil {
		return all
	}
	c.find(domains, c.dns)
	seen := make(map[string]bool, len(domains))
	for _, d := range domains {
		seen[d] = true
	}
	all = []string{}
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			all = append(all, d)
		}
	}
	c.mu.RLock()
	for _, d := range domains {
		f := c.cands[d]
		for _, cand := range f.suggest {
			add(cand.Domain)
		}
		if f.suspectOK {
			add(f.suspect.Domain)
		}
	}
	c.mu.RUnlock()
	for _, d := range c.badDomains() {
		add(d)
	}
	c.mu.Lock()
	c.all = all
	c.mu.Unlock()
	return all
}

// candidates are the corrections the Suggester proposed for one domain.
type candidates struct {
	suggest      []address.Candidate // Suggest's
	suggestKnown bool                // Suggest was asked
	suspect      address.Candidate   // Suspect's, when suspectOK
	suspectOK    bool
	suspectKnown bool // Suspect was asked
}

// merged is what a and b know together.
func merged(a, b candidates) candidates {
	if !a.suggestKnown {
		a.suggest, a.suggestKnown = b.suggest, b.suggestKnown
	}
	if !a.suspectKnown {
		a.suspect, a.suspectOK, a.suspectKnown = b.suspect, b.suspectOK, b.suspectKnown
	}
	return a
}

// corrections returns the session's corrections, once NewSession has
// made them. A panic while making them is raised here, on the caller's
// goroutine, as if they had been made there.
func (s *Session) corrections() *corrections {
	if s.found != nil {
		<-s.found
	}
	if s.corrPanic != nil {
		panic(s.corrPanic)
	}
	return s.corr
}

// suggest returns the Suggester's candidates for domain, from those found
// before when there are.
func (s *Session) suggest(domain string) []address.Candidate {
	c := s.corrections()
	c.mu.RLock()
	f, ok := c.cands[domain]
	c.mu.RUnlock()
	if ok && f.suggestKnown {
		return f.suggest
	}
	return c.suggester.Suggest(domain)
}

// suspect returns the Suggester's Suspect for domain, from what was found
// before when there is.
func (s *Session) suspect(domain string) (address.Candidate, bool) {
	c := s.corrections()
	c.mu.RLock()
	f, ok := c.cands[domain]
	c.mu.RUnlock()
	if ok && f.suspectKnown {
		return f.suspect, f.suspectOK
	}
	return c.suggester.Suspect(domain)
}

// parallelFor calls f on consecutive ranges [lo, hi) that together cover
// [0, n), from as many goroutines as there are processors, and returns when
// all calls have. Small n is done at once on the caller's goroutine. The
// ranges are handed out in small pieces as goroutines become free, so an
// uneven cost per item still spreads evenly.
func parallelFor(n int, f func(lo, hi int)) {
	parallelForOn(parallelWorkers(n), n, func(_, lo, hi int) { f(lo, hi) })
}

// parallelPiece is the most items parallelFor hands a goroutine at once.
const parallelPiece = 1024

// parallelWorkers is the number of goroutines parallelFor uses for n
// items.
func parallelWorkers(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), (n+parallelPiece-1)/parallelPiece))
}

// parallelForOn is parallelFor on workers goroutines (parallelWorkers(n)),
// telling f which of them, from 0 to workers-1, calls it, so that each may
// keep state of its own: the ranges one goroutine gets come in increasing
// order.
func parallelForOn(workers, n int, f func(w, lo, hi int)) {
	if workers <= 1 {
		f(0, 0, n)
		return
	}
	var next atomic.Int64
	goAll(workers, func(w int) {
		for {
			lo := int(next.Add(parallelPiece)) - parallelPiece
			if lo >= n {
				return
			}
			f(w, lo, min(lo+parallelPiece, n))
		}
	})
}

// goAll runs f(0), ..., f(n-1) on goroutines of their own and returns when
// all have returned. A panic in one of them is raised again on the caller's
// goroutine then, as if f had run there.
func goAll(n int, f func(k int)) {
	var wg sync.WaitGroup
	panics := make([]any, n)
	for k := range n {
		wg.Go(func() {
			defer func() { panics[k] = recover() }()
			f(k)
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
}

// domainOf is the domain to look corrections up for: the ASCII form when
// the domain could be converted, else as written.
func domainOf(a address.Address) string {
	if a.ASCII != "" {
		return a.ASCII
	}
	return a.Domain()
}

// Domains returns the distinct domains to check in DNS for every
// correction that might be suggested: the rows' own domains first, then
// the candidate corrections of every one of them. It is empty when DNS is
// off. It waits for the corrections (see NewSession), and finds the
// candidates of every domain, which Check finds only where a result needs
// them.
func (s *Session) Domains() []string {
	if !s.dns {
		return nil
	}
	return append(slices.Clip(s.domains), s.corrections().allDomains(s.domains)...)
}

// RowDomains returns how many distinct domains the rows themselves use.
func (s *Session) RowDomains() int { return len(s.domains) }

// DNS reports whether the session checks domains in DNS.
func (s *Session) DNS() bool { return s.dns }

// Apply records one domain's DNS result. Call Judge afterwards to update
// the verdicts.
//
// A failure's DNSCause is worded here, once per domain, rather than for
// each of the domain's rows whose detail an export writes (Detail).
func (s *Session) Apply(r resolver.Result) {
	s.results[r.Domain] = r
	if c := DNSCause(r); c != "" {
		if s.causes == nil {
			s.causes = make(map[string]string)
		}
		s.causes[r.Domain] = c
	} else {
		delete(s.causes, r.Domain)
	}
}

// Result returns the DNS result for an ASCII domain, if it was checked.
func (s *Session) Result(domain string) (resolver.Result, bool) {
	r, ok := s.results[domain]
	return r, ok
}

// Check asks c about every domain of the session and applies the results
// as they stream in (see Checks), calling progress (if not nil) after each
// with the total known so far. It returns when all are done or ctx is
// cancelled; domains left unchecked give their rows the reason
// not_checked. It ends by judging every row.
func (s *Session) Check(ctx context.Context, c DomainChecker, progress func(r resolver.Result, done, total int)) {
	s.applyChecks(ctx, c, progress)
	s.JudgeAll()
}

// CheckAndRemember is Check, then Remember with h and run, as
// JudgeAndRemember does them; with h nil, or ctx cancelled, it is Check.
func (s *Session) CheckAndRemember(ctx context.Context, c DomainChecker, progress func(r resolver.Result, done, total int), h *history.History, run time.Time) {
	// What h holds of the list's domains is read while they are checked.
	var ld historyLoad
	var loading sync.WaitGroup
	if h != nil {
		loading.Go(func() { ld = s.loadHistory(h) })
	}
	s.applyChecks(ctx, c, progress)
	loading.Wait()
	if h == nil || ctx.Err() != nil { // an interrupted run is not recorded
		s.JudgeAll()
		return
	}
	s.judgeAndRecall(func() recalled { return s.recall(h, run, ld) })
}

// applyChecks is Check but for judging the rows.
func (s *Session) applyChecks(ctx context.Context, c DomainChecker, progress func(r resolver.Result, done, total int)) {
	if !s.dns {
		return
	}
	done := 0
	for r := range s.Checks(ctx, c) {
		s.Apply(r.Result)
		done++
		if progress != nil {
			progress(r.Result, done, r.Total)
		}
	}
}

// Checked is a domain's DNS result as Checks streams it, with the number
// of domains to check known so far: the rows' own, and the candidate
// corrections asked about until then.
type Checked struct {
	resolver.Result
	Total int
}

// Checks asks c about every domain of the session and streams the results
// as they come, without applying them: the caller applies each (Apply)
// from the goroutine that owns the session, and may do so while the
// checks run, since Checks reads nothing that Apply, Judge or a decision
// changes. The rows' own domains are asked at once; the candidate
// corrections that the verdicts can use (see corrections) as they are
// found: those of the malformed cases once the Suggester is made, those
// of an own domain once its result is in, found on another goroutine, so
// that the checks never wait for the Suggester. All go to c as one
// stream, so that every result shares the checker's rounds of proof and
// second try. The channel is closed when all are done, or when ctx is
// cancelled; it is closed at once when DNS is off.
func (s *Session) Checks(ctx context.Context, c DomainChecker) <-chan Checked {
	out := make(chan Checked, 64)
	if !s.dns {
		close(out)
		return out
	}
	in := make(chan []string, 1)
	in <- s.domains
	early := newHeldQueue()
	results := c.CheckStreamHeld(ctx, in, early.add)
	go func() {
		defer close(out)
		s.stream(ctx, in, results, early, out)
	}()
	return out
}

// heldQueue passes the results a checker holds for a probe round from its
// goroutines to the loop of Checks, without ever blocking them.
type heldQueue struct {
	mu    sync.Mutex
	rs    []resolver.Result
	ready chan struct{} // holds a token while rs is not empty
}

func newHeldQueue() *heldQueue { return &heldQueue{ready: make(chan struct{}, 1)} }

func (q *heldQueue) add(r resolver.Result) {
	q.mu.Lock()
	q.rs = append(q.rs, r)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take returns the results added since the last take.
func (q *heldQueue) take() []resolver.Result {
	q.mu.Lock()
	defer q.mu.Unlock()
	rs := q.rs
	q.rs = nil
	return rs
}

// stream is the loop of Checks: it passes on the results, hands the own
// domains' results to the finder of their candidates, and sends the
// candidates' domains on in, closing it once no more can come.
func (s *Session) stream(ctx context.Context, in chan<- []string, results <-chan resolver.Result, early *heldQueue, out chan<- Checked) {
	var pending []string // candidates' domains not yet sent on in
	asked := make(map[string]bool)
	// The own domains whose held result went to the finder early, and
	// those whose failing result came before the early one was taken:
	// each goes to the finder once.
	earlyFound, failedIn := make(map[string]bool), make(map[string]bool)

	// The finder takes the own domains' results, as many as wait at a
	// time, and sends the domains of the candidates they need, those of
	// the malformed cases first. One result at a time, the hand-offs cost
	// a tenth of the checks' CPU at 50,000 domains.
	needs := make(chan []outcome)
	found := make(chan []string)
	go func(needs <-chan []outcome) {
		defer close(found)
		corr := s.corrections()
		found <- corr.badDomains()
		for rs := range needs {
			var ds []string
			for _, r := range rs {
				ds = append(ds, corr.needs(r)...)
			}
			found <- ds
		}
	}(needs)
	var queue []outcome // own results for the finder

	total, ownLeft := len(s.domains), len(s.domains)
	for results != nil {
		var send chan<- []outcome
		if len(queue) > 0 {
			send = needs
		}
		var feed chan<- []string
		if len(pending) > 0 {
			feed = in
		}
		select {
		case r, ok := <-results:
			if !ok {
				results = nil
				break
			}
			if _, own := s.domainAt[r.Domain]; own {
				ownLeft--
				held := !r.Status.Routes() && !r.Status.Temporary()
				if held && !earlyFound[r.Domain] {
					failedIn[r.Domain] = true
				}
				if ctx.Err() == nil && !(held && earlyFound[r.Domain]) {
					queue = append(queue, outcome{r.Domain, r.Status})
				}
			}
			select {
			case out <- Checked{Result: r, Total: total}:
			case <-ctx.Done():
			}
		case <-early.ready:
			for _, r := range early.take() {
				if _, own := s.domainAt[r.Domain]; own && needs != nil && ctx.Err() == nil && !failedIn[r.Domain] && !earlyFound[r.Domain] {
					earlyFound[r.Domain] = true
					queue = append(queue, outcome{r.Domain, r.Status})
				}
			}
		case send <- queue:
			queue = nil
		case feed <- pending:
			pending = nil
		case ds, ok := <-found:
			if !ok {
				found = nil
				break
			}
			for _, d := range ds {
				if _, own := s.domainAt[d]; d != "" && !own && !asked[d] {
					asked[d] = true
					pending = append(pending, d)
				}
			}
			total = len(s.domains) + len(asked)
		}
		if (ownLeft == 0 || ctx.Err() != nil) && len(queue) == 0 && needs != nil {
			close(needs)
			needs = nil
		}
		if found == nil && len(pending) == 0 && in != nil {
			close(in)
			in = nil
		}
	}
	// Cancelled: the finder may still be at work.
	if needs != nil {
		close(needs)
	}
	if found != nil {
		for range found {
		}
	}
}

// JudgeAll gives every row its verdict from the results applied so far.
// Duplicates are judged after the address itself: a repeated address is a
// duplicate only if it parsed cleanly. The user's evidence (Suppress) is
// weighed last: an address it suppresses is suppressed whatever DNS said,
// and even if it repeats an earlier row.
//
// Every clean address at one domain is judged alike, and so is every
// malformed address without a syntax fix at one domain (its corrections
// depend on the domain alone), so each such domain is judged once; only
// the suggestion is made per row, from the row's local part.
func (s *Session) JudgeAll() {
	const (
		alone     = -1 // judged on its own: a malformed address with a syntax fix
		duplicate = -2
		unkeyed   = -3 // its key is to be looked up
	)
	slot := make([]int32, len(s.Rows)) // index in keys, or alone or duplicate
	index := make(map[judgeKey]int32)
	var keys []judgeKey
	// NewSession numbered the rows' own domains: they are the first keys,
	// and a clean row's key needs no looking up. Most rows are such rows
	// or duplicates, sorted out on all processors; the keys of the others
	// are looked up in a second pass, in order.
	if s.rowDomain != nil {
		keys = make([]judgeKey, len(s.domains))
		for k, d := range s.domains {
			keys[k] = judgeKey{domain: d}
		}
	}
	parallelFor(len(s.Rows), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			switch r := &s.Rows[i]; {
			case r.DupOf >= 0:
				slot[i] = duplicate
			case r.Addr().Reason == "" && s.rowDomain != nil:
				slot[i] = s.rowDomain[i]
			case r.Addr().Reason != "" && r.Addr().Fix != "":
				slot[i] = alone
			default:
				slot[i] = unkeyed
			}
		}
	})
	for i, j := range slot {
		if j != unkeyed {
			continue
		}
		a := s.Rows[i].Addr()
		k := judgeKey{domain: a.ASCII}
		if a.Reason != "" {
			k = judgeKey{domain: domainOf(a), malformed: true}
		}
		j, ok := index[k]
		if !ok {
			j = int32(len(keys))
			index[k] = j
			keys = append(keys, k)
		}
		slot[i] = j
	}
	// A Stream's chunks share their domains: each is judged in the first
	// chunk it is in. Judged again in every chunk of 3 million rows with
	// DNS off, they took a quarter of the run's processor time, most of
	// it asking the Suggester about the same domains.
	judged := make([]domainVerdict, len(keys))
	todo := make([]int32, 0, len(keys))
	for j, k := range keys {
		if v, ok := s.judgedBefore[k]; ok {
			judged[j] = v
		} else {
			todo = append(todo, int32(j))
		}
	}
	parallelFor(len(todo), func(lo, hi int) {
		for _, j := range todo[lo:hi] {
			if k := keys[j]; k.malformed {
				judged[j].domain, judged[j].routes = s.correctDomainOf(k.domain)
			} else {
				judged[j] = s.judgeDomain(k.domain)
			}
		}
	})
	if s.judgedBefore != nil {
		for _, j := range todo {
			s.judgedBefore[keys[j]] = judged[j]
		}
	}
	// The few suggestions are gathered per part of the rows, then kept by
	// row.
	var (
		mu        sync.Mutex
		suggested []rowSuggestion
	)
	parallelFor(len(s.Rows), func(lo, hi int) {
		var mine []rowSuggestion
		for i := lo; i < hi; i++ {
			r := &s.Rows[i]
			var (
				reason Reason
				sugg   string
			)
			switch j := slot[i]; j {
			case duplicate:
				reason, r.SuggestionRoutes = ReasonDuplicate, false
			case alone:
				reason, sugg, r.SuggestionRoutes = s.judge(r.Addr())
			default:
				v, a := judged[j], r.Addr()
				reason, sugg, r.SuggestionRoutes = v.reason, v.suggestion(a), v.routes
				if a.Reason != "" {
					reason = Reason(a.Reason)
				} else {
					reason = withRole(reason, r.addr.Local())
				}
			}
			r.setReason(reason)
			s.weigh(r, &sugg)
			r.setSuggested(sugg != "")
			if sugg != "" {
				mine = append(mine, rowSuggestion{row: i, suggestion: sugg})
			}
		}
		if len(mine) > 0 {
			mu.Lock()
			suggested = append(suggested, mine...)
			mu.Unlock()
		}
	})
	s.suggestions = make(map[int]string, len(suggested))
	for _, rs := range suggested {
		s.suggestions[rs.row] = rs.suggestion
	}
}

// rowSuggestion is a row's suggestion, as JudgeAll gathers them.
type rowSuggestion struct {
	row        int
	suggestion string
}

// Suggestion returns the correction suggested for row i, a whole address;
// "" when none is likely (Row.HasSuggestion).
func (s *Session) Suggestion(i int) string { return s.suggestions[i] }

// A Judgement is the verdict on an address standing alone (Session.Judge):
// a Row, with its suggestion.
type Judgement struct {
	Row
	Suggestion string // a whole corrected address, "" when none is likely
}

// Judge gives the verdict on an address as if it stood on its own row,
// from the results applied so far: the TUI uses it for an edited address.
func (s *Session) Judge(raw string) Judgement {
	a := address.Parse(raw)
	reason, sugg, routes := s.judge(a)
	j := Judgement{Row: NewRow(a)}
	j.setReason(reason)
	j.SuggestionRoutes = routes
	s.weigh(&j.Row, &sugg)
	j.Suggestion = sugg
	j.setSuggested(sugg != "")
	return j
}

// Unchecked returns the ASCII domain of raw when it parses cleanly and has
// not been checked yet, so that the caller can check it before Judge.
func (s *Session) Unchecked(raw string) (string, bool) {
	a := address.Parse(raw)
	if a.Reason != "" || !s.dns {
		return "", false
	}
	_, checked := s.results[a.ASCII]
	return a.ASCII, !checked
}

// judge returns the reason for an address and the correction to suggest,
// with whether that correction is known to route.
func (s *Session) judge(a address.Address) (Reason, string, bool) {
	if a.Reason != "" {
		sugg, routes := s.correctMalformed(a)
		return Reason(a.Reason), sugg, routes
	}
	v := s.judgeDomain(a.ASCII)
	return withRole(v.reason, a.Local()), v.suggestion(a), v.routes
}

// withRole returns the reason of a clean address whose domain was judged
// reason and whose local part is local: role when that names a role
// (address.IsRole) and nothing weightier is known. What DNS says cannot receive mail, a
// provider's typo and a disposable domain outrank a role; a role outranks
// what DNS does not know, since it is known without DNS.
func withRole(reason Reason, local string) Reason {
	switch reason {
	case ReasonOK, ReasonImplicitMX, ReasonDNSError, ReasonNotChecked:
		if address.IsRole(local) {
			return ReasonRole
		}
	}
	return reason
}

// domainVerdict is what a domain says about the addresses at it: the reason,
// and the corrected domain to suggest ("" for none) with whether it is known
// to route.
type domainVerdict struct {
	reason Reason
	domain string
	routes bool
}

// suggestion is the corrected address to suggest for a, or "".
func (v domainVerdict) suggestion(a address.Address) string {
	if v.domain == "" {
		return ""
	}
	return withDomain(a, v.domain)
}

// judgeDomain judges the addresses that parsed cleanly at an ASCII domain.
//
// The reasons, weightiest first: what DNS says cannot receive mail
// (nxdomain, no_mail, null_mx, bad_mx, with a correction if one routes); a
// provider's typo that routes (typo_suspect), a disposable service's
// typo of a provider included; a disposable-address service (disposable),
// known without DNS; then what DNS says or does not know (dns_error,
// not_checked, implicit_mx, ok). A role local part comes between the last
// two groups, per row (withRole).
func (s *Session) judgeDomain(ascii string) domainVerdict {
	res, checked := s.results[ascii]
	var v domainVerdict
	switch {
	case !checked && s.dns:
		v = domainVerdict{reason: ReasonNotChecked}
	case !checked:
		d, routes := s.correctDomainOf(ascii)
		v = domainVerdict{ReasonNotChecked, d, routes}
	case res.Status.Routes():
		if c, ok := s.suspect(ascii); ok && s.routes(c.Domain) {
			return domainVerdict{ReasonTypoSuspect, c.Domain, true}
		}
		v = domainVerdict{reason: reasonOfStatus[res.Status]}
	case res.Status.Temporary():
		v = domainVerdict{reason: ReasonDNSError}
	default:
		d, routes := s.correctDomainOf(ascii)
		return domainVerdict{reasonOfStatus[res.Status], d, routes}
	}
	if address.IsDisposable(ascii) {
		// A provider's typo stays one where DNS could not tell it routes
		// (gmial.com with DNS off keeps its suggestion).
		if _, typo := s.suspect(ascii); !typo {
			return domainVerdict{reason: ReasonDisposable}
		}
	}
	return v
}

// correctMalformed suggests a correction for an address that failed the
// syntax or domain-format checks: its syntax fix, if any, with the fixed
// domain corrected in turn when it does not route.
func (s *Session) correctMalformed(a address.Address) (string, bool) {
	if a.Fix == "" {
		return s.correctDomain(a)
	}
	f := address.Parse(a.Fix)
	if f.Reason != "" {
		return s.correctDomain(f)
	}
	if s.routes(f.ASCII) {
		if c, ok := s.suspect(f.ASCII); ok && s.routes(c.Domain) {
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
func (s *Session) correctDomain(a address.Address) (string, bool) {
	v := domainVerdict{}
	v.domain, v.routes = s.correctDomainOf(domainOf(a))
	return v.suggestion(a), v.routes
}

// correctDomainOf returns the first candidate correction of domain that
// routes, or "" when there is none.
func (s *Session) correctDomainOf(domain string) (string, bool) {
	for _, c := range s.suggest(domain) {
		if s.routes(c.Domain) {
			return c.Domain, true
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
	return !s.dns && address.IsProvider(domain)
}

// withDomain returns the address a with its domain replaced, normalised.
func withDomain(a address.Address, domain string) string {
	return address.Parse(a.Local() + "@" + domain).Email
}
