package cleaner

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"math"
	"os"
	"time"

	"github.com/listclean/listclean/cleaner/address"
	"github.com/listclean/listclean/cleaner/csvfile"
	"github.com/listclean/listclean/resolver"
)

// PipeMaxBytes is the most of a list that batch mode reads through a
// pipe, which cannot be read twice and so is held in memory whole (read
// first, then parsed). A file is held or cleaned in passes by what it is
// projected to take in memory (ProjectMemory).
const PipeMaxBytes = 256 << 20

// streamChunkSize is how much of the file a Stream parses at a time:
// smaller than when a list is read whole, since a few chunks are parsed
// ahead, each taking some eight times its size.
const streamChunkSize = 2 << 20

// A Stream cleans a list in passes over its file, holding one chunk of rows
// at a time, so that memory depends on the number of distinct domains and
// addresses, not on the size of the file: a list of any size can be
// cleaned. It gives the outputs that Session.Export gives for the same list
// and policy (batch mode has no decisions of the user's to keep).
//
// OpenStream reads the file once to find its domains; check them through
// Session, then Export reads it twice: to plan (which fixes repeat an
// address), then to write every output. A file changed between passes is an
// error, not a mixed output.
//
// Repeated addresses are found by a 63-bit hash of their keys rather than
// the keys themselves (12 bytes a distinct address): two different
// addresses share a hash with a chance of about n²/2⁶⁴ in a list of n, one
// in 50,000 for 20 million addresses, which would move one row to the
// removed file as a duplicate.
type Stream struct {
	path  string
	opt   ReadOptions
	head  *List       // the list without its rows: header, email column, format, notes
	base  *Session    // the domains, their DNS results and corrections, shared by every chunk
	rows  int         // data rows
	file  os.FileInfo // the file as the first pass found it
	seed  maphash.Seed
	chunk int // bytes of the file per chunk; 0 for streamChunkSize
}

// OpenStream reads the list in the file at path once: its format, header
// and email column as ReadFile finds them, and every distinct domain, for
// the DNS checks. With dns false no check will run (see NewSession). The
// size limit of opt does not apply. Cancelling ctx stops the pass with its
// error.
func OpenStream(ctx context.Context, path string, opt ReadOptions, dns bool) (*Stream, error) {
	st := &Stream{path: path, opt: opt, seed: maphash.MakeSeed()}
	f, rs, err := st.open()
	if err != nil {
		return nil, err
	}
	defer f.Close()

	// The header and email column are found from the first records, as
	// many as content detection looks at; then every row is tallied.
	var first [][]string
	firstLine := 0 // where the first record starts
	var l *List
	t := newDomainTally()
	tally := func(rows [][]string) {
		addrs := make([]address.Address, len(rows))
		parallelFor(len(rows), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				addrs[i] = address.Parse(l.EmailCellOf(rows[i]))
			}
		})
		for i := range addrs {
			t.add(&addrs[i])
		}
		st.rows += len(rows)
	}
	head := func() error {
		var err error
		if l, err = rs.List(first, firstLine, opt); err != nil {
			return err
		}
		if l.Header != nil {
			first = first[1:] // the rows of the list, which may have no header line
		}
		tally(first)
		return nil
	}
	err = rs.Each(func(recs [][]string, lines []int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if l != nil {
			tally(recs)
			return nil
		}
		if len(first) == 0 {
			firstLine = lines[0]
		}
		first = append(first, recs...)
		if len(first) <= 1001 {
			return nil
		}
		return head()
	})
	if err == nil && l == nil {
		err = head() // a short list
	}
	if err != nil {
		return nil, err
	}
	if st.rows > streamMaxRows {
		return nil, &ReadError{File: path, Err: fmt.Errorf("%w: %d rows, more than the %d a list can have; split it", ErrFileTooLarge, st.rows, streamMaxRows)}
	}
	st.head = l
	if st.file.Mode().IsRegular() {
		l.Perm = st.file.Mode().Perm()
	}

	// The encoding is known for sure, and its notes due, only at the end.
	notes, err := rs.Finish()
	if err != nil {
		return nil, err
	}
	l.Notes = append(notes, l.Notes...)
	l.Encoding = rs.Encoding()
	l.Rows = Records{}

	st.base = &Session{
		List:       l,
		dns:        dns,
		results:    make(map[string]resolver.Result, len(t.domains)), // made for all the results at once, rather than grown as they come
		domains:    t.domains,
		domainAt:   t.index,
		domainRows: t.rows,
		corr:       newCorrections(t, dns),
		decisions:  make(map[int]Decision),
		decidedAt:  make(map[int]time.Time),
	}
	return st, nil
}

// open opens the file and a record stream on it.
func (st *Stream) open() (*os.File, *csvfile.RecordStream, error) {
	f, fi, err := csvfile.Open(st.path)
	if err != nil {
		return nil, nil, err
	}
	if st.file == nil {
		st.file = fi
	} else if st.changed(fi) {
		f.Close()
		return nil, nil, st.errChanged()
	}
	delim := st.opt.Delimiter
	if st.head != nil {
		delim = st.head.Delimiter
	}
	chunk := streamChunkSize
	if st.chunk > 0 {
		chunk = st.chunk
	}
	return f, csvfile.NewRecordStream(f, st.path, delim, fi.Size(), chunk), nil
}

// List returns the list without its rows: name, header, email column,
// format and notes.
func (st *Stream) List() *List { return st.head }

// Rows returns the number of data rows.
func (st *Stream) Rows() int { return st.rows }

// Session returns the session of the list's domains, without rows: check
// its Domains through it (Session.Check) before Export.
func (st *Stream) Session() *Session { return st.base }

// each reads the list again, calling fn with a session of each chunk of
// rows and the index of its first row, until ctx is cancelled. Repeated addresses are marked across
// chunks through dups, which it empties first. Each domain is judged once
// for all the chunks and passes that share judged (see chunkSession).
func (st *Stream) each(ctx context.Context, dups *dupTable, judged map[judgeKey]domainVerdict, fn func(cs *Session, first int) error) error {
	f, rs, err := st.open()
	if err != nil {
		return err
	}
	defer f.Close()
	dups.reset()
	first, header := 0, st.head.Header != nil
	err = rs.Each(func(recs [][]string, _ []int) error {
		if header {
			recs, header = recs[1:], false
		}
		if len(recs) == 0 {
			return nil // the header alone: the rows' writers write it with their first row
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if first+len(recs) > st.rows {
			return errStreamChanged
		}
		if err := fn(st.chunkSession(recs, first, dups, judged), first); err != nil {
			return err
		}
		first += len(recs)
		return nil
	})
	var re *ReadError
	switch {
	case errors.As(err, &re):
		return fmt.Errorf("reading %s again: %w", st.path, err)
	case err == errStreamChanged, err == nil && first != st.rows:
		return st.errChanged()
	case err == nil:
		if fi, serr := f.Stat(); serr != nil || st.changed(fi) {
			return st.errChanged() // while it was being read
		}
	}
	return err
}

// changed reports whether the file is not as the first pass found it: its
// size or modification time differs.
func (st *Stream) changed(fi os.FileInfo) bool {
	return fi.Size() != st.file.Size() || !fi.ModTime().Equal(st.file.ModTime())
}

// errChanged is the error of a file changed between or during passes.
func (st *Stream) errChanged() error {
	return fmt.Errorf("%s changed while it was being cleaned; nothing was written", st.path)
}

// errStreamChanged stops a pass over a list that now has more rows.
var errStreamChanged = errors.New("the list changed")

// chunkSession returns a session of rows, judged: the list's rows from first on.
// A row's DupOf is the list's index of the row it repeats. judged holds the
// verdicts of the domains that earlier chunks judged, and takes those of
// the domains this one is first to have.
func (st *Stream) chunkSession(rows [][]string, first int, dups *dupTable, judged map[judgeKey]domainVerdict) *Session {
	l := *st.head
	l.Rows = RecordsOf(rows)
	b := st.base
	cs := &Session{
		List:    &l,
		Rows:    make([]Row, len(rows)),
		dns:     b.dns,
		results: b.results,
		causes:  b.causes,
		domains: b.domains,
		corr:    b.corr,

		suppress:   b.suppress,
		persistent: b.persistent,
		notes:      b.notes,
		histories:  b.histories,

		judgedBefore: judged,
	}
	parallelFor(len(rows), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			cs.Rows[i] = NewRow(address.Parse(l.EmailCell(i)))
		}
	})
	for i := range cs.Rows {
		if a := cs.Rows[i].Addr(); a.Reason == "" {
			cs.Rows[i].DupOf = int32(dups.firstOrAdd(dups.sum(a.Key()), first+i))
		}
	}
	cs.JudgeAll()
	return cs
}

// Export writes the outputs as Session.Export does, and returns the
// summary of the verdicts that Session.Summarize gives. Cancelling ctx
// stops it with ctx's error, nothing written.
func (st *Stream) Export(ctx context.Context, opt ExportOptions) (ExportResult, Summary, error) {
	res := ExportResult{Paths: opt.Paths}
	if err := st.base.CheckPaths(opt.Paths, opt.Force); err != nil {
		return res, Summary{}, err
	}
	dups := newDupTable(st.seed)
	// Each domain's verdict, the same in every chunk and both passes: the
	// results and corrections stay as they are while Export runs.
	judged := make(map[judgeKey]domainVerdict)

	// Plan: count the actions, find the removed file's width, and settle
	// the corrections that repeat an address kept or corrected elsewhere,
	// as Session.Plan does: of the rows the cleaned file would hold with
	// one address, the first stays (a Stream has no decisions of the
	// user's), the others are removed as its duplicates.
	type fix struct {
		row, width int
		key        uint64
	}
	var fixes []fix
	var late []fix                      // rows kept as written whose address an earlier row is corrected to
	fixedSoFar := make(map[uint64]bool) // the keys of the corrections met so far
	width := len(st.head.Header)
	err := st.each(ctx, dups, judged, func(cs *Session, first int) error {
		pl := Plan{s: cs, policy: opt.Policy}
		for i := range cs.Rows {
			act, email, _ := pl.decide(i)
			res.count(act)
			switch act {
			case ActionFix:
				h := dups.sum(correctionKey(email))
				fixes = append(fixes, fix{first + i, cs.List.Rows.Width(i), h})
				fixedSoFar[h] = true
			case ActionKeep:
				if key := cs.Rows[i].Addr().Key(); key != "" {
					h := dups.sum(key)
					dups.markKept(h)
					if fixedSoFar[h] {
						late = append(late, fix{first + i, cs.List.Rows.Width(i), h})
					}
				}
			case ActionRemove:
				width = max(width, cs.List.Rows.Width(i))
			}
		}
		return nil
	})
	if err != nil {
		return res, Summary{}, err
	}
	// The row that stays for each corrected address: the first correction
	// to it, or the row kept as written with it (the first row with the
	// address: its repeats are removed) when that comes first.
	stays := make(map[uint64]int, len(fixes))
	for _, f := range fixes {
		if _, ok := stays[f.key]; !ok {
			stays[f.key] = f.row
			if dups.kept(f.key) {
				stays[f.key] = min(f.row, dups.firstRow(f.key))
			}
		}
	}
	var pl Plan
	for _, f := range fixes {
		if at := stays[f.key]; at != f.row {
			pl.settle([]int{f.row, at}, at, func(i int) bool { return i != dups.firstRow(f.key) })
			res.Kept--
			res.Fixed--
			res.Removed++
			width = max(width, f.width)
		}
	}
	for _, k := range late {
		at := stays[k.key]
		pl.settle([]int{k.row, at}, at, func(int) bool { return true })
		res.Kept--
		res.Removed++
		width = max(width, k.width)
	}

	// Write: every output in one more pass.
	paths := []string{opt.Paths.Cleaned, opt.Paths.Removed}
	report, changes := -1, -1
	if opt.Paths.Report != "" {
		report = len(paths)
		paths = append(paths, opt.Paths.Report)
	}
	if res.Fixed == 0 {
		res.Paths.Changes = ""
	} else if opt.Paths.Changes != "" {
		changes = len(paths)
		paths = append(paths, opt.Paths.Changes)
	}
	sum := newSummaryTotal()
	var changed []ChangeRow
	err = csvfile.WriteFilesAtomicTogether(csvfile.WriteOptions{Force: opt.Force, Perm: st.head.Perm}, paths, func(ws []io.Writer) error {
		err := st.each(ctx, dups, judged, func(cs *Session, first int) error {
			sum.add(cs.Summarize())
			cpl := Plan{s: cs, policy: opt.Policy, dupOf: pl.dupOf, corrected: pl.corrected, displaced: pl.displaced, first: first}
			e := exportRows{s: cs, plan: &cpl, opt: opt, width: width, first: first}
			if err := e.cleaned(ws[0], first == 0); err != nil {
				return &fs.PathError{Op: "write", Path: paths[0], Err: err}
			}
			if err := e.removed(ws[1], first == 0); err != nil {
				return &fs.PathError{Op: "write", Path: paths[1], Err: err}
			}
			if report >= 0 {
				if err := e.report(ws[report], first == 0); err != nil {
					return &fs.PathError{Op: "write", Path: paths[report], Err: err}
				}
			}
			if changes >= 0 {
				for i := range cs.Rows {
					if o := cpl.Outcome(i); o.Action == ActionFix {
						changed = append(changed, cpl.changeRow(i, o))
					}
				}
			}
			return nil
		})
		if err == nil && changes >= 0 {
			if err = writeChanges(ws[changes], changed); err != nil {
				err = &fs.PathError{Op: "write", Path: paths[changes], Err: err}
			}
		}
		return err
	})
	if err != nil {
		return res, Summary{}, fmt.Errorf("exporting: %w", err)
	}
	if res.Fixed == 0 {
		if err := removeStaleChanges(opt.Paths.Changes, opt.Force); err != nil {
			return res, Summary{}, err
		}
	}
	total := sum.total(st.rows, len(st.base.domains))
	st.base.summarizeMemory(&total)
	return res, total, nil
}

// streamMaxRows is the most rows a Stream cleans: a row's index, and the
// first row of an address in dupTable, are 32-bit numbers. A variable, for
// tests.
var streamMaxRows = math.MaxInt32

// summaryTotal adds up the summaries of the chunks of a list.
type summaryTotal struct {
	sum     Summary
	failing map[DomainCount]int // rows by failing domain and reason
}

func newSummaryTotal() *summaryTotal {
	return &summaryTotal{
		sum:     Summary{ByVerdict: make(map[Verdict]int), ByReason: make(map[Reason]int)},
		failing: make(map[DomainCount]int),
	}
}

// add adds one chunk's summary.
func (t *summaryTotal) add(s Summary) {
	for v, n := range s.ByVerdict {
		t.sum.ByVerdict[v] += n
	}
	for r, n := range s.ByReason {
		t.sum.ByReason[r] += n
	}
	t.sum.Suggestions += s.Suggestions
	t.sum.add(evidenceCount{rows: s.Suppression.Rows, matched: s.Suppression.Matched, persistent: s.Persistent})
	for _, dc := range s.Failing {
		t.failing[DomainCount{Domain: dc.Domain, Reason: dc.Reason}] += dc.Rows
	}
}

// total returns the list's summary.
func (t *summaryTotal) total(rows, domains int) Summary {
	s := t.sum
	s.Rows, s.Domains = rows, domains
	for dc, n := range t.failing {
		dc.Rows = n
		s.Failing = append(s.Failing, dc)
	}
	sortFailing(s.Failing)
	return s
}

// dupTable finds repeated addresses across the chunks of a Stream by a
// 63-bit hash of their duplicate keys, with the first row of each and
// whether some row with that key is kept: an open-addressing table of 12
// bytes a slot, grown to stay at most three quarters full.
type dupTable struct {
	seed  maphash.Seed
	hash  []uint64 // 0 for an empty slot, else the hash, with dupKept
	row   []uint32 // the first row with the key
	count int
}

// dupKept marks a hash in dupTable.hash whose key some kept row has.
const dupKept = 1 << 63

// newDupTable returns an empty table, which grows as keys are added.
func newDupTable(seed maphash.Seed) *dupTable {
	const size = 1 << 10
	return &dupTable{seed: seed, hash: make([]uint64, size), row: make([]uint32, size)}
}

// sum is the hash of a key as the table stores it.
func (t *dupTable) sum(key string) uint64 {
	h := maphash.String(t.seed, key) &^ dupKept
	if h == 0 {
		h = 1
	}
	return h
}

// slot returns the slot of h, or the empty slot where it would go.
func (t *dupTable) slot(h uint64) (int, bool) {
	mask := uint64(len(t.hash) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch t.hash[i] &^ dupKept {
		case h:
			return int(i), true
		case 0:
			return int(i), false
		}
	}
}

// firstOrAdd returns the first row with the key of hash h, or adds row as
// the first and returns -1.
func (t *dupTable) firstOrAdd(h uint64, row int) int {
	i, ok := t.slot(h)
	if ok {
		return int(t.row[i])
	}
	t.hash[i], t.row[i] = h, uint32(row)
	t.count++
	if t.count*4 > len(t.hash)*3 {
		t.grow()
	}
	return -1
}

// grow doubles the table.
func (t *dupTable) grow() {
	hash, row := t.hash, t.row
	t.hash, t.row = make([]uint64, 2*len(hash)), make([]uint32, 2*len(row))
	// Written before slot reads it, as markDuplicates does its table.
	clear(t.hash)
	for k, h := range hash {
		if h != 0 {
			i, _ := t.slot(h &^ dupKept)
			t.hash[i], t.row[i] = h, row[k]
		}
	}
}

// firstRow returns the first row with the key of hash h, or -1.
func (t *dupTable) firstRow(h uint64) int {
	if i, ok := t.slot(h); ok {
		return int(t.row[i])
	}
	return -1
}

// markKept notes that a row with the key of hash h is kept.
func (t *dupTable) markKept(h uint64) {
	if i, ok := t.slot(h); ok {
		t.hash[i] |= dupKept
	}
}

// kept reports whether a row with the key of hash h is kept.
func (t *dupTable) kept(h uint64) bool {
	i, ok := t.slot(h)
	return ok && t.hash[i]&dupKept != 0
}

// reset empties the table.
func (t *dupTable) reset() {
	clear(t.hash)
	t.count = 0
}
