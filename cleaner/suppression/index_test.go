package suppression

import (
	"strings"
	"testing"
)

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"jo@example.com", "jo@example.com"},
		{"  Jo@EXAMPLE.com\t", "Jo@example.com"},
		{`"a@b"@Example.ORG`, `"a@b"@example.org`},
		{"not an address", ""},
		{"@example.com", ""},
		{"jo@", ""},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIndex(t *testing.T) {
	recs := []Record{
		{Address: "Jo@Example.com", Kind: SoftBounce},
		{Address: "Jo@example.COM", Kind: HardBounce, Status: "5.1.1"},
		{Address: "ann@example.org", Kind: Unsubscribed},
		{Address: "garbage", Kind: Listed},
	}
	ix := NewIndex(recs, nil)
	if ix.Len() != 2 {
		t.Errorf("Len = %d, want 2", ix.Len())
	}
	got := ix.Lookup(" Jo@EXAMPLE.com ")
	if len(got) != 2 {
		t.Fatalf("Lookup found %d records, want 2", len(got))
	}
	if r, _ := Strongest(got); r.Kind != HardBounce {
		t.Errorf("Strongest = %s", r.Kind)
	}
	if got := ix.Lookup("jo@example.com"); got != nil {
		t.Errorf("the local part matched in another case: %v", got)
	}
	if got := ix.Lookup("garbage"); got != nil {
		t.Errorf("a value that is no address matched: %v", got)
	}

	// The caller's key: here one that folds the local part too.
	folded := NewIndex(recs, func(s string) string { return strings.ToLower(Key(s)) })
	if got := folded.Lookup("jo@example.com"); len(got) != 2 {
		t.Errorf("with a folding key, Lookup found %d records, want 2", len(got))
	}
}

func TestIndexLookupKey(t *testing.T) {
	ix := NewIndex([]Record{{Address: "Jo@Example.com", Kind: HardBounce}}, func(s string) string { return strings.ToLower(Key(s)) })
	if got := ix.LookupKey("jo@example.com"); len(got) != 1 || got[0].Kind != HardBounce {
		t.Errorf("LookupKey by the caller's key: %v", got)
	}
	if got := ix.LookupKey("Jo@Example.com"); got != nil {
		t.Errorf("LookupKey applied the key function again: %v", got)
	}
	if got := ix.LookupKey(""); got != nil {
		t.Errorf("the empty key matched: %v", got)
	}
}
