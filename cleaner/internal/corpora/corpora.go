// Package corpora finds the shared folder of third-party test corpora
// (public syntax suites, typo lists, CSV conformance files) for the tests
// of the packages below cleaner. The corpora live outside the repository,
// in a folder "shared/corpora" next to the checkout or further up, so a
// fresh clone has none: the tests that need them skip.
package corpora

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the folder sub of the shared corpora, found by walking up
// from the test's folder until a "shared/corpora" folder holds it, or
// skips tb with a message saying so.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Skipf("corpus %s: no working folder to look from (%v): skipping", sub, err)
	}
	for dir := wd; ; {
		p := filepath.Join(dir, "shared", "corpora", sub)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			break
		}
		dir = up
	}
	tb.Skipf("corpus %s not found in a shared/corpora folder above %s (it lives outside the repository): skipping", sub, wd)
	return ""
}

// Lines returns the lines of the corpus file at path, each up to 1 MiB
// (the syntax suites hold very long addresses), failing tb when it cannot
// be read.
func Lines(tb testing.TB, path string) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines
}
