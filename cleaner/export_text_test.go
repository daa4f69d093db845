package cleaner

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/listclean/listclean/cleaner/csvfile"
	"github.com/listclean/listclean/cleaner/internal/corpora"
)

// exportTextLists are lists with the rows the export copies as their text
// (csvfile.Records) could go wrong on: delimiters, line ends, encodings,
// a byte-order mark, ragged rows, rows of one empty cell, cells with
// spaces around them, formula cells, quoted cells that need their quotes
// and cells quoted that need none.
var exportTextLists = []string{
	sessionList + streamExtra,
	streamUnicode,
	"email,name,note\n a@good.com ,Ann , x \n=1+1@good.com,+44 20 7946 0958,-5\nb@good.com,\"\tx\",\"\rx\"\n-x@good.com,\"=a,b\",\"\"\"q\"\"\"\n" +
		"\"c@good.com\",\"quoted\",\"for nothing\"\n\"\"\nd@good.com\nragged@good.com,1,2,3,4\n,,\n\"\",x,\n@x,y\n",
	"email;name;note\r\na@good.com;\"Doe; Ann\";\"two\r\nlines\"\r\n\"\";\r\nb@gmial.com;x;y;z\r\n=c@good.com;@d;+e\r\n",
	"email\tnote\na@good.com\t\"two\nlines\"\nb@hotmial.com\t\"\"\"\"\n\"\"\n\"x\ty@good.com\"\t1\n",
	"\xEF\xBB\xBFEmail,Name\r\na@good.com,\"Zo\u00eb\"\r\n\"\uFEFFb@good.com\",x\r\n",
	"Email,Name\na@good.com,M\xfcller\nb@gmial.com,Caf\xe9\n=c@good.com,\xe9\n", // Windows-1252
	"\xFF\xFE" + utf16LEText("Email,Name\r\na@good.com,Ann\r\nb@gmial.com,\"x,y\"\r\n"),
	"email,n\na@good.com,Bob \"the builder\",5'11\"\n",
	"sep=|\nemail|n\na@good.com|\"sep=|\"\nsep=x@good.com|y\n",
	"email;name\na@good.com;x\n\"b,c@good.com\"\nd,e@good.com\nf|g@good.com\n\"h,i;j@good.com\"\n", // rows of one field another delimiter splits
}

// utf16LEText encodes s, which holds no character beyond U+FFFF, as
// UTF-16LE.
func utf16LEText(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteByte(byte(r))
		b.WriteByte(byte(r >> 8))
	}
	return b.String()
}

// TestExportTextSameAsCells is the differential test of the export's copy
// of the rows held as their text: over exportTextLists, the CSV corpora
// and the subscriber exports, a list as read, whose rows are mostly held
// as their text, and the same list with its rows held as cells
// (RecordsOf), which the export writes cell by cell, give the same
// outputs byte for byte, with every kind of row: kept, corrected to an
// address that needs quotes, a formula or the address it has, removed;
// with and without the formula escape.
func TestExportTextSameAsCells(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for k, list := range exportTextLists {
		p := filepath.Join(dir, fmt.Sprintf("list%d.csv", k))
		if err := os.WriteFile(p, []byte(list), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	paths = append(paths, "../testdata/subscribers.csv")
	exportTextSame(t, paths, true)
	t.Run("corpora", func(t *testing.T) {
		paths = nil
		for _, sub := range []string{"csv", "subscriber_exports"} {
			err := filepath.WalkDir(corpora.Dir(t, sub), func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.Contains(".csv.tsv.txt", filepath.Ext(path)) && filepath.Ext(path) != "" {
					paths = append(paths, path)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		exportTextSame(t, paths, false)
	})
}

// exportTextSame checks the lists at paths as TestExportTextSameAsCells
// says; all says that every list must be read.
func exportTextSame(t *testing.T, paths []string, all bool) {
	t.Helper()
	fixes := []string{"fixed@good.com", "a,b@good.com", `q"x@good.com`, "=cmd@good.com", " sp@good.com", "", "x\ny@good.com"}
	var lists, rows, texts int
	for _, path := range paths {
		l, err := ReadFile(path, ReadOptions{})
		if errors.Is(err, csvfile.ErrNoEmailColumn) && l != nil {
			err = l.SetEmailColumn("1")
		}
		if err != nil {
			if all {
				t.Fatalf("%s: %v", path, err)
			}
			continue
		}
		lists++
		cells := *l
		all := make([][]string, l.Rows.Len())
		for i := range all {
			all[i] = l.Rows.Row(i)
		}
		cells.Rows = RecordsOf(all)
		enc := csvfile.NewEncoder(l.Delimiter, l.CRLF)
		for i := range l.Rows.Len() {
			rows++
			if _, ok := enc.RowText(l.Rows, i, false); ok {
				texts++
			}
		}
		var sessions [2]*Session
		for k, list := range []*List{l, &cells} {
			s := NewSession(list, false)
			s.JudgeAll()
			for i := range s.Rows {
				switch i % 4 {
				case 1:
					s.Decide([]int{i}, Decision{Action: ActionFix, Email: fixes[i/4%len(fixes)]})
				case 2:
					s.Decide([]int{i}, Decision{Action: ActionRemove})
				case 3:
					s.Decide([]int{i}, Decision{Action: ActionFix, Email: s.Rows[i].Addr().Raw})
				}
			}
			sessions[k] = s
		}
		for _, opt := range []ExportOptions{
			{Policy: Policy{Fix: true}},
			{Policy: Policy{Fix: true, DropRisky: true}, EscapeFormulas: true},
		} {
			opt.Paths = ExportPaths{Cleaned: "c.csv", Removed: "r.csv", Report: "p.csv", Changes: "x.csv"}
			var outs [2][][]byte
			for k, s := range sessions {
				_, files := s.exportOutputs(opt)
				for _, f := range files {
					var b bytes.Buffer
					if err := f.Write(&b); err != nil {
						t.Fatalf("%s: %s: %v", path, f.Path, err)
					}
					outs[k] = append(outs[k], b.Bytes())
				}
			}
			for k := range outs[0] {
				if !bytes.Equal(outs[0][k], outs[1][k]) {
					t.Errorf("%s (escape %v): output %d differs from the rows' cells written:\n%q\nthe cells:\n%q", path, opt.EscapeFormulas, k, outs[0][k], outs[1][k])
				}
			}
		}
	}
	t.Logf("%d lists: %d rows, %d of them held as their text", lists, rows, texts)
	if texts < rows/2 {
		t.Errorf("%d of %d rows held as their text, want at least half", texts, rows)
	}
}
