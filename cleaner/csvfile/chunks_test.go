package csvfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// readParseChunked reads data as readParse does, chunk bytes at a time,
// from src when it is not nil.
func readParseChunked(data []byte, delim rune, chunk int, src io.Reader) (*readParsed, error) {
	if src == nil {
		src = bytes.NewReader(data)
	}
	s := newRecordStream(src, "in.csv", delim, 0)
	s.chunk = chunk
	return readAll(s)
}

// streamLines returns the 1-based line where each record of data starts,
// as a RecordStream reads it in chunks of chunk bytes (the default when 0).
func streamLines(t *testing.T, data []byte, delim rune, chunk int) []int {
	t.Helper()
	s := newRecordStream(bytes.NewReader(data), "in.csv", delim, 0)
	if chunk > 0 {
		s.chunk = chunk
	}
	var lines []int
	if err := s.Each(func(_ [][]string, l []int) error {
		lines = append(lines, l...)
		return nil
	}); err != nil {
		t.Fatalf("Each: %v", err)
	}
	return lines
}

// readSameParse fails t unless reading data in chunks gives what reading it
// whole does: records, lines, notes, delimiter, encoding, line ends, error.
func readSameParse(t *testing.T, data []byte, delim rune, chunk int, src io.Reader) {
	t.Helper()
	want, wantErr := readParseChunked(data, delim, len(data)+readSniffSize+1, nil)
	got, gotErr := readParseChunked(data, delim, chunk, src)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("chunk %d: error %v, read whole: %v\ninput %q", chunk, gotErr, wantErr, data[:min(len(data), 300)])
	}
	if wantErr != nil {
		return
	}
	gotLines, wantLines := streamLines(t, data, delim, chunk), streamLines(t, data, delim, len(data)+readSniffSize+1)
	if !readSameRecords(got.records.all(), want.records.all()) || !reflect.DeepEqual(gotLines, wantLines) || got.firstLine != want.firstLine {
		t.Fatalf("chunk %d: %d records %.300q lines %.300v (first %d), read whole: %d %.300q %.300v (first %d)", chunk, len(got.records.all()), got.records.all(), gotLines, got.firstLine, len(want.records.all()), want.records.all(), wantLines, want.firstLine)
	}
	if len(wantLines) != want.records.Len() || len(wantLines) > 0 && want.firstLine != wantLines[0] {
		t.Fatalf("%d lines for %d records, the first line %d of %.30v", len(wantLines), want.records.Len(), want.firstLine, wantLines)
	}
	if !reflect.DeepEqual(got.notes, want.notes) || got.delim != want.delim || got.encoding != want.encoding || got.crlf != want.crlf {
		t.Fatalf("chunk %d: notes %q delim %q encoding %s crlf %v, read whole: %q %q %s %v",
			chunk, got.notes, got.delim, got.encoding, got.crlf, want.notes, want.delim, want.encoding, want.crlf)
	}
}

func TestReadChunkedSmall(t *testing.T) {
	inputs := []string{
		"email,name\na@x.com,Ann\nb@y.org,Bob\n",
		"name,Email\r\nAnn,a@x.com\r\nBob,b@y.org",
		"\xEF\xBB\xBFEmail Address,First Name\r\na@x.com,Ann\r\n",
		"email,note,tags\n\"a@x.com\",\"line one\nline two\",\"\"\"Editors\"\"\"\nb@y.org,\"Doe, J\",\"x\n\ny\"\nc@z.net,,\n",
		"email,note\r\na@x.com,\"one\r\ntwo\"\r\nb@y.org,x\r\n",
		"sep=;\nemail;name\na@x.com;\"sep=;\"\n",
		"email,n\na@x.com,Bob \"the builder\",5'11\"\nb@x.com,\"ok\"\nc@x.com,x\"y\n",
		"email,name\nm@x.de,M\xfcller\nz@x.de,\xe9t\xe9\n",
		"email,name\nm@x.de,Müller\nz@x.de,\xe9t\xe9\n",
		"\xFF\xFEe\x00m\x00a\x00i\x00l\x00\n\x00a\x00@\x00x\x00.\x00c\x00o\x00\n\x00",
		"\xFE\xFF\x00e\x00m\x00a\x00i\x00l\x00\n\x00a\x00@\x00x\x00.\x00c\x00o\x00\n",
		"email\n\n\na@x.com\n\r\n\nb@x.com\n",
		"email\ta\tb\nx@y.z\t\"q\"\"\"\t\"one\ntwo\"\t\"open\n",
		"email,note\na@x.com,ok\nb@x.com,\"never closed\nc@x.com,x\nd@x.com,y\n",
		"email,name\na@x.com,\"Smith, J\" <j>\n",
		"email,n,m\nä@x.com,a\"b\"c,\"x\"y\n",
		"email\na@x.com\nb\x00@x.com\n",
		"PK\x03\x04\x14\x00\x06\x00",
		"email§name\na@x.com§\"x§\ny\"\n",
		// The same in Windows-1252, where § is the byte 0xA7.
		"email\xa7name\na@x.com\xa7\"x\xa7\ny\"\nb@x.com\xa7\"Caf\xe9\n\n\"\nc@x.com\xa7z\n",
		"",
		"\n\r\n",
		"email,name\n",
		"field\r\r\n\r\rfield\r\r\n\r\r",
		"email,name\r\nann@gmail.com,Ann\rbob@example.com,Bob\r\ncat@yahoo.com,Cat\r\n",
		"email;name;note\rann@gmail.com;Ann;\"two\nlines\"\rbob@example.com;Bob;\"x\ry\"\r",
		"email,n\r\"a@x.com\",\"q\"\"\r\n\"\r\rb@x.com,\"open\r",
		"email,n\ra@x.com,x\"y\rb@x.com,\"z\"w\r",
		"sep=;\remail;n\ra@x.com;1\r",
	}
	for _, in := range inputs {
		for _, chunk := range []int{1, 2, 3, 5, 8, 13, 64, 100, 127} {
			delim := rune(0)
			if strings.Contains(in, "§") || strings.Contains(in, "\xa7") {
				delim = '§'
			}
			readSameParse(t, []byte(in), delim, chunk, nil)
			readSameParse(t, []byte(in), delim, chunk, iotest.OneByteReader(bytes.NewReader([]byte(in))))
		}
	}
}

// TestReadChunkedLarge reads a list longer than the sniffing sample in
// chunks that end inside quoted newlines, doubled quotes, bare quotes and
// Windows-1252 text, and with a fault far into it.
func TestReadChunkedLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString("Email Address;Note;City\r\n")
	for i := range 6000 {
		fmt.Fprintf(&b, "user%d@example.com;", i)
		switch rng.IntN(6) {
		case 0:
			b.WriteString("\"two\r\nlines; \"\"quoted\"\"\"")
		case 1:
			b.WriteString("Bob \"the builder\"")
		case 2:
			b.WriteString("Caf\xe9")
		case 3:
			b.WriteString("\"\"")
		}
		b.WriteString(";K\xf6ln\r\n") // the whole list in Windows-1252
		if rng.IntN(50) == 0 {
			b.WriteString("\r\n") // a blank line
		}
	}
	data := b.Bytes()
	if len(data) <= 2*readSniffSize {
		t.Fatalf("input of %d bytes is too short to test chunks", len(data))
	}
	for _, chunk := range []int{100, 1000, 4093, 65536} {
		readSameParse(t, data, 0, chunk, nil)
	}
	p, err := readParse(data, "in.csv", 0)
	if err != nil || len(p.records.all()) != 6001 || p.delim != ';' || !p.crlf || len(p.notes) != 2 {
		t.Fatalf("read %d records, delim %q, crlf %v, notes %q, err %v", len(p.records.all()), p.delim, p.crlf, p.notes, err)
	}

	// One UTF-8 character far into the list makes it UTF-8 text with bytes
	// that are not UTF-8, an error at the first of them, found at the end.
	mixed := append(bytes.Clone(data), "zoe@example.com;Zoë;x\r\n"...)
	for _, chunk := range []int{100, 4093} {
		readSameParse(t, mixed, 0, chunk, nil)
	}
	if _, err := readParse(mixed, "in.csv", 0); !errors.Is(err, ErrMixedEncoding) {
		t.Fatalf("error %v, want ErrMixedEncoding", err)
	}

	// A quote never closed far into the list, then the list's end.
	bad := append(bytes.Clone(data), "late@example.com;\"open\r\nmore@example.com;x\r\n"...)
	for _, chunk := range []int{100, 4093} {
		readSameParse(t, bad, 0, chunk, nil)
	}
	_, err = readParse(bad, "in.csv", 0)
	var re *ReadError
	if !errors.As(err, &re) || re.Line < 6000 || !strings.Contains(err.Error(), "unterminated") {
		t.Fatalf("error %v, want an unterminated quote past line 6000", err)
	}
}

// TestReadSizeHint: the input's size, known when a file is read, only
// changes how the buffer grows; a size that turns out wrong (a file that
// grew or shrank since) changes nothing read.
func TestReadSizeHint(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("email,note\r\n")
	for i := range 9000 {
		fmt.Fprintf(&b, "user%d@example.com,\"two\r\nlines\"\r\n", i)
	}
	data := b.Bytes()
	want, err := readParse(data, "in.csv", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, len(data) / 2, len(data) - 1, len(data), len(data) + 1, 3 * len(data)} {
		for _, chunk := range []int{4093, 1 << 20} {
			s := newRecordStream(iotest.HalfReader(bytes.NewReader(data)), "in.csv", 0, 0)
			s.size, s.chunk = int64(size), chunk
			got, err := readAll(s)
			if err != nil {
				t.Fatalf("size %d, chunk %d: %v", size, chunk, err)
			}
			if !readSameRecords(got.records.all(), want.records.all()) || got.firstLine != want.firstLine || !reflect.DeepEqual(got.notes, want.notes) {
				t.Fatalf("size %d, chunk %d: %d records, read without a size: %d", size, chunk, len(got.records.all()), len(want.records.all()))
			}
			// Read in one chunk with the right size, the input took one
			// buffer of its size (rounded up to whole pages), not a series
			// of doublings.
			if size == len(data) && chunk > size && cap(s.buf) > size+1+8192 {
				t.Errorf("size %d: a buffer of %d bytes", size, cap(s.buf))
			}
			// With the right size, the records slice was made about as long
			// as it had to be from the first chunks.
			if size == len(data) && cap(got.records.at) > got.records.Len()*5/4 {
				t.Errorf("size %d, chunk %d: room for %d records, %d read", size, chunk, cap(got.records.at), got.records.Len())
			}
		}
	}
}

// TestReadSizeHintSkewed: a list whose first rows are far shorter than the
// rest, or UTF-16 text (which decodes to about half its size), leads
// readAll to expect more records than there are. The room it reserves
// stays within eight times the records read, and the list keeps no more
// than an eighth of room beyond its records.
func TestReadSizeHintSkewed(t *testing.T) {
	rows := func(b *bytes.Buffer, n, note int, prefix string) {
		for i := range n {
			fmt.Fprintf(b, "%s%d@x.com,%s\n", prefix, i, strings.Repeat("z", note))
		}
	}
	var skewed bytes.Buffer
	skewed.WriteString("email,note\n")
	rows(&skewed, 200_000, 0, "s")
	rows(&skewed, 10_000, 1500, "l")
	var plain bytes.Buffer
	plain.WriteString("email,note\n")
	rows(&plain, 100_000, 3, "u")
	utf16 := []byte{0xFF, 0xFE}
	for _, c := range plain.Bytes() { // ASCII: each byte one UTF-16 unit
		utf16 = append(utf16, c, 0)
	}
	for name, data := range map[string][]byte{"short rows first": skewed.Bytes(), "UTF-16": utf16} {
		s := newRecordStream(bytes.NewReader(data), "in.csv", 0, 0)
		s.size, s.chunk = int64(len(data)), 1<<20
		got, err := readAll(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := got.records.Len(); cap(got.records.at) > n+n/8+1024 {
			t.Errorf("%s: %d records kept in room for %d", name, n, cap(got.records.at))
		}
	}
}

// TestReadLimitWhileReading stops reading an endless input at the limit,
// without holding more than a chunk or so of it.
func TestReadLimitWhileReading(t *testing.T) {
	endless := io.MultiReader(strings.NewReader("email,name\n"), readRepeat("a@example.com,Ann\n"))
	_, err := Read(endless, "stdin", ReadOptions{MaxBytes: 4 << 20})
	if !errors.Is(err, ErrFileTooLarge) || !strings.Contains(err.Error(), "more than 4.0 MiB") {
		t.Fatalf("error %v, want ErrFileTooLarge naming the limit", err)
	}
}

// readRepeat is an endless reader of line repeated.
func readRepeat(line string) io.Reader {
	return &repeatReader{line: line}
}

type repeatReader struct {
	line string
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.line[r.off:])
		n += c
		r.off = (r.off + c) % len(r.line)
	}
	return n, nil
}
