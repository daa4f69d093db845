package suppression

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// findCorpus returns the path of shared/corpora/name, found by walking up
// from the package's folder, or "" when there is none (a fresh clone).
func findCorpus(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "corpora", name)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// expectedBounce is one line of bounces/expected.tsv: what sisimai's
// tests expect of one failed recipient of one email.
type expectedBounce struct {
	file   string
	index  int // 1 = the first recipient of the message
	status string
	reason string
	hard   bool
}

// pseudoStatus matches sisimai's own codes (x.0.9NN) for a bounce that
// gives no enhanced status code: listclean reports none for those.
var pseudoStatus = regexp.MustCompile(`^[245]\.0\.9[0-9][0-9]$`)

func readExpected(t *testing.T, path string) []expectedBounce {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []expectedBounce
	for i, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if i == 0 {
			continue // header
		}
		f := strings.Split(l, "\t")
		if len(f) != 6 {
			t.Fatalf("expected.tsv line %d: %d fields", i+1, len(f))
		}
		idx, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatalf("expected.tsv line %d: %v", i+1, err)
		}
		out = append(out, expectedBounce{file: f[0], index: idx, status: f[2], reason: f[4], hard: f[5] == "true"})
	}
	return out
}

// TestBounceConformance reads the 590 real bounce emails of sisimai's test
// set and holds the agreement with what its tests expect as a floor: the
// recipients found, the status codes (sisimai's own x.0.9NN codes, which
// it gives a bounce without one, stand for "none") and the judgement of a
// hard bounce.
func TestBounceConformance(t *testing.T) {
	dir := findCorpus(t, "bounces")
	if dir == "" {
		t.Skip("shared/corpora/bounces not found above this folder: the conformance corpus is not part of a fresh clone")
	}
	want := readExpected(t, filepath.Join(dir, "expected.tsv"))
	byFile := map[string][]expectedBounce{}
	for _, w := range want {
		byFile[w.file] = append(byFile[w.file], w)
	}
	names := make([]string, 0, len(byFile))
	for n := range byFile {
		names = append(names, n)
	}
	sort.Strings(names)

	verbose := os.Getenv("LISTCLEAN_CONFORMANCE_VERBOSE") != ""
	var found, statusOK, hardOK, classHardOK, extra int
	misses := map[string]int{}
	for _, name := range names {
		f, err := ReadFile(filepath.Join(dir, "eml", name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		recs := f.Records
		if len(recs) > len(byFile[name]) {
			extra += len(recs) - len(byFile[name])
		}
		for _, w := range byFile[name] {
			if w.index > len(recs) {
				misses["not found: "+w.reason]++
				if verbose {
					t.Logf("MISS %s #%d: not found (want %s %s hard=%v)", name, w.index, w.status, w.reason, w.hard)
				}
				continue
			}
			found++
			r := recs[w.index-1]
			wantStatus := w.status
			if pseudoStatus.MatchString(wantStatus) {
				wantStatus = ""
			}
			if r.Status == wantStatus {
				statusOK++
			} else {
				misses["status: "+statusMissKind(wantStatus, r.Status)]++
				if verbose {
					t.Logf("STATUS %s #%d: got %q want %q (%s) diag=%.200q", name, w.index, r.Status, w.status, w.reason, r.Diagnostic)
				}
			}
			if (r.Kind == HardBounce) == w.hard {
				hardOK++
			} else {
				misses["hard: want "+strconv.FormatBool(w.hard)+" "+w.reason+", got "+string(r.Kind)]++
				if verbose {
					t.Logf("HARD %s #%d: got %s want hard=%v (%s) status=%q diag=%.200q", name, w.index, r.Kind, w.hard, w.reason, r.Status, r.Diagnostic)
				}
			}
			if (r.Kind == HardBounce || r.Kind == Rejected) == w.hard {
				classHardOK++ // as if every permanent failure were hard
			}
		}
	}
	n := len(want)
	pct := func(k int) float64 { return 100 * float64(k) / float64(n) }
	t.Logf("%d failed recipients expected in %d emails", n, len(names))
	t.Logf("recipients found: %d (%.1f%%), %d more than expected", found, pct(found), extra)
	t.Logf("status codes equal: %d (%.1f%%)", statusOK, pct(statusOK))
	t.Logf("hard/soft equal: %d (%.1f%%); had every 5.x.x been hard: %d (%.1f%%)", hardOK, pct(hardOK), classHardOK, pct(classHardOK))
	kinds := make([]string, 0, len(misses))
	for k := range misses {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return misses[kinds[i]] > misses[kinds[j]] })
	for _, k := range kinds {
		t.Logf("  %3d %s", misses[k], k)
	}

	// Floors just under what this reader reaches: a change that loses
	// agreement fails here.
	for _, c := range []struct {
		what  string
		got   int
		floor float64
	}{
		{"recipients found", found, 96.5},
		{"status codes equal", statusOK, 95.0},
		{"hard/soft equal", hardOK, 86.0},
	} {
		if pct(c.got) < c.floor {
			t.Errorf("%s: %.1f%%, below the floor of %.1f%%", c.what, pct(c.got), c.floor)
		}
	}
}

// statusMissKind names the way two status codes differ.
func statusMissKind(want, got string) string {
	switch {
	case want == "":
		return "found a code where sisimai reads none"
	case got == "":
		return "no code found"
	case want[0] != got[0]:
		return "another class"
	}
	return "another code of the same class"
}
