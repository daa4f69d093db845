package address

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// osaDistance is the optimal string alignment distance between two
// strings of letters: insert, delete, substitute, and a swap of two
// adjacent letters each count as one edit.
func osaDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	return osa(ra, rb, max(len(ra), len(rb)))
}

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"gmail", "", 5},
		{"", "abc", 3},
		{"gmail", "gmail", 0},
		{"gmial", "gmail", 1},  // a swap is one edit
		{"ab", "ba", 1},        // swap at the start
		{"gmai", "gmail", 1},   // delete
		{"gmaill", "gmail", 1}, // insert
		{"gnail", "gmail", 1},  // substitute
		{"htomali", "hotmail", 2},
		{"ca", "abc", 3}, // OSA edits no substring twice; Damerau-Levenshtein gives 2
		{"kitten", "sitting", 3},
		{"gmailc.om", "gmail.com", 1},
		{"bücher.de", "bucher.de", 1}, // letters, not bytes
	}
	for _, tt := range tests {
		if got := osaDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := osaDistance(tt.b, tt.a); got != tt.want {
			t.Errorf("osaDistance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestSuggestFirstCandidate(t *testing.T) {
	tests := []struct {
		typo, want, source string
	}{
		{"gmial.com", "gmail.com", SourceProvider},
		{"hotmial.com", "hotmail.com", SourceProvider},
		{"yahooo.com", "yahoo.com", SourceProvider},
		{"example.cmo", "example.com", SourceTLD},
		{"gmail.con", "gmail.com", SourceProvider},
		{"outlook.co", "outlook.com", SourceProvider},
		{"yahoo.co.ukk", "yahoo.co.uk", SourceProvider},
		{"GMIAL.COM.", "gmail.com", SourceProvider},  // normalised
		{"gmailc.om", "gmail.com", SourceProvider},   // a moved dot
		{"gmila.com", "gmail.com", SourceProvider},   // two edits on a five-letter name
		{"gmial.con", "gmail.com", SourceProvider},   // name and suffix
		{"gmial.cpn", "gmail.com", SourceProvider},   // not gmial.cn
		{"gmail.net", "gmail.com", SourceProvider},   // .com, .net and .org confused
		{"gmail.c", "gmail.com", SourceProvider},     // cut short
		{"hotmail.ft", "hotmail.fr", SourceProvider}, // ties go to the more popular provider
		{"yahoo.co.k", "yahoo.co.uk", SourceProvider},
		{"hotmail.com.uk", "hotmail.co.uk", SourceProvider},
		{"aol.co", "aol.com", SourceProvider},
		{"qq.con", "qq.com", SourceProvider}, // a short name keeps its suffix slips
		{"me.co", "me.com", SourceProvider},
		{"example.cm", "example.com", SourceTLD}, // .cm is real: kept only if example.cm does not route
		{"example.ocm", "example.com", SourceTLD},
		{"example.nte", "example.net", SourceTLD},
		{"example.orgg", "example.org", SourceTLD},
		{"example.dek", "example.de", SourceTLD},
		{"example.couk", "example.co.uk", SourceTLD},
		{"example.co.ul", "example.co.uk", SourceTLD},
		{"example.co.ar", "example.com.ar", SourceTLD},
		{"example.com.vr", "example.com.br", SourceTLD},
		{"examplec.om", "example.com", SourceTLD},
		{"example.con.com", "example.com", SourceTLD},
		{"gmail.com.co", "gmail.com", SourceProvider},
		{"gmx.de.de", "gmx.de", SourceProvider}, // a country's suffix typed twice
		{"web.de.de", "web.de", SourceProvider},
		{"yahoo.co.uk.uk", "yahoo.co.uk", SourceProvider},
		{"yahoo.co.uk.co.uk", "yahoo.co.uk", SourceProvider},
		{"example.fr.fr", "example.fr", SourceTLD},
		{"example.com.au.com.au", "example.com.au", SourceTLD},
		{"gmail.co.uk", "gmail.com", SourceProvider},  // Gmail has one domain
		{"gmail.com.br", "gmail.com", SourceProvider}, // and a popular one
		{"gmail.de", "gmail.com", SourceProvider},     // beats email.de, as near
		{"gmail.edd", "gmail.edu", SourceTLD},         // gmail.com follows
	}
	s := NewSuggester(nil)
	for _, tt := range tests {
		got := s.Suggest(tt.typo)
		if len(got) == 0 || got[0].Domain != tt.want || got[0].Source != tt.source {
			t.Errorf("Suggest(%q) = %v, want first %s (%s)", tt.typo, got, tt.want, tt.source)
			continue
		}
		if got[0].Edits != osaDistance(normalize(tt.typo), tt.want) {
			t.Errorf("Suggest(%q)[0].Edits = %d, want the OSA distance", tt.typo, got[0].Edits)
		}
	}
}

func TestSuggestNothing(t *testing.T) {
	tests := []struct {
		domain, why string
	}{
		{"ymail.com", "a provider"},
		{"mail.com", "a provider"},
		{"email.com", "a provider"},
		{"gmx.com", "a provider"},
		{"me.com", "a provider"},
		{"qq.com", "a provider"},
		{"hotmail.co.uk", "a provider"},
		{"yahoo.com.ar", "a provider"},
		{"", "empty"},
		{"mail", "a one-label word of four letters: mail.com, mail.ru or gmail.com"},
		{"aol", "a one-label name of three letters"},
		{"localhost", "nothing near"},
		{"admin", "nothing near"},
		{"gmail..com", "empty label"},
		{"gmail,com", "not a domain character"},
		{"example.ry", "one edit from .ru, .re and .rw alike"},
		{"example.de", "a real country code is trusted"},
		{"gmai.co.uk", "gmail.co.uk is not a Gmail domain, and two slips with a country's suffix swapped is too far"},
		{"lycos.co.uk", "the single-domain rule is for the most popular providers only"},
		{"qqq.com", "two-letter names take no edits"},
		{"xq.com", "nothing near"},
	}
	s := NewSuggester(nil)
	for _, tt := range tests {
		if got := s.Suggest(tt.domain); got != nil {
			t.Errorf("Suggest(%q) = %v, want nil (%s)", tt.domain, got, tt.why)
		}
	}
}

// TestSuggestOneLabel: a domain typed as one label, the provider's or a
// company's name without its suffix, or with the dot before a country code
// dropped.
func TestSuggestOneLabel(t *testing.T) {
	tests := []struct {
		label, want, source string
	}{
		{"gmail", "gmail.com", SourceProvider},
		{"GMAIL", "gmail.com", SourceProvider},
		{"gmail.", "gmail.com", SourceProvider}, // as Parse leaves a trailing dot
		{"yahoo", "yahoo.com", SourceProvider},  // the first of Yahoo's domains
		{"icloud", "icloud.com", SourceProvider},
		{"naver", "naver.com", SourceProvider},
		{"t-online", "t-online.de", SourceProvider},
		{"hotmail", "hotmail.com", SourceProvider},
		{"outlook", "outlook.com", SourceProvider},
		{"gmial", "gmail.com", SourceProvider}, // and misspelt
		{"brightwaterlabs", "brightwaterlabs.com", SourceList},
		{"brightwaterlab", "brightwaterlabs.com", SourceList},
		{"webde", "web.de", SourceProvider}, // the dot before a country code dropped
		{"liberoit", "libero.it", SourceProvider},
		{"orangefr", "orange.fr", SourceProvider},
		{"gmxde", "gmx.de", SourceProvider},
		{"yandexru", "yandex.ru", SourceProvider},
		{"t-onlinede", "t-online.de", SourceProvider},
		{"hotmailfr", "hotmail.fr", SourceProvider},
	}
	s := NewSuggester(map[string]int{"brightwaterlabs.com": 70, "brightwaterlabs.co.uk": 12})
	for _, tt := range tests {
		got := s.Suggest(tt.label)
		if len(got) == 0 || got[0].Domain != tt.want || got[0].Source != tt.source {
			t.Errorf("Suggest(%q) = %v, want first %s (%s)", tt.label, got, tt.want, tt.source)
		}
	}
	// A company's name the list uses too rarely is nobody's intent for sure.
	if got := NewSuggester(map[string]int{"brightwaterlabs.com": listMinRows - 1}).Suggest("brightwaterlabs"); got != nil {
		t.Errorf("Suggest(brightwaterlabs) with %d rows at brightwaterlabs.com = %v, want nil", listMinRows-1, got)
	}
}

// TestProvidersUntouched checks every embedded provider: none is ever
// corrected or suspect, whatever its neighbours.
func TestProvidersUntouched(t *testing.T) {
	s := NewSuggester(nil)
	for _, e := range providers {
		if got := s.Suggest(e.domain); got != nil {
			t.Errorf("Suggest(%q) = %v, want nil", e.domain, got)
		}
		if c, ok := s.Suspect(e.domain); ok {
			t.Errorf("Suspect(%q) = %v, want false", e.domain, c)
		}
	}
}

func TestIsProvider(t *testing.T) {
	for _, d := range []string{"gmail.com", "GMAIL.COM", "gmail.com.", "gmx.de", "web.de", "orange.fr", "libero.it", "yahoo.co.uk", "qq.com", "naver.com", "ymail.com", "mail.com", "email.com", "gmx.com", "me.com", "hotmail.co.uk"} {
		if !IsProvider(d) {
			t.Errorf("IsProvider(%q) = false, want true", d)
		}
	}
	for _, d := range []string{"", "gmial.com", "gmail", "example.com", "gmail.co.uk"} {
		if IsProvider(d) {
			t.Errorf("IsProvider(%q) = true, want false", d)
		}
	}
	if n := len(providers); n < 300 || n > 1000 {
		t.Errorf("providers.txt has %d providers, want a few hundred", n)
	}
	if providerRank["gmail.com"] != 0 {
		t.Errorf("gmail.com has rank %d, want 0", providerRank["gmail.com"])
	}
}

func TestSuggestList(t *testing.T) {
	tests := []struct {
		name   string
		counts map[string]int
		typo   string
		want   string // first candidate, "" for none
		source string
	}{
		{"common beside rare", map[string]int{"northwindtraders.com": 400, "northwindtrader.com": 1}, "northwindtrader.com", "northwindtraders.com", SourceList},
		{"not in the counts", map[string]int{"northwindtraders.com": 400}, "northwindtrader.com", "northwindtraders.com", SourceList},
		{"suffix slip too", map[string]int{"northwindtraders.com": 400}, "northwindtrader.cmo", "northwindtraders.com", SourceList},
		{"exactly the ratio", map[string]int{"northwindtraders.com": 400, "northwindtrader.com": 40}, "northwindtrader.com", "northwindtraders.com", SourceList},
		{"ratio not met", map[string]int{"northwindtraders.com": 400, "northwindtrader.com": 41}, "northwindtrader.com", "", ""},
		{"too few rows", map[string]int{"northwindtraders.com": listMinRows - 1}, "northwindtrader.com", "", ""},
		{"mixed case keys", map[string]int{"NorthwindTraders.com": 400}, "northwindtrader.com", "northwindtraders.com", SourceList},
		{"provider first", map[string]int{"gmaio.com": 400}, "gmial.com", "gmail.com", SourceProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewSuggester(tt.counts).Suggest(tt.typo)
			switch {
			case tt.want == "" && got != nil:
				t.Errorf("Suggest(%q) = %v, want nil", tt.typo, got)
			case tt.want != "" && (len(got) == 0 || got[0].Domain != tt.want || got[0].Source != tt.source):
				t.Errorf("Suggest(%q) = %v, want first %s (%s)", tt.typo, got, tt.want, tt.source)
			}
		})
	}
}

func TestSuggesterSuspect(t *testing.T) {
	tests := []struct {
		domain string
		counts map[string]int
		want   string // the provider it is a near miss of, "" for not suspect
	}{
		{"gmial.com", nil, "gmail.com"},
		{"GMIAL.COM", nil, "gmail.com"},
		{"hotmial.com", nil, "hotmail.com"},
		{"yaho.com", nil, "yahoo.com"},
		{"hotmial.co.uk", nil, "hotmail.co.uk"},
		{"gmail.com", nil, ""},                             // a provider
		{"ymail.com", nil, ""},                             // a provider one edit from gmail.com
		{"gmial.com", map[string]int{"gmial.com": 50}, ""}, // common in the list
		{"gmial.com", map[string]int{"gmial.com": listMinRows - 1}, "gmail.com"},
		{"gmila.com", nil, ""}, // two edits: only one is allowed on a domain that routes
		{"gmail.co", nil, ""},  // .co is many companies' generic suffix
		{"hotmail.om", nil, "hotmail.com"},
		{"outlook.om", nil, "outlook.com"},
		{"gmail.cm", nil, "gmail.com"},
		{"comcast.ne", nil, "comcast.net"},
		{"hotmial.om", nil, ""},    // two slips
		{"hotmail.de", nil, ""},    // a provider
		{"hotmail.ch", nil, ""},    // a country's suffix is no slip of .com
		{"cloud.com", nil, ""},     // first letter: icloud.com
		{"qmail.com", nil, ""},     // first letter: gmail.com
		{"vahoo.com", nil, ""},     // first letter: yahoo.com
		{"mgail.com", nil, ""},     // a swap that moves the first letter
		{"uymail.com", nil, ""},    // first letter: ymail.com
		{"libera.it", nil, ""},     // nearproviders.txt: one letter from libero.it
		{"earthling.net", nil, ""}, // nearproviders.txt: one letter from earthlink.net
		// Disposable-address services that registered a provider's typo:
		// any provider's name of three letters or more, one edit away.
		{"hotmai.com", nil, "hotmail.com"},
		{"duam.net", nil, "daum.net"},
		{"wallm.com", nil, "walla.com"},
		{"dual.net", nil, ""},       // not disposable: daum's name is under five letters
		{"yopmail.com", nil, ""},    // disposable, but two edits from ymail.com
		{"tmail.com", nil, ""},      // disposable, but the first letter of gmail.com
		{"mailinator.com", nil, ""}, // disposable, near nothing
		{"aim.com", nil, ""},        // a provider
		{"aom.com", nil, ""},        // near aol.com, but three letters is too short to tell
		{"lve.com", nil, ""},        // near live.com, four letters
		{"mail.gmial.com", nil, ""}, // a subdomain
		{"gial.edu", nil, ""},
		{"walla.co.il", nil, ""},
		{"yalla.com", nil, ""}, // one edit from walla.com, not a top provider
		{"example.com", nil, ""},
		{"", nil, ""},
	}
	for _, tt := range tests {
		c, ok := NewSuggester(tt.counts).Suspect(tt.domain)
		switch {
		case tt.want == "" && ok:
			t.Errorf("Suspect(%q) with counts %v = %v, want false", tt.domain, tt.counts, c)
		case tt.want != "" && (!ok || c.Domain != tt.want || c.Source != SourceProvider || c.Edits != 1):
			t.Errorf("Suspect(%q) = %v, %v, want %s", tt.domain, c, ok, tt.want)
		}
	}
}

// benchSuggester is a Suggester of a list with 300 common domains, random
// names under a few suffixes, for the benchmarks.
func benchSuggester() *Suggester {
	r := rand.New(rand.NewPCG(1, 2))
	counts := make(map[string]int)
	for len(counts) < 300 {
		name := make([]byte, 5+r.IntN(10))
		for i := range name {
			name[i] = byte('a' + r.IntN(26))
		}
		counts[string(name)+[]string{".com", ".net", ".org", ".co.uk", ".de"}[r.IntN(5)]] = 10 + r.IntN(500)
	}
	return NewSuggester(counts)
}

// TestNearProviders checks the embedded list of real domains near a
// provider: each is one edit from a provider's domain (else its line would
// say nothing), none is a provider (which is never suspect anyway), and
// none is Suspect.
func TestNearProviders(t *testing.T) {
	if len(nearProviders) == 0 {
		t.Fatal("nearproviders.txt lists no domain")
	}
	s := NewSuggester(nil)
	for d := range nearProviders {
		near := slices.ContainsFunc(providers, func(e entry) bool { return within(d, e.domain, 1) == 1 })
		if !near || IsProvider(d) {
			t.Errorf("nearproviders.txt: %s is a provider or not one edit from one", d)
		}
		if c, ok := s.Suspect(d); ok {
			t.Errorf("Suspect(%q) = %v, want false", d, c)
		}
	}
}

// BenchmarkSuggest runs Suggest over a mix of typos, domains near nothing
// and company domains, with 300 common domains in the list.
func BenchmarkSuggest(b *testing.B) {
	s := benchSuggester()
	domains := []string{
		"gmial.com", "hotmial.co.uk", "yahoo.cmo", "example.co.ukk", "northwind.con",
		"acme-industries.com", "mail.example.org", "xn--bcher-kva.de", "gmail.edd", "qwertyuiop.net",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Suggest(domains[i%len(domains)])
	}
}

// BenchmarkSuspect runs Suspect over the kind of domains that route, as a
// list's rows give them: providers, company domains, a subdomain, an
// international domain and typosquats.
func BenchmarkSuspect(b *testing.B) {
	s := benchSuggester()
	domains := []string{
		"gmail.com", "gmial.com", "yahoo.co.uk", "acme-industries.com", "mail.example.org",
		"xn--bcher-kva.de", "northwindtraders.com", "hotmail.om", "qwertyuiop.net", "cloud.com",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Suspect(domains[i%len(domains)])
	}
}

// TestSuggestGroupsAsLookups: what NewSuggester works out once for the
// dictionary's own names and domains gives Suggest and Suspect the same
// answers as looking each query up, on a dictionary of names alike (runs
// of one letter, which leave one string by many deletions, and near
// neighbours) and on slips of them.
func TestSuggestGroupsAsLookups(t *testing.T) {
	counts := make(map[string]int)
	for _, c := range "abcm" {
		for n := 3; n <= 40; n++ {
			counts[strings.Repeat(string(c), n)+".com"] = []int{1, 10, 100, 1000}[n%4] * 10
		}
	}
	for _, d := range []string{"northwind", "northwinds", "nortwind", "northwnd", "nothwind", "northwind-traders"} {
		counts[d+".com"] = []int{1, 10, 100, 1000}[len(d)%4] * 10
	}
	r := rand.New(rand.NewPCG(1, 2))
	var queries []string
	for d := range counts {
		queries = append(queries, d)
	}
	for _, d := range []string{"gmail.com", "outlook.com", "mailbox.org", "acme-widgets.co.uk", "northwind.com"} {
		counts[d] = 50
		queries = append(queries, d)
	}
	for range 2000 {
		d := []byte(queries[r.IntN(len(queries))])
		for range 1 + r.IntN(2) {
			i := r.IntN(len(d))
			switch r.IntN(3) {
			case 0:
				d = append(d[:i], d[i+1:]...)
			case 1:
				d[i] = byte('a' + r.IntN(26))
			default:
				d = append(d[:i], append([]byte{byte('a' + r.IntN(26))}, d[i:]...)...)
			}
		}
		queries = append(queries, string(d))
	}
	s := NewSuggester(counts)
	if s.nameNear == nil || s.domainNear == nil {
		t.Fatal("no groups worked out for a small dictionary")
	}
	lookups := *s
	lookups.nameNear, lookups.domainNear = nil, nil
	for _, q := range queries {
		if got, want := s.Suggest(q), lookups.Suggest(q); !slices.Equal(got, want) {
			t.Errorf("Suggest(%q) = %v with the groups, %v by lookups", q, got, want)
		}
		got, gotOK := s.Suspect(q)
		want, wantOK := lookups.Suspect(q)
		if got != want || gotOK != wantOK {
			t.Errorf("Suspect(%q) = %v, %v with the groups, %v, %v by lookups", q, got, gotOK, want, wantOK)
		}
	}
}

// TestSuggestGroupsBudget: a dictionary of thousands of short names alike,
// where the groups would grow with the square of their number, gets none,
// and Suggest looks its queries up instead.
func TestSuggestGroupsBudget(t *testing.T) {
	counts := make(map[string]int)
	for _, a := range "abcdefghijklmnopqrstuvwxyz" {
		for _, b := range "abcdefghijklmnopqrstuvwxyz" {
			for _, c := range "abcdefghij" {
				counts[string([]rune{a, b, c})+".com"] = 10
			}
		}
	}
	s := NewSuggester(counts)
	if s.nameNear != nil {
		n := 0
		for _, g := range s.nameNear {
			n += len(g)
		}
		t.Fatalf("groups of %d ids worked out for %d names alike", n, len(s.names))
	}
	if got := s.Suggest("abdd.com"); len(got) == 0 {
		t.Error("Suggest(abdd.com) found nothing among abd.com and its neighbours")
	}
}

// TestSuggestRanking: candidates are ranked by how likely the slip is
// (edits, the first letter typed, the typed suffix kept, a neighbouring
// key), and only then by how common the target is.
func TestSuggestRanking(t *testing.T) {
	tests := []struct {
		name   string
		counts map[string]int
		typo   string
		want   string
	}{
		// One swap with the suffix kept, against two slips to a domain with
		// more rows; acmecorp.com has fewer than listMinRows rows, but
		// its name has more.
		{"closer beats more rows", map[string]int{"acmecorp.com": 8, "acmecorp.net": 11, "acmecrop.com": 1}, "acmecrop.com", "acmecorp.com"},
		{"closer beats far more rows", map[string]int{"acmecorp.com": 20, "acmecorp.net": 300}, "acmecrop.com", "acmecorp.com"},
		{"net typed", map[string]int{"acmecorp.com": 300, "acmecorp.net": 20}, "acmecrop.net", "acmecorp.net"},
		// w is next to e, not to d: northwine.com, though northwind.com
		// has more rows; f is next to d.
		{"neighbouring key", map[string]int{"northwind.com": 300, "northwine.com": 100}, "northwinw.com", "northwine.com"},
		{"neighbouring key too", map[string]int{"northwind.com": 100, "northwine.com": 300}, "northwinf.com", "northwind.com"},
		{"equally near keys: rows", map[string]int{"northwind.com": 100, "northwine.com": 300}, "northwinr.com", "northwine.com"},
		{"stray key before the first letter", nil, "ygmail.com", "gmail.com"},
		{"first letter kept", nil, "gmail.de", "gmail.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewSuggester(tt.counts).Suggest(tt.typo)
			if len(got) == 0 || got[0].Domain != tt.want {
				t.Errorf("Suggest(%q) with %v = %v, want first %s", tt.typo, tt.counts, got, tt.want)
			}
		})
	}
	// A company's domain with too few rows of its own, or a name too rare,
	// is not offered.
	for _, counts := range []map[string]int{
		{"acmecorp.com": 1, "acmecorp.net": 11, "acmecrop.com": 1},
		{"acmecorp.com": 4, "acmecorp.net": 5, "acmecrop.com": 1},
	} {
		if got := NewSuggester(counts).Suggest("acmecrop.com"); len(got) > 0 && got[0].Domain == "acmecorp.com" {
			t.Errorf("Suggest(acmecrop.com) with %v = %v, want no acmecorp.com first", counts, got)
		}
	}
}

// TestCompareCandidates: at equal cost, a kept suffix comes before a
// changed one, whatever the rank.
func TestCompareCandidates(t *testing.T) {
	kept := rawCandidate{domain: "acme.de", suffix: "de", cost: 1, order: 9}
	changed := rawCandidate{domain: "acme.com", suffix: "com", cost: 1, order: 0}
	kept.likeliness("acne.de", "de")
	changed.likeliness("acne.de", "de")
	if compareCandidates(kept, changed) >= 0 {
		t.Errorf("acme.de after acme.com for acne.de: %+v, %+v", kept, changed)
	}
	changed.cost = 0
	if compareCandidates(kept, changed) <= 0 {
		t.Error("a costlier slip first")
	}
}

func TestKeysAdjacent(t *testing.T) {
	for _, p := range []string{"as", "sa", "qw", "qa", "az", "sx", "de", "dr", "fr", "ft", "fv", "fc", "mn", "mj", "mk", "op", "ol", "pl", "12", "1q", "0p", "yz", "wz", "aq", "io", "9o", "-p"} {
		if !keysAdjacent(p[0], p[1]) {
			t.Errorf("keysAdjacent(%q, %q) = false, want true", p[0], p[1])
		}
	}
	for _, p := range []string{"aa", "ad", "qs", "fe", "sc", "ae", "mo", "ml", "zm", "1w", ".a", "a."} {
		if keysAdjacent(p[0], p[1]) {
			t.Errorf("keysAdjacent(%q, %q) = true, want false", p[0], p[1])
		}
	}
}
