package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/cleaner/suppression"
)

// fileReadMsg is the outcome of reading a list: the list, the
// fingerprint of its file, and the decisions saved about it, if any.
type fileReadMsg struct {
	id   int // the read's number (openScreen.readID)
	path string
	list *cleaner.List
	err  error

	fp        cleaner.Fingerprint
	decisions string                  // where the decisions about the list are kept
	saved     *cleaner.SavedDecisions // nil when none were saved
	savedErr  error                   // why the decisions file could not be read
}

// readFile reads and parses a list in the background with read
// (cleaner.ReadFile), with the decisions saved about it in the file
// decisions.
func readFile(id int, read listReader, path string, opt cleaner.ReadOptions, decisions string) tea.Cmd {
	return func() tea.Msg {
		l, err := read(path, opt)
		msg := fileReadMsg{id: id, path: path, list: l, err: err, decisions: decisions}
		if l == nil {
			return msg
		}
		if msg.fp, err = cleaner.FingerprintFile(path); err != nil {
			msg.savedErr = err
			return msg
		}
		msg.saved, err = cleaner.LoadDecisions(decisions)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			msg.savedErr = err
		}
		return msg
	}
}

// listReader reads a whole list, as cleaner.ReadFile does.
type listReader func(path string, opt cleaner.ReadOptions) (*cleaner.List, error)

// fileHeadMsg brings the first rows of a list whose whole reading goes on
// (see cleaner.ReadHead): the columns screen shows them at once, as a
// long list takes a second a million rows to read.
type fileHeadMsg struct {
	id   int // the read's number (openScreen.readID)
	list *cleaner.List
	err  error
}

// readHead reads the first rows of the list at path in the background.
func readHead(id int, path string, opt cleaner.ReadOptions) tea.Cmd {
	return func() tea.Msg {
		l, err := cleaner.ReadHead(path, opt)
		return fileHeadMsg{id: id, list: l, err: err}
	}
}

// decisionsPath is where the decisions about the list at path are kept:
// -decisions for the list named on the command line, else beside it.
func (c *common) decisionsPath(path string) string {
	if c.opt.Decisions != "" && path == c.opt.Path {
		return c.opt.Decisions
	}
	return cleaner.DecisionsPath(path)
}

// evidenceLoadedMsg is the outcome of reading a file or folder the user
// added as suppression evidence.
type evidenceLoadedMsg struct {
	path  string
	files suppression.Files
	err   error
}

// loadEvidence reads a suppression file or folder in the background.
func loadEvidence(path string) tea.Cmd {
	return func() tea.Msg {
		files, err := suppression.Load(path)
		return evidenceLoadedMsg{path: path, files: files, err: err}
	}
}

// evidenceSource is a file or folder whose suppression evidence the list
// is judged by.
type evidenceSource struct {
	path  string
	files suppression.Files
	flag  bool // the files given on the command line (-suppress), which the open screen does not drop
}

// openScreen is the first step: the file given on the command line being
// read, or a file picker limited to lists, where files and folders of
// suppression evidence can be added too.
type openScreen struct {
	c       *common
	picker  picker
	listed  bool   // the picker has read its folder
	reading string // the path being read; "" when idle
	// readID numbers the reads started: the messages of a read that was
	// left (back to the picker) or replaced are dropped.
	readID int
	err    string // why the last file could not be opened

	sources []evidenceSource // the suppression evidence, -suppress's first
	adding  string           // the evidence path being read; "" when idle
}

func newOpenScreen(c *common) *openScreen {
	dir := "."
	if c.opt.Path != "" {
		dir = filepath.Dir(c.opt.Path)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	o := &openScreen{c: c, picker: picker{dir: dir}}
	if sp := c.opt.Suppressions; sp != nil {
		o.sources = append(o.sources, evidenceSource{path: "-suppress", files: sp.Files, flag: true})
	}
	return o
}

// toggleEvidence adds the highlighted file or folder to the suppression
// evidence, reading it in the background, or drops it when it was added
// already.
func (o *openScreen) toggleEvidence() tea.Cmd {
	path := o.picker.HighlightedPath()
	if path == "" || o.adding != "" {
		return nil
	}
	for k, src := range o.sources {
		if src.path == path && !src.flag {
			o.sources = slices.Delete(o.sources, k, k+1)
			o.useSources()
			return nil
		}
	}
	o.err = ""
	o.adding = path
	return o.c.spinning(loadEvidence(path))
}

// isEvidence reports whether path was added as suppression evidence.
func (o *openScreen) isEvidence(path string) bool {
	for _, src := range o.sources {
		if src.path == path && !src.flag {
			return true
		}
	}
	return false
}

// useSources makes the sources the evidence the list is judged by.
func (o *openScreen) useSources() {
	o.c.evidence = nil
	for _, src := range o.sources {
		o.c.evidence = append(o.c.evidence, src.files...)
	}
}

// evidenceLine says which suppression files the list will be judged by,
// or how to add some.
func (o *openScreen) evidenceLine() string {
	st := o.c.styles
	if o.adding != "" {
		return o.c.spin.View() + " Reading " + sanitize(filepath.Base(o.adding)) + " as suppression evidence…"
	}
	if len(o.sources) == 0 {
		return st.Muted.Render("Bounces or unsubscribes to remove? s on a log, an ESP export or a folder of bounces adds it")
	}
	var parts []string
	for _, src := range o.sources {
		name := sanitize(filepath.Base(src.path))
		if src.flag {
			name = "from the command line"
		}
		n := 0
		for _, f := range src.files {
			n += len(f.Records)
		}
		what := plural(n, "record", "records")
		if len(src.files) > 1 {
			what = plural(len(src.files), "file", "files") + ", " + what
		}
		parts = append(parts, st.Value.Render(name)+" ("+what+")")
	}
	return st.Label.Render("Suppression files: ") + strings.Join(parts, ", ")
}

// init reads the file named on the command line, or lists the folder.
func (o *openScreen) init() tea.Cmd {
	if p := o.c.opt.Path; p != "" {
		return o.open(p)
	}
	return o.list()
}

// open reads the list at path in the background: its first rows, which
// the columns screen shows while the rest is read, and the whole list.
func (o *openScreen) open(path string) tea.Cmd {
	o.err = ""
	o.reading = path
	o.readID++
	return o.c.spinning(tea.Batch(readHead(o.readID, path, o.c.opt.Read),
		readFile(o.readID, o.c.readList, path, o.c.opt.Read, o.c.decisionsPath(path))))
}

// list lists the picker's folder, unless it has been already.
func (o *openScreen) list() tea.Cmd {
	if o.listed {
		return nil
	}
	o.listed = true
	return readDir(o.picker.dir)
}

// back shows the picker again, from the columns screen, on the list that
// was opened.
func (o *openScreen) back(path string) tea.Cmd {
	o.reading = ""
	o.readID++ // a read still going on is left
	if !o.listed {
		o.listed = true
		dir, name := filepath.Split(path)
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		return func() tea.Msg {
			msg := readDir(dir)().(dirReadMsg)
			return pickerAtMsg{msg, name}
		}
	}
	return nil
}

// pickerAtMsg brings a folder's entries with the entry to put the cursor
// on.
type pickerAtMsg struct {
	dirReadMsg
	name string
}

func (o *openScreen) name() string { return "Open a list" }
func (o *openScreen) typing() bool { return false }
func (o *openScreen) busy() bool   { return o.reading != "" || o.adding != "" }

func (o *openScreen) help() helpKeys {
	k := o.c.keys
	all := k.AllFiles
	if o.picker.showAll {
		all.SetHelp("tab", "lists only")
	}
	return helpKeys{
		short: []key.Binding{k.Open, k.Parent, k.Evidence, all},
		full:  [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Open, k.Parent, k.Evidence, all}},
	}
}

// errLines is the error wrapped to the screen, at most openErrLines lines:
// its end often says what to do.
func (o *openScreen) errLines() []string {
	// ansi.Wrap keeps the spaces of a sanitised file name as they are.
	lines := strings.Split(ansi.Wrap(o.err, max(o.c.width-2, 1), ""), "\n")
	if len(lines) > openErrLines {
		lines = lines[:openErrLines]
		lines[openErrLines-1] = clip(lines[openErrLines-1]+" …", o.c.width-2)
	}
	return lines
}

// openErrLines is how many lines an error on the open screen takes at most.
const openErrLines = 4

func (o *openScreen) update(msg tea.Msg) tea.Cmd {
	defer o.resize()
	switch msg := msg.(type) {
	case evidenceLoadedMsg:
		o.adding = ""
		if msg.err != nil {
			o.err = "Could not use it as suppression evidence: " + errorText(msg.err)
			return nil
		}
		o.sources = append(o.sources, evidenceSource{path: msg.path, files: msg.files})
		o.useSources()
		return nil
	case fileReadMsg:
		o.reading = ""
		o.err = "Could not read " + errorText(msg.err)
		if errors.Is(msg.err, cleaner.ErrFileTooLarge) {
			o.err += ": clean it with listclean -batch, which reads a list of any size in passes"
		}
		return o.list()
	case dirReadMsg:
		keep := ""
		if msg.dir == o.picker.dir {
			keep = o.picker.HighlightedPath()
			keep = filepath.Base(keep)
		}
		o.picker.setEntries(msg, keep)
		return nil
	case pickerAtMsg:
		o.picker.setEntries(msg.dirReadMsg, msg.name)
		return nil
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			o.picker.move(o.picker.cursor - 3)
		case tea.MouseWheelDown:
			o.picker.move(o.picker.cursor + 3)
		}
		return nil
	case tea.KeyPressMsg:
		if o.reading != "" {
			return nil
		}
		return o.key(msg)
	}
	return nil
}

// key handles a key press on the picker.
func (o *openScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := o.c.keys
	p := &o.picker
	switch {
	case key.Matches(msg, k.Evidence):
		return o.toggleEvidence()
	case key.Matches(msg, k.AllFiles):
		p.showAll = !p.showAll
		p.refilter(filepath.Base(p.HighlightedPath()))
	case key.Matches(msg, k.Up):
		p.move(p.cursor - 1)
	case key.Matches(msg, k.Down):
		p.move(p.cursor + 1)
	case key.Matches(msg, k.PageUp):
		p.move(p.cursor - p.height)
	case key.Matches(msg, k.PageDown):
		p.move(p.cursor + p.height)
	case key.Matches(msg, k.Home):
		p.move(0)
	case key.Matches(msg, k.End):
		p.move(len(p.shown) - 1)
	case key.Matches(msg, k.Parent):
		parent := filepath.Dir(p.dir)
		if parent == p.dir {
			return nil
		}
		base := filepath.Base(p.dir)
		return func() tea.Msg { return pickerAtMsg{readDir(parent)().(dirReadMsg), base} }
	case key.Matches(msg, k.Open):
		e, ok := p.current()
		if !ok {
			return nil
		}
		path := filepath.Join(p.dir, e.name)
		switch {
		case e.dir:
			o.err = ""
			return readDir(path)
		case msg.Code == tea.KeyRight:
			return nil // right only enters folders
		case o.isEvidence(path):
			o.err = sanitize(e.name) + " is added as suppression evidence, not a list to clean: s drops it"
		case !isList(e.name):
			o.err = sanitize(e.name) + " is not a list: pick a " + strings.Join(listTypes, ", ") + " file"
		default:
			return o.open(path)
		}
	}
	return nil
}

// resize fits the picker to the room the screen leaves it.
func (o *openScreen) resize() {
	o.picker.height = max(o.c.bodyH-4-max(len(o.errLines()), 1), 1)
	o.picker.move(o.picker.cursor)
}

func (o *openScreen) view() string {
	st := o.c.styles
	var b strings.Builder
	if o.reading != "" {
		b.WriteString("\n " + o.c.spin.View() + " Reading " + st.Value.Render(sanitize(o.reading)) + "…\n")
		return b.String()
	}
	what := " (.csv, .tsv or .txt)"
	if n := o.picker.hidden(); n > 0 {
		what += fmt.Sprintf(" · %s hidden, tab shows", plural(n, "other file", "other files"))
	} else if o.picker.showAll {
		what = " · all files, tab shows lists only"
	}
	b.WriteString("\n" + clip(" "+st.Heading.Render("Pick the list to clean")+st.Muted.Render(what), o.c.width) + "\n")
	b.WriteString(" " + st.Muted.Render(clipLeft(sanitize(o.picker.dir), o.c.width-2)) + "\n")
	b.WriteString(clip(" "+o.evidenceLine(), o.c.width) + "\n")
	if o.err != "" {
		for _, line := range o.errLines() {
			b.WriteString(" " + st.Error.Render(line) + "\n")
		}
	} else {
		b.WriteString("\n")
	}
	b.WriteString(o.picker.view(st, o.c.width))
	return b.String()
}
