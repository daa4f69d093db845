package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestReadList(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opt    ReadOptions
		header []string
		rows   [][]string
		lines  []int
		col    int
		by     string
		delim  rune
		enc    string
		crlf   bool
		notes  []string // substrings, one per note, in order
	}{{
		name:   "simple",
		in:     "email,name\na@x.com,Ann\nb@y.org,Bob\n",
		header: []string{"email", "name"},
		rows:   [][]string{{"a@x.com", "Ann"}, {"b@y.org", "Bob"}},
		lines:  []int{2, 3}, col: 0, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "CRLF and no final newline",
		in:     "name,Email\r\nAnn,a@x.com\r\nBob,b@y.org",
		header: []string{"name", "Email"},
		rows:   [][]string{{"Ann", "a@x.com"}, {"Bob", "b@y.org"}},
		lines:  []int{2, 3}, col: 1, by: "header", delim: ',', enc: "UTF-8", crlf: true,
	}, {
		name:   "BOM",
		in:     "\xEF\xBB\xBFEmail Address,First Name\r\na@x.com,Ann\r\n",
		header: []string{"Email Address", "First Name"},
		rows:   [][]string{{"a@x.com", "Ann"}},
		lines:  []int{2}, col: 0, by: "header", delim: ',', enc: "UTF-8 with BOM", crlf: true,
	}, {
		name:   "quoted commas, quotes and newlines",
		in:     "email,note,tags\n\"a@x.com\",\"line one\nline two\",\"\"\"Editors\"\"\"\nb@y.org,\"Doe, J\",\"x\n\ny\"\nc@z.net,,\n",
		header: []string{"email", "note", "tags"},
		rows:   [][]string{{"a@x.com", "line one\nline two", `"Editors"`}, {"b@y.org", "Doe, J", "x\n\ny"}, {"c@z.net", "", ""}},
		lines:  []int{2, 4, 7}, col: 0, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "quoted CRLF inside a field kept",
		in:     "email,note\r\na@x.com,\"one\r\ntwo\"\r\nb@y.org,x\r\n",
		header: []string{"email", "note"},
		rows:   [][]string{{"a@x.com", "one\r\ntwo"}, {"b@y.org", "x"}},
		lines:  []int{2, 4}, col: 0, by: "header", delim: ',', enc: "UTF-8", crlf: true,
	}, {
		name:   "quoted CRLF in an LF file kept",
		in:     "email,note\na@x.com,\"one\r\ntwo\"\nb@y.org,x\n",
		header: []string{"email", "note"},
		rows:   [][]string{{"a@x.com", "one\r\ntwo"}, {"b@y.org", "x"}},
		lines:  []int{2, 4}, col: 0, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "quoted LF in a CRLF file kept",
		in:     "email,note\r\na@x.com,\"one\ntwo\"\r\nb@y.org,\"x\ry\"\r\n",
		header: []string{"email", "note"},
		rows:   [][]string{{"a@x.com", "one\ntwo"}, {"b@y.org", "x\ry"}},
		lines:  []int{2, 4}, col: 0, by: "header", delim: ',', enc: "UTF-8", crlf: true,
	}, {
		// As spreadsheets and Python's csv read it: three rows, not
		// Bob's inside Ann's name.
		name:   "a lone CR ends a record",
		in:     "email,name\r\nann@gmail.com,Ann\rbob@example.com,Bob\r\ncat@yahoo.com,Cat\r\n",
		header: []string{"email", "name"},
		rows:   [][]string{{"ann@gmail.com", "Ann"}, {"bob@example.com", "Bob"}, {"cat@yahoo.com", "Cat"}},
		lines:  []int{2, 3, 4}, col: 0, by: "header", delim: ',', enc: "UTF-8", crlf: true,
	}, {
		name:   "a lone CR after a closing quote",
		in:     "email,name\n\"ann@gmail.com\",\"Ann\"\r\"bob@example.com\",Bob\n",
		header: []string{"email", "name"},
		rows:   [][]string{{"ann@gmail.com", "Ann"}, {"bob@example.com", "Bob"}},
		lines:  []int{2, 3}, col: 0, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "CR line ends (Excel's CSV (Macintosh))",
		in:     "email;name;note\rann@gmail.com;Ann;\"two\nlines\"\rbob@example.com;Bob;\"x\ry\"\r",
		header: []string{"email", "name", "note"},
		rows:   [][]string{{"ann@gmail.com", "Ann", "two\nlines"}, {"bob@example.com", "Bob", "x\ry"}},
		lines:  []int{2, 4}, col: 0, by: "header", delim: ';', enc: "UTF-8", crlf: true,
		notes: []string{"lines end in CR alone"},
	}, {
		name:   "ragged rows kept and blank lines skipped",
		in:     "email,name,note\nragged@x.com\n\nfull@x.com,Bob,a note\nlong@x.com,Ann,n,extra,more\n\n",
		header: []string{"email", "name", "note"},
		rows:   [][]string{{"ragged@x.com"}, {"full@x.com", "Bob", "a note"}, {"long@x.com", "Ann", "n", "extra", "more"}},
		lines:  []int{2, 4, 5}, col: 0, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "semicolon with decimal commas",
		in:     "Name;E-Mail;Score\nMüller, Jo;jo@x.de;1,5\nAnn;ann@x.de;2,25\n",
		header: []string{"Name", "E-Mail", "Score"},
		rows:   [][]string{{"Müller, Jo", "jo@x.de", "1,5"}, {"Ann", "ann@x.de", "2,25"}},
		lines:  []int{2, 3}, col: 1, by: "header", delim: ';', enc: "UTF-8",
	}, {
		name:   "tab with rows",
		in:     "id\temail_address\tname\n1\ta@x.com\tDoe, Ann\n2\tb@x.com\t\"Tab\there\"\n",
		header: []string{"id", "email_address", "name"},
		rows:   [][]string{{"1", "a@x.com", "Doe, Ann"}, {"2", "b@x.com", "Tab\there"}},
		lines:  []int{2, 3}, col: 1, by: "header", delim: '\t', enc: "UTF-8",
	}, {
		name:   "pipe",
		in:     "mail|list\na@x.com|news, weekly\nb@x.com|news\n",
		header: []string{"mail", "list"},
		rows:   [][]string{{"a@x.com", "news, weekly"}, {"b@x.com", "news"}},
		lines:  []int{2, 3}, col: 0, by: "header", delim: '|', enc: "UTF-8",
	}, {
		name:   "delimiter option beats sniffing",
		in:     "email;x,y\na@x.com;1,2\n",
		opt:    ReadOptions{Delimiter: ';'},
		header: []string{"email", "x,y"},
		rows:   [][]string{{"a@x.com", "1,2"}},
		lines:  []int{2}, col: 0, by: "header", delim: ';', enc: "UTF-8",
	}, {
		name:   "Excel sep= line",
		in:     "sep=;\r\nemail;name,first\r\na@x.com;Doe,Ann\r\n",
		header: []string{"email", "name,first"},
		rows:   [][]string{{"a@x.com", "Doe,Ann"}},
		lines:  []int{3}, col: 0, by: "header", delim: ';', enc: "UTF-8", crlf: true,
	}, {
		// A sep= line is honoured whatever it declares as long as the
		// line after it is not one column that one of , ; tab | splits.
		name:   "sep= line declaring a digit the header is split by",
		in:     "sep=0\nemail0name\na@x.com0Ann, Bob\n",
		header: []string{"email", "name"},
		rows:   [][]string{{"a@x.com", "Ann, Bob"}},
		lines:  []int{3}, col: 0, by: "header", delim: '0', enc: "UTF-8",
	}, {
		name:   "delimiter option beats a sep= line not the file's",
		in:     "sep=;\nemail,name\na@x.com,Ann\n",
		opt:    ReadOptions{Delimiter: ','},
		header: []string{"email", "name"},
		rows:   [][]string{{"a@x.com", "Ann"}},
		lines:  []int{3}, col: 0, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "Windows-1252",
		in:     "email,name\nm@x.de,M\xfcller\nc@x.fr,Fran\xe7oise \x80\n",
		header: []string{"email", "name"},
		rows:   [][]string{{"m@x.de", "Müller"}, {"c@x.fr", "Françoise €"}},
		lines:  []int{2, 3}, col: 0, by: "header", delim: ',', enc: "Windows-1252",
		notes: []string{"not valid UTF-8: read as Windows-1252"},
	}, {
		name:   "UTF-16LE with BOM",
		in:     utf16LE("\uFEFFemail\tname\r\na@x.com\tZoë\r\n"),
		header: []string{"email", "name"},
		rows:   [][]string{{"a@x.com", "Zoë"}},
		lines:  []int{2}, col: 0, by: "header", delim: '\t', enc: "UTF-16LE", crlf: true,
		notes: []string{"read as UTF-16LE"},
	}, {
		name:   "UTF-16BE with BOM",
		in:     utf16BE("\uFEFFemail\na@x.com\n"),
		header: []string{"email"},
		rows:   [][]string{{"a@x.com"}},
		lines:  []int{2}, col: 0, by: "header", delim: ',', enc: "UTF-16BE",
		notes: []string{"read as UTF-16BE"},
	}, {
		name:   "bare quotes in unquoted fields",
		in:     "email,name,height\na@x.com,Bob \"the builder\",5'11\"\nb@x.com,\"Ann\",1\n",
		header: []string{"email", "name", "height"},
		rows:   [][]string{{"a@x.com", `Bob "the builder"`, `5'11"`}, {"b@x.com", "Ann", "1"}},
		lines:  []int{2, 3}, col: 0, by: "header", delim: ',', enc: "UTF-8",
		notes: []string{"quotes inside 2 unquoted fields (the first at line 2, column 9) were read as ordinary characters"},
	}, {
		name:   "bare quotes with CRLF",
		in:     "email,height\r\na@x.com,5\"\r\nb@x.com,6\"\r",
		header: []string{"email", "height"},
		rows:   [][]string{{"a@x.com", `5"`}, {"b@x.com", `6"`}},
		lines:  []int{2, 3}, col: 0, by: "header", delim: ',', enc: "UTF-8", crlf: true,
		notes: []string{"quotes inside 2 unquoted fields (the first at line 2, column 9)"},
	}, {
		name:   "header E-Mail-Adresse",
		in:     "Vorname,E-Mail-Adresse\nJo,jo@x.de\n",
		header: []string{"Vorname", "E-Mail-Adresse"},
		rows:   [][]string{{"Jo", "jo@x.de"}},
		lines:  []int{2}, col: 1, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "header in any case and spacing",
		in:     "email_disabled, EMAIL ADDRESS \nfalse,a@x.com\n",
		header: []string{"email_disabled", " EMAIL ADDRESS "},
		rows:   [][]string{{"false", "a@x.com"}},
		lines:  []int{2}, col: 1, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "header containing mail, checked by content",
		in:     "Name,Mail Opt-In,E-mail 1 - Value\nAnn,yes,a@x.com\nBob,no,b@x.com\n",
		header: []string{"Name", "Mail Opt-In", "E-mail 1 - Value"},
		rows:   [][]string{{"Ann", "yes", "a@x.com"}, {"Bob", "no", "b@x.com"}},
		lines:  []int{2, 3}, col: 2, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "column by content",
		in:     "correo_electrpnico,twitter\na@x.com,@ann\n,@bob\nc@x.com,\nnot an address,@cy\n",
		header: []string{"correo_electrpnico", "twitter"},
		rows:   [][]string{{"a@x.com", "@ann"}, {"", "@bob"}, {"c@x.com", ""}, {"not an address", "@cy"}},
		lines:  []int{2, 3, 4, 5}, col: 0, by: "content", delim: ',', enc: "UTF-8",
		notes: []string{`no email header: using column 1 "correo_electrpnico", where 2 of 3 values look like addresses`},
	}, {
		name:   "column option by name",
		in:     "Email,Work\na@x.com,a@work.com\n",
		opt:    ReadOptions{Column: " work "},
		header: []string{"Email", "Work"},
		rows:   [][]string{{"a@x.com", "a@work.com"}},
		lines:  []int{2}, col: 1, by: "option", delim: ',', enc: "UTF-8",
	}, {
		name:   "column option by number",
		in:     "Email,Work\na@x.com,a@work.com\n",
		opt:    ReadOptions{Column: "2"},
		header: []string{"Email", "Work"},
		rows:   [][]string{{"a@x.com", "a@work.com"}},
		lines:  []int{2}, col: 1, by: "option", delim: ',', enc: "UTF-8",
	}, {
		name:  "no header line",
		in:    "lorem@example.com\nipsum@example.com\n\ndolor@example.com\n",
		rows:  [][]string{{"lorem@example.com"}, {"ipsum@example.com"}, {"dolor@example.com"}},
		lines: []int{1, 2, 4}, col: 0, by: "content", delim: ',', enc: "UTF-8",
		notes: []string{"no header line: line 1 holds an address in column 1"},
	}, {
		name:  "no header line, one address",
		in:    "Ann,ann@x.com",
		rows:  [][]string{{"Ann", "ann@x.com"}},
		lines: []int{1}, col: 1, by: "content", delim: ',', enc: "UTF-8",
		notes: []string{"no header line"},
	}, {
		name:  "no header line, the first address a typo whose domain holds mail",
		in:    "bad@gmail.con\nann@x.com\nbob@y.org\n",
		rows:  [][]string{{"bad@gmail.con"}, {"ann@x.com"}, {"bob@y.org"}},
		lines: []int{1, 2, 3}, col: 0, by: "content", delim: ',', enc: "UTF-8",
		notes: []string{"no header line: line 1 holds an address in column 1"},
	}, {
		name:  "no header line, an address named like a header",
		in:    "email@example.com,Ann\nbob@y.org,Bob\n",
		rows:  [][]string{{"email@example.com", "Ann"}, {"bob@y.org", "Bob"}},
		lines: []int{1, 2}, col: 0, by: "content", delim: ',', enc: "UTF-8",
		notes: []string{"no header line"},
	}, {
		name:  "HeaderNone: a first line that names the column is a row",
		in:    "email,name\na@x.com,Ann\n",
		opt:   ReadOptions{Header: HeaderNone},
		rows:  [][]string{{"email", "name"}, {"a@x.com", "Ann"}},
		lines: []int{1, 2}, col: 0, by: "content", delim: ',', enc: "UTF-8",
	}, {
		name:   "HeaderFirstLine: a first line holding an address is the header",
		in:     "a@x.com,1\nb@x.com,2\n",
		opt:    ReadOptions{Header: HeaderFirstLine},
		header: []string{"a@x.com", "1"},
		rows:   [][]string{{"b@x.com", "2"}},
		lines:  []int{2}, col: 0, by: "content", delim: ',', enc: "UTF-8",
		notes: []string{`no email header: using column 1 "a@x.com", where 1 of 1 values look like addresses`},
	}, {
		// No delimiter splits the first line: the one given is as good
		// as any.
		name:   "a delimiter given, one column",
		in:     "email\na@x.com\n",
		opt:    ReadOptions{Delimiter: ';'},
		header: []string{"email"},
		rows:   [][]string{{"a@x.com"}},
		lines:  []int{2}, col: 0, by: "header", delim: ';', enc: "UTF-8",
	}, {
		name:   "unnamed columns",
		in:     "email,tag,,\na@x.com,1,,\n",
		header: []string{"email", "tag", "", ""},
		rows:   [][]string{{"a@x.com", "1", "", ""}},
		lines:  []int{2}, col: 0, by: "header", delim: ',', enc: "UTF-8",
	}, {
		name:   "single empty field kept",
		in:     "email\n\"\"\na@x.com\n",
		header: []string{"email"},
		rows:   [][]string{{""}, {"a@x.com"}},
		lines:  []int{2, 3}, col: 0, by: "header", delim: ',', enc: "UTF-8",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Read(strings.NewReader(tt.in), "in.csv", tt.opt)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !reflect.DeepEqual(l.Header, tt.header) {
				t.Errorf("Header = %q, want %q", l.Header, tt.header)
			}
			if tt.rows != nil && !reflect.DeepEqual(l.Rows.all(), tt.rows) {
				t.Errorf("Rows = %q, want %q", l.Rows.all(), tt.rows)
			}
			// The line each row starts on, as the stream that read them
			// gives it, after the header's.
			lines := streamLines(t, []byte(tt.in), tt.opt.Delimiter, 0)
			if len(lines) == 0 || l.firstLine != lines[0] {
				t.Errorf("the first record's line %d, the stream's lines %v", l.firstLine, lines)
			} else if l.Header != nil {
				lines = lines[1:]
			}
			if tt.lines != nil && !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
			if len(lines) != l.Rows.Len() {
				t.Errorf("%d lines for %d Rows", len(lines), l.Rows.Len())
			}
			if l.EmailCol != tt.col || l.ColumnBy != tt.by {
				t.Errorf("EmailCol, ColumnBy = %d, %q, want %d, %q", l.EmailCol, l.ColumnBy, tt.col, tt.by)
			}
			if l.Delimiter != tt.delim || l.Encoding != tt.enc || l.CRLF != tt.crlf {
				t.Errorf("Delimiter, Encoding, CRLF = %q, %q, %v, want %q, %q, %v", l.Delimiter, l.Encoding, l.CRLF, tt.delim, tt.enc, tt.crlf)
			}
			if len(l.Notes) != len(tt.notes) {
				t.Fatalf("Notes = %q, want %d like %q", l.Notes, len(tt.notes), tt.notes)
			}
			for i, n := range tt.notes {
				if !strings.Contains(l.Notes[i], n) {
					t.Errorf("Notes[%d] = %q, want it to contain %q", i, l.Notes[i], n)
				}
			}
			if l.Name != "in.csv" {
				t.Errorf("Name = %q", l.Name)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		opt       ReadOptions
		line, col int
		is        error    // errors.Is target, or nil
		msg       []string // substrings of the message
		list      bool     // a list comes with the error
	}{
		{name: "empty", in: "", is: ErrEmptyFile},
		{name: "BOM only", in: "\xEF\xBB\xBF", is: ErrEmptyFile},
		{name: "blank lines only", in: "\n\r\n\n", is: ErrEmptyFile},
		{name: "header only", in: "email,name\n", line: 1, is: ErrNoDataRows},
		{name: "header only after blank lines", in: "\n\nemail,name\r\n\r\n", line: 3, is: ErrNoDataRows},
		{name: "NUL byte", in: "email\na@x.com\nb\x00@x.com\n", line: 3, col: 2, is: ErrBinaryFile, msg: []string{"NUL byte"}},
		{name: "xlsx", in: "PK\x03\x04\x14\x00\x06\x00", line: 1, col: 6, is: ErrBinaryFile, msg: []string{"Excel workbook (.xlsx)"}},
		{name: "xls", in: "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00", line: 1, col: 7, is: ErrBinaryFile, msg: []string{"old Excel workbook"}},
		{name: "UTF-16 without BOM", in: "e\x00m\x00a\x00i\x00l\x00", line: 1, col: 2, is: ErrBinaryFile, msg: []string{"UTF-16 text without a byte-order mark"}},
		{
			name: "unterminated quote", in: "email,note\na@x.com,ok\nb@x.com,\"never closed\nc@x.com,x\nd@x.com,y\n",
			line: 3, col: 9, is: csv.ErrQuote, msg: []string{"unterminated quoted field"},
		},
		{
			name: "unterminated quote after quoted fields", in: "email,a,b\nx@y.z,\"q\"\"\",\"one\ntwo\",\"open\n",
			line: 3, col: 6, is: csv.ErrQuote, msg: []string{"unterminated"},
		},
		{
			name: "unterminated quote after a bare quote", in: "email,a,b\nx@y.z,5\"11,\"open\n",
			line: 2, col: 12, is: csv.ErrQuote, msg: []string{"unterminated"},
		},
		{
			name: "extraneous quote", in: "email,name\na@x.com,\"Smith, J\" <j>\n",
			line: 2, col: 18, is: csv.ErrQuote, msg: []string{`extraneous " in quoted field`},
		},
		{
			name: "extraneous quote after bare quotes, column in characters", in: "email,n,m\nä@x.com,a\"b\"c,\"x\"y\n",
			line: 2, col: 17, is: csv.ErrQuote, msg: []string{"extraneous"},
		},
		{
			name: "no email column", in: "Name,Phone\nAnn,555\nBob,\n",
			is: ErrNoEmailColumn, msg: []string{`no header names an email address and no column holds addresses (headers: "Name", "Phone")`}, list: true,
		},
		{
			name: "ambiguous email header", in: "Email,Name,E-mail\na@x.com,Ann,b@x.com\n",
			is: ErrNoEmailColumn, msg: []string{`columns 1 "Email" and 3 "E-mail" are both named like it`}, list: true,
		},
		{
			name: "no such column name", in: "email,name\na@x.com,Ann\n", opt: ReadOptions{Column: "mail"},
			is: ErrNoEmailColumn, msg: []string{`no column named "mail" (headers: "email", "name")`}, list: true,
		},
		{
			name: "no such column number", in: "email,name\na@x.com,Ann\n", opt: ReadOptions{Column: "3"},
			is: ErrNoEmailColumn, msg: []string{"there is no column 3; the file has 2"}, list: true,
		},
		{
			name: "invalid UTF-8 in UTF-8 text", in: "email,name\nj@x.jp,日本\nm@x.de,M\xfcller\xe9\n",
			line: 3, col: 9, is: ErrMixedEncoding, msg: []string{"(byte 0xFC and 1 more): the file mixes encodings", "save it as CSV UTF-8"},
		},
		{
			name: "invalid UTF-8 after a UTF-8 byte-order mark", in: "\xEF\xBB\xBFemail,name\nm@x.de,M\xfcller\n",
			line: 2, col: 9, is: ErrMixedEncoding, msg: []string{"(byte 0xFC)"},
		},
		{
			name: "duplicate header names", in: "email,Tag, Tag ,,\na@x.com,1,2,,\n",
			line: 1, is: ErrDuplicateHeader, msg: []string{`columns 2 "Tag" and 3 " Tag ", which only case or spaces tell apart; rename one`},
		},
		{
			name: "duplicate header names but for case", in: "email,name,Tag,NAME\na@x.com,1,2,3\n",
			line: 1, is: ErrDuplicateHeader, msg: []string{`columns 2 "name" and 4 "NAME"`},
		},
		{
			name: "duplicate header names but for case and spaces", in: "email,Name ,name\na@x.com,1,2\n",
			line: 1, is: ErrDuplicateHeader, msg: []string{`columns 2 "Name " and 3 "name"`},
		},
		{
			name: "duplicate header names, folded letters", in: "email,Kelvin,\u212Aelvin\na@x.com,1,2\n",
			line: 1, is: ErrDuplicateHeader, msg: []string{"columns 2 \"Kelvin\" and 3 \"\u212Aelvin\""},
		},
		{name: "invalid delimiter", in: "a,b\n", opt: ReadOptions{Delimiter: '"'}, msg: []string{`invalid delimiter '"'`}},
		{
			name: "a delimiter not the file's", in: "\"email\",name,note\na@x.com,Ann,x\n", opt: ReadOptions{Delimiter: ';'},
			line: 1, is: ErrWrongDelimiter, msg: []string{`';' leaves the first line one column, while ',' splits it into 3; choose ','`},
		},
		{
			name: "a delimiter not the file's, after its sep= line", in: "sep=;\r\nemail\tname\r\na@x.com\tAnn\r\n", opt: ReadOptions{Delimiter: '|'},
			line: 2, is: ErrWrongDelimiter, msg: []string{`'|' leaves the first line one column, while '\t' splits it into 2`},
		},
		// A delimiter the sep= line declares is checked as one asked for
		// is, and refused at the sep= line: read as it says, every row
		// would be one cell, and the list written back would be refused
		// when read with that delimiter.
		{
			name: "a sep= line declaring a digit", in: "sep=0\nemail,name\na@x.com,Ann\n",
			line: 1, is: ErrWrongDelimiter, msg: []string{`the sep= line declares '0', which leaves the next line one column, while ',' splits it into 2; choose ','`},
		},
		{
			name: "a sep= line declaring a letter", in: "sep=x\r\nemail|name\r\na@x.com|Ann\r\n",
			line: 1, is: ErrWrongDelimiter, msg: []string{`the sep= line declares 'x', which leaves the next line one column, while '|' splits it into 2`},
		},
		{
			name: "a sep= line declaring a delimiter not the file's", in: "sep=;\remail,name,city\ra@x.com,Ann,Oslo\r",
			line: 1, is: ErrWrongDelimiter, msg: []string{`declares ';', which leaves the next line one column, while ',' splits it into 3`},
		},
		{
			name: "a sep= line declaring a control character", in: "sep=\x1b\nemail\tname\na@x.com\tAnn\n",
			line: 1, is: ErrWrongDelimiter, msg: []string{`declares '\x1b'`},
		},
		{name: "too large", in: "email\na@x.com\n", opt: ReadOptions{MaxBytes: 8}, is: ErrFileTooLarge, msg: []string{"more than 8 bytes"}},
		{
			name: "record too long", in: "email,note\na@x.com,ok\nb@x.com," + strings.Repeat("x", readMaxRecord) + "\n",
			line: 3, col: 1, is: errReadLongRecord,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Read(strings.NewReader(tt.in), "in.csv", tt.opt)
			if err == nil {
				t.Fatalf("Read succeeded: %q", l.Rows.all())
			}
			var re *ReadError
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a *ReadError", err, err)
			}
			if re.File != "in.csv" || re.Line != tt.line || re.Column != tt.col {
				t.Errorf("error at %s:%d:%d, want in.csv:%d:%d (%v)", re.File, re.Line, re.Column, tt.line, tt.col, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			for _, m := range tt.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not contain %q", err, m)
				}
			}
			if (l != nil) != tt.list {
				t.Errorf("list returned: %v, want %v", l != nil, tt.list)
			}
			if l != nil && (l.EmailCol != -1 || l.EmailCell(0) != "") {
				t.Errorf("EmailCol = %d with the error, want -1", l.EmailCol)
			}
		})
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, []byte("email\na@x.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.csv")
	tests := []struct {
		path string
		opt  ReadOptions
		is   error
		want string
	}{
		{missing, ReadOptions{}, fs.ErrNotExist, missing + ": no such file or directory"},
		{dir, ReadOptions{}, nil, dir + ": is a directory, not a CSV file"},
		{big, ReadOptions{MaxBytes: 10}, ErrFileTooLarge, big + ": file too large: 14 bytes (the limit is 10 bytes)"},
	}
	for _, tt := range tests {
		l, err := ReadFile(tt.path, tt.opt)
		if l != nil || err == nil {
			t.Errorf("ReadFile(%s) = %v, %v, want an error", tt.path, l, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ReadFile(%s) error %q, want %q", tt.path, err, tt.want)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("ReadFile(%s) error %v is not %v", tt.path, err, tt.is)
		}
	}
}

func TestReadFileColumnNumber(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.csv")
	if err := os.WriteFile(path, []byte("a@x.com,Ann\nb@x.com,Bob\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := ReadFile(path, ReadOptions{Column: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Header != nil || l.Rows.Len() != 2 || l.EmailCol != 0 || l.ColumnBy != "option" || l.Name != path {
		t.Errorf("got Header %q, %d rows, EmailCol %d by %q, Name %q", l.Header, l.Rows.Len(), l.EmailCol, l.ColumnBy, l.Name)
	}
}

func TestReadErrorString(t *testing.T) {
	err := errors.New("what")
	tests := []struct {
		e    ReadError
		want string
	}{
		{ReadError{"a.csv", 3, 7, err}, "a.csv:3:7: what"},
		{ReadError{"a.csv", 3, 0, err}, "a.csv:3: what"},
		{ReadError{"a.csv", 0, 0, err}, "a.csv: what"},
		{ReadError{"", 3, 7, err}, "3:7: what"},
		{ReadError{"", 0, 0, err}, "what"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestReadSetEmailColumn(t *testing.T) {
	l, err := Read(strings.NewReader("Name,Email,Work,Home\nAnn,a@x.com,a@w.com,x\nBob\n"), "in.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec  string
		col   int
		cells []string
		err   string
	}{
		{spec: "email", col: 1, cells: []string{"a@x.com", ""}},
		{spec: "3", col: 2, cells: []string{"a@w.com", ""}},
		{spec: " NAME ", col: 0, cells: []string{"Ann", "Bob"}},
		{spec: "home ", col: 3, cells: []string{"x", ""}},
		{spec: "5", err: "in.csv: no email column: there is no column 5; the file has 4"},
		{spec: "0", err: "there is no column 0"},
		{spec: "", err: `no column named ""`},
	}
	for _, tt := range tests {
		err := l.SetEmailColumn(tt.spec)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrNoEmailColumn) {
				t.Errorf("SetEmailColumn(%q) = %v, want error %q", tt.spec, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("SetEmailColumn(%q): %v", tt.spec, err)
			continue
		}
		if l.EmailCol != tt.col || l.ColumnBy != "option" {
			t.Errorf("SetEmailColumn(%q): EmailCol %d by %q, want %d by option", tt.spec, l.EmailCol, l.ColumnBy, tt.col)
		}
		for i, want := range tt.cells {
			if got := l.EmailCell(i); got != want {
				t.Errorf("SetEmailColumn(%q): EmailCell(%d) = %q, want %q", tt.spec, i, got, want)
			}
		}
	}

	// A list without a header line takes numbers only.
	l, err = Read(strings.NewReader("a@x.com,Ann\n"), "in.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetEmailColumn("2"); err != nil || l.EmailCell(0) != "Ann" {
		t.Errorf("SetEmailColumn(2) = %v, cell %q", err, l.EmailCell(0))
	}
	if err := l.SetEmailColumn("email"); err == nil || !strings.Contains(err.Error(), "no header line; give a column number") {
		t.Errorf("SetEmailColumn(email) on a headerless list = %v", err)
	}
}

// TestSetHeaderless moves the first line between the header and the rows,
// as the column screen's toggle does, and refuses a header it cannot be.
func TestSetHeaderless(t *testing.T) {
	l, err := Read(strings.NewReader("email,name\na@x.com,Ann\nb@x.com,Bob\n"), "in.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetHeaderless(true); err != nil {
		t.Fatal(err)
	}
	if l.Header != nil || l.Rows.Len() != 3 || l.Rows.Row(0)[0] != "email" {
		t.Fatalf("first line as data: Header %q, Rows %q", l.Header, l.Rows.all())
	}
	if hits, filled := l.ColumnHits(0); hits != 2 || filled != 3 {
		t.Errorf("ColumnHits(0) = %d of %d, want 2 of 3", hits, filled)
	}
	if hits, filled := l.ColumnHits(1); hits != 0 || filled != 3 {
		t.Errorf("ColumnHits(1) = %d of %d, want 0 of 3", hits, filled)
	}
	if err := l.SetHeaderless(false); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(l.Header, []string{"email", "name"}) || l.Rows.Len() != 2 {
		t.Fatalf("first line as header again: Header %q, Rows %q", l.Header, l.Rows.all())
	}

	// A detected headerless list loses its note when given a header.
	l, err = Read(strings.NewReader("a@x.com,Tag\nb@x.com,Tag\nc@x.com,Other\n"), "in.csv", ReadOptions{})
	if err != nil || l.Header != nil || len(l.Notes) != 1 {
		t.Fatalf("Read = %v, Header %q, Notes %q", err, l.Header, l.Notes)
	}
	if err := l.SetHeaderless(false); err != nil || len(l.Notes) != 0 || l.Rows.Len() != 2 {
		t.Errorf("SetHeaderless(false) = %v, Notes %q, %d rows", err, l.Notes, l.Rows.Len())
	}
	// Two columns of one name cannot be a header line; the error names
	// the line, after Excel's separator line.
	l, _ = Read(strings.NewReader("sep=,\na@x.com,Tag,Tag\nb@x.com,1,2\n"), "in.csv", ReadOptions{})
	if err := l.SetHeaderless(false); !errors.Is(err, ErrDuplicateHeader) || !strings.Contains(fmt.Sprint(err), "line 2:") || l.Header != nil || l.Rows.Len() != 2 {
		t.Errorf("SetHeaderless(false) with a repeated name = %v, Header %q", err, l.Header)
	}
	// Nor can the only row.
	l, _ = Read(strings.NewReader("a@x.com,Tag\n"), "in.csv", ReadOptions{})
	if err := l.SetHeaderless(false); !errors.Is(err, ErrNoDataRows) || l.Rows.Len() != 1 {
		t.Errorf("SetHeaderless(false) on one row = %v", err)
	}
}

// TestReadNoColumnThenPick is the TUI's path: no email column is found, the
// user picks one.
func TestReadNoColumnThenPick(t *testing.T) {
	l, err := Read(strings.NewReader("Name,Contact\nAnn,ann at x.com\n"), "in.csv", ReadOptions{})
	if !errors.Is(err, ErrNoEmailColumn) || l == nil {
		t.Fatalf("Read = %v, %v; want a list and ErrNoEmailColumn", l, err)
	}
	if err := l.SetEmailColumn("Contact"); err != nil || l.EmailCell(0) != "ann at x.com" {
		t.Fatalf("SetEmailColumn = %v, cell %q", err, l.EmailCell(0))
	}
}

func TestReadSniff(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"email\na@x.com\n", ','},
		{"a;b;c\n1;2;3\n", ';'},
		{"a,b;c\n1,2;3\n", ','},
		{"a\tb,c\n1\t2,3,4\n", '\t'},
		{"\"a;b\",c\n\"1;2\",3\n", ','},
		{"\"x\ny\";b|c\n1;2|3\n", ';'},
		{"a|b|c\n1|2|3\n4,5|6|7\n", '|'},
		{"\n\nname;email\n", ';'},
	}
	for _, tt := range tests {
		if got := readSniff([]byte(tt.in), true); got != tt.want {
			t.Errorf("readSniff(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestReadRoundTrip reads lists and writes them back with their own
// delimiter and line ends: reading the output gives the same records.
// TestReadWriteLineBreaksExact reads lists whose quoted cells hold line
// breaks of the other kind than the file's, and writes them back: the
// output is the input, byte for byte.
func TestReadWriteLineBreaksExact(t *testing.T) {
	for _, in := range []string{
		"email,note\na@x.com,\"one\r\ntwo\"\nb@x.com,\"cr\ralone\"\n",
		"email,note\r\na@x.com,\"one\ntwo\"\r\nb@x.com,\"both\r\nand\n\"\r\n",
		"email,note\r\na@x.com,\"one\r\r\ntwo\"\r\n",
	} {
		l, err := Read(strings.NewReader(in), "in.csv", ReadOptions{})
		if err != nil {
			t.Fatalf("Read(%q): %v", in, err)
		}
		var buf bytes.Buffer
		if err := l.NewWriter(&buf).WriteAll(append([][]string{l.Header}, l.Rows.all()...)); err != nil {
			t.Fatal(err)
		}
		if buf.String() != in {
			t.Errorf("read and written back:\n got %q\nwant %q", buf.String(), in)
		}
	}
}

func TestReadRoundTrip(t *testing.T) {
	inputs := []string{
		"email,name\na@x.com,Ann\n",
		"email;name\r\na@x.com;\"Doe; Ann\"\r\n\"\";\r\n",
		"email\tnote\na@x.com\t\"two\nlines\"\nb@x.com\t\" lead\"\n",
		"email|q\na@x.com|\"say \"\"hi\"\"\"\nb@x.com|x\"y\n",
		"email,a,b\nx@y.z,\"cr\rin\",\"crlf\r\r\nin\"\nragged@x.com\n\"\"\n",
		"\xEF\xBB\xBFemail,name\nm@x.de,Müller\n",
		"email,name\nm@x.de,M\xfcller\n", // Windows-1252
		"sep=,\nemail,\"sep=;\"\na@x.com,\"\uFEFFx\"\n",
		"\"sep=;\"\na@x.com\n",
		"a@x.com,Ann\nb@x.com,Bob\n",                          // no header line
		"email,n\rann@x.com,\"a\r\nb\"\rbob@x.com,\"c\rd\"\r", // CR line ends
	}
	for _, in := range inputs {
		l, err := Read(strings.NewReader(in), "in.csv", ReadOptions{})
		if err != nil {
			t.Errorf("Read(%q): %v", in, err)
			continue
		}
		var buf bytes.Buffer
		w := l.NewWriter(&buf)
		if err := w.WriteAll(append([][]string{l.Header}, l.Rows.all()...)); err != nil {
			t.Fatal(err)
		}
		l2, err := Read(&buf, "out.csv", ReadOptions{Delimiter: l.Delimiter})
		if err != nil {
			t.Errorf("Read(%q) of the output of %q: %v", buf.String(), in, err)
			continue
		}
		if !reflect.DeepEqual(l2.Header, l.Header) || !reflect.DeepEqual(l2.Rows.all(), l.Rows.all()) {
			t.Errorf("round trip of %q:\n got %q %q\nwant %q %q", in, l2.Header, l2.Rows.all(), l.Header, l.Rows.all())
		}
		if l2.CRLF != l.CRLF {
			t.Errorf("round trip of %q: CRLF %v, want %v", in, l2.CRLF, l.CRLF)
		}
	}
}

// TestReadMillionRows checks that a list of 1,000,000 rows keeps well under
// 512 MiB once loaded. The heap obtained from the OS is only logged: it
// counts whatever earlier tests in the process left (-count, -race), so it
// says nothing about this load.
func TestReadMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 1,000,000-row load in -short mode")
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	size := writeGeneratedList(t, path, 1_000_000)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	l, err := ReadFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept, peak := after.HeapAlloc-before.HeapAlloc, after.HeapSys
	t.Logf("%d rows, file %s: heap kept %s, heap obtained from the OS (peak) %s", l.Rows.Len(), readSize(size), readSize(int64(kept)), readSize(int64(peak)))
	if l.Rows.Len() != 1_000_000 {
		t.Fatalf("%d rows", l.Rows.Len())
	}
	if kept > 512<<20 {
		t.Errorf("memory: kept %s after loading, want under 512 MiB", readSize(int64(kept)))
	}
	runtime.KeepAlive(l)
}

// writeGeneratedList writes a list of n subscriber rows like an ESP export
// and returns its size.
func writeGeneratedList(tb testing.TB, path string, n int) int64 {
	var b bytes.Buffer
	b.WriteString("Email Address,First Name,Last Name,Company,OPTIN_TIME,TAGS\r\n")
	for i := range n {
		fmt.Fprintf(&b, "user%d@example%d.com,First%d,Last %d,\"Company %d, Inc.\",2023-04-21 11:16:57,\"\"\"Editors\"\"\"\r\n", i, i%97, i, i, i%1000)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return int64(b.Len())
}

// BenchmarkReadFile compares ReadFile with a plain encoding/csv read of the
// same file; the ReadFile sub-benchmark reports the ratio as x-csv.
func BenchmarkReadFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "list.csv")
	size := writeGeneratedList(b, path, 100_000)
	var plain float64 // ns per read
	b.Run("encoding_csv", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			r := csv.NewReader(bytes.NewReader(data))
			r.FieldsPerRecord = -1
			if _, err := r.ReadAll(); err != nil {
				b.Fatal(err)
			}
		}
		plain = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("ReadFile", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ReadFile(path, ReadOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		if plain > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/plain, "x-csv")
		}
	})
}

func utf16LE(s string) string { return utf16Encode(s, false) }
func utf16BE(s string) string { return utf16Encode(s, true) }

func utf16Encode(s string, big bool) string {
	var b []byte
	for _, r := range s {
		if r > 0xFFFF {
			panic("utf16Encode: BMP only")
		}
		if big {
			b = append(b, byte(r>>8), byte(r))
		} else {
			b = append(b, byte(r), byte(r>>8))
		}
	}
	return string(b)
}

// TestReadCSVBlankLines: blank lines, which encoding/csv skips, do not
// make room for records: a chunk of little else reserves little.
func TestReadCSVBlankLines(t *testing.T) {
	input := "email\n" + strings.Repeat("\n", 50_000) + "a@x.com\r\n" + strings.Repeat("\r\n", 50_000) + "\"b@x.com\n\n\"\n"
	for _, keep := range []bool{false, true} { // encoding/csv, readSplit
		recs, lines, _, err := readCSV([]byte(input), ',', nil, keep, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 || cap(recs) > 4 || cap(lines) > 4 {
			t.Errorf("keep %v: %d records in room for %d (lines: %d), want 3 in room for at most 4", keep, len(recs), cap(recs), cap(lines))
		}
	}
}
