package address

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// lookalikes maps the Cyrillic and Greek letters that imitate a Latin
// letter or digit to it, as a domain holds them once IDNA has mapped it
// (lower case: an upper-case А is а by then).
//
// Source: Unicode's confusables.txt (UTS #39, Unicode Security
// Mechanisms, version 13.0.0, 2020-02-13), the entries that map a Cyrillic
// or Greek letter that IDNA leaves as it is to a single Latin lower-case
// letter or digit. © 2020 Unicode®, Inc.; used under the Unicode terms of
// use (https://www.unicode.org/terms_of_use.html). golang.org/x/text has
// no skeleton function, and a domain needs only these letters.
var lookalikes = map[rune]byte{
	'\u03B1': 'a', // α Greek alpha
	'\u03B3': 'y', // γ Greek gamma
	'\u03B9': 'i', // ι Greek iota
	'\u03BD': 'v', // ν Greek nu
	'\u03BF': 'o', // ο Greek omicron
	'\u03C1': 'p', // ρ Greek rho
	'\u03C3': 'o', // σ Greek sigma
	'\u03C5': 'u', // υ Greek upsilon
	'\u03F3': 'j', // ϳ Greek yot
	'\u0430': 'a', // а Cyrillic a
	'\u0431': '6', // б Cyrillic be
	'\u0433': 'r', // г Cyrillic ghe
	'\u0435': 'e', // е Cyrillic ie
	'\u043E': 'o', // о Cyrillic o
	'\u0440': 'p', // р Cyrillic er
	'\u0441': 'c', // с Cyrillic es
	'\u0443': 'y', // у Cyrillic u
	'\u0445': 'x', // х Cyrillic ha
	'\u0455': 's', // ѕ Cyrillic dze
	'\u0456': 'i', // і Cyrillic Byelorussian-Ukrainian i
	'\u0458': 'j', // ј Cyrillic je
	'\u0461': 'w', // ѡ Cyrillic omega
	'\u0475': 'v', // ѵ Cyrillic izhitsa
	'\u04AF': 'y', // ү Cyrillic straight u
	'\u04BB': 'h', // һ Cyrillic shha
	'\u04BD': 'e', // ҽ Cyrillic Abkhasian che
	'\u04CF': 'i', // ӏ Cyrillic palochka
	'\u0501': 'd', // ԁ Cyrillic Komi de
	'\u051B': 'q', // ԛ Cyrillic qa
	'\u051D': 'w', // ԝ Cyrillic we
	'\u1D26': 'r', // ᴦ Greek letter small capital gamma
	'\uA647': 'i', // ꙇ Cyrillic iota
}

// Lookalike reports whether a lower-case domain, in Unicode or punycode
// form, mixes Latin letters with Cyrillic or Greek letters that imitate
// Latin ones (gmаil.com, with a Cyrillic а), and returns the Latin name it
// imitates: a screen shows such a domain with its punycode beside it, or a
// person sees gmail.com.
func Lookalike(domain string) (latin string, ok bool) {
	latin, _, ok = withoutLookalikes(domain)
	return latin, ok
}

// withoutLookalikes returns a lower-case domain, in Unicode or punycode
// form, with its Cyrillic and Greek lookalike letters replaced by the Latin
// letters they imitate (gmаil.com, with a Cyrillic а, is gmail.com), and
// how many it replaced. It returns false unless some letter was replaced,
// every letter not in ASCII was, and the domain had some ASCII letter of
// its own: a domain written wholly in Cyrillic or Greek, or with other
// letters of those scripts (почта.рф, яндекс.рф), is a real name in its
// script, not an imitation.
func withoutLookalikes(d string) (string, int, bool) {
	if !strings.Contains(d, "xn--") {
		ascii := true
		for i := 0; i < len(d) && ascii; i++ {
			ascii = d[i] < utf8.RuneSelf
		}
		if ascii {
			return "", 0, false
		}
	} else {
		u, err := idna.Punycode.ToUnicode(d)
		if err != nil {
			return "", 0, false
		}
		d = u
	}
	var b strings.Builder
	replaced, latin := 0, false
	for _, r := range d {
		switch c, ok := lookalikes[r]; {
		case ok:
			b.WriteByte(c)
			replaced++
		case r >= utf8.RuneSelf:
			return "", 0, false
		default:
			latin = latin || 'a' <= r && r <= 'z'
			b.WriteRune(r)
		}
	}
	if replaced == 0 || !latin {
		return "", 0, false
	}
	return b.String(), replaced, true
}
