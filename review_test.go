package main

// The batch side of issue 18's review workflow: the changes file, the row
// a duplicate repeats, header detection and flags, .tsv outputs, flags
// after the file name, and a review's decisions replayed with -decisions,
// on the same list and on next month's export of it.

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/listclean/listclean/cleaner"
)

// reviewZone is the DNS world of these tests: gmail.com and example.org
// route mail, gmial.com and nowhere-at-all.com do not exist.
const reviewZone = `
$TTL 300
mx.example.org. A 192.0.2.10
gmail.com.      MX 10 mx.example.org.
example.org.    MX 10 mx.example.org.
`

// reviewRun runs the batch command over a list with the zone and returns
// its outcome; the list is written to dir/name.
func reviewRun(t *testing.T, dir, name, list string, flags ...string) (outcome, string) {
	t.Helper()
	srv := startZone(t, reviewZone).Addr()
	input := writeFile(t, filepath.Join(dir, name), []byte(list))
	args := append([]string{"-batch", "-dns", srv}, flags...)
	return runCLI(t, runBudget, append(args, input)...), input
}

// TestBatchChangesFile: -fix writes the changes file beside the cleaned
// list, one line per corrected row with who decided, and the end of the
// run says so; a run that corrects nothing writes none and says so.
func TestBatchChangesFile(t *testing.T) {
	dir := t.TempDir()
	list := "Email,Name\nann@gmial.com,Ann\nbob@example.org,Bob\n\"cy@gmail,com\",Cy\n"
	res, input := reviewRun(t, dir, "list.csv", list, "-fix")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	changes := filepath.Join(dir, "list.changes.csv")
	got := readCSV(t, changes)
	want := [][]string{
		{"row", "old_email", "new_email", "reason", "decided_by"},
		{"1", "ann@gmial.com", "ann@gmail.com", "nxdomain", "policy"},
		{"3", "cy@gmail,com", "cy@gmail.com", "syntax", "policy"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("changes file:\n%q\nwant\n%q", got, want)
	}
	for _, line := range []string{
		"wrote " + filepath.Join(dir, "list.cleaned.csv") + ": 3 rows kept (2 of them corrected)\n",
		"wrote " + filepath.Join(dir, "list.removed.csv") + ": 0 rows removed\n",
		"wrote " + changes + ": the old and new address of each corrected row; suppress or delete the old ones in your email platform\n",
		"not written: the input " + input + ", which is left as it was\n",
	} {
		if !strings.Contains(res.stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, res.stderr)
		}
	}

	dir = t.TempDir()
	res, _ = reviewRun(t, dir, "list.csv", list)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "list.changes.csv")); !os.IsNotExist(err) {
		t.Errorf("a changes file was written without a correction: %v", err)
	}
	if !strings.Contains(res.stderr, "not written: a changes file (no row was corrected)") {
		t.Errorf("the end of the run does not say that no changes file was written:\n%s", res.stderr)
	}
}

// TestBatchDuplicateRowNamed: the removed file names the row a duplicate
// repeats, and a correction that repeats a later row keeps the corrected
// row (the earlier one, with its phone number) and removes the later one,
// naming the row that stays: the HubSpot case of issue 18.
func TestBatchDuplicateRowNamed(t *testing.T) {
	dir := t.TempDir()
	list := "Email,Phone,Work email\n" +
		"jane@gmial.com,555-0101,jane@acme.example\n" +
		"bob@example.org,,\n" +
		"BOB@example.org,,\n" +
		"jane@gmail.com,,\n"
	res, _ := reviewRun(t, dir, "hubspot.csv", list, "-fix")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	cleaned := readCSV(t, filepath.Join(dir, "hubspot.cleaned.csv"))
	if !slices.ContainsFunc(cleaned, func(r []string) bool {
		return slices.Equal(r, []string{"jane@gmail.com", "555-0101", "jane@acme.example"})
	}) {
		t.Errorf("the corrected row 1, with its phone, is not in the cleaned list:\n%q", cleaned)
	}
	detail := map[string]string{}
	for _, rec := range readCSV(t, filepath.Join(dir, "hubspot.removed.csv"))[1:] {
		detail[rec[0]] = rec[len(rec)-4] + " " + rec[len(rec)-1]
	}
	for email, want := range map[string]string{
		"BOB@example.org": "duplicate it repeats row 2",
		"jane@gmail.com":  "duplicate row 1 is corrected to this address",
	} {
		if detail[email] != want {
			t.Errorf("removed %s: %q, want %q (all: %q)", email, detail[email], want, detail)
		}
	}
	if len(detail) != 2 {
		t.Errorf("removed rows %q, want the two repeats", detail)
	}
}

// TestBatchHeaderless: a list without a header line whose first address
// is a typo keeps that row as a row (it used to become the header);
// -header says otherwise, and -no-header reads a first line that names
// the column as a row.
func TestBatchHeaderless(t *testing.T) {
	list := "bad@gmail.con\nann@example.org\nbob@example.org\n"
	tests := []struct {
		name        string
		flags       []string
		list        string
		kept, gone  int
		headerless  bool
		firstRemove string
	}{
		{"detected", nil, list, 2, 1, true, "bad@gmail.con"},
		{"-header", []string{"-header"}, list, 2, 0, false, ""},
		{"-no-header", []string{"-no-header"}, "email\nann@example.org\n", 1, 1, true, "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			res, input := reviewRun(t, dir, "list.csv", tt.list, tt.flags...)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			out := defaultOutputs(input)
			out.headerless = tt.headerless
			checkAccounting(t, out, tt.kept+tt.gone)
			removed := readCSV(t, out.removed)
			if len(removed)-1 != tt.gone || tt.gone > 0 && removed[1][0] != tt.firstRemove {
				t.Errorf("removed %q, want %d row(s), the first %q", removed, tt.gone, tt.firstRemove)
			}
			cleaned := readCSV(t, out.cleaned)
			if tt.headerless && cleaned[0][0] == "bad@gmail.con" {
				t.Errorf("the typo became the cleaned list's header: %q", cleaned)
			}
		})
	}
	if res := runCLI(t, runBudget, "-batch", "-header", "-no-header", "x.csv"); res.code != 2 {
		t.Errorf("-header with -no-header: exit %d, want 2\n%s", res.code, res.stderr)
	}
}

// TestBatchTSVNames: the outputs of a tab-separated list keep its
// extension, and the cleaned file is tab-separated too.
func TestBatchTSVNames(t *testing.T) {
	dir := t.TempDir()
	res, _ := reviewRun(t, dir, "list.tsv", "Email\tName\nann@example.org\tAnn\nbob@nowhere-at-all.com\tBob\n")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "list.cleaned.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "Email\tName\nann@example.org\tAnn\n" {
		t.Errorf("list.cleaned.tsv holds %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "list.removed.tsv")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "list.cleaned.csv")); !os.IsNotExist(err) {
		t.Errorf("a .csv output was written for a .tsv list: %v", err)
	}
}

// TestFlagsAfterFile: flags may follow the file name, and "--" ends them.
func TestFlagsAfterFile(t *testing.T) {
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "list.csv"), []byte("Email\nann@gmail.con\n"))
	res := runCLI(t, runBudget, "-batch", input, "-dns", "off", "-fix")
	if res.code != 0 {
		t.Fatalf("listclean -batch FILE -dns off -fix: exit %d\n%s", res.code, res.stderr)
	}
	if got := readCSV(t, filepath.Join(dir, "list.cleaned.csv")); len(got) != 2 || got[1][0] != "ann@gmail.com" {
		t.Errorf("-fix after the file was not applied: %q", got)
	}
	res = runCLI(t, runBudget, "-batch", "-dns", "off", "--", "-fix")
	if res.code != 1 || !strings.Contains(res.stderr, "-fix") {
		t.Errorf(`after "--", -fix is a file name: exit %d, want 1 (no such file)\n%s`, res.code, res.stderr)
	}
	res = runCLI(t, runBudget, "-batch", input, "-dns", "off", "other.csv")
	if res.code != 2 || !strings.Contains(res.stderr, "one input file at a time, got 2") {
		t.Errorf("two files: exit %d\n%s", res.code, res.stderr)
	}
}

// TestBatchDecisionsReplay: a review's decisions file, replayed with
// -decisions, decides the rows of the list it was taken on, and on next
// month's export of the list (rows added and moved) the rows that hold the
// same addresses; a decision whose address is gone is reported.
func TestBatchDecisionsReplay(t *testing.T) {
	dir := t.TempDir()
	march := "Email,Name\nann@gmial.com,Ann\nbob@example.org,Bob\ncy@nowhere-at-all.com,Cy\ndee@example.org,Dee\n"
	input := writeFile(t, filepath.Join(dir, "march.csv"), []byte(march))
	l, err := cleaner.ReadFile(input, cleaner.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := cleaner.NewSession(l, false)
	s.JudgeAll()
	s.Decide([]int{0}, cleaner.Decision{Action: cleaner.ActionFix, Email: "ann@gmail.com"})
	s.Decide([]int{1}, cleaner.Decision{Action: cleaner.ActionRemove})
	s.Decide([]int{2}, cleaner.Decision{Action: cleaner.ActionKeep})
	s.Decide([]int{3}, cleaner.Decision{Action: cleaner.ActionRemove})
	fp, err := cleaner.FingerprintFile(input)
	if err != nil {
		t.Fatal(err)
	}
	decisions := cleaner.DecisionsPath(input)
	if err := cleaner.SaveDecisions(decisions, s.DecisionRecords(fp)); err != nil {
		t.Fatal(err)
	}

	// The same list: every decision on its row.
	srv := startZone(t, reviewZone).Addr()
	res := runCLI(t, runBudget, "-batch", "-dns", srv, "-decisions", decisions, input)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "decisions: applied 4 decisions of "+decisions+", taken on this very list") {
		t.Errorf("stderr does not say the decisions were applied:\n%s", res.stderr)
	}
	cleaned := readCSV(t, filepath.Join(dir, "march.cleaned.csv"))
	want := [][]string{{"Email", "Name"}, {"ann@gmail.com", "Ann"}, {"cy@nowhere-at-all.com", "Cy"}}
	if !slices.EqualFunc(cleaned, want, slices.Equal) {
		t.Errorf("cleaned %q, want %q", cleaned, want)
	}
	changes := readCSV(t, filepath.Join(dir, "march.changes.csv"))
	if len(changes) != 2 || changes[1][4] != "you" {
		t.Errorf("changes %q, want ann's correction decided by you", changes)
	}

	// April's export: a new row first, bob gone, the rest moved.
	april := "Email,Name\nnew@example.org,New\ndee@example.org,Dee\nann@gmial.com,Ann\ncy@nowhere-at-all.com,Cy\n"
	aprilInput := writeFile(t, filepath.Join(dir, "april.csv"), []byte(april))
	res = runCLI(t, runBudget, "-batch", "-dns", srv, aprilInput, "-decisions", decisions)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	for _, line := range []string{
		decisions + " was saved for another version of the list (",
		"applied 3 of 4 decisions: 0 to the rows they were taken on, 3 to rows that moved (found by their address); 1 decision not applied: no row holds its address any more",
	} {
		if !strings.Contains(res.stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, res.stderr)
		}
	}
	cleaned = readCSV(t, filepath.Join(dir, "april.cleaned.csv"))
	want = [][]string{{"Email", "Name"}, {"new@example.org", "New"}, {"ann@gmail.com", "Ann"}, {"cy@nowhere-at-all.com", "Cy"}}
	if !slices.EqualFunc(cleaned, want, slices.Equal) {
		t.Errorf("april cleaned %q, want %q", cleaned, want)
	}

	// A file that is not a decisions file stops the run, naming it.
	res = runCLI(t, runBudget, "-batch", "-dns", "off", "-decisions", input, aprilInput)
	if res.code != 1 || !strings.Contains(res.stderr, "-decisions: "+input) {
		t.Errorf("a list as -decisions: exit %d\n%s", res.code, res.stderr)
	}
}

// TestREADMEVocabulary: the README's verdict table gives each reason the
// words the screens show, from the one table in package cleaner.
func TestREADMEVocabulary(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, r := range cleaner.Reasons {
		row := "| `" + string(cleaner.VerdictOf(r)) + "` | `" + string(r) + "` | " + r.Words() + " |"
		if !strings.Contains(readme, row) {
			t.Errorf("README's verdict table lacks %q", row)
		}
	}
	for _, v := range cleaner.Verdicts {
		if w := "`" + string(v) + "` " + v.Words(); !strings.Contains(strings.Join(strings.Fields(readme), " "), w) {
			t.Errorf("README does not say that %s reads %q on screen", v, v.Words())
		}
	}
}
