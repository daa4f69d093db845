package csvfile

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// readChunkSize is how much input a RecordStream parses at a time: large
// enough that the per-chunk work vanishes, small enough that a list far
// larger than memory can be read in passes, and that the few chunks read
// and parsed ahead take little memory.
const readChunkSize = 4 << 20

// readSniffSize is how much text the delimiter is sniffed from.
const readSniffSize = 64 << 10

// A RecordStream reads the records of a list a chunk of whole records at a
// time, so that a list is never held as raw bytes and a list too large to
// hold at all can be read in passes (NewRecordStream, Each, Finish). Reading a list in chunks gives the
// records, lines, notes and errors that reading it whole would, because a
// chunk always ends at the end of a record (outside quotes) and every step
// of reading (decoding, requoting, parsing) works record by record.
type RecordStream struct {
	name  string
	src   io.Reader // the input, through a readLimited
	limit int64     // refuse more input than this many bytes (0: no limit)
	size  int64     // the input's size when known, else 0
	chunk int       // bytes of input per chunk

	// reuse says that Each's fn is done with a chunk's records slice and
	// lines when it returns (the records' fields stay its own): they are
	// given back to readChunkScratch for later chunks.
	reuse bool
	// keep says that Each's fn keeps every record for as long as the
	// list: the fields may be the bytes of the chunk's text itself, which
	// is then never reused. A stream read in passes, which holds one
	// chunk's records at a time, must not set it: a field kept beyond its
	// chunk would hold all of it.
	keep bool
	// compact says that each chunk's records are encoded as Records by
	// the worker that parsed it (parsedChunk.block), which then gives the
	// chunk's text and records slice back for later chunks: a list read
	// whole holds its rows so, not as the chunks' records.
	compact   bool
	delivered int64 // bytes of text in the chunks given to Each's fn

	head    []byte // the first bytes of the input, for naming a binary format
	buf     []byte // input read and not parsed yet; starts at a record
	eof     bool   // src is exhausted
	started bool
	parsed  bool // a chunk was returned
	done    bool

	p       readParsed // delim, encoding and crlf once started; notes at the end
	sep     []byte     // the delimiter's bytes in the input
	enc     *Encoder   // of the delimiter, which tells the records held as their text (compact)
	sepLine int        // 1 when the input starts with Excel's "sep=" line
	line0   int        // lines of text before buf
	crOnly  bool       // the first line ends in a CR alone

	readFacts // what the notes say, added up over the chunks
}

// newRecordStream reads the list in r; name is used in messages, delim 0
// means sniff, limit 0 means no limit on the input's size.
func newRecordStream(r io.Reader, name string, delim rune, limit int64) *RecordStream {
	return &RecordStream{name: name, src: &readLimited{r: r, limit: limit}, limit: limit, chunk: readChunkSize, p: readParsed{delim: delim}}
}

// NewRecordStream reads the records of the list in r for a pass over a
// file too large to hold: name is used in messages, delim 0 means sniff,
// size is r's size in bytes when known (else 0) and chunk the bytes parsed
// at a time (0: a default for lists read whole). No size limit applies.
// Each gives every record once, and the first records make the list's
// head (List); Finish then says how the input was read.
func NewRecordStream(r io.Reader, name string, delim rune, size int64, chunk int) *RecordStream {
	s := newRecordStream(r, name, delim, 0)
	s.size = size
	if chunk > 0 {
		s.chunk = chunk
	}
	return s
}

// List makes the list of the first records of the stream, recs, the first
// of them starting on line firstLine, as Read makes it of all of them:
// header, email column and the notes about them, in the stream's
// delimiter, encoding and line ends as far as they are known (see Finish).
// Its Rows are a copy of recs.
func (s *RecordStream) List(recs [][]string, firstLine int, opt ReadOptions) (*List, error) {
	p := readParsed{records: RecordsOf(recs), firstLine: firstLine, delim: s.p.delim, encoding: s.p.encoding, crlf: s.p.crlf}
	return readList(&p, s.name, opt)
}

// Encoding is the input's encoding, as List has it; known for sure only
// after Finish, since a later chunk may show that the text is UTF-8.
func (s *RecordStream) Encoding() string { return s.p.encoding }

// readLimited reads from r, failing with errReadTooMuch once more than limit
// bytes (if limit > 0) have been read.
type readLimited struct {
	r        io.Reader
	n, limit int64
}

var errReadTooMuch = errors.New("input over the size limit")

func (l *readLimited) Read(p []byte) (int, error) {
	m, err := l.r.Read(p)
	l.n += int64(m)
	if l.limit > 0 && l.n > l.limit {
		return m, errReadTooMuch
	}
	return m, err
}

// Each calls fn with the records of every chunk, in input order, and the
// 1-based line where each starts, until the input ends or fn fails. Chunks
// are parsed on all processors while the next are read and fn works; the
// first error in input order is returned, a *ReadError unless fn's.
func (s *RecordStream) Each(fn func(recs [][]string, lines []int) error) error {
	return s.each(func(r *parsedChunk) error {
		if len(r.recs) == 0 {
			return nil
		}
		return fn(r.recs, r.lines)
	})
}

// each calls fn with every chunk parsed, in input order, as Each does.
func (s *RecordStream) each(fn func(r *parsedChunk) error) error {
	type parsing struct {
		c    rawChunk
		done chan parsedChunk
	}
	// Each chunk parsed ahead takes some eight times its size: a few
	// workers keep the cores busy without holding many.
	workers := min(runtime.GOMAXPROCS(0), 8)
	todo := make(chan parsing)
	order := make(chan parsing, workers) // chunks in input order, as many ahead as there are workers
	stop := make(chan struct{})
	defer close(stop)
	go func() { // reads the chunks
		defer close(todo)
		defer close(order)
		for {
			select {
			case <-stop: // the caller stopped: read no further
				return
			default:
			}
			c, err := s.nextRaw()
			if err == io.EOF {
				return
			}
			p := parsing{c: c, done: make(chan parsedChunk, 1)}
			if err != nil {
				p.done <- parsedChunk{err: err}
			}
			select {
			case order <- p:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
			select {
			case todo <- p:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		go func() {
			for p := range todo {
				r := s.parseChunk(p.c)
				if s.compact && r.err == nil {
					r.block, r.offs = encodeRecords(r.recs, r.texts)
					r.recs = r.recs[:0]
				}
				p.done <- r
				if !s.keep || s.compact {
					readRawBuffers.Put(&p.c.raw) // the records hold no part of it
				}
			}
		}()
	}
	for p := range order {
		r := <-p.done
		if err := s.merge(&r); err != nil {
			return err
		}
		s.delivered += int64(len(p.c.raw))
		if err := fn(&r); err != nil {
			return err
		}
		if s.reuse {
			sc := &readScratch{}
			if s.compact && r.scratch != nil {
				sc = r.scratch // its slabs and fixups too
			}
			sc.recs, sc.lines, sc.texts = r.recs[:0], r.lines[:0], r.texts[:0]
			readChunkScratch.Put(sc)
		}
	}
	return nil
}

// readScratch is a chunk's records slice and lines, for reuse; and, from
// a stream whose records are encoded (compact), the arrays that held the
// records' fields and the list of fields to unquote (see readSplit).
type readScratch struct {
	recs   [][]string
	lines  []int
	texts  []readText
	slabs  [][]string
	fixups []readFixup
}

// readChunkScratch holds the records slices and lines of chunks that
// Each's fn is done with, when the stream's reuse says so.
var readChunkScratch sync.Pool

// A rawChunk is a chunk of whole records as read, not yet decoded.
type rawChunk struct {
	raw    []byte
	line0  int  // lines of the input before it
	first  bool // the input's first chunk, which may start with a "sep=" line
	forced bool // a record that never ends: parsing must fail
}

// A parsedChunk is a chunk's records, its error, and what its notes say.
type parsedChunk struct {
	recs  [][]string
	lines []int
	err   error

	// With the stream's compact set, the records held as their text
	// (see readSplit), the records encoded instead of recs, and the
	// scratch they were parsed with.
	texts   []readText
	block   string
	offs    []uint64
	scratch *readScratch

	readFacts
}

// readRawBuffers are the buffers of chunks parsed, for reuse.
var readRawBuffers sync.Pool

// readRawBuffer returns an empty buffer with room for n bytes.
func readRawBuffer(n int) []byte {
	if b, ok := readRawBuffers.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:0]
	}
	return make([]byte, 0, n)
}

// nextRaw returns the next chunk of whole records; io.EOF after the last.
// The chunk is a copy, so that it can be parsed while the next is read;
// Each gives it back to readRawBuffers once parsed.
func (s *RecordStream) nextRaw() (rawChunk, error) {
	if s.done {
		return rawChunk{}, io.EOF
	}
	fail := func(err error) (rawChunk, error) {
		s.done = true
		return rawChunk{}, err
	}
	if !s.started {
		if err := s.start(); err != nil {
			return fail(err)
		}
	}
	for {
		// The whole records within a chunk's length, else up to the end of
		// the first record, for one longer than that.
		end := readRecordsEnd(s.buf, min(len(s.buf), s.chunk), s.sep, s.eof)
		if end == 0 {
			end = readRecordsEnd(s.buf, len(s.buf), s.sep, s.eof)
		}
		forced := false
		if end == 0 && s.eof {
			end = len(s.buf) // the last record, without a line end
		}
		if end == 0 && !s.eof {
			// No record ends in the buffer: read on, unless the record is
			// already longer than any record accepted, which parsing what
			// there is reports as the fault it is.
			if len(s.buf) <= readMaxRecord+s.chunk {
				if err := s.fill(len(s.buf) + s.chunk); err != nil {
					return fail(err)
				}
				continue
			}
			end, forced = len(s.buf), true
		}
		if end == 0 {
			s.done = true
			return rawChunk{}, io.EOF
		}
		// While more input follows, a chunk's buffer is made big enough for
		// any chunk, so that each can reuse one that was parsed.
		size := end
		if len(s.buf) > end || !s.eof {
			size = max(end, s.chunk)
		}
		c := rawChunk{raw: append(readRawBuffer(size), s.buf[:end]...), line0: s.line0, first: !s.parsed, forced: forced}
		s.parsed = true
		// Decoding never makes or removes a line end, so the raw bytes
		// count the lines of the text.
		s.line0 += bytes.Count(c.raw, []byte{'\n'})
		s.buf = s.buf[:copy(s.buf, s.buf[end:])]
		if forced {
			s.done = true
		} else if !s.eof && len(s.buf) < s.chunk {
			if err := s.fill(s.chunk); err != nil {
				return fail(err)
			}
		}
		return c, nil
	}
}

// merge adds what a chunk's notes say to the stream's, in the order of the
// chunks, and returns the chunk's error.
func (s *RecordStream) merge(r *parsedChunk) error {
	if r.err != nil {
		return r.err
	}
	s.readFacts.add(r.readFacts)
	return nil
}

// readFacts are what the notes about how a text was read say: of one
// chunk, or of the input so far.
type readFacts struct {
	badBytes          int // bytes read as Windows-1252
	badLine, badCol   int // the first of them
	badByte           byte
	multi             bool // valid non-ASCII UTF-8 was read
	bareFields        int  // unquoted fields whose quotes were read as text
	bareLine, bareCol int  // the first of them
}

// add adds the facts of the text that follows, keeping the first positions.
func (f *readFacts) add(g readFacts) {
	if g.badBytes > 0 && f.badBytes == 0 {
		f.badLine, f.badCol, f.badByte = g.badLine, g.badCol, g.badByte
	}
	f.badBytes += g.badBytes
	f.multi = f.multi || g.multi
	if g.bareFields > 0 && f.bareFields == 0 {
		f.bareLine, f.bareCol = g.bareLine, g.bareCol
	}
	f.bareFields += g.bareFields
}

// start reads the first block of the input and works out its encoding, its
// delimiter and its line ends.
func (s *RecordStream) start() error {
	s.started = true
	if err := s.fill(max(s.chunk, readSniffSize+1)); err != nil {
		return err
	}
	s.head = bytes.Clone(s.buf[:min(len(s.buf), 8)])
	s.p.encoding = "UTF-8"
	switch {
	case bytes.HasPrefix(s.buf, []byte("\xEF\xBB\xBF")):
		s.buf = s.buf[:copy(s.buf, s.buf[3:])]
		s.p.encoding = "UTF-8 with BOM"
	case bytes.HasPrefix(s.buf, []byte("\xFF\xFE")), bytes.HasPrefix(s.buf, []byte("\xFE\xFF")):
		s.p.encoding = "UTF-16LE"
		if s.buf[0] == 0xFE {
			s.p.encoding = "UTF-16BE"
		}
		// The BOM sets the byte order; bad pairs become U+FFFD, so decoding
		// cannot fail. From here on the input is the UTF-8 it decodes to.
		dec := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()
		s.src = transform.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(s.buf)), s.src), dec)
		s.buf, s.eof = s.buf[:0], false
		if err := s.fill(max(s.chunk, readSniffSize+1)); err != nil {
			return err
		}
	}
	// The first block, decoded as far as its last whole line, is the
	// sample the delimiter is sniffed from. Its lone CRs are not made LFs
	// yet, as that needs the delimiter: the sniffer reads them as line
	// ends itself.
	sample := s.buf
	if !s.eof {
		sample = sample[:bytes.LastIndexAny(sample, "\r\n")+1]
	}
	text := sample
	if !utf8.Valid(sample) {
		text, _, _, _, _ = readWindows1252(sample)
	}
	start := 0
	given, declared := s.p.delim != 0, false
	if d, n := readSepLine(text); n > 0 {
		start, s.sepLine = n, 1
		if s.p.delim == 0 {
			s.p.delim, declared = d, true
		}
	}
	complete := s.eof && len(sample) == len(s.buf)
	if s.p.delim == 0 {
		s.p.delim = readSniff(text[start:], complete)
	}
	if !readValidDelim(s.p.delim) {
		return &ReadError{File: s.name, Err: fmt.Errorf("invalid delimiter %q", s.p.delim)}
	}
	// A delimiter the "sep=" line declares is checked as one asked for
	// is: the file states it as plainly. Taken unchecked, a stale or
	// mistyped one ("sep=;" above a comma-separated header, "sep=0")
	// reads every row as one cell, and that list written back is refused
	// when read with its own delimiter. The error is at the sep= line,
	// which is what to change.
	if given || declared {
		if err := readCheckDelim(text[start:], s.p.delim, complete, declared); err != nil {
			line := 1 + s.sepLine
			if declared {
				line = 1
			}
			return &ReadError{File: s.name, Line: line, Err: err}
		}
	}
	s.sep = []byte(string(s.p.delim))
	s.enc = NewEncoder(s.p.delim, false)
	if s.p.delim >= utf8.RuneSelf && !utf8.Valid(sample) {
		// A text that is not UTF-8 is Windows-1252, where the delimiter is
		// one byte (the sample holds the header line, and so the delimiter).
		if b, ok := charmap.Windows1252.EncodeRune(s.p.delim); ok {
			s.sep = []byte{b}
		}
	}
	// The first line end after the "sep=" line says how the outputs end
	// theirs: CRLF for CRLF, and for a CR alone (on a Mac, Excel reads
	// CRLF as well).
	b := s.buf
	for range s.sepLine {
		b = b[readFirstEOL(b)+1:] // the "sep=" line, whole in the sample
	}
	if i := readFirstEOL(b); i >= 0 {
		s.p.crlf = b[i] == '\r' || i > 0 && b[i-1] == '\r'
		s.crOnly = b[i] == '\r' && (i+1 < len(b) || s.eof)
	}
	return nil
}

// readFirstEOL returns the offset of the last byte of the first line end
// in b (the LF of a CRLF), or -1. A CR that ends b is taken as alone.
func readFirstEOL(b []byte) int {
	i := bytes.IndexAny(b, "\r\n")
	if i >= 0 && b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
		i++
	}
	return i
}

// fill reads from src until buf holds n bytes or src ends.
func (s *RecordStream) fill(n int) error {
	for len(s.buf) < n && !s.eof {
		if len(s.buf) == cap(s.buf) {
			// Grown as the input comes, so that a small list takes little;
			// at once when the input's size is known, with a byte to spare to
			// see its end.
			grow := min(n-len(s.buf), max(len(s.buf), 64<<10))
			if whole := int(min(s.size+1, int64(n))); s.size > 0 && whole > len(s.buf) {
				grow = whole - len(s.buf)
			}
			s.buf = slices.Grow(s.buf, grow)
		}
		m, err := s.src.Read(s.buf[len(s.buf):min(cap(s.buf), n)])
		s.buf = s.buf[:len(s.buf)+m]
		switch {
		case errors.Is(err, errReadTooMuch):
			return &ReadError{File: s.name, Err: fmt.Errorf("%w: more than %s", ErrFileTooLarge, readSize(s.limit))}
		case err == io.EOF:
			s.eof = true
		case err != nil:
			return &ReadError{File: s.name, Err: readUnwrapPath(err)}
		}
	}
	return nil
}

// parseChunk decodes and parses one chunk of whole records. It changes
// nothing in s, so chunks can be parsed at once.
func (s *RecordStream) parseChunk(c rawChunk) (r parsedChunk) {
	text := c.raw
	if !utf8.Valid(c.raw) {
		var first int
		text, r.badBytes, first, r.badByte, r.multi = readWindows1252(c.raw)
		r.badLine, r.badCol = readPos(text, first)
		r.badLine += c.line0
	} else {
		r.multi = readHasHigh(c.raw)
	}
	// A NUL byte makes the input binary, unless a fault comes before it:
	// the first fault by position is reported, whatever the chunks (the NUL
	// when both are at one place, as a line of NULs too long to be a record).
	var nul *ReadError
	if i := bytes.IndexByte(text, 0); i >= 0 {
		line, col := readPos(text, i)
		nul = &ReadError{File: s.name, Line: c.line0 + line, Column: col, Err: fmt.Errorf("%w (NUL byte)%s", ErrBinaryFile, readBinaryHint(s.head))}
	}
	start, sepLines := 0, 0
	if c.first && s.sepLine > 0 {
		_, start = readSepLine(text)
		sepLines = 1
	}
	var scratch *readScratch
	if s.reuse {
		scratch, _ = readChunkScratch.Get().(*readScratch)
	}
	var enc *Encoder
	if s.compact {
		enc = s.enc
	}
	recs, lines, texts, err := readCSV(text[start:], s.p.delim, scratch, s.keep, enc)
	r.scratch = scratch
	fixed, adds := text, []int(nil)
	if pe := (*csv.ParseError)(nil); errors.As(err, &pe) && pe.Err == csv.ErrBareQuote {
		var fields int
		if fixed, adds, fields = readRequote(text, start, s.p.delim); fields > 0 {
			recs, lines, texts, err = readCSV(fixed[start:], s.p.delim, nil, s.keep, enc)
			if err == nil {
				r.bareFields = fields
				r.bareLine, r.bareCol = readPos(text, adds[0])
				r.bareLine += c.line0
			}
		}
	}
	if err != nil {
		err = readParseError(s.name, text, fixed, adds, sepLines, s.p.delim, err)
		var re *ReadError
		if errors.As(err, &re) && re.Line > 0 {
			re.Line += c.line0
		}
		if c.forced && re != nil && re.Err == readUnterminated {
			re.Err = readLongQuoted // the chunk ends inside the field, which may close further on
		}
		r.err = err
		if nul != nil && (re == nil || nul.Line < re.Line || nul.Line == re.Line && nul.Column <= re.Column) {
			r.err = nul
		}
		return r
	}
	if nul != nil {
		r.err = nul
		return r
	}
	if c.forced {
		r.err = &ReadError{File: s.name, Line: c.line0 + 1, Err: errReadLongRecord}
		return r
	}
	for i := range lines {
		lines[i] += sepLines + c.line0
	}
	r.recs, r.lines, r.texts = recs, lines, texts
	return r
}

// Finish returns what the user should be told about how the input was
// read, and sets the encoding found; call it after the last chunk. Bytes
// that are not UTF-8 in UTF-8 text are an error (ErrMixedEncoding), found
// only now because a later chunk may show that the text is UTF-8.
func (s *RecordStream) Finish() ([]string, error) {
	var notes []string
	if s.p.encoding == "UTF-16LE" || s.p.encoding == "UTF-16BE" {
		notes = append(notes, "read as "+s.p.encoding+" (Excel's Unicode text); outputs are UTF-8")
	}
	if s.crOnly {
		notes = append(notes, `lines end in CR alone (Excel's "CSV (Macintosh)"): outputs end them in CRLF`)
	}
	switch {
	case s.badBytes == 0:
	case !s.multi && s.p.encoding == "UTF-8":
		s.p.encoding = "Windows-1252"
		notes = append(notes, "not valid UTF-8: read as Windows-1252; outputs are UTF-8")
	default:
		return nil, &ReadError{File: s.name, Line: s.badLine, Column: s.badCol, Err: fmt.Errorf(
			"%w (byte 0x%02X%s): the file mixes encodings, so some characters would be read wrong; save it as CSV UTF-8 and try again",
			ErrMixedEncoding, s.badByte, readMoreBytes(s.badBytes-1))}
	}
	if s.bareFields > 0 {
		notes = append(notes, fmt.Sprintf("quotes inside %s (the first at line %d, column %d) were read as ordinary characters", readCount(s.bareFields, "unquoted field"), s.bareLine, s.bareCol))
	}
	return notes, nil
}

// readMoreBytes says how many more bytes are not UTF-8, if any.
func readMoreBytes(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" and %d more", n)
}

// readRecordsEnd returns the length of the whole records at the start of
// text[:n], text starting at a record: the offset after the last line end
// that is outside a quoted field, or 0. A quote opens a quoted field only
// at the start of a field, as encoding/csv and readRequote have it.
//
// A record ends at an LF, a CRLF or a CR alone, as spreadsheets read them
// (Excel's "CSV (Macintosh)" ends every line with a CR; a hand-edited
// file may have one among its CRLFs): each CR alone outside quotes is
// made an LF, in place, so that everything that reads the records after
// sees LF and CRLF line ends only, and counts a line at each. A CR inside
// quotes is the cell's own and stays. Whether a CR is alone is told by the
// byte after it, which may be past n; a CR that ends text is alone only if
// final says text ends the input, and is otherwise left for the next
// call, with more text, to tell.
func readRecordsEnd(text []byte, n int, sep []byte, final bool) int {
	end := 0
	for i := 0; i < n; {
		q := bytes.IndexByte(text[i:n], '"')
		if q < 0 {
			q = n - i
		}
		q += i
		readLoneCRs(text, i, q, final)
		if nl := bytes.LastIndexByte(text[i:q], '\n'); nl >= 0 {
			end = i + nl + 1
		}
		if q == n {
			break
		}
		if q == 0 || text[q-1] == '\n' || bytes.HasSuffix(text[:q], sep) {
			j := readClosingQuote(text[:n], q+1)
			if j < 0 {
				break
			}
			i = j
		} else {
			i = q + 1
		}
	}
	return end
}

// readLoneCRs makes an LF of each CR in text[i:end] that is not followed
// by an LF: by the byte after it, which may be past end; a CR that ends
// text is alone if final says the input ends there.
func readLoneCRs(text []byte, i, end int, final bool) {
	for {
		j := bytes.IndexByte(text[i:end], '\r')
		if j < 0 {
			return
		}
		j += i
		if j+1 < len(text) && text[j+1] != '\n' || j+1 == len(text) && final {
			text[j] = '\n'
		}
		i = j + 1
	}
}

// readHasHigh reports whether b holds a byte outside ASCII, eight bytes at
// a time.
func readHasHigh(b []byte) bool {
	for ; len(b) >= 8; b = b[8:] {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return true
		}
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
