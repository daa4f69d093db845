package cleaner

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gocarina/gocsv"

	"github.com/listclean/listclean/cleaner/csvfile"
	"github.com/listclean/listclean/cleaner/printable"
)

// The columns added to the removed file, after the list's own.
var removedColumns = []string{"listclean_verdict", "listclean_reason", "listclean_suggestion", "listclean_detail"}

// ExportPaths are where an export writes. Report is optional ("" for
// none); Changes is written only when some row is corrected ("" for none).
type ExportPaths struct {
	Cleaned string
	Removed string
	Report  string
	Changes string // the changes file (ChangeRow): the corrected rows, old and new address
}

// DefaultPaths returns NAME.cleaned.EXT and NAME.removed.EXT next to the
// input, and the changes file NAME.changes.csv, NAME being the input's
// file name without its extension. EXT is the input's own extension when
// it is .csv, .tsv or .txt, in any case, else .tsv for a list separated
// by tabs (delim) and .csv for any other.
func DefaultPaths(input string, delim rune) ExportPaths {
	ext := filepath.Ext(input)
	base := strings.TrimSuffix(input, ext)
	switch strings.ToLower(ext) {
	case ".csv", ".tsv", ".txt":
	default:
		ext = ".csv"
		if delim == '\t' {
			ext = ".tsv"
		}
	}
	return ExportPaths{Cleaned: base + ".cleaned" + ext, Removed: base + ".removed" + ext, Changes: base + ".changes.csv"}
}

// ExportOptions say where and how to export.
type ExportOptions struct {
	Paths  ExportPaths
	Policy Policy // for rows the user did not decide on
	Force  bool   // overwrite existing output files
	// EscapeFormulas prefixes the list's own cells that a spreadsheet would
	// run as a formula (OWASP CSV injection). The tool's own columns are
	// always made safe.
	EscapeFormulas bool
}

// ExportResult tells what an export wrote.
type ExportResult struct {
	Paths ExportPaths
	// Kept counts the rows of the cleaned file, Fixed those of them
	// written with a corrected address; Kept + Removed is every row.
	Kept, Fixed, Removed int
}

// Text says, at the end of a run, what the export wrote and what it did
// not, a line each, in the words the batch command and the terminal UI
// both use: every row is in the cleaned list or the removed rows. input
// names the list that was read, which is left as it was; "" says nothing
// of it (standard input).
func (r ExportResult) Text(input string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrote %s: %s kept (%d of them corrected)\n", r.Paths.Cleaned, plural(r.Kept, "row", "rows"), r.Fixed)
	fmt.Fprintf(&b, "wrote %s: %s removed\n", r.Paths.Removed, plural(r.Removed, "row", "rows"))
	if r.Paths.Report != "" {
		fmt.Fprintf(&b, "wrote %s: a line per row\n", r.Paths.Report)
	}
	var not []string
	if r.Paths.Changes != "" {
		fmt.Fprintf(&b, "wrote %s: the old and new address of each corrected row; suppress or delete the old ones in your email platform\n", r.Paths.Changes)
	} else {
		not = append(not, "a changes file (no row was corrected)")
	}
	if input != "" {
		not = append(not, "the input "+input+", which is left as it was")
	}
	if len(not) > 0 {
		fmt.Fprintf(&b, "not written: %s\n", strings.Join(not, "; "))
	}
	return b.String()
}

// ReportRow is one line of the report; the columns are a contract that
// scripts depend on. Email is the row's address cell as printable.String
// shows it: as the file has it unless it holds control characters.
type ReportRow struct {
	Row        int    `csv:"row"`
	Email      string `csv:"email"`
	Verdict    string `csv:"verdict"`
	Reason     string `csv:"reason"`
	Suggestion string `csv:"suggestion"`
	Action     string `csv:"action"`
	// Detail is the evidence behind a suppressed row (kind, status code,
	// date, file and line) and what the domain history says of the row's
	// domain (Session.Detail); "" for most rows.
	Detail string `csv:"detail"`
}

// CheckPaths refuses an export before anything is written: an output that is
// the input (by any spelling or link), two outputs that are the same file,
// an output whose folder does not exist or takes no new file (see
// CheckWritable), something other than a file at an output path, and,
// without force, an output that exists already (the error wraps
// ErrExists). The changes file counts as an output, though it is written
// only when some row is corrected.
func (s *Session) CheckPaths(p ExportPaths, force bool) error {
	outs := p.all()
	for k, out := range outs {
		if out == "" {
			return errors.New("an output path is empty")
		}
		if csvfile.SameFile(out, s.List.Name) {
			return fmt.Errorf("refusing to write %s: it is the input file", out)
		}
		for _, other := range outs[:k] {
			if csvfile.SameFile(out, other) {
				return fmt.Errorf("refusing to write %s twice in one export", out)
			}
		}
		if fi, err := os.Lstat(out); err == nil {
			if !force {
				return fmt.Errorf("%s: %w (use -force to overwrite)", out, ErrExists)
			}
			if !fi.Mode().IsRegular() && fi.Mode()&fs.ModeSymlink == 0 {
				return fmt.Errorf("refusing to write %s: it is not a regular file", out)
			}
		}
		if err := CheckWritableFile(out); err != nil {
			return err
		}
	}
	return nil
}

// all returns the paths to write, the optional ones when set.
func (p ExportPaths) all() []string {
	outs := []string{p.Cleaned, p.Removed}
	for _, o := range []string{p.Report, p.Changes} {
		if o != "" {
			outs = append(outs, o)
		}
	}
	return outs
}

// CheckWritable reports whether every output of p can be written, before
// the work that makes them: its folder exists and takes a new file, which
// a probe beside the output, made and removed, shows (a read-only folder,
// a file system mounted read-only or out of inodes does not). It says
// nothing of the outputs that exist: see CheckPaths. The changes file
// counts, as in CheckPaths.
func CheckWritable(p ExportPaths) error {
	for _, out := range p.all() {
		if out == "" {
			continue
		}
		if err := CheckWritableFile(out); err != nil {
			return err
		}
	}
	return nil
}

// CheckWritableFile is CheckWritable for one file the tool writes: an
// output, or the decisions file of a review.
func CheckWritableFile(out string) error {
	if fi, err := os.Stat(filepath.Dir(out)); err != nil || !fi.IsDir() {
		return fmt.Errorf("cannot write %s: %s is not an existing folder", out, filepath.Dir(out))
	}
	return csvfile.CheckWritable(out)
}

// Export writes the cleaned list, the removed rows with their reasons,
// the report if asked, and the changes file when some row is corrected.
// Every row goes to exactly one of cleaned and removed. The files are
// written atomically, all or none; nothing is written when the paths are
// refused. With force, an export that corrects no row removes a changes
// file an earlier one left at Paths.Changes. The result's Paths.Changes is
// "" when no changes file was written.
func (s *Session) Export(opt ExportOptions) (ExportResult, error) {
	if err := s.CheckPaths(opt.Paths, opt.Force); err != nil {
		return ExportResult{Paths: opt.Paths}, err
	}
	res, outs := s.exportOutputs(opt)
	if err := csvfile.WriteFilesAtomic(csvfile.WriteOptions{Force: opt.Force, Perm: s.List.Perm}, outs...); err != nil {
		return res, fmt.Errorf("exporting: %w", err)
	}
	if res.Fixed == 0 {
		return res, removeStaleChanges(opt.Paths.Changes, opt.Force)
	}
	return res, nil
}

// ExportSummarized is Export and Summarize at once, returning what both
// return: the summary is counted while the outputs are written, in the
// time export leaves a processor idle (writing the encoded rows in order
// from one goroutine, waiting for the files to reach the disk). Both only
// read the session.
func (s *Session) ExportSummarized(opt ExportOptions) (ExportResult, Summary, error) {
	var (
		res ExportResult
		err error
		sum Summary
	)
	goAll(2, func(k int) {
		if k == 0 {
			res, err = s.Export(opt)
		} else {
			sum = s.Summarize()
		}
	})
	return res, sum, err
}

// exportOutputs returns what Export writes: its result, and the outputs
// to write.
func (s *Session) exportOutputs(opt ExportOptions) (ExportResult, []csvfile.Output) {
	res := ExportResult{Paths: opt.Paths}
	plan := s.Plan(opt.Policy)
	e := exportRows{s: s, plan: plan, opt: opt, width: len(s.List.Header), acts: make([]uint8, len(s.Rows))}
	// Each row's action, counted, and the removed file's width, on all
	// processors: the widths read the removed rows' text.
	var mu sync.Mutex
	narrowest := math.MaxInt // the narrowest removed row's width
	parallelFor(len(s.Rows), func(lo, hi int) {
		var part ExportResult
		widest, narrow := 0, math.MaxInt
		for i := lo; i < hi; i++ {
			act := plan.action(i)
			e.acts[i] = exportActionCode(act)
			part.count(act)
			if act == ActionRemove {
				w := s.List.Rows.Width(i)
				widest, narrow = max(widest, w), min(narrow, w)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		res.Kept += part.Kept
		res.Fixed += part.Fixed
		res.Removed += part.Removed
		e.width, narrowest = max(e.width, widest), min(narrowest, narrow)
	})
	e.even = narrowest == math.MaxInt || narrowest == e.width
	outs := []csvfile.Output{
		{Path: opt.Paths.Cleaned, Write: func(w io.Writer) error { return e.cleaned(w, true) }},
		{Path: opt.Paths.Removed, Write: func(w io.Writer) error { return e.removed(w, true) }},
	}
	if opt.Paths.Report != "" {
		outs = append(outs, csvfile.Output{Path: opt.Paths.Report, Write: func(w io.Writer) error { return e.report(w, true) }})
	}
	if res.Fixed == 0 {
		res.Paths.Changes = ""
	} else if opt.Paths.Changes != "" {
		outs = append(outs, csvfile.Output{Path: opt.Paths.Changes, Write: func(w io.Writer) error {
			rows := make([]ChangeRow, 0, res.Fixed)
			for i, a := range e.acts {
				if a == exportFix {
					rows = append(rows, plan.changeRow(i, plan.Outcome(i)))
				}
			}
			return writeChanges(w, rows)
		}})
	}
	return res, outs
}

// count counts one row's action.
func (res *ExportResult) count(a Action) {
	switch a {
	case ActionKeep:
		res.Kept++
	case ActionFix:
		res.Kept++
		res.Fixed++
	default:
		res.Removed++
	}
}

// exportRows writes the rows of a session to each output: the whole list,
// or one chunk of a list cleaned in passes (see Stream).
type exportRows struct {
	s     *Session
	plan  *Plan
	opt   ExportOptions
	width int // the removed file's width: the header's or its widest row's
	// even is set when every removed row is width cells wide, as in most
	// lists: then none is padded, and none's cells are counted again.
	even  bool
	first int // the list's index of the session's first row
	// acts holds each row's action as an exportActionCode, when worked
	// out already (nil otherwise): a file skips the rows not its own
	// without working their Outcome out again.
	acts []uint8
}

// The codes of the actions in exportRows.acts.
const (
	exportKeep uint8 = iota
	exportFix
	exportRemove
	exportOther // written to no file
)

// exportActionCode returns a's code in exportRows.acts.
func exportActionCode(a Action) uint8 {
	switch a {
	case ActionKeep:
		return exportKeep
	case ActionFix:
		return exportFix
	case ActionRemove:
		return exportRemove
	}
	return exportOther
}

// userCell is a cell of the list's own as written to an output.
func (e *exportRows) userCell(c string) string {
	if e.opt.EscapeFormulas {
		return csvfile.EscapeFormula(c)
	}
	return c
}

// cleaned writes the kept and fixed rows, after the header if header is set.
func (e *exportRows) cleaned(w io.Writer, header bool) error {
	l := e.s.List
	var h []string
	if header {
		h = cells(l.Header, e.userCell)
	}
	escape := e.opt.EscapeFormulas
	return e.s.writeRows(w, h, header, func(enc *csvfile.Encoder, dst []byte, lo, hi int) ([]byte, error) {
		var row []string
		for i := lo; i < hi; i++ {
			var email string
			if e.acts != nil {
				switch e.acts[i] {
				case exportKeep:
					email = e.plan.email(i, ActionKeep) // the outcome's Email, without the rest
				case exportFix:
					email = e.plan.email(i, ActionFix)
				default:
					continue
				}
			} else {
				o := e.plan.Outcome(i)
				if o.Action != ActionKeep && o.Action != ActionFix {
					continue
				}
				email = o.Email
			}
			if err := enc.Err(); err != nil {
				return dst, err
			}
			// A row held as the text its cells are written as: copied,
			// but for the address.
			var ok bool
			if dst, ok = enc.AppendText(dst, l.Rows, i, l.EmailCol, email, escape); ok {
				continue
			}
			// The row's cells as they are, but for the address.
			row = l.Rows.AppendRow(row[:0], i)
			if len(row) == 0 {
				continue
			}
			only := len(row) == 1
			for k, c := range row {
				if k > 0 {
					dst = enc.AppendComma(dst)
				}
				if k == l.EmailCol {
					c = email
				}
				dst = enc.AppendCell(dst, c, escape, only)
			}
			dst = enc.AppendEOL(dst)
		}
		return dst, nil
	})
}

// removed writes the removed rows with the verdict, reason, suggestion and
// detail, after the header if header is set. The header and every row are
// padded to one width so that the added columns line up even when rows are
// ragged. The row's own cells are written as they were read; the
// suggestion and the detail, the tool's own, are shown by printable.String
// and guarded against formulas.
func (e *exportRows) removed(w io.Writer, header bool) error {
	l := e.s.List
	var h []string
	if header {
		h = append(padded(cells(l.Header, e.userCell), e.width), removedColumns...)
	}
	escape := e.opt.EscapeFormulas
	return e.s.writeRows(w, h, header, func(enc *csvfile.Encoder, dst []byte, lo, hi int) ([]byte, error) {
		var row []string
		for i := lo; i < hi; i++ {
			if e.acts != nil && e.acts[i] != exportRemove {
				continue
			}
			o := e.plan.Outcome(i)
			if o.Action != ActionRemove {
				continue
			}
			if err := enc.Err(); err != nil {
				return dst, err
			}
			// The row's cells, empty ones up to the width, then the
			// columns of removedColumns: never a record of one field, so
			// a row of one empty cell, held as "", is not copied.
			var width int
			if text, ok := enc.RowText(l.Rows, i, escape); ok && text != `""` {
				dst = append(dst, text...)
				if width = e.width; !e.even {
					width = l.Rows.Width(i)
				}
			} else {
				row = l.Rows.AppendRow(row[:0], i)
				for k, c := range row {
					if k > 0 {
						dst = enc.AppendComma(dst)
					}
					dst = enc.AppendCell(dst, c, escape, false)
				}
				width = len(row)
			}
			for k := width; k < e.width; k++ {
				if k > 0 {
					dst = enc.AppendComma(dst)
				}
			}
			if width > 0 || e.width > 0 {
				dst = enc.AppendComma(dst)
			}
			dst = enc.AppendField(dst, string(o.Verdict), false)
			dst = enc.AppendComma(dst)
			dst = enc.AppendField(dst, string(o.Reason), false)
			dst = enc.AppendComma(dst)
			dst = enc.AppendCell(dst, printable.String(e.s.Suggestion(i)), true, false)
			dst = enc.AppendComma(dst)
			dst = enc.AppendCell(dst, printable.String(e.plan.detail(i, o)), true, false)
			dst = enc.AppendEOL(dst)
		}
		return dst, nil
	})
}

// report writes one report row per row, after the header if header is set.
// Every cell is the tool's own: the address as the file has it is shown
// by printable.String, so that a report printed or opened in a terminal
// runs no escape sequence, and guarded against formulas, as the
// suggestion is.
//
// ReportRow defines the table: gocsv writes its header and reads it back
// (ReadReport). The rows themselves are encoded here, field by field in the
// order of ReportRow's columns, as a csvfile.RecordWriter would write them,
// because gocsv's reflection per field was most of the time spent on a
// report (0.4 of 0.9 CPU-seconds at a million rows). TestReportReadsBack reads them
// back through gocsv.
func (e *exportRows) report(w io.Writer, header bool) error {
	if header {
		if err := gocsv.MarshalCSV(&[]ReportRow{}, gocsv.DefaultCSVWriter(w)); err != nil {
			return err
		}
	}
	s := e.s
	enc := csvfile.NewEncoder(',', false) // as gocsv.DefaultCSVWriter
	return writeChunkedAppend(w, len(s.Rows), func(dst []byte, lo, hi int) ([]byte, error) {
		for i := lo; i < hi; i++ {
			o := e.plan.Outcome(i)
			// ReportRow's fields, in order: a row number is never quoted.
			dst = strconv.AppendInt(dst, int64(e.first+i+1), 10)
			dst = append(dst, ',')
			dst = enc.AppendCell(dst, printable.String(s.Rows[i].Addr().Raw), true, false)
			dst = append(dst, ',')
			dst = enc.AppendField(dst, string(o.Verdict), false)
			dst = append(dst, ',')
			dst = enc.AppendField(dst, string(o.Reason), false)
			dst = append(dst, ',')
			dst = enc.AppendCell(dst, printable.String(s.Suggestion(i)), true, false)
			dst = append(dst, ',')
			dst = enc.AppendField(dst, string(o.Action), false)
			dst = append(dst, ',')
			dst = enc.AppendCell(dst, printable.String(e.plan.detail(i, o)), true, false)
			dst = append(dst, '\n')
		}
		return dst, nil
	})
}

// writeRows writes header (if withHeader), then the rows that encode
// appends to dst for rows [lo, hi) with an encoder of the list's delimiter
// and line endings, encoding chunks of rows on all cores.
func (s *Session) writeRows(w io.Writer, header []string, withHeader bool, encode func(enc *csvfile.Encoder, dst []byte, lo, hi int) ([]byte, error)) error {
	l := s.List
	if withHeader {
		cw := l.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	enc := csvfile.NewEncoder(l.Delimiter, l.CRLF) // read only: shared by the chunks
	return writeChunkedAppend(w, len(s.Rows), func(dst []byte, lo, hi int) ([]byte, error) {
		return encode(enc, dst, lo, hi)
	})
}

// exportChunk is how many rows writeChunkedAppend gives encode at a time:
// enough that handing chunks over costs nothing (a chunk of a subscriber
// list is some 500 KB), few enough that the chunks waiting in memory
// (two per processor, and their buffers kept for reuse) take little.
// At a million rows, 8,192 rows a chunk made the run's peak memory some
// 7 MB higher (median of 10 runs each, 328 MiB against 321).
const exportChunk = 4096

// exportBuffers are the buffers of writeChunkedAppend, reused. A new one
// has room for a chunk of rows of exportRowBytes at once: grown by
// doubling from nothing, each of the first buffers of an export left
// about its size in garbage behind, some 5 MB at a million rows, which
// brought the collector round once more.
var exportBuffers = sync.Pool{New: func() any {
	buf := make([]byte, 0, exportChunk*exportRowBytes)
	return &buf
}}

// exportRowBytes is about the most bytes a row of most subscriber lists
// takes in an output (a row of the benchmark list takes 127).
const exportRowBytes = 160

// writeChunkedAppend writes rows [0, n) to w, encode appending rows [lo,
// hi) to the slice it is given and returning the result. It encodes chunks
// of rows into buffers on all processors at once and writes them to w in
// order, so that the output is what one encode of every row would give, in
// a fraction of the time; at most two chunks per processor wait in memory.
// It stops at the first error.
func writeChunkedAppend(w io.Writer, n int, encode func(dst []byte, lo, hi int) ([]byte, error)) error {
	chunks := (n + exportChunk - 1) / exportChunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		buf := exportBuffers.Get().(*[]byte)
		defer exportBuffers.Put(buf)
		for c := range chunks {
			var err error
			*buf, err = encode((*buf)[:0], c*exportChunk, min((c+1)*exportChunk, n))
			if err == nil {
				_, err = w.Write(*buf)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	type encoded struct {
		buf    *[]byte
		err    error
		panicV any // what encode panicked with, raised again by the caller
	}
	done := make([]chan encoded, chunks)
	for c := range done {
		done[c] = make(chan encoded, 1)
	}
	// A worker takes a slot before it takes a chunk, and the slot is given
	// back when the chunk is written: chunks are taken in order, so the one
	// written next always has its slot.
	slots := make(chan struct{}, 2*workers)
	stop := make(chan struct{})
	defer close(stop)
	var next atomic.Int64
	for range workers {
		go func() {
			for {
				select {
				case slots <- struct{}{}:
				case <-stop:
					return
				}
				select {
				case <-stop: // the slot was free, but the caller gave up
					return
				default:
				}
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				e := encoded{buf: exportBuffers.Get().(*[]byte)}
				func() {
					defer func() { e.panicV = recover() }()
					*e.buf, e.err = encode((*e.buf)[:0], c*exportChunk, min((c+1)*exportChunk, n))
				}()
				done[c] <- e
			}
		}()
	}
	for c := range chunks {
		e := <-done[c]
		<-slots
		if e.panicV != nil {
			panic(e.panicV)
		}
		if e.err == nil {
			_, e.err = w.Write(*e.buf)
		}
		exportBuffers.Put(e.buf)
		if e.err != nil {
			return e.err
		}
	}
	return nil
}

// ReadReport reads a report written by Export.
func ReadReport(path string) ([]ReportRow, error) { return readTable[ReportRow](path, "report") }

// readTable reads one of the tables the tool writes (what names it in
// errors) into rows of type T.
func readTable[T any](path, what string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	defer f.Close()
	var rows []T
	if err := gocsv.UnmarshalFile(f, &rows); err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", what, path, err)
	}
	return rows, nil
}

// cells copies a record, passing each cell through f.
func cells(rec []string, f func(string) string) []string {
	return appendCells(make([]string, 0, len(rec)+len(removedColumns)), rec, f)
}

// appendCells appends the cells of rec to dst, passing each through f.
func appendCells(dst, rec []string, f func(string) string) []string {
	for _, c := range rec {
		dst = append(dst, f(c))
	}
	return dst
}

// padded extends rec with empty cells up to width.
func padded(rec []string, width int) []string {
	for len(rec) < width {
		rec = append(rec, "")
	}
	return rec
}
