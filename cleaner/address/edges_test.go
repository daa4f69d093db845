package address

// Tests at the edges of the rules: each holds lines that mutation testing
// (scripts/mutate.sh) found no other test would notice changing, such as
// a limit off by one or a fast path that stops taking its common case.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
)

// TestParseLengthLimits parses addresses at the limits of RFC 5321 and
// 1035 and of a cell, and one past each, by the fast path for a plain
// domain and by the general one (an upper-case domain).
func TestParseLengthLimits(t *testing.T) {
	local := strings.Repeat("a", 64)
	domain := strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com" // 189 octets
	for _, tt := range []struct {
		name, raw string
		detail    string // "" for valid
	}{
		{"254-octet address", local + "@" + domain, ""},
		{"255-octet address", local + "@d" + domain, "the address is too long (255 bytes; the limit is 254)"},
		{"254-octet address, upper-case domain", local + "@" + strings.ToUpper(domain), ""},
		{"255-octet address, upper-case domain", local + "@D" + strings.ToUpper(domain), "the address is too long (255 bytes; the limit is 254)"},
		{"63-octet label", "jo@" + strings.Repeat("a", 63) + ".com", ""},
		{"64-octet label", "jo@" + strings.Repeat("a", 64) + ".com", "a part of the domain is too long (64 characters; the limit is 63)"},
		{"63-octet label, upper case", "jo@" + strings.Repeat("A", 63) + ".com", ""},
		{"64-octet label, upper case", "jo@" + strings.Repeat("A", 64) + ".com", "a part of the domain is too long (64 characters; the limit is 63)"},
		{"65-octet local part", "a" + local + "@example.com", "the part before the @ is too long (65 bytes; the limit is 64)"},
		// A cell as long as a cell may be is read; one byte more is not.
		{"longest cell", strings.Repeat("a", maxCell), "there is no @ sign"},
		{"cell too long", strings.Repeat("a", maxCell+1), fmt.Sprintf("the address is too long (%d bytes; the limit is 254)", maxCell+1)},
	} {
		a := Parse(tt.raw)
		if tt.detail == "" && a.Reason != "" || tt.detail != "" && a.Detail != tt.detail {
			t.Errorf("%s: reason %q detail %q, want %q", tt.name, a.Reason, a.Detail, tt.detail)
		}
	}
	// The repair of the longest cell is tried; of a longer one, not.
	wrap := " <jo@example.com>"
	name := strings.Repeat("N", maxCell-len(wrap))
	if a := Parse(name + wrap); a.Fix != "jo@example.com" {
		t.Errorf("a name and an address in %d bytes: fix %q, want jo@example.com", maxCell, a.Fix)
	}
	if a := Parse("N" + name + wrap); a.Fix != "" {
		t.Errorf("a name and an address in %d bytes: fix %q, want none", maxCell+1, a.Fix)
	}
}

// TestParseLocalAtext: every letter, digit and atext sign is allowed in an
// unquoted local part.
func TestParseLocalAtext(t *testing.T) {
	for _, local := range []string{"abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", "zoe", "Zed", "a9"} {
		if a := Parse(local + "@example.com"); a.Reason != "" {
			t.Errorf("Parse(%s@example.com): %s (%s)", local, a.Reason, a.Detail)
		}
	}
	for c := range 128 {
		a := Parse("a" + string(rune(c)) + "b@example.com")
		if want := atext[c] || c == '.'; (a.Reason == "") != want {
			t.Errorf("%q in a local part: reason %q (%s), want valid %v", rune(c), a.Reason, a.Detail, want)
		}
	}
}

// TestParseDomainLetters: every letter and digit is allowed in a domain,
// by the fast path for a plain lower-case domain and by the general one
// that a capital or a non-ASCII letter takes.
func TestParseDomainLetters(t *testing.T) {
	for _, domain := range []string{
		"abcdefghijklmnopqrstuvwxyz.com", "ABCDEFGHIJKLMNOPQRSTUVWXYZ.com", "0123456789.com",
		"Amazon.com", "zürich.ch", "Zz-9.de", "xn--zrich-kva.ch",
	} {
		if a := Parse("ann@" + domain); a.Reason != "" {
			t.Errorf("Parse(ann@%s): %s (%s)", domain, a.Reason, a.Detail)
		}
	}
}

// TestParseQuotes: cells of quotation marks alone, a quoted local part
// with a bad character after a good one, and a cell whose first and last
// characters are alike but are not quotes.
func TestParseQuotes(t *testing.T) {
	for _, tt := range []struct{ raw, detail, fix string }{
		{`"`, "a quotation mark is not closed", ""},
		{`'`, "there is no @ sign", ""},
		{`""`, "the address is wrapped in quotation marks", ""},
		{`''`, "the address is wrapped in quotation marks", ""},
		{`'jo@example.com'`, "the address is wrapped in quotation marks", "jo@example.com"},
		{"\"a\x80b\"@example.com", "the address is not valid text (a broken character encoding)", ""},
		{"\"a\u200bb\"@example.com", "the address contains an invisible character (U+200B)", ""},
		{"\"é\x01\"@example.com", "the address contains an invisible control character", ""},
		{"\"ü\u2028\"@example.com", "the address contains a space (U+2028)", ""},
		{"a@example.ca", "", ""},
		{"\"é\"@example.com", "", ""},
	} {
		a := Parse(tt.raw)
		if a.Detail != tt.detail || (a.Reason == "") != (tt.detail == "") || a.Fix != tt.fix {
			t.Errorf("Parse(%q): reason %q detail %q fix %q, want %q %q", tt.raw, a.Reason, a.Detail, a.Fix, tt.detail, tt.fix)
		}
	}
}

// TestParseWrappers: what wraps an address, and what only looks like it.
func TestParseWrappers(t *testing.T) {
	for _, tt := range []struct{ raw, detail, fix string }{
		{"jo@example.com>", `the domain contains ">", which is not allowed there`, "jo@example.com"},
		{"jo<x@example.com", `the part before the @ contains "<", which is not allowed there`, ""},
		{"Ann <jo@example.com>", "the cell holds a name with the address in angle brackets", "jo@example.com"},
		{"mailto:", `it starts with "mailto:"`, ""},
		{"MAILTO:jo@example.com?subject=Hi", `it starts with "mailto:"`, "jo@example.com"},
		{"mailto:?to=jo@example.com", `it starts with "mailto:"`, ""},
		{"jo@exa\x80mple.com", "the address is not valid text (a broken character encoding)", ""},
		{"jo@example.xyz;", `the domain contains ";", which is not allowed there`, "jo@example.xyz"},
		{"jo@example.ca,", "the domain contains a comma", "jo@example.ca"},
		{"jo@EXAMPLE.XYZ!", `the domain contains "!", which is not allowed in a domain name`, "jo@example.xyz"},
		// A quote inside means the outer ones wrap nothing.
		{`''jo@example.com'`, "the address is wrapped in quotation marks", "''jo@example.com"},
	} {
		a := Parse(tt.raw)
		if a.Detail != tt.detail || a.Fix != tt.fix {
			t.Errorf("Parse(%q): detail %q fix %q, want %q %q", tt.raw, a.Detail, a.Fix, tt.detail, tt.fix)
		}
	}
}

// TestTrimOneSide trims a cell with white space or an invisible character
// at one end only, where the check for a cell that needs no trimming looks.
func TestTrimOneSide(t *testing.T) {
	for _, blank := range []string{" ", "\t", "\u00a0", "\u200b", "\ufeff", "\u3000"} {
		for _, raw := range []string{blank + "jo@example.com", "jo@example.com" + blank} {
			if got := trim(raw); got != "jo@example.com" {
				t.Errorf("trim(%q) = %q", raw, got)
			}
			if a := Parse(raw); a.Reason != "" || a.Email != "jo@example.com" {
				t.Errorf("Parse(%q): %q %s", raw, a.Email, a.Detail)
			}
		}
	}
	for _, s := range []string{"", "a", "jo@example.com", "é", "é@example.com"} {
		if got := trim(s); got != s {
			t.Errorf("trim(%q) = %q", s, got)
		}
	}
}

// TestParseBadInternationalDomain: a domain IDNA refuses is shown with
// its ASCII letters in lower case, every other character as it was.
func TestParseBadInternationalDomain(t *testing.T) {
	a := Parse("jo@AZ-\u00e9-.com")
	if a.Reason != ReasonBadDomain || a.Email != "jo@az-\u00e9-.com" || a.Detail != "the domain is not a valid international domain name" {
		t.Errorf("Parse(jo@AZ-é-.com): %q %q %q", a.Reason, a.Email, a.Detail)
	}
}

// TestAddressPartsOfEmail: Domain follows the last '@' of any Email.
func TestAddressPartsOfEmail(t *testing.T) {
	a := Address{Email: "@example.com"}
	if a.Local() != "" || a.Domain() != "example.com" {
		t.Errorf("Address{Email: @example.com}: local %q domain %q", a.Local(), a.Domain())
	}
}

// TestLowerASCIIOnly checks the word-at-a-time scan against the plain
// rule for every byte at every place of strings of up to 24 bytes.
func TestLowerASCIIOnly(t *testing.T) {
	want := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
				return false
			}
		}
		return true
	}
	for n := 0; n <= 24; n++ {
		base := []byte(strings.Repeat("a", n))
		if got := lowerASCIIOnly(string(base)); !got {
			t.Fatalf("lowerASCIIOnly(%q) = false", base)
		}
		for i := range n {
			for c := range 256 {
				b := append([]byte(nil), base...)
				b[i] = byte(c)
				if got := lowerASCIIOnly(string(b)); got != want(string(b)) {
					t.Fatalf("lowerASCIIOnly(%q) = %v", b, got)
				}
			}
		}
	}
}

// TestPlainDomain: the fast path takes the plain domains it is for, and
// where it takes one it says what the general path says.
func TestPlainDomain(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	dom253 := label63 + "." + label63 + "." + label63 + "." + strings.Repeat("b", 61)
	for d, tld := range map[string]string{
		"gmail.com": "com", "a.b.c.de": "de", "x-y.com": "com", "123abc.com": "com", "a1.b2.c3": "c3",
		"a--b.com": "com", label63 + ".com": "com", dom253: strings.Repeat("b", 61), "mail.example.zz": "zz",
	} {
		if got, ok := plainDomain(d); !ok || got != tld {
			t.Errorf("plainDomain(%.70q) = %q, %v, want %q, true", d, got, ok, tld)
		}
	}
	for _, d := range []string{"", "Gmail.com", "gmail", "123.456", "-a.com", "a-.com", "a..com", ".a.com", "a.com.",
		"xn--bcher-kva.de", "ab--c.com", label63 + "a.com", dom253 + "b", "b" + dom253, "a_b.com", "bücher.de", "x.localhost", "-", "."} {
		if tld, ok := plainDomain(d); ok {
			t.Errorf("plainDomain(%.70q) = %q, true, want it left to the general path", d, tld)
		}
	}
	rng := rand.New(rand.NewPCG(20, 8))
	const alphabet = "ab9-.xn"
	for range 20000 {
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		plainAgrees(t, string(b))
	}
	for _, d := range []string{"gmail.com", "a1.b2.c3", label63 + ".com", dom253} {
		plainAgrees(t, d)
	}
}

// plainAgrees fails t if plainDomain takes d but the general path does
// not read it as the fast path does.
func plainAgrees(t *testing.T, d string) {
	t.Helper()
	tld, ok := plainDomain(d)
	if !ok {
		return
	}
	if f := normDomain(d); f != (domainForms{ascii: d, uni: d}) {
		t.Errorf("plainDomain takes %q, which normDomain makes %+v", d, f)
	}
	gotOK, gotDetail, gotBad := checkTLD(tld)
	wantOK, wantDetail, wantBad := checkDomain(d)
	if gotOK != wantOK || gotDetail != wantDetail || gotBad != wantBad {
		t.Errorf("plainDomain takes %q: %v %q %v, the general path %v %q %v", d, gotOK, gotDetail, gotBad, wantOK, wantDetail, wantBad)
	}
}

// TestHasACE: a label with "--" in third and fourth place, wherever it is.
func TestHasACE(t *testing.T) {
	for d, want := range map[string]bool{
		"xn--bcher-kva.de": true, "ab--.com": true, "a.ab--c": true, ".xn--a.com": true,
		"a--b.com": false, "abc-.com": false, "gmail.com": false, "ab-": false, "": false,
	} {
		if got := hasACE(d); got != want {
			t.Errorf("hasACE(%q) = %v, want %v", d, got, want)
		}
	}
}

// TestIsASCIIPunct checks every rune up to U+00FF.
func TestIsASCIIPunct(t *testing.T) {
	for r := rune(0); r < 0x100; r++ {
		want := r < 0x80 && !unicode.IsLetter(r) && !unicode.IsDigit(r)
		if got := isASCIIPunct(r); got != want {
			t.Errorf("isASCIIPunct(%q) = %v, want %v", r, got, want)
		}
	}
}

// TestSplitTLD: the dot goes back before the longest ending, and a domain
// that is an ending alone is left as it is.
func TestSplitTLD(t *testing.T) {
	for d, want := range map[string]string{
		"gmailcom": "gmail.com", "bbccouk": "bbc.co.uk", "examplecomau": "example.com.au",
		"com": "com", "couk": "couk", "comau": "comau", "btinternet": "btinternet", "gmail": "gmail",
	} {
		if got := splitTLD(d); got != want {
			t.Errorf("splitTLD(%q) = %q, want %q", d, got, want)
		}
	}
}
