package cleaner

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/listclean/listclean/cleaner/suppression"
	"github.com/listclean/listclean/resolver"
)

const servfail = "MX lookup: 127.0.0.1:53: server answered SERVFAIL (3 attempts)"

func TestDNSCause(t *testing.T) {
	nx := func(host string, pref uint16) resolver.MXHost {
		return resolver.MXHost{Host: host, Pref: pref, State: resolver.HostNXDomain}
	}
	tests := []struct {
		name string
		res  resolver.Result
		want string
	}{
		{"dns_error", resolver.Result{Status: resolver.StatusDNSError, Err: servfail}, servfail},
		{"dns_error of an MX host", resolver.Result{Status: resolver.StatusDNSError,
			Err: "MX host mx.example.net: A lookup: 127.0.0.1:53: no reply before the timeout"},
			"MX host mx.example.net: A lookup: 127.0.0.1:53: no reply before the timeout"},
		{"dns_error without words", resolver.Result{Status: resolver.StatusDNSError}, ""},
		{"dns_error with a server's control characters", resolver.Result{Status: resolver.StatusDNSError,
			Err: "over TCP: malformed reply: \x1b]0;pwned\a\r\nnext line"},
			`over TCP: malformed reply: \x1b]0;pwned\a\r\nnext line`},
		{"bad_mx", resolver.Result{Status: resolver.StatusBadMX, MX: []resolver.MXHost{
			nx("mx1.example.net", 10), {Host: "mx2.example.net", Pref: 20, State: resolver.HostNoAddress}}},
			"MX 10 mx1.example.net: nxdomain, MX 20 mx2.example.net: no_address"},
		{"bad_mx unroutable and invalid", resolver.Result{Status: resolver.StatusBadMX, MX: []resolver.MXHost{
			{Host: "localhost", State: resolver.HostInvalid},
			{Host: "mail.example.net", Pref: 10, State: resolver.HostUnroutable, Addrs: []string{"10.0.0.1", "127.0.0.1"}}}},
			"MX 0 localhost: invalid, MX 10 mail.example.net: unroutable (10.0.0.1, 127.0.0.1)"},
		{"bad_mx with many hosts", resolver.Result{Status: resolver.StatusBadMX, MX: []resolver.MXHost{
			nx("a.example.net", 10), nx("b.example.net", 20), nx("c.example.net", 30), nx("d.example.net", 40), nx("e.example.net", 50)}},
			"MX 10 a.example.net: nxdomain, MX 20 b.example.net: nxdomain, MX 30 c.example.net: nxdomain, and 2 more"},
		{"bad_mx with a server's control characters", resolver.Result{Status: resolver.StatusBadMX, MX: []resolver.MXHost{
			nx("mx\x1b[2J\u202e.example.net", 10)}},
			`MX 10 mx\x1b[2J\u202e.example.net: nxdomain`},
		{"nxdomain", resolver.Result{Status: resolver.StatusNXDomain}, ""},
		{"no_mail", resolver.Result{Status: resolver.StatusNoMail}, ""},
		{"null_mx", resolver.Result{Status: resolver.StatusNullMX, MX: []resolver.MXHost{{Host: "."}}}, ""},
		{"ok", resolver.Result{Status: resolver.StatusOK, MX: []resolver.MXHost{
			{Host: "mx.example.net", Pref: 10, State: resolver.HostResolved, Addrs: []string{"192.0.2.1"}}}}, ""},
		{"implicit_mx", resolver.Result{Status: resolver.StatusImplicitMX, Addrs: []string{"192.0.2.1"}}, ""},
	}
	for _, tt := range tests {
		if got := DNSCause(tt.res); got != tt.want {
			t.Errorf("%s: DNSCause = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMXHostText(t *testing.T) {
	tests := []struct {
		mx   resolver.MXHost
		want string
	}{
		{resolver.MXHost{Host: "mx.example.com", Pref: 10, State: resolver.HostResolved, Addrs: []string{"192.0.2.1", "2001:db8::1"}},
			"MX 10 mx.example.com: resolved (192.0.2.1, 2001:db8::1)"},
		{resolver.MXHost{Host: "mx3.example.com", Pref: 30}, "MX 30 mx3.example.com"},
		{resolver.MXHost{Host: "mx.example.com", Pref: 65535, State: resolver.HostDNSError}, "MX 65535 mx.example.com: dns_error"},
		{resolver.MXHost{Host: "mx.example.com", Pref: 5, State: resolver.HostUnroutable, Addrs: []string{"0.0.0.0\x1b[m"}},
			`MX 5 mx.example.com: unroutable (0.0.0.0\x1b[m)`},
	}
	for _, tt := range tests {
		if got := MXHostText(tt.mx); got != tt.want {
			t.Errorf("MXHostText(%+v) = %q, want %q", tt.mx, got, tt.want)
		}
	}
}

// causeList has a row at each domain of causeResults, and rows whose
// verdict does not rest on their domain's result (1-based): a repeat (7),
// a malformed address (8), addresses the evidence names (9, 10) and one at
// a domain never checked (11).
const causeList = "Email\n" +
	"a@flaky.com\n" +
	"b@badmx.com\n" +
	"c@gone.com\n" +
	"d@good.com\n" +
	"e@hostile.com\n" +
	"f@formula.com\n" +
	"A@flaky.com\n" +
	"g h@flaky.com\n" +
	"bounced@flaky.com\n" +
	"soft@flaky.com\n" +
	"i@unchecked.com\n"

// causeResults are the DNS results of causeList's domains, as a server
// that says what it likes might make them.
var causeResults = []resolver.Result{
	{Domain: "flaky.com", Status: resolver.StatusDNSError, Err: servfail},
	{Domain: "badmx.com", Status: resolver.StatusBadMX, MX: []resolver.MXHost{
		{Host: "mx.nowhere.net", Pref: 10, State: resolver.HostNXDomain}}},
	{Domain: "gone.com", Status: resolver.StatusNXDomain},
	{Domain: "good.com", Status: resolver.StatusOK, MX: []resolver.MXHost{
		{Host: "mx.good.com", Pref: 10, State: resolver.HostResolved, Addrs: []string{"192.0.2.1"}}}},
	{Domain: "hostile.com", Status: resolver.StatusBadMX, MX: []resolver.MXHost{
		{Host: "\x1b]0;pwned\a.evil.net", Pref: 10, State: resolver.HostUnroutable, Addrs: []string{"127.0.0.1"}}}},
	{Domain: "formula.com", Status: resolver.StatusDNSError, Err: "=HYPERLINK(\"http://198.51.100.1\")\r\n"},
}

// causeEvidence hard-bounces row 9 and soft-bounces row 10.
const causeEvidence = "email,created,status,reason\n" +
	"bounced@flaky.com,1767225600,5.1.1,550 5.1.1 User unknown\n" +
	"soft@flaky.com,1767312000,4.2.2,452 4.2.2 Mailbox over quota\n"

// causeSession judges causeList by causeResults and causeEvidence.
func causeSession(t *testing.T, l *List) *Session {
	t.Helper()
	f, err := suppression.Read(strings.NewReader(causeEvidence), "bounces.csv")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(l, true)
	s.Suppress(NewSuppressions(suppression.Files{f}))
	for _, r := range causeResults {
		s.Apply(r)
	}
	s.JudgeAll()
	return s
}

// TestDetailDNSCause: a row whose verdict rests on a dns_error or bad_mx
// result gives its cause first in its detail; no other row does.
func TestDetailDNSCause(t *testing.T) {
	s := causeSession(t, readString(t, causeList))
	tests := []struct {
		row    int // 1-based
		reason Reason
		detail string
	}{
		{1, ReasonDNSError, servfail},
		{2, ReasonBadMX, "MX 10 mx.nowhere.net: nxdomain"},
		{3, ReasonNXDomain, ""},
		{4, ReasonOK, ""},
		{5, ReasonBadMX, `MX 10 \x1b]0;pwned\a.evil.net: unroutable (127.0.0.1)`},
		{6, ReasonDNSError, `=HYPERLINK("http://198.51.100.1")\r\n`},
		{7, ReasonDuplicate, ""},
		{8, ReasonSyntax, ""},
		{9, ReasonHardBounce, "hard_bounce 5.1.1 on 2026-01-01 (bounces.csv, line 2)"},
		{10, ReasonDNSError, servfail + "; soft_bounce 4.2.2 on 2026-01-02 (bounces.csv, line 3)"},
		{11, ReasonNotChecked, ""},
	}
	for _, tt := range tests {
		i := tt.row - 1
		if got := s.Rows[i].Reason(); got != tt.reason {
			t.Errorf("row %d %q: reason %s, want %s", tt.row, s.Rows[i].Addr().Raw, got, tt.reason)
			continue
		}
		if got := s.Detail(i); got != tt.detail {
			t.Errorf("row %d %q (%s): detail %q, want %q", tt.row, s.Rows[i].Addr().Raw, tt.reason, got, tt.detail)
		}
	}
}

// TestExportDNSCause: the removed file and the report give a row's DNS
// cause in its detail cell, with a server's control characters shown as
// escapes and a formula guarded, whether or not the user's own cells are
// guarded.
func TestExportDNSCause(t *testing.T) {
	for _, escape := range []bool{false, true} {
		dir := t.TempDir()
		in := filepath.Join(dir, "list.csv")
		s := causeSession(t, writeList(t, in, causeList, 0o644))
		s.Decide([]int{0, 5}, Decision{Action: ActionRemove}) // the dns_error rows, kept by default
		opt := ExportOptions{Paths: DefaultPaths(in, ','), EscapeFormulas: escape}
		opt.Paths.Report = filepath.Join(dir, "report.csv")
		if _, err := s.Export(opt); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"a@flaky.com":   servfail,
			"b@badmx.com":   "MX 10 mx.nowhere.net: nxdomain",
			"e@hostile.com": `MX 10 \x1b]0;pwned\a.evil.net: unroutable (127.0.0.1)`,
			"f@formula.com": `'=HYPERLINK("http://198.51.100.1")\r\n`,
			"c@gone.com":    "",
		}
		removed := map[string]string{}
		for _, rec := range readCSVFile(t, opt.Paths.Removed)[1:] {
			removed[rec[0]] = rec[len(rec)-1]
		}
		report, err := ReadReport(opt.Paths.Report)
		if err != nil {
			t.Fatal(err)
		}
		reported := map[string]string{}
		for _, r := range report {
			reported[r.Email] = r.Detail
		}
		for email, detail := range want {
			if got, ok := removed[email]; !ok || got != detail {
				t.Errorf("escape %v: removed %s: detail %q (in the file: %v), want %q", escape, email, got, ok, detail)
			}
			if got := reported[email]; got != detail {
				t.Errorf("escape %v: report %s: detail %q, want %q", escape, email, got, detail)
			}
		}
		for _, p := range []string{opt.Paths.Removed, opt.Paths.Report} {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.ContainsAny(data, "\x1b\a") || bytes.Contains(data, []byte("HYPERLINK(\"http://198.51.100.1\")\r")) {
				t.Errorf("escape %v: %s holds a server's control characters:\n%q", escape, filepath.Base(p), data)
			}
		}
	}
}
