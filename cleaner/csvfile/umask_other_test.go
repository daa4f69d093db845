//go:build !unix

package csvfile

// setUmask does nothing where there is no umask (Windows): the tests that
// use it are skipped there.
func setUmask(int) int { return 0 }
