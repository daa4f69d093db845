package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/listclean/listclean/cleaner"
)

// listTypes are the files the picker offers as lists.
var listTypes = []string{".csv", ".tsv", ".txt"}

// isList reports whether a file name has the extension of a list, and is
// not one of the files listclean keeps about a list (its decisions, its
// changes).
func isList(name string) bool {
	return slices.Contains(listTypes, strings.ToLower(filepath.Ext(name))) && !cleaner.IsRecordFile(name)
}

// pickerEntry is one line of the picker: a folder or a file.
type pickerEntry struct {
	name   string // as the file system has it (sanitised when drawn)
	dir    bool   // a folder, or a link to one
	size   int64  // a file's size
	target string // where a symbolic link leads, "" for none
}

// dirReadMsg brings the entries of a folder.
type dirReadMsg struct {
	dir     string
	entries []pickerEntry
	err     error
}

// readDir lists a folder in the background: folders first, then files,
// each by name; hidden ones (a leading dot) left out.
func readDir(dir string) tea.Cmd {
	return func() tea.Msg {
		des, err := os.ReadDir(dir)
		if err != nil {
			return dirReadMsg{dir: dir, err: err}
		}
		var out []pickerEntry
		for _, de := range des {
			if strings.HasPrefix(de.Name(), ".") {
				continue
			}
			e := pickerEntry{name: de.Name(), dir: de.IsDir()}
			path := filepath.Join(dir, de.Name())
			if de.Type()&os.ModeSymlink != 0 {
				e.target, _ = filepath.EvalSymlinks(path)
			}
			if fi, err := os.Stat(path); err == nil { // through a link
				e.dir, e.size = fi.IsDir(), fi.Size()
			}
			out = append(out, e)
		}
		slices.SortStableFunc(out, func(a, b pickerEntry) int {
			switch {
			case a.dir == b.dir:
				return strings.Compare(a.name, b.name)
			case a.dir:
				return -1
			}
			return 1
		})
		return dirReadMsg{dir: dir, entries: out}
	}
}

// picker lists the folders and lists of one folder for the open screen,
// or every file when showAll is set (a mail log or bounce file added as
// evidence is not a list). Folders have no size; files have theirs.
type picker struct {
	dir     string
	all     []pickerEntry // what the folder holds
	shown   []pickerEntry // what the picker lists
	showAll bool
	cursor  int
	offset  int
	height  int
	err     error // why the folder could not be read
}

// setEntries takes a folder's entries, keeping the cursor on the entry of
// name keep when it is listed.
func (p *picker) setEntries(msg dirReadMsg, keep string) {
	p.dir, p.all, p.err = msg.dir, msg.entries, msg.err
	p.refilter(keep)
}

// refilter lists the entries the picker shows.
func (p *picker) refilter(keep string) {
	p.shown = p.shown[:0]
	for _, e := range p.all {
		if e.dir || p.showAll || isList(e.name) {
			p.shown = append(p.shown, e)
		}
	}
	p.cursor = max(slices.IndexFunc(p.shown, func(e pickerEntry) bool { return e.name == keep }), 0)
	p.offset = scrolled(0, p.cursor, max(p.height, 1), len(p.shown))
}

// hidden counts the files the picker does not list.
func (p *picker) hidden() int { return len(p.all) - len(p.shown) }

// current returns the entry under the cursor.
func (p *picker) current() (pickerEntry, bool) {
	if p.cursor >= len(p.shown) {
		return pickerEntry{}, false
	}
	return p.shown[p.cursor], true
}

// HighlightedPath returns the path of the entry under the cursor, or "".
func (p *picker) HighlightedPath() string {
	if e, ok := p.current(); ok {
		return filepath.Join(p.dir, e.name)
	}
	return ""
}

// move puts the cursor on entry i, clamped, and scrolls it into view.
func (p *picker) move(i int) {
	p.cursor = max(min(i, len(p.shown)-1), 0)
	p.offset = scrolled(p.offset, p.cursor, max(p.height, 1), len(p.shown))
}

// view draws the entries on screen, height lines, width wide.
func (p *picker) view(st Styles, width int) string {
	if p.err != nil {
		return " " + st.Error.Render(clip("Cannot read this folder: "+errorText(p.err), width-2))
	}
	if len(p.shown) == 0 {
		what := "No .csv, .tsv or .txt files here."
		if p.showAll {
			what = "Nothing here."
		}
		return " " + st.Muted.Render(what)
	}
	var b strings.Builder
	for k := p.offset; k < min(p.offset+p.height, len(p.shown)); k++ {
		e := p.shown[k]
		name := sanitize(e.name)
		if e.dir {
			name += string(filepath.Separator)
		}
		size := ""
		if !e.dir {
			size = fileSize(e.size)
		}
		line := fmt.Sprintf("%7s %s", size, name)
		if e.target != "" {
			line += " → " + sanitize(e.target)
		}
		style := st.Plain
		switch {
		case k == p.cursor:
			style = st.Selected
		case e.dir:
			style = st.Directory
		case !isList(e.name):
			style = st.Muted
		}
		cursor := "  "
		if k == p.cursor {
			cursor = "› "
		}
		if k > p.offset {
			b.WriteByte('\n')
		}
		b.WriteString(cursor + style.Render(clip(line, width-3)))
	}
	return b.String()
}

// fileSize formats a file's size in a few characters: 980B, 12kB, 3.4MB.
func fileSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%dB", n)
	case n < 10_000:
		return fmt.Sprintf("%.1fkB", float64(n)/1e3)
	case n < 1_000_000:
		return fmt.Sprintf("%dkB", n/1000)
	case n < 10_000_000:
		return fmt.Sprintf("%.1fMB", float64(n)/1e6)
	case n < 1_000_000_000:
		return fmt.Sprintf("%dMB", n/1_000_000)
	}
	return fmt.Sprintf("%.1fGB", float64(n)/1e9)
}
