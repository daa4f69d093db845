package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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
// the same records and lines; where it fails, readSplit must decline.
func TestReadSplitAsReader(t *testing.T) {
	for _, in := range readSplitCases {
		for _, comma := range []byte{',', ';', '\t', '|'} {
			readSplitSame(t, []byte(in), comma)
		}
	}
}

// TestReadSplitDeclines names the inputs readSplit must leave to
// encoding/csv, so that a change that lets one through (and reads it some
// other way) fails here and not only by chance in the fuzzer.
func TestReadSplitDeclines(t *testing.T) {
	for _, in := range []string{"a,b\"c\n", "a,\"b\"c\n", "a,\"open\n", "\"a\"\"", "x\n\"a\"\rb\n"} {
		if _, _, ok := readSplit([]byte(in), ',', nil, 8); ok {
			t.Errorf("readSplit(%q) ok, want it left to encoding/csv", in)
		}
	}
	if _, _, ok := readSplit([]byte("a\"b\n"), '"', nil, 8); ok {
		t.Error(`readSplit with the comma '"' ok, want it left to encoding/csv`)
	}
	long := []byte("\"" + strings.Repeat("x\n", readMaxRecord/2) + "\"\n")
	if _, _, ok := readSplit(long, ',', nil, readMaxRecord); ok {
		t.Error("readSplit of a record over readMaxRecord ok, want it left to encoding/csv")
	}
}

// TestReadSplitScratch checks that scratch's records slice is used, and
// that the fields are input's bytes, rewritten in place where their text
// differs from them.
func TestReadSplitScratch(t *testing.T) {
	in := []byte("a,\"b\"\"c\"\nd,\"e\r\nf\"\n")
	scratch := &readScratch{recs: make([][]string, 0, 4), lines: make([]int, 0, 4)}
	recs, _, ok := readSplit(in, ',', scratch, 4)
	if !ok {
		t.Fatal("not ok")
	}
	if &recs[:1][0] != &scratch.recs[:1][0] {
		t.Error("scratch's records slice was not used")
	}
	want := [][]string{{"a", "b\"c"}, {"d", "e\nf"}}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("got %q, want %q", recs, want)
	}
	for i := range in {
		in[i] = 'X'
	}
	want = [][]string{{"X", "XXX"}, {"X", "XXX"}}
	if !slices.EqualFunc(recs, want, slices.Equal) {
		t.Errorf("after the input was overwritten: %q, want %q: the fields are not input's bytes", recs, want)
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
	want := make([][]string, len(first.records))
	for i, rec := range first.records {
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
	for i, rec := range first.records {
		if !slices.Equal(rec, want[i]) {
			t.Fatalf("record %d is %q after reading other lists, was %q", i, rec, want[i])
		}
	}
}

// FuzzReadSplit compares readSplit with encoding/csv on any input.
func FuzzReadSplit(f *testing.F) {
	for _, in := range readSplitCases {
		f.Add([]byte(in), byte(','))
	}
	f.Add([]byte("a;\"b;\"\"c\"\r\n"), byte(';'))
	f.Fuzz(func(t *testing.T, in []byte, comma byte) {
		readSplitSame(t, in, comma)
	})
}

// readSplitSame fails t unless readSplit reads in as encoding/csv does or
// declines an input that encoding/csv refuses.
func readSplitSame(t *testing.T, in []byte, comma byte) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(in))
	r.Comma = rune(comma)
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
	got, gotLines, ok := readSplit(bytes.Clone(in), comma, nil, bytes.Count(in, []byte{'\n'})+1) // it rewrites its input
	switch {
	case !ok && wantErr == nil && comma < 0x80 && readValidDelim(rune(comma)):
		t.Errorf("readSplit(%q, %q) declined what encoding/csv reads: %q", in, comma, want)
	case ok && wantErr != nil:
		t.Errorf("readSplit(%q, %q) = %q, but encoding/csv fails: %v", in, comma, got, wantErr)
	case ok && !slices.EqualFunc(got, want, slices.Equal):
		t.Errorf("readSplit(%q, %q) = %q, want %q", in, comma, got, want)
	case ok && !slices.Equal(gotLines, wantLines):
		t.Errorf("readSplit(%q, %q) lines %v, want %v", in, comma, gotLines, wantLines)
	}
}

// BenchmarkReadSplit splits a generated list's text with readSplit and
// with encoding/csv (readCSV's other way), chunk by chunk as a
// RecordStream gives them, each chunk copied first since readSplit
// rewrites it.
func BenchmarkReadSplit(b *testing.B) {
	path := filepath.Join(b.TempDir(), "list.csv")
	writeGeneratedList(b, path, 100_000)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var chunks [][]byte
	for rest := data; len(rest) > 0; {
		end := readRecordsEnd(rest[:min(len(rest), readChunkSize)], []byte{','})
		if end == 0 {
			end = len(rest)
		}
		chunks, rest = append(chunks, rest[:end]), rest[end:]
	}
	for _, bc := range []struct {
		name  string
		split func(c []byte, n int) error
	}{
		{"readSplit", func(c []byte, n int) error {
			if _, _, ok := readSplit(c, ',', nil, n); !ok {
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
