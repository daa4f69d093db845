package ui

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/filepicker"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/cleaner/suppression"
)

// listTypes are the files the picker offers.
var listTypes = []string{".csv", ".tsv", ".txt"}

// fileReadMsg is the outcome of reading a list.
type fileReadMsg struct {
	path string
	list *cleaner.List
	err  error
}

// readFile reads and parses a list in the background.
func readFile(path string, opt cleaner.ReadOptions) tea.Cmd {
	return func() tea.Msg {
		l, err := cleaner.ReadFile(path, opt)
		return fileReadMsg{path: path, list: l, err: err}
	}
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
	flag  bool // the files of -suppress, which the open screen does not drop
}

// openScreen is the first step: the file given on the command line being
// read, or a file picker limited to lists, where files and folders of
// suppression evidence can be added too.
type openScreen struct {
	c       *common
	picker  filepicker.Model
	listed  bool   // the picker has read its directory
	reading string // the path being read; "" when idle
	err     string // why the last file could not be opened

	sources []evidenceSource // the suppression evidence, -suppress's first
	adding  string           // the evidence path being read; "" when idle

	// links holds the targets of the links drawn by the picker's last
	// view that need sanitising, as the picker writes them.
	links []string
}

func newOpenScreen(c *common) *openScreen {
	fp := filepicker.New()
	fp.AllowedTypes = listTypes
	fp.ShowPermissions = false
	fp.AutoHeight = false
	fp.Cursor = "›"
	k := c.keys
	fp.KeyMap = filepicker.KeyMap{
		GoToTop: k.Home, GoToLast: k.End, Up: k.Up, Down: k.Down,
		PageUp: k.PageUp, PageDown: k.PageDown,
		Back: k.Parent, Open: k.Open, Select: k.Submit,
	}
	if c.opt.Path != "" {
		fp.CurrentDirectory = filepath.Dir(c.opt.Path)
	}
	if abs, err := filepath.Abs(fp.CurrentDirectory); err == nil {
		fp.CurrentDirectory = abs
	}
	o := &openScreen{c: c, picker: fp}
	if sp := c.opt.Suppressions; sp != nil {
		o.sources = append(o.sources, evidenceSource{path: "-suppress", files: sp.Files, flag: true})
	}
	o.restyle()
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
			name = src.path
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

// init reads the file named on the command line, or lists the directory.
func (o *openScreen) init() tea.Cmd {
	if p := o.c.opt.Path; p != "" {
		o.reading = p
		return o.c.spinning(readFile(p, o.c.opt.Read))
	}
	o.listed = true
	return o.picker.Init()
}

// restyle gives the picker the app's styles. The picker writes file names
// as they are, so every style it draws a name with sanitises its text
// first (a Transform runs before the styling). A link's style also notes
// the link's target, which the picker writes after it unstyled, for
// pickerView to sanitise.
func (o *openScreen) restyle() {
	ps := o.c.styles.Picker
	for _, s := range []*lipgloss.Style{&ps.File, &ps.Directory, &ps.DisabledFile, &ps.Selected, &ps.DisabledSelected} {
		*s = s.Transform(sanitize)
	}
	ps.Symlink = ps.Symlink.Transform(o.linkName)
	o.picker.Styles = ps
}

// linkName sanitises the name of a symbolic link the picker draws (not
// under the cursor), and notes the link's target if it needs sanitising.
func (o *openScreen) linkName(name string) string {
	// The picker resolves the link the same way.
	target, _ := filepath.EvalSymlinks(filepath.Join(o.picker.CurrentDirectory, name))
	if sanitize(target) != target {
		o.links = append(o.links, target)
	}
	return sanitize(name)
}

// pickerView is the picker's view with the targets of links sanitised.
func (o *openScreen) pickerView() string {
	o.links = o.links[:0]
	v := o.picker.View()
	// Longest first, so that a target that begins another one is not
	// replaced inside it.
	slices.SortFunc(o.links, func(a, b string) int { return len(b) - len(a) })
	for _, t := range o.links {
		v = strings.ReplaceAll(v, " → "+t, " → "+sanitize(t))
	}
	return v
}

func (o *openScreen) name() string { return "Open a list" }
func (o *openScreen) typing() bool { return false }
func (o *openScreen) busy() bool   { return o.reading != "" || o.adding != "" }

func (o *openScreen) help() helpKeys {
	k := o.c.keys
	return helpKeys{
		short: []key.Binding{k.Up, k.Down, k.Open, k.Parent, k.Evidence},
		full:  [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}, {k.Open, k.Parent, k.Evidence}},
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
	defer func() { o.picker.SetHeight(max(o.c.bodyH-4-max(len(o.errLines()), 1), 1)) }()
	if msg, ok := msg.(evidenceLoadedMsg); ok {
		o.adding = ""
		if msg.err != nil {
			o.err = "Could not use it as suppression evidence: " + errorText(msg.err)
			return nil
		}
		o.sources = append(o.sources, evidenceSource{path: msg.path, files: msg.files})
		o.useSources()
		return nil
	}
	if msg, ok := msg.(fileReadMsg); ok {
		o.reading = ""
		o.err = "Could not read " + errorText(msg.err)
		if errors.Is(msg.err, cleaner.ErrFileTooLarge) {
			o.err += ": clean it with listclean -batch, which reads a list of any size in passes"
		}
		if !o.listed {
			o.listed = true
			return o.picker.Init()
		}
		return nil
	}
	if o.reading != "" {
		return nil
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, o.c.keys.Evidence) {
		return o.toggleEvidence()
	}
	var cmd tea.Cmd
	o.picker, cmd = o.picker.Update(msg)
	if ok, path := o.picker.DidSelectFile(msg); ok {
		if o.isEvidence(path) {
			o.err = sanitize(filepath.Base(path)) + " is added as suppression evidence, not a list to clean: s drops it"
			return cmd
		}
		o.err = ""
		o.reading = path
		return o.c.spinning(readFile(path, o.c.opt.Read))
	}
	if ok, path := o.picker.DidSelectDisabledFile(msg); ok {
		o.err = sanitize(filepath.Base(path)) + " is not a list: pick a " + strings.Join(listTypes, ", ") + " file"
	}
	return cmd
}

func (o *openScreen) view() string {
	st := o.c.styles
	var b strings.Builder
	if o.reading != "" {
		b.WriteString("\n " + o.c.spin.View() + " Reading " + st.Value.Render(sanitize(o.reading)) + "…\n")
		return b.String()
	}
	b.WriteString("\n " + st.Heading.Render("Pick the list to clean") + st.Muted.Render(" (.csv, .tsv or .txt)") + "\n")
	b.WriteString(" " + st.Muted.Render(clip(sanitize(o.picker.CurrentDirectory), o.c.width-2)) + "\n")
	b.WriteString(clip(" "+o.evidenceLine(), o.c.width) + "\n")
	if o.err != "" {
		for _, line := range o.errLines() {
			b.WriteString(" " + st.Error.Render(line) + "\n")
		}
	} else {
		b.WriteString("\n")
	}
	b.WriteString(o.pickerView())
	return b.String()
}
