package csvfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ErrExists: an output exists and overwriting was not allowed.
var ErrExists = errors.New("file exists and overwriting was not allowed")

// errAppeared is the error of an output that did not exist when the
// export began, and did when its file was put in place: another program
// (another run of this one, say) wrote it meanwhile.
var errAppeared = fmt.Errorf("another program created it while this run wrote it, and it was kept: %w", ErrExists)

var errWriteNotFile = errors.New("exists and is not a regular file")

// An Output is one file of an export: where it goes and what it holds.
type Output struct {
	Path  string
	Write func(w io.Writer) error
	// Mode is the permission bits of the file when it is new, in place
	// of WriteOptions.Perm (0600 for a file only its owner should read);
	// 0 takes WriteOptions.Perm. The umask narrows it, and a file
	// replaced narrows it to its own.
	Mode fs.FileMode
}

// WriteOptions say how WriteFilesAtomic writes its outputs.
type WriteOptions struct {
	// Force replaces outputs that exist. Without it, an output that
	// exists is refused, and so is one that another program creates
	// while the outputs are written, with an error wrapping ErrExists.
	Force bool
	// Perm is the permission bits of a new output, which the umask then
	// narrows as it does every file made: the input's, so that subscriber
	// data is no more readable than the list it came from (List.Perm).
	// 0 means 0666, as a shell's > gives.
	Perm fs.FileMode
}

// WriteFilesAtomic writes each output through a temporary file in the
// output's own folder (the current one for a bare name), fsyncs it, then
// puts it in place: a crash leaves the old file or the complete new one.
// A Write's error aborts and removes the temporary files. Even with
// opt.Force, a directory, device or pipe at a path is refused.
//
// Without opt.Force an existing path is refused, and the file is put in
// place only if nothing is at its path yet, in one step (a rename that
// does not replace on Linux, else a hard link then the removal of the
// temporary name): two runs at once cannot overwrite each other's
// outputs, and the one that comes second fails with an error wrapping
// ErrExists, the outputs it put in place before that one taken back.
// Only on a file system with neither (FAT) is the check a moment apart
// from the rename.
//
// It puts none in place until all are written and synced: a failure
// while writing (a full disk, a write error) leaves every output as it
// was, so a cleaned list never stands beside the removed rows of another
// run. Only a crash between the renames, which take microseconds, can
// leave some replaced. Each output is synced while the next is written.
//
// A temporary file is named ".NAME.tmp-PID-NUMBER"; only a process killed
// outright leaves one behind, and the next write of NAME removes those of
// processes that no longer run, beside NAME and in the temporary folder
// ($TMPDIR), where earlier versions made them for a bare NAME. A new
// file gets its Output's Mode, else opt.Perm, less the umask; a replaced
// one, no more than the file it replaces had. A symbolic link at a path is replaced by the
// file, never written through. Errors are *fs.PathError values naming the
// output, never the temporary file.
func WriteFilesAtomic(opt WriteOptions, outs ...Output) error {
	paths := make([]string, len(outs))
	modes := make([]fs.FileMode, len(outs))
	for k, o := range outs {
		paths[k], modes[k] = o.Path, o.Mode
	}
	return writeFilesAtomic(opt, paths, modes, func(ws []io.Writer, written func(k int)) error {
		for k, o := range outs {
			if err := o.Write(ws[k]); err != nil {
				return &fs.PathError{Op: "write", Path: o.Path, Err: err}
			}
			written(k)
		}
		return nil
	})
}

// WriteFilesAtomicTogether is WriteFilesAtomic for outputs written in one
// go, as a list read in passes writes its rows: write gets a writer per
// path, in order. Its error is returned as it is: say there which output
// it concerns.
func WriteFilesAtomicTogether(opt WriteOptions, paths []string, write func(ws []io.Writer) error) error {
	return writeFilesAtomic(opt, paths, nil, func(ws []io.Writer, _ func(int)) error { return write(ws) })
}

// writeFilesAtomic creates the temporary files of paths (with the
// permission bits modes[k] for a new file, when modes is not nil and it is
// not 0, else opt.Perm), has write write them, syncs them and puts them in
// place. write calls written(k) once it is done with output k, which
// starts syncing it in the background; the outputs it has not said it is
// done with are synced at once after it returns. Syncing a large file
// takes tens of milliseconds, which writing the next one hides.
func writeFilesAtomic(opt WriteOptions, paths []string, modes []fs.FileMode, write func(ws []io.Writer, written func(k int)) error) error {
	staged := make([]*writeStaged, 0, len(paths))
	var finishing sync.WaitGroup
	finished := make([]bool, len(paths)) // finish started
	errs := make([]error, len(paths))    // and what it returned
	done := false
	defer func() { // also when a write panics
		finishing.Wait()
		if !done {
			for _, s := range staged {
				s.f.Close()
				os.Remove(s.f.Name())
			}
		}
	}()
	ws := make([]io.Writer, len(paths))
	for k, p := range paths {
		own := opt
		if modes != nil && modes[k] != 0 {
			own.Perm = modes[k]
		}
		s, err := writeCreate(p, own)
		if err != nil {
			return err
		}
		staged = append(staged, s)
		ws[k] = s.bw
	}
	finish := func(k int) {
		if !finished[k] {
			finished[k] = true
			finishing.Go(func() { errs[k] = staged[k].finish() })
		}
	}
	if err := write(ws, finish); err != nil {
		return err
	}
	for k := range staged {
		finish(k)
	}
	finishing.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for k, s := range staged {
		if err := writePlace(s.f.Name(), s.path, opt.Force); err != nil {
			for _, p := range staged[:k] {
				p.takeBack()
			}
			return &fs.PathError{Op: "write", Path: s.path, Err: readUnwrapPath(err)}
		}
	}
	done = true
	for _, p := range paths {
		writeSyncDir(filepath.Dir(p))
	}
	return nil
}

// writePlace puts the written file tmp in place at path: a rename over
// whatever is there with force; else only if nothing is there, in one
// step where the file system allows it, failing with errAppeared if
// something is.
func writePlace(tmp, path string, force bool) error {
	if force {
		return os.Rename(tmp, path)
	}
	for _, place := range []func(tmp, path string) error{writeRenameNoReplace, writeLinkNoReplace} {
		err := place(tmp, path)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, fs.ErrExist):
			return errAppeared
		case !errors.Is(err, errors.ErrUnsupported):
			return err
		}
	}
	// Neither (FAT, some network file systems): check, then rename.
	if _, err := os.Lstat(path); err == nil {
		return errAppeared
	}
	return os.Rename(tmp, path)
}

// writeLinkNoReplace moves from to to unless something is at to: a hard
// link, which fails if something is (an error wrapping fs.ErrExist), then
// the removal of from. A file system without hard links gives an error
// wrapping errors.ErrUnsupported.
func writeLinkNoReplace(from, to string) error {
	if err := os.Link(from, to); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("%w: %w", errors.ErrUnsupported, err)
	}
	os.Remove(from)
	return nil
}

// writeStaged is an output being written to its temporary file.
type writeStaged struct {
	path    string
	f       *os.File
	bw      *bufio.Writer
	existed bool        // something was at path when the export began
	replace fs.FileMode // the permission bits of the file it replaces, if existed and a regular file
	regular bool        // existed, and a regular file
	placed  os.FileInfo // the file written, once finished
}

// writeCreate creates the temporary file beside path (".NAME.tmp-PID-NUMBER")
// that path's output is written to, refusing what WriteFilesAtomic refuses.
func writeCreate(path string, opt WriteOptions) (*writeStaged, error) {
	s := &writeStaged{path: path}
	if fi, err := os.Lstat(path); err == nil {
		if !opt.Force {
			return nil, &fs.PathError{Op: "write", Path: path, Err: ErrExists}
		}
		s.existed = true
		switch {
		case fi.Mode().IsRegular():
			s.replace, s.regular = fi.Mode().Perm(), true
		case fi.Mode()&fs.ModeSymlink == 0:
			// Renaming over a directory, a device or a pipe would destroy it.
			return nil, &fs.PathError{Op: "write", Path: path, Err: errWriteNotFile}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, &fs.PathError{Op: "write", Path: path, Err: readUnwrapPath(err)}
	}
	perm := opt.Perm
	if perm == 0 {
		perm = 0o666
	}
	f, err := writeOpenTemp(path, perm)
	if err != nil {
		return nil, err
	}
	s.f, s.bw = f, bufio.NewWriterSize(&writebackWriter{f: f}, 64<<10)
	return s, nil
}

// writebackEvery is how many bytes an output takes before its writing to
// the disk is started (see writebackWriter).
const writebackEvery = 8 << 20

// A writebackWriter writes to f and starts the writing of each
// writebackEvery bytes to the disk as soon as they are written, rather
// than leaving it all to the fsync at the end, which then finds little
// left to wait for: the disk works while the rows are still being
// written. A batch run of 3 million rows (-dns off) took 2.956 s rather
// than 3.020 (medians of 10 alternating runs, faster in each).
type writebackWriter struct {
	f           *os.File
	off, synced int64 // bytes written, and those whose writing was started
}

func (w *writebackWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.synced >= writebackEvery {
		writeStartWriteback(w.f, w.synced, w.off-w.synced)
		w.synced = w.off
	}
	return n, err
}

// writeOpenTemp removes the stale temporary files of path's writes, then
// creates a new one beside path with the permission bits perm (less the
// umask). Errors are *fs.PathError values naming path.
func writeOpenTemp(path string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "." // not "", which os.CreateTemp takes for $TMPDIR
	}
	writeRemoveStale(dir, base)
	if tmp := os.TempDir(); !SameFile(tmp, dir) {
		writeRemoveStale(tmp, base)
	}
	prefix := filepath.Join(dir, "."+base+".tmp-"+strconv.Itoa(os.Getpid())+"-")
	for {
		f, err := os.OpenFile(prefix+strconv.FormatUint(uint64(rand.Uint32()), 10), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue // a name taken: another number
		}
		if err != nil {
			return nil, &fs.PathError{Op: "write", Path: path, Err: readUnwrapPath(err)}
		}
		return f, nil
	}
}

// CheckWritable reports whether an output can be written at path, before
// the work that makes it: it creates a file beside path, named as the
// temporary files of WriteFilesAtomic are, and removes it. The error is a
// *fs.PathError naming path: its folder is missing, read-only, or full of
// files (no inode left).
func CheckWritable(path string) error {
	f, err := writeOpenTemp(path, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: readUnwrapPath(err)}
	}
	return nil
}

// finish flushes, syncs and closes the temporary file, its mode narrowed
// to that of the file it replaces.
func (s *writeStaged) finish() error {
	for _, step := range []func() error{s.bw.Flush, s.narrow, s.f.Sync, s.f.Close} {
		if err := step(); err != nil {
			return &fs.PathError{Op: "write", Path: s.path, Err: readUnwrapPath(err)}
		}
	}
	return nil
}

// narrow gives the temporary file no permission that the file it replaces
// lacks, and notes what the file is, for takeBack.
func (s *writeStaged) narrow() error {
	fi, err := s.f.Stat()
	if err != nil {
		return err
	}
	s.placed = fi
	if s.regular && fi.Mode().Perm()&^s.replace != 0 {
		return s.f.Chmod(fi.Mode().Perm() & s.replace)
	}
	return nil
}

// takeBack removes an output put in place by an export that then failed,
// if nothing was at its path before and the file there is still the one
// written: a file that was replaced cannot be brought back.
func (s *writeStaged) takeBack() {
	if s.existed || s.placed == nil {
		return
	}
	if fi, err := os.Lstat(s.path); err == nil && os.SameFile(fi, s.placed) {
		os.Remove(s.path)
	}
}

// writeRemoveStale removes the temporary files that writes of base in dir
// left when their process was killed outright: those whose process no
// longer runs (on systems that can tell; elsewhere none). It is best
// effort: a file it cannot remove stays, harmless.
func writeRemoveStale(dir, base string) {
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
		pid, num, ok := strings.Cut(rest, "-")
		if !ok || !writeDigits(pid) || !writeDigits(num) {
			continue
		}
		if n, err := strconv.Atoi(pid); err == nil && n > 0 && n != os.Getpid() && writeProcessGone(n) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// writeDigits reports whether s is one or more decimal digits.
func writeDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
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
// same methods, but so that Read, as spreadsheets, gives back every record
// exactly: a record of one empty field is written as "" rather than as a
// blank line, which readers skip; a field's line breaks, quoted, are
// written as they are, whatever the line ends of the records, as Read
// keeps them; a field starting with a space, a byte-order mark or "sep="
// is quoted; with a delimiter of one byte, so is a record's only field that
// holds another of , ; tab | (see Encoder.AppendField).
type RecordWriter struct {
	w   *bufio.Writer
	enc *Encoder
	buf []byte // a record as encoded, reused
}

// newRecordWriter writes records with the delimiter (and CRLF if crlf is
// set).
func newRecordWriter(w io.Writer, delim rune, crlf bool) *RecordWriter {
	return &RecordWriter{w: bufio.NewWriter(w), enc: NewEncoder(delim, crlf)}
}

// NewWriter returns a RecordWriter for an output of the list: its delimiter
// and line ends, and a UTF-8 byte-order mark first when the input had one
// or was not UTF-8, so that Excel, which wrote it, reads the output as
// UTF-8.
func (l *List) NewWriter(w io.Writer) *RecordWriter {
	rw := newRecordWriter(w, l.Delimiter, l.CRLF)
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
	if err := w.enc.Err(); err != nil {
		return err
	}
	if len(record) == 0 {
		return nil
	}
	w.buf = w.enc.appendRecord(w.buf[:0], record)
	// bufio.Writer errors are sticky: this write reports any.
	_, err := w.w.Write(w.buf)
	if cap(w.buf) > 64<<10 {
		w.buf = nil // not held for the writer's life after one long record
	}
	return err
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

// An Encoder appends records, as RecordWriter writes them, to a byte
// slice: the exports encode their rows with it straight into the chunk
// they fill, a record without a []string of its own. A record is its
// fields, each appended by AppendField or AppendCell with AppendComma
// between them, and AppendEOL. It is read only once made, so one Encoder
// serves goroutines encoding at once.
type Encoder struct {
	comma rune
	sep   string // comma's bytes
	crlf  bool
	valid bool // encoding/csv accepts comma: else a record is an error
	ascii bool // comma is one byte
	// class holds, per byte, encSpecial when the byte in a field makes it
	// quoted (with an ASCII comma), encLone when it makes a record's only
	// field quoted as well (with an ASCII comma: the others of
	// readDelimiters), and encLook when a field starting with it might
	// start with a space, a byte-order mark or "sep=".
	class [256]uint8
}

const (
	encSpecial = 1 << iota
	encLook
	encLone
)

// encQuoted returns the class bits that make a field quoted: encSpecial,
// and encLone too for a record's only field.
func encQuoted(only bool) uint8 {
	if only {
		return encSpecial | encLone
	}
	return encSpecial
}

// NewEncoder returns an Encoder of records with the delimiter comma, ending
// in CRLF when crlf is set.
func NewEncoder(comma rune, crlf bool) *Encoder {
	e := &Encoder{comma: comma, sep: string(comma), crlf: crlf, valid: readValidDelim(comma), ascii: comma < utf8.RuneSelf}
	for b := range 256 {
		if b >= utf8.RuneSelf || b == 's' || unicode.IsSpace(rune(b)) {
			e.class[b] |= encLook
		}
	}
	e.class['"'] |= encSpecial
	e.class['\r'] |= encSpecial
	e.class['\n'] |= encSpecial
	if e.ascii && comma >= 0 {
		e.class[comma] |= encSpecial
		for _, d := range readDelimiters {
			if rune(d) != comma {
				e.class[d] |= encLone
			}
		}
	}
	return e
}

// Err returns the error of every record: non-nil when encoding/csv does
// not accept the delimiter, which no output can then be written with.
func (e *Encoder) Err() error {
	if !e.valid {
		return errWriteDelim
	}
	return nil
}

// appendRecord appends a record of at least one field, with its line end.
func (e *Encoder) appendRecord(dst []byte, record []string) []byte {
	only := len(record) == 1
	for n, field := range record {
		if n > 0 {
			dst = e.AppendComma(dst)
		}
		dst = e.AppendField(dst, field, only)
	}
	return e.AppendEOL(dst)
}

// AppendComma appends the delimiter.
func (e *Encoder) AppendComma(dst []byte) []byte {
	if e.ascii {
		return append(dst, byte(e.comma))
	}
	return utf8.AppendRune(dst, e.comma)
}

// AppendEOL appends a line end.
func (e *Encoder) AppendEOL(dst []byte) []byte {
	if e.crlf {
		return append(dst, '\r', '\n')
	}
	return append(dst, '\n')
}

// AppendField appends one field, quoted if it must be; only says it is
// its record's only field, which is quoted even when empty, and, with a
// delimiter of one byte, when it holds another of , ; tab |: read with
// that delimiter, a line of one field that another of them splits is
// taken for a file of the other (readCheckDelim checks the first line,
// and which record comes first in an output, a header or a row, is not
// the Encoder's to know). That costs a field among others nothing: the
// one pass that copies a field finds these bytes too.
func (e *Encoder) AppendField(dst []byte, field string, only bool) []byte {
	if field == "" {
		if only {
			return append(dst, '"', '"')
		}
		return dst
	}
	if e.ascii && !e.startNeedsQuotes(field) {
		// Copy the field while looking for a byte that makes it quoted:
		// most fields are short, and have none.
		n := len(dst)
		if cap(dst)-n < len(field) {
			// Doubled, where append grows a long slice by a quarter: a
			// chunk's buffer reaches its megabyte or so through a few
			// copies rather than through some twenty.
			dst = slices.Grow(dst, max(len(field), cap(dst)))
		}
		dst = dst[:n+len(field)]
		d := dst[n:]
		var class uint8
		for i := 0; i < len(field) && i < len(d); i++ {
			c := field[i]
			d[i] = c
			class |= e.class[c]
		}
		if class&encQuoted(only) == 0 {
			return dst
		}
		dst = dst[:n]
	} else if !e.needsQuotes(field) {
		return append(dst, field...)
	}
	dst = append(dst, '"')
	dst = e.appendQuoted(dst, field)
	return append(dst, '"')
}

// RowText returns row i of r as e writes its cells, without a line end,
// each cell of the list's own passed through EscapeFormula if escape is
// set (as the cells given to AppendCell in turn, a row of one cell as its
// only field, would give), when the row is held as that text (see
// Records); ok is false when it is not, or when escape is set and one of
// its cells needs the escape, for the caller to append the cells
// themselves.
func (e *Encoder) RowText(r Records, i int, escape bool) (text string, ok bool) {
	a := r.at[i]
	if a&atText == 0 || escape && a&atEscape != 0 || r.comma != e.sep {
		return "", false
	}
	return r.text(i)
}

// AppendText appends row i of r as RowText gives it, cell col replaced by
// c when the row has such a cell (c passed to AppendCell with escape),
// then the line end, and reports true; when RowText reports false, it
// appends nothing and reports false.
//
// The text is copied in one piece, or, when c is not the cell it
// replaces, the text before that cell, c, and the text after. At a
// million rows of ten cells, writing the cleaned rows cell by cell took
// 0.38 CPU-seconds (0.23 appending the cells, 0.11 splitting them out of
// Records); copying their text takes 0.09.
func (e *Encoder) AppendText(dst []byte, r Records, i, col int, c string, escape bool) ([]byte, bool) {
	text, ok := e.RowText(r, i, escape)
	if !ok {
		return dst, false
	}
	if cap(dst)-len(dst) < len(text)+2 {
		dst = slices.Grow(dst, max(len(text)+2, cap(dst))) // doubled, as AppendField grows it
	}
	from := 0 // where cell col starts in text; -1 when the row has none
	for k := 0; k < col && from >= 0; k++ {
		_, rest, more := textCell(text[from:], r.comma, false)
		from = len(text) - len(rest)
		if !more {
			from = -1
		}
	}
	if col < 0 || from < 0 {
		return e.AppendEOL(append(dst, text...)), true
	}
	_, rest, more := textCell(text[from:], r.comma, false)
	to := len(text) - len(rest)
	if more {
		to -= len(r.comma)
	}
	if cell := text[from:to]; cell == c && (cell == "" || cell[0] != '"') {
		return e.AppendEOL(append(dst, text...)), true // c is the cell, unquoted
	}
	dst = append(dst, text[:from]...)
	dst = e.AppendCell(dst, c, escape, from == 0 && to == len(text))
	dst = append(dst, text[to:]...)
	return e.AppendEOL(dst), true
}

// AppendCell appends a cell of the list's own, with the prefix of
// EscapeFormula if escape is set, as AppendField(dst, EscapeFormula(c),
// only) would without making the prefixed string.
func (e *Encoder) AppendCell(dst []byte, c string, escape, only bool) []byte {
	if !escape || !escapeFormulaNeeded(c) {
		return e.AppendField(dst, c, only)
	}
	if !e.ascii || e.class['\'']&encSpecial != 0 {
		return e.AppendField(dst, "'"+c, only)
	}
	// "'"+c starts with neither a space, a byte-order mark nor "sep=", and
	// holds a byte that makes it quoted exactly when c does.
	if !e.hasClass(c, encQuoted(only)) {
		dst = append(dst, '\'')
		return append(dst, c...)
	}
	// The quote before c is not a CR: c's escaping is the same after it.
	dst = append(dst, '"', '\'')
	dst = e.appendQuoted(dst, c)
	return append(dst, '"')
}

// appendQuoted appends field's bytes as they go between quotes: quotes
// doubled, everything else, line breaks included, as it is.
func (e *Encoder) appendQuoted(dst []byte, field string) []byte {
	for {
		i := strings.IndexByte(field, '"')
		if i < 0 {
			return append(dst, field...)
		}
		dst = append(dst, field[:i+1]...)
		dst = append(dst, '"')
		field = field[i+1:]
	}
}

// startNeedsQuotes reports whether a field that is not empty must be
// quoted for how it starts: with a space, a byte-order mark or "sep=".
func (e *Encoder) startNeedsQuotes(field string) bool {
	// Most fields start with a letter or digit: the rules for the start
	// need a closer look only for a few bytes.
	if e.class[field[0]]&encLook == 0 {
		return false
	}
	if strings.HasPrefix(field, "sep=") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r) || r == '\uFEFF'
}

// needsQuotes reports whether a field that is not empty must be quoted.
func (e *Encoder) needsQuotes(field string) bool {
	if e.startNeedsQuotes(field) {
		return true
	}
	if e.ascii {
		return e.hasClass(field, encSpecial)
	}
	return strings.ContainsAny(field, "\"\r\n") || strings.ContainsRune(field, e.comma)
}

// hasClass reports whether s holds a byte of one of the classes bits:
// with encSpecial, a quote, a CR, an LF or the comma, which must be one
// byte; with encLone, another of readDelimiters.
func (e *Encoder) hasClass(s string, bits uint8) bool {
	for i := 0; i < len(s); i++ {
		if e.class[s[i]]&bits != 0 {
			return true
		}
	}
	return false
}

// EscapeFormula makes a cell safe to open in a spreadsheet: a cell that
// starts with =, +, -, @, tab or carriage return is prefixed with a single
// quote, per the OWASP guidance on CSV injection. A number or a phone
// number that starts with a sign (-5, -1.3, +44 20 7946 0958, +1 (555)
// 010-9999) is left as it is, as defusedcsv leaves numbers: a spreadsheet
// reads it as a number or as text, and it can call nothing, since it holds
// only digits, spaces and the marks . , ( ) / and -.
func EscapeFormula(c string) string {
	if escapeFormulaNeeded(c) {
		return "'" + c
	}
	return c
}

// escapeFormulaNeeded reports whether EscapeFormula prefixes c.
func escapeFormulaNeeded(c string) bool {
	if c == "" {
		return false
	}
	switch c[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		return !signedNumber(c[1:])
	}
	return false
}

// signedNumber reports whether s, what follows a leading + or -, is a
// number or a phone number: a digit first (or an opening parenthesis), then
// only digits, spaces and . , ( ) / -.
func signedNumber(s string) bool {
	if s == "" || (s[0] < '0' || s[0] > '9') && s[0] != '(' {
		return false
	}
	digit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == ' ' || c == '.' || c == ',' || c == '(' || c == ')' || c == '/' || c == '-':
		default:
			return false
		}
	}
	return digit
}
