package csvfile

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/listclean/listclean/cleaner/internal/corpora"
)

// TestRecordsHeldAsText names which rows are held as their text: those an
// Encoder writes back byte for byte, but for the line end, and which of
// them have a cell that EscapeFormula changes.
func TestRecordsHeldAsText(t *testing.T) {
	for _, tt := range []struct {
		in     string
		delim  rune
		text   []string // per row, "" for a row held as its cells
		escape []bool
	}{
		{in: "a,b\nc,d\r\n", delim: ',', text: []string{"a,b", "c,d"}},
		{in: "\"a\",b\n\"a,b\",c\n", delim: ',', text: []string{"", `"a,b",c`}},
		{in: "x\n\"\"\nx,\"\"\nx,\n", delim: ',', text: []string{"x", `""`, "", "x,"}},
		{in: " a,b\na ,b\n\" a\",b\n", delim: ',', text: []string{"", "a ,b", `" a",b`}},
		{in: "x\nsep=1,b\n\"sep=1\",b\n", delim: ',', text: []string{"x", "", `"sep=1",b`}},
		{in: "\"say \"\"hi\"\"\",\"two\r\nlines\",\"cr\rin\"\n", delim: ',', text: []string{"\"say \"\"hi\"\"\",\"two\r\nlines\",\"cr\rin\""}},
		{in: "Bob \"the builder\",x\n", delim: ',', text: []string{`"Bob ""the builder""",x`}}, // as the quotes were read
		{in: "a;b,c\n\"a;b\";c\n", delim: ';', text: []string{"a;b,c", `"a;b";c`}},
		{in: "a\tb c\n\"a\tb\"\tc\n", delim: '\t', text: []string{"a\tb c", "\"a\tb\"\tc"}},
		{in: "a§b\n\"a§b\"§c\n\"a\"§b\n", delim: '§', text: []string{"a§b", `"a§b"§c`, ""}},
		// A row of one field that another delimiter splits is written
		// quoted, and held only when its quotes are needed anyway.
		{in: "a;b\nx,y\n\"x,y\"\n\"x,y;z\"\nx|y;z\nx\n", delim: ';', text: []string{"a;b", "", "", `"x,y;z"`, "x|y;z", "x"}},
		{in: "a§b\nx,y\n", delim: '§', text: []string{"a§b", "x,y"}},
		{in: "M\xfcller,\xe9\n", delim: ',', text: []string{"Müller,é"}}, // Windows-1252
		{in: "\xEF\xBB\xBFa,b\n\"\uFEFFa\",b\n\uFEFFa,b\n", delim: ',', text: []string{"a,b", "\"\uFEFFa\",b", ""}},
		{
			in:     "=1,b\nb,@x\n-5,+44 20 7946 0958\n-x,b\n\"\tx\",b\n",
			delim:  ',',
			text:   []string{"=1,b", "b,@x", "-5,+44 20 7946 0958", "-x,b", "\"\tx\",b"},
			escape: []bool{true, true, false, true, true},
		},
	} {
		p, err := readParse([]byte(tt.in), "in.csv", tt.delim)
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		enc := NewEncoder(p.delim, p.crlf)
		if p.records.Len() != len(tt.text) {
			t.Fatalf("%q: %d rows, want %d", tt.in, p.records.Len(), len(tt.text))
		}
		for i, want := range tt.text {
			got, _ := enc.RowText(p.records, i, false)
			if got != want {
				t.Errorf("%q: row %d held as %q, want %q", tt.in, i, got, want)
			}
			if _, ok := enc.RowText(p.records, i, true); want != "" && ok == (i < len(tt.escape) && tt.escape[i]) {
				t.Errorf("%q: row %d: with the escape, held as its text %v, want %v", tt.in, i, ok, !ok)
			}
		}
	}
}

// TestRecordsTextSameAsCells is the differential test of the rows held as
// their text: over the CSV corpora, the subscriber exports and the cases
// of readSplit, each also with CRLF line ends, a byte-order mark, in
// Windows-1252 and UTF-16, every row read gives the cells a stream read
// in passes (which holds no row as its text) gives, and what RowText and
// AppendText write of it, any cell replaced by any of a few values, with
// and without the formula escape, is what AppendCell writes of its cells
// one by one.
func TestRecordsTextSameAsCells(t *testing.T) {
	var inputs [][]byte
	for _, in := range readSplitCases {
		inputs = append(inputs, []byte(in))
	}
	inputs = append(inputs,
		[]byte("email,name,note\n a@x.com ,Ann , x \n=1+1,+44 20 7946 0958,-5\n@x,\"\tx\",\"\rx\"\n-x,\"=a,b\",\"\"\"q\"\"\"\n"),
		[]byte("email;name\r\na@x.com;\"Doe; Ann\"\r\n\"\";\r\nragged\r\nb@x.com;x;y;z\r\n"),
		[]byte("email\tnote\na@x.com\t\"two\nlines\"\nb@x.com\t\"\"\"\"\n\"\"\n"),
		[]byte("sep=|\nemail|n\na@x.com|\"sep=|\"\n"),
		[]byte("email,n\na@x.com,Bob \"the builder\",5'11\"\n"),
	)
	readSameTextAsCellsAll(t, inputs)
	t.Run("corpora", func(t *testing.T) {
		inputs = nil
		for _, sub := range []string{"csv", "subscriber_exports"} {
			dir := corpora.Dir(t, sub)
			err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				switch {
				case strings.HasSuffix(path, ".csv"), strings.HasSuffix(path, ".tsv"), strings.HasSuffix(path, ".txt"):
					data, err := os.ReadFile(path)
					inputs = append(inputs, data)
					return err
				case filepath.Base(path) == "readtests.jsonl": // encoding/csv's cases
					return readGoInputs(path, &inputs)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		readSameTextAsCellsAll(t, inputs)
	})
}

// readSameTextAsCellsAll reads each input and its variants (readVariants)
// as the delimiter is sniffed and with ; tab and §, and checks the rows
// of each read (readSameTextAsCells): at least half of them must be held
// as their text, so that the check checks something.
func readSameTextAsCellsAll(t *testing.T, inputs [][]byte) {
	t.Helper()
	var rows, texts, read int
	for _, in := range inputs {
		for _, v := range readVariants(in) {
			for _, delim := range []rune{0, ';', '\t', '§'} {
				p, err := readParse(v, "in.csv", delim)
				if err != nil {
					continue
				}
				read++
				n, k := readSameTextAsCells(t, v, p)
				rows += n
				texts += k
			}
		}
	}
	t.Logf("%d inputs, %d reads: %d rows, %d of them held as their text", len(inputs), read, rows, texts)
	if texts < rows/2 {
		t.Errorf("%d of %d rows held as their text, want at least half", texts, rows)
	}
}

// readVariants returns in, and in with CRLF line ends, with a UTF-8
// byte-order mark, in Windows-1252 and in UTF-16LE, where it can be so
// written.
func readVariants(in []byte) [][]byte {
	vs := [][]byte{in, append([]byte("\xEF\xBB\xBF"), in...)}
	if !bytes.Contains(in, []byte("\r")) {
		vs = append(vs, bytes.ReplaceAll(in, []byte("\n"), []byte("\r\n")))
	}
	if utf8.Valid(in) {
		var latin []byte
		for _, r := range string(in) {
			if r > 0xFF {
				latin = nil
				break
			}
			latin = append(latin, byte(r))
		}
		if latin != nil && !bytes.Equal(latin, in) {
			vs = append(vs, latin)
		}
		if !strings.ContainsFunc(string(in), func(r rune) bool { return r > 0xFFFF }) {
			vs = append(vs, []byte("\xFF\xFE"+utf16LE(string(in))))
		}
	}
	return vs
}

// readGoInputs appends the inputs of encoding/csv's read tests.
func readGoInputs(path string, inputs *[][]byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var c readGoCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return err
		}
		in, err := base64.StdEncoding.DecodeString(c.InputB64)
		if err != nil {
			return err
		}
		*inputs = append(*inputs, in)
	}
	return sc.Err()
}

// readSameTextAsCells checks the rows of p, read from in, as
// TestRecordsTextSameAsCells says, and returns how many rows there are
// and how many are held as their text.
func readSameTextAsCells(t *testing.T, in []byte, p *readParsed) (rows, texts int) {
	t.Helper()
	// The cells as a stream read in passes gives them.
	var want [][]string
	s := NewRecordStream(bytes.NewReader(in), "in.csv", p.delim, 0, 0)
	if err := s.Each(func(recs [][]string, _ []int) error {
		for _, rec := range recs {
			want = append(want, append([]string(nil), rec...)) // a stream reuses its records
		}
		return nil
	}); err != nil {
		t.Fatalf("%.200q: read in passes: %v", in, err)
	}
	if got := p.records.all(); !readSameRecords(got, want) {
		t.Fatalf("%.200q: rows %.300q, read in passes %.300q", in, got, want)
	}
	replacements := []string{"", "x@y.z", `a"b`, `""`, "=1+1", " lead", "a,b", "a;b", "a\tb", "a§b", "line\nbreak", "sep=x"}
	for _, crlf := range []bool{false, true} {
		enc := NewEncoder(p.delim, crlf)
		for i, row := range want {
			for _, escape := range []bool{false, true} {
				text, ok := enc.RowText(p.records, i, escape)
				if !ok {
					continue
				}
				if whole := readEncodeRow(enc, row, -1, "", escape); text+string(enc.AppendEOL(nil)) != whole {
					t.Fatalf("%.200q: row %d %q (escape %v) held as %q, its cells written %q", in, i, row, escape, text, whole)
				}
				if i >= 50 {
					continue // a long list: its first rows are enough for the rest
				}
				for col := -1; col <= len(row); col++ {
					cs := replacements
					if col >= 0 && col < len(row) {
						cs = append(cs[:len(cs):len(cs)], row[col])
					}
					for _, c := range cs {
						got, ok := enc.AppendText([]byte("x"), p.records, i, col, c, escape)
						if wantText := "x" + readEncodeRow(enc, row, col, c, escape); !ok || string(got) != wantText {
							t.Fatalf("%.200q: row %d %q, cell %d as %q (escape %v): AppendText %q, %v; its cells written %q",
								in, i, row, col, c, escape, got, ok, wantText)
						}
					}
				}
			}
			if crlf {
				rows++
				if _, ok := enc.RowText(p.records, i, false); ok {
					texts++
				}
			}
		}
	}
	return rows, texts
}

// readEncodeRow writes row with AppendCell, cell col replaced by c when
// the row has one: what an export of the row's cells writes.
func readEncodeRow(enc *Encoder, row []string, col int, c string, escape bool) string {
	var b []byte
	for k, cell := range row {
		if k > 0 {
			b = enc.AppendComma(b)
		}
		if k == col {
			cell = c
		}
		b = enc.AppendCell(b, cell, escape, len(row) == 1)
	}
	return string(enc.AppendEOL(b))
}

// TestReadSplitTexts checks the records that readSplit finds an Encoder
// writes as they are, delimiters of several bytes included: their text is
// what the Encoder writes of the cells readSplit gives without an Encoder,
// and their escape is whether EscapeFormula changes one of those.
func TestReadSplitTexts(t *testing.T) {
	cases := append(readSplitCases, "a§b\n\"c§d\"§\"e\r\nf\"\n", "a\xc2b§c\n", "§§\n§", "é§ü\r\n\"ö\"§x\r\n", "a\rb,c\r\n", "=a,-1\n")
	texts := 0
	for _, in := range cases {
		for _, comma := range []rune{',', ';', '\t', '|', '§', '€'} {
			n := bytes.Count([]byte(in), []byte{'\n'}) + 1
			enc := NewEncoder(comma, false)
			recs, _, got, ok := readSplit([]byte(in), comma, nil, n, true, enc)
			want, _, _, wantOK := readSplit([]byte(in), comma, nil, n, true, nil)
			if ok != wantOK || ok && (len(got) != len(want) || len(recs) != len(want)) {
				t.Fatalf("readSplit(%q, %q) with an Encoder: %v, %d texts; without: %v, %d records", in, comma, ok, len(got), wantOK, len(want))
			}
			for i, rec := range want {
				if got[i].text == "" {
					if !reflect.DeepEqual(recs[i], rec) {
						t.Errorf("readSplit(%q, %q): record %d %q, without an Encoder %q", in, comma, i, recs[i], rec)
					}
					continue
				}
				texts++
				escape := false
				for _, c := range rec {
					escape = escape || escapeFormulaNeeded(c)
				}
				if w := readEncodeRow(enc, rec, -1, "", false); got[i].text+"\n" != w || got[i].escape != escape || recs[i] != nil {
					t.Errorf("readSplit(%q, %q): record %d %q held as %q, escape %v; written %q, escape %v", in, comma, i, rec, got[i].text, got[i].escape, w, escape)
				}
			}
		}
	}
	if texts == 0 {
		t.Error("no record held as its text")
	}
}

// TestRecordsTextCells checks Width, Cell and AppendRow of rows held as
// their text against the cells they were read as.
func TestRecordsTextCells(t *testing.T) {
	in := "a,\"b,c\",\"d\"\"e\",\"\"\"\",,\"f\ng\"\n\"\"\nx,\n"
	p, err := readParse([]byte(in), "in.csv", ',')
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "b,c", `d"e`, `"`, "", "f\ng"}, {""}, {"x", ""}}
	if !reflect.DeepEqual(p.records.all(), want) {
		t.Fatalf("rows %q, want %q", p.records.all(), want)
	}
	for i, row := range want {
		if _, ok := NewEncoder(',', false).RowText(p.records, i, false); !ok {
			t.Errorf("row %d not held as its text", i)
		}
		if w := p.records.Width(i); w != len(row) {
			t.Errorf("Width(%d) = %d, want %d", i, w, len(row))
		}
		for col := -1; col <= len(row); col++ {
			c := ""
			if col >= 0 && col < len(row) {
				c = row[col]
			}
			if got := p.records.Cell(i, col); got != c {
				t.Errorf("Cell(%d, %d) = %q, want %q", i, col, got, c)
			}
		}
	}
}
