package suppression

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// Understood names the formats Load reads, for the error that refuses
// another.
const Understood = "an ESP's suppression or bounce export in CSV (Mailchimp cleaned or unsubscribed, " +
	"Klaviyo suppressed profiles, HubSpot bounces and unsubscribes, SendGrid, Brevo, Mailgun, " +
	"or any CSV with an Email column), a Postfix or Exim log, Amazon SES notifications (JSON), " +
	"or bounce emails " +
	"(a .eml file, an mbox file or a folder of .eml files)"

// ErrUnrecognised is wrapped by the error for a file that is none of the
// formats Load reads.
var ErrUnrecognised = errors.New("not a suppression list, mail log or bounce email that listclean reads")

// MaxFileSize is the largest file Load reads, whole, into memory: months of
// a busy server's log, far beyond any ESP export.
const MaxFileSize = 256 << 20

// File is what Load read from one file.
type File struct {
	Path    string
	Format  Format
	Records []Record
	// Skipped counts the entries read that are no evidence against an
	// address: a row without an address or of a contact still subscribed,
	// a successful delivery in a log, an automatic reply.
	Skipped int
}

// Files is what Load read, file by file.
type Files []File

// Records returns the records of all the files, in the order read.
func (fs Files) Records() []Record {
	var n int
	for _, f := range fs {
		n += len(f.Records)
	}
	recs := make([]Record, 0, n)
	for _, f := range fs {
		recs = append(recs, f.Records...)
	}
	return recs
}

// FileError is an error in one file, at a line and column when known.
type FileError struct {
	File         string
	Line, Column int // 1-based; 0 when unknown
	Err          error
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(", line ")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(", column ")
			b.WriteString(strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FileError) Unwrap() error { return e.Err }

// Load reads the evidence in the files and folders at paths. A folder is
// read with every file below it, in name order, leaving out hidden files
// and folders (a maildir's cur, new and tmp are read). Each file's format
// is found from its content, not its name: see ReadFile.
//
// The first file that cannot be read, or that is none of the formats
// understood, stops the load with a *FileError naming it, so that nothing
// is applied from a set of files only partly read.
func Load(paths ...string) (Files, error) {
	var files Files
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, &FileError{File: p, Err: unwrapPath(err)}
		}
		if !fi.IsDir() {
			f, err := ReadFile(p)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
			continue
		}
		var found int
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return &FileError{File: path, Err: unwrapPath(err)}
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			found++
			f, err := ReadFile(path)
			if err != nil {
				return err
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			return nil, err
		}
		if found == 0 {
			return nil, &FileError{File: p, Err: errors.New("the folder holds no files")}
		}
	}
	return files, nil
}

// unwrapPath drops the *fs.PathError around err, whose path the FileError
// names already.
func unwrapPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// ReadFile reads the evidence in one file; see Read.
func ReadFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, &FileError{File: path, Err: unwrapPath(err)}
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads the evidence in r, found by its content; name is the file's
// path, used in records and messages. The formats:
//
//   - An ESP's suppression or bounce export in CSV, found by its header
//     line (see readCSV).
//   - A Postfix or Exim log: syslog lines of Postfix's delivery agents,
//     or Exim's main log.
//   - Amazon SES bounce and complaint notifications, JSON objects one
//     after another.
//   - A bounce email, one message (.eml) or many (mbox): a delivery status
//     notification (RFC 3464), a spam complaint (RFC 5965), or the
//     plain-text bounce of a mail server that sends no notification.
//
// The text may be UTF-8, with or without a byte-order mark, or UTF-16 with
// one. Errors are *FileError values.
func Read(r io.Reader, name string) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return File{}, &FileError{File: name, Err: err}
	}
	if len(data) > MaxFileSize {
		return File{}, &FileError{File: name, Err: fmt.Errorf("larger than %d MiB; for a mail log, keep only its failures (grep -e status=bounced -e ' ** ')", MaxFileSize>>20)}
	}
	text, err := decodeText(data)
	if err != nil {
		return File{}, &FileError{File: name, Err: err}
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return File{}, &FileError{File: name, Err: fmt.Errorf("the file is empty; expected %s", Understood)}
	}
	s := string(text)
	switch {
	case looksLikeMbox(s):
		return readMbox(s, name)
	case looksLikeMessage(s):
		return readMessageFile(s, name)
	case looksLikePostfix(s):
		return readPostfix(s, name, time.Now())
	case looksLikeExim(s):
		return readExim(s, name)
	case strings.HasPrefix(strings.TrimSpace(s), "{"):
		if fs, skipped, ok := sesNotifications(s); ok {
			return foundFile(fs, skipped, name, FormatSES), nil
		}
	}
	f, ok, err := readCSV(s, name)
	if err != nil {
		return File{}, err
	}
	if !ok {
		return File{}, &FileError{File: name, Err: fmt.Errorf("%w: expected %s", ErrUnrecognised, Understood)}
	}
	return f, nil
}

// foundFile makes the File of the recipients found in a file that is not
// an email.
func foundFile(fs []found, skipped int, name string, format Format) File {
	f := File{Path: name, Format: format, Skipped: skipped}
	for _, fd := range fs {
		if r, ok := fd.record(format, name, 0); ok {
			f.Records = append(f.Records, r)
		} else {
			f.Skipped++
		}
	}
	return f
}

// decodeText returns data as UTF-8 without a byte-order mark: UTF-16 with
// a byte-order mark is decoded, a file with NUL bytes in more than one
// byte in a hundred is refused as binary.
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		text, err := dec.Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("reading UTF-16 text: %w", err)
		}
		return text, nil
	}
	// A stray NUL byte is seen in real mail; a binary file has many.
	if head := data[:min(len(data), 64<<10)]; bytes.Count(head, []byte{0}) > len(head)/100 {
		hint := ""
		switch {
		case bytes.HasPrefix(data, []byte("PK\x03\x04")):
			hint = " (an Excel workbook or a zip file? save or extract it as CSV)"
		case bytes.HasPrefix(data, []byte("\x1f\x8b")):
			hint = " (a gzip file? uncompress it first)"
		case len(data) >= 4 && (data[1] == 0 && data[3] == 0 || data[0] == 0 && data[2] == 0):
			hint = " (UTF-16 text without a byte-order mark? save it as UTF-8)"
		}
		return nil, fmt.Errorf("%w: it is a binary file%s; expected %s", ErrUnrecognised, hint, Understood)
	}
	return data, nil
}

// lines splits s into lines without their line ends (LF or CRLF).
func lines(s string) []string {
	ls := strings.Split(s, "\n")
	if len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	for i, l := range ls {
		ls[i] = strings.TrimSuffix(l, "\r")
	}
	return ls
}

// firstLines returns up to n lines of s that are not blank.
func firstLines(s string, n int) []string {
	var out []string
	for len(s) > 0 && len(out) < n {
		l, rest, _ := strings.Cut(s, "\n")
		s = rest
		if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// validUTF8 returns s with invalid bytes replaced, so that text from a
// mail in an unknown charset is at least valid.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
