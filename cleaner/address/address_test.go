package address

import (
	"strings"
	"testing"
)

func TestParseAddressValid(t *testing.T) {
	tests := []struct {
		raw, email, domain, ascii, key string
	}{
		{"jo@example.com", "jo@example.com", "example.com", "example.com", "jo@example.com"},
		{"Jo.Bloggs@Example.ORG", "Jo.Bloggs@example.org", "example.org", "example.org", "jo.bloggs@example.org"},
		{"Jo@BÜCHER.DE", "Jo@bücher.de", "bücher.de", "xn--bcher-kva.de", "jo@bücher.de"},
		{"jo@xn--bcher-kva.de", "jo@bücher.de", "bücher.de", "xn--bcher-kva.de", "jo@bücher.de"},
		{"jo@ｇｍａｉｌ.com", "jo@gmail.com", "gmail.com", "gmail.com", "jo@gmail.com"}, // full-width letters map to ASCII
		{"someone@президент.рф", "someone@президент.рф", "президент.рф", "xn--d1abbgf6aiiy.xn--p1ai", "someone@президент.рф"},
		{"jo@sub.domain.co.uk", "jo@sub.domain.co.uk", "sub.domain.co.uk", "sub.domain.co.uk", "jo@sub.domain.co.uk"},
		{"jo@c--n.com", "jo@c--n.com", "c--n.com", "c--n.com", "jo@c--n.com"},
		{"jo@123.com", "jo@123.com", "123.com", "123.com", "jo@123.com"},
		{"jo@foo.blogspot.com", "jo@foo.blogspot.com", "foo.blogspot.com", "foo.blogspot.com", "jo@foo.blogspot.com"},
		{"!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~@example.com", "example.com", "example.com", "!#$%&'*+-/=?^_`{|}~@example.com"},
		{`"john doe"@example.com`, `"john doe"@example.com`, "example.com", "example.com", `"john doe"@example.com`},
		{`"jo@home"@example.com`, `"jo@home"@example.com`, "example.com", "example.com", `"jo@home"@example.com`},
		{`"a\"b"@example.com`, `"a\"b"@example.com`, "example.com", "example.com", `"a\"b"@example.com`},
		{"ÑOÑO@example.com", "ÑOÑO@example.com", "example.com", "example.com", "ñoño@example.com"},
		{"伊昭傑@郵件.台灣", "伊昭傑@郵件.台灣", "郵件.台灣", "xn--5nqv22n.xn--kpry57d", "伊昭傑@郵件.台灣"},
		{"héllo\u0301@example.com", "héllo\u0301@example.com", "example.com", "example.com", "h\u00e9ll\u00f3@example.com"}, // combining accent after a letter, composed in the key
		{strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64) + "@example.com", "example.com", "example.com", strings.Repeat("a", 64) + "@example.com"},
		// Trimming: spaces of every kind, zero-width characters, line ends.
		{"  jo@example.com\t", "jo@example.com", "example.com", "example.com", "jo@example.com"},
		{"\u00a0jo@example.com\u00a0", "jo@example.com", "example.com", "example.com", "jo@example.com"},
		{"\ufeff\u200bjo@example.com\u200d\u3000", "jo@example.com", "example.com", "example.com", "jo@example.com"},
		{"jo@example.com\r\n", "jo@example.com", "example.com", "example.com", "jo@example.com"},
	}
	for _, tt := range tests {
		a := Parse(tt.raw)
		if a.Reason != "" {
			t.Errorf("Parse(%q): reason %q (%s), want valid", tt.raw, a.Reason, a.Detail)
			continue
		}
		if a.Raw != tt.raw || a.Email != tt.email || a.Domain() != tt.domain || a.ASCII != tt.ascii || a.Key() != tt.key {
			t.Errorf("Parse(%q) = raw %q email %q domain %q ascii %q key %q, want %q %q %q %q", tt.raw,
				a.Raw, a.Email, a.Domain(), a.ASCII, a.Key(), tt.email, tt.domain, tt.ascii, tt.key)
		}
		if a.Detail != "" || a.Fix != "" {
			t.Errorf("Parse(%q) = detail %q fix %q", tt.raw, a.Detail, a.Fix)
		}
	}
}

// TestParseAddressInvalid covers every syntax and domain rule, each with the
// Fix expected ("" for none).
func TestParseAddressInvalid(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []struct {
		raw    string
		reason Reason
		detail string // a word or phrase the detail must contain
		fix    string
	}{
		// Not an address.
		{"", ReasonSyntax, "empty", ""},
		{" \u00a0 ", ReasonSyntax, "empty", ""},
		{"jo.example.com", ReasonSyntax, "no @", ""},
		{"a@b@example.com", ReasonSyntax, "two @", ""},
		{"a@b@c@example.com", ReasonSyntax, "3 @", ""},
		{"@example.com", ReasonSyntax, "nothing before", ""},
		{"jo@", ReasonSyntax, "nothing after", ""},
		{"jo bloggs@example.com", ReasonSyntax, "space", ""},
		{"jo\u00a0bloggs@example.com", ReasonSyntax, "space", ""},
		{"jo@exa mple.com", ReasonSyntax, "space", "jo@example.com"},
		{"jo\x00@example.com", ReasonSyntax, "control", ""},
		{"jo\x7f@example.com", ReasonSyntax, "control", ""},
		{"jo\tx@example.com", ReasonSyntax, "tab", ""},
		{"jo\nx@example.com", ReasonSyntax, "line break", ""},
		{"jo@exa\x01mple.com", ReasonSyntax, "control", ""},
		{"jo\u0085x@example.com", ReasonSyntax, "space", ""},
		{"jo\u0080x@example.com", ReasonSyntax, "control", ""},
		{"jo\u200ex@example.com", ReasonSyntax, "invisible", "jox@example.com"},
		{"jo\u200dx@example.com", ReasonSyntax, "invisible", "jox@example.com"},
		{"jo\ue000@example.com", ReasonSyntax, "U+E000", ""},
		{"jo\ufdef@example.com", ReasonSyntax, "U+FDEF", ""},
		{"\u0301jo@example.com", ReasonSyntax, "combining", ""},
		{"jo\ufffd@example.com", ReasonSyntax, "broken character", ""},
		{"jo\xff@example.com", ReasonSyntax, "not valid text", ""},
		{"jo.bloggs..x@example.com", ReasonSyntax, "two dots", "jo.bloggs.x@example.com"},
		{".jo@example.com", ReasonSyntax, "starts with a dot", "jo@example.com"},
		{"jo.@example.com", ReasonSyntax, "ends with a dot", "jo@example.com"},
		{"jo(x)@example.com", ReasonSyntax, `"("`, ""},
		{`jo\x@example.com`, ReasonSyntax, `"\"`, ""},
		{`jo\@x@example.com`, ReasonSyntax, "two @", ""},
		{"jo,x@example.com", ReasonSyntax, "comma", ""},
		{strings.Repeat("a", 65) + "@example.com", ReasonSyntax, "too long (65 bytes; the limit is 64)", ""},
		{"jo@" + long + "." + long + "." + long + "." + long + ".com", ReasonSyntax, "too long (262 bytes; the limit is 254)", ""},
		{`"jo@example.com`, ReasonSyntax, "not closed", ""},
		{`"jo"x@example.com`, ReasonSyntax, "between the closing quotation mark", ""},
		{`"jo"`, ReasonSyntax, "quotation marks", ""},
		{`"x"@[a@b]`, ReasonSyntax, "two @ signs", ""},
		{`"a@b"@@example.com`, ReasonSyntax, "doubled", ""},
		{`"jo\"@example.com`, ReasonSyntax, "not closed", ""},
		{"\"j\x01o\"@example.com", ReasonSyntax, "control", ""},
		{"\"" + strings.Repeat("a", 63) + "\"@example.com", ReasonSyntax, "too long", ""},
		{"jo@.example.com", ReasonSyntax, "starts with a dot", "jo@example.com"},
		{"jo@example..com", ReasonSyntax, "two dots", "jo@example.com"},
		{"jo@example．．com", ReasonSyntax, "two dots", "jo@example.com"}, // full-width dots
		{"jo@example.com(x)", ReasonSyntax, `"("`, ""},
		{"jo@[1.2.3.4", ReasonSyntax, `"["`, ""},
		{"jo@\u034f", ReasonSyntax, "invisible", ""}, // IDNA maps U+034F to nothing

		// Not a domain that can receive mail.
		{"jo@localhost", ReasonBadDomain, "localhost", ""},
		{"jo@mail.localhost", ReasonBadDomain, "localhost", ""},
		{"jo@x.invalid", ReasonBadDomain, ".invalid", ""},
		{"jo@x.test", ReasonBadDomain, ".test", ""},
		{"jo@test", ReasonBadDomain, ".test", ""},
		{"jo@x.example", ReasonBadDomain, ".example", ""},
		{"jo@printer.local", ReasonBadDomain, ".local", ""},
		{"jo@x.onion", ReasonBadDomain, ".onion", ""},
		{"jo@x.alt", ReasonBadDomain, ".alt", ""},
		{"jo@corp.internal", ReasonBadDomain, ".internal", ""},
		{"jo@router.home.arpa", ReasonBadDomain, ".arpa", ""},
		{"jo@example", ReasonBadDomain, ".example", ""},
		{"jo@intranet", ReasonBadDomain, "no dot", ""}, // never "intra.net"
		{"jo@btinternet", ReasonBadDomain, "no dot", ""},
		{"jo@[192.0.2.1]", ReasonBadDomain, "IP address in brackets", ""},
		{"jo@[IPv6:2001:db8::1]", ReasonBadDomain, "IP address in brackets", ""},
		{"jo@[example.com]", ReasonBadDomain, "text in square brackets", ""},
		{"jo@192.0.2.1", ReasonBadDomain, "IP address", ""},
		{"jo@gmail.cmo", ReasonBadDomain, "the top-level domain .cmo does not exist", ""},
		{"jo@x.co-uk", ReasonBadDomain, ".co-uk does not exist", ""},
		{"jo@x.123", ReasonBadDomain, ".123 does not exist", ""},
		{"jo@-x.com", ReasonBadDomain, "starts with a hyphen", ""},
		{"jo@x-.com", ReasonBadDomain, "ends with a hyphen", ""},
		{"jo@x.com-", ReasonBadDomain, "ends with a hyphen", "jo@x.com"},
		{"jo@ab--cd.com", ReasonBadDomain, "reserved", ""},
		{"jo@xn--0.com", ReasonBadDomain, "not a valid international name", ""},
		{"jo@" + strings.Repeat("a", 64) + ".com", ReasonBadDomain, "the limit is 63", ""},
		{"jo@a_b.com", ReasonBadDomain, "underscore", ""},
		{"jo@at&t.com", ReasonBadDomain, `"&"`, ""},
		{"jo@x.com'", ReasonBadDomain, `"'"`, "jo@x.com"},
		{`jo@x.com\`, ReasonSyntax, `"\"`, "jo@x.com"},
		{"jo@⒈x.com", ReasonBadDomain, "international domain name", ""},
		{"jo@bücher_x.de", ReasonBadDomain, "underscore", ""},

		// Slips with one obvious correction.
		{"jo@gmail,com", ReasonSyntax, "comma", "jo@gmail.com"},
		{"jo@@gmail.com", ReasonSyntax, "doubled", "jo@gmail.com"},
		{"jo@gmailcom", ReasonBadDomain, "no dot", "jo@gmail.com"},
		{"Jo@GmailCom", ReasonBadDomain, "no dot", "Jo@gmail.com"},
		{"jo@examplenet", ReasonBadDomain, "no dot", "jo@example.net"},
		{"jo@yahoocouk", ReasonBadDomain, "no dot", "jo@yahoo.co.uk"},
		{"jo@bigpondcomau", ReasonBadDomain, "no dot", "jo@bigpond.com.au"},
		{"jo@gmail", ReasonBadDomain, "no dot", ""}, // never "gma.il"
		{"jo@gmx", ReasonBadDomain, "no dot", ""},   // never "g.mx"
		{"jo@gmail.com.", ReasonSyntax, "ends with a dot", "jo@gmail.com"},
		{"jo@gmail.com．", ReasonSyntax, "ends with a dot", "jo@gmail.com"},
		{"jo@.gmail.com", ReasonSyntax, "starts with a dot", "jo@gmail.com"},
		{"mailto:jo@x.com", ReasonSyntax, "mailto:", "jo@x.com"},
		{"MAILTO:jo@x.com?subject=Hi", ReasonSyntax, "mailto:", "jo@x.com"},
		{"Jo Bloggs <jo@x.com>", ReasonSyntax, "name", "jo@x.com"},
		{`"Bloggs, Jo" <Jo@X.com>`, ReasonSyntax, "name", "Jo@x.com"},
		{"<jo@x.com>", ReasonSyntax, "angle brackets", "jo@x.com"},
		{"Jo <mailto:jo@gmail,com>", ReasonSyntax, "name", "jo@gmail.com"},
		{"Jo <jo@gmail>", ReasonSyntax, "name", ""},
		{"jo @gmail.com", ReasonSyntax, "space", "jo@gmail.com"},
		{"jo@ gmail.com", ReasonSyntax, "space", "jo@gmail.com"},
		{"jo@gmail .com", ReasonSyntax, "space", "jo@gmail.com"},
		{"jo@gmail.co m", ReasonSyntax, "space", "jo@gmail.com"},
		{"jo . bloggs@gmail.com", ReasonSyntax, "space", "jo.bloggs@gmail.com"},
		{"jo\u00a0@gmail.com", ReasonSyntax, "space", "jo@gmail.com"},
		{"jo\u200b@gmail.com", ReasonSyntax, "invisible", "jo@gmail.com"},
		{"jo@gm\u00adail.com", ReasonSyntax, "invisible", "jo@gmail.com"},
		{"jo@gmail.com,", ReasonSyntax, "comma", "jo@gmail.com"},
		{"jo@gmail.com;", ReasonSyntax, `";"`, "jo@gmail.com"},
		{"'jo@gmail.com'", ReasonSyntax, "quotation marks", "jo@gmail.com"},
		{`"jo@gmail.com"`, ReasonSyntax, "quotation marks", "jo@gmail.com"},
		{"jo＠gmail.com", ReasonSyntax, "full-width", "jo@gmail.com"},
		{"jo@gmail,cmo", ReasonSyntax, "comma", "jo@gmail.cmo"}, // the TLD is suggestion code's job
		{"jo.@gmail,com", ReasonSyntax, "ends with a dot", "jo@gmail.com"},
		{"jo bloggs@gmail.com", ReasonSyntax, "space", ""},       // which of jobloggs, jo.bloggs?
		{"jo@gmail.com jo@yahoo.com", ReasonSyntax, "two @", ""}, // two addresses
		{"jo@g\ufffdmail.com", ReasonSyntax, "broken", ""},       // the lost character is unknown
	}
	for _, tt := range tests {
		a := Parse(tt.raw)
		if a.Reason != tt.reason || !strings.Contains(a.Detail, tt.detail) || a.Fix != tt.fix {
			t.Errorf("Parse(%q) = %q %q fix %q, want %q with %q, fix %q", tt.raw, a.Reason, a.Detail, a.Fix, tt.reason, tt.detail, tt.fix)
		}
		if a.Raw != tt.raw {
			t.Errorf("Parse(%q).Raw = %q", tt.raw, a.Raw)
		}
		switch a.Reason {
		case ReasonSyntax:
			if a.Email != "" || a.Local() != "" || a.Domain() != "" || a.ASCII != "" || a.Key() != "" {
				t.Errorf("Parse(%q) is a syntax error with fields set: %+v", tt.raw, a)
			}
		case ReasonBadDomain:
			if a.Email == "" || a.Key() == "" || a.ASCII != "" || a.Domain() == "" {
				t.Errorf("Parse(%q) is a bad domain with fields %+v", tt.raw, a)
			}
		}
		checkInvariants(t, tt.raw)
	}
}

func TestCheckDomain(t *testing.T) {
	tests := []struct {
		ascii  string
		ok     bool
		detail string
	}{
		{"gmail.com", true, ""},
		{"GMAIL.COM", true, ""},
		{"bbc.co.uk", true, ""},
		{"xn--bcher-kva.de", true, ""},
		{"xn--d1abbgf6aiiy.xn--p1ai", true, ""},
		{"foo.blogspot.com", true, ""}, // a private suffix under an existing TLD
		{"example.com", true, ""},
		{"example.org", true, ""},
		{"", false, "empty"},
		{".gmail.com", false, "starts with a dot"},
		{"gmail.com.", false, "ends with a dot"},
		{"gmail..com", false, "two dots"},
		{"gmailcom", false, "no dot"},
		{"localhost", false, "localhost"},
		{"x.onion", false, ".onion"},
		{"1.2.3.4", false, "IP address"},
		{"[1.2.3.4]", false, "IP address in brackets"},
		{"gmail.cmo", false, "the top-level domain .cmo does not exist"},
		{"gmail.con", false, ".con does not exist"},
		{"x.xn--jxalpdlp", false, "the top-level domain .δοκιμή does not exist"},
		{"a_b.com", false, "underscore"},
		{"a b.com", false, "space"},
		{"bücher.de", false, "punycode"},
		{"-a.com", false, "starts with a hyphen"},
		{"a-.com", false, "ends with a hyphen"},
		{"ab--c.com", false, "reserved"},
		{"xn--0.com", false, "not a valid international name"},
		{strings.Repeat("a", 64) + ".com", false, "63"},
		{strings.Repeat("a.", 126) + "com", false, "253"},
	}
	for _, tt := range tests {
		ok, detail, _ := checkDomain(tt.ascii)
		if ok != tt.ok || !strings.Contains(detail, tt.detail) || ok && detail != "" {
			t.Errorf("checkDomain(%q) = %v, %q; want %v with %q", tt.ascii, ok, detail, tt.ok, tt.detail)
		}
	}
}

// TestParseAddressIdempotent checks that normalising twice changes nothing.
func TestParseAddressIdempotent(t *testing.T) {
	for _, raw := range []string{
		"Jo@BÜCHER.DE", "jo@xn--bcher-kva.de", "  JO@Example.COM ", "jo@ｇｍａｉｌ.com", `"Jo Bloggs"@Example.com`,
		"jo@gmail.cmo", "jo@GMAILCOM", "jo@[1.2.3.4]", "jo@A_B.com", "jo@BÜCHER_X.DE", "jo@⒈x.com", "jo@localhost",
	} {
		checkInvariants(t, raw)
	}
}

// checkInvariants checks, for any input, what FuzzParseAddress checks:
// the result is normalised (parsing its Email gives it back) and a Fix
// parses cleanly, or fails only on its top-level domain.
func checkInvariants(t *testing.T, raw string) {
	t.Helper()
	a, _ := parse(raw)
	if a.Raw != raw {
		t.Fatalf("Parse(%q).Raw = %q", raw, a.Raw)
	}
	if (a.Email == "") != (a.Reason == ReasonSyntax) {
		t.Fatalf("Parse(%q): email %q with reason %q", raw, a.Email, a.Reason)
	}
	if (a.Reason == "") != (a.ASCII != "") {
		t.Fatalf("Parse(%q): ascii %q with reason %q", raw, a.ASCII, a.Reason)
	}
	if a.Reason != "" && a.Detail == "" {
		t.Fatalf("Parse(%q): reason %q without detail", raw, a.Reason)
	}
	if a.Email != "" {
		b := Parse(a.Email)
		if b.Email != a.Email || b.Key() != a.Key() || b.Reason != a.Reason || b.Domain() != a.Domain() || b.ASCII != a.ASCII || b.Local() != a.Local() {
			t.Fatalf("Parse(%q) = %+v, but Parse of its Email = %+v", raw, a, b)
		}
	}
	if a.Fix != "" {
		if a.Reason == "" {
			t.Fatalf("Parse(%q): valid address with fix %q", raw, a.Fix)
		}
		f, badTLD := parse(a.Fix)
		if f.Reason != "" && !badTLD {
			t.Fatalf("Parse(%q).Fix = %q, which fails: %s", raw, a.Fix, f.Detail)
		}
		if f.Email != a.Fix {
			t.Fatalf("Parse(%q).Fix = %q is not normalised (%q)", raw, a.Fix, f.Email)
		}
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{
		"jo@example.com", "Jo@BÜCHER.DE", `"john doe"@example.com`, "Jo Bloggs <jo@x.com>", "mailto:jo@x.com",
		"jo@gmail,com", "jo@@gmail.com", "jo@gmailcom", "jo@yahoocouk", "jo@gmail.com.", "jo @gmail .com",
		"jo.@gmail.com", "jo@[1.2.3.4]", "jo@xn--bcher-kva.de", "jo@ｇｍａｉｌ.com", "'jo@x.com'", "jo＠x.com",
		"jo@gm\u00adail.com", "\u00a0jo@x.com\u200b", "jo@exa\u3002mple.com",
	} {
		f.Add(s)
	}
	f.Fuzz(checkInvariants)
}

// TestParseAddressAllocs guards the speed of the common case: a clean,
// lower-case address costs no allocation.
func TestParseAddressAllocs(t *testing.T) {
	for _, cell := range []string{"john.smith@gmail.com", "info@sub.example.co.uk"} {
		if n := testing.AllocsPerRun(100, func() { Parse(cell) }); n != 0 {
			t.Errorf("Parse(%q) allocates %v times, want 0", cell, n)
		}
		p := NewParser()
		if n := testing.AllocsPerRun(100, func() { p.Parse(cell) }); n != 0 {
			t.Errorf("Parser.Parse(%q) allocates %v times, want 0", cell, n)
		}
		if n := testing.AllocsPerRun(100, func() { _ = p.Parse(cell).Key() }); n != 0 {
			t.Errorf("the Key of %q allocates %v times, want 0", cell, n)
		}
	}
}

// BenchmarkParseAddress measures each kind of cell; "clean" is the common
// case of a list and must not allocate.
func BenchmarkParseAddress(b *testing.B) {
	for _, bm := range []struct{ name, cell string }{
		{"clean", "john.smith@gmail.com"},
		{"upper", "Mary.Jones@Yahoo.CO.UK"},
		{"padded", "\u00a0sales@example.org "},
		{"idn", "jo@bücher.de"},
		{"badTLD", "jo@gmail.cmo"},
		{"slip", "Jo Bloggs <jo@gmail,com>"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Parse(bm.cell)
			}
		})
		// As NewSession parses: the domain part's results are in the
		// parser's cache after the first cell.
		b.Run("parser/"+bm.name, func(b *testing.B) {
			b.ReportAllocs()
			p := NewParser()
			for b.Loop() {
				p.Parse(bm.cell)
			}
		})
	}
}

// TestAddrParser: a Parser parses as Parse does, field for field
// (badTLD included), whatever its cache holds: the same domain from another
// cell, written the same or otherwise, or another domain in the same slot.
func TestAddrParser(t *testing.T) {
	labels := []string{"a", "ab", "a-b", "ab--c", "xn--bcher-kva", "xn--abc", "-a", "a-", "1", "123", "A", "aB", "a_b", "ü", "Ü", "",
		strings.Repeat("a", 63), strings.Repeat("b", 64), "com", "COM", "de", "cmo", "test", "localhost", "xn--p1ai", "рф", "co", "uk"}
	var domains []string
	for _, x := range labels {
		domains = append(domains, x, "[1.2.3.4]", "gmail,com", "gmailcom", "exa mple.com", "x.com;")
		for _, y := range labels {
			domains = append(domains, x+"."+y, x+"."+y+".com", x+"."+y+".de", x+"."+y+".cmo", x+"."+y+".123")
		}
	}
	long := strings.Repeat(strings.Repeat("d", 62)+".", 5)
	for n := 248; n <= 256; n++ {
		domains = append(domains, long[:n-4]+".com", "x"+long[1:n-4]+".com")
	}
	locals := []string{"jo", "Jo.Doe", strings.Repeat("l", 64), `"q@q"`, " jo", "jo.", "mailto:jo", "jo@"}
	p := NewParser()
	for round := range 2 {
		for _, d := range domains {
			for _, local := range locals {
				cell := local + "@" + d
				if round == 1 {
					cell = strings.Clone(cell) // the cached domain is in another string
				}
				want, wantTLD := parse(cell)
				got, gotTLD := parseWith(cell, p)
				if got != want || gotTLD != wantTLD {
					t.Errorf("%q: parser gives %#v %v, want %#v %v", cell, got, gotTLD, want, wantTLD)
				}
				if a := p.Parse(cell); a != want {
					t.Errorf("%q: parse gives %#v, want %#v", cell, a, want)
				}
			}
		}
	}
}

// TestAddressKey: Key is strings.ToLower of Email, whether or not that is
// in lower case already.
func TestAddressKey(t *testing.T) {
	base := []string{"", "a", "jo@example.com", "Jo@example.com", "jo@example.coM", "jo@bücher.de", "JO@BÜCHER.DE", "@[]^_`{", "AZaz",
		"ÑOÑO@example.com", "\u212a@x.com", "İ", "abcdefghijklmnopqrstuvwxyz0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "\x7f\x80\xff"}
	for _, b := range base {
		for i := 0; i <= 17; i++ {
			for _, e := range []string{b, strings.Repeat("x", i) + b, b + strings.Repeat("y", i), strings.Repeat("Q", i) + b} {
				if got, want := (Address{Email: e}).Key(), strings.ToLower(e); got != want {
					t.Errorf("Key of %q = %q, want %q", e, got, want)
				}
			}
		}
	}
	for c := range 256 {
		for i := range 9 {
			e := strings.Repeat("a", i) + string([]byte{byte(c)}) + "bcdefgh"
			if got, want := (Address{Email: e}).Key(), strings.ToLower(e); got != want {
				t.Errorf("Key of %q = %q, want %q", e, got, want)
			}
		}
	}
}

// TestAddressParts: the local part and the domain are split at the last
// '@', which a quoted local part may also hold, and are empty for a cell
// that is not an address.
func TestAddressParts(t *testing.T) {
	tests := []struct{ raw, local, domain string }{
		{"Jo.Doe@Bücher.DE", "Jo.Doe", "bücher.de"},
		{`"a@b"@example.com`, `"a@b"`, "example.com"},
		{" x@y.cmo ", "x", "y.cmo"}, // bad_domain: still an address
		{"a@@b.com", "", ""},        // syntax
		{"", "", ""},
	}
	for _, tt := range tests {
		a := Parse(tt.raw)
		if a.Local() != tt.local || a.Domain() != tt.domain {
			t.Errorf("Parse(%q): local %q domain %q, want %q %q", tt.raw, a.Local(), a.Domain(), tt.local, tt.domain)
		}
	}
}

// TestKeyNFC: an address typed with composed and with decomposed letters
// is one address, and a key is in the composed form.
func TestKeyNFC(t *testing.T) {
	composed := Parse("Zo\u00eb.Lambert@web.de")
	decomposed := Parse("zoe\u0308.lambert@WEB.DE")
	if composed.Email == decomposed.Email {
		t.Fatal("the test needs two spellings")
	}
	if composed.Key() != decomposed.Key() || composed.Key() != "zo\u00eb.lambert@web.de" {
		t.Errorf("keys %q and %q, want both %q", composed.Key(), decomposed.Key(), "zo\u00eb.lambert@web.de")
	}
	if a, b := Parse("j\u00f6rg@b\u00fccher.de"), Parse("jo\u0308rg@xn--bcher-kva.de"); a.Key() != b.Key() {
		t.Errorf("keys %q and %q differ", a.Key(), b.Key())
	}
}

// TestWritten: the address as typed, only the blanks around it dropped.
func TestWritten(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"bob@xn--mnchen-3ya.de", "bob@xn--mnchen-3ya.de"},
		{"bob@M\u00fcnchen.DE", "bob@M\u00fcnchen.DE"},
		{"RAJ.PATEL@GMAIL.COM", "RAJ.PATEL@GMAIL.COM"},
		{"zoe\u0308@web.de", "zoe\u0308@web.de"},
		{"\u00a0sofia@libero.it\u200b ", "sofia@libero.it"},
		{"  tom@yahoo.co.uk  ", "tom@yahoo.co.uk"},
	}
	for _, tt := range tests {
		if got := Parse(tt.raw).Written(); got != tt.want {
			t.Errorf("Parse(%q).Written() = %q, want %q", tt.raw, got, tt.want)
		}
	}
}
