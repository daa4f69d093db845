package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestTwoGigabyteFile: a 2 GB file whose text turns into NUL bytes after
// two lines is read in passes, a chunk at a time, and the run stops at the
// first NUL with its position, at once and in little memory. The file is
// sparse, so the test costs no disk space; with LISTCLEAN_BIG=1,
// TestBigInputs cleans 2 GB of real rows.
func TestTwoGigabyteFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "list.csv")
	f, err := os.Create(input)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("Email,Name\nann@gmail.com,Ann\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	before := takeSnapshot(t, dir)
	res := runChild(t, childCmd(t, "-batch", "-dns", "off", input), slow(30*time.Second))
	t.Logf("2 GiB file: exit %d in %v, peak RSS %d MiB", res.code, res.took.Round(time.Millisecond), res.maxRSS>>20)
	if res.code != 1 {
		t.Errorf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
	}
	if want := input + ":3:1: binary file, not CSV text (NUL byte)"; !strings.Contains(res.stderr, want) {
		t.Errorf("message does not say %q:\n%s", want, res.stderr)
	}
	if limit := slow(5 * time.Second); res.took > limit {
		t.Errorf("refusing took %v: the file was read", res.took)
	}
	// A few 8 MiB chunks are read ahead while the first is parsed
	// (measured: 91 MiB read one at a time, 139 MiB ahead), not 2 GiB.
	if limit := int64(slow(256 << 20)); res.maxRSS > limit {
		t.Errorf("peak memory %d MiB: the file was read", res.maxRSS>>20)
	}
	if d := before.diff(takeSnapshot(t, dir)); d != "" {
		t.Errorf("the refused run changed the folder: %s", d)
	}

	// The terminal UI holds a list in memory: it sends such a file to -batch.
	ui := runCLI(t, slow(5*time.Second), input)
	if want := input + ": file too large: 2.0 GiB is more than the terminal UI holds (1.0 GiB); clean it with -batch"; ui.code != 1 || !strings.Contains(ui.stderr, want) {
		t.Errorf("terminal UI: exit %d, want 1 with %q:\n%s", ui.code, want, ui.stderr)
	}
}

// bigRows writes CSV rows to w until size bytes are written: the rows of
// writeBigList, repeated.
func bigRows(w io.Writer, size int64) (rows int64, err error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	domains := []string{"gmail.com", "yahoo.com", "outlook.com", "gmx.de", "orange.fr"}
	n, err := bw.WriteString("Email,First Name,Last Name,Company,Notes\n")
	written := int64(n)
	var line []byte
	for i := int64(0); err == nil; i++ {
		line = line[:0]
		if i%10 == 9 {
			line = fmt.Appendf(line, "not-an-address-%d,First%d,Last%d,\"Company %d, Inc.\",row %d\n", i, i, i, i%97, i)
		} else {
			line = fmt.Appendf(line, "user%d@%s,First%d,Last%d,\"Company %d, Inc.\",\"notes for \"\"row\"\" %d\"\n", i, domains[i%5], i, i, i%97, i)
		}
		if written+int64(len(line)) > size {
			break
		}
		n, err = bw.Write(line)
		written += int64(n)
		rows++
	}
	if err == nil {
		err = bw.Flush()
	}
	return rows, err
}

// writeBigRows writes the rows of bigRows to a new file at path until size
// bytes are written, and returns how many rows it wrote.
func writeBigRows(t *testing.T, path string, size int64) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := bigRows(f, size)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// countRecords counts the CSV records of a file without holding them.
func countRecords(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var n int64
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		n++
	}
}

// TestBigInputs (LISTCLEAN_BIG=1; minutes, 5 GB of disk) measures what
// really large inputs cost: a real 2 GB file, cleaned in passes in under
// 1 GB of memory; 2 GB through a pipe (as with listclean -batch <(zcat
// list.csv.gz)), refused after 256 MiB in little memory; and a list just
// under 256 MiB, the largest that batch mode holds in memory.
func TestBigInputs(t *testing.T) {
	if os.Getenv("LISTCLEAN_BIG") != "1" {
		t.Skip("set LISTCLEAN_BIG=1 to run the multi-gigabyte tests")
	}
	const streamAbove = 256 << 20 // cleaner.StreamAbove

	clean := func(t *testing.T, size int64, memLimit int64) {
		input := filepath.Join(t.TempDir(), "list.csv")
		rows := writeBigRows(t, input, size)
		out := defaultOutputs(input)
		res := runChild(t, childCmd(t, "-batch", "-dns", "off", input), 30*time.Minute)
		t.Logf("%d MiB, %d rows: exit %d in %v, peak RSS %d MiB", size>>20, rows, res.code, res.took.Round(time.Millisecond), res.maxRSS>>20)
		if res.code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
		}
		if res.maxRSS > memLimit {
			t.Errorf("peak memory %d MiB for a list of %d MiB", res.maxRSS>>20, size>>20)
		}
		kept, removed := countRecords(t, out.cleaned)-1, countRecords(t, out.removed)-1
		if kept+removed != rows {
			t.Errorf("%d kept + %d removed, want %d rows", kept, removed, rows)
		}
		if !bytes.Contains([]byte(res.stderr), []byte(fmt.Sprintf("%d rows", rows))) {
			t.Errorf("summary:\n%s", res.stderr)
		}
	}

	// Measured: 2 GiB, 22.8 million rows in 49 s, 878 MiB peak.
	t.Run("2 GB file", func(t *testing.T) { clean(t, 2<<30, 1<<30) })

	t.Run("2 GB through a pipe", func(t *testing.T) {
		dir := t.TempDir()
		fifo := filepath.Join(dir, "list.csv")
		if err := mkfifo(fifo); err != nil {
			t.Skipf("no named pipes: %v", err)
		}
		cmd := childCmd(t, "-batch", "-dns", "off", "-out", filepath.Join(dir, "c.csv"), "-removed", filepath.Join(dir, "r.csv"), fifo)
		fed := make(chan error, 1)
		go func() {
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				fed <- err
				return
			}
			_, err = bigRows(w, 2<<30)
			w.Close()
			fed <- err
		}()
		res := runChild(t, cmd, 10*time.Minute)
		err := <-fed
		t.Logf("2 GB pipe: exit %d in %v, peak RSS %d MiB; writer: %v; %s", res.code, res.took.Round(time.Millisecond), res.maxRSS>>20, err, strings.TrimSpace(res.stderr))
		if res.code != 1 || !strings.Contains(res.stderr, "more than 256 MiB through a pipe; save it to a file") {
			t.Errorf("exit %d; stderr:\n%s", res.code, res.stderr)
		}
		if res.maxRSS > 384<<20 {
			t.Errorf("peak memory %d MiB to refuse a pipe at 256 MiB", res.maxRSS>>20)
		}
	})

	// Held in memory: about five to eight times its size (measured: 255
	// MiB, 2.9 million rows in 5.2 s, 1,364 MiB peak).
	t.Run("just under 256 MiB", func(t *testing.T) { clean(t, streamAbove-1<<20, 3<<30) })
}

// TestStreamMemoryBounded cleans lists of 16 and 64 MiB in passes: memory
// grows by less than twice the extra size
// (a list held in memory takes some eight times its size; measured: 117 and
// 158 MiB), every row lands in one output, and the outputs are those of
// cleaning the smaller list in memory.
func TestStreamMemoryBounded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Both lists span several 8 MiB chunks: a list of one chunk takes
	// less. The race detector's own memory grows with the heap, so under
	// it the lists are smaller and peak memory is only logged.
	sizes := []int64{16 << 20, 64 << 20}
	if raceEnabled {
		sizes = []int64{8 << 20, 24 << 20}
	}
	var rss [2]int64
	for k, size := range sizes {
		input := filepath.Join(dir, fmt.Sprintf("list%d.csv", k))
		rows := writeBigRows(t, input, size)
		res := runChild(t, childCmd(t, "-batch", "-stream", "-dns", "off", input), slow(60*time.Second))
		t.Logf("%d MiB, %d rows in passes: exit %d in %v, peak RSS %d MiB", size>>20, rows, res.code, res.took.Round(time.Millisecond), res.maxRSS>>20)
		if res.code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
		}
		out := defaultOutputs(input)
		if kept, removed := countRecords(t, out.cleaned)-1, countRecords(t, out.removed)-1; kept+removed != rows {
			t.Errorf("%d kept + %d removed, want %d rows", kept, removed, rows)
		}
		if !strings.Contains(res.stderr, "read in passes") {
			t.Errorf("no note that the list was read in passes:\n%s", res.stderr)
		}
		rss[k] = res.maxRSS
		if k == 0 {
			// The same list in memory gives the same files.
			mem := filepath.Join(dir, "mem")
			if err := os.Mkdir(mem, 0o755); err != nil {
				t.Fatal(err)
			}
			cleaned, removed := filepath.Join(mem, "c.csv"), filepath.Join(mem, "r.csv")
			if res := runChild(t, childCmd(t, "-batch", "-dns", "off", "-out", cleaned, "-removed", removed, input), slow(60*time.Second)); res.code != 0 {
				t.Fatalf("in memory: exit %d; stderr:\n%s", res.code, res.stderr)
			}
			for _, pair := range [][2]string{{out.cleaned, cleaned}, {out.removed, removed}} {
				a, _ := os.ReadFile(pair[0])
				b, _ := os.ReadFile(pair[1])
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs from %s written in memory", pair[0], pair[1])
				}
			}
		}
	}
	if rss[0] == 0 {
		t.Skip("peak memory not measurable here")
	}
	extra := sizes[1] - sizes[0]
	if grew := rss[1] - rss[0]; !raceEnabled && grew > 2*extra {
		t.Errorf("peak memory grew by %d MiB for %d MiB more of list", grew>>20, extra>>20)
	}
}

// TestPipeInput reads a list from a named pipe, which cannot be read twice:
// a small one is cleaned in memory, and one over 256 MiB is refused with a
// way out once 256 MiB have been read, in little more memory than that.
func TestPipeInput(t *testing.T) {
	t.Parallel()
	var block bytes.Buffer // 1 MiB of rows
	if _, err := bigRows(&block, 1<<20); err != nil {
		t.Fatal(err)
	}
	body := block.Bytes()[bytes.IndexByte(block.Bytes(), '\n')+1:]
	for _, tt := range []struct {
		name   string
		blocks int
		code   int
		want   string
	}{
		{"small", 1, 0, "wrote "},
		{"over 256 MiB", 300, 1, "more than 256 MiB through a pipe; save it to a file, which -batch reads in passes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			fifo := filepath.Join(dir, "list.csv")
			if err := mkfifo(fifo); err != nil {
				t.Skipf("no named pipes: %v", err)
			}
			before := takeSnapshot(t, dir)
			cmd := childCmd(t, "-batch", "-dns", "off", fifo)
			go func() {
				w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				defer w.Close()
				w.WriteString("Email,First Name,Last Name,Company,Notes\n")
				for range tt.blocks {
					if _, err := w.Write(body); err != nil {
						return // the reader gave up
					}
				}
			}()
			res := runChild(t, cmd, slow(60*time.Second))
			t.Logf("exit %d in %v, peak RSS %d MiB", res.code, res.took.Round(time.Millisecond), res.maxRSS>>20)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.want) {
				t.Fatalf("exit %d, want %d with %q; stderr:\n%s", res.code, tt.code, tt.want, res.stderr)
			}
			if tt.code != 0 {
				if d := before.diff(takeSnapshot(t, dir)); d != "" {
					t.Errorf("the refused run changed the folder: %s", d)
				}
				if limit := int64(slow(384 << 20)); res.maxRSS > limit {
					t.Errorf("peak memory %d MiB to refuse a pipe at 256 MiB", res.maxRSS>>20)
				}
			}
		})
	}
}

// TestStdinInput reads a list from standard input ("-", /dev/stdin) and
// from an inherited pipe (/dev/fd/3, as a process substitution gives):
// with -out and -removed it is cleaned; without them the run stops at
// once with a usage error that asks for them, and writes nothing, in
// /dev least of all.
func TestStdinInput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/stdin")
	}
	t.Parallel()
	for _, tt := range []struct {
		name  string
		input string
		fd3   bool // the list comes on file descriptor 3, else on standard input
	}{
		{"dash", "-", false},
		{"/dev/stdin", "/dev/stdin", false},
		{"process substitution", "/dev/fd/3", true},
	} {
		for _, given := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s, outputs given %v", tt.name, given), func(t *testing.T) {
				dir := t.TempDir()
				out, removed := filepath.Join(dir, "out.csv"), filepath.Join(dir, "removed.csv")
				args := []string{"-batch", "-dns", "off"}
				if given {
					args = append(args, "-out", out, "-removed", removed)
				}
				cmd := childCmd(t, append(args, tt.input)...)
				cmd.Dir = dir
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				if tt.fd3 {
					cmd.ExtraFiles = []*os.File{r}
				} else {
					cmd.Stdin = r
				}
				go func() {
					w.WriteString(smallList)
					w.Close()
				}()
				res := runChild(t, cmd, runBudget)
				r.Close()
				if given {
					if res.code != 0 {
						t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
					}
					checkAccounting(t, outputs{cleaned: out, removed: removed}, 4)
					if !strings.Contains(res.stderr, "wrote "+out+": ") || strings.Contains(res.stderr, "the input standard input") {
						t.Errorf("the end of the run does not say what was written in words:\n%s", res.stderr)
					}
					return
				}
				if res.code != 2 || !strings.Contains(res.stderr, "give -out and -removed") {
					t.Errorf("exit %d, want 2 asking for -out and -removed; stderr:\n%s", res.code, res.stderr)
				}
				for _, p := range []string{tt.input + ".cleaned.csv", "/dev/stdin.cleaned.csv", "/dev/fd/3.cleaned.csv"} {
					if _, err := os.Lstat(p); err == nil {
						os.Remove(p)
						t.Errorf("%s was written", p)
					}
				}
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					t.Errorf("the refused run wrote %v", entries)
				}
			})
		}
	}
	t.Run("terminal UI", func(t *testing.T) {
		res := runCLI(t, runBudget, "-")
		if res.code != 2 || !strings.Contains(res.stderr, "use -batch") {
			t.Errorf("listclean -: exit %d, want 2 pointing to -batch; stderr:\n%s", res.code, res.stderr)
		}
	})
}
