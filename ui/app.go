// Package ui is listclean's terminal interface: open a list, pick the email
// column, watch the DNS checks, read the summary, review the flagged rows
// and export. It holds no domain logic: package cleaner judges, decides and
// writes, package resolver asks DNS, and ui shows their results and records
// the user's decisions in the cleaner's session.
//
// The root Model routes messages to one model per screen. Every piece of
// I/O (reading the file, DNS, writing the exports) runs in a tea.Cmd and
// comes back as a message; the model is only touched from Update.
package ui

import (
	"context"
	"errors"
	"os"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/cleaner/history"
	"github.com/listclean/listclean/cleaner/suppression"
	"github.com/listclean/listclean/resolver"
)

// Checker is what the UI needs from DNS; *resolver.Checker satisfies it.
type Checker interface {
	Check(ctx context.Context, domains []string) <-chan resolver.Result
	CheckDomain(ctx context.Context, domain string) resolver.Result
	Stats() resolver.Stats
}

// Options configure a run of the UI.
type Options struct {
	Path           string              // the list to open; "" opens the file picker
	Read           cleaner.ReadOptions // how to read it
	Checker        Checker             // nil when DNS checks are off (-dns off)
	Policy         cleaner.Policy      // what export does with rows the user did not decide on
	Paths          cleaner.ExportPaths // empty fields: cleaner.DefaultPaths of the input (the changes file beside the cleaned list)
	Force          bool                // overwrite existing output files without asking
	EscapeFormulas bool                // guard the list's cells against spreadsheet formulas
	// Suppressions is the evidence of -suppress, read already (nil for
	// none); the open screen adds to it.
	Suppressions *cleaner.Suppressions
	// History is the domain history, which the checks are recorded in
	// and which the detail pane quotes; nil with -history off.
	History *history.History
}

// Run runs the program until the user quits or ctx is cancelled. The
// terminal is restored on every way out, errors and ctrl+c included.
// NO_COLOR, when set to anything, turns colours off.
func Run(ctx context.Context, opt Options) error {
	m := New(opt)
	defer m.stop()
	opts := []tea.ProgramOption{tea.WithContext(ctx)}
	if os.Getenv("NO_COLOR") != "" {
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(m, opts...).Run()
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// screen is one step of the program. Screens share a *common and tell the
// root about a step change through messages.
type screen interface {
	// update handles a message; key presses arrive only when no global
	// key claimed them.
	update(msg tea.Msg) tea.Cmd
	// view renders the screen's body, c.width wide and c.bodyH tall.
	view() string
	// name is the screen's name in the top bar.
	name() string
	// help lists the screen's keys.
	help() helpKeys
	// typing reports whether a text input has the focus, so that letters
	// are text rather than commands.
	typing() bool
	// busy reports whether background work runs, to keep the spinner going.
	busy() bool
}

// common is what every screen shares.
type common struct {
	opt    Options
	ctx    context.Context // cancelled when the program ends
	keys   keyMap
	styles Styles
	spin   spinner.Model
	width  int
	bodyH  int  // the height left to the screen between top bar and footer
	dirty  bool // decisions were taken since the last export

	// evidence is what the suppression files read so far hold: those of
	// -suppress, then those the open screen added.
	evidence suppression.Files
}

// suppressions returns the evidence to judge the list by; nil when there
// is none.
func (c *common) suppressions() *cleaner.Suppressions {
	if len(c.evidence) == 0 {
		return nil
	}
	return cleaner.NewSuppressions(c.evidence)
}

// spinning starts the spinner alongside cmd; a spinner already running
// ignores the extra tick.
func (c *common) spinning(cmd tea.Cmd) tea.Cmd {
	return tea.Batch(cmd, c.spin.Tick)
}

// Messages that move between screens.
type (
	// goReviewMsg opens the review screen.
	goReviewMsg struct{}
	// goExportMsg opens the export screen.
	goExportMsg struct{}
	// goSummaryMsg opens the summary screen.
	goSummaryMsg struct{}
	// goBackMsg returns from the export screen.
	goBackMsg struct{}
)

// Model is the root model: it owns the screens, the window size, the
// styles and the global keys (help, quit), and routes every other message
// to the active screen.
type Model struct {
	c      *common
	stop   context.CancelFunc
	help   help.Model
	height int

	isDark  bool
	noColor bool

	current  screen
	previous screen // where the export screen goes back to
	open     *openScreen
	columns  *columnsScreen
	checking *checkingScreen
	summary  *summaryScreen
	review   *reviewScreen
	export   *exportScreen

	confirmQuit bool
}

// New returns the root model, at the file picker when opt.Path is empty,
// else reading opt.Path.
func New(opt Options) *Model {
	ctx, stop := context.WithCancel(context.Background())
	m := &Model{
		c: &common{
			opt:    opt,
			ctx:    ctx,
			keys:   newKeyMap(),
			spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
			width:  80,
			bodyH:  22,
			styles: newStyles(true, false),
		},
		stop:   stop,
		help:   help.New(),
		height: 24,
		isDark: true,
	}
	if opt.Suppressions != nil {
		m.c.evidence = opt.Suppressions.Files
	}
	m.restyle()
	m.open = newOpenScreen(m.c)
	m.current = m.open
	return m
}

// Init asks for the background colour and starts reading the file, or
// lists the current directory for the picker.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.open.init())
}

// Update handles the global messages and keys and hands the rest to the
// active screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.handle(msg)
	m.layout()
	return m, cmd
}

func (m *Model) handle(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width - 1)
		m.layout()
		return m.current.update(msg)
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.restyle()
		return nil
	case tea.ColorProfileMsg:
		m.noColor = msg.Profile <= colorprofile.Ascii
		m.restyle()
		return nil
	case spinner.TickMsg:
		if !m.current.busy() {
			return nil
		}
		var cmd tea.Cmd
		m.c.spin, cmd = m.c.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		return m.keyPress(msg)
	case fileReadMsg:
		if msg.err != nil && (msg.list == nil || !errors.Is(msg.err, cleaner.ErrNoEmailColumn)) {
			m.current = m.open
			return m.open.update(msg)
		}
		m.open.reading = ""
		m.columns = newColumnsScreen(m.c, msg.list)
		m.current = m.columns
		return nil
	case startCheckMsg:
		m.checking = newCheckingScreen(m.c)
		m.current = m.checking
		return m.checking.start(msg.list)
	case judgedMsg:
		m.summary = newSummaryScreen(m.c, msg.session, msg.summary)
		m.review = newReviewScreen(m.c, msg.session, msg.filters)
		m.current = m.summary
		if h := m.c.opt.History; h != nil {
			return saveHistory(h)
		}
		return nil
	case historySavedMsg:
		return m.summary.update(msg)
	case goReviewMsg:
		m.current = m.review
		return nil
	case goSummaryMsg:
		m.current = m.summary
		return nil
	case editCheckedMsg:
		// The review owns the edit, whichever screen is showing.
		return m.review.update(msg)
	case goExportMsg:
		if m.review.busy() {
			// Export reads the session in the background: the pending
			// edit must land first.
			m.current = m.review
			m.review.refuse("Wait a moment: an edited address is being checked")
			return nil
		}
		m.previous = m.current
		m.export = newExportScreen(m.c, m.review.session)
		m.current = m.export
		return m.export.start()
	case goBackMsg:
		m.current = m.previous
		return nil
	}
	return m.current.update(msg)
}

// keyPress handles the global keys: ctrl+c at once, the quit confirmation,
// then (unless a text input has the focus) help and quit.
func (m *Model) keyPress(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.ForceQuit):
		return m.quit()
	case m.confirmQuit:
		switch {
		case key.Matches(msg, k.Yes):
			return m.quit()
		case key.Matches(msg, k.No):
			m.confirmQuit = false
		}
		return nil
	case m.current.typing():
		return m.current.update(msg)
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	case key.Matches(msg, k.Quit):
		if m.c.dirty {
			m.confirmQuit = true
			return nil
		}
		return m.quit()
	}
	return m.current.update(msg)
}

// quit stops background work and ends the program.
func (m *Model) quit() tea.Cmd {
	m.stop()
	return tea.Quit
}

// restyle rebuilds the styles after the background colour or the colour
// profile became known.
func (m *Model) restyle() {
	m.c.styles = newStyles(m.isDark, m.noColor)
	m.help.Styles = m.c.styles.Help
	m.c.spin.Style = m.c.styles.Spinner
	if m.open != nil {
		m.open.restyle()
	}
	if m.checking != nil {
		m.checking.restyle()
	}
	if m.review != nil {
		m.review.restyle()
	}
}

// layout works out the height left to the active screen.
func (m *Model) layout() {
	m.c.bodyH = max(m.height-1-m.footerHeight(), 0)
}

func (m *Model) footerHeight() int {
	if m.confirmQuit || !m.help.ShowAll || m.current.typing() {
		return 1
	}
	h := 0
	for _, col := range m.current.help().full {
		h = max(h, len(col))
	}
	return h + 1
}

// View draws the top bar, the active screen and the footer (the help, or
// the quit question) in the alternate screen.
func (m *Model) View() tea.View {
	var b strings.Builder
	b.WriteString(m.topBar())
	b.WriteByte('\n')
	if m.c.bodyH > 0 {
		b.WriteString(lines(m.current.view(), m.c.bodyH))
		b.WriteByte('\n')
	}
	b.WriteString(m.footer())
	v := tea.NewView(b.String())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "listclean"
	return v
}

func (m *Model) topBar() string {
	st := m.c.styles
	bar := st.Title.Render("listclean") + st.Crumb.Render(" › "+m.current.name())
	if m.current.busy() {
		bar += " " + m.c.spin.View()
	}
	return clip(" "+bar, m.c.width)
}

func (m *Model) footer() string {
	st := m.c.styles
	if m.confirmQuit {
		q := "Your latest decisions are not exported. Quit anyway? " +
			st.KeyHint.Render("y") + " quit · " + st.KeyHint.Render("n") + " stay"
		return clip(" "+st.Warning.Render("!")+" "+q, m.c.width)
	}
	k := m.c.keys
	h := m.current.help()
	if m.current.typing() {
		// Letters are text here: only the screen's own keys apply.
		return " " + m.help.ShortHelpView(h.short)
	}
	if !m.help.ShowAll {
		return " " + m.help.ShortHelpView(append(h.short, k.Help, k.Quit))
	}
	less := k.Help
	less.SetHelp("?", "fewer keys")
	full := m.help.FullHelpView(h.full)
	if full != "" {
		full = " " + strings.ReplaceAll(full, "\n", "\n ") + "\n"
	}
	return full + " " + m.help.ShortHelpView([]key.Binding{less, k.Quit, k.ForceQuit})
}

// errorText is how an error reads on screen: sanitized, on one line.
func errorText(err error) string { return sanitize(err.Error()) }
