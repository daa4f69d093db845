package csvfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestReadHead checks that the head of a list is what ReadFile reads of
// its first rows: the same header, email column, delimiter and line ends,
// and rows that begin the whole list's, all of them when the file is
// shorter than a chunk.
func TestReadHead(t *testing.T) {
	var big strings.Builder
	big.WriteString("sep=;\r\nName;E-mail;City\r\n")
	for i := 0; big.Len() < readChunkSize+1<<20; i++ {
		fmt.Fprintf(&big, "Person %d;p%d@example.com;\"Town\r\nno %d\"\r\n", i, i, i)
	}
	tests := []struct {
		name, text string
		opt        ReadOptions
		all        bool // the head holds every row
	}{
		{"small", "email,name\nann@example.com,Ann\nbob@example.com,Bob\n", ReadOptions{}, true},
		{"headerless", "ann@example.com,Ann\nbob@example.com,Bob\n", ReadOptions{}, true},
		{"no email column", "a,b\n1,2\n", ReadOptions{}, true},
		{"Windows-1252", "email,name\nann@example.com,Ren\xe9\n", ReadOptions{}, true},
		{"big, quoted line breaks", big.String(), ReadOptions{}, false},
		{"big, column given", big.String(), ReadOptions{Column: "1"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "list.csv")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			want, wantErr := ReadFile(path, tc.opt)
			got, err := ReadHead(path, tc.opt)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("ReadHead error %v, ReadFile's %v", err, wantErr)
			}
			if got.EmailCol != want.EmailCol || got.ColumnBy != want.ColumnBy || got.Delimiter != want.Delimiter ||
				got.CRLF != want.CRLF || got.Encoding != want.Encoding || got.Perm != want.Perm || !reflect.DeepEqual(got.Header, want.Header) {
				t.Errorf("head: column %d by %q, %q, CRLF %v, %s, %v, header %q; ReadFile: column %d by %q, %q, CRLF %v, %s, %v, header %q",
					got.EmailCol, got.ColumnBy, got.Delimiter, got.CRLF, got.Encoding, got.Perm, got.Header,
					want.EmailCol, want.ColumnBy, want.Delimiter, want.CRLF, want.Encoding, want.Perm, want.Header)
			}
			n := got.Rows.Len()
			if tc.all && n != want.Rows.Len() || !tc.all && (n == 0 || n >= want.Rows.Len()) {
				t.Errorf("head has %d rows of %d", n, want.Rows.Len())
			}
			if !reflect.DeepEqual(got.Rows.all(), want.Rows.Slice(0, n).all()) || got.firstLine != want.firstLine {
				t.Error("the head's rows or first line are not ReadFile's")
			}
		})
	}
}

func TestReadHeadErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.csv")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, []byte("email\na@b.co\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		opt  ReadOptions
		want error
	}{
		{empty, ReadOptions{}, ErrEmptyFile},
		{big, ReadOptions{MaxBytes: 4}, ErrFileTooLarge},
		{filepath.Join(dir, "missing.csv"), ReadOptions{}, os.ErrNotExist},
	} {
		if _, err := ReadHead(tc.path, tc.opt); !errors.Is(err, tc.want) {
			t.Errorf("ReadHead(%s) = %v, want %v", filepath.Base(tc.path), err, tc.want)
		}
	}
}
