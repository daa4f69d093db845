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
	Accept key.Binding
	Edit   key.Binding
	Keep   key.Binding
	Remove key.Binding
	Undo   key.Binding
	Bulk   key.Binding

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
	Submit   key.Binding // text input: confirm
	Yes      key.Binding
	No       key.Binding

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

		Accept: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept")),
		Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Keep:   key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "keep")),
		Remove: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "remove")),
		Undo:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
		Bulk:   key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "bulk")),

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
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
		Yes:      key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:       key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "no")),

		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit now")),
	}
}

// helpKeys is the help for one screen: a short line, and the full list in
// columns. It implements help.KeyMap.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }
