package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readSplitCases are inputs whose every corner readSplit must read as
// encoding/csv does, or leave to it.
var readSplitCases = []string{
	"",
	"\n",
	"\r\n\r\n",
	"\r",
	"a",
	"a\r",
	"a\r\r",
	"a,",
	"a,\r",
	"a,\n",
	",",
	",,\n,",
	"email,name\na@x.com,Ann\n",
	"email;name\r\na@x.com;\"Doe; Ann\"\r\n\"\";\r\n",
	"email\tnote\na@x.com\t\"two\nlines\"\n",
	"a,\"say \"\"hi\"\"\"\nb,\"\"\"\"\n",
	"\"\"\"Black Friday 2024\"\"\"\n\"\"\"Webinar\"\",\"\"VIP\"\"\"\n",
	"x,\"cr\rin\",\"crlf\r\nin\",\"crlf\r\r\nin\"\nragged\n\"\"\n",
	"\"crlf\r\n\r\n\"\"\r\nx\"\r\n",
	"\"a\"\r",
	"\"a\"\r\n\r",
	"a\r\r\n\r\rb\r\r\n\r\r",
	"a\rb\nc\r\r\rd,e\r\n",
	" a , b \n\t\n \n",
	"\n\n\na\n\n\nb\n",
	"\"\n\n\"\n\na",
	"\"\",\"\",\n",
	"é,ü\n\"ö\",x\n",
	// What encoding/csv refuses: readSplit must leave these to it.
	"a,b\"c\n",
	"a,\"b\"c\n",
	"a,\"b\"\rc\n",
	"a,\"open\n",
	"\"",
	"a\"",
	"\"a\"\"",
}

// TestReadSplitAsReader reads each case with readSplit and with
// encoding/csv: where encoding/csv reads the input, readSplit must give
// the same records and lines, but for the quoted CRLFs it keeps; where it
// fails, readSplit must decline. Delimiters of several bytes included.
func TestReadSplitAsReader(t *testing.T) {
	for _, in := range readSplitCases {
		for _, comma := range []rune{',', ';', '\t', '|'} {
			readSplitSame(t, []byte(in), comma)
		}
	}
	for _, in := range []string{
		"a§b\n\"c§d\"§\"e\r\nf\"\n",
		"a\xc2b§c\n", // the delimiter's first byte, alone
		"§§\n§",
		"a§\"b\"\xc2\n",
		"é§ü\r\n\"ö\"§x\r\n",
	} {
		for _, comma := range []rune{'§', '€', ','} {
			readSplitSame(t, []byte(in), comma)
		}
	}
}

// TestReadSplitDeclines names the inputs readSplit must leave to
// encoding/csv, so that a change that lets one through (and reads it some
// other way) fails here and not only by chance in the fuzzer.
func TestReadSplitDeclines(t *testing.T) {
	for _, in := range []string{"a,b\"c\n", "a,\"b\"c\n", "a,\"open\n", "\"a\"\"", "x\n\"a\"\rb\n"} {
		if _, _, _, ok := readSplit([]byte(in), ',', nil, 8, true, nil); ok {
			t.Errorf("readSplit(%q) ok, want it left to encoding/csv", in)
		}
	}
	if _, _, _, ok := readSplit([]byte("a\"b\n"), '"', nil, 8, true, nil); ok {
		t.Error(`readSplit with the comma '"' ok, want it left to encoding/csv`)
	}
	long := []byte("\"" + strings.Repeat("x\n", readMaxRecord/2) + "\"\n")
	if _, _, _, ok := readSplit(long, ',', nil, readMaxRecord, true, nil); ok {
		t.Error("readSplit of a record over readMaxRecord ok, want it left to encoding/csv")
	}
}

// TestReadSplitScratch checks that scratch's records slice is used, and
// that the fields are input's bytes, rewritten in place where their text
// differs from them.
func TestReadSplitScratch(t *testing.T) {
	in := []byte("a,\"b\"\"c\"\nd,\"e\r\nf\"\n")
	scratch := &readScratch{recs: make([][]string, 0, 4), lines: make([]int, 0, 4)}
	recs, _, _, ok := readSplit(in, ',', scratch, 4, true, nil)
	if !ok {
		t.Fatal("not ok")
	}
	if &recs[:1][0] != &scratch.recs[:1][0] {
		t.Error("scratch's records slice was not used")
	}
	want := [][]string{{"a", "b\"c"}, {"d", "e\r\nf"}}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("got %q, want %q", recs, want)
	}
	for i := range in {
		in[i] = 'X'
	}
	want = [][]string{{"X", "XXX"}, {"X", "XXXX"}}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("after the input was overwritten: %q, want %q: the fields are not input's bytes", recs, want)
	}

	// Without keep, the fields are copies.
	in = []byte("a,\"b\"\"c\"\nd,\"e\r\nf\"\n")
	recs, _, _, ok = readSplit(in, ',', nil, 4, false, nil)
	if !ok {
		t.Fatal("not ok")
	}
	for i := range in {
		in[i] = 'X'
	}
	want = [][]string{{"a", "b\"c"}, {"d", "e\r\nf"}}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("without keep, after the input was overwritten: %q, want %q", recs, want)
	}
}

// TestReadKeepsItsChunks reads a list in many chunks, then other lists of
// the same size, which would reuse the chunks' buffers if the first list
// had given them back: its fields, which are those buffers' bytes, must
// not change.
func TestReadKeepsItsChunks(t *testing.T) {
	list := func(name string) []byte {
		var b bytes.Buffer
		b.WriteString("email,name,tags\n")
		for i := range 2000 {
			fmt.Fprintf(&b, "%s%d@example.com,%s %d,\"\"\"tag %d\"\"\"\n", name, i, name, i, i%7)
		}
		return b.Bytes()
	}
	first, err := readParseChunked(list("ann"), 0, 4096, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := make([][]string, len(first.records.all()))
	for i, rec := range first.records.all() {
		want[i] = slices.Clone(rec)
		for k := range want[i] {
			want[i][k] = strings.Clone(want[i][k])
		}
	}
	for range 3 {
		if _, err := readParseChunked(list("bob"), 0, 4096, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i, rec := range first.records.all() {
		if !slices.Equal(rec, want[i]) {
			t.Fatalf("record %d is %q after reading other lists, was %q", i, rec, want[i])
		}
	}
}

// FuzzReadSplit compares readSplit with encoding/csv on any input, with
// a delimiter from U+0000 to U+00FF: one byte, or two past U+007F.
func FuzzReadSplit(f *testing.F) {
	for _, in := range readSplitCases {
		f.Add([]byte(in), byte(','))
	}
	f.Add([]byte("a;\"b;\"\"c\"\r\n"), byte(';'))
	f.Add([]byte("a\xc2\xa7\"b\r\nc\"\xc2\xa7\xc2\n"), byte(0xA7))
	f.Fuzz(func(t *testing.T, in []byte, comma byte) {
		readSplitSame(t, in, rune(comma))
	})
}

// readSplitSame fails t unless readSplit reads in as encoding/csv does (on
// in with its quoted CRLFs written so that encoding/csv keeps them, see
// readAsSpreadsheets) or declines an input that encoding/csv refuses.
// Without keep, it must read the same records.
func readSplitSame(t *testing.T, in []byte, comma rune) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(readAsSpreadsheets(in, comma, false)))
	r.Comma = comma
	r.FieldsPerRecord = -1
	var want [][]string
	var wantLines []int
	var wantErr error
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			wantErr = err
			break
		}
		line, _ := r.FieldPos(0)
		want, wantLines = append(want, rec), append(wantLines, line)
	}
	got, gotLines, _, ok := readSplit(bytes.Clone(in), comma, nil, bytes.Count(in, []byte{'\n'})+1, true, nil) // it rewrites its input
	if copied, copiedLines, _, copiedOK := readSplit(bytes.Clone(in), comma, nil, bytes.Count(in, []byte{'\n'})+1, false, nil); copiedOK != ok ||
		!slices.EqualFunc(copied, got, slices.Equal) || !slices.Equal(copiedLines, gotLines) {
		t.Errorf("readSplit(%q, %q) without keep = %q, %v, %v; with keep %q, %v, %v", in, comma, copied, copiedLines, copiedOK, got, gotLines, ok)
	}
	switch {
	case !ok && wantErr == nil && readValidDelim(comma):
		t.Errorf("readSplit(%q, %q) declined what encoding/csv reads: %q", in, comma, want)
	case ok && wantErr != nil:
		t.Errorf("readSplit(%q, %q) = %q, but encoding/csv fails: %v", in, comma, got, wantErr)
	case ok && !slices.EqualFunc(got, want, slices.Equal):
		t.Errorf("readSplit(%q, %q) = %q, want %q", in, comma, got, want)
	case ok && !slices.Equal(gotLines, wantLines):
		t.Errorf("readSplit(%q, %q) lines %v, want %v", in, comma, gotLines, wantLines)
	}
}

// BenchmarkReadSplit splits a generated list's text with readSplit, also
// telling the records an Encoder writes as they are (readSplit_texts, as
// a list read whole is split), and with encoding/csv (readCSV's other
// way), chunk by chunk as a RecordStream gives them, each chunk copied
// first since readSplit rewrites it.
func BenchmarkReadSplit(b *testing.B) {
	path := filepath.Join(b.TempDir(), "list.csv")
	writeGeneratedList(b, path, 100_000)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var chunks [][]byte
	for rest := data; len(rest) > 0; {
		end := readRecordsEnd(rest, min(len(rest), readChunkSize), []byte{','}, true)
		if end == 0 {
			end = len(rest)
		}
		chunks, rest = append(chunks, rest[:end]), rest[end:]
	}
	enc := NewEncoder(',', false)
	for _, bc := range []struct {
		name  string
		split func(c []byte, n int) error
	}{
		{"readSplit", func(c []byte, n int) error {
			if _, _, _, ok := readSplit(c, ',', nil, n, true, nil); !ok {
				return errors.New("not ok")
			}
			return nil
		}},
		{"readSplit_texts", func(c []byte, n int) error {
			if _, _, _, ok := readSplit(c, ',', nil, n, true, enc); !ok {
				return errors.New("not ok")
			}
			return nil
		}},
		{"encoding_csv", func(c []byte, n int) error {
			_, _, err := readCSVReader(c, ',', nil, n)
			return err
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				for _, c := range chunks {
					if err := bc.split(bytes.Clone(c), bytes.Count(c, []byte{'\n'})+1); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// readAsSpreadsheets returns in rewritten so that encoding/csv's Reader,
// with the delimiter comma, reads it as the reader does, where the two
// differ on line breaks: the oracle of the comparisons with encoding/csv.
// A CRLF inside a quoted field becomes CR CR LF, which Reader reads back as
// the CRLF the reader keeps (Reader reads every CRLF as LF); with loneCR
// set, a CR alone outside quotes, which ends a record for the reader as for
// spreadsheets, becomes an LF. Its quoted fields are Reader's: a quote at
// the start of a field opens one, closed by a quote that is not doubled;
// a quote elsewhere is text.
func readAsSpreadsheets(in []byte, comma rune, loneCR bool) []byte {
	sep := []byte(string(comma))
	out := make([]byte, 0, len(in)+16)
	atField, quoted := true, false
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case quoted:
			switch {
			case c == '"' && i+1 < len(in) && in[i+1] == '"':
				out = append(out, '"')
				i++
			case c == '"':
				quoted = false
			case c == '\r' && i+1 < len(in) && in[i+1] == '\n':
				out = append(out, '\r')
			}
			out = append(out, c)
			i++
		case atField && c == '"':
			quoted, atField = true, false
			out = append(out, c)
			i++
		case len(sep) > 0 && bytes.HasPrefix(in[i:], sep):
			out = append(out, sep...)
			i += len(sep)
			atField = true
		case c == '\n':
			out = append(out, c)
			i++
			atField = true
		case c == '\r' && loneCR && (i+1 == len(in) || in[i+1] != '\n'):
			out = append(out, '\n')
			i++
			atField = true
		default:
			out = append(out, c)
			i++
			atField = false
		}
	}
	return out
}

func TestReadAsSpreadsheets(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		loneCR   bool
	}{
		{"a,\"b\r\nc\"\r\nd\r\n", "a,\"b\r\r\nc\"\r\nd\r\n", false},
		{"a\rb,\"c\rd\"\re\r", "a\nb,\"c\rd\"\ne\n", true},
		{"a\rb,\"c\rd\"\re\r", "a\rb,\"c\rd\"\re\r", false},
		{"x\"y\r\n\"q\"\"\r\n\"\r", "x\"y\r\n\"q\"\"\r\r\n\"\n", true},
	} {
		if got := readAsSpreadsheets([]byte(tt.in), ',', tt.loneCR); string(got) != tt.want {
			t.Errorf("readAsSpreadsheets(%q, %v) = %q, want %q", tt.in, tt.loneCR, got, tt.want)
		}
	}
}

// TestPlainEnd: plainEnd finds the byte that ends a plain run where the
// byte-at-a-time loop finds it, from every start, in inputs dense with
// the special bytes, their neighbours and bytes of multi-byte UTF-8, for
// a delimiter of one byte and for one of several.
func TestPlainEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'"', '\n', '\r', ',', ';', 0xC2, 0xA7, 0, 0x80, 0xFF, '!', '#', '-', '+', 'a', ' ', 0x0B, 0x0C, 0x21, 0x23, 0x2B, 0x2D}
	for _, sep := range []string{",", ";", "§"} {
		for n := range 200 {
			in := make([]byte, n%67)
			for k := range in {
				if rng.IntN(4) == 0 {
					in[k] = alphabet[rng.IntN(len(alphabet))]
				} else {
					in[k] = byte('a' + rng.IntN(26))
				}
			}
			sp := readSplitter{input: in, sep: []byte(sep)}
			sp.special['"'], sp.special['\n'], sp.special['\r'], sp.special[sp.sep[0]] = true, true, true, true
			for i := 0; i <= len(in); i++ {
				want := i
				for want < len(in) && !sp.special[in[want]] {
					want++
				}
				if got := sp.plainEnd(i); got != want {
					t.Fatalf("sep %q, input %q from %d: plainEnd %d, want %d", sep, in, i, got, want)
				}
			}
		}
	}
}
