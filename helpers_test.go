package main

// The helpers that the end-to-end suites (see main_test.go) share: running
// the command in process or in a child, files in and out, snapshots of a
// folder, and the checks every successful run must pass.

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/listclean/listclean/resolver/dnstest"
)

// slow scales time limits: the race detector makes this code several times
// slower, and CI machines have two cores.
func slow(d time.Duration) time.Duration {
	if raceEnabled {
		return 4 * d
	}
	return d
}

// runBudget bounds a run over a small list with -dns off, or over a bad
// input, which it reads and stops at.
var runBudget = slow(20 * time.Second)

// waitFor polls cond until it holds or the deadline passes.
func waitFor(deadline time.Time, cond func() bool) {
	for !cond() && time.Now().Before(deadline) {
		time.Sleep(200 * time.Microsecond)
	}
}

// syncBuffer is a bytes.Buffer for a run that a test may give up on while
// it still writes (the hang detector).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// outcome is how a run of the command ended.
type outcome struct {
	code   int
	stderr string
	took   time.Duration
}

// runCLI runs the command in process with args and returns its exit status
// and stderr. It is also a hang detector: a run that has not returned
// within limit fails the test (the goroutine is abandoned). The run keeps
// its domain history in a folder of its own, unless args say where.
func runCLI(t *testing.T, limit time.Duration, args ...string) outcome {
	t.Helper()
	args = ownHistory(t, args)
	var stderr syncBuffer
	done := make(chan int, 1)
	start := time.Now()
	go func() { done <- run(args, &stderr) }()
	select {
	case code := <-done:
		return outcome{code: code, stderr: stderr.String(), took: time.Since(start)}
	case <-time.After(limit):
		t.Fatalf("listclean %s did not finish within %v: it hangs\nstderr so far:\n%s", strings.Join(args, " "), limit, stderr.String())
		return outcome{}
	}
}

// childCmd returns a command that runs listclean with args in a child
// process (this test binary, see TestMain).
func childCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, ownHistory(t, args)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	return cmd
}

// ownHistory returns args with a domain history in a temporary folder of
// the test's own, unless they name one: a run never reads or writes the
// user's history (nor, TestMain's fallback, another test's), and its
// outputs do not depend on what other runs recorded.
func ownHistory(t *testing.T, args []string) []string {
	for _, a := range args {
		if a == "-history" || strings.HasPrefix(a, "-history=") {
			return args
		}
	}
	return append([]string{"-history", filepath.Join(t.TempDir(), "domains.csv")}, args...)
}

// childResult is how a child process ended, with its peak memory.
type childResult struct {
	code    int
	stderr  string
	maxRSS  int64 // peak resident memory in bytes (VmHWM), 0 if unknown
	took    time.Duration
	signals string // non-empty when killed by a signal
}

// runChild runs cmd to completion within limit and reports how it ended.
// onStart functions run once the process has started.
func runChild(t *testing.T, cmd *exec.Cmd, limit time.Duration, onStart ...func()) childResult {
	t.Helper()
	var stderr syncBuffer
	cmd.Stderr = &stderr
	hwm := filepath.Join(t.TempDir(), "status")
	cmd.Env = append(cmd.Env, childHWM+"="+hwm)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for _, f := range onStart {
		f()
	}
	timer := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timedOut := !timer.Stop()
	res := childResult{stderr: stderr.String(), took: time.Since(start)}
	if timedOut {
		t.Fatalf("%s did not finish within %v: it hangs\nstderr:\n%s", cmd, limit, res.stderr)
	}
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	st := cmd.ProcessState
	res.code = st.ExitCode()
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.signals = ws.Signal().String()
	}
	if status, err := os.ReadFile(hwm); err == nil {
		if m := vmHWM.FindSubmatch(status); m != nil {
			kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
			res.maxRSS = kb << 10
		}
	}
	return res
}

var vmHWM = regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB`)

// writeFile writes a test file and returns its path.
func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// snapshot records every file of a folder (recursively, by relative path)
// with its content hash, mode and modification time, to prove that a run
// created, removed or touched nothing.
type snapshot map[string]string

func takeSnapshot(t *testing.T, dir string) snapshot {
	t.Helper()
	s := snapshot{}
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		desc := fi.Mode().String()
		if fi.Mode().IsRegular() && fi.Size() > 64<<20 {
			// Too big to hash every time (the sparse 2 GB file).
			desc += fmt.Sprintf(" size %d %d", fi.Size(), fi.ModTime().UnixNano())
		} else if fi.Mode().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x %d", sha256.Sum256(b), fi.ModTime().UnixNano())
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			desc += " -> " + target
		}
		s[rel] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// diff reports the differences between two snapshots, or "".
func (s snapshot) diff(after snapshot) string {
	var d []string
	for k, v := range s {
		if w, ok := after[k]; !ok {
			d = append(d, "removed "+k)
		} else if v != w {
			d = append(d, "changed "+k)
		}
	}
	for k := range after {
		if _, ok := s[k]; !ok {
			d = append(d, "created "+k)
		}
	}
	slices.Sort(d)
	return strings.Join(d, ", ")
}

// readCSV parses a file the tool wrote, as a spreadsheet or script would.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s is not valid CSV: %v", path, err)
	}
	return recs
}

// reportRow is one row of the report, whose columns are a contract.
type reportRow struct {
	row                                                int
	email, verdict, reason, suggestion, action, detail string
}

// reportHeader is the report's header line.
const reportHeader = "row,email,verdict,reason,suggestion,action,detail"

// readReport parses a report, checking its header.
func readReport(t *testing.T, path string) []reportRow {
	t.Helper()
	recs := readCSV(t, path)
	if len(recs) == 0 || strings.Join(recs[0], ",") != reportHeader {
		t.Fatalf("report %s: header %q, want %s", path, recs[:min(1, len(recs))], reportHeader)
	}
	rows := make([]reportRow, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		if len(rec) != 7 {
			t.Fatalf("report %s: row %d has %d fields", path, i+1, len(rec))
		}
		n, err := strconv.Atoi(rec[0])
		if err != nil {
			t.Fatalf("report %s: row %d: bad row number %q", path, i+1, rec[0])
		}
		rows = append(rows, reportRow{n, rec[1], rec[2], rec[3], rec[4], rec[5], rec[6]})
	}
	return rows
}

// outputs are the files of one batch run.
type outputs struct {
	cleaned, removed, report string
	headerless               bool // the input has no header line, so neither has the cleaned file
}

func defaultOutputs(input string) outputs {
	base := strings.TrimSuffix(input, filepath.Ext(input))
	return outputs{cleaned: base + ".cleaned.csv", removed: base + ".removed.csv"}
}

// checkAccounting checks the invariant of issue 3 on the outputs of a
// successful run over an input of n data rows: every row is in exactly one
// of cleaned and removed, the report has one row per input row in order,
// and the report's actions agree with the two files. It returns the report.
func checkAccounting(t *testing.T, out outputs, n int) []reportRow {
	t.Helper()
	cleaned := readCSV(t, out.cleaned)
	removed := readCSV(t, out.removed)
	header := 1
	if out.headerless {
		header = 0
	}
	if len(cleaned) < header || len(removed) < 1 {
		t.Fatalf("outputs without a header: cleaned %d records, removed %d", len(cleaned), len(removed))
	}
	kept, gone := len(cleaned)-header, len(removed)-1
	if kept+gone != n {
		t.Errorf("row accounting: %d cleaned + %d removed = %d, want the %d input rows", kept, gone, kept+gone, n)
	}
	if h := removed[0]; len(h) < 4 || strings.Join(h[len(h)-4:], ",") != "listclean_verdict,listclean_reason,listclean_suggestion,listclean_detail" {
		t.Errorf("removed file header %q lacks the listclean_* columns", h)
	}
	if out.report == "" {
		return nil
	}
	rep := readReport(t, out.report)
	if len(rep) != n {
		t.Fatalf("report has %d rows, want one per input row (%d)", len(rep), n)
	}
	actions := map[string]int{}
	for i, r := range rep {
		if r.row != i+1 {
			t.Fatalf("report row %d is numbered %d", i+1, r.row)
		}
		actions[r.action]++
	}
	if actions["keep"]+actions["fix"] != kept || actions["remove"] != gone || len(actions) > 3 {
		t.Errorf("report actions %v disagree with %d cleaned and %d removed rows", actions, kept, gone)
	}
	return rep
}

// unknownLine matches the summary's sentence about unknown rows.
var unknownLine = regexp.MustCompile(`(?m)^(\d+) rows? (?:is|are) unknown`)

// checkSummaryUnknown checks that the stderr summary counts the unknown
// rows of the report, with the dns_error reason when there are some.
func checkSummaryUnknown(t *testing.T, stderr string, rep []reportRow) {
	t.Helper()
	unknown, dnsErr := 0, 0
	for _, r := range rep {
		if r.verdict == "unknown" {
			unknown++
		}
		if r.reason == "dns_error" {
			dnsErr++
		}
	}
	m := unknownLine.FindStringSubmatch(stderr)
	switch {
	case unknown == 0 && m != nil:
		t.Errorf("summary says %q but the report has no unknown row", m[0])
	case unknown > 0 && (m == nil || m[1] != strconv.Itoa(unknown)):
		t.Errorf("summary does not say that %d rows are unknown:\n%s", unknown, stderr)
	}
	if dnsErr > 0 {
		re := regexp.MustCompile(`(?m)^\s+dns_error\s+` + strconv.Itoa(dnsErr) + `  DNS check failed$`)
		if !re.MatchString(stderr) {
			t.Errorf("summary does not count %d dns_error rows:\n%s", dnsErr, stderr)
		}
	}
}

// copyFile copies the file src to a new file dst.
func copyFile(t *testing.T, dst, src string) {
	t.Helper()
	writeFile(t, dst, mustRead(t, src))
}

// mustRead returns a file's content.
func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// copyTo copies r to a new file at path with mode.
func copyTo(t *testing.T, path string, r io.Reader, mode os.FileMode) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, r); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// startZone serves zone on loopback until the test ends, with the big
// providers a DNS server is proved with (dnstest.WitnessZone), as a real
// resolver knows them.
func startZone(t *testing.T, zone string) *dnstest.Server {
	t.Helper()
	srv, err := dnstest.Start(zone + dnstest.WitnessZone)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}
