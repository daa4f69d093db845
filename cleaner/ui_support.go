package cleaner

import (
	"strings"

	"github.com/listclean/listclean/resolver"
)

// This file holds what the TUI needs from the cleaner beyond the batch
// API, so that the UI takes no decision of its own.

// StatusReason returns the reason a DNS status gives a row whose address
// parsed cleanly, before typo suspicion and duplicates are weighed. The TUI
// uses it for the live counts while checks run; JudgeAll gives the final
// verdicts.
func StatusReason(st resolver.Status) Reason {
	if r, ok := reasonOfStatus[st]; ok {
		return r
	}
	return ReasonNotChecked
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
	if !ok || s.Rows[i].Addr.Domain == "" {
		return nil
	}
	src := s.Rows[i]
	tookSuggestion := d.Action == ActionFix && d.Email == src.Suggestion
	fixDomain := ""
	if d.Action == ActionFix && !tookSuggestion {
		if f := ParseAddress(d.Email); !strings.EqualFold(f.Domain, src.Addr.Domain) {
			fixDomain = f.Domain
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
				if a := ParseAddress(s.Rows[j].Addr.Local + "@" + fixDomain); a.Reason == "" {
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
