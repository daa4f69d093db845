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
	if s.Rows[0].Suggestion != "ann@gmail.com" {
		t.Fatalf("row 0 suggestion %q, want ann@gmail.com", s.Rows[0].Suggestion)
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

// TestVerdictTable checks the verdict of each reason, the suppressed ones
// included, against the README's table.
func TestVerdictTable(t *testing.T) {
	want := map[Reason]Verdict{
		ReasonOK: VerdictValid, ReasonImplicitMX: VerdictRisky, ReasonTypoSuspect: VerdictRisky,
		ReasonSyntax: VerdictInvalid, ReasonBadDomain: VerdictInvalid, ReasonNXDomain: VerdictInvalid,
		ReasonNoMail: VerdictInvalid, ReasonNullMX: VerdictInvalid, ReasonBadMX: VerdictInvalid,
		ReasonDNSError: VerdictUnknown, ReasonNotChecked: VerdictUnknown, ReasonDuplicate: VerdictDuplicate,
		ReasonHardBounce: VerdictSuppressed, ReasonUnsubscribed: VerdictSuppressed,
		ReasonComplaint: VerdictSuppressed, ReasonListed: VerdictSuppressed,
	}
	for r, v := range want {
		if got := VerdictOf(r); got != v {
			t.Errorf("VerdictOf(%s) = %s, want %s", r, got, v)
		}
		if !slices.Contains(Reasons, r) {
			t.Errorf("Reasons lacks %s", r)
		}
	}
	if !slices.Contains(Verdicts, VerdictSuppressed) {
		t.Error("Verdicts lacks suppressed")
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
