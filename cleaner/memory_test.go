package cleaner

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// writeESPList writes a list of rows rows as an ESP exports it (ten
// columns, a quoted column of tags) over domains domains, and returns its
// path and its text.
func writeESPList(t *testing.T, rows, domains int) (string, []byte) {
	t.Helper()
	var b strings.Builder
	b.WriteString("Email Address,First Name,Last Name,Company,City,CC,MEMBER_RATING,OPTIN_TIME,LAST_CHANGED,TAGS\n")
	for i := range rows {
		fmt.Fprintf(&b, "first.last.%d@shop-%d-example.com,First%d,Last%d,Company %d Ltd,City %d,DE,%d,2021-05-28 13:10:%02d,2022-06-09 14:36:%02d,\"\"\"Tag %d\"\",\"\"VIP\"\"\"\n",
			i, i%domains, i, i, i%977, i%311, i%5, i%60, i%60, i%7)
	}
	path := filepath.Join(t.TempDir(), "list.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, []byte(b.String())
}

// heapLive returns the bytes live on the heap after two collections: the
// first empties the pools of buffers for reuse into their victim caches,
// the second frees those.
func heapLive() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestMemoryHeld: a list read and judged holds no more than its
// projection (ProjectMemory) without the base, its text and rowMemory a
// row, and the projection counts the rows from the start of the file.
// A row held as a []string of ten cells (184 bytes before its text), or a
// row of the session grown past rowMemory, fails it.
func TestMemoryHeld(t *testing.T) {
	const rows = 200_000
	path, text := writeESPList(t, rows, 200)
	projected, err := ProjectMemory(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(text)) + (rows+1)*rowMemory + baseMemory; projected < want*99/100 || projected > want*101/100 {
		t.Errorf("ProjectMemory = %d, want about %d (the rows counted in the first MiB)", projected, want)
	}

	before := heapLive()
	l, err := ReadFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(l, false)
	s.Check(t.Context(), nil, nil)
	held := int64(heapLive() - before)
	runtime.KeepAlive(s)
	// A little besides for the domains, the suggester and the tables.
	if bound := projected - baseMemory + 2<<20; held > bound {
		t.Errorf("%d rows of %d bytes held %.1f MiB, more than their projection (%.1f MiB without the base)",
			rows, len(text), float64(held)/(1<<20), float64(bound)/(1<<20))
	}
	t.Logf("%d rows, %.1f MiB of text: %.1f MiB held, projected %.1f MiB without the base",
		rows, float64(len(text))/(1<<20), float64(held)/(1<<20), float64(projected-baseMemory)/(1<<20))
}

// TestProjectMemory: the rows are counted in the first MiB, whatever
// its line ends, and scaled to the file's size.
func TestProjectMemory(t *testing.T) {
	for _, tt := range []struct {
		name   string
		size   int64
		sample string
		rows   int64
	}{
		{"LF", 1000, "a,b\nc,d\n", 250},
		{"CRLF", 1000, "a,b\r\nc,d\r\n", 200},
		{"CR alone", 1000, "a,b\rc,d\r", 250},
		{"one line", 1 << 30, "a,b", 1},
		{"empty", 0, "", 1},
	} {
		if got, want := projectMemory(tt.size, []byte(tt.sample)), tt.size+tt.rows*rowMemory+baseMemory; got != want {
			t.Errorf("%s: projectMemory(%d, %q) = %d, want %d (%d rows)", tt.name, tt.size, tt.sample, got, want, tt.rows)
		}
	}
}
