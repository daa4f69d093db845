package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/listclean/listclean/cleaner"
)

// summaryScreen shows the outcome of the checks: counts per verdict and
// reason as bars, the domains that fail most often with their reason, and
// where the review stands (decisions taken, suggestions waiting, what
// export would write), which follows every decision.
type summaryScreen struct {
	c       *common
	sum     cleaner.Summary
	saveErr error  // why the domain history could not be saved
	note    string // what became of the saved decisions, "" for nothing

	// What the latest plan does, counted once per plan: a list may have
	// a million rows.
	counted *cleaner.Plan
	count   cleaner.PlanCount
	waiting int // suggestions without a decision
}

func newSummaryScreen(c *common, sum cleaner.Summary) *summaryScreen {
	return &summaryScreen{c: c, sum: sum}
}

func (s *summaryScreen) name() string { return "Summary" }
func (s *summaryScreen) typing() bool { return false }
func (s *summaryScreen) busy() bool   { return false }

func (s *summaryScreen) help() helpKeys {
	k := s.c.keys
	back := k.Back
	back.SetHelp("esc", "columns")
	return helpKeys{
		short: []key.Binding{k.Review, k.Export, back},
		full:  [][]key.Binding{{k.Review, k.Export, back}},
	}
}

func (s *summaryScreen) update(msg tea.Msg) tea.Cmd {
	if msg, ok := msg.(historySavedMsg); ok {
		s.saveErr = msg.err
		return nil
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(kp, s.c.keys.Review):
		return func() tea.Msg { return goReviewMsg{} }
	case key.Matches(kp, s.c.keys.Export):
		return func() tea.Msg { return goExportMsg{} }
	case key.Matches(kp, s.c.keys.Back):
		return func() tea.Msg { return goColumnsMsg{} }
	}
	return nil
}

// historyLine sums up what the domain history says of the list's domains,
// "" when it says nothing.
func historyLine(hs []cleaner.DomainHistory) string {
	var failing, persistent, recovered, other int
	for _, h := range hs {
		switch {
		case h.Persistent:
			persistent++
			failing++
		case h.Failing:
			failing++
		case h.Recovered:
			recovered++
		default: // bounces, or failures of runs before this one
			other++
		}
	}
	var parts []string
	if failing > 0 {
		p := plural(failing, "domain failed", "domains failed") + " in earlier runs too"
		if persistent > 0 {
			p += fmt.Sprintf(" (%d persistent)", persistent)
		}
		parts = append(parts, p)
	}
	if recovered > 0 {
		parts = append(parts, plural(recovered, "domain routes", "domains route")+" mail again")
	}
	if other > 0 {
		parts = append(parts, plural(other, "more with bounces or old failures", "more with bounces or old failures"))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Domain history: " + strings.Join(parts, ", ")
}

// reasonsOf returns the reasons that belong to verdict v, in report order.
func reasonsOf(v cleaner.Verdict) []cleaner.Reason {
	var rs []cleaner.Reason
	for _, r := range cleaner.Reasons {
		if cleaner.VerdictOf(r) == v {
			rs = append(rs, r)
		}
	}
	return rs
}

// reviewLines say where the review stands: the decisions taken, the
// suggestions that wait, and what export would write now.
func (s *summaryScreen) reviewLines() []string {
	st := s.c.styles
	sess := s.c.session
	var out []string
	if s.note != "" {
		out = append(out, st.Success.Render(s.note))
	}
	if pl := s.c.currentPlan(); pl != s.counted {
		s.counted, s.count, s.waiting = pl, pl.Count(), 0
		for i := range sess.Rows {
			if sess.Rows[i].HasSuggestion() {
				if _, decided := sess.Decision(i); !decided {
					s.waiting++
				}
			}
		}
	}
	waiting, pc := s.waiting, s.count
	switch n := s.sum.Suggestions; {
	case n > 0 && waiting == 0:
		out = append(out, plural(n, "suggested correction:", "suggested corrections:")+" all reviewed")
	case n > 0:
		out = append(out, st.Value.Render(plural(waiting, "suggested correction waits", "suggested corrections wait"))+
			fmt.Sprintf(" for review (of %s)", num(n)))
	}
	out = append(out, fmt.Sprintf("%s by you · export now: %s kept (%s corrected), %s removed",
		plural(sess.Decided(), "decision", "decisions"), num(pc.Kept), num(pc.Corrected), num(pc.Removed)))
	if pc.KeptDespite > 0 {
		out = append(out, st.Warning.Render(plural(pc.KeptDespite, "row you keep", "rows you keep"))+" cannot receive mail, are suppressed or repeat another row")
	}
	if err := s.c.store.err; err != nil {
		out = append(out, st.Error.Render("Your decisions could not be saved: ")+errorText(err))
	}
	return out
}

func (s *summaryScreen) view() string {
	st := s.c.styles
	sum := s.sum
	w := s.c.width
	var counts []string
	head := st.Heading.Render(fmt.Sprintf("%s, %s", plural(sum.Rows, "row", "rows"), plural(sum.Domains, "domain", "domains")))
	if !s.c.session.DNS() {
		head += st.Warning.Render(" · DNS checks off")
	}
	counts = append(counts, head, "")
	barW := max(min(w-36, 40), 4)
	if w >= 110 {
		barW = 20
	}
	for _, v := range cleaner.Verdicts {
		n := sum.ByVerdict[v]
		if v == cleaner.VerdictSuppressed && n == 0 && sum.Suppression.Files == 0 {
			continue // no suppression file: nothing could be suppressed
		}
		vs := st.Verdict(v)
		counts = append(counts, vs.Render(fit(v.Words(), 24))+fmt.Sprintf("%7s ", num(n))+vs.Render(bar(n, sum.Rows, barW)))
		rs := reasonsOf(v)
		if len(rs) < 2 {
			continue
		}
		for _, r := range rs {
			if m := sum.ByReason[r]; m > 0 {
				counts = append(counts, st.Muted.Render(fit("  "+r.Words(), 24))+fmt.Sprintf("%7s ", num(m))+st.Muted.Render(bar(m, sum.Rows, barW)))
			}
		}
	}
	notes := s.reviewLines()
	if n := sum.ByReason[cleaner.ReasonNotChecked]; n > 0 && s.c.session.DNS() {
		notes = append(notes, st.Warning.Render(plural(n, "row was", "rows were"))+" not checked (the checks were stopped): they are kept as unknown")
	}
	if sc := sum.Suppression; sc.Files > 0 {
		notes = append(notes, fmt.Sprintf("Suppression files: %s, %s · %s on the list (%s)",
			plural(sc.Files, "file", "files"), plural(sc.Records, "record", "records"),
			st.Value.Render(plural(sc.Matched, "address", "addresses")), plural(sc.Rows, "row", "rows")))
	}
	if line := historyLine(sum.History); line != "" {
		notes = append(notes, line)
	}
	if n := sum.Persistent; n > 0 {
		what := "kept (the export screen can remove them)"
		if s.c.policy.DropPersistent {
			what = "removed, as the export screen says"
		}
		notes = append(notes, st.Warning.Render(plural(n, "row's", "rows'"))+" DNS failure persists across runs: "+what)
	}
	if s.saveErr != nil {
		notes = append(notes, st.Warning.Render("The domain history was not saved: ")+errorText(s.saveErr))
	}
	if s.c.opt.Checker != nil && s.c.session.DNS() {
		// What the DNS server did: a lie or a silence found during the
		// checks, a rate limit kept to.
		for _, n := range s.c.opt.Checker.Notes() {
			for i, l := range wrap(capitalize(sanitize(n))+".", max(w-4, 10)) {
				lead := "  "
				if i == 0 {
					lead = st.Warning.Render("!") + " "
				}
				notes = append(notes, lead+l)
			}
		}
	}

	failing := []string{st.Heading.Render("Domains that fail most often")}
	if len(sum.Failing) == 0 {
		failing = append(failing, st.Muted.Render("none"))
	}
	for _, dc := range sum.Failing {
		failing = append(failing, fit(sanitize(dc.Domain), 26)+" "+st.Verdict(cleaner.VerdictOf(dc.Reason)).Render(fit(dc.Reason.Words(), 22))+fmt.Sprintf("%6s", num(dc.Rows)))
	}

	var out []string
	if w >= 110 {
		// Side by side: counts on the left, failing domains on the right.
		rows := max(len(counts), min(len(failing), s.c.bodyH-3-len(notes)))
		for i := range rows {
			left, right := "", ""
			if i < len(counts) {
				left = counts[i]
			}
			if i >= 2 && i-2 < len(failing) {
				right = failing[i-2]
			}
			out = append(out, fit(left, 56)+"  "+right)
		}
	} else {
		// One above the other; blank lines only when there is room for
		// them and a few failing domains.
		spacious := s.c.bodyH >= len(counts)+len(notes)+min(len(failing), 4)+3
		if !spacious {
			counts = slices.Delete(counts, 1, 2) // the blank line under the heading
		}
		out = append(out, counts...)
		if spacious {
			out = append(out, "")
		}
		room := s.c.bodyH - len(out) - len(notes) - 2
		if room >= 2 {
			out = append(out, failing[:min(len(failing), room)]...)
		}
	}
	// The notes say where the review stands: on a short screen they come
	// before the counts they would otherwise push off it.
	if len(out)+1+len(notes) > s.c.bodyH {
		out = append(append(notes, ""), out...)
	} else {
		out = append(out, "")
		out = append(out, notes...)
	}
	var b strings.Builder
	if len(out)+1 <= s.c.bodyH {
		b.WriteString("\n")
	}
	for _, l := range out {
		b.WriteString(clip(" "+l, w) + "\n")
	}
	return b.String()
}
