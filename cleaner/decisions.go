package cleaner

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gocarina/gocsv"

	"github.com/listclean/listclean/cleaner/address"
	"github.com/listclean/listclean/cleaner/csvfile"
	"github.com/listclean/listclean/cleaner/printable"
)

// A review of thousands of rows takes several sittings: the TUI saves
// every decision at once to a decisions file beside the list, reads it
// back when the list is opened again, and batch mode replays it
// (-decisions) on next month's export of the same list.

// Fingerprint identifies the bytes of an input file: decisions saved with
// the fingerprint of the file they were taken on are about its rows as
// they are, row for row.
type Fingerprint struct {
	Size   int64
	SHA256 string // hex
}

// FingerprintFile returns the fingerprint of the file at path.
func FingerprintFile(path string) (Fingerprint, error) {
	f, err := os.Open(path)
	if err != nil {
		return Fingerprint{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return Fingerprint{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// DecisionRecord is one line of a decisions file: one row's decision. The
// columns are a contract that scripts may depend on.
type DecisionRecord struct {
	Row       int       `csv:"row"`        // the data row, counted from 1 as in the report
	Email     string    `csv:"email"`      // the row's address as the list had it (Address.Written)
	Decision  string    `csv:"decision"`   // keep, fix or remove
	NewEmail  string    `csv:"new_email"`  // with fix: the address to write instead
	DecidedAt time.Time `csv:"decided_at"` // when, in UTC
	// The fingerprint of the input the decision was taken on: the same
	// on every line of a file.
	InputBytes  int64  `csv:"input_bytes"`
	InputSHA256 string `csv:"input_sha256"`
}

// DecisionsPath returns where the decisions about the list in the file
// input are kept: NAME.decisions.csv beside it.
func DecisionsPath(input string) string {
	return strings.TrimSuffix(input, filepath.Ext(input)) + ".decisions.csv"
}

// IsRecordFile reports whether the file name is one that listclean keeps
// beside a list about it, rather than a list: a decisions file or a
// changes file (see DecisionsPath and ChangesPath). A file picker leaves
// them out.
func IsRecordFile(name string) bool {
	name = strings.ToLower(name)
	return strings.HasSuffix(name, ".decisions.csv") || strings.HasSuffix(name, ".changes.csv")
}

// DecisionRecords returns the user's decisions as the lines of a decisions
// file for an input of fingerprint fp, in row order. The TUI takes them
// in its Update and saves them in the background (SaveDecisions).
func (s *Session) DecisionRecords(fp Fingerprint) []DecisionRecord {
	rows := make([]int, 0, len(s.decisions))
	for i := range s.decisions {
		rows = append(rows, i)
	}
	slices.Sort(rows)
	recs := make([]DecisionRecord, len(rows))
	for k, i := range rows {
		d := s.decisions[i]
		recs[k] = DecisionRecord{
			Row:         i + 1,
			Email:       s.Rows[i].Addr.Written(),
			Decision:    string(d.Action),
			NewEmail:    d.Email,
			DecidedAt:   s.decidedAt[i].UTC().Truncate(time.Second),
			InputBytes:  fp.Size,
			InputSHA256: fp.SHA256,
		}
	}
	return recs
}

// SaveDecisions writes a decisions file at path, atomically (a crash
// leaves the old file or the new one) and readable by its owner only: it
// holds subscribers' addresses. The addresses are made safe to show on a
// terminal (printable.String) and to open in a spreadsheet as the
// report's are; LoadDecisions takes the spreadsheet's guard back, and
// Restore compares a cell that is not an address as printable.String
// shows it, so that the escapes match the row they came from.
func SaveDecisions(path string, recs []DecisionRecord) error {
	out := make([]DecisionRecord, len(recs))
	for k, r := range recs {
		r.Email, r.NewEmail = csvfile.EscapeFormula(printable.String(r.Email)), csvfile.EscapeFormula(printable.String(r.NewEmail))
		out[k] = r
	}
	err := csvfile.WriteFilesAtomic(csvfile.WriteOptions{Force: true}, csvfile.Output{Path: path, Mode: 0o600, Write: func(w io.Writer) error {
		return gocsv.MarshalCSV(&out, gocsv.DefaultCSVWriter(w))
	}})
	if err != nil {
		return fmt.Errorf("saving the decisions: %w", err)
	}
	return nil
}

// SavedDecisions are the decisions of a decisions file, as read.
type SavedDecisions struct {
	Path    string
	Input   Fingerprint // of the input they were taken on (their first line's)
	Records []DecisionRecord
	Latest  time.Time // when the latest was taken
}

// ErrBadDecisions: a decisions file is not one listclean wrote.
var ErrBadDecisions = errors.New("not a listclean decisions file")

// LoadDecisions reads the decisions file at path. A missing file is an
// error wrapping fs.ErrNotExist; a file without the columns of
// DecisionRecord, or with a decision other than keep, fix (with a new
// address) or remove, one wrapping ErrBadDecisions.
func LoadDecisions(path string) (*SavedDecisions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []DecisionRecord
	if err := gocsv.UnmarshalFile(f, &recs); err != nil && !errors.Is(err, gocsv.ErrEmptyCSVFile) {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrBadDecisions, err)
	}
	sd := &SavedDecisions{Path: path, Records: recs}
	for k := range recs {
		r := &recs[k]
		r.Email, r.NewEmail = unescapeFormula(r.Email), unescapeFormula(r.NewEmail)
		switch Action(r.Decision) {
		case ActionKeep, ActionRemove:
		case ActionFix:
			if r.NewEmail != "" {
				break
			}
			fallthrough
		default:
			return nil, fmt.Errorf("%s: line %d: %w: decision %q", path, k+2, ErrBadDecisions, r.Decision)
		}
		if r.Row < 1 {
			return nil, fmt.Errorf("%s: line %d: %w: row %d", path, k+2, ErrBadDecisions, r.Row)
		}
		if r.DecidedAt.After(sd.Latest) {
			sd.Latest = r.DecidedAt
		}
	}
	if len(recs) > 0 {
		sd.Input = Fingerprint{Size: recs[0].InputBytes, SHA256: recs[0].InputSHA256}
	}
	return sd, nil
}

// unescapeFormula takes back the prefix csvfile.EscapeFormula adds.
func unescapeFormula(c string) string {
	if rest, ok := strings.CutPrefix(c, "'"); ok && csvfile.EscapeFormula(rest) != rest {
		return rest
	}
	return c
}

// Restored says what Session.Restore did with saved decisions.
type Restored struct {
	ByRow     int // applied to the row they were taken on, which holds the same address
	ByAddress int // applied to another row with the same address: the rows moved
	Missing   int // not applied: no row left holds their address
}

// Applied is the number of decisions restored.
func (r Restored) Applied() int { return r.ByRow + r.ByAddress }

// Restore applies saved decisions to the session, in place of any it has,
// and returns how. A decision applies to its row when that row still
// holds the same address (compared as duplicates are: Address.Key, or the
// cell as written when it is not an address). Otherwise, as when a new
// export of the list has rows added, removed or sorted, it applies to the
// first row holding that address that no other decision applied to by
// its row: decisions about one address that several rows hold go to
// those rows in order. A decision whose address no row holds is not
// applied. Restored decisions are not undone by Undo.
//
// With the same input (the fingerprints are equal) every decision applies
// by its row; the caller decides whether decisions taken on another
// version of the list are to be applied at all.
func (s *Session) Restore(saved *SavedDecisions) Restored {
	var res Restored
	clear(s.decisions)
	clear(s.decidedAt)
	s.undo = nil
	var left []int // the records not applied by their row, in file order
	for k, r := range saved.Records {
		i := r.Row - 1
		if i < len(s.Rows) && matchKey(address.Parse(r.Email)) == matchKey(s.Rows[i].Addr) {
			if _, taken := s.decisions[i]; !taken {
				s.restore(i, r)
				res.ByRow++
				continue
			}
		}
		left = append(left, k)
	}
	if len(left) == 0 {
		return res
	}
	want := make(map[string][]int, len(left)) // the records by address, in file order
	for _, k := range left {
		key := matchKey(address.Parse(saved.Records[k].Email))
		want[key] = append(want[key], k)
	}
	for i := range s.Rows {
		if _, taken := s.decisions[i]; taken {
			continue
		}
		key := matchKey(s.Rows[i].Addr)
		if q := want[key]; len(q) > 0 {
			s.restore(i, saved.Records[q[0]])
			want[key] = q[1:]
			res.ByAddress++
		}
	}
	for _, q := range want {
		res.Missing += len(q)
	}
	return res
}

// restore sets row i's decision as a record has it: a correction
// normalised as the review's own are (a file edited by hand may hold
// blanks around it).
func (s *Session) restore(i int, r DecisionRecord) {
	d := Decision{Action: Action(r.Decision)}
	if d.Action == ActionFix {
		d.Email = r.NewEmail
		if a := address.Parse(r.NewEmail); a.Email != "" {
			d.Email = a.Email
		}
	}
	s.decisions[i], s.decidedAt[i] = d, r.DecidedAt
}

// matchKey is what a saved decision's address and a row's are compared
// by: the duplicate key, or the cell as written when it is not an
// address, shown by printable.String as the decisions file has it
// (marked so that it never equals a key). An address holds no character
// that printable.String escapes.
func matchKey(a address.Address) string {
	if k := a.Key(); k != "" {
		return k
	}
	return "\x00" + printable.String(a.Written())
}
