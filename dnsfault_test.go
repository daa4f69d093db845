package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/listclean/listclean/resolver/dnstest"
)

// faultZone is the small DNS world of the fault scenarios: one domain per
// outcome the resolver can reach, the domains that carry faults of their
// own in every scenario (the ;@fault lines), and the big providers that a
// server is asked about before it is trusted: the world is the Internet's,
// and its server knows them as a real resolver does.
const faultZone = dnstest.WitnessZone + `$TTL 300
$ORIGIN .
; valid / ok: MX with a host that resolves
alderbrook.org.          MX 10 mx.alderbrook.org.
mx.alderbrook.org.       A  192.0.2.1
quillfeather.net.        MX 10 mail.quillfeather.net.
mail.quillfeather.net.   A  192.0.2.2
tidewater-press.com.     MX 10 mx1.hostingco.net.
tidewater-press.com.     MX 20 mx2.hostingco.net.
mx1.hostingco.net.       A  192.0.2.3
mx2.hostingco.net.       A  192.0.2.4
; risky / implicit_mx: an A record only
marigold-bakery.com.     A  198.51.100.7
; invalid / no_mail: TXT only
copperkettle.io.         TXT "v=spf1 -all"
; invalid / null_mx
juniper-invoices.com.    MX 0 .
; invalid / bad_mx: the MX host does not exist
lanternworks.com.        MX 10 mx.lanternworks-mail.net.
; (ghost-startup.com is absent: invalid / nxdomain)

; unknown / dns_error in every scenario: SERVFAIL, REFUSED, a SERVFAIL for
; the MX host, and more first failures than the 3 attempts of -retries 2
; and the 3 more of the second try at the end
meridian-freight.com.    MX 10 mx.meridian-freight.com.
mx.meridian-freight.com. A  192.0.2.5
;@fault meridian-freight.com. servfail
harrowgate.org.          MX 10 mx.harrowgate.org.
mx.harrowgate.org.       A  192.0.2.6
;@fault harrowgate.org. refused
pebblestone.net.         MX 10 mx.pebblestone.net.
mx.pebblestone.net.      A  192.0.2.7
;@fault mx.pebblestone.net. servfail
kramerica.com.           MX 10 mx.kramerica.com.
mx.kramerica.com.        A  192.0.2.8
;@fault kramerica.com. failfirst=6

; valid / ok thanks to the retries: SERVFAIL first, then the answer
initrode.com.            MX 10 mx.initrode.com.
mx.initrode.com.         A  192.0.2.9
;@fault initrode.com. failfirst=1
vandelay-industries.com. MX 10 mx.vandelay-industries.com.
mx.vandelay-industries.com. A 192.0.2.10
;@fault vandelay-industries.com. failfirst=2
`

// faultDomains is what each domain of faultZone gives when the server is
// healthy but for its per-name faults, with -retries 2.
var faultDomains = []struct {
	domain, verdict, reason string
	temporary               bool // its own fault makes it dns_error in every scenario
	recovers                bool // its own fault is healed by the retries
}{
	{"alderbrook.org", "valid", "ok", false, false},
	{"quillfeather.net", "valid", "ok", false, false},
	{"tidewater-press.com", "valid", "ok", false, false},
	{"marigold-bakery.com", "risky", "implicit_mx", false, false},
	{"copperkettle.io", "invalid", "no_mail", false, false},
	{"juniper-invoices.com", "invalid", "null_mx", false, false},
	{"lanternworks.com", "invalid", "bad_mx", false, false},
	{"ghost-startup.com", "invalid", "nxdomain", false, false},
	{"meridian-freight.com", "unknown", "dns_error", true, false},
	{"harrowgate.org", "unknown", "dns_error", true, false},
	{"pebblestone.net", "unknown", "dns_error", true, false},
	{"kramerica.com", "unknown", "dns_error", true, false},
	{"initrode.com", "valid", "ok", false, true},
	{"vandelay-industries.com", "valid", "ok", false, true},
}

// faultRow is a data row of the fault list with what it gives on a healthy
// server.
type faultRow struct {
	email, verdict, reason, action string
	domain                         string // "" for rows that DNS is not asked about
	temporary, recovers            bool
}

// faultList returns the rows of the fault scenarios' list: two addresses
// per domain of faultZone, and rows that never reach DNS (bad syntax, an
// empty cell, a duplicate), which must keep their verdict whatever DNS does.
func faultList() []faultRow {
	var rows []faultRow
	for i, d := range faultDomains {
		action := "keep"
		if d.verdict == "invalid" {
			action = "remove"
		}
		for _, local := range []string{"ann", "bob.smith"} {
			rows = append(rows, faultRow{
				email: fmt.Sprintf("%s%d@%s", local, i, d.domain), verdict: d.verdict, reason: d.reason, action: action,
				domain: d.domain, temporary: d.temporary, recovers: d.recovers,
			})
		}
	}
	return append(rows,
		faultRow{email: "not-an-email", verdict: "invalid", reason: "syntax", action: "remove"},
		faultRow{email: "", verdict: "invalid", reason: "syntax", action: "remove"},
		faultRow{email: "carla..mendes@alderbrook.org", verdict: "invalid", reason: "syntax", action: "remove"},
		faultRow{email: "ANN0@Alderbrook.org", verdict: "duplicate", reason: "duplicate", action: "remove"},
	)
}

// writeFaultList writes the list as a CSV file in dir and returns its path.
func writeFaultList(t *testing.T, dir string, rows []faultRow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Email,First Name,Notes\n")
	for i, r := range rows {
		fmt.Fprintf(&b, "%s,Person %d,\"row %d, for a test\"\n", r.email, i+1, i+1)
	}
	return writeFile(t, filepath.Join(dir, "list.csv"), []byte(b.String()))
}

// startFaultServer starts the loopback DNS server of the fault scenarios.
func startFaultServer(t *testing.T) *dnstest.Server {
	t.Helper()
	srv, err := dnstest.Start(faultZone)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// deadServer returns the address of a loopback port where no DNS server
// listens any more: queries to it are refused at once (ICMP port
// unreachable).
func deadServer(t *testing.T) string {
	t.Helper()
	srv, err := dnstest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	srv.Close()
	return addr
}

// The fault scenarios run with a short timeout and the default retries.
const (
	faultTimeout  = 200 * time.Millisecond
	faultRetries  = 2
	faultAttempts = faultRetries + 1
)

// faultBudget is the hang detector's bound on a fault scenario. One lookup
// is at most faultAttempts attempts of faultTimeout, with backoffs of at
// most 50 and 100 ms between them; a domain's check is at most 5 lookups in
// a row (MX, then A and AAAA for up to two MX hosts); the resolver runs at
// least 8 checks at once, so the list's few dozen domains (its own and
// candidate corrections) take at most 4 such waves. Slack is added for a
// loaded machine. It is a hang detector, not a speed test: a run that takes
// this long is stuck (the healthy runs take well under a second).
func faultBudget() time.Duration {
	perLookup := faultAttempts*faultTimeout + 150*time.Millisecond
	return 4*5*perLookup + slow(10*time.Second)
}

// TestDNSFaults runs the batch mode against a DNS server that misbehaves
// for the whole run. In every scenario a temporary failure removes nobody
// (the row is unknown / dns_error and kept), every row is accounted for,
// the run ends in bounded time, the summary counts the unknown rows, and a
// domain whose first answers fail is recovered by the retries when the
// server then answers.
func TestDNSFaults(t *testing.T) {
	tests := []struct {
		name string
		// setup switches faults on and returns the -dns value.
		setup func(t *testing.T, srv *dnstest.Server) string
		// degraded: any row that DNS is asked about may also end
		// unknown / dns_error (random drops); otherwise rows must get
		// exactly their healthy verdict.
		degraded bool
		// dead: no server answers; every row that DNS is asked about is
		// unknown / dns_error.
		dead bool
		// deadPeer: one of two servers is dead. The attempts of a lookup
		// rotate over both, so the domains whose first answers fail may
		// run out of attempts on the live one (TestDNSRetryWithDeadServer).
		deadPeer bool
	}{
		{
			name:  "healthy server",
			setup: func(t *testing.T, srv *dnstest.Server) string { return srv.Addr() },
		},
		{
			name: "30% of UDP queries dropped",
			setup: func(t *testing.T, srv *dnstest.Server) string {
				srv.SetDefaultFault(dnstest.Fault{DropRate: 0.3})
				return srv.Addr()
			},
			degraded: true,
		},
		{
			name: "SERVFAIL and REFUSED for more domains",
			setup: func(t *testing.T, srv *dnstest.Server) string {
				srv.SetFault("quillfeather.net", dnstest.Fault{Rcode: dns.RcodeServerFailure})
				srv.SetFault("marigold-bakery.com", dnstest.Fault{Rcode: dns.RcodeRefused})
				return srv.Addr()
			},
		},
		{
			name: "server never answers",
			setup: func(t *testing.T, srv *dnstest.Server) string {
				srv.SetDefaultFault(dnstest.Fault{Drop: true})
				for _, d := range faultDomains {
					srv.SetFault(d.domain, dnstest.Fault{Drop: true}) // over the per-name faults too
				}
				return srv.Addr()
			},
			dead: true,
		},
		{
			name: "slow server, under the timeout",
			setup: func(t *testing.T, srv *dnstest.Server) string {
				srv.SetDefaultFault(dnstest.Fault{Delay: faultTimeout / 2})
				return srv.Addr()
			},
			// Under a loaded race-detector run a 100 ms answer can miss a
			// 200 ms timeout three times; a wrong verdict never.
			degraded: raceEnabled,
		},
		{
			name: "two servers, the first dead",
			setup: func(t *testing.T, srv *dnstest.Server) string {
				return deadServer(t) + "," + srv.Addr()
			},
			deadPeer: true,
		},
		{
			name: "two servers, the second dead",
			setup: func(t *testing.T, srv *dnstest.Server) string {
				return srv.Addr() + "," + deadServer(t)
			},
			deadPeer: true,
		},
		{
			name: "two servers, one a black hole",
			setup: func(t *testing.T, srv *dnstest.Server) string {
				hole := startFaultServer(t)
				hole.SetDefaultFault(dnstest.Fault{Drop: true})
				for _, d := range faultDomains {
					hole.SetFault(d.domain, dnstest.Fault{Drop: true})
				}
				return hole.Addr() + "," + srv.Addr()
			},
			deadPeer: true,
		},
	}
	rows := faultList()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := writeFaultList(t, dir, rows)
			before := mustRead(t, input)
			srv := startFaultServer(t)
			dnsFlag := tt.setup(t, srv)
			out := defaultOutputs(input)
			out.report = filepath.Join(dir, "report.csv")

			res := runCLI(t, faultBudget(), "-batch", "-dns", dnsFlag, "-timeout", faultTimeout.String(),
				"-retries", fmt.Sprint(faultRetries), "-report", out.report, input)
			if res.code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", res.code, res.stderr)
			}
			t.Logf("took %v", res.took.Round(time.Millisecond))
			rep := checkAccounting(t, out, len(rows))
			checkSummaryUnknown(t, res.stderr, rep)
			if string(mustRead(t, input)) != string(before) {
				t.Errorf("the input file was modified")
			}

			unknown := 0
			for i, r := range rep {
				want := rows[i]
				if r.email != want.email {
					t.Fatalf("report row %d is %q, want %q", i+1, r.email, want.email)
				}
				got := r.verdict + "/" + r.reason + "/" + r.action
				healthy := want.verdict + "/" + want.reason + "/" + want.action
				const temp = "unknown/dns_error/keep"
				if r.verdict == "unknown" {
					unknown++
					if got != temp {
						t.Errorf("row %d %s: %s; an unknown row must be dns_error and kept", i+1, want.email, got)
					}
				}
				switch {
				case want.domain == "" || want.verdict == "duplicate":
					// Decided without DNS: the same whatever the server does.
					if got != healthy {
						t.Errorf("row %d %q: %s, want %s", i+1, want.email, got, healthy)
					}
				case tt.dead || want.temporary:
					if got != temp {
						t.Errorf("row %d %s: %s, want %s (a temporary failure)", i+1, want.email, got, temp)
					}
				case tt.degraded || tt.deadPeer && want.recovers:
					if got != healthy && got != temp {
						t.Errorf("row %d %s: %s, want %s or, after a temporary failure, %s", i+1, want.email, got, healthy, temp)
					}
				case tt.name == "SERVFAIL and REFUSED for more domains" &&
					(want.domain == "quillfeather.net" || want.domain == "marigold-bakery.com"):
					if got != temp {
						t.Errorf("row %d %s: %s, want %s", i+1, want.email, got, temp)
					}
				default:
					if got != healthy {
						t.Errorf("row %d %s: %s, want %s", i+1, want.email, got, healthy)
					}
				}
				if r.action == "remove" && r.verdict != "invalid" && r.verdict != "duplicate" {
					t.Errorf("row %d %s removed with verdict %s", i+1, want.email, r.verdict)
				}
			}
			if unknown == 0 {
				t.Errorf("no unknown row: the per-name faults should make some")
			}
			if tt.dead && !strings.Contains(res.stderr, "dns_error") {
				t.Errorf("summary does not say why rows are unknown:\n%s", res.stderr)
			}
			if said := strings.Contains(res.stderr, "warning: the DNS server "+srv.Addr()+" did not answer"); said != tt.dead {
				t.Errorf("says the server did not answer: %v, want %v:\n%s", said, tt.dead, res.stderr)
			}
		})
	}
}

// TestDNSRetriesRecover: with -retries N a domain whose first N answers are
// SERVFAIL is valid; with one failure more it is unknown (and kept), since
// its MX host fails as often. When only its MX query fails, the second try
// at the end of the checks makes N+1 attempts more, and up to 2N+1
// failures are recovered from.
func TestDNSRetriesRecover(t *testing.T) {
	tests := []struct {
		retries, failFirst int
		mxOnly             bool // the MX host answers at once
		want               string
	}{
		{0, 0, false, "valid/ok/keep"},
		{0, 1, false, "unknown/dns_error/keep"},
		{1, 1, false, "valid/ok/keep"},
		{2, 2, false, "valid/ok/keep"},
		{2, 3, false, "unknown/dns_error/keep"},
		{4, 4, false, "valid/ok/keep"},
		{0, 1, true, "valid/ok/keep"},
		{2, 3, true, "valid/ok/keep"},
		{2, 5, true, "valid/ok/keep"},
		{2, 6, true, "unknown/dns_error/keep"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("retries=%d,failfirst=%d,mxonly=%v", tt.retries, tt.failFirst, tt.mxOnly), func(t *testing.T) {
			t.Parallel()
			srv := startFaultServer(t)
			srv.SetFault("alderbrook.org", dnstest.Fault{FailFirst: tt.failFirst})
			if !tt.mxOnly {
				srv.SetFault("mx.alderbrook.org", dnstest.Fault{FailFirst: tt.failFirst})
			}
			dir := t.TempDir()
			input := writeFile(t, filepath.Join(dir, "l.csv"), []byte("email\nann@alderbrook.org\n"))
			report := filepath.Join(dir, "r.csv")
			res := runCLI(t, faultBudget(), "-batch", "-dns", srv.Addr(), "-timeout", faultTimeout.String(),
				"-retries", fmt.Sprint(tt.retries), "-report", report, input)
			if res.code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
			}
			rep := readReport(t, report)
			if got := rep[0].verdict + "/" + rep[0].reason + "/" + rep[0].action; got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			// The MX query took failFirst+1 attempts when it recovered.
			if q := srv.QueriesFor("alderbrook.org"); tt.want == "valid/ok/keep" && q != int64(tt.failFirst+1) {
				t.Errorf("%d MX queries, want %d", q, tt.failFirst+1)
			}
		})
	}
}

// TestDNSRetryWithDeadServer: the retries rotate over the servers. With the
// first of two servers dead and a domain whose first answer on the live
// server is SERVFAIL, -retries 2 gives three attempts; one of them must
// reach the live server again.
func TestDNSRetryWithDeadServer(t *testing.T) {
	srv := startFaultServer(t)
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "l.csv"), []byte("email\nann@initrode.com\n"))
	report := filepath.Join(dir, "r.csv")
	res := runCLI(t, faultBudget(), "-batch", "-dns", deadServer(t)+","+srv.Addr(), "-timeout", faultTimeout.String(),
		"-retries", "2", "-report", report, input)
	if res.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	rep := readReport(t, report)
	if got := rep[0].verdict + "/" + rep[0].reason; got != "valid/ok" {
		t.Errorf("initrode.com (SERVFAIL once, then the answer) with a dead first server: %s, want valid/ok", got)
	}
}

// TestDNSFaultsDemo: the demo list against its zone, whose meridianlogistics.com
// always fails, with 30% of the queries dropped on top: nothing valid on a
// healthy server is removed.
func TestDNSFaultsDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "subscribers.csv")
	copyFile(t, input, "testdata/subscribers.csv")
	zone, err := os.ReadFile("testdata/demo.zone")
	if err != nil {
		t.Fatal(err)
	}
	healthy := runDemo(t, dir, input, string(zone), dnstest.Fault{}, "healthy")
	dropped := runDemo(t, dir, input, string(zone), dnstest.Fault{DropRate: 0.3}, "dropped")
	if len(healthy) != demoRows || len(dropped) != demoRows {
		t.Fatalf("reports of %d and %d rows, want %d", len(healthy), len(dropped), demoRows)
	}
	changed := 0
	for i := range healthy {
		h, d := healthy[i], dropped[i]
		if h == d {
			continue
		}
		changed++
		// A lost answer may turn a row unknown (kept); it may also lose a
		// suggestion whose domain could not be checked, or, for a
		// typo suspect, the check of the provider it resembles, which
		// leaves the suspect's own reason (ok, or implicit_mx for
		// hotmail.om).
		if d.verdict != "unknown" && !(h.verdict == d.verdict && h.reason == d.reason) && !(h.reason == "typo_suspect" && (d.reason == "ok" || d.reason == "implicit_mx")) {
			t.Errorf("row %d %s: %s/%s healthy, %s/%s with drops", i+1, h.email, h.verdict, h.reason, d.verdict, d.reason)
		}
		if d.action == "remove" && h.action != "remove" {
			t.Errorf("row %d %s: removed with drops (%s/%s), %s on a healthy server", i+1, h.email, d.verdict, d.reason, h.action)
		}
	}
	t.Logf("%d of %d rows differ with 30%% of the queries dropped", changed, demoRows)
}

func runDemo(t *testing.T, dir, input, zone string, f dnstest.Fault, tag string) []reportRow {
	t.Helper()
	srv, err := dnstest.Start(zone)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.SetDefaultFault(f)
	out := outputs{
		cleaned: filepath.Join(dir, tag+".cleaned.csv"),
		removed: filepath.Join(dir, tag+".removed.csv"),
		report:  filepath.Join(dir, tag+".report.csv"),
	}
	res := runCLI(t, faultBudget(), "-batch", "-dns", srv.Addr(), "-timeout", faultTimeout.String(),
		"-out", out.cleaned, "-removed", out.removed, "-report", out.report, input)
	if res.code != 0 {
		t.Fatalf("%s: exit %d; stderr:\n%s", tag, res.code, res.stderr)
	}
	rep := checkAccounting(t, out, demoRows)
	checkSummaryUnknown(t, res.stderr, rep)
	return rep
}

// TestInterruptDuringChecks: Ctrl-C (or SIGTERM) while the DNS checks wait
// on a slow server ends the run promptly, with a message, exit status 1 and
// nothing written: a half-checked list would remove nobody but would keep
// unchecked rows as if they had been checked.
func TestInterruptDuringChecks(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			srv := startFaultServer(t)
			srv.SetDefaultFault(dnstest.Fault{Delay: 20 * time.Second})
			dir := t.TempDir()
			input := writeFaultList(t, dir, faultList())
			before := takeSnapshot(t, dir)
			cmd := childCmd(t, "-batch", "-dns", srv.Addr(), "-timeout", "30s", "-report", filepath.Join(dir, "r.csv"), input)
			res := runChild(t, cmd, slow(15*time.Second), func() {
				go func() {
					// Once the server sees queries, the checks have begun
					// (and the signal handler is installed).
					waitFor(time.Now().Add(slow(10*time.Second)), func() bool { return srv.Queries() > 0 })
					time.Sleep(100 * time.Millisecond)
					cmd.Process.Signal(sig)
				}()
			})
			if res.code != 1 || res.signals != "" {
				t.Errorf("exit %d (signal %q), want 1; stderr:\n%s", res.code, res.signals, res.stderr)
			}
			if want := "interrupted before the checks finished: nothing was written"; !strings.Contains(res.stderr, want) {
				t.Errorf("message does not say %q:\n%s", want, res.stderr)
			}
			if res.took > slow(5*time.Second) {
				t.Errorf("the interrupted run took %v to end", res.took)
			}
			if d := before.diff(takeSnapshot(t, dir)); d != "" {
				t.Errorf("the interrupted run changed the folder: %s", d)
			}
		})
	}
}
