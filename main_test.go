package main

// The end-to-end reliability suite of issue 6 drives the command the way a
// script does: through run (in process) or through a real child process
// (this test binary re-executed, see TestMain) when a test needs to kill it,
// limit it or measure its memory. The scenarios live in:
//
//	dnsfault_test.go  faults in DNS (drops, SERVFAIL, REFUSED, dead and slow servers, retries)
//	badinput_test.go  bad input files and bad usage
//	files_test.go     outputs: refusals, -force, read-only folder, full disk, SIGKILL mid-export
//	hostile_test.go   formula injection and control characters
//	big_test.go       very large inputs (the 2 GB file; LISTCLEAN_BIG=1 for the slow ones)
//
// This file holds TestMain, which runs the child; helpers_test.go holds
// the helpers the suites share.

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/listclean/listclean/cleaner/history"
)

// Environment of a child process: childEnv=1 makes TestMain run the
// command as main does instead of the tests; childFsize, if set, is the
// RLIMIT_FSIZE in bytes the child sets on itself first (a disk that fills
// up); childHWM, if set, is a file where the child writes its peak
// resident memory (VmHWM) before it exits; childUmask, if set, is the
// umask (octal) the child sets on itself first.
//
// The child measures its own peak because the rusage of a child process is
// no use here: Go starts children with vfork semantics, and Linux counts
// the parent's resident memory at that moment in the child's ru_maxrss.
const (
	childEnv   = "LISTCLEAN_TEST_MAIN"
	childFsize = "LISTCLEAN_TEST_FSIZE"
	childFiles = "LISTCLEAN_TEST_NOFILE"
	childHWM   = "LISTCLEAN_TEST_HWM"
	childUmask = "LISTCLEAN_TEST_UMASK"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if v := os.Getenv(childFsize); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err == nil {
				err = setFileSizeLimit(n)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "test child: setting RLIMIT_FSIZE:", err)
				os.Exit(3)
			}
		}
		if v := os.Getenv(childFiles); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err == nil {
				err = setOpenFileLimit(n)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "test child: setting RLIMIT_NOFILE:", err)
				os.Exit(3)
			}
		}
		if v := os.Getenv(childUmask); v != "" {
			n, err := strconv.ParseUint(v, 8, 32)
			if err == nil {
				err = setUmask(int(n))
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "test child: setting the umask:", err)
				os.Exit(3)
			}
		}
		code := run(os.Args[1:], os.Stderr) // as main does
		if p := os.Getenv(childHWM); p != "" {
			if status, err := os.ReadFile("/proc/self/status"); err == nil {
				os.WriteFile(p, status, 0o644)
			}
		}
		os.Exit(code)
	}
	// Runs of the command keep their domain history here, never in the
	// user's own state folder; child processes inherit it.
	histDir, err := os.MkdirTemp("", "listclean-history-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(3)
	}
	os.Setenv(history.EnvPath, filepath.Join(histDir, "domains.csv"))
	code := m.Run()
	if benchGen.dir != "" {
		os.RemoveAll(benchGen.dir)
	}
	os.RemoveAll(histDir)
	os.Exit(code)
}
