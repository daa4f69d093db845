// Package history remembers, from one run of listclean to the next, what
// became of each domain: the DNS outcome of every run that checked it and
// the bounces it produced, so that a domain that keeps failing can be told
// from one that failed once, and one that failed before from one that
// routes mail now.
//
// It keeps domains only, never an address: a file in the user's state
// folder (see DefaultPath), readable by the user alone, rewritten whole
// and atomically, and bounded to the last MaxRuns runs and MaxBounces
// bounces of each domain within MaxAge.
//
// It knows nothing of DNS: the outcomes are package resolver's status
// words, which the caller passes as strings.
package history

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// The outcomes of a DNS check, as package resolver words them.
const (
	OutcomeOK         = "ok"          // MX records exist and an MX host resolves
	OutcomeImplicitMX = "implicit_mx" // no MX, but an address record
	OutcomeNullMX     = "null_mx"     // the domain says it takes no mail
	OutcomeNoMail     = "no_mail"     // the domain exists with no MX and no address
	OutcomeBadMX      = "bad_mx"      // no MX host resolves
	OutcomeNXDomain   = "nxdomain"    // the domain does not exist
	OutcomeDNSError   = "dns_error"   // only temporary failures, after retries
)

// Sources of an entry.
const (
	SourceDNS    = "dns"    // a run's DNS check
	SourceBounce = "bounce" // a bounce in the evidence a run read
)

// Bounds of the file.
const (
	MaxRuns    = 8                    // DNS outcomes kept per domain, the latest
	MaxBounces = 8                    // bounces kept per domain, the latest
	MaxAge     = 400 * 24 * time.Hour // nothing older is kept
)

// EnvPath names the environment variable that, when set, is the path of
// the history file: for tests, and for users who keep it elsewhere.
const EnvPath = "LISTCLEAN_HISTORY"

// Entry is one line of the file.
type Entry struct {
	Run    time.Time `csv:"run"`    // when the run that recorded it started
	Domain string    `csv:"domain"` // lower case, no trailing dot
	Source string    `csv:"source"` // SourceDNS or SourceBounce
	// Outcome is the DNS status for SourceDNS; the enhanced status code
	// ("5.4.4") for SourceBounce.
	Outcome string    `csv:"outcome"`
	At      time.Time `csv:"at"` // when it happened: the run for DNS, the bounce's date for a bounce
}

// Failed reports whether a DNS outcome is a failure: the domain does not
// route mail, or could not be looked up.
func Failed(outcome string) bool {
	switch outcome {
	case OutcomeNullMX, OutcomeNoMail, OutcomeBadMX, OutcomeNXDomain, OutcomeDNSError:
		return true
	}
	return false
}

// Routes reports whether a DNS outcome says the domain takes mail.
func Routes(outcome string) bool {
	return outcome == OutcomeOK || outcome == OutcomeImplicitMX
}

// DefaultPath returns the path of the history file: $LISTCLEAN_HISTORY
// when set; else domains.csv in a listclean folder under the user's state
// folder, which is $XDG_STATE_HOME when set to an absolute path (the XDG
// Base Directory rule, on any system), else:
//
//   - on Windows, %LocalAppData%, as the history belongs to the machine
//     and need not roam with the profile (os.UserCacheDir's folder);
//   - on macOS, ~/Library/Application Support (os.UserConfigDir's);
//   - elsewhere, ~/.local/state, XDG's default.
func DefaultPath() (string, error) {
	if p := os.Getenv(EnvPath); p != "" {
		return p, nil
	}
	dir, err := stateDir()
	if err != nil {
		return "", fmt.Errorf("finding the folder for the domain history: %w", err)
	}
	return filepath.Join(dir, "listclean", "domains.csv"), nil
}

// stateDir returns the user's state folder; see DefaultPath.
func stateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	switch runtime.GOOS {
	case "windows":
		return os.UserCacheDir()
	case "darwin", "ios":
		return os.UserConfigDir()
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state"), nil
}

// History is the file's entries and those recorded since it was read.
type History struct {
	path    string
	entries []Entry // as read, then with those added
	added   []Entry // recorded since Open, for Save
	// read is the file as Open read it or Save wrote it (nil when there
	// was none): Save reads it again only if it has changed since.
	read os.FileInfo
	// byDomain indexes entries by domain, so that Domain does not read
	// them all for each of a list's many domains; nil until Domain needs
	// it, and again whenever entries is replaced.
	byDomain map[string][]int
}

// Open reads the history at path; a missing file is an empty history.
func Open(path string) (*History, error) {
	h := &History{path: path}
	entries, fi, err := readFile(path)
	if err != nil {
		return nil, err
	}
	h.entries, h.read = entries, fi
	return h, nil
}

// Path returns the file's path.
func (h *History) Path() string { return h.path }

// readFile reads the entries of the file at path, and what the file was
// as it was read; nil and nil when it does not exist.
func readFile(path string) ([]Entry, os.FileInfo, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading the domain history: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the domain history: %w", err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the domain history: %w", err)
	}
	entries, err := parseEntries(data)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the domain history %s: %w (delete the file to start a new one)", path, err)
	}
	return entries, fi, nil
}

// unchanged reports whether the file at h.path is still the one Open read
// or Save wrote: same size and modification time.
func (h *History) unchanged() bool {
	fi, err := os.Stat(h.path)
	if h.read == nil || err != nil {
		return h.read == nil && errors.Is(err, fs.ErrNotExist)
	}
	return fi.Size() == h.read.Size() && fi.ModTime().Equal(h.read.ModTime())
}

// normDomain returns domain lower case without a trailing dot.
func normDomain(domain string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
}

// RecordRun records the DNS outcome of each domain a run checked
// (resolver status words by domain); run is when it started.
func (h *History) RecordRun(run time.Time, outcomes map[string]string) {
	domains := make([]string, 0, len(outcomes))
	for d := range outcomes {
		domains = append(domains, d)
	}
	slices.Sort(domains)
	h.entries = slices.Grow(h.entries, len(domains))
	h.added = slices.Grow(h.added, len(domains))
	for _, d := range domains {
		if nd := normDomain(d); nd != "" && outcomes[d] != "" {
			h.add(Entry{Run: run, Domain: nd, Source: SourceDNS, Outcome: outcomes[d], At: run})
		}
	}
}

// Bounce is a bounce that says a domain cannot be routed to, as read
// from the evidence: its domain, enhanced status code and date.
type Bounce struct {
	Domain string
	Status string    // "5.4.4", "5.1.2", "5.1.10"
	Date   time.Time // zero when the evidence gives none: the run's
}

// RecordBounces records bounces that a run read; run is when it
// started. A bounce already recorded (same domain, code and date) is not
// recorded again, as the same evidence is often read by many runs.
func (h *History) RecordBounces(run time.Time, bounces []Bounce) {
	type key struct {
		domain, status string
		at             int64
	}
	seen := map[key]bool{}
	for _, e := range h.entries {
		if e.Source == SourceBounce {
			seen[key{e.Domain, e.Outcome, e.At.Unix()}] = true
		}
	}
	for _, b := range bounces {
		d := normDomain(b.Domain)
		if d == "" || b.Status == "" {
			continue
		}
		at := b.Date
		if at.IsZero() {
			at = run
		}
		k := key{d, b.Status, at.Unix()}
		if seen[k] {
			continue
		}
		seen[k] = true
		h.add(Entry{Run: run, Domain: d, Source: SourceBounce, Outcome: b.Status, At: at})
	}
}

func (h *History) add(e Entry) {
	if h.byDomain != nil {
		h.byDomain[e.Domain] = append(h.byDomain[e.Domain], len(h.entries))
	}
	h.entries = append(h.entries, e)
	h.added = append(h.added, e)
}

// domainEntries returns the indices in h.entries of domain's entries,
// building the index first if need be.
func (h *History) domainEntries(domain string) []int {
	if h.byDomain == nil {
		h.byDomain = make(map[string][]int)
		for i, e := range h.entries {
			h.byDomain[e.Domain] = append(h.byDomain[e.Domain], i)
		}
	}
	return h.byDomain[domain]
}

// Save writes the history: the file as it is now (another run may have
// saved since Open) with the entries recorded since Open, bounded (see
// prune). It writes a temporary file in the same folder, readable by the
// user alone, and renames it over the file, so that a crash leaves the
// old file or the new one, never half of one. The folder is made if
// missing.
func (h *History) Save(now time.Time) error {
	dir := filepath.Dir(h.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving the domain history: %w", err)
	}
	all := h.entries
	if !h.unchanged() {
		current, _, err := readFile(h.path)
		if err != nil {
			return err
		}
		all = append(current, h.added...)
	}
	entries := prune(all, now)
	tmp, err := os.CreateTemp(dir, ".domains-*.csv.tmp")
	if err != nil {
		return fmt.Errorf("saving the domain history: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails once renamed
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return fmt.Errorf("saving the domain history: %w", err)
	}
	if _, err := tmp.Write(appendEntries(nil, entries)); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the domain history: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the domain history: %w", err)
	}
	fi, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return fmt.Errorf("saving the domain history: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the domain history: %w", err)
	}
	if err := os.Rename(tmp.Name(), h.path); err != nil {
		return fmt.Errorf("saving the domain history: %w", err)
	}
	h.entries, h.added, h.byDomain, h.read = entries, nil, nil, fi
	return nil
}

// prune returns the entries to keep, in the order of their runs: not
// older than MaxAge before now, the latest MaxRuns DNS outcomes and
// MaxBounces bounces of each domain, one DNS outcome per domain and run.
// It reorders entries.
//
// The entries are sorted by run and date (a file's are in that order
// already, followed by the few of this run), then gone through latest
// first, counting each domain's by a number given to the domain, rather
// than by maps of strings, which took most of the time.
func prune(entries []Entry, now time.Time) []Entry {
	slices.SortStableFunc(entries, func(a, b Entry) int {
		return cmp.Or(a.Run.Compare(b.Run), a.At.Compare(b.At))
	})
	ids := make(map[string]int32)
	var (
		dnsCount, bounceCount []int
		lastRun               []time.Time // the run of each domain's latest DNS outcome kept
	)
	keep := make([]bool, len(entries))
	n := 0
	for i := len(entries) - 1; i >= 0; i-- { // latest first
		e := &entries[i]
		if now.Sub(e.At) > MaxAge {
			continue
		}
		id, ok := ids[e.Domain]
		if !ok {
			id = int32(len(dnsCount))
			ids[e.Domain] = id
			dnsCount, bounceCount, lastRun = append(dnsCount, 0), append(bounceCount, 0), append(lastRun, time.Time{})
		}
		if e.Source == SourceBounce {
			if bounceCount[id] >= MaxBounces {
				continue
			}
			bounceCount[id]++
		} else {
			// The entries of one run are together: a second outcome of
			// the domain in the run follows the first.
			if dnsCount[id] >= MaxRuns || dnsCount[id] > 0 && lastRun[id].Equal(e.Run) {
				continue
			}
			dnsCount[id]++
			lastRun[id] = e.Run
		}
		keep[i] = true
		n++
	}
	out := make([]Entry, 0, n)
	for i, e := range entries {
		if keep[i] {
			out = append(out, e)
		}
	}
	return out
}
