package cleaner

import (
	"slices"
	"strings"
	"testing"

	"github.com/listclean/listclean/resolver"
)

func TestStatusReason(t *testing.T) {
	tests := []struct {
		st   resolver.Status
		want Reason
	}{
		{resolver.StatusOK, ReasonOK},
		{resolver.StatusImplicitMX, ReasonImplicitMX},
		{resolver.StatusNullMX, ReasonNullMX},
		{resolver.StatusNoMail, ReasonNoMail},
		{resolver.StatusBadMX, ReasonBadMX},
		{resolver.StatusNXDomain, ReasonNXDomain},
		{resolver.StatusDNSError, ReasonDNSError},
		{"", ReasonNotChecked},
	}
	for _, tt := range tests {
		if got := StatusReason(tt.st); got != tt.want {
			t.Errorf("StatusReason(%q) = %q, want %q", tt.st, got, tt.want)
		}
	}
}

// likeSession is a judged session where rows 0-2 share gmial.com (which
// does not exist: suggestion gmail.com), row 3 is on another domain, and
// rows 4-5 are syntax errors without a domain.
func likeSession(t *testing.T) *Session {
	t.Helper()
	l, err := Read(strings.NewReader("email\n"+
		"ann@gmial.com\nbob@gmial.com\ncarl@gmial.com\ndan@gone-away.com\nnot an email\nalso not one\n"), "t.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(l, true)
	judgeWithout(s, "gmial.com", "gone-away.com")
	if s.Suggestion(0) != "ann@gmail.com" {
		t.Fatalf("row 0 suggestion %q, want ann@gmail.com", s.Suggestion(0))
	}
	return s
}

// judgeWithout applies a result for every domain of s, NXDOMAIN for those
// of missing and OK for the others, then judges every row.
func judgeWithout(s *Session, missing ...string) {
	for _, d := range s.Domains() {
		st := resolver.StatusOK
		if slices.Contains(missing, d) {
			st = resolver.StatusNXDomain
		}
		s.Apply(resolver.Result{Domain: d, Status: st})
	}
	s.JudgeAll()
}

func TestDecideLike(t *testing.T) {
	tests := []struct {
		name  string
		first Decision
		want  []Decision // rows 0-3 after DecideLike(0)
	}{
		{"remove", Decision{Action: ActionRemove},
			[]Decision{{Action: ActionRemove}, {Action: ActionRemove}, {Action: ActionRemove}, {}}},
		{"keep", Decision{Action: ActionKeep},
			[]Decision{{Action: ActionKeep}, {Action: ActionKeep}, {Action: ActionKeep}, {}}},
		{"accepted suggestion: each row its own", Decision{Action: ActionFix, Email: "ann@gmail.com"},
			[]Decision{{ActionFix, "ann@gmail.com"}, {ActionFix, "bob@gmail.com"}, {ActionFix, "carl@gmail.com"}, {}}},
		{"edited domain: each row's local part there", Decision{Action: ActionFix, Email: "ann.b@example.org"},
			[]Decision{{ActionFix, "ann.b@example.org"}, {ActionFix, "bob@example.org"}, {ActionFix, "carl@example.org"}, {}}},
		{"edited local part only: nothing carries over", Decision{Action: ActionFix, Email: "annie@gmial.com"},
			[]Decision{{ActionFix, "annie@gmial.com"}, {}, {}, {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := likeSession(t)
			s.Decide([]int{0}, tt.first)
			changed := s.DecideLike(0)
			for i, want := range tt.want {
				if got, _ := s.Decision(i); got != want {
					t.Errorf("row %d: %+v, want %+v", i, got, want)
				}
			}
			if len(changed) > 0 {
				s.Undo()
				for i := 1; i < len(tt.want); i++ {
					if d, ok := s.Decision(i); ok {
						t.Errorf("after Undo, row %d still has %+v", i, d)
					}
				}
				if d, _ := s.Decision(0); d != tt.first {
					t.Errorf("Undo took back row 0's own decision: %+v", d)
				}
			}
		})
	}
}

func TestDecideLikeNeedsADecisionAndADomain(t *testing.T) {
	s := likeSession(t)
	if got := s.DecideLike(0); got != nil {
		t.Errorf("undecided row: changed %v", got)
	}
	s.Decide([]int{4}, Decision{Action: ActionRemove})
	if got := s.DecideLike(4); got != nil {
		t.Errorf("row without a domain: changed %v", got)
	}
	if _, ok := s.Decision(5); ok {
		t.Error("a syntax error was decided like another one")
	}
}

// TestDecideLikeEachRowItsOwn: a bulk fix of an accepted suggestion gives
// every similar row its own suggestion, never row 0's domain with its
// local part: a row without a suggestion of its own is left as it was,
// and the rows after it are still fixed.
func TestDecideLikeEachRowItsOwn(t *testing.T) {
	s := likeSession(t)
	s.setSuggestion(1, "") // bob@gmial.com: nothing likely
	s.setSuggestion(2, "carl@gmx.com")
	s.Decide([]int{0}, Decision{Action: ActionFix, Email: "ann@gmail.com"})
	changed := s.DecideLike(0)
	if !slices.Equal(changed, []int{2}) {
		t.Errorf("changed %v, want [2]", changed)
	}
	if d, ok := s.Decision(1); ok {
		t.Errorf("row 1, without a suggestion, decided %+v", d)
	}
	if d, _ := s.Decision(2); d != (Decision{ActionFix, "carl@gmx.com"}) {
		t.Errorf("row 2: %+v, want its own suggestion carl@gmx.com", d)
	}
}

// TestDecideLikeOverrides: a bulk decision replaces an earlier different
// decision of a similar row, and counts a row that already had it as
// unchanged; one that changes nothing is no step to undo.
func TestDecideLikeOverrides(t *testing.T) {
	s := likeSession(t)
	s.Decide([]int{1}, Decision{Action: ActionKeep})
	s.Decide([]int{2}, Decision{Action: ActionRemove})
	s.Decide([]int{0}, Decision{Action: ActionRemove})
	if changed := s.DecideLike(0); !slices.Equal(changed, []int{1}) {
		t.Errorf("changed %v, want [1]: row 0 is the source, row 2 had the decision already", changed)
	}
	for i := range 3 {
		if d, _ := s.Decision(i); d.Action != ActionRemove {
			t.Errorf("row %d: %+v, want removed", i, d)
		}
	}
	if changed := s.DecideLike(0); len(changed) > 0 {
		t.Errorf("again: changed %v, want none", changed)
	}
	s.Undo()
	if d, _ := s.Decision(1); d.Action != ActionKeep {
		t.Errorf("after Undo, row 1: %+v, want its earlier keep", d)
	}
}

// TestDecideNothing: a decision that changes no row is no step: Undo
// after it takes back the step before it, and with none there is nothing
// to undo.
func TestDecideNothing(t *testing.T) {
	tests := []struct {
		name    string
		nothing func(s *Session)
	}{
		{"decide no row", func(s *Session) { s.Decide(nil, Decision{Action: ActionRemove}) }},
		{"accept no row", func(s *Session) { s.AcceptSuggestions(nil) }},
		{"accept rows without a suggestion", func(s *Session) { s.AcceptSuggestions([]int{3, 4}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := likeSession(t)
			tt.nothing(s)
			if rows := s.Undo(); rows != nil {
				t.Errorf("Undo with no step before = %v, want nil", rows)
			}
			s.Decide([]int{0}, Decision{Action: ActionKeep})
			tt.nothing(s)
			if rows := s.Undo(); !slices.Equal(rows, []int{0}) {
				t.Errorf("Undo = %v, want [0]: the decision before, not an empty step", rows)
			}
			if s.Decided() != 0 {
				t.Errorf("%d decisions left after Undo, want 0", s.Decided())
			}
		})
	}
}

// TestPlanKeepsUnparsableAsItIs: a row whose address does not parse, kept
// by the user, is written as the cell was, not as an empty cell.
func TestPlanKeepsUnparsableAsItIs(t *testing.T) {
	s := likeSession(t)
	s.Decide([]int{4}, Decision{Action: ActionKeep})
	o := s.Plan(Policy{}).Outcome(4)
	if o.Action != ActionKeep || o.Email != "not an email" {
		t.Errorf("row 4 kept: %+v, want the cell as it is", o)
	}
}

// TestVerdictTable spells the verdict table out: every reason and the
// verdict it belongs to, the one the report and the policy read.
func TestVerdictTable(t *testing.T) {
	want := map[Reason]Verdict{
		ReasonOK:           VerdictValid,
		ReasonImplicitMX:   VerdictRisky,
		ReasonTypoSuspect:  VerdictRisky,
		ReasonSyntax:       VerdictInvalid,
		ReasonBadDomain:    VerdictInvalid,
		ReasonNXDomain:     VerdictInvalid,
		ReasonNoMail:       VerdictInvalid,
		ReasonNullMX:       VerdictInvalid,
		ReasonBadMX:        VerdictInvalid,
		ReasonDNSError:     VerdictUnknown,
		ReasonNotChecked:   VerdictUnknown,
		ReasonDuplicate:    VerdictDuplicate,
		ReasonDisposable:   VerdictRisky,
		ReasonRole:         VerdictRisky,
		ReasonHardBounce:   VerdictSuppressed,
		ReasonUnsubscribed: VerdictSuppressed,
		ReasonComplaint:    VerdictSuppressed,
		ReasonListed:       VerdictSuppressed,
	}
	if len(want) != len(Reasons) {
		t.Fatalf("the table has %d reasons, Reasons %d: add the new one here", len(want), len(Reasons))
	}
	for _, r := range Reasons {
		if got := VerdictOf(r); got != want[r] {
			t.Errorf("VerdictOf(%q) = %q, want %q", r, got, want[r])
		}
		if got := rowOf(r, false, false, false).Verdict(); got != want[r] {
			t.Errorf("Row{Reason: %q}.Verdict() = %q, want %q", r, got, want[r])
		}
	}
	if got := (Row{}).Verdict(); got != "" {
		t.Errorf("an unjudged row's verdict %q, want none", got)
	}
	for _, v := range want {
		if !slices.Contains(Verdicts, v) {
			t.Errorf("Verdicts lacks %s", v)
		}
	}
}

// TestAcceptSuggestions: a bulk accept takes the suggestion of every
// undecided row whose suggestion routes, leaves the others, and is one
// step that Undo takes back.
func TestAcceptSuggestions(t *testing.T) {
	s := likeSession(t) // rows 0-2 at gmial.com (suggestion gmail.com), row 3 without one
	s.Decide([]int{1}, Decision{Action: ActionRemove})
	rows := s.Acceptable([]int{0, 1, 2, 3, 4})
	if !slices.Equal(rows, []int{0, 2}) {
		t.Fatalf("Acceptable = %v, want [0 2]: undecided rows with a suggestion", rows)
	}
	s.AcceptSuggestions(rows)
	for i, want := range map[int]Decision{0: {ActionFix, "ann@gmail.com"}, 1: {Action: ActionRemove}, 2: {ActionFix, "carl@gmail.com"}} {
		if got, _ := s.Decision(i); got != want {
			t.Errorf("row %d: %+v, want %+v", i, got, want)
		}
	}
	if undone := s.Undo(); len(undone) != 2 || s.Decided() != 1 {
		t.Errorf("Undo took back %v, leaving %d decisions; want the two accepts, leaving 1", undone, s.Decided())
	}
}
