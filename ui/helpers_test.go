package ui

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/resolver"
)

// testList is a small list with one row of each kind the review shows.
// Rows (1-based): 1 valid, 2 and 3 nxdomain with a suggestion (same domain
// and reason), 4 nxdomain without one, 5 dns_error, 6 duplicate of 1,
// 7 syntax, 8 syntax with escape sequences in its cells, 9 valid,
// 10 implicit_mx.
const testList = "email,name\n" +
	"ann@gmail.com,Ann\n" +
	"bob@gmial.com,Bob\n" +
	"carl@gmial.com,Carl\n" +
	"dan@nowhere-at-all.com,Dan\n" +
	"eve@flaky-dns.org,Eve\n" +
	"ANN@gmail.com,Ann again\n" +
	"not-an-email,X\n" +
	"\"\x1b]0;pwned\x07zed@gmail.com\x1b[2J\",\"\x1b[2J\x1b]0;pwned\x07\"\n" +
	"fay@yahoo.com,Fay\n" +
	"gus@webonly.net,Gus\n"

// fakeStatus is what the fake DNS says about each domain; others are ok.
var fakeStatus = map[string]resolver.Status{
	"gmial.com":          resolver.StatusNXDomain,
	"nowhere-at-all.com": resolver.StatusNXDomain,
	"flaky-dns.org":      resolver.StatusDNSError,
	"webonly.net":        resolver.StatusImplicitMX,
}

// fakeResult is a DNS result with some evidence, as the resolver gives.
func fakeResult(domain string) resolver.Result {
	st, ok := fakeStatus[domain]
	if !ok {
		st = resolver.StatusOK
	}
	r := resolver.Result{Domain: domain, Status: st}
	switch st {
	case resolver.StatusOK:
		r.MX = []resolver.MXHost{{Host: "mx." + domain, Pref: 10, State: resolver.HostResolved, Addrs: []string{"192.0.2.1"}}}
		r.Lookups = []resolver.Lookup{{Name: domain, Type: "MX", Rcode: "NOERROR", Attempts: 1, Server: "127.0.0.1:53"}}
	case resolver.StatusNXDomain:
		r.Lookups = []resolver.Lookup{{Name: domain, Type: "MX", Rcode: "NXDOMAIN", Attempts: 1, Server: "127.0.0.1:53"}}
	case resolver.StatusDNSError:
		r.Err = "SERVFAIL after 3 attempts"
		r.Lookups = []resolver.Lookup{{Name: domain, Type: "MX", Rcode: "SERVFAIL", Attempts: 3, Server: "127.0.0.1:53"}}
	}
	return r
}

// fakeChecker answers from fakeStatus at once. With hold set, CheckStreamHeld sends
// nothing until its context is cancelled, like a DNS server that never
// answers. With proof set, Prove fails with it. Recheck answers with
// again when set.
type fakeChecker struct {
	hold  bool
	proof error
	again func(domain string) resolver.Result
	notes []string

	mu      sync.Mutex
	asked   []string // CheckDomain calls
	proved  [][]string
	recheck []string // Recheck's domains
}

func (f *fakeChecker) Prove(_ context.Context, witnesses []string) error {
	f.mu.Lock()
	f.proved = append(f.proved, witnesses)
	f.mu.Unlock()
	return f.proof
}

func (f *fakeChecker) Recheck(ctx context.Context, domains []string) <-chan resolver.Result {
	f.mu.Lock()
	f.recheck = append(f.recheck, domains...)
	f.mu.Unlock()
	ch := make(chan resolver.Result, len(domains))
	for _, d := range domains {
		if f.again != nil {
			ch <- f.again(d)
		} else {
			ch <- fakeResult(d)
		}
	}
	close(ch)
	return ch
}

func (f *fakeChecker) Notes() []string { return f.notes }

func (f *fakeChecker) CheckStreamHeld(ctx context.Context, domains <-chan []string, _ func(resolver.Result)) <-chan resolver.Result {
	ch := make(chan resolver.Result)
	go func() {
		defer close(ch)
		if f.hold {
			<-ctx.Done()
			return
		}
		seen := make(map[string]bool)
		for ds := range domains {
			for _, d := range ds {
				if seen[d] {
					continue
				}
				seen[d] = true
				select {
				case ch <- fakeResult(d):
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return ch
}

func (f *fakeChecker) CheckDomain(_ context.Context, domain string) resolver.Result {
	f.mu.Lock()
	f.asked = append(f.asked, domain)
	f.mu.Unlock()
	return fakeResult(domain)
}

func (f *fakeChecker) Stats() resolver.Stats {
	return resolver.Stats{Queries: 12, Answers: 12, Limit: 64}
}

// writeList writes the test list to a temporary directory and returns its
// path.
func writeList(t testing.TB, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "list.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tester drives a Model by hand: it runs the commands Update returns,
// synchronously, and feeds their messages back, as the program would.
type tester struct {
	t    testing.TB
	m    *Model
	quit bool

	// pause, when set, stops run after a message it matches has been
	// delivered; the commands left wait in pending for the next run.
	pause   func(tea.Msg) bool
	pending []tea.Cmd
}

func newTester(t testing.TB, opt Options, w, h int) *tester {
	t.Helper()
	tt := &tester{t: t, m: New(opt)}
	tt.send(tea.WindowSizeMsg{Width: w, Height: h})
	tt.run(tt.m.Init())
	return tt
}

// send delivers msg and runs what follows from it.
func (tt *tester) send(msg tea.Msg) {
	tt.t.Helper()
	_, cmd := tt.m.Update(msg)
	tt.run(cmd)
}

// run executes cmd and every command that follows, until none is left.
// Spinner frames are dropped: they only animate.
func (tt *tester) run(cmd tea.Cmd) {
	tt.t.Helper()
	queue := append(tt.pending, cmd)
	tt.pending = nil
	deadline := time.Now().Add(10 * time.Second)
	for len(queue) > 0 {
		if time.Now().After(deadline) {
			tt.t.Fatal("commands still running after 10s")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil, spinner.TickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			tt.quit = true
		default:
			_, next := tt.m.Update(msg)
			queue = append(queue, next)
			if tt.pause != nil && tt.pause(msg) {
				tt.pending = queue
				return
			}
		}
	}
}

// press sends key presses by name: "enter", "esc", "tab", "shift+tab",
// "up", "down", "pgup", "pgdown", "home", "end", "ctrl+c", "ctrl+n",
// "ctrl+p", "ctrl+u", or one character.
func (tt *tester) press(keys ...string) {
	tt.t.Helper()
	for _, k := range keys {
		tt.send(keyPress(k))
	}
}

// typeText types s one character at a time.
func (tt *tester) typeText(s string) {
	tt.t.Helper()
	for _, r := range s {
		tt.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyPress(k string) tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"pgup":      {Code: tea.KeyPgUp},
		"pgdown":    {Code: tea.KeyPgDown},
		"home":      {Code: tea.KeyHome},
		"end":       {Code: tea.KeyEnd},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
		"ctrl+n":    {Code: 'n', Mod: tea.ModCtrl},
		"ctrl+p":    {Code: 'p', Mod: tea.ModCtrl},
		"ctrl+u":    {Code: 'u', Mod: tea.ModCtrl},
	}
	if m, ok := special[k]; ok {
		return m
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// view renders the model's screen as plain text, without styles.
func (tt *tester) view() string { return ansi.Strip(tt.m.View().Content) }

// raw renders the model's screen as the terminal gets it, styles included.
func (tt *tester) raw() string { return tt.m.View().Content }

// atReview opens the test list with the fake checker and goes through
// columns, checks and summary to the review.
func atReview(t testing.TB, opt Options) *tester {
	t.Helper()
	if opt.Path == "" {
		opt.Path = writeList(t, testList)
	}
	if opt.Checker == nil {
		opt.Checker = &fakeChecker{}
	}
	tt := newTester(t, opt, 100, 30)
	if tt.m.current != tt.m.columns {
		t.Fatalf("after reading, screen is %q, want the columns", tt.m.current.name())
	}
	tt.press("enter") // columns: check
	if tt.m.current != tt.m.summary {
		t.Fatalf("after checking, screen is %q, want the summary", tt.m.current.name())
	}
	tt.press("enter") // summary: review
	if tt.m.current != tt.m.review {
		t.Fatalf("screen is %q, want the review", tt.m.current.name())
	}
	return tt
}

// row returns the list row (0-based) under the review's cursor.
func (tt *tester) row() int { return tt.m.review.current() }

// decision returns row i's decision, or "" when it has none.
func (tt *tester) decision(i int) cleaner.Decision {
	d, _ := tt.m.review.session.Decision(i)
	return d
}
