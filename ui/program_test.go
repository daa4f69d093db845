package ui

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/resolver"
	"github.com/listclean/listclean/resolver/dnstest"
)

// testZone is the DNS world of testList: gmial.com and nowhere-at-all.com
// do not exist, flaky-dns.org always fails, webonly.net has no MX.
const testZone = `
$TTL 300
gmail.com.         MX 10 mx.gmail.com.
mx.gmail.com.      A  192.0.2.10
yahoo.com.         MX 10 mx.yahoo.com.
mx.yahoo.com.      A  192.0.2.11
example.org.       MX 10 mail.example.org.
mail.example.org.  A  192.0.2.20
webonly.net.       A  192.0.2.30
flaky-dns.org.     MX 10 mx.flaky-dns.org.
;@fault flaky-dns.org. servfail
`

// terminal runs the whole program against a virtual terminal, so that
// tests read the screen as a user sees it.
type terminal struct {
	t    *testing.T
	tm   *teatest.TestModel
	emu  *vt.SafeEmulator
	out  io.Reader
	last string

	mu    sync.Mutex
	title []string // every window title set, in order
}

// titles returns the window titles the program set.
func (term *terminal) titles() []string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return slices.Clone(term.title)
}

func startProgram(t *testing.T, opt Options, w, h int) *terminal {
	t.Helper()
	return startModel(t, New(opt), w, h)
}

// startModel runs the program of model m, as startProgram does.
func startModel(t *testing.T, m *Model, w, h int) *terminal {
	t.Helper()
	emu := vt.NewSafeEmulator(w, h)
	// The renderer ends lines with a bare LF when it thinks it is not on a
	// TTY; new-line mode makes the emulator treat that as CR LF.
	if _, err := emu.Write([]byte("\x1b[20h")); err != nil {
		t.Fatal(err)
	}
	// Drain the emulator's replies to terminal queries, or its writes
	// block. The goroutine ends with the test binary: vt's Close races with
	// a pending Read (it sets an unguarded flag), so the emulator is not
	// closed.
	go func() { _, _ = io.Copy(io.Discard, emu) }()

	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	term := &terminal{t: t, tm: tm, emu: emu, out: io.TeeReader(tm.Output(), emu)}
	emu.SetCallbacks(vt.Callbacks{Title: func(s string) {
		term.mu.Lock()
		defer term.mu.Unlock()
		if len(term.title) == 0 || term.title[len(term.title)-1] != s {
			term.title = append(term.title, s)
		}
	}})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("screen:\n%s", term.last)
		}
	})
	return term
}

// waitFor waits until the screen shows every one of want.
func (term *terminal) waitFor(want ...string) {
	term.t.Helper()
	teatest.WaitFor(term.t, term.out, func([]byte) bool {
		term.last = term.emu.String()
		for _, w := range want {
			if !strings.Contains(term.last, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func (term *terminal) press(keys ...string) {
	for _, k := range keys {
		term.tm.Send(keyPress(k))
	}
}

func (term *terminal) typeText(s string) { term.tm.Type(s) }

// newDNS starts a DNS server for testZone, with the big providers that a
// checker asks about before it trusts a server, and a checker that asks it.
func newDNS(t *testing.T) Checker {
	t.Helper()
	return newDNSZone(t, testZone)
}

// newDNSZone is newDNS for another zone.
func newDNSZone(t *testing.T, zone string) Checker {
	t.Helper()
	srv, err := dnstest.Start(zone + dnstest.WitnessZone)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c, err := resolver.NewChecker(resolver.Config{Servers: []string{srv.Addr()}, Timeout: time.Second, Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// TestProgram drives the whole program through every screen against a
// local DNS server: open (with a path), columns, checks, summary, review
// (accept, bulk, remove, undo, edit) and export, reading the screen
// through a virtual terminal and the files written.
func TestProgram(t *testing.T) {
	path := writeList(t, testList)
	term := startProgram(t, Options{Path: path, Checker: newDNS(t)}, 80, 24)

	term.waitFor("Columns", "Email column email (column 1) · found by its header", "bob@gmial.com")
	term.press("enter")
	term.waitFor("Summary", "10 rows", "Domains that fail most often", "gmial.com", "domain does not exist")

	term.press("enter")
	// Row 8's cell holds escape sequences: they are shown, not run.
	term.waitFor("all flagged 8", "bob@gmial.com", "(remove)", `8 \x1…zed@gmail.com\x1b`)
	if titles := term.titles(); len(titles) != 1 || titles[0] != "listclean" {
		t.Errorf("the window title was set to %q, not only to listclean: an escape sequence from the file reached the terminal", titles)
	}

	term.press("a")
	term.waitFor("Row 2 will be corrected to bob@gmail.com")
	term.press("L") // row 3 is like row 2: gmial.com, domain does not exist
	term.waitFor("Correct 1 more row like row 2: at gmial.com (domain does not")
	term.press("down")
	term.press("x")
	term.waitFor("Row 4 will be removed: domain does not exist")
	term.press("u")
	term.waitFor("Undid the decision on row 4")
	term.press("e")
	term.waitFor("Edit row 4: dan@nowhere-at-all.com")
	term.press("ctrl+u")
	term.typeText("dan@example.org")
	term.press("enter")
	term.waitFor("Row 4 will be corrected to dan@example.org")

	term.press("enter")
	term.waitFor("row 4 · dan@nowhere-at-all.com", "550 5.4.4 Unable to route", "nowhere-at-all.com: nxdomain", "NXDOMAIN")
	term.press("enter")

	term.press("w")
	term.waitFor("Where the rows go", "list.cleaned.csv", "7 rows, 3 of them corrected", "3 rows follow your decisions")
	term.press("enter")
	term.waitFor("Files written")
	term.press("q")
	term.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	dir := filepath.Dir(path)
	cleaned := readText(t, filepath.Join(dir, "list.cleaned.csv"))
	for _, want := range []string{"bob@gmail.com,Bob", "carl@gmail.com,Carl", "dan@example.org,Dan", "eve@flaky-dns.org", "gus@webonly.net"} {
		if !strings.Contains(cleaned, want) {
			t.Errorf("cleaned list lacks %q:\n%s", want, cleaned)
		}
	}
	removed := readText(t, filepath.Join(dir, "list.removed.csv"))
	for _, want := range []string{"not-an-email", "ANN@gmail.com", "duplicate"} {
		if !strings.Contains(removed, want) {
			t.Errorf("removed rows lack %q:\n%s", want, removed)
		}
	}
	if strings.Contains(removed, "bob@") || strings.Contains(removed, "dan@") {
		t.Errorf("fixed rows were removed:\n%s", removed)
	}
}

// TestProgramBatchPolicyOnExport checks that w straight after the checks
// writes what the batch policy says, and that the program asks before
// overwriting and quits on ctrl+c.
func TestProgramBatchPolicyOnExport(t *testing.T) {
	path := writeList(t, testList)
	dir := filepath.Dir(path)
	if err := os.WriteFile(filepath.Join(dir, "list.cleaned.csv"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	opt := Options{Path: path, Checker: newDNS(t), Policy: cleaner.Policy{Fix: true}}
	term := startProgram(t, opt, 120, 40)
	term.waitFor("Columns")
	term.press("enter")
	term.waitFor("Summary", "Domains that fail most often")
	term.press("w")
	term.waitFor("list.cleaned.csv is already there", "1 [x] correct the typos that cannot receive mail (2 rows)")
	term.press("enter")
	term.waitFor("Overwrite?")
	term.press("y")
	term.waitFor("Files written")
	term.press("ctrl+c")
	term.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	cleaned := readText(t, filepath.Join(dir, "list.cleaned.csv"))
	if !strings.Contains(cleaned, "bob@gmail.com") || !strings.Contains(cleaned, "carl@gmail.com") {
		t.Errorf("-fix did not apply the suggestions:\n%s", cleaned)
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
