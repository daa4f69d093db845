package ui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/cleaner/address"
	"github.com/listclean/listclean/cleaner/suppression"
	"github.com/listclean/listclean/resolver"
)

// filter is one tab of the review: every flagged row, every row the
// suppression files name, the rows of one reason, or every row of the
// list.
type filter struct {
	reason   cleaner.Reason // "" for every flagged row, for evidence, or for every row
	evidence bool           // the rows the suppression files name, flagged or not
	every    bool           // every row of the list, valid ones included
	rows     []int          // row indices in list order
}

func (f filter) label() string {
	switch {
	case f.evidence:
		return "in suppression files"
	case f.every:
		return "all rows"
	case f.reason == "":
		return "all flagged"
	}
	return f.reason.Words()
}

// newFilters indexes the flagged rows (every verdict but valid), all of
// them first, then the rows the suppression files name (a valid row with a
// soft bounce among them), when there are any, then one filter per reason
// that occurs, and last every row of the list.
func newFilters(s *cleaner.Session) []filter {
	all, evidence, every := filter{}, filter{evidence: true}, filter{every: true, rows: make([]int, len(s.Rows))}
	by := make(map[cleaner.Reason][]int)
	for i := range s.Rows {
		every.rows[i] = i
		r := &s.Rows[i]
		if r.Evidence {
			evidence.rows = append(evidence.rows, i)
		}
		if r.Verdict() == cleaner.VerdictValid {
			continue
		}
		all.rows = append(all.rows, i)
		by[r.Reason()] = append(by[r.Reason()], i)
	}
	fs := []filter{all}
	if len(evidence.rows) > 0 {
		fs = append(fs, evidence)
	}
	for _, r := range cleaner.Reasons {
		if rows := by[r]; len(rows) > 0 {
			fs = append(fs, filter{reason: r, rows: rows})
		}
	}
	return append(fs, every)
}

// editCheckedMsg brings the DNS result for the domain of an edited address.
type editCheckedMsg struct {
	row    int
	raw    string
	result resolver.Result
}

// recheckedMsg brings the results of checking the unknown rows' domains
// again.
type recheckedMsg struct{ results []resolver.Result }

// recheck checks domains again in the background, forgetting the
// temporary failures they ended in, and brings every result at once.
func recheck(ctx context.Context, c Checker, domains []string) tea.Cmd {
	return func() tea.Msg {
		var msg recheckedMsg
		for r := range c.Recheck(ctx, domains) {
			msg.results = append(msg.results, r)
		}
		return msg
	}
}

// checkDomain checks the domain of an edited address in the background.
func checkDomain(ctx context.Context, c Checker, domain string, row int, raw string) tea.Cmd {
	return func() tea.Msg {
		return editCheckedMsg{row: row, raw: raw, result: c.CheckDomain(ctx, domain)}
	}
}

// reviewMode says where the keys go.
type reviewMode int

const (
	browsing  reviewMode = iota
	searching            // the search input has the focus
	editing              // the address editor has the focus
)

// reviewScreen lists the flagged rows (invalid, risky, unknown, duplicate)
// with the reason in plain words, the suggestion and the decision, and
// records the user's decisions in the session. Only the rows on screen are
// rendered: shown holds the row indices of the current filter and search,
// and the view reads the window [offset, offset+height) of it.
type reviewScreen struct {
	c       *common
	session *cleaner.Session // c.session, which the screen reviews
	filters []filter
	tab     int
	query   string // the search, lower case
	shown   []int
	cursor  int // index into shown
	offset  int // first index of shown on screen
	details bool

	mode     reviewMode
	search   textinput.Model
	edit     textinput.Model
	editRow  int
	checking map[int]string // rows whose edited address awaits its DNS check
	checks   int            // unknown domains being checked again; 0 when none

	status string
	failed bool // status reports something that did not happen
}

func newReviewScreen(c *common, filters []filter) *reviewScreen {
	r := &reviewScreen{
		c:        c,
		session:  c.session,
		filters:  filters,
		search:   textinput.New(),
		edit:     textinput.New(),
		checking: make(map[int]string),
	}
	r.search.Prompt = "/ "
	r.search.Placeholder = "address, suggestion, or reason in words or code (syntax)"
	r.edit.Prompt = ""
	r.edit.CharLimit = 320
	r.restyle()
	r.resize()
	r.refilter()
	return r
}

// resize fits the inputs to the window.
func (r *reviewScreen) resize() {
	r.search.SetWidth(max(r.c.width-8, 10))
	r.edit.SetWidth(max(r.c.width-24, 10))
}

func (r *reviewScreen) restyle() {
	r.search.SetStyles(r.c.styles.Input)
	r.edit.SetStyles(r.c.styles.Input)
}

func (r *reviewScreen) name() string { return "Review" }
func (r *reviewScreen) typing() bool { return r.mode != browsing }
func (r *reviewScreen) busy() bool   { return len(r.checking) > 0 || r.checks > 0 }

func (r *reviewScreen) help() helpKeys {
	k := r.c.keys
	switch r.mode {
	case searching:
		back := k.Back
		back.SetHelp("esc", "clear search")
		return helpKeys{short: []key.Binding{k.Submit, back}, full: [][]key.Binding{{k.Submit, back}}}
	case editing:
		back := k.Back
		back.SetHelp("esc", "cancel")
		submit := k.Submit
		submit.SetHelp("enter", "check and use")
		return helpKeys{short: []key.Binding{submit, back}, full: [][]key.Binding{{submit, back}}}
	}
	back := k.Back
	back.SetHelp("esc", "summary")
	short := []key.Binding{k.Accept, k.Edit, k.Keep, k.Remove, k.Undo, k.AllSuggestions}
	if r.c.width >= 110 {
		next := k.NextFilter
		next.SetHelp("tab", "filter")
		short = append(short, next, k.Details, k.Export)
	}
	accept, all := k.Accept, k.AllSuggestions
	accept.SetHelp("a", "accept suggestion")
	all.SetHelp("A", "accept all in tab")
	return helpKeys{
		short: short,
		full: [][]key.Binding{
			{accept, all, k.Edit, k.Keep, k.Remove, k.Undo, k.Like},
			{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
			{k.NextFilter, k.PrevFilter, k.Search, k.Details, k.Recheck, k.Export, back},
		},
		legend: "(remove) in brackets: what export does unless you decide · remove: your decision",
	}
}

// current returns the row index under the cursor, or -1.
func (r *reviewScreen) current() int {
	if len(r.shown) == 0 {
		return -1
	}
	return r.shown[r.cursor]
}

// paneHeight is the detail pane's height, rule included; the table keeps
// at least a third of the room.
func (r *reviewScreen) paneHeight() int {
	if !r.details {
		return 0
	}
	room := r.c.bodyH - 3 // tabs, table header, status line
	return max(room-max(room/3, 2), 0)
}

// tableHeight is the number of rows on screen.
func (r *reviewScreen) tableHeight() int {
	return max(r.c.bodyH-3-r.paneHeight(), 1)
}

// moveTo puts the cursor on shown[i], clamped, and scrolls it into view.
func (r *reviewScreen) moveTo(i int) {
	r.cursor = max(min(i, len(r.shown)-1), 0)
	r.offset = scrolled(r.offset, r.cursor, r.tableHeight(), len(r.shown))
}

// scrolled returns the first line to show so that cursor is visible in a
// window of h lines over n.
func scrolled(offset, cursor, h, n int) int {
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	return max(min(offset, n-h), 0)
}

// refilter rebuilds shown from the tab and the search (on the address, the
// suggestion, or the reason or verdict in words or as the report's code),
// keeping the cursor on the same row when it is still listed.
func (r *reviewScreen) refilter() {
	keep := r.current()
	rows := r.filters[r.tab].rows
	if r.query == "" {
		r.shown = rows
	} else {
		q := r.query
		named := make(map[cleaner.Reason]bool) // the reasons the search names, in words or code
		for _, reason := range cleaner.Reasons {
			v := cleaner.VerdictOf(reason)
			for _, name := range []string{string(reason), reason.Words(), string(v), v.Words()} {
				if strings.Contains(strings.ToLower(name), q) {
					named[reason] = true
				}
			}
		}
		r.shown = make([]int, 0, len(rows))
		for _, i := range rows {
			row := &r.session.Rows[i]
			if named[row.Reason()] || containsFold(row.Addr().Raw, q) || containsFold(r.session.Suggestion(i), q) {
				r.shown = append(r.shown, i)
			}
		}
	}
	r.moveTo(r.indexOf(keep))
}

// containsFold reports whether s holds lower, a lower-case text, in any
// case: without a copy of s when both are ASCII, as most addresses are.
func containsFold(s, lower string) bool {
	if !plain(s) || !plain(lower) {
		return strings.Contains(strings.ToLower(s), lower)
	}
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		k := 0
		for k < n {
			c := s[i+k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[k] {
				break
			}
			k++
		}
		if k == n {
			return true
		}
	}
	return false
}

// indexOf returns the position of row i in shown, or 0.
func (r *reviewScreen) indexOf(i int) int {
	k := sort.SearchInts(r.shown, i)
	if k < len(r.shown) && r.shown[k] == i {
		return k
	}
	return 0
}

func (r *reviewScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.resize()
	case editCheckedMsg:
		delete(r.checking, msg.row)
		r.session.Apply(msg.result)
		return r.applyEdit(msg.row, msg.raw)
	case recheckedMsg:
		return r.rechecked(msg.results)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			r.moveTo(r.cursor - 3)
		case tea.MouseWheelDown:
			r.moveTo(r.cursor + 3)
		}
		return nil
	case tea.KeyPressMsg:
		switch r.mode {
		case searching:
			return r.searchKey(msg)
		case editing:
			return r.editKey(msg)
		}
		return r.browseKey(msg)
	}
	var cmd tea.Cmd
	switch r.mode {
	case searching:
		r.search, cmd = r.search.Update(msg)
	case editing:
		r.edit, cmd = r.edit.Update(msg)
	}
	r.moveTo(r.cursor)
	return cmd
}

func (r *reviewScreen) browseKey(msg tea.KeyPressMsg) tea.Cmd {
	k := r.c.keys
	r.status, r.failed = "", false
	switch {
	case key.Matches(msg, k.Up):
		r.moveTo(r.cursor - 1)
	case key.Matches(msg, k.Down):
		r.moveTo(r.cursor + 1)
	case key.Matches(msg, k.PageUp):
		r.moveTo(r.cursor - r.tableHeight())
	case key.Matches(msg, k.PageDown):
		r.moveTo(r.cursor + r.tableHeight())
	case key.Matches(msg, k.Home):
		r.moveTo(0)
	case key.Matches(msg, k.End):
		r.moveTo(len(r.shown) - 1)
	case key.Matches(msg, k.Accept):
		return r.accept()
	case key.Matches(msg, k.Keep):
		return r.decide(cleaner.Decision{Action: cleaner.ActionKeep})
	case key.Matches(msg, k.Remove):
		return r.decide(cleaner.Decision{Action: cleaner.ActionRemove})
	case key.Matches(msg, k.Edit):
		return r.startEdit()
	case key.Matches(msg, k.Undo):
		return r.undo()
	case key.Matches(msg, k.Like):
		return r.like()
	case key.Matches(msg, k.AllSuggestions):
		r.askAcceptAll()
	case key.Matches(msg, k.Recheck):
		return r.recheck()
	case key.Matches(msg, k.Search):
		r.mode = searching
		r.search.SetValue(r.query)
		r.search.CursorEnd()
		return r.search.Focus()
	case key.Matches(msg, k.NextFilter):
		r.setTab(r.tab + 1)
	case key.Matches(msg, k.PrevFilter):
		r.setTab(r.tab - 1)
	case key.Matches(msg, k.Details):
		r.details = !r.details
		r.moveTo(r.cursor)
	case key.Matches(msg, k.Export):
		return func() tea.Msg { return goExportMsg{} }
	case key.Matches(msg, k.Back):
		switch {
		case r.query != "":
			r.query = ""
			r.refilter()
		case r.details:
			r.details = false
			r.moveTo(r.cursor)
		default:
			return func() tea.Msg { return goSummaryMsg{} }
		}
	}
	return nil
}

func (r *reviewScreen) searchKey(msg tea.KeyPressMsg) tea.Cmd {
	k := r.c.keys
	switch {
	case key.Matches(msg, k.Submit):
		r.mode = browsing
		r.search.Blur()
		return nil
	case key.Matches(msg, k.Back):
		r.mode = browsing
		r.search.Blur()
		r.query = ""
		r.refilter()
		return nil
	}
	var cmd tea.Cmd
	r.search, cmd = r.search.Update(msg)
	if q := strings.ToLower(strings.TrimSpace(r.search.Value())); q != r.query {
		r.query = q
		r.refilter()
	}
	return cmd
}

func (r *reviewScreen) editKey(msg tea.KeyPressMsg) tea.Cmd {
	k := r.c.keys
	switch {
	case key.Matches(msg, k.Submit):
		return r.submitEdit()
	case key.Matches(msg, k.Back):
		r.mode = browsing
		r.edit.Blur()
		r.say("Edit cancelled")
		return nil
	}
	var cmd tea.Cmd
	r.edit, cmd = r.edit.Update(msg)
	return cmd
}

// say shows a message in the status line.
func (r *reviewScreen) say(s string) { r.status, r.failed = s, false }

// refuse shows why a key did nothing.
func (r *reviewScreen) refuse(s string) { r.status, r.failed = s, true }

// decide records d for the current row, says what export will do with it
// now, and moves to the next row.
func (r *reviewScreen) decide(d cleaner.Decision) tea.Cmd {
	i := r.current()
	if i < 0 {
		return nil
	}
	r.session.Decide([]int{i}, d)
	cmd := r.c.changed()
	r.say(r.outcomeText(i))
	r.moveTo(r.cursor + 1)
	return cmd
}

// outcomeText says what export will do with row i, and with the rows a
// correction of it removes: "Row 156 will be removed: after the
// correction to … it repeats row 72".
func (r *reviewScreen) outcomeText(i int) string {
	pl := r.c.currentPlan()
	s := fmt.Sprintf("Row %d will be %s", i+1, sanitize(pl.Text(i)))
	if gone := pl.Displaced(i); len(gone) > 0 {
		s += fmt.Sprintf("; row %d will be removed: it holds the same address", gone[0]+1)
		if len(gone) > 1 {
			s += fmt.Sprintf(" (and %s)", plural(len(gone)-1, "other", "others"))
		}
	}
	return s
}

// accept takes the current row's suggestion.
func (r *reviewScreen) accept() tea.Cmd {
	i := r.current()
	if i < 0 {
		return nil
	}
	sugg := r.session.Suggestion(i)
	if sugg == "" {
		r.refuse(fmt.Sprintf("Row %d has no suggestion: e edits the address", i+1))
		return nil
	}
	return r.decide(cleaner.Decision{Action: cleaner.ActionFix, Email: sugg})
}

// undo takes back the latest decision step and shows its first row.
func (r *reviewScreen) undo() tea.Cmd {
	rows := r.session.Undo()
	if len(rows) == 0 {
		r.refuse("Nothing to undo")
		return nil
	}
	cmd := r.c.changed()
	first := slices.Min(rows)
	if len(rows) == 1 {
		r.say(fmt.Sprintf("Undid the decision on row %d", first+1))
	} else {
		r.say("Undid the decision on " + plural(len(rows), "row", "rows"))
	}
	if k := sort.SearchInts(r.shown, first); k < len(r.shown) && r.shown[k] == first {
		r.moveTo(k)
	}
	return cmd
}

// askAcceptAll asks whether to accept the suggestion of every row of the
// tab (or of the whole list) that has one and no decision yet.
func (r *reviewScreen) askAcceptAll() {
	tab := r.session.Acceptable(r.shown)
	whole := r.session.Acceptable(r.filters[0].rows)
	where := "in this tab"
	if r.query != "" {
		where = "found by the search"
	}
	if len(tab) == 0 && len(whole) == 0 {
		r.refuse("No suggestion waits: every row with one is decided")
		return
	}
	k := r.c.keys
	yes, no, all := k.Yes, k.No, k.Whole
	var choices []choice
	text := ""
	if len(tab) > 0 {
		text = fmt.Sprintf("Accept the suggestion of %s %s", plural(len(tab), "row", "rows"), where)
		choices = append(choices, choice{yes, "accept " + num(len(tab)), func() tea.Cmd { return r.acceptAll(tab) }})
	} else {
		text = "No suggestion waits " + where + "; accept those of the whole list"
		tab = whole
	}
	suspects := 0
	for _, i := range tab {
		if r.session.Rows[i].Reason() == cleaner.ReasonTypoSuspect {
			suspects++
		}
	}
	warn := ""
	if suspects > 0 {
		warn = " " + plural(suspects, "is a likely typo", "are likely typos") +
			" at a domain that routes mail: if a guess is wrong, the mail goes to a stranger."
	}
	if len(whole) > len(tab) {
		choices = append(choices, choice{all, fmt.Sprintf("whole list (%s)", num(len(whole))), func() tea.Cmd { return r.acceptAll(whole) }})
	}
	choices = append(choices, choice{no, "no", nil})
	r.c.prompt = &prompt{
		text:    text + "?" + warn + " Rows you decided on stay as they are; u undoes it in one step.",
		short:   text + "?",
		choices: choices,
	}
}

// acceptAll accepts the suggestion of every row of rows, as one step.
func (r *reviewScreen) acceptAll(rows []int) tea.Cmd {
	r.session.AcceptSuggestions(rows)
	cmd := r.c.changed()
	msg := "Accepted " + plural(len(rows), "suggestion", "suggestions") + " · u undoes them all"
	pl := r.c.currentPlan()
	repeats := 0
	for _, i := range rows {
		if o := pl.Outcome(i); o.Action == cleaner.ActionRemove {
			repeats++
		}
		repeats += len(pl.Displaced(i))
	}
	if repeats > 0 {
		msg += fmt.Sprintf(" · %s then removed as a repeat: ! marks it", plural(repeats, "row is", "rows are"))
	}
	r.say(msg)
	return cmd
}

// like applies a decision to every row with the same domain and reason as
// the current row: the current row's own, or, when it has none (a, k and x
// move on to the next row), that of the first decided row like it.
func (r *reviewScreen) like() tea.Cmd {
	i := r.current()
	if i < 0 {
		return nil
	}
	if r.session.Rows[i].Addr().Domain() == "" {
		r.refuse("L applies to rows with the same domain, and this address has none")
		return nil
	}
	d, ok := r.session.Decision(i)
	if !ok {
		for _, j := range r.session.SameDomainAndReason(i) {
			if d, ok = r.session.Decision(j); ok {
				i = j
				break
			}
		}
	}
	if !ok {
		r.refuse("Decide a row first (a, e, k or x); L then does the same for every row with its domain and reason")
		return nil
	}
	rows := r.session.DecideLike(i)
	row := &r.session.Rows[i]
	like := fmt.Sprintf("at %s (%s)", sanitize(row.Addr().Domain()), row.Reason().Words())
	if len(rows) == 0 {
		r.say("Every row " + like + " has this decision already")
		return nil
	}
	cmd := r.c.changed()
	r.say(fmt.Sprintf("%s %s like row %d: %s · u undoes", capitalize(d.Action.Words()), plural(len(rows), "more row", "more rows"), i+1, like))
	return cmd
}

// setTab shows filter t, wrapping around.
func (r *reviewScreen) setTab(t int) {
	n := len(r.filters)
	r.tab = (t%n + n) % n
	r.refilter()
}

// startEdit opens the address editor on the current row.
func (r *reviewScreen) startEdit() tea.Cmd {
	i := r.current()
	if i < 0 {
		return nil
	}
	value := strings.TrimSpace(sanitize(r.session.Rows[i].Addr().Raw))
	if d, ok := r.session.Decision(i); ok && d.Action == cleaner.ActionFix {
		value = d.Email
	}
	r.mode = editing
	r.editRow = i
	r.edit.SetValue(value)
	r.edit.CursorEnd()
	return r.edit.Focus()
}

// submitEdit checks the edited address's domain in DNS when it was not
// checked yet, then applies the edit.
func (r *reviewScreen) submitEdit() tea.Cmd {
	raw := strings.TrimSpace(r.edit.Value())
	if raw == "" {
		r.refuse("Type an address, or esc to cancel")
		return nil
	}
	r.mode = browsing
	r.edit.Blur()
	if domain, ok := r.session.Unchecked(raw); ok && r.c.opt.Checker != nil {
		r.checking[r.editRow] = raw
		r.say("Checking " + sanitize(domain) + "…")
		return r.c.spinning(checkDomain(r.c.ctx, r.c.opt.Checker, domain, r.editRow, raw))
	}
	return r.applyEdit(r.editRow, raw)
}

// applyEdit judges an edited address and records it as the row's fix. An
// address that would bounce is not recorded: the editor opens again.
func (r *reviewScreen) applyEdit(row int, raw string) tea.Cmd {
	j := r.session.Judge(raw)
	label := j.Reason().Words()
	if j.Verdict() == cleaner.VerdictSuppressed {
		label += " in your suppression files"
	}
	if j.Verdict() == cleaner.VerdictInvalid || j.Verdict() == cleaner.VerdictSuppressed || j.Addr().Email == "" {
		r.mode = editing
		r.editRow = row
		r.edit.SetValue(raw)
		r.edit.CursorEnd()
		r.refuse(fmt.Sprintf("%s: %s. Correct it, or esc", sanitize(raw), label))
		return r.edit.Focus()
	}
	r.session.Decide([]int{row}, cleaner.Decision{Action: cleaner.ActionFix, Email: j.Addr().Email})
	cmd := r.c.changed()
	msg := r.outcomeText(row)
	if j.Verdict() != cleaner.VerdictValid {
		msg += " (" + label + ")"
	}
	if j.Suggestion != "" {
		msg += "; did you mean " + sanitize(j.Suggestion) + "?"
	}
	r.say(msg)
	return cmd
}

// recheck asks DNS again about the domains of the unknown rows (their
// check failed for a temporary reason), or refuses to when there are none
// or no DNS.
func (r *reviewScreen) recheck() tea.Cmd {
	if r.c.opt.Checker == nil || !r.session.DNS() {
		r.refuse("DNS checks are off")
		return nil
	}
	if r.checks > 0 {
		r.refuse("The unknown rows are being checked again")
		return nil
	}
	var domains []string
	for i := range r.session.Rows {
		if row := &r.session.Rows[i]; row.Reason() == cleaner.ReasonDNSError {
			domains = append(domains, row.Addr().ASCII)
		}
	}
	domains = resolver.Distinct(domains)
	if len(domains) == 0 {
		r.say("No unknown rows to check again")
		return nil
	}
	r.checks = len(domains)
	r.say("Checking " + plural(len(domains), "domain", "domains") + " of the unknown rows again…")
	return r.c.spinning(recheck(r.c.ctx, r.c.opt.Checker, domains))
}

// rechecked applies the results of checking the unknown rows again and
// judges every row anew; the review keeps its place.
func (r *reviewScreen) rechecked(results []resolver.Result) tea.Cmd {
	r.checks = 0
	known := 0
	for _, res := range results {
		r.session.Apply(res)
		if !res.Status.Temporary() {
			known++
		}
	}
	r.session.JudgeAll()
	r.c.plan = nil // the verdicts changed, and with them what export does
	cur := r.current()
	r.filters = newFilters(r.session)
	r.setTab(min(r.tab, len(r.filters)-1))
	r.moveTo(r.indexOf(cur))
	r.say(fmt.Sprintf("Checked again: %s of %s now known", num(known), plural(len(results), "domain", "domains")))
	session := r.session
	return func() tea.Msg { return rejudgedMsg{summary: session.Summarize()} }
}

// columns are the widths of the table's columns.
type columns struct{ num, addr, reason, sugg, decision int }

// narrow is the width below which the table leaves the suggestion out:
// the detail pane and the status line give it.
const narrow = 70

func (r *reviewScreen) columns() columns {
	c := columns{num: len(strconv.Itoa(len(r.session.Rows))), decision: 10}
	rest := r.c.width - 2 - c.num - c.decision - 4
	if r.c.width < narrow {
		rest++ // one space fewer
		c.reason = min(max(rest/3, 6), 21)
		c.addr = rest - c.reason
		return c
	}
	c.reason = min(max(rest*2/5, 10), 21) // 21: the longest label
	c.addr = (rest - c.reason) * 55 / 100
	c.sugg = rest - c.reason - c.addr
	return c
}

// cells joins a table line's cells, one space apart, leaving out the
// suggestion when the table has no room for it.
func (cw columns) cells(num, addr, reason, sugg, decision string) string {
	if cw.sugg == 0 {
		return num + " " + addr + " " + reason + " " + decision
	}
	return num + " " + addr + " " + reason + " " + sugg + " " + decision
}

func (r *reviewScreen) view() string {
	var b strings.Builder
	b.WriteString(r.tabsView())
	b.WriteByte('\n')
	cw := r.columns()
	st := r.c.styles
	b.WriteString(st.Header.Render(clip("  "+cw.cells(fit("#", cw.num), fit("address", cw.addr), fit("reason", cw.reason),
		fit("suggestion", cw.sugg), fit("decision", cw.decision)), r.c.width)))
	b.WriteByte('\n')
	h := r.tableHeight()
	if r.mode != browsing && r.failed {
		h-- // the line above the input says what is wrong
	}
	if len(r.shown) == 0 {
		b.WriteString(lines(" "+st.Muted.Render(r.emptyText()), h))
	} else {
		off := scrolled(r.offset, r.cursor, h, len(r.shown))
		for k := off; k < off+h; k++ {
			if k < len(r.shown) {
				b.WriteString(r.rowView(r.shown[k], k == r.cursor, cw))
			}
			if k < off+h-1 {
				b.WriteByte('\n')
			}
		}
	}
	b.WriteByte('\n')
	if r.details {
		b.WriteString(r.paneView(r.paneHeight()))
		b.WriteByte('\n')
	}
	b.WriteString(r.statusView())
	return b.String()
}

func (r *reviewScreen) emptyText() string {
	switch {
	case r.query != "":
		return "No row matches the search; esc clears it."
	case len(r.filters[0].rows) == 0:
		return "Nothing to review: every address looks deliverable. w exports."
	}
	return "No rows here."
}

// tabsView draws the filters as tabs, scrolled so that the current one
// shows.
func (r *reviewScreen) tabsView() string {
	st := r.c.styles
	items := make([]string, len(r.filters))
	for i, f := range r.filters {
		style := st.Tab
		if i == r.tab {
			style = st.TabOn
		}
		items[i] = style.Render(f.label() + " " + num(len(f.rows)))
	}
	sep := st.Muted.Render("│")
	first, last := 0, len(items)
	avail := r.c.width - 4
	for width(strings.Join(items[first:last], sep)) > avail && first < r.tab {
		first++
	}
	for width(strings.Join(items[first:last], sep)) > avail && last > r.tab+1 {
		last--
	}
	s := strings.Join(items[first:last], sep)
	if first > 0 {
		s = st.Muted.Render("‹") + s
	}
	if last < len(items) {
		s += st.Muted.Render("›")
	}
	return clip(" "+s, r.c.width)
}

// rowView draws row i of the list as one line of the table. The
// decision column shows the user's decision, or in brackets what export
// does unless the user decides, and a ! when export does something the
// user should know of: keep a row that cannot receive mail or repeats
// another, or remove a row because a correction repeats it.
func (r *reviewScreen) rowView(i int, selected bool, cw columns) string {
	st := r.c.styles
	row := &r.session.Rows[i]
	addr := r.address(i)
	reason := row.Reason().Words()
	sugg := sanitize(r.session.Suggestion(i))
	d, decided := r.session.Decision(i)
	switch {
	case decided && d.Action == cleaner.ActionFix:
		sugg = sanitize(d.Email)
	case row.DupOf >= 0:
		sugg = "same as row " + strconv.Itoa(int(row.DupOf)+1)
	}
	decision := d.Action.Words()
	mark := " "
	if _, ok := r.checking[i]; ok {
		decision, decided = "checking…", false
	} else {
		if !decided {
			decision = "(" + r.c.policyAction(i).Words() + ")"
		}
		if r.attention(i) {
			mark = "!"
		}
	}
	num := strconv.Itoa(i + 1)
	num = strings.Repeat(" ", max(cw.num-len(num), 0)) + num
	if selected {
		line := "› " + cw.cells(num, fitAddress(addr, cw.addr), fit(reason, cw.reason), fitAddress(sugg, cw.sugg), fit(decision, cw.decision-1)+mark)
		return st.Selected.Render(fit(line, r.c.width))
	}
	ds := st.Auto
	if decided {
		ds = st.Decided
	}
	if mark != " " {
		mark = st.Warning.Render(mark)
	}
	return clip("  "+cw.cells(st.Muted.Render(num), fitAddress(addr, cw.addr), st.Verdict(row.Verdict()).Render(fit(reason, cw.reason)),
		fitAddress(sugg, cw.sugg), ds.Render(fit(decision, cw.decision-1))+mark), r.c.width)
}

// address is row i's address as written, made safe to show; a lookalike
// domain (gmаil.com with a Cyrillic а) is shown in punycode, which tells
// it from the domain it imitates.
func (r *reviewScreen) address(i int) string {
	a := r.session.Rows[i].Addr()
	if _, ok := address.Lookalike(a.ASCII); ok {
		return sanitize(a.Local() + "@" + a.ASCII)
	}
	if s := strings.TrimSpace(sanitize(a.Raw)); s != "" {
		return s
	}
	return "(empty)"
}

// Ranks of the detail pane's sections: when the pane is too short for all
// of them, it shows the sections of the lower ranks first.
const (
	rankKey     = iota // the verdict, and the DNS failure of a dns_error or bad_mx row: cut rather than left out
	rankOutcome        // what export does with the row
	rankReason         // what the verdict rests on: the address's problem, a lookalike, the row repeated, the suppression evidence, the domain's history, the suggestion
	rankAdvice         // what to do
	rankRow            // the row's other cells
	rankExplain        // the bounce to expect, its causes, and what DNS answered when that is not what failed
	rankLookups        // every DNS query
)

// paneSection is one labelled part of the detail pane, wrapped to the
// pane's width and styled.
type paneSection struct {
	label string
	lines []string
	rank  int
}

// paneView draws the detail pane, h lines tall: what the reason means for
// a sender, the decision, and the DNS evidence behind the verdict. The DNS
// failure of a dns_error or bad_mx row, in the words of the report's
// detail, comes right under the verdict. When the pane is too short for
// everything, fitPane keeps what matters most for the row and the last
// line names the sections left out.
func (r *reviewScreen) paneView(h int) string {
	st := r.c.styles
	w := r.c.width
	i := r.current()
	if i < 0 || h < 1 {
		return lines("", h)
	}
	row := &r.session.Rows[i]
	e := cleaner.Explain(row.Reason())
	textW := max(w-12, 10)
	var secs []paneSection
	add := func(rank int, label string, texts []string, style func(...string) string) {
		s := paneSection{label: label, rank: rank}
		for _, t := range texts {
			for _, l := range wrap(t, textW) {
				s.lines = append(s.lines, style(l))
			}
		}
		if len(s.lines) > 0 {
			secs = append(secs, s)
		}
	}
	plainText := func(s ...string) string { return strings.Join(s, "") }
	dns, lookups := r.evidence(row)
	dnsFailed := row.Reason() == cleaner.ReasonDNSError || row.Reason() == cleaner.ReasonBadMX
	add(rankKey, "Verdict", []string{verdictText(row)}, st.Verdict(row.Verdict()).Render)
	if dnsFailed {
		add(rankKey, "DNS", dns, plainText)
	}
	outcome := st.Value.Render
	if r.attention(i) {
		outcome = st.Warning.Render
	}
	add(rankOutcome, "Export", []string{r.decisionText(i)}, outcome)
	if row.Addr().Detail != "" {
		add(rankReason, "Problem", []string{sanitize(row.Addr().Detail)}, plainText)
	}
	if note := r.domainNote(row); note != "" {
		add(rankReason, "Domain", []string{note}, st.Warning.Render)
	}
	if row.DupOf >= 0 {
		add(rankReason, "Repeats", []string{fmt.Sprintf("row %d, %s", row.DupOf+1, r.address(int(row.DupOf)))}, plainText)
	}
	if f := r.fields(i, 2*textW); f != "" {
		add(rankRow, "Row", []string{f}, plainText)
	}
	// The user's own evidence and the domain's history come first: they
	// are what decided, or what the user will want to weigh.
	add(rankReason, "Evidence", r.suppressionEvidence(i), plainText)
	if note := r.session.DomainNote(row.Addr().ASCII); note != "" && row.Addr().ASCII != "" {
		add(rankReason, "History", []string{sanitize(row.Addr().Domain()) + ": " + note}, plainText)
	}
	add(rankExplain, "Bounce", []string{e.Bounce}, plainText)
	add(rankExplain, "Causes", []string{e.Causes}, plainText)
	add(rankAdvice, "Advice", []string{e.Advice}, plainText)
	if row.HasSuggestion() {
		add(rankReason, "Suggest", []string{sanitize(r.session.Suggestion(i)) + r.routesText(r.session.Suggestion(i))}, plainText)
	}
	if !dnsFailed {
		add(rankExplain, "DNS", dns, st.Muted.Render)
	}
	add(rankLookups, "Lookups", lookups, st.Muted.Render)

	shown, hidden := fitPane(secs, h-1)
	title := fmt.Sprintf("─ row %d · %s ", i+1, r.address(i))
	if h == 1 {
		title = fmt.Sprintf("─ row %d · more in a taller window ", i+1)
	}
	out := []string{st.Bar.Render(clip(title+strings.Repeat("─", max(w-width(title), 0)), w))}
	for _, s := range shown {
		label := s.label
		for _, l := range s.lines {
			out = append(out, " "+st.Label.Render(fmt.Sprintf("%-9s", label))+" "+l)
			label = ""
		}
	}
	if len(hidden) > 0 {
		out = append(out, clip(" "+st.Muted.Render("… not shown: "+strings.Join(hidden, ", ")+" · a taller window shows them"), w))
	}
	return lines(strings.Join(out, "\n"), h)
}

// fitPane chooses the sections that room lines show, in their order, and
// names the others. When all do not fit, it keeps a line to name them and
// takes the sections by rank, in order within one: those of rankKey
// always, cut to the room left ("the rest of DNS" is then named), the
// others whole when they still fit.
func fitPane(secs []paneSection, room int) (shown []paneSection, hidden []string) {
	total := 0
	for _, s := range secs {
		total += len(s.lines)
	}
	if total <= room {
		return secs, nil
	}
	left := room - 1
	keep := make([]int, len(secs)) // lines kept of each section
	order := make([]int, len(secs))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return secs[order[a]].rank < secs[order[b]].rank })
	for _, k := range order {
		switch n := len(secs[k].lines); {
		case n <= left:
			keep[k] = n
		case secs[k].rank == rankKey:
			keep[k] = max(left, 0)
		}
		left -= keep[k]
	}
	for k, s := range secs {
		switch {
		case keep[k] == len(s.lines):
			shown = append(shown, s)
		case keep[k] > 0:
			s.lines = s.lines[:keep[k]]
			shown = append(shown, s)
			hidden = append(hidden, "the rest of "+s.label)
		default:
			hidden = append(hidden, s.label)
		}
	}
	return shown, hidden
}

// verdictText names a row's verdict and reason in words, with the codes
// the report gives them: "cannot receive mail: domain does not exist
// (invalid/nxdomain)".
func verdictText(row *cleaner.Row) string {
	v, r := row.Verdict(), row.Reason()
	words, codes := r.Words(), string(v)+"/"+string(r)
	if v.Words() != words {
		words = v.Words() + ": " + words
	}
	if string(v) == string(r) {
		codes = string(r)
	}
	return words + " (" + codes + ")"
}

// fields lists row i's other cells, with their column names, in about
// most cells: what a person weighs a row by (name, company, sign-up date).
func (r *reviewScreen) fields(i, most int) string {
	l := r.session.List
	var parts []string
	n := 0
	for k, cell := range l.Rows.Row(i) {
		cell = strings.TrimSpace(sanitize(cell))
		if k == l.EmailCol || cell == "" {
			continue
		}
		name := "column " + strconv.Itoa(k+1)
		if k < len(l.Header) && strings.TrimSpace(l.Header[k]) != "" {
			name = strings.TrimSpace(sanitize(l.Header[k]))
		}
		part := name + ": " + cell
		if n += width(part) + 3; n > most {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " · ")
}

// domainNote says how the row's domain is written when the screen could
// mislead: a lookalike, which imitates another domain with letters of
// another script, or a domain in Unicode, with its punycode beside it.
func (r *reviewScreen) domainNote(row *cleaner.Row) string {
	a := row.Addr()
	if a.ASCII == "" || a.ASCII == a.Domain() {
		return ""
	}
	if latin, ok := address.Lookalike(a.ASCII); ok {
		return fmt.Sprintf("%s is %s, not %s: it imitates it with letters of another script", sanitize(a.Domain()), sanitize(a.ASCII), sanitize(latin))
	}
	return sanitize(a.Domain()) + " is written " + sanitize(a.ASCII) + " in DNS"
}

// routesText says what DNS said about a suggestion's domain.
func (r *reviewScreen) routesText(sugg string) string {
	a := address.Parse(sugg)
	res, ok := r.session.Result(a.ASCII)
	switch {
	case !ok:
		return ""
	case res.Status.Routes():
		return " (" + sanitize(a.Domain()) + " accepts mail)"
	}
	return " (" + sanitize(a.Domain()) + ": " + string(res.Status) + ")"
}

// decisionText says what export will do with row i, and who decided: the
// plan's outcome, which may not be the decision (a correction that
// repeats another row removes one of them).
func (r *reviewScreen) decisionText(i int) string {
	if raw, ok := r.checking[i]; ok {
		return "checking the domain of " + sanitize(raw) + "…"
	}
	pl := r.c.currentPlan()
	o := pl.Outcome(i)
	s := "Row " + strconv.Itoa(i+1) + " will be " + sanitize(pl.Text(i))
	row := r.session.Rows[i]
	switch {
	case o.By == cleaner.ByYou:
		s += " (your decision)"
	case row.Persistent && row.Verdict() == cleaner.VerdictUnknown && o.Action == cleaner.ActionRemove:
		s += ": its DNS failure persists across runs (the default chosen on the export screen; decide to change it)"
	default:
		s += " (the default until you decide)"
	}
	for _, j := range pl.Displaced(i) {
		s += fmt.Sprintf("; row %d will be removed, as it holds the same address", j+1)
	}
	return s
}

// attention reports whether export does something with row i the user
// should know of: keep it though it cannot receive mail or repeats another
// row, or remove a row because a correction repeats it.
func (r *reviewScreen) attention(i int) bool {
	pl := r.c.currentPlan()
	o := pl.Outcome(i)
	return o.KeptDespite() || o.Correction != "" || o.ByCorrection || len(pl.Displaced(i)) > 0
}

// maxEvidence is how many records of one address the detail pane lists,
// and maxDiagnostic how much of each one's diagnostic text, in cells.
const (
	maxEvidence   = 3
	maxDiagnostic = 160
)

// suppressionEvidence lists what the suppression files say of row i's
// address: the record that decided first, then the others in the order
// read, each as where, what and when, with the server's words cleaned of
// control characters.
func (r *reviewScreen) suppressionEvidence(i int) []string {
	recs := r.session.Evidence(i)
	if len(recs) == 0 {
		return nil
	}
	first, _ := suppression.Strongest(recs)
	ordered := []suppression.Record{first}
	for _, rec := range recs {
		if rec != first {
			ordered = append(ordered, rec)
		}
	}
	var out []string
	for k, rec := range ordered {
		if k == maxEvidence {
			out = append(out, fmt.Sprintf("and %s more", plural(len(ordered)-k, "record", "records")))
			break
		}
		out = append(out, cleaner.EvidenceText(rec))
		if d := strings.TrimSpace(sanitize(rec.Diagnostic)); d != "" {
			out = append(out, "“"+clip(d, maxDiagnostic)+"”")
		}
	}
	return out
}

// evidence lists what DNS answered about the row's domain: its status
// with the failure's words (Result.Err, as the report's detail gives
// them), its MX hosts (cleaner.MXHostText) and its addresses; and, apart,
// every lookup.
func (r *reviewScreen) evidence(row *cleaner.Row) (answer, lookups []string) {
	if row.Addr().ASCII == "" {
		return []string{"not looked up: the address is not usable as it is"}, nil
	}
	res, ok := r.session.Result(row.Addr().ASCII)
	if !ok {
		if !r.session.DNS() {
			return []string{"not checked: DNS checks are off"}, nil
		}
		return []string{"not checked"}, nil
	}
	head := sanitize(res.Domain) + ": " + string(res.Status)
	if len(res.CNAME) > 0 {
		head += " · CNAME " + sanitize(strings.Join(res.CNAME, " → "))
	}
	if res.Err != "" {
		head += " · " + sanitize(res.Err)
	}
	answer = []string{head}
	for _, mx := range res.MX {
		answer = append(answer, cleaner.MXHostText(mx)) // as a bad_mx row's detail in the report names them
	}
	if len(res.Addrs) > 0 {
		answer = append(answer, "address "+sanitize(strings.Join(res.Addrs, ", ")))
	}
	for _, q := range res.Lookups {
		rcode := q.Rcode
		if rcode == "" {
			rcode = "no answer"
		}
		l := fmt.Sprintf("%s %s → %s · %s", q.Type, sanitize(q.Name), rcode, plural(q.Attempts, "attempt", "attempts"))
		if q.RTT > 0 {
			l += " · " + q.RTT.Round(10*time.Microsecond).String()
		}
		if q.Server != "" {
			l += " · " + sanitize(q.Server)
		}
		if q.Err != "" {
			l += " · " + sanitize(q.Err)
		}
		lookups = append(lookups, l)
	}
	return answer, lookups
}

// statusView is the line under the table: the search or the editor when
// open, else the latest message, or where the review stands.
func (r *reviewScreen) statusView() string {
	st := r.c.styles
	w := r.c.width
	problem := ""
	if r.failed {
		problem = clip(" "+st.Error.Render(r.status), w) + "\n"
	}
	switch r.mode {
	case searching:
		return problem + clip(" "+r.search.View(), w)
	case editing:
		return problem + clip(" "+st.Label.Render(fmt.Sprintf("Edit row %d:", r.editRow+1))+" "+r.edit.View(), w)
	}
	pos := ""
	if len(r.shown) > 0 {
		pos = fmt.Sprintf("%s/%s", num(r.cursor+1), num(len(r.shown)))
	}
	var left string
	switch {
	case r.status != "" && r.failed:
		left = st.Error.Render(r.status)
	case r.status != "":
		left = st.Success.Render(r.status)
	case r.c.store != nil && r.c.store.err != nil:
		left = st.Error.Render("Your decisions could not be saved: " + errorText(r.c.store.err))
	default:
		left = st.Muted.Render(fmt.Sprintf("%s flagged of %s · %s decided", num(len(r.filters[0].rows)), num(len(r.session.Rows)), num(r.session.Decided())))
		if r.query != "" {
			left += st.Muted.Render(" · search: ") + sanitize(r.query)
		}
		if r.c.dirty {
			left += st.Warning.Render(" · saved, not exported")
		}
		left += st.Muted.Render(" · (remove) is the default, remove yours")
		if r.c.width < 110 {
			left += st.Muted.Render(" · tab filter · enter details · w export")
		}
	}
	left = clip(" "+left, max(w-width(pos)-2, 1))
	return left + strings.Repeat(" ", max(w-width(left)-width(pos)-1, 1)) + st.Muted.Render(pos)
}
