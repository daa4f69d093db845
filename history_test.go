package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/listclean/listclean/cleaner/history"
)

// historyZone is the first day of the history scenario's world:
// ghost-startup.com does not exist, lanternworks.com names a mail server
// that does not, meridian-freight.com's name servers fail.
const historyZone = `$TTL 300
$ORIGIN .
alderbrook.org.          MX 10 mx.alderbrook.org.
mx.alderbrook.org.       A  192.0.2.1
lanternworks.com.        MX 10 mx.lanternworks-mail.net.
meridian-freight.com.    MX 10 mx.meridian-freight.com.
mx.meridian-freight.com. A  192.0.2.5
;@fault meridian-freight.com. servfail
`

// historyZoneFixed is the next day: lanternworks.com's mail server exists.
const historyZoneFixed = historyZone + "mx.lanternworks-mail.net. A 192.0.2.9\n"

const historyList = "Email,Name\n" +
	"ann@alderbrook.org,Ann\n" +
	"bob@ghost-startup.com,Bob\n" +
	"cy@ghost-startup.com,Cy\n" +
	"dee@lanternworks.com,Dee\n" +
	"eve@meridian-freight.com,Eve\n"

// historyRun cleans historyList against zone with the history at hist and
// returns the summary and the report.
func historyRun(t *testing.T, zone, hist string, flags ...string) (string, []reportRow) {
	t.Helper()
	srv := startZone(t, zone)
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(historyList))
	out := defaultOutputs(input)
	out.report = filepath.Join(dir, "report.csv")
	args := append([]string{"-batch", "-dns", srv.Addr(), "-timeout", "200ms", "-retries", "0", "-history", hist, "-report", out.report}, flags...)
	res := runCLI(t, runBudget, append(args, input)...)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	return res.stderr, checkAccounting(t, out, 5)
}

// TestHistoryTwoRuns cleans a list twice against the local DNS server: a
// domain that does not exist in both runs is said to have failed in both;
// a domain whose mail server was missing and exists the next time is said
// to route mail again. The history holds domains, never an address.
func TestHistoryTwoRuns(t *testing.T) {
	t.Parallel()
	hist := filepath.Join(t.TempDir(), "state", "listclean", "domains.csv")
	first, rep := historyRun(t, historyZone, hist)
	if strings.Contains(first, "Domain history") {
		t.Errorf("the first run has no history to tell:\n%s", first)
	}
	if rep[3].reason != "bad_mx" || rep[3].detail != "MX 10 mx.lanternworks-mail.net: nxdomain" {
		t.Errorf("first run, lanternworks.com: %+v", rep[3])
	}

	second, rep := historyRun(t, historyZoneFixed, hist)
	today := time.Now().UTC().Format(time.DateOnly)
	for _, want := range []string{
		"Domain history (earlier runs and bounce files):\n",
		"  ghost-startup.com                nxdomain    nxdomain in 2 of the last 2 runs since " + today + "\n",
		"  meridian-freight.com             dns_error   dns_error in 2 of the last 2 runs since " + today + "\n",
		"  lanternworks.com                 ok          routes mail now; bad_mx on " + today + "\n",
		"domain history: " + hist + " (-history off keeps none)\n",
	} {
		if !strings.Contains(second, want) {
			t.Errorf("the second run's summary lacks %q:\n%s", want, second)
		}
	}
	if strings.Contains(second, "alderbrook.org  ") {
		t.Errorf("a domain that never failed is listed:\n%s", second)
	}
	port := regexp.MustCompile(`127\.0\.0\.1:\d+`) // the server's, another in each run
	for _, tt := range []struct {
		row           int
		reason, label string
	}{
		{1, "nxdomain", "nxdomain in 2 of the last 2 runs since " + today},
		{3, "ok", "routes mail now; bad_mx on " + today},
		{4, "dns_error", "MX lookup: 127.0.0.1:*: server answered SERVFAIL (1 attempt); dns_error in 2 of the last 2 runs since " + today},
	} {
		if r := rep[tt.row]; r.reason != tt.reason || port.ReplaceAllString(r.detail, "127.0.0.1:*") != tt.label {
			t.Errorf("row %d %s: %s %q, want %s %q", r.row, r.email, r.reason, r.detail, tt.reason, tt.label)
		}
	}
	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "@") {
		t.Errorf("the history holds an address:\n%s", data)
	}
	if fi, err := os.Stat(hist); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the history's mode: %v %v, want 0600", fi.Mode(), err)
	}
}

// TestHistoryPersistent: a dns_error in each run over two days is
// persistent; the summary says so, and -drop-persistent removes the row
// that the default policy keeps.
func TestHistoryPersistent(t *testing.T) {
	t.Parallel()
	hist := filepath.Join(t.TempDir(), "domains.csv")
	h, err := history.Open(hist)
	if err != nil {
		t.Fatal(err)
	}
	yesterday := time.Now().Add(-26 * time.Hour)
	h.RecordRun(yesterday, map[string]string{"meridian-freight.com": "dns_error", "lanternworks.com": "bad_mx"})
	if err := h.Save(yesterday); err != nil {
		t.Fatal(err)
	}
	since := yesterday.UTC().Format(time.DateOnly)

	summary, rep := historyRun(t, historyZone, hist)
	for _, want := range []string{
		"  meridian-freight.com             dns_error   dns_error in each of the last 2 runs since " + since + ", persistent\n",
		"  lanternworks.com                 bad_mx      bad_mx in each of the last 2 runs since " + since + ", persistent\n",
		"1 row is kept as unknown at domains whose dns_error persists across runs (-drop-persistent removes them)\n",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	if r := rep[4]; r.reason != "dns_error" || r.action != "keep" || !strings.HasSuffix(r.detail, ", persistent") {
		t.Errorf("without -drop-persistent: %+v", r)
	}

	_, rep = historyRun(t, historyZone, hist, "-drop-persistent")
	if r := rep[4]; r.reason != "dns_error" || r.action != "remove" || !strings.HasSuffix(r.detail, ", persistent") {
		t.Errorf("with -drop-persistent: %+v", r)
	}
	if r := rep[0]; r.action != "keep" {
		t.Errorf("with -drop-persistent, a valid row: %+v", r)
	}
}

// TestHistoryBounces: a bounce log's 5.4.4 is tracked for its domain, with
// today's DNS result beside it, in this run's summary and the next.
func TestHistoryBounces(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hist := filepath.Join(dir, "domains.csv")
	log := writeFile(t, filepath.Join(dir, "mail.log"), []byte(
		"Mar  2 10:00:02 mail postfix/smtp[4243]: 3F2A81234: to=<old@ghost-startup.com>, relay=none, delay=0.4, delays=0.1/0/0.3/0, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=ghost-startup.com type=MX: Host not found)\n"))
	summary, rep := historyRun(t, historyZone, hist, "-suppress", log)
	bounce := regexp.MustCompile(`(?m)^  ghost-startup\.com +nxdomain +1 bounce with 5\.4\.4, the last on \d{4}-03-02$`)
	if !bounce.MatchString(summary) {
		t.Errorf("the summary does not track the bounce beside today's result:\n%s", summary)
	}
	if r := rep[1]; r.reason != "nxdomain" || !strings.Contains(r.detail, "1 bounce with 5.4.4") {
		t.Errorf("a row at the bounced domain, not itself in the log: %+v", r)
	}
	// The next run, without the log, remembers the bounce.
	summary, _ = historyRun(t, historyZone, hist)
	if !strings.Contains(summary, "nxdomain in 2 of the last 2 runs since") || !strings.Contains(summary, "; 1 bounce with 5.4.4") {
		t.Errorf("the next run forgot the bounce:\n%s", summary)
	}
	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "@") || strings.Contains(string(data), "old") {
		t.Errorf("the history holds an address:\n%s", data)
	}
}

// TestHistoryOff: -history off reads and writes no history, wherever
// $LISTCLEAN_HISTORY points; without the flag the run writes there.
func TestHistoryOff(t *testing.T) {
	dir := t.TempDir()
	envPath := filepath.Join(dir, "env", "domains.csv")
	t.Setenv(history.EnvPath, envPath)
	before := takeSnapshot(t, dir)
	srv := startZone(t, historyZone)
	listDir := t.TempDir()
	input := writeFile(t, filepath.Join(listDir, "list.csv"), []byte(historyList))
	res := runCLI(t, runBudget, "-batch", "-history", "off", "-dns", srv.Addr(), "-retries", "0", "-timeout", "200ms", input)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if d := before.diff(takeSnapshot(t, dir)); d != "" {
		t.Errorf("-history off wrote: %s", d)
	}
	if strings.Contains(res.stderr, "domain history") {
		t.Errorf("-history off, yet the summary speaks of a history:\n%s", res.stderr)
	}

	// Without the flag: the environment's path (runCLI names none when
	// -history is given, so it is given as the environment says).
	res = runCLI(t, runBudget, "-batch", "-history=", "-force", "-dns", srv.Addr(), "-retries", "0", "-timeout", "200ms", input)
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(envPath); err != nil {
		t.Errorf("without -history, nothing was written at $%s: %v\n%s", history.EnvPath, err, res.stderr)
	}

	if res := runCLI(t, runBudget, "-batch", "-history", "off", "-drop-persistent", input); res.code != 2 {
		t.Errorf("-drop-persistent with -history off: exit %d, want 2\n%s", res.code, res.stderr)
	}
}

// TestHistoryKeptWhenExportFails: a run whose export fails (the disk is
// full) leaves the domain history as the run before saved it, and no
// file of its own beside it: the history is written while export writes
// the outputs, and put in place only once they are written.
func TestHistoryKeptWhenExportFails(t *testing.T) {
	t.Parallel()
	histDir := t.TempDir()
	hist := filepath.Join(histDir, "domains.csv")
	historyRun(t, historyZone, hist)
	before, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}

	srv := startZone(t, historyZoneFixed)
	var b strings.Builder
	b.WriteString(historyList)
	for i := range 2000 { // a cleaned list larger than the file size limit
		fmt.Fprintf(&b, "user%d@alderbrook.org,%s\n", i, strings.Repeat("n", 20))
	}
	input := writeFile(t, filepath.Join(t.TempDir(), "list.csv"), []byte(b.String()))
	cmd := childCmd(t, "-batch", "-dns", srv.Addr(), "-timeout", "200ms", "-retries", "0", "-history", hist, input)
	cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", childFsize, 16<<10))
	res := runChild(t, cmd, runBudget)
	if res.code != 1 || !strings.Contains(res.stderr, "file too large") {
		t.Fatalf("exit %d, want 1 for a full disk:\n%s", res.code, res.stderr)
	}
	if after, err := os.ReadFile(hist); err != nil || !bytes.Equal(after, before) {
		t.Errorf("the failed run changed the history (%v):\n%s", err, after)
	}
	if entries, err := os.ReadDir(histDir); err != nil || len(entries) != 1 {
		t.Errorf("beside the history: %v (%v), want nothing", entries, err)
	}
}

// TestHistorySpoiltMidway: a history whose first line is its header but
// a later line is not an entry (another program wrote it) is read while
// the checks run: the run goes on without it, says so and leaves the file
// as it is; with -drop-persistent, which needs it, the run stops and
// writes nothing.
func TestHistorySpoiltMidway(t *testing.T) {
	t.Parallel()
	hist := filepath.Join(t.TempDir(), "domains.csv")
	historyRun(t, historyZone, hist)
	good, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	spoilt := append(good, "yesterday,alderbrook.org,dns,ok,yesterday\n"...)
	writeFile(t, hist, spoilt)

	stderr, _ := historyRun(t, historyZoneFixed, hist)
	if !strings.Contains(stderr, "is not an entry") || !strings.Contains(stderr, "neither reads nor records a domain history") {
		t.Errorf("the run did not say the history could not be read:\n%s", stderr)
	}
	if after, err := os.ReadFile(hist); err != nil || !bytes.Equal(after, spoilt) {
		t.Errorf("the run rewrote a history it could not read (%v):\n%s", err, after)
	}

	srv := startZone(t, historyZoneFixed)
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(historyList))
	before := takeSnapshot(t, dir)
	res := runCLI(t, runBudget, "-batch", "-dns", srv.Addr(), "-timeout", "200ms", "-retries", "0", "-history", hist, "-drop-persistent", input)
	if res.code != 1 || !strings.Contains(res.stderr, "-drop-persistent needs it") {
		t.Errorf("-drop-persistent with a spoilt history: exit %d, want 1\n%s", res.code, res.stderr)
	}
	if d := before.diff(takeSnapshot(t, dir)); d != "" {
		t.Errorf("-drop-persistent with a spoilt history wrote: %s", d)
	}
}
