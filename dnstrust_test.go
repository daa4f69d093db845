package main

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/listclean/listclean/resolver/dnstest"
)

// A resolverWorld is a list of n domains and the zone of their truth:
// every tenth domain does not exist, the others route mail through one of
// ten shared MX hosts, as many small businesses' domains do through their
// hosting company's. With witnesses, the zone has the big providers that
// a server is asked about before it is trusted.
type resolverWorld struct {
	zone    string
	csv     string
	domains []string
	missing map[string]bool // the domains that do not exist, in truth
}

func newResolverWorld(n int, witnesses bool) resolverWorld {
	w := resolverWorld{missing: make(map[string]bool)}
	var z, l strings.Builder
	if witnesses {
		z.WriteString(dnstest.WitnessZone)
	}
	z.WriteString("$TTL 300\n")
	for h := range 10 {
		fmt.Fprintf(&z, "mx%d.hosting-listclean.net. A 192.0.2.%d\n", h, h+1)
	}
	l.WriteString("Email,Name\n")
	for i := range n {
		d := fmt.Sprintf("shop-%d-listclean.com", i)
		w.domains = append(w.domains, d)
		if i%10 == 9 {
			w.missing[d] = true
		} else {
			fmt.Fprintf(&z, "%s. MX 10 mx%d.hosting-listclean.net.\n", d, i%10)
		}
		fmt.Fprintf(&l, "owner%d@%s,Owner %d\n", i, d, i)
	}
	w.zone, w.csv = z.String(), l.String()
	return w
}

// start serves the world on loopback with f as every name's fault.
func (w resolverWorld) start(t *testing.T, f dnstest.Fault) *dnstest.Server {
	t.Helper()
	srv, err := dnstest.Start(w.zone)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.SetDefaultFault(f)
	return srv
}

// input writes the world's list in a new folder and returns its path.
func (w resolverWorld) input(t *testing.T) string {
	t.Helper()
	return writeFile(t, filepath.Join(t.TempDir(), "list.csv"), []byte(w.csv))
}

// checkNoDNSRemoval fails t for a row removed for a DNS reason whose domain
// exists in truth: a removal that rests on a lie.
func (w resolverWorld) checkNoDNSRemoval(t *testing.T, rep []reportRow) (unknown int) {
	t.Helper()
	for i, r := range rep {
		d := w.domains[i]
		if r.verdict == "unknown" {
			unknown++
		}
		if r.action == "remove" && !w.missing[d] {
			t.Errorf("row %d %s removed (%s/%s), but %s routes mail", i+1, r.email, r.verdict, r.reason, d)
		}
	}
	return unknown
}

// trustBudget bounds a run against a lying, silent or slow server: a hang
// detector, not a speed test.
func trustBudget() time.Duration { return slow(60 * time.Second) }

// TestLyingServerWritesNothing: a server that lies about names whose truth
// is known stops the batch before any verdict: exit 1, a message naming
// the server and what it answered and saying what to do, and not a file
// written.
func TestLyingServerWritesNothing(t *testing.T) {
	redirect := dnstest.Fault{Redirect: netip.MustParseAddr("198.51.100.80")}
	tests := []struct {
		name  string
		list  string // instead of the world's list
		setup func(srv *dnstest.Server)
		flags []string
		says  []string
	}{
		{
			name:  "NXDOMAIN for everything",
			setup: func(srv *dnstest.Server) { srv.SetDefaultFault(dnstest.Fault{Rcode: dns.RcodeNameError}) },
			says:  []string{"is not telling the truth: it said gmail.com does not exist (NXDOMAIN)", "add -private-dns"},
		},
		{
			name:  "no MX for anything",
			setup: func(srv *dnstest.Server) { srv.SetDefaultFault(dnstest.Fault{EmptyMX: true}) },
			says:  []string{"said gmail.com has no mail server and no address (no MX records)"},
		},
		{
			name:  "NXDOMAIN redirect",
			setup: func(srv *dnstest.Server) { srv.SetDefaultFault(redirect) },
			says:  []string{"answered 198.51.100.80 for listclean-", "redirects names that do not exist"},
		},
		{
			name:  "NXDOMAIN redirect, with -private-dns",
			setup: func(srv *dnstest.Server) { srv.SetDefaultFault(redirect) },
			flags: []string{"-private-dns"},
			says:  []string{"redirects names that do not exist"},
		},
		{
			// Honest about the default witnesses, a liar about the list's
			// own provider: the list's providers are the witnesses.
			name: "lies about the list's provider",
			list: "Email\nann@hotmail.com\nbob@hotmail.com\ncarl@shop-1-listclean.com\n",
			setup: func(srv *dnstest.Server) {
				srv.SetFault("hotmail.com", dnstest.Fault{Rcode: dns.RcodeNameError})
			},
			says: []string{"said hotmail.com does not exist (NXDOMAIN)"},
		},
	}
	w := newResolverWorld(50, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := w.start(t, dnstest.Fault{})
			tt.setup(srv)
			input := w.input(t)
			if tt.list != "" {
				writeFile(t, input, []byte(tt.list))
			}
			dir := filepath.Dir(input)
			before := takeSnapshot(t, dir)
			args := append([]string{"-batch", "-dns", srv.Addr(), "-report", filepath.Join(dir, "report.csv")}, tt.flags...)
			res := runCLI(t, trustBudget(), append(args, input)...)
			if res.code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
			}
			says := append([]string{"the DNS server " + srv.Addr(), "Nothing was written", "-dns and its address", "-dns off"}, tt.says...)
			for _, s := range says {
				if !strings.Contains(res.stderr, s) {
					t.Errorf("stderr does not say %q:\n%s", s, res.stderr)
				}
			}
			if strings.Contains(res.stderr, "rows kept") {
				t.Errorf("a verdict was given:\n%s", res.stderr)
			}
			if strings.Contains(res.stderr, `\n`) {
				t.Errorf("the message shows a line break of its own as an escape:\n%s", res.stderr)
			}
			if d := before.diff(takeSnapshot(t, dir)); d != "" {
				t.Errorf("the folder changed: %s", d)
			}
		})
	}
}

// TestPrivateDNS: a server of a private world does not know the big
// providers; -private-dns says so, and the list is checked against it.
// Without the flag the run stops, and says the flag exists.
func TestPrivateDNS(t *testing.T) {
	w := newResolverWorld(50, false)
	srv := w.start(t, dnstest.Fault{})
	input := w.input(t)
	res := runCLI(t, trustBudget(), "-batch", "-dns", srv.Addr(), input)
	if res.code != 1 || !strings.Contains(res.stderr, "add -private-dns") {
		t.Fatalf("without -private-dns: exit %d, want 1 with a word on -private-dns; stderr:\n%s", res.code, res.stderr)
	}
	report := filepath.Join(filepath.Dir(input), "report.csv")
	res = runCLI(t, trustBudget(), "-batch", "-private-dns", "-dns", srv.Addr(), "-report", report, input)
	if res.code != 0 {
		t.Fatalf("with -private-dns: exit %d; stderr:\n%s", res.code, res.stderr)
	}
	rep := readReport(t, report)
	if unknown := w.checkNoDNSRemoval(t, rep); unknown != 0 {
		t.Errorf("%d rows unknown against a healthy private server", unknown)
	}
	removed := 0
	for _, r := range rep {
		if r.action == "remove" {
			removed++
		}
	}
	if removed != len(w.missing) {
		t.Errorf("%d rows removed, want the %d whose domain does not exist", removed, len(w.missing))
	}
}

// TestMisbehavingServers runs the batch against servers that refuse, fail,
// drop, lose or stop answering. In none is a row removed for a DNS reason
// on a word that was not true, every run ends in bounded time, and each
// says in plain words what the server did.
func TestMisbehavingServers(t *testing.T) {
	const rate = 500
	tests := []struct {
		name       string
		fault      dnstest.Fault
		rows       int
		maxUnknown int      // rows
		says       string   // in a warning, after the server's name
		flags      []string // more
	}{
		// When the machine is too busy to keep to a pace, the trial that
		// shows a rate limit cannot be made; the REFUSED and SERVFAIL
		// replies still say it.
		{"REFUSED above 500 q/s", dnstest.Fault{RateLimit: rate}, 1500, 15, "rate of questions", nil},
		{"SERVFAIL above 500 q/s", dnstest.Fault{RateLimit: rate, RateRcode: dns.RcodeServerFailure}, 1500, 15, "rate of questions", nil},
		{"dropped above 500 q/s", dnstest.Fault{RateLimit: rate, RateRcode: -1}, 1500, 15, "limited the rate", nil},
		{"30% of UDP queries lost", dnstest.Fault{DropRate: 0.3}, 1500, 15, "", nil},
		{"never answers", dnstest.Fault{Drop: true}, 300, 300, "did not answer", nil},
		// 16 queries in flight, each answered in 5 ms: 3,000 domains take
		// a second, and the server dies after 0.3 s.
		{"dies during the checks", dnstest.Fault{DieAfter: 300 * time.Millisecond, Delay: 5 * time.Millisecond}, 3000, 3000, "stopped answering", []string{"-concurrency", "16"}},
	}
	w := map[int]resolverWorld{}
	for _, tt := range tests {
		if _, ok := w[tt.rows]; !ok {
			w[tt.rows] = newResolverWorld(tt.rows, true)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			world := w[tt.rows]
			srv := world.start(t, tt.fault)
			input := world.input(t)
			report := filepath.Join(filepath.Dir(input), "report.csv")
			args := append([]string{"-batch", "-dns", srv.Addr(), "-report", report}, tt.flags...)
			res := runCLI(t, trustBudget(), append(args, input)...)
			if res.code != 0 {
				t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
			}
			t.Logf("took %v", res.took.Round(time.Millisecond))
			for _, line := range strings.Split(res.stderr, "\n") {
				if strings.Contains(line, "warning:") {
					t.Log(line)
				}
			}
			out := defaultOutputs(input)
			out.report = report
			rep := checkAccounting(t, out, tt.rows)
			unknown := world.checkNoDNSRemoval(t, rep)
			checkSummaryUnknown(t, res.stderr, rep)
			if unknown > tt.maxUnknown {
				t.Errorf("%d of %d rows unknown, want at most %d", unknown, tt.rows, tt.maxUnknown)
			}
			says := tt.says
			if n, of := srv.OverLimit(), srv.Queries(); tt.fault.RateLimit > 0 && n*10 < of {
				// The machine was too busy to press the server: it
				// limited too few queries to show, or to matter.
				t.Logf("the server limited %d of %d queries; no warning expected", n, of)
				says = ""
			}
			if says != "" && !strings.Contains(res.stderr, "warning: the DNS server ") {
				t.Errorf("no warning about the DNS server:\n%s", res.stderr)
			}
			if says != "" && !strings.Contains(res.stderr, says) {
				t.Errorf("stderr does not say %q:\n%s", says, res.stderr)
			}
			if tt.fault.RateLimit == 0 && tt.says == "" && strings.Contains(res.stderr, "warning:") {
				t.Errorf("a warning for a server that only loses packets:\n%s", res.stderr)
			}
		})
	}
}

// TestDNSServerNamedByAddress: -dns takes addresses, so that a typo is not
// taken for a server's name.
func TestDNSServerNamedByAddress(t *testing.T) {
	for _, spec := range []string{"nonsense", "dns.example:53", "127.0.0.1,nonsense"} {
		res := runCLI(t, trustBudget(), "-batch", "-dns", spec, "list.csv")
		if res.code != 2 || !strings.Contains(res.stderr, "not an IP address") {
			t.Errorf("-dns %s: exit %d, want 2 and a usage error; stderr:\n%s", spec, res.code, res.stderr)
		}
	}
}

// TestFewOpenFiles: under ulimit -n 256, a run whose server answers in
// 100 ms, which would fly a thousand queries or more, keeps to what the
// open files allow, and still exports (issue 15: under ulimit -n 1024 at
// 200 ms the export failed with "too many open files").
func TestFewOpenFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no limit on open files to set")
	}
	t.Parallel()
	w := newResolverWorld(3000, true)
	srv := w.start(t, dnstest.Fault{Delay: 100 * time.Millisecond})
	input := w.input(t)
	out := defaultOutputs(input)
	out.report = filepath.Join(filepath.Dir(input), "report.csv")
	cmd := childCmd(t, "-batch", "-dns", srv.Addr(), "-report", out.report, input)
	cmd.Env = append(cmd.Env, childFiles+"=256")
	res := runChild(t, cmd, trustBudget())
	if res.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	t.Logf("took %v", res.took.Round(time.Millisecond))
	rep := checkAccounting(t, out, 3000)
	if unknown := w.checkNoDNSRemoval(t, rep); unknown != 0 {
		t.Errorf("%d rows unknown:\n%s", unknown, res.stderr)
	}
}
