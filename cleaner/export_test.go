package cleaner

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/listclean/listclean/cleaner/csvfile"
	"github.com/listclean/listclean/cleaner/history"
	"github.com/listclean/listclean/cleaner/printable"
)

func TestPolicyAction(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		row    Row
		want   Action
	}{
		{"valid kept", Policy{}, rowOf(ReasonOK, false, false, false), ActionKeep},
		{"unknown kept", Policy{}, rowOf(ReasonDNSError, false, false, false), ActionKeep},
		{"risky kept", Policy{}, rowOf(ReasonTypoSuspect, false, false, false), ActionKeep},
		{"risky dropped", Policy{DropRisky: true}, rowOf(ReasonTypoSuspect, false, false, false), ActionRemove},
		{"invalid removed", Policy{}, rowOf(ReasonNXDomain, true, true, false), ActionRemove},
		{"invalid fixed", Policy{Fix: true}, rowOf(ReasonNXDomain, true, true, false), ActionFix},
		{"fix needs a routing suggestion", Policy{Fix: true}, rowOf(ReasonNXDomain, true, false, false), ActionRemove},
		{"duplicate removed", Policy{Fix: true}, rowOf(ReasonDuplicate, false, false, false), ActionRemove},
		{"hard bounce removed", Policy{}, rowOf(ReasonHardBounce, false, false, false), ActionRemove},
		{"hard bounce never fixed", Policy{Fix: true}, rowOf(ReasonHardBounce, true, true, false), ActionRemove},
		{"unsubscribed removed", Policy{}, rowOf(ReasonUnsubscribed, false, false, false), ActionRemove},
		{"complaint removed", Policy{}, rowOf(ReasonComplaint, false, false, false), ActionRemove},
		{"listed removed", Policy{}, rowOf(ReasonListed, false, false, false), ActionRemove},
		{"persistent dns_error kept", Policy{}, rowOf(ReasonDNSError, false, false, true), ActionKeep},
		{"persistent dns_error dropped", Policy{DropPersistent: true}, rowOf(ReasonDNSError, false, false, true), ActionRemove},
		{"dns_error once kept", Policy{DropPersistent: true}, rowOf(ReasonDNSError, false, false, false), ActionKeep},
		{"not_checked kept", Policy{DropPersistent: true}, rowOf(ReasonNotChecked, false, false, false), ActionKeep},
		// A typo suspect's own domain routes: -fix leaves it, -fix-suspects corrects it.
		{"typo suspect kept by Fix", Policy{Fix: true}, rowOf(ReasonTypoSuspect, true, true, false), ActionKeep},
		{"typo suspect fixed", Policy{FixSuspects: true}, rowOf(ReasonTypoSuspect, true, true, false), ActionFix},
		{"typo suspect dropped", Policy{DropRisky: true}, rowOf(ReasonTypoSuspect, true, true, false), ActionRemove},
		{"FixSuspects leaves invalid rows", Policy{FixSuspects: true}, rowOf(ReasonNXDomain, true, true, false), ActionRemove},
		{"Fix leaves unknown rows", Policy{Fix: true}, rowOf(ReasonNotChecked, true, true, false), ActionKeep},
		{"syntax fixed", Policy{Fix: true}, rowOf(ReasonSyntax, true, true, false), ActionFix},
		{"role kept", Policy{Fix: true, FixSuspects: true}, rowOf(ReasonRole, false, false, false), ActionKeep},
		{"role dropped", Policy{DropRisky: true}, rowOf(ReasonRole, false, false, false), ActionRemove},
		{"disposable kept", Policy{Fix: true, FixSuspects: true}, rowOf(ReasonDisposable, false, false, false), ActionKeep},
		{"disposable dropped", Policy{DropRisky: true}, rowOf(ReasonDisposable, false, false, false), ActionRemove},
	}
	for _, tt := range tests {
		if got := tt.policy.Action(tt.row); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestDecideUndo(t *testing.T) {
	s := checkedSession(t)
	s.Decide([]int{5}, Decision{Action: ActionKeep})
	s.Decide(s.SameDomainAndReason(15), Decision{Action: ActionRemove})
	if n := s.Decided(); n != 11 {
		t.Fatalf("%d rows decided, want 11 (one plus ten northwindtraders.com rows)", n)
	}
	s.Decide([]int{5}, Decision{Action: ActionRemove})
	if rows := s.Undo(); len(rows) != 1 || rows[0] != 5 {
		t.Fatalf("undo touched %v, want [5]", rows)
	}
	if d, _ := s.Decision(5); d.Action != ActionKeep {
		t.Fatalf("after undo row 6 is %s, want keep restored", d.Action)
	}
	if rows := s.Undo(); len(rows) != 10 {
		t.Fatalf("undoing the bulk step touched %d rows, want 10", len(rows))
	}
	s.Undo()
	if s.Decided() != 0 || s.Undo() != nil {
		t.Fatalf("after undoing everything %d decisions remain", s.Decided())
	}
}

// TestPlanFixThatDuplicates: of the rows the cleaned file would hold with
// one address once corrected, the first the user decided on stays, else
// the first; the others are removed as its duplicates, naming it.
func TestPlanFixThatDuplicates(t *testing.T) {
	zone := "$TTL 300\nmx.hosting.net. A 192.0.2.10\ngmail.com. MX 5 mx.hosting.net.\n"
	s := NewSession(readString(t, "Email,Phone\n\"a@gmail,com\",555-0101\na@gmail.com,\n\"b@gmail,com\",\n\"c@gmail,com\",\nc@gmail.com,\n"), true)
	s.Check(t.Context(), startChecker(t, zone), nil)
	type want struct {
		act     Action
		repeats int
		by      Decider
		text    string
	}
	check := func(name string, pl *Plan, wants []want) {
		t.Helper()
		for i, w := range wants {
			o := pl.Outcome(i)
			if o.Action != w.act || o.Repeats != w.repeats || o.By != w.by || pl.Text(i) != w.text {
				t.Errorf("%s: row %d: %s repeats %d by %s %q, want %s repeats %d by %s %q",
					name, i+1, o.Action, o.Repeats, o.By, pl.Text(i), w.act, w.repeats, w.by, w.text)
			}
			// A row removed as a repeat is reported as a duplicate; a
			// correction writes the address the screen names.
			if w.act == ActionRemove && w.repeats >= 0 && (o.Reason != ReasonDuplicate || o.Verdict != VerdictDuplicate) {
				t.Errorf("%s: row %d reported as %s/%s, want duplicate/duplicate", name, i+1, o.Verdict, o.Reason)
			}
			if w.act == ActionFix && "corrected to "+o.Email != w.text {
				t.Errorf("%s: row %d written as %q, want %q", name, i+1, o.Email, w.text)
			}
		}
	}
	// The policy corrects rows 1, 3 and 4: row 1 comes before row 2,
	// which holds its address as written, and stays (with its phone); row 5
	// comes after row 4, corrected to its address, and goes.
	pl := s.Plan(Policy{Fix: true})
	check("policy", pl, []want{
		{ActionFix, -1, ByPolicy, "corrected to a@gmail.com"},
		{ActionRemove, 0, ByPolicy, "removed: row 1 is corrected to this address"},
		{ActionFix, -1, ByPolicy, "corrected to b@gmail.com"},
		{ActionFix, -1, ByPolicy, "corrected to c@gmail.com"},
		{ActionRemove, 3, ByPolicy, "removed: row 4 is corrected to this address"},
	})
	if c := pl.Count(); c != (PlanCount{Rows: 5, Kept: 3, Corrected: 3, Removed: 2, Repeats: 2}) {
		t.Errorf("policy: count %+v", c)
	}
	if got := pl.Displaced(0); !slices.Equal(got, []int{1}) {
		t.Errorf("row 1 displaces %v, want [1]", got)
	}

	// The user corrects row 3 to the address row 2 holds, under a policy
	// that corrects nothing: row 3 stays, row 2 goes.
	s.Decide([]int{2}, Decision{Action: ActionFix, Email: "a@gmail.com"})
	pl = s.Plan(Policy{})
	check("your correction", pl, []want{
		{ActionRemove, -1, ByPolicy, "removed: not an email address"},
		{ActionRemove, 2, ByPolicy, "removed: row 3 is corrected to this address"},
		{ActionFix, -1, ByYou, "corrected to a@gmail.com"},
	})
	// With the policy correcting row 1 too, the row the user decided on
	// stays all the same; row 1 is removed with its correction named.
	pl = s.Plan(Policy{Fix: true})
	check("your correction and the policy's", pl, []want{
		{ActionRemove, 2, ByPolicy, "removed: after the correction to a@gmail.com it repeats row 3"},
		{ActionRemove, 2, ByPolicy, "removed: row 3 is corrected to this address"},
		{ActionFix, -1, ByYou, "corrected to a@gmail.com"},
	})
	// The user keeps row 2 as well: the earlier of the rows decided on
	// stays.
	s.Decide([]int{1}, Decision{Action: ActionKeep})
	check("your keep and your correction", s.Plan(Policy{}), []want{
		{ActionRemove, -1, ByPolicy, "removed: not an email address"},
		{ActionKeep, -1, ByYou, "kept as it is"},
		{ActionRemove, 1, ByYou, "removed: after the correction to a@gmail.com it repeats row 2"},
	})
}

// TestPlanKeptDespite: a row kept by the user's decision though it
// cannot receive mail or repeats a row kept is kept, with a warning.
func TestPlanKeptDespite(t *testing.T) {
	s := NewSession(readString(t, "Email\nann@gone.com\nbob@good.com\nBOB@good.com\nnot an address\n"), true)
	s.Check(t.Context(), startChecker(t, sessionZone), nil)
	s.Decide([]int{0, 2, 3}, Decision{Action: ActionKeep})
	pl := s.Plan(Policy{})
	for i, want := range []string{"kept as written, though domain does not exist", "kept as it is",
		"kept, though it repeats row 2", "kept as written, though not an email address"} {
		if got := pl.Text(i); got != want {
			t.Errorf("row %d: %q, want %q", i+1, got, want)
		}
	}
	if c := pl.Count(); c.KeptDespite != 3 || c.Kept != 4 || c.ByYou != 3 {
		t.Errorf("count %+v, want 3 kept despite, 4 kept, 3 by you", c)
	}
	// Once row 2 is removed, row 3 repeats no row kept.
	s.Decide([]int{1}, Decision{Action: ActionRemove})
	if got := s.Plan(Policy{}).Text(2); got != "kept as it is" {
		t.Errorf("row 3 once row 2 is removed: %q", got)
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	list := sessionList + "=cmd|' /C calc'!A0@x.com,formula\r\nshort@good.com\r\n"
	l := writeList(t, in, list, 0o644)
	s := NewSession(l, true)
	s.Check(t.Context(), startChecker(t, sessionZone), nil)
	s.Decide([]int{2}, Decision{Action: ActionKeep})
	opt := ExportOptions{Paths: DefaultPaths(in, ','), Policy: Policy{Fix: true}}
	opt.Paths.Report = filepath.Join(dir, "report.csv")
	res, err := s.Export(opt)
	if err != nil {
		t.Fatal(err)
	}
	cleaned, removed := readCSVFile(t, filepath.Join(dir, "list.cleaned.csv")), readCSVFile(t, filepath.Join(dir, "list.removed.csv"))
	if got := len(cleaned) - 1 + len(removed) - 1; got != l.Rows.Len() {
		t.Fatalf("cleaned+removed = %d rows, input has %d", got, l.Rows.Len())
	}
	if res.Kept != len(cleaned)-1 || res.Removed != len(removed)-1 {
		t.Errorf("result %+v does not match the files (%d cleaned, %d removed)", res, len(cleaned)-1, len(removed)-1)
	}
	if !reflect.DeepEqual(cleaned[0], []string{"Email", "Name"}) {
		t.Errorf("cleaned header %q", cleaned[0])
	}
	wantRemoved := []string{"Email", "Name", "listclean_verdict", "listclean_reason", "listclean_suggestion", "listclean_detail"}
	if !reflect.DeepEqual(removed[0], wantRemoved) {
		t.Errorf("removed header %q, want %q", removed[0], wantRemoved)
	}
	// The removed file names the row a duplicate repeats.
	sawDup := false
	for _, rec := range removed[1:] {
		if rec[0] == "JO@good.com " {
			sawDup = true
			if rec[3] != "duplicate" || rec[5] != "it repeats row 1" {
				t.Errorf("removed duplicate %q, want reason duplicate and detail %q", rec, "it repeats row 1")
			}
		}
	}
	if !sawDup {
		t.Errorf("the duplicate row is not in the removed file:\n%q", removed)
	}
	var sawFix, sawShort bool
	for _, rec := range cleaned[1:] {
		sawFix = sawFix || reflect.DeepEqual(rec, []string{"b@hotmail.com", "nxdomain typo"})
		sawShort = sawShort || reflect.DeepEqual(rec, []string{"short@good.com"})
		if rec[0] == "a@nullmx.com" && rec[1] != "null mx" {
			t.Errorf("kept row changed: %q", rec)
		}
	}
	if !sawFix || !sawShort {
		t.Errorf("cleaned file lacks the fixed row (%v) or the short row as it was (%v):\n%q", sawFix, sawShort, cleaned)
	}
	report, err := ReadReport(opt.Paths.Report)
	if err != nil {
		t.Fatal(err)
	}
	if len(report) != l.Rows.Len() {
		t.Fatalf("report has %d rows, want %d", len(report), l.Rows.Len())
	}
	head, _ := os.ReadFile(opt.Paths.Report)
	if first, _, _ := strings.Cut(string(head), "\n"); first != "row,email,verdict,reason,suggestion,action,detail" {
		t.Errorf("report header %q", first)
	}
	if r := report[5]; r.Row != 6 || r.Email != "a@gone.com" || r.Verdict != "invalid" || r.Reason != "nxdomain" || r.Action != "remove" {
		t.Errorf("report row 6 = %+v", r)
	}
	if r := report[len(report)-2]; !strings.HasPrefix(r.Email, "'=") {
		t.Errorf("report echoes a formula cell unescaped: %q", r.Email)
	}
}

// TestExportKeepsAddressAsWritten: a kept row's address is written as the
// cell has it (punycode, Unicode and capitals as typed), only the blanks
// around it dropped; a corrected one as corrected. An address typed in
// composed and in decomposed Unicode is one address: the second is a
// duplicate.
func TestExportKeepsAddressAsWritten(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	list := "Email,Name\n" +
		"bob@xn--mnchen-3ya.de,punycode\n" +
		"ana@M\u00fcnchen.DE,Unicode and capitals\n" +
		"RAJ@GOOD.COM,capitals\n" +
		"\"  zo\u00eb@good.com\u00a0\",composed and blanks\n" +
		"zoe\u0308@good.com,decomposed\n" +
		"b@hotmial.com,corrected\n"
	l := writeList(t, in, list, 0o644)
	zone := sessionZone + "xn--mnchen-3ya.de. MX 10 mx.hosting.net.\n"
	s := NewSession(l, true)
	s.Check(t.Context(), startChecker(t, zone), nil)
	if r := s.Rows[4]; r.Reason() != ReasonDuplicate || r.DupOf != 3 {
		t.Errorf("row 5 %q: %s, a repeat of row %d; want a duplicate of row 4", r.Addr().Raw, r.Reason(), r.DupOf+1)
	}
	opt := ExportOptions{Paths: DefaultPaths(in, ','), Policy: Policy{Fix: true}}
	if _, err := s.Export(opt); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range readCSVFile(t, opt.Paths.Cleaned)[1:] {
		got = append(got, rec[0])
	}
	want := []string{"bob@xn--mnchen-3ya.de", "ana@M\u00fcnchen.DE", "RAJ@GOOD.COM", "zo\u00eb@good.com", "b@hotmail.com"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cleaned addresses %q, want %q", got, want)
	}
}

func TestExportRefuses(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	s := judgedFile(t, in, []byte("Email\na@good.com\n"))
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(in, link); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{in, link, filepath.Join(dir, ".", "list.csv")} {
		p := DefaultPaths(in, ',')
		p.Cleaned = out
		if _, err := s.Export(ExportOptions{Paths: p, Force: true}); err == nil {
			t.Errorf("export to %s (the input) was not refused", out)
		}
	}
	existing := DefaultPaths(in, ',')
	if err := os.WriteFile(existing.Removed, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.Export(ExportOptions{Paths: existing})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("export over an existing file: %v, want ErrExists", err)
	}
	if _, err := os.Stat(existing.Cleaned); !os.IsNotExist(err) {
		t.Errorf("a refused export still wrote %s", existing.Cleaned)
	}
	if b, _ := os.ReadFile(existing.Removed); string(b) != "keep me" {
		t.Errorf("a refused export changed %s", existing.Removed)
	}
	if _, err := s.Export(ExportOptions{Paths: existing, Force: true}); err != nil {
		t.Fatalf("export with force: %v", err)
	}
	if b, _ := os.ReadFile(in); string(b) != "Email\na@good.com\n" {
		t.Errorf("the input changed: %q", b)
	}
}

// TestReportReadsBack writes a report of addresses that need quoting or
// escaping, and reads it back with ReadReport (gocsv): every row must come
// back as the address was written in the list, shown by printable.String
// (control characters and escape sequences as \x1b and the like) and
// escaped as a formula where it starts like one.
func TestReportReadsBack(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	raws := []string{
		"plain@x.com", " lead@x.com", "a,b@x.com", `"q""q"@x.com`, "line\nbreak@x.com",
		"crlf\r\nbreak@x.com", "\uFEFFbom@x.com", "sep=@x.com", "=cmd@x.com", "-1@x.com", "",
		"b@[1.2.3.4\x1b]0;pwned\a]", "\x1b]52;c;cHduZWQ=\a@x.com",
	}
	var list bytes.Buffer
	cw := csv.NewWriter(&list)
	cw.Write([]string{"Email", "N"})
	for n, r := range raws {
		cw.Write([]string{r, strconv.Itoa(n)})
	}
	cw.Flush()
	s := judgedFile(t, in, list.Bytes())
	l := s.List
	opt := ExportOptions{Paths: DefaultPaths(in, ',')}
	opt.Paths.Report = filepath.Join(dir, "report.csv")
	if _, err := s.Export(opt); err != nil {
		t.Fatal(err)
	}
	report, err := ReadReport(opt.Paths.Report)
	if err != nil {
		t.Fatal(err)
	}
	if len(report) != l.Rows.Len() {
		t.Fatalf("report has %d rows, the list %d", len(report), l.Rows.Len())
	}
	for i, r := range report {
		raw := l.Rows.Cell(i, l.EmailCol)
		want := ReportRow{Row: i + 1, Email: csvfile.EscapeFormula(printable.String(raw)), Verdict: string(s.Rows[i].Verdict()),
			Reason: string(s.Rows[i].Reason()), Suggestion: csvfile.EscapeFormula(s.Suggestion(i)), Action: string(opt.Policy.Action(s.Rows[i]))}
		if r != want {
			t.Errorf("report row %d = %+v, want %+v", i+1, r, want)
		}
		if strings.ContainsAny(r.Email, "\x1b\a\r\n") {
			t.Errorf("report row %d holds control characters: %q", i+1, r.Email)
		}
	}
	if got, want := report[len(report)-2].Email, `b@[1.2.3.4\x1b]0;pwned\a]`; got != want {
		t.Errorf("report email %q, want %q", got, want)
	}
}

// judgedFile writes content to path, reads it as a list and judges every
// row without DNS.
func judgedFile(t *testing.T, path string, content []byte) *Session {
	t.Helper()
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := ReadFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(l, false)
	s.JudgeAll()
	return s
}

// TestExportChanges: the changes file lists every corrected row with its
// old and new address and who decided; it is written only when a row is
// corrected, never over an existing file without force, and with force an
// export that corrects nothing removes the one an earlier export left.
func TestExportChanges(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	l := writeList(t, in, sessionList, 0o644)
	s := NewSession(l, true)
	s.Check(t.Context(), startChecker(t, sessionZone), nil)
	s.Decide([]int{7}, Decision{Action: ActionFix, Email: "a@gmail.com"}) // the typo suspect
	opt := ExportOptions{Paths: DefaultPaths(in, ','), Policy: Policy{Fix: true}}
	if opt.Paths.Changes != filepath.Join(dir, "list.changes.csv") {
		t.Fatalf("changes path %q", opt.Paths.Changes)
	}
	res, err := s.Export(opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Paths.Changes != opt.Paths.Changes {
		t.Errorf("result says changes went to %q", res.Paths.Changes)
	}
	rows, err := ReadChanges(opt.Paths.Changes)
	if err != nil {
		t.Fatal(err)
	}
	want := []ChangeRow{
		{Row: 8, OldEmail: "a@gmial.com", NewEmail: "a@gmail.com", Reason: "typo_suspect", DecidedBy: "you"},
		{Row: 9, OldEmail: "b@hotmial.com", NewEmail: "b@hotmail.com", Reason: "nxdomain", DecidedBy: "policy"},
		{Row: 10, OldEmail: "c@gmail.cmo", NewEmail: "c@gmail.com", Reason: "bad_domain", DecidedBy: "policy"},
		{Row: 11, OldEmail: "d@gmail,com", NewEmail: "d@gmail.com", Reason: "syntax", DecidedBy: "policy"},
	}
	if len(rows) != res.Fixed {
		t.Errorf("%d changes for %d corrected rows", len(rows), res.Fixed)
	}
	for _, w := range want {
		if !slices.Contains(rows, w) {
			t.Errorf("changes lack %+v:\n%+v", w, rows)
		}
	}

	// An existing changes file is not overwritten without force.
	for _, p := range []string{opt.Paths.Cleaned, opt.Paths.Removed} {
		os.Remove(p)
	}
	if _, err := s.Export(opt); !errors.Is(err, ErrExists) {
		t.Errorf("export over an existing changes file: %v, want ErrExists", err)
	}
	// With force and nothing corrected, the old changes file goes.
	s.Undo()
	opt.Policy, opt.Force = Policy{}, true
	res, err = s.Export(opt)
	if err != nil || res.Fixed != 0 || res.Paths.Changes != "" {
		t.Fatalf("export without corrections: %+v, %v", res, err)
	}
	if _, err := os.Stat(opt.Paths.Changes); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the earlier changes file is still there: %v", err)
	}
}

// TestExportChangesPrintable: a row whose cell holds escape sequences,
// corrected by the user, is in the changes file as printable.String shows
// it, never with the bytes that would drive a terminal; and the changes
// file is no more readable than the input, as the other outputs.
func TestExportChangesPrintable(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	raw := "\x1b]0;pwned\azed@gmail.com\x1b[2J"
	l := writeList(t, in, "Email\n\""+raw+"\"\nann@gmail.com\n", 0o600)
	s := NewSession(l, false)
	s.JudgeAll()
	s.Decide([]int{0}, Decision{Action: ActionFix, Email: "zed@gmail.com"})
	opt := ExportOptions{Paths: DefaultPaths(in, ',')}
	if _, err := s.Export(opt); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(opt.Paths.Changes)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(got, "\x1b\a") {
		t.Errorf("the changes file holds control characters:\n%q", got)
	}
	rows, err := ReadChanges(opt.Paths.Changes)
	if err != nil || len(rows) != 1 || rows[0].OldEmail != printable.String(raw) || rows[0].NewEmail != "zed@gmail.com" {
		t.Errorf("changes %+v (%v), want the old address as %q", rows, err, printable.String(raw))
	}
	if fi, err := os.Stat(opt.Paths.Changes); err == nil && fi.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
		t.Errorf("changes file mode %v for an input of 0600", fi.Mode().Perm())
	}
}

func TestDefaultPaths(t *testing.T) {
	tests := []struct {
		in    string
		delim rune
		want  ExportPaths
	}{
		{"d/list.csv", ',', ExportPaths{Cleaned: "d/list.cleaned.csv", Removed: "d/list.removed.csv", Changes: "d/list.changes.csv"}},
		{"d/list.tsv", '\t', ExportPaths{Cleaned: "d/list.cleaned.tsv", Removed: "d/list.removed.tsv", Changes: "d/list.changes.csv"}},
		{"d/list.TXT", '\t', ExportPaths{Cleaned: "d/list.cleaned.TXT", Removed: "d/list.removed.TXT", Changes: "d/list.changes.csv"}},
		{"d/list.csv", '\t', ExportPaths{Cleaned: "d/list.cleaned.csv", Removed: "d/list.removed.csv", Changes: "d/list.changes.csv"}},
		{"d/export", '\t', ExportPaths{Cleaned: "d/export.cleaned.tsv", Removed: "d/export.removed.tsv", Changes: "d/export.changes.csv"}},
		{"d/export.dat", ';', ExportPaths{Cleaned: "d/export.cleaned.csv", Removed: "d/export.removed.csv", Changes: "d/export.changes.csv"}},
	}
	for _, tt := range tests {
		if got := DefaultPaths(tt.in, tt.delim); got != tt.want {
			t.Errorf("DefaultPaths(%q, %q) = %+v, want %+v", tt.in, tt.delim, got, tt.want)
		}
	}
	for in, want := range map[string]string{"d/list.cleaned.tsv": "d/list.changes.csv", "out/mine.csv": "out/mine.changes.csv"} {
		if got := ChangesPath(in); got != want {
			t.Errorf("ChangesPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExportSummarized: exporting and summarising at once writes the
// files Export writes and returns the result and the summary that Export
// and Summarize return one after the other, for a list of several chunks
// and parts with the user's evidence, the domain history and a decision.
// Under -race it also shows that neither changes what the other reads.
func TestExportSummarized(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(sessionList)
	domains := []string{"good.com", "gone.com", "badmx.com", "flaky.com", "gmial.com", "hotmial.com"}
	for i := range 2*summaryMinPart + 3*exportChunk {
		fmt.Fprintf(&b, "user%d@%s,row %d\r\n", i%(summaryMinPart+5), domains[i%len(domains)], i)
	}
	l := writeList(t, filepath.Join(dir, "list.csv"), b.String(), 0o644)
	s := NewSession(l, true)
	s.Suppress(loadEvidence(t, sessionEvidence))
	s.Check(t.Context(), startChecker(t, sessionZone), nil)
	h, err := history.Open(filepath.Join(dir, "domains.csv"))
	if err != nil {
		t.Fatal(err)
	}
	day1 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	h.RecordRun(day1, map[string]string{"gone.com": "nxdomain", "flaky.com": "dns_error", "good.com": "bad_mx"})
	s.Remember(h, day1.Add(24*time.Hour))
	s.Decide([]int{8}, Decision{Action: ActionFix, Email: "b@hotmail.com"})

	opt := func(name string) ExportOptions {
		sub := filepath.Join(dir, name)
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		o := ExportOptions{Paths: DefaultPaths(filepath.Join(sub, "list.csv"), ','), Policy: Policy{Fix: true, DropPersistent: true}}
		o.Paths.Report = filepath.Join(sub, "report.csv")
		return o
	}
	wantRes, err := s.Export(opt("apart"))
	if err != nil {
		t.Fatal(err)
	}
	wantSum := s.Summarize()
	res, sum, err := s.ExportSummarized(opt("together"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Kept != wantRes.Kept || res.Fixed != wantRes.Fixed || res.Removed != wantRes.Removed || res.Paths.Changes == "" {
		t.Errorf("result %+v, want %+v", res, wantRes)
	}
	if !reflect.DeepEqual(sum, wantSum) {
		t.Errorf("summary %+v, want %+v", sum, wantSum)
	}
	if len(sum.History) == 0 || sum.Persistent == 0 || sum.Suppression.Rows == 0 {
		t.Errorf("the summary lacks the history or the evidence: %+v", sum)
	}
	for _, name := range []string{"list.cleaned.csv", "list.removed.csv", "report.csv", "list.changes.csv"} {
		want, err := os.ReadFile(filepath.Join(dir, "apart", name))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(filepath.Join(dir, "together", name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from Export's (%v)", name, err)
		}
	}
}
