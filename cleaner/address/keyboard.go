package address

// keysAdjacent reports whether two bytes of a domain are keys next to each
// other on a keyboard, or the same key on the layouts people commonly use
// (QWERTY; QWERTZ swaps y and z; AZERTY swaps a and q, and w and z): one
// struck for the other is the likeliest of substitutions.
func keysAdjacent(a, b byte) bool {
	if a == b {
		return false
	}
	switch lo, hi := min(a, b), max(a, b); {
	case lo == 'y' && hi == 'z', lo == 'a' && hi == 'q', lo == 'w' && hi == 'z':
		return true
	}
	pa, oka := keyPosition(a)
	pb, okb := keyPosition(b)
	if !oka || !okb {
		return false
	}
	dr, dx := pa.row-pb.row, pa.x-pb.x
	return dr >= -1 && dr <= 1 && dx >= -4 && dx <= 4
}

// keyPos is where a key sits: its row, and its distance from the left in
// quarters of a key, the rows being staggered as on an ANSI keyboard.
type keyPos struct{ row, x int }

// keyRows are the rows of a QWERTY keyboard, with each row's offset in
// quarters of a key.
var keyRows = [...]struct {
	keys   string
	offset int
}{{"1234567890-", 0}, {"qwertyuiop", 2}, {"asdfghjkl", 3}, {"zxcvbnm", 5}}

// keyPosition returns the place of c's key, or false for a byte that is
// no key of keyRows.
func keyPosition(c byte) (keyPos, bool) {
	for r, row := range keyRows {
		for i := 0; i < len(row.keys); i++ {
			if row.keys[i] == c {
				return keyPos{row: r, x: 4*i + row.offset}, true
			}
		}
	}
	return keyPos{}, false
}
