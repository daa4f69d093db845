package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The suppression samples of package suppression, one file per format an
// ESP or a mail server writes, are applied to a list of their addresses
// through the batch command.
const suppressSamples = "cleaner/suppression/testdata"

// suppressZone routes mail for the samples' domains; nowhere.example is
// reserved and never looked up (bad_domain).
const suppressZone = `$TTL 300
$ORIGIN .
example.com.     MX 10 mx.example.com.
mx.example.com.  A  192.0.2.10
example.org.     MX 10 mx.example.org.
mx.example.org.  A  192.0.2.20
example.net.     MX 10 mx.example.net.
mx.example.net.  A  192.0.2.30
`

// suppressList holds every address the samples name, in other capitals
// where a sample matches regardless of case, one address none names, and
// a repeat.
var suppressList = []string{
	"jo.bloggs@example.com", "ann@nowhere.example", "bo@example.org", "cy@example.net",
	"dee@example.com", "kim@example.com", "lee@example.org", "fay@example.org",
	"gus@example.com", "hal@nowhere.example", "ivy@example.com", "Dee.Old@Example.ORG",
	"eve@example.com", "gil@example.org", "zed@example.com", "JO.BLOGGS@example.com",
}

// suppressed is what a sample says of one row: the reason, and the start of
// the report's detail (kind, status code, date).
type suppressed struct{ reason, detail string }

// writeSuppressList writes suppressList in dir.
func writeSuppressList(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Email,Name\n")
	for i, e := range suppressList {
		fmt.Fprintf(&b, "%s,Person %d\n", e, i+1)
	}
	return writeFile(t, filepath.Join(dir, "list.csv"), []byte(b.String()))
}

// TestSuppressFormats runs the batch command with each sample: the rows it
// names as hard bounces, unsubscribes, complaints or listings are removed
// with that reason and the status code in the detail; soft bounces and
// rejections leave their row as DNS judged it, with the evidence as a
// detail; every other row is as without the sample.
func TestSuppressFormats(t *testing.T) {
	t.Parallel()
	srv := startZone(t, suppressZone)
	hard := func(detail string) suppressed { return suppressed{"hard_bounce", "hard_bounce" + detail} }
	unsub := suppressed{"unsubscribed", "unsubscribed"}
	complaint := suppressed{"complaint", "complaint"}
	listed := suppressed{"listed", "listed"}
	kept := func(detail string) suppressed { return suppressed{"", detail} } // the reason without the sample
	tests := []struct {
		sample string
		want   map[string]suppressed // by row's address
	}{
		{"mailchimp_cleaned_members_export.csv", map[string]suppressed{
			"jo.bloggs@example.com": hard(" on 2026-01-12"), "ann@nowhere.example": hard(" on 2026-02-03")}},
		{"mailchimp_unsubscribed_members_export.csv", map[string]suppressed{"bo@example.org": unsub, "cy@example.net": unsub}},
		{"klaviyo_suppressed_profiles.csv", map[string]suppressed{"kim@example.com": listed, "lee@example.org": listed}},
		{"hubspot_unsubscribes_and_bounces.csv", map[string]suppressed{
			"jo.bloggs@example.com": hard(""), "ann@nowhere.example": hard(""), "bo@example.org": unsub, "cy@example.net": complaint}},
		{"sendgrid_bounces.csv", map[string]suppressed{
			"jo.bloggs@example.com": hard(" 5.1.1 on 2026-01-01"), "ann@nowhere.example": hard(" 5.4.4 on 2026-01-02"),
			"fay@example.org": kept("soft_bounce 4.2.2 on 2026-01-03")}},
		{"sendgrid_blocks.csv", map[string]suppressed{"gus@example.com": kept("rejected 5.7.1")}},
		{"sendgrid_invalid_emails.csv", map[string]suppressed{"hal@nowhere.example": hard("")}},
		{"sendgrid_spam_reports.csv", map[string]suppressed{"cy@example.net": complaint}},
		{"sendgrid_unsubscribes.csv", map[string]suppressed{"bo@example.org": unsub}},
		{"brevo_blocked_contacts.csv", map[string]suppressed{
			"jo.bloggs@example.com": hard(""), "bo@example.org": unsub, "cy@example.net": complaint, "ivy@example.com": listed}},
		{"mailgun_bounces.csv", map[string]suppressed{
			"jo.bloggs@example.com": hard(" 5.1.1 on 2026-01-12"), "ann@nowhere.example": hard("")}},
		{"mailgun_unsubscribes.csv", map[string]suppressed{"bo@example.org": unsub}},
		{"mailgun_complaints.csv", map[string]suppressed{"cy@example.net": complaint}},
		{"postfix.log", map[string]suppressed{
			"jo.bloggs@example.com": hard(" 5.1.1 on 2026-03-02"), "ann@nowhere.example": hard(" 5.4.4 on 2026-03-02"),
			"bo@example.org": kept("soft_bounce 4.7.1"), "Dee.Old@Example.ORG": kept("rejected 5.7.1")}},
		{"exim_mainlog", map[string]suppressed{
			"jo.bloggs@example.com": hard(" 5.1.1 on 2026-03-02"), "ann@nowhere.example": hard(" on 2026-03-02"),
			"bo@example.org": kept("soft_bounce 4.7.1"), "Dee.Old@Example.ORG": kept("rejected 5.7.1")}},
		{"bounces", map[string]suppressed{ // a folder of .eml files
			"jo.bloggs@example.com": hard(" 5.1.1"), "ann@nowhere.example": hard(" 5.4.4"), "eve@example.com": hard(" 5.1.1"),
			"cy@example.net": complaint, "bo@example.org": kept("soft_bounce 4.7.1"), "Dee.Old@Example.ORG": kept("rejected 5.7.1")}},
		{"bounces.mbox", map[string]suppressed{"gil@example.org": hard(" 5.1.1"), "hal@nowhere.example": hard("")}},
		{"ses_notifications.json", map[string]suppressed{
			"jo.bloggs@example.com": hard(" 5.1.1"), "fay@example.org": kept("soft_bounce 5.2.2"), "cy@example.net": complaint}},
	}

	// The list without evidence: what every row is otherwise.
	dir := t.TempDir()
	input := writeSuppressList(t, dir)
	base := filepath.Join(dir, "base.report.csv")
	if res := runCLI(t, runBudget, "-batch", "-dns", srv.Addr(), "-report", base, "-out", filepath.Join(dir, "base.c.csv"), "-removed", filepath.Join(dir, "base.r.csv"), input); res.code != 0 {
		t.Fatalf("without evidence: exit %d\n%s", res.code, res.stderr)
	}
	baseline := readReport(t, base)

	for _, tt := range tests {
		t.Run(tt.sample, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := writeSuppressList(t, dir)
			out := defaultOutputs(input)
			out.report = filepath.Join(dir, "report.csv")
			res := runCLI(t, runBudget, "-batch", "-dns", srv.Addr(), "-report", out.report,
				"-suppress", filepath.Join(suppressSamples, tt.sample), input)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			rep := checkAccounting(t, out, len(suppressList))
			removedDetail := map[string]string{}
			for _, rec := range readCSV(t, out.removed)[1:] {
				removedDetail[rec[0]] = rec[2] + " " + rec[3] + " " + rec[5]
			}
			for i, r := range rep {
				w, named := tt.want[r.email]
				if r.email == "JO.BLOGGS@example.com" { // a repeat of row 1: judged alike
					w, named = tt.want["jo.bloggs@example.com"]
				}
				b := baseline[i]
				switch {
				case named && w.reason != "":
					if r.verdict != "suppressed" || r.reason != w.reason || r.action != "remove" || !strings.HasPrefix(r.detail, w.detail) {
						t.Errorf("row %d %s: %s/%s %s %q, want suppressed/%s remove, detail %q…", r.row, r.email, r.verdict, r.reason, r.action, r.detail, w.reason, w.detail)
					}
					if got, want := removedDetail[r.email], "suppressed "+w.reason+" "+w.detail; !strings.HasPrefix(got, want) {
						t.Errorf("row %d %s: removed file says %q, want %q…", r.row, r.email, got, want)
					}
				case named:
					if r.reason != b.reason || r.action != b.action || !strings.HasPrefix(r.detail, w.detail) {
						t.Errorf("row %d %s: %s %s %q, want as without evidence (%s %s) with detail %q…", r.row, r.email, r.reason, r.action, r.detail, b.reason, b.action, w.detail)
					}
				default:
					if r.reason != b.reason || r.action != b.action || r.detail != b.detail {
						t.Errorf("row %d %s, not in the sample: %s %s %q, want %s %s %q", r.row, r.email, r.reason, r.action, r.detail, b.reason, b.action, b.detail)
					}
				}
			}
			if !strings.Contains(res.stderr, "Suppression files: ") {
				t.Errorf("the summary does not count the evidence:\n%s", res.stderr)
			}
		})
	}
}

// TestSuppressAllStream applies every sample at once, in memory and in
// passes, which must agree; the summary says how much evidence was read and
// how much of it is about the list.
func TestSuppressAllStream(t *testing.T) {
	t.Parallel()
	srv := startZone(t, suppressZone)
	entries, err := os.ReadDir(suppressSamples)
	if err != nil {
		t.Fatal(err)
	}
	var flags []string
	for _, e := range entries {
		flags = append(flags, "-suppress", filepath.Join(suppressSamples, e.Name()))
	}
	var reports [2][]reportRow
	for k, mode := range []string{"-stream=false", "-stream"} {
		dir := t.TempDir()
		input := writeSuppressList(t, dir)
		out := defaultOutputs(input)
		out.report = filepath.Join(dir, "report.csv")
		args := append([]string{"-batch", mode, "-dns", srv.Addr(), "-report", out.report}, flags...)
		res := runCLI(t, runBudget, append(args, input)...)
		if res.code != 0 {
			t.Fatalf("%s: exit %d\n%s", mode, res.code, res.stderr)
		}
		reports[k] = checkAccounting(t, out, len(suppressList))
		for _, want := range []string{
			"  suppressed      11\n    hard_bounce          6  hard bounced before\n    unsubscribed         1  unsubscribed\n    complaint            1  marked as spam\n    listed               3  on a suppression list\n",
			"Suppression files: 22 files, 44 records about 13 addresses; 13 addresses on the list (14 rows)\n",
		} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("%s: the summary lacks %q:\n%s", mode, want, res.stderr)
			}
		}
	}
	for i := range reports[0] {
		if reports[0][i] != reports[1][i] {
			t.Errorf("row %d: in memory %+v, in passes %+v", i+1, reports[0][i], reports[1][i])
		}
	}
}

// TestSuppressRefused: a suppression file that cannot be read, or that is
// none of the formats understood, stops the run before any DNS query with
// the exit status of bad input and a message naming it; nothing is written.
func TestSuppressRefused(t *testing.T) {
	t.Parallel()
	srv := startZone(t, suppressZone)
	tests := []struct {
		name string
		make func(dir string) string // the -suppress path
		want string                  // in the message, after the path
	}{
		{"missing", func(dir string) string { return filepath.Join(dir, "bounces.csv") }, ": no such file or directory"},
		{"notes", func(dir string) string {
			return writeFile(t, filepath.Join(dir, "notes.txt"), []byte("Send the newsletter on Monday.\n"))
		}, ": not a suppression list, mail log or bounce email that listclean reads"},
		{"workbook", func(dir string) string {
			return writeFile(t, filepath.Join(dir, "bounces.xlsx"), []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"))
		}, "Excel workbook"},
		{"subscribers", func(dir string) string {
			return writeFile(t, filepath.Join(dir, "members.csv"), []byte("email,status\njo@example.com,subscribed\n"))
		}, "still subscribed"},
		{"empty folder", func(dir string) string {
			p := filepath.Join(dir, "logs")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}, ": the folder holds no files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			input := writeSuppressList(t, dir)
			bad := tt.make(dir)
			hist := filepath.Join(t.TempDir(), "domains.csv")
			before := takeSnapshot(t, dir)
			queries := srv.Queries()
			res := runCLI(t, runBudget, "-batch", "-dns", srv.Addr(), "-history", hist, "-report", filepath.Join(dir, "report.csv"),
				"-suppress", filepath.Join(suppressSamples, "postfix.log"), "-suppress", bad, input)
			if res.code != 1 {
				t.Errorf("exit %d, want 1 (bad input)\n%s", res.code, res.stderr)
			}
			if want := "listclean: -suppress: " + bad; !strings.HasPrefix(res.stderr, want) || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("message %q, want it to start with %q and hold %q", res.stderr, want, tt.want)
			}
			if d := before.diff(takeSnapshot(t, dir)); d != "" {
				t.Errorf("the refused run wrote: %s", d)
			}
			if _, err := os.Stat(hist); err == nil {
				t.Error("the refused run wrote the domain history")
			}
			if n := srv.Queries() - queries; n != 0 {
				t.Errorf("%d DNS queries before the refusal", n)
			}
		})
	}
}
