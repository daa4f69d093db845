package ui

// The review workflow of issue 18, each through the whole program against
// a local DNS server, read through a virtual terminal: bulk accept and its
// undo, resuming after quitting without an export, a list changed since
// its decisions were saved, a correction that repeats another row shown
// before the export, the policy chosen on the export screen, the way back
// from the summary to the picker, and the all-rows tab.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/listclean/listclean/cleaner"
)

// workflowList has two typos of gmail.com (rows 1 and 4, the first with
// a phone number), the address row 1's correction gives (row 3), a
// domain that does not exist (row 5), a syntax error (row 6) and a domain
// without MX (row 7).
const workflowList = "email,name,phone\n" +
	"jane@gmial.com,Jane,555-0101\n" +
	"bob@example.org,Bob,\n" +
	"jane@gmail.com,Jane again,\n" +
	"cy@gmial.com,Cy,\n" +
	"dan@nowhere-at-all.com,Dan,\n" +
	"not-an-email,X,\n" +
	"eve@webonly.net,Eve,\n"

// startWorkflow opens the list at path with the test zone's DNS, at
// w x h, and goes on to the summary.
func startWorkflow(t *testing.T, path string, w, h int) *terminal {
	t.Helper()
	term := startProgram(t, Options{Path: path, Checker: newDNS(t)}, w, h)
	term.waitFor("Columns", "jane@gmial.com")
	term.press("enter")
	term.waitFor("Summary", "7 rows")
	return term
}

// quit quits the program, answering y when it asks.
func (term *terminal) quit(ask bool) {
	term.t.Helper()
	term.press("q")
	if ask {
		term.waitFor("not exported", "y quit")
		term.press("y")
	}
	term.tm.WaitFinished(term.t, teatest.WithFinalTimeout(5*time.Second))
}

func TestWorkflowBulkAcceptAndUndo(t *testing.T) {
	term := startWorkflow(t, writeList(t, workflowList), 100, 30)
	term.press("enter")
	term.waitFor("all flagged 5", "(remove)")
	term.press("A")
	term.waitFor("Accept the suggestion of 2 rows in this tab?", "y accept 2", "n no")
	term.press("y")
	term.waitFor("Accepted 2 suggestions · u undoes them all · 1 row is then removed as a repeat")
	term.waitFor("jane@gmail.com", "correct  !", "cy@gmail.com")
	term.press("u")
	term.waitFor("Undid the decision on 2 rows", "jane@gmail.com               (remove)")
	term.press("down")
	term.waitFor("0 decided")
	term.quit(true) // undone, but not exported
}

func TestWorkflowResume(t *testing.T) {
	path := writeList(t, workflowList)
	term := startWorkflow(t, path, 100, 30)
	term.press("enter")
	term.waitFor("all flagged 5")
	term.press("down", "down") // row 5, dan@nowhere-at-all.com
	term.press("x")
	term.waitFor("Row 5 will be removed: domain does not exist")
	term.quit(true)
	saved, err := cleaner.LoadDecisions(filepath.Join(filepath.Dir(path), "list.decisions.csv"))
	if err != nil || len(saved.Records) != 1 || saved.Records[0].Row != 5 {
		t.Fatalf("decisions file after quitting: %+v, %v", saved, err)
	}

	// The same list again: the review resumes.
	term = startWorkflow(t, path, 100, 30)
	term.waitFor("Resumed 1 decision saved", "in list.decisions.csv", "1 decision by you")
	term.press("enter")
	term.waitFor("1 decided")
	term.press("down", "down", "enter")
	term.waitFor("Row 5 will be removed: domain does not exist (your decision)")
	term.quit(true) // saved, and still not exported
}

func TestWorkflowChangedListResume(t *testing.T) {
	path := writeList(t, workflowList)
	term := startWorkflow(t, path, 80, 24)
	term.press("enter")
	term.waitFor("all flagged 5")
	term.press("down", "down", "x") // row 5
	term.waitFor("Row 5 will be removed")
	term.quit(true)

	// Next month's export: a new row first, the others one further down.
	if err := os.WriteFile(path, []byte("email,name,phone\nnew@example.org,New,\n"+strings.TrimPrefix(workflowList, "email,name,phone\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	term = startProgram(t, Options{Path: path, Checker: newDNS(t)}, 80, 24)
	term.waitFor("Columns")
	term.press("enter")
	term.waitFor("The list changed since your 1 decision was saved", "a apply them", "d start afresh")
	term.press("k") // not an answer: nothing happens
	term.press("a")
	term.waitFor("Applied your saved decisions: 1 decision applied (1 to rows that moved)")
	term.press("enter")
	term.waitFor("1 decided")
	term.press("down", "down", "enter")
	term.waitFor("row 6 · dan@nowhere-at-all.com", "Row 6 will be removed: domain does not exist (your decision)")
	term.quit(true)

	// Afresh: the decision is not applied, and the next one replaces it.
	if err := os.WriteFile(path, []byte(workflowList), 0o644); err != nil {
		t.Fatal(err)
	}
	term = startProgram(t, Options{Path: path, Checker: newDNS(t)}, 40, 10)
	term.waitFor("Columns")
	term.press("enter")
	term.waitFor("The list changed since", "a apply them", "d start")
	term.press("d")
	term.waitFor("Started afresh")
	term.quit(false)
}

func TestWorkflowCorrectionRepeatsRow(t *testing.T) {
	term := startWorkflow(t, writeList(t, workflowList), 120, 40)
	term.press("enter")
	term.waitFor("all flagged 5")
	term.press("a") // row 1 to jane@gmail.com, which row 3 holds
	term.waitFor("Row 1 will be corrected to jane@gmail.com; row 3 will be removed: it holds the same address")
	term.press("up", "enter")
	term.waitFor("Export    Row 1 will be corrected to jane@gmail.com (your decision); row 3 will be removed, as it holds the")
	term.press("shift+tab") // the all-rows tab
	term.waitFor("all rows 7")
	term.press("home", "down", "down")
	term.waitFor("row 3 · jane@gmail.com", "Row 3 will be removed: row 1 is corrected to this address")
	term.press("w")
	term.waitFor("Where the rows go", "3 rows, 1 of them corrected", "4 rows, 1 as a repeat after a correction")
	term.press("enter")
	term.waitFor("Files written")
	term.quit(false)
}

func TestWorkflowPolicyOnExport(t *testing.T) {
	path := writeList(t, workflowList)
	term := startWorkflow(t, path, 100, 30)
	term.press("w")
	term.waitFor("Rows you did not decide on (7)", "1 [ ] correct the typos that cannot receive mail (2 rows)",
		"3 [ ] remove risky rows (no mail server, likely typos, disposable and role addresses) (1 row)",
		"Cleaned list 3 rows", "Changes      none: no row is corrected")
	if strings.Contains(term.last, "-fix") || strings.Contains(term.last, "-drop-risky") {
		t.Error("the export screen speaks in flags")
	}
	term.press("1")
	term.waitFor("1 [x] correct the typos", "Cleaned list 4 rows, 2 of them corrected", "old and new address of the 2 corrected rows")
	term.press("down", "down", "space") // remove risky rows
	term.waitFor("3 [x] remove risky rows", "Cleaned list 3 rows, 2 of them corrected")
	term.press("enter")
	term.waitFor("Files written", "list.changes.csv")
	term.press("q")
	term.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	dir := filepath.Dir(path)
	changes, err := cleaner.ReadChanges(filepath.Join(dir, "list.changes.csv"))
	if err != nil || len(changes) != 2 || changes[0].DecidedBy != "policy" || changes[0].NewEmail != "jane@gmail.com" {
		t.Errorf("changes %+v, %v: want rows 1 and 4 corrected by the policy", changes, err)
	}
	cleaned := readText(t, filepath.Join(dir, "list.cleaned.csv"))
	if cleaned != "email,name,phone\njane@gmail.com,Jane,555-0101\nbob@example.org,Bob,\ncy@gmail.com,Cy,\n" {
		t.Errorf("cleaned list:\n%s", cleaned)
	}
}

func TestWorkflowBackNavigation(t *testing.T) {
	path := writeList(t, workflowList)
	term := startWorkflow(t, path, 80, 24)
	term.press("enter")
	term.waitFor("all flagged 5")
	term.press("x") // row 1
	term.waitFor("Row 1 will be removed")
	term.press("esc")
	term.waitFor("Summary", "1 decision by you")
	term.press("esc")
	term.waitFor("Columns", "Header line  yes")
	term.press("esc")
	term.waitFor("Pick the list to clean", "list.csv")
	term.press("enter") // the list, highlighted
	term.waitFor("Columns", "jane@gmial.com")
	term.press("enter")
	term.waitFor("Summary", "Resumed 1 decision saved")

	// Back to the columns, and on without a change: the checks are kept.
	term.press("esc")
	term.waitFor("Columns")
	term.press("enter")
	term.waitFor("Summary", "1 decision by you")
	// With the first line as a row, the list is checked again, and the
	// decision goes with its address.
	term.press("esc")
	term.waitFor("Columns")
	term.press("h")
	term.waitFor("Header line  no: the first line is a row")
	term.press("enter")
	term.waitFor("Summary", "8 rows", "Your decisions: 1 decision applied (1 to rows that moved)")
	term.quit(true)
}

func TestWorkflowAllRowsTab(t *testing.T) {
	term := startWorkflow(t, writeList(t, workflowList), 100, 30)
	term.press("enter")
	term.waitFor("all flagged 5")
	term.press("shift+tab")
	term.waitFor("all rows 7", "bob@example.org", "deliverable", "(keep)")
	term.press("/")
	term.typeText("deliverable")
	term.press("enter")
	term.waitFor("1/2", "jane@gmail.com")
	term.press("esc") // clears the search
	term.waitFor("2/7")
	term.press("/")
	term.typeText("syntax") // the report's code
	term.press("enter")
	term.waitFor("not-an-email", "1/1")
	term.press("enter")
	term.waitFor("Verdict   cannot receive mail: not an email address (invalid/syntax)", "Row       name: X")
	term.quit(false)
}
