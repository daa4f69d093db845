package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hostile is part of a file name that tries to drive the terminal: it
// clears the screen, sets the window title, rings the bell and breaks the
// line. Sanitised, it reads as shown.
const (
	hostile = "evil\x1b[2J\x1b]0;pwned\x07\r\nname"
	shown   = `evil\x1b[2J\x1b]0;pwned\a\r\nname`
)

// sgr matches the colour and weight sequences the styles write.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkSafe fails when the screen holds a control character or an escape
// sequence other than styling, or lacks one of the wanted texts (where
// the file's own are shown as escapes).
func checkSafe(t *testing.T, tt *tester, step string, want ...string) {
	t.Helper()
	raw := tt.raw()
	rest := sgr.ReplaceAllString(raw, "")
	if strings.ContainsAny(rest, "\x1b\x07\r") {
		t.Errorf("%s: the screen holds escape sequences or control characters from a file name:\n%q", step, raw)
	}
	v := tt.view()
	for _, w := range want {
		if !strings.Contains(v, w) {
			t.Errorf("%s: the screen lacks %q:\n%s", step, w, v)
		}
	}
}

func TestOpenSanitizesNames(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, hostile+".csv"), []byte(testList), 0o644); err != nil {
		t.Skipf("cannot create a file with control characters in its name: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "d-"+hostile), 0o755); err != nil {
		t.Skipf("cannot create a folder with control characters in its name: %v", err)
	}
	for _, name := range []string{"ok.csv", "x-" + hostile + ".pdf"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(testList), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link whose target is hostile: the picker shows the target too.
	target := filepath.Join(t.TempDir(), "t-"+hostile+".csv")
	link := os.WriteFile(target, []byte(testList), 0o644) == nil &&
		os.Symlink(target, filepath.Join(dir, "link.csv")) == nil
	if !link {
		t.Log("no symbolic link: its target is not checked")
	}
	t.Chdir(dir)
	// Wide enough for the link's target, a temporary folder's path and
	// the name with its escapes.
	tt := newTester(t, Options{Checker: &fakeChecker{}}, 160, 30)
	if tt.m.current != tt.m.open {
		t.Fatalf("screen %q, want open", tt.m.current.name())
	}

	// Only folders and lists are listed: the .pdf is counted, not shown.
	checkSafe(t, tt, "lists only", "1 other file hidden, tab shows")
	if strings.Contains(tt.view(), ".pdf") {
		t.Errorf("a file that is not a list is listed:\n%s", tt.view())
	}
	tt.press("tab") // every file
	// Folders come first: the cursor is on the hostile folder, the file
	// and the link are plain rows.
	want := []string{"d-" + shown + "/", shown + ".csv", "ok.csv", "x-" + shown + ".pdf"}
	if link {
		want = append(want, "link.csv → ", "t-"+shown+".csv")
	}
	checkSafe(t, tt, "cursor on the folder", want...)
	tt.press("down")
	checkSafe(t, tt, "cursor on the file", want...)
	if link {
		tt.press("down")
		checkSafe(t, tt, "cursor on the link", want...)
	}

	// A file that is not a list: the error names it.
	tt.press("end", "enter")
	checkSafe(t, tt, "not a list", "x-"+shown+".pdf is not a list")

	// Inside the folder, its path heads the screen.
	tt.press("home", "right")
	checkSafe(t, tt, "in the folder", "d-"+shown)
}
