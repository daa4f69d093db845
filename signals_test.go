package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// uiOnTerminal is the terminal UI running in a child process on a
// pseudo-terminal, and what it has shown.
type uiOnTerminal struct {
	t      *testing.T
	cmd    *exec.Cmd
	ptmx   *os.File
	shown  syncBuffer
	waited chan error
}

// startUI runs listclean with args on a pseudo-terminal of w×h, or skips
// the test where there is none.
func startUI(t *testing.T, w, h int, args ...string) *uiOnTerminal {
	t.Helper()
	ptmx, tty, err := openPTY(w, h)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	u := &uiOnTerminal{t: t, cmd: childCmd(t, args...), ptmx: ptmx, waited: make(chan error, 1)}
	onTerminal(u.cmd, tty)
	if err := u.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()                // the child's now
	go io.Copy(&u.shown, ptmx) // ends when the child's side closes
	go func() { u.waited <- u.cmd.Wait() }()
	return u
}

// step types keys, then waits until the terminal shows want.
func (u *uiOnTerminal) step(keys, want string) {
	u.t.Helper()
	if keys != "" {
		u.ptmx.WriteString(keys)
	}
	waitFor(time.Now().Add(runBudget), func() bool { return strings.Contains(u.shown.String(), want) })
	if !strings.Contains(u.shown.String(), want) {
		u.cmd.Process.Kill()
		u.t.Fatalf("the terminal does not show %q:\n%q", want, u.shown.String())
	}
}

// stop sends sig and waits for the program to end with exit status 1.
func (u *uiOnTerminal) stop(sig syscall.Signal) {
	u.t.Helper()
	u.cmd.Process.Signal(sig)
	select {
	case <-u.waited:
	case <-time.After(runBudget):
		u.cmd.Process.Kill()
		u.t.Fatalf("%v did not stop the terminal UI", sig)
	}
	if code := u.cmd.ProcessState.ExitCode(); code != 1 {
		u.t.Errorf("exit status %d (%v), want 1", code, u.cmd.ProcessState)
	}
}

// said waits a moment for want on the restored terminal, and returns all
// that was shown, or "" after an error when want never came.
func (u *uiOnTerminal) said(want string) string {
	u.t.Helper()
	waitFor(time.Now().Add(time.Second), func() bool { return strings.Contains(u.shown.String(), want) })
	out := u.shown.String()
	if !strings.Contains(out, want) {
		u.t.Errorf("the terminal does not show %q; it ends with:\n%q", want, out[max(0, len(out)-400):])
		return ""
	}
	return out
}

// TestTerminalUISignals runs the terminal UI on a pseudo-terminal and
// sends it SIGTERM, SIGHUP (its terminal closed) and SIGINT (kill -INT,
// not the ctrl+c key): each stops it as ctrl+c does, the terminal
// restored, with a message that names the signal and exit status 1.
func TestTerminalUISignals(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sig  syscall.Signal
		want string
	}{
		{syscall.SIGTERM, "interrupted (terminated signal received)"},
		{syscall.SIGHUP, "interrupted (hangup signal received)"},
		{syscall.SIGINT, "interrupted (interrupt signal received)"},
	} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			t.Parallel()
			input := writeFile(t, filepath.Join(t.TempDir(), "list.csv"), []byte(smallList))
			u := startUI(t, 80, 24, "-dns", "off", input)
			u.step("", "Email column")
			u.stop(tt.sig)
			// The alternate screen was left before the message.
			if out := u.said(tt.want); out != "" {
				if leave := strings.LastIndex(out, "\x1b[?1049l"); leave < 0 || leave > strings.LastIndex(out, tt.want) {
					t.Errorf("the message is not after the terminal was restored:\n%q", out[max(0, len(out)-300):])
				}
			}
		})
	}
}

// TestTerminalUISignalSavesDecisions: a review ended by SIGTERM loses no
// decision: the decisions file holds the latest, and the message on the
// restored terminal says where it is, and that nothing was exported.
func TestTerminalUISignalSavesDecisions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
	u := startUI(t, 100, 30, "-dns", "off", input)
	u.step("", "Email column")
	u.step("\r", "Summary")
	u.step("\r", "flagged of 4")
	u.step("x", "Row 1 will be removed") // with DNS off, every row is flagged
	u.stop(syscall.SIGTERM)
	for _, want := range []string{"1 decision saved in " + filepath.Join(dir, "list.decisions.csv"), "nothing exported", "interrupted (terminated signal received)"} {
		u.said(want)
	}
	if got := string(mustRead(t, filepath.Join(dir, "list.decisions.csv"))); !strings.Contains(got, "\n1,ann@gmail.com,remove,") {
		t.Errorf("decisions file:\n%s", got)
	}
}
