//go:build !unix

package resolver

// openFileLimit returns 0: the system sets no limit on open files that
// the queries could reach.
func openFileLimit() int { return 0 }
