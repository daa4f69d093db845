//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// usage returns the peak resident memory in KiB and the CPU times of an
// ended process.
func usage(ps *os.ProcessState) (rssKiB int64, user, sys time.Duration) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, ps.UserTime(), ps.SystemTime()
	}
	rssKiB = int64(ru.Maxrss) // KiB on Linux and the BSDs
	if runtime.GOOS == "darwin" {
		rssKiB /= 1024 // bytes there
	}
	return rssKiB, ps.UserTime(), ps.SystemTime()
}
