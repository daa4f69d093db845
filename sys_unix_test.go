//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// setFileSizeLimit sets this process's RLIMIT_FSIZE: writes beyond n bytes
// fail with EFBIG (Go ignores SIGXFSZ), as they fail with ENOSPC when a disk
// is full.
func setFileSizeLimit(n uint64) error {
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
}

// setOpenFileLimit sets this process's RLIMIT_NOFILE, as ulimit -n does.
func setOpenFileLimit(n uint64) error {
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n})
}

// runAsNobody makes cmd run as the user nobody (65534), for a superuser,
// whom file modes do not stop.
func runAsNobody(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }

// setUmask sets this process's umask.
func setUmask(mask int) error {
	syscall.Umask(mask)
	return nil
}
