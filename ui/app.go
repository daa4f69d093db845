// Package ui is listclean's terminal interface: open a list, pick the email
// column, watch the DNS checks, read the summary, review the flagged rows
// and export. It holds no domain logic: package cleaner judges, decides and
// writes, package resolver asks DNS, and ui shows their results and records
// the user's decisions in the cleaner's session.
//
// The root Model routes messages to one model per screen. Every piece of
// I/O (reading the file, DNS, saving the decisions, writing the exports)
// runs in a tea.Cmd and comes back as a message; the model is only touched
// from Update.
package ui

import (
	"context"
	"errors"
	"fmt"
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
	// Prove asks the servers about names whose truth is known before any
	// verdict (see resolver.Checker.Prove).
	Prove(ctx context.Context, witnesses []string) error
	// CheckStreamHeld checks the domains that come on domains (see
	// resolver.Checker.CheckStreamHeld); it makes a cleaner.DomainChecker.
	CheckStreamHeld(ctx context.Context, domains <-chan []string, onHeld func(resolver.Result)) <-chan resolver.Result
	Recheck(ctx context.Context, domains []string) <-chan resolver.Result
	CheckDomain(ctx context.Context, domain string) resolver.Result
	Stats() resolver.Stats
	// Notes says what the servers did that the user must know.
	Notes() []string
}

// Options configure a run of the UI.
type Options struct {
	Path    string              // the list to open; "" opens the file picker
	Read    cleaner.ReadOptions // how to read it
	Checker Checker             // nil when DNS checks are off (-dns off)
	// NewChecker makes a Checker for other servers, given as for -dns,
	// when the user picks another server for one that failed its proof;
	// nil offers no such choice.
	NewChecker func(dns string) (Checker, error)
	// Policy is what export does with rows the user did not decide on, at
	// first: the export screen lets the user choose another.
	Policy         cleaner.Policy
	Paths          cleaner.ExportPaths // empty fields: cleaner.DefaultPaths of the input (the changes file beside the cleaned list)
	Force          bool                // overwrite existing output files without asking
	EscapeFormulas bool                // guard the list's cells against spreadsheet formulas
	// Decisions is where the decisions about the list of Path are saved
	// and resumed from; "" for cleaner.DecisionsPath beside the list (and
	// for any list picked in the picker).
	Decisions string
	// Suppressions is the evidence of -suppress, read already (nil for
	// none); the open screen adds to it.
	Suppressions *cleaner.Suppressions
	// History is the domain history, which the checks are recorded in
	// and which the detail pane quotes; nil with -history off.
	History *history.History
}

// Run runs the program until the user quits or ctx is cancelled, and
// returns what to tell the user once the terminal is theirs again: what
// was written, and where the decisions are. The terminal is restored on
// every way out, errors and ctrl+c included, and the latest decisions are
// saved whatever the way out. NO_COLOR, when set to anything, turns
// colours off. Signals are the caller's to handle, through ctx: Bubble
// Tea's own handler, which quits on SIGTERM as if the user had, is off.
func Run(ctx context.Context, opt Options) (string, error) {
	m := New(opt)
	defer m.stop()
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithoutSignalHandler()}
	if os.Getenv("NO_COLOR") != "" {
		opts = append(opts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(m, opts...).Run()
	m.c.flushDecisions() // the program has ended: the session is this goroutine's
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return m.exitText(), err
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

	// session is the list being reviewed, once it is judged.
	session *cleaner.Session
	// policy is what export does with the rows the user did not decide
	// on: Options.Policy at first, then what the export screen chose.
	policy cleaner.Policy
	// plan is what export does with every row, made again after each
	// decision or change of policy (nil until asked for).
	plan *cleaner.Plan
	// store saves the decisions; nil until the list is judged.
	store *decisionStore
	// prompt is the question the footer asks, nil for none: while it is
	// asked, only its answers and ctrl+c act.
	prompt *prompt
	// exported is what the latest export wrote, while no decision was
	// taken since (for the message on exit).
	exported *cleaner.ExportResult
	// readList reads a whole list: cleaner.ReadFile, or in tests one
	// held back.
	readList listReader
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

// currentPlan returns what export does with every row now.
func (c *common) currentPlan() *cleaner.Plan {
	if c.plan == nil {
		c.plan = c.session.Plan(c.policy)
	}
	return c.plan
}

// changed notes that the decisions changed: the plan is made again when
// next asked for, the export is due again, and the decisions are saved at
// once, in the background.
func (c *common) changed() tea.Cmd {
	c.plan = nil
	c.dirty = true
	c.exported = nil
	return c.saveDecisions()
}

// setPolicy makes p the policy for the rows the user did not decide on.
func (c *common) setPolicy(p cleaner.Policy) {
	if p != c.policy {
		c.policy, c.plan = p, nil
	}
}

// policyAction is what the policy does with row i when the user does not
// decide on it.
func (c *common) policyAction(i int) cleaner.Action {
	return c.policy.Action(c.session.Rows[i])
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
	// goColumnsMsg returns from the summary to the columns screen.
	goColumnsMsg struct{}
	// goOpenMsg returns from the columns screen to the file picker.
	goOpenMsg struct{}
	// rejudgedMsg brings the summary of the rows judged anew after the
	// unknown rows were checked again.
	rejudgedMsg struct{ summary cleaner.Summary }
)

// Model is the root model: it owns the screens, the window size, the
// styles and the global keys (help, quit) and the footer's questions, and
// routes every other message to the active screen.
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

	// read is the latest list read, with what was saved about it, until
	// its decisions are resumed.
	read *fileReadMsg
	// checked says how the list of the judged session was read, so that
	// going back to the columns and on again without a change keeps the
	// results.
	checked columnChoice
}

// New returns the root model, at the file picker when opt.Path is empty,
// else reading opt.Path.
func New(opt Options) *Model {
	ctx, stop := context.WithCancel(context.Background())
	m := &Model{
		c: &common{
			opt:      opt,
			ctx:      ctx,
			keys:     newKeyMap(),
			spin:     spinner.New(spinner.WithSpinner(spinner.MiniDot)),
			width:    80,
			bodyH:    22,
			styles:   newStyles(true, false),
			policy:   opt.Policy,
			readList: cleaner.ReadFile,
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
	case decisionsSavedMsg:
		if m.c.store == msg.store {
			m.c.store.saved(msg)
		}
		return nil
	case fileHeadMsg:
		// Shown only while the whole list is still being read; a head
		// that could not be read waits for the whole list's error.
		if msg.id != m.open.readID || m.open.reading == "" || msg.list == nil {
			return nil
		}
		m.flushSession()
		m.columns = newColumnsScreen(m.c, msg.list)
		m.columns.reading = true
		m.current = m.columns
		return nil
	case fileReadMsg:
		if msg.id != m.open.readID {
			return nil // a read the user left
		}
		if msg.err != nil && (msg.list == nil || !errors.Is(msg.err, cleaner.ErrNoEmailColumn)) {
			m.current = m.open
			return m.open.update(msg)
		}
		m.open.reading = ""
		m.read = &msg
		if m.current == m.columns && m.columns.reading {
			return m.columns.read(msg.list)
		}
		m.flushSession()
		m.columns = newColumnsScreen(m.c, msg.list)
		m.current = m.columns
		return nil
	case goOpenMsg:
		m.current = m.open
		return m.open.back(m.columns.list.Name)
	case startCheckMsg:
		if m.c.session != nil && m.checked == choiceOf(msg.list) {
			m.current = m.summary // the results still apply
			return nil
		}
		m.checking = newCheckingScreen(m.c)
		m.current = m.checking
		return m.checking.start(msg.list)
	case judgedMsg:
		return m.judged(msg)
	case historySavedMsg:
		return m.summary.update(msg)
	case goReviewMsg:
		m.current = m.review
		return nil
	case goSummaryMsg:
		m.current = m.summary
		return nil
	case goColumnsMsg:
		m.current = m.columns
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
		m.export = newExportScreen(m.c)
		m.current = m.export
		return m.export.start()
	case goBackMsg:
		m.current = m.previous
		return nil
	case rejudgedMsg:
		m.summary.sum = msg.summary
		return nil
	}
	return m.current.update(msg)
}

// judged shows the summary of a list just judged, resumes the decisions
// saved about it (asking first when the list changed since), and records
// the run in the domain history.
func (m *Model) judged(msg judgedMsg) tea.Cmd {
	old := m.c.session
	m.c.session, m.c.plan = msg.session, nil
	m.checked = choiceOf(msg.session.List)
	m.summary = newSummaryScreen(m.c, msg.summary)
	m.review = newReviewScreen(m.c, msg.filters)
	m.current = m.summary
	var cmds []tea.Cmd
	if h := m.c.opt.History; h != nil {
		cmds = append(cmds, saveHistory(h))
	}
	if old != nil {
		// Back from the columns with another column or header line: the
		// decisions taken go with their addresses to the new reading.
		saved := &cleaner.SavedDecisions{Records: old.DecisionRecords(m.c.store.fp)}
		r := m.c.session.Restore(saved)
		m.summary.note = "Your decisions: " + restoredText(r)
		if r.Applied() > 0 || r.Missing > 0 {
			cmds = append(cmds, m.c.changed())
		}
		return tea.Batch(cmds...)
	}
	read := m.read
	m.read = nil
	m.c.store = newDecisionStore(read.decisions, read.fp)
	switch {
	case read.savedErr != nil:
		// The next decision replaces the file: say so before it does.
		m.summary.note = "Your saved decisions could not be read (" + errorText(read.savedErr) + "): your next decision replaces them"
	case read.saved == nil || len(read.saved.Records) == 0:
	case read.saved.Input == read.fp:
		r := m.c.session.Restore(read.saved)
		m.summary.note = fmt.Sprintf("Resumed %s saved %s in %s", plural(r.Applied(), "decision", "decisions"),
			read.saved.Latest.Local().Format("2 Jan 15:04"), sanitize(baseName(read.decisions)))
		m.c.dirty = r.Applied() > 0
	default:
		m.askResume(read.saved)
	}
	return tea.Batch(cmds...)
}

// askResume asks whether to apply decisions saved about another version
// of the list.
func (m *Model) askResume(saved *cleaner.SavedDecisions) {
	k := m.c.keys
	n := plural(len(saved.Records), "decision was", "decisions were")
	m.c.prompt = &prompt{
		text: fmt.Sprintf("The list changed since your %s saved on %s (in %s). Apply them to the rows that hold the same addresses, or start afresh?",
			n, saved.Latest.Local().Format("2 Jan 15:04"), sanitize(baseName(saved.Path))),
		short: fmt.Sprintf("The list changed since your %s saved.", n),
		choices: []choice{
			{k.Apply, "apply them", func() tea.Cmd {
				r := m.c.session.Restore(saved)
				m.summary.note = "Applied your saved decisions: " + restoredText(r)
				return m.c.changed()
			}},
			{k.Discard, "start afresh", func() tea.Cmd {
				m.summary.note = "Started afresh: your next decision replaces the saved ones in " + sanitize(baseName(saved.Path))
				return nil
			}},
		},
	}
}

// restoredText says how saved decisions were applied.
func restoredText(r cleaner.Restored) string {
	s := plural(r.Applied(), "decision", "decisions") + " applied"
	if r.ByAddress > 0 {
		s += fmt.Sprintf(" (%d to rows that moved)", r.ByAddress)
	}
	switch {
	case r.Missing == 1:
		s += "; 1 not: no row holds its address"
	case r.Missing > 1:
		s += fmt.Sprintf("; %d not: no row holds their address", r.Missing)
	}
	return s
}

// flushSession saves the decisions of the session before another list
// replaces it, and forgets it.
func (m *Model) flushSession() {
	if m.c.session == nil {
		return
	}
	m.c.flushDecisions()
	m.c.session, m.c.plan, m.c.store, m.c.dirty, m.c.exported = nil, nil, nil, false, nil
}

// keyPress handles the global keys: ctrl+c at once, the footer's
// question, then (unless a text input has the focus) help and quit.
func (m *Model) keyPress(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	switch {
	case key.Matches(msg, k.ForceQuit):
		return m.quit()
	case m.c.prompt != nil:
		return m.c.prompt.answer(msg, &m.c.prompt)
	case m.current.typing():
		return m.current.update(msg)
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	case key.Matches(msg, k.Quit):
		if m.c.dirty {
			m.askQuit()
			return nil
		}
		return m.quit()
	}
	return m.current.update(msg)
}

// askQuit asks before quitting with decisions that are saved but not
// exported.
func (m *Model) askQuit() {
	k := m.c.keys
	yes, no := k.Yes, k.No
	m.c.prompt = &prompt{
		text:    "Your decisions are saved in " + sanitize(baseName(m.c.store.path)) + " but not exported: the cleaned list is not written. Quit?",
		short:   "Decisions saved, not exported. Quit?",
		choices: []choice{{yes, "quit", m.quit}, {no, "stay", nil}},
	}
	if err := m.c.store.err; err != nil {
		m.c.prompt.text = "Your decisions could not be saved (" + errorText(err) + ") and are not exported: quitting loses them. Quit?"
		m.c.prompt.short = "Decisions not saved, not exported. Quit?"
	}
}

// quit stops background work and ends the program.
func (m *Model) quit() tea.Cmd {
	m.stop()
	return tea.Quit
}

// exitText is what the program says once it has ended: what the latest
// export wrote, or where the decisions are, or that nothing was written.
func (m *Model) exitText() string {
	c := m.c
	var b strings.Builder
	if r := c.exported; r != nil {
		b.WriteString(r.Text(c.session.List.Name))
	} else if c.session != nil && c.dirty {
		b.WriteString("nothing exported: the cleaned list was not written\n")
	}
	if s := c.store; s != nil {
		switch {
		case s.err != nil:
			fmt.Fprintf(&b, "your decisions could not be saved: %v\n", s.err)
		case c.session != nil && c.session.Decided() > 0:
			fmt.Fprintf(&b, "%s saved in %s: listclean %s resumes the review\n",
				plural(c.session.Decided(), "decision", "decisions"), s.path, c.session.List.Name)
		}
	}
	if b.Len() == 0 {
		return "nothing was written\n"
	}
	return b.String()
}

// restyle rebuilds the styles after the background colour or the colour
// profile became known.
func (m *Model) restyle() {
	m.c.styles = newStyles(m.isDark, m.noColor)
	m.help.Styles = m.c.styles.Help
	m.c.spin.Style = m.c.styles.Spinner
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
	if p := m.c.prompt; p != nil {
		return len(p.lines(m.c))
	}
	if !m.help.ShowAll || m.current.typing() {
		return 1
	}
	h := 0
	for _, col := range m.current.help().full {
		h = max(h, len(col))
	}
	if m.current.help().legend != "" {
		h++
	}
	return h + 1
}

// View draws the top bar, the active screen and the footer (the help, or
// the question) in the alternate screen.
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
	if p := m.c.prompt; p != nil {
		return strings.Join(p.lines(m.c), "\n")
	}
	return clipLines(m.helpView(), m.c.width)
}

// helpView draws the key help of the footer. Its lines can be wider than
// the window: the help bubble adds a key that does not leave room for its
// "…" rather than leave it out.
func (m *Model) helpView() string {
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
	if h.legend != "" {
		full += " " + m.c.styles.Muted.Render(h.legend) + "\n"
	}
	return full + " " + m.help.ShortHelpView([]key.Binding{less, k.Quit, k.ForceQuit})
}

// errorText is how an error reads on screen: sanitized, on one line.
func errorText(err error) string { return sanitize(err.Error()) }
