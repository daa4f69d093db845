// Package printable makes text that came from outside the tool (a cell of
// the user's file, a file name, a DNS answer) safe to show on a terminal
// and to write in the tool's own columns: every character that could drive
// a terminal or hide what the text says is shown as an escape a person can
// read, never passed through.
//
// It knows nothing of terminals beyond which characters are not text: the
// terminal interface (package ui) and the batch command print its String,
// and package cleaner writes it in the columns it adds to a file. The
// user's own cells are never passed through it: they are written exactly
// as they were read.
package printable

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// String returns s with every character that is not plain text shown as
// the escape Go's %q would write for it, so that the messages and screens
// that quote a header with %q and those that show a cell with String read
// alike:
//
//   - C0 controls and DEL (ESC, BEL, NUL, BS, CR, LF, tab...): \x1b, \a,
//     \x00, \b, \r, \n, \t, \x7f;
//   - C1 controls (U+0080 to U+009F, of which U+009B starts a sequence as
//     ESC [ does): \u009b;
//   - format characters, which are invisible and among which are the
//     bidirectional overrides and isolates that show text in another order
//     than it has (U+202E, U+2066...), zero-width spaces and byte-order
//     marks: \u202e, \u200b, \ufeff; except the zero-width joiner and
//     non-joiner, which join emoji and letters and change nothing else;
//   - the line and paragraph separators U+2028 and U+2029: \u2028;
//   - each byte that is not part of valid UTF-8, which a terminal might
//     read as a C1 control: \x9b.
//
// A backslash is left as it is: the text is for reading, not for parsing
// back, and a name with a backslash (a Windows path) reads as it is.
func String(s string) string {
	i := firstUnsafe(s)
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, `\x`...)
			b = append(b, hex[s[i]>>4], hex[s[i]&0xF])
		case unsafeRune(r):
			b = appendEscape(b, r)
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// Is reports whether String(s) is s: s holds nothing that must be escaped.
func Is(s string) bool { return firstUnsafe(s) == len(s) }

const hex = "0123456789abcdef"

// firstUnsafe returns the offset of the first byte of s that String must
// escape, or len(s). Printable ASCII, most text, is passed over a byte at
// a time.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7F {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unsafeRune(r) {
			return i
		}
		i += n
	}
	return len(s)
}

// unsafeRune reports whether String escapes r.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20 || r >= 0x7F && r <= 0x9F:
		return true
	case r < utf8.RuneSelf:
		return false
	case r == '\u200C' || r == '\u200D': // zero-width non-joiner and joiner
		return false
	case r == '\u2028' || r == '\u2029':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// appendEscape appends r as Go's strconv.Quote writes a rune it does not
// print: \a \b \f \n \r \t \v, \xHH below U+0080, \uHHHH or \UHHHHHHHH
// above.
func appendEscape(b []byte, r rune) []byte {
	q := strconv.QuoteRune(r) // 'r' with r escaped, as r is not printable
	return append(b, q[1:len(q)-1]...)
}
