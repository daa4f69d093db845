package printable

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"bob@example.com", "bob@example.com"},
		{"zoë@bücher.de 王芳 👩‍👩‍👧", "zoë@bücher.de 王芳 👩‍👩‍👧"},
		{`C:\lists\a.csv`, `C:\lists\a.csv`},
		{"b@[1.2.3.4\x1b]0;pwned\a]", `b@[1.2.3.4\x1b]0;pwned\a]`},
		{"\x1b]52;c;cHduZWQ=\x1b\\", `\x1b]52;c;cHduZWQ=\x1b\`},
		{"\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;http://evil\x1b\click\x1b]8;;\x1b\`},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"\x1bP1$r\x1b\\", `\x1bP1$r\x1b\`},
		{"red\x1b[31mtext\x1b[0m", `red\x1b[31mtext\x1b[0m`},
		{"nul\x00 bs\b del\x7f", `nul\x00 bs\b del\x7f`},
		{"tab\tnew\nline\r\f\v", `tab\tnew\nline\r\f\v`},
		{"c1\u009b31m nel\u0085", `c1\u009b31m nel\u0085`},
		{"abc\u202egpj.exe", `abc\u202egpj.exe`},
		{"\u2066iso\u2069 \u200e\u200f\u061c", `\u2066iso\u2069 \u200e\u200f\u061c`},
		{"zero\u200bwidth\ufeff", `zero\u200bwidth\ufeff`},
		{"tag\U000E0041", `tag\U000e0041`},
		{"line\u2028para\u2029", `line\u2028para\u2029`},
		{"bad\xffutf8\x9b", `bad\xffutf8\x9b`},
		{"cut\xe2\x82", `cut\xe2\x82`},
	}
	for _, tt := range tests {
		got := String(tt.in)
		if got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if Is(tt.in) != (tt.in == tt.want) {
			t.Errorf("Is(%q) = %v, but String gives %q", tt.in, Is(tt.in), got)
		}
	}
}

// TestStringAllRunes checks every rune: String passes it through or
// escapes it, and what it gives is valid UTF-8 with no control or format
// character but the joiners.
func TestStringAllRunes(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		got := String(s)
		if got != s && !strings.HasPrefix(got, `\`) {
			t.Fatalf("String(%U) = %q: neither the rune nor an escape", r, got)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("String(%U) = %q: not UTF-8", r, got)
		}
		if got == s && unsafeRune(r) {
			t.Fatalf("String(%U) passed an unsafe rune", r)
		}
	}
}

func BenchmarkString(b *testing.B) {
	for _, bc := range []struct{ name, s string }{
		{"ascii", "bethan.cartwright10@yahoo.co.uk"},
		{"utf8", "zoë.müller@bücher.de"},
		{"escape", "b@[1.2.3.4\x1b]0;pwned\a]"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				String(bc.s)
			}
		})
	}
}
