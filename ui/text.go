package ui

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/listclean/listclean/cleaner/printable"
)

// sanitize makes text that came from the file, the file system or the
// network safe to show: printable.String, the one sanitiser of the batch
// command, the reports and the screens, which shows every control
// character, escape sequence introducer and bidirectional override as an
// escape such as \x1b or \u202e. A CSV cell must not be able to drive the
// terminal.
func sanitize(s string) string { return printable.String(s) }

// plain reports whether s is printable ASCII, the common case that needs
// no work.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// fit truncates plain text to w cells, marking a cut with "…", and pads it
// with spaces to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := len(s)
	if !plain(s) {
		n = ansi.StringWidth(s)
	}
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// clip truncates a possibly styled line to w cells.
func clip(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// clipLines truncates each line of s to w cells.
func clipLines(s string, w int) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = clip(l, w)
	}
	return strings.Join(ls, "\n")
}

// lines makes s exactly h lines tall: it cuts what is below and pads with
// empty lines.
func lines(s string, h int) string {
	if h <= 0 {
		return ""
	}
	ls := strings.Split(s, "\n")
	if len(ls) > h {
		ls = ls[:h]
	}
	for len(ls) < h {
		ls = append(ls, "")
	}
	return strings.Join(ls, "\n")
}

// num formats n with thousands separators: 1234567 becomes "1,234,567".
func num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// plural returns "1 row" or "2 rows".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return num(n) + " " + many
}

// width returns the display width of plain or styled text.
func width(s string) int {
	if plain(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// bar draws n out of total as a horizontal bar at most w cells long, in
// eighths of a cell. Any n above zero shows at least a sliver.
func bar(n, total, w int) string {
	if n <= 0 || total <= 0 || w <= 0 {
		return ""
	}
	eighths := max(n*w*8/total, 1)
	full, part := eighths/8, eighths%8
	s := strings.Repeat("█", full)
	if part > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[part-1])
	}
	return s
}

// fitAddress is fit for an email address: when it is too long, the part
// around the @ stays in view, where most mistakes are: the end of the local
// part, every @ (keisha.brooks@@gmail.com shows both) and the domain. The
// middle of the local part gives way first, then the end of the domain,
// the local part keeping a few characters of each end.
func fitAddress(s string, w int) string {
	at := strings.IndexByte(s, '@')
	if at < 0 || width(s) <= w {
		return fit(s, w)
	}
	local, rest := s[:at], s[at:] // rest: every @ and the domain
	const ends = 3                // characters kept at each end of the local part
	tail := ansi.TruncateLeft(local, max(width(local)-ends, 0), "")
	room := w - width(rest) - width(tail) - 1 // for the start of the local part
	if room < ends {
		// Not even the domain fits: the ends of the local part, the @
		// and the start of the domain.
		if width(local) > 2*ends+1 {
			local = ansi.Truncate(local, ends, "") + "…" + tail
		}
		return fit(local+rest, w)
	}
	return fit(ansi.Truncate(local, room, "")+"…"+tail+rest, w)
}

// wrap breaks plain text into lines of at most w cells, at spaces only (so
// that "-fix" or "no-reply" stay whole); a word longer than w is cut.
func wrap(s string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case width(line)+1+width(word) <= w:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
		for width(line) > w {
			cut := ansi.Truncate(line, w, "")
			out = append(out, cut)
			line = line[len(cut):]
		}
	}
	if line != "" || len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// clipLeft keeps the end of plain text that is wider than w cells, marking
// the cut with "…": paths keep their file name.
func clipLeft(s string, w int) string {
	if width(s) <= w {
		return s
	}
	return "…" + ansi.TruncateLeft(s, width(s)-w+1, "")
}
