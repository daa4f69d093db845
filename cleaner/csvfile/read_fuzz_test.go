package csvfile

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"testing"

	xunicode "golang.org/x/text/encoding/unicode"
)

// FuzzReadWrite reads arbitrary input and writes the records back with no
// decisions: reading the output gives every record identically, in both
// line-end styles, and a row held as its text (Records) is what its
// cells are written as. Reading the input a few bytes at a time gives what
// reading it whole does. It also checks the reader against encoding/csv's
// LazyQuotes mode, which reads a quote in an unquoted field as the reader
// does, on the input with its line breaks written so that encoding/csv
// reads them as spreadsheets do (readAsSpreadsheets: a CR alone ends a
// record, a quoted cell keeps its CRLFs): whenever the reader accepts an
// input, the records are the same.
func FuzzReadWrite(f *testing.F) {
	for _, s := range []string{
		"email,name\na@x.com,Ann\n",
		"email;name\r\na@x.com;\"Doe; Ann\"\r\n\"\";\r\n",
		"email\tnote\na@x.com\t\"two\nlines\"\n",
		"email|q\na@x.com|\"say \"\"hi\"\"\"\nb@x.com|x\"y\n",
		"email,a,b\nx@y.z,\"cr\rin\",\"crlf\r\r\nin\"\nragged@x.com\n\"\"\n",
		"\xEF\xBB\xBFemail,name\nm@x.de,M\xfcller\n",
		"\xFF\xFEe\x00,\x00\"\x00\n\x00",
		"sep=;\nemail;\"sep=;\"\na@x.com;\"\uFEFFx\"\n",
		"email,n\na@x.com,Bob \"the builder\",5'11\"\n",
		"a,\"b\nc\"d,e",
		"x,\"open\n",
		"field\r\r\n\r\rfield\r\r\n\r\r",
		"email,name\r\nann@gmail.com,Ann\rbob@example.com,Bob\r\ncat@yahoo.com,Cat\r\n",
		"email;name;note\rann@gmail.com;Ann;\"two\nlines\"\rbob@example.com;Bob;\"x\ry\r\n\"\r",
		"sep=|\remail|n\r\"a\"\"\"|x\"y\r",
		"sep=0\nemail,name\na@x.com,Ann\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if l, _ := Read(bytes.NewReader(data), "fuzz", ReadOptions{}); l != nil {
			for i := range l.Rows.Len() {
				l.EmailCell(i)
			}
		}
		// Read a few bytes at a time, the list reads as it does whole.
		for _, chunk := range []int{1, 7} {
			readSameParse(t, data, 0, chunk, nil)
		}
		p, err := readParse(data, "fuzz", 0)
		if err != nil {
			return
		}

		text := readDecodeWhole(data)
		_, start := readSepLine(text)
		r := csv.NewReader(bytes.NewReader(readAsSpreadsheets(text[start:], p.delim, true)))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = p.delim, -1, true
		lazy, err := r.ReadAll()
		if err != nil || !readSameRecords(lazy, p.records.all()) {
			t.Fatalf("encoding/csv LazyQuotes read %q, %v; the reader %q", lazy, err, p.records.all())
		}

		// A row held as its text is what its cells are written as.
		enc := NewEncoder(p.delim, p.crlf)
		for i := range p.records.Len() {
			for _, escape := range []bool{false, true} {
				if text, ok := enc.RowText(p.records, i, escape); ok {
					if want := readEncodeRow(enc, p.records.Row(i), -1, "", escape); text+string(enc.AppendEOL(nil)) != want {
						t.Fatalf("row %d held as %q, its cells written %q", i, text, want)
					}
				}
			}
		}

		for _, crlf := range []bool{p.crlf, !p.crlf} {
			var out bytes.Buffer
			w := newRecordWriter(&out, p.delim, crlf)
			if err := w.WriteAll(p.records.all()); err != nil {
				t.Fatal(err)
			}
			back, err := readParse(out.Bytes(), "out", p.delim)
			if err != nil {
				t.Fatalf("reading back %q (crlf %v): %v", out.Bytes(), crlf, err)
			}
			if !readSameRecords(back.records.all(), p.records.all()) {
				t.Fatalf("written %q (crlf %v) reads back as %q, want %q", out.Bytes(), crlf, back.records.all(), p.records.all())
			}
		}
	})
}

// readDecodeWhole decodes a whole input as the reader does a chunk at a
// time: UTF-16 by its byte-order mark, else UTF-8 without one, each byte
// that is not valid UTF-8 read as Windows-1252.
func readDecodeWhole(data []byte) []byte {
	if bytes.HasPrefix(data, []byte("\xFF\xFE")) || bytes.HasPrefix(data, []byte("\xFE\xFF")) {
		text, _ := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		return text
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	text, _, _, _, _ := readWindows1252(data)
	return text
}

// readSameRecords compares records, taking nil and empty as equal.
func readSameRecords(a, b [][]string) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}
