package cleaner

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gocarina/gocsv"

	"github.com/listclean/listclean/cleaner/csvfile"
	"github.com/listclean/listclean/cleaner/printable"
)

// ChangeRow is one line of the changes file: a row written to the cleaned
// file with another address than the list had. After importing the
// cleaned list, the old addresses are the ones to suppress or delete in
// the email platform, or the platform keeps mailing them beside the new
// ones. The columns are a contract that scripts depend on.
type ChangeRow struct {
	Row       int    `csv:"row"`        // the data row, counted from 1 as in the report
	OldEmail  string `csv:"old_email"`  // the address as the list had it
	NewEmail  string `csv:"new_email"`  // the address written to the cleaned file
	Reason    string `csv:"reason"`     // why the old one was flagged (the report's reason)
	DecidedBy string `csv:"decided_by"` // "you" (a decision in the review) or "policy" (-fix, -fix-suspects)
}

// ChangesPath returns where the changes file of a cleaned file goes by
// default: beside it, NAME.changes.csv for NAME.cleaned.EXT (the default
// cleaned file), else the cleaned file's name without its extension and
// with .changes.csv.
func ChangesPath(cleaned string) string {
	base := strings.TrimSuffix(cleaned, filepath.Ext(cleaned))
	return strings.TrimSuffix(base, ".cleaned") + ".changes.csv"
}

// changeRow is the changes file's line for row i (of the list's index
// first+i), corrected as o says.
func (pl *Plan) changeRow(i int, o Outcome) ChangeRow {
	r := &pl.s.Rows[i]
	return ChangeRow{
		Row:       pl.first + i + 1,
		OldEmail:  csvfile.EscapeFormula(printable.String(r.Addr().Written())),
		NewEmail:  csvfile.EscapeFormula(printable.String(o.Email)),
		Reason:    string(r.Reason()),
		DecidedBy: string(o.By),
	}
}

// writeChanges writes the changes file's rows, header first. Its cells are
// the tool's own, made safe for a terminal (printable.String) and for a
// spreadsheet as the report's are.
func writeChanges(w io.Writer, rows []ChangeRow) error {
	return gocsv.MarshalCSV(&rows, gocsv.DefaultCSVWriter(w))
}

// removeStaleChanges removes, after an export with force that corrected
// no row, a changes file an earlier export left at path, so that the
// files beside the cleaned list belong to one export. A missing file is
// no error.
func removeStaleChanges(path string, force bool) error {
	if path == "" || !force {
		return nil
	}
	if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the changes file of an earlier export: %w", err)
	}
	return nil
}

// ReadChanges reads a changes file written by Export.
func ReadChanges(path string) ([]ChangeRow, error) { return readTable[ChangeRow](path, "changes") }
