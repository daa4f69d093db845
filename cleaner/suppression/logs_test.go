package suppression

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPostfixLog(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "postfix.log"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	if !looksLikePostfix(string(data)) {
		t.Fatal("not seen as a Postfix log")
	}
	f, err := readPostfix(string(data), "postfix.log", now)
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, "postfix.log", f.Records, []wantRecord{
		{"jo.bloggs@example.com", HardBounce, "5.1.1", 3},
		{"ann@nowhere.example", HardBounce, "5.4.4", 4},
		{"bo@example.org", SoftBounce, "4.7.1", 5},
		{"Dee.Old@example.org", Rejected, "5.7.1", 7},
	})
	if f.Skipped != 1 {
		t.Errorf("Skipped = %d, want 1 (the sent line)", f.Skipped)
	}
	if !looksLikePostfix("-- Logs begin at Mon 2026-03-02 09:00:00 UTC. --\n" + string(data)) {
		t.Error("journalctl's output is not seen as a Postfix log")
	}
	if looksLikePostfix("email,reason\njo@example.com,postfix/smtp[1]: bounced\n") {
		t.Error("a CSV that names postfix is seen as its log")
	}
	if d := f.Records[0].Date; !d.Equal(time.Date(2026, 3, 2, 10, 0, 2, 0, time.UTC)) {
		t.Errorf("date = %v", d)
	}
	if got := f.Records[0].Diagnostic; got != "host mx.example.com[192.0.2.10] said: 550 5.1.1 <jo.bloggs@example.com>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)" {
		t.Errorf("diagnostic = %q", got)
	}
}

func TestSyslogDate(t *testing.T) {
	now := time.Date(2026, 1, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Dec 31 23:59:59", time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC)}, // last year
		{"Jan  3 11:00:00", time.Date(2026, 1, 3, 11, 0, 0, 0, time.UTC)},
		{"2026-01-02T10:00:01.5+01:00", time.Date(2026, 1, 2, 9, 0, 1, 5e8, time.UTC)},
		{"2026-01-02T10:00:01+0000", time.Date(2026, 1, 2, 10, 0, 1, 0, time.UTC)},
	}
	for _, tt := range tests {
		if got := syslogDate(tt.in, now); !got.Equal(tt.want) {
			t.Errorf("syslogDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestEximLog(t *testing.T) {
	f, err := ReadFile(filepath.Join("testdata", "exim_mainlog"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatExim {
		t.Fatalf("format %q", f.Format)
	}
	file := filepath.Join("testdata", "exim_mainlog")
	checkRecords(t, file, f.Records, []wantRecord{
		{"jo.bloggs@example.com", HardBounce, "5.1.1", 2},
		{"ann@nowhere.example", HardBounce, "", 3},
		{"bo@example.org", SoftBounce, "4.7.1", 4},
		{"Dee.Old@example.org", Rejected, "5.7.1", 6},
	})
	if got := f.Records[1].Diagnostic; got != "Unrouteable address" {
		t.Errorf("diagnostic = %q", got)
	}
	if got := f.Records[0].Diagnostic; got != "SMTP error from remote mail server after RCPT TO:<jo.bloggs@example.com>: 550 5.1.1 <jo.bloggs@example.com>: Recipient address rejected: User unknown" {
		t.Errorf("diagnostic = %q", got)
	}
	if f.Skipped != 1 {
		t.Errorf("Skipped = %d, want 1 (the delivery)", f.Skipped)
	}
}
