package address

import (
	"cmp"
	_ "embed"
	"math/bits"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Domain typo suggestions.
//
// Suggest compares a domain that does not route with two kinds of likely
// intent, and returns the candidates in this order:
//
//  1. Dictionary matches, fewest slips first, then by rank (providers in
//     the order of providers.txt, then the list's common domains by rows):
//     a well-known mailbox provider, or a domain common in the list being
//     cleaned, whose name is within a few edits of the typed name while the
//     typed suffix is the same or a slip of it (gmial.con, hotmail.ft,
//     yahoo.co.ukk, gmailc.om); whose name was typed under another of
//     .com, .net and .org (gmail.net); or, for a popular provider with a
//     single domain, whose exact name was typed under a country's suffix
//     (gmail.co.uk, gmail.com.br).
//  2. Repairs that keep what was typed, fewest edits first: a dot moved
//     (examplec.om), a suffix typed twice (gmx.de.de, x.com.com,
//     x.con.com, gmail.com.co, x.co.uk.co.uk), a suffix slip on any domain
//     (x.cmo, x.co.ukk, x.couk, x.co.ar for x.com.ar), and a provider on
//     .com, .net or .org whose name was typed under a suffix that does not
//     exist (gmial.cpn).
//
// A domain typed with Cyrillic or Greek letters that imitate Latin ones
// (gmаil.com with a Cyrillic а) is read with the Latin letters first
// (lookalike.go), and that domain is suggested in turn.
//
// A domain typed as one label is matched on its own (labelMatches): a
// dictionary domain with its dot dropped (webde, liberoit), or a name
// typed without its suffix (gmail, t-online, a company's name the list
// uses with one).
//
// The caller resolves the candidates and keeps the first that routes, so a
// later candidate that merely might exist costs a lookup at most; but the
// rules aim at a first candidate that is right, and at no candidate at all
// when the intent is a guess. What is never done: a suffix that exists is
// not replaced by another (yahoo.com.ar is not yahoo.com), except .com,
// .net and .org with a letter dropped (.co, .cm, .om, .ne, .et) or for
// each other, and the single domain of a popular provider; a country code
// that does not exist is not guessed from one or two letters (.ry could be
// .ru, .re or .rw); and a provider's name is not put under a suffix the
// provider does not use (gmai.co.uk does not become gmail.co.uk, which is
// not a Gmail domain).

// The sources of a Candidate.
const (
	SourceProvider = "provider" // near a well-known mailbox provider
	SourceTLD      = "tld"      // a top-level domain or suffix slip
	SourceList     = "list"     // near a domain common in the list
	// SourceLookalike is a domain typed with letters of another script
	// that imitate Latin ones, given with the Latin letters.
	SourceLookalike = "lookalike"
)

// A domain is common in a list when it has at least listMinRows rows, and
// so is another domain with some rows and the same name (left of the
// suffix) as a common domain (acmecorp.com with 8 rows beside acmecorp.net
// with 11): a company's domains count together, so that the domain a slip
// most likely came from is offered rather than the more frequent one. A
// common domain is offered for a near miss only when it has more rows than
// the near miss and its name listRatio times as many, so that two real
// domains of similar weight (acme.com and acne.com) are never merged. A
// domain of listMinRows rows is never Suspect: a list with dozens of rows
// at one domain is telling us that the domain is real for these
// subscribers.
const (
	listMinRows = 10
	listRatio   = 10
)

// Some rules only trust the first topProviders providers, the brands that
// people know by heart and typosquatters register near, and only names of
// at least minName letters: shorter ones (aol, gmx, live, mail) have
// real, unrelated domains one edit away (aim.com, gmc.com, love.com), and
// so have rarer providers (walla.com and the Arabic portal yalla.com;
// lycos.com and the Lycos of each country).
const (
	topProviders = 100
	minName      = 5
)

// Candidate is a corrected domain proposed for a domain that looks misspelled.
type Candidate struct {
	Domain string // the corrected domain, ASCII lower case
	Source string // "provider" (near a well-known mailbox provider), "tld" (a TLD/suffix slip), "list" (near a domain common in this list), "lookalike" (the Latin letters of lookalikes)
	Edits  int    // edit distance (optimal string alignment)
}

//go:embed providers.txt
var providersText string

//go:embed nearproviders.txt
var nearProvidersText string

// entry is a dictionary domain split at its public suffix.
type entry struct {
	domain string
	name   string // everything left of the suffix: "yahoo" in yahoo.co.uk
	suffix string // the ICANN public suffix: "co.uk"
	labels int    // labels in suffix
	order  int    // position in the dictionary: provider rank, then list rows
	count  int    // rows in the list; 0 for a provider
	// nameCount is the rows of the list's domains with the same name, of
	// two rows or more, providers aside; 0 for a provider.
	nameCount int

	nameSet, domainSet uint64 // byteSet of name and domain
}

var (
	providers        []entry         // in rank order
	providerRank     map[string]int  // domain to rank
	countryTLDs      []string        // two-letter TLDs of the providers, in rank order
	providerSuffixes []string        // suffixes of the providers, in rank order
	soleDomains      map[string]int  // name to the index in providers of its only domain: see init
	suspectOf        []int           // the indices in providers of the first topProviders providers with a name of minName letters or more
	nearProviders    map[string]bool // real domains one edit from a provider's: never Suspect
)

func init() {
	providerRank = make(map[string]int)
	seenTLD := make(map[string]bool)
	for line := range strings.Lines(providersText) {
		d := strings.TrimSpace(line)
		if d == "" || d[0] == '#' {
			continue
		}
		e, ok := newEntry(d, len(providers), nil)
		if !ok {
			panic("address: providers.txt: not a domain under a public suffix: " + d)
		}
		if _, dup := providerRank[d]; dup {
			panic("address: providers.txt: duplicate " + d)
		}
		providerRank[d] = e.order
		providers = append(providers, e)
		if !slices.Contains(providerSuffixes, e.suffix) {
			providerSuffixes = append(providerSuffixes, e.suffix)
		}
		tld := lastLabel(e.suffix)
		if len(tld) == 2 && !seenTLD[tld] {
			seenTLD[tld] = true
			countryTLDs = append(countryTLDs, tld)
		}
	}
	nearProviders = domainSet(nearProvidersText)
	// The first topProviders providers that have a single domain, on .com, .net or
	// .org, and a name of minName letters or more (gmail.com,
	// icloud.com, comcast.net).
	soleDomains = make(map[string]int)
	names := make(map[string]int)
	for _, e := range providers {
		names[e.name]++
	}
	for i, e := range providers[:min(topProviders, len(providers))] {
		if len(e.name) >= minName {
			suspectOf = append(suspectOf, i)
		}
		if names[e.name] == 1 && len(e.name) >= minName && isConfusedTLD(e.suffix) {
			soleDomains[e.name] = i
		}
	}
}

// source is the Candidate source of a match with e.
func (e *entry) source() string {
	if e.count > 0 {
		return SourceList
	}
	return SourceProvider
}

// newEntry splits d at its longest ICANN public suffix.
// suffixes is as for parseQueryKnown.
func newEntry(d string, order int, suffixes map[string]bool) (entry, bool) {
	q, ok := parseQueryKnown(d, suffixes)
	if !ok || q.real < 0 {
		return entry{}, false
	}
	sp := q.splits[q.real]
	return entry{domain: d, name: sp.name, suffix: sp.suffix, labels: q.real + 1, order: order,
		nameSet: sp.nameSet, domainSet: q.set}, true
}

// IsProvider reports whether domain is on the embedded list of well-known mailbox providers.
func IsProvider(domain string) bool {
	_, ok := providerRank[normalize(domain)]
	return ok
}

// ProviderRank returns domain's place on the embedded list of well-known
// mailbox providers, most popular first from 0, and whether it is there.
func ProviderRank(domain string) (int, bool) {
	rank, ok := providerRank[normalize(domain)]
	return rank, ok
}

// Suggester proposes corrections; it knows the list's domain frequencies.
type Suggester struct {
	counts   map[string]int
	suffixes map[string]bool // isSuffix of the suffixes of the list's domains
	all      []entry         // providers and the list's common domains, by suffix then order
	names    []dictName      // the distinct names of all

	// Deletion neighbourhoods, for finding the entries near a typed domain
	// without comparing it with all: byName has the deletions hash of
	// every string left by deleting up to two bytes of a name, to the name
	// (index in names), and byDomain up to one byte of a domain, to the
	// entry (index in all). Two strings within k edits (optimal string
	// alignment) leave a common string when each loses at most k bytes: a
	// substitution or a swap costs a deletion on both sides, an insertion
	// one on one side.
	byName, byDomain neighbours

	// What byName gives for the deletions of each name in names, and
	// byDomain for those of each domain in all: a typed domain is often
	// in the dictionary, and this is cheaper to find out once for all
	// than by a look at the neighbourhoods for each of its deletions.
	nameIndex, domainIndex map[string]int32 // to the index in names, in all
	nameNear, domainNear   [][]int32
}

// neighbours maps deletion hashes to the indices of the strings they
// came from, in flat arrays that are quick to build: the pairs sorted by
// bucket, a hash's top bits once mixed. A hash collision only adds a
// string to compare, and so does a fingerprint that matches another hash:
// a pair keeps only the low 32 bits of its hash.
type neighbours struct {
	start []uint32 // start[b] is the first pair of bucket b; start[b+1] ends it
	pairs []uint64 // the low 32 bits of a hash, then its id
	shift uint     // a hash's bucket is in its top 64-shift bits once mixed
	// filter is a blocked Bloom filter: each hash sets three bits of one
	// word, so that most hashes of a typed domain, which are of no string,
	// are rejected by one look at an array small enough to stay in cache.
	filter []uint64
	fshift uint // a hash's word of filter is in its top 64-fshift bits once mixed
}

// filterBitsPerHash is the size of the filter, in bits per hash (rounded up to
// a power of two words).
const filterBitsPerHash = 8

// newNeighbours indexes ids[k] under hashes[k].
func newNeighbours(hashes []uint64, ids []int32) neighbours {
	n := neighbours{pairs: make([]uint64, len(hashes)), shift: 63, fshift: 64}
	for 1<<(64-n.shift) < len(hashes) {
		n.shift--
	}
	for 1<<(64-n.fshift)*64 < len(hashes)*filterBitsPerHash {
		n.fshift--
	}
	n.start = make([]uint32, 1<<(64-n.shift)+1)
	n.filter = make([]uint64, 1<<(64-n.fshift))
	for _, h := range hashes {
		n.start[n.bucket(h)+1]++
		w, mask := n.filterBits(h)
		n.filter[w] |= mask
	}
	for b := 1; b < len(n.start); b++ {
		n.start[b] += n.start[b-1]
	}
	next := slices.Clone(n.start)
	for k, h := range hashes {
		b := n.bucket(h)
		n.pairs[next[b]] = h<<32 | uint64(uint32(ids[k]))
		next[b]++
	}
	return n
}

// mix spreads the bits of a deletion hash into its top bits.
func mix(h uint64) uint64 {
	return h * 0x9e3779b97f4a7c15
}

// bucket is the bucket of h.
func (n *neighbours) bucket(h uint64) uint64 {
	return mix(h) >> n.shift
}

// filterBits returns the word of the filter that h is in, and its bits there.
func (n *neighbours) filterBits(h uint64) (uint64, uint64) {
	m := mix(h)
	r := m << (64 - n.fshift) // the bits below the word's
	return m >> n.fshift, 1<<(r>>58) | 1<<(r>>52&63) | 1<<(r>>46&63)
}

// mayHave reports whether some string may be under h: false for most
// hashes that are of none.
func (n *neighbours) mayHave(h uint64) bool {
	w, mask := n.filterBits(h)
	return n.filter[w]&mask == mask
}

// get appends to dst the ids under h, but not one that dst ends with.
func (n *neighbours) get(dst []int32, h uint64) []int32 {
	b := n.bucket(h)
	for _, p := range n.pairs[n.start[b]:n.start[b+1]] {
		if p>>32 == h&(1<<32-1) && (len(dst) == 0 || dst[len(dst)-1] != int32(p)) {
			dst = append(dst, int32(p))
		}
	}
	return dst
}

// groups returns for each id below ids what lookup would give for the
// strings that id is indexed under: the ids under the same bucket and
// fingerprint as any of its pairs, in order, once each. It returns nil
// when working that out would take more than groupsBudget ids (or eight
// a pair): with many strings alike, as in a list of short names, it grows
// with the square of their number. lookup then finds them for each query,
// as for a string not in the dictionary.
func (n *neighbours) groups(ids int) [][]int32 {
	// Each two pairs in a bucket with the same fingerprint (in both
	// orders, and each with itself), counted then placed by the first's id.
	budget := max(groupsBudget, 8*len(n.pairs))
	start := make([]int, ids+1)
	total := 0
	for b := 0; b+1 < len(n.start); b++ {
		ps := n.pairs[n.start[b]:n.start[b+1]]
		for _, p := range ps {
			for _, q := range ps {
				if p>>32 == q>>32 {
					start[int32(p)+1]++
					total++
				}
			}
		}
		if total > budget {
			return nil
		}
	}
	for i := 1; i <= ids; i++ {
		start[i] += start[i-1]
	}
	flat := make([]int32, start[ids])
	next := slices.Clone(start[:ids])
	for b := 0; b+1 < len(n.start); b++ {
		ps := n.pairs[n.start[b]:n.start[b+1]]
		for _, p := range ps {
			for _, q := range ps {
				if p>>32 == q>>32 {
					flat[next[int32(p)]] = int32(q)
					next[int32(p)]++
				}
			}
		}
	}
	// Each group sorted and compacted, into one array of their size: flat,
	// with its repeats, is not kept.
	groups := make([][]int32, ids)
	size := 0
	for i := range groups {
		g := flat[start[i]:start[i+1]]
		slices.Sort(g)
		groups[i] = slices.Compact(g)
		size += len(groups[i])
	}
	kept := make([]int32, 0, size)
	for i, g := range groups {
		k := len(kept)
		kept = append(kept, g...)
		groups[i] = kept[k:len(kept):len(kept)]
	}
	return groups
}

// groupsBudget is the most ids neighbours.groups works out (16 MB)
// unless the index has more than an eighth of that in pairs.
const groupsBudget = 4 << 20

// lookup appends to dst the ids under the deletions hashes of s, with up
// to k bytes deleted: the filter is looked at for all of them first, looks
// that the processor can make at once, and the pairs only for those that
// pass.
func (n *neighbours) lookup(dst []int32, s string, k int) []int32 {
	var buf [512]uint64
	hs := deletions(buf[:0], s, k)
	pass := 0
	for _, h := range hs {
		hs[pass] = h
		if n.mayHave(h) {
			pass++
		}
	}
	for _, h := range hs[:pass] {
		dst = n.get(dst, h)
	}
	return dst
}

// dictName is a name of the dictionary.
type dictName struct {
	entries  []int32 // indices in Suggester.all of the entries with the name
	provider bool    // some of them is a provider
}

// Rows returns the number of rows at domain (ASCII) that NewSuggester was given.
func (s *Suggester) Rows(domain string) int { return s.counts[normalize(domain)] }

// NewSuggester takes the number of rows per domain (ASCII) in the list being cleaned.
func NewSuggester(counts map[string]int) *Suggester {
	s := &Suggester{counts: make(map[string]int, len(counts)), suffixes: make(map[string]bool)}
	for d, n := range counts {
		s.counts[normalize(d)] += n
	}
	// Whether each suffix of the list's domains is a public suffix: these
	// are the domains Suggest and Suspect are asked about, and a few
	// hundred suffixes are most of their labels.
	for d := range s.counts {
		for i := strings.IndexByte(d, '.'); i >= 0; {
			suffix := d[i+1:]
			if _, ok := s.suffixes[suffix]; ok {
				break // and so are the shorter ones
			}
			s.suffixes[suffix] = isSuffix(suffix)
			j := strings.IndexByte(suffix, '.')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	// The names of the common domains, with the rows of the domains of the
	// list with one of them: a company's other domains count with it, once
	// they have a few rows (most domains of a long list have one).
	nameRows := make(map[string]int)
	for d, n := range s.counts {
		if n >= listMinRows && !IsProvider(d) {
			nameRows[s.nameOf(d)] = 0
		}
	}
	var common []entry
	for d, n := range s.counts {
		if n < 2 || IsProvider(d) {
			continue
		}
		name := s.nameOf(d)
		rows, sibling := nameRows[name]
		if !sibling {
			continue
		}
		nameRows[name] = rows + n
		if e, ok := newEntry(d, 0, s.suffixes); ok {
			e.count = n
			common = append(common, e)
		}
	}
	for i := range common {
		common[i].nameCount = nameRows[common[i].name]
	}
	slices.SortFunc(common, func(a, b entry) int {
		return cmp.Or(cmp.Compare(b.count, a.count), strings.Compare(a.domain, b.domain))
	})
	all := slices.Concat(providers, common) // a copy: it is sorted below
	for i := range all {
		all[i].order = i
	}
	// By suffix, so that the entries a typed domain is compared with come
	// a suffix at a time.
	slices.SortFunc(all, func(a, b entry) int {
		return cmp.Or(strings.Compare(a.suffix, b.suffix), cmp.Compare(a.order, b.order))
	})
	s.all = all
	names, domains := 0, 0 // deletions, at most
	for _, e := range all {
		names += 1 + len(e.name) + len(e.name)*(len(e.name)-1)/2
		domains += 1 + len(e.domain)
	}
	nameHashes, nameIDs := make([]uint64, 0, names), make([]int32, 0, names)
	domainHashes, domainIDs := make([]uint64, 0, domains), make([]int32, 0, domains)
	nameIndex := make(map[string]int32)
	s.domainIndex = make(map[string]int32, len(all))
	for i, e := range all {
		n, ok := nameIndex[e.name]
		if !ok {
			n = int32(len(s.names))
			nameIndex[e.name] = n
			s.names = append(s.names, dictName{})
			k := len(nameHashes)
			nameHashes = distinctFrom(deletions(nameHashes, e.name, 2), k)
			for range nameHashes[k:] {
				nameIDs = append(nameIDs, int32(n))
			}
		}
		s.names[n].entries = append(s.names[n].entries, int32(i))
		s.names[n].provider = s.names[n].provider || e.count == 0
		if e.count > 0 && e.count < listMinRows {
			// Another domain of a common domain's name: found through
			// the name, not by a dot moved in its domain (which costs
			// building an index of its deletions).
			continue
		}
		s.domainIndex[e.domain] = int32(i)
		k := len(domainHashes)
		domainHashes = distinctFrom(deletions(domainHashes, e.domain, 1), k)
		for range domainHashes[k:] {
			domainIDs = append(domainIDs, int32(i))
		}
	}
	s.byName = newNeighbours(nameHashes, nameIDs)
	s.byDomain = newNeighbours(domainHashes, domainIDs)
	s.nameIndex = nameIndex
	s.nameNear = s.byName.groups(len(s.names))
	s.domainNear = s.byDomain.groups(len(s.all))
	return s
}

// nameOf returns what is left of a domain of the list's (one of
// s.counts) when its longest public suffix is cut off, or "" when it has
// none.
func (s *Suggester) nameOf(d string) string {
	for i := strings.IndexByte(d, '.'); i >= 0; {
		if s.suffixes[d[i+1:]] {
			return d[:i]
		}
		j := strings.IndexByte(d[i+1:], '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return ""
}

// eligible reports whether e may be offered for a domain of typed rows:
// a provider always, a list domain when it has more rows and its name
// listRatio times as many.
func eligible(e *entry, typed int) bool {
	return e.count == 0 || e.count > typed && e.nameCount >= listRatio*max(typed, 1)
}

// distinctFrom sorts hs[k:] and drops repeats from it: a string with a
// run of one letter (aaaa.com) leaves the same string by many deletions,
// and one pair per hash and string is enough.
func distinctFrom(hs []uint64, k int) []uint64 {
	slices.Sort(hs[k:])
	return hs[:k+len(slices.Compact(hs[k:]))]
}

// deletions appends to dst a hash of each string left by deleting up to
// k bytes (k at most 2) of s, possibly more than once: a polynomial hash,
// so that each takes a few operations on the prefix hashes of s.
func deletions(dst []uint64, s string, k int) []uint64 {
	const base = 0x100000001b3
	n := len(s)
	var pre, pow [254]uint64 // pre[i] hashes s[:i]; pow[i] is base to the i
	pow[0] = 1
	for i := range n {
		pre[i+1] = pre[i]*base + uint64(s[i])
		pow[i+1] = pow[i] * base
	}
	sub := func(a, b int) uint64 { return pre[b] - pre[a]*pow[b-a] }
	dst = append(dst, pre[n])
	for i := 0; k >= 1 && i < n; i++ {
		dst = append(dst, pre[i]*pow[n-i-1]+sub(i+1, n))
		for j := i + 1; k >= 2 && j < n; j++ {
			dst = append(dst, pre[i]*pow[n-i-2]+sub(i+1, j)*pow[n-j-1]+sub(j+1, n))
		}
	}
	return dst
}

// Suggest returns candidate corrections for a domain that does NOT route (or is malformed), best first; nil when none is likely. The caller keeps the first candidate whose domain routes.
func (s *Suggester) Suggest(domain string) []Candidate {
	d := normalize(domain)
	if plain, n, ok := withoutLookalikes(d); ok {
		return s.suggestPlain(plain, n)
	}
	typed := s.counts[d]
	var groups [][]rawCandidate
	suffix := "" // the typed public suffix, if any
	if label, ok := oneLabel(d); ok {
		groups = [][]rawCandidate{s.labelMatches(label, typed)}
	} else {
		q, ok := parseQueryKnown(d, s.suffixes)
		if !ok || IsProvider(d) {
			return nil
		}
		if q.real >= 0 {
			suffix = q.splits[q.real].suffix
		}
		m := matcher{q: q, s: s, typed: typed}
		groups = [][]rawCandidate{m.dictionaryMatches(), m.repairs()}
	}
	var out []Candidate
	for _, group := range groups {
		for k := range group {
			group[k].likeliness(d, suffix)
		}
		slices.SortStableFunc(group, compareCandidates)
		for _, f := range group {
			if f.domain != d && !slices.ContainsFunc(out, func(c Candidate) bool { return c.Domain == f.domain }) {
				out = append(out, Candidate{Domain: f.domain, Source: f.source, Edits: f.edits})
			}
		}
	}
	return out
}

// suggestPlain returns the candidates for a domain typed with n lookalike
// letters of another script, given as plain, the domain with the Latin
// letters they imitate: plain itself when it can be a domain, then what
// Suggest gives for plain, each n slips further.
func (s *Suggester) suggestPlain(plain string, n int) []Candidate {
	var out []Candidate
	if ok, _, _ := checkDomain(plain); ok {
		src := SourceLookalike
		switch {
		case IsProvider(plain):
			src = SourceProvider
		case s.counts[plain] > 0:
			src = SourceList
		}
		out = append(out, Candidate{Domain: plain, Source: src, Edits: n})
	}
	for _, c := range s.Suggest(plain) {
		c.Edits += n
		out = append(out, c)
	}
	return out
}

// oneLabel reports whether d is a single label of letters, digits and
// hyphens (gmail, webde), and returns it.
func oneLabel(d string) (string, bool) {
	if d == "" || len(d) > maxLabel {
		return "", false
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return "", false
		}
	}
	return d, true
}

// labelMatches finds the dictionary domains that a domain typed as one
// label, with typed rows in the list, is a slip of: a domain of two labels
// with its dot dropped (webde, liberoit, t-onlinede), one slip; or a name
// of minName letters or more typed without its suffix (gmail, t-online, or
// a company's name the list uses with one), one slip plus the name's
// edits, as for a suffix cut short. A name gets the first of its domains
// (by rank, or the list's rows). Shorter labels are left alone: they are
// words too (mail, home, free, live), several providers share them, and
// they are as near longer names (mail and gmail). The other domains of a
// common domain's name are not indexed by their deletions, and so are
// not found with their dot dropped.
func (s *Suggester) labelMatches(label string, typed int) []rawCandidate {
	var found []rawCandidate
	add := func(e *entry, cost int) {
		found = append(found, rawCandidate{domain: e.domain, suffix: e.suffix, source: e.source(), cost: cost,
			edits: within(label, e.domain, len(label)+len(e.domain)), order: e.order})
	}
	var hash [1]uint64
	var buf [256]int32
	for _, i := range s.byDomain.get(buf[:0], deletions(hash[:0], label, 0)[0]) {
		if e := &s.all[i]; e.labels == 1 && e.name+e.suffix == label && eligible(e, typed) {
			add(e, 1)
		}
	}
	set := byteSet(label)
	names := s.nearNames(buf[:0], label)
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		var best *entry
		for _, i := range s.names[n].entries {
			if e := &s.all[i]; eligible(e, typed) && (best == nil || e.order < best.order) {
				best = e
			}
		}
		if best == nil || len(best.name) < minName || len(label) < minName {
			continue
		}
		if allow := nameAllow(label, best.name); withinSets(label, best.name, set, best.nameSet, allow) <= allow {
			add(best, 1+within(label, best.name, allow))
		}
	}
	return found
}

// Suspect reports a near miss of a well-known provider for a domain that DOES route (typosquatters such as gmial.com): strict — a provider itself, a domain common in the list, or a real domain that merely sits near a provider (nearproviders.txt) is never suspect.
//
// The domain must be registered directly under its suffix (no
// subdomain) and read as one slip of one of the first topProviders
// providers whose name has at least minName letters: its name one edit
// from the provider's under the very same suffix, the first letter kept
// (people seldom mistype it, and real domains often share the rest of a
// provider's name: cloud.com, 11mail.com); or the provider's exact name
// under its .com, .net or .org with a letter dropped (hotmail.om,
// outlook.cm, gmail.ne), country domains whose registries have answered
// for any name and hold no one's mailbox at a provider's name. Not .co,
// which many companies use as a generic suffix of their own.
//
// A domain of a disposable-address service (IsDisposable) is nobody's own
// domain, and the services register typos of providers to catch their
// mail (gmial.com, duam.net): one is suspect when its name is one edit
// from that of any provider under the same suffix, the first letter kept,
// as the suggester allows for names of three letters or more (duam.net is
// daum.net).
func (s *Suggester) Suspect(domain string) (Candidate, bool) {
	d := normalize(domain)
	if IsProvider(d) || nearProviders[d] || s.counts[d] >= listMinRows {
		return Candidate{}, false
	}
	if plain, n, ok := withoutLookalikes(d); ok {
		if IsProvider(plain) {
			return Candidate{Domain: plain, Source: SourceProvider, Edits: n}, true
		}
		return Candidate{}, false
	}
	q, ok := parseQueryKnown(d, s.suffixes)
	if !ok || q.real < 0 {
		return Candidate{}, false
	}
	sp := q.splits[q.real]
	if strings.Contains(sp.name, ".") {
		return Candidate{}, false
	}
	for _, i := range suspectOf {
		e := &providers[i]
		switch {
		case e.suffix == sp.suffix:
			if sp.name[0] != e.name[0] || withinSets(sp.name, e.name, sp.nameSet, e.nameSet, 1) != 1 {
				continue
			}
		case sp.name == e.name:
			if sp.suffix == "co" || !isConfusedTLD(e.suffix) || len(sp.suffix) != len(e.suffix)-1 || within(sp.suffix, e.suffix, 1) != 1 {
				continue
			}
		default:
			continue
		}
		return Candidate{Domain: e.domain, Source: SourceProvider, Edits: 1}, true
	}
	// Only a listed domain itself can be read so: a subdomain of one has a
	// dot in its name.
	if disposableVerdicts()[d] {
		for i := range providers {
			if e := &providers[i]; e.suffix == sp.suffix && nameEdits(len(e.name)) > 0 && sp.name[0] == e.name[0] &&
				withinSets(sp.name, e.name, sp.nameSet, e.nameSet, 1) == 1 {
				return Candidate{Domain: e.domain, Source: SourceProvider, Edits: 1}, true
			}
		}
	}
	return Candidate{}, false
}

// rawCandidate is a candidate before ordering.
type rawCandidate struct {
	domain string
	suffix string // its public suffix, when known ("" for a repair's)
	source string
	cost   int // slips as the dictionary matching counts them, or edits for a repair
	edits  int // the optimal string alignment distance (osa) from the typed domain
	order  int // dictionary or suffix rank: breaks the last ties

	// How likely the slip is beyond its cost, as likeliness finds it:
	// each true makes it less likely.
	firstLetter   bool // the first letter was not typed first (nor second, after a neighbouring key or in a swap)
	suffixChanged bool // the typed suffix is not kept
	keyFar        bool // one letter typed for another that is not next to it on a keyboard
}

// likeliness fills in how likely the slip from the typed domain d, whose
// public suffix is suffix ("" when it has none), to c is.
func (c *rawCandidate) likeliness(d, suffix string) {
	c.firstLetter = d[0] != c.domain[0] && (len(d) < 2 || d[1] != c.domain[0] ||
		len(c.domain) < 2 || d[0] != c.domain[1] && !keysAdjacent(d[0], c.domain[0]))
	c.suffixChanged = suffix == "" || c.suffix != suffix
	c.keyFar = false
	if len(d) == len(c.domain) {
		diff := -1
		for i := 0; i < len(d); i++ {
			if d[i] != c.domain[i] {
				if diff >= 0 {
					return // more than one letter replaced
				}
				diff = i
			}
		}
		c.keyFar = diff >= 0 && !keysAdjacent(d[diff], c.domain[diff])
	}
}

// compareCandidates orders candidates by how likely their slip is: cost
// first, then the first letter typed (first, or second after a
// neighbouring key or in a swap: ygmail.com, mgail.com; gmail.de is
// gmail.com before mail.de), the typed suffix kept and a
// neighbouring key struck, and last by rank (providers by popularity, list
// domains by rows): how common the target is only breaks ties.
func compareCandidates(a, b rawCandidate) int {
	return cmp.Or(
		cmp.Compare(a.cost, b.cost),
		compareBool(a.firstLetter, b.firstLetter),
		compareBool(a.suffixChanged, b.suffixChanged),
		compareBool(a.keyFar, b.keyFar),
		cmp.Compare(a.order, b.order))
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// suffixSplit is a domain cut into name and suffix after some label.
type suffixSplit struct {
	name    string
	suffix  string
	real    bool   // suffix is an ICANN public suffix
	nameSet uint64 // byteSet(name)
}

// query is a domain prepared for matching.
type query struct {
	domain string
	set    uint64 // byteSet(domain)
	labels []string
	splits []suffixSplit // splits[m-1] has m labels in its suffix
	real   int           // index in splits of the longest real suffix, or -1
}

// normalize lower-cases domain and drops surrounding space and the dot
// that may end a fully qualified name.
func normalize(domain string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
}

// parseQuery prepares d, which must be at least two labels of letters, digits
// and hyphens; anything else is a syntax matter and gets no suggestion.
func parseQuery(d string) (query, bool) {
	return parseQueryKnown(d, nil)
}

// parseQueryKnown is parseQuery given isSuffix of some suffixes, to save
// asking again.
func parseQueryKnown(d string, suffixes map[string]bool) (query, bool) {
	if len(d) > 253 {
		return query{}, false
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return query{}, false
		}
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 || slices.Contains(labels, "") {
		return query{}, false
	}
	q := query{domain: d, set: byteSet(d), labels: labels, real: -1}
	cut := len(d)
	for m := 1; m < len(labels); m++ {
		cut = strings.LastIndexByte(d[:cut], '.')
		sp := suffixSplit{name: d[:cut], suffix: d[cut+1:], nameSet: byteSet(d[:cut])}
		real, ok := suffixes[sp.suffix]
		if !ok {
			real = isSuffix(sp.suffix)
		}
		sp.real = real
		if sp.real {
			q.real = m - 1
		}
		q.splits = append(q.splits, sp)
	}
	return q, true
}

// isSuffix reports whether s is an ICANN public suffix such as com, cm or
// co.uk (not a private one such as blogspot.com). It asks about a name one
// label under s; that label is one no registry uses, as some do use short
// ones (x.se is a Swedish county's suffix).
func isSuffix(s string) bool {
	ps, icann := publicsuffix.PublicSuffix("listclean-probe." + s)
	return icann && ps == s
}

// nameEdits is how many edits a name of n letters may take and still be
// taken for a slip: none for two letters (qq, me), one for three or four
// (aol, live), two from five on (gmila for gmail, htomali for hotmail).
// Three-letter names at two edits would reach a large share of all short
// domains, and three edits even on long names reach other real domains
// (mail2anne.com is three from mailfence.com).
func nameEdits(n int) int {
	switch {
	case n <= 2:
		return 0
	case n <= 4:
		return 1
	}
	return 2
}

// nameAllow is the number of edits that a typed name may be from a
// dictionary name: nameEdits of the dictionary name's length, but only
// one unless the first letter is right: people seldom mistype the first
// letter and then more, while other real domains often share the rest of
// a provider's name (11mail.com, apmail.com).
func nameAllow(typed, name string) int {
	allow := nameEdits(len(name))
	if allow > 1 && (typed == "" || typed[0] != name[0]) {
		return 1
	}
	return allow
}

// genericTLDs are the generic top-level domains that suffix repairs aim
// at, most used first.
var genericTLDs = []string{"com", "net", "org", "edu", "gov", "mil", "info", "biz"}

// secondLevels are the labels registries put under a country code, most
// used first (com.br, co.uk, ...).
var secondLevels = []string{"com", "co", "net", "org", "edu", "gov", "ac"}

// confusedTLDs are the three generic top-level domains people confuse
// with each other and shorten by a letter.
var confusedTLDs = []string{"com", "net", "org"}

// isConfusedTLD reports whether s is one of confusedTLDs (a switch:
// this runs for every dictionary suffix on every call).
func isConfusedTLD(s string) bool {
	switch s {
	case "com", "net", "org":
		return true
	}
	return false
}

// suffixSlip reports how many slips separate a typed suffix from want
// when the typed one can be a slip of it; tldReal says whether the typed
// top-level domain exists.
//
// A suffix that exists is trusted, except .com, .net and .org with a letter
// dropped (.co, .cm, .om, .ne, .et), and so is a top-level domain that
// exists under a second level that does not (com.ru is no slip of com.au).
// Otherwise the typed suffix may be one edit off; cut short (gmail.c,
// outlook.c), which counts as one slip however much is missing; or two
// edits off when want is a single label of three letters or more and the
// typed one is no longer (gmial.cpn, comcast.nry).
func suffixSlip(typed string, real, tldReal bool, want string) (int, bool) {
	switch {
	case typed == want:
		return 0, true
	case real:
		if isConfusedTLD(want) && len(typed) == len(want)-1 && within(typed, want, 1) == 1 {
			return 1, true
		}
		return 0, false
	case tldReal && lastLabel(typed) != lastLabel(want):
		return 0, false
	case strings.HasPrefix(want, typed):
		return 1, true
	}
	limit := 1
	if len(want) >= 3 && len(typed) <= len(want) && !strings.Contains(typed+want, ".") {
		limit = 2
	}
	n := within(typed, want, limit)
	return n, n <= limit
}

// lastLabel returns the part of d after its last dot.
func lastLabel(d string) string {
	return d[strings.LastIndexByte(d, '.')+1:]
}

// matcher matches one typed domain against a Suggester's dictionary.
type matcher struct {
	q     query
	s     *Suggester
	typed int // rows of the typed domain in the list
}

// eligible reports whether e may be offered for the typed domain.
func (m *matcher) eligible(e *entry) bool {
	return eligible(e, m.typed)
}

// nearNames appends to dst the names (indices in s.names) within two edits
// of name, and perhaps others and some more than once.
func (s *Suggester) nearNames(dst []int32, name string) []int32 {
	if n, ok := s.nameIndex[name]; ok && s.nameNear != nil {
		return append(dst, s.nameNear[n]...)
	}
	return s.byName.lookup(dst, name, 2)
}

// dictionaryMatches finds the dictionary domains that the typed one is a
// slip of, costed in slips: name edits plus one or two for the suffix.
//
// Every way of matching needs the typed domain within one edit of the
// entry's domain (a dot moved), or one of the typed names (left of each
// split) within two edits of the entry's name, so only the entries that
// the deletion neighbourhoods of these give are compared.
func (m *matcher) dictionaryMatches() []rawCandidate {
	q := &m.q
	var namesBuf, nearBuf [256]int32
	names, near := namesBuf[:0], nearBuf[:0]
	for _, sp := range q.splits {
		names = m.s.nearNames(names, sp.name)
	}
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		near = append(near, m.s.names[n].entries...)
	}
	if i, ok := m.s.domainIndex[q.domain]; ok && m.s.domainNear != nil {
		near = append(near, m.s.domainNear[i]...)
	} else {
		near = m.s.byDomain.lookup(near, q.domain, 1)
	}
	slices.Sort(near)
	var found []rawCandidate
	var ss suffixSlipSet // of the suffix of the last entry compared
	for _, i := range slices.Compact(near) {
		e := &m.s.all[i]
		if !m.eligible(e) {
			continue
		}
		if ss.suffix != e.suffix {
			ss = q.suffixSlips(e.suffix, e.labels)
		}
		if cost, ok := q.closeTo(e, ss.slips[:]); ok {
			found = append(found, q.found(e, cost))
		} else if ss.other {
			if n, ok := q.nameWithinOne(e); ok {
				found = append(found, q.found(e, n+1))
			}
		}
	}
	// A popular provider with a single domain, typed with its exact name
	// under the real suffix of some country (gmail.co.uk, gmail.com.br,
	// icloud.de): its users have no such addresses.
	if q.real >= 0 {
		sp := q.splits[q.real]
		if i, ok := soleDomains[sp.name]; ok && !isConfusedTLD(sp.suffix) {
			found = append(found, q.found(&providers[i], 1))
		}
	}
	return found
}

// suffixSlipSet says how q can be read under a dictionary suffix.
type suffixSlipSet struct {
	suffix string
	slips  [3]slip // the typed suffixes that are a slip of suffix
	other  bool    // q.otherGTLD(suffix)
}

// suffixSlips finds the typed suffixes, of one label less than suffix to
// one more, that are a slip of suffix, which has the given labels.
func (q *query) suffixSlips(suffix string, labels int) suffixSlipSet {
	ss := suffixSlipSet{suffix: suffix, other: q.otherGTLD(suffix)}
	for i := range ss.slips {
		k := labels - 1 + i // labels in the typed suffix
		if k < 1 || k > len(q.splits) {
			continue
		}
		sp := q.splits[k-1]
		cost, ok := suffixSlip(sp.suffix, sp.real, q.splits[0].real, suffix)
		ss.slips[i] = slip{split: k - 1, cost: cost, ok: ok}
	}
	return ss
}

// slip says whether the suffix of q.splits[split] is a slip of some
// dictionary suffix, and at what cost.
type slip struct {
	split, cost int
	ok          bool
}

// closeTo reports the cost of reading q as e when both the name and the
// suffix are near (gmial.con, hotmail.ft, yahoo.co.ukk, gmailc.om), given
// the typed suffixes that are a slip of e's.
func (q *query) closeTo(e *entry, slips []slip) (int, bool) {
	// One slip that moves, drops or adds a dot (gmailc.om, gmail.couk):
	// the splits cannot line those up.
	if abs(len(q.domain)-len(e.domain)) <= 1 && len(e.name) >= 3 &&
		withinSets(q.domain, e.domain, q.set, e.domainSet, 1) == 1 && dotsDiffer(q.domain, e.domain) {
		return 1, true
	}
	best, found := 0, false
	for _, sl := range slips {
		if !sl.ok {
			continue
		}
		sp := &q.splits[sl.split]
		allow := nameAllow(sp.name, e.name)
		if sl.cost > allow+1 {
			continue
		}
		budget := min(allow, allow+1-sl.cost)
		if n := withinSets(sp.name, e.name, sp.nameSet, e.nameSet, budget); n <= budget && (!found || n+sl.cost < best) {
			best, found = n+sl.cost, true
		}
	}
	return best, found
}

// dotsDiffer reports whether a and b have their dots in different places.
func dotsDiffer(a, b string) bool {
	for {
		i, j := strings.IndexByte(a, '.'), strings.IndexByte(b, '.')
		if i != j {
			return true
		}
		if i < 0 {
			return false
		}
		a, b = a[i+1:], b[j+1:]
	}
}

// otherGTLD reports whether q's top-level domain is one of .com, .net and
// .org and suffix is another: the name is then compared by nameWithinOne
// (gmail.net, hotmial.org).
func (q *query) otherGTLD(suffix string) bool {
	typed := q.splits[0].suffix
	return typed != suffix && isConfusedTLD(typed) && isConfusedTLD(suffix)
}

// nameWithinOne reports the edits from q's name, left of its top-level
// domain, to e's name, and whether they are none, or one when e's name is
// five letters or more: a whole suffix swapped is a bigger slip than a
// letter, so less is allowed on top.
func (q *query) nameWithinOne(e *entry) (int, bool) {
	limit := max(0, min(1, nameEdits(len(e.name))-1))
	n := withinSets(q.splits[0].name, e.name, q.splits[0].nameSet, e.nameSet, limit)
	return n, n <= limit
}

// found makes the candidate for a dictionary entry.
func (q *query) found(e *entry, cost int) rawCandidate {
	return rawCandidate{domain: e.domain, suffix: e.suffix, source: e.source(), cost: cost, edits: within(q.domain, e.domain, len(q.domain)+len(e.domain)), order: e.order}
}

// repairs proposes corrections that keep part of what was typed: suffix
// repairs of the typed name, and the providers and common domains on .com,
// .net or .org whose name was typed under a suffix that does not exist
// (gmail.edd gives gmail.edu first, one edit, then gmail.com). A suffix
// repair is dropped when the name it keeps is a near miss of a provider's:
// it would only carry the misspelling over (gmial.cpn gives gmail.com, not
// gmial.cn).
func (m *matcher) repairs() []rawCandidate {
	q := &m.q
	var found []rawCandidate
	add := func(domain, suffix, source string, order int) {
		n := within(q.domain, domain, len(q.domain)+len(domain))
		found = append(found, rawCandidate{domain: domain, suffix: suffix, source: source, cost: n, edits: n, order: order})
	}
	var buf [256]int32
	if sp := q.splits[0]; !sp.real {
		names := m.s.nearNames(buf[:0], sp.name)
		slices.Sort(names)
		for _, n := range slices.Compact(names) {
			for _, i := range m.s.names[n].entries {
				e := &m.s.all[i]
				if allow := nameAllow(sp.name, e.name); isConfusedTLD(e.suffix) && m.eligible(e) && withinSets(sp.name, e.name, sp.nameSet, e.nameSet, allow) <= allow {
					add(e.domain, e.suffix, e.source(), e.order)
				}
			}
		}
	}
	for _, r := range q.suffixRepairs() {
		if m.s.nearProviderName(buf[:0], r.name) {
			continue
		}
		src := SourceTLD
		if IsProvider(r.domain) {
			src = SourceProvider
		}
		add(r.domain, "", src, len(m.s.all)+r.order) // after any dictionary entry
	}
	return found
}

// nearProviderName reports whether name is within reach of a provider's
// name without being one; buf is room for nearNames.
func (s *Suggester) nearProviderName(buf []int32, name string) bool {
	names := s.nearNames(buf, name)
	for _, n := range names {
		if s.names[n].provider && s.all[s.names[n].entries[0]].name == name {
			return false
		}
	}
	set := byteSet(name)
	for _, n := range names {
		if p := &s.all[s.names[n].entries[0]]; s.names[n].provider {
			if allow := nameAllow(name, p.name); withinSets(name, p.name, set, p.nameSet, allow) <= allow {
				return true
			}
		}
	}
	return false
}

// suffixRepair is a suffix repair: the name it keeps, the repaired domain and
// the rank of the suffix it got.
type suffixRepair struct {
	name   string
	domain string
	order  int
}

// suffixRepairs fixes the end of q while keeping its name.
func (q *query) suffixRepairs() []suffixRepair {
	var out []suffixRepair
	n := len(q.labels)
	last := q.labels[n-1]
	add := func(name, suffix string, order int) {
		out = append(out, suffixRepair{name: name, domain: name + "." + suffix, order: order})
	}
	// A dot one letter too far right: examplec.om, comcastn.et.
	if name := q.splits[0].name; len(name) >= 2 && name[len(name)-2] != '.' {
		if t := name[len(name)-1:] + last; slices.Contains(genericTLDs, t) {
			add(name[:len(name)-1], t, 0)
		}
	}
	// A suffix typed twice (gmx.de.de, x.com.com, x.co.uk.co.uk), or a
	// generic top-level domain typed twice with one copy slipped
	// (x.con.com, x.com.co).
	if n >= 3 {
		prev := q.labels[n-2]
		switch {
		case prev == last:
			add(q.splits[1].name, last, 0)
		case n >= 5 && q.labels[n-4] == prev && q.labels[n-3] == last && isSuffix(prev+"."+last):
			add(q.splits[3].name, prev+"."+last, 0)
		default:
			for _, g := range []string{prev, last} {
				if isConfusedTLD(g) && within(prev, last, 1) <= 1 {
					add(q.splits[1].name, g, 0)
					break
				}
			}
		}
	}
	// The last label alone, unless it sits under a second level such as
	// the co of co.uk: the two-label repairs below handle those.
	if n == 2 || !slices.Contains(secondLevels, q.labels[n-2]) {
		for i, t := range topLevelRepairs(last, q.splits[0].real) {
			add(q.splits[0].name, t, 1+i)
		}
	}
	// Two labels: a slipped country code under a second level, giving a
	// suffix that providers use (co.ukk, co.lp, com.vr: com.br, not the
	// equally near com.fr), or a slipped second level, which is a short
	// label, under a country code (co.ar, gob.br, ed.br; not onet.pl).
	if n >= 3 && !q.splits[1].real {
		name, sld := q.splits[1].name, q.labels[n-2]
		switch {
		case q.splits[0].real && len(sld) <= 3:
			for i, s := range secondLevels {
				if s != sld && within(sld, s, 1) <= 1 && isSuffix(s+"."+last) {
					add(name, s+"."+last, 1+i)
				}
			}
		case slices.Contains(secondLevels, sld):
			for i, suf := range providerSuffixes {
				cc, ok := strings.CutPrefix(suf, sld+".")
				if ok && !strings.Contains(cc, ".") && within(last, cc, 1) <= 1 {
					add(name, suf, 1+i)
				}
			}
		}
	}
	return out
}

// topLevelRepairs returns the top-level domains, most likely first, that
// a typed last label t (real or not) may be a slip of.
//
// A real top-level domain is trusted unless it is .com, .net or .org with
// a letter dropped (.co, .cm, .om, .ne, .et). One that does not exist may
// be one edit from a generic top-level domain (.cmo, .nte, .orgg, .c0m);
// a country code with one letter too many (.dek, .itt, .ukk); or a country
// code under a second level that lost its dot (.couk, .comau). A one- or
// two-letter label that does not exist is not turned into a country code:
// one edit from it lands on several (.ry is as near .ru as .re and .rw).
func topLevelRepairs(t string, real bool) []string {
	var out []string
	if real {
		for _, g := range confusedTLDs {
			if len(t) == len(g)-1 && within(t, g, 1) == 1 {
				out = append(out, g)
			}
		}
		return out
	}
	for _, g := range genericTLDs {
		if within(t, g, 1) == 1 {
			out = append(out, g)
		}
	}
	if len(t) == 3 {
		for _, cc := range countryTLDs {
			if within(t, cc, 1) == 1 {
				out = append(out, cc)
			}
		}
	}
	for i := 1; i < len(t); i++ {
		if s := t[:i] + "." + t[i:]; slices.Contains(secondLevels, t[:i]) && isSuffix(s) {
			out = append(out, s)
		}
	}
	return out
}

// osa is the optimal string alignment distance between a and b when it
// is at most limit, and limit+1 otherwise: it gives up as soon as every
// alignment costs more than limit, which makes rejecting a far dictionary
// entry cheap. Domains are ASCII, so the matching code calls it on bytes.
func osa[E byte | rune](a, b []E, limit int) int {
	if abs(len(a)-len(b)) > limit {
		return limit + 1
	}
	// Three rows of the edit matrix, two back for the swap; on the stack
	// for the usual short domain.
	var buf [3 * 64]int
	rows := buf[:]
	if n := 3 * (len(b) + 1); n > len(buf) {
		rows = make([]int, n)
	}
	prev2, prev, cur := rows[:len(b)+1], rows[len(b)+1:2*(len(b)+1)], rows[2*(len(b)+1):3*(len(b)+1)]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}

// within is osa on two ASCII strings. It first compares which bytes
// the two contain, a bound that rejects most dictionary entries without
// filling the matrix: every byte of a that b lacks costs an edit (a swap
// moves bytes but never removes one), and so does every byte of b that a
// lacks.
func within(a, b string, limit int) int {
	if abs(len(a)-len(b)) > limit {
		return limit + 1
	}
	return withinSets(a, b, byteSet(a), byteSet(b), limit)
}

// withinSets is within given the byte sets of a and b.
func withinSets(a, b string, sa, sb uint64, limit int) int {
	if abs(len(a)-len(b)) > limit || bits.OnesCount64(sa&^sb) > limit || bits.OnesCount64(sb&^sa) > limit {
		return limit + 1
	}
	return osa([]byte(a), []byte(b), limit)
}

// byteSet maps the letters, digits, hyphens and dots in s to bits; other
// bytes all share one bit.
func byteSet(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z':
			m |= 1 << (c - 'a')
		case '0' <= c && c <= '9':
			m |= 1 << (26 + c - '0')
		case c == '-':
			m |= 1 << 36
		case c == '.':
			m |= 1 << 37
		default:
			m |= 1 << 38
		}
	}
	return m
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
