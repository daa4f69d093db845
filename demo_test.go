package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/listclean/listclean/cleaner"
)

// demoRows is the number of data rows of testdata/subscribers.csv.
const demoRows = 216

// demoRun cleans a copy of the bundled demo list against the demo zone, as
// the README's batch command does, and returns the report.
func demoRun(t *testing.T, flags ...string) []cleaner.ReportRow {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "subscribers.csv")
	data, err := os.ReadFile("testdata/subscribers.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.csv")
	args := append([]string{"-batch", "-zone", "testdata/demo.zone", "-report", report}, ownHistory(t, flags)...)
	var stderr bytes.Buffer
	if code := run(append(args, in), &stderr); code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr.String())
	}
	rows, err := cleaner.ReadReport(report)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The demo list's expected outcome, as testdata/README.md documents it.
func TestDemoList(t *testing.T) {
	rows := demoRun(t)
	verdicts := map[string]int{}
	actions := map[string]int{}
	for _, r := range rows {
		verdicts[r.Verdict]++
		actions[r.Action]++
	}
	want := map[string]int{"valid": 151, "risky": 9, "invalid": 49, "unknown": 3, "duplicate": 4}
	for v, n := range want {
		if verdicts[v] != n {
			t.Errorf("%d rows %s, want %d (all: %v)", verdicts[v], v, n, verdicts)
		}
	}
	if actions["keep"] != 163 || actions["remove"] != 53 || actions["fix"] != 0 {
		t.Errorf("actions %v, want 163 keep and 53 remove", actions)
	}
	suggestions := []struct {
		row                int
		reason, suggestion string
	}{
		{4, "bad_domain", "bethan.cartwright10@yahoo.co.uk"},
		{21, "syntax", "keisha.brooks@gmail.com"},
		{57, "typo_suspect", "harper_pruitt@gmail.com"},
		{71, "nxdomain", "brandon93@outlook.com"},
		{81, "nxdomain", "minh.tran@northwindtraders.com"},
		{90, "nxdomain", "jack04@hotmail.com"},
		{133, "bad_domain", "brooke.vasquez@fabrikam.com"},
		{160, "syntax", "gary.reynolds@aol.com"},
		{183, "bad_domain", "oliver.ashworth@gmail.com"},
		{205, "bad_domain", "minji.kim@naver.com"},
		{206, "bad_domain", "laura_fischer@t-online.de"},
		{207, "bad_domain", "hall.robert@northwindtraders.com"},
		{208, "nxdomain", "sergei.orlov@gmail.com"},
		{209, "nxdomain", "jonas.weber@gmx.de"},
		{210, "typo_suspect", "mary.oconnell@hotmail.com"},
		{211, "ok", ""},
		{212, "role", ""},
		{213, "role", ""},
		{214, "disposable", ""},
		{216, "duplicate", ""},
	}
	for _, s := range suggestions {
		r := rows[s.row-1]
		if r.Reason != s.reason || r.Suggestion != s.suggestion {
			t.Errorf("row %d %q: %s %q, want %s %q", s.row, r.Email, r.Reason, r.Suggestion, s.reason, s.suggestion)
		}
	}
	// A row whose domain failed in DNS says why in its detail; the
	// server's port changes from run to run.
	details := []struct {
		row            int
		reason, detail string
	}{
		{15, "dns_error", "MX lookup: 127.0.0.1:*: server answered SERVFAIL (3 attempts)"},
		{37, "bad_mx", "MX 10 localhost: invalid"},
		{70, "bad_mx", "MX 10 mx1.summitoutdoor-mail.net: nxdomain, MX 20 mx2.summitoutdoor-mail.net: nxdomain"},
		{195, "bad_mx", "MX 10 mail.pinecrestdental.com: no_address"},
		{71, "nxdomain", ""},
		{1, "ok", ""},
	}
	port := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	for _, d := range details {
		r := rows[d.row-1]
		if got := port.ReplaceAllString(r.Detail, "127.0.0.1:*"); r.Reason != d.reason || got != d.detail {
			t.Errorf("row %d %q: %s, detail %q; want %s, detail %q", d.row, r.Email, r.Reason, r.Detail, d.reason, d.detail)
		}
	}
}

// With -fix, a corrected address that repeats an earlier row goes to the
// removed file as a duplicate, and every row is still accounted for.
func TestDemoListFix(t *testing.T) {
	rows := demoRun(t, "-fix")
	actions := map[string]int{}
	for _, r := range rows {
		actions[r.Action]++
	}
	if actions["keep"]+actions["fix"]+actions["remove"] != demoRows || actions["fix"] == 0 {
		t.Errorf("actions %v for %d rows", actions, demoRows)
	}
	if r := rows[155]; r.Action != "remove" || r.Reason != "duplicate" {
		t.Errorf("row 156 %q, fixed to an address of row 72: %s %s, want remove as duplicate", r.Email, r.Action, r.Reason)
	}
	for _, n := range []int{71, 183, 205, 208} {
		if r := rows[n-1]; r.Action != "fix" {
			t.Errorf("row %d %q: %s, want fix", n, r.Email, r.Action)
		}
	}
	// A typo suspect's own domain routes: -fix leaves it as it is.
	for _, n := range []int{57, 89, 210} {
		if r := rows[n-1]; r.Action != "keep" || r.Reason != "typo_suspect" {
			t.Errorf("row %d %q: %s %s, want keep typo_suspect", n, r.Email, r.Action, r.Reason)
		}
	}
}

// With -fix-suspects as well, the typo suspects are corrected too, and
// nothing else changes.
func TestDemoListFixSuspects(t *testing.T) {
	fix := demoRun(t, "-fix")
	both := demoRun(t, "-fix", "-fix-suspects")
	for i := range both {
		want := fix[i].Action
		if fix[i].Reason == "typo_suspect" {
			want = "fix"
		}
		if both[i].Action != want {
			t.Errorf("row %d %q (%s): %s with -fix-suspects, want %s", i+1, both[i].Email, both[i].Reason, both[i].Action, want)
		}
	}
	if r := both[56]; r.Action != "fix" || r.Suggestion != "harper_pruitt@gmail.com" {
		t.Errorf("row 57 %q: %s %q, want fix to harper_pruitt@gmail.com", r.Email, r.Action, r.Suggestion)
	}
}

// The demo list with the demo's suppression files (testdata/suppress), as
// testdata/README.md documents them: a hard bounce of a valid row and a
// 5.4.4 of a row whose domain does not exist are removed, with their code;
// an unsubscribe, a spam complaint and a bare listing are removed; a soft
// bounce and a block leave their rows kept.
func TestDemoListSuppress(t *testing.T) {
	rows := demoRun(t, "-suppress", "testdata/suppress", "-fix")
	verdicts := map[string]int{}
	for _, r := range rows {
		verdicts[r.Verdict]++
	}
	if verdicts["suppressed"] != 5 {
		t.Errorf("%d rows suppressed, want 5 (all: %v)", verdicts["suppressed"], verdicts)
	}
	tests := []struct {
		row            int
		reason, action string
		detail         string // its start
	}{
		{6, "hard_bounce", "remove", "hard_bounce 5.4.4 on "},
		{8, "hard_bounce", "remove", "hard_bounce 5.1.1 on "},
		{13, "ok", "keep", "soft_bounce 4.2.2 on "},
		{14, "ok", "keep", "rejected 5.7.1 on "},
		{18, "unsubscribed", "remove", "unsubscribed on 2026-02-14 (testdata/suppress/mailchimp_unsubscribed_members_export.csv, line 2)"},
		{19, "complaint", "remove", "complaint on 2026-02-16 (testdata/suppress/sendgrid_spam_reports.csv, line 2)"},
		{24, "listed", "remove", "listed (testdata/suppress/klaviyo_suppressed_profiles.csv, line 2)"},
	}
	for _, tt := range tests {
		r := rows[tt.row-1]
		if r.Reason != tt.reason || r.Action != tt.action || !strings.HasPrefix(r.Detail, tt.detail) {
			t.Errorf("row %d %q: %s %s %q, want %s %s %q…", tt.row, r.Email, r.Reason, r.Action, r.Detail, tt.reason, tt.action, tt.detail)
		}
	}
}
