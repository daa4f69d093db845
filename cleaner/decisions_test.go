package cleaner

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/listclean/listclean/cleaner/printable"
)

// TestDecisionsRoundTrip saves a session's decisions and reads them back
// into a session of the same list: every decision comes back on its row,
// the file is its owner's only, and a formula in an address is escaped in
// the file but read back as it was.
func TestDecisionsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	list := "Email,Name\n=cmd@x.com,formula\nann@gmial.com,Ann\nbob@gone.com,Bob\nnot an address,X\n"
	if err := os.WriteFile(in, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	fp, err := FingerprintFile(in)
	if err != nil || fp.Size != int64(len(list)) || len(fp.SHA256) != 64 {
		t.Fatalf("FingerprintFile = %+v, %v", fp, err)
	}
	s := NewSession(readString(t, list), false)
	s.JudgeAll()
	s.Decide([]int{0}, Decision{Action: ActionKeep})
	s.Decide([]int{1}, Decision{Action: ActionFix, Email: "ann@gmail.com"})
	s.Decide([]int{3}, Decision{Action: ActionRemove})
	path := DecisionsPath(in)
	if path != filepath.Join(dir, "list.decisions.csv") {
		t.Fatalf("DecisionsPath = %q", path)
	}
	if err := SaveDecisions(path, s.DecisionRecords(fp)); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("decisions file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	raw, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(raw), "row,email,decision,new_email,decided_at,input_bytes,input_sha256\n") || strings.Contains(string(raw), ",=cmd") {
		t.Errorf("decisions file:\n%s", raw)
	}

	saved, err := LoadDecisions(path)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Input != fp || len(saved.Records) != 3 || saved.Latest.IsZero() {
		t.Fatalf("loaded %+v", saved)
	}
	s2 := NewSession(readString(t, list), false)
	s2.JudgeAll()
	if got := s2.Restore(saved); got != (Restored{ByRow: 3}) {
		t.Errorf("Restore = %+v, want 3 by row", got)
	}
	for i := range s.Rows {
		d, ok := s.Decision(i)
		d2, ok2 := s2.Decision(i)
		if d != d2 || ok != ok2 {
			t.Errorf("row %d: restored %+v (%v), saved %+v (%v)", i+1, d2, ok2, d, ok)
		}
	}
	if s2.Undo() != nil {
		t.Error("restored decisions can be undone")
	}
}

// TestRestoreMovedRows applies decisions taken on one version of a list to
// another: by row where the row holds the same address, else to the first
// row with that address no decision took by its row, and not at all when
// no row holds it.
func TestRestoreMovedRows(t *testing.T) {
	old := NewSession(readString(t, "Email\na@x.com\nb@x.com\nB@X.com\nc@x.com\ngone@x.com\nnot an address\n"), false)
	old.JudgeAll()
	old.Decide([]int{0}, Decision{Action: ActionKeep})                      // a: stays on row 1
	old.Decide([]int{1}, Decision{Action: ActionFix, Email: "bee@x.com"})   // b: moves
	old.Decide([]int{2}, Decision{Action: ActionRemove})                    // B, the repeat of b: moves
	old.Decide([]int{4}, Decision{Action: ActionRemove})                    // gone: not in the new list
	old.Decide([]int{5}, Decision{Action: ActionFix, Email: "fixed@x.com"}) // not an address: moves
	saved := &SavedDecisions{Records: old.DecisionRecords(Fingerprint{Size: 1})}

	s := NewSession(readString(t, "Email\na@x.com\nnew@x.com\nnot an address\nb@x.com\nc@x.com\nb@x.com\n"), false)
	s.JudgeAll()
	got := s.Restore(saved)
	if got != (Restored{ByRow: 1, ByAddress: 3, Missing: 1}) {
		t.Errorf("Restore = %+v, want 1 by row, 3 by address, 1 missing", got)
	}
	want := map[int]Decision{
		0: {Action: ActionKeep},
		2: {Action: ActionFix, Email: "fixed@x.com"},
		3: {Action: ActionFix, Email: "bee@x.com"},
		5: {Action: ActionRemove},
	}
	for i := range s.Rows {
		d, ok := s.Decision(i)
		if w, wok := want[i]; d != w || ok != wok {
			t.Errorf("row %d %q: %+v (%v), want %+v (%v)", i+1, s.Rows[i].Addr.Raw, d, ok, w, wok)
		}
	}
}

// TestDecisionsPrintable: the decisions file shows a cell's escape
// sequences as printable.String does, never the bytes themselves, and a
// decision about such a cell still finds its row, by row or moved.
func TestDecisionsPrintable(t *testing.T) {
	raw := "\x1b]0;pwned\azed@gmail.com\x1b[2J"
	list := "Email\n\"" + raw + "\"\nann@gmail.com\n"
	s := NewSession(readString(t, list), false)
	s.JudgeAll()
	s.Decide([]int{0}, Decision{Action: ActionRemove})
	path := filepath.Join(t.TempDir(), "list.decisions.csv")
	if err := SaveDecisions(path, s.DecisionRecords(Fingerprint{Size: 1})); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if strings.ContainsAny(string(got), "\x1b\a") || !strings.Contains(string(got), printable.String(raw)) {
		t.Errorf("decisions file:\n%q", got)
	}
	saved, err := LoadDecisions(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		list string
		row  int
		want Restored
	}{
		{list, 0, Restored{ByRow: 1}},
		{"Email\nann@gmail.com\n\"" + raw + "\"\n", 1, Restored{ByAddress: 1}},
	} {
		s2 := NewSession(readString(t, tt.list), false)
		s2.JudgeAll()
		if r := s2.Restore(saved); r != tt.want {
			t.Errorf("Restore = %+v, want %+v", r, tt.want)
		}
		if d, ok := s2.Decision(tt.row); !ok || d.Action != ActionRemove {
			t.Errorf("row %d: %+v (%v), want removed", tt.row+1, d, ok)
		}
	}
}

func TestLoadDecisionsRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadDecisions(filepath.Join(dir, "none.csv")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	for name, text := range map[string]string{
		"a list":           "email,name\na@x.com,Ann\n",
		"unknown decision": "row,email,decision,new_email\n1,a@x.com,delete,\n",
		"fix without one":  "row,email,decision,new_email\n1,a@x.com,fix,\n",
		"row 0":            "row,email,decision,new_email\n0,a@x.com,keep,\n",
	} {
		path := filepath.Join(dir, "d.csv")
		os.WriteFile(path, []byte(text), 0o600)
		if _, err := LoadDecisions(path); !errors.Is(err, ErrBadDecisions) {
			t.Errorf("%s: %v, want ErrBadDecisions", name, err)
		}
	}
	path := filepath.Join(dir, "empty.csv")
	os.WriteFile(path, []byte("row,email,decision,new_email,decided_at,input_bytes,input_sha256\n"), 0o600)
	if sd, err := LoadDecisions(path); err != nil || len(sd.Records) != 0 {
		t.Errorf("a file of no decisions: %+v, %v", sd, err)
	}
}
