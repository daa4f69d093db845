package csvfile

import (
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
type Records struct {
	blocks []string // the encoded records
	at     []uint64 // row i: the index of its block << 32 | its offset in the block
}

// RecordsOf returns recs as Records, their text copied.
func RecordsOf(recs [][]string) Records {
	if len(recs) == 0 {
		return Records{}
	}
	block, offs := encodeRecords(recs)
	r := Records{blocks: []string{block}, at: make([]uint64, len(offs))}
	for i, o := range offs {
		r.at[i] = uint64(o)
	}
	return r
}

// Len is the number of rows.
func (r Records) Len() int { return len(r.at) }

// record returns the encoded text of row i and what follows it in its block.
func (r Records) record(i int) string {
	a := r.at[i]
	return r.blocks[a>>32][uint32(a):]
}

// Width is the number of cells of row i.
func (r Records) Width(i int) int {
	n, _ := readUvarint(r.record(i))
	return n
}

// Cell returns cell col of row i, "" when the row has no such cell.
func (r Records) Cell(i, col int) string {
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
	return Records{blocks: r.blocks, at: r.at[lo:hi:hi]}
}

// Prepend returns the records with rec before the first row.
func (r Records) Prepend(rec []string) Records {
	block, _ := encodeRecords([][]string{rec})
	blocks := append(r.blocks[:len(r.blocks):len(r.blocks)], block)
	at := make([]uint64, 0, len(r.at)+1)
	at = append(at, uint64(len(blocks)-1)<<32)
	return Records{blocks: blocks, at: append(at, r.at...)}
}

// appendBlock adds the records of one encoded block to r, growing r.at to
// hold want rows when it must grow.
func (r *Records) appendBlock(block string, offs []uint32, want int) {
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
// of each record in it. A block holds a chunk's records, far less than
// 4 GiB.
func encodeRecords(recs [][]string) (string, []uint32) {
	size := 0
	for _, rec := range recs {
		size += readUvarintLen(len(rec))
		for _, c := range rec {
			size += readUvarintLen(len(c)) + len(c)
		}
	}
	b := make([]byte, 0, size)
	offs := make([]uint32, len(recs))
	for i, rec := range recs {
		offs[i] = uint32(len(b))
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
