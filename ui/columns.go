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

// columnChoice is how a list is read: its email column and whether its
// first line is a row. The checks of a list read one way still apply when
// the user goes back to the columns and on again without a change.
type columnChoice struct {
	col        int
	headerless bool
}

func choiceOf(l *cleaner.List) columnChoice {
	return columnChoice{col: l.EmailCol, headerless: l.Header == nil}
}

// fewAddresses is the share of a column's values below which the column
// screen warns that it may not be the email column, and asks before
// checking it.
const fewAddresses = 0.5

// columnsScreen shows what was detected in the file (email column, header
// line, delimiter, encoding, rows, notes) with a preview of the first
// rows, how many values of the email column look like addresses, and lets
// the user pick another email column or say whether the first line is a
// header before the checks start.
type columnsScreen struct {
	c    *common
	list *cleaner.List
	err  string // why the last change was refused
	// hits caches how many values of each column look like addresses,
	// by column and reading: counting a long list takes a moment.
	hits map[columnChoice][2]int

	// reading says that list holds the file's first rows while the whole
	// list is read (read brings it); the choices made on them carry over.
	reading bool
	// headerSet says that the user said whether the first line is the
	// header line, which the whole list then keeps.
	headerSet bool
	// waiting says that enter was pressed while reading: the checks start
	// once the whole list is read.
	waiting bool
}

func newColumnsScreen(c *common, l *cleaner.List) *columnsScreen {
	return &columnsScreen{c: c, list: l, hits: make(map[columnChoice][2]int)}
}

func (s *columnsScreen) name() string { return "Columns · " + sanitize(baseName(s.list.Name)) }
func (s *columnsScreen) typing() bool { return false }
func (s *columnsScreen) busy() bool   { return s.reading }

// read puts the whole list in place of its first rows, with the email
// column and header line the user chose on them, and starts the checks
// when enter was pressed meanwhile.
func (s *columnsScreen) read(l *cleaner.List) tea.Cmd {
	head := s.list
	s.list, s.reading, s.hits = l, false, make(map[columnChoice][2]int)
	if head.ColumnBy == "option" && head.EmailCol >= 0 {
		s.pick(head.EmailCol)
	}
	if s.headerSet {
		if err := l.SetHeaderless(head.Header == nil); err != nil {
			s.err = "The first line cannot be the header line: " + errorText(err)
		}
	}
	if s.err != "" {
		s.waiting = false // the user must see why first
	}
	if !s.waiting {
		return nil
	}
	s.waiting = false
	return s.check()
}

func (s *columnsScreen) help() helpKeys {
	k := s.c.keys
	cont, back, header := k.Continue, k.Back, k.Header
	cont.SetHelp("enter", "check addresses")
	back.SetHelp("esc", "other file")
	header.SetHelp("h", "header line")
	// ← and → in one entry on the short line, which must keep enter.
	column := key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "email column"))
	return helpKeys{
		short: []key.Binding{cont, column, header, back},
		full:  [][]key.Binding{{k.Left, k.Right, k.Header}, {cont, back}},
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
	case key.Matches(kp, k.Header):
		s.err = ""
		if err := s.list.SetHeaderless(s.list.Header != nil); err != nil {
			s.err = "The first line cannot be the header line: " + errorText(err)
		} else {
			s.headerSet = true
		}
	case key.Matches(kp, k.Back):
		return func() tea.Msg { return goOpenMsg{} }
	case key.Matches(kp, k.Continue) && s.reading:
		s.waiting = true
	case key.Matches(kp, k.Continue):
		return s.check()
	}
	return nil
}

// check starts the checks, asking first when few values of the chosen
// column look like addresses.
func (s *columnsScreen) check() tea.Cmd {
	if s.list.EmailCol < 0 {
		s.err = "Pick the email column first: ← and → move it"
		return nil
	}
	l := s.list
	start := func() tea.Cmd { return func() tea.Msg { return startCheckMsg{list: l} } }
	hits, filled := s.columnHits(l.EmailCol)
	if filled == 0 || float64(hits) >= fewAddresses*float64(filled) {
		return start()
	}
	k := s.c.keys
	yes, no := k.Yes, k.No
	yes.SetHelp("y", "check it")
	no.SetHelp("n", "pick another")
	s.c.prompt = &prompt{
		text: fmt.Sprintf("Only %s of %s values in %s look like addresses: the other rows would be judged not an email address. Check this column all the same?",
			num(hits), num(filled), sanitize(s.header(l.EmailCol))),
		short:   fmt.Sprintf("Only %s of %s look like addresses. Check it?", num(hits), num(filled)),
		choices: []choice{{yes, "check it", start}, {no, "pick another", nil}},
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

// columnHits returns how many values of column col look like addresses,
// and how many are not blank, in the list as it is read now.
func (s *columnsScreen) columnHits(col int) (hits, filled int) {
	k := columnChoice{col: col, headerless: s.list.Header == nil}
	h, ok := s.hits[k]
	if !ok {
		h[0], h[1] = s.list.ColumnHits(col)
		s.hits[k] = h
	}
	return h[0], h[1]
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
	rows := make([][]string, min(n, s.list.Rows.Len()))
	for i := range rows {
		rows[i] = s.list.Rows.Row(i)
	}
	return rows
}

func (s *columnsScreen) view() string {
	st := s.c.styles
	l := s.list
	w := s.c.width
	var b strings.Builder
	field := func(label, value string) {
		b.WriteString(clip(" "+st.Label.Render(fmt.Sprintf("%-13s", label))+value, w) + "\n")
	}
	roomy := s.c.bodyH >= 16
	if roomy {
		b.WriteString("\n")
	}
	col := st.Warning.Render("none found: pick it with ← →")
	if l.EmailCol >= 0 {
		col = fmt.Sprintf("%s (column %d)", st.Value.Render(sanitize(s.header(l.EmailCol))), l.EmailCol+1)
		col += st.Muted.Render(foundBy(l.ColumnBy))
	}
	field("Email column", col)
	if l.EmailCol >= 0 {
		hits, filled := s.columnHits(l.EmailCol)
		looks := fmt.Sprintf("%s of %s values look like addresses", num(hits), num(filled))
		if w < 60 {
			looks = fmt.Sprintf("%s of %s look like addresses", num(hits), num(filled))
		}
		if empty := l.Rows.Len() - filled; empty > 0 && w >= 60 {
			looks += fmt.Sprintf(" · %s empty", num(empty))
		}
		if filled > 0 && float64(hits) < fewAddresses*float64(filled) {
			looks = st.Warning.Render("! " + looks + ": is this the email column?")
		}
		field("", looks)
	}
	header, data := "yes: the first line names the columns", "no: the first line is a row"
	if w < 60 {
		header, data = "yes", "no, the first line is a row"
	}
	if l.Header == nil {
		header = data
	}
	field("Header line", header+st.Muted.Render(" · h changes"))
	format := delimiterName(l.Delimiter) + " · " + sanitize(l.Encoding)
	if l.CRLF {
		format += " · CRLF line ends"
	}
	field("Format", format)
	rows := st.Value.Render(num(l.Rows.Len()))
	switch {
	case s.waiting && w < 60:
		rows += " so far " + s.c.spin.View() + " then checks"
	case s.waiting:
		rows += " so far " + s.c.spin.View() + " reading · checks start once it is read"
	case s.reading && w < 60:
		rows += " so far " + s.c.spin.View()
	case s.reading:
		rows += " so far " + s.c.spin.View() + " reading the rest"
	}
	field("Rows", rows)
	notes := l.Notes
	if !roomy && len(notes) > 1 {
		field("Notes", st.Warning.Render("! ")+sanitize(notes[0])+st.Muted.Render(fmt.Sprintf(" (and %d more)", len(notes)-1)))
		notes = nil
	}
	for i, n := range notes {
		label := ""
		if i == 0 {
			label = "Notes"
		}
		if i == 2 && len(notes) > 3 {
			field(label, st.Muted.Render(fmt.Sprintf("and %d more", len(notes)-2)))
			break
		}
		field(label, st.Warning.Render("! ")+sanitize(n))
	}
	if s.err != "" {
		b.WriteString(" " + st.Error.Render(clip(s.err, w-2)) + "\n")
	}
	if roomy {
		b.WriteString("\n")
	}
	pick := " · ← → picks another email column"
	if w < 60 {
		pick = " · ← → email column"
	}
	b.WriteString(clip(" "+st.Heading.Render("Preview")+st.Muted.Render(pick), w) + "\n")
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
