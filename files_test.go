package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// smallList is a list with kept and removed rows.
const smallList = "Email,Name\nann@gmail.com,Ann\nnot-an-email,Bob\ncy@yahoo.com,Cy\nann@gmail.com,Ann again\n"

// TestOutputIsInput: an output path that names the input file, however it
// is spelled, is refused before anything is written, even with -force.
func TestOutputIsInput(t *testing.T) {
	tests := []struct {
		name string
		flag string // -out, -removed or -report
		// path returns the output path for the input dir/list.csv, after
		// creating what it needs.
		path func(t *testing.T, dir string) string
		// input, if set, returns the path the input is given by.
		input func(t *testing.T, dir string) string
	}{
		{"same path", "-out", func(t *testing.T, dir string) string { return filepath.Join(dir, "list.csv") }, nil},
		{"dot segment", "-out", func(t *testing.T, dir string) string { return dir + "/./list.csv" }, nil},
		{"double slash", "-removed", func(t *testing.T, dir string) string { return dir + "//list.csv" }, nil},
		{"dot-dot segment", "-out", func(t *testing.T, dir string) string {
			mkdir(t, filepath.Join(dir, "sub"))
			return dir + "/sub/../list.csv"
		}, nil},
		{"dot-dot through a missing folder", "-report", func(t *testing.T, dir string) string {
			return dir + "/nosuch/../list.csv"
		}, nil},
		{"symlink to the input", "-out", func(t *testing.T, dir string) string {
			return symlink(t, "list.csv", filepath.Join(dir, "link.csv"))
		}, nil},
		{"symlink to the folder", "-removed", func(t *testing.T, dir string) string {
			symlink(t, dir, filepath.Join(dir, "again"))
			return filepath.Join(dir, "again", "list.csv")
		}, nil},
		{"hard link", "-report", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "hard.csv")
			if err := os.Link(filepath.Join(dir, "list.csv"), p); err != nil {
				t.Fatal(err)
			}
			return p
		}, nil},
		{"input given through a symlink", "-out", func(t *testing.T, dir string) string {
			return filepath.Join(dir, "list.csv")
		}, func(t *testing.T, dir string) string {
			return symlink(t, "list.csv", filepath.Join(dir, "in.csv"))
		}},
	}
	for _, tt := range tests {
		for _, force := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s %s force=%v", tt.flag, tt.name, force), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
				out := tt.path(t, dir)
				input := filepath.Join(dir, "list.csv")
				if tt.input != nil {
					input = tt.input(t, dir)
				}
				args := []string{"-batch", "-dns", "off", tt.flag, out}
				if force {
					args = append(args, "-force")
				}
				before := takeSnapshot(t, dir)
				res := runCLI(t, runBudget, append(args, input)...)
				if res.code != 1 {
					t.Errorf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
				}
				if want := "refusing to write " + out + ": it is the input file"; !strings.Contains(res.stderr, want) {
					t.Errorf("message does not say %q:\n%s", want, res.stderr)
				}
				if d := before.diff(takeSnapshot(t, dir)); d != "" {
					t.Errorf("the refused run changed the folder: %s", d)
				}
			})
		}
	}
}

// TestOutputIsInputRelative: the same with relative spellings, from the
// input's folder (not parallel: it changes the working directory).
func TestOutputIsInputRelative(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
	mkdir(t, filepath.Join(dir, "sub"))
	t.Chdir(filepath.Join(dir, "sub"))
	for _, tc := range []struct{ input, out string }{
		{"../list.csv", "../list.csv"},
		{"../list.csv", "./../list.csv"},
		{"../list.csv", filepath.Join(dir, "list.csv")},
		{filepath.Join(dir, "list.csv"), "../sub/../list.csv"},
		{"./../sub/../list.csv", "../list.csv"},
	} {
		before := takeSnapshot(t, dir)
		res := runCLI(t, runBudget, "-batch", "-dns", "off", "-force", "-out", tc.out, tc.input)
		if res.code != 1 || !strings.Contains(res.stderr, "it is the input file") {
			t.Errorf("input %s, -out %s: exit %d, stderr:\n%s", tc.input, tc.out, res.code, res.stderr)
		}
		if d := before.diff(takeSnapshot(t, dir)); d != "" {
			t.Errorf("input %s, -out %s: the refused run changed the folder: %s", tc.input, tc.out, d)
		}
	}
}

// TestExistingOutputs: an existing output is not overwritten without
// -force, and then nothing else is written either; with -force every output
// is replaced by a complete new one.
func TestExistingOutputs(t *testing.T) {
	for _, which := range []string{"cleaned", "removed", "report"} {
		t.Run(which+" exists", func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
			out := defaultOutputs(input)
			out.report = filepath.Join(dir, "report.csv")
			existing := map[string]string{"cleaned": out.cleaned, "removed": out.removed, "report": out.report}[which]
			writeFile(t, existing, []byte("Email\nold@example.org\n"))
			before := takeSnapshot(t, dir)
			res := runCLI(t, runBudget, "-batch", "-dns", "off", "-report", out.report, input)
			if res.code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
			}
			if want := existing + ": file exists and overwriting was not allowed (use -force to overwrite)"; !strings.Contains(res.stderr, want) {
				t.Errorf("message does not say %q:\n%s", want, res.stderr)
			}
			if d := before.diff(takeSnapshot(t, dir)); d != "" {
				t.Errorf("the refused run changed the folder: %s", d)
			}

			res = runCLI(t, runBudget, "-batch", "-dns", "off", "-report", out.report, "-force", input)
			if res.code != 0 {
				t.Fatalf("-force: exit %d; stderr:\n%s", res.code, res.stderr)
			}
			checkAccounting(t, out, 4)
			if bytes.Contains(mustRead(t, existing), []byte("old@example.org")) {
				t.Errorf("-force left the old %s", existing)
			}
		})
	}
}

// TestOutputNotWrittenThrough: with -force a symlink at an output path is
// replaced by the new file; the file it points to is never written.
func TestOutputNotWrittenThrough(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
	precious := writeFile(t, filepath.Join(dir, "precious.csv"), []byte("Email\nkeep@example.org\n"))
	out := defaultOutputs(input)
	symlink(t, "precious.csv", out.cleaned)
	res := runCLI(t, runBudget, "-batch", "-dns", "off", "-force", input)
	if res.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	if got := string(mustRead(t, precious)); got != "Email\nkeep@example.org\n" {
		t.Errorf("the symlink's target was written: %q", got)
	}
	if fi, err := os.Lstat(out.cleaned); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("%s is not a regular file after the export: %v", out.cleaned, err)
	}
	checkAccounting(t, out, 4)
}

// TestUnwritableOutputAllOrNothing: an output that cannot be written (a
// folder at its path, even with -force, or a folder that does not exist) is
// reported with its path, and the export writes nothing at all rather than
// the outputs before it.
func TestUnwritableOutputAllOrNothing(t *testing.T) {
	tests := []struct {
		name string
		// args returns the output flags, after creating what they need.
		args func(t *testing.T, dir string) []string
		want string // in the message
	}{
		{"removed file path is a folder", func(t *testing.T, dir string) []string {
			p := filepath.Join(dir, "removed.csv")
			mkdir(t, p)
			return []string{"-removed", p, "-force"}
		}, "removed.csv: it is not a regular file"},
		{"report in a missing folder", func(t *testing.T, dir string) []string {
			return []string{"-report", filepath.Join(dir, "nosuch", "report.csv")}
		}, "nosuch is not an existing folder"},
		{"report under a file", func(t *testing.T, dir string) []string {
			return []string{"-report", filepath.Join(dir, "list.csv", "report.csv")}
		}, "list.csv is not an existing folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
			args := append([]string{"-batch", "-dns", "off"}, tt.args(t, dir)...)
			before := takeSnapshot(t, dir)
			res := runCLI(t, runBudget, append(args, input)...)
			if res.code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.want) {
				t.Errorf("message does not say %q:\n%s", tt.want, res.stderr)
			}
			if d := before.diff(takeSnapshot(t, dir)); d != "" {
				t.Errorf("the failed export still wrote %s", d)
			}
		})
	}
}

// TestDecisionsUnwritable: the terminal UI saves every decision at once,
// so a decisions file that cannot be written stops the run before any DNS
// query or screen, naming it, as an output that cannot be written does.
// An input that is not a file in a folder keeps its decisions beside the
// cleaned list, never in /dev.
func TestDecisionsUnwritable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
	missing := filepath.Join(dir, "nosuch", "list.decisions.csv")
	before := takeSnapshot(t, dir)
	res := runCLI(t, runBudget, "-dns", "off", "-decisions", missing, input)
	if res.code != 1 || !strings.Contains(res.stderr, "cannot write "+missing) || !strings.Contains(res.stderr, "decisions") {
		t.Errorf("exit %d, want 1 and a message naming %s; stderr:\n%s", res.code, missing, res.stderr)
	}
	if d := before.diff(takeSnapshot(t, dir)); d != "" {
		t.Errorf("the refused run wrote %s", d)
	}
	c := config{file: "/dev/stdin", out: filepath.Join(dir, "out.csv")}
	if got, want := c.decisionsPath(), filepath.Join(dir, "out.decisions.csv"); got != want {
		t.Errorf("decisions of /dev/stdin go to %s, want %s", got, want)
	}
}

// childRunnable returns a copy of this test binary that the user uid can
// execute, in a fresh folder base (mode 0755) that the caller may use.
func childRunnable(t *testing.T) (base, exe string) {
	t.Helper()
	base, err := os.MkdirTemp("", "listclean-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.Walk(base, func(p string, fi os.FileInfo, err error) error {
			if err == nil && fi.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(base)
	})
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exe = filepath.Join(base, "listclean.test")
	copyTo(t, exe, f, 0o755)
	return base, exe
}

// TestReadOnlyFolder: a list in a folder the user cannot write to. The
// outputs next to it cannot be created: the run says so, naming the path,
// before any DNS query (a probe file, not the end of the work, finds it
// out), and leaves the input untouched. Root writes anywhere whatever the
// modes, so as root the command runs as the user nobody.
func TestReadOnlyFolder(t *testing.T) {
	t.Parallel()
	base, exe := childRunnable(t)
	ro := filepath.Join(base, "ro")
	mkdir(t, ro)
	input := writeFile(t, filepath.Join(ro, "list.csv"), []byte(smallList))
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	srv := startFaultServer(t)
	cmd := exec.Command(exe, "-batch", "-dns", srv.Addr(), input)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	if os.Geteuid() == 0 {
		runAsNobody(cmd)
	}
	before := takeSnapshot(t, ro)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Skipf("cannot run the command as the user nobody: %v", err)
	}
	if probe := filepath.Join(ro, "probe"); os.Geteuid() != 0 {
		if f, err := os.Create(probe); err == nil {
			f.Close()
			os.Remove(probe)
			t.Skip("the folder is writable despite its mode (a file system that ignores modes)")
		}
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr.String())
	}
	want := defaultOutputs(input).cleaned + ": permission denied"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("message does not say %q:\n%s", want, stderr.String())
	}
	if d := before.diff(takeSnapshot(t, ro)); d != "" {
		t.Errorf("the failed run changed the read-only folder: %s", d)
	}
	if n := srv.Queries(); n > 0 {
		t.Errorf("%d DNS queries were sent before the run found it could not write its outputs", n)
	}
}

// writeBigList writes a list of n rows in path: mostly valid addresses of
// a few providers, every tenth row invalid (removed), every 50th a repeat.
func writeBigList(t *testing.T, path string, n int) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("Email,First Name,Last Name,Company,Notes\n")
	domains := []string{"gmail.com", "yahoo.com", "outlook.com", "gmx.de", "orange.fr"}
	for i := range n {
		switch {
		case i%10 == 9:
			fmt.Fprintf(&b, "not-an-address-%d,First%d,Last%d,\"Company %d, Inc.\",row %d\n", i, i, i, i%97, i)
		case i%50 == 49:
			fmt.Fprintf(&b, "user%d@%s,First%d,Last%d,\"Company %d, Inc.\",a repeat\n", i-1, domains[(i-1)%len(domains)], i, i, i%97)
		default:
			fmt.Fprintf(&b, "user%d@%s,First%d,Last%d,\"Company %d, Inc.\",\"notes for \"\"row\"\" %d\"\n", i, domains[i%len(domains)], i, i, i%97, i)
		}
	}
	writeFile(t, path, b.Bytes())
}

// TestFullDisk: the disk fills up during the export. A full disk is
// simulated with RLIMIT_FSIZE in a child process (writes beyond the limit
// fail with EFBIG, as they fail with ENOSPC on a full disk: the same error
// path in the writer). The run says what it could not write, leaves no
// partial file and no temporary file, keeps older outputs as they were,
// and never touches the input.
func TestFullDisk(t *testing.T) {
	tests := []struct {
		name  string
		limit int64 // bytes any one file may have
		force bool  // outputs of an earlier run exist and -force is given
		want  string
	}{
		{"cleaned list does not fit", 16 << 10, false, "exporting: write "},
		{"cleaned list does not fit, old outputs", 16 << 10, true, "exporting: write "},
		// The removed file is the biggest: the cleaned list is written
		// before the disk fills up.
		{"removed rows do not fit", 200 << 10, false, "exporting: write "},
		{"removed rows do not fit, old outputs", 200 << 10, true, "exporting: write "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := filepath.Join(dir, "list.csv")
			// Wide rows, most of them invalid: the removed file is the
			// biggest output.
			var b bytes.Buffer
			b.WriteString("Email,Notes\n")
			for i := range 3000 {
				if i%10 == 0 {
					fmt.Fprintf(&b, "user%d@gmail.com,%s\n", i, strings.Repeat("n", 40))
				} else {
					fmt.Fprintf(&b, "bad-address-%d,%s\n", i, strings.Repeat("n", 100))
				}
			}
			writeFile(t, input, b.Bytes())
			out := defaultOutputs(input)
			args := []string{"-batch", "-dns", "off", input}
			if tt.force {
				writeFile(t, out.cleaned, []byte("Email\nold@example.org\n"))
				writeFile(t, out.removed, []byte("Email,listclean_verdict,listclean_reason,listclean_suggestion\nold@,invalid,syntax,\n"))
				args = append([]string{"-force"}, args...)
			}
			before := takeSnapshot(t, dir)
			cmd := childCmd(t, args...)
			cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", childFsize, tt.limit))
			res := runChild(t, cmd, runBudget)
			if res.signals != "" {
				t.Fatalf("the child died of %s", res.signals)
			}
			if res.code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.want) || !strings.Contains(res.stderr, "file too large") {
				t.Errorf("message does not say %q ... file too large:\n%s", tt.want, res.stderr)
			}
			after := takeSnapshot(t, dir)
			for name := range after {
				if strings.Contains(name, ".tmp-") {
					t.Errorf("temporary file %s left behind", name)
				}
			}
			// Every output is as it was, or absent as it was, or complete.
			for _, p := range []string{out.cleaned, out.removed} {
				rel, _ := filepath.Rel(dir, p)
				switch {
				case after[rel] == before[rel]:
				case after[rel] == "":
					t.Errorf("%s was deleted", p)
				case rel == "list.cleaned.csv":
					if recs := readCSV(t, p); len(recs) != 301 {
						t.Errorf("%s holds %d records, want the 300 kept rows and a header: a partial file", p, len(recs))
					}
				default:
					if recs := readCSV(t, p); len(recs) != 2701 {
						t.Errorf("%s holds %d records, want the 2700 removed rows and a header: a partial file", p, len(recs))
					}
				}
			}
			if after["list.csv"] != before["list.csv"] {
				t.Errorf("the input was changed")
			}
			if d := before.diff(after); d != "" {
				t.Errorf("the failed export changed %s", d)
			}
		})
	}
}

// killTrial is how one attempt to kill a run mid-export went.
type killTrial struct {
	how  string
	at   time.Duration
	exit string
	// state per output: "absent", "old", "new" or "PARTIAL"
	states map[string]string
	temps  int
}

// TestKillMidExport kills real processes with SIGKILL while they export a
// large list (-force over the outputs of an earlier run) and checks that
// every output holds either the old file or the complete new one, never a
// part; that the input is untouched; and that the temporary files a kill
// leaves behind do not stop the next run.
func TestKillMidExport(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes exporting a 200,000-row list")
	}
	t.Parallel()
	rows, trials := 200_000, 9
	if raceEnabled {
		rows, trials = 100_000, 6
	}
	// The complete outputs, from a run that is not killed.
	refDir := t.TempDir()
	writeBigList(t, filepath.Join(refDir, "list.csv"), rows)
	ref := defaultOutputs(filepath.Join(refDir, "list.csv"))
	ref.report = filepath.Join(refDir, "report.csv")
	res := runChild(t, childCmd(t, "-batch", "-dns", "off", "-report", ref.report, filepath.Join(refDir, "list.csv")), slow(60*time.Second))
	if res.code != 0 {
		t.Fatalf("reference run: exit %d; stderr:\n%s", res.code, res.stderr)
	}
	full := res.took
	t.Logf("a complete run over %d rows takes %v (peak RSS %d MiB)", rows, full.Round(time.Millisecond), res.maxRSS>>20)
	checkAccounting(t, ref, rows)
	want := map[string][]byte{
		"list.cleaned.csv": mustRead(t, ref.cleaned),
		"list.removed.csv": mustRead(t, ref.removed),
		"report.csv":       mustRead(t, ref.report),
	}
	old := map[string][]byte{
		"list.cleaned.csv": []byte("Email,First Name,Last Name,Company,Notes\nold@example.org,Old,Run,,\n"),
		"list.removed.csv": []byte("Email,First Name,Last Name,Company,Notes,listclean_verdict,listclean_reason,listclean_suggestion\nold,Old,Run,,,invalid,syntax,\n"),
		"report.csv":       []byte("row,email,verdict,reason,suggestion,action\n1,old@example.org,valid,ok,,keep\n"),
	}

	dir := t.TempDir()
	input := filepath.Join(dir, "list.csv")
	copyFile(t, input, filepath.Join(refDir, "list.csv"))
	inputBefore := takeSnapshot(t, dir)["list.csv"]
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill moments from seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 6))
	var results []killTrial
	for k := range trials {
		for name, b := range old {
			writeFile(t, filepath.Join(dir, name), b)
		}
		cmd := childCmd(t, "-batch", "-dns", "off", "-force", "-report", filepath.Join(dir, "report.csv"), input)
		var stderr syncBuffer
		cmd.Stderr = &stderr
		tr := killTrial{states: map[string]string{}}
		tempsBefore := tempsOver(dir, 64<<10) // left by earlier trials
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		// Three ways to choose the moment: at random in the whole run, at
		// random while the first temporary file is being written, and
		// right after the first output is renamed into place.
		deadline := start.Add(2 * full)
		switch k % 3 {
		case 0:
			tr.how = "random moment"
			time.Sleep(time.Duration(rng.Int64N(int64(full))))
		case 1:
			tr.how = "while writing a temporary file"
			// Not the probe of the folder before the work: a file that
			// has taken some rows.
			waitFor(deadline, func() bool { return tempsOver(dir, 64<<10) > tempsBefore })
			time.Sleep(time.Duration(rng.Int64N(int64(full / 10))))
		case 2:
			tr.how = "after the first rename"
			waitFor(deadline, func() bool {
				b, _ := os.ReadFile(filepath.Join(dir, "list.cleaned.csv"))
				return !bytes.Equal(b, old["list.cleaned.csv"])
			})
		}
		tr.at = time.Since(start)
		cmd.Process.Signal(syscall.SIGKILL)
		select {
		case err := <-waited:
			tr.exit = "killed"
			if err == nil {
				tr.exit = "finished first"
			}
		case <-time.After(slow(30 * time.Second)):
			t.Fatal("the killed process did not end")
		}
		for name := range old {
			b, err := os.ReadFile(filepath.Join(dir, name))
			switch {
			case err != nil:
				tr.states[name] = "absent"
			case bytes.Equal(b, old[name]):
				tr.states[name] = "old"
			case bytes.Equal(b, want[name]):
				tr.states[name] = "new"
			default:
				tr.states[name] = "PARTIAL"
				t.Errorf("trial %d (%s, killed at %v): %s is neither the old file nor the complete new one (%d bytes, want %d)",
					k, tr.how, tr.at, name, len(b), len(want[name]))
			}
		}
		tr.temps = countTemps(dir)
		results = append(results, tr)
		if got := takeSnapshot(t, dir)["list.csv"]; got != inputBefore {
			t.Fatalf("trial %d changed the input", k)
		}
	}
	for k, tr := range results {
		t.Logf("trial %d: %-30s killed at %-8v %-14s cleaned %-5s removed %-5s report %-5s temporary files %d",
			k, tr.how, tr.at.Round(time.Millisecond), tr.exit, tr.states["list.cleaned.csv"], tr.states["list.removed.csv"], tr.states["report.csv"], tr.temps)
	}

	// What the kills left behind does not stop the next run, which
	// writes the complete outputs.
	res = runChild(t, childCmd(t, "-batch", "-dns", "off", "-force", "-report", filepath.Join(dir, "report.csv"), input), slow(60*time.Second))
	if res.code != 0 {
		t.Fatalf("the run after the kills: exit %d; stderr:\n%s", res.code, res.stderr)
	}
	for name, b := range want {
		if !bytes.Equal(mustRead(t, filepath.Join(dir, name)), b) {
			t.Errorf("after the kills, a complete run wrote a different %s", name)
		}
	}
	// It also removed the temporary files the killed runs left.
	if n := countTemps(dir); n > 0 && runtime.GOOS != "windows" {
		t.Errorf("%d temporary files of killed runs remain", n)
	}
}

// countTemps counts the temporary files of atomic writes in dir.
func countTemps(dir string) int {
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp-") {
			n++
		}
	}
	return n
}

// tempsOver counts the temporary files of atomic writes in dir that hold
// more than size bytes.
func tempsOver(dir string, size int64) int {
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp-") {
			if fi, err := e.Info(); err == nil && fi.Size() > size {
				n++
			}
		}
	}
	return n
}

func mkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) string {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// deadPID returns the process ID of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	gone := exec.Command(exe, "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	return gone.Process.Pid
}

// TestTempFilesBesideOutputs: outputs named without a folder, run in the
// list's folder as the README has it, with $TMPDIR elsewhere. The
// temporary files are made beside the outputs, never in $TMPDIR: a run
// succeeds with $TMPDIR missing (a tmpfs the rename cannot cross fails the
// same way), a run killed mid-export leaves nothing in $TMPDIR, and the
// next run removes what the kill left beside the outputs and what an
// earlier version left in $TMPDIR.
func TestTempFilesBesideOutputs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	t.Parallel()
	dir, tmp := t.TempDir(), t.TempDir()
	rows := 200_000
	if raceEnabled || testing.Short() {
		rows = 50_000
	}
	writeBigList(t, filepath.Join(dir, "list.csv"), rows)
	args := []string{"-batch", "-dns", "off", "-force", "-out", "list.cleaned.csv", "-removed", "list.removed.csv", "-report", "report.csv", "list.csv"}
	child := func(tmpdir string) *exec.Cmd {
		cmd := childCmd(t, args...)
		cmd.Dir = dir
		cmd.Env = append(cmd.Env, "TMPDIR="+tmpdir)
		return cmd
	}

	res := runChild(t, child(filepath.Join(tmp, "missing")), slow(60*time.Second))
	if res.code != 0 {
		t.Fatalf("with $TMPDIR missing: exit %d; stderr:\n%s", res.code, res.stderr)
	}

	cmd := child(tmp)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	// Killed once a temporary file has taken some rows: an export, not
	// the probe of the folder before the work.
	waitFor(time.Now().Add(slow(30*time.Second)), func() bool { return tempsOver(dir, 64<<10) > 0 || countTemps(tmp) > 0 })
	cmd.Process.Signal(syscall.SIGKILL)
	<-waited
	if n := countTemps(dir); n == 0 {
		t.Error("the killed run left no temporary file beside the outputs: it was not killed while exporting, or made them elsewhere")
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("the killed run left %d files in $TMPDIR: %v", len(entries), entries)
	}

	stale := filepath.Join(tmp, fmt.Sprintf(".list.cleaned.csv.tmp-%d-2147483647", deadPID(t)))
	writeFile(t, stale, []byte("Email\nold@example.org\n"))
	res = runChild(t, child(tmp), slow(60*time.Second))
	if res.code != 0 {
		t.Fatalf("the run after the kill: exit %d; stderr:\n%s", res.code, res.stderr)
	}
	if n := countTemps(dir); n > 0 {
		t.Errorf("%d temporary files of the killed run remain beside the outputs", n)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("$TMPDIR still holds %v: an earlier version's stale temporary file was not removed", entries)
	}
}

// TestConcurrentRunsNoClobber runs pairs of runs at once, of two lists,
// without -force, writing the same outputs: in each pair exactly one
// writes them, both of its own, and the other says that the outputs exist
// and exits 1.
func TestConcurrentRunsNoClobber(t *testing.T) {
	t.Parallel()
	pairs := 50
	if raceEnabled || testing.Short() {
		pairs = 10
	}
	src := t.TempDir()
	lists := [2]string{filepath.Join(src, "a.csv"), filepath.Join(src, "b.csv")}
	for k, p := range lists {
		var b bytes.Buffer
		b.WriteString("Email,Name\n")
		for i := range 2000 {
			fmt.Fprintf(&b, "%c%d@gmail.com,N%d\nnot-an-email-%c%d,M%d\n", 'a'+k, i, i, 'a'+k, i, i)
		}
		writeFile(t, p, b.Bytes())
	}
	for pair := range pairs {
		dir := t.TempDir()
		out, removed := filepath.Join(dir, "out.csv"), filepath.Join(dir, "removed.csv")
		var results [2]childResult
		var wg sync.WaitGroup
		for k := range 2 {
			wg.Go(func() {
				results[k] = runChild(t, childCmd(t, "-batch", "-dns", "off", "-out", out, "-removed", removed, lists[k]), runBudget)
			})
		}
		wg.Wait()
		won := -1
		for k, r := range results {
			switch {
			case r.code == 0 && won < 0:
				won = k
			case r.code == 0:
				t.Fatalf("pair %d: both runs exited 0 and wrote the same outputs:\n%s\n%s", pair, results[0].stderr, results[1].stderr)
			case r.code != 1 || !strings.Contains(r.stderr, "file exists and overwriting was not allowed"):
				t.Fatalf("pair %d: run %d exited %d; want 1, saying the outputs exist:\n%s", pair, k, r.code, r.stderr)
			}
		}
		if won < 0 {
			t.Fatalf("pair %d: both runs failed:\n%s\n%s", pair, results[0].stderr, results[1].stderr)
		}
		prefix := string(rune('a' + won))
		for _, p := range []string{out, removed} {
			recs := readCSV(t, p)
			if len(recs) != 2001 || !strings.HasPrefix(recs[1][0], prefix) && !strings.HasPrefix(recs[1][0], "not-an-email-"+prefix) {
				t.Errorf("pair %d: %s holds %d records starting %q: not all the winning run's (%s)", pair, p, len(recs), recs[min(1, len(recs)-1)], lists[won])
			}
		}
	}
}

// TestOutputMode: the outputs take the input's permission bits, less the
// umask: a list readable by its owner alone does not become readable by
// every user of the machine.
func TestOutputMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits")
	}
	t.Parallel()
	tests := []struct {
		input fs.FileMode
		umask string
		want  fs.FileMode
	}{
		{0o600, "022", 0o600},
		{0o640, "022", 0o640},
		{0o644, "077", 0o600},
		{0o644, "022", 0o644},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
		if err := os.Chmod(input, tt.input); err != nil {
			t.Fatal(err)
		}
		report := filepath.Join(dir, "report.csv")
		cmd := childCmd(t, "-batch", "-dns", "off", "-report", report, input)
		cmd.Env = append(cmd.Env, childUmask+"="+tt.umask)
		if res := runChild(t, cmd, runBudget); res.code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
		}
		out := defaultOutputs(input)
		for _, p := range []string{out.cleaned, out.removed, report} {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != tt.want {
				t.Errorf("input %v, umask %s: %s has mode %v (%v), want %v", tt.input, tt.umask, filepath.Base(p), fi.Mode().Perm(), err, tt.want)
			}
		}
	}
}
