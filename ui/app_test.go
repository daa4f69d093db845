package ui

import (
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/listclean/listclean/cleaner"
)

func TestQuitAsksWhileDecisionsAreNotExported(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("q")
	if !tt.quit {
		t.Fatal("q without decisions did not quit")
	}

	tt = atReview(t, Options{})
	tt.press("x", "q")
	if tt.quit || tt.m.c.prompt == nil {
		t.Fatal("q with unexported decisions quit without asking")
	}
	if !strings.Contains(tt.view(), "Your decisions are saved in list.decisions.csv but not exported") {
		t.Errorf("no question in:\n%s", tt.view())
	}
	tt.press("k") // neither yes nor no: nothing happens
	if tt.m.review.session.Decided() != 1 || tt.m.c.prompt == nil {
		t.Error("a key other than y or n acted while asking")
	}
	tt.press("n")
	if tt.quit || tt.m.c.prompt != nil {
		t.Fatal("n did not cancel the question")
	}
	tt.press("q", "y")
	if !tt.quit {
		t.Error("y did not quit")
	}
}

func TestCtrlCQuitsAtOnce(t *testing.T) {
	tt := atReview(t, Options{})
	tt.press("x", "e") // unexported decisions, and the editor open
	tt.press("ctrl+c")
	if !tt.quit {
		t.Error("ctrl+c did not quit")
	}
	if tt.m.c.ctx.Err() == nil {
		t.Error("background work was not stopped")
	}
}

func TestHelpToggles(t *testing.T) {
	tt := atReview(t, Options{})
	if strings.Contains(tt.view(), "same domain+reason") {
		t.Fatal("full help shown from the start")
	}
	tt.press("?")
	v := tt.view()
	for _, want := range []string{"L same domain+reason", "accept all in tab", "R         check unknown again", "ctrl+p", "pgup", "next filter", "fewer keys", "quit now",
		"(remove) in brackets: what export does unless you decide · remove: your decision"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help lacks %q:\n%s", want, v)
		}
	}
	if got := strings.Count(v, "\n") + 1; got != 30 {
		t.Errorf("with full help the view is %d lines, want 30", got)
	}
	tt.press("?")
	if strings.Contains(tt.view(), "same domain+reason") {
		t.Error("? did not hide the full help")
	}
	// At 80 columns every column of keys is in view.
	tt.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	tt.press("?")
	v = tt.view()
	for _, want := range []string{"L same domain+reason", "R         check unknown again", "esc       summary"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help at 80 columns lacks %q:\n%s", want, v)
		}
	}
}

func TestOpenErrorShowsPicker(t *testing.T) {
	tt := newTester(t, Options{Path: filepath.Join(t.TempDir(), "missing.csv")}, 80, 24)
	if tt.m.current != tt.m.open {
		t.Fatalf("screen %q, want open", tt.m.current.name())
	}
	if v := tt.view(); !strings.Contains(v, "Could not read") || !strings.Contains(v, "missing.csv") {
		t.Errorf("no error in:\n%s", v)
	}
}

// TestOpenErrorWraps shows the whole of a long read error at 80 columns,
// whose end says what to do, and still fits the screen.
func TestOpenErrorWraps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dup.csv")
	if err := os.WriteFile(path, []byte("Email,Name,Name\na@x.com,A,B\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tt := newTester(t, Options{Path: path}, 80, 24)
	v := tt.view()
	flat := strings.Join(strings.Fields(v), " ")
	if !strings.Contains(flat, `duplicate header name: columns 2 "Name" and 3 "Name"; rename one so that every column has its own name`) {
		t.Errorf("the error is not shown whole:\n%s", v)
	}
	if got := strings.Count(v, "\n") + 1; got > 24 {
		t.Errorf("the view is %d lines, more than the screen's 24", got)
	}
}

func TestOpenPicksFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "list.csv"), []byte(testList), 0o644); err != nil {
		t.Fatal(err)
	}
	// Not lists: another kind of file, and the files listclean keeps
	// about a list.
	for _, name := range []string{"notes.pdf", "list.decisions.csv", "list.changes.csv"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	tt := newTester(t, Options{Checker: &fakeChecker{}}, 80, 24)
	v := tt.view()
	if !strings.Contains(v, "list.csv") || !strings.Contains(v, "Pick the list") {
		t.Fatalf("picker does not list the file:\n%s", v)
	}
	for _, name := range []string{"notes.pdf", "list.decisions.csv", "list.changes.csv"} {
		if strings.Contains(v, name) {
			t.Errorf("picker offers %s, which is not a list:\n%s", name, v)
		}
	}
	tt.press("enter")
	if tt.m.current != tt.m.columns {
		t.Fatalf("enter on list.csv: screen %q, want columns\n%s", tt.m.current.name(), tt.view())
	}
}

func TestColumnsPickAnotherColumn(t *testing.T) {
	tt := newTester(t, Options{Path: writeList(t, testList), Checker: &fakeChecker{}}, 80, 24)
	v := tt.view()
	for _, want := range []string{"email (column 1)", "found by its header", "comma-separated", "Rows", "10", "bob@gmial.com"} {
		if !strings.Contains(v, want) {
			t.Errorf("columns screen lacks %q:\n%s", want, v)
		}
	}
	if raw := tt.raw(); strings.Contains(raw, "\x1b]") || strings.Contains(raw, "\x1b[2J") || strings.Contains(raw, "\a") {
		t.Error("preview holds escape sequences from the file")
	}
	if v := tt.view(); !strings.Contains(v, `\x1b]0;pwned\azed@gmail.com`) {
		t.Errorf("preview does not show the escape sequences of row 8 as text:\n%s", v)
	}
	tt.press("right")
	if tt.m.columns.list.EmailCol != 1 || !strings.Contains(tt.view(), "name (column 2)") {
		t.Errorf("right: email column %d", tt.m.columns.list.EmailCol)
	}
	tt.press("right") // wraps around
	if tt.m.columns.list.EmailCol != 0 {
		t.Errorf("right past the last column: %d, want 0", tt.m.columns.list.EmailCol)
	}
	tt.press("left")
	if tt.m.columns.list.EmailCol != 1 {
		t.Errorf("left from the first column: %d, want 1", tt.m.columns.list.EmailCol)
	}
	tt.press("left", "enter")
	if tt.m.current != tt.m.summary {
		t.Errorf("enter: screen %q, want the summary after the checks", tt.m.current.name())
	}
}

func TestCheckingShowsProgressAndCancels(t *testing.T) {
	tt := newTester(t, Options{Path: writeList(t, testList), Checker: &fakeChecker{hold: true}}, 80, 24)
	tt.pause = func(msg tea.Msg) bool { _, ok := msg.(batchMsg); return ok }
	tt.press("enter")
	if tt.m.current != tt.m.checking || tt.m.checking.phase != checking {
		t.Fatalf("screen %q, want the checks running", tt.m.current.name())
	}
	v := tt.view()
	for _, want := range []string{"Checking the list's 6 domains in DNS", "0%", "Domains    0 of 6", "Rows       3 of 10", "Queries/s", "Time left", "cannot receive mail", "waiting for DNS", "esc stop checking"} {
		if !strings.Contains(v, want) {
			t.Errorf("checking screen lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "suppressed") {
		t.Errorf("checking screen counts suppressed rows without a suppression file:\n%s", v)
	}
	tt.pause = nil
	tt.press("esc")
	tt.run(nil)
	if tt.m.current != tt.m.summary {
		t.Fatalf("after esc: screen %q, want the summary", tt.m.current.name())
	}
	s := tt.m.c.session
	if got := s.Rows[0].Reason(); got != cleaner.ReasonNotChecked {
		t.Errorf("an unchecked row has reason %q, want not_checked", got)
	}
	if got := s.Rows[6].Reason(); got != cleaner.ReasonSyntax {
		t.Errorf("a syntax error got reason %q after cancelling", got)
	}
	if !strings.Contains(tt.view(), "not checked (the checks were stopped)") {
		t.Errorf("summary does not say the checks were stopped:\n%s", tt.view())
	}
}

func TestDNSOff(t *testing.T) {
	tt := newTester(t, Options{Path: writeList(t, testList)}, 80, 24)
	tt.press("enter")
	if tt.m.current != tt.m.summary {
		t.Fatalf("screen %q, want the summary", tt.m.current.name())
	}
	if !strings.Contains(tt.view(), "DNS checks off") {
		t.Errorf("summary does not say DNS was off:\n%s", tt.view())
	}
	tt.press("enter", "end", "enter")
	if !strings.Contains(tt.view(), "not checked: DNS checks are off") {
		t.Errorf("details do not say DNS was off:\n%s", tt.view())
	}
}

// TestColumnsCountsEmptyCells: the rows of the email column without a
// value are counted, so that the count of values adds up to the rows.
func TestColumnsCountsEmptyCells(t *testing.T) {
	tt := newTester(t, Options{Path: writeList(t, "email,name\nann@gmail.com,Ann\n,Bob\n  ,Carl\nnot-an-email,Dan\n"), Checker: &fakeChecker{}}, 80, 24)
	if v := tt.view(); !strings.Contains(v, "1 of 2 values look like addresses · 2 empty") {
		t.Errorf("columns screen does not count the empty cells:\n%s", v)
	}
}

func TestSummary(t *testing.T) {
	tt := newTester(t, Options{Path: writeList(t, testList), Checker: &fakeChecker{}}, 80, 24)
	tt.press("enter")
	v := tt.view()
	for _, want := range []string{"10 rows, 6 domains", "deliverable", "risky", "cannot receive mail", "unknown", "repeated address", "domain does not exist",
		"Domains that fail most often", "gmial.com", "2 suggested corrections wait for review (of 2)",
		"0 decisions by you · export now: 4 kept (0 corrected), 6 removed"} {
		if !strings.Contains(v, want) {
			t.Errorf("summary lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "suppressed") {
		t.Errorf("summary counts suppressed rows without a suppression file:\n%s", v)
	}
	tt.press("w")
	if tt.m.current != tt.m.export {
		t.Errorf("w on the summary: screen %q, want export", tt.m.current.name())
	}
}

func TestExport(t *testing.T) {
	path := writeList(t, testList)
	tt := atReview(t, Options{Path: path})
	tt.press("a", "x") // row 2 fixed, row 3 removed
	tt.press("w")
	if tt.m.current != tt.m.export {
		t.Fatalf("w: screen %q, want export", tt.m.current.name())
	}
	v := tt.view()
	for _, want := range []string{"list.cleaned.csv", "list.removed.csv", "1 of them corrected", "2 rows follow your decisions",
		"list.changes.csv", "old and new address of the 1 corrected row", "Rows you did not decide on (8)",
		"1 [ ] correct the typos that cannot receive mail (0 rows)"} {
		if !strings.Contains(v, want) {
			t.Errorf("export screen lacks %q:\n%s", want, v)
		}
	}
	tt.press("enter")
	if tt.m.export.phase != written {
		t.Fatalf("after enter: phase %d, want written\n%s", tt.m.export.phase, tt.view())
	}
	if !strings.Contains(tt.view(), "Files written") {
		t.Errorf("no confirmation:\n%s", tt.view())
	}
	cleaned, err := os.ReadFile(filepath.Join(filepath.Dir(path), "list.cleaned.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cleaned), "bob@gmail.com") || strings.Contains(string(cleaned), "carl@") {
		t.Errorf("cleaned file:\n%s", cleaned)
	}
	if tt.m.c.dirty {
		t.Error("decisions still marked as unexported")
	}
	// The end of the program says what was written as the batch command does.
	dir := filepath.Dir(path)
	if got, want := tt.m.exitText(), "wrote "+filepath.Join(dir, "list.cleaned.csv")+": 5 rows kept (1 of them corrected)\n"+
		"wrote "+filepath.Join(dir, "list.removed.csv")+": 5 rows removed\n"+
		"wrote "+filepath.Join(dir, "list.changes.csv")+": the old and new address of each corrected row; suppress or delete the old ones in your email platform\n"+
		"not written: the input "+path+", which is left as it was\n"; !strings.HasPrefix(got, want) {
		t.Errorf("exit text:\n%s\nwant it to start:\n%s", got, want)
	}

	// Again: the files exist now, so export asks before overwriting.
	tt.press("esc")
	if tt.m.current != tt.m.review {
		t.Fatalf("esc after export: screen %q, want review", tt.m.current.name())
	}
	tt.press("k", "w", "enter")
	if tt.m.c.prompt == nil || !strings.Contains(tt.view(), "list.cleaned.csv, list.removed.csv and list.changes.csv are already there. Overwrite?") {
		t.Fatalf("no overwrite question:\n%s", tt.view())
	}
	tt.press("n")
	if tt.m.export.phase != ready || !strings.Contains(tt.view(), "Nothing was written") {
		t.Fatalf("n did not cancel the overwrite, or did not say so:\n%s", tt.view())
	}
	tt.press("enter", "y")
	if tt.m.export.phase != written {
		t.Fatalf("y did not overwrite:\n%s", tt.view())
	}
	tt.press("q")
	if !tt.quit {
		t.Error("q after export did not quit at once")
	}
}

func TestExportRefusesInputAsOutput(t *testing.T) {
	path := writeList(t, testList)
	tt := atReview(t, Options{Path: path, Paths: cleaner.ExportPaths{Cleaned: path}})
	tt.press("w")
	if !strings.Contains(tt.view(), "Cannot write") {
		t.Fatalf("no refusal:\n%s", tt.view())
	}
	tt.press("enter")
	if tt.m.export.phase != ready {
		t.Error("enter wrote over the input")
	}
	tt.press("esc")
	if tt.m.current != tt.m.review {
		t.Error("esc did not go back")
	}
}

func TestColoursFollowTheTerminal(t *testing.T) {
	tt := atReview(t, Options{})
	tt.send(tea.BackgroundColorMsg{Color: color.White})
	if tt.m.isDark {
		t.Error("a white background was taken as dark")
	}
	if _, none := tt.m.c.styles.Selected.GetBackground().(lipgloss.NoColor); none {
		t.Error("with colours the cursor row has no background")
	}
	tt.send(tea.ColorProfileMsg{Profile: colorprofile.Ascii}) // NO_COLOR
	if !tt.m.c.styles.Selected.GetReverse() {
		t.Error("without colours the cursor row is not in reverse video")
	}
}

// TestOpenTooLarge points a list too large to hold to batch mode.
func TestOpenTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(cleaner.DefaultMaxBytes + 1); err != nil { // sparse
		t.Fatal(err)
	}
	f.Close()
	tt := newTester(t, Options{Path: path}, 80, 24)
	flat := strings.Join(strings.Fields(tt.view()), " ")
	if !strings.Contains(flat, "file too large") || !strings.Contains(flat, "clean it with listclean -batch") {
		t.Errorf("no way out for a file too large:\n%s", tt.view())
	}
}

// TestColumnsWarnsAndAsks: a column where few values look like addresses
// is flagged, and checking it is asked about first; h makes the first line
// a row, and back again.
func TestColumnsWarnsAndAsks(t *testing.T) {
	tt := newTester(t, Options{Path: writeList(t, testList), Checker: &fakeChecker{}}, 80, 24)
	if v := tt.view(); !strings.Contains(v, "9 of 10 values look like addresses") || strings.Contains(v, "is this the email column?") {
		t.Errorf("the email column's count:\n%s", v)
	}
	tt.press("right") // name
	if v := tt.view(); !strings.Contains(v, "! 0 of 10 values look like addresses: is this the email column?") {
		t.Errorf("no warning on the name column:\n%s", v)
	}
	tt.press("enter")
	if tt.m.current != tt.m.columns || tt.m.c.prompt == nil || !strings.Contains(tt.view(), "Only 0 of 10 values in name look like addresses") {
		t.Fatalf("enter on the name column did not ask:\n%s", tt.view())
	}
	tt.press("n")
	if tt.m.current != tt.m.columns || tt.m.c.prompt != nil {
		t.Fatalf("n did not stay on the columns")
	}
	tt.press("left", "h")
	if v := tt.view(); !strings.Contains(v, "Header line  no: the first line is a row") || !strings.Contains(v, "11") {
		t.Errorf("h did not make the first line a row:\n%s", v)
	}
	tt.press("h", "enter")
	if tt.m.current != tt.m.summary || len(tt.m.c.session.Rows) != 10 {
		t.Errorf("after h twice and enter: screen %q", tt.m.current.name())
	}
}

// TestPromptsFit: every question fits a terminal of 40 by 10, answers
// included.
func TestPromptsFit(t *testing.T) {
	tt := atReview(t, Options{})
	tt.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	check := func(step string, answers ...string) {
		t.Helper()
		v := tt.view()
		lines := strings.Split(v, "\n")
		if len(lines) != 10 {
			t.Errorf("%s: %d lines, want 10:\n%s", step, len(lines), v)
		}
		for _, l := range lines {
			if w := lipgloss.Width(l); w > 40 {
				t.Errorf("%s: a line of %d cells: %q", step, w, l)
			}
		}
		for _, a := range answers {
			if !strings.Contains(v, a) {
				t.Errorf("%s: the answer %q is not on screen:\n%s", step, a, v)
			}
		}
	}
	tt.press("A")
	check("bulk accept", "y accept 2", "n no")
	tt.press("n", "x", "q")
	check("quit", "y quit", "n stay")
	tt.press("n")
}

// TestDecisionsNotSaved: when the decisions file cannot be written, the
// review says so, and quitting warns that the decisions are lost.
func TestDecisionsNotSaved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(path, []byte(testList), 0o644); err != nil {
		t.Fatal(err)
	}
	// A folder where the decisions file would go: it cannot be written.
	if err := os.Mkdir(filepath.Join(dir, "list.decisions.csv"), 0o755); err != nil {
		t.Fatal(err)
	}
	tt := atReview(t, Options{Path: path})
	tt.press("x", "down")
	if v := tt.view(); !strings.Contains(v, "Your decisions could not be saved") {
		t.Errorf("the review does not say the decisions were not saved:\n%s", v)
	}
	tt.press("q")
	if v := tt.view(); !strings.Contains(v, "quitting loses them") {
		t.Errorf("quitting does not warn:\n%s", v)
	}
}

// TestFooterFitsTheWindow: the key help is never wider than the window,
// whatever the screen, the width, and with all keys shown or not. The
// help bubble adds a key that leaves no room for its "…" rather than
// leave it out, and the terminal then cut the line without saying so.
func TestFooterFitsTheWindow(t *testing.T) {
	tt := atReview(t, Options{})
	for _, screen := range []string{"review", "summary"} {
		if screen == "summary" {
			tt.press("esc")
		}
		if tt.m.current.name() != strings.ToUpper(screen[:1])+screen[1:] {
			t.Fatalf("screen %q, want the %s", tt.m.current.name(), screen)
		}
		for _, w := range []int{30, 40, 41, 60, 80} {
			tt.send(tea.WindowSizeMsg{Width: w, Height: 24})
			for _, all := range []bool{false, true} {
				tt.m.help.ShowAll = all
				for _, l := range strings.Split(tt.m.footer(), "\n") {
					if lw := ansi.StringWidth(l); lw > w {
						t.Errorf("%s at %d columns (all keys %v): a help line is %d cells wide: %q", screen, w, all, lw, ansi.Strip(l))
					}
				}
			}
			tt.m.help.ShowAll = false
		}
	}
}
