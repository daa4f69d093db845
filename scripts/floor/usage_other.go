//go:build !unix

package main

import (
	"os"
	"time"
)

// usage returns the CPU times of an ended process; its peak memory is not
// known here (0).
func usage(ps *os.ProcessState) (rssKiB int64, user, sys time.Duration) {
	return 0, ps.UserTime(), ps.SystemTime()
}
