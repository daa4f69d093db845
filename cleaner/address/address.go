package address

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/unicode/norm"
)

// Reason says why a cell fails the checks an address can pass on its own;
// "" when it passes them. Its values are words of the report's fixed
// vocabulary of reasons.
type Reason string

// The reasons an address fails on its own.
const (
	ReasonSyntax    Reason = "syntax"     // the cell is not an address
	ReasonBadDomain Reason = "bad_domain" // well formed, but the domain cannot receive mail
)

// Address is one email cell parsed and normalised.
//
// When Reason is ReasonSyntax the cell is not an address at all: only Raw,
// Reason, Detail and Fix are set. When Reason is ReasonBadDomain the address
// is well formed but its domain cannot receive mail: Email (and so Local and
// Domain) is set so that the domain can be counted and corrected, and ASCII
// is empty.
//
// A list holds an Address per row, so what follows from Email (its local
// part, its domain, its duplicate key) is worked out when asked for.
type Address struct {
	Raw    string // the cell as read
	Email  string // normalised: trimmed, domain lower-case in Unicode form ("Jo@bücher.de"); "" when Reason is ReasonSyntax
	ASCII  string // domain for DNS, lower case punycode ("xn--bcher-kva.de"); "" when unusable
	Reason Reason // "" when the address passes syntax and domain-format checks; else ReasonSyntax or ReasonBadDomain
	Detail string // plain words for a marketer: what exactly is wrong ("two @ signs", "the domain has no dot", "the top-level domain .cmo does not exist")
	Fix    string // a whole corrected address for a syntax slip, or ""; a Fix must itself parse with Reason == "" (except a bad TLD which suggestion code fixes elsewhere)
}

// Local is the address's local part as written (case kept), "" when the
// cell is not an address.
func (a Address) Local() string {
	if at := strings.LastIndexByte(a.Email, '@'); at >= 0 {
		return a.Email[:at]
	}
	return ""
}

// Domain is the address's domain, lower case, in Unicode form
// ("bücher.de"); "" when the cell is not an address. A domain holds no '@',
// so it follows the last one, whatever the local part quotes.
func (a Address) Domain() string {
	if at := strings.LastIndexByte(a.Email, '@'); at >= 0 {
		return a.Email[at+1:]
	}
	return ""
}

// Written is the address as the cell has it, without the white space and
// invisible characters around it, which no address holds: what the cleaned
// file keeps for a row that is not corrected. Case, punycode and Unicode
// forms stay as typed (bob@xn--mnchen-3ya.de is not bob@münchen.de, which
// many ESPs refuse at import).
func (a Address) Written() string { return trim(a.Raw) }

// Key is the address's duplicate key: the normalised address lower-cased
// entirely, as ESPs compare addresses case-insensitively, in Unicode's
// composed form (NFC), so that a Zoë typed with ë as one character and as e
// with a combining diaeresis is one address; "" when the cell is not an
// address. It is worked out when asked for, not kept: a list holds a
// million addresses, most of them in lower-case ASCII already, which need
// neither; lowerASCIIOnly tells those apart eight bytes at a time.
func (a Address) Key() string {
	if lowerASCIIOnly(a.Email) {
		return a.Email
	}
	return norm.NFC.String(strings.ToLower(a.Email))
}

// lowerASCIIOnly reports whether s is ASCII without an upper-case
// letter, which strings.ToLower returns unchanged.
func lowerASCIIOnly(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for len(s) >= 8 {
		w := load64(s)
		// For a byte b < 0x80, b+0x3f has its high bit set when b >= 'A'
		// and b+0x25 when b > 'Z', and no sum carries into the next byte.
		if w&highs != 0 || (w+0x3f*ones)&^(w+0x25*ones)&highs != 0 {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// Limits from RFC 5321 section 4.5.3.1 and RFC 1035 section 2.3.4, counted
// in octets of the UTF-8 (or, for domains, punycode) form.
const (
	maxLocal  = 64
	maxLength = 254
	maxDomain = 253
	maxLabel  = 63

	// maxCell bounds the work spent on a cell: IDNA mapping can shrink
	// a domain (full-width letters take three bytes, some marks none), but
	// no cell this long holds one address.
	maxCell = 4 * maxLength
)

// Parse parses and normalises one email cell. It never fails: what is
// wrong is reported in the Reason and Detail of the result.
//
// Normalisation: white space of every kind (including no-break and
// ideographic spaces) and zero-width characters are trimmed from both ends;
// the domain is lower-cased and mapped by IDNA (UTS 46, the browsers' rules,
// so "BÜCHER.DE" and a full-width "ｇｍａｉｌ.com" become "bücher.de" and
// "gmail.com"); ASCII holds its punycode form for DNS. The local part keeps its
// case, as mail servers may honour it.
//
// Reason is ReasonSyntax when the cell is not an address: empty; no @ or more
// than one (outside a quoted local part); a space, a control or invisible
// character, or a character such as ( ) , ; : < > [ ] \ " outside quotes; a
// dot at either end of the local part or of the domain, or two dots in a
// row; a local part over 64 octets or an address over 254. A cell in the
// form "Name <addr>", "<addr>" or "mailto:addr" is reported too, and gets the
// bare address as Fix.
//
// The local part is an RFC 5322 dot-atom or quoted string ("john doe"@x.com
// is accepted). Internationalised local parts (RFC 6531) are accepted when
// every non-ASCII character is a visible letter, mark, digit, punctuation or
// symbol and the first is not a combining mark; invisible, private-use and
// unassigned characters and the replacement character U+FFFD (the trace of a
// wrong text encoding) are syntax errors. They are kept as written, not
// Unicode-normalised. RFC 5322 comments, obsolete forms such as "a"."b" and
// backslash escapes outside quotes are syntax errors.
//
// Reason is ReasonBadDomain when the domain cannot receive mail: it is not
// a well-formed host name under an existing ICANN top-level domain (see
// checkDomain), it is an address literal such as [192.0.2.1], or IDNA
// rejects it.
//
// Fix is set for the slips that have one obvious correction: a comma for a
// dot (gmail,com), a doubled @, a missing dot before com, net, org, edu, gov
// or a two-level suffix such as co.uk (gmailcom, yahoocouk), stray dots (a
// leading, trailing or doubled dot), stray spaces next to the @ or a dot and
// any space in the domain, punctuation after the domain (jo@x.com;),
// invisible characters, a full-width ＠, surrounding quotes, "mailto:", and a
// name with angle brackets. A Fix is normalised and
// parses with Reason "" except that its top-level domain may still not exist
// ("jo@gmail,cmo" gets "jo@gmail.cmo"), which suggestion code corrects.
func Parse(raw string) Address {
	a, _ := parse(raw)
	return a
}

// parse is Parse that also reports whether the address fails only
// because its top-level domain does not exist.
func parse(raw string) (a Address, badTLD bool) {
	return parseWith(raw, nil)
}

// parseWith is parse, looking the domain part up in p's cache
// when p is not nil.
func parseWith(raw string, p *Parser) (a Address, badTLD bool) {
	s := trim(raw)
	a, badTLD = check(s, p)
	a.Raw = raw
	if a.Reason == "" || len(s) > maxCell {
		return a, badTLD
	}
	if c := repair(s); c != s {
		if f, fBadTLD := check(c, p); (f.Reason == "" || fBadTLD) && f.Email != a.Email {
			a.Fix = f.Email
		}
	}
	return a, badTLD
}

// Parser parses addresses as Parse does, remembering what it found of the
// last domains it saw: in a list most rows share a few domains, and what
// is found of a domain depends on it alone. It is for one goroutine: a
// caller parsing on several makes one for each. Its cache holds
// substrings of the cells parsed, so it lives no longer than they do.
type Parser struct {
	cache [cacheSize]domainInfo
}

// cacheSize is the number of domains a Parser remembers, one per
// slot (a power of two).
const cacheSize = 256

// NewParser returns a Parser with an empty cache.
func NewParser() *Parser { return new(Parser) }

// Parse is the package's Parse, through p's cache.
func (p *Parser) Parse(raw string) Address {
	a, _ := parseWith(raw, p)
	return a
}

// domainInfo is what check finds of the domain part of an address,
// as written, apart from the local part: its forms and, when they have no
// error, what checkDomain says of its ASCII form.
type domainInfo struct {
	domain string // as written; "" in an empty cache slot
	d      domainForms
	detail string // checkDomain's, when d.syntax and d.bad are ""
	n      int    // max(len(d.ascii), len(d.uni))
	ok     bool   // checkDomain's, when d.syntax and d.bad are ""
	badTLD bool
	// The forms are the domain as written: they are taken from the cell
	// in hand, not from the one that filled the slot.
	asciiSame, uniSame bool
}

// domainOf works out the domainInfo of a non-empty domain that is
// not in square brackets.
func domainOf(domain string) (e domainInfo) {
	e.domain = domain
	if tld, ok := plainDomain(domain); ok {
		e.d.ascii, e.d.uni, e.n = domain, domain, len(domain)
		e.ok, e.detail, e.badTLD = checkTLD(tld)
		e.asciiSame, e.uniSame = true, true
		return e
	}
	e.d = normDomain(domain)
	e.n = max(len(e.d.ascii), len(e.d.uni))
	if e.d.syntax == "" && e.d.bad == "" {
		e.ok, e.detail, e.badTLD = checkDomain(e.d.ascii)
	}
	e.asciiSame, e.uniSame = e.d.ascii == domain, e.d.uni == domain
	return e
}

// domainInfo returns the domainInfo of domain, from the cache when it
// is there. The result is valid until the next call.
func (p *Parser) domainInfo(domain string) *domainInfo {
	e := &p.cache[domainHash(domain)&(cacheSize-1)]
	if e.domain != domain {
		*e = domainOf(domain)
	}
	return e
}

// plainDomain reports, in one pass, whether domain is the common case
// that normDomain leaves as it is and checkDomain finds fault with
// only for its top-level domain, if at all: a lower-case ASCII host name
// of letters, digits and hyphens, with no "--" in third and fourth place
// of a label, not all digits, not special-use. Then it returns the
// top-level domain, for checkTLD. It returns false for every other
// domain, which the general path then judges.
func plainDomain(d string) (tld string, ok bool) {
	if d == "" || len(d) > maxDomain {
		return "", false
	}
	start, dots, numeric := 0, 0, true
	for i := 0; i <= len(d); i++ {
		c := byte('.')
		if i < len(d) {
			c = d[i]
		}
		switch {
		case '0' <= c && c <= '9':
			continue
		case 'a' <= c && c <= 'z' || c == '-':
			numeric = false
			continue
		case c != '.':
			return "", false
		}
		n := i - start
		if n == 0 || n > maxLabel || d[start] == '-' || d[i-1] == '-' ||
			n >= 4 && d[start+2] == '-' && d[start+3] == '-' {
			return "", false
		}
		if i < len(d) {
			dots++
			start = i + 1
		}
	}
	tld = d[start:]
	return tld, dots > 0 && !numeric && specialUse(tld) == ""
}

// domainHash hashes a domain for the cache of a Parser from its
// length and its first and last eight bytes.
func domainHash(d string) uint64 {
	n := len(d)
	h := uint64(n)
	if n >= 8 {
		h ^= load64(d[:8])*0x9e3779b97f4a7c15 ^ load64(d[n-8:])
	} else {
		for i := 0; i < n; i++ {
			h = h<<8 | uint64(d[i])
		}
	}
	h *= 0xff51afd7ed558ccd
	return h ^ h>>29
}

// load64 reads the first 8 bytes of s, little-endian.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// check parses a trimmed cell, looking its domain up in p's cache when
// p is not nil; a clean lower-case address costs no allocation. Syntax
// errors take precedence over domain errors.
func check(s string, p *Parser) (a Address, badTLD bool) {
	local, domain, detail := split(s)
	if detail != "" {
		return syntaxResult(detail)
	}
	if domain[0] == '[' && domain[len(domain)-1] == ']' {
		return badDomainResult(s, local, domain, strings.ToLower(domain), literalDetail(domain))
	}
	var e *domainInfo
	if p != nil {
		e = p.domainInfo(domain)
	} else {
		info := domainOf(domain)
		e = &info
	}
	if e.d.syntax != "" {
		return syntaxResult(e.d.syntax)
	}
	if n := len(local) + 1 + e.n; n > maxLength {
		return syntaxResult(tooLong(n))
	}
	uni := e.d.uni
	if e.uniSame {
		uni = domain
	}
	if e.d.bad != "" {
		return badDomainResult(s, local, domain, uni, e.d.bad)
	}
	if !e.ok {
		a, _ = badDomainResult(s, local, domain, uni, e.detail)
		return a, e.badTLD
	}
	a = newAddress(s, local, domain, uni)
	a.ASCII = e.d.ascii
	if e.asciiSame {
		a.ASCII = domain
	}
	return a, false
}

// split splits a trimmed cell at its @ and checks the local part; detail
// says why the cell is not an address.
func split(s string) (local, domain, detail string) {
	if s == "" {
		return "", "", "the cell is empty"
	}
	if len(s) > maxCell {
		return "", "", tooLong(len(s))
	}
	if hasPrefixFold(s, "mailto:") {
		return "", "", `it starts with "mailto:"`
	}
	if s[len(s)-1] == '>' && strings.IndexByte(s, '<') >= 0 {
		if s[0] == '<' {
			return "", "", "the address is wrapped in angle brackets < >"
		}
		return "", "", "the cell holds a name with the address in angle brackets"
	}
	if n := len(s); n > 1 && (s[0] == '"' || s[0] == '\'') && s[n-1] == s[0] {
		return "", "", "the address is wrapped in quotation marks"
	}

	if s[0] == '"' {
		end := quoteEnd(s)
		switch {
		case end < 0:
			return "", "", "a quotation mark is not closed"
		case end == len(s) || s[end] != '@':
			if strings.IndexByte(s[end:], '@') < 0 {
				return "", "", "there is no @ sign"
			}
			return "", "", "there is text between the closing quotation mark and the @"
		}
		local, domain = s[:end], s[end+1:]
		// The quotes may hold an '@'; the domain may not (Address.Domain
		// takes what follows the last one).
		switch n := strings.Count(domain, "@"); {
		case n == 1 && domain != "" && domain[0] == '@':
			return "", "", "the @ sign is doubled (@@)"
		case n > 0:
			return "", "", manyAts(n + 1)
		}
		detail = checkQuoted(local)
	} else {
		at := strings.IndexByte(s, '@')
		if at < 0 {
			if strings.ContainsAny(s, "＠﹫") {
				return "", "", "the @ sign is a full-width ＠, not a plain @"
			}
			return "", "", "there is no @ sign"
		}
		local, domain = s[:at], s[at+1:]
		switch n := strings.Count(domain, "@"); {
		case n == 1 && domain[0] == '@':
			return "", "", "the @ sign is doubled (@@)"
		case n > 0:
			return "", "", manyAts(n + 1)
		case local == "":
			return "", "", "there is nothing before the @"
		}
		detail = checkLocal(local)
	}
	switch {
	case detail != "":
	case len(local) > maxLocal:
		detail = "the part before the @ is too long (" + strconv.Itoa(len(local)) + " bytes; the limit is 64)"
	case domain == "":
		detail = "there is nothing after the @"
	}
	return local, domain, detail
}

// domainForms is a domain normalised: ascii is the DNS form and uni the
// form shown. When syntax is set the address is not an address; when bad is
// set its domain cannot receive mail.
type domainForms struct {
	ascii, uni, syntax, bad string
}

// normDomain lower-cases a non-empty domain and, when it is
// international, maps it by IDNA. It reports the syntax errors and the
// characters a host name cannot have; the rest is for checkDomain.
func normDomain(domain string) (d domainForms) {
	var badChar byte
	nonASCII, upper := false, false
	for i := 0; i < len(domain); {
		c := domain[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(domain[i:])
			if d.syntax = checkRune(r, size); d.syntax != "" {
				return d
			}
			nonASCII = true
			i += size
			continue
		}
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.':
		case 'A' <= c && c <= 'Z':
			upper = true
		case atext[c]:
			if badChar == 0 {
				badChar = c
			}
		default:
			d.syntax = badCharDetail(c, "the domain")
			return d
		}
		i++
	}

	const notIDN = "the domain is not a valid international domain name"
	switch {
	case badChar != 0:
		d.ascii = strings.ToLower(domain)
		d.uni, d.bad = d.ascii, domainCharDetail(badChar)
	case nonASCII:
		ok := false
		var err error
		if d.ascii, err = idna.Lookup.ToASCII(domain); err == nil {
			d.uni, ok = toUnicode(d.ascii)
		}
		if !ok {
			// Lower-case only ASCII letters: IDNA maps those the same way,
			// but lower-casing another letter may make the domain valid.
			d.ascii = lowerASCII(domain)
			d.uni, d.bad = d.ascii, notIDN
		}
	default:
		d.ascii = domain
		if upper {
			d.ascii = strings.ToLower(domain)
		}
		d.uni = d.ascii
		if hasACE(d.ascii) {
			var ok bool
			if d.uni, ok = toUnicode(d.ascii); !ok {
				d.uni, d.bad = d.ascii, notIDN
				if ok, detail, _ := checkDomain(d.ascii); !ok {
					d.bad = detail
				}
			}
		}
	}
	switch {
	case d.ascii == "":
		d.syntax = "the domain holds only invisible characters"
	case d.ascii[0] == '.':
		d.syntax = "the domain starts with a dot"
	case d.ascii[len(d.ascii)-1] == '.':
		d.syntax = "the domain ends with a dot"
	case strings.Contains(d.ascii, ".."):
		d.syntax = "the domain has two dots in a row"
	}
	return d
}

// tooLong describes an address of n bytes.
func tooLong(n int) string {
	return "the address is too long (" + strconv.Itoa(n) + " bytes; the limit is 254)"
}

// syntaxResult is the result for a cell that is not an address.
func syntaxResult(detail string) (Address, bool) {
	return Address{Reason: ReasonSyntax, Detail: detail}, false
}

// badDomainResult is the result for a well-formed address whose domain cannot
// receive mail.
func badDomainResult(s, local, domain, uni, detail string) (Address, bool) {
	a := newAddress(s, local, domain, uni)
	a.Reason, a.Detail = ReasonBadDomain, detail
	return a, false
}

// newAddress fills the normalised fields of the address s = local@domain whose
// domain normalises to uni. It reuses s when nothing changed.
func newAddress(s, local, domain, uni string) Address {
	email := s
	if uni != domain {
		email = local + "@" + uni
	}
	return Address{
		Email: email,
	}
}

// toUnicode returns the display form of a lower-case ASCII domain. It
// fails unless IDNA converts that form back to ascii, so that parsing the
// normalised address again gives the same result.
func toUnicode(ascii string) (string, bool) {
	if !hasACE(ascii) {
		return ascii, true
	}
	u, err := idna.Lookup.ToUnicode(ascii)
	if err != nil {
		return "", false
	}
	back, err := idna.Lookup.ToASCII(u)
	return u, err == nil && back == ascii
}

// lowerASCII lower-cases the ASCII letters of s.
func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// hasACE reports whether a lower-case ASCII domain has a label with "--"
// in third and fourth place, such as a punycode "xn--" label, which only IDNA
// can validate.
func hasACE(d string) bool {
	for i := 0; ; {
		j := strings.IndexByte(d[i:], '.')
		if j < 0 {
			j = len(d) - i
		}
		if j >= 4 && d[i+2] == '-' && d[i+3] == '-' {
			return true
		}
		i += j + 1
		if i >= len(d) {
			return false
		}
	}
}

// atext marks the ASCII characters allowed in an unquoted local part
// (RFC 5322 atext).
var atext = func() (t [utf8.RuneSelf]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+-/=?^_`{|}~" {
		t[c] = true
	}
	return t
}()

// checkLocal says what is wrong with an unquoted local part, or returns
// "" when it is a dot-atom of ASCII atext and visible non-ASCII characters.
func checkLocal(local string) string {
	for i := 0; i < len(local); {
		c := local[i]
		switch {
		case c == '.':
			switch {
			case i == 0:
				return "the part before the @ starts with a dot"
			case i == len(local)-1:
				return "the part before the @ ends with a dot"
			case local[i+1] == '.':
				return "the part before the @ has two dots in a row"
			}
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(local[i:])
			if d := checkLocalRune(r, size, i == 0); d != "" {
				return d
			}
			i += size
			continue
		case !atext[c]:
			return badCharDetail(c, "the part before the @")
		}
		i++
	}
	return ""
}

// quoteEnd returns the index just past the quote that closes the quoted
// string s starts with, or -1 when it is not closed.
func quoteEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// checkQuoted says what is wrong with a quoted local part, quotes
// included, or returns "". Inside quotes any visible character and the space
// are allowed, and a backslash quotes the next one.
func checkQuoted(q string) string {
	body := q[1 : len(q)-1]
	for i := 0; i < len(body); {
		c := body[i]
		if c == '\\' {
			i++ // quoteEnd guarantees a character follows
			c = body[i]
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(body[i:])
			if d := checkLocalRune(r, size, false); d != "" {
				return d
			}
			i += size
			continue
		}
		if c < ' ' || c == 0x7f {
			return badCharDetail(c, "the part before the @")
		}
		i++
	}
	return ""
}

// checkLocalRune says what is wrong with a non-ASCII character of the
// local part, or returns "" for a visible letter, mark, digit, punctuation or
// symbol (a combining mark only after another character).
func checkLocalRune(r rune, size int, first bool) string {
	if d := checkRune(r, size); d != "" {
		return d
	}
	switch {
	case r == '\u200c' || r == '\u200d':
		return invisible(r)
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
		return "the part before the @ contains a character mail systems do not accept (" + codePoint(r) + ")"
	case first && unicode.Is(unicode.M, r):
		return "the part before the @ starts with a combining accent"
	}
	return ""
}

// checkRune says what makes a non-ASCII character a syntax error
// anywhere in an address, or returns "". In a domain, IDNA judges the rest;
// it allows the joiners U+200C and U+200D where a script needs them.
func checkRune(r rune, size int) string {
	switch {
	case r == utf8.RuneError && size == 1:
		return "the address is not valid text (a broken character encoding)"
	case r == utf8.RuneError:
		return "the address contains a broken character (�), probably from a wrong text encoding"
	case unicode.IsSpace(r):
		return "the address contains a space (" + codePoint(r) + ")"
	case unicode.Is(unicode.Cc, r):
		return "the address contains an invisible control character"
	case unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d':
		return invisible(r)
	}
	return ""
}

// invisible describes an invisible character such as a zero-width
// space.
func invisible(r rune) string {
	return "the address contains an invisible character (" + codePoint(r) + ")"
}

// codePoint names a character by its code point, as in U+00A0, for
// those a detail cannot show.
func codePoint(r rune) string {
	return fmt.Sprintf("U+%04X", r)
}

// badCharDetail describes an ASCII character that is a syntax error in the
// part named by where.
func badCharDetail(c byte, where string) string {
	switch c {
	case ' ':
		return where + " contains a space"
	case '\t':
		return "the address contains a tab"
	case '\n', '\r':
		return "the address contains a line break"
	case ',':
		return where + " contains a comma"
	case '@':
		return manyAts(2)
	}
	if c < ' ' || c == 0x7f {
		return "the address contains an invisible control character"
	}
	return where + ` contains "` + string(rune(c)) + `", which is not allowed there`
}

// manyAts describes an address with n > 1 @ signs.
func manyAts(n int) string {
	count := strconv.Itoa(n)
	if n == 2 {
		count = "two"
	}
	return "there are " + count + " @ signs; an address has one"
}

// literalDetail describes a domain in square brackets, an RFC 5321
// address literal such as [192.0.2.1] or [IPv6:2001:db8::1], which mail to
// real people never uses.
func literalDetail(d string) string {
	ip := strings.Trim(d, "[]")
	if hasPrefixFold(ip, "ipv6:") || strings.Trim(ip, "0123456789.") == "" {
		return "the domain is an IP address in brackets, not a domain name"
	}
	return "the domain is text in square brackets, not a domain name"
}

// domainCharDetail describes an ASCII character allowed in a local part
// but not in a host name.
func domainCharDetail(c byte) string {
	if c == '_' {
		return "the domain contains an underscore (_), which mail domains cannot have"
	}
	return `the domain contains "` + string(rune(c)) + `", which is not allowed in a domain name`
}

// checkDomain reports whether an ASCII (punycode) domain is well formed
// and under an existing ICANN TLD; detail says why not, and badTLD that the
// domain is well formed but its top-level domain does not exist.
//
// It rejects an empty domain or label, a label over 63 octets or a domain over
// 253, a label starting or ending with a hyphen or with "--" in third and
// fourth place (reserved for punycode; an "xn--" label must decode), any
// character but letters, digits and hyphens (an underscore included: it is
// legal in DNS but not in a mail host name), a domain with no dot, an IP
// address, the special-use names that never receive mail (.localhost,
// .invalid, .test, .example, .local, .onion, .alt, .internal and .arpa; the
// documentation domains example.com and example.org are ordinary names
// here), and a top-level domain that is not in the ICANN section of the
// Public Suffix List.
func checkDomain(d string) (ok bool, detail string, badTLD bool) {
	switch {
	case d == "":
		return false, "the domain is empty", false
	case d[0] == '[':
		return false, literalDetail(d), false
	case len(d) > maxDomain:
		return false, "the domain is too long (" + strconv.Itoa(len(d)) + " bytes; the limit is 253)", false
	}
	labels, numeric, start := 0, true, 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			continue
		}
		label := d[start:i]
		switch {
		case label != "":
		case start == 0:
			return false, "the domain starts with a dot", false
		case i == len(d):
			return false, "the domain ends with a dot", false
		default:
			return false, "the domain has two dots in a row", false
		}
		if detail := checkLabel(label); detail != "" {
			return false, detail, false
		}
		numeric = numeric && digits(label)
		labels++
		start = i + 1
	}
	tld := strings.ToLower(d[strings.LastIndexByte(d, '.')+1:])
	if detail := specialUse(tld); detail != "" {
		return false, detail, false
	}
	switch {
	case labels == 1:
		return false, "the domain has no dot", false
	case numeric:
		return false, "the domain is an IP address, not a domain name", false
	}
	return checkTLD(tld)
}

// checkTLD is checkDomain's last check, of the lower-case
// top-level domain of a domain that passed the others.
func checkTLD(tld string) (ok bool, detail string, badTLD bool) {
	if !tldExists(tld) {
		if u, ok := toUnicode(tld); ok {
			tld = u
		}
		return false, "the top-level domain ." + tld + " does not exist", true
	}
	return true, "", false
}

// digits reports whether s is all ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// tlds holds the top-level domains found to exist so far, copied on
// write so that readers need no lock: a look-up in the Public Suffix List
// allocates and costs more than the rest of a parse together. Only existing
// TLDs are kept, which bounds the set by the list's size.
var (
	tlds   atomic.Pointer[map[string]bool]
	tldsMu sync.Mutex
)

// tldExists reports whether a lower-case ASCII top-level domain is in
// the ICANN section of the Public Suffix List. It asks about a name under the
// TLD alone: asked about a whole domain, the list may answer with a private
// suffix ("blogspot.com", icann false) though the TLD exists.
func tldExists(tld string) bool {
	if m := tlds.Load(); m != nil && (*m)[tld] {
		return true
	}
	if _, icann := publicsuffix.PublicSuffix("x." + tld); !icann {
		return false
	}
	tldsMu.Lock()
	defer tldsMu.Unlock()
	m := map[string]bool{strings.Clone(tld): true}
	if old := tlds.Load(); old != nil {
		maps.Copy(m, *old)
	}
	tlds.Store(&m)
	return true
}

// checkLabel says what is wrong with one non-empty label of an ASCII
// domain, or returns "".
func checkLabel(label string) string {
	if len(label) > maxLabel {
		return "a part of the domain is too long (" + strconv.Itoa(len(label)) + " characters; the limit is 63)"
	}
	for i := 0; i < len(label); i++ {
		switch c := label[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
		case c >= utf8.RuneSelf:
			return "the domain is not in ASCII (punycode) form"
		case c == '_' || atext[c]:
			return domainCharDetail(c)
		default:
			return badCharDetail(c, "the domain")
		}
	}
	switch {
	case label[0] == '-':
		return `a part of the domain ("` + label + `") starts with a hyphen`
	case label[len(label)-1] == '-':
		return `a part of the domain ("` + label + `") ends with a hyphen`
	case len(label) >= 4 && label[2] == '-' && label[3] == '-':
		if !hasPrefixFold(label, "xn--") {
			return `a part of the domain ("` + label + `") has "--" in third and fourth place, which is reserved for international names`
		}
		if _, err := idna.Lookup.ToUnicode(label); err != nil {
			return `a part of the domain ("` + label + `") is not a valid international name`
		}
	}
	return ""
}

// specialUse explains why a lower-case top-level domain never receives
// mail (RFC 2606, 6761, 6762, 7686, 9476 and ICANN's .internal), or returns
// "". The second-level example.com and example.org are not special here: they
// are ordinary names for this check.
func specialUse(tld string) string {
	switch tld {
	case "localhost":
		return `"localhost" means the sender's own computer, not a mail domain`
	case "invalid":
		return ".invalid is reserved for names that must never work"
	case "test":
		return ".test is reserved for testing and never receives mail"
	case "example":
		return ".example is reserved for documentation and never receives mail"
	case "local":
		return ".local names only work inside a local network"
	case "onion":
		return ".onion is a Tor address that ordinary mail cannot reach"
	case "alt":
		return ".alt is reserved for names outside the DNS"
	case "internal":
		return ".internal is reserved for private networks"
	case "arpa":
		return ".arpa is internet infrastructure, not a mail domain"
	}
	return ""
}

// trim removes white space of every kind from both ends of s, along with
// the zero-width characters that web forms and spreadsheets leave behind.
func trim(s string) string {
	if s == "" || (s[0] > ' ' && s[0] < utf8.RuneSelf && s[len(s)-1] > ' ' && s[len(s)-1] < utf8.RuneSelf) {
		return s
	}
	return strings.TrimFunc(s, isBlank)
}

// isBlank reports whether trim removes r.
func isBlank(r rune) bool {
	switch r {
	case '\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// hasPrefixFold reports whether s begins with the lower-case ASCII
// prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// repair undoes the cheap slips of typing or pasting an address that
// failed check and returns the candidate; the caller keeps it only if it
// parses. Each step changes only what is invalid anyway.
func repair(s string) string {
	// Peel wrappers, which nest: `"Jo" <mailto:jo@x.com>`.
	mailto := false
	for {
		prev := s
		if hasPrefixFold(s, "mailto:") {
			s, mailto = s[len("mailto:"):], true
		}
		if n := len(s); n > 1 && s[n-1] == '>' {
			if i := strings.LastIndexByte(s, '<'); i >= 0 {
				s = s[i+1 : n-1]
			}
		}
		if n := len(s); n > 1 && (s[0] == '"' || s[0] == '\'') && s[n-1] == s[0] && strings.IndexByte(s[1:n-1], s[0]) < 0 {
			s = s[1 : n-1]
		}
		s = trim(s)
		if len(s) == len(prev) { // each step only shortens s
			break
		}
	}
	if i := strings.IndexByte(s, '?'); mailto && i >= 0 {
		s = s[:i] // mailto:jo@x.com?subject=Hello
	}
	if strings.IndexByte(s, '@') < 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "＠", "@"), "﹫", "@")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	local, domain := s[:at], tidy(s[at+1:], true)
	if !strings.HasPrefix(local, `"`) {
		local = tidy(strings.TrimRight(local, "@"), false)
	}
	if strings.IndexByte(domain, '.') < 0 {
		domain = splitTLD(domain)
	}
	return local + "@" + domain
}

// tidy drops invisible characters, stray spaces (in a domain every
// space; in a local part those next to a dot or an end) and stray dots (at
// either end, or doubled) from one part of an address. In a domain it also
// reads a comma or a full-width or ideographic full stop as a dot and drops
// the punctuation a domain cannot end with, as in "jo@x.com;".
func tidy(part string, domain bool) string {
	part = strings.Map(func(r rune) rune {
		switch {
		case domain && (r == ',' || r == '．' || r == '。' || r == '｡'):
			return '.'
		case domain && unicode.IsSpace(r):
			return -1
		case unicode.Is(unicode.Cf, r) && !(domain && (r == '\u200c' || r == '\u200d')):
			return -1
		}
		return r
	}, part)
	if domain {
		part = strings.TrimRightFunc(part, isASCIIPunct)
	}
	var kept []string
	for seg := range strings.SplitSeq(part, ".") {
		if seg = strings.TrimFunc(seg, unicode.IsSpace); seg != "" {
			kept = append(kept, seg)
		}
	}
	return strings.Join(kept, ".")
}

// isASCIIPunct reports whether r is ASCII but neither a letter nor a
// digit.
func isASCIIPunct(r rune) bool {
	return r < utf8.RuneSelf && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
}

// dotlessEndings are the endings split off a domain typed without the
// dot before its top-level domain ("gmailcom"), as written without and with
// their dots. Only generic names and common two-level registries are
// listed: a country code alone would cut "gmail" into "gma.il" and "gmx" into
// "g.mx", and domain typo suggestions catch those providers anyway.
var dotlessEndings = [][2]string{
	{"com", "com"}, {"net", "net"}, {"org", "org"}, {"edu", "edu"}, {"gov", "gov"},
	{"couk", "co.uk"}, {"orguk", "org.uk"}, {"acuk", "ac.uk"},
	{"comau", "com.au"}, {"netau", "net.au"}, {"conz", "co.nz"}, {"coza", "co.za"},
	{"cojp", "co.jp"}, {"cokr", "co.kr"}, {"comcn", "com.cn"}, {"comtw", "com.tw"},
	{"comhk", "com.hk"}, {"comsg", "com.sg"}, {"combr", "com.br"}, {"commx", "com.mx"},
	{"comar", "com.ar"}, {"comtr", "com.tr"},
}

// dotlessWords end many host names and are not split even so:
// "jo@btinternet" lacks its .com, not a dot in "btinter.net".
var dotlessWords = []string{"internet", "intranet", "telecom"}

// splitTLD puts back the dot a dotless domain lost before the longest
// ending in dotlessEndings, or returns d unchanged.
func splitTLD(d string) string {
	d = strings.ToLower(d)
	for _, w := range dotlessWords {
		if strings.HasSuffix(d, w) {
			return d
		}
	}
	var best [2]string
	for _, e := range dotlessEndings {
		if len(d) > len(e[0]) && len(e[0]) > len(best[0]) && strings.HasSuffix(d, e[0]) {
			best = e
		}
	}
	if best[0] == "" {
		return d
	}
	return d[:len(d)-len(best[0])] + "." + best[1]
}
