package cleaner

import (
	"strings"

	"github.com/listclean/listclean/cleaner/address"
)

// Action is what happens to a row on export.
type Action string

// The actions.
const (
	ActionKeep   Action = "keep"   // written to the cleaned file as it is (Address.Written)
	ActionFix    Action = "fix"    // written to the cleaned file with a corrected address
	ActionRemove Action = "remove" // written to the removed file with its reason
)

// Policy is the batch policy for rows the user did not decide on.
type Policy struct {
	Fix         bool // correct invalid rows whose suggestion's domain routes
	FixSuspects bool // correct typo_suspect rows too, whose own domain routes
	DropRisky   bool // remove risky rows instead of keeping them
	// DropPersistent removes the rows whose dns_error or bad_mx has
	// persisted across runs (Row.Persistent) instead of keeping them.
	DropPersistent bool
}

// Action is the batch policy, the one place that decides what happens to an
// undecided row: suppressed rows are removed, whatever else is known of
// them, and never fixed; valid, risky and unknown rows are kept (risky
// removed with DropRisky, unknown ones that persist with DropPersistent);
// invalid and duplicate rows are removed. Fix corrects an invalid row, which
// cannot receive mail as written, when its suggestion's domain routes. A
// typo_suspect row's own domain routes: correcting it is a guess that the
// mail belongs elsewhere, and done wrong it sends a subscriber's mail to a
// stranger's mailbox, so only FixSuspects (or a person's decision) corrects
// it.
func (p Policy) Action(r Row) Action {
	if r.Verdict() == VerdictSuppressed {
		return ActionRemove
	}
	if r.Suggestion != "" && r.SuggestionRoutes {
		switch {
		case p.Fix && r.Verdict() == VerdictInvalid,
			p.FixSuspects && r.Reason == ReasonTypoSuspect:
			return ActionFix
		}
	}
	switch r.Verdict() {
	case VerdictValid:
		return ActionKeep
	case VerdictUnknown:
		if p.DropPersistent && r.Persistent {
			return ActionRemove
		}
		return ActionKeep
	case VerdictRisky:
		if p.DropRisky {
			return ActionRemove
		}
		return ActionKeep
	default:
		return ActionRemove
	}
}

// Decision is the user's choice for one row.
type Decision struct {
	Action Action
	Email  string // with ActionFix: the address to write instead
}

// change is one row's decision before an undoable step changed it.
type change struct {
	row  int
	prev Decision
	had  bool
}

// Decide records d for every row in rows as one step that Undo takes back.
func (s *Session) Decide(rows []int, d Decision) {
	step := make([]change, 0, len(rows))
	for _, i := range rows {
		prev, had := s.decisions[i]
		step = append(step, change{row: i, prev: prev, had: had})
		s.decisions[i] = d
	}
	if len(step) > 0 {
		s.undo = append(s.undo, step)
	}
}

// Undo takes back the latest Decide step and returns the rows it touched,
// or nil when there is nothing to undo.
func (s *Session) Undo() []int {
	if len(s.undo) == 0 {
		return nil
	}
	step := s.undo[len(s.undo)-1]
	s.undo = s.undo[:len(s.undo)-1]
	rows := make([]int, 0, len(step))
	for k := len(step) - 1; k >= 0; k-- {
		c := step[k]
		if c.had {
			s.decisions[c.row] = c.prev
		} else {
			delete(s.decisions, c.row)
		}
		rows = append(rows, c.row)
	}
	return rows
}

// Decision returns the user's decision for row i, if there is one.
func (s *Session) Decision(i int) (Decision, bool) {
	d, ok := s.decisions[i]
	return d, ok
}

// Decided returns how many rows carry a user decision.
func (s *Session) Decided() int { return len(s.decisions) }

// SameDomainAndReason returns the rows whose domain and reason are those of
// row i (the TUI's bulk decision), row i included. An address without a
// usable domain is alike to no other row.
func (s *Session) SameDomainAndReason(i int) []int {
	want := s.Rows[i]
	if want.Addr.Domain() == "" {
		return []int{i}
	}
	var rows []int
	for j := range s.Rows {
		r := &s.Rows[j]
		if r.Reason == want.Reason && r.Addr.Domain() == want.Addr.Domain() {
			rows = append(rows, j)
		}
	}
	return rows
}

// Outcome is what export does with one row.
type Outcome struct {
	Action  Action
	Email   string  // the address written to the cleaned file
	Verdict Verdict // the verdict reported for the row
	Reason  Reason  // the reason reported (duplicate when a fix repeats a kept address)
}

// Plan decides every row: the user's decision where there is one, else the
// policy. A fixed address that repeats an address kept elsewhere in the
// list, or one fixed on an earlier row, is removed as a duplicate, so the
// cleaned file never holds the same address twice through a fix.
func (s *Session) Plan(p Policy) []Outcome {
	pl := s.plan(p)
	out := make([]Outcome, len(s.Rows))
	for i := range out {
		out[i] = pl.outcome(i)
	}
	return out
}

// rowPlan is a Plan that works each row's Outcome out when asked, so that
// an export of a long list does not hold one per row.
type rowPlan struct {
	s      *Session
	policy Policy
	// dupFix holds the rows whose fixed address repeats a kept address or
	// one fixed on an earlier row: they are removed as duplicates.
	dupFix map[int]bool
	first  int // the list's index of s's first row: dupFix is by the list's index

}

// plan prepares the rowPlan of the session under policy p.
func (s *Session) plan(p Policy) rowPlan {
	pl := rowPlan{s: s, policy: p}
	if !p.Fix && !s.decidedFix() {
		return pl // no row is fixed: none can repeat an address through a fix
	}
	var fixed []int   // the rows fixed, in order
	var keys []string // the duplicate key of each one's fixed address
	for i := range s.Rows {
		if act, email := pl.decide(i); act == ActionFix {
			fixed = append(fixed, i)
			keys = append(keys, address.Parse(email).Key())
		}
	}
	if len(fixed) == 0 {
		return pl
	}
	// Only the kept addresses that some fix gives matter: look for those
	// rather than remembering every kept address of the list.
	taken := make(map[string]bool, len(fixed)) // fixed keys, then whether kept or fixed already
	for _, k := range keys {
		taken[k] = false
	}
	for i := range s.Rows {
		if key := s.Rows[i].Addr.Key(); key != "" {
			if _, fixes := taken[key]; fixes {
				if act, _ := pl.decide(i); act == ActionKeep {
					taken[key] = true
				}
			}
		}
	}
	for n, i := range fixed {
		if taken[keys[n]] {
			if pl.dupFix == nil {
				pl.dupFix = make(map[int]bool)
			}
			pl.dupFix[i] = true
			continue
		}
		taken[keys[n]] = true
	}
	return pl
}

// decidedFix reports whether the user decided to fix some row.
func (s *Session) decidedFix() bool {
	for _, d := range s.decisions {
		if d.Action == ActionFix {
			return true
		}
	}
	return false
}

// decide returns the action for row i, before fixes that repeat an
// address are removed, and the address written for it.
func (pl *rowPlan) decide(i int) (Action, string) {
	r := &pl.s.Rows[i]
	var act Action
	email := r.Addr.Written()
	if d, ok := pl.s.decisions[i]; ok {
		act = d.Action
		if act == ActionFix {
			email = d.Email
		}
	} else {
		act = pl.policy.Action(*r)
		if act == ActionFix {
			email = r.Suggestion
		}
	}
	if email == "" {
		email = r.Addr.Raw
	}
	return act, email
}

// outcome is what export does with row i.
func (pl *rowPlan) outcome(i int) Outcome {
	r := &pl.s.Rows[i]
	act, email := pl.decide(i)
	o := Outcome{Action: act, Email: email, Verdict: r.Verdict(), Reason: r.Reason}
	if pl.dupFix[pl.first+i] {
		o.Action, o.Verdict, o.Reason = ActionRemove, VerdictDuplicate, ReasonDuplicate
	}
	return o
}

// DecideLike applies row i's decision to every row with the same domain
// and reason (SameDomainAndReason) as one step that Undo takes back, and
// returns the rows whose decision changed. It returns nil when row i has
// no decision, or no domain to be alike by (an address that did not parse).
//
// A fix carries over per row: as each row's own suggestion when row i took
// its suggestion, else as each row's local part at the domain row i was
// fixed to. A row for which that gives no clean address is left as it was.
func (s *Session) DecideLike(i int) []int {
	d, ok := s.decisions[i]
	if !ok || s.Rows[i].Addr.Domain() == "" {
		return nil
	}
	src := s.Rows[i]
	tookSuggestion := d.Action == ActionFix && d.Email == src.Suggestion
	fixDomain := ""
	if d.Action == ActionFix && !tookSuggestion {
		if f := address.Parse(d.Email); !strings.EqualFold(f.Domain(), src.Addr.Domain()) {
			fixDomain = f.Domain()
		}
	}
	var step []change
	var changed []int
	for _, j := range s.SameDomainAndReason(i) {
		dj := d
		if d.Action == ActionFix && j != i {
			dj.Email = ""
			switch {
			case tookSuggestion:
				dj.Email = s.Rows[j].Suggestion
			case fixDomain != "":
				if a := address.Parse(s.Rows[j].Addr.Local() + "@" + fixDomain); a.Reason == "" {
					dj.Email = a.Email
				}
			}
			if dj.Email == "" {
				continue
			}
		}
		prev, had := s.decisions[j]
		if had && prev == dj {
			continue
		}
		step = append(step, change{row: j, prev: prev, had: had})
		s.decisions[j] = dj
		changed = append(changed, j)
	}
	if len(step) > 0 {
		s.undo = append(s.undo, step)
	}
	return changed
}
