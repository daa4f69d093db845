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
	}{
		{"session list", sessionList + streamExtra, sessionZone},
		{"demo", string(demo), string(demoZone)},
		{"headerless", "a@good.com,1\nb@gmial.com,2\na@good.com,3\n", sessionZone},
		{"long", long.String(), sessionZone},
		// Line ends as spreadsheets read them: a CR alone ends a row, a
		// quoted cell keeps its own.
		{"CR line ends", "email,name,note\rann@good.com,Ann,\"two\r\nlines\"\rb@gmial.com,B,\"x\ny\"\r" + strings.Repeat("c@good.com,C,\"z\rz\"\r", 40), sessionZone},
		{"a lone CR among CRLFs", "email,name\r\nann@good.com,Ann\rbob@gmial.com,Bob\r\n" + strings.Repeat("c@good.com,\"q\nq\"\r\n", 40), sessionZone},
	}
	policies := []ExportOptions{
		{},
		{Policy: Policy{Fix: true}},
		{Policy: Policy{Fix: true, DropRisky: true}, EscapeFormulas: true},
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
				s.Check(ctx, checker, nil)
				mem := opt
				mem.Paths = ExportPaths{filepath.Join(dir, "m.cleaned.csv"), filepath.Join(dir, "m.removed.csv"), filepath.Join(dir, "m.report.csv")}
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
					st.Session().Check(ctx, checker, nil)
					so := opt
					so.Paths = ExportPaths{filepath.Join(dir, "s.cleaned.csv"), filepath.Join(dir, "s.removed.csv"), filepath.Join(dir, "s.report.csv")}
					so.Force = true
					res, sum, err := st.Export(context.Background(), so)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					res.Paths = wantRes.Paths
					if res != wantRes {
						t.Errorf("%s, chunk %d: stream counts %+v, in memory %+v", name, chunk, res, wantRes)
					}
					if !reflect.DeepEqual(sum, wantSum) {
						t.Errorf("%s, chunk %d: stream summary %+v, in memory %+v", name, chunk, sum, wantSum)
					}
					for _, f := range []string{"cleaned", "removed", "report"} {
						got, _ := os.ReadFile(filepath.Join(dir, "s."+f+".csv"))
						want, _ := os.ReadFile(filepath.Join(dir, "m."+f+".csv"))
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
	opt := ExportOptions{Paths: DefaultPaths(in)}
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
	mem := ExportOptions{Paths: ExportPaths{filepath.Join(dir, "m.c.csv"), filepath.Join(dir, "m.r.csv"), filepath.Join(dir, "m.rep.csv")}}
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
	so := ExportOptions{Paths: ExportPaths{filepath.Join(dir, "s.c.csv"), filepath.Join(dir, "s.r.csv"), filepath.Join(dir, "s.rep.csv")}}
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
	opt := ExportOptions{Paths: DefaultPaths(in)}
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
