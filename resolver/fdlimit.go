package resolver

// fdReserve is the file descriptors left to the rest of the program (the
// list, its outputs, the terminal, TCP fallbacks) when the limit on open
// files bounds the queries in flight.
const fdReserve = 128

// queryCeiling is the most queries a Checker lets fly at once:
// maxProbedInFlight, or less when the process may open few files. Each query in flight holds
// a UDP socket and the pool may keep as many idle, so the queries get half
// of what fdReserve leaves.
func queryCeiling(servers int) int {
	n := openFileLimit()
	if n <= 0 {
		return maxProbedInFlight
	}
	return max(minInFlight, min(maxProbedInFlight, (n-fdReserve)/2))
}
