package ui

import "charm.land/bubbles/v2/key"

// keyMap declares every key binding of the program, once. Screens match
// against these and list them in their help.
//
// k is "keep", so there is no vi-style k for "up": movement is on the
// arrow keys, ctrl+p/ctrl+n (as in Emacs and readline), page up/down,
// home/end (also g/G) and the mouse wheel.
type keyMap struct {
	// Movement.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
	Left     key.Binding // columns: previous column
	Right    key.Binding // columns: next column

	// Review decisions.
	Accept         key.Binding
	Edit           key.Binding
	Keep           key.Binding
	Remove         key.Binding
	Undo           key.Binding
	Like           key.Binding // the same decision for every row with this domain and reason
	AllSuggestions key.Binding // accept every suggestion of the tab

	// Review navigation.
	Search     key.Binding
	NextFilter key.Binding
	PrevFilter key.Binding
	Details    key.Binding

	// Flow between screens.
	Continue key.Binding // enter: go on to the next step
	Review   key.Binding // summary: go to review
	Export   key.Binding
	Write    key.Binding // export: write the files
	Back     key.Binding // esc: back, cancel, close
	Cancel   key.Binding // checking: stop the checks
	Server   key.Binding // checking: use another DNS server
	DNSOff   key.Binding // checking: go on without DNS
	Recheck  key.Binding // review: check the unknown rows again
	Open     key.Binding // file picker: enter a directory or pick a file
	Parent   key.Binding // file picker: go up a directory
	Evidence key.Binding // file picker: use a file or folder as suppression evidence
	AllFiles key.Binding // file picker: show every file, or lists only
	Header   key.Binding // columns: the first line is a header line, or data
	Toggle   key.Binding // export: turn the policy choice under the cursor on or off
	Submit   key.Binding // text input: confirm
	Yes      key.Binding
	No       key.Binding
	Whole    key.Binding // bulk accept: the whole list rather than the tab
	Apply    key.Binding // resume: apply the saved decisions
	Discard  key.Binding // resume: start afresh

	// Everywhere.
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑/ctrl+p", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓/ctrl+n", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first")),
		End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
		Left:     key.NewBinding(key.WithKeys("left", "shift+tab"), key.WithHelp("←", "previous column")),
		Right:    key.NewBinding(key.WithKeys("right", "tab"), key.WithHelp("→", "next column")),

		Accept:         key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept")),
		Edit:           key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Keep:           key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "keep")),
		Remove:         key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "remove")),
		Undo:           key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
		Like:           key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "same domain+reason")),
		AllSuggestions: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "accept all")),

		Search:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		NextFilter: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next filter")),
		PrevFilter: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous filter")),
		Details:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),

		Continue: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Review:   key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", "review")),
		Export:   key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "export")),
		Write:    key.NewBinding(key.WithKeys("enter", "w"), key.WithHelp("enter", "write files")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop checking")),
		Server:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "another DNS server")),
		DNSOff:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "DNS checks off")),
		Recheck:  key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "check unknown again")),
		Open:     key.NewBinding(key.WithKeys("enter", "right"), key.WithHelp("enter", "open")),
		Parent:   key.NewBinding(key.WithKeys("left", "backspace"), key.WithHelp("←", "parent folder")),
		Evidence: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "add/drop bounce file")),
		AllFiles: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "all files")),
		Header:   key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "header line or data")),
		Toggle:   key.NewBinding(key.WithKeys("space", "1", "2", "3", "4"), key.WithHelp("space/1-4", "turn on/off")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
		Yes:      key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:       key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),
		Whole:    key.NewBinding(key.WithKeys("l", "L"), key.WithHelp("l", "whole list")),
		Apply:    key.NewBinding(key.WithKeys("a", "A"), key.WithHelp("a", "apply them")),
		Discard:  key.NewBinding(key.WithKeys("d", "D"), key.WithHelp("d", "start afresh")),

		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit now")),
	}
}

// helpKeys is the help for one screen: a short line, and the full list in
// columns, with a legend under it. It implements help.KeyMap.
type helpKeys struct {
	short  []key.Binding
	full   [][]key.Binding
	legend string // what the screen's signs mean, shown with the full help
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }
