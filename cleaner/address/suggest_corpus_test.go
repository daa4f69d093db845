package address

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/listclean/listclean/cleaner/internal/corpora"
)

// The typo suites of other libraries (shared/corpora/README.txt) are
// read as the caller sees them. A changed pair's typo domain does not
// route, so Suggest runs and its FIRST candidate is taken as the fix (the
// strictest reading: the caller would skip a first candidate that does not
// route either). A pair left alone routes when its top-level domain exists,
// so only Suspect runs and must say no; otherwise Suggest runs and must
// return nothing. Rows whose local part changes, and domains with
// characters or empty labels no domain has (gmail,com, #gmail.com,
// gmail..com, gmailcom), are syntax slips for Parse: counted, not
// judged. The findClosest files match bare fragments ("tahoo") against
// each spec's own short list and are not applicable.
//
// The rules were not tuned pair by pair. What is not reached, and why (the
// log names each miss with its reason):
//   - gmai.co.uk and nine more typos of gmail under .co.uk (two suites
//     each): the suites expect gmail.co.uk, which is not a Gmail mailbox
//     domain (UK accounts were googlemail.com). A provider's name is not
//     put under a suffix it does not use, and gmail.com is two slips away,
//     one of them a country's suffix swapped, so nothing is offered
//     (gmail.co.uk itself gets gmail.com).
//   - aho.com for yahoo.com: two edits with the first letter wrong, as near
//     aol.com; allowing it would also "correct" many real short domains.
//   - example.ry, example.r, example.fe (for .ru, .ru, .fr): one edit from a
//     one- or two-letter label reaches several country codes (.re, .rw,
//     .ro; .de, .fi), so none is guessed.
//   - example.cobr and example.comme, something.comme: two edits from
//     com.br and .com.
//   - The suites' own contradictions and odd expectations, counted as
//     touched or wrong here: email_misspelled's strict configuration wants
//     gmial.com and gmail.c left alone where its default one fixes them
//     (here a swap is one edit, and gmial.com is the typosquat Suspect
//     exists for); its extended configuration leaves ootlok.c alone, which
//     is outlook.com cut short and misspelt; mailcheck leaves
//     mail.randomsmallcompany.cmo alone because it only looks at the
//     registrable part, but .cmo cannot route and .com is offered; and
//     AfterShip expects homail.aftership to become hotmail.aftership, under
//     a top-level domain that does not exist (hotmail.com is offered).
var typoCorpusMisses = map[string]string{
	"gmail.co.uk":                 "gmail.co.uk is not a Gmail domain; nothing is offered",
	"aho.com":                     "two edits with the first letter wrong, as near aol.com",
	"example.ry":                  "several country codes are one edit away",
	"example.r":                   "several country codes are one edit away",
	"example.fe":                  "several country codes are one edit away",
	"example.cobr":                "two edits from com.br",
	"example.comme":               "two edits from .com",
	"something.comme":             "two edits from .com",
	"gmial.com":                   "the strict configuration of the suite; its default one fixes it",
	"gmail.c":                     "the strict configuration of the suite; its default one fixes it",
	"ootlok.c":                    "outlook.com cut short and misspelt",
	"mail.randomsmallcompany.cmo": ".cmo cannot route; mailcheck only checks the registrable part",
	"homail.aftership":            ".aftership is not a top-level domain",
}

// typoCorpusFloors is what each suite reached, asserted so that a regression
// fails: at least fixed, at most wrong and touched.
var typoCorpusFloors = map[string]struct{ fixed, wrong, touched int }{
	"ALL_domain_typo_pairs.tsv":                {388, 1, 4},
	"aftership_suggest_domain.tsv":             {3, 1, 0},
	"correct_email_typos_full_address.tsv":     {128, 0, 0},
	"email_misspelled_spec.tsv":                {13, 0, 3},
	"email_typo_rb_full_address.tsv":           {158, 0, 0},
	"mailcheck_spec_suggest.tsv":               {15, 0, 1},
	"quitnow_email_suggester_full_address.tsv": {65, 0, 0},
	"zootools_email_spell_checker_spec.tsv":    {6, 0, 0},
}

// suiteResult counts one suite's outcomes.
type suiteResult struct {
	fixed, wrong, none int // pairs with a correction
	kept, touched      int // pairs left alone
	syntax             int // skipped: the address parser's job
}

func TestSuggestCorpus(t *testing.T) {
	dir := corpora.Dir(t, "typo")
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no typo suites in %s: %v", dir, err)
	}
	s := NewSuggester(nil)
	for _, f := range files {
		suite := filepath.Base(f)
		if strings.Contains(suite, "findClosest") {
			t.Logf("%s: not applicable, bare fragments matched against the spec's own list", suite)
			continue
		}
		merged := strings.HasPrefix(suite, "ALL_")
		var r suiteResult
		for _, row := range readTSV(t, f) {
			typo, want, ok := typoCorpusPair(suite, row)
			if !ok {
				r.syntax++
				continue
			}
			if msg := r.judge(s, typo, want); msg != "" && !merged {
				t.Logf("  %s: %s", suite, msg)
			}
		}
		t.Logf("%s: fixed %d, wrong %d, no suggestion %d; left alone %d, touched %d; syntax slips skipped %d",
			suite, r.fixed, r.wrong, r.none, r.kept, r.touched, r.syntax)
		floor, ok := typoCorpusFloors[suite]
		switch {
		case !ok:
			t.Errorf("%s: a suite with no floor; add one", suite)
		case r.fixed < floor.fixed || r.wrong > floor.wrong || r.touched > floor.touched:
			t.Errorf("%s: fixed %d, wrong %d, touched %d; the floor is at least %d fixed, at most %d wrong and %d touched",
				suite, r.fixed, r.wrong, r.touched, floor.fixed, floor.wrong, floor.touched)
		}
	}
}

// judge counts one pair and describes it unless it went as expected.
func (r *suiteResult) judge(s *Suggester, typo, want string) string {
	why := typoCorpusMisses[typo]
	if why == "" && strings.HasPrefix(want, "gmail.co.uk") {
		why = typoCorpusMisses["gmail.co.uk"]
	}
	if why != "" {
		why = " (" + why + ")"
	}
	if typo == want {
		var got string
		if isSuffix(lastLabel(typo)) {
			if c, ok := s.Suspect(typo); ok {
				got = "Suspect gives " + c.Domain
			}
		} else if c := s.Suggest(typo); c != nil {
			got = "Suggest gives " + c[0].Domain
		}
		if got == "" {
			r.kept++
			return ""
		}
		r.touched++
		return typo + " should be left alone; " + got + why
	}
	c := s.Suggest(typo)
	switch {
	case c == nil:
		r.none++
		return typo + " -> " + want + ": no suggestion" + why
	case c[0].Domain == want:
		r.fixed++
		return ""
	}
	r.wrong++
	return typo + " -> " + want + ": got " + c[0].Domain + why
}

// typoCorpusPair turns a corpus row into the typo domain and the expected
// domain (equal when it must be left alone), or false for a syntax slip.
func typoCorpusPair(suite string, row []string) (typo, want string, ok bool) {
	in, out := row[0], row[1]
	if strings.Contains(suite, "full_address") {
		li, lo := strings.LastIndexByte(in, '@'), strings.LastIndexByte(out, '@')
		if li < 0 || lo < 0 || !strings.EqualFold(strings.TrimSpace(in[:li]), strings.TrimSpace(out[:lo])) {
			return "", "", false
		}
		in, out = in[li+1:], out[lo+1:]
	} else if i := strings.LastIndexByte(in, '@'); i >= 0 {
		in = in[i+1:]
	} else if !strings.HasPrefix(suite, "aftership") && !strings.HasPrefix(suite, "ALL_") {
		return "", "", false // "contact": no address at all
	}
	in = strings.ToLower(strings.TrimSpace(in))
	out = strings.ToLower(strings.TrimSpace(out))
	if out == "" {
		out = in
	}
	if _, ok := parseQuery(in); !ok || strings.HasSuffix(in, ".") {
		return "", "", false
	}
	return in, out, true
}

// TestSuggestCorpusValid runs the provider lists of the corpus as domains
// that route: none may be Suspect. The corpus lists of well-known providers
// must also get no suggestion if they did not route; AfterShip's 4,479
// free-mail domains, most of them small or long gone and some of them
// typosquats themselves, are reported: three are Suspect, and rightly so
// (hitmail.com, sbcglbal.net, yaho.com).
func TestSuggestCorpusValid(t *testing.T) {
	dir := corpora.Dir(t, "domains")
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no domain lists in %s: %v", dir, err)
	}
	s := NewSuggester(nil)
	for _, f := range files {
		list := filepath.Base(f)
		free := list == "aftership_free.txt"
		known := strings.HasPrefix(list, "email_misspelled_") || list == "mailcheck_default_domains.txt" || list == "zootools_popular_domains.txt"
		if !free && !known {
			continue // name fragments, role names, disposable domains
		}
		var n, suspect, suggest int
		for _, row := range corpora.Lines(t, f) {
			if !strings.Contains(row, ".") {
				continue
			}
			n++
			if c, ok := s.Suspect(row); ok {
				suspect++
				t.Logf("  %s: Suspect(%s) gives %s", list, row, c.Domain)
			}
			if c := s.Suggest(row); c != nil {
				suggest++
				if !free {
					t.Logf("  %s: Suggest(%s) gives %s if it did not route", list, row, c[0].Domain)
				}
			}
		}
		t.Logf("%s: %d domains, %d Suspect, %d would get a suggestion if they did not route", list, n, suspect, suggest)
		if free && suspect > 3 || !free && suspect > 0 {
			t.Errorf("%s: %d Suspect, more than before", list, suspect)
		}
		// mailw.com, itself one letter from mail.com, is the one such
		// domain of the well-known lists that is not on the embedded list.
		if !free && suggest > 1 {
			t.Errorf("%s: %d would be corrected, more than before", list, suggest)
		}
	}
}

// readTSV splits each line on tabs, as the corpus README asks (a CSV
// reader would mangle the quotes and backslashes in the addresses).
func readTSV(t *testing.T, path string) [][]string {
	t.Helper()
	var rows [][]string
	for _, line := range corpora.Lines(t, path) {
		if row := strings.Split(line, "\t"); len(row) >= 2 {
			rows = append(rows, row)
		}
	}
	return rows
}
