package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/cleaner/history"
)

// TestMain keeps every test away from the user's own domain history. The
// UI only ever uses the history it is given (Options.History), but a test
// that went through main's way of finding one would land here.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "listclean-ui-history-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(3)
	}
	os.Setenv(history.EnvPath, filepath.Join(dir, "domains.csv"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testMailLog is a Postfix log about testList's rows (1-based): a hard
// bounce of row 1, whose diagnostic tries to drive the terminal, and a
// soft bounce of row 9, which is kept.
const testMailLog = "Mar  2 10:00:01 mail postfix/qmgr[1201]: 3F2A81234: from=<news@example.org>, size=4210, nrcpt=2 (queue active)\n" +
	"Mar  2 10:00:02 mail postfix/smtp[4242]: 3F2A81234: to=<ann@gmail.com>, relay=mx.gmail.com[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.gmail.com[192.0.2.10] said: 550 5.1.1 \x1b]0;pwned\x07The account does not exist\x1b[2J (in reply to RCPT TO command))\n" +
	"Mar  2 10:00:03 mail postfix/smtp[4243]: 3F2A81234: to=<fay@yahoo.com>, relay=mx.yahoo.com[192.0.2.11]:25, delay=2.1, delays=0.1/0/1.2/0.8, dsn=4.2.2, status=deferred (host mx.yahoo.com[192.0.2.11] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))\n"

// testUnsubscribes is an ESP's unsubscribe export: row 10.
const testUnsubscribes = "email,created\ngus@webonly.net,1767225600\n"

// writeEvidence writes the evidence files in a folder of their own and
// returns their paths.
func writeEvidence(t *testing.T) (mailLog, unsubs string) {
	t.Helper()
	dir := t.TempDir()
	mailLog, unsubs = filepath.Join(dir, "mail.log"), filepath.Join(dir, "unsubscribes.csv")
	for p, text := range map[string]string{mailLog: testMailLog, unsubs: testUnsubscribes} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return mailLog, unsubs
}

// evidenceOptions are Options with the evidence files read as -suppress
// reads them, and a domain history in which gmial.com failed yesterday.
func evidenceOptions(t *testing.T) (Options, string) {
	t.Helper()
	sp, err := cleaner.LoadSuppressions(writeEvidence(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "domains.csv")
	h, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	yesterday := time.Now().Add(-24 * time.Hour)
	h.RecordRun(yesterday, map[string]string{"gmial.com": "nxdomain"})
	if err := h.Save(yesterday); err != nil {
		t.Fatal(err)
	}
	if h, err = history.Open(path); err != nil {
		t.Fatal(err)
	}
	return Options{Suppressions: sp, History: h}, path
}

func TestReviewEvidenceTab(t *testing.T) {
	opt, histPath := evidenceOptions(t)
	tt := atReview(t, opt)
	s := tt.m.review.session
	for i, want := range map[int]cleaner.Reason{0: cleaner.ReasonHardBounce, 5: cleaner.ReasonHardBounce, 8: cleaner.ReasonOK, 9: cleaner.ReasonUnsubscribed} {
		if got := s.Rows[i].Reason(); got != want {
			t.Errorf("row %d: %s, want %s", i+1, got, want)
		}
	}
	fs := tt.m.review.filters
	if len(fs) < 2 || fs[1].label() != "in suppression files" || !slices.Equal(fs[1].rows, []int{0, 5, 8, 9}) {
		t.Fatalf("second tab %q %v, want the rows the files name, [0 5 8 9]", fs[1].label(), fs[1].rows)
	}
	if v := tt.view(); !strings.Contains(v, "in suppression files 4") {
		t.Errorf("the tabs lack the evidence tab:\n%s", v)
	}

	tt.press("tab", "enter") // the evidence tab, details of its first row
	checkSafe(t, tt, "the hard bounce's details",
		"row 1 · ann@gmail.com", "Verdict   suppressed: hard bounced before",
		"Evidence  hard_bounce 5.1.1 on 2026-03-02 (", "mail.log, line",
		`said: 550 5.1.1 \x1b]0;pwned\aThe`, "The account does not", "Export    Row 1 will be removed: hard bounced before (the default until you decide)")
	tt.press("down", "down") // row 9: a soft bounce, kept
	checkSafe(t, tt, "the soft bounce's details",
		"row 9 · fay@yahoo.com", "Verdict   deliverable (valid/ok)", "Evidence  soft_bounce 4.2.2 on", "Mailbox full",
		"Row 9 will be kept as it is")
	tt.press("down")
	checkSafe(t, tt, "the unsubscribe's details", "Verdict   suppressed: unsubscribed",
		"Evidence  unsubscribed on 2026-01-01 (", "unsubscribes.csv,")

	// The history: gmial.com failed yesterday and today.
	tt.press("esc", "shift+tab", "home", "down")
	tt.press("enter")
	checkSafe(t, tt, "a row of a domain that failed before",
		"row 2 · bob@gmial.com", "History   gmial.com: nxdomain in 2 of the last 2 runs since")
	if v := ansi.Strip(tt.m.summary.view()); !strings.Contains(v, "Suppression files: 2 files, 3 records · 3 addresses on the list (4 rows)") ||
		!strings.Contains(v, "Domain history: 1 domain failed in earlier runs too") {
		t.Errorf("the summary does not count the evidence and the history:\n%s", v)
	}

	// The run was recorded and saved: domains only.
	data, err := os.ReadFile(histPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "gmial.com,dns,nxdomain"); n != 2 {
		t.Errorf("the history holds %d runs of gmial.com, want 2:\n%s", n, data)
	}
	if strings.Contains(string(data), "@") {
		t.Errorf("the history holds an address:\n%s", data)
	}
}

func TestReviewEditRefusesSuppressedAddress(t *testing.T) {
	opt, _ := evidenceOptions(t)
	tt := atReview(t, opt)
	tt.press("e", "ctrl+u") // row 2
	tt.typeText("ANN@gmail.com")
	tt.press("enter")
	if _, ok := tt.m.review.session.Decision(1); ok {
		t.Error("an address of the suppression files was recorded as a fix")
	}
	if !tt.m.review.typing() || !strings.Contains(tt.view(), "hard bounced before in your suppression files") {
		t.Errorf("the editor does not say why:\n%s", tt.view())
	}
}

// TestOpenAddsEvidence adds and drops suppression files on the open
// screen, refuses a file that is not one, and refuses to clean a file
// added as evidence.
func TestOpenAddsEvidence(t *testing.T) {
	mailLog, unsubs := writeEvidence(t)
	dir := filepath.Dir(mailLog)
	for name, text := range map[string]string{"list.csv": testList, "notes.txt": "Send the newsletter on Monday.\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	tt := newTester(t, Options{Checker: &fakeChecker{}}, 100, 30)
	if v := tt.view(); !strings.Contains(v, "s on a log, an ESP export or a folder of bounces adds it") ||
		!strings.Contains(v, "s add/drop bounce file") {
		t.Errorf("the open screen does not say how to add evidence:\n%s", v)
	}
	tt.press("tab") // a mail log is not a list: show every file
	highlight := func(name string) {
		t.Helper()
		tt.press("home")
		for range 5 {
			if filepath.Base(tt.m.open.picker.HighlightedPath()) == name {
				return
			}
			tt.press("down")
		}
		t.Fatalf("%s is not in the picker:\n%s", name, tt.view())
	}

	highlight("mail.log")
	tt.press("s")
	checkSafe(t, tt, "mail.log added", "Suppression files: mail.log (2 records)")
	tt.press("s")
	checkSafe(t, tt, "mail.log dropped", "s on a log, an ESP export or a folder of bounces adds it")
	highlight("notes.txt")
	tt.press("s")
	checkSafe(t, tt, "notes.txt refused", "Could not use it as suppression evidence", "notes.txt: not a")
	highlight("mail.log")
	tt.press("s")
	highlight(filepath.Base(unsubs))
	tt.press("s")
	checkSafe(t, tt, "both added", "Suppression files: mail.log (2 records), unsubscribes.csv (1 record)")
	tt.press("enter")
	checkSafe(t, tt, "evidence picked as the list", "unsubscribes.csv is added as suppression evidence, not a list to clean")
	if tt.m.current != tt.m.open {
		t.Fatalf("screen %q, want the open screen still", tt.m.current.name())
	}

	highlight("list.csv")
	tt.press("enter", "enter") // open, then check
	if tt.m.current != tt.m.summary {
		t.Fatalf("screen %q, want the summary", tt.m.current.name())
	}
	checkSafe(t, tt, "the summary", "Suppression files: 2 files, 3 records · 3 addresses on the list (4 rows)")
	if got := tt.m.review.session.Rows[9].Reason(); got != cleaner.ReasonUnsubscribed {
		t.Errorf("row 10: %s, want unsubscribed", got)
	}
}

// TestProgramSuppression goes through the whole program with evidence
// from -suppress: the summary counts it, the review has its tab, and the
// detail pane shows it, at 80x24.
func TestProgramSuppression(t *testing.T) {
	opt, _ := evidenceOptions(t)
	opt.Path = writeList(t, testList)
	opt.Checker = newDNS(t)
	term := startProgram(t, opt, 80, 24)
	term.waitFor("Columns")
	term.press("enter")
	term.waitFor("Summary", "suppressed", "hard bounced before", "Suppression files: 2 files, 3 records · 3 addresses on the list")
	term.press("enter")
	term.waitFor("all flagged", "in suppression files 4")
	term.press("tab")
	term.press("enter")
	term.waitFor("row 1 · ann@gmail.com", "Evidence  hard_bounce 5.1.1 on 2026-03-02", "mail.log, line 2)", `\x1b]0;pwned\aThe`)
	if strings.Contains(term.last, "\x1b]0;pwned") || strings.Contains(term.last, "\x1b[2J") {
		t.Error("an escape sequence from the mail log reached the terminal")
	}
	term.press("q")
	term.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestReviewPersistent: a dns_error that the history has seen over days is
// persistent; the detail pane and the summary say so, and with
// -drop-persistent the row is to be removed, for that reason.
func TestReviewPersistent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	h, err := history.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	twoDaysAgo := time.Now().Add(-48 * time.Hour)
	h.RecordRun(twoDaysAgo, map[string]string{"flaky-dns.org": "dns_error"})
	if err := h.Save(twoDaysAgo); err != nil {
		t.Fatal(err)
	}
	for _, drop := range []bool{false, true} {
		h, err := history.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		tt := atReview(t, Options{History: h, Policy: cleaner.Policy{DropPersistent: drop}})
		if !tt.m.review.session.Rows[4].Persistent {
			t.Fatalf("drop %v: row 5 (flaky-dns.org) is not persistent", drop)
		}
		decision, summary := "Row 5 will be kept as it is (the default", "1 row's DNS failure persists across runs: kept (the export screen can remove them)"
		if drop {
			decision = "Row 5 will be removed: DNS check failed: its DNS failure persists across runs"
			summary = "1 row's DNS failure persists across runs: removed, as the export screen says"
		}
		if v := ansi.Strip(tt.m.summary.view()); !strings.Contains(v, summary) {
			t.Errorf("drop %v: the summary lacks %q:\n%s", drop, summary, v)
		}
		tt.press("down", "down", "down", "enter") // row 5
		checkSafe(t, tt, fmt.Sprintf("drop %v", drop), "row 5 · eve@flaky-dns.org",
			"History   flaky-dns.org: dns_error in each of the last", ", persistent", decision)
	}
}
