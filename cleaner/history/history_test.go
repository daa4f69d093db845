package history

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/gocarina/gocsv"
)

// day1 and day2 are the dates of two simulated runs.
var (
	day1 = time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	day2 = time.Date(2026, 10, 2, 9, 30, 0, 0, time.UTC)
)

// run opens the history at path, records outcomes as a run at t and saves.
func run(t *testing.T, path string, at time.Time, outcomes map[string]string) *History {
	t.Helper()
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	domains := slices.Collect(maps.Keys(outcomes))
	if err := h.Load(domains); err != nil {
		t.Fatal(err)
	}
	h.RecordRun(at, outcomes)
	if err := h.Save(at); err != nil {
		t.Fatal(err)
	}
	h, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Load(domains); err != nil {
		t.Fatal(err)
	}
	return h
}

// openLoaded opens the history at path and loads domains.
func openLoaded(t *testing.T, path string, domains ...string) *History {
	t.Helper()
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Load(domains); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestTwoRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "listclean", "domains.csv")
	run(t, path, day1, map[string]string{
		"gone.example": OutcomeNXDomain, "Broken.Example.": OutcomeBadMX,
		"flaky.example": OutcomeDNSError, "fine.example": OutcomeOK,
	})
	h := run(t, path, day2, map[string]string{
		"gone.example": OutcomeNXDomain, "broken.example": OutcomeOK,
		"flaky.example": OutcomeDNSError, "fine.example": OutcomeOK,
	})

	tests := []struct {
		domain     string
		persistent bool
		recovered  bool
		describe   string
	}{
		{"gone.example", false, false, "nxdomain in 2 of the last 2 runs since 2026-10-01"},
		{"broken.example", false, true, "routes mail now; bad_mx on 2026-10-01"},
		{"flaky.example", true, false, "dns_error in each of the last 2 runs since 2026-10-01, persistent"},
		{"fine.example", false, false, ""},
		{"never.example", false, false, ""},
	}
	for _, tt := range tests {
		s := h.Domain(tt.domain, 3)
		if s.Persistent() != tt.persistent || s.Recovered() != tt.recovered || s.Describe() != tt.describe {
			t.Errorf("%s: persistent %v, recovered %v, %q; want %v, %v, %q",
				tt.domain, s.Persistent(), s.Recovered(), s.Describe(), tt.persistent, tt.recovered, tt.describe)
		}
	}
	if s := h.Domain("gone.example", 3); s.Runs != 2 || s.Failed != 2 || !s.Since.Equal(day1) || s.Latest != OutcomeNXDomain {
		t.Errorf("gone.example: %+v", s)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "@") {
		t.Errorf("the history holds an address:\n%s", data)
	}
	if !strings.HasPrefix(string(data), "run,domain,source,outcome,at\n") {
		t.Errorf("the history's header:\n%s", data)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	left, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 {
		t.Errorf("the folder holds %d files, want the history alone", len(left))
	}
}

func TestPersistentNeedsTwoDays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	run(t, path, day1, map[string]string{"flaky.example": OutcomeDNSError})
	h := run(t, path, day1.Add(time.Hour), map[string]string{"flaky.example": OutcomeDNSError})
	if s := h.Domain("flaky.example", 0); s.Persistent() || s.Streak != 2 || s.StreakDays != 1 {
		t.Errorf("two failing runs on one day: %+v, persistent %v", s, s.Persistent())
	}
}

func TestBounds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	start := day1.Add(-2 * MaxAge)
	h.RecordRun(start, map[string]string{"old.example": OutcomeNXDomain})
	for i := range MaxRuns + 4 {
		h.RecordRun(day1.Add(time.Duration(i)*time.Hour), map[string]string{"busy.example": OutcomeOK})
	}
	if err := h.Save(day2); err != nil {
		t.Fatal(err)
	}
	h = openLoaded(t, path, "busy.example", "old.example")
	if s := h.Domain("busy.example", 0); s.Runs != MaxRuns || !s.Since.Equal(day1.Add(4*time.Hour)) {
		t.Errorf("busy.example keeps %d runs since %v, want the last %d", s.Runs, s.Since, MaxRuns)
	}
	if s := h.Domain("old.example", 0); s.Runs != 0 {
		t.Errorf("an entry older than MaxAge was kept: %+v", s)
	}
}

func TestBounces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	bounces := []Bounce{
		{Domain: "nowhere.example", Status: "5.4.4", Date: day1.Add(-48 * time.Hour)},
		{Domain: "nowhere.example", Status: "5.4.4", Date: day1.Add(-24 * time.Hour)},
		{Domain: "", Status: "5.4.4"},
	}
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h.RecordBounces(day1, bounces)
	h.RecordRun(day1, map[string]string{"nowhere.example": OutcomeOK})
	if err := h.Save(day1); err != nil {
		t.Fatal(err)
	}
	// The next run reads the same evidence again.
	h = openLoaded(t, path, "nowhere.example")
	h.RecordBounces(day2, bounces)
	h.RecordRun(day2, map[string]string{"nowhere.example": OutcomeNXDomain})
	if err := h.Save(day2); err != nil {
		t.Fatal(err)
	}
	h = openLoaded(t, path, "nowhere.example")
	s := h.Domain("nowhere.example", 3)
	if len(s.Bounces) != 2 {
		t.Fatalf("%d bounces recorded, want 2", len(s.Bounces))
	}
	if got, want := s.Describe(), "2 bounces with 5.4.4, the last on 2026-09-30"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if s.Latest != OutcomeNXDomain {
		t.Errorf("latest %q: today's DNS result goes beside the bounces", s.Latest)
	}
}

func TestSaveMerges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a.RecordRun(day1, map[string]string{"a.example": OutcomeNXDomain})
	b.RecordRun(day1.Add(time.Minute), map[string]string{"b.example": OutcomeNXDomain})
	if err := a.Save(day1); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(day1); err != nil {
		t.Fatal(err)
	}
	h := openLoaded(t, path, "a.example", "b.example")
	for _, d := range []string{"a.example", "b.example"} {
		if h.Domain(d, 0).Runs != 1 {
			t.Errorf("%s was lost when two runs saved", d)
		}
	}
}

// TestStage: a staged history leaves the file as it was until Commit
// puts it in place, and Discard leaves nothing behind; a run saved
// meanwhile is merged in on Commit.
func TestStage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "domains.csv")
	h := run(t, path, day1, map[string]string{"a.example": OutcomeNXDomain})
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files := func() int {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	h.RecordRun(day2, map[string]string{"a.example": OutcomeNXDomain})
	st, err := h.Stage(day2)
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, before) || files() != 2 {
		t.Errorf("staging changed the file (%v) or wrote no file beside it (%d files)", !bytes.Equal(now, before), files())
	}
	st.Discard()
	if now, _ := os.ReadFile(path); !bytes.Equal(now, before) || files() != 1 {
		t.Errorf("discarding changed the file (%v) or left a file beside it (%d files)", !bytes.Equal(now, before), files())
	}

	if st, err = h.Stage(day2); err != nil {
		t.Fatal(err)
	}
	// Another run saves before this one commits.
	run(t, path, day2.Add(time.Minute), map[string]string{"b.example": OutcomeDNSError})
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	if files() != 1 {
		t.Errorf("%d files after Commit, want the history alone", files())
	}
	h = openLoaded(t, path, "a.example", "b.example")
	if s := h.Domain("a.example", 0); s.Runs != 2 {
		t.Errorf("a.example: %d runs, want both", s.Runs)
	}
	if s := h.Domain("b.example", 0); s.Runs != 1 {
		t.Errorf("b.example, saved by another run meanwhile: %d runs, want 1", s.Runs)
	}
}

// TestStageKeepsRecords: staging sorts no record of the history, so that
// the records of the run are still the ones Save adds to the file after a
// staged history was discarded and another run saved, even when the file
// holds a later run than this one (a clock set back).
func TestStageKeepsRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	h := run(t, path, day2, map[string]string{"later.example": OutcomeOK})
	h.RecordRun(day1, map[string]string{"earlier.example": OutcomeNXDomain})
	st, err := h.Stage(day2)
	if err != nil {
		t.Fatal(err)
	}
	st.Discard()
	run(t, path, day2.Add(time.Hour), map[string]string{"other.example": OutcomeOK})
	if err := h.Save(day2); err != nil {
		t.Fatal(err)
	}
	h = openLoaded(t, path, "earlier.example", "later.example", "other.example")
	for d, runs := range map[string]int{"earlier.example": 1, "later.example": 1, "other.example": 1} {
		if s := h.Domain(d, 0); s.Runs != runs {
			t.Errorf("%s: %d runs, want %d", d, s.Runs, runs)
		}
	}
}

func TestCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	if err := os.WriteFile(path, []byte("run,domain,source,outcome,at\nyesterday,x.example,dns,ok,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := Open(path)
	if err == nil {
		err = h.Load([]string{"x.example"})
	}
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("a corrupt history: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv(EnvPath, "/tmp/elsewhere/domains.csv")
	if p, err := DefaultPath(); err != nil || p != "/tmp/elsewhere/domains.csv" {
		t.Errorf("with %s: %q, %v", EnvPath, p, err)
	}
	t.Setenv(EnvPath, "")
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	if p, err := DefaultPath(); err != nil || p != filepath.Join(state, "listclean", "domains.csv") {
		t.Errorf("with XDG_STATE_HOME: %q, %v", p, err)
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return
	}
	t.Setenv("XDG_STATE_HOME", "relative/is/ignored")
	home := t.TempDir()
	t.Setenv("HOME", home)
	if p, err := DefaultPath(); err != nil || p != filepath.Join(home, ".local", "state", "listclean", "domains.csv") {
		t.Errorf("without XDG_STATE_HOME: %q, %v", p, err)
	}
}

// Domain answers from an index of the entries, which must follow what is
// recorded after it was built, and what Save rewrites.
func TestDomainIndexFollowsRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h.RecordRun(day1, map[string]string{"gone.example": OutcomeNXDomain})
	if s := h.Domain("gone.example", 0); s.Runs != 1 {
		t.Fatalf("after one run: %+v", s)
	}
	h.RecordRun(day2, map[string]string{"gone.example": OutcomeNXDomain, "new.example": OutcomeOK})
	if s := h.Domain("gone.example", 0); s.Runs != 2 || s.Failed != 2 {
		t.Errorf("a run recorded after the index was built is missing: %+v", s)
	}
	if s := h.Domain("new.example", 0); s.Runs != 1 {
		t.Errorf("a domain first recorded after the index was built is missing: %+v", s)
	}
	// Another run saved meanwhile: Save merges its entries in, first.
	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	other.RecordRun(day1.Add(-time.Hour), map[string]string{"other.example": OutcomeDNSError})
	if err := other.Save(day1); err != nil {
		t.Fatal(err)
	}
	if err := h.Save(day2); err != nil {
		t.Fatal(err)
	}
	h.RecordBounces(day2, []Bounce{{Domain: "gone.example", Status: "5.4.4", Date: day1}})
	if s := h.Domain("gone.example", 0); s.Runs != 2 || s.Failed != 2 || len(s.Bounces) != 1 || s.Latest != OutcomeNXDomain {
		t.Errorf("after Save and a bounce: %+v", s)
	}
	if s := h.Domain("other.example", 0); s.Runs != 0 {
		t.Errorf("a domain the history did not load nor record: %+v", s)
	}
	if err := h.Load([]string{"other.example"}); err != nil {
		t.Fatal(err)
	}
	if s := h.Domain("other.example", 0); s.Runs != 1 || s.Latest != OutcomeDNSError {
		t.Errorf("the entry Save merged in, loaded since: %+v", s)
	}
}

// TestDomainConcurrently: Domain may be called from several goroutines
// at once (the session sums up a list's domains on all processors), the
// first calls building the index together; the race detector sees it.
func TestDomainConcurrently(t *testing.T) {
	outcomes := map[string]string{}
	for i := range 200 {
		outcomes[fmt.Sprintf("d%d.example", i)] = OutcomeNXDomain
	}
	h := run(t, filepath.Join(t.TempDir(), "domains.csv"), day1, outcomes)
	h.RecordRun(day2, outcomes)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < 200; i += 4 {
				if s := h.Domain(fmt.Sprintf("d%d.example", i), 0); s.Runs != 2 || s.Failed != 2 {
					t.Errorf("d%d.example: %+v, want 2 runs failed", i, s)
				}
			}
		})
	}
	wg.Wait()
}

// TestFileIsGocsvTable: the file is the CSV table gocsv makes of Entry,
// both ways, though it is read and written by hand for speed.
func TestFileIsGocsvTable(t *testing.T) {
	entries := []Entry{
		{Run: day1, Domain: "gone.example", Source: SourceDNS, Outcome: OutcomeNXDomain, At: day1},
		{Run: day2.Add(123456789), Domain: "odd,\"name\".example", Source: SourceBounce, Outcome: "5.4.4", At: day1.Add(-time.Hour)},
		{Run: day2.Add(123456789), Domain: " spaced.example", Source: SourceDNS, Outcome: OutcomeOK, At: day2.Add(123456789)},
		{Run: day2.Add(123456789), Domain: "two\nlines.example", Source: SourceBounce, Outcome: "5.1.2", At: day2.In(time.FixedZone("", 3600))},
		{Run: day2.Add(time.Hour), Domain: "gone.example", Source: SourceDNS, Outcome: OutcomeNXDomain, At: day2.Add(time.Hour)},
		{Run: day2.Add(time.Hour), Domain: "odd,\"name\".example", Source: SourceDNS, Outcome: OutcomeOK, At: day2.Add(time.Hour)},
	}
	h := newHistory("")
	var recs []record
	for _, e := range entries {
		r := record{run: nanosOf(e.Run), at: nanosOf(e.At), domain: h.domainID(e.Domain), outcome: h.textID(e.Outcome), bounce: e.Source == SourceBounce}
		recs = append(recs, r)
	}
	var file strings.Builder
	bw := bufio.NewWriter(&file)
	bw.WriteString(header + "\n")
	if err := h.writeRecords(bw, recs); err != nil {
		t.Fatal(err)
	}
	bw.Flush()
	// Quoted where encoding/csv quotes, and only there: each field as its
	// Writer writes it.
	var want strings.Builder
	cw := csv.NewWriter(&want)
	cw.Write(strings.Split(header, ","))
	for _, e := range entries {
		cw.Write([]string{e.Run.UTC().Format(time.RFC3339Nano), e.Domain, e.Source, e.Outcome, e.At.UTC().Format(time.RFC3339Nano)})
	}
	cw.Flush()
	if file.String() != want.String() {
		t.Errorf("writeRecords wrote\n%s\nwant, as encoding/csv writes it,\n%s", file.String(), want.String())
	}
	var fromGocsv []Entry
	if err := gocsv.UnmarshalString(file.String(), &fromGocsv); err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(fromGocsv, entries, sameEntry) {
		t.Errorf("gocsv reads %+v, want %+v", fromGocsv, entries)
	}
	written, err := gocsv.MarshalBytes(&entries)
	if err != nil {
		t.Fatal(err)
	}
	h = newHistory("")
	recs = nil
	err = scan(bytes.NewReader(written), func(e *entryLine) error {
		recs = append(recs, h.recordOf(h.domainID(string(e.domain)), e))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var parsed []Entry
	for _, r := range recs {
		parsed = append(parsed, h.entry(r))
	}
	if !slices.EqualFunc(parsed, entries, sameEntry) {
		t.Errorf("gocsv's table reads back as %+v, want %+v", parsed, entries)
	}
}

func sameEntry(a, b Entry) bool {
	return a.Run.Equal(b.Run) && a.At.Equal(b.At) && a.Domain == b.Domain && a.Source == b.Source && a.Outcome == b.Outcome
}

// TestNotAHistory refuses a file that is not a history, naming the line:
// Open when its first lines are not the header and an entry, Load or
// Verify when a later line is not an entry.
func TestNotAHistory(t *testing.T) {
	for name, text := range map[string]string{
		"another table":  "email,name\njo@example.com,Jo\n",
		"a bad source":   header + "\n2026-10-01T09:00:00Z,gone.example,guess,nxdomain,2026-10-01T09:00:00Z\n",
		"a bad date":     header + "\nyesterday,gone.example,dns,nxdomain,2026-10-01T09:00:00Z\n",
		"a missing cell": header + "\n2026-10-01T09:00:00Z,gone.example,dns,2026-10-01T09:00:00Z\n",
	} {
		path := filepath.Join(t.TempDir(), "domains.csv")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		// Open reads the first lines, Load or Verify the rest.
		h, err := Open(path)
		if err == nil {
			if verr := h.Verify(); verr == nil {
				t.Errorf("%s: Verify found nothing wrong", name)
			}
			err = h.Load([]string{"gone.example"})
		}
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "delete the file to start a new one") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// BenchmarkOpenRecordSave: a run over a list of 50,000 domains: Open,
// Load, RecordRun, Save. "full": the history holds the list's domains
// alone, 8 runs of each (400,000 entries); "bigger": it holds 200,000
// domains of other lists too, one run of each, as after a few lists.
func BenchmarkOpenRecordSave(b *testing.B) {
	const domains = 50000
	for _, bc := range []struct {
		name         string
		runs, others int
	}{{"full", MaxRuns, 0}, {"bigger", 1, 200_000}} {
		b.Run(bc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "domains.csv")
			outcomes := make(map[string]string, domains)
			for i := range domains {
				outcomes[fmt.Sprintf("domain%d.example", i)] = OutcomeOK
			}
			list := slices.Collect(maps.Keys(outcomes))
			others := make(map[string]string, bc.others)
			for i := range bc.others {
				others[fmt.Sprintf("other%d.example", i)] = OutcomeOK
			}
			start := time.Now().Add(-9 * time.Hour)
			h, err := Open(path)
			if err != nil {
				b.Fatal(err)
			}
			h.RecordRun(start, others)
			for run := range bc.runs {
				h.RecordRun(start.Add(time.Duration(run)*time.Hour), outcomes)
			}
			if err := h.Save(start.Add(8 * time.Hour)); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				h, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				if err := h.Load(list); err != nil {
					b.Fatal(err)
				}
				now := start.Add(8*time.Hour + time.Duration(i)*time.Minute)
				h.RecordRun(now, outcomes)
				if err := h.Save(now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDayNumber: two times have the same day number exactly when they
// fall on the same calendar day (UTC), before 1970 too.
func TestDayNumber(t *testing.T) {
	times := []time.Time{
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1970, 1, 1, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 10, 1, 23, 59, 0, 0, time.UTC),
		time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 2, 1, 30, 0, 0, time.FixedZone("CEST", 2*3600)), // 2026-10-01 23:30 UTC
	}
	for _, a := range times {
		for _, b := range times {
			same := day(a) == day(b)
			if got := dayNumber(nanosOf(a)) == dayNumber(nanosOf(b)); got != same {
				t.Errorf("%v and %v: same day number %v, same day %v", a, b, got, same)
			}
		}
	}
}

// TestLoadHoldsItsDomainsAlone: a history holds the entries of the
// domains loaded and those recorded, and Save copies every other line of
// the file as it was: a run of a small list neither holds nor loses what
// the runs of bigger lists left.
func TestLoadHoldsItsDomainsAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	outcomes := map[string]string{}
	for i := range 2_000 {
		outcomes[fmt.Sprintf("domain-%d.example", i)] = OutcomeOK
	}
	outcomes["odd,\"name\".example"] = OutcomeNXDomain // a quoted line, copied as it is
	run(t, path, day1, outcomes)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Another domain's line older than MaxAge: the next Save drops it.
	ancient := day1.Add(-MaxAge - time.Hour).Format(time.RFC3339Nano)
	if err := os.WriteFile(path, append(slices.Clip(before), ancient+",ancient.example,dns,ok,"+ancient+"\n"...), 0o600); err != nil {
		t.Fatal(err)
	}

	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.recs) != 0 || len(h.domains) != 0 {
		t.Fatalf("Open holds %d entries of %d domains, want none", len(h.recs), len(h.domains))
	}
	mine := map[string]string{"domain-7.example": OutcomeNXDomain, "new.example": OutcomeOK}
	if err := h.Load([]string{"Domain-7.example.", "new.example"}); err != nil {
		t.Fatal(err)
	}
	if len(h.recs) != 1 || len(h.domains) != 2 {
		t.Errorf("Load holds %d entries and %d domains, want domain-7.example's one entry and the two domains loaded", len(h.recs), len(h.domains))
	}
	if got := h.Domain("domain-7.example", MaxRuns); got.Runs != 1 {
		t.Errorf("domain-7.example: %+v, want its run of day 1", got)
	}
	h.RecordRun(day2, mine)
	if err := h.Save(day2); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, line := range strings.SplitAfter(string(after), "\n") {
		kept[line] = true
	}
	if strings.Contains(string(after), "ancient.example") {
		t.Error("a line older than MaxAge was kept")
	}
	for _, line := range strings.SplitAfter(string(before), "\n") {
		if !kept[line] {
			t.Errorf("the line %q is gone", line)
		}
	}
	h, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Load([]string{"domain-7.example", "new.example", "domain-8.example", "odd,\"name\".example"}); err != nil {
		t.Fatal(err)
	}
	for d, runs := range map[string]int{"domain-7.example": 2, "new.example": 1, "domain-8.example": 1, "odd,\"name\".example": 1} {
		if got := h.Domain(d, MaxRuns); got.Runs != runs {
			t.Errorf("%s after the second run: %+v, want %d runs", d, got, runs)
		}
	}
}

// TestLoadFailureLeavesFile: a file that another program spoiled after
// Open cannot be loaded, and Save then leaves it as it is rather than
// write what it could not read.
func TestLoadFailureLeavesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	run(t, path, day1, map[string]string{"a.example": OutcomeOK})
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	spoilt := []byte(header + "\nnot,an,entry\n")
	if err := os.WriteFile(path, spoilt, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := h.Load([]string{"a.example"}); err == nil {
		t.Error("Load read a file that is not a history")
	}
	h.RecordRun(day2, map[string]string{"a.example": OutcomeOK})
	if err := h.Save(day2); err == nil {
		t.Error("Save wrote a history it could not read")
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, spoilt) {
		t.Errorf("the file became %q", now)
	}
}

// TestLoadAfterSave: after Save, h holds the file's entries of every
// domain it knows, loaded or only recorded (RecordRun does not need
// Load), so a Load of such a domain afterwards does not read them again:
// Domain counts each run once. (package cleaner loads every domain before
// it records it: this is Load's word, "not read again", kept.)
func TestLoadAfterSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	run(t, path, day1, map[string]string{"x.example": OutcomeNXDomain})
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h.RecordRun(day2, map[string]string{"x.example": OutcomeNXDomain}) // recorded, not loaded
	if err := h.Save(day2); err != nil {
		t.Fatal(err)
	}
	if err := h.Load([]string{"x.example"}); err != nil {
		t.Fatal(err)
	}
	if got := h.Domain("x.example", 0); got.Runs != 2 {
		t.Errorf("x.example after Save and Load: %d runs, want the file's 2", got.Runs)
	}
}

// TestLoadBoundsAHandMadeFile: a file written by hand may hold more of a
// domain than Save keeps, and two outcomes of one run; Load bounds them
// as Save would, so that Domain says of it what it says once saved.
func TestLoadBoundsAHandMadeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	var b strings.Builder
	b.WriteString(header + "\n")
	for i := range MaxRuns + 4 {
		at := day1.Add(time.Duration(i) * time.Hour).Format(time.RFC3339Nano)
		fmt.Fprintf(&b, "%s,many.example,dns,nxdomain,%s\n", at, at)
		if i == MaxRuns+3 {
			fmt.Fprintf(&b, "%s,many.example,dns,nxdomain,%s\n", at, at) // the same run twice
		}
		fmt.Fprintf(&b, "%s,many.example,bounce,5.4.4,%s\n", at, day1.Add(-time.Duration(i)*time.Hour).Format(time.RFC3339Nano))
	}
	writeFile(t, path, b.String())
	h := openLoaded(t, path, "many.example")
	s := h.Domain("many.example", MaxRuns+4)
	if s.Runs != MaxRuns || len(s.Bounces) != MaxBounces {
		t.Errorf("Load holds %d runs and %d bounces of a hand-made file's 12 each, want %d and %d", s.Runs, len(s.Bounces), MaxRuns, MaxBounces)
	}
}

// writeFile writes text to the file at path.
func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestSaveCopiesOthersAsTheyAre: while the file is as Load read it, Save
// copies the other domains' lines byte for byte (line ends, quotes, a
// last line without one) rather than read them again; once another run
// has saved, it reads the file again and keeps that run's entries too.
func TestSaveCopiesOthersAsTheyAre(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	at := day1.Format(time.RFC3339Nano)
	others := []string{
		at + ",crlf.example,dns,ok," + at + "\r\n",
		at + ",\"odd,name.example\",bounce,5.4.4," + at + "\n",
		at + ",\"two\nlines.example\",dns,nxdomain," + at + "\n",
	}
	mine := at + ",mine.example,dns,nxdomain," + at + "\n"
	last := at + ",last.example,dns,ok," + at // no line end
	writeFile(t, path, header+"\n"+others[0]+mine+others[1]+others[2]+last)

	h := openLoaded(t, path, "mine.example")
	h.RecordRun(day2, map[string]string{"mine.example": OutcomeNXDomain})
	if err := h.Save(day2); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range append(others, last+"\n") {
		if !strings.Contains(string(data), line) {
			t.Errorf("the line %q was not copied as it was:\n%q", line, data)
		}
	}
	h = openLoaded(t, path, "mine.example", "last.example", "odd,name.example", "two\nlines.example")
	if err := h.Verify(); err != nil {
		t.Fatal(err)
	}
	for d, runs := range map[string]int{"mine.example": 2, "last.example": 1, "two\nlines.example": 1} {
		if s := h.Domain(d, 0); s.Runs != runs {
			t.Errorf("%q: %d runs, want %d", d, s.Runs, runs)
		}
	}
	if s := h.Domain("odd,name.example", 0); len(s.Bounces) != 1 {
		t.Errorf("odd,name.example: %d bounces, want 1", len(s.Bounces))
	}

	// Another run saves between this one's Load and Save.
	h = openLoaded(t, path, "mine.example")
	h.RecordRun(day2.Add(time.Hour), map[string]string{"mine.example": OutcomeOK})
	run(t, path, day2.Add(time.Minute), map[string]string{"meanwhile.example": OutcomeOK})
	if err := h.Save(day2.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	h = openLoaded(t, path, "mine.example", "meanwhile.example", "last.example")
	for d, runs := range map[string]int{"mine.example": 3, "meanwhile.example": 1, "last.example": 1} {
		if s := h.Domain(d, 0); s.Runs != runs {
			t.Errorf("after a run saved meanwhile, %q: %d runs, want %d", d, s.Runs, runs)
		}
	}
}

// TestStageInterleavedFile: of a file that interleaves the lines of the
// domains loaded with others' (as after lists that share domains), Stage
// copies the other domains' lines as they are: from the ranges Load
// found, however many, or, when one of those lines is too old to keep,
// from the file read again. Either way it keeps the entries loaded rather
// than read them a second time: a copy of them all when a run holds the
// most.
func TestStageInterleavedFile(t *testing.T) {
	at := day1.Format(time.RFC3339Nano)
	ancient := day1.Add(-MaxAge - time.Hour).Format(time.RFC3339Nano)
	for _, tt := range []struct {
		name    string
		pairs   int
		ancient bool // an other domain's line older than MaxAge
	}{
		{"many ranges", 3000, false},
		{"a line too old", 300, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "domains.csv")
			var text strings.Builder
			text.WriteString(header + "\n")
			var mine, others []string
			for i := range tt.pairs {
				mine = append(mine, fmt.Sprintf("mine-%d.example", i))
				others = append(others, fmt.Sprintf("%s,other-%d.example,dns,ok,%s", at, i, at))
				fmt.Fprintf(&text, "%s,%s,dns,nxdomain,%s\n%s\n", at, mine[i], at, others[i])
			}
			if tt.ancient {
				fmt.Fprintf(&text, "%s,ancient.example,dns,ok,%s\n", ancient, ancient)
			}
			writeFile(t, path, text.String())

			h := openLoaded(t, path, mine...)
			if !h.othersKnown || len(h.others) != tt.pairs {
				t.Fatalf("Load kept %d ranges of the other domains' lines (all: %v), want %d", len(h.others), h.othersKnown, tt.pairs)
			}
			outcomes := map[string]string{}
			for _, d := range mine {
				outcomes[d] = OutcomeNXDomain
			}
			h.RecordRun(day2, outcomes)
			st, err := h.Stage(day2)
			if err != nil {
				t.Fatal(err)
			}
			if unsafe.SliceData(st.recs) != unsafe.SliceData(h.recs) {
				t.Error("Stage read the entries of the domains loaded a second time")
			}
			if err := st.Commit(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			kept := map[string]bool{}
			for _, l := range lines {
				kept[l] = true
			}
			for _, l := range others {
				if !kept[l] {
					t.Fatalf("the line %q was not copied", l)
				}
			}
			if want := 1 + len(others) + 2*len(mine); len(lines) != want || kept[ancient+",ancient.example,dns,ok,"+ancient] {
				t.Errorf("%d lines, want %d: the header, the other domains' and two runs of each domain loaded, none too old", len(lines), want)
			}
			h = openLoaded(t, path, mine...)
			for _, d := range mine {
				if s := h.Domain(d, 0); s.Runs != 2 {
					t.Fatalf("%s: %d runs, want 2", d, s.Runs)
				}
			}
		})
	}
}

// TestStageEarly: with StageEarly, Load writes the other domains' lines
// for Stage while the run goes on, and the file saved is the one Stage
// alone writes, byte for byte. When the file changes meanwhile, Stage
// writes it all again, with the other run's entries; when no Stage comes,
// Close removes what Load wrote. No temporary file is left either way.
func TestStageEarly(t *testing.T) {
	at := day1.Format(time.RFC3339Nano)
	var text strings.Builder
	text.WriteString(header + "\n")
	var mine []string
	for i := range 500 {
		fmt.Fprintf(&text, "%s,other-%d.example,dns,ok,%s\n", at, i, at)
	}
	for i := range 300 {
		mine = append(mine, fmt.Sprintf("mine-%d.example", i))
		fmt.Fprintf(&text, "%s,%s,dns,nxdomain,%s\n", at, mine[i], at)
	}
	outcomes := map[string]string{}
	for _, d := range mine {
		outcomes[d] = OutcomeNXDomain
	}
	temps := func(t *testing.T, dir string) []string {
		t.Helper()
		m, err := filepath.Glob(filepath.Join(dir, ".domains-*.tmp"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// stage opens the file at path, early or not, loads the list's
	// domains, calls between, records the run and saves it.
	stage := func(t *testing.T, path string, early bool, between func()) *Staged {
		t.Helper()
		h, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		if early {
			h.StageEarly()
		}
		if err := h.Load(mine); err != nil {
			t.Fatal(err)
		}
		between()
		h.RecordRun(day2, outcomes)
		st, err := h.Stage(day2)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Commit(); err != nil {
			t.Fatal(err)
		}
		return st
	}
	plain, early := filepath.Join(t.TempDir(), "domains.csv"), filepath.Join(t.TempDir(), "domains.csv")
	writeFile(t, plain, text.String())
	writeFile(t, early, text.String())
	stage(t, plain, false, func() {})
	st := stage(t, early, true, func() {
		if len(temps(t, filepath.Dir(early))) != 1 {
			t.Error("Load started no temporary file")
		}
	})
	if !st.early {
		t.Error("Stage did not take what Load wrote")
	}
	want, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(early); err != nil || !bytes.Equal(got, want) {
		t.Errorf("staged early, the file is not what Stage writes alone (%v):\n%.300q\nwant\n%.300q", err, got, want)
	}

	// Another run saves the file after this one's Load.
	changed := filepath.Join(t.TempDir(), "domains.csv")
	writeFile(t, changed, text.String())
	st = stage(t, changed, true, func() {
		run(t, changed, day2.Add(-time.Hour), map[string]string{"meanwhile.example": OutcomeOK})
	})
	if st.early {
		t.Error("Stage took what Load wrote of a file that changed since")
	}
	h := openLoaded(t, changed, "meanwhile.example", "mine-1.example", "other-1.example")
	for d, runs := range map[string]int{"meanwhile.example": 1, "mine-1.example": 2, "other-1.example": 1} {
		if s := h.Domain(d, 0); s.Runs != runs {
			t.Errorf("after a run saved meanwhile, %s: %d runs, want %d", d, s.Runs, runs)
		}
	}

	// No Stage: Close removes what Load wrote; the file is as it was.
	unsaved := filepath.Join(t.TempDir(), "domains.csv")
	writeFile(t, unsaved, text.String())
	h, err = Open(unsaved)
	if err != nil {
		t.Fatal(err)
	}
	h.StageEarly()
	if err := h.Load(mine); err != nil {
		t.Fatal(err)
	}
	h.Close()
	if data, err := os.ReadFile(unsaved); err != nil || string(data) != text.String() {
		t.Errorf("the file changed without a Stage (%v)", err)
	}
	for _, path := range []string{plain, early, changed, unsaved} {
		if m := temps(t, filepath.Dir(path)); len(m) != 0 {
			t.Errorf("temporary files left: %q", m)
		}
	}
}

// TestPruneInPlace: prune bounds records that are its caller's alone
// (Load's) in their own array, out of order and over MaxRuns, rather than
// in two copies of them, and leaves those it does not own as they were.
func TestPruneInPlace(t *testing.T) {
	var recs []record
	for run := range MaxRuns + 2 { // two runs too many, the latest first
		for d := range 3 {
			n := nanosOf(day2.Add(-time.Duration(run) * time.Hour))
			recs = append(recs, record{run: n, at: n, domain: int32(d)})
		}
	}
	for _, own := range []bool{false, true} {
		in := slices.Clone(recs)
		got := prune(in, day2, 3, own)
		if len(got) != 3*MaxRuns || !slices.IsSortedFunc(got, func(a, b record) int { return int(a.run - b.run) }) {
			t.Fatalf("own %v: %d records, sorted %v; want the latest %d of each of 3 domains, by run", own, len(got), slices.IsSortedFunc(got, func(a, b record) int { return int(a.run - b.run) }), MaxRuns)
		}
		if same := unsafe.SliceData(got) == unsafe.SliceData(in); same != own {
			t.Errorf("own %v: the records kept in the array given: %v", own, same)
		}
		if !own && !slices.Equal(in, recs) {
			t.Error("prune changed records it does not own")
		}
	}
}

// TestDomainAllocates: summing up a domain of a full history allocates
// nothing: a run sums up every domain of its list at its end, 50,000 of
// them at a million rows, each of its MaxRuns runs.
func TestDomainAllocates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	outcomes := map[string]string{"ok.example": OutcomeOK, "dead.example": OutcomeNXDomain}
	for k := range MaxRuns {
		run(t, path, day1.Add(time.Duration(k)*time.Hour), outcomes)
	}
	h := openLoaded(t, path, "ok.example", "dead.example")
	for d := range outcomes {
		var s Summary
		if allocs := testing.AllocsPerRun(20, func() { s = h.Domain(d, MaxRuns) }); allocs != 0 || s.Runs != MaxRuns {
			t.Errorf("%s: %.0f allocations, %d runs; want none, and %d runs", d, allocs, s.Runs, MaxRuns)
		}
	}
}

// TestSize: Size is about what a history holds once a run of a list of
// every domain of its file has loaded, recorded and summed them up,
// within a factor of one and a half either way: the memory limit of a
// run counts on it.
func TestSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "domains.csv")
	outcomes := map[string]string{}
	for i := range 20_000 {
		outcomes[fmt.Sprintf("domain-%d.example", i)] = OutcomeOK
	}
	domains := slices.Collect(maps.Keys(outcomes))
	h := run(t, path, day1, outcomes)
	for k := range MaxRuns - 1 {
		h.RecordRun(day2.Add(time.Duration(k)*time.Hour), outcomes)
	}
	if err := h.Save(day2.Add(MaxRuns * time.Hour)); err != nil {
		t.Fatal(err)
	}
	h = nil
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	h, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	size := h.Size()
	if err := h.Load(domains); err != nil {
		t.Fatal(err)
	}
	h.RecordRun(day2.Add(MaxRuns*time.Hour), outcomes)
	for _, d := range domains {
		h.Domain(d, MaxRuns)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	held := int64(ms.HeapAlloc - before)
	runtime.KeepAlive(h)
	if size < held*2/3 || size > held*3/2 {
		t.Errorf("Size %.1f MiB, held %.1f MiB", float64(size)/(1<<20), float64(held)/(1<<20))
	}
	t.Logf("%d records of %d domains: Size %.1f MiB, held %.1f MiB", len(h.recs), len(h.domains), float64(size)/(1<<20), float64(held)/(1<<20))
}
