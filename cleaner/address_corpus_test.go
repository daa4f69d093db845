package cleaner

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addrCorpusDir holds third-party email syntax suites, one
// address<TAB>valid<TAB>note line per case (see its README.txt).
const addrCorpusDir = "../../shared/corpora/email_syntax"

var addrCorpusDiff = flag.Bool("address.corpus.diff", false, "log every address where ParseAddress disagrees with a syntax suite")

// addrCorpusFloors are one below the agreements reached when the rules were
// settled, so that a regression fails; raise them when a rule improves. The suites disagree with each other and with
// the practical rules of ParseAddress (it trims spaces, rejects IP domains
// and non-existent TLDs, accepts quoted local parts, and reports
// "Name <addr>" as a slip), so none can reach 100%.
var addrCorpusFloors = map[string]int{
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
func TestAddressCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(addrCorpusDir, "*.tsv"))
	if err != nil || len(files) == 0 {
		t.Skipf("no syntax corpus in %s (it lives outside the repository)", addrCorpusDir)
	}
	for _, file := range files {
		suite := strings.TrimSuffix(filepath.Base(file), ".tsv")
		agree, agreeFixed, total := 0, 0, 0
		for _, c := range addrReadCorpus(t, file) {
			total++
			got := ParseAddress(c.address)
			if (got.Reason == "" || got.Fix != "") == c.valid {
				agreeFixed++
			}
			if (got.Reason == "") == c.valid {
				agree++
			} else if *addrCorpusDiff {
				t.Logf("%s: %q valid=%v: reason=%q detail=%q fix=%q (%s)", suite, c.address, c.valid, got.Reason, got.Detail, got.Fix, c.note)
			}
		}
		t.Logf("%s: %d/%d agree (%d counting a cell with a Fix as valid)", suite, agree, total, agreeFixed)
		floor, ok := addrCorpusFloors[suite]
		switch {
		case !ok:
			t.Errorf("%s: no floor set for this suite", suite)
		case agree < floor:
			t.Errorf("%s: %d/%d agree, below the floor of %d", suite, agree, total, floor)
		}
	}
}

type addrCorpusCase struct {
	address string
	valid   bool
	note    string
}

// addrReadCorpus reads one suite. Where the note says so, control characters
// were written as Unicode control pictures (U+2400 + n, U+2421 for DEL); they
// are turned back.
func addrReadCorpus(t *testing.T, file string) []addrCorpusCase {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []addrCorpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			t.Fatalf("%s: want 3 tab-separated fields, got %q", file, sc.Text())
		}
		c := addrCorpusCase{address: fields[0], valid: fields[1] == "1", note: fields[2]}
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
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}
