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
	// planMsg brings what export would do under one policy, and whether
	// the paths are usable as they are.
	planMsg struct {
		policy   cleaner.Policy
		count    cleaner.PlanCount
		applies  [len(policyChoices)]int // the undecided rows each choice of the policy is about
		err      error                   // from CheckPaths
		existing []string                // the outputs that exist already
	}
	// exportedMsg brings the outcome of writing the files.
	exportedMsg struct {
		result cleaner.ExportResult
		err    error
	}
)

// policyChoice is one switch of the policy for undecided rows, in words:
// what it does, and which undecided rows it is about.
type policyChoice struct {
	words string
	get   func(cleaner.Policy) bool
	set   func(*cleaner.Policy, bool)
	about func(r cleaner.Row) bool
}

// policyChoices are the switches of cleaner.Policy as the export screen
// offers them.
var policyChoices = [...]policyChoice{
	{
		words: "correct the typos that cannot receive mail",
		get:   func(p cleaner.Policy) bool { return p.Fix },
		set:   func(p *cleaner.Policy, on bool) { p.Fix = on },
		about: func(r cleaner.Row) bool {
			return r.Verdict() == cleaner.VerdictInvalid && r.HasSuggestion() && r.SuggestionRoutes
		},
	},
	{
		words: "also correct likely typos at domains that route mail",
		get:   func(p cleaner.Policy) bool { return p.FixSuspects },
		set:   func(p *cleaner.Policy, on bool) { p.FixSuspects = on },
		about: func(r cleaner.Row) bool {
			return r.Reason() == cleaner.ReasonTypoSuspect && r.HasSuggestion() && r.SuggestionRoutes
		},
	},
	{
		words: "remove risky rows (no mail server, likely typos, disposable and role addresses)",
		get:   func(p cleaner.Policy) bool { return p.DropRisky },
		set:   func(p *cleaner.Policy, on bool) { p.DropRisky = on },
		about: func(r cleaner.Row) bool { return r.Verdict() == cleaner.VerdictRisky },
	},
	{
		words: "remove rows whose DNS failure persists across runs",
		get:   func(p cleaner.Policy) bool { return p.DropPersistent },
		set:   func(p *cleaner.Policy, on bool) { p.DropPersistent = on },
		about: func(r cleaner.Row) bool { return r.Persistent && r.Verdict() == cleaner.VerdictUnknown },
	},
}

// plan counts what goes where under policy and checks the paths, in the
// background: it only reads the session.
func plan(s *cleaner.Session, policy cleaner.Policy, paths cleaner.ExportPaths, force bool) tea.Cmd {
	return func() tea.Msg {
		m := planMsg{policy: policy, count: s.Plan(policy).Count()}
		for i := range s.Rows {
			if _, decided := s.Decision(i); decided {
				continue
			}
			for k, ch := range policyChoices {
				if ch.about(s.Rows[i]) {
					m.applies[k]++
				}
			}
		}
		m.err = s.CheckPaths(paths, force)
		for _, p := range []string{paths.Cleaned, paths.Removed, paths.Report, paths.Changes} {
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
	planning exportPhase = iota // counting rows and checking the paths
	ready                       // waiting for the user to write
	writing                     // writing the files
	written                     // done
)

// exportScreen shows where the files go and how many rows each gets,
// lets the user choose in words what export does with the rows not
// decided on (the flags give the first choice), asks before overwriting
// existing files, writes them, and says what was written and what was not.
// While it plans or writes, a command reads the session and the screen
// does not let the user change it.
type exportScreen struct {
	c      *common
	paths  cleaner.ExportPaths
	phase  exportPhase
	plan   planMsg
	choice int   // the policy switch under the cursor
	exists bool  // an output file exists already
	err    error // why the files cannot be written, or the last write failed
	note   string
	result cleaner.ExportResult
}

func newExportScreen(c *common) *exportScreen {
	p := c.opt.Paths
	l := c.session.List
	d := cleaner.DefaultPaths(l.Name, l.Delimiter)
	if p.Cleaned == "" {
		p.Cleaned = d.Cleaned
	}
	if p.Removed == "" {
		p.Removed = d.Removed
	}
	if p.Changes == "" {
		p.Changes = cleaner.ChangesPath(p.Cleaned)
	}
	return &exportScreen{c: c, paths: p}
}

func (x *exportScreen) start() tea.Cmd {
	x.phase = planning
	return x.c.spinning(plan(x.c.session, x.c.policy, x.paths, x.c.opt.Force))
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
	case written:
		back.SetHelp("esc", "back to review")
		return helpKeys{short: []key.Binding{back}, full: [][]key.Binding{{back}}}
	}
	return helpKeys{
		short: []key.Binding{k.Write, k.Toggle, back},
		full:  [][]key.Binding{{k.Write, back}, {k.Up, k.Down, k.Toggle}},
	}
}

func (x *exportScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case planMsg:
		if msg.policy != x.c.policy {
			return nil // a plan of a policy the user has changed since
		}
		x.plan, x.phase = msg, ready
		x.setErr(msg.err)
	case exportedMsg:
		if msg.err != nil {
			x.phase = ready
			x.setErr(msg.err)
			if x.err == nil {
				x.err = msg.err
			}
			x.note = "Nothing was written: the files are as they were."
			return nil
		}
		x.phase, x.result, x.err, x.note = written, msg.result, nil, ""
		x.c.dirty = false
		x.c.exported = &x.result
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
				x.askOverwrite()
				return nil
			}
			return x.write(x.c.opt.Force)
		case key.Matches(msg, k.Up):
			x.choice = max(x.choice-1, 0)
		case key.Matches(msg, k.Down):
			x.choice = min(x.choice+1, len(policyChoices)-1)
		case key.Matches(msg, k.Toggle):
			if n := msg.Code - '1'; n >= 0 && int(n) < len(policyChoices) {
				x.choice = int(n)
			}
			p := x.c.policy
			ch := policyChoices[x.choice]
			ch.set(&p, !ch.get(p))
			x.c.setPolicy(p)
			x.note = ""
			return x.start()
		case key.Matches(msg, k.Back):
			return func() tea.Msg { return goBackMsg{} }
		}
	case written:
		if key.Matches(msg, k.Back) {
			return func() tea.Msg { return goBackMsg{} }
		}
	}
	return nil
}

// askOverwrite asks before replacing the outputs that exist.
func (x *exportScreen) askOverwrite() {
	k := x.c.keys
	yes, no := k.Yes, k.No
	names := x.existingNames()
	x.c.prompt = &prompt{
		text:  names + " already there. Overwrite?",
		short: "Files exist. Overwrite?",
		choices: []choice{
			{yes, "overwrite", func() tea.Cmd { return x.write(true) }},
			{no, "do not", func() tea.Cmd {
				x.note = "Nothing was written: " + names + " as it was. w asks again, esc goes back."
				return nil
			}},
		},
	}
}

// existingNames names the outputs that exist already, in a few words.
func (x *exportScreen) existingNames() string {
	names := make([]string, len(x.plan.existing))
	for i, e := range x.plan.existing {
		names[i] = sanitize(filepath.Base(e))
	}
	switch len(names) {
	case 0:
		return "An output file is"
	case 1:
		return names[0] + " is"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are"
}

func (x *exportScreen) write(force bool) tea.Cmd {
	x.phase = writing
	return x.c.spinning(write(x.c.session, cleaner.ExportOptions{
		Paths:          x.paths,
		Policy:         x.c.policy,
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
	roomy := x.c.bodyH >= 20
	short := x.c.bodyH < 16 // one line per file, and no heading
	gap := func() {
		if roomy {
			line("")
		}
	}
	// file shows one output: what goes there, then where it is.
	file := func(label, what, path string) {
		if short {
			line(st.Label.Render(fmt.Sprintf("%-13s", label)) + st.Value.Render(what) + st.Muted.Render(" → "+sanitize(filepath.Base(path))))
			return
		}
		line(st.Label.Render(fmt.Sprintf("%-13s", label)) + st.Value.Render(what))
		line(fmt.Sprintf("%-13s", "") + clipLeft(sanitize(path), w-15))
	}
	// files shows where the rows go, or went.
	files := func(kept, fixed, removed, repeats int, paths cleaner.ExportPaths, changes bool) {
		what := plural(kept, "row", "rows")
		if fixed > 0 {
			what += ", " + num(fixed) + " of them corrected"
		}
		file("Cleaned list", what, paths.Cleaned)
		what = plural(removed, "row", "rows")
		if repeats > 0 {
			what += fmt.Sprintf(", %s as a repeat after a correction", num(repeats))
		}
		file("Removed rows", what, paths.Removed)
		if paths.Report != "" {
			file("Report", "a line per row", paths.Report)
		}
		if changes {
			file("Changes", "old and new address of the "+plural(fixed, "corrected row", "corrected rows"), paths.Changes)
		} else {
			line(st.Label.Render(fmt.Sprintf("%-13s", "Changes")) + st.Muted.Render("none: no row is corrected"))
		}
	}
	if roomy {
		b.WriteString("\n")
	}
	switch x.phase {
	case planning:
		line(x.c.spin.View() + " Working out what goes where…")
		return b.String()
	case written:
		r := x.result
		line(st.Success.Render("✓ Files written"))
		gap()
		files(r.Kept, r.Fixed, r.Removed, 0, r.Paths, r.Paths.Changes != "")
		gap()
		not := "Not written: "
		if r.Paths.Changes == "" {
			not += "a changes file (no row was corrected); "
		}
		para(st.Muted.Render, not+"the list itself, "+sanitize(filepath.Base(x.c.session.List.Name))+", is left as it was.")
		if r.Paths.Changes != "" {
			para(st.Muted.Render, "After importing the cleaned list, suppress or delete the old addresses of the changes file in your email platform.")
		}
		gap()
		line(st.Muted.Render("q quits · esc goes back to the review"))
		return b.String()
	}
	p := x.plan
	c := p.count
	if !short {
		line(st.Heading.Render("Where the rows go"))
	}
	gap()
	files(c.Kept, c.Corrected, c.Removed, c.Repeats, x.paths, c.Corrected > 0)
	gap()
	undecided := c.Rows - c.ByYou
	line(st.Heading.Render("Rows you did not decide on") + st.Muted.Render(" ("+num(undecided)+")"))
	for k, ch := range policyChoices {
		box := "[ ]"
		if ch.get(x.c.policy) {
			box = "[x]"
		}
		text := fmt.Sprintf("%d %s %s (%s)", k+1, box, ch.words, plural(p.applies[k], "row", "rows"))
		if k == x.choice {
			line(st.Selected.Render("›" + fit(text, w-3)))
		} else {
			line(" " + text)
		}
	}
	gap()
	var notes []string
	if c.ByYou == 0 {
		notes = append(notes, "You decided no row: every row follows the choices above.")
	} else {
		notes = append(notes, plural(c.ByYou, "row follows your decision", "rows follow your decisions")+"; the others the choices above.")
	}
	for _, n := range notes {
		para(st.Muted.Render, n)
	}
	if c.KeptDespite > 0 {
		para(st.Warning.Render, "! "+plural(c.KeptDespite, "row you keep", "rows you keep")+" cannot receive mail, are suppressed or repeat another row.")
	}
	switch {
	case x.err != nil:
		para(st.Error.Render, "Cannot write: "+errorText(x.err))
	case x.phase == writing:
		line(x.c.spin.View() + " Writing…")
	case x.note != "":
		para(st.Warning.Render, x.note)
	case x.exists:
		para(st.Warning.Render, x.existingNames()+" already there: you will be asked before anything is overwritten.")
	}
	return b.String()
}
