package csvfile

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/listclean/listclean/cleaner/internal/corpora"
)

// TestReadCorpusCSVSpectrum reads max-mapper/csv-spectrum's files and
// compares the rows with its expected JSON (objects keyed by header).
// Known disagreements: newlines_crlf expects CRLF kept inside a quoted
// field, which encoding/csv turns into LF; location_coordinates's JSON holds
// a different phone number from its CSV (an upstream fixture slip).
func TestReadCorpusCSVSpectrum(t *testing.T) {
	dir := corpora.Dir(t, "csv/csv_spectrum")
	files, err := filepath.Glob(filepath.Join(dir, "csvs", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no csv files in %s: %v", dir, err)
	}
	agree := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".csv")
		want, err := readSpectrumJSON(filepath.Join(dir, "json", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		p, err := readParse(data, file, 0)
		if err != nil {
			t.Logf("%s: differs: %v", name, err)
			continue
		}
		if diff := readSpectrumDiff(p.records.all(), want); diff != "" {
			t.Logf("%s: differs: %s", name, diff)
			continue
		}
		agree++
	}
	t.Logf("csv-spectrum: %d of %d files agree", agree, len(files))
	if agree < 9 {
		t.Errorf("csv-spectrum: %d files agree, want at least 9", agree)
	}
}

// readSpectrumJSON reads an expected file: an array of objects, or one.
func readSpectrumJSON(path string) ([]map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []map[string]string
	if err := json.Unmarshal(data, &rows); err == nil {
		return rows, nil
	}
	var row map[string]string
	if err := json.Unmarshal(data, &row); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return []map[string]string{row}, nil
}

func readSpectrumDiff(recs [][]string, want []map[string]string) string {
	if len(recs) != len(want)+1 {
		return fmt.Sprintf("%d rows, want %d", len(recs)-1, len(want))
	}
	header := recs[0]
	for i, obj := range want {
		row := recs[i+1]
		if len(row) != len(obj) || len(header) != len(obj) {
			return fmt.Sprintf("row %d has %d fields, want %d", i+1, len(row), len(obj))
		}
		for j, h := range header {
			if v, ok := obj[h]; !ok || v != row[j] {
				return fmt.Sprintf("row %d %q = %q, want %q", i+1, h, row[j], v)
			}
		}
	}
	return ""
}

// readGoCase is one case of encoding/csv's own readTests table.
type readGoCase struct {
	Name                string     `json:"name"`
	InputB64            string     `json:"input_b64"`
	Records             [][]string `json:"expected_records"`
	Error               string     `json:"expected_error"`
	Comma               string     `json:"comma"`
	Comment             string     `json:"comment"`
	LazyQuotes          bool       `json:"lazy_quotes"`
	TrimLeadingSpace    bool       `json:"trim_leading_space"`
	UseFieldsPerRecord  bool       `json:"use_fields_per_record"`
	FieldsPerRecordWant int        `json:"fields_per_record"`
}

var readGoErrPos = regexp.MustCompile(`line (\d+), column (\d+)`)

// TestReadCorpusGoEncodingCSV runs encoding/csv's own read tests through the
// reader. Cases using options the reader does not offer (comments, trimming,
// lazy quotes, a fixed field count: ragged rows are kept on purpose) are
// reported apart. Where the reader reads line breaks as spreadsheets do (a
// CR alone ends a record, a quoted cell keeps its CRLFs), the records
// expected are encoding/csv's on the input rewritten by readAsSpreadsheets.
// Expected differences among the others (38 of 42 agree): a quote inside
// an unquoted field is read as a character rather than an error
// (BadBareQuote, BadDoubleQuotes, BadTrailingQuote), and invalid UTF-8 is
// read as Windows-1252 (BinaryBlobField). Error positions differ where
// the reader points at the opening quote of an unterminated field.
func TestReadCorpusGoEncodingCSV(t *testing.T) {
	dir := corpora.Dir(t, "csv/go_encoding_csv")
	f, err := os.Open(filepath.Join(dir, "readtests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var plain, plainAgree, optioned, optionedAgree, errCases, posAgree, rewritten int
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var c readGoCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		input, err := base64.StdEncoding.DecodeString(c.InputB64)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		delim := ','
		if c.Comma != "" {
			delim, _ = utf8.DecodeRuneInString(c.Comma)
		}
		p, err := readParse(input, c.Name, delim)
		var got [][]string
		if err == nil {
			got = p.records.all()
		}
		plainCase := c.Comment == "" && !c.LazyQuotes && !c.TrimLeadingSpace && !c.UseFieldsPerRecord
		if asSheets := readAsSpreadsheets(input, delim, true); plainCase && !bytes.Equal(asSheets, input) {
			r := csv.NewReader(bytes.NewReader(asSheets))
			r.Comma, r.FieldsPerRecord = delim, -1
			recs, err := r.ReadAll()
			c.Records, c.Error = recs, ""
			if err != nil {
				c.Records, c.Error = nil, err.Error()
			}
			rewritten++
		}
		ok := (c.Error != "") == (err != nil) && (err != nil || reflect.DeepEqual(got, c.Records) || len(got) == 0 && len(c.Records) == 0)
		if m := readGoErrPos.FindStringSubmatch(c.Error); m != nil && err != nil {
			errCases++
			var re *ReadError
			if errors.As(err, &re) && strconv.Itoa(re.Line) == m[1] && strconv.Itoa(re.Column) == m[2] {
				posAgree++
			} else {
				t.Logf("%s: position differs: got %v, want %q", c.Name, err, c.Error)
			}
		}
		if c.Comment != "" || c.LazyQuotes || c.TrimLeadingSpace || c.UseFieldsPerRecord {
			optioned++
			if ok {
				optionedAgree++
			}
			continue
		}
		plain++
		if ok {
			plainAgree++
		} else {
			t.Logf("%s: differs: got %q, %v; want %q, %q", c.Name, got, err, c.Records, c.Error)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("go encoding/csv: %d of %d cases without reader options agree (%d with line breaks rewritten); %d of %d cases with options the reader lacks; error positions agree in %d of %d",
		plainAgree, plain, rewritten, optionedAgree, optioned, posAgree, errCases)
	if plainAgree < 37 || posAgree < 3 {
		t.Errorf("%d cases and %d error positions agree, want at least 37 and 3", plainAgree, posAgree)
	}
}

// TestReadCorpusSubscriberExports reads real ESP export fixtures and the
// header rows of vendor exports: the email column is found by its header.
func TestReadCorpusSubscriberExports(t *testing.T) {
	dir := corpora.Dir(t, "subscriber_exports")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	for _, file := range files {
		l, err := ReadFile(file, ReadOptions{})
		if strings.HasSuffix(file, "headers-only.csv") {
			if !errors.Is(err, ErrNoDataRows) {
				t.Errorf("%s: %v, want ErrNoDataRows", file, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if !strings.Contains(l.EmailCell(0), "@") {
			t.Errorf("%s: email column %d (%s) holds %q", file, l.EmailCol, l.ColumnBy, l.EmailCell(0))
		}
		t.Logf("%s: %d rows, delimiter %q, email column %d by %s, notes %q", filepath.Base(file), l.Rows.Len(), l.Delimiter, l.EmailCol+1, l.ColumnBy, l.Notes)
	}

	data, err := os.ReadFile(filepath.Join(dir, "vendor_export_headers.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		f := strings.Split(line, "\t")
		if strings.Contains(f[1], "cross-check") {
			continue // trailing columns only
		}
		header, err := csv.NewReader(strings.NewReader(f[2])).Read()
		if err != nil {
			t.Fatal(err)
		}
		in := f[2] + "\n" + strings.Repeat("x,", len(header)-1) + "x\n"
		l, err := Read(strings.NewReader(in), f[0], ReadOptions{})
		if err != nil || l.ColumnBy != "header" || !readEmailHeaders[readNormHeader(l.Header[l.EmailCol])] {
			t.Errorf("%s %s: %v; email column by %q", f[0], f[1], err, l.ColumnBy)
		}
	}
}
