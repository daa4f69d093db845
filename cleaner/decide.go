package cleaner

import (
	"strings"
	"time"

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
	if r.HasSuggestion() && r.SuggestionRoutes {
		switch {
		case p.Fix && r.Verdict() == VerdictInvalid,
			p.FixSuspects && r.Reason() == ReasonTypoSuspect:
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
	row    int
	prev   Decision
	prevAt time.Time
	had    bool
}

// set records d for row i, taken now, and returns the change that undoes
// it.
func (s *Session) set(i int, d Decision, now time.Time) change {
	prev, had := s.decisions[i]
	c := change{row: i, prev: prev, prevAt: s.decidedAt[i], had: had}
	s.decisions[i], s.decidedAt[i] = d, now
	return c
}

// Decide records d for every row in rows as one step that Undo takes back.
func (s *Session) Decide(rows []int, d Decision) {
	now := time.Now()
	step := make([]change, 0, len(rows))
	for _, i := range rows {
		step = append(step, s.set(i, d, now))
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
			s.decisions[c.row], s.decidedAt[c.row] = c.prev, c.prevAt
		} else {
			delete(s.decisions, c.row)
			delete(s.decidedAt, c.row)
		}
		rows = append(rows, c.row)
	}
	return rows
}

// Acceptable returns the rows among rows, in their order, whose suggestion
// a bulk accept takes: rows without a decision of the user's, not
// suppressed (the user's evidence is about the row as it is, and the
// policy never corrects such a row either), whose suggestion's domain is
// known to route mail.
func (s *Session) Acceptable(rows []int) []int {
	var out []int
	for _, i := range rows {
		r := &s.Rows[i]
		if _, decided := s.decisions[i]; decided || !r.HasSuggestion() || !r.SuggestionRoutes || r.Verdict() == VerdictSuppressed {
			continue
		}
		out = append(out, i)
	}
	return out
}

// AcceptSuggestions decides to correct each row of rows to its own
// suggestion, as one step that Undo takes back. Rows without a suggestion
// are left as they are.
func (s *Session) AcceptSuggestions(rows []int) {
	now := time.Now()
	var step []change
	for _, i := range rows {
		if sugg := s.Suggestion(i); sugg != "" {
			step = append(step, s.set(i, Decision{Action: ActionFix, Email: sugg}, now))
		}
	}
	if len(step) > 0 {
		s.undo = append(s.undo, step)
	}
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
	if want.Addr().Domain() == "" {
		return []int{i}
	}
	var rows []int
	for j := range s.Rows {
		r := &s.Rows[j]
		if r.Reason() == want.Reason() && r.Addr().Domain() == want.Addr().Domain() {
			rows = append(rows, j)
		}
	}
	return rows
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
	if !ok || s.Rows[i].Addr().Domain() == "" {
		return nil
	}
	src := s.Rows[i]
	tookSuggestion := d.Action == ActionFix && d.Email == s.Suggestion(i)
	fixDomain := ""
	if d.Action == ActionFix && !tookSuggestion {
		if f := address.Parse(d.Email); !strings.EqualFold(f.Domain(), src.Addr().Domain()) {
			fixDomain = f.Domain()
		}
	}
	var step []change
	var changed []int
	now := time.Now()
	for _, j := range s.SameDomainAndReason(i) {
		dj := d
		if d.Action == ActionFix && j != i {
			dj.Email = ""
			switch {
			case tookSuggestion:
				dj.Email = s.Suggestion(j)
			case fixDomain != "":
				if a := address.Parse(s.Rows[j].Addr().Local() + "@" + fixDomain); a.Reason == "" {
					dj.Email = a.Email
				}
			}
			if dj.Email == "" {
				continue
			}
		}
		if prev, had := s.decisions[j]; had && prev == dj {
			continue
		}
		step = append(step, s.set(j, dj, now))
		changed = append(changed, j)
	}
	if len(step) > 0 {
		s.undo = append(s.undo, step)
	}
	return changed
}
