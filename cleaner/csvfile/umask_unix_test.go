//go:build unix

package csvfile

import "syscall"

// setUmask sets the process's umask to mask and returns the one before.
func setUmask(mask int) int { return syscall.Umask(mask) }
