package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/cleaner/history"
	"github.com/listclean/listclean/resolver"
)

// batchWindow is how long results are gathered into one message: the
// screen updates about ten times a second however fast DNS answers.
const batchWindow = 100 * time.Millisecond

// Messages of the checking step.
type (
	// sessionMsg brings the session built from the list, with the rows
	// waiting for each domain's result.
	sessionMsg struct {
		session   *cleaner.Session
		tally     tally
		witnesses []string // the list's big providers, to prove the server with
	}
	// provedMsg brings the outcome of proving the DNS server.
	provedMsg struct{ err error }
	// checksStartedMsg brings the channel the session streams results on.
	checksStartedMsg struct{ results <-chan cleaner.Checked }
	// batchMsg brings the results that arrived during one batch window.
	batchMsg struct {
		results []cleaner.Checked
		closed  bool // the checker is done (finished or cancelled)
		at      time.Time
	}
	// judgedMsg brings the session with every row judged, its summary,
	// and the review's tabs.
	judgedMsg struct {
		session *cleaner.Session
		summary cleaner.Summary
		filters []filter
	}
	// historySavedMsg brings the outcome of saving the domain history.
	historySavedMsg struct {
		path string
		err  error
	}
)

// tally is where the rows stand before any DNS result: those already
// judged by their address alone, and those waiting for their domain.
type tally struct {
	counts  map[cleaner.Verdict]int
	pending map[string]int // rows waiting for each ASCII domain
	waiting int
}

// newSession parses every address of the list in the background, to be
// judged by the user's evidence sp (nil for none).
func newSession(l *cleaner.List, dns bool, sp *cleaner.Suppressions) tea.Cmd {
	return func() tea.Msg {
		s := cleaner.NewSession(l, dns)
		s.Suppress(sp)
		t := tally{counts: make(map[cleaner.Verdict]int), pending: make(map[string]int)}
		for i := range s.Rows {
			r := &s.Rows[i]
			switch {
			case r.Addr().Reason != "":
				t.counts[cleaner.VerdictOf(cleaner.Reason(r.Addr().Reason))]++
			case r.DupOf >= 0:
				t.counts[cleaner.VerdictDuplicate]++
			default:
				t.pending[r.Addr().ASCII]++
				t.waiting++
			}
		}
		// The checks start without waiting for the corrections, which
		// NewSession finds in the background: Checks asks about their
		// domains as they are found.
		msg := sessionMsg{session: s, tally: t}
		if dns {
			msg.witnesses = s.Witnesses(3)
		}
		return msg
	}
}

// prove asks the DNS server about names whose truth is known, before any
// verdict rests on it.
func prove(ctx context.Context, c Checker, witnesses []string) tea.Cmd {
	return func() tea.Msg { return provedMsg{err: c.Prove(ctx, witnesses)} }
}

// startChecks asks the checker about every domain of the session: the
// rows' own at once, the corrections' as they are found (Session.Checks).
// The session only reads what stays fixed while Update applies results.
func startChecks(ctx context.Context, c Checker, s *cleaner.Session) tea.Cmd {
	return func() tea.Msg { return checksStartedMsg{results: s.Checks(ctx, c)} }
}

// readBatch gathers the results that arrive within one batch window and
// returns them as one message; Update re-arms it until the channel closes.
func readBatch(results <-chan cleaner.Checked) tea.Cmd {
	return func() tea.Msg {
		var batch []cleaner.Checked
		timer := time.NewTimer(batchWindow)
		defer timer.Stop()
		for {
			select {
			case r, ok := <-results:
				if !ok {
					return batchMsg{results: batch, closed: true, at: time.Now()}
				}
				batch = append(batch, r)
			case <-timer.C:
				return batchMsg{results: batch, at: time.Now()}
			}
		}
	}
}

// judge gives every row its verdict in the background, records the run in
// the domain history h (nil when off) and reads back what it says, then
// counts the rows and indexes those to review. The session and the history
// are not touched by the model until judgedMsg hands them back.
func judge(s *cleaner.Session, h *history.History, run time.Time) tea.Cmd {
	return func() tea.Msg {
		s.JudgeAndRemember(h, run)
		return judgedMsg{session: s, summary: s.Summarize(), filters: newFilters(s)}
	}
}

// saveHistory saves the domain history in the background.
func saveHistory(h *history.History) tea.Cmd {
	return func() tea.Msg { return historySavedMsg{path: h.Path(), err: h.Save(time.Now())} }
}

// phase is where the checking step stands.
type phase int

const (
	preparing  phase = iota // parsing the addresses
	proving                 // asking the DNS server about names whose truth is known
	distrusted              // the DNS server failed its proof: the user chooses what next
	checking                // DNS checks running
	cancelling              // esc pressed: waiting for the checker to stop
	judging                 // giving every row its verdict
)

// checkingScreen shows the DNS checks as they run: a progress bar over the
// distinct domains, rows and domains done, queries per second, time left
// and live counts per verdict. esc stops the checks; what was checked is
// kept and the rest is unknown.
//
// Before the checks it proves the DNS server. A server that lies, or does
// not answer, is named with what it did, before any verdict, and the user
// chooses: another server, no DNS checks, or quit.
type checkingScreen struct {
	c       *common
	bar     progress.Model
	phase   phase
	list    *cleaner.List
	session *cleaner.Session // nil while a command owns it
	results <-chan cleaner.Checked
	cancel  context.CancelFunc

	witnesses []string
	proof     error           // why the server is not trusted, in the distrusted phase
	asking    bool            // the input for another server has the focus
	server    textinput.Model // another server's address
	serverErr string          // why the address typed was refused

	tally tally
	rows  int // rows in the list
	total int // distinct domains to check, as far as known: corrections add to it
	own   int // of total, the list's own domains (the others are those of corrections)
	done  int // domains checked

	began   time.Time
	elapsed time.Duration // at the latest batch
	stats   resolver.Stats
	rate    float64 // queries per second over the last second or so
	sampled time.Time
	queries int64 // Stats().Queries when sampled
}

func newCheckingScreen(c *common) *checkingScreen {
	s := &checkingScreen{c: c, server: textinput.New()}
	s.server.Prompt = "DNS server: "
	s.server.Placeholder = "address, such as 192.0.2.53 or 192.0.2.53:5353"
	s.server.CharLimit = 200
	s.restyle()
	return s
}

func (s *checkingScreen) restyle() {
	s.bar = progress.New(progress.WithColors(s.c.styles.accent), progress.WithFillCharacters('█', '░'))
	s.server.SetStyles(s.c.styles.Input)
}

func (s *checkingScreen) name() string { return "Checking" }
func (s *checkingScreen) typing() bool { return s.asking }
func (s *checkingScreen) busy() bool   { return s.phase != distrusted }

func (s *checkingScreen) help() helpKeys {
	k := s.c.keys
	switch {
	case s.asking:
		submit, back := k.Submit, k.Back
		submit.SetHelp("enter", "use it")
		back.SetHelp("esc", "cancel")
		return helpKeys{short: []key.Binding{submit, back}, full: [][]key.Binding{{submit, back}}}
	case s.phase == distrusted:
		keys := []key.Binding{k.DNSOff}
		if s.c.opt.NewChecker != nil {
			keys = []key.Binding{k.Server, k.DNSOff}
		}
		return helpKeys{short: keys, full: [][]key.Binding{keys}}
	case s.phase == checking:
		return helpKeys{short: []key.Binding{k.Cancel}, full: [][]key.Binding{{k.Cancel}}}
	}
	return helpKeys{}
}

// start builds the session for the list; the proof of the DNS server and
// the checks follow.
func (s *checkingScreen) start(l *cleaner.List) tea.Cmd {
	s.list, s.rows = l, l.Rows.Len()
	s.phase = preparing
	return s.c.spinning(newSession(l, s.c.opt.Checker != nil, s.c.suppressions()))
}

func (s *checkingScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sessionMsg:
		s.session, s.tally = msg.session, msg.tally
		s.witnesses = msg.witnesses
		s.total, s.own = msg.session.RowDomains(), msg.session.RowDomains()
		if s.c.opt.Checker == nil {
			return s.judge()
		}
		s.phase = proving
		return prove(s.c.ctx, s.c.opt.Checker, s.witnesses)
	case provedMsg:
		if msg.err != nil && s.c.ctx.Err() == nil {
			s.phase, s.proof = distrusted, msg.err
			return nil
		}
		s.phase = checking
		s.began = time.Now()
		s.sampled = s.began
		var ctx context.Context
		ctx, s.cancel = context.WithCancel(s.c.ctx)
		return startChecks(ctx, s.c.opt.Checker, s.session)
	case checksStartedMsg:
		s.results = msg.results
		return readBatch(s.results)
	case batchMsg:
		s.apply(msg)
		if msg.closed {
			s.cancel()
			return s.judge()
		}
		return readBatch(s.results)
	case tea.KeyPressMsg:
		switch {
		case s.asking:
			return s.serverKey(msg)
		case s.phase == checking && key.Matches(msg, s.c.keys.Cancel):
			s.phase = cancelling
			s.cancel()
		case s.phase == distrusted && key.Matches(msg, s.c.keys.Server) && s.c.opt.NewChecker != nil:
			s.asking, s.serverErr = true, ""
			s.server.SetValue("")
			return s.server.Focus()
		case s.phase == distrusted && key.Matches(msg, s.c.keys.DNSOff):
			// The session was made for DNS checks: make it again without.
			s.c.opt.Checker = nil
			return s.start(s.list)
		}
		return nil
	}
	if s.asking {
		var cmd tea.Cmd
		s.server, cmd = s.server.Update(msg)
		return cmd
	}
	return nil
}

// serverKey handles a key while the user types another server's address.
func (s *checkingScreen) serverKey(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	switch {
	case key.Matches(msg, k.Back):
		s.asking = false
		s.server.Blur()
		return nil
	case key.Matches(msg, k.Submit):
		ch, err := s.c.opt.NewChecker(strings.TrimSpace(s.server.Value()))
		if err != nil {
			s.serverErr = errorText(err)
			return nil
		}
		s.asking = false
		s.server.Blur()
		s.c.opt.Checker = ch
		s.phase, s.proof = proving, nil
		return s.c.spinning(prove(s.c.ctx, ch, s.witnesses))
	}
	var cmd tea.Cmd
	s.server, cmd = s.server.Update(msg)
	return cmd
}

// apply records a batch of results in the session and the live counts.
func (s *checkingScreen) apply(msg batchMsg) {
	for _, r := range msg.results {
		s.session.Apply(r.Result)
		s.done++
		s.total = max(s.total, r.Total)
		if n := s.tally.pending[r.Domain]; n > 0 {
			delete(s.tally.pending, r.Domain)
			s.tally.waiting -= n
			s.tally.counts[cleaner.VerdictOf(cleaner.StatusReason(r.Status))] += n
		}
	}
	s.elapsed = msg.at.Sub(s.began)
	s.stats = s.c.opt.Checker.Stats()
	if dt := msg.at.Sub(s.sampled); dt >= time.Second {
		s.rate = float64(s.stats.Queries-s.queries) / dt.Seconds()
		s.sampled, s.queries = msg.at, s.stats.Queries
	} else if s.rate == 0 && s.elapsed > 0 {
		s.rate = float64(s.stats.Queries) / s.elapsed.Seconds()
	}
}

// judge hands the session to a command that judges every row.
func (s *checkingScreen) judge() tea.Cmd {
	s.phase = judging
	sess := s.session
	s.session = nil
	return judge(sess, s.c.opt.History, s.began)
}

func (s *checkingScreen) view() string {
	st := s.c.styles
	var b strings.Builder
	b.WriteString("\n")
	switch s.phase {
	case preparing:
		b.WriteString(" " + s.c.spin.View() + " Reading the addresses of " + plural(s.rows, "row", "rows") + "…\n")
		return b.String()
	case judging:
		what := "Judging every row…"
		if s.c.opt.Checker == nil {
			what = "DNS checks are off: judging the addresses by their form only…"
		}
		b.WriteString(" " + s.c.spin.View() + " " + what + "\n")
		return b.String()
	case proving:
		for i, l := range wrap("Testing the DNS server: asking it about "+s.provedWith()+" and a name that cannot exist, whose answers are known…", s.c.width-4) {
			lead := "  "
			if i == 0 {
				lead = s.c.spin.View() + " "
			}
			b.WriteString(" " + lead + l + "\n")
		}
		return b.String()
	case distrusted:
		return s.distrustView()
	}
	title := "Checking the list's " + plural(s.own, "domain", "domains") + " in DNS"
	more := ""
	if n := s.total - s.own; n > 0 {
		more = ", and " + plural(n, "domain", "domains") + " of suggested corrections"
	}
	if s.phase == cancelling {
		title, more = "Stopping the checks…", ""
	}
	b.WriteString(clip(" "+st.Heading.Render(title)+st.Muted.Render(more), s.c.width) + "\n\n")
	s.bar.SetWidth(min(s.c.width-2, 72))
	pct := 0.0
	if s.total > 0 {
		pct = float64(s.done) / float64(s.total)
	}
	b.WriteString(" " + s.bar.ViewAs(pct) + "\n\n")

	left := []string{
		fmt.Sprintf("%-10s %s of %s", "Domains", num(s.done), num(s.total)),
		fmt.Sprintf("%-10s %s of %s", "Rows", num(s.rows-s.tally.waiting), num(s.rows)),
		fmt.Sprintf("%-10s %s", "Elapsed", s.elapsed.Round(time.Second)),
	}
	right := []string{
		fmt.Sprintf("%-10s %s", "Queries/s", num(int(s.rate+0.5))),
		fmt.Sprintf("%-10s %s", "Time left", s.timeLeft()),
		fmt.Sprintf("%-10s %d of %d · %s", "In flight", s.stats.InFlight, s.stats.Limit, plural(int(s.stats.Timeouts), "timeout", "timeouts")),
	}
	for i := range left {
		line := " " + fit(left[i], 32)
		if s.c.width >= 70 {
			line += right[i]
		}
		b.WriteString(clip(line, s.c.width) + "\n")
	}
	if s.c.width < 70 {
		for _, r := range right {
			b.WriteString(clip(" "+r, s.c.width) + "\n")
		}
	}
	b.WriteString("\n")
	barW := max(min(s.c.width-33, 40), 5)
	for _, v := range cleaner.Verdicts {
		n := s.tally.counts[v]
		if v == cleaner.VerdictSuppressed && n == 0 && len(s.c.evidence) == 0 {
			continue // no suppression file: nothing can be suppressed
		}
		b.WriteString(clip(" "+st.Verdict(v).Render(fit(v.Words(), 19))+fmt.Sprintf(" %9s  ", num(n))+
			st.Verdict(v).Render(bar(n, s.rows, barW)), s.c.width) + "\n")
	}
	b.WriteString(" " + st.Muted.Render(fmt.Sprintf("%-19s %9s", "waiting for DNS", num(s.tally.waiting))) + "\n")
	if s.phase == checking {
		b.WriteString("\n " + st.Muted.Render(clip("esc stops: what was checked is kept, the rest is marked unknown", s.c.width-2)) + "\n")
	}
	return b.String()
}

// timeLeft estimates the time to check the remaining domains at the pace
// so far.
func (s *checkingScreen) timeLeft() string {
	if s.done == 0 || s.elapsed <= 0 {
		return "…"
	}
	left := time.Duration(float64(s.elapsed) * float64(s.total-s.done) / float64(s.done))
	return "~" + left.Round(time.Second).String()
}

// provedWith names the witnesses the server is asked about, in words.
func (s *checkingScreen) provedWith() string {
	switch {
	case s.c.opt.Checker == nil:
		return ""
	case len(s.witnesses) == 0:
		return "big mail providers"
	}
	return strings.Join(s.witnesses, ", ")
}

// distrustView says which DNS server failed its proof and how, that no
// verdict was given, and what the user can do. On a short screen the
// choices stay in view: the blank lines give way first, then why servers
// do this, then the title, which the reason repeats.
func (s *checkingScreen) distrustView() string {
	st := s.c.styles
	w := max(s.c.width-2, 10)
	title := "The DNS server is not telling the truth"
	why := "No domain was judged, and no row is marked on its word. Corporate filters, captive portals, hotel Wi-Fi and some VPNs answer like this."
	if errors.Is(s.proof, resolver.ErrNoAnswer) {
		title = "The DNS server did not answer"
		why = "No domain was judged. A server that is down, or a network that lets no DNS through, does this."
	}
	indent := func(ls []string, style func(string) string) []string {
		for i, l := range ls {
			ls[i] = " " + style(l)
		}
		return ls
	}
	heading := indent(wrap(title, w-2), func(l string) string { return st.Heading.Render(l) })
	heading[0] = " " + st.Warning.Render("!") + heading[0]
	for i := 1; i < len(heading); i++ {
		heading[i] = "  " + heading[i]
	}
	reason := indent(wrap(capitalize(errorText(s.proof))+".", w), func(l string) string { return l })
	because := indent(wrap(why, w), func(l string) string { return st.Muted.Render(l) })
	var choices []string
	if s.asking {
		s.server.SetWidth(max(w-len(s.server.Prompt)-2, 10))
		choices = append(choices, " "+s.server.View())
		if s.serverErr != "" {
			choices = append(choices, indent(wrap(s.serverErr, w), func(l string) string { return st.Error.Render(l) })...)
		}
	} else {
		choice := func(k key.Binding, what string) {
			choices = append(choices, clip(" "+st.KeyHint.Render(fmt.Sprintf("%-3s", k.Help().Key))+" "+what, s.c.width))
		}
		if s.c.opt.NewChecker != nil {
			choice(s.c.keys.Server, "check with another DNS server: type its address")
		}
		choice(s.c.keys.DNSOff, "go on without DNS checks: addresses judged by their form only")
		choice(s.c.keys.Quit, "quit")
	}
	// The layouts from the fullest to the most compact; the first that
	// fits is shown, else the last.
	layouts := [][][]string{
		{{""}, heading, {""}, reason, {""}, because, {""}, choices},
		{heading, reason, because, choices},
		{heading, reason, choices},
		{reason, choices},
		{heading, choices},
	}
	var out []string
	for _, l := range layouts {
		out = out[:0]
		for _, block := range l {
			out = append(out, block...)
		}
		if len(out) <= s.c.bodyH {
			break
		}
	}
	return strings.Join(out, "\n")
}
