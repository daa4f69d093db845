package cleaner

import (
	"io"

	"github.com/listclean/listclean/cleaner/csvfile"
)

// A session cleans a List as package csvfile reads it. These names hand on
// what a caller needs of that package to open a list and to tell its
// failures apart, as package os hands on io/fs's PathError and ErrNotExist,
// so that the TUI and main open and clean a list through cleaner alone.

// List is a subscriber list as read from a CSV file (see csvfile.List).
type List = csvfile.List

// ReadOptions control how a subscriber list is read (see
// csvfile.ReadOptions).
type ReadOptions = csvfile.ReadOptions

// Header says whether a list's first line is a header line (see
// csvfile.Header).
type Header = csvfile.Header

// The ways to read a list's first line (see csvfile.Header).
const (
	HeaderDetect    = csvfile.HeaderDetect
	HeaderFirstLine = csvfile.HeaderFirstLine
	HeaderNone      = csvfile.HeaderNone
)

// ReadError is a read failure with the position, "FILE:LINE:COL: what"
// (see csvfile.ReadError).
type ReadError = csvfile.ReadError

// DefaultMaxBytes is the largest input read whole when ReadOptions.MaxBytes
// is 0; a Stream cleans a larger one in passes.
const DefaultMaxBytes = csvfile.DefaultMaxBytes

// The errors a caller tells apart with errors.Is.
var (
	// ErrNoEmailColumn: no email column was found; ReadFile and Read return
	// the list along with it, so that the user can pick one
	// (List.SetEmailColumn).
	ErrNoEmailColumn = csvfile.ErrNoEmailColumn
	// ErrFileTooLarge: the input is over the size limit.
	ErrFileTooLarge = csvfile.ErrFileTooLarge
	// ErrExists: an output exists and overwriting was not allowed.
	ErrExists = csvfile.ErrExists
)

// ReadFile reads the subscriber list in the file at path (see
// csvfile.ReadFile).
func ReadFile(path string, opt ReadOptions) (*List, error) { return csvfile.ReadFile(path, opt) }

// ReadHead reads the first rows of the subscriber list in the file at
// path, to show while ReadFile reads it all (see csvfile.ReadHead).
func ReadHead(path string, opt ReadOptions) (*List, error) { return csvfile.ReadHead(path, opt) }

// Read reads a subscriber list from r; name is used in messages (see
// csvfile.Read).
func Read(r io.Reader, name string, opt ReadOptions) (*List, error) {
	return csvfile.Read(r, name, opt)
}

// Records are the data rows of a list, held compactly (see
// csvfile.Records).
type Records = csvfile.Records

// RecordsOf returns rows as Records, their text copied (see
// csvfile.RecordsOf).
func RecordsOf(rows [][]string) Records { return csvfile.RecordsOf(rows) }
