package csvfile

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// writeRenameNoReplace renames from to to unless something is at to, in
// one step (renameat2 with RENAME_NOREPLACE): an error wrapping
// fs.ErrExist if something is, errors.ErrUnsupported where the kernel or
// the file system cannot (before Linux 3.15, some network and FUSE file
// systems).
func writeRenameNoReplace(from, to string) error {
	err := unix.Renameat2(unix.AT_FDCWD, from, unix.AT_FDCWD, to, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.ENOTSUP) {
		return fmt.Errorf("renameat2: %w: %w", errors.ErrUnsupported, err)
	}
	return err
}
