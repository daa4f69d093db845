package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTwoGigabyteFile: a 2 GB file is refused before it is read: the run
// ends at once, with a message naming the file and the limit, in little
// memory. The file is sparse, so the test costs no disk space or time; with
// LISTCLEAN_BIG=1, TestBigInputs does the same with real data.
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
	if want := input + ": file too large: 2.0 GiB (the limit is 1.0 GiB)"; !strings.Contains(res.stderr, want) {
		t.Errorf("message does not say %q:\n%s", want, res.stderr)
	}
	if limit := slow(5 * time.Second); res.took > limit {
		t.Errorf("refusing took %v: the file was read", res.took)
	}
	if limit := int64(slow(100 << 20)); res.maxRSS > limit {
		t.Errorf("peak memory %d MiB: the file was read", res.maxRSS>>20)
	}
	if d := before.diff(takeSnapshot(t, dir)); d != "" {
		t.Errorf("the refused run changed the folder: %s", d)
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

// TestBigInputs (LISTCLEAN_BIG=1; minutes, and some 10 GB of memory) measures
// what really large inputs cost: a real 2 GB file, 2 GB streamed through a
// pipe (as with listclean -batch <(zcat list.csv.gz)), and a list just under
// the 1 GiB limit, which is cleaned.
func TestBigInputs(t *testing.T) {
	if os.Getenv("LISTCLEAN_BIG") != "1" {
		t.Skip("set LISTCLEAN_BIG=1 to run the multi-gigabyte tests")
	}
	const limit = 1 << 30 // cleaner.DefaultMaxBytes

	t.Run("2 GB file", func(t *testing.T) {
		dir := t.TempDir()
		input := filepath.Join(dir, "list.csv")
		f, err := os.Create(input)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bigRows(f, 2<<30); err != nil {
			t.Fatal(err)
		}
		f.Close()
		res := runChild(t, childCmd(t, "-batch", "-dns", "off", input), 10*time.Minute)
		t.Logf("2 GB file: exit %d in %v, peak RSS %d MiB; %s", res.code, res.took.Round(time.Millisecond), res.maxRSS>>20, strings.TrimSpace(res.stderr))
		if res.code != 1 || !strings.Contains(res.stderr, "file too large") {
			t.Errorf("exit %d; stderr:\n%s", res.code, res.stderr)
		}
	})

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
		if res.code != 1 || !strings.Contains(res.stderr, "file too large: more than 1.0 GiB") {
			t.Errorf("exit %d; stderr:\n%s", res.code, res.stderr)
		}
		// Measured: about 4 GiB, the read buffer doubling up to 2 GiB.
		// Bounded, but far from streamed; this guards against worse.
		if res.maxRSS > 5<<30 {
			t.Errorf("peak memory %d MiB to refuse a pipe at 1 GiB", res.maxRSS>>20)
		}
	})

	t.Run("just under the limit", func(t *testing.T) {
		dir := t.TempDir()
		input := filepath.Join(dir, "list.csv")
		f, err := os.Create(input)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := bigRows(f, limit-1<<20)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		out := defaultOutputs(input)
		res := runChild(t, childCmd(t, "-batch", "-dns", "off", input), 30*time.Minute)
		t.Logf("%d MiB, %d rows: exit %d in %v, peak RSS %d MiB", (limit-1<<20)>>20, rows, res.code, res.took.Round(time.Millisecond), res.maxRSS>>20)
		if res.code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
		}
		// Measured: about 8 GiB for a 1 GiB list (the reader's doc says
		// two to three times its size). This guards against worse.
		if res.maxRSS > 10<<30 {
			t.Errorf("peak memory %d MiB for a list of %d MiB", res.maxRSS>>20, (limit-1<<20)>>20)
		}
		kept, removed := countRecords(t, out.cleaned)-1, countRecords(t, out.removed)-1
		if kept+removed != rows {
			t.Errorf("%d kept + %d removed, want %d rows", kept, removed, rows)
		}
		if !bytes.Contains([]byte(res.stderr), []byte(fmt.Sprintf("%d rows", rows))) {
			t.Errorf("summary:\n%s", res.stderr)
		}
	})
}
