package csvfile

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
	"unsafe"
)

// readSplit splits input into records as encoding/csv's Reader does with
// Comma set to comma, FieldsPerRecord -1 and everything else left at its
// default, but for one thing: a quoted field keeps its line breaks as they
// are, where Reader reads each CRLF as an LF (see readAsSpreadsheets in
// the tests). It returns the records with the line each starts on (1 for
// input's first). It handles the records that Reader reads without an
// error; on anything else (a quote where Reader refuses one, a quoted
// field left open, a record longer than readMaxRecord) it reports ok
// false, and readCSV asks encoding/csv for the error it gives.
//
// A CR alone outside quotes is text here, as for Reader: RecordStream has
// made an LF of each before (readRecordsEnd), since spreadsheets end a
// record there.
//
// With keep set, the fields are input's own bytes, not copies: input must
// be the caller's to give away, never written again by anyone else, and
// every field holds all of input in memory. That is what makes it fast:
// Reader copies each record's fields into a buffer and makes a string of
// it, an allocation and a copy per record, and fresh memory for every
// record of a list read whole. Without keep, each record's fields are
// copied into one string of their own, as Reader does, so that a field
// kept holds its record and no more. A field whose text differs from its
// bytes (a doubled quote) is rewritten in place, once all of input has
// been split: input is left as it was when readSplit declines it.
//
// The records slice and lines are scratch's when it is not nil and they
// hold n, the most records input can have; the arrays the records are
// slices of are scratch's slabs as far as they go, and scratch.slabs is
// set to those used (a stream whose records are encoded gives them back
// for the next chunk; see RecordStream.compact).
//
// With enc set (an Encoder of comma), readSplit also finds the records
// that enc writes back as they are, byte for byte but for the line end
// (see Records): texts then has a readText per record, whose text is the
// record's, without its line end, for those, else "". Such a record's
// cells are not given (its recs entry is nil) and its text is left as it
// is, a doubled quote and all. Telling them costs little: an unquoted
// field was scanned already for the bytes that end it, and needs a look
// at its first byte only; a quoted one, which holds a quote or a line
// break more often than not, needs a look up to the first of those.
func readSplit(input []byte, comma rune, scratch *readScratch, n int, keep bool, enc *Encoder) (recs [][]string, lines []int, texts []readText, ok bool) {
	if !readValidDelim(comma) {
		return nil, nil, nil, false
	}
	if scratch != nil && cap(scratch.recs) >= n && cap(scratch.lines) >= n {
		recs, lines = scratch.recs[:0], scratch.lines[:0]
	} else {
		recs, lines = make([][]string, 0, n), make([]int, 0, n)
	}
	if enc != nil {
		if scratch != nil && cap(scratch.texts) >= n {
			texts = scratch.texts[:0]
		} else {
			texts = make([]readText, 0, n)
		}
	}
	if len(input) == 0 {
		return recs, lines, texts, true
	}
	sp := readSplitter{input: input, text: unsafe.String(&input[0], len(input)), sep: []byte(string(comma)), line: 1, records: n, enc: enc}
	sp.special['"'], sp.special['\n'], sp.special['\r'], sp.special[sp.sep[0]] = true, true, true, true
	var slab []string // the records' fields: a few large arrays
	var spare, used [][]string
	if scratch != nil {
		spare, sp.fixups = scratch.slabs, scratch.fixups[:0]
	}
	prev := 0 // where the last record ended: a record's length counts the blank lines before it, as readCSV counts with Reader
	for {
		sp.skipBlank()
		if sp.i == len(input) {
			break
		}
		start, from := sp.line, sp.i
		if !sp.record(len(recs)) || sp.i-prev > readMaxRecord {
			return nil, nil, nil, false
		}
		prev = sp.i
		if enc != nil {
			if sp.same {
				texts = append(texts, readText{text: sp.text[from:sp.end], escape: sp.escape})
				recs = append(recs, nil)
				lines = append(lines, start)
				continue
			}
			texts = append(texts, readText{})
		}
		if cap(slab)-len(slab) < len(sp.rec) {
			if len(spare) > 0 && cap(spare[0]) >= len(sp.rec) {
				slab, spare = spare[0][:0], spare[1:]
			} else {
				slab = make([]string, 0, max(len(sp.rec), 1<<14))
			}
			used = append(used, slab)
		}
		k := len(slab)
		slab = append(slab, sp.rec...)
		recs = append(recs, slab[k:len(slab):len(slab)])
		lines = append(lines, start)
	}
	for _, f := range sp.fixups {
		if recs[f.rec] == nil {
			continue // a record kept as its text
		}
		n := int32(readUnquote(input[f.from:f.to]))
		recs[f.rec][f.field] = sp.text[f.from : f.from+n]
	}
	if scratch != nil {
		scratch.slabs, scratch.fixups = used, sp.fixups[:0]
	}
	if !keep {
		for _, rec := range recs {
			readOwnRecord(rec)
		}
	}
	return recs, lines, texts, true
}

// A readText is a record that an Encoder writes back as it was read (see
// readSplit): its text, without its line end, or "" for another record;
// escape says that EscapeFormula changes one of its cells.
type readText struct {
	text   string
	escape bool
}

// readOwnRecord copies the fields of rec into one string, which they are
// then slices of.
func readOwnRecord(rec []string) {
	size := 0
	for _, f := range rec {
		size += len(f)
	}
	var b strings.Builder
	b.Grow(size)
	for _, f := range rec {
		b.WriteString(f)
	}
	s := b.String()
	for k, f := range rec {
		rec[k], s = s[:len(f)], s[len(f):]
	}
}

// A readSplitter is readSplit's position in its input.
type readSplitter struct {
	input   []byte
	text    string    // input, as the fields are sliced from it
	sep     []byte    // the delimiter's bytes
	special [256]bool // the bytes that end an unquoted field's plain run
	i       int       // the next byte to read
	line    int       // the line of input[i]

	rec     []string    // the fields of the record being split
	fixups  []readFixup // the fields whose text differs from their bytes
	records int         // the most records input can have

	// With enc set, what record finds out of the record it split: same,
	// that enc writes it as its text input[start:end]; escape, that
	// EscapeFormula changes one of its cells.
	enc    *Encoder
	same   bool
	escape bool
	end    int
}

// A readFixup is a quoted field whose text differs from its bytes: a
// doubled quote is inside. It is four 32-bit numbers, as a million of
// them may be noted; a chunk is far smaller than 2 GiB.
type readFixup struct {
	rec, field int32 // the record's index and the field's in it
	from, to   int32 // its bytes in input, between the quotes
}

// readUnquote rewrites b, the bytes between the quotes of a field that
// encoding/csv reads, as the field's text: each doubled quote one quote.
// It returns the text's length.
func readUnquote(b []byte) int {
	w := 0
	for r := 0; r < len(b); r++ {
		if b[r] == '"' {
			r++ // the second of the pair
		}
		b[w] = b[r]
		w++
	}
	return w
}

// skipBlank skips the lines that hold nothing but their line end, as
// Reader does, and a CR at the input's very end, which Reader drops.
func (sp *readSplitter) skipBlank() {
	in := sp.input
	for sp.i < len(in) {
		switch {
		case in[sp.i] == '\n':
			sp.i++
		case in[sp.i] == '\r' && sp.i+1 == len(in):
			sp.i++
		case in[sp.i] == '\r' && in[sp.i+1] == '\n':
			sp.i += 2
		default:
			return
		}
		sp.line++
	}
}

// atSep reports whether the delimiter is at input[i].
func (sp *readSplitter) atSep(i int) bool {
	return i < len(sp.input) && sp.input[i] == sp.sep[0] && (len(sp.sep) == 1 || bytes.HasPrefix(sp.input[i:], sp.sep))
}

// record splits the record at sp.i, the index of record rec, into sp.rec
// and moves past its line end. It reports false where Reader fails.
//
// With sp.enc set, it also tells whether enc writes the record back as it
// is (sp.same, sp.end) and whether EscapeFormula changes one of its cells
// (sp.escape). enc writes a field quoted exactly when it needs quotes
// (Encoder.needsQuotes), and a record of one empty field as "", so the
// record is written as it is when each field is quoted just when it needs
// to be, an empty field quoted only as a record's one field: a quoted
// field's text between its quotes is what enc writes there, its quotes
// doubled as they were and its line breaks as they are. enc also quotes a
// record's only field that holds another of readDelimiters (encLone), and
// not that field among others, as the removed rows' file writes a row's
// text before columns of its own: a record of one such field is held as
// its text only when the field needs its quotes anyway, never when it is
// left bare or quoted for that alone.
func (sp *readSplitter) record(rec int) bool {
	in, end := sp.input, len(sp.input)
	sp.rec = sp.rec[:0]
	same, escape := sp.enc != nil, false
	bareEmpty, quotedEmpty := false, false // an empty field, unquoted or quoted
	for {
		if sp.i < end && in[sp.i] == '"' {
			if !sp.quoted(rec) {
				return false
			}
			if same {
				// The field's bytes, a quote doubled in them if the text
				// has one: enc needs quotes for either or for neither, and
				// escapes the one or the other.
				f := sp.rec[len(sp.rec)-1]
				if f == "" {
					quotedEmpty = true
				} else {
					same = sp.enc.needsQuotes(f)
					escape = escape || escapeFormulaNeeded(f)
				}
			}
			i := sp.i
			switch {
			case i == end:
				return sp.recordEnd(same, escape, bareEmpty, quotedEmpty)
			case sp.atSep(i):
				sp.i += len(sp.sep)
				continue
			}
			return sp.recordEnd(same, escape, bareEmpty, quotedEmpty) // or text after the closing quote: false
		}
		// An unquoted field: to the delimiter or the line end. A CR is
		// text unless it starts a CRLF or ends the input; so is the first
		// byte of a delimiter of several that is not followed by the rest.
		i, j := sp.i, sp.i
		inner := false // a CR or a delimiter's first byte inside
		for {
			j = sp.plainEnd(j)
			if j < end && in[j] == '\r' && j+1 < end && in[j+1] != '\n' ||
				j < end && in[j] == sp.sep[0] && !sp.atSep(j) {
				j++
				inner = true
				continue
			}
			break
		}
		if j < end && in[j] == '"' {
			return false // a quote inside an unquoted field
		}
		f := sp.text[i:j]
		sp.rec = append(sp.rec, f)
		if same {
			switch {
			case f == "":
				bareEmpty = true
			case inner:
				same = !sp.enc.needsQuotes(f)
			default:
				// No quote, CR, LF or delimiter in it: only how it starts
				// can need quotes.
				same = !sp.enc.startNeedsQuotes(f)
			}
			escape = escape || escapeFormulaNeeded(f)
		}
		sp.i = j
		if sp.atSep(j) {
			sp.i += len(sp.sep)
			continue
		}
		if same && len(sp.rec) == 1 {
			same = !sp.enc.hasClass(f, encLone) // enc quotes it
		}
		return sp.recordEnd(same, escape, bareEmpty, quotedEmpty)
	}
}

// plainEnd returns the index of the first byte from i on that ends an
// unquoted field's plain run (sp.special: a quote, CR, LF or the
// delimiter's first byte), or the input's length. It looks at eight bytes
// at a time: the byte-at-a-time loop it replaces, over fields of ten to
// twenty bytes, took half the time of record, the function that took the
// most of a run's processor time on loopback (6.7%).
func (sp *readSplitter) plainEnd(i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	in := sp.input
	quote, lf, cr, sep := ones*uint64('"'), ones*uint64('\n'), ones*uint64('\r'), ones*uint64(sp.sep[0])
	for ; i+8 <= len(in); i += 8 {
		x := binary.LittleEndian.Uint64(in[i:])
		// A byte of x equal to b is a zero byte of x^(ones*b), and the
		// lowest zero byte of v is the lowest byte whose high bit
		// (v-ones) &^ v sets (a borrow can mark a byte above it too,
		// never one below).
		q, l, c, d := x^quote, x^lf, x^cr, x^sep
		if m := ((q - ones) &^ q) | ((l - ones) &^ l) | ((c - ones) &^ c) | ((d - ones) &^ d); m&highs != 0 {
			return i + bits.TrailingZeros64(m&highs)/8
		}
	}
	for i < len(in) && !sp.special[in[i]] {
		i++
	}
	return i
}

// recordEnd notes what record found of the record that ends at sp.i
// (same: so far, every field is written as it is; bareEmpty and
// quotedEmpty: a field is empty, unquoted or quoted), and moves past its
// line end as lineEnd does. enc writes a record of one empty field as "",
// and an empty field of several as nothing.
func (sp *readSplitter) recordEnd(same, escape, bareEmpty, quotedEmpty bool) bool {
	if same {
		if len(sp.rec) == 1 {
			same = !bareEmpty
		} else {
			same = !quotedEmpty
		}
	}
	sp.same, sp.escape, sp.end = same, escape, sp.i
	return sp.lineEnd()
}

// lineEnd moves past the line end at sp.i: CRLF, LF, a CR that ends the
// input, or the input's end itself. It reports false when anything else
// is there.
func (sp *readSplitter) lineEnd() bool {
	in, i := sp.input, sp.i
	switch {
	case i == len(in):
	case in[i] == '\n':
		sp.i++
		sp.line++
	case in[i] == '\r' && i+1 == len(in):
		sp.i++
	case in[i] == '\r' && in[i+1] == '\n':
		sp.i += 2
		sp.line++
	default:
		return false
	}
	return true
}

// quoted appends the quoted field at sp.i, of record rec, to sp.rec and
// moves past its closing quote. Inside the quotes a doubled quote is one
// quote; line breaks are the field's own, as they are. It reports false
// when the field is not closed.
func (sp *readSplitter) quoted(rec int) bool {
	in := sp.input
	start := sp.i + 1 // the field's first byte
	plain := true     // the field's text is its bytes
	j := start
	for {
		q := bytes.IndexByte(in[j:], '"')
		if q < 0 {
			return false
		}
		q += j
		sp.line += bytes.Count(in[j:q], []byte{'\n'})
		if q+1 < len(in) && in[q+1] == '"' {
			plain = false
			j = q + 2
			continue
		}
		if !plain {
			if cap(sp.fixups) == 0 {
				sp.fixups = make([]readFixup, 0, sp.records) // a field a record, as a column of tags has them
			}
			sp.fixups = append(sp.fixups, readFixup{rec: int32(rec), field: int32(len(sp.rec)), from: int32(start), to: int32(q)})
		}
		sp.rec = append(sp.rec, sp.text[start:q]) // to be replaced when not plain
		sp.i = q + 1
		return true
	}
}
