package cleaner

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/listclean/listclean/resolver"
	"github.com/listclean/listclean/resolver/dnstest"
)

// sessionZone is the world the session tests check against.
const sessionZone = `
$TTL 300
mx.hosting.net.         A     192.0.2.10
good.com.               MX    10 mx.hosting.net.
gmail.com.              MX    5 mx.hosting.net.
hotmail.com.            MX    5 mx.hosting.net.
gmial.com.              MX    10 mx.hosting.net.
northwindtraders.com.   MX    10 mx.hosting.net.
aonly.com.              A     192.0.2.20
nullmx.com.             MX    0 .
txtonly.com.            TXT   "v=spf1 -all"
badmx.com.              MX    10 mx.nowhere-hosting.net.
flaky.com.              MX    10 mx.hosting.net.
;@fault flaky.com. servfail
`

// sessionList is one row per case, in the order of the table in
// TestSessionVerdicts.
const sessionList = "Email,Name\r\n" +
	"jo@good.com,valid\r\n" +
	"a@aonly.com,implicit\r\n" +
	"a@nullmx.com,null mx\r\n" +
	"a@txtonly.com,no mail\r\n" +
	"a@badmx.com,bad mx\r\n" +
	"a@gone.com,nxdomain\r\n" +
	"a@flaky.com,dns error\r\n" +
	"a@gmial.com,typo suspect\r\n" +
	"b@hotmial.com,nxdomain typo\r\n" +
	"c@gmail.cmo,bad tld\r\n" +
	"\"d@gmail,com\",\"syntax slip, with fix\"\r\n" +
	"not an email,syntax\r\n" +
	"JO@good.com ,duplicate\r\n" +
	"e@northwindtrader.com,list typo\r\n" +
	"f@northwindtraders.com,company\r\n" +
	"g@northwindtraders.com,company\r\n" +
	"h@northwindtraders.com,company\r\n" +
	"i@northwindtraders.com,company\r\n" +
	"j@northwindtraders.com,company\r\n" +
	"k@northwindtraders.com,company\r\n" +
	"l@northwindtraders.com,company\r\n" +
	"m@northwindtraders.com,company\r\n" +
	"n@northwindtraders.com,company\r\n" +
	"o@northwindtraders.com,company\r\n"

// startChecker serves zone on loopback, with the big providers that a
// checker asks about before it trusts a server, and returns a checker that
// asks it.
func startChecker(t *testing.T, zone string) *resolver.Checker {
	t.Helper()
	return startCheckerFor(t, zone+dnstest.WitnessZone, false)
}

// startCheckerFor serves zone as it is; with private, the checker knows
// that the world has no big providers (resolver.Config.Private).
func startCheckerFor(t *testing.T, zone string, private bool) *resolver.Checker {
	t.Helper()
	srv, err := dnstest.Start(zone)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := resolver.Config{Servers: []string{srv.Addr()}, Timeout: time.Second, Retries: 1, Private: private,
		RetryPause: 10 * time.Millisecond} // flaky.com fails again at once

	c, err := resolver.NewChecker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readString(t *testing.T, csv string) *List {
	t.Helper()
	l, err := Read(strings.NewReader(csv), "list.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// writeList writes content to the file path with the permission bits
// perm, and reads it as a list.
func writeList(t *testing.T, path, content string, perm os.FileMode) *List {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	l, err := ReadFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func checkedSession(t *testing.T) *Session {
	t.Helper()
	s := NewSession(readString(t, sessionList), true)
	s.Check(context.Background(), startChecker(t, sessionZone), nil)
	return s
}

func TestSessionVerdicts(t *testing.T) {
	s := checkedSession(t)
	tests := []struct {
		row        int
		verdict    Verdict
		reason     Reason
		suggestion string
	}{
		{0, VerdictValid, ReasonOK, ""},
		{1, VerdictRisky, ReasonImplicitMX, ""},
		{2, VerdictInvalid, ReasonNullMX, ""},
		{3, VerdictInvalid, ReasonNoMail, ""},
		{4, VerdictInvalid, ReasonBadMX, ""},
		{5, VerdictInvalid, ReasonNXDomain, ""},
		{6, VerdictUnknown, ReasonDNSError, ""},
		{7, VerdictRisky, ReasonTypoSuspect, "a@gmail.com"},
		{8, VerdictInvalid, ReasonNXDomain, "b@hotmail.com"},
		{9, VerdictInvalid, ReasonBadDomain, "c@gmail.com"},
		{10, VerdictInvalid, ReasonSyntax, "d@gmail.com"},
		{11, VerdictInvalid, ReasonSyntax, ""},
		{12, VerdictDuplicate, ReasonDuplicate, ""},
		{13, VerdictInvalid, ReasonNXDomain, "e@northwindtraders.com"},
		{14, VerdictValid, ReasonOK, ""},
	}
	for _, tt := range tests {
		r := s.Rows[tt.row]
		if r.Verdict() != tt.verdict || r.Reason() != tt.reason || s.Suggestion(tt.row) != tt.suggestion {
			t.Errorf("row %d %q: got %s/%s/%q, want %s/%s/%q", tt.row+1, r.Addr().Raw,
				r.Verdict(), r.Reason(), s.Suggestion(tt.row), tt.verdict, tt.reason, tt.suggestion)
		}
	}
	if got := s.Rows[12].DupOf; got != 0 {
		t.Errorf("duplicate row points at row %d, want 0", got)
	}
}

// A suggestion is only offered when its domain routes: with the
// corrections absent from the zone, nothing is suggested. The world lacks
// gmail.com on purpose: its server is a private one.
func TestSessionSuggestsOnlyRoutingDomains(t *testing.T) {
	zone := "$TTL 300\nmx.hosting.net. A 192.0.2.10\ngmial.com. MX 10 mx.hosting.net.\n"
	s := NewSession(readString(t, "Email\na@gmial.com\nb@hotmial.com\n\"c@gmail,com\"\nd@gmail\ne@gm\u0430il.com\nf@gmx.de.de\n"), true)
	s.Check(context.Background(), startCheckerFor(t, zone, true), nil)
	for i, want := range []Reason{ReasonOK, ReasonNXDomain, ReasonSyntax, ReasonBadDomain, ReasonNXDomain, ReasonNXDomain} {
		r := s.Rows[i]
		if r.Reason() != want || r.HasSuggestion() {
			t.Errorf("row %d %q: got %s %q, want %s and no suggestion", i+1, r.Addr().Raw, r.Reason(), s.Suggestion(i), want)
		}
	}
}

func TestSessionDNSOff(t *testing.T) {
	s := NewSession(readString(t, "Email\na@good.com\nb@hotmial.com\n\"c@gmail,com\"\n"), false)
	if len(s.Domains()) != 0 {
		t.Fatalf("DNS off still asks about %v", s.Domains())
	}
	s.Check(context.Background(), nil, nil)
	tests := []struct {
		reason     Reason
		suggestion string
		routes     bool
	}{
		{ReasonNotChecked, "", false},
		{ReasonNotChecked, "b@hotmail.com", true},
		{ReasonSyntax, "c@gmail.com", true},
	}
	for i, tt := range tests {
		r := s.Rows[i]
		if r.Reason() != tt.reason || s.Suggestion(i) != tt.suggestion || r.SuggestionRoutes != tt.routes {
			t.Errorf("row %d: got %s %q routes=%v, want %s %q routes=%v", i+1,
				r.Reason(), s.Suggestion(i), r.SuggestionRoutes, tt.reason, tt.suggestion, tt.routes)
		}
	}
}

// A cancelled check keeps what was checked and leaves the rest not_checked.
func TestSessionCancelled(t *testing.T) {
	s := NewSession(readString(t, sessionList), true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.Check(ctx, startChecker(t, sessionZone), nil)
	for i, r := range s.Rows {
		if r.Addr().Reason == "" && r.DupOf < 0 && r.Reason() != ReasonNotChecked {
			t.Errorf("row %d %q: reason %s after a cancelled check, want not_checked", i+1, r.Addr().Raw, r.Reason())
		}
	}
}

func TestSessionJudgeEdited(t *testing.T) {
	s := checkedSession(t)
	if d, ok := s.Unchecked("x@aonly.com"); ok {
		t.Errorf("aonly.com was checked, Unchecked says %q needs a check", d)
	}
	if d, ok := s.Unchecked("x@new.com"); !ok || d != "new.com" {
		t.Errorf("Unchecked(x@new.com) = %q, %v; want new.com, true", d, ok)
	}
	if r := s.Judge("x@good.com"); r.Verdict() != VerdictValid {
		t.Errorf("Judge(x@good.com) = %s/%s, want valid", r.Verdict(), r.Reason())
	}
	if r := s.Judge("x@new.com"); r.Reason() != ReasonNotChecked {
		t.Errorf("Judge(x@new.com) before its check = %s, want not_checked", r.Reason())
	}
}

// recordingChecker answers every domain with an OK result, or nxdomain
// for those in fail, and records the domains of each slice it is given.
type recordingChecker struct {
	fail  map[string]bool
	mu    sync.Mutex
	calls [][]string
}

func (c *recordingChecker) CheckStreamHeld(ctx context.Context, domains <-chan []string, _ func(resolver.Result)) <-chan resolver.Result {
	out := make(chan resolver.Result)
	go func() {
		defer close(out)
		for ds := range domains {
			c.mu.Lock()
			c.calls = append(c.calls, slices.Clone(ds))
			c.mu.Unlock()
			for _, d := range ds {
				st := resolver.StatusOK
				if c.fail[d] {
					st = resolver.StatusNXDomain
				}
				out <- resolver.Result{Domain: d, Status: st}
			}
		}
	}()
	return out
}

// Check asks about the rows' own domains at once, and about the candidate
// corrections that their results need later in the stream: the corrections of
// a domain that fails, the provider that a domain that routes is a typo
// of, and the malformed rows' corrections; not the corrections of a
// domain that routes, which are never suggested (yahoo.co's yahoo.com);
// progress counts every domain asked.
func TestSessionChecksOwnDomainsFirst(t *testing.T) {
	s := NewSession(readString(t, "Email\r\n"+
		"a@good.com\r\n"+
		"b@hotmial.com\r\n"+ // fails: hotmail.com
		"c@gmial.com\r\n"+ // routes: a typo of gmail.com
		"d@yahoo.co\r\n"+ // routes: yahoo.com is not asked
		"e@outlook.cmo\r\n"), true) // bad_domain: outlook.com, outlook.co
	c := &recordingChecker{fail: map[string]bool{"hotmial.com": true}}
	var dones []int
	total := -1
	s.Check(context.Background(), c, func(_ resolver.Result, done, n int) {
		dones, total = append(dones, done), n
	})
	own := s.Domains()[:s.RowDomains()]
	if len(c.calls) < 2 || !slices.Equal(c.calls[0], own) {
		t.Fatalf("Check calls %q, want the rows' own domains %q first", c.calls, own)
	}
	var extra []string
	for _, call := range c.calls[1:] {
		extra = append(extra, call...)
	}
	slices.Sort(extra)
	if want := []string{"gmail.com", "hotmail.com", "outlook.co", "outlook.com"}; !slices.Equal(extra, want) {
		t.Errorf("candidates asked %q, want %q", extra, want)
	}
	if n := len(own) + len(extra); total != n || len(dones) == 0 || dones[len(dones)-1] != n {
		t.Errorf("progress ended at %v of %d, want %d of %d", dones[len(dones)-1:], total, n, n)
	}
	for i := 1; i < len(dones); i++ {
		if dones[i] < dones[i-1] {
			t.Fatalf("progress went back: %v", dones)
		}
	}
	if r := s.Rows[3]; r.Reason() != ReasonOK || r.HasSuggestion() {
		t.Errorf("d@yahoo.co: %s, suggestion %q; want ok without one", r.Reason(), s.Suggestion(3))
	}
	if s.Suggestion(1) != "b@hotmail.com" {
		t.Errorf("b@hotmial.com: suggestion %q, want b@hotmail.com", s.Suggestion(1))
	}
}

// TestSessionChecksBeforeCorrections: Checks streams the results of the
// rows' own domains while the corrections are still being found, as the
// terminal UI shows them from its first second, and asks about the
// candidates once they are found.
func TestSessionChecksBeforeCorrections(t *testing.T) {
	s := NewSession(readString(t, "Email\r\n"+
		"a@good.com\r\n"+
		"b@hotmial.com\r\n"), true) // fails: hotmail.com
	s.corrections()
	// The corrections are not found until unblocked.
	unblock := make(chan struct{})
	s.found = unblock
	c := &recordingChecker{fail: map[string]bool{"hotmial.com": true}}
	// Not a timing: a bound on a hang, which would otherwise last until
	// the test binary's timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	results := s.Checks(ctx, c)
	got := make(map[string]bool)
	for range s.RowDomains() {
		select {
		case r, ok := <-results:
			if !ok {
				t.Fatalf("the results ended after %v", got)
			}
			got[r.Domain] = true
		case <-ctx.Done():
			close(unblock)
			t.Fatalf("no result for the rows' own domains before the corrections, only %v", got)
		}
	}
	if !got["good.com"] || !got["hotmial.com"] {
		t.Errorf("before the corrections, results for %v; want the rows' own domains", got)
	}
	close(unblock)
	var last Checked
	for r := range results {
		got[r.Domain], last = true, r
	}
	if !got["hotmail.com"] || last.Total != 3 {
		t.Errorf("after the corrections, results for %v, the last with a total of %d; want hotmail.com too, of 3", got, last.Total)
	}
}

// accuracyZone is a world with role, disposable and typo domains.
const accuracyZone = `
$TTL 300
mx.hosting.net.         A     192.0.2.10
good.com.               MX    10 mx.hosting.net.
aonly.com.              A     192.0.2.20
gmail.com.              MX    5 mx.hosting.net.
hotmail.com.            MX    5 mx.hosting.net.
daum.net.               MX    5 mx.hosting.net.
gmial.com.              MX    10 mx.hosting.net.
duam.net.               MX    10 mx.hosting.net.
mailinator.com.         MX    10 mx.hosting.net.
mx.mailinator.com.      MX    10 mx.hosting.net.
yopmail.com.            MX    10 mx.hosting.net.
fastmail.com.           MX    10 mx.hosting.net.
flaky.com.              MX    10 mx.hosting.net.
;@fault flaky.com. servfail
`

// TestSessionRoleAndDisposable: the reasons a row can have at once, and
// which one it gets.
func TestSessionRoleAndDisposable(t *testing.T) {
	tests := []struct {
		email      string
		reason     Reason
		suggestion string
	}{
		{"info@good.com", ReasonRole, ""},
		{"Info+news@good.com", ReasonRole, ""},
		{"NOREPLY@good.com", ReasonRole, ""},
		{"info.kim@good.com", ReasonOK, ""},
		{"salesforce@good.com", ReasonOK, ""},
		{"postmaster@aonly.com", ReasonRole, ""}, // outranks implicit_mx
		{"info@flaky.com", ReasonRole, ""},       // outranks what DNS does not know
		{"info@gone.com", ReasonNXDomain, ""},    // cannot receive mail
		{"info@gmial.com", ReasonTypoSuspect, "info@gmail.com"},
		{"anna@mailinator.com", ReasonDisposable, ""}, // a disposable service
		{"anna@mx.mailinator.com", ReasonDisposable, ""},
		{"info@mailinator.com", ReasonDisposable, ""}, // outranks role
		{"anna@yopmail.com", ReasonDisposable, ""},
		{"anna@gmial.com", ReasonTypoSuspect, "anna@gmail.com"}, // a disposable service's typo of a provider
		{"anna@duam.net", ReasonTypoSuspect, "anna@daum.net"},
		{"anna@hotmai.com", ReasonNXDomain, "anna@hotmail.com"}, // DNS outranks both
		{"anna@fastmail.com", ReasonOK, ""},                     // a privacy provider
	}
	var csv strings.Builder
	csv.WriteString("Email\n")
	for _, tt := range tests {
		csv.WriteString(tt.email + "\n")
	}
	s := NewSession(readString(t, csv.String()), true)
	s.Check(context.Background(), startChecker(t, accuracyZone), nil)
	for i, tt := range tests {
		r := s.Rows[i]
		if r.Reason() != tt.reason || s.Suggestion(i) != tt.suggestion {
			t.Errorf("%s: %s %q, want %s %q", tt.email, r.Reason(), s.Suggestion(i), tt.reason, tt.suggestion)
		}
		if j := s.Judge(tt.email); j.Reason() != r.Reason() || j.Suggestion != s.Suggestion(i) {
			t.Errorf("Judge(%s) = %s %q, the row %s %q", tt.email, j.Reason(), j.Suggestion, r.Reason(), s.Suggestion(i))
		}
	}

	// Without DNS, role and disposable are known all the same, and a
	// provider's typo keeps its suggestion.
	off := NewSession(readString(t, "Email\ninfo@good.com\nanna@mailinator.com\nanna@gmial.com\njo@good.com\n"), false)
	off.Check(context.Background(), nil, nil)
	want := []struct {
		reason     Reason
		suggestion string
	}{{ReasonRole, ""}, {ReasonDisposable, ""}, {ReasonNotChecked, "anna@gmail.com"}, {ReasonNotChecked, ""}}
	for i, w := range want {
		if r := off.Rows[i]; r.Reason() != w.reason || off.Suggestion(i) != w.suggestion {
			t.Errorf("DNS off: %s: %s %q, want %s %q", r.Addr().Raw, r.Reason(), off.Suggestion(i), w.reason, w.suggestion)
		}
	}
}

// holdingChecker holds the result of each domain in fail until the
// candidates of its correction are asked, as a probe round holds a
// failing result: it says at once (onHeld) that the domain failed, and
// sends its result only once a later slice of domains came. A session
// that looked the corrections up only after the result left would wait
// for it forever.
type holdingChecker struct{ fail map[string]bool }

func (c *holdingChecker) CheckStreamHeld(ctx context.Context, domains <-chan []string, onHeld func(resolver.Result)) <-chan resolver.Result {
	out := make(chan resolver.Result)
	go func() {
		defer close(out)
		send := func(rs ...resolver.Result) bool {
			for _, r := range rs {
				select {
				case out <- r:
				case <-ctx.Done():
					return false
				}
			}
			return true
		}
		var held []resolver.Result
		for n := 0; ; n++ {
			var ds []string
			var ok bool
			select {
			case ds, ok = <-domains:
			case <-ctx.Done():
				return
			}
			if !ok {
				send(held...)
				return
			}
			for _, d := range ds {
				r := resolver.Result{Domain: d, Status: resolver.StatusOK}
				if c.fail[d] {
					r.Status = resolver.StatusNXDomain
					onHeld(r)
					held = append(held, r)
				} else if !send(r) {
					return
				}
			}
			if n > 0 {
				if !send(held...) {
					return
				}
				held = nil
			}
		}
	}()
	return out
}

// TestSessionChecksHeldCorrections: the corrections of a result held for
// a probe round are asked while it is held, so that they share its round.
func TestSessionChecksHeldCorrections(t *testing.T) {
	s := NewSession(readString(t, "Email\r\na@good.com\r\nb@hotmial.com\r\n"), true)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Check(ctx, &holdingChecker{fail: map[string]bool{"hotmial.com": true}}, nil)
	if ctx.Err() != nil {
		t.Fatalf("the held result of hotmial.com never left: its corrections were not asked while it was held")
	}
	if r := s.Rows[1]; r.Reason() != ReasonNXDomain || s.Suggestion(1) != "b@hotmail.com" {
		t.Errorf("b@hotmial.com: %s, suggestion %q; want nxdomain, b@hotmail.com", r.Reason(), s.Suggestion(1))
	}
}
