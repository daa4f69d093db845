package cleaner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/listclean/listclean/cleaner/history"
)

// streamExtra adds to sessionList the cases where cleaning in passes could
// go wrong: a fix that repeats an address kept further down, two rows fixed
// to one address, repeats far apart, ragged rows, formula cells and text
// that is not UTF-8.
const streamExtra = "x@hotmial.com,fixed to a later row\r\n" +
	"\"y@gmail,com\",fixed\r\n" +
	"\"y@gmail,com\",fixed twice\r\n" +
	"=cmd@good.com,formula,and,extra,columns\r\n" +
	"x@hotmail.com,kept\r\n" +
	"jo@good.com,a repeat far down\r\n" +
	"short\r\n" +
	"z@good.com,Caf\xe9\r\n" +
	"-1+1,@SUM(A1)\r\n"

// streamUnicode is a list in UTF-8 with the cases of accuracy: a repeat
// in another Unicode form, addresses written in punycode and in capitals,
// role and disposable addresses, and typos of each shape.
const streamUnicode = "Email,Name\r\n" +
	"zo\u00eb@good.com,composed\r\n" +
	"ZOE\u0308@GOOD.COM,decomposed: a repeat\r\n" +
	"bob@xn--mnchen-3ya.de,punycode kept\r\n" +
	"RAJ@GOOD.COM,capitals kept\r\n" +
	"info@good.com,role\r\n" +
	"anna@mailinator.com,disposable\r\n" +
	"a@gmial.com,typo suspect\r\n" +
	"b@gmail,typo: one label\r\n" +
	"c@gm\u0430il.com,typo: lookalike\r\n" +
	"zo\u00eb@hotmial.com,fixed\r\n" +
	"zoe\u0308@hotmail.com,the fix repeats it\r\n"

// TestStreamSameAsSession cleans lists in passes a few hundred bytes at a
// time and requires the outputs, counts and summary that cleaning them in
// memory gives, byte for byte.
func TestStreamSameAsSession(t *testing.T) {
	demo, err := os.ReadFile("../testdata/subscribers.csv")
	if err != nil {
		t.Fatal(err)
	}
	demoZone, err := os.ReadFile("../testdata/demo.zone")
	if err != nil {
		t.Fatal(err)
	}
	var long strings.Builder // many chunks, with repeats chunks apart
	long.WriteString("email,n\n")
	for i := range 3000 {
		fmt.Fprintf(&long, "u%d@good.com,%d\nv%d@gmial.com,x\n", i%1700, i, i%50)
	}
	lists := []struct {
		name, csv, zone string
		memory          bool // with sessionEvidence and a domain history
	}{
		{"session list", sessionList + streamExtra, sessionZone, false},
		{"session list with evidence and history", sessionList + streamExtra, sessionZone, true},
		{"unicode", streamUnicode, sessionZone + "mailinator.com. MX 10 mx.hosting.net.\n", false},
		{"demo", string(demo), string(demoZone), false},
		{"headerless", "a@good.com,1\nb@gmial.com,2\na@good.com,3\n", sessionZone, false},
		{"long", long.String(), sessionZone, false},
		// Line ends as spreadsheets read them: a CR alone ends a row, a
		// quoted cell keeps its own.
		{"CR line ends", "email,name,note\rann@good.com,Ann,\"two\r\nlines\"\rb@gmial.com,B,\"x\ny\"\r" + strings.Repeat("c@good.com,C,\"z\rz\"\r", 40), sessionZone, false},
		{"a lone CR among CRLFs", "email,name\r\nann@good.com,Ann\rbob@gmial.com,Bob\r\n" + strings.Repeat("c@good.com,\"q\nq\"\r\n", 40), sessionZone, false},
	}
	// The history of the lists with memory: two earlier runs, read anew
	// for each session, which records its own run in it.
	histPath := filepath.Join(t.TempDir(), "domains.csv")
	earlier, err := history.Open(histPath)
	if err != nil {
		t.Fatal(err)
	}
	day1 := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	earlier.RecordRun(day1, map[string]string{"flaky.com": "dns_error", "gone.com": "nxdomain", "good.com": "bad_mx"})
	earlier.RecordRun(day1.Add(24*time.Hour), map[string]string{"flaky.com": "dns_error", "gone.com": "nxdomain"})
	if err := earlier.Save(day1.Add(24 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	evidence := loadEvidence(t, sessionEvidence)
	remember := func(s *Session) {
		h, err := history.Open(histPath)
		if err != nil {
			t.Fatal(err)
		}
		s.Remember(h, day1.Add(48*time.Hour))
	}
	policies := []ExportOptions{
		{},
		{Policy: Policy{Fix: true}},
		{Policy: Policy{Fix: true, DropRisky: true, DropPersistent: true}, EscapeFormulas: true},
		{Policy: Policy{Fix: true, FixSuspects: true}},
	}
	for _, list := range lists {
		dir := t.TempDir()
		in := filepath.Join(dir, "list.csv")
		if err := os.WriteFile(in, []byte(list.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		checker := startChecker(t, list.zone)
		for _, dns := range []bool{true, false} {
			for n, opt := range policies {
				name := fmt.Sprintf("%s/dns=%v/policy %d", list.name, dns, n)
				ctx := context.Background()

				l, err := ReadFile(in, ReadOptions{})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				s := NewSession(l, dns)
				if list.memory {
					s.Suppress(evidence)
				}
				s.Check(ctx, checker, nil)
				if list.memory {
					remember(s)
				}
				mem := opt
				mem.Paths = ExportPaths{filepath.Join(dir, "m.cleaned.csv"), filepath.Join(dir, "m.removed.csv"), filepath.Join(dir, "m.report.csv"), filepath.Join(dir, "m.changes.csv")}
				mem.Force = true
				wantRes, err := s.Export(mem)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				wantSum := s.Summarize()

				for _, chunk := range []int{97, 1000} {
					st, err := OpenStream(ctx, in, ReadOptions{}, dns)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					st.chunk = chunk
					if !reflect.DeepEqual(st.List().Notes, l.Notes) || st.List().Encoding != l.Encoding || st.Rows() != len(l.Rows) {
						t.Fatalf("%s: stream notes %q encoding %s rows %d, in memory %q %s %d",
							name, st.List().Notes, st.List().Encoding, st.Rows(), l.Notes, l.Encoding, len(l.Rows))
					}
					if got, want := len(st.Session().Domains()), len(s.Domains()); got != want {
						t.Fatalf("%s: stream checks %d domains, in memory %d", name, got, want)
					}
					if list.memory {
						st.Session().Suppress(evidence)
					}
					st.Session().Check(ctx, checker, nil)
					if list.memory {
						remember(st.Session())
					}
					so := opt
					so.Paths = ExportPaths{filepath.Join(dir, "s.cleaned.csv"), filepath.Join(dir, "s.removed.csv"), filepath.Join(dir, "s.report.csv"), filepath.Join(dir, "s.changes.csv")}
					so.Force = true
					res, sum, err := st.Export(context.Background(), so)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if (res.Paths.Changes == "") != (wantRes.Paths.Changes == "") {
						t.Errorf("%s, chunk %d: stream wrote changes to %q, in memory to %q", name, chunk, res.Paths.Changes, wantRes.Paths.Changes)
					}
					res.Paths = wantRes.Paths
					if res != wantRes {
						t.Errorf("%s, chunk %d: stream counts %+v, in memory %+v", name, chunk, res, wantRes)
					}
					if !reflect.DeepEqual(sum, wantSum) {
						t.Errorf("%s, chunk %d: stream summary %+v, in memory %+v", name, chunk, sum, wantSum)
					}
					for _, f := range []string{"cleaned", "removed", "report", "changes"} {
						got, gotErr := os.ReadFile(filepath.Join(dir, "s."+f+".csv"))
						want, wantErr := os.ReadFile(filepath.Join(dir, "m."+f+".csv"))
						if (gotErr == nil) != (wantErr == nil) {
							t.Errorf("%s, chunk %d: the stream's %s file: %v; in memory: %v", name, chunk, f, gotErr, wantErr)
						}
						if !bytes.Equal(got, want) {
							t.Errorf("%s, chunk %d: the stream's %s file differs:\n%s\nin memory:\n%s", name, chunk, f, got, want)
						}
					}
				}
			}
		}
	}
}

// TestStreamFileChanged refuses to write outputs when the list changes
// between passes.
func TestStreamFileChanged(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(in, []byte(sessionList), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := OpenStream(context.Background(), in, ReadOptions{}, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(in, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("late@good.com,added after the first pass\r\n")
	f.Close()
	opt := ExportOptions{Paths: DefaultPaths(in, ',')}
	if _, _, err := st.Export(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "changed while it was being cleaned") {
		t.Fatalf("error %v, want the file named as changed", err)
	}
	for _, p := range []string{opt.Paths.Cleaned, opt.Paths.Removed} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s written (stat: %v)", p, err)
		}
	}

	// Rewritten with as many rows and bytes: its time tells.
	if err := os.WriteFile(in, []byte(sessionList), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err = OpenStream(context.Background(), in, ReadOptions{}, false); err != nil {
		t.Fatal(err)
	}
	same := strings.Replace(sessionList, "jo@good.com", "ab@good.com", 1)
	if err := os.WriteFile(in, []byte(same), 0o644); err != nil {
		t.Fatal(err)
	}
	later := st.file.ModTime().Add(time.Second)
	if err := os.Chtimes(in, later, later); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Export(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "changed while it was being cleaned") {
		t.Fatalf("same size, new content: error %v, want the file named as changed", err)
	}
}

// TestStreamLongFirstRow cleans a list whose first chunk holds the header
// alone: the outputs have one header, as in memory.
func TestStreamLongFirstRow(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	list := "email,note\na@good.com," + strings.Repeat("x", 300) + "\nb@gmial.com,y\n"
	if err := os.WriteFile(in, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := ReadFile(in, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mem := ExportOptions{Paths: ExportPaths{Cleaned: filepath.Join(dir, "m.c.csv"), Removed: filepath.Join(dir, "m.r.csv"), Report: filepath.Join(dir, "m.rep.csv")}}
	s := NewSession(l, false)
	s.JudgeAll()
	if _, err := s.Export(mem); err != nil {
		t.Fatal(err)
	}
	st, err := OpenStream(context.Background(), in, ReadOptions{}, false)
	if err != nil {
		t.Fatal(err)
	}
	st.chunk = 30
	so := ExportOptions{Paths: ExportPaths{Cleaned: filepath.Join(dir, "s.c.csv"), Removed: filepath.Join(dir, "s.r.csv"), Report: filepath.Join(dir, "s.rep.csv")}}
	if _, _, err := st.Export(context.Background(), so); err != nil {
		t.Fatal(err)
	}
	for k, p := range []string{so.Paths.Cleaned, so.Paths.Removed, so.Paths.Report} {
		got, _ := os.ReadFile(p)
		want, _ := os.ReadFile([]string{mem.Paths.Cleaned, mem.Paths.Removed, mem.Paths.Report}[k])
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n%s\nin memory:\n%s", p, got, want)
		}
	}
}

func TestDupTable(t *testing.T) {
	d := newDupTable(maphash.MakeSeed()) // grows several times
	const n = 5000
	for i := range n {
		if got := d.firstOrAdd(d.sum(fmt.Sprint("k", i)), i); got != -1 {
			t.Fatalf("new key %d: first row %d, want -1", i, got)
		}
	}
	for i := range n {
		if got := d.firstOrAdd(d.sum(fmt.Sprint("k", i)), n+i); got != i {
			t.Fatalf("repeated key %d: first row %d, want %d", i, got, i)
		}
	}
	d.markKept(d.sum("k7"))
	d.markKept(d.sum("absent"))
	if !d.kept(d.sum("k7")) || d.kept(d.sum("k8")) || d.kept(d.sum("absent")) {
		t.Fatal("kept marks wrong")
	}
	if d.firstOrAdd(d.sum("k7"), 99) != 7 {
		t.Fatal("a kept mark changed the key's first row")
	}
	d.reset()
	if d.firstOrAdd(d.sum("k1"), 3) != -1 || d.kept(d.sum("k7")) {
		t.Fatal("reset left keys behind")
	}
}

// TestStreamCancelled stops at a cancelled context, nothing written.
func TestStreamCancelled(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(in, []byte(sessionList), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := OpenStream(ctx, in, ReadOptions{}, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("OpenStream: error %v, want context.Canceled", err)
	}
	st, err := OpenStream(context.Background(), in, ReadOptions{}, false)
	if err != nil {
		t.Fatal(err)
	}
	opt := ExportOptions{Paths: DefaultPaths(in, ',')}
	if _, _, err := st.Export(ctx, opt); !errors.Is(err, context.Canceled) {
		t.Fatalf("Export: error %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d files, want the list alone", len(entries))
	}
}

// TestStreamTooManyRows: a list with more rows than a 32-bit row number
// holds (here lowered to 3) is refused, rather than cleaned with repeats
// missed.
func TestStreamTooManyRows(t *testing.T) {
	in := filepath.Join(t.TempDir(), "list.csv")
	if err := os.WriteFile(in, []byte("email\na@x.com\nb@x.com\nc@x.com\na@x.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { streamMaxRows = n }(streamMaxRows)
	streamMaxRows = 3
	if _, err := OpenStream(context.Background(), in, ReadOptions{}, false); !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("OpenStream of 4 rows with a limit of 3: error %v, want ErrFileTooLarge", err)
	}
	streamMaxRows = 4
	if _, err := OpenStream(context.Background(), in, ReadOptions{}, false); err != nil {
		t.Fatalf("OpenStream of 4 rows with a limit of 4: %v", err)
	}
}
