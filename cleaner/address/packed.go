package address

import (
	"math"
	"unsafe"
)

// Packed is an Address in 32 bytes instead of 96, for a list that holds
// one per row (a million of them).
//
// Most addresses are their cell trimmed, with a domain already in lower
// case: Email and ASCII are then slices of Raw, kept as offsets into it,
// and Detail and Fix are empty. Any other address keeps its strings
// beside it. Unpack gives the Address back as it was.
type Packed struct {
	raw   string
	other *Address // the whole address, when it is not of the common kind; else nil
	// Email is raw[email:end] and ASCII raw[ascii:end].
	email, ascii, end uint16
	reason            uint8 // index in packedReasons
}

// packedReasons are the reasons a Packed address of the common kind has.
var packedReasons = [...]Reason{"", ReasonSyntax, ReasonBadDomain}

// Pack packs a.
func Pack(a Address) Packed {
	p := Packed{raw: a.Raw}
	email, okE := offsetIn(a.Raw, a.Email)
	ascii, okA := offsetIn(a.Raw, a.ASCII)
	end := email + len(a.Email)
	if a.ASCII == "" {
		ascii, okA = end, true
	}
	reason := -1
	for k, r := range packedReasons {
		if r == a.Reason {
			reason = k
		}
	}
	if !okE || !okA || ascii+len(a.ASCII) != end || end > math.MaxUint16 || reason < 0 || a.Detail != "" || a.Fix != "" {
		p.other = new(Address) // not &a, which would put every a on the heap
		*p.other = a
		return p
	}
	p.email, p.ascii, p.end, p.reason = uint16(email), uint16(ascii), uint16(end), uint8(reason)
	return p
}

// offsetIn returns where sub starts in s when sub is a slice of s's bytes
// (or is empty); false when it is not.
func offsetIn(s, sub string) (int, bool) {
	if sub == "" {
		return 0, true
	}
	if len(s) == 0 {
		return 0, false
	}
	off := int(uintptr(unsafe.Pointer(unsafe.StringData(sub))) - uintptr(unsafe.Pointer(unsafe.StringData(s))))
	if off < 0 || off+len(sub) > len(s) {
		return 0, false
	}
	return off, true
}

// Unpack returns the address packed.
func (p *Packed) Unpack() Address {
	if p.other != nil {
		return *p.other
	}
	return Address{
		Raw:    p.raw,
		Email:  p.raw[p.email:p.end],
		ASCII:  p.raw[p.ascii:p.end],
		Reason: packedReasons[p.reason],
	}
}

// Local is Unpack().Local(). An address of the common kind has its
// domain right after its '@' in Raw (a domain holds no '@'), so its local
// part is sliced without looking for the '@': JudgeAll asks for the local
// part of nearly every row of a list.
func (p *Packed) Local() string {
	if p.other == nil && p.ascii > p.email && p.raw[p.ascii-1] == '@' {
		return p.raw[p.email : p.ascii-1]
	}
	a := p.Unpack()
	return a.Local()
}
