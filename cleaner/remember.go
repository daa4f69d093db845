package cleaner

import (
	"cmp"
	"slices"
	"time"

	"github.com/listclean/listclean/cleaner/address"
	"github.com/listclean/listclean/cleaner/history"
)

// DomainHistory is what the domain history says of one of the list's
// domains, for the summary: that it failed in earlier runs too, that it
// routes mail now after failing before, or that it produced bounces.
type DomainHistory struct {
	Domain string // ASCII, as checked
	// Outcome is today's DNS status, beside the history; "" when the
	// domain was not checked in this run.
	Outcome string
	// Note says what the history holds, in the words of
	// history.Summary.Describe ("nxdomain in 3 of the last 3 runs since
	// 2026-10-02").
	Note string
	// Persistent: a dns_error or bad_mx in each of the latest runs, over
	// days (history.Summary.Persistent). Recovered: routes mail now after
	// failing in an earlier run. Failing: failed in this run and earlier
	// ones.
	Persistent, Recovered, Failing bool
}

// Remember records this run in h, domains only, never an address: the DNS
// outcome of each of the rows' own domains that was checked, and the
// bounces in the user's evidence that say a domain cannot be routed to
// (5.1.2, 5.1.10, 5.4.4). Then it reads back what h says of each domain of
// the list, for the rows' details (Detail), the summary (Summarize) and
// the policy (Row.Persistent). run is when the run started. The caller
// saves h. A history that cannot be read (history.History.Err) is
// neither recorded in nor read back: the run goes as without one.
//
// Call it once the rows are judged; they are not judged again.
// JudgeAndRemember does both.
func (s *Session) Remember(h *history.History, run time.Time) {
	s.recall(h, run, s.loadHistory(h)).apply(s)
}

// JudgeAndRemember is JudgeAll, then Remember; with h nil, JudgeAll.
// Recording the run in h and reading it back, most of Remember and much
// of it on one goroutine (some 25 ms for the 50,000 domains of a million
// rows), reads nothing that judging changes: it is done while the rows
// are judged.
func (s *Session) JudgeAndRemember(h *history.History, run time.Time) {
	if h == nil {
		s.JudgeAll()
		return
	}
	s.judgeAndRecall(func() recalled { return s.recall(h, run, s.loadHistory(h)) })
}

// judgeAndRecall is JudgeAll beside recall, then the history's word
// applied to the judged rows.
func (s *Session) judgeAndRecall(recall func() recalled) {
	var rec recalled
	goAll(2, func(k int) {
		if k == 0 {
			s.JudgeAll()
		} else {
			rec = recall()
		}
	})
	rec.apply(s)
}

// recalled is what the domain history says of a session's domains.
type recalled struct {
	persistent map[string]bool   // see Session.persistent
	notes      map[string]string // see Session.notes
	histories  []DomainHistory   // see Session.histories
}

// recall records the run in h, loaded as ld says, and reads back what h
// says of each of the session's domains (see Remember). It changes
// nothing of the session,
// and reads only what judging leaves as it is: its domains, their
// results and the user's evidence.
func (s *Session) recall(h *history.History, run time.Time, ld historyLoad) recalled {
	// A history that cannot be read is not saved either (Save says so):
	// the run goes as without one, with nothing of its own read back.
	if ld.err != nil {
		return recalled{}
	}
	outcomes := make(map[string]string, len(s.results))
	for _, d := range s.domains {
		if r, ok := s.results[d]; ok {
			outcomes[d] = string(r.Status)
		}
	}
	h.RecordRun(run, outcomes)
	h.RecordBounces(run, ld.bounces)

	rec := recalled{persistent: make(map[string]bool), notes: make(map[string]string)}
	// What h says of each domain, on all processors: one after the
	// other, the 50,000 domains of a list with a full history took a
	// third of a second. Only what is kept of each summary is held.
	type said struct {
		note                                string
		persistent, recovered, failedBefore bool
	}
	says := make([]said, len(s.domains))
	parallelFor(len(s.domains), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			sum := h.Domain(s.domains[k], history.MaxRuns)
			says[k] = said{note: sum.Describe(), persistent: sum.Persistent(), recovered: sum.Recovered(), failedBefore: sum.Failed >= 2}
		}
	})
	for k, d := range s.domains {
		say := says[k]
		if say.note == "" {
			continue
		}
		rec.notes[d] = say.note
		dh := DomainHistory{Domain: d, Outcome: outcomes[d], Note: say.note,
			Persistent: say.persistent && outcomes[d] != "", Recovered: say.recovered && outcomes[d] != ""}
		dh.Failing = history.Failed(dh.Outcome) && say.failedBefore
		if dh.Persistent {
			rec.persistent[d] = true
		}
		rec.histories = append(rec.histories, dh)
	}
	slices.SortFunc(rec.histories, func(a, b DomainHistory) int {
		return cmp.Or(cmp.Compare(a.rank(), b.rank()), cmp.Compare(a.Domain, b.Domain))
	})
	return rec
}

// A historyLoad is what loadHistory did: the bounces of the user's
// evidence, which recall records, and why h could not be loaded, if it
// could not.
type historyLoad struct {
	bounces []history.Bounce
	err     error
}

// loadHistory loads what h holds of the session's domains and of those
// its evidence says bounced (see history.History.Load).
func (s *Session) loadHistory(h *history.History) historyLoad {
	var ld historyLoad
	if s.suppress != nil {
		ld.bounces = s.suppress.bounces()
	}
	domains := s.domains
	if len(ld.bounces) > 0 {
		domains = slices.Clone(domains)
		for _, b := range ld.bounces {
			domains = append(domains, b.Domain)
		}
	}
	ld.err = h.Load(domains)
	return ld
}

// apply gives the session what the history says, and marks the judged
// rows whose failure has persisted (Row.Persistent).
func (rec recalled) apply(s *Session) {
	s.persistent, s.notes, s.histories = rec.persistent, rec.notes, rec.histories
	parallelFor(len(s.Rows), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s.Rows[i].Persistent = s.persists(&s.Rows[i])
		}
	})
}

// rank orders the summary's domains: persistent failures first, then
// domains that keep failing, then those that route mail again, then
// those known by their bounces only.
func (dh DomainHistory) rank() int {
	switch {
	case dh.Persistent:
		return 0
	case dh.Failing:
		return 1
	case dh.Recovered:
		return 2
	}
	return 3
}

// persists reports whether a judged row's dns_error or bad_mx has
// persisted across runs. It is asked of every row, most often before the
// history is read (JudgeAll) or when no domain persists: then no row is
// looked at.
func (s *Session) persists(r *Row) bool {
	if len(s.persistent) == 0 {
		return false
	}
	return (r.Reason() == ReasonDNSError || r.Reason() == ReasonBadMX) && s.persistent[r.Addr().ASCII]
}

// DomainNote returns what the domain history says of an ASCII domain of
// the list, in the words of history.Summary.Describe; "" when nothing
// beyond this run, or when the history was not read (Remember).
func (s *Session) DomainNote(ascii string) string { return s.notes[ascii] }

// Persistent reports whether the domain history says that the ASCII
// domain's dns_error or bad_mx has persisted across runs.
func (s *Session) Persistent(ascii string) bool { return s.persistent[ascii] }

// bounces returns the records that say a domain cannot be routed to, as
// the history keeps them: ASCII domain, status code and date.
func (sp *Suppressions) bounces() []history.Bounce {
	var out []history.Bounce
	for _, f := range sp.Files {
		for _, rec := range f.Records {
			if !rec.Unroutable() {
				continue
			}
			d := address.Parse(rec.Address).ASCII
			if d == "" {
				d = rec.Domain()
			}
			out = append(out, history.Bounce{Domain: d, Status: rec.Status, Date: rec.Date})
		}
	}
	return out
}
