package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/listclean/listclean/cleaner"
	"github.com/listclean/listclean/resolver"
)

// lying is how a filtering server fails its proof.
var lying = &resolver.TrustError{Server: "10.9.8.7:53", What: "said gmail.com does not exist (NXDOMAIN), yet gmail.com is a big mail provider that takes mail", Witness: "gmail.com"}

// TestUntrustedServerBeforeAnyVerdict: a server that fails its proof is
// named on the checking screen, with what it answered, before any verdict,
// and the user chooses: DNS off judges the list by form only.
func TestUntrustedServerBeforeAnyVerdict(t *testing.T) {
	fc := &fakeChecker{proof: lying}
	tt := newTester(t, Options{Path: writeList(t, testList), Checker: fc, NewChecker: func(string) (Checker, error) { return nil, errors.New("unused") }}, 80, 24)
	tt.press("enter")
	if tt.m.current != tt.m.checking || tt.m.checking.phase != distrusted {
		t.Fatalf("screen %q phase %v, want the checking screen waiting for a choice", tt.m.current.name(), tt.m.checking.phase)
	}
	v := tt.view()
	for _, want := range []string{"The DNS server is not telling the truth", "10.9.8.7:53", "(NXDOMAIN)",
		"No domain was judged", "d   check with another DNS server", "o   go on without DNS checks", "q   quit"} {
		if !strings.Contains(v, want) {
			t.Errorf("checking screen lacks %q:\n%s", want, v)
		}
	}
	for _, never := range []string{"valid", "invalid", "Domains "} {
		if strings.Contains(v, never) {
			t.Errorf("checking screen shows %q before any verdict:\n%s", never, v)
		}
	}
	if len(fc.proved) != 1 || len(fc.proved[0]) == 0 || fc.proved[0][0] != "gmail.com" {
		t.Errorf("proved with %q, want the list's big providers, gmail.com first", fc.proved)
	}
	tt.press("o")
	if tt.m.current != tt.m.summary || !strings.Contains(tt.view(), "DNS checks off") {
		t.Fatalf("after o: screen %q, want the summary with DNS off:\n%s", tt.m.current.name(), tt.view())
	}
	if got := tt.m.c.session.Rows[3].Reason(); got != cleaner.ReasonNotChecked {
		t.Errorf("a row judged on the lying server's word: %q", got)
	}
}

// TestUntrustedServerSmallTerminal: at 40x10 the reason and the choices
// stay in view, the title and the explanation giving way.
func TestUntrustedServerSmallTerminal(t *testing.T) {
	tt := newTester(t, Options{Path: writeList(t, testList), Checker: &fakeChecker{proof: lying}, NewChecker: func(string) (Checker, error) { return nil, errors.New("unused") }}, 40, 10)
	tt.press("enter")
	v := tt.view()
	for _, want := range []string{"10.9.8.7:53", "d   check with", "o   go on without", "q   quit"} {
		if !strings.Contains(v, want) {
			t.Errorf("the checking screen at 40x10 lacks %q:\n%s", want, v)
		}
	}
}

// TestAnotherServer: d asks for another server's address; one that is
// refused says why, one that passes its proof runs the checks.
func TestAnotherServer(t *testing.T) {
	var asked []string
	good := &fakeChecker{}
	opt := Options{Path: writeList(t, testList), Checker: &fakeChecker{proof: &resolver.TrustError{Server: "127.0.0.1:53", What: "did not answer", Silent: true}}}
	opt.NewChecker = func(dns string) (Checker, error) {
		asked = append(asked, dns)
		if dns != "192.0.2.53" {
			return nil, errors.New(`-dns: "nonsense" is not an IP address`)
		}
		return good, nil
	}
	tt := newTester(t, opt, 80, 24)
	tt.press("enter")
	if v := tt.view(); !strings.Contains(v, "The DNS server did not answer") {
		t.Fatalf("a silent server is not said to be silent:\n%s", v)
	}
	tt.press("d")
	if !tt.m.current.typing() {
		t.Fatal("d does not open the address input")
	}
	tt.typeText("nonsense")
	tt.press("enter")
	if v := tt.view(); !strings.Contains(v, "is not an IP address") {
		t.Errorf("a refused address is not explained:\n%s", v)
	}
	tt.press("ctrl+u")
	tt.typeText("192.0.2.53")
	tt.press("enter")
	if tt.m.current != tt.m.summary {
		t.Fatalf("after another server: screen %q, want the summary\n%s", tt.m.current.name(), tt.view())
	}
	if len(good.proved) != 1 {
		t.Errorf("the new server was proved %d times, want once", len(good.proved))
	}
	if got := tt.m.c.session.Rows[3].Reason(); got != cleaner.ReasonNXDomain {
		t.Errorf("row 4 %q, want nxdomain from the new server", got)
	}
	if strings.Join(asked, ",") != "nonsense,192.0.2.53" {
		t.Errorf("servers asked for: %q", asked)
	}
}

// TestRecheckUnknownRows: R checks the unknown rows' domains again; an
// answer now known gives the row its verdict, and the summary follows.
func TestRecheckUnknownRows(t *testing.T) {
	fc := &fakeChecker{again: func(d string) resolver.Result {
		return resolver.Result{Domain: d, Status: resolver.StatusOK, MX: []resolver.MXHost{{Host: "mx." + d, State: resolver.HostResolved}}}
	}}
	tt := atReview(t, Options{Checker: fc})
	if got := tt.m.review.session.Rows[4].Reason(); got != cleaner.ReasonDNSError {
		t.Fatalf("row 5 is %q before, want dns_error", got)
	}
	tt.press("R")
	if strings.Join(fc.recheck, ",") != "flaky-dns.org" {
		t.Errorf("rechecked %q, want the unknown row's domain alone", fc.recheck)
	}
	if got := tt.m.review.session.Rows[4].Reason(); got != cleaner.ReasonOK {
		t.Errorf("row 5 is %q after, want ok", got)
	}
	if v := tt.view(); !strings.Contains(v, "Checked again: 1 of 1 domain now known") {
		t.Errorf("the review does not say what the check found:\n%s", v)
	}
	if n := tt.m.summary.sum.ByVerdict[cleaner.VerdictUnknown]; n != 0 {
		t.Errorf("the summary still counts %d unknown rows", n)
	}
	tt.press("R")
	if v := tt.view(); !strings.Contains(v, "No unknown rows to check again") {
		t.Errorf("R with no unknown row:\n%s", v)
	}
}

// TestSummaryNotes: what the server did during the checks is on the
// summary, in its words.
func TestSummaryNotes(t *testing.T) {
	fc := &fakeChecker{notes: []string{"the DNS server limited the rate of questions, to about 500 a second: the checks slowed down to keep under it"}}
	tt := newTester(t, Options{Path: writeList(t, testList), Checker: fc}, 120, 40)
	tt.press("enter")
	if v := tt.view(); !strings.Contains(v, "The DNS server limited the rate of questions, to about 500 a second") {
		t.Errorf("summary lacks the server's note:\n%s", v)
	}
}
