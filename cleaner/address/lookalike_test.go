package address

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/idna"
)

// TestLookalikesTable: every letter of the table is a Cyrillic or Greek
// letter that IDNA keeps as it is, mapped to a Latin lower-case letter or
// digit: a letter IDNA maps away never reaches the table.
func TestLookalikesTable(t *testing.T) {
	for r, c := range lookalikes {
		if !unicode.IsLetter(r) || !unicode.In(r, unicode.Cyrillic, unicode.Greek) {
			t.Errorf("%U %c is not a Cyrillic or Greek letter", r, r)
		}
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			t.Errorf("%U %c maps to %q, not a Latin lower-case letter or digit", r, r, c)
		}
		if u, err := idna.Lookup.ToUnicode(mustASCII(t, "x"+string(r)+".com")); err != nil || !strings.ContainsRune(u, r) {
			t.Errorf("%U %c: IDNA does not keep it (%q, %v)", r, r, u, err)
		}
	}
}

func mustASCII(t *testing.T, d string) string {
	t.Helper()
	a, err := idna.Lookup.ToASCII(d)
	if err != nil {
		t.Fatalf("ToASCII(%q): %v", d, err)
	}
	return a
}

func TestWithoutLookalikes(t *testing.T) {
	tests := []struct {
		domain, want string
		n            int
	}{
		{"gmаil.com", "gmail.com", 1},        // Cyrillic а
		{"xn--gmil-63d.com", "gmail.com", 1}, // the same, as DNS has it
		{"yаndex.ru", "yandex.ru", 1},        // Cyrillic а
		{"gmαil.com", "gmail.com", 1},        // Greek alpha
		{"оutlооk.com", "outlook.com", 3},    // three Cyrillic о
		{"hоtmаil.cоm", "hotmail.com", 3},    // the suffix too
		{"ԁaum.net", "daum.net", 1},          // Cyrillic Komi de
		{"gmail.com", "", 0},                 // nothing to replace
		{"bücher.de", "", 0},                 // ü imitates nothing
		{"xn--bcher-kva.de", "", 0},          // the same, as DNS has it
		{"почта.рф", "", 0},                  // Cyrillic of its own
		{"сосо.рф", "", 0},                   // only lookalikes, but no Latin letter
		{"xn--80a1acny.xn--p1ai", "", 0},     // почта.рф
		{"xn--zz.com", "", 0},                // not punycode
	}
	for _, tt := range tests {
		got, n, ok := withoutLookalikes(tt.domain)
		if got != tt.want || n != tt.n || ok != (tt.want != "") {
			t.Errorf("withoutLookalikes(%q) = %q, %d, %v, want %q, %d", tt.domain, got, n, ok, tt.want, tt.n)
		}
	}
}

// TestSuggestLookalike: a domain typed with lookalike letters gets the
// domain they imitate, through Parse as the session sees it (punycode for
// a domain that is well formed, Unicode for one that is not).
func TestSuggestLookalike(t *testing.T) {
	tests := []struct {
		raw, want, source string
	}{
		{"jo@gmаil.com", "gmail.com", SourceProvider},
		{"jo@GMАIL.COM", "gmail.com", SourceProvider},
		{"jo@yаndex.ru", "yandex.ru", SourceProvider},
		{"jo@gmаil.cоm", "gmail.com", SourceProvider}, // a top-level domain that does not exist
		{"jo@gmаil.con", "gmail.com", SourceProvider}, // and a slip of the Latin suffix
		{"jo@gmаil", "gmail.com", SourceProvider},     // and no suffix
		{"jo@brightwаterlabs.com", "brightwaterlabs.com", SourceList},
		{"jo@exаmple.com", "example.com", SourceLookalike},
	}
	s := NewSuggester(map[string]int{"brightwaterlabs.com": 70})
	for _, tt := range tests {
		a := Parse(tt.raw)
		d := a.ASCII
		if d == "" {
			d = a.Domain()
		}
		got := s.Suggest(d)
		if len(got) == 0 || got[0].Domain != tt.want || got[0].Source != tt.source {
			t.Errorf("Suggest(%q) for %q = %v, want first %s (%s)", d, tt.raw, got, tt.want, tt.source)
		}
	}
	for _, d := range []string{"xn--bcher-kva.de", "bücher.de", "xn--80a1acny.xn--p1ai", "xn--mnchen-3ya.de"} {
		if got := s.Suggest(d); got != nil {
			t.Errorf("Suggest(%q) = %v, want nil", d, got)
		}
	}
}

// TestSuspectLookalike: a domain that routes and is a provider's written
// with lookalike letters is suspect; other lookalike domains are not.
func TestSuspectLookalike(t *testing.T) {
	s := NewSuggester(map[string]int{"brightwaterlabs.com": 70})
	tests := []struct {
		domain, want string
	}{
		{mustASCII(t, "gmаil.com"), "gmail.com"},
		{mustASCII(t, "yаndex.ru"), "yandex.ru"},
		{mustASCII(t, "ԁaum.net"), "daum.net"},
		{mustASCII(t, "brightwаterlabs.com"), ""}, // a list's domain: only a suggestion if it does not route
		{mustASCII(t, "exаmple.com"), ""},
		{mustASCII(t, "bücher.de"), ""},
	}
	for _, tt := range tests {
		c, ok := s.Suspect(tt.domain)
		if ok != (tt.want != "") || c.Domain != tt.want {
			t.Errorf("Suspect(%q) = %v, %v, want %q", tt.domain, c, ok, tt.want)
		}
	}
}

func TestLookalike(t *testing.T) {
	for domain, want := range map[string]string{
		"gm\u0430il.com":   "gmail.com",
		"xn--gmil-63d.com": "gmail.com",
		"gmail.com":        "",
		"m\u00fcnchen.de":  "",
		"\u043f\u043e\u0447\u0442\u0430.\u0440\u0444": "",
	} {
		if got, ok := Lookalike(domain); got != want || ok != (want != "") {
			t.Errorf("Lookalike(%q) = %q, %v, want %q", domain, got, ok, want)
		}
	}
}
