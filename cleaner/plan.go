package cleaner

import (
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/listclean/listclean/cleaner/address"
)

// Decider says who decided what export does with a row.
type Decider string

// The deciders.
const (
	ByYou    Decider = "you"    // the user's decision (Session.Decide)
	ByPolicy Decider = "policy" // the batch policy, for a row the user did not decide on
)

// Outcome is what export does with one row.
type Outcome struct {
	Action  Action
	Email   string  // the address written to the cleaned file (for a fix, the correction)
	Verdict Verdict // the verdict reported for the row
	Reason  Reason  // the reason reported (duplicate when a correction repeats an address)
	By      Decider // who decided the row's action

	// Repeats is the index of the row whose address this one repeats in
	// the cleaned file, -1 for none: the row it is removed as a duplicate
	// of, or, for a repeat the user chose to keep, the row kept before it.
	Repeats int
	// Correction is the address a row would have been corrected to, when
	// it is removed because that address repeats row Repeats.
	Correction string
	// ByCorrection: the row is removed because row Repeats is corrected to
	// its address.
	ByCorrection bool
}

// Kept reports whether the row goes to the cleaned file, corrected or not.
func (o Outcome) Kept() bool { return o.Action == ActionKeep || o.Action == ActionFix }

// KeptDespite reports whether the row goes to the cleaned file as it was
// written although it cannot receive mail, is suppressed by the user's
// evidence, or repeats another row kept: only a decision of the user's
// keeps such a row, and the screens warn about it.
func (o Outcome) KeptDespite() bool {
	if o.Action != ActionKeep {
		return false
	}
	return o.Verdict == VerdictInvalid || o.Verdict == VerdictSuppressed || o.Repeats >= 0
}

// A Plan is what export does with every row under a policy, given the
// user's decisions when it was made: the user's decision where there is
// one, else the policy (Policy.Action). Make a new Plan after a decision.
//
// A correction may give a row the address of another row that the
// cleaned file holds. The cleaned file never holds an address twice
// through a correction: of the rows it would hold with one address, when
// one of them is corrected, one stays and the others are removed as
// duplicates of it. The row that stays is the first of them that the user
// decided on (a correction or a keep), else the first of them in the list.
// So a row a person corrected is never dropped for a row the policy kept,
// and without decisions the earliest row stays, as with repeated
// addresses; the removed file names the row that stays.
type Plan struct {
	s      *Session
	policy Policy
	// dupOf maps each row removed because a correction made its address
	// repeat another row's to the row that stays; nil when there is none.
	// Indexes are the list's (see first).
	dupOf map[int]int
	// corrected holds the rows that stay corrected to an address other
	// rows are removed for (the values of dupOf that are corrections).
	corrected map[int]bool
	// displaced is dupOf the other way round: the rows removed for each
	// row that stays, in list order.
	displaced map[int][]int
	first     int // the list's index of s's first row: dupOf is by the list's index
}

// Plan returns what export does with every row under policy p.
func (s *Session) Plan(p Policy) *Plan {
	pl := &Plan{s: s, policy: p}
	if !p.Fix && !p.FixSuspects && !s.decidedFix() {
		return pl // no row is corrected: none can repeat an address through a correction
	}
	// The corrected rows, in list order, and the duplicate key of each
	// correction.
	type fix struct {
		row int
		key string
	}
	var fixes []fix
	fixKeys := make(map[string]bool)
	policyFixes := p.Fix || p.FixSuspects
	pl.each(func(int) bool { return policyFixes }, func(i int, act Action, email string) {
		if act == ActionFix {
			k := correctionKey(email)
			fixes = append(fixes, fix{i, k})
			fixKeys[k] = true
		}
	})
	if len(fixes) == 0 {
		return pl
	}
	// The rows the cleaned file would hold with each of those addresses,
	// in list order: the corrected ones, and those kept as written. Only
	// these keys are looked for, rather than every kept address of the
	// list remembered, and only at the domains the corrections go to.
	atFixed := s.fixDomains(fixKeys)
	groups := make(map[string][]int, len(fixKeys))
	next := 0 // the next of fixes
	pl.each(func(i int) bool { return policyFixes || atFixed(i) }, func(i int, act Action, _ string) {
		switch act {
		case ActionFix:
			k := fixes[next].key
			next++
			groups[k] = append(groups[k], i)
		case ActionKeep:
			if !atFixed(i) {
				return
			}
			if k := s.Rows[i].Addr().Key(); fixKeys[k] {
				groups[k] = append(groups[k], i)
			}
		}
	})
	for _, rows := range groups {
		if len(rows) < 2 {
			continue
		}
		stays := rows[0]
		for _, i := range rows {
			if _, ok := s.decisions[i]; ok {
				stays = i
				break
			}
		}
		pl.settle(rows, stays, func(i int) bool { act, _, _ := pl.decide(i); return act == ActionFix })
	}
	return pl
}

// each calls fn with the action of every row the user decided on, and of
// every other row for which need is true, in list order, and the address
// written for it, before corrections that repeat an address are settled,
// as decide gives them. It walks the user's decisions in order beside the
// rows rather than looking each row up among them: a list has a million
// rows, and the plan is made again after every decision.
func (pl *Plan) each(need func(i int) bool, fn func(i int, act Action, email string)) {
	s := pl.s
	decided := make([]int, 0, len(s.decisions))
	for i := range s.decisions {
		decided = append(decided, i)
	}
	slices.Sort(decided)
	next := 0
	for i := range s.Rows {
		if next < len(decided) && decided[next] == i {
			next++
			act, email, _ := pl.decide(i)
			fn(i, act, email)
			continue
		}
		if !need(i) {
			continue
		}
		r := &s.Rows[i]
		switch act := pl.policy.Action(*r); act {
		case ActionFix:
			fn(i, act, s.Suggestion(i))
		default:
			fn(i, act, "")
		}
	}
}

// fixDomains returns whether row i is at one of the domains of keys, the
// duplicate keys of corrections, as far as the session's index of its
// domains can tell cheaply (else every row may be).
func (s *Session) fixDomains(keys map[string]bool) func(i int) bool {
	if s.rowDomain == nil || s.domainAt == nil {
		return func(int) bool { return true }
	}
	at := make([]bool, len(s.domains))
	seen := make(map[string]bool)
	for k := range keys {
		d := k[strings.LastIndexByte(k, '@')+1:]
		if seen[d] {
			continue
		}
		seen[d] = true
		if j, ok := s.domainAt[address.Parse("x@"+d).ASCII]; ok {
			at[j] = true
		}
	}
	return func(i int) bool { j := s.rowDomain[i]; return j >= 0 && at[j] }
}

// correctionKey is the duplicate key of the address a row is corrected
// to. Corrections are normalised addresses (a suggestion, an edit the
// review checked, a restored decision), whose key needs no parsing.
func correctionKey(email string) string { return address.Address{Email: email}.Key() }

// settle records that of rows, all of which the cleaned file would hold
// with one address, the row stays stays and the others are removed as its
// duplicates. fixed tells which rows are corrected.
func (pl *Plan) settle(rows []int, stays int, fixed func(int) bool) {
	if pl.dupOf == nil {
		pl.dupOf = make(map[int]int)
		pl.corrected = make(map[int]bool)
		pl.displaced = make(map[int][]int)
	}
	for _, i := range rows {
		if i != stays {
			pl.dupOf[i] = stays
			pl.displaced[stays] = append(pl.displaced[stays], i)
		}
	}
	if fixed(stays) {
		pl.corrected[stays] = true
	}
}

// decidedFix reports whether the user decided to correct some row.
func (s *Session) decidedFix() bool {
	for _, d := range s.decisions {
		if d.Action == ActionFix {
			return true
		}
	}
	return false
}

// decide returns the action for row i, before corrections that repeat an
// address are settled, the address written for it, and who decided.
func (pl *Plan) decide(i int) (Action, string, Decider) {
	var act Action
	by := ByPolicy
	if d, ok := pl.s.decisions[i]; ok {
		act, by = d.Action, ByYou
	} else {
		act = pl.policy.Action(pl.s.Rows[i])
	}
	return act, pl.email(i, act), by
}

// email is the address written for row i when decide gives it the action
// act: for a fix, the user's correction or else the suggestion; for any
// other action, the address as the cell has it.
func (pl *Plan) email(i int, act Action) string {
	r := &pl.s.Rows[i]
	var email string
	if act != ActionFix {
		email = r.Addr().Written()
	} else if d, ok := pl.s.decisions[i]; ok {
		email = d.Email
	} else {
		email = pl.s.Suggestion(i)
	}
	if email == "" {
		email = r.Addr().Raw
	}
	return email
}

// action is the Action of Outcome(i), worked out from the row's verdict,
// the decisions and the plan alone: unlike the address that Outcome gives
// too, it needs none of the row's text, so that export sorts a million
// rows into its files without reading their text before it writes them.
func (pl *Plan) action(i int) Action {
	if _, ok := pl.dupOf[pl.first+i]; ok {
		return ActionRemove
	}
	if d, ok := pl.s.decisions[i]; ok {
		return d.Action
	}
	return pl.policy.Action(pl.s.Rows[i])
}

// Outcome is what export does with row i.
func (pl *Plan) Outcome(i int) Outcome {
	r := &pl.s.Rows[i]
	act, email, by := pl.decide(i)
	o := Outcome{Action: act, Email: email, Verdict: r.Verdict(), Reason: r.Reason(), By: by, Repeats: -1}
	if stays, ok := pl.dupOf[pl.first+i]; ok {
		o.Action, o.Verdict, o.Reason, o.Repeats = ActionRemove, VerdictDuplicate, ReasonDuplicate, stays
		if act == ActionFix {
			o.Correction = email
		} else {
			o.ByCorrection = pl.corrected[stays]
		}
		return o
	}
	if r.DupOf >= 0 {
		switch act {
		case ActionRemove:
			if r.Reason() == ReasonDuplicate { // not a suppressed row: the evidence says why it goes
				o.Repeats = int(r.DupOf)
			}
		case ActionKeep:
			// A repeat kept by the user's decision repeats a row only when
			// that row is kept as written too.
			if first := int(r.DupOf) - pl.first; first < 0 || first >= len(pl.s.Rows) {
				o.Repeats = int(r.DupOf) // in another chunk of a Stream, which has no decisions
			} else if a, _, _ := pl.decide(first); a == ActionKeep {
				if _, moved := pl.dupOf[int(r.DupOf)]; !moved {
					o.Repeats = int(r.DupOf)
				}
			}
		}
	}
	return o
}

// Displaced returns the rows removed as duplicates of row i because a
// correction gave them or row i one address, in list order: what a
// decision on row i did to other rows.
func (pl *Plan) Displaced(i int) []int {
	var rows []int
	for _, j := range pl.displaced[pl.first+i] {
		rows = append(rows, j-pl.first)
	}
	slices.Sort(rows)
	return rows
}

// PlanCount counts what a Plan does with the rows.
type PlanCount struct {
	Rows int
	// Kept counts the rows written to the cleaned file, corrected ones
	// included: Kept + Removed = Rows.
	Kept      int
	Corrected int // of Kept, those written with a corrected address
	Removed   int
	ByYou     int // rows whose outcome the user decided
	// KeptDespite counts the rows kept as written by the user's decision
	// though they cannot receive mail, are suppressed, or repeat another
	// row kept (Outcome.KeptDespite).
	KeptDespite int
	// Repeats counts the rows removed because a correction gave them the
	// address of a row that stays.
	Repeats int
}

// Count counts the outcomes of every row.
func (pl *Plan) Count() PlanCount {
	parts := make([]PlanCount, max(1, min(runtime.GOMAXPROCS(0), len(pl.s.Rows)/summaryMinPart)))
	goAll(len(parts), func(k int) {
		c := &parts[k]
		for i := k * len(pl.s.Rows) / len(parts); i < (k+1)*len(pl.s.Rows)/len(parts); i++ {
			c.add(pl.Outcome(i))
		}
	})
	var total PlanCount
	for _, c := range parts {
		total.Rows += c.Rows
		total.Kept += c.Kept
		total.Corrected += c.Corrected
		total.Removed += c.Removed
		total.ByYou += c.ByYou
		total.KeptDespite += c.KeptDespite
		total.Repeats += c.Repeats
	}
	return total
}

// add counts one outcome.
func (c *PlanCount) add(o Outcome) {
	c.Rows++
	switch {
	case o.Action == ActionFix:
		c.Kept++
		c.Corrected++
	case o.Kept():
		c.Kept++
	default:
		c.Removed++
		if o.Correction != "" || o.ByCorrection {
			c.Repeats++
		}
	}
	if o.By == ByYou {
		c.ByYou++
	}
	if o.KeptDespite() {
		c.KeptDespite++
	}
}

// Text says in words what export does with row i, to follow "Row N will
// be": "kept as it is", "kept as written, though domain does not exist",
// "corrected to ann@gmail.com", "removed: domain does not exist",
// "removed: after the correction to ann@gmail.com it repeats row 72".
// Row numbers count data rows from 1, as on screen and in the report.
func (pl *Plan) Text(i int) string {
	o := pl.Outcome(i)
	switch o.Action {
	case ActionFix:
		return "corrected to " + o.Email
	case ActionKeep:
		switch {
		case o.Repeats >= 0:
			return "kept, though it repeats row " + strconv.Itoa(o.Repeats+1)
		case o.KeptDespite():
			return "kept as written, though " + Explain(o.Reason).Label
		}
		return "kept as it is"
	}
	if o.Repeats >= 0 {
		return "removed: " + repeatText(o)
	}
	return "removed: " + Explain(o.Reason).Label
}

// repeatText says which row a row removed as a duplicate repeats, and
// how: the removed file's detail, and the end of Plan.Text.
func repeatText(o Outcome) string {
	n := strconv.Itoa(o.Repeats + 1)
	switch {
	case o.Correction != "":
		return "after the correction to " + o.Correction + " it repeats row " + n
	case o.ByCorrection:
		return "row " + n + " is corrected to this address"
	}
	return "it repeats row " + n
}

// detail is the detail column of row i in the removed file and the
// report: which row it repeats, then the user's evidence and the domain's
// history (Session.Detail).
func (pl *Plan) detail(i int, o Outcome) string {
	d := pl.s.Detail(i)
	if o.Repeats < 0 {
		return d
	}
	if d == "" {
		return repeatText(o)
	}
	return repeatText(o) + "; " + d
}
