package csvfile

import (
	"errors"
	"fmt"
	"os"

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

// writeStartWriteback asks the kernel to start writing the n bytes of f
// at off to the disk, without waiting for them (sync_file_range with
// SYNC_FILE_RANGE_WRITE), so that the fsync at the end finds most of the
// file written. It is a hint: an error is ignored, as fsync still makes
// the file durable.
func writeStartWriteback(f *os.File, off, n int64) {
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) {
			unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
		})
	}
}
