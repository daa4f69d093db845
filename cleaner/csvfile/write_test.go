package csvfile

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// writeFileAtomic writes one output as WriteFilesAtomic does.
func writeFileAtomic(path string, force bool, write func(w io.Writer) error) error {
	return WriteFilesAtomic(WriteOptions{Force: force, Perm: 0o644}, Output{Path: path, Write: write})
}

// writeTemps lists the temporary files writeFileAtomic left in dir.
func writeTemps(t *testing.T, dir string) []string {
	t.Helper()
	temps, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	return temps
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func TestWriteFileAtomic(t *testing.T) {
	errAbort := errors.New("abort")
	tests := []struct {
		name    string
		old     string // "" for no file
		oldMode fs.FileMode
		force   bool
		write   func(io.Writer) error
		is      error  // errors.Is target, nil for success
		want    string // the file afterwards
		mode    fs.FileMode
		newMode fs.FileMode // Output.Mode
	}{
		{name: "new file", write: writeString("new\n"), want: "new\n", mode: 0o644},
		{name: "new private file", newMode: 0o600, write: writeString("new\n"), want: "new\n", mode: 0o600},
		{name: "private file replacing a looser one stays private", old: "old\n", oldMode: 0o640, newMode: 0o600, force: true, write: writeString("new\n"), want: "new\n", mode: 0o600},
		{name: "existing refused", old: "old\n", oldMode: 0o644, write: writeString("new\n"), is: ErrExists, want: "old\n", mode: 0o644},
		{name: "existing replaced with force", old: "old\n", oldMode: 0o600, force: true, write: writeString("new\n"), want: "new\n", mode: 0o600},
		{name: "write error keeps the old file", old: "old\n", oldMode: 0o644, force: true, write: func(w io.Writer) error {
			io.WriteString(w, strings.Repeat("partial", 100000))
			return errAbort
		}, is: errAbort, want: "old\n", mode: 0o644},
		{name: "write error leaves no file", write: func(io.Writer) error { return errAbort }, is: errAbort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			if tt.old != "" {
				if err := os.WriteFile(path, []byte(tt.old), tt.oldMode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.oldMode); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteFilesAtomic(WriteOptions{Force: tt.force, Perm: 0o644}, Output{Path: path, Write: tt.write, Mode: tt.newMode})
			if tt.is == nil && err != nil || tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("writeFileAtomic = %v, want %v", err, tt.is)
			}
			var pe *fs.PathError
			if err != nil && (!errors.As(err, &pe) || pe.Path != path) {
				t.Errorf("error %v does not name %s", err, path)
			}
			got, readErr := os.ReadFile(path)
			if tt.want == "" {
				if !errors.Is(readErr, fs.ErrNotExist) {
					t.Errorf("%s exists: %q, %v", path, got, readErr)
				}
			} else {
				if string(got) != tt.want {
					t.Errorf("file holds %q, want %q", got, tt.want)
				}
				if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != tt.mode && runtime.GOOS != "windows" {
					t.Errorf("mode %v (%v), want %v", fi.Mode().Perm(), err, tt.mode)
				}
			}
			if temps := writeTemps(t, dir); len(temps) > 0 {
				t.Errorf("temporary files left: %v", temps)
			}
		})
	}
}

func TestWriteFileAtomicPanic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	func() {
		defer func() { recover() }()
		writeFileAtomic(path, false, func(io.Writer) error { panic("boom") })
	}()
	if temps := writeTemps(t, dir); len(temps) > 0 {
		t.Errorf("temporary files left after a panic: %v", temps)
	}
}

func TestWriteFileAtomicErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "out.csv")
	err := writeFileAtomic(path, false, writeString("x"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "write "+path+": ") {
		t.Errorf("writeFileAtomic into a missing folder = %v", err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	err = writeFileAtomic(sub, true, writeString("x"))
	if err == nil || err.Error() != "write "+sub+": exists and is not a regular file" {
		t.Errorf("writeFileAtomic over a directory with force = %v", err)
	}
	if fi, err := os.Stat(sub); err != nil || !fi.IsDir() {
		t.Errorf("the directory is gone: %v", err)
	}
	if temps := writeTemps(t, dir); len(temps) > 0 {
		t.Errorf("temporary files left: %v", temps)
	}
}

func TestWriteFileAtomicSymlink(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "input.csv"), filepath.Join(dir, "link.csv")
	if err := os.WriteFile(target, []byte("input\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links:", err)
	}
	if err := writeFileAtomic(link, false, writeString("out\n")); !errors.Is(err, ErrExists) {
		t.Errorf("writeFileAtomic over a link without force = %v", err)
	}
	if err := writeFileAtomic(link, true, writeString("out\n")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "input\n" {
		t.Errorf("the link's target was written: %q", got)
	}
	if fi, err := os.Lstat(link); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("the link was not replaced by a file: %v %v", fi, err)
	}
}

// TestWriteFileAtomicKill kills a process in the middle of an export with
// SIGKILL: the output holds the old content, whole.
func TestWriteFileAtomicKill(t *testing.T) {
	if path := os.Getenv("LISTCLEAN_WRITE_KILL"); path != "" {
		writeFileAtomic(path, true, func(w io.Writer) error {
			for {
				io.WriteString(w, strings.Repeat("new row\n", 10000))
				time.Sleep(time.Millisecond)
			}
		})
		return
	}
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("needs SIGKILL; skipped in -short mode")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	old := strings.Repeat("old row\n", 1000)
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteFileAtomicKill$")
	cmd.Env = append(os.Environ(), "LISTCLEAN_WRITE_KILL="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once its temporary file has grown past 1 MB.
	deadline := time.Now().Add(10 * time.Second)
	for {
		temps := writeTemps(t, dir)
		if len(temps) == 1 {
			if fi, err := os.Stat(temps[0]); err == nil && fi.Size() > 1<<20 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child never wrote its temporary file")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if got, err := os.ReadFile(path); err != nil || string(got) != old {
		t.Errorf("after SIGKILL the output holds %d bytes (%v), want the old %d", len(got), err, len(old))
	}
}

func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, name := range []string{"a.csv", "b.csv"} {
		if err := os.WriteFile(name, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir("sub", 0o755); err != nil {
		t.Fatal(err)
	}
	links := os.Symlink("a.csv", "link.csv") == nil && os.Symlink("sub", "sublink") == nil
	hard := os.Link("a.csv", "hard.csv") == nil
	tests := []struct {
		a, b  string
		same  bool
		needs bool // needs links
	}{
		{"a.csv", "a.csv", true, false},
		{"a.csv", "./a.csv", true, false},
		{"a.csv", filepath.Join(dir, "a.csv"), true, false},
		{"a.csv", "sub/../a.csv", true, false},
		{"a.csv", "b.csv", false, false},
		{"a.csv", "new.csv", false, false},
		{"new.csv", "./new.csv", true, false},
		{"sub/new.csv", "sub/other.csv", false, false},
		{"a.csv", "link.csv", true, true},
		{"a.csv", "hard.csv", true, true},
		{"sub/new.csv", "sublink/new.csv", true, true},
		{"sub/new.csv", filepath.Join(dir, "sublink", "new.csv"), true, true},
	}
	for _, tt := range tests {
		if tt.needs && !(links && hard) {
			continue
		}
		if got := SameFile(tt.a, tt.b); got != tt.same {
			t.Errorf("SameFile(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
		if got := SameFile(tt.b, tt.a); got != tt.same {
			t.Errorf("SameFile(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.same)
		}
	}
}

func TestRecordWriter(t *testing.T) {
	tests := []struct {
		delim rune
		crlf  bool
		recs  [][]string
		want  string
	}{
		{',', false, [][]string{{"a", "b"}, {"c", ""}}, "a,b\nc,\n"},
		{',', true, [][]string{{"a", "b"}, {"c", "d"}}, "a,b\r\nc,d\r\n"},
		{',', false, [][]string{{""}, {"", ""}}, "\"\"\n,\n"},
		{',', false, [][]string{nil, {"a@x.com"}, {}}, "a@x.com\n"},
		{';', false, [][]string{{"a,b", "c;d", `say "hi"`}}, "a,b;\"c;d\";\"say \"\"hi\"\"\"\n"},
		{'\t', false, [][]string{{"tab\there", " lead", "trail "}}, "\"tab\there\"\t\" lead\"\ttrail \n"},
		// A field's line breaks are written as they are.
		{'|', false, [][]string{{"two\nlines", "cr\ronly", "crlf\r\nin"}}, "\"two\nlines\"|\"cr\ronly\"|\"crlf\r\nin\"\n"},
		{',', true, [][]string{{"two\nlines", "cr\ronly", "crlf\r\nin"}}, "\"two\nlines\",\"cr\ronly\",\"crlf\r\nin\"\r\n"},
		{',', false, [][]string{{"sep=;"}, {"\uFEFFx", "Zoë"}}, "\"sep=;\"\n\"\uFEFFx\",Zoë\n"},
		{'£', false, [][]string{{"a£b", "c"}}, "\"a£b\"£c\n"},
		// A record's only field that another delimiter would split is
		// quoted, with a delimiter of one byte (see TestRecordWriterLoneField).
		{';', false, [][]string{{"a,b"}, {"a,b", "c|d"}, {"x\ty"}, {"p|q"}, {"a;b"}}, "\"a,b\"\na,b;c|d\n\"x\ty\"\n\"p|q\"\n\"a;b\"\n"},
		{',', true, [][]string{{"a;b"}, {"a;b", "c"}}, "\"a;b\"\r\na;b,c\r\n"},
		{'£', false, [][]string{{"a,b"}, {"c;d|e\tf"}}, "a,b\nc;d|e\tf\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w := newRecordWriter(&buf, tt.delim, tt.crlf)
		if err := w.WriteAll(tt.recs); err != nil {
			t.Errorf("WriteAll(%q): %v", tt.recs, err)
		}
		if buf.String() != tt.want {
			t.Errorf("WriteAll(%q) with %q crlf=%v wrote %q, want %q", tt.recs, tt.delim, tt.crlf, buf.String(), tt.want)
		}
	}

	w := newRecordWriter(io.Discard, '"', false)
	if err := w.Write([]string{"a"}); err == nil {
		t.Error(`Write with delimiter '"' succeeded`)
	}
}

// TestRecordWriterLoneField: records whose first is one field holding
// another of the delimiters the reader tries (a header "a,b" in a list of
// ';') read back with the list's delimiter, as do those whose first is
// the only field of a later record (a list whose header is left out).
// Read with its own delimiter, such a line written bare is taken for a
// file of the other one (ErrWrongDelimiter).
func TestRecordWriterLoneField(t *testing.T) {
	for _, delim := range []rune{',', ';', '\t', '|', 'x', '£'} {
		for _, other := range readDelimiters {
			recs := [][]string{{"a" + string(other) + "b"}, {"c", "d"}, {string(other)}}
			var out bytes.Buffer
			if err := newRecordWriter(&out, delim, false).WriteAll(recs); err != nil {
				t.Fatal(err)
			}
			back, err := readParse(out.Bytes(), "out", delim)
			if err != nil {
				t.Errorf("%q written with %q as %q: %v", recs, delim, out.Bytes(), err)
				continue
			}
			if !readSameRecords(back.records.all(), recs) {
				t.Errorf("%q written with %q as %q reads back as %q", recs, delim, out.Bytes(), back.records.all())
			}
		}
	}
}

type writeFailing struct{}

func (writeFailing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRecordWriterError(t *testing.T) {
	w := newRecordWriter(writeFailing{}, ',', false)
	if err := w.Write([]string{"a"}); err != nil {
		t.Fatalf("a buffered Write failed: %v", err)
	}
	w.Flush()
	if err := w.Error(); err == nil || err.Error() != "disk full" {
		t.Errorf("Error() = %v, want disk full", err)
	}
	if err := w.Write([]string{"b"}); err == nil {
		t.Error("Write after a failed Flush succeeded")
	}
}

func TestListNewWriter(t *testing.T) {
	tests := []struct {
		enc  string
		crlf bool
		want string
	}{
		{"UTF-8", false, "email;x\na@x.com;\"1;2\"\n"},
		{"UTF-8 with BOM", true, "\uFEFFemail;x\r\na@x.com;\"1;2\"\r\n"},
		{"Windows-1252", false, "\uFEFFemail;x\na@x.com;\"1;2\"\n"},
		{"UTF-16LE", true, "\uFEFFemail;x\r\na@x.com;\"1;2\"\r\n"},
	}
	for _, tt := range tests {
		l := &List{Header: []string{"email", "x"}, Rows: RecordsOf([][]string{{"a@x.com", "1;2"}}), Delimiter: ';', Encoding: tt.enc, CRLF: tt.crlf}
		var buf bytes.Buffer
		w := l.NewWriter(&buf)
		if err := w.WriteAll(append([][]string{l.Header}, l.Rows.all()...)); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("%s: wrote %q, want %q", tt.enc, buf.String(), tt.want)
		}
	}
}

// A failure writing any output leaves every output as it was: the first is
// not renamed into place while the second fails.
// TestWriteFilesAtomicPanicAfterFirst: a panic while the second output is
// written, with the first being synced meanwhile, leaves the first as it
// was and no temporary file.
func TestWriteFilesAtomicPanicAfterFirst(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	if err := os.WriteFile(a, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was not raised again")
			}
		}()
		WriteFilesAtomic(WriteOptions{Force: true},
			Output{Path: a, Write: func(w io.Writer) error { _, err := io.WriteString(w, strings.Repeat("new\n", 1<<16)); return err }},
			Output{Path: b, Write: func(io.Writer) error { panic("boom") }},
		)
	}()
	if got, _ := os.ReadFile(a); string(got) != "old" {
		t.Errorf("a.csv = %.20q after a panic, want it untouched", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the folder, want a.csv alone", len(entries))
	}
}

func TestWriteFilesAtomicAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	boom := errors.New("disk full")
	err := WriteFilesAtomic(WriteOptions{Force: true},
		Output{Path: a, Write: func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }},
		Output{Path: b, Write: func(w io.Writer) error { return boom }},
	)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the write error", err)
	}
	for _, p := range []string{a, b} {
		if got, _ := os.ReadFile(p); string(got) != "old" {
			t.Errorf("%s = %q after a failed export, want it untouched", p, got)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d files in the folder, want the 2 outputs and no temporary file", len(entries))
	}
}

// TestWriteRemovesStaleTemps: the temporary files of a killed writer of the
// same output are removed by the next write, beside the output and in
// $TMPDIR, and nothing else is.
func TestWriteRemovesStaleTemps(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no way to tell a process is gone here")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	gone := exec.Command(exe, "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dead := gone.Process.Pid
	dir, tmp := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp) // where earlier versions made them for a bare name
	out := filepath.Join(dir, "out.csv")
	names := map[string]bool{ // name -> removed
		".out.csv.tmp-" + strconv.Itoa(dead) + "-123":       true,
		".out.csv.tmp-" + strconv.Itoa(os.Getpid()) + "-45": false, // this process
		".out.csv.tmp-1-678":                                false, // a process that runs
		".other.csv.tmp-" + strconv.Itoa(dead) + "-9":       false, // another output
		".out.csv.tmp-4242xyz":                              false, // not named by a process
		".out.csv.tmp-" + strconv.Itoa(dead) + "-12ab":      false, // nor numbered as a temporary file
	}
	for _, d := range []string{dir, tmp} {
		for name := range names {
			if err := os.WriteFile(filepath.Join(d, name), []byte("partial"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := writeFileAtomic(out, false, writeString("email\n")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, tmp} {
		for name, removed := range names {
			_, err := os.Stat(filepath.Join(d, name))
			if gotRemoved := errors.Is(err, fs.ErrNotExist); gotRemoved != removed {
				t.Errorf("%s in %s: removed %v, want %v", name, d, gotRemoved, removed)
			}
		}
	}
}

// TestWriteHasSpecial holds the encoder's scan for the bytes that make a
// field quoted to a plain one, for each special byte at every place in
// fields of every length up to 24, among bytes on either side of it in
// value.
func TestWriteHasSpecial(t *testing.T) {
	for _, comma := range []byte{',', ';', '\t', '|', '\''} {
		e := NewEncoder(rune(comma), false)
		for n := 0; n <= 24; n++ {
			for _, fill := range []byte{'a', 0x00, 0xff, '!', '#', ',' + 1, ';' - 1, 0x80} {
				base := bytes.Repeat([]byte{fill}, n)
				want := bytes.ContainsAny(base, "\"\r\n"+string(comma))
				if got := e.hasClass(string(base), encSpecial); got != want {
					t.Fatalf("comma %q, %d x %#x: %v, want %v", comma, n, fill, got, want)
				}
				for at := range n {
					for _, c := range []byte{'"', '\r', '\n', comma} {
						f := bytes.Clone(base)
						f[at] = c
						if !e.hasClass(string(f), encSpecial) {
							t.Fatalf("comma %q: %q has %q at %d, not found", comma, f, c, at)
						}
					}
				}
			}
		}
	}
}

// writeRefRecord writes record as RecordWriter.Write did field by field
// through a bufio.Writer before it encoded records into a byte slice (with
// a quoted field's line breaks as they are): the reference that the
// encoder must match byte for byte.
func writeRefRecord(w *bufio.Writer, comma rune, crlf bool, record []string) {
	needsQuotes := func(field string) bool {
		if field == "" {
			return false
		}
		if strings.ContainsAny(field, "\"\r\n") || strings.ContainsRune(field, comma) {
			return true
		}
		if strings.HasPrefix(field, "sep=") {
			return true
		}
		r, _ := utf8.DecodeRuneInString(field)
		return unicode.IsSpace(r) || r == '\uFEFF'
	}
	if len(record) == 0 {
		return
	}
	for n, field := range record {
		if n > 0 {
			w.WriteRune(comma)
		}
		// A lone field holding another delimiter is quoted (with an ASCII comma).
		lone := len(record) == 1 && comma < utf8.RuneSelf && strings.ContainsAny(field, ",;\t|")
		if !needsQuotes(field) && !lone && (field != "" || len(record) > 1) {
			w.WriteString(field)
			continue
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(field, `"`, `""`))
		w.WriteByte('"')
	}
	if crlf {
		w.WriteString("\r\n")
	} else {
		w.WriteByte('\n')
	}
}

// writeTrickyCell returns a random cell made of the pieces that quoting
// and formula escaping care about.
func writeTrickyCell(rng *rand.Rand) string {
	pieces := []string{"", "a", "Zoë", "x@y.com", `"`, "\r", "\n", "\r\n", ",", ";", "\t", "|", "£", "'", " ",
		"\u00a0", "\u2003", "\u3000", "\u0085", "\u1680", "\uFEFF", "sep=", "sep", "s", "=", "+", "-", "@",
		"=SUM(A1)", "\xff", "\xc2", "\x0b", "\x0c", "\x00", "1", "long field with words in it"}
	var b strings.Builder
	for range rng.IntN(5) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// TestRecordEncoderMatchesReference: records of tricky cells, with every
// delimiter and line end, are written as the field-by-field writer wrote
// them, by RecordWriter and by AppendCell (the exports' path, with and
// without formula escaping).
func TestRecordEncoderMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, comma := range []rune{',', ';', '\t', '|', '£', '\'', '\u3000', 's', '='} {
		for _, crlf := range []bool{false, true} {
			e := NewEncoder(comma, crlf)
			for range 20000 {
				rec := make([]string, rng.IntN(4))
				for k := range rec {
					rec[k] = writeTrickyCell(rng)
				}
				var want bytes.Buffer
				bw := bufio.NewWriter(&want)
				writeRefRecord(bw, comma, crlf, rec)
				bw.Flush()

				var got bytes.Buffer
				w := newRecordWriter(&got, comma, crlf)
				if err := w.Write(rec); err != nil {
					t.Fatal(err)
				}
				w.Flush()
				if got.String() != want.String() {
					t.Fatalf("comma %q crlf %v: Write(%q) wrote %q, want %q", comma, crlf, rec, got.String(), want.String())
				}

				for _, escape := range []bool{false, true} {
					want.Reset()
					bw.Reset(&want)
					esc := rec
					if escape {
						esc = make([]string, len(rec))
						for k, c := range rec {
							esc[k] = EscapeFormula(c)
						}
					}
					writeRefRecord(bw, comma, crlf, esc)
					bw.Flush()
					var dst []byte
					if len(rec) > 0 {
						for k, c := range rec {
							if k > 0 {
								dst = e.AppendComma(dst)
							}
							dst = e.AppendCell(dst, c, escape, len(rec) == 1)
						}
						dst = e.AppendEOL(dst)
					}
					if string(dst) != want.String() {
						t.Fatalf("comma %q crlf %v escape %v: AppendCell of %q gave %q, want %q", comma, crlf, escape, rec, dst, want.String())
					}
				}
			}
		}
	}
}

// TestEscapeFormula prefixes the cells a spreadsheet would run, and leaves
// numbers and phone numbers with a sign alone, as defusedcsv does.
func TestEscapeFormula(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"-1+1", "'-1+1"},
		{"+1+1", "'+1+1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"\tTabbed", "'\tTabbed"},
		{"\rCR", "'\rCR"},
		{"-", "'-"},
		{"+", "'+"},
		{"- 5", "'- 5"},
		{"+SUM(1)", "'+SUM(1)"},
		{"-1e3", "'-1e3"},
		// Numbers and phone numbers: a spreadsheet reads them as such.
		{"-5", "-5"},
		{"-1.3", "-1.3"},
		{"-1,2", "-1,2"},
		{"+44 123", "+44 123"},
		{"+44 20 7946 0958", "+44 20 7946 0958"},
		{"+1 (555) 010-9999", "+1 (555) 010-9999"},
		{"+(33) 1/23.45", "+(33) 1/23.45"},
		{"-2-3", "-2-3"},
		// Nothing to do.
		{"", ""},
		{"Ann", "Ann"},
		{"1+2", "1+2"},
		{"foo@example.org", "foo@example.org"},
	}
	for _, tt := range tests {
		if got := EscapeFormula(tt.in); got != tt.want {
			t.Errorf("EscapeFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestWriteTempBesideBareName writes an output named without a folder: its
// temporary file is made in the current folder, not in $TMPDIR, which may
// be another file system (a tmpfs) that a rename cannot cross, or missing.
func TestWriteTempBesideBareName(t *testing.T) {
	dir, tmp := t.TempDir(), t.TempDir()
	t.Chdir(dir)
	t.Setenv("TMPDIR", filepath.Join(tmp, "missing"))
	err := writeFileAtomic("out.csv", false, func(w io.Writer) error {
		if temps := writeTemps(t, "."); len(temps) != 1 {
			t.Errorf("temporary files in the output's folder while it is written: %v, want one", temps)
		}
		return writeString("email\n")(w)
	})
	if err != nil {
		t.Fatalf("writing out.csv with $TMPDIR missing: %v", err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "out.csv")); err != nil || string(got) != "email\n" {
		t.Errorf("out.csv = %q, %v", got, err)
	}
	t.Setenv("TMPDIR", tmp)
	err = writeFileAtomic("failed.csv", false, func(io.Writer) error { return errors.New("abort") })
	if err == nil {
		t.Fatal("the write's error was not returned")
	}
	for _, d := range []string{dir, tmp} {
		if temps := writeTemps(t, d); len(temps) > 0 {
			t.Errorf("temporary files left in %s: %v", d, temps)
		}
	}
}

// TestWriteErrorNamesOutput: a failure to put the file in place names the
// output, not its temporary file.
func TestWriteErrorNamesOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	err := writeFileAtomic(path, true, func(w io.Writer) error {
		// A folder, not empty, appears at the path: a rename cannot
		// replace it.
		if err := os.MkdirAll(filepath.Join(path, "sub"), 0o755); err != nil {
			return err
		}
		return writeString("email\n")(w)
	})
	if err == nil {
		t.Fatal("renaming over a folder succeeded")
	}
	if !strings.HasPrefix(err.Error(), "write "+path+": ") || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error %q: want it to name %s and not the temporary file", err, path)
	}
	if temps := writeTemps(t, dir); len(temps) > 0 {
		t.Errorf("temporary files left: %v", temps)
	}
}

// TestWriteNoClobberAtPlacing: without force, an output that another
// program creates while the outputs are written is kept, the export fails
// with ErrExists, and the outputs it had put in place are taken back.
func TestWriteNoClobberAtPlacing(t *testing.T) {
	for _, late := range []int{0, 1} { // which output appears
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
		paths := []string{a, b}
		err := WriteFilesAtomic(WriteOptions{},
			Output{Path: a, Write: writeString("ours a\n")},
			Output{Path: b, Write: func(w io.Writer) error {
				if err := os.WriteFile(paths[late], []byte("theirs\n"), 0o644); err != nil {
					return err
				}
				return writeString("ours b\n")(w)
			}},
		)
		if !errors.Is(err, ErrExists) {
			t.Fatalf("output %d appeared: err %v, want ErrExists", late, err)
		}
		if !strings.HasPrefix(err.Error(), "write "+paths[late]+": another program created it") {
			t.Errorf("error %q does not say what happened to %s", err, paths[late])
		}
		if got, _ := os.ReadFile(paths[late]); string(got) != "theirs\n" {
			t.Errorf("the file that appeared holds %q, want it kept", got)
		}
		if _, err := os.Stat(paths[1-late]); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("output %d is left in place (%v): want it taken back, as the export failed", 1-late, err)
		}
		if temps := writeTemps(t, dir); len(temps) > 0 {
			t.Errorf("temporary files left: %v", temps)
		}
	}
}

// TestWriteNoClobberConcurrent runs pairs of exports of the same outputs
// at once: in each pair, exactly one writes its outputs, both from it,
// and the other fails with ErrExists.
func TestWriteNoClobberConcurrent(t *testing.T) {
	for pair := range 50 {
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
		errs := make([]error, 2)
		var start, done sync.WaitGroup
		start.Add(1)
		for k := range 2 {
			done.Go(func() {
				start.Wait()
				errs[k] = WriteFilesAtomic(WriteOptions{},
					Output{Path: a, Write: writeString(strings.Repeat("a"+strconv.Itoa(k), 1000))},
					Output{Path: b, Write: writeString(strings.Repeat("b"+strconv.Itoa(k), 1000))},
				)
			})
		}
		start.Done()
		done.Wait()
		won := -1
		for k, err := range errs {
			switch {
			case err == nil:
				if won >= 0 {
					t.Fatalf("pair %d: both exports succeeded", pair)
				}
				won = k
			case !errors.Is(err, ErrExists):
				t.Fatalf("pair %d: export %d failed with %v, want ErrExists", pair, k, err)
			}
		}
		if won < 0 {
			t.Fatalf("pair %d: both exports failed: %v", pair, errs)
		}
		ga, _ := os.ReadFile(a)
		gb, _ := os.ReadFile(b)
		if want := strings.Repeat("a"+strconv.Itoa(won), 1000); string(ga) != want {
			t.Errorf("pair %d: a.csv is not the winner's", pair)
		}
		if want := strings.Repeat("b"+strconv.Itoa(won), 1000); string(gb) != want {
			t.Errorf("pair %d: b.csv is not the winner's", pair)
		}
		if temps := writeTemps(t, dir); len(temps) > 0 {
			t.Errorf("pair %d: temporary files left: %v", pair, temps)
		}
	}
}

// TestWritePerm: a new output takes the permission bits it is given, less
// the umask; one that replaces a file gets no bit that file lacked.
func TestWritePerm(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits")
	}
	tests := []struct {
		name  string
		perm  fs.FileMode
		umask int
		old   fs.FileMode // 0: no file
		want  fs.FileMode
	}{
		{"the input's bits", 0o600, 0o022, 0, 0o600},
		{"the input's bits, group", 0o640, 0o022, 0, 0o640},
		{"less the umask", 0o644, 0o077, 0, 0o600},
		{"none given", 0, 0o022, 0, 0o644},
		{"none given, strict umask", 0, 0o077, 0, 0o600},
		{"replacing a stricter file", 0o644, 0o022, 0o600, 0o600},
		{"replacing a looser file", 0o600, 0o022, 0o644, 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.csv")
			if tt.old != 0 {
				if err := os.WriteFile(path, []byte("old\n"), tt.old); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.old); err != nil {
					t.Fatal(err)
				}
			}
			old := setUmask(tt.umask)
			err := WriteFilesAtomic(WriteOptions{Force: true, Perm: tt.perm}, Output{Path: path, Write: writeString("new\n")})
			setUmask(old)
			if err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != tt.want {
				t.Errorf("mode %v (%v), want %v", fi.Mode().Perm(), err, tt.want)
			}
		})
	}
}

// TestCheckWritable: the probe succeeds where an output can be written
// and leaves nothing, and names the output where it cannot.
func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	if err := CheckWritable(filepath.Join(dir, "out.csv")); err != nil {
		t.Errorf("CheckWritable in a writable folder: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("the probe left %v", entries)
	}
	missing := filepath.Join(dir, "missing", "out.csv")
	if err := CheckWritable(missing); !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "write "+missing+": ") {
		t.Errorf("CheckWritable in a missing folder = %v", err)
	}
}

// TestWriteNoReplace checks both ways of putting a file in place without
// replacing what is there: the rename (where the system has one) and the
// hard link.
func TestWriteNoReplace(t *testing.T) {
	for name, place := range map[string]func(from, to string) error{"rename": writeRenameNoReplace, "link": writeLinkNoReplace} {
		dir := t.TempDir()
		from, to := filepath.Join(dir, "from"), filepath.Join(dir, "to")
		if err := os.WriteFile(from, []byte("new"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := place(from, to)
		if errors.Is(err, errors.ErrUnsupported) {
			t.Logf("%s: not here: %v", name, err)
			continue
		}
		if !errors.Is(err, fs.ErrExist) {
			t.Errorf("%s over a file: %v, want an error wrapping fs.ErrExist", name, err)
		}
		if got, _ := os.ReadFile(to); string(got) != "old" {
			t.Errorf("%s over a file replaced it with %q", name, got)
		}
		os.Remove(to)
		if err := place(from, to); err != nil {
			t.Errorf("%s to a free path: %v", name, err)
		}
		if got, _ := os.ReadFile(to); string(got) != "new" {
			t.Errorf("%s to a free path: it holds %q", name, got)
		}
		if _, err := os.Stat(from); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s left the file at its old name: %v", name, err)
		}
	}
}

// TestWritebackWriter: the bytes written reach the file as they are, and
// the writing of each writebackEvery of them to the disk is started once
// they are written, never of bytes not yet written.
func TestWritebackWriter(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := &writebackWriter{f: f}
	var want bytes.Buffer
	chunk := bytes.Repeat([]byte("a@example.com,Ann\n"), 100_000) // 1.8 MB
	for i := range 12 {
		chunk[0] = byte('a' + i)
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
		want.Write(chunk)
		if w.synced > w.off || w.off-w.synced >= writebackEvery {
			t.Fatalf("after %d bytes: writing started up to %d", w.off, w.synced)
		}
	}
	if w.off != int64(want.Len()) || w.synced < int64(want.Len())-writebackEvery || w.synced == 0 {
		t.Errorf("%d bytes written, %d of them started; want %d written", w.off, w.synced, want.Len())
	}
	got, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the file holds %d bytes, not the %d written", len(got), want.Len())
	}
}
