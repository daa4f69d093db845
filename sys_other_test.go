//go:build !unix

package main

import (
	"errors"
	"os/exec"
)

var errUnsupported = errors.New("not supported on this system")

func setFileSizeLimit(n uint64) error { return errUnsupported }

func setOpenFileLimit(n uint64) error { return errUnsupported }

func runAsNobody(cmd *exec.Cmd) {}

func mkfifo(path string) error { return errUnsupported }

func setUmask(mask int) error { return errUnsupported }
