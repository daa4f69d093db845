//go:build !linux

package csvfile

import "errors"

// writeRenameNoReplace would rename from to to unless something is at
// to, in one step; here there is no such call, and a hard link does it.
func writeRenameNoReplace(from, to string) error { return errors.ErrUnsupported }
