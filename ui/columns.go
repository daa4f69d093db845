package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/listclean/listclean/cleaner"
)

// startCheckMsg asks for the checks to start on a list.
type startCheckMsg struct{ list *cleaner.List }

// columnsScreen shows what was detected in the file (email column,
// delimiter, encoding, rows, notes) with a preview of the first rows, and
// lets the user pick another email column before the checks start.
type columnsScreen struct {
	c    *common
	list *cleaner.List
	err  string // why the last column change was refused
}

func newColumnsScreen(c *common, l *cleaner.List) *columnsScreen {
	return &columnsScreen{c: c, list: l}
}

func (s *columnsScreen) name() string { return "Columns · " + sanitize(s.list.Name) }
func (s *columnsScreen) typing() bool { return false }
func (s *columnsScreen) busy() bool   { return false }

func (s *columnsScreen) help() helpKeys {
	k := s.c.keys
	cont := k.Continue
	cont.SetHelp("enter", "check addresses")
	return helpKeys{
		short: []key.Binding{k.Left, k.Right, cont},
		full:  [][]key.Binding{{k.Left, k.Right}, {cont}},
	}
}

func (s *columnsScreen) update(msg tea.Msg) tea.Cmd {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := s.c.keys
	switch {
	case key.Matches(kp, k.Left):
		if s.list.EmailCol < 0 {
			s.pick(-1)
		} else {
			s.pick(s.list.EmailCol - 1)
		}
	case key.Matches(kp, k.Right):
		s.pick(s.list.EmailCol + 1)
	case key.Matches(kp, k.Continue):
		if s.list.EmailCol < 0 {
			s.err = "Pick the email column first: ← and → move it"
			return nil
		}
		l := s.list
		return func() tea.Msg { return startCheckMsg{list: l} }
	}
	return nil
}

// pick makes column col (0-based, wrapping around) the email column.
func (s *columnsScreen) pick(col int) {
	n := s.columns()
	if n == 0 {
		return
	}
	col = (col%n + n) % n
	s.err = ""
	if err := s.list.SetEmailColumn(strconv.Itoa(col + 1)); err != nil {
		s.err = errorText(err)
	}
}

// columns is the number of columns: the header's, or the widest preview
// row's when a row is wider.
func (s *columnsScreen) columns() int {
	n := len(s.list.Header)
	for _, r := range s.preview(10) {
		n = max(n, len(r))
	}
	return n
}

// preview returns up to n first rows.
func (s *columnsScreen) preview(n int) [][]string {
	return s.list.Rows[:min(n, len(s.list.Rows))]
}

func (s *columnsScreen) view() string {
	st := s.c.styles
	l := s.list
	w := s.c.width
	var b strings.Builder
	field := func(label, value string) {
		b.WriteString(clip(" "+st.Label.Render(fmt.Sprintf("%-14s", label))+value, w) + "\n")
	}
	b.WriteString("\n")
	col := st.Warning.Render("none found: pick it with ← →")
	if l.EmailCol >= 0 {
		col = fmt.Sprintf("%s (column %d)", st.Value.Render(sanitize(s.header(l.EmailCol))), l.EmailCol+1)
		col += st.Muted.Render(foundBy(l.ColumnBy))
	}
	field("Email column", col)
	format := delimiterName(l.Delimiter) + " · " + sanitize(l.Encoding)
	if l.CRLF {
		format += " · CRLF line ends"
	}
	field("Format", format)
	field("Rows", st.Value.Render(num(len(l.Rows))))
	for i, n := range l.Notes {
		label := ""
		if i == 0 {
			label = "Notes"
		}
		if i == 2 && len(l.Notes) > 3 {
			field(label, st.Muted.Render(fmt.Sprintf("and %d more", len(l.Notes)-2)))
			break
		}
		field(label, st.Warning.Render("! ")+sanitize(n))
	}
	if s.err != "" {
		b.WriteString(" " + st.Error.Render(clip(s.err, w-2)) + "\n")
	}
	b.WriteString("\n " + st.Heading.Render("Preview") + st.Muted.Render(" · ← → picks another email column") + "\n")
	used := strings.Count(b.String(), "\n")
	b.WriteString(s.table(max(s.c.bodyH-used-1, 0)))
	return b.String()
}

// header returns column i's name, or "column N" when the file has no
// header cell for it.
func (s *columnsScreen) header(i int) string {
	if i < len(s.list.Header) && strings.TrimSpace(s.list.Header[i]) != "" {
		return s.list.Header[i]
	}
	return "column " + strconv.Itoa(i+1)
}

// table renders the header and up to h-1 first rows, showing the columns
// that fit around the email column, which is highlighted.
func (s *columnsScreen) table(h int) string {
	if h < 2 {
		return ""
	}
	st := s.c.styles
	rows := s.preview(h - 1)
	n := s.columns()
	widths := make([]int, n)
	for i := range widths {
		widths[i] = width(sanitize(s.header(i)))
		for _, r := range rows {
			if i < len(r) {
				widths[i] = max(widths[i], width(sanitize(r[i])))
			}
		}
		widths[i] = min(max(widths[i], 4), 28)
	}
	avail := s.c.width - 1
	first, email := 0, max(s.list.EmailCol, 0)
	for first < email && span(widths[first:email+1]) > avail {
		first++
	}
	var b strings.Builder
	line := func(cells func(i int) string, style func(i int) lipgloss.Style) {
		b.WriteString(" ")
		used := 0
		for i := first; i < n && used < avail-3; i++ {
			cw := min(widths[i], avail-used)
			b.WriteString(style(i).Render(fit(cells(i), cw)) + " ")
			used += cw + 1
		}
		b.WriteString("\n")
	}
	styleFor := func(base lipgloss.Style) func(int) lipgloss.Style {
		return func(i int) lipgloss.Style {
			if i == s.list.EmailCol {
				return st.Selected
			}
			return base
		}
	}
	line(func(i int) string { return sanitize(s.header(i)) }, styleFor(st.Header))
	for _, r := range rows {
		line(func(i int) string {
			if i < len(r) {
				return sanitize(r[i])
			}
			return ""
		}, styleFor(st.Plain))
	}
	return b.String()
}

// foundBy says how the email column was found.
func foundBy(by string) string {
	switch by {
	case "header":
		return " · found by its header"
	case "content":
		return " · found by its content"
	case "option":
		return " · chosen"
	}
	return ""
}

// span is the width of columns of the given widths, one space apart.
func span(widths []int) int {
	n := 0
	for _, w := range widths {
		n += w + 1
	}
	return n
}

// delimiterName names a delimiter in words.
func delimiterName(d rune) string {
	switch d {
	case ',':
		return "comma-separated"
	case ';':
		return "semicolon-separated"
	case '\t':
		return "tab-separated"
	case '|':
		return "pipe-separated"
	case 0:
		return "one address per line"
	}
	return fmt.Sprintf("separated by %q", d)
}
