package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/listclean/listclean/cleaner"
)

// Messages of the export step.
type (
	// planMsg brings what export would do, and whether the paths are
	// usable as they are.
	planMsg struct {
		kept, fixed, removed int
		err                  error    // from CheckPaths
		existing             []string // the outputs that exist already
	}
	// exportedMsg brings the outcome of writing the files.
	exportedMsg struct {
		result cleaner.ExportResult
		err    error
	}
)

// plan counts what goes where and checks the paths, in the background.
func plan(s *cleaner.Session, policy cleaner.Policy, paths cleaner.ExportPaths, force bool) tea.Cmd {
	return func() tea.Msg {
		c := s.Plan(policy).Count()
		m := planMsg{kept: c.Kept - c.Corrected, fixed: c.Corrected, removed: c.Removed}
		m.err = s.CheckPaths(paths, force)
		for _, p := range []string{paths.Cleaned, paths.Removed, paths.Report} {
			if _, err := os.Lstat(p); p != "" && err == nil {
				m.existing = append(m.existing, p)
			}
		}
		return m
	}
}

// write exports the session in the background.
func write(s *cleaner.Session, opt cleaner.ExportOptions) tea.Cmd {
	return func() tea.Msg {
		res, err := s.Export(opt)
		return exportedMsg{result: res, err: err}
	}
}

// exportPhase is where the export step stands.
type exportPhase int

const (
	planning   exportPhase = iota // counting rows and checking the paths
	ready                         // waiting for the user to write
	confirming                    // asking whether to overwrite existing files
	writing                       // writing the files
	written                       // done
)

// exportScreen shows where the files go and how many rows each gets, asks
// before overwriting existing files, writes them, and says where they went.
// While it plans or writes, a command reads the session and the screen
// does not let the user change it.
type exportScreen struct {
	c       *common
	session *cleaner.Session
	paths   cleaner.ExportPaths
	phase   exportPhase
	plan    planMsg
	exists  bool  // an output file exists already
	err     error // why the files cannot be written, or the last write failed
	result  cleaner.ExportResult
}

func newExportScreen(c *common, s *cleaner.Session) *exportScreen {
	p := c.opt.Paths
	d := cleaner.DefaultPaths(s.List.Name, s.List.Delimiter)
	if p.Cleaned == "" {
		p.Cleaned = d.Cleaned
	}
	if p.Removed == "" {
		p.Removed = d.Removed
	}
	if p.Changes == "" {
		p.Changes = cleaner.ChangesPath(p.Cleaned)
	}
	return &exportScreen{c: c, session: s, paths: p}
}

func (x *exportScreen) start() tea.Cmd {
	return x.c.spinning(plan(x.session, x.c.opt.Policy, x.paths, x.c.opt.Force))
}

func (x *exportScreen) name() string { return "Export" }
func (x *exportScreen) typing() bool { return false }
func (x *exportScreen) busy() bool   { return x.phase == planning || x.phase == writing }

func (x *exportScreen) help() helpKeys {
	k := x.c.keys
	back := k.Back
	switch x.phase {
	case planning, writing:
		return helpKeys{}
	case confirming:
		yes, no := k.Yes, k.No
		yes.SetHelp("y", "overwrite")
		no.SetHelp("n", "do not")
		return helpKeys{short: []key.Binding{yes, no}, full: [][]key.Binding{{yes, no}}}
	case written:
		back.SetHelp("esc", "back to review")
		return helpKeys{short: []key.Binding{back}, full: [][]key.Binding{{back}}}
	}
	return helpKeys{short: []key.Binding{k.Write, back}, full: [][]key.Binding{{k.Write, back}}}
}

func (x *exportScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case planMsg:
		x.plan, x.phase = msg, ready
		x.setErr(msg.err)
	case exportedMsg:
		if msg.err != nil {
			x.phase = ready
			x.setErr(msg.err)
			if x.exists {
				x.phase = confirming
			}
			return nil
		}
		x.phase, x.result, x.err = written, msg.result, nil
		x.c.dirty = false
	case tea.KeyPressMsg:
		return x.key(msg)
	}
	return nil
}

// setErr records why the files cannot be written as they are: existing
// files can be overwritten after asking, other errors cannot be passed.
func (x *exportScreen) setErr(err error) {
	x.exists = errors.Is(err, cleaner.ErrExists)
	x.err = nil
	if err != nil && !x.exists {
		x.err = err
	}
}

func (x *exportScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := x.c.keys
	switch x.phase {
	case ready:
		switch {
		case key.Matches(msg, k.Write) && x.err == nil:
			if x.exists && !x.c.opt.Force {
				x.phase = confirming
				return nil
			}
			return x.write(x.c.opt.Force)
		case key.Matches(msg, k.Back):
			return func() tea.Msg { return goBackMsg{} }
		}
	case confirming:
		switch {
		case key.Matches(msg, k.Yes):
			return x.write(true)
		case key.Matches(msg, k.No):
			x.phase = ready
		}
	case written:
		if key.Matches(msg, k.Back) {
			return func() tea.Msg { return goBackMsg{} }
		}
	}
	return nil
}

func (x *exportScreen) write(force bool) tea.Cmd {
	x.phase = writing
	return x.c.spinning(write(x.session, cleaner.ExportOptions{
		Paths:          x.paths,
		Policy:         x.c.opt.Policy,
		Force:          force,
		EscapeFormulas: x.c.opt.EscapeFormulas,
	}))
}

func (x *exportScreen) view() string {
	st := x.c.styles
	w := x.c.width
	var b strings.Builder
	line := func(s string) { b.WriteString(clip(" "+s, w) + "\n") }
	para := func(style func(...string) string, s string) {
		for _, l := range wrap(s, max(w-2, 10)) {
			line(style(l))
		}
	}
	// file shows one output: what goes there, then where it is.
	file := func(label string, rows, fixed int, path string) {
		what := plural(rows, "row", "rows")
		if fixed > 0 {
			what += ", " + num(fixed) + " corrected"
		}
		line(st.Label.Render(fmt.Sprintf("%-14s", label)) + st.Value.Render(what))
		line(fmt.Sprintf("%-14s", "") + clipLeft(sanitize(path), w-16))
	}
	// files shows where the rows go, or went.
	files := func(kept, fixed, removed int, paths cleaner.ExportPaths) {
		file("Cleaned list", kept+fixed, fixed, paths.Cleaned)
		file("Removed rows", removed, 0, paths.Removed)
		if paths.Report != "" {
			file("Report", kept+fixed+removed, 0, paths.Report)
		}
	}
	b.WriteString("\n")
	switch x.phase {
	case planning:
		line(x.c.spin.View() + " Working out what goes where…")
		return b.String()
	case written:
		r := x.result
		line(st.Success.Render("✓ Files written"))
		line("")
		files(r.Kept-r.Fixed, r.Fixed, r.Removed, r.Paths)
		line("")
		line(st.Muted.Render("q quits · esc goes back to the review"))
		return b.String()
	}
	p := x.plan
	line(st.Heading.Render("Where the rows go"))
	line("")
	files(p.kept, p.fixed, p.removed, x.paths)
	line("")
	policy := "the batch policy: " + policyText(x.c.opt.Policy) + "."
	if n := x.session.Decided(); n == 0 {
		para(st.Muted.Render, "You decided no row: every row follows "+policy)
	} else {
		para(st.Muted.Render, plural(n, "row", "rows")+" decided by you; the others follow "+policy)
	}
	line("")
	exist := ""
	if x.exists {
		names := make([]string, len(p.existing))
		for i, e := range p.existing {
			names[i] = filepath.Base(sanitize(e))
		}
		switch len(names) {
		case 0:
			exist = "An output file exists already."
		case 1:
			exist = names[0] + " exists already."
		default:
			exist = strings.Join(names, " and ") + " exist already."
		}
	}
	switch {
	case x.err != nil:
		para(st.Error.Render, "Cannot write: "+errorText(x.err))
	case x.phase == confirming:
		para(st.Warning.Render, exist+" Overwrite? y overwrites, n does not.")
	case x.phase == writing:
		line(x.c.spin.View() + " Writing…")
	case x.exists:
		para(st.Warning.Render, exist+" You will be asked before anything is overwritten.")
	}
	return b.String()
}

// policyText names the batch policy's switches as on the command line.
func policyText(p cleaner.Policy) string {
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	return "-fix " + onOff(p.Fix) + ", -fix-suspects " + onOff(p.FixSuspects) + ", -drop-risky " + onOff(p.DropRisky)
}
