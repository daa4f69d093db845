package cleaner

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/listclean/listclean/cleaner/history"
	"github.com/listclean/listclean/cleaner/suppression"
	"github.com/listclean/listclean/resolver"
)

// sessionEvidence is what a marketer's ESP exports say of sessionList's
// addresses: (1-based rows) a hard bounce of the valid row 1, which row 13
// repeats in other capitals; a 5.4.4 of row 6, whose domain does not
// exist; a hard bounce of row 9, a typo whose suggestion is kept; a soft
// bounce of row 2 and a block of row 15, which stay details; the
// unsubscribe of row 8, a typo suspect whose suggestion goes; a complaint
// of row 16, a bare listing of row 17, and addresses not on the list.
var sessionEvidence = map[string]string{
	"sendgrid_bounces.csv": "email,created,status,reason\n" +
		"Jo@GOOD.com,1767225600,5.1.1,550 5.1.1 The email account that you tried to reach does not exist\n" +
		"a@gone.com,1767312000,5.4.4,550 5.4.4 Unable to route: gone.com has no MX record\n" +
		"b@hotmial.com,1767312000,5.1.2,550 5.1.2 Host or domain name not found\n" +
		"a@aonly.com,1767398400,4.2.2,452 4.2.2 Mailbox over quota\n" +
		"stranger@good.com,1767398400,5.1.1,550 5.1.1 User unknown\n",
	"sendgrid_blocks.csv": "email,created,reason,status\n" +
		"f@northwindtraders.com,1767225600,554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using zen.spamhaus.org,5.7.1\n",
	"sendgrid_unsubscribes.csv":       "email,created\na@gmial.com,1767225600\n",
	"sendgrid_spam_reports.csv":       "email,created,ip\ng@northwindtraders.com,1767225600,198.51.100.7\n",
	"klaviyo_suppressed_profiles.csv": "Email\nh@northwindtraders.com\nnobody@elsewhere.org\n",
}

// loadEvidence reads the evidence files as Load would.
func loadEvidence(t *testing.T, files map[string]string) *Suppressions {
	t.Helper()
	var fs suppression.Files
	for _, name := range []string{"sendgrid_bounces.csv", "sendgrid_blocks.csv", "sendgrid_unsubscribes.csv",
		"sendgrid_spam_reports.csv", "klaviyo_suppressed_profiles.csv"} {
		f, err := suppression.Read(strings.NewReader(files[name]), name)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return NewSuppressions(fs)
}

func TestSessionSuppressed(t *testing.T) {
	s := NewSession(readString(t, sessionList), true)
	s.Suppress(loadEvidence(t, sessionEvidence))
	s.Check(t.Context(), startChecker(t, sessionZone), nil)

	tests := []struct {
		row        int // 0-based
		reason     Reason
		suggestion string
		evidence   bool
		detail     string // the start of Detail
	}{
		{0, ReasonHardBounce, "", true, "hard_bounce 5.1.1 on 2026-01-01 (sendgrid_bounces.csv, line 2)"},
		{1, ReasonImplicitMX, "", true, "soft_bounce 4.2.2 on 2026-01-03 (sendgrid_bounces.csv, line 5)"},
		{4, ReasonBadMX, "", false, "MX 10 mx.nowhere-hosting.net: nxdomain"},
		{5, ReasonHardBounce, "", true, "hard_bounce 5.4.4 on 2026-01-02"},
		{6, ReasonDNSError, "", false, "MX lookup: 127.0.0.1:"},
		{7, ReasonUnsubscribed, "", true, "unsubscribed on 2026-01-01 (sendgrid_unsubscribes.csv, line 2)"},
		{8, ReasonHardBounce, "b@hotmail.com", true, "hard_bounce 5.1.2"},
		{12, ReasonHardBounce, "", true, "hard_bounce 5.1.1"}, // repeats row 1
		{14, ReasonOK, "", true, "rejected 5.7.1"},
		{15, ReasonComplaint, "", true, "complaint on 2026-01-01"},
		{16, ReasonListed, "", true, "listed (klaviyo_suppressed_profiles.csv, line 2)"},
		{17, ReasonOK, "", false, ""},
	}
	for _, tt := range tests {
		r := s.Rows[tt.row]
		if r.Reason() != tt.reason || s.Suggestion(tt.row) != tt.suggestion || r.Evidence != tt.evidence {
			t.Errorf("row %d %q: %s %q evidence %v, want %s %q %v", tt.row+1, r.Addr().Raw,
				r.Reason(), s.Suggestion(tt.row), r.Evidence, tt.reason, tt.suggestion, tt.evidence)
		}
		if d := s.Detail(tt.row); !strings.HasPrefix(d, tt.detail) || (tt.detail == "") != (d == "") {
			t.Errorf("row %d: detail %q, want it to start with %q", tt.row+1, d, tt.detail)
		}
		if got := len(s.Evidence(tt.row)) > 0; got != tt.evidence {
			t.Errorf("row %d: Evidence gives records: %v, want %v", tt.row+1, got, tt.evidence)
		}
	}
	if s.Rows[12].DupOf != 0 {
		t.Errorf("row 13 no longer repeats row 1: DupOf %d", s.Rows[12].DupOf)
	}

	// The policy removes every suppressed row, -fix or not.
	for _, p := range []Policy{{}, {Fix: true, DropRisky: true}} {
		pl := s.Plan(p)
		for i := range s.Rows {
			if o := pl.Outcome(i); o.Verdict == VerdictSuppressed && o.Action != ActionRemove {
				t.Errorf("policy %+v: suppressed row %d: %s", p, i+1, o.Action)
			}
		}
	}

	sum := s.Summarize()
	want := SuppressionCount{Files: 5, Records: 10, Addresses: 10, Matched: 8, Rows: 9}
	if sum.Suppression != want {
		t.Errorf("Suppression = %+v, want %+v", sum.Suppression, want)
	}
	if sum.ByVerdict[VerdictSuppressed] != 7 || sum.ByReason[ReasonHardBounce] != 4 || sum.ByVerdict[VerdictDuplicate] != 0 {
		t.Errorf("counts %v %v", sum.ByVerdict, sum.ByReason)
	}
	var b bytes.Buffer
	if err := sum.WriteText(&b, 10, time.Second); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"  suppressed       7\n    hard_bounce          4  hard bounced before\n    unsubscribed         1  unsubscribed\n    complaint            1  marked as spam\n    listed               1  on a suppression list\n",
		"  invalid          7  cannot receive mail\n    syntax               2  not an email address\n",
		"1 row is unknown (DNS errors or not checked): kept, not removed\n",
		"Suppression files: 5 files, 10 records about 10 addresses; 8 addresses on the list (9 rows)\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("summary lacks %q:\n%s", line, b.String())
		}
	}

	// The removed file and the report give the evidence.
	dir := t.TempDir()
	opt := ExportOptions{Paths: ExportPaths{Cleaned: filepath.Join(dir, "c.csv"), Removed: filepath.Join(dir, "r.csv"), Report: filepath.Join(dir, "rep.csv")}}
	if _, err := s.Export(opt); err != nil {
		t.Fatal(err)
	}
	removed := readCSVFile(t, opt.Paths.Removed)
	if got := removed[1]; !slices.Equal(got, []string{"jo@good.com", "valid", "suppressed", "hard_bounce", "",
		"hard_bounce 5.1.1 on 2026-01-01 (sendgrid_bounces.csv, line 2)"}) {
		t.Errorf("removed row 1: %q", got)
	}
	report, err := ReadReport(opt.Paths.Report)
	if err != nil {
		t.Fatal(err)
	}
	if r := report[14]; r.Action != "keep" || r.Reason != "ok" || !strings.HasPrefix(r.Detail, "rejected 5.7.1 on 2026-01-01") {
		t.Errorf("report row 15, blocked once: %+v", r)
	}

	// An edited address is judged by the evidence too.
	if r := s.Judge("jo@good.com"); r.Reason() != ReasonHardBounce {
		t.Errorf("Judge of a hard-bounced address: %s", r.Reason())
	}
}

// TestRemember runs the history of two earlier days and this one: a
// domain that has failed since, one that failed with dns_error each time,
// one that routes again, and one known from its bounces only.
func TestRemember(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	day1 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	h, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h.RecordRun(day1, map[string]string{"gone.com": "nxdomain", "flaky.com": "dns_error", "good.com": "bad_mx"})
	if err := h.Save(day1); err != nil {
		t.Fatal(err)
	}

	s := NewSession(readString(t, sessionList), true)
	s.Suppress(loadEvidence(t, sessionEvidence))
	s.Check(t.Context(), startChecker(t, sessionZone), nil)
	if h, err = history.Open(path); err != nil {
		t.Fatal(err)
	}
	s.Remember(h, day2)

	want := []DomainHistory{
		{Domain: "flaky.com", Outcome: "dns_error", Note: "dns_error in each of the last 2 runs since 2026-10-01, persistent", Persistent: true, Failing: true},
		{Domain: "gone.com", Outcome: "nxdomain", Note: "nxdomain in 2 of the last 2 runs since 2026-10-01; 1 bounce with 5.4.4, the last on 2026-01-02", Failing: true},
		{Domain: "good.com", Outcome: "ok", Note: "routes mail now; bad_mx on 2026-10-01", Recovered: true},
		{Domain: "hotmial.com", Outcome: "nxdomain", Note: "1 bounce with 5.1.2, the last on 2026-01-02"},
	}
	sum := s.Summarize()
	if len(sum.History) != len(want) {
		t.Fatalf("History = %+v, want %+v", sum.History, want)
	}
	for i := range want {
		if sum.History[i] != want[i] {
			t.Errorf("History[%d] = %+v, want %+v", i, sum.History[i], want[i])
		}
	}
	if !s.Rows[6].Persistent || sum.Persistent != 1 {
		t.Errorf("row 7 (flaky.com) persistent %v, summary %d", s.Rows[6].Persistent, sum.Persistent)
	}
	if d := s.Detail(6); !regexp.MustCompile(`^MX lookup: 127\.0\.0\.1:\d+: server answered SERVFAIL \(2 attempts\); dns_error in each of the last 2 runs since 2026-10-01, persistent$`).MatchString(d) {
		t.Errorf("row 7 detail %q, want the failure, then the history", d)
	}
	if got := s.Plan(Policy{DropPersistent: true}).Outcome(6).Action; got != ActionRemove {
		t.Errorf("row 7 with DropPersistent: %s", got)
	}
	if got := s.Plan(Policy{}).Outcome(6).Action; got != ActionKeep {
		t.Errorf("row 7 without DropPersistent: %s", got)
	}
	var b bytes.Buffer
	if err := sum.WriteText(&b, 10, time.Second); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"Domain history (earlier runs and bounce files):\n  flaky.com                        dns_error   dns_error in each of the last 2 runs since 2026-10-01, persistent\n",
		"  good.com                         ok          routes mail now; bad_mx on 2026-10-01\n",
		"1 row is kept as unknown at domains whose dns_error persists across runs (-drop-persistent removes them)\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("summary lacks %q:\n%s", line, b.String())
		}
	}

	// The run is recorded: domains only, never an address.
	if err := h.Save(day2); err != nil {
		t.Fatal(err)
	}
	if h, err = history.Open(path); err != nil {
		t.Fatal(err)
	}
	if err := h.Load([]string{"northwindtraders.com", "gmail.com", "gone.com"}); err != nil {
		t.Fatal(err)
	}
	if sm := h.Domain("northwindtraders.com", 0); sm.Runs != 1 || sm.Latest != "ok" {
		t.Errorf("northwindtraders.com: %+v", sm)
	}
	if sm := h.Domain("gmail.com", 0); sm.Runs != 0 {
		t.Errorf("a candidate correction, not a domain of the list, was recorded: %+v", sm)
	}
	if sm := h.Domain("gone.com", 0); len(sm.Bounces) != 1 || sm.Bounces[0].Outcome != "5.4.4" {
		t.Errorf("gone.com's bounce: %+v", sm)
	}
	if data, err := os.ReadFile(path); err != nil || bytes.Contains(data, []byte("@")) {
		t.Errorf("the history holds an address (%v):\n%s", err, data)
	}
}

// TestRememberUnreadableHistory: a history whose first line is its header
// but a later line is not an entry fails to load while the list is
// checked. The run then goes as without a history, as the warning of the
// command says: nothing read back of the run's own bounces or outcomes
// either, in the summary, the details or the policy.
func TestRememberUnreadableHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	day1 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	h, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h.RecordRun(day1, map[string]string{"gone.com": "nxdomain", "flaky.com": "dns_error"})
	if err := h.Save(day1); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("yesterday,gone.com,dns,ok,yesterday\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()

	s := NewSession(readString(t, sessionList), true)
	s.Suppress(loadEvidence(t, sessionEvidence))
	if h, err = history.Open(path); err != nil {
		t.Fatal(err)
	}
	s.CheckAndRemember(t.Context(), startChecker(t, sessionZone), nil, h, day1.Add(48*time.Hour))
	if h.Err() == nil {
		t.Fatal("the spoilt history was read")
	}
	if sum := s.Summarize(); len(sum.History) != 0 || sum.Persistent != 0 {
		t.Errorf("a history that could not be read says %+v (%d persistent)", sum.History, sum.Persistent)
	}
	for i := range s.Rows {
		if d := s.Detail(i); strings.Contains(d, "bounce with") || strings.Contains(d, " runs") {
			t.Errorf("row %d detail %q quotes a history that could not be read", i+1, d)
		}
	}
}

// TestJudgeAndRemember: judging while the history is read gives what
// judging, then remembering, gives: the same rows, details and summary,
// for a list of enough rows and domains to be judged and summed up on
// several goroutines. Run with -race, it also looks for a data race
// between judging and reading the history.
func TestJudgeAndRemember(t *testing.T) {
	var b strings.Builder
	b.WriteString("email\n")
	const domains = 3000
	for i := range 20 * domains {
		fmt.Fprintf(&b, "user%d@domain%d.com\n", i, i%domains)
	}
	status := func(k int) resolver.Status {
		return []resolver.Status{resolver.StatusOK, resolver.StatusNXDomain, resolver.StatusDNSError, resolver.StatusBadMX, resolver.StatusImplicitMX}[k%5]
	}
	path := filepath.Join(t.TempDir(), "domains.csv")
	day1 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	h, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for day := range 2 {
		outcomes := map[string]string{}
		for k := range domains {
			outcomes[fmt.Sprintf("domain%d.com", k)] = string(status(k + day*k%3))
		}
		h.RecordRun(day1.AddDate(0, 0, day), outcomes)
	}
	if err := h.Save(day1.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	judged := func(together bool) *Session {
		s := NewSession(readString(t, b.String()), true)
		for k, d := range s.domains {
			s.Apply(resolver.Result{Domain: d, Status: status(k)})
		}
		h, err := history.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if together {
			s.JudgeAndRemember(h, day1.AddDate(0, 0, 2))
		} else {
			s.JudgeAll()
			s.Remember(h, day1.AddDate(0, 0, 2))
		}
		return s
	}
	want, got := judged(false), judged(true)
	if !reflect.DeepEqual(got.Summarize(), want.Summarize()) {
		t.Errorf("summary %+v, want %+v", got.Summarize(), want.Summarize())
	}
	if len(want.histories) == 0 || len(want.persistent) == 0 {
		t.Fatalf("the history says nothing of the list: %d notes, %d persistent", len(want.notes), len(want.persistent))
	}
	type judgement struct {
		reason                             Reason
		persistent, evidence, suggestRoute bool
		suggestion, detail                 string
	}
	of := func(s *Session, i int) judgement {
		r := s.Rows[i]
		return judgement{r.Reason(), r.Persistent, r.Evidence, r.SuggestionRoutes, s.Suggestion(i), s.Detail(i)}
	}
	for i := range want.Rows {
		if g, w := of(got, i), of(want, i); g != w {
			t.Fatalf("row %d: %+v, want %+v", i, g, w)
		}
	}
}
