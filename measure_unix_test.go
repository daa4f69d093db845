//go:build unix

package main

import (
	"flag"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// measureEnv turns on TestMeasureCommand.
const measureEnv = "LISTCLEAN_MEASURE"

// TestMeasureCommand runs the command given after -args and logs its wall
// time and peak resident memory, for scripts/bench.sh on machines without
// GNU time:
//
//	LISTCLEAN_MEASURE=1 go test -count=1 -v -run '^TestMeasureCommand$' . -args ./listclean -batch ...
//
// Without LISTCLEAN_MEASURE=1 it is skipped.
func TestMeasureCommand(t *testing.T) {
	if os.Getenv(measureEnv) != "1" {
		t.Skip(measureEnv + " is not set")
	}
	args := flag.Args()
	if len(args) == 0 {
		t.Fatal("no command after -args")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("%s: %v", args[0], err)
	}
	kib := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		kib = int64(ru.Maxrss) // kilobytes on Linux and the BSDs
		if runtime.GOOS == "darwin" {
			kib /= 1024 // bytes
		}
	}
	t.Logf("wall seconds: %.2f", took.Seconds())
	t.Logf("peak RSS KiB: %d", kib)
}
