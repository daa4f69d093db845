package suppression

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"
)

func TestESPExports(t *testing.T) {
	tests := []struct {
		file    string
		format  Format
		want    []wantRecord
		skipped int
	}{
		{"mailchimp_cleaned_members_export.csv", FormatMailchimpCleaned, []wantRecord{
			{"jo.bloggs@example.com", HardBounce, "", 2},
			{"ann@nowhere.example", HardBounce, "", 3},
		}, 0},
		{"mailchimp_unsubscribed_members_export.csv", FormatMailchimpUnsubscribed, []wantRecord{
			{"bo@example.org", Unsubscribed, "", 2},
			{"cy@example.net", Unsubscribed, "", 3},
		}, 0},
		{"klaviyo_suppressed_profiles.csv", FormatSuppressionCSV, []wantRecord{
			{"kim@example.com", Listed, "", 2},
			{"Lee@Example.org", Listed, "", 3},
		}, 0},
		{"hubspot_unsubscribes_and_bounces.csv", FormatHubSpot, []wantRecord{
			{"jo.bloggs@example.com", HardBounce, "", 2},
			{"ann@nowhere.example", HardBounce, "", 3},
			{"bo@example.org", Unsubscribed, "", 4},
			{"cy@example.net", Complaint, "", 5},
		}, 1}, // dee opted out of one type of email only
		{"sendgrid_bounces.csv", FormatSendGrid, []wantRecord{
			{"jo.bloggs@example.com", HardBounce, "5.1.1", 2},
			{"ann@nowhere.example", HardBounce, "5.4.4", 3},
			{"fay@example.org", SoftBounce, "4.2.2", 4},
		}, 0},
		{"sendgrid_blocks.csv", FormatSendGrid, []wantRecord{{"gus@example.com", Rejected, "5.7.1", 2}}, 0},
		{"sendgrid_invalid_emails.csv", FormatSendGrid, []wantRecord{{"hal@nowhere.example", HardBounce, "", 2}}, 0},
		{"sendgrid_spam_reports.csv", FormatSendGrid, []wantRecord{{"cy@example.net", Complaint, "", 2}}, 0},
		{"sendgrid_unsubscribes.csv", FormatSendGrid, []wantRecord{{"bo@example.org", Unsubscribed, "", 2}}, 0},
		{"brevo_blocked_contacts.csv", FormatBrevo, []wantRecord{
			{"jo.bloggs@example.com", HardBounce, "", 2},
			{"bo@example.org", Unsubscribed, "", 3},
			{"cy@example.net", Complaint, "", 4},
			{"ivy@example.com", Listed, "", 5},
		}, 0},
		{"mailgun_bounces.csv", FormatMailgun, []wantRecord{
			{"jo.bloggs@example.com", HardBounce, "5.1.1", 2},
			{"ann@nowhere.example", HardBounce, "", 3},
		}, 0},
		{"mailgun_unsubscribes.csv", FormatMailgun, []wantRecord{{"bo@example.org", Unsubscribed, "", 2}}, 0},
		{"mailgun_complaints.csv", FormatMailgun, []wantRecord{{"cy@example.net", Complaint, "", 2}}, 0},
	}
	for _, tt := range tests {
		path := filepath.Join("testdata", tt.file)
		f, err := ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if f.Format != tt.format {
			t.Errorf("%s: format %q, want %q", tt.file, f.Format, tt.format)
		}
		checkRecords(t, path, f.Records, tt.want)
		if f.Skipped != tt.skipped {
			t.Errorf("%s: skipped %d, want %d", tt.file, f.Skipped, tt.skipped)
		}
	}
}

func TestESPDetails(t *testing.T) {
	f, err := ReadFile(filepath.Join("testdata", "sendgrid_bounces.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := f.Records[1]
	if !r.Date.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date %v", r.Date)
	}
	if r.Diagnostic != "550 5.4.4 Unable to route: nowhere.example has no MX record" {
		t.Errorf("diagnostic %q", r.Diagnostic)
	}
	f, err = ReadFile(filepath.Join("testdata", "mailchimp_unsubscribed_members_export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Records[0]; r.Diagnostic != "I no longer want to receive these emails" ||
		!r.Date.Equal(time.Date(2026, 2, 14, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("record %+v", r)
	}
	f, err = ReadFile(filepath.Join("testdata", "mailgun_bounces.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Records[0]; !r.Date.Equal(time.Date(2026, 1, 12, 17, 30, 5, 0, time.UTC)) {
		t.Errorf("date %v", r.Date)
	}
}

func TestCSVEncodings(t *testing.T) {
	const text = "Email\tReason\r\njo@example.com\tunsubscribed\r\n"
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"utf-8":        text,
		"utf-8 bom":    "\uFEFF" + text,
		"utf-16le bom": utf16,
		"semicolons":   strings.ReplaceAll(text, "\t", ";"),
		"excel sep=|":  "sep=|\r\n" + strings.ReplaceAll(text, "\t", "|"),
	} {
		f, err := Read(strings.NewReader(data), name+".csv")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkRecords(t, name+".csv", f.Records, []wantRecord{{"jo@example.com", Unsubscribed, "", 2}})
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		name, data string
		want       error
		says       string // in the message
	}{
		{"subscribed_members_export.csv",
			"Email Address,First Name,MEMBER_RATING,OPTIN_TIME,LAST_CHANGED\njo@example.com,Jo,2,2024-01-01 10:00:00,2024-01-01 10:00:00\n",
			errSubscribed, "Mailchimp's export of subscribed members"},
		{"members.csv", "email,status\njo@example.com,active\nann@example.com,subscribed\n", errSubscribed, "still subscribed"},
		{"notes.txt", "Remember to send the newsletter on Monday.\n", ErrUnrecognised, "Postfix or Exim log"},
		{"names.csv", "First Name,Last Name\nJo,Bloggs\n", ErrUnrecognised, "suppression or bounce export"},
		{"empty.csv", "\n\n", nil, "empty"},
		{"list.xlsx", "PK\x03\x04\x00\x00\x00\x00\x00\x00\x00\x00", ErrUnrecognised, "Excel"},
		{"bad_quote.csv", "email,reason\njo@example.com,\"unclosed\n", nil, "bad_quote.csv, line 2, column "},
	}
	for _, tt := range tests {
		_, err := Read(strings.NewReader(tt.data), tt.name)
		if err == nil {
			t.Errorf("%s: read without an error", tt.name)
			continue
		}
		var fe *FileError
		if !errors.As(err, &fe) || fe.File != tt.name {
			t.Errorf("%s: error %v does not name the file", tt.name, err)
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v is not %v", tt.name, err, tt.want)
		}
		if !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: error %q does not say %q", tt.name, err, tt.says)
		}
	}
}
