package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/resolver"
)

// The flagged rows of testList, 0-based, in list order.
var flagged = []int{1, 2, 3, 4, 5, 6, 7, 9}

func TestReviewListsFlaggedRows(t *testing.T) {
	tt := atReview(t, Options{})
	if got := tt.m.review.shown; !slices.Equal(got, flagged) {
		t.Fatalf("shown = %v, want %v", got, flagged)
	}
	v := tt.view()
	for _, want := range []string{"bob@gmial.com", "domain does not exist", "bob@gmail.com", "(remove)", "same as row 1", "(keep)"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "fay@yahoo.com") {
		t.Error("a valid row is listed")
	}
}

func TestReviewMovement(t *testing.T) {
	tt := atReview(t, Options{})
	steps := []struct {
		key  string
		want int // list row under the cursor
	}{
		{"down", 2}, {"ctrl+n", 3}, {"up", 2}, {"ctrl+p", 1},
		{"end", 9}, {"home", 1}, {"G", 9}, {"g", 1},
		{"pgdown", 9}, {"pgup", 1}, {"up", 1},
	}
	for _, s := range steps {
		tt.press(s.key)
		if got := tt.row(); got != s.want {
			t.Fatalf("after %s: row %d, want %d", s.key, got, s.want)
		}
	}
	tt.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if got := tt.row(); got != 4 {
		t.Errorf("after wheel down: row %d, want 4", got)
	}
	tt.send(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if got := tt.row(); got != 1 {
		t.Errorf("after wheel up: row %d, want 1", got)
	}
}

// TestReviewScrolls checks that only the rows on screen are drawn and that
// the cursor row stays among them.
func TestReviewScrolls(t *testing.T) {
	tt := atReview(t, Options{})
	tt.send(tea.WindowSizeMsg{Width: 80, Height: 10}) // room for 5 rows
	tt.press("end")
	v := tt.view()
	if !strings.Contains(v, "gus@webonly.net") || strings.Contains(v, "bob@gmial.com") {
		t.Errorf("at the end, the view should show the last rows only:\n%s", v)
	}
	if got := strings.Count(v, "\n") + 1; got != 10 {
		t.Errorf("view is %d lines, want 10", got)
	}
}

func TestReviewAccept(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("a")
	if d := tt.decision(1); d.Action != cleaner.ActionFix || d.Email != "bob@gmail.com" {
		t.Errorf("row 2 decision = %+v, want fix to bob@gmail.com", d)
	}
	if tt.row() != 2 {
		t.Errorf("cursor on row %d, want it moved on to 2", tt.row())
	}
	if !strings.Contains(tt.view(), "Row 2 will be corrected to bob@gmail.com") {
		t.Errorf("no confirmation in:\n%s", tt.view())
	}
	tt.press("down") // row 4: no suggestion
	tt.press("a")
	if _, ok := tt.m.review.session.Decision(3); ok {
		t.Error("accept recorded a decision on a row without suggestion")
	}
	if !strings.Contains(tt.view(), "has no suggestion") {
		t.Errorf("no refusal in:\n%s", tt.view())
	}
	if !tt.m.c.dirty {
		t.Error("decisions not marked as unexported")
	}
}

func TestReviewKeepRemove(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("k", "x")
	if d := tt.decision(1); d.Action != cleaner.ActionKeep {
		t.Errorf("row 2: %+v, want keep", d)
	}
	if d := tt.decision(2); d.Action != cleaner.ActionRemove {
		t.Errorf("row 3: %+v, want remove", d)
	}
	v := tt.view()
	if !strings.Contains(v, "keep") || !strings.Contains(v, "remove") {
		t.Errorf("decisions not shown:\n%s", v)
	}
}

func TestReviewUndo(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("k", "x")
	tt.press("u")
	if _, ok := tt.m.review.session.Decision(2); ok {
		t.Error("first undo left row 3 decided")
	}
	if tt.row() != 2 {
		t.Errorf("undo put the cursor on row %d, want 2 (the row undone)", tt.row())
	}
	tt.press("u")
	if _, ok := tt.m.review.session.Decision(1); ok {
		t.Error("second undo left row 2 decided")
	}
	tt.press("u")
	if !strings.Contains(tt.view(), "Nothing to undo") {
		t.Errorf("third undo: no message in:\n%s", tt.view())
	}
}

func TestReviewLike(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("L")
	if tt.m.review.session.Decided() != 0 || !tt.m.review.failed {
		t.Fatal("L on an undecided group decided something")
	}
	tt.press("a") // row 2 takes bob@gmail.com; the cursor moves to row 3
	tt.press("L") // row 3 is like row 2: gmial.com, nxdomain
	if d := tt.decision(2); d.Action != cleaner.ActionFix || d.Email != "carl@gmail.com" {
		t.Errorf("row 3 after L: %+v, want fix to its own suggestion carl@gmail.com", d)
	}
	if d := tt.decision(3); d.Action != "" {
		t.Errorf("row 4 (another domain) decided by L: %+v", d)
	}
	if v := tt.view(); !strings.Contains(v, "Correct 1 more row like row 2: at gmial.com (domain does not exist)") {
		t.Errorf("no confirmation:\n%s", v)
	}
	tt.press("u")
	if _, ok := tt.m.review.session.Decision(2); ok {
		t.Error("undo did not take back the bulk step")
	}
	if d := tt.decision(1); d.Action != cleaner.ActionFix {
		t.Error("undo of the bulk step took back the earlier decision too")
	}

	// Syntax errors have no domain: they are not alike.
	tt.press("end", "up", "up", "x") // row 7, not-an-email
	tt.press("L")
	if _, ok := tt.m.review.session.Decision(7); ok || !strings.Contains(tt.view(), "this address has none") {
		t.Errorf("L on a row without domain:\n%s", tt.view())
	}
}

func TestReviewEdit(t *testing.T) {
	fc := &fakeChecker{}
	tt := atReview(t, Options{Checker: fc})
	tt.press("down", "down") // row 4: dan@nowhere-at-all.com
	tt.press("e")
	if !tt.m.review.typing() {
		t.Fatal("e did not open the editor")
	}
	if got := tt.m.review.edit.Value(); got != "dan@nowhere-at-all.com" {
		t.Errorf("editor holds %q, want the address", got)
	}
	tt.press("ctrl+u")
	tt.typeText("dan@example.org")
	tt.press("enter")
	if !slices.Contains(fc.asked, "example.org") {
		t.Errorf("the new domain was not checked; asked %v", fc.asked)
	}
	if d := tt.decision(3); d.Action != cleaner.ActionFix || d.Email != "dan@example.org" {
		t.Errorf("row 4: %+v, want fix to dan@example.org", d)
	}
	if tt.m.review.typing() {
		t.Error("the editor stayed open")
	}
	if res, ok := tt.m.review.session.Result("example.org"); !ok || !res.Status.Routes() {
		t.Error("the new domain's result was not applied to the session")
	}
}

func TestReviewEditRefusesBouncingAddress(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("e", "ctrl+u")
	tt.typeText("bob@nowhere-at-all.com")
	tt.press("enter")
	if _, ok := tt.m.review.session.Decision(1); ok {
		t.Error("an address that bounces was recorded")
	}
	if !tt.m.review.typing() {
		t.Error("the editor closed on an address that bounces")
	}
	if !strings.Contains(tt.view(), "domain does not exist") {
		t.Errorf("no reason given:\n%s", tt.view())
	}
	tt.press("q") // a letter in the editor, not quit
	if tt.quit || tt.m.review.edit.Value() != "bob@nowhere-at-all.comq" {
		t.Errorf("q in the editor: quit=%v value=%q", tt.quit, tt.m.review.edit.Value())
	}
	tt.press("esc")
	if tt.m.review.typing() {
		t.Error("esc did not close the editor")
	}
	if _, ok := tt.m.review.session.Decision(1); ok {
		t.Error("esc recorded the edit")
	}
}

func TestReviewSearch(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("/")
	tt.typeText("GMIAL")
	if got := tt.m.review.shown; !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("search gmial: shown %v, want [1 2]", got)
	}
	tt.press("enter")
	if tt.m.review.typing() {
		t.Fatal("enter did not close the search")
	}
	tt.press("k") // a command again
	if d := tt.decision(1); d.Action != cleaner.ActionKeep {
		t.Errorf("k after the search: %+v", d)
	}
	tt.press("esc")
	if got := tt.m.review.shown; !slices.Equal(got, flagged) {
		t.Errorf("esc did not clear the search: %v", got)
	}
	tt.press("/")
	tt.typeText("no such thing")
	if len(tt.m.review.shown) != 0 || !strings.Contains(tt.view(), "No row matches") {
		t.Errorf("empty search result not shown:\n%s", tt.view())
	}
	tt.press("esc")
	if tt.m.review.query != "" || len(tt.m.review.shown) != len(flagged) {
		t.Error("esc in the search input did not clear it")
	}
}

func TestReviewFilters(t *testing.T) {
	tt := atReview(t, Options{})
	var labels []string
	for range tt.m.review.filters {
		labels = append(labels, tt.m.review.filters[tt.m.review.tab].label())
		tt.press("tab")
	}
	want := []string{"all flagged", "no mail server (MX)", "not an email address", "domain does not exist", "DNS check failed", "repeated address", "all rows"}
	if !slices.Equal(labels, want) {
		t.Fatalf("tabs = %q, want %q", labels, want)
	}
	if tt.m.review.tab != 0 {
		t.Error("tab did not wrap around")
	}
	tt.press("tab", "tab", "tab") // domain does not exist
	if got := tt.m.review.shown; !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("nxdomain filter shows %v", got)
	}
	tt.press("shift+tab")
	if got := tt.m.review.shown; !slices.Equal(got, []int{6, 7}) {
		t.Errorf("shift+tab: syntax filter shows %v", got)
	}
}

// TestReviewRoleAndDisposable: role and disposable addresses get a tab
// each, and the detail pane says why they matter.
func TestReviewRoleAndDisposable(t *testing.T) {
	list := "email\nann@gmail.com\ninfo@contoso.com\nanna@mailinator.com\nSupport+x@contoso.com\n"
	tt := atReview(t, Options{Path: writeList(t, list)})
	tt.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	var labels []string
	for _, f := range tt.m.review.filters {
		labels = append(labels, f.label())
	}
	if want := []string{"all flagged", "disposable address", "role address", "all rows"}; !slices.Equal(labels, want) {
		t.Fatalf("tabs = %q, want %q", labels, want)
	}
	tt.press("tab") // disposable address
	tt.press("enter")
	if v := tt.view(); !strings.Contains(v, "row 3 · anna@mailinator.com") || !strings.Contains(v, "expires") {
		t.Errorf("details of the disposable address:\n%s", v)
	}
	tt.press("tab") // role address
	if got := tt.m.review.shown; !slices.Equal(got, []int{1, 3}) {
		t.Errorf("role filter shows %v, want rows 2 and 4", got)
	}
	if v := tt.view(); !strings.Contains(v, "row 2 · info@contoso.com") || !strings.Contains(v, "Mailchimp refuses") || !strings.Contains(v, "Row 2 will be kept as it is") {
		t.Errorf("details of the role address:\n%s", v)
	}
}

func TestReviewDetails(t *testing.T) {
	tt := atReview(t, Options{})
	tt.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	tt.press("enter")
	v := tt.view()
	for _, want := range []string{"row 2 · bob@gmial.com", "550 5.4.4 Unable to route", "Advice", "bob@gmail.com (gmail.com accepts mail)",
		"Row 2 will be removed: domain does not exist (the default until you decide)", "Row       name: Bob",
		"gmial.com: nxdomain", "MX gmial.com → NXDOMAIN · 1 attempt"} {
		if !strings.Contains(v, want) {
			t.Errorf("details lack %q:\n%s", want, v)
		}
	}
	tt.press("down", "down", "down") // row 5, dns_error
	v = tt.view()
	for _, want := range []string{"451 4.4.3", "SERVFAIL after 3 attempts", "3 attempts", "Row 5 will be kept as it is"} {
		if !strings.Contains(v, want) {
			t.Errorf("dns_error details lack %q:\n%s", want, v)
		}
	}
	tt.press("enter")
	if strings.Contains(tt.view(), "Advice") {
		t.Error("enter did not close the details")
	}
}

// TestReviewDNSEvidence: the detail pane's DNS lines name each MX host
// and the failure in the words the report's detail gives them
// (Session.Detail), with a server's control characters shown as escapes.
func TestReviewDNSEvidence(t *testing.T) {
	const servfail = "MX lookup: 127.0.0.1:53: server answered SERVFAIL (3 attempts)"
	tests := []struct {
		res    resolver.Result
		lines  []string // among the DNS lines
		detail bool     // the report's detail is one of them, or within the first
	}{
		{resolver.Result{Domain: "good.com", Status: resolver.StatusOK, MX: []resolver.MXHost{
			{Host: "mx1.good.com", Pref: 10, State: resolver.HostResolved, Addrs: []string{"192.0.2.1", "2001:db8::1"}},
			{Host: "mx2.good.com", Pref: 20}}},
			[]string{"good.com: ok", "MX 10 mx1.good.com: resolved (192.0.2.1, 2001:db8::1)", "MX 20 mx2.good.com"}, false},
		{resolver.Result{Domain: "badmx.com", Status: resolver.StatusBadMX, MX: []resolver.MXHost{
			{Host: "mx.nowhere.net", Pref: 10, State: resolver.HostNXDomain}}},
			[]string{"badmx.com: bad_mx", "MX 10 mx.nowhere.net: nxdomain"}, true},
		{resolver.Result{Domain: "hostile.com", Status: resolver.StatusBadMX, MX: []resolver.MXHost{
			{Host: "\x1b]0;pwned\a.evil.net", Pref: 10, State: resolver.HostUnroutable, Addrs: []string{"127.0.0.1"}}}},
			[]string{`MX 10 \x1b]0;pwned\a.evil.net: unroutable (127.0.0.1)`}, true},
		{resolver.Result{Domain: "flaky.com", Status: resolver.StatusDNSError, Err: servfail},
			[]string{"flaky.com: dns_error · " + servfail}, true},
	}
	for _, tt := range tests {
		l, err := cleaner.Read(strings.NewReader("email\na@"+tt.res.Domain+"\n"), "list.csv", cleaner.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := cleaner.NewSession(l, true)
		s.Apply(tt.res)
		s.JudgeAll()
		r := &reviewScreen{session: s}
		got, _ := r.evidence(&s.Rows[0])
		for _, want := range tt.lines {
			if !slices.Contains(got, want) {
				t.Errorf("%s: DNS lines lack %q:\n%q", tt.res.Domain, want, got)
			}
		}
		if d := s.Detail(0); tt.detail != (d != "") || d != "" && !slices.Contains(got, d) && !strings.HasSuffix(got[0], " · "+d) {
			t.Errorf("%s: the report's detail %q is not among the DNS lines:\n%q", tt.res.Domain, d, got)
		}
		for _, line := range got {
			if strings.ContainsAny(line, "\x1b\a") {
				t.Errorf("%s: DNS line holds control characters: %q", tt.res.Domain, line)
			}
		}
	}
}

func TestReviewEscBackToSummary(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("enter", "esc")
	if tt.m.review.details || tt.m.current != tt.m.review {
		t.Fatal("esc should close the details first")
	}
	tt.press("esc")
	if tt.m.current != tt.m.summary {
		t.Errorf("esc: screen %q, want the summary", tt.m.current.name())
	}
}

func TestReviewSanitizesCells(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("end", "up") // row 8, the cell with escape sequences
	tt.press("enter")
	if v := tt.view(); !strings.Contains(v, `row 8 · \x1b]0;pwned\azed@gmail.com`) {
		t.Fatalf("the row is not shown:\n%s", v)
	}
	v := tt.raw()
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\a"} {
		if strings.Contains(v, bad) {
			t.Errorf("view holds %q", bad)
		}
	}
}

// TestExportWaitsForPendingEdit checks that export, which reads the session
// in the background, does not start while an edited address is checked.
func TestExportWaitsForPendingEdit(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("e", "ctrl+u")
	tt.typeText("bob@example.org")
	_, check := tt.m.Update(keyPress("enter")) // the DNS check, not run yet
	if !tt.m.review.busy() || !strings.Contains(tt.view(), "checking…") {
		t.Fatalf("the pending check is not shown:\n%s", tt.view())
	}
	tt.press("esc", "w") // from the summary
	if tt.m.current != tt.m.review || !strings.Contains(tt.view(), "an edited address is being checked") {
		t.Fatalf("export opened during a pending check: screen %q\n%s", tt.m.current.name(), tt.view())
	}
	tt.run(check)
	if d := tt.decision(1); d.Email != "bob@example.org" {
		t.Fatalf("the checked edit was not recorded: %+v", d)
	}
	tt.press("w")
	if tt.m.current != tt.m.export {
		t.Errorf("w after the check: screen %q, want export", tt.m.current.name())
	}
}

// TestReviewLookalikeDomain: a domain that imitates gmail.com with a
// Cyrillic letter is shown in punycode in the table, and the pane says
// what it imitates.
func TestReviewLookalikeDomain(t *testing.T) {
	tt := atReview(t, Options{Path: writeList(t, "email\nann@gmail.com\njo@gm\u0430il.com\n")})
	tt.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	tt.press("enter")
	v := tt.view()
	for _, want := range []string{"jo@xn--gmil-63d.com", "Domain    gm\u0430il.com is xn--gmil-63d.com, not gmail.com: it imitates it"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

// TestReviewKeptDespite: keeping a row that cannot receive mail, or a
// repeat, is done, with a warning in the table, the pane and the summary.
func TestReviewKeptDespite(t *testing.T) {
	tt := atReview(t, Options{})
	tt.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	tt.press("down", "down", "k") // row 4, dan@nowhere-at-all.com
	if v := tt.view(); !strings.Contains(v, "Row 4 will be kept as written, though domain does not exist") || !strings.Contains(v, "keep     !") {
		t.Errorf("keeping an invalid row is not warned about:\n%s", v)
	}
	tt.press("down", "k") // row 6, a repeat of row 1
	if v := tt.view(); !strings.Contains(v, "Row 6 will be kept, though it repeats row 1") {
		t.Errorf("keeping a repeat is not warned about:\n%s", v)
	}
	tt.press("esc")
	if v := tt.view(); !strings.Contains(v, "2 rows you keep cannot receive mail, are suppressed or repeat another row") {
		t.Errorf("the summary does not warn:\n%s", v)
	}
}

// TestDecisionsSavedAtOnceAndOnExit: a decision is saved by the command
// that follows it; one whose command never ran (the program ended first)
// is saved by the flush that Run does on every way out.
func TestDecisionsSavedAtOnceAndOnExit(t *testing.T) {
	path := writeList(t, testList)
	tt := atReview(t, Options{Path: path})
	decisions := filepath.Join(filepath.Dir(path), "list.decisions.csv")
	tt.press("x")
	saved, err := cleaner.LoadDecisions(decisions)
	if err != nil || len(saved.Records) != 1 {
		t.Fatalf("after x: %+v, %v; want the decision saved", saved, err)
	}
	if fi, err := os.Stat(decisions); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("decisions file mode: %v, %v", fi, err)
	}
	// k, whose save command is dropped, as when ctrl+c ends the program
	// before it runs.
	tt.m.Update(keyPress("k"))
	if saved, _ := cleaner.LoadDecisions(decisions); len(saved.Records) != 1 {
		t.Fatalf("the save ran: %d records", len(saved.Records))
	}
	tt.m.c.flushDecisions()
	saved, err = cleaner.LoadDecisions(decisions)
	if err != nil || len(saved.Records) != 2 {
		t.Fatalf("after the flush: %+v, %v; want both decisions", saved, err)
	}
	if got := tt.m.exitText(); !strings.Contains(got, "2 decisions saved in "+decisions) || !strings.Contains(got, "nothing exported") {
		t.Errorf("exit text %q", got)
	}
}

// paneList has a dns_error row and a bad_mx row whose other cells fill two
// lines of the detail pane, as a Mailchimp export's do.
const paneList = "Email Address,First Name,Last Name,Address,Phone Number,Company,NOTES\n" +
	"dreynolds@flaky-dns.org,DeShawn,Reynolds,2301 Maple Ave  Columbus  OH  43215  US,(614) 555-0147,Meridian Logistics,Met at the Columbus trade fair\n" +
	"deshawn@summitoutdoor.com,DeShawn,Donovan,315 N 9th St  Boise  ID  83702  US,(415) 555-0128,Summit Outdoor Supply,Asked for the spring catalogue\n"

// paneZone adds to testZone a domain whose two MX hosts do not exist.
const paneZone = testZone + `
summitoutdoor.com. MX 10 mx1.summitoutdoor-mail.net.
summitoutdoor.com. MX 20 mx2.summitoutdoor-mail.net.
`

// TestReviewPaneShowsDNSCause: at 80x24 the detail pane of a dns_error
// row shows why DNS failed, and that of a bad_mx row its MX hosts, in the
// words of the report's detail, above the explanations that give way, and
// it names what it leaves out.
func TestReviewPaneShowsDNSCause(t *testing.T) {
	term := startProgram(t, Options{Path: writeList(t, paneList), Checker: newDNSZone(t, paneZone)}, 80, 24)
	term.waitFor("Columns", "Email column Email Address")
	term.press("enter")
	term.waitFor("Summary")
	term.press("enter")
	term.waitFor("all flagged 2", "DNS check failed", "mail server not found")
	term.press("enter")
	term.waitFor("row 1 · dreynolds@flaky-dns.org", "DNS       flaky-dns.org: dns_error · MX lookup: 127.0.0.1:", "SERVFAIL (2 attempts)", "… not shown: ")
	term.press("down")
	term.waitFor("row 2 · deshawn@summitoutdoor.com", "DNS       summitoutdoor.com: bad_mx",
		"MX 10 mx1.summitoutdoor-mail.net: nxdomain", "MX 20 mx2.summitoutdoor-mail.net: nxdomain", "… not shown: ")
	term.press("q")
	term.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// TestReviewPaneSmallWindow: in a small window the review is as tall and
// wide as its room, and a detail pane that cannot show everything says
// so.
func TestReviewPaneSmallWindow(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("down", "down", "down") // row 5, dns_error
	tt.press("enter")
	for _, size := range [][2]int{{40, 10}, {40, 8}, {30, 9}, {80, 16}} {
		tt.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		v := ansi.Strip(tt.m.review.view())
		ls := strings.Split(v, "\n")
		if len(ls) != tt.m.c.bodyH {
			t.Errorf("%dx%d: the review is %d lines, its room %d", size[0], size[1], len(ls), tt.m.c.bodyH)
		}
		for _, l := range ls {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%dx%d: a line is %d cells wide: %q", size[0], size[1], w, l)
			}
		}
		if !strings.Contains(v, "… not shown: ") && !strings.Contains(v, "more in a taller window") {
			t.Errorf("%dx%d: the pane does not say that it leaves something out:\n%s", size[0], size[1], v)
		}
	}
}
