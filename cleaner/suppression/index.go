package suppression

import "strings"

// KeyFunc returns the key under which an address is matched: two
// addresses with the same key are the same subscriber. It returns "" for a
// value that is not an address, which matches nothing.
type KeyFunc func(address string) string

// Key is the KeyFunc that NewIndex uses when given none: the address
// trimmed of white space, its domain (after the last @) lower-cased, its
// local part kept as written, so that matching is case-insensitive on the
// domain and exact on the local part (RFC 5321 lets a server tell
// Jo@example.com from jo@example.com, though few do).
//
// It does not map domains by IDNA. Package cleaner passes its duplicate
// key instead (address.Address.Key: the domain lower case and mapped by
// IDNA, the local part lower-cased too, as ESPs compare addresses), so that
// a row and its repeats are always matched alike.
func Key(address string) string {
	a := strings.TrimSpace(address)
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 {
		return ""
	}
	return a[:at+1] + strings.ToLower(a[at+1:])
}

// Index holds records by their address's key, to match them to the rows
// of a list.
type Index struct {
	key   KeyFunc
	byKey map[string][]Record
}

// NewIndex indexes recs by key (Key when nil). Records whose address has
// no key are left out.
func NewIndex(recs []Record, key KeyFunc) *Index {
	if key == nil {
		key = Key
	}
	ix := &Index{key: key, byKey: make(map[string][]Record, len(recs))}
	for _, r := range recs {
		if k := key(r.Address); k != "" {
			ix.byKey[k] = append(ix.byKey[k], r)
		}
	}
	return ix
}

// Lookup returns the records of the address as written on a list, in the
// order read; nil when there are none. Strongest says which decides.
func (ix *Index) Lookup(address string) []Record {
	if k := ix.key(address); k != "" {
		return ix.byKey[k]
	}
	return nil
}

// LookupKey returns the records of the addresses whose key is k, as
// Lookup does, for a caller that has the key already (a list's rows have
// their duplicate keys); nil when there are none.
func (ix *Index) LookupKey(k string) []Record {
	if k == "" {
		return nil
	}
	return ix.byKey[k]
}

// Len returns the number of distinct addresses indexed.
func (ix *Index) Len() int { return len(ix.byKey) }
