package history

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Summary is what the history says of one domain.
type Summary struct {
	Domain string

	// The last n DNS outcomes recorded (see Domain), latest first.
	Runs   int       // how many there are
	Failed int       // how many of them are failures (Failed)
	Since  time.Time // when the first of them ran
	// Latest is the latest outcome, "" when the domain was never
	// checked; Failure the latest failing one among them, "" when none.
	Latest, Failure string
	LatestAt        time.Time

	// Streak counts the latest runs in a row whose outcome failed,
	// StreakDays the calendar days (UTC) they ran on, StreakSince when
	// the first of them ran.
	Streak, StreakDays int
	StreakSince        time.Time

	// FailedBefore is the latest run before the latest one whose outcome
	// failed, with that outcome; zero when there is none.
	FailedBefore        time.Time
	FailedBeforeOutcome string

	Bounces []Entry // its bounces recorded, latest first
}

// Domain sums up what the history says of domain, from its last n DNS
// outcomes (all kept when n <= 0) and its bounces: nothing of the file's
// unless domain was loaded (Load) or saved. Record the current run first
// for the summary to include it. Several goroutines may call it at once,
// as long as none loads, records or saves meanwhile.
func (h *History) Domain(domain string, n int) Summary {
	s := Summary{Domain: normDomain(domain)}
	// The records are gone through as they are held, 32 bytes without a
	// pointer, rather than as Entries: a list's every domain is summed up
	// at the end of its run.
	idx := h.domainRecords(s.Domain)
	var buf [MaxRuns + 2]record // a domain's DNS outcomes: a run's, on the stack
	dns := buf[:0]
	var bounces []record
	for _, i := range idx {
		if r := h.recs[i]; r.bounce {
			bounces = append(bounces, r)
		} else {
			dns = append(dns, r)
		}
	}
	slices.SortStableFunc(dns, func(a, b record) int { return cmp.Compare(b.run, a.run) })
	slices.SortStableFunc(bounces, func(a, b record) int { return cmp.Compare(b.at, a.at) })
	for _, r := range bounces {
		s.Bounces = append(s.Bounces, h.entry(r))
	}
	if len(dns) == 0 {
		return s
	}
	outcome := func(r record) string { return h.texts[r.outcome] }
	s.Latest, s.LatestAt = outcome(dns[0]), timeOf(dns[0].run)
	for _, r := range dns[1:] {
		if Failed(outcome(r)) {
			s.FailedBefore, s.FailedBeforeOutcome = timeOf(r.run), outcome(r)
			break
		}
	}
	// The streak's runs are latest first: the runs of one day follow
	// each other.
	lastDay := int64(math.MinInt64)
	for _, r := range dns {
		if !Failed(outcome(r)) {
			break
		}
		s.Streak++
		s.StreakSince = timeOf(r.run)
		if d := dayNumber(r.run); d != lastDay {
			s.StreakDays++
			lastDay = d
		}
	}
	if n > 0 && len(dns) > n {
		dns = dns[:n]
	}
	s.Runs, s.Since = len(dns), timeOf(dns[len(dns)-1].run)
	for _, r := range dns {
		if Failed(outcome(r)) {
			if s.Failed == 0 {
				s.Failure = outcome(r)
			}
			s.Failed++
		}
	}
	return s
}

// dayNumber is the calendar day (UTC) of a time in Unix nanoseconds, as
// the days since 1970-01-01.
func dayNumber(nanos int64) int64 {
	const nanosADay = int64(24 * time.Hour)
	d := nanos / nanosADay
	if nanos%nanosADay < 0 {
		d--
	}
	return d
}

// Persistent reports whether the domain's lookups have kept failing
// without saying it does not exist: a dns_error or a bad_mx in every one
// of its latest runs, at least two, on at least two days (a server that
// answered badly for an hour is not a persistent failure).
func (s Summary) Persistent() bool {
	return (s.Latest == OutcomeDNSError || s.Latest == OutcomeBadMX) && s.Streak >= 2 && s.StreakDays >= 2
}

// Recovered reports whether the domain routes mail now after failing in
// an earlier run.
func (s Summary) Recovered() bool {
	return Routes(s.Latest) && !s.FailedBefore.IsZero()
}

// Describe says what is worth knowing of the domain's history, in the
// words the summary and the detail pane show; "" when there is nothing
// beyond the latest run:
//
//	nxdomain in 3 of the last 3 runs since 2026-10-02
//	dns_error in each of the last 2 runs since 2026-10-01, persistent
//	routes mail now; bad_mx on 2026-10-02
//	2 bounces with 5.4.4, the last on 2026-09-30
func (s Summary) Describe() string {
	var parts []string
	switch {
	case s.Recovered():
		parts = append(parts, fmt.Sprintf("routes mail now; %s on %s", s.FailedBeforeOutcome, day(s.FailedBefore)))
	case s.Persistent():
		parts = append(parts, fmt.Sprintf("%s in each of the last %d runs since %s, persistent", s.Latest, s.Streak, day(s.StreakSince)))
	case s.Failed >= 2:
		parts = append(parts, fmt.Sprintf("%s in %d of the last %d runs since %s", s.Failure, s.Failed, s.Runs, day(s.Since)))
	}
	if len(s.Bounces) > 0 {
		codes := map[string]bool{}
		var list []string
		for _, b := range s.Bounces {
			if !codes[b.Outcome] {
				codes[b.Outcome] = true
				list = append(list, b.Outcome)
			}
		}
		noun := "bounces"
		if len(s.Bounces) == 1 {
			noun = "bounce"
		}
		parts = append(parts, fmt.Sprintf("%d %s with %s, the last on %s", len(s.Bounces), noun, strings.Join(list, ", "), day(s.Bounces[0].At)))
	}
	return strings.Join(parts, "; ")
}

// day writes t's date.
func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }
