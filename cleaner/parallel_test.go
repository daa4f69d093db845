package cleaner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/listclean/listclean/cleaner/address"
)

// TestWriteChunkedAppend: the parallel encoder writes what one sequential encode
// would, stops at the first error, and raises an encoder's panic on the
// caller's goroutine.
func TestWriteChunkedAppend(t *testing.T) {
	line := func(dst []byte, lo, hi int) ([]byte, error) {
		for i := lo; i < hi; i++ {
			dst = fmt.Appendf(dst, "%d\n", i)
		}
		return dst, nil
	}
	for _, n := range []int{0, 1, exportChunk - 1, exportChunk, 5*exportChunk + 17} {
		var got bytes.Buffer
		want, _ := line(nil, 0, n)
		if err := writeChunkedAppend(&got, n, line); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("n=%d: the output differs from a sequential encode", n)
		}
	}

	n := 40 * exportChunk
	bad := errors.New("bad chunk")
	var encoded atomic.Int64
	var got bytes.Buffer
	err := writeChunkedAppend(&got, n, func(dst []byte, lo, hi int) ([]byte, error) {
		encoded.Add(1)
		if lo == 3*exportChunk {
			return dst, bad
		}
		return line(dst, lo, hi)
	})
	if !errors.Is(err, bad) {
		t.Fatalf("error %v, want %v", err, bad)
	}
	if lines := strings.Count(got.String(), "\n"); lines != 3*exportChunk {
		t.Errorf("%d lines written before the failing chunk, want %d", lines, 3*exportChunk)
	}
	// The chunks before, the failing one, and at most those already taken.
	if e, most := encoded.Load(), int64(4+3*runtime.GOMAXPROCS(0)); e > most {
		t.Errorf("%d chunks encoded after an error in the fourth, want at most %d", e, most)
	}

	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want the encoder's panic", p)
		}
	}()
	writeChunkedAppend(io.Discard, n, func(dst []byte, lo, hi int) ([]byte, error) {
		if lo == exportChunk {
			panic("boom")
		}
		return dst, nil
	})
	t.Error("no panic")
}

// TestParallelFor: every index is covered once, and a panic reaches the
// caller.
func TestParallelFor(t *testing.T) {
	for _, n := range []int{0, 1, 1023, 1024, 100_000} {
		seen := make([]int32, n)
		parallelFor(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				atomic.AddInt32(&seen[i], 1)
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: index %d seen %d times", n, i, c)
			}
		}
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want the panic", p)
		}
	}()
	parallelFor(10_000, func(lo, hi int) {
		if lo == 0 {
			panic("boom")
		}
	})
	t.Error("no panic")
}

// TestSessionLargeList: with enough rows for duplicates to be found by
// several goroutines, every repeat points at the first row of its address,
// and JudgeAll, which judges each domain once, agrees with Judge.
func TestSessionLargeList(t *testing.T) {
	var b strings.Builder
	b.WriteString("email,n\n")
	const rows = 34_000 // two shards of duplicate keys, on two processors
	for i := range rows {
		domain := []string{"good.com", "gmial.com", "gone.com", "gmail.cmo"}[i%4]
		if i%10 == 9 {
			fmt.Fprintf(&b, "User%d@%s,%d\n", i%1000, domain, i) // a repeat, but for case
		} else {
			fmt.Fprintf(&b, "user%d@%s,%d\n", i, domain, i)
		}
	}
	l := readString(t, b.String())
	s := NewSession(l, false)
	s.JudgeAll()
	first := map[string]int{}
	for i, r := range s.Rows {
		want := -1
		if r.Addr().Reason == "" {
			if j, ok := first[r.Addr().Key()]; ok {
				want = j
			} else {
				first[r.Addr().Key()] = i
			}
		}
		if int(r.DupOf) != want {
			t.Fatalf("row %d (%s): DupOf %d, want %d", i, r.Addr().Raw, r.DupOf, want)
		}
		if i%97 != 0 && i > 200 {
			continue // Judge asks the Suggester each time: a sample will do
		}
		j := s.Judge(r.Addr().Raw)
		if r.DupOf >= 0 {
			j.setReason(ReasonDuplicate)
			j.Suggestion, j.SuggestionRoutes = "", false
		}
		if r.Reason() != j.Reason() || s.Suggestion(i) != j.Suggestion || r.SuggestionRoutes != j.SuggestionRoutes ||
			r.HasSuggestion() != (s.Suggestion(i) != "") {
			t.Fatalf("row %d (%s): JudgeAll gives %s %q (%v) %v, Judge %s %q %v", i, r.Addr().Raw,
				r.Reason(), s.Suggestion(i), r.HasSuggestion(), r.SuggestionRoutes, j.Reason(), j.Suggestion, j.SuggestionRoutes)
		}
	}
}

// TestMarkDuplicatesEqualHashes: rows whose keys hash alike are told apart
// by their keys, and a repeat still finds its first row past them.
func TestMarkDuplicatesEqualHashes(t *testing.T) {
	s := &Session{}
	for _, raw := range []string{"a@x.com", "b@x.com", "A@x.com", "c@y.com", "b@x.com"} {
		s.Rows = append(s.Rows, NewRow(address.Parse(raw)))
	}
	hashes := []uint64{7, 7, 7, 7, 7} // every key in one slot's chain
	s.markDuplicates(hashes, 0, 1)
	want := []int32{-1, -1, 0, -1, 1}
	for i, r := range s.Rows {
		if r.DupOf != want[i] {
			t.Errorf("row %d (%s): DupOf %d, want %d", i, r.Addr().Raw, r.DupOf, want[i])
		}
	}
}
