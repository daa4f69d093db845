//go:build unix

package csvfile

import (
	"errors"
	"syscall"
)

// writeProcessGone reports whether no process with the ID pid runs.
func writeProcessGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
