package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// ReadOptions control how a subscriber list is read.
type ReadOptions struct {
	Delimiter rune   // 0: sniff among ',' ';' '\t' '|'
	Column    string // "": detect; else a header name (case-insensitive) or a 1-based column number
	MaxBytes  int64  // 0: DefaultMaxBytes; a larger input is refused before it is parsed
	Header    Header // whether the first line is a header line; HeaderDetect by default
}

// Header says whether a list's first line names its columns or is a row
// like the others.
type Header int

const (
	// HeaderDetect: the first line is data when it holds an address in
	// the email column (and that column was not found by its name on
	// that line), else a header line.
	HeaderDetect Header = iota
	// HeaderFirstLine: the first line is a header line, whatever it holds.
	HeaderFirstLine
	// HeaderNone: the file has no header line; the first line is a row.
	HeaderNone
)

// DefaultMaxBytes is the largest input read when ReadOptions.MaxBytes is 0.
// A list read is held in memory (its text and some bytes a row: see
// Records); a caller that has worked out that a larger list fits sets
// MaxBytes, and a Stream cleans one that does not in passes.
const DefaultMaxBytes = 1 << 30

// Errors wrapped by the *ReadError that ReadFile and Read return, for
// callers that react to the kind of failure (errors.Is). Parse errors also
// wrap encoding/csv's ErrQuote, and file errors the operating system's error
// (errors.Is(err, fs.ErrNotExist)).
var (
	ErrEmptyFile     = errors.New("empty file: no header line")
	ErrNoDataRows    = errors.New("no data rows: the file has a header line only")
	ErrBinaryFile    = errors.New("binary file, not CSV text")
	ErrNoEmailColumn = errors.New("no email column")
	ErrFileTooLarge  = errors.New("file too large")
	// ErrMixedEncoding: UTF-8 text (with valid non-ASCII characters or a
	// UTF-8 byte-order mark) holds bytes that are not UTF-8, so some of
	// its characters cannot be read for sure. A file wholly in
	// Windows-1252 is read as such.
	ErrMixedEncoding = errors.New("invalid UTF-8 in UTF-8 text")
	// ErrDuplicateHeader: two columns have the same (non-empty) name,
	// case and surrounding spaces aside.
	ErrDuplicateHeader = errors.New("duplicate header name")
	// ErrWrongDelimiter: the delimiter asked for, or declared by the
	// file's "sep=" line, leaves the first line one column, where another
	// delimiter splits it.
	ErrWrongDelimiter = errors.New("not this file's delimiter")
)

// List is a subscriber list as read from a CSV file.
type List struct {
	Name      string   // the path as given
	Header    []string // header cells (BOM removed); nil when the file has no header line (its first line holds an address)
	Rows      Records  // data rows, cells decoded to UTF-8, ragged rows kept exactly as they are
	EmailCol  int      // 0-based index of the email column; -1 when none was found (see ReadFile)
	ColumnBy  string   // how it was found: "header", "content" or "option"
	Delimiter rune
	Encoding  string   // "UTF-8", "UTF-8 with BOM", "Windows-1252", "UTF-16LE" or "UTF-16BE"
	CRLF      bool     // the file used CRLF line endings
	Notes     []string // what the user should be told, e.g. "not valid UTF-8: read as Windows-1252"
	// Perm is the permission bits of the file read (ReadFile), which the
	// outputs take, so that they are no more readable than it; 0 for a
	// list read from a pipe or a reader (Read).
	Perm fs.FileMode

	firstLine  int    // the 1-based line where the file's first record starts: the header line when there is one
	headerNote string // the note among Notes that says the file has no header line, if any
}

// ReadError is a read failure with the position, printed as
// "FILE:LINE:COL: what". Line and Column are 0 when they do not apply.
// Column counts characters, not bytes, so that it matches what an editor
// shows whatever the file's encoding.
type ReadError struct {
	File         string
	Line, Column int
	Err          error
}

func (e *ReadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Column))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ReadError) Unwrap() error { return e.Err }

// ReadFile reads the subscriber list in the file at path; see Read.
func ReadFile(path string, opt ReadOptions) (*List, error) {
	f, fi, err := openWithin(path, opt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := readFrom(f, path, opt, fi.Size())
	if l != nil && fi.Mode().IsRegular() {
		l.Perm = fi.Mode().Perm()
	}
	return l, err
}

// openWithin opens the file at path, refusing one over opt's size limit.
func openWithin(path string, opt ReadOptions) (*os.File, fs.FileInfo, error) {
	f, fi, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	if limit := opt.maxBytes(); fi.Size() > limit {
		f.Close()
		return nil, nil, &ReadError{File: path, Err: fmt.Errorf("%w: %s (the limit is %s)", ErrFileTooLarge, readSize(fi.Size()), readSize(limit))}
	}
	return f, fi, nil
}

// Open opens the file at path for reading a list from, with what it is; a
// folder is refused. Errors are *ReadError values.
func Open(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, &ReadError{File: path, Err: readUnwrapPath(err)}
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		err = errors.New("is a directory, not a CSV file")
	}
	if err != nil {
		f.Close()
		return nil, nil, &ReadError{File: path, Err: readUnwrapPath(err)}
	}
	return f, fi, nil
}

// Read reads a subscriber list: a header line, then one row per record, in
// CSV as exported by ESPs and spreadsheets. name is used in messages.
//
// The text may be UTF-8 with or without a byte-order mark, or UTF-16 with one
// (Excel's "Unicode text"). Input that is not valid UTF-8 and holds no
// valid UTF-8 beyond ASCII is read as Windows-1252 and a Note says so;
// UTF-8 text (valid non-ASCII UTF-8, or a UTF-8 byte-order mark) with bytes
// that are not UTF-8 is an error at the first of them (ErrMixedEncoding),
// since which characters they stand for cannot be known.
//
// Lines may end in LF, CRLF or a CR alone, as spreadsheets read them: a CR
// alone outside quotes ends a record (Excel's "CSV (Macintosh)" ends every
// line so), and a quoted cell keeps its line breaks byte for byte. A first
// line "sep=X" (Excel's delimiter hint) sets the delimiter and is skipped
// (a delimiter it declares that leaves the next line one column, where one
// of , ; tab | splits it, is refused as one asked for is, ErrWrongDelimiter);
// otherwise, unless opt.Delimiter is set, the delimiter is the one of , ;
// tab | that splits the first records most consistently (outside quotes),
// ',' if none does.
//
// Records are parsed as encoding/csv parses them (RFC 4180: quoted fields
// may hold delimiters, doubled quotes and newlines; blank lines are
// skipped), but for those line ends. Rows with more or fewer fields than
// the header are kept exactly as they are.
// A quote inside an unquoted field (Bob "the builder" Smith, as hand-made
// files have) is read as an ordinary character and a Note says where: such
// a field ends at the next delimiter, so nothing else can change. Every
// other quoting error stops the read with the position of the fault: for an
// unterminated quoted field, the quote that opens it. A NUL byte (binary
// file), an empty file, a header without rows and a record over 16 MiB are
// errors too.
//
// The email column is opt.Column if set, else the column whose header names
// an email address ("Email", "Email Address", "E-mail", "email_address",
// "mail", "E-Mail-Adresse", "Courriel", ... in any case and spacing), else a
// column whose header contains "mail" and whose values mostly look like
// addresses, else the column where most values look like addresses (a Note
// says so). When the first line holds an address in that column the file
// has no header line: Header is nil and every line is a row. Two columns
// with the same name are an error (ErrDuplicateHeader), and two columns
// named like the email column are ambiguous.
//
// Errors are *ReadError values. When the only fault is that no email column
// was found, Read returns the list with EmailCol -1 along with an error
// wrapping ErrNoEmailColumn, so that the user can pick one with
// SetEmailColumn.
func Read(r io.Reader, name string, opt ReadOptions) (*List, error) {
	return readFrom(r, name, opt, 0)
}

// readFrom reads r, at most opt.maxBytes of it, a chunk at a time; size is
// how many bytes r holds when known, else 0.
func readFrom(r io.Reader, name string, opt ReadOptions, size int64) (*List, error) {
	s := newRecordStream(r, name, opt.Delimiter, opt.maxBytes())
	s.size = size
	p, err := readAll(s)
	if err != nil {
		return nil, err
	}
	return readList(p, name, opt)
}

// readAll reads every record of s, as Records.
//
// Each chunk's records are encoded as a block of Records as they come
// (see RecordStream.compact), and the rows' positions appended to one
// slice. When the input's size is known, the records still to come are
// expected in the proportion of those read so far to their text, plus a
// sixteenth, so that the slice grows about once: the copies a growing
// slice leaves behind would count towards the memory limit of the run,
// which collects only there. Otherwise it doubles. A list whose rows grow
// longer further on (or UTF-16 text, which decodes to fewer bytes) would
// be expected to hold more records than it does: the slice never grows
// past eight times the records read so far, and is copied to its length
// at the end when it has room for an eighth more.
func readAll(s *RecordStream) (*readParsed, error) {
	var recs Records
	s.reuse, s.keep, s.compact = true, true, true
	err := s.each(func(r *parsedChunk) error {
		if len(r.offs) == 0 {
			return nil
		}
		n := recs.Len() + len(r.offs)
		want := max(n, 2*cap(recs.at))
		if s.size > 0 && s.delivered > 0 {
			want = max(n, min(8*n, int(float64(n)*float64(s.size)/float64(s.delivered)*17/16)))
		}
		if recs.Len() == 0 {
			s.p.firstLine = r.lines[0]
		}
		recs.appendBlock(r.block, r.offs, want)
		return nil
	})
	if err != nil {
		return nil, err
	}
	recs.comma = string(s.p.delim)
	recs.clip()
	s.p.records = recs
	notes, err := s.Finish()
	if err != nil {
		return nil, err
	}
	s.p.notes = notes
	return &s.p, nil
}

// readParse decodes data and splits it into records with delim (0: sniff).
func readParse(data []byte, name string, delim rune) (*readParsed, error) {
	return readAll(newRecordStream(bytes.NewReader(data), name, delim, 0))
}

func (opt ReadOptions) maxBytes() int64 {
	if opt.MaxBytes > 0 {
		return opt.MaxBytes
	}
	return DefaultMaxBytes
}

// readMaxRecord is the longest record accepted: far beyond any subscriber
// row (a spreadsheet cell holds at most 32,767 characters), it stops a file
// that is one huge line.
const readMaxRecord = 16 << 20

var errReadLongRecord = errors.New("record longer than 16 MiB: this is not a subscriber list")

// readUnterminated is the error of a quoted field that runs to the end of
// the input; readLongQuoted, of one that runs past the longest record read.
var (
	readUnterminated = readDetail{"unterminated quoted field: this quote is never closed", csv.ErrQuote}
	readLongQuoted   = readDetail{"this quote opens a field that runs on past 16 MiB: it is never closed, or the record is far too long for a subscriber list", csv.ErrQuote}
)

// readList makes the list of the records read: header, rows and email
// column.
func readList(p *readParsed, name string, opt ReadOptions) (*List, error) {
	l := &List{
		Name:      name,
		Delimiter: p.delim,
		Encoding:  p.encoding,
		CRLF:      p.crlf,
		Notes:     p.notes,
		EmailCol:  -1,
	}
	recs := p.records
	if recs.Len() == 0 {
		return nil, &ReadError{File: name, Err: ErrEmptyFile}
	}
	// The first records, which the header and the email column are
	// found from.
	head := make([][]string, min(recs.Len(), 1001))
	for i := range head {
		head[i] = recs.Row(i)
	}
	col, by, colErr := readFindColumn(head, recs, opt.Column, opt.Header == HeaderNone)
	// A first line is data, not a header, when it holds an address in the
	// email column, unless that column was found by its header name.
	headerless := opt.Header == HeaderNone
	if opt.Header == HeaderDetect {
		headerless = col >= 0 && col < len(head[0]) && readLooksLikeAddress(head[0][col]) &&
			by != "header" && !(by == "option" && readIsHeaderName(head[0], opt.Column))
	}
	if headerless {
		l.Rows, l.firstLine = recs, p.firstLine
		if opt.Header == HeaderDetect {
			l.headerNote = fmt.Sprintf("no header line: line %d holds an address in column %d, so every line is read as a row", p.firstLine, col+1)
			l.Notes = append(l.Notes, l.headerNote)
		}
	} else {
		l.Header, l.Rows, l.firstLine = head[0], recs.Slice(1, recs.Len()), p.firstLine
		if l.Rows.Len() == 0 {
			return nil, &ReadError{File: name, Line: p.firstLine, Err: ErrNoDataRows}
		}
		if err := readDuplicateHeader(l.Header); err != nil {
			return nil, &ReadError{File: name, Line: p.firstLine, Err: err}
		}
	}
	if colErr != nil {
		return l, &ReadError{File: name, Err: colErr}
	}
	l.EmailCol, l.ColumnBy = col, by
	if by == "content" && !headerless {
		hits, filled := readColumnHits(readSample(head, false), col)
		label := ""
		if col < len(l.Header) {
			label = fmt.Sprintf(" %q", l.Header[col])
		}
		l.Notes = append(l.Notes, fmt.Sprintf("no email header: using column %d%s, where %d of %d values look like addresses", col+1, label, hits, filled))
	}
	return l, nil
}

// SetEmailColumn picks another column (name or 1-based number), as the TUI's
// column screen and -column do. A name is matched case-insensitively,
// ignoring surrounding spaces; a name shared by several columns must be
// given by number.
func (l *List) SetEmailColumn(spec string) error {
	col, err := readColumnSpec(l.Header, l.width(), spec)
	if err != nil {
		return fmt.Errorf("%s: %w", l.Name, err)
	}
	l.EmailCol, l.ColumnBy = col, "option"
	return nil
}

// SetHeaderless says whether the list's first line is a row (true) or its
// header line (false), as the TUI's column screen and -header and
// -no-header do, moving the first line between Header and Rows. The email
// column stays where it is. A header line with two columns of the same
// name, or a list left without a row, is refused and the list kept as it
// was.
func (l *List) SetHeaderless(headerless bool) error {
	switch {
	case headerless == (l.Header == nil):
		return nil
	case headerless:
		l.Rows = l.Rows.Prepend(l.Header)
		l.Header = nil
	default:
		if l.Rows.Len() < 2 {
			return fmt.Errorf("%s: %w", l.Name, ErrNoDataRows)
		}
		first := l.Rows.Row(0)
		if err := readDuplicateHeader(first); err != nil {
			return fmt.Errorf("%s: line %d: %w", l.Name, l.firstLine, err)
		}
		l.Header, l.Rows = first, l.Rows.Slice(1, l.Rows.Len())
	}
	// The note that said the file had no header line no longer holds.
	if l.headerNote != "" {
		l.Notes = slices.DeleteFunc(l.Notes, func(n string) bool { return n == l.headerNote })
		l.headerNote = ""
	}
	return nil
}

// ColumnHits counts the rows whose cell in column col looks like an
// address (an @ with something on both sides, even a faulty address), and
// those whose cell there is not blank: how likely col is to be the email
// column.
func (l *List) ColumnHits(col int) (hits, filled int) {
	for i := range l.Rows.Len() {
		readCountCell(l.Rows.Cell(i, col), &hits, &filled)
	}
	return hits, filled
}

// EmailCell returns row i's email cell ("" when the row is too short or no
// email column is set).
func (l *List) EmailCell(i int) string {
	if l.EmailCol < 0 {
		return ""
	}
	return l.Rows.Cell(i, l.EmailCol)
}

// EmailCellOf returns the email cell of row, a record of the list's file
// that need not be among its Rows (a chunk read in passes): "" when the row
// is too short or no email column is set.
func (l *List) EmailCellOf(row []string) string {
	if l.EmailCol < 0 || l.EmailCol >= len(row) {
		return ""
	}
	return row[l.EmailCol]
}

// width is the number of columns: the header's or the widest row's.
func (l *List) width() int {
	w := len(l.Header)
	for i := range l.Rows.Len() {
		w = max(w, l.Rows.Width(i))
	}
	return w
}

// readParsed is the text of a list split into records.
type readParsed struct {
	records   Records
	firstLine int // the 1-based line where the first record starts
	delim     rune
	encoding  string
	crlf      bool
	notes     []string
}

// readCSV parses input as encoding/csv does, but that quoted fields keep
// their line breaks as they are (see readSplit). Rows share a few large
// backing arrays rather than one allocation each. The records slice and
// lines are scratch's when it is not nil and they are long enough. readCSV
// may rewrite input. With keep set, input is the caller's to give away:
// nothing else may write it again, and the fields may be its own bytes.
// With enc set, texts holds the records that enc writes back as they are,
// as readSplit gives them, or is nil when none is told so.
func readCSV(input []byte, delim rune, scratch *readScratch, keep bool, enc *Encoder) (recs [][]string, lines []int, texts []readText, err error) {
	// A record is made of whole lines, so a line longer than the longest
	// record is refused before encoding/csv splits it into millions of
	// fields, which would take many times its size in memory. The lines
	// that are not blank (encoding/csv skips those) bound the records,
	// which are then appended without growing.
	n := 0
	for line, rest := 1, input; len(rest) > 0; line++ {
		end := bytes.IndexByte(rest, '\n')
		if end < 0 {
			end = len(rest)
		}
		if end > readMaxRecord {
			return nil, nil, nil, &csv.ParseError{StartLine: line, Line: line, Column: 1, Err: errReadLongRecord}
		}
		if end > 1 || end == 1 && rest[0] != '\r' {
			n++
		}
		rest = rest[min(end+1, len(rest)):]
	}
	if recs, lines, texts, ok := readSplit(input, delim, scratch, n, keep, enc); ok {
		return recs, lines, texts, nil
	}
	recs, lines, err = readCSVReader(input, delim, scratch, n)
	return recs, lines, nil, err
}

// readCSVReader is readCSV with encoding/csv, given n, the most records
// input can have: what it reports for an input that readSplit declines,
// the error and its position. (It reads a CRLF inside quotes as an LF, but
// readSplit declines no input that it reads without an error.)
func readCSVReader(input []byte, delim rune, scratch *readScratch, n int) (recs [][]string, lines []int, err error) {
	if scratch != nil && cap(scratch.recs) >= n && cap(scratch.lines) >= n {
		recs, lines = scratch.recs[:0], scratch.lines[:0]
	} else {
		recs, lines = make([][]string, 0, n), make([]int, 0, n)
	}
	r := csv.NewReader(bytes.NewReader(input))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var slab []string
	for {
		off := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			return recs, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := r.FieldPos(0)
		if r.InputOffset()-off > readMaxRecord {
			return nil, nil, &csv.ParseError{StartLine: line, Line: line, Column: 1, Err: errReadLongRecord}
		}
		if cap(slab)-len(slab) < len(rec) {
			slab = make([]string, 0, max(len(rec), 1<<14))
		}
		n := len(slab)
		slab = append(slab, rec...)
		recs = append(recs, slab[n:len(slab):len(slab)])
		lines = append(lines, line)
	}
}

// readParseError turns a parse error from readCSV on fixed into a
// *ReadError positioned in text. fixed is text with a quote inserted before
// each offset in adds; line0 is the number of lines before the parsed input.
func readParseError(name string, text, fixed []byte, adds []int, line0 int, delim rune, err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &ReadError{File: name, Err: err}
	}
	at := readLineOffset(fixed, line0+pe.Line) + pe.Column - 1
	msg := pe.Err
	if pe.Err == csv.ErrQuote {
		if at < len(fixed) && fixed[at] == '"' {
			msg = readDetail{`extraneous " in quoted field (a quote inside quotes must be doubled: "")`, csv.ErrQuote}
		} else {
			// The field runs to the end of the input: point at its opening quote.
			if q := readUnclosedQuote(fixed[readLineOffset(fixed, line0+pe.StartLine):], []byte(string(delim))); q >= 0 {
				at = readLineOffset(fixed, line0+pe.StartLine) + q
			}
			msg = readUnterminated
		}
	}
	line, col := readPos(text, readUnshift(adds, at))
	return &ReadError{File: name, Line: line, Column: col, Err: msg}
}

// readDetail is an error message that unwraps to the error it explains.
type readDetail struct {
	msg string
	err error
}

func (e readDetail) Error() string { return e.msg }
func (e readDetail) Unwrap() error { return e.err }

// readRequote returns text with every unquoted field that holds a quote
// turned into a quoted field (quotes doubled), so that encoding/csv reads
// those quotes as ordinary characters, as its LazyQuotes mode would, while
// still rejecting faulty quoted fields. adds lists, in order, the offsets in
// text before which a quote was inserted; fields counts the fields changed.
// It follows encoding/csv's rules for records and fields, and leaves the
// rest of text unchanged at the first quoting error, which csv reports.
func readRequote(text []byte, start int, delim rune) (fixed []byte, adds []int, fields int) {
	sep := []byte(string(delim))
	copied := 0
	atRecord := true
	for i := start; i < len(text); {
		if atRecord {
			if n := readEOL(text, i); n > 0 {
				i += n // blank line
				continue
			}
			atRecord = false
		}
		if text[i] == '"' {
			i = readClosingQuote(text, i+1)
			if i < 0 {
				break // unterminated
			}
			if bytes.HasPrefix(text[i:], sep) {
				i += len(sep)
			} else if n := readEOL(text, i); n > 0 || i == len(text) {
				i += n
				atRecord = true
			} else {
				break // extraneous quote
			}
			continue
		}
		// An unquoted field ends at the delimiter or the end of the line.
		lineEnd := len(text)
		if j := bytes.IndexByte(text[i:], '\n'); j >= 0 {
			lineEnd = i + j
		}
		end, next := lineEnd, lineEnd+1
		if j := bytes.Index(text[i:lineEnd], sep); j >= 0 {
			end, next = i+j, i+j+len(sep)
		} else {
			atRecord = true
			if end > i && text[end-1] == '\r' {
				end-- // CRLF, or a CR that csv drops at the end of the input
			}
		}
		if bytes.IndexByte(text[i:end], '"') >= 0 {
			fixed = append(fixed, text[copied:i]...)
			adds = append(adds, i)
			fixed = append(fixed, '"')
			for j := i; j < end; j++ {
				if text[j] == '"' {
					adds = append(adds, j)
					fixed = append(fixed, '"')
				}
				fixed = append(fixed, text[j])
			}
			adds = append(adds, end)
			fixed = append(fixed, '"')
			copied = end
			fields++
		}
		i = next
	}
	if fields == 0 {
		return text, nil, 0
	}
	return append(fixed, text[copied:]...), adds, fields
}

// readClosingQuote returns the offset after the quote that closes the
// quoted field whose text starts at i, or -1 if none does.
func readClosingQuote(text []byte, i int) int {
	for {
		j := bytes.IndexByte(text[i:], '"')
		if j < 0 {
			return -1
		}
		i += j + 1
		if i < len(text) && text[i] == '"' {
			i++ // doubled quote
			continue
		}
		return i
	}
}

// readEOL returns the length of the line end at text[i:] as encoding/csv
// sees it ("\n", "\r\n", or a "\r" that ends the input), or 0.
func readEOL(text []byte, i int) int {
	switch {
	case i < len(text) && text[i] == '\n':
		return 1
	case i+1 < len(text) && text[i] == '\r' && text[i+1] == '\n':
		return 2
	case i+1 == len(text) && text[i] == '\r':
		return 1
	}
	return 0
}

// readUnclosedQuote returns the offset of the quote opening the quoted field
// that is still open at the end of text, or -1.
func readUnclosedQuote(text, delim []byte) int {
	atField := true
	for i := 0; i < len(text); {
		if atField && text[i] == '"' {
			j := readClosingQuote(text, i+1)
			if j < 0 {
				return i
			}
			i, atField = j, false
			continue
		}
		if bytes.HasPrefix(text[i:], delim) {
			i += len(delim)
			atField = true
			continue
		}
		atField = text[i] == '\n'
		i++
	}
	return -1
}

// readUnshift maps an offset in text with quotes inserted before each of
// the sorted offsets adds back to an offset in text.
func readUnshift(adds []int, at int) int {
	for i, a := range adds {
		if a+i >= at {
			return at - i
		}
	}
	return at - len(adds)
}

// readLineOffset returns the offset where 1-based line n of text starts.
func readLineOffset(text []byte, n int) int {
	off := 0
	for ; n > 1; n-- {
		i := bytes.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	return off
}

// readPos returns the 1-based line and character column of text[off].
func readPos(text []byte, off int) (line, col int) {
	start := bytes.LastIndexByte(text[:off], '\n') + 1
	return 1 + bytes.Count(text[:off], []byte{'\n'}), 1 + utf8.RuneCount(text[start:off])
}

// readWindows1252 decodes b as UTF-8, and every byte that is not part of a
// valid UTF-8 sequence as Windows-1252. It returns the number of such bytes,
// the offset in text of the first and its value, and whether b held any
// valid non-ASCII UTF-8 sequence.
func readWindows1252(b []byte) (text []byte, bad, first int, firstByte byte, multi bool) {
	text = make([]byte, 0, len(b)+len(b)/4)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			text = append(text, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			if bad == 0 {
				first, firstByte = len(text), c
			}
			bad++
			text = utf8.AppendRune(text, charmap.Windows1252.DecodeByte(c))
			i++
			continue
		}
		multi = true
		text = append(text, b[i:i+n]...)
		i += n
	}
	return text, bad, first, firstByte, multi
}

// readBinaryHint names the kind of binary file data looks like.
func readBinaryHint(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return ": it looks like an Excel workbook (.xlsx); save it as CSV"
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0")):
		return ": it looks like an old Excel workbook (.xls); save it as CSV"
	case len(data) >= 4 && (data[1] == 0 && data[3] == 0 || data[0] == 0 && data[2] == 0):
		return ": it looks like UTF-16 text without a byte-order mark; save it as CSV UTF-8"
	}
	return ""
}

// readSepLine recognises Excel's delimiter hint, a first line "sep=X", and
// returns X and the length of the line, which may end in a CR alone.
func readSepLine(text []byte) (delim rune, n int) {
	if !bytes.HasPrefix(text, []byte("sep=")) {
		return 0, 0
	}
	d, size := utf8.DecodeRune(text[4:])
	end := 4 + size
	eol := readEOL(text, end)
	if eol == 0 && end < len(text) && text[end] == '\r' {
		eol = 1 // a CR alone, which reading the chunks makes an LF
	}
	if readValidDelim(d) && (eol > 0 || end == len(text)) {
		return d, end + eol
	}
	return 0, 0
}

// readValidDelim reports whether encoding/csv accepts d as a delimiter.
func readValidDelim(d rune) bool {
	return d != 0 && d != '"' && d != '\r' && d != '\n' && utf8.ValidRune(d) && d != utf8.RuneError
}

// readDelimiters are the delimiters sniffed, in order of preference.
var readDelimiters = []byte{',', ';', '\t', '|'}

// readSniff returns the delimiter that splits the first records of text
// most consistently: the most records with as many delimiters (outside
// quotes) as the first record, which must have one; ties go to the one with
// more fields, then to the earlier in readDelimiters. It returns ',' when
// no candidate appears in the first record. all says text is the whole
// input, so that its last record is complete.
func readSniff(text []byte, all bool) rune {
	sample := text[:min(len(text), readSniffSize)]
	best, bestScore, bestFields := rune(','), 0, 0
	for _, d := range readDelimiters {
		counts := readCountDelims(sample, d, all && len(sample) == len(text))
		if len(counts) == 0 || counts[0] == 0 {
			continue
		}
		score := 0
		for _, c := range counts {
			if c == counts[0] {
				score++
			}
		}
		if score > bestScore || score == bestScore && counts[0] > bestFields {
			best, bestScore, bestFields = rune(d), score, counts[0]
		}
	}
	return best
}

// readCheckDelim returns an error wrapping ErrWrongDelimiter when d, the
// delimiter asked for (declared says: by the input's "sep=" line), leaves
// the first record of text one field while one of readDelimiters splits
// it: every row would be one cell, and the email column the whole line.
// complete says text is the whole input. A delimiter of several bytes is
// not checked.
func readCheckDelim(text []byte, d rune, complete, declared bool) error {
	fields := func(c byte) int {
		if counts := readCountDelims(text, c, complete); len(counts) > 0 {
			return counts[0] + 1
		}
		return 0 // no whole record to tell by
	}
	if d >= utf8.RuneSelf || fields(byte(d)) != 1 {
		return nil
	}
	for _, other := range readDelimiters {
		if n := fields(other); n > 1 {
			if declared {
				return fmt.Errorf("%w: the sep= line declares %q, which leaves the next line one column, while %q splits it into %d; choose %q, or delete the sep= line",
					ErrWrongDelimiter, d, rune(other), n, rune(other))
			}
			return fmt.Errorf("%w: %q leaves the first line one column, while %q splits it into %d; choose %q, or let the delimiter be found",
				ErrWrongDelimiter, d, rune(other), n, rune(other))
		}
	}
	return nil
}

// readCountDelims counts d outside quotes in each of the first 100 records
// of text, skipping blank lines. A record ends at an LF or a CR not
// followed by one. The last record is left out unless complete, as text
// may end in the middle of it.
func readCountDelims(text []byte, d byte, complete bool) []int {
	var counts []int
	n, atField, blank := 0, true, true
	for i := 0; i < len(text) && len(counts) < 100; i++ {
		c := text[i]
		switch {
		case atField && c == '"':
			j := readClosingQuote(text, i+1)
			if j < 0 {
				return counts
			}
			i, atField, blank = j-1, false, false
		case c == d:
			n++
			atField, blank = true, false
		case c == '\n' || c == '\r' && i+1 < len(text) && text[i+1] != '\n':
			if !blank {
				counts = append(counts, n)
			}
			n, atField, blank = 0, true, true
		case c != '\r':
			atField, blank = false, false
		}
	}
	if complete && !blank {
		counts = append(counts, n)
	}
	return counts
}

// readEmailHeaders are header names that mean "email address", normalised
// by readNormHeader, in English and the languages of the larger ESP markets.
var readEmailHeaders = map[string]bool{
	"email": true, "emailaddress": true, "mail": true, "mailaddress": true, "emails": true,
	"emailadresse": true, "mailadresse": true, "emailadres": true, // de, nl
	"courriel": true, "adressecourriel": true, "adresseemail": true, "adressemail": true, "adresseélectronique": true, // fr
	"correo": true, "correoelectronico": true, "correoelectrónico": true, // es
	"indirizzoemail": true, "posta": true, "postaelettronica": true, // it
	"enderecodeemail": true, "endereçodeemail": true, // pt
	"epost": true, "epostadresse": true, "epostadress": true, "sähköposti": true, // nordic
}

// readNormHeader lower-cases h and keeps only its letters and digits, so that
// "E-Mail-Adresse" and " email_address " match the names above.
func readNormHeader(h string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, h)
}

// readFindColumn finds the email column of all, whose first records
// are head (header first, unless noHeader): by spec if set, else by header
// name, else by content. by is "option", "header" or "content". A first-line cell that looks like an
// address names no column: it is an address, whatever it holds
// (bad@gmail.con holds "mail"). On failure col is -1 and err wraps
// ErrNoEmailColumn.
func readFindColumn(head [][]string, all Records, spec string, noHeader bool) (col int, by string, err error) {
	header := head[0]
	if noHeader {
		header = nil
	}
	if spec != "" {
		width := 0
		for i := range all.Len() {
			width = max(width, all.Width(i))
		}
		col, err := readColumnSpec(header, width, spec)
		return col, "option", err
	}
	sample := readSample(head, noHeader)
	for c, h := range header {
		key := readNormHeader(h)
		if !readEmailHeaders[key] || readLooksLikeAddress(h) {
			continue
		}
		for c2 := c + 1; c2 < len(header); c2++ {
			if readNormHeader(header[c2]) == key {
				return -1, "", fmt.Errorf("%w: columns %d %q and %d %q are both named like it; choose one by number",
					ErrNoEmailColumn, c+1, h, c2+1, header[c2])
			}
		}
		return c, "header", nil
	}
	for c, h := range header {
		if strings.Contains(readNormHeader(h), "mail") && !readLooksLikeAddress(h) {
			if hits, filled := readColumnHits(sample, c); hits > 0 && 2*hits >= filled {
				return c, "header", nil
			}
		}
	}
	best, bestHits := -1, 0
	for c := 0; c < readWidth(sample); c++ {
		if hits, filled := readColumnHits(sample, c); hits > bestHits && 2*hits >= filled {
			best, bestHits = c, hits
		}
	}
	if best < 0 {
		if header == nil {
			return -1, "", fmt.Errorf("%w: no column holds addresses", ErrNoEmailColumn)
		}
		return -1, "", fmt.Errorf("%w: no header names an email address and no column holds addresses (headers: %s)",
			ErrNoEmailColumn, readHeaderList(header))
	}
	return best, "content", nil
}

// readSample returns the records that content detection looks at: up to
// 1000 rows after the first record, or the first record alone; with
// noHeader, up to 1000 rows from the first.
func readSample(recs [][]string, noHeader bool) [][]string {
	if noHeader {
		return recs[:min(len(recs), 1000)]
	}
	if len(recs) == 1 {
		return recs
	}
	return recs[1:min(len(recs), 1001)]
}

func readWidth(recs [][]string) int {
	w := 0
	for _, rec := range recs {
		w = max(w, len(rec))
	}
	return w
}

// readColumnHits counts the values of column c in recs that look like
// addresses, and those that are not blank.
func readColumnHits(recs [][]string, c int) (hits, filled int) {
	for _, rec := range recs {
		if c < len(rec) {
			readCountCell(rec[c], &hits, &filled)
		}
	}
	return hits, filled
}

// readCountCell counts cell among those filled when it is not blank, and
// among the hits when it looks like an address.
func readCountCell(cell string, hits, filled *int) {
	if strings.TrimSpace(cell) == "" {
		return
	}
	*filled++
	if readLooksLikeAddress(cell) {
		*hits++
	}
}

// readLooksLikeAddress reports whether s has an @ with something on both
// sides: the mark of an address, even a faulty one, and not of a @handle.
func readLooksLikeAddress(s string) bool {
	s = strings.TrimSpace(s)
	i := strings.IndexByte(s, '@')
	return i > 0 && i < len(s)-1
}

// readIsHeaderName reports whether spec names one of the header cells.
func readIsHeaderName(header []string, spec string) bool {
	spec = strings.TrimSpace(spec)
	for _, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), spec) {
			return true
		}
	}
	return false
}

// readColumnSpec resolves a column given as a header name (case-insensitive,
// trimmed) or as a 1-based number up to width. Errors wrap ErrNoEmailColumn.
func readColumnSpec(header []string, width int, spec string) (int, error) {
	spec = strings.TrimSpace(spec)
	col := -1
	for c, h := range header {
		if !strings.EqualFold(strings.TrimSpace(h), spec) {
			continue
		}
		if col >= 0 {
			return -1, fmt.Errorf("%w: columns %d and %d are both named %q; choose one by number", ErrNoEmailColumn, col+1, c+1, spec)
		}
		col = c
	}
	if col >= 0 {
		return col, nil
	}
	if n, err := strconv.Atoi(spec); err == nil {
		if n < 1 || n > width {
			return -1, fmt.Errorf("%w: there is no column %d; the file has %d", ErrNoEmailColumn, n, width)
		}
		return n - 1, nil
	}
	if header == nil {
		return -1, fmt.Errorf("%w: no column named %q: the file has no header line; give a column number", ErrNoEmailColumn, spec)
	}
	return -1, fmt.Errorf("%w: no column named %q (headers: %s)", ErrNoEmailColumn, spec, readHeaderList(header))
}

// readHeaderList quotes the header cells for a message.
func readHeaderList(header []string) string {
	const most = 20
	var b strings.Builder
	for i, h := range header[:min(len(header), most)] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(h))
	}
	if len(header) > most {
		fmt.Fprintf(&b, " and %d more", len(header)-most)
	}
	return b.String()
}

// readDuplicateHeader returns an error wrapping ErrDuplicateHeader when two
// columns of header have the same name, with their positions. Names are
// compared as a column is picked by name (readColumnSpec, -column): their
// surrounding spaces, which a spreadsheet does not show, and their case
// aside, so that "name", "name " and "Name" are one name, which would
// leave -column name, an ESP's import and a person reading the file
// unsure which column is meant. Empty names, as Excel gives unnamed
// columns, do not count.
func readDuplicateHeader(header []string) error {
	seen := make(map[string]int, len(header))
	for c, h := range header {
		key := readFoldKey(strings.TrimSpace(h))
		if key == "" {
			continue
		}
		if first, dup := seen[key]; dup {
			how := ""
			if h != header[first] {
				how = ", which only case or spaces tell apart"
			}
			return fmt.Errorf("%w: columns %d %q and %d %q%s; rename one so that every column has its own name", ErrDuplicateHeader, first+1, header[first], c+1, h, how)
		}
		seen[key] = c
	}
	return nil
}

// readFoldKey returns s with each letter in one case of its own: two
// strings have the same key exactly when strings.EqualFold holds of them.
func readFoldKey(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

// readUnwrapPath drops the operation and paths from a *fs.PathError or an
// *os.LinkError, which ReadError already shows, or which name a temporary
// file rather than the output a message is about.
func readUnwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// readSize formats a byte count for a message.
func readSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// readCount formats n things: "1 byte", "2 bytes".
func readCount(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
