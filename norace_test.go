//go:build !race

package main

// raceEnabled: the race detector is on, and everything is slower.
const raceEnabled = false
