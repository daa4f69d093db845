package csvfile

import (
	"strings"
	"unsafe"
)

// Records are the data rows of a list, held compactly: a list of a
// million rows is held whole while it is cleaned, and a row as a []string
// costs 24 bytes plus 16 a cell before its text, more than the text of a
// typical subscriber row itself.
//
// The records are encoded back to back in a few large blocks of text, a
// block per chunk of the file read: each record is its number of cells,
// then each cell's length and bytes, the numbers as unsigned varints. A
// row is then eight bytes of its own (which block, where in it), and its
// cells are slices of the block's text, made when asked for. The zero
// Records holds no rows. Records are never changed once made, so copies
// share their text.
//
// A row read from a file whose text is exactly what an Encoder of the
// list's delimiter writes for its cells (most rows of real lists: no
// field quoted that need not be, none left bare that must be) is held as
// that text instead, without its line end, then a NUL byte (atText): a
// list with a NUL in it is refused as binary, so the NUL ends the text,
// in one byte where its length would take two in most rows. Reading
// copies such a row in one piece rather than splitting it into cells and
// encoding each, and an export writes it the same way rather than
// quoting its cells again (Encoder.AppendText); its cells are split from
// the text when asked for, a cell with a doubled quote in it made anew
// each time. At a million rows of ten cells (the benchmark list, all of
// them held so), the rows' blocks take 126.5 MB, 2% more than as cells:
// its TAGS cells are quoted, as Mailchimp quotes them; rows without
// quotes take some 1% less.
type Records struct {
	blocks []string // the encoded records
	at     []uint64 // row i: atText and atEscape | the index of its block << 32 | its offset in the block
	comma  string   // the delimiter of the rows held as their text
}

// The flags of a row in Records.at, above the index of its block.
const (
	atText   = 1 << 63 // the row is held as its text
	atEscape = 1 << 62 // a row held as its text has a cell that EscapeFormula changes
	atBlock  = 1<<30 - 1
)

// RecordsOf returns recs as Records, their text copied.
func RecordsOf(recs [][]string) Records {
	if len(recs) == 0 {
		return Records{}
	}
	block, offs := encodeRecords(recs, nil)
	return Records{blocks: []string{block}, at: offs}
}

// Len is the number of rows.
func (r Records) Len() int { return len(r.at) }

// record returns the encoded text of row i and what follows it in its block.
func (r Records) record(i int) string {
	a := r.at[i]
	return r.blocks[a>>32&atBlock][uint32(a):]
}

// text returns the text of row i when it is held so, and whether it is.
// The rows of a block follow one another in it, in their order: a row
// whose next is in the same block ends at the NUL before that one, found
// without a search through the row (which took 3% of a run's CPU at a
// million rows, each row's text asked for three times).
func (r Records) text(i int) (string, bool) {
	a := r.at[i]
	if a&atText == 0 {
		return "", false
	}
	block := r.blocks[a>>32&atBlock]
	if i+1 < len(r.at) {
		if next := r.at[i+1]; next>>32&atBlock == a>>32&atBlock {
			return block[uint32(a) : uint32(next)-1], true
		}
	}
	rec := block[uint32(a):]
	return rec[:strings.IndexByte(rec, 0)], true
}

// Width is the number of cells of row i.
func (r Records) Width(i int) int {
	if text, ok := r.text(i); ok {
		n := 0
		for more := true; more; n++ {
			_, text, more = textCell(text, r.comma, false)
		}
		return n
	}
	n, _ := readUvarint(r.record(i))
	return n
}

// Cell returns cell col of row i, "" when the row has no such cell.
func (r Records) Cell(i, col int) string {
	if text, ok := r.text(i); ok {
		if col < 0 {
			return ""
		}
		for more := true; more; col-- {
			var c string
			c, text, more = textCell(text, r.comma, col == 0)
			if col == 0 {
				return c
			}
		}
		return ""
	}
	rec := r.record(i)
	n, k := readUvarint(rec)
	if col < 0 || col >= n {
		return ""
	}
	rec = rec[k:]
	for {
		size, k := readUvarint(rec)
		if col == 0 {
			return rec[k : k+size]
		}
		rec = rec[k+size:]
		col--
	}
}

// Row returns the cells of row i, in a slice of its own.
func (r Records) Row(i int) []string { return r.AppendRow(nil, i) }

// AppendRow appends the cells of row i to dst and returns it: a caller
// going through many rows reuses one slice.
func (r Records) AppendRow(dst []string, i int) []string {
	if text, ok := r.text(i); ok {
		for more := true; more; {
			var c string
			c, text, more = textCell(text, r.comma, true)
			dst = append(dst, c)
		}
		return dst
	}
	rec := r.record(i)
	n, k := readUvarint(rec)
	rec = rec[k:]
	for range n {
		size, k := readUvarint(rec)
		dst = append(dst, rec[k:k+size])
		rec = rec[k+size:]
	}
	return dst
}

// Slice returns rows lo to hi (not included), sharing their text.
func (r Records) Slice(lo, hi int) Records {
	return Records{blocks: r.blocks, at: r.at[lo:hi:hi], comma: r.comma}
}

// Prepend returns the records with rec before the first row.
func (r Records) Prepend(rec []string) Records {
	block, _ := encodeRecords([][]string{rec}, nil)
	blocks := append(r.blocks[:len(r.blocks):len(r.blocks)], block)
	at := make([]uint64, 0, len(r.at)+1)
	at = append(at, uint64(len(blocks)-1)<<32)
	return Records{blocks: blocks, at: append(at, r.at...), comma: r.comma}
}

// textCell splits the first cell from text, the text of a record (or the
// rest of one, after a delimiter) as an Encoder with the delimiter comma
// writes it, and returns it with the text after its delimiter; more
// reports whether a delimiter followed it. A quoted cell is the text
// between its quotes, with each doubled quote made one when unquote is
// set (a new string then), else as it is.
func textCell(text, comma string, unquote bool) (cell, rest string, more bool) {
	if text == "" || text[0] != '"' {
		var k int
		if len(comma) == 1 {
			k = strings.IndexByte(text, comma[0])
		} else {
			k = strings.Index(text, comma)
		}
		if k < 0 {
			return text, "", false
		}
		return text[:k], text[k+len(comma):], true
	}
	doubled := false
	j := 1
	for {
		j += strings.IndexByte(text[j:], '"') // the text holds the closing quote
		if j+1 < len(text) && text[j+1] == '"' {
			doubled = true
			j += 2
			continue
		}
		break
	}
	cell, rest = text[1:j], text[j+1:]
	if doubled && unquote {
		cell = strings.ReplaceAll(cell, `""`, `"`)
	}
	if rest == "" {
		return cell, "", false
	}
	return cell, rest[len(comma):], true
}

// appendBlock adds the records of one encoded block to r, growing r.at to
// hold want rows when it must grow. offs are the records' places in the
// block, with their flags (see encodeRecords).
func (r *Records) appendBlock(block string, offs []uint64, want int) {
	k := uint64(len(r.blocks))
	r.blocks = append(r.blocks, block)
	if n := len(r.at) + len(offs); n > cap(r.at) {
		grown := make([]uint64, len(r.at), max(n, want))
		copy(grown, r.at)
		r.at = grown
	}
	for _, o := range offs {
		r.at = append(r.at, k<<32|uint64(o))
	}
}

// clip copies r.at to its length when it has room for an eighth more.
func (r *Records) clip() {
	if cap(r.at) > len(r.at)+len(r.at)/8+1024 {
		r.at = append([]uint64(nil), r.at...)
	}
}

// encodeRecords encodes recs in one block, and returns it with the offset
// of each record in it, and the flags of Records.at. A record whose text
// (texts[i], when texts has an i) is not "" is held as that text; its
// cells in recs are not looked at. A block holds a chunk's records, far
// less than 4 GiB.
func encodeRecords(recs [][]string, texts []readText) (string, []uint64) {
	size := 0
	for i, rec := range recs {
		if i < len(texts) && texts[i].text != "" {
			size += len(texts[i].text) + 1
			continue
		}
		size += readUvarintLen(len(rec))
		for _, c := range rec {
			size += readUvarintLen(len(c)) + len(c)
		}
	}
	b := make([]byte, 0, size)
	offs := make([]uint64, len(recs))
	for i, rec := range recs {
		offs[i] = uint64(len(b))
		if i < len(texts) && texts[i].text != "" {
			t := texts[i]
			offs[i] |= atText
			if t.escape {
				offs[i] |= atEscape
			}
			b = append(b, t.text...)
			b = append(b, 0)
			continue
		}
		b = readAppendUvarint(b, len(rec))
		for _, c := range rec {
			b = readAppendUvarint(b, len(c))
			b = append(b, c...)
		}
	}
	if len(b) == 0 {
		return "", offs
	}
	return unsafe.String(&b[0], len(b)), offs
}

// readUvarint decodes the unsigned varint at the start of s, returning it
// and its length in bytes. s holds a whole varint written by
// readAppendUvarint.
func readUvarint(s string) (n, size int) {
	shift := 0
	for {
		c := s[size]
		size++
		n |= int(c&0x7f) << shift
		if c < 0x80 {
			return n, size
		}
		shift += 7
	}
}

// readAppendUvarint appends n as an unsigned varint.
func readAppendUvarint(b []byte, n int) []byte {
	for n >= 0x80 {
		b = append(b, byte(n)|0x80)
		n >>= 7
	}
	return append(b, byte(n))
}

// readUvarintLen is the length of n as an unsigned varint.
func readUvarintLen(n int) int {
	size := 1
	for n >= 0x80 {
		n >>= 7
		size++
	}
	return size
}
