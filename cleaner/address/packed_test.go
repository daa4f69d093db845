package address

import (
	"strings"
	"testing"
	"unsafe"
)

// TestPacked: every address unpacks as it was packed, and the common kind
// (a lower-case address, as most of a list's are) packs without a copy
// beside it.
func TestPacked(t *testing.T) {
	if size := unsafe.Sizeof(Packed{}); size > 32 {
		t.Errorf("a Packed address takes %d bytes, not 32", size)
	}
	for _, tt := range []struct {
		cell   string
		common bool
	}{
		{"ann@gmail.com", true},
		{`"ann@home"@gmail.com`, true},
		{"ann@", false},
		{"  bob.smith@example.co.uk\u200b ", true},
		{"Carl.Jones@gmail.com", true},
		{"dave@GMAIL.com", false},
		{"eve@bücher.de", false},
		{"not an address", false}, // a Detail says why
		{"", false},
		{"Fred <fred@gmail.com>", false},
		{"gina@example.cmo", false},
		{"hal@localhost", false},
		{strings.Repeat("x", 70000) + "@gmail.com", false},
	} {
		a := Parse(tt.cell)
		p := Pack(a)
		if got := p.Unpack(); got != a {
			t.Errorf("Pack(Parse(%.40q)).Unpack() = %+.60v, want %+.60v", tt.cell, got, a)
		}
		if got := p.Local(); got != a.Local() {
			t.Errorf("Pack(Parse(%.40q)).Local() = %.40q, want %.40q", tt.cell, got, a.Local())
		}
		if common := p.other == nil; common != tt.common {
			t.Errorf("%.40q: packed as the common kind %v, want %v (%+.60v)", tt.cell, common, tt.common, a)
		}
	}
	// Strings that are not slices of Raw are kept as they are.
	a := Address{Raw: "a@b.com", Email: strings.Clone("a@b.com"), ASCII: "b.com"}
	if p := Pack(a); p.Unpack() != a || p.other == nil {
		t.Errorf("an Email that is a copy: %+v unpacks as %+v", a, p.Unpack())
	}
}
