//go:build !linux

package csvfile

import (
	"errors"
	"os"
)

// writeRenameNoReplace would rename from to to unless something is at
// to, in one step; here there is no such call, and a hard link does it.
func writeRenameNoReplace(from, to string) error { return errors.ErrUnsupported }

// writeStartWriteback would start writing f's bytes at off to the disk;
// here fsync alone does.
func writeStartWriteback(f *os.File, off, n int64) {}
