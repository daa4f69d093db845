package cleaner

import (
	"testing"
	"unsafe"
)

// rowOf is a row judged reason, with a suggestion when suggested (whose
// domain routes when routes), and Persistent when persistent.
func rowOf(reason Reason, suggested, routes, persistent bool) Row {
	r := Row{SuggestionRoutes: routes, Persistent: persistent, DupOf: -1}
	r.setReason(reason)
	r.setSuggested(suggested)
	return r
}

// TestRowReason: a row gives back every reason it is given, with or
// without a suggestion, and setting one leaves the other as it was.
func TestRowReason(t *testing.T) {
	for _, reason := range append([]Reason{""}, Reasons...) {
		for _, suggested := range []bool{false, true} {
			r := rowOf(ReasonDuplicate, suggested, false, false)
			r.setReason(reason)
			if r.Reason() != reason || r.HasSuggestion() != suggested {
				t.Errorf("reason %q, suggestion %v: got %q, %v", reason, suggested, r.Reason(), r.HasSuggestion())
			}
			if want := verdictOf(reason); reason != "" && r.Verdict() != want || reason == "" && r.Verdict() != "" {
				t.Errorf("reason %q: verdict %q, want %q", reason, r.Verdict(), want)
			}
			r.setSuggested(!suggested)
			if r.Reason() != reason || r.HasSuggestion() == suggested {
				t.Errorf("reason %q, suggestion turned %v: got %q, %v", reason, !suggested, r.Reason(), r.HasSuggestion())
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Errorf("setReason(%q) did not panic", "no_such_reason")
		}
	}()
	var r Row
	r.setReason("no_such_reason")
}

// TestRowSize: a Row is held for every row of a list, a million of them
// or more; the memory projection counts on its size (rowMemory), and the
// collector scans none of it but its address's text.
func TestRowSize(t *testing.T) {
	if got := unsafe.Sizeof(Row{}); got > 40 {
		t.Errorf("a Row takes %d bytes, want at most 40", got)
	}
}

// setSuggestion makes sugg the suggestion of row i, "" for none.
func (s *Session) setSuggestion(i int, sugg string) {
	if sugg == "" {
		delete(s.suggestions, i)
	} else {
		if s.suggestions == nil {
			s.suggestions = make(map[int]string)
		}
		s.suggestions[i] = sugg
	}
	s.Rows[i].setSuggested(sugg != "")
}
