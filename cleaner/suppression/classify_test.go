package suppression

import "testing"

func TestFailureKind(t *testing.T) {
	tests := []struct {
		name string
		f    failure
		want Kind
	}{
		{"unable to route", failure{status: "5.4.4", text: "550 5.4.4 Unable to route"}, HardBounce},
		{"user unknown", failure{status: "5.1.1", text: "550 5.1.1 <jo@example.com>: Recipient address rejected: User unknown"}, HardBounce},
		{"host not found", failure{status: "5.1.2", text: "Host or domain name not found"}, HardBounce},
		{"null MX", failure{status: "5.1.10", text: "556 5.1.10 Recipient address has null MX"}, HardBounce},
		{"moved", failure{status: "5.1.6", text: "mailbox has moved"}, HardBounce},
		{"words alone", failure{reply: "550", text: "550 No such user here"}, HardBounce},
		{"no code, no words: a bounce is permanent", failure{text: "Unrouteable address"}, HardBounce},
		{"5.2.1 that names the mailbox", failure{status: "5.2.1", text: "550 5.2.1 <jo@example.com>... User Unknown"}, HardBounce},

		{"deferred", failure{status: "4.4.1", text: "connect to mx.example.com: Connection timed out", temporary: true}, SoftBounce},
		{"4.x.x user unknown is still temporary", failure{status: "4.1.1", text: "450 4.1.1 User unknown in virtual alias table"}, SoftBounce},
		{"delayed action", failure{action: "delayed", status: "5.0.0"}, SoftBounce},
		{"mailbox full", failure{status: "5.2.2", text: "552 5.2.2 Mailbox full"}, SoftBounce},
		{"expired", failure{text: "Could not deliver for the last 432000 seconds. Giving up."}, SoftBounce},
		{"lookup failed", failure{status: "5.4.4", text: "Name service error for name=example.com type=MX: Malformed or unexpected name server reply"}, SoftBounce},

		{"block list", failure{status: "5.7.1", text: "550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.spamhaus.org"}, Rejected},
		{"5.1.1 for a blocked sender", failure{status: "5.1.1", text: "550 5.1.1 IP address blacklisted by recipient"}, Rejected},
		{"sender address", failure{status: "5.1.8", text: "501 5.1.8 Sender address rejected"}, Rejected},
		{"user unknown at DATA is a filter", failure{status: "5.0.0", text: "550 Unknown user jo@example.com", context: ">>> DATA <<< 550 Unknown user"}, Rejected},
		{"x.1.1 at DATA names the mailbox", failure{status: "5.1.1", text: "550 5.1.1 User Unknown", context: ">>> DATA"}, HardBounce},
		{"disabled mailbox", failure{status: "5.2.1", text: "550 5.2.1 The email account that you tried to reach is disabled"}, Rejected},
		{"unknown reason", failure{status: "5.0.0", text: "554 Transaction failed"}, Rejected},
	}
	for _, tt := range tests {
		got, ok := tt.f.kind()
		if !ok || got != tt.want {
			t.Errorf("%s: kind() = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
	for _, action := range []string{"delivered", "relayed", "expanded"} {
		if k, ok := (failure{action: action, status: "2.0.0"}).kind(); ok {
			t.Errorf("action %s: kind() = %q, true; want no failure", action, k)
		}
	}
}

func TestFindStatus(t *testing.T) {
	tests := []struct{ text, first, last string }{
		{"550 5.1.1 <jo@example.com>: User unknown", "5.1.1", "5.1.1"},
		{"host 192.0.2.25 said: 554 5.7.1 rejected", "5.7.1", "5.7.1"},
		{"Postfix 2.10.1 and 192.0.2.5.4 are no codes", "", ""},
		{"(#5.5.0)", "5.5.0", "5.5.0"},
		{"554 4.4.7 Message expired <421 4.4.2 Connection timed out>", "4.4.7", "4.4.2"},
		{"2.0.0 Ok: queued", "", ""},
		{"5.1.10 null MX.", "5.1.10", "5.1.10"},
	}
	for _, tt := range tests {
		if got := findStatus(tt.text); got != tt.first {
			t.Errorf("findStatus(%q) = %q, want %q", tt.text, got, tt.first)
		}
		if got := lastStatus(tt.text); got != tt.last {
			t.Errorf("lastStatus(%q) = %q, want %q", tt.text, got, tt.last)
		}
	}
}

func TestStrongest(t *testing.T) {
	recs := []Record{
		{Kind: SoftBounce, Status: "4.2.2"},
		{Kind: Listed},
		{Kind: HardBounce, Status: "5.1.1"},
		{Kind: Unsubscribed},
	}
	if r, _ := Strongest(recs); r.Kind != HardBounce {
		t.Errorf("Strongest = %s, want %s", r.Kind, HardBounce)
	}
	if r, _ := Strongest(recs[:2]); r.Kind != Listed {
		t.Errorf("Strongest = %s, want %s", r.Kind, Listed)
	}
	if _, ok := Strongest(nil); ok {
		t.Error("Strongest(nil) is ok")
	}
}

func TestUnroutable(t *testing.T) {
	tests := []struct {
		r    Record
		want bool
	}{
		{Record{Address: "ann@Nowhere.Example", Kind: HardBounce, Status: "5.4.4"}, true},
		{Record{Address: "al@nowhere.example", Kind: HardBounce, Diagnostic: "Unrouteable address"}, true},
		{Record{Address: "bo@example.org", Kind: HardBounce, Status: "5.1.10", Diagnostic: "Recipient address has null MX"}, true},
		{Record{Address: "jo@example.com", Kind: HardBounce, Status: "5.1.1", Diagnostic: "User unknown"}, false},
		{Record{Address: "cy@example.net", Kind: SoftBounce, Status: "4.4.4"}, false},
		{Record{Address: "ann@nowhere.example", Kind: Listed}, false},
	}
	for _, tt := range tests {
		if got := tt.r.Unroutable(); got != tt.want {
			t.Errorf("%s %s %q: Unroutable = %v, want %v", tt.r.Address, tt.r.Kind, tt.r.Status, got, tt.want)
		}
	}
	if d := tests[0].r.Domain(); d != "nowhere.example" {
		t.Errorf("Domain = %q", d)
	}
}
