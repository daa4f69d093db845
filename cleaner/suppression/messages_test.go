package suppression

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// wantRecord is what a test expects of a record.
type wantRecord struct {
	addr   string
	kind   Kind
	status string
	line   int
}

// checkRecords compares recs with want, and their date with date (zero
// for no check) and their file with file.
func checkRecords(t *testing.T, file string, recs []Record, want []wantRecord) {
	t.Helper()
	if len(recs) != len(want) {
		for _, r := range recs {
			t.Logf("got %+v", r)
		}
		t.Fatalf("%s: %d records, want %d", file, len(recs), len(want))
	}
	for i, w := range want {
		r := recs[i]
		if r.Address != w.addr || r.Kind != w.kind || r.Status != w.status || (w.line > 0 && r.Line != w.line) {
			t.Errorf("%s record %d = %s %s %q line %d, want %s %s %q line %d",
				file, i, r.Address, r.Kind, r.Status, r.Line, w.addr, w.kind, w.status, w.line)
		}
		if r.File != file {
			t.Errorf("%s record %d: File %q", file, i, r.File)
		}
	}
}

func TestBounceFolder(t *testing.T) {
	dir := filepath.Join("testdata", "bounces")
	files, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// In name order.
	wants := []struct {
		name    string
		want    []wantRecord
		skipped int
	}{
		{"complaint_arf.eml", []wantRecord{{"cy@example.net", Complaint, "", 0}}, 0},
		{"delayed_dsn.eml", []wantRecord{{"bo@example.org", SoftBounce, "4.7.1", 0}}, 0},
		{"exim_text.eml", []wantRecord{
			{"Dee.Old@example.org", Rejected, "5.7.1", 14},
			{"eve@example.com", HardBounce, "5.1.1", 18},
		}, 0},
		{"out_of_office.eml", nil, 1},
		{"postfix_dsn.eml", []wantRecord{
			{"jo.bloggs@example.com", HardBounce, "5.1.1", 25},
			{"ann@nowhere.example", HardBounce, "5.4.4", 29},
		}, 0},
	}
	if len(files) != len(wants) {
		t.Fatalf("%d files read, want %d", len(files), len(wants))
	}
	for i, w := range wants {
		f := files[i]
		path := filepath.Join(dir, w.name)
		if f.Path != path || f.Format != FormatBounceEmail {
			t.Errorf("file %d: %s %s, want %s", i, f.Path, f.Format, path)
			continue
		}
		checkRecords(t, path, f.Records, w.want)
		if f.Skipped != w.skipped {
			t.Errorf("%s: skipped %d, want %d", w.name, f.Skipped, w.skipped)
		}
	}
	r := files[4].Records[1]
	if want := "Host or domain name not found. Name service error for name=nowhere.example type=A: Host not found"; r.Diagnostic != want {
		t.Errorf("diagnostic %q, want %q", r.Diagnostic, want)
	}
	if !r.Date.Equal(time.Date(2026, 3, 2, 10, 0, 1, 0, time.UTC)) {
		t.Errorf("date %v, want the Arrival-Date", r.Date)
	}
	if got := files[0].Records[0].Date; !got.Equal(time.Date(2026, 3, 2, 10, 0, 2, 0, time.UTC)) {
		t.Errorf("complaint date %v", got)
	}
}

func TestMbox(t *testing.T) {
	path := filepath.Join("testdata", "bounces.mbox")
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatMbox {
		t.Errorf("format %q", f.Format)
	}
	checkRecords(t, path, f.Records, []wantRecord{
		{"gil@example.org", HardBounce, "5.1.1", 12},
		{"hal@nowhere.example", HardBounce, "", 32},
	})
}

func TestSESNotifications(t *testing.T) {
	path := filepath.Join("testdata", "ses_notifications.json")
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatSES {
		t.Errorf("format %q", f.Format)
	}
	checkRecords(t, path, f.Records, []wantRecord{
		{"jo.bloggs@example.com", HardBounce, "5.1.1", 0},
		{"fay@example.org", SoftBounce, "5.2.2", 0},
		{"cy@example.net", Complaint, "", 0},
	})
	if f.Skipped != 1 {
		t.Errorf("skipped %d, want 1 (the delivery)", f.Skipped)
	}
}

func TestLoad(t *testing.T) {
	files, err := Load(filepath.Join("testdata", "postfix.log"), filepath.Join("testdata", "bounces"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 6 || files[0].Format != FormatPostfix {
		t.Fatalf("%d files, the first %s", len(files), files[0].Format)
	}
	if n := len(files.Records()); n != 10 {
		t.Errorf("%d records, want 10", n)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.eml"), []byte("From: x@example.com\nTo: y@example.com\n\nhello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("These are my bounces.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(dir)
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != filepath.Join(dir, "README.txt") || !errors.Is(err, ErrUnrecognised) {
		t.Errorf("a folder with a stray file: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("an empty folder is read without an error")
	}
}
