package cleaner

import (
	"strconv"
	"strings"
	"time"

	"github.com/listclean/listclean/cleaner/address"
	"github.com/listclean/listclean/cleaner/printable"
	"github.com/listclean/listclean/cleaner/suppression"
)

// Suppressions is the evidence the user holds about addresses: the
// suppression lists, bounce exports, mail logs and bounce emails that
// package suppression reads, indexed by the duplicate key of package
// address, so that a row and its repeats are always matched alike: the
// domain without regard to case (and mapped by IDNA), the local part after
// the same normalisation the duplicate check applies.
type Suppressions struct {
	Files suppression.Files
	index *suppression.Index
}

// LoadSuppressions reads the files and folders at paths (see
// suppression.Load). The first file that cannot be read or is none of the
// formats understood stops it with a *suppression.FileError naming it.
func LoadSuppressions(paths ...string) (*Suppressions, error) {
	files, err := suppression.Load(paths...)
	if err != nil {
		return nil, err
	}
	return NewSuppressions(files), nil
}

// NewSuppressions indexes what was read from files.
func NewSuppressions(files suppression.Files) *Suppressions {
	return &Suppressions{Files: files, index: suppression.NewIndex(files.Records(), suppressionKey)}
}

// suppressionKey is the key a record's address is matched by: the
// duplicate key of a row with that address.
func suppressionKey(s string) string { return address.Parse(s).Key() }

// Records returns how many records were read.
func (sp *Suppressions) Records() int {
	n := 0
	for _, f := range sp.Files {
		n += len(f.Records)
	}
	return n
}

// Addresses returns how many distinct addresses the records are about.
func (sp *Suppressions) Addresses() int { return sp.index.Len() }

// Suppress gives the session the user's evidence: rows whose address it
// names are judged by it (see JudgeAll). Call it before the rows are
// judged; nil takes it away.
func (s *Session) Suppress(sp *Suppressions) { s.suppress = sp }

// Evidence returns the records that name row i's address, in the order
// read; nil when there are none. suppression.Strongest says which decided
// the row's verdict.
func (s *Session) Evidence(i int) []suppression.Record {
	r := &s.Rows[i]
	if !r.Evidence || s.suppress == nil {
		return nil
	}
	return s.suppress.index.LookupKey(r.Addr().Key())
}

// weigh sets what the user's evidence and the domain history say of a
// judged row whose suggestion is *sugg: a record that suppresses its
// address gives it that record's reason, whatever DNS said (the suggestion
// is kept for a hard bounce only: a person may still correct a mistyped
// address, but an address that unsubscribed or complained must not be
// mailed at another spelling); a dns_error or bad_mx that persists marks
// it Persistent. The caller keeps *sugg as the row's suggestion.
func (s *Session) weigh(r *Row, sugg *string) {
	r.Evidence = false
	if s.suppress != nil {
		if recs := s.suppress.index.LookupKey(r.Addr().Key()); len(recs) > 0 {
			r.Evidence = true
			if rec, _ := suppression.Strongest(recs); rec.Kind.Suppresses() {
				r.setReason(Reason(rec.Kind))
				if r.Reason() != ReasonHardBounce {
					*sugg, r.SuggestionRoutes = "", false
				}
			}
		}
	}
	r.Persistent = s.persists(r)
}

// Detail is what the removed file and the report say of row i beside its
// reason, "; "-joined: why DNS failed, for a dns_error or bad_mx row whose
// verdict rests on its domain's result (DNSCause); the evidence that
// decided it (kind, status code, date, file and line); and what the
// domain history says of its domain. It is "" when there is none of them,
// and then costs no allocation: the exports ask it of every row.
func (s *Session) Detail(i int) string {
	r := &s.Rows[i]
	var cause, evidence, note string
	if caused := s.caused(r); caused || len(s.notes) > 0 {
		if ascii := r.Addr().ASCII; ascii != "" {
			if caused {
				cause = s.causes[ascii]
			}
			note = s.notes[ascii]
		}
	}
	if rec, ok := suppression.Strongest(s.Evidence(i)); ok {
		evidence = EvidenceText(rec)
	}
	return joinDetail(cause, evidence, note)
}

// caused reports whether the verdict of row r rests on a DNS failure
// whose cause its detail may give: its reason is dns_error or bad_mx, and
// some result has a cause.
func (s *Session) caused(r *Row) bool {
	if len(s.causes) == 0 {
		return false
	}
	reason := r.Reason()
	return reason == ReasonDNSError || reason == ReasonBadMX
}

// joinDetail joins the parts of a detail that are not empty with "; ". It
// allocates only to join two or more.
func joinDetail(parts ...string) string {
	out := ""
	for _, p := range parts {
		switch {
		case p == "":
		case out == "":
			out = p
		default:
			out += "; " + p
		}
	}
	return out
}

// EvidenceText describes a record on one line: its kind, status code and
// date, and where it was read, as in
//
//	hard_bounce 5.4.4 on 2026-03-02 (mail.log, line 4)
//
// Control characters from the file's name are shown as escapes
// (printable.String).
func EvidenceText(rec suppression.Record) string {
	var b strings.Builder
	b.WriteString(string(rec.Kind))
	if rec.Status != "" {
		b.WriteString(" " + rec.Status)
	}
	if !rec.Date.IsZero() {
		b.WriteString(" on " + rec.Date.UTC().Format(time.DateOnly))
	}
	b.WriteString(" (" + rec.File)
	if rec.Line > 0 {
		b.WriteString(", line ")
		b.WriteString(strconv.Itoa(rec.Line))
	}
	b.WriteString(")")
	return printable.String(b.String())
}
