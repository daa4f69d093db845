package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestBadInput runs the batch mode on inputs that are not subscriber lists.
// Each fails with exit status 1 (2 is for bad usage, which these are not: the
// flags are right, the file is wrong) and a message naming the file, with
// the line and column where there is one, and writes nothing: no output
// appears, and outputs left by an earlier run are not touched even with
// -force.
func TestBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")
	xlsx := []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\x00\x00\x90\x04\x00\x00\x13\x00[Content_Types].xml")
	utf16 := []byte("E\x00m\x00a\x00i\x00l\x00\n\x00a\x00@\x00b\x00.\x00c\x00o\x00\n\x00")

	tests := []struct {
		name string
		// make creates the input in dir and returns its path.
		make func(t *testing.T, dir string) string
		want []string // in the message; one starting with ":" follows the path
	}{
		{"missing file", func(t *testing.T, dir string) string {
			return filepath.Join(dir, "list.csv")
		}, []string{": no such file or directory"}},
		{"directory", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "list.csv")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}, []string{": is a directory"}},
		{"random bytes", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"), random)
		}, []string{"binary file, not CSV text"}},
		{"PNG image", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"), png)
		}, []string{":3:1: binary file, not CSV text (NUL byte)"}},
		{"Excel workbook", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"), xlsx)
		}, []string{"binary file", "Excel workbook (.xlsx); save it as CSV"}},
		{"UTF-16 without BOM", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"), utf16)
		}, []string{"binary file", "UTF-16"}},
		{"empty file", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"), nil)
		}, []string{": empty file"}},
		{"blank lines only", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"), []byte("\n\r\n\n"))
		}, []string{": empty file"}},
		// A header without rows is a mistake (an export of the wrong
		// audience, or of the column names only): report it rather than
		// write two empty lists.
		{"header only", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"), []byte("Email,First Name\r\n"))
		}, []string{":1: no data rows: the file has a header line only"}},
		{"unterminated quote", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"),
				[]byte("Email,Name,Notes\na@alderbrook.org,Ann,fine\nb@alderbrook.org,\"Bob,never closed\nc@alderbrook.org,Cy,x\n"))
		}, []string{":3:18: unterminated quoted field"}},
		{"extraneous quote in a quoted field", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"),
				[]byte("Email,Name\na@alderbrook.org,\"Ann \"the\" Smith\"\n"))
		}, []string{":2:23: extraneous \" in quoted field"}},
		{"no email column", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"), []byte("Name,Phone\nAnn,555-0100\nBob,555-0101\n"))
		}, []string{"no email column", `"Name", "Phone"`}},
		{"two columns named like the email column", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"),
				[]byte("Email,Name,E-mail\na@alderbrook.org,Ann,ann@quillfeather.net\n"))
		}, []string{"no email column", `columns 1 "Email" and 3 "E-mail" are both named like it; choose one by number`}},
		{"NUL byte", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"),
				[]byte("Email,Name\na@alderbrook.org,Ann\nb@alderbrook.org,Bo\x00b\n"))
		}, []string{":3:20: binary file, not CSV text (NUL byte)"}},
		{"invalid UTF-8 in the middle of UTF-8 text", func(t *testing.T, dir string) string {
			// A cell pasted from a Windows-1252 file into UTF-8 text: which
			// characters its bytes stand for cannot be known for sure.
			return writeFile(t, filepath.Join(dir, "list.csv"),
				[]byte("Email,Name\nzoe@alderbrook.org,Zoë\nrenee@alderbrook.org,Ren\xe9e\nli@alderbrook.org,王芳\n"))
		}, []string{"list.csv:3:25: invalid UTF-8 in UTF-8 text (byte 0xE9): the file mixes encodings", "save it as CSV UTF-8"}},
		{"duplicate header names", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"),
				[]byte("Email,Name,Name,Tag\nann@alderbrook.org,Ann,Smith,a\n"))
		}, []string{`list.csv:1: duplicate header name: columns 2 "Name" and 3 "Name"; rename one`}},
		// The same name to -column, which picks a column by name, case
		// and spaces aside.
		{"duplicate header names but for case and spaces", func(t *testing.T, dir string) string {
			return writeFile(t, filepath.Join(dir, "list.csv"),
				[]byte("Email,name,Tag,Name \nann@alderbrook.org,Ann,a,Smith\n"))
		}, []string{`list.csv:1: duplicate header name: columns 2 "name" and 4 "Name ", which only case or spaces tell apart; rename one`}},
		{"2 GB of NUL bytes", func(t *testing.T, dir string) string {
			// A sparse file, no disk space: read in passes, it stops at
			// the first chunk.
			p := filepath.Join(dir, "list.csv")
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(2 << 30); err != nil {
				t.Fatal(err)
			}
			return p
		}, []string{"list.csv:1:1: binary file, not CSV text (NUL byte)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, existing := range []bool{false, true} {
				dir := t.TempDir()
				input := tt.make(t, dir)
				out := defaultOutputs(input)
				out.report = filepath.Join(dir, "report.csv")
				args := []string{"-batch", "-dns", "off", "-report", out.report}
				if existing {
					// Outputs of an earlier run, which a failed run must
					// leave as they are, even with -force.
					for _, p := range []string{out.cleaned, out.removed, out.report} {
						writeFile(t, p, []byte("Email\nold@alderbrook.org\n"))
					}
					args = append(args, "-force")
				}
				before := takeSnapshot(t, dir)
				res := runCLI(t, runBudget, append(args, input)...)
				if res.code != 1 {
					t.Errorf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
				}
				for _, w := range tt.want {
					if strings.HasPrefix(w, ":") {
						w = input + w // FILE:LINE:COL: what, or FILE: what
					}
					if !strings.Contains(res.stderr, w) {
						t.Errorf("message does not say %q:\n%s", w, res.stderr)
					}
				}
				if !strings.Contains(res.stderr, input) {
					t.Errorf("message does not name the file %s:\n%s", input, res.stderr)
				}
				if strings.Count(strings.TrimSpace(res.stderr), "\n") > 2 {
					t.Errorf("a bad input should give a short message, got:\n%s", res.stderr)
				}
				if d := before.diff(takeSnapshot(t, dir)); d != "" {
					t.Errorf("a failed run (existing outputs: %v) changed the folder: %s", existing, d)
				}
			}
		})
	}
}

// TestOddButValidInput: inputs that look wrong but are lists. They are
// cleaned (exit 0), with a note where the user should know something.
func TestOddButValidInput(t *testing.T) {
	tests := []struct {
		name  string
		input string
		args  []string
		rows  int
		note  string // in a "note: FILE: ..." line; "" for none
		check func(t *testing.T, cleaned [][]string)
		// headerless: the input has no header line.
		headerless bool
		// cleanedBytes is in the cleaned file as it is written.
		cleanedBytes string
	}{
		{
			name:  "whole file in Windows-1252",
			input: "Email,Name\nrenee@alderbrook.org,Ren\xe9e\nfrancois@alderbrook.org,Fran\xe7ois\n",
			rows:  2,
			note:  "not valid UTF-8: read as Windows-1252; outputs are UTF-8",
			check: func(t *testing.T, cleaned [][]string) {
				if cleaned[2][1] != "François" {
					t.Errorf("name %q, want François", cleaned[2][1])
				}
			},
		},
		{
			// The ambiguity of two email-like headers is resolved by -column.
			name:  "two email columns, one chosen",
			input: "Email,Name,E-mail\nann@alderbrook.org,Ann,a2@quillfeather.net\n",
			args:  []string{"-column", "3"},
			rows:  1,
		},
		{
			// A single address and no header: a one-row list.
			name:       "one address, no header",
			input:      "ann@alderbrook.org\n",
			rows:       1,
			note:       "no header line",
			headerless: true,
		},
		{
			// As spreadsheets and Python's csv read it: three rows, and
			// Bob's address is checked, not merged into Ann's name.
			name:  "a lone CR among CRLFs",
			input: "email,name\r\nann@gmail.com,Ann\rbob@example.com,Bob\r\ncat@yahoo.com,Cat\r\n",
			rows:  3,
			check: func(t *testing.T, cleaned [][]string) {
				if len(cleaned) != 4 || cleaned[1][1] != "Ann" || cleaned[2][0] != "bob@example.com" {
					t.Errorf("rows merged: %q", cleaned)
				}
			},
			cleanedBytes: "ann@gmail.com,Ann\r\nbob@example.com,Bob\r\n",
		},
		{
			name:         "CR line ends (Excel's CSV (Macintosh))",
			input:        "email,name\rann@alderbrook.org,Ann\rbob@alderbrook.org,\"Bob\nB.\"\r",
			rows:         2,
			note:         "lines end in CR alone",
			cleanedBytes: "email,name\r\nann@alderbrook.org,Ann\r\nbob@alderbrook.org,\"Bob\nB.\"\r\n",
		},
		{
			name:         "quoted line breaks of the other kind",
			input:        "Email,Note\nann@alderbrook.org,\"two\r\nlines\"\nbob@alderbrook.org,\"cr\ralone\"\n",
			rows:         2,
			cleanedBytes: "ann@alderbrook.org,\"two\r\nlines\"\nbob@alderbrook.org,\"cr\ralone\"\n",
		},
		{
			name:  "ragged rows, blank lines, CRLF",
			input: "Email,Name,Tag\r\n\r\nann@alderbrook.org,Ann\r\nbob@alderbrook.org,Bob,b,extra\r\n",
			rows:  2,
			check: func(t *testing.T, cleaned [][]string) {
				if len(cleaned[1]) != 2 || len(cleaned[2]) != 4 {
					t.Errorf("ragged rows not kept as they are: %q", cleaned)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(tt.input))
			out := defaultOutputs(input)
			out.report = filepath.Join(dir, "report.csv")
			out.headerless = tt.headerless
			args := append([]string{"-batch", "-dns", "off", "-report", out.report}, tt.args...)
			res := runCLI(t, runBudget, append(args, input)...)
			if res.code != 0 {
				t.Fatalf("exit %d, want 0; stderr:\n%s", res.code, res.stderr)
			}
			if tt.note != "" && !strings.Contains(res.stderr, "note: "+input+": ") || !strings.Contains(res.stderr, tt.note) {
				t.Errorf("no note %q naming the file:\n%s", tt.note, res.stderr)
			}
			checkAccounting(t, out, tt.rows)
			for _, p := range []string{out.cleaned, out.removed, out.report} {
				if b := mustRead(t, p); !utf8.Valid(b) {
					t.Errorf("%s is not UTF-8", p)
				}
			}
			if tt.check != nil {
				tt.check(t, readCSV(t, out.cleaned))
			}
			if b := mustRead(t, out.cleaned); !strings.Contains(string(b), tt.cleanedBytes) {
				t.Errorf("the cleaned file is\n%q\nwant it to hold\n%q", b, tt.cleanedBytes)
			}
		})
	}
}

// TestUsage: bad usage exits 2, before reading anything, and writes nothing.
func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"-batch"}, "-batch needs an input FILE"},
		{"two files", []string{"-batch", "a.csv", "b.csv"}, "one input file at a time"},
		{"unknown flag", []string{"-batch", "-frobnicate", "LIST"}, "flag provided but not defined"},
		{"bad delimiter", []string{"-batch", "-delimiter", "x", "LIST"}, "-delimiter must be"},
		{"zero timeout", []string{"-batch", "-timeout", "0s", "LIST"}, "-timeout must be positive"},
		{"negative retries", []string{"-batch", "-retries", "-1", "LIST"}, "must not be negative"},
		{"zone and dns", []string{"-batch", "-zone", "testdata/demo.zone", "-dns", "127.0.0.1:53", "LIST"}, "cannot be used together"},
		{"bad dns server", []string{"-batch", "-dns", "127.0.0.1:99999", "LIST"}, "-dns"},
		{"not a terminal", []string{"LIST"}, "not a terminal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := writeFile(t, filepath.Join(dir, "list.csv"), []byte("Email\nann@alderbrook.org\n"))
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "LIST", input)
			}
			before := takeSnapshot(t, dir)
			res := runCLI(t, runBudget, args...)
			if res.code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.want) {
				t.Errorf("message does not say %q:\n%s", tt.want, res.stderr)
			}
			if d := before.diff(takeSnapshot(t, dir)); d != "" {
				t.Errorf("bad usage changed the folder: %s", d)
			}
		})
	}
	t.Run("help", func(t *testing.T) {
		res := runCLI(t, runBudget, "-h")
		if res.code != 0 || !strings.Contains(res.stderr, "-batch") {
			t.Errorf("-h: exit %d, stderr:\n%s", res.code, res.stderr)
		}
	})
}

// TestHugeLine: a file that is one line of 100 MB is refused with its
// position, nothing is written, and the memory it takes stays a small
// multiple of the file (the list is read whole, then parsed). It runs in a
// child process to measure that process's peak memory.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MB file")
	}
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "list.csv")
	const size = 100 << 20
	line := bytes.Repeat([]byte("ann@alderbrook.org,"), size/19+1)[:size]
	writeFile(t, input, line)
	before := takeSnapshot(t, dir)
	res := runChild(t, childCmd(t, "-batch", "-dns", "off", input), slow(60*time.Second))
	t.Logf("100 MB line: exit %d in %v, peak RSS %d MiB", res.code, res.took.Round(time.Millisecond), res.maxRSS>>20)
	if res.code != 1 {
		t.Errorf("exit %d, want 1; stderr:\n%s", res.code, res.stderr)
	}
	if want := input + ":1:1: record longer than 16 MiB"; !strings.Contains(res.stderr, want) {
		t.Errorf("message does not say %q:\n%.500s", want, res.stderr)
	}
	if len(res.stderr) > 1000 {
		t.Errorf("the message is %d bytes long: it must not quote the line", len(res.stderr))
	}
	if d := before.diff(takeSnapshot(t, dir)); d != "" {
		t.Errorf("a failed run changed the folder: %s", d)
	}
	// Runaway memory (a bug somewhere) fails at once; the race detector
	// adds its own shadow memory.
	guard := int64(16 * size)
	if raceEnabled {
		guard = 40 * size
	}
	if res.maxRSS > guard {
		t.Fatalf("peak memory %d MiB for a 100 MB file, want at most %d MiB", res.maxRSS>>20, guard>>20)
	}
	// Sane is the file, read whole, and a copy or two of it: the line is
	// refused as soon as it is longer than 16 MiB.
	if want := int64(4 * size); !raceEnabled && res.maxRSS > want {
		t.Fatalf("peak memory %d MiB for a 100 MB line, want at most %d MiB", res.maxRSS>>20, want>>20)
	}
}

// TestDelimiterNotTheFiles: -delimiter with a delimiter that leaves the
// header one column, where another splits it, would make every row one
// cell and remove it as a syntax error: the run stops at once with a hint.
func TestDelimiterNotTheFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "list.csv"), []byte("Email,First Name\nann@alderbrook.org,Ann\nbob@alderbrook.org,Bob\n"))
	before := takeSnapshot(t, dir)
	res := runCLI(t, runBudget, "-batch", "-dns", "off", "-delimiter", ";", input)
	want := input + `:1: not this file's delimiter: ';' leaves the first line one column, while ',' splits it into 2; choose ','`
	if res.code != 1 || !strings.Contains(res.stderr, want) {
		t.Errorf("exit %d, want 1 saying %q; stderr:\n%s", res.code, want, res.stderr)
	}
	if d := before.diff(takeSnapshot(t, dir)); d != "" {
		t.Errorf("the refused run changed the folder: %s", d)
	}
	// The file's own delimiter, given, is read.
	if res := runCLI(t, runBudget, "-batch", "-dns", "off", "-delimiter", ",", input); res.code != 0 {
		t.Errorf("-delimiter ,: exit %d; stderr:\n%s", res.code, res.stderr)
	}
}
