//go:build !race

package resolver

// raceEnabled tells whether the race detector is on, which makes every
// frame bigger.
const raceEnabled = false
