package address

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/listclean/listclean/cleaner/internal/corpora"
)

var syntaxCorpusDiff = flag.Bool("address.corpus.diff", false, "log every address where Parse disagrees with a syntax suite")

// syntaxCorpusFloors are one below the agreements reached when the rules were
// settled, so that a regression fails; raise them when a rule improves. The suites disagree with each other and with
// the practical rules of Parse (it trims spaces, rejects IP domains
// and non-existent TLDs, accepts quoted local parts, and reports
// "Name <addr>" as a slip), so none can reach 100%.
var syntaxCorpusFloors = map[string]int{
	"commons_validator_EmailValidatorTest":       310, // of 324
	"commons_validator_rfc822_perl":              24,  // of 65: RFC 822 groups, comments, display names
	"go_net_mail":                                39,  // of 110: display names, groups, comments
	"isemail_tests":                              122, // of 164
	"isemail_tests_original":                     234, // of 279
	"python_email_validator":                     124, // of 145
	"python_email_validator_pyisemail":           118, // of 150
	"quitnow_email_suggester_EmailValidatorTest": 24,  // of 31
	"validatorjs_isEmail":                        130, // of 184
}

// TestAddressCorpus measures agreement with the public syntax suites. A case
// agrees when the suite's valid flag matches Reason == "".
//
// The suites are the corpus folder email_syntax: one
// address<TAB>valid<TAB>note line per case (see its README.txt).
func TestAddressCorpus(t *testing.T) {
	dir := corpora.Dir(t, "email_syntax")
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no syntax suites in %s: %v", dir, err)
	}
	for _, file := range files {
		suite := strings.TrimSuffix(filepath.Base(file), ".tsv")
		agree, agreeFixed, total := 0, 0, 0
		for _, c := range readSyntaxCorpus(t, file) {
			total++
			got := Parse(c.address)
			if (got.Reason == "" || got.Fix != "") == c.valid {
				agreeFixed++
			}
			if (got.Reason == "") == c.valid {
				agree++
			} else if *syntaxCorpusDiff {
				t.Logf("%s: %q valid=%v: reason=%q detail=%q fix=%q (%s)", suite, c.address, c.valid, got.Reason, got.Detail, got.Fix, c.note)
			}
		}
		t.Logf("%s: %d/%d agree (%d counting a cell with a Fix as valid)", suite, agree, total, agreeFixed)
		floor, ok := syntaxCorpusFloors[suite]
		switch {
		case !ok:
			t.Errorf("%s: no floor set for this suite", suite)
		case agree < floor:
			t.Errorf("%s: %d/%d agree, below the floor of %d", suite, agree, total, floor)
		}
	}
}

type syntaxCase struct {
	address string
	valid   bool
	note    string
}

// readSyntaxCorpus reads one suite. Where the note says so, control characters
// were written as Unicode control pictures (U+2400 + n, U+2421 for DEL); they
// are turned back.
func readSyntaxCorpus(t *testing.T, file string) []syntaxCase {
	t.Helper()
	var cases []syntaxCase
	for _, line := range corpora.Lines(t, file) {
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			t.Fatalf("%s: want 3 tab-separated fields, got %q", file, line)
		}
		c := syntaxCase{address: fields[0], valid: fields[1] == "1", note: fields[2]}
		if strings.Contains(c.note, "control chars shown as U+24xx") {
			c.address = strings.Map(func(r rune) rune {
				switch {
				case r >= '\u2400' && r <= '\u241f':
					return r - '\u2400'
				case r == '\u2421':
					return 0x7f
				}
				return r
			}, c.address)
		}
		cases = append(cases, c)
	}
	return cases
}
