package main

import (
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

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
			ptmx, tty, err := openPTY(80, 24)
			if err != nil {
				t.Skipf("no pseudo-terminal: %v", err)
			}
			defer ptmx.Close()
			input := writeFile(t, filepath.Join(t.TempDir(), "list.csv"), []byte(smallList))
			cmd := childCmd(t, "-dns", "off", input)
			onTerminal(cmd, tty)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			tty.Close() // the child's now
			var shown syncBuffer
			go io.Copy(&shown, ptmx) // ends when the child's side closes
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			waitFor(time.Now().Add(runBudget), func() bool { return strings.Contains(shown.String(), "Email column") })
			if !strings.Contains(shown.String(), "Email column") {
				cmd.Process.Kill()
				t.Fatalf("the columns screen was not shown:\n%q", shown.String())
			}
			cmd.Process.Signal(tt.sig)
			select {
			case <-waited:
			case <-time.After(runBudget):
				cmd.Process.Kill()
				t.Fatalf("%v did not stop the terminal UI", tt.sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit status %d (%v), want 1", code, cmd.ProcessState)
			}
			waitFor(time.Now().Add(time.Second), func() bool { return strings.Contains(shown.String(), tt.want) })
			out := shown.String()
			if !strings.Contains(out, tt.want) {
				t.Errorf("the terminal does not show %q; it ends with:\n%q", tt.want, out[max(0, len(out)-300):])
			}
			// The alternate screen was left before the message.
			if leave := strings.LastIndex(out, "\x1b[?1049l"); leave < 0 || leave > strings.LastIndex(out, tt.want) {
				t.Errorf("the message is not after the terminal was restored:\n%q", out[max(0, len(out)-300):])
			}
		})
	}
}

// TestTerminalUISignalSavesDecisions: a review ended by SIGTERM loses no
// decision: the decisions file holds the latest, and the message on the
// restored terminal says where it is, and that nothing was exported.
func TestTerminalUISignalSavesDecisions(t *testing.T) {
	t.Parallel()
	ptmx, tty, err := openPTY(100, 30)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	dir := t.TempDir()
	input := writeFile(t, filepath.Join(dir, "list.csv"), []byte(smallList))
	cmd := childCmd(t, "-dns", "off", input)
	onTerminal(cmd, tty)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close() // the child's now
	var shown syncBuffer
	go io.Copy(&shown, ptmx)
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	step := func(keys, want string) {
		t.Helper()
		if keys != "" {
			ptmx.WriteString(keys)
		}
		waitFor(time.Now().Add(runBudget), func() bool { return strings.Contains(shown.String(), want) })
		if !strings.Contains(shown.String(), want) {
			cmd.Process.Kill()
			t.Fatalf("the terminal does not show %q:\n%q", want, shown.String())
		}
	}
	step("", "Email column")
	step("\r", "Summary")
	step("\r", "flagged of 4")
	step("x", "Row 1 will be removed") // with DNS off, every row is flagged
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-waited:
	case <-time.After(runBudget):
		cmd.Process.Kill()
		t.Fatal("SIGTERM did not stop the terminal UI")
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	for _, want := range []string{"1 decision saved in " + filepath.Join(dir, "list.decisions.csv"), "nothing exported", "interrupted (terminated signal received)"} {
		waitFor(time.Now().Add(time.Second), func() bool { return strings.Contains(shown.String(), want) })
		if out := shown.String(); !strings.Contains(out, want) {
			t.Errorf("the terminal does not show %q; it ends with:\n%q", want, out[max(0, len(out)-400):])
		}
	}
	if got := string(mustRead(t, filepath.Join(dir, "list.decisions.csv"))); !strings.Contains(got, "\n1,ann@gmail.com,remove,") {
		t.Errorf("decisions file:\n%s", got)
	}
}
