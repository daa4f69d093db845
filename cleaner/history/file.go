package history

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// The file is a CSV table of Entry, as gocsv would write it from the
// struct's tags (TestFileIsGocsvTable checks both ways): a header line,
// then one line per entry, times in RFC 3339 with nanoseconds. It is read
// and written here field by field rather than through gocsv's reflection,
// which took most of a run's time for a list of 50,000 domains (half a
// million entries: 2.6 s to read, prune and write). A full history of
// 50,000 domains (400,000 lines) then still took 0.5-0.6 s and allocated
// 460 MB a run, through a string and two times per line: the lines are
// now read a buffer at a time, without a copy, each domain and outcome is
// kept once, and a time is parsed and written once for all the lines of
// its run. A History holds the entries of its list's domains alone (see
// History): each run reads the file twice, for them (Load) and to copy
// the others' lines (Save), and never builds an entry of the others.

// header is the file's first line: Entry's columns.
const header = "run,domain,source,outcome,at"

// errNotHistory is wrapped by the error for a file that is not a history.
var errNotHistory = errors.New("not a listclean domain history")

// An entryLine is one entry of the file as scan reads it: its fields
// checked, its times parsed, its domain and outcome not yet numbered in a
// History's tables. Its byte slices are valid only during the call.
type entryLine struct {
	run, at         int64
	bounce          bool
	domain, outcome []byte
	text            []byte // the line as written, without its line end
	start, end      int64  // where the line starts in the file, and where the next does
}

// scan reads a file's content from r a line at a time and calls each with
// every entry, in the order of the file; it stops at each's first error.
// An empty file holds no entry; a file that is not a history, or a line
// that is not an entry, is an error wrapping errNotHistory.
func scan(r io.Reader, each func(e *entryLine) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var long []byte // a line longer than br's buffer, gathered
	var read int64  // bytes read so far
	next := func() ([]byte, error) {
		b, err := br.ReadSlice('\n')
		for err == bufio.ErrBufferFull {
			long = append(long[:0], b...)
			b, err = br.ReadSlice('\n')
			long = append(long, b...)
			b = long
		}
		read += int64(len(b))
		return b, err
	}
	first, err := next()
	if err != nil && err != io.EOF {
		return err
	}
	if err == io.EOF && len(bytes.TrimSpace(first)) == 0 {
		return nil
	}
	if string(trimEOL(first)) != header {
		return fmt.Errorf("%w: its first line is not %q", errNotHistory, header)
	}
	var runs, ats timeCache
	var fields [5][]byte
	var e entryLine // one for all the lines: each must not keep it
	for line := 2; err == nil; line++ {
		var text []byte
		start := read
		if text, err = next(); err != nil && err != io.EOF {
			return err
		}
		text = trimEOL(text)
		if len(text) == 0 && err == io.EOF {
			break
		}
		ok := false
		if bytes.IndexByte(text, '"') < 0 {
			if n := splitFields(text, &fields); n == 5 {
				e, ok = entryOf(&runs, &ats, fields)
			}
		} else {
			// Quoted: a domain with a comma, a quote or a line end,
			// which only odd evidence has. The record runs on until its
			// quotes pair up; encoding/csv unquotes it.
			text = slices.Clone(text)
			for bytes.Count(text, []byte{'"'})%2 != 0 && err == nil {
				var more []byte
				more, err = next()
				if err != nil && err != io.EOF {
					return err
				}
				text = append(append(text, '\n'), trimEOL(more)...)
				line++
			}
			r := csv.NewReader(bytes.NewReader(text))
			if f, err := r.Read(); err == nil && len(f) == 5 {
				e, ok = entryOf(&runs, &ats, [5][]byte{[]byte(f[0]), []byte(f[1]), []byte(f[2]), []byte(f[3]), []byte(f[4])})
			}
		}
		if !ok {
			return fmt.Errorf("%w: line %d is not an entry", errNotHistory, line)
		}
		e.text, e.start, e.end = text, start, read
		if err := each(&e); err != nil {
			return err
		}
	}
	return nil
}

// splitFields splits an unquoted line at its commas into f, and returns
// how many fields it has (more than len(f) when it has too many).
func splitFields(text []byte, f *[5][]byte) int {
	n := 0
	for {
		i := bytes.IndexByte(text, ',')
		if n == len(f) {
			return n + 1
		}
		if i < 0 {
			f[n] = text
			return n + 1
		}
		f[n], text = text[:i], text[i+1:]
		n++
	}
}

// entryOf reads one line's fields (run, domain, source, outcome, at); ok
// is false when they are not an entry. The times of a run's lines are
// parsed once, each column with its own cache.
func entryOf(runs, ats *timeCache, f [5][]byte) (entryLine, bool) {
	var e entryLine
	var okRun, okAt bool
	e.run, okRun = runs.parse(f[0])
	e.at, okAt = ats.parse(f[4])
	switch string(f[2]) {
	case SourceDNS:
	case SourceBounce:
		e.bounce = true
	default:
		return e, false
	}
	e.domain, e.outcome = f[1], f[3]
	return e, okRun && okAt && e.run != 0 && len(e.domain) > 0 && len(e.outcome) > 0
}

// recordOf returns e as a record of h, of the domain numbered n, its
// outcome numbered in h's table.
func (h *History) recordOf(n int32, e *entryLine) record {
	r := record{run: e.run, at: e.at, domain: n, bounce: e.bounce}
	// Looked up without a string made of the bytes, unless new.
	var ok bool
	if r.outcome, ok = h.textNo[string(e.outcome)]; !ok {
		r.outcome = h.textID(string(e.outcome))
	}
	return r
}

// trimEOL returns b without the line end at its end.
func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// A timeCache parses the times of a file, and writes those of its
// entries, remembering the last: the lines of one run share their times.
type timeCache struct {
	text  []byte
	nanos int64
	ok    bool
}

// parse returns the time written in b in Unix nanoseconds (see record).
func (c *timeCache) parse(b []byte) (int64, bool) {
	if c.text != nil && bytes.Equal(b, c.text) {
		return c.nanos, c.ok
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	c.text, c.nanos, c.ok = append(c.text[:0], b...), nanosOf(t), err == nil
	return c.nanos, c.ok
}

// appendTime appends the time of Unix nanoseconds n to dst.
func (c *timeCache) appendTime(dst []byte, n int64) []byte {
	if c.text == nil || n != c.nanos {
		c.text, c.nanos = timeOf(n).AppendFormat(c.text[:0], time.RFC3339Nano), n
	}
	return append(dst, c.text...)
}

// nanosOf returns t in Unix nanoseconds, within the years 1678 to 2262
// that they hold: a date beyond is taken as the nearest that is not.
// (Nothing older than MaxAge is kept; a bounce's date far in the future is
// a bad date in the evidence.)
func nanosOf(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64+1)):
		return math.MinInt64 + 1
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// timeOf returns the time of Unix nanoseconds n, in UTC.
func timeOf(n int64) time.Time { return time.Unix(0, n).UTC() }

// writeRecords writes the lines of recs to w. Whether a domain or an
// outcome needs quotes is looked at once, not on each of its lines: the
// look (strings.ContainsAny) took a third of the writing, which a run of
// a million rows does at its end, beside its export.
func (h *History) writeRecords(w *bufio.Writer, recs []record) error {
	var runs, ats timeCache
	var line []byte
	domainQuoting, textQuoting := make([]fieldQuoting, len(h.domains)), make([]fieldQuoting, len(h.texts))
	for _, r := range recs {
		line = runs.appendTime(line[:0], r.run)
		line = append(line, ',')
		line = domainQuoting[r.domain].append(line, h.domains[r.domain])
		line = append(line, ',')
		if r.bounce {
			line = append(line, SourceBounce...)
		} else {
			line = append(line, SourceDNS...)
		}
		line = append(line, ',')
		line = textQuoting[r.outcome].append(line, h.texts[r.outcome])
		line = append(line, ',')
		line = ats.appendTime(line, r.at)
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// fieldQuoting remembers whether a field that is written many times
// needs quotes (see appendField); unknown until it is first written.
type fieldQuoting uint8

const (
	quotingUnknown fieldQuoting = iota
	quotingPlain
	quotingQuoted
)

// append appends s, the field q is about, as appendField does.
func (q *fieldQuoting) append(dst []byte, s string) []byte {
	if *q == quotingUnknown {
		*q = quotingQuoted
		if !needsQuotes(s) {
			*q = quotingPlain
		}
	}
	if *q == quotingPlain {
		return append(dst, s...)
	}
	return appendField(dst, s)
}

// needsQuotes reports whether encoding/csv quotes the field s.
func needsQuotes(s string) bool {
	return strings.ContainsAny(s, ",\"\r\n") || s != "" && (s[0] == ' ' || s[0] == '\t')
}

// appendField appends a field, quoted as encoding/csv quotes one when it
// must be.
func appendField(dst []byte, s string) []byte {
	if !needsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(s, `"`, `""`)...)
	return append(dst, '"')
}
