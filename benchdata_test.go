package main

// The generated world of the performance benchmarks (issue 5): a subscriber
// list with a Zipf-like spread of domains and the zone that answers for
// them. bench_test.go builds it in memory; scripts/bench.sh writes it to
// files through TestGenerateBenchData:
//
//	LISTCLEAN_GEN_DIR=dir go test -run '^TestGenerateBenchData$' .
//
// The generator is seeded, so both see the same list. Its size comes from
// LISTCLEAN_BENCH_ROWS and LISTCLEAN_BENCH_DOMAINS (default 1,000,000 rows
// over 50,000 domains); nothing large is committed.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/resolver"
	"github.com/listclean/listclean/resolver/dnstest"
)

// Environment variables read by the generator and the benchmarks.
const (
	genDirEnv     = "LISTCLEAN_GEN_DIR"       // TestGenerateBenchData writes the files here
	genRowsEnv    = "LISTCLEAN_BENCH_ROWS"    // rows of the list (default 1,000,000)
	genDomainsEnv = "LISTCLEAN_BENCH_DOMAINS" // distinct domains of the list (default 50,000)
)

// genSeed seeds every generated list.
const genSeed = 20250527

// genSize is the size of a generated list.
type genSize struct {
	rows, domains int
}

// genSizeFromEnv returns the size set by the environment, or 1,000,000 rows
// over 50,000 domains.
func genSizeFromEnv(tb testing.TB) genSize {
	tb.Helper()
	size := genSize{rows: 1_000_000, domains: 50_000}
	for _, v := range []struct {
		env string
		dst *int
	}{{genRowsEnv, &size.rows}, {genDomainsEnv, &size.domains}} {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				tb.Fatalf("%s=%q: want a positive number", v.env, s)
			}
			*v.dst = n
		}
	}
	return size
}

// genData is a generated list and the world it is checked against.
type genData struct {
	csv  []byte // the list: a Mailchimp-style export, UTF-8, CRLF
	zone string // zone text answering for its domains, without faults
	// domains are the distinct ASCII domains of the rows whose address
	// parses: exactly what DNS must be asked about.
	domains []string
	rows    int
}

// genProvider is a mailbox provider of the generated list: its share of the
// rows and its MX hosts.
type genProvider struct {
	domain string
	share  float64
	mx     []string
}

// genProviders are the few huge domains at the head of the distribution,
// about 58% of the rows, as in a consumer list.
var genProviders = []genProvider{
	{"gmail.com", 0.28, []string{"gmail-smtp-in.l.google.com", "alt1.gmail-smtp-in.l.google.com"}},
	{"yahoo.com", 0.08, []string{"mta5.am0.yahoodns.net", "mta6.am0.yahoodns.net"}},
	{"hotmail.com", 0.06, []string{"hotmail-com.olc.protection.outlook.com"}},
	{"outlook.com", 0.04, []string{"outlook-com.olc.protection.outlook.com"}},
	{"aol.com", 0.02, []string{"mx-aol.mail.gm0.yahoodns.net"}},
	{"icloud.com", 0.02, []string{"mx01.mail.icloud.com", "mx02.mail.icloud.com"}},
	{"gmx.de", 0.012, []string{"mx00.gmx.net", "mx01.gmx.net"}},
	{"web.de", 0.01, []string{"mx-ha02.web.de", "mx-ha03.web.de"}},
	{"live.com", 0.01, []string{"live-com.olc.protection.outlook.com"}},
	{"orange.fr", 0.008, []string{"smtp-in.orange.fr"}},
	{"comcast.net", 0.008, []string{"mx1a1.comcast.net", "mx2c1.comcast.net"}},
	{"msn.com", 0.006, []string{"msn-com.olc.protection.outlook.com"}},
	{"hotmail.co.uk", 0.006, []string{"eur.olc.protection.outlook.com"}},
	{"yahoo.co.uk", 0.005, []string{"mx-eu.mail.am0.yahoodns.net"}},
	{"libero.it", 0.004, []string{"smtp-in.libero.it"}},
	{"mail.ru", 0.004, []string{"mxs.mail.ru"}},
	{"qq.com", 0.003, []string{"mx1.qq.com", "mx2.qq.com"}},
	{"naver.com", 0.002, []string{"mx1.naver.com"}},
}

// genTypo is a misspelled provider domain, as lists collect them.
type genTypo struct {
	domain string
	kind   string // what the zone has for it: "mx" (a typosquatter), "a" (A only), "" (nothing)
}

// genTypos share genTypoShare of the rows. gmail.con has a top-level domain
// that does not exist, so it is never asked about.
var genTypos = []genTypo{
	{"gmial.com", "mx"}, {"gamil.com", "a"}, {"gmai.com", ""}, {"gmail.co", ""},
	{"gmail.con", ""}, {"hotmial.com", ""}, {"yahooo.com", ""}, {"outlok.com", ""},
	{"icloud.co", ""}, {"hotmail.con", ""}, {"yaho.com", "mx"}, {"gmx.dee", ""},
}

const genTypoShare = 0.004

// genBadTLD reports whether a typo's top-level domain does not exist.
func genBadTLD(domain string) bool {
	return strings.HasSuffix(domain, ".con") || strings.HasSuffix(domain, ".dee")
}

// genPools are the shared MX hosts of hosted mail (besides Google
// Workspace and Microsoft 365), with their weights.
var genPools = [][]string{
	{"mx1.emailsrvr.com", "mx2.emailsrvr.com"},
	{"mx.zoho.eu", "mx2.zoho.eu"},
	{"mx00.ionos.de", "mx01.ionos.de"},
	{"mx1.mail.ovh.net", "mx2.mail.ovh.net"},
	{"mail.protonmail.ch", "mailsec.protonmail.ch"},
	{"in1-smtp.messagingengine.com", "in2-smtp.messagingengine.com"},
	{"mx.yandex.net"},
	{"mx1.privateemail.com", "mx2.privateemail.com"},
	{"mxa.mailgun.org", "mxb.mailgun.org"},
	{"mx.hostinger.com"},
}

// The kinds of the long tail's domains, with their shares: most on hosted
// mail, shared hosts (Google Workspace, the pools) or a host per domain
// (Microsoft 365); some with a mail server of their own; some with a web
// site only (implicit MX); some gone (NXDOMAIN); a few null MX, no mail at
// all, or an MX host that does not exist.
var genTailKinds = []genShare{
	{"google", 0.40}, {"pool", 0.10}, {"m365", 0.16}, {"own", 0.12},
	{"aonly", 0.06}, {"gone", 0.14}, {"nullmx", 0.01}, {"nomail", 0.005}, {"badmx", 0.005},
}

// Words for the long tail's domain names and for people.
var (
	genWords = strings.Fields(`north wind trade river bend stone bridge maple oak cedar pine harbor
		lake hill valley summit peak field green blue red silver golden iron copper crystal bright
		clear swift quick smart prime nova terra aqua solar lunar star sky cloud rain snow frost
		sun moon ocean coast bay port haven grove park garden forest meadow brook creek spring well
		tech soft data net web app labs works studio design media press print build craft make home
		house farm food bake brew coffee tea wine shop store market trade goods supply parts tools
		health care clinic dental vision fit sport run bike sail fly travel tour trip road path way
		law legal tax audit finance capital invest fund trust bank credit insure group partners team
		global local city metro urban rural union alliance guild club society school academy learn`)
	genTLDs = []genShare{
		{"com", 0.55}, {"net", 0.07}, {"org", 0.07}, {"de", 0.06}, {"co.uk", 0.05}, {"fr", 0.04},
		{"it", 0.03}, {"nl", 0.03}, {"es", 0.02}, {"com.au", 0.02}, {"ca", 0.02}, {"io", 0.01},
		{"ch", 0.01}, {"se", 0.01}, {"com.br", 0.01},
	}
	genIDNWords = []string{"müller", "bäckerei", "café", "señor", "straße", "gärtner", "öko", "élan", "höhe", "küche"}
	genFirst    = strings.Fields(`James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth
		William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Zoë José Pádraig Saoirse
		Łukasz Ångström İlker Nguyễn François Søren Björn Chloé Renée Noël Mónica Jürgen Ana Luis Yuki
		Aarav Fatima Omar Wei Min-jun Olga Ivan Giulia Marco Lucía Mateo Emma Noah Olivia Liam Ava Ethan`)
	genLast = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
		Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Müller Schmidt
		Dubois Lefèvre Rossi Ferrari Núñez García Kowalski Nowak Johansson Andersen O'Brien Fitzgerald
		Brennan Delgado Cartwright Nakamura Tanaka Kim Park Chen Wang Singh Patel Ivanova Petrov Costa`)
	genCities = strings.Fields(`London Paris Berlin Madrid Rome Amsterdam Dublin Lisbon Vienna Zürich
		Stockholm Oslo Copenhagen Helsinki Warsaw Prague Budapest Athens Toronto Montréal Sydney Denver
		Austin Boston Chicago Seattle Portland Atlanta Miami Tokyo Seoul Mumbai São-Paulo Köln München`)
	genCountries = strings.Fields(`US GB FR DE IT ES NL IE PT AT CH SE NO DK FI PL CZ HU GR CA AU JP KR IN BR`)
	genTags      = []string{"Newsletter", "Customer", "Lead", "VIP", "Black Friday 2024", "Webinar", "Product updates"}
)

// genHeader is the generated list's header: a subset of a Mailchimp export.
var genHeader = []string{"Email Address", "First Name", "Last Name", "Company", "City", "CC",
	"MEMBER_RATING", "OPTIN_TIME", "LAST_CHANGED", "TAGS"}

// generate builds the list and its zone for size, deterministically.
func generate(size genSize) (*genData, error) {
	rng := rand.New(rand.NewPCG(genSeed, uint64(size.rows)<<32|uint64(size.domains)))
	tail := size.domains - len(genProviders) - len(genTypos)
	if tail < 1 {
		return nil, fmt.Errorf("at least %d domains are needed", len(genProviders)+len(genTypos)+1)
	}

	// Rows per domain: the providers by share, the typos evenly, and the
	// long tail one row each plus a Zipf share (weight 1/(rank+10)) of the
	// rest.
	counts := make([]int, 0, size.domains)
	used := 0
	for _, p := range genProviders {
		n := max(1, int(math.Round(p.share*float64(size.rows))))
		counts = append(counts, n)
		used += n
	}
	for range genTypos {
		n := max(1, int(genTypoShare*float64(size.rows))/len(genTypos))
		counts = append(counts, n)
		used += n
	}
	rest := size.rows - used - tail
	if rest < 0 {
		return nil, fmt.Errorf("%d rows are too few for %d domains", size.rows, size.domains)
	}
	cum := make([]float64, tail)
	total := 0.0
	for k := range tail {
		total += 1 / float64(k+10)
		cum[k] = total
	}
	tailCounts := make([]int, tail)
	for k := range tailCounts {
		tailCounts[k] = 1
	}
	for range rest {
		k := sort.SearchFloat64s(cum, rng.Float64()*total)
		tailCounts[min(k, tail-1)]++
	}
	counts = append(counts, tailCounts...)

	// Domains, in the order of counts, and the zone.
	var zone strings.Builder
	w := &genZone{b: &zone}
	zone.WriteString("; Generated by listclean's benchmark generator (benchdata_test.go).\n$TTL 300\n")
	names := make([]string, 0, size.domains) // as written in the list
	var domains []string                     // ASCII, for DNS
	provider := make([]bool, 0, size.domains)
	for _, p := range genProviders {
		names, provider = append(names, p.domain), append(provider, true)
		domains = append(domains, p.domain)
		w.mx(p.domain, p.mx...)
	}
	for _, t := range genTypos {
		names, provider = append(names, t.domain), append(provider, false)
		if !genBadTLD(t.domain) {
			domains = append(domains, t.domain)
		}
		switch t.kind {
		case "mx":
			w.mx(t.domain, genPools[0]...)
		case "a":
			w.a(t.domain)
		}
	}
	taken := map[string]bool{}
	for _, n := range names {
		taken[n] = true
	}
	for range tail {
		uni, ascii := genDomainName(rng, taken)
		names, provider = append(names, uni), append(provider, false)
		domains = append(domains, ascii)
		switch genPick(rng, genTailKinds) {
		case "google":
			w.mx(ascii, "aspmx.l.google.com", "alt1.aspmx.l.google.com")
		case "pool":
			w.mx(ascii, genPools[rng.IntN(len(genPools))]...)
		case "m365":
			w.mx(ascii, strings.ReplaceAll(ascii, ".", "-")+".mail.protection.outlook.com")
		case "own":
			w.mx(ascii, "mail."+ascii)
		case "aonly":
			w.a(ascii)
		case "gone":
			// nothing: NXDOMAIN
		case "nullmx":
			fmt.Fprintf(&zone, "%s. MX 0 .\n", ascii)
		case "nomail":
			fmt.Fprintf(&zone, "%s. TXT \"v=spf1 -all\"\n", ascii)
		case "badmx":
			fmt.Fprintf(&zone, "%s. MX 10 mx.gone.%s.\n", ascii, ascii)
		}
	}

	// Rows: each domain's count, shuffled. On provider rows, some addresses
	// repeat an earlier one (case changed) and some are syntax slips; the
	// other domains keep exactly their count of clean rows, so that the
	// list's distinct domains are the ones generated.
	assign := make([]int32, 0, size.rows)
	for d, n := range counts {
		for range n {
			assign = append(assign, int32(d))
		}
	}
	rng.Shuffle(len(assign), func(i, j int) { assign[i], assign[j] = assign[j], assign[i] })

	var buf bytes.Buffer
	buf.Grow(size.rows * 130)
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := cw.Write(genHeader); err != nil {
		return nil, err
	}
	emails := make([]string, 0, size.rows)
	rec := make([]string, len(genHeader))
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, d := range assign {
		first, last := genFirst[rng.IntN(len(genFirst))], genLast[rng.IntN(len(genLast))]
		email := genLocal(rng, first, last, provider[d]) + "@" + names[d]
		if provider[d] && i > 0 {
			switch r := rng.Float64(); {
			case r < 0.015:
				email = genCase(rng, emails[rng.IntN(i)])
			case r < 0.02:
				email = genSlip(rng, email)
			}
		}
		emails = append(emails, email)
		optin := start.Add(time.Duration(rng.Int64N(int64(6 * 365 * 24 * time.Hour))))
		rec[0], rec[1], rec[2] = email, first, last
		rec[3] = genCompany(rng, names[d], provider[d])
		rec[4] = genCities[rng.IntN(len(genCities))]
		rec[5] = genCountries[rng.IntN(len(genCountries))]
		rec[6] = strconv.Itoa(1 + rng.IntN(5))
		rec[7] = optin.Format(time.DateTime)
		rec[8] = optin.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour)))).Format(time.DateTime)
		rec[9] = genTagCell(rng)
		if err := cw.Write(rec); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	return &genData{csv: buf.Bytes(), zone: zone.String(), domains: domains, rows: size.rows}, nil
}

// genZone writes zone records, with addresses from the documentation range
// 198.51.100.0/24, and each MX host's A record once.
type genZone struct {
	b     *strings.Builder
	hosts map[string]bool
	ip    int
}

// a writes an A record for name.
func (z *genZone) a(name string) {
	z.ip++
	fmt.Fprintf(z.b, "%s. A 198.51.100.%d\n", name, 1+z.ip%254)
}

// mx writes domain's MX records, preferences 10, 20, ... in the order of
// hosts, and the A records of hosts not written yet.
func (z *genZone) mx(domain string, hosts ...string) {
	if z.hosts == nil {
		z.hosts = map[string]bool{}
	}
	for i, h := range hosts {
		fmt.Fprintf(z.b, "%s. MX %d %s.\n", domain, 10*(i+1), h)
		if !z.hosts[h] {
			z.hosts[h] = true
			z.a(h)
		}
	}
}

// genShare is a choice and its share of the picks.
type genShare struct {
	name  string
	share float64
}

// genPick picks the name of one of items with probability proportional to
// its share.
func genPick(rng *rand.Rand, items []genShare) string {
	total := 0.0
	for _, it := range items {
		total += it.share
	}
	x := rng.Float64() * total
	for _, it := range items {
		if x -= it.share; x < 0 {
			return it.name
		}
	}
	return items[len(items)-1].name
}

// genDomainName makes a new domain name for the long tail: one or two words
// (sometimes hyphenated or numbered) under a common suffix; about one in
// 500 is internationalised. It returns the name as written and in ASCII.
func genDomainName(rng *rand.Rand, taken map[string]bool) (uni, ascii string) {
	for {
		var name string
		switch r := rng.IntN(100); {
		case r < 40:
			name = genWords[rng.IntN(len(genWords))] + genWords[rng.IntN(len(genWords))]
		case r < 60:
			name = genWords[rng.IntN(len(genWords))] + "-" + genWords[rng.IntN(len(genWords))]
		case r < 75:
			name = genWords[rng.IntN(len(genWords))] + genWords[rng.IntN(len(genWords))] + genWords[rng.IntN(len(genWords))]
		case r < 90:
			name = genWords[rng.IntN(len(genWords))] + genWords[rng.IntN(len(genWords))] + strconv.Itoa(rng.IntN(100))
		default:
			name = genWords[rng.IntN(len(genWords))] + "-" + genWords[rng.IntN(len(genWords))] + "-" + genWords[rng.IntN(len(genWords))]
		}
		tld := genPick(rng, genTLDs)
		if rng.IntN(500) == 0 {
			name = genIDNWords[rng.IntN(len(genIDNWords))] + "-" + genWords[rng.IntN(len(genWords))]
			tld = "de"
		}
		uni = name + "." + tld
		if taken[uni] {
			continue
		}
		a, err := idna.Lookup.ToASCII(uni)
		if err != nil || taken[a] {
			continue
		}
		taken[uni], taken[a] = true, true
		return uni, a
	}
}

// genLocal makes a local part from a person's name, as people choose them.
// At the providers it always has a number, which keeps their hundreds of
// thousands of addresses apart; duplicates are made on purpose elsewhere.
func genLocal(rng *rand.Rand, first, last string, provider bool) string {
	f, l := genASCII(first), genASCII(last)
	n := strconv.Itoa(rng.IntN(1_000_000))
	switch rng.IntN(8) {
	case 0:
		if !provider {
			return f + "." + l
		}
		return f + "." + l + "." + n
	case 1:
		return f + "_" + l + n
	case 2:
		return f[:1] + l + n
	case 3:
		return f + l + n
	case 4:
		return l + "." + f + n
	}
	return f + "." + l + n
}

// genASCII lower-cases s and keeps its ASCII letters.
func genASCII(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if 'a' <= r && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// genCase changes the case of an address's first letter, as a repeated
// sign-up does; it is still the same address.
func genCase(rng *rand.Rand, email string) string {
	if email == "" || rng.IntN(2) == 0 {
		return email
	}
	return strings.ToUpper(email[:1]) + email[1:]
}

// genSlip makes a syntax slip of an address.
func genSlip(rng *rand.Rand, email string) string {
	local, domain, _ := strings.Cut(email, "@")
	switch rng.IntN(7) {
	case 0:
		return local + "@@" + domain
	case 1:
		return local + "@" + strings.Replace(domain, ".", ",", 1)
	case 2:
		return local + " @" + domain
	case 3:
		return "mailto:" + email
	case 4:
		return "Subscriber <" + email + ">"
	case 5:
		return local + domain
	}
	return ""
}

// genCompany is the company cell: the domain's name for a company domain,
// sometimes a company with a comma for a provider's row, often empty.
func genCompany(rng *rand.Rand, domain string, provider bool) string {
	if !provider {
		name, _, _ := strings.Cut(domain, ".")
		r, n := utf8.DecodeRuneInString(name)
		return string(unicode.ToUpper(r)) + name[n:] + " Ltd"
	}
	switch rng.IntN(4) {
	case 0:
		return genLast[rng.IntN(len(genLast))] + ", " + genLast[rng.IntN(len(genLast))] + " & Partners"
	case 1:
		return genWords[rng.IntN(len(genWords))] + " GmbH"
	}
	return ""
}

// genTagCell is a Mailchimp TAGS cell: quoted tag names, comma-separated.
func genTagCell(rng *rand.Rand) string {
	n := rng.IntN(3)
	tags := make([]string, 0, n)
	for range n {
		tags = append(tags, `"`+genTags[rng.IntN(len(genTags))]+`"`)
	}
	return strings.Join(tags, ",")
}

// writeFiles writes the list as list.csv, the zone as zone.txt, and the
// domains DNS must be asked about, one a line, as domains.txt (what
// scripts/bench.sh's floor asks), in dir.
func (g *genData) writeFiles(dir string) error {
	files := map[string]string{
		"list.csv":    string(g.csv),
		"zone.txt":    g.zone,
		"domains.txt": strings.Join(g.domains, "\n") + "\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// TestGenerateBenchData writes the benchmark data into the folder named by
// LISTCLEAN_GEN_DIR (scripts/bench.sh); without it, it is skipped.
func TestGenerateBenchData(t *testing.T) {
	dir := os.Getenv(genDirEnv)
	if dir == "" {
		t.Skip(genDirEnv + " is not set")
	}
	g, err := generate(genSizeFromEnv(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.writeFiles(dir); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d rows (%d bytes), %d domains to check", dir, g.rows, len(g.csv), len(g.domains))
}

// TestBenchDataWorld checks a small generated list against its own zone:
// the rows' distinct domains are the generated ones, and the verdicts have
// the spread the generator promises.
func TestBenchDataWorld(t *testing.T) {
	g, err := generate(genSize{rows: 20_000, domains: 2_000})
	if err != nil {
		t.Fatal(err)
	}
	again, err := generate(genSize{rows: 20_000, domains: 2_000})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g.csv, again.csv) || g.zone != again.zone {
		t.Fatal("the generator is not deterministic")
	}
	l, err := cleaner.Read(bytes.NewReader(g.csv), "bench.csv", cleaner.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Rows.Len() != g.rows || l.EmailCol != 0 {
		t.Fatalf("read %d rows, email column %d; want %d rows, column 0", l.Rows.Len(), l.EmailCol, g.rows)
	}
	s := cleaner.NewSession(l, true)
	if got := s.Domains()[:s.RowDomains()]; !sameSet(got, g.domains) {
		t.Fatalf("the list has %d distinct domains, the generator says %d", len(got), len(g.domains))
	}

	srv, err := dnstest.Start(g.zone)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := resolver.NewChecker(resolver.Config{Servers: []string{srv.Addr()}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s.Check(t.Context(), c, nil)
	sum := s.Summarize()
	for _, r := range []cleaner.Reason{cleaner.ReasonOK, cleaner.ReasonImplicitMX, cleaner.ReasonTypoSuspect,
		cleaner.ReasonSyntax, cleaner.ReasonBadDomain, cleaner.ReasonNXDomain, cleaner.ReasonNullMX, cleaner.ReasonDuplicate} {
		if sum.ByReason[r] == 0 {
			t.Errorf("no row has reason %s: %v", r, sum.ByReason)
		}
	}
	if n := sum.ByReason[cleaner.ReasonDNSError]; n > 0 {
		t.Errorf("%d rows ended in dns_error against the generated zone", n)
	}
	if ok := sum.ByReason[cleaner.ReasonOK]; ok < g.rows*8/10 {
		t.Errorf("only %d of %d rows are valid", ok, g.rows)
	}
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
