// Package history remembers, from one run of listclean to the next, what
// became of each domain: the DNS outcome of every run that checked it and
// the bounces it produced, so that a domain that keeps failing can be told
// from one that failed once, and one that failed before from one that
// routes mail now.
//
// It keeps domains only, never an address: a file in the user's state
// folder (see DefaultPath), readable by the user alone, rewritten whole
// and atomically, and bounded to the last MaxRuns runs and MaxBounces
// bounces of each domain within MaxAge (a domain's entries are bounded
// when a run records it). A run holds the entries of its own list's
// domains alone (see History).
//
// It knows nothing of DNS: the outcomes are package resolver's status
// words, which the caller passes as strings.
package history

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
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

// History is what a run knows of the file: the entries of the domains it
// loaded (Load), and those recorded since.
//
// A user's file holds up to MaxRuns entries of every domain of every list
// over MaxAge: hundreds of thousands of domains after a few lists, when a
// run needs those of its own list alone. Those are all a History holds,
// each a record of 32 bytes, its domain and outcome kept once in tables;
// the others stay in the file, and Save copies their lines. (Held whole,
// the 220,000 domains of a few big lists took 48 MB and 0.1 s to read,
// before a list of 20,000 domains could start.)
type History struct {
	path string
	recs []record // the loaded domains' records, then those added
	// fresh is where the records added since Open, Load or Save start in
	// recs, which are only ever added to its end: Save adds them to the
	// file's.
	fresh int
	// loaded tells, by number, the domains Load read the records of: it
	// does not read them twice.
	loaded []bool
	// err is why Load could not read the file: Save then leaves it as it
	// is rather than write what it does not know.
	err error
	// othersOf is the file as Load read it (nil when there was none),
	// while othersRead: one Load alone read it, and the entries of the
	// domains loaded are those in recs. others is where it holds the lines
	// of the domains h has not loaded, as ranges of bytes, the earliest
	// date among them othersOldest; all of them only when othersKnown.
	// While the file has not changed, Save copies those ranges as they
	// are when none of the lines is too old, or else the lines it reads
	// again, rather than the entries of the domains loaded a second time.
	others       []byteRange
	othersOf     os.FileInfo
	othersRead   bool
	othersKnown  bool
	othersOldest int64
	// early is set by StageEarly; pre is what Load started writing for
	// Stage then, until Stage takes it or Close removes it.
	early bool
	pre   *prestage
	// fileSize is the file's size when Open found it, for Size and the
	// room Load makes.
	fileSize int64

	domains  []string // each domain once, by its number in records
	domainNo map[string]int32
	texts    []string // each outcome once (status words, bounce codes)
	textNo   map[string]int32
	// index lists each domain's records, so that Domain does not read
	// them all for each of a list's many domains: nil until Domain needs
	// it, and again whenever a record is added or recs replaced. indexMu
	// guards its making, so that Domain may be called from several
	// goroutines at once, which then read it without taking a lock.
	indexMu sync.Mutex
	index   atomic.Pointer[recordIndex]
}

// recordIndex lists the records of each domain by their index in recs,
// in the order of recs: domain n's are at[start[n]:start[n+1]]. Two slices
// for every domain, rather than one slice each.
type recordIndex struct {
	start []int32 // one more than the domains
	at    []int32
}

// newRecordIndex indexes recs, whose domains are numbered below domains.
func newRecordIndex(recs []record, domains int) *recordIndex {
	ix := &recordIndex{start: make([]int32, domains+1), at: make([]int32, len(recs))}
	for _, r := range recs {
		ix.start[r.domain+1]++
	}
	for n := range domains {
		ix.start[n+1] += ix.start[n]
	}
	next := slices.Clone(ix.start[:domains])
	for i, r := range recs {
		ix.at[next[r.domain]] = int32(i)
		next[r.domain]++
	}
	return ix
}

// A record is an Entry as a History holds it: times in Unix nanoseconds,
// the domain and the outcome by their numbers in the History's tables.
type record struct {
	run, at int64
	domain  int32
	outcome int32
	bounce  bool // SourceBounce; else SourceDNS
}

func newHistory(path string) *History {
	return &History{path: path, domainNo: make(map[string]int32), textNo: make(map[string]int32)}
}

// domainID returns the number of domain in h's table, adding it if new.
func (h *History) domainID(domain string) int32 {
	if n, ok := h.domainNo[domain]; ok {
		return n
	}
	n := int32(len(h.domains))
	domain = strings.Clone(domain) // not the file's text, held whole otherwise
	h.domains = append(h.domains, domain)
	h.domainNo[domain] = n
	return n
}

// textID returns the number of an outcome in h's table, adding it if new.
func (h *History) textID(text string) int32 {
	if n, ok := h.textNo[text]; ok {
		return n
	}
	n := int32(len(h.texts))
	text = strings.Clone(text)
	h.texts = append(h.texts, text)
	h.textNo[text] = n
	return n
}

// entry returns r as an Entry.
func (h *History) entry(r record) Entry {
	e := Entry{Run: timeOf(r.run), Domain: h.domains[r.domain], Source: SourceDNS, Outcome: h.texts[r.outcome], At: timeOf(r.at)}
	if r.bounce {
		e.Source = SourceBounce
	}
	return e
}

// Open opens the history at path, holding none of its entries until
// Load: it reads only the file's first lines, to see that it is a
// history. A missing file is an empty history.
func Open(path string) (*History, error) {
	h := newHistory(path)
	// The header, and the first entry, which scan reads before it stops.
	fi, err := h.scanFile(func(*entryLine) error { return errEnough })
	if err != nil {
		return nil, err
	}
	if fi != nil {
		h.fileSize = fi.Size()
	}
	return h, nil
}

// errEnough stops a scan whose caller has read what it needs.
var errEnough = errors.New("read enough")

// Load reads the file's entries of domains (as RecordRun and Domain take
// them), bounded as Save bounds them (see prune): Domain, and
// RecordBounces, which records no bounce twice, know those of the domains
// loaded alone, and those recorded since. (Save reads the file again, for
// every domain h knows.) The domains loaded before, or saved, are not read
// again. It may run while the caller does other work, but nothing else
// may use h meanwhile.
//
// When the file cannot be read (a line that is not an entry), Load
// returns why, and so does Err from then on; Save then leaves the file as
// it is rather than write what it could not read.
func (h *History) Load(domains []string) error {
	if h.err != nil {
		return h.err
	}
	// Each domain is numbered first, so that each line takes one look-up:
	// the domains of the list, most of them never in the file, are those
	// Save tells from the others.
	h.domainNo = growMap(h.domainNo, len(domains))
	want := make([]bool, len(h.domains), len(h.domains)+len(domains))
	wanted := 0
	for _, d := range domains {
		nd := normDomain(d)
		if nd == "" {
			continue
		}
		n, ok := h.domainNo[nd]
		if !ok {
			n = int32(len(h.domains))
			h.domains = append(h.domains, nd) // the caller's, not the file's text
			h.domainNo[nd] = n
			want = append(want, false)
		}
		if int(n) < len(h.loaded) && h.loaded[n] || want[n] {
			continue
		}
		want[n] = true
		wanted++
	}
	if wanted == 0 {
		return nil
	}
	// Room for as many entries as the file may hold of the domains (a
	// line takes 70 to 90 bytes), given back if far fewer, and for one
	// more each: the run's, which RecordRun adds.
	recs := make([]record, 0, min(h.fileSize/64, int64(wanted)*MaxRuns)+int64(wanted))
	var others []byteRange
	othersOldest := int64(math.MaxInt64)
	fi, err := h.scanFile(func(e *entryLine) error {
		if n, ok := h.domainNo[string(e.domain)]; ok && int(n) < len(want) && want[n] {
			recs = append(recs, h.recordOf(n, e))
			return nil
		}
		others = addRange(others, byteRange{e.start, e.end})
		othersOldest = min(othersOldest, e.at)
		return nil
	})
	if err != nil {
		h.err = err
		return err
	}
	// Only the first Load's: the lines of the domains of a later one are
	// among them.
	h.others, h.othersOf, h.othersOldest, h.othersRead, h.othersKnown = nil, nil, 0, false, false
	if len(h.loaded) == 0 {
		h.othersOf, h.othersRead = fi, true
		if len(others) <= maxRanges {
			h.others, h.othersOldest, h.othersKnown = others, othersOldest, true
		}
		if h.early && h.othersKnown && len(h.others) > 0 && h.pre == nil {
			h.pre = h.startPrestage()
		}
	}
	// Bounded as Save bounds them: a file that listclean alone wrote is,
	// but one written by hand may hold more of a domain than Save keeps,
	// which Domain would count.
	recs = prune(recs, time.Now(), len(h.domains), true)
	if cap(recs) < len(recs)+wanted {
		recs = append(make([]record, 0, len(recs)+wanted), recs...)
	}
	h.loaded = append(h.loaded, make([]bool, len(h.domains)-len(h.loaded))...)
	for n, w := range want {
		h.loaded[n] = h.loaded[n] || w
	}
	// Before those recorded since, as they would be in the file.
	if len(h.recs) > 0 {
		recs = append(recs, h.recs[h.fresh:]...)
		recs = slices.Insert(recs, 0, h.recs[:h.fresh]...)
	}
	h.recs, h.fresh = recs, h.fresh+len(recs)-len(h.recs)
	h.index.Store(nil)
	return nil
}

// growMap returns m, or a map with room for n when m is empty.
func growMap(m map[string]int32, n int) map[string]int32 {
	if len(m) == 0 {
		return make(map[string]int32, n)
	}
	return m
}

// Verify reads the whole file to see that every line is an entry, as
// Load would, and returns why not: for a caller that must know before
// its run starts rather than once Load runs.
func (h *History) Verify() error {
	_, err := h.scanFile(func(*entryLine) error { return nil })
	return err
}

// Err returns why Load could not read the file, or nil.
func (h *History) Err() error { return h.err }

// Size is about the most bytes h holds by the end of a run: an entry of
// 32 bytes (and its place in Domain's index) for each line of the file,
// were the list's domains every domain of the file, and one more for the
// run. A run's memory limit counts it beside the list's: without it, a
// million rows with 8 runs of each of their domains in the file were
// collected 8 times rather than 5.
func (h *History) Size() int64 {
	const perRecord = int64(unsafe.Sizeof(record{})) + 4
	lines := h.fileSize / 64 // a line takes 70 to 90 bytes
	return (lines + lines/MaxRuns) * perRecord
}

// Path returns the file's path.
func (h *History) Path() string { return h.path }

// scanFile calls each with every entry of the file at h.path (see scan),
// until each returns errEnough, and returns what the file was as it was
// read; nil and nil when it does not exist.
func (h *History) scanFile(each func(e *entryLine) error) (os.FileInfo, error) {
	f, err := os.Open(h.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the domain history: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading the domain history: %w", err)
	}
	err = scan(f, each)
	if errors.Is(err, errEnough) {
		err = nil
	}
	if errors.Is(err, errNotHistory) {
		return nil, fmt.Errorf("reading the domain history %s: %w (delete the file to start a new one)", h.path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the domain history: %w", err)
	}
	return fi, nil
}

// unchanged reports whether the file at h.path is still the one that was
// describes, as it was read or written (same size and modification
// time), or is still missing when was is nil.
func (h *History) unchanged(was os.FileInfo) bool {
	fi, err := os.Stat(h.path)
	if was == nil || err != nil {
		return was == nil && errors.Is(err, fs.ErrNotExist)
	}
	return sameVersion(fi, was)
}

// sameVersion reports whether fi and was describe the file as it was:
// the same size and modification time.
func sameVersion(fi, was os.FileInfo) bool {
	return fi.Size() == was.Size() && fi.ModTime().Equal(was.ModTime())
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
	h.recs = slices.Grow(h.recs, len(domains))
	if len(h.domainNo) == 0 {
		// A new history: its table made for the run's domains at once,
		// rather than grown.
		h.domainNo = make(map[string]int32, len(domains))
	}
	at := nanosOf(run)
	for _, d := range domains {
		if nd := normDomain(d); nd != "" && outcomes[d] != "" {
			h.add(record{run: at, at: at, domain: h.domainID(nd), outcome: h.textID(outcomes[d])})
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
		domain, outcome int32
		at              int64
	}
	seen := map[key]bool{}
	for _, r := range h.recs {
		if r.bounce {
			seen[key{r.domain, r.outcome, r.at / int64(time.Second)}] = true
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
		r := record{run: nanosOf(run), at: nanosOf(at), domain: h.domainID(d), outcome: h.textID(b.Status), bounce: true}
		k := key{r.domain, r.outcome, r.at / int64(time.Second)}
		if seen[k] {
			continue
		}
		seen[k] = true
		h.add(r)
	}
}

func (h *History) add(r record) {
	h.index.Store(nil)
	h.recs = append(h.recs, r)
}

// domainRecords returns the indices in h.recs of domain's records,
// building the index first if need be.
func (h *History) domainRecords(domain string) []int32 {
	n, ok := h.domainNo[domain]
	if !ok {
		return nil
	}
	ix := h.index.Load()
	if ix == nil {
		h.indexMu.Lock()
		if ix = h.index.Load(); ix == nil {
			ix = newRecordIndex(h.recs, len(h.domains))
			h.index.Store(ix)
		}
		h.indexMu.Unlock()
	}
	if int(n) >= len(ix.start)-1 {
		return nil // numbered since, with no record in recs (a bounce recorded before)
	}
	return ix.at[ix.start[n]:ix.start[n+1]]
}

// Save writes the history: the file as it is now (another run may have
// saved since Open), its entries of the domains h knows bounded with
// those recorded since Open (see prune), the others' lines as they are
// but those older than MaxAge. It writes a temporary file in the same
// folder, readable by the user alone, and renames it over the file, so
// that a crash leaves the old file or the new one, never half of one. The
// folder is made if missing. It is Stage, then Commit.
//
// The lines of the domains h does not know are copied after a look at
// their date alone: each run bounds the entries of the domains it
// records, as it writes them, and a file only listclean writes has no
// more to bound.
func (h *History) Save(now time.Time) error {
	st, err := h.Stage(now)
	if err != nil {
		return err
	}
	return st.Commit()
}

// Staged is a history as Save writes it, written beside its file and
// synced, but not yet in place: a run writes it while it writes its
// outputs, and puts it in place (Commit) only once they are written, or
// removes it (Discard) if they could not be.
type Staged struct {
	h    *History
	now  time.Time
	tmp  string      // the temporary file
	recs []record    // what it holds
	fi   os.FileInfo // the temporary file, written
	// base is the history file it was made from, as it was then: nil
	// when there was none.
	base os.FileInfo
	// early is true when the other domains' lines were written while
	// the run went on (StageEarly).
	early bool
}

// Stage does what Save does but put the file in place. Nothing else may
// use h until Commit or Discard.
func (h *History) Stage(now time.Time) (*Staged, error) {
	dir := filepath.Dir(h.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("saving the domain history: %w", err)
	}
	if h.err != nil {
		return nil, fmt.Errorf("%w; the file was left as it was", h.err)
	}
	if st, ok, err := h.stagePrestaged(now); ok || err != nil {
		return st, err
	}
	tmp, err := createTemp(dir)
	if err != nil {
		return nil, fmt.Errorf("saving the domain history: %w", err)
	}
	var recs []record
	var base os.FileInfo
	fi, err := writeTemp(tmp, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		bw.WriteString(header + "\n")
		oldest := nanosOf(now.Add(-MaxAge))
		var all []record
		var err error
		if base, all, err = h.copyOthers(bw, oldest); err != nil {
			return err
		}
		recs = prune(all, now, len(h.domains), false)
		if err := h.writeRecords(bw, recs); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("saving the domain history: %w", err)
	}
	return &Staged{h: h, now: now, tmp: tmp.Name(), recs: recs, fi: fi, base: base}, nil
}

// copyOthers writes to w the file's lines of the domains h does not know
// that are not older than oldest, as they are, and returns the file they
// were copied from (nil when there is none) and its entries of the
// domains h knows followed by those recorded since, to bound. While the
// file is as Load read it, and h knows only the domains it loaded, those
// entries are the ones loaded: the lines are the ranges Load found,
// copied without a look at them, or when those are not all known or
// hold a line too old, the file's lines of other domains, read again.
// Else the file is read again for both: another run may have saved it.
func (h *History) copyOthers(w *bufio.Writer, oldest int64) (os.FileInfo, []record, error) {
	if h.asRead() {
		ranges := h.rangesHold(oldest)
		if ranges && len(h.others) == 0 {
			return h.othersOf, h.recs, nil
		}
		f, err := openVersion(h.path, h.othersOf)
		if err == nil {
			defer f.Close()
			if ranges {
				err = copyRanges(w, f, h.others)
			} else {
				// Not the loaded domains' entries again: as many
				// records as recs, when a run holds the most (a file
				// whose domains' lines interleave, as after lists that
				// share domains, took 15 MB more of a million rows).
				err = scan(f, func(e *entryLine) error {
					if _, ok := h.domainNo[string(e.domain)]; ok || e.at < oldest {
						return nil
					}
					w.Write(e.text)
					return w.WriteByte('\n')
				})
			}
			if err != nil {
				return nil, nil, fmt.Errorf("reading the domain history: %w", err)
			}
			return h.othersOf, h.recs, nil
		}
		if !errors.Is(err, errChanged) {
			return nil, nil, fmt.Errorf("reading the domain history: %w", err)
		}
	}
	known := make([]record, 0, len(h.recs)+h.fresh/8) // as many as were loaded, as a rule
	var werr error
	base, err := h.scanFile(func(e *entryLine) error {
		if n, ok := h.domainNo[string(e.domain)]; ok {
			known = append(known, h.recordOf(n, e))
			return nil
		}
		if e.at >= oldest {
			w.Write(e.text)
			werr = w.WriteByte('\n')
		}
		return werr
	})
	return base, append(known, h.recs[h.fresh:]...), err
}

// copyRanges copies the ranges of f, read from its start, to w, each
// ending its last line. The ranges are in order and apart, and f is read
// once, through a buffer, however many they are: 2,386 ranges, each read
// on its own, took longer than reading the file's lines again.
func copyRanges(w *bufio.Writer, f *os.File, ranges []byteRange) error {
	r := bufio.NewReaderSize(f, 1<<16)
	var at int64
	for _, rg := range ranges {
		if _, err := r.Discard(int(rg.start - at)); err != nil {
			return err
		}
		if _, err := io.CopyN(w, r, rg.end-rg.start-1); err != nil {
			return err
		}
		// The file's last line may have no line end.
		last, err := r.ReadByte()
		if err != nil {
			return err
		}
		w.WriteByte(last)
		if last != '\n' {
			w.WriteByte('\n')
		}
		at = rg.end
	}
	return nil
}

// asRead reports whether the file is as the one Load read it, and h
// knows only the domains it loaded: the file's entries of those are the
// ones h holds.
func (h *History) asRead() bool {
	return h.othersRead && h.knowsLoadedAlone() && h.unchanged(h.othersOf)
}

// rangesHold reports whether the ranges Load found are every line of the
// other domains to copy, and no other: none older than oldest.
func (h *History) rangesHold(oldest int64) bool {
	return h.othersKnown && h.othersOldest >= oldest
}

// openVersion opens the file at path when it is still the version of it
// that was describes (a run puts a new one in place by renaming it), and
// fails with errChanged when it is not.
func openVersion(path string, was os.FileInfo) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !os.SameFile(fi, was) || !sameVersion(fi, was) {
		f.Close()
		return nil, errChanged
	}
	return f, nil
}

// knowsLoadedAlone reports whether every domain h knows was loaded.
func (h *History) knowsLoadedAlone() bool {
	return len(h.loaded) == len(h.domains) && !slices.Contains(h.loaded, false)
}

// A byteRange is the bytes [start, end) of a file.
type byteRange struct{ start, end int64 }

// maxRanges is the most ranges Load keeps of the other domains' lines, 16
// bytes each: a file that listclean wrote holds them in one, before the
// entries of the list it last saved, unless its lists share domains (the
// benchmark's history, after lists of 50,000, 150,000 and 20,000 domains,
// held them in 2,386); one written otherwise may interleave them line by
// line, and is read again.
const maxRanges = 1 << 16

// addRange adds r to rs, joining it to the last range when it follows it.
func addRange(rs []byteRange, r byteRange) []byteRange {
	if n := len(rs); n > 0 && rs[n-1].end == r.start {
		rs[n-1].end = r.end
		return rs
	}
	return append(rs, r)
}

// createTemp creates a temporary file in dir for a history to be put in
// place of the file, readable by the user alone.
func createTemp(dir string) (*os.File, error) {
	tmp, err := os.CreateTemp(dir, ".domains-*.csv.tmp")
	if err != nil {
		return nil, err
	}
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}

// writeTemp writes to tmp (made by createTemp), syncs and closes it, and
// returns what it is.
func writeTemp(tmp *os.File, write func(io.Writer) error) (os.FileInfo, error) {
	if err := write(tmp); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	fi, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return nil, err
	}
	return fi, tmp.Close()
}

// StageEarly says that the run will Stage h: Load then starts writing the
// file's lines of the other domains to the temporary file that Stage
// completes, and syncing them, while the run goes on, so that Stage has
// only the loaded domains' entries to write. Those lines are most of a
// file that several lists share: 48 MB of 50 for a list of 20,000
// domains, whose Stage took 73 to 95 ms after its checks, longer than its
// outputs took to write. Close removes what Stage did not take. Call it
// before Load.
func (h *History) StageEarly() { h.early = true }

// A prestage is the temporary file that Load starts for Stage, holding the
// header and the other domains' lines (StageEarly), written and synced
// once done is closed, or failed with err.
type prestage struct {
	done chan struct{}
	tmp  *os.File
	err  error
}

// startPrestage starts writing the header and the ranges of the other
// domains' lines to a temporary file beside h's. It reads nothing of h but
// what Load set before it and no one changes after (the ranges, and the
// file they are of): the run records and sums up meanwhile.
func (h *History) startPrestage() *prestage {
	p := &prestage{done: make(chan struct{})}
	dir := filepath.Dir(h.path)
	if p.tmp, p.err = createTemp(dir); p.err != nil {
		close(p.done)
		return p
	}
	path, of, ranges := h.path, h.othersOf, h.others
	go func() {
		defer close(p.done)
		p.err = func() error {
			f, err := openVersion(path, of)
			if err != nil {
				return err
			}
			defer f.Close()
			bw := bufio.NewWriterSize(p.tmp, 1<<16)
			bw.WriteString(header + "\n")
			if err := copyRanges(bw, f, ranges); err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			return p.tmp.Sync()
		}()
	}()
	return p
}

// errChanged says that the file changed since Load read it.
var errChanged = errors.New("the domain history changed since it was read")

// stagePrestaged is Stage from what Load started writing (StageEarly),
// when it is done and still holds what Stage would write: ok is false
// when there is none, or when it does not (it is then removed).
func (h *History) stagePrestaged(now time.Time) (st *Staged, ok bool, err error) {
	p := h.pre
	if p == nil {
		return nil, false, nil
	}
	h.pre = nil
	<-p.done
	if p.err != nil || !h.asRead() || !h.rangesHold(nanosOf(now.Add(-MaxAge))) {
		p.discard()
		return nil, false, nil
	}
	recs := prune(h.recs, now, len(h.domains), false)
	fi, err := writeTemp(p.tmp, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		if err := h.writeRecords(bw, recs); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		os.Remove(p.tmp.Name())
		return nil, true, fmt.Errorf("saving the domain history: %w", err)
	}
	return &Staged{h: h, now: now, tmp: p.tmp.Name(), recs: recs, fi: fi, base: h.othersOf, early: true}, true, nil
}

// discard closes and removes p's file.
func (p *prestage) discard() {
	if p.tmp != nil {
		p.tmp.Close()
		os.Remove(p.tmp.Name())
	}
}

// Close removes what Load started writing for a Stage that did not come
// (StageEarly), once it is done. h may be used after, but not staged early
// again.
func (h *History) Close() {
	if p := h.pre; p != nil {
		h.pre = nil
		<-p.done
		p.discard()
	}
}

// Commit puts the staged history in place of the file. When another run
// has saved the file since it was staged, the staged one is dropped and
// the history saved again, with that run's entries merged in.
func (st *Staged) Commit() error {
	h := st.h
	if !h.unchanged(st.base) {
		st.Discard()
		return h.Save(st.now)
	}
	if err := os.Rename(st.tmp, h.path); err != nil {
		st.Discard()
		return fmt.Errorf("saving the domain history: %w", err)
	}
	h.recs, h.fresh = st.recs, len(st.recs)
	h.others, h.othersOf, h.othersRead, h.othersKnown = nil, nil, false, false // a file of another layout
	// They are the file's entries of every domain h knows, loaded or
	// only recorded: Load does not read them again.
	h.loaded = slices.Repeat([]bool{true}, len(h.domains))
	h.index.Store(nil)
	return nil
}

// Discard removes the staged history: the file stays as it was.
func (st *Staged) Discard() { os.Remove(st.tmp) }

// Pending is a Stage under way on a goroutine of its own: a run writes its
// history while it writes its outputs, then commits it or, when they
// could not be written, discards it.
type Pending struct {
	done      chan struct{} // closed once Stage returned
	st        *Staged
	err       error
	committed bool
}

// StageInBackground starts Stage(now) on another goroutine. Nothing else
// may use h until the Pending is committed or discarded.
func (h *History) StageInBackground(now time.Time) *Pending {
	p := &Pending{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.st, p.err = h.Stage(now)
	}()
	return p
}

// Commit waits for the Stage and puts the history in place of its file.
func (p *Pending) Commit() error {
	<-p.done
	if p.err != nil {
		return p.err
	}
	p.committed = true
	return p.st.Commit()
}

// Discard waits for the Stage and removes what it wrote, unless Commit
// put it in place.
func (p *Pending) Discard() {
	<-p.done
	if p.st != nil && !p.committed {
		p.st.Discard()
	}
}

// prune returns the records to keep, in the order of their runs: not
// older than MaxAge before now, the latest MaxRuns DNS outcomes and
// MaxBounces bounces of each domain, one DNS outcome per domain and run.
// domains is how many domains the records number. recs is sorted and
// bounded in place when own is true (the caller's alone: Load's), else
// left as it is: the records added since Open stay at the end of
// History.recs, should the history not be saved after all.
//
// The records are sorted by run and date (those of a list's domains are
// in that order in a file its run saved, followed by the few of this run;
// a list of domains saved by the runs of other lists in between needs a
// sort), then gone through latest first, counting each domain's by its
// number.
func prune(recs []record, now time.Time, domains int, own bool) []record {
	byRun := func(a, b record) int { return cmp.Or(cmp.Compare(a.run, b.run), cmp.Compare(a.at, b.at)) }
	if !slices.IsSortedFunc(recs, byRun) {
		if !own {
			recs = slices.Clone(recs)
		}
		slices.SortStableFunc(recs, byRun)
	}
	oldest := nanosOf(now.Add(-MaxAge))
	dnsCount, bounceCount := make([]int8, domains), make([]int8, domains)
	lastRun := make([]int64, domains) // the run of each domain's latest DNS outcome kept
	keep := make([]bool, len(recs))
	n := 0
	for i := len(recs) - 1; i >= 0; i-- { // latest first
		r := &recs[i]
		if r.at < oldest {
			continue
		}
		if r.bounce {
			if bounceCount[r.domain] >= MaxBounces {
				continue
			}
			bounceCount[r.domain]++
		} else {
			// The records of one run are together: a second outcome of
			// the domain in the run follows the first.
			if dnsCount[r.domain] >= MaxRuns || dnsCount[r.domain] > 0 && lastRun[r.domain] == r.run {
				continue
			}
			dnsCount[r.domain]++
			lastRun[r.domain] = r.run
		}
		keep[i] = true
		n++
	}
	if n == len(recs) {
		return recs // all kept, as in a file that listclean wrote: no copy
	}
	out := recs[:0]
	if !own {
		out = make([]record, 0, n)
	}
	for i, r := range recs {
		if keep[i] {
			out = append(out, r)
		}
	}
	return out
}
