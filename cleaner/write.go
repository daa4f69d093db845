package cleaner

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrExists: an output exists and overwriting was not allowed.
var ErrExists = errors.New("file exists and overwriting was not allowed")

var errWriteNotFile = errors.New("exists and is not a regular file")

// WriteFileAtomic writes through a temporary file in the same folder,
// fsyncs it, then renames it over path: a crash leaves the old file or the
// complete new one. Without force, an existing path is refused with an
// error wrapping ErrExists. write's error aborts and removes the temp file.
// Even with force, a directory, device or pipe at path is refused.
//
// The temporary file is named ".NAME.tmp-PID-XXXX"; only a process killed
// outright leaves one behind, and the next write of NAME removes those of
// processes that no longer run. The new file gets the mode of the file it
// replaces, else 0644. A symbolic link at path is replaced by the file,
// never written through. Errors are *fs.PathError values naming path.
func WriteFileAtomic(path string, force bool, write func(w io.Writer) error) error {
	return WriteFilesAtomic(force, Output{Path: path, Write: write})
}

// An Output is one file of an export: where it goes and what it holds.
type Output struct {
	Path  string
	Write func(w io.Writer) error
}

// WriteFilesAtomic writes every output as WriteFileAtomic does, but renames
// none into place until all are written and synced: a failure while writing
// (a full disk, a write error) leaves every output as it was, so a cleaned
// list never stands beside the removed rows of another run. Only a crash
// between the renames, which take microseconds, can leave some replaced.
func WriteFilesAtomic(force bool, outs ...Output) error {
	paths := make([]string, len(outs))
	for k, o := range outs {
		paths[k] = o.Path
	}
	return WriteFilesAtomicTogether(force, paths, func(ws []io.Writer) error {
		for k, o := range outs {
			if err := o.Write(ws[k]); err != nil {
				return &fs.PathError{Op: "write", Path: o.Path, Err: err}
			}
		}
		return nil
	})
}

// WriteFilesAtomicTogether is WriteFilesAtomic for outputs written in one
// go, as a list read in passes writes its rows: write gets a writer per
// path, in order. Its error is returned as it is: say there which output
// it concerns.
func WriteFilesAtomicTogether(force bool, paths []string, write func(ws []io.Writer) error) error {
	staged := make([]*writeStaged, 0, len(paths))
	done := false
	defer func() { // also when a write panics
		if !done {
			for _, s := range staged {
				s.f.Close()
				os.Remove(s.f.Name())
			}
		}
	}()
	ws := make([]io.Writer, len(paths))
	for k, p := range paths {
		s, err := writeCreate(p, force)
		if err != nil {
			return err
		}
		staged = append(staged, s)
		ws[k] = s.bw
	}
	if err := write(ws); err != nil {
		return err
	}
	for _, s := range staged {
		if err := s.finish(); err != nil {
			return err
		}
	}
	for _, s := range staged {
		if err := os.Rename(s.f.Name(), s.path); err != nil {
			return &fs.PathError{Op: "write", Path: s.path, Err: readUnwrapPath(err)}
		}
	}
	done = true
	for _, p := range paths {
		writeSyncDir(filepath.Dir(p))
	}
	return nil
}

// writeStaged is an output being written to its temporary file.
type writeStaged struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	mode fs.FileMode
}

// writeCreate creates the temporary file beside path (".NAME.tmp-PID-XXXX")
// that path's output is written to, refusing what WriteFileAtomic refuses.
func writeCreate(path string, force bool) (*writeStaged, error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Lstat(path); err == nil {
		if !force {
			return nil, &fs.PathError{Op: "write", Path: path, Err: ErrExists}
		}
		switch {
		case fi.Mode().IsRegular():
			mode = fi.Mode().Perm()
		case fi.Mode()&fs.ModeSymlink == 0:
			// Renaming over a directory, a device or a pipe would destroy it.
			return nil, &fs.PathError{Op: "write", Path: path, Err: errWriteNotFile}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, &fs.PathError{Op: "write", Path: path, Err: readUnwrapPath(err)}
	}
	dir, base := filepath.Split(path)
	writeRemoveStale(dir, base)
	f, err := os.CreateTemp(dir, "."+base+".tmp-"+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return nil, &fs.PathError{Op: "write", Path: path, Err: readUnwrapPath(err)}
	}
	return &writeStaged{path: path, f: f, bw: bufio.NewWriterSize(f, 64<<10), mode: mode}, nil
}

// finish flushes, syncs and closes the temporary file, with the mode of
// the file it replaces.
func (s *writeStaged) finish() error {
	for _, step := range []func() error{s.bw.Flush, func() error { return s.f.Chmod(s.mode) }, s.f.Sync, s.f.Close} {
		if err := step(); err != nil {
			return &fs.PathError{Op: "write", Path: s.path, Err: readUnwrapPath(err)}
		}
	}
	return nil
}

// writeRemoveStale removes the temporary files that writes of base in dir
// left when their process was killed outright: those whose process no
// longer runs (on systems that can tell; elsewhere none). It is best
// effort: a file it cannot remove stays, harmless.
func writeRemoveStale(dir, base string) {
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + ".tmp-"
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pid, _, ok := strings.Cut(rest, "-")
		if n, err := strconv.Atoi(pid); ok && err == nil && n > 0 && n != os.Getpid() && writeProcessGone(n) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// writeSyncDir makes a rename in dir durable. It is best effort: a failure
// leaves the rename atomic, only perhaps not yet on disk, and some systems
// (Windows, some network file systems) cannot sync a directory at all.
func writeSyncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if dir == "" {
		dir = "."
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// SameFile reports whether two paths name the same file (symlinks,
// "./a.csv" vs "a.csv", hard links via os.SameFile); a path that doesn't
// exist yet is compared by its cleaned absolute path with symlinks in its
// parent resolved.
func SameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	return writeCanonical(a) == writeCanonical(b)
}

// writeCanonical returns path made absolute and clean, with symbolic links
// in its folder resolved.
func writeCanonical(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	dir, base := filepath.Split(path)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return filepath.Join(dir, base)
}

// A RecordWriter writes CSV records like encoding/csv's Writer, with the
// same methods, but so that encoding/csv's Reader (and so Read) gives back
// every record exactly: a record of one empty field is written as "" rather
// than as a blank line, which readers skip; a carriage return inside a
// field is kept in CRLF mode; a field starting with a space, a byte-order
// mark or "sep=" is quoted.
type RecordWriter struct {
	w     *bufio.Writer
	comma rune
	crlf  bool
}

// NewRecordWriter writes records with the list's delimiter (and CRLF if the
// input had it).
func NewRecordWriter(w io.Writer, delim rune, crlf bool) *RecordWriter {
	return &RecordWriter{w: bufio.NewWriter(w), comma: delim, crlf: crlf}
}

// NewWriter returns a RecordWriter for an output of the list: its delimiter
// and line ends, and a UTF-8 byte-order mark first when the input had one
// or was not UTF-8, so that Excel, which wrote it, reads the output as
// UTF-8.
func (l *List) NewWriter(w io.Writer) *RecordWriter {
	rw := NewRecordWriter(w, l.Delimiter, l.CRLF)
	if l.Encoding != "UTF-8" {
		rw.w.WriteString("\uFEFF")
	}
	return rw
}

var errWriteDelim = errors.New("csv: invalid field delimiter")

// Write writes one record, quoting fields as needed. A record of no fields
// writes nothing: a blank line would be skipped by a reader anyway, and so
// the Header of a List without one (nil) can be written as it is. Writes
// are buffered: call Flush, then check Error.
func (w *RecordWriter) Write(record []string) error {
	if !readValidDelim(w.comma) {
		return errWriteDelim
	}
	if len(record) == 0 {
		return nil
	}
	// bufio.Writer errors are sticky: the last write reports any.
	for n, field := range record {
		if n > 0 {
			w.w.WriteRune(w.comma)
		}
		if !w.needsQuotes(field) && (field != "" || len(record) > 1) {
			w.w.WriteString(field)
			continue
		}
		w.w.WriteByte('"')
		start := 0
		for i := 0; i < len(field); i++ {
			switch c := field[i]; {
			case c == '"':
				w.w.WriteString(field[start:i])
				w.w.WriteString(`""`)
				start = i + 1
			case c == '\n':
				// A reader turns every CRLF into LF, so "\r\n" in a field
				// is written "\r\r\n".
				w.w.WriteString(field[start:i])
				if w.crlf || i > 0 && field[i-1] == '\r' {
					w.w.WriteString("\r\n")
				} else {
					w.w.WriteByte('\n')
				}
				start = i + 1
			}
		}
		w.w.WriteString(field[start:])
		w.w.WriteByte('"')
	}
	var err error
	if w.crlf {
		_, err = w.w.WriteString("\r\n")
	} else {
		err = w.w.WriteByte('\n')
	}
	return err
}

// needsQuotes reports whether field must be quoted.
func (w *RecordWriter) needsQuotes(field string) bool {
	if field == "" {
		return false
	}
	// One pass over the bytes for the usual ASCII delimiter, eight at a
	// time: it is most of the time spent writing a list.
	if w.comma < utf8.RuneSelf {
		if writeHasSpecial(field, byte(w.comma)) {
			return true
		}
	} else if strings.ContainsAny(field, "\"\r\n") || strings.ContainsRune(field, w.comma) {
		return true
	}
	if strings.HasPrefix(field, "sep=") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r) || r == '\uFEFF'
}

// writeHasSpecial reports whether s holds a quote, a CR, an LF or comma.
// It looks at eight bytes at a time: x^(b*ones) has a zero byte where x
// holds b, and (y-ones)&^y&highs is not zero exactly when y has a zero byte.
func writeHasSpecial(s string, comma byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(y uint64) uint64 { return (y - ones) &^ y & highs }
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if zero(x^('"'*ones))|zero(x^('\r'*ones))|zero(x^('\n'*ones))|zero(x^(uint64(comma)*ones)) != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\r' || c == '\n' || c == comma {
			return true
		}
	}
	return false
}

// WriteAll writes records and flushes.
func (w *RecordWriter) WriteAll(records [][]string) error {
	for _, rec := range records {
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	return w.w.Flush()
}

// Flush writes any buffered data to the underlying io.Writer. Check Error
// for a failure.
func (w *RecordWriter) Flush() { w.w.Flush() }

// Error reports any error from a previous Write or Flush.
func (w *RecordWriter) Error() error {
	_, err := w.w.Write(nil)
	return err
}
