package history

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The file is a CSV table of Entry, as gocsv would write it from the
// struct's tags (TestFileIsGocsvTable checks both ways): a header line,
// then one line per entry, times in RFC 3339 with nanoseconds. It is read
// and written here field by field rather than through gocsv's reflection,
// which took most of a run's time for a list of 50,000 domains (half a
// million entries: 2.6 s to read, prune and write, against a few tenths).

// header is the file's first line: Entry's columns.
const header = "run,domain,source,outcome,at"

// errNotHistory is wrapped by the error for a file that is not a history.
var errNotHistory = errors.New("not a listclean domain history")

// parseEntries reads the entries of a file's content. An empty file is an
// empty history.
func parseEntries(data []byte) ([]Entry, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = true
	r.FieldsPerRecord = 5
	head, err := r.Read()
	if err != nil || strings.Join(head, ",") != header {
		return nil, fmt.Errorf("%w: its first line is not %q", errNotHistory, header)
	}
	entries := make([]Entry, 0, bytes.Count(data, []byte{'\n'}))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return entries, nil
		}
		if err != nil {
			return nil, err
		}
		e, ok := parseEntry(rec)
		if !ok {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("%w: line %d is not an entry", errNotHistory, line)
		}
		entries = append(entries, e)
	}
}

// parseEntry reads one line's fields; ok is false when they are not an
// entry.
func parseEntry(rec []string) (e Entry, ok bool) {
	var err1, err2 error
	e.Run, err1 = time.Parse(time.RFC3339Nano, rec[0])
	e.At, err2 = time.Parse(time.RFC3339Nano, rec[4])
	e.Domain, e.Outcome = rec[1], intern(rec[3])
	switch rec[2] {
	case SourceDNS:
		e.Source = SourceDNS
	case SourceBounce:
		e.Source = SourceBounce
	}
	return e, err1 == nil && err2 == nil && e.Domain != "" && e.Outcome != "" && e.Source != "" && !e.Run.IsZero()
}

// intern returns the outcome words as constants, rather than strings that
// each hold a line of the file in memory.
func intern(outcome string) string {
	for _, o := range []string{OutcomeOK, OutcomeImplicitMX, OutcomeNullMX, OutcomeNoMail, OutcomeBadMX, OutcomeNXDomain, OutcomeDNSError} {
		if outcome == o {
			return o
		}
	}
	return outcome
}

// appendEntries appends the file's content for entries to dst.
func appendEntries(dst []byte, entries []Entry) []byte {
	dst = append(dst, header...)
	dst = append(dst, '\n')
	for _, e := range entries {
		dst = e.Run.AppendFormat(dst, time.RFC3339Nano)
		dst = append(dst, ',')
		dst = appendField(dst, e.Domain)
		dst = append(dst, ',')
		dst = appendField(dst, e.Source)
		dst = append(dst, ',')
		dst = appendField(dst, e.Outcome)
		dst = append(dst, ',')
		dst = e.At.AppendFormat(dst, time.RFC3339Nano)
		dst = append(dst, '\n')
	}
	return dst
}

// appendField appends a field, quoted as encoding/csv quotes one when it
// must be.
func appendField(dst []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && (s == "" || s[0] != ' ' && s[0] != '\t') {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(s, `"`, `""`)...)
	return append(dst, '"')
}
