//go:build unix

package resolver

import "syscall"

// openFileLimit returns the soft limit on open files (ulimit -n), which
// the Go runtime has raised to the hard limit at start-up where it could;
// 0 when unknown.
func openFileLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return 0
	}
	return int(rl.Cur)
}
