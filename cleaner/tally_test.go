package cleaner

import (
	"cmp"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/listclean/listclean/cleaner/address"
	"github.com/listclean/listclean/cleaner/internal/corpora"
)

// serialTally is what NewSession's tally of the domains and duplicates is
// to be: the rows counted one by one, in order, on one goroutine, as
// NewSession did before each of its goroutines counted the rows it parsed
// (its domainTally.add and markDuplicates as they were then).
type serialTally struct {
	domains   []string
	rows      []int
	index     map[string]int32
	rowDomain []int32
	bad       []malformed
	dupOf     []int32
}

func newSerialTally(l *List) *serialTally {
	t := &serialTally{index: make(map[string]int32)}
	badSeen := make(map[malformed]bool)
	first := make(map[string]int32) // the first row of each duplicate key
	for i := range l.Rows.Len() {
		a := address.Parse(l.EmailCell(i))
		t.dupOf = append(t.dupOf, -1)
		if a.Reason == "" {
			if f, ok := first[a.Key()]; ok {
				t.dupOf[i] = f
			} else {
				first[a.Key()] = int32(i)
			}
			k, ok := t.index[a.ASCII]
			if !ok {
				k = int32(len(t.domains))
				t.index[a.ASCII] = k
				t.domains = append(t.domains, a.ASCII)
				t.rows = append(t.rows, 0)
			}
			t.rows[k]++
			t.rowDomain = append(t.rowDomain, k)
			continue
		}
		t.rowDomain = append(t.rowDomain, -1)
		var m malformed
		if a.Fix != "" {
			fixed := address.Parse(a.Fix)
			a = fixed
			m.fixASCII = a.ASCII
		}
		m.target = domainOf(a)
		if !badSeen[m] {
			badSeen[m] = true
			t.bad = append(t.bad, m)
		}
	}
	return t
}

// sameTally checks that NewSession's tally of l is the serial one, at
// each of a few numbers of processors (more than there are make the
// goroutines' turns vary): the domains in the order of their first rows,
// the rows per domain, each row's domain, the malformed cases in the
// order of their first rows and each row's duplicate. The strings the
// session keeps must be copies, not slices of the rows.
func sameTally(t *testing.T, name string, l *List) {
	t.Helper()
	want := newSerialTally(l)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		s := NewSession(l, false)
		c := s.corrections()
		if len(s.Rows) != l.Rows.Len() {
			t.Fatalf("%s, %d procs: %d rows, want %d", name, procs, len(s.Rows), l.Rows.Len())
		}
		if !slices.Equal(s.domains, want.domains) {
			t.Errorf("%s, %d procs: domains %s", name, procs, firstDiff(s.domains, want.domains))
		}
		if !slices.Equal(s.domainRows, want.rows) {
			t.Errorf("%s, %d procs: rows per domain %s", name, procs, firstDiff(s.domainRows, want.rows))
		}
		if !maps32Equal(s.domainAt, want.index) || !maps32Equal(c.own, want.index) {
			t.Errorf("%s, %d procs: the index of the domains differs", name, procs)
		}
		if !slices.Equal(s.rowDomain, want.rowDomain) {
			t.Errorf("%s, %d procs: rowDomain %s", name, procs, firstDiff(s.rowDomain, want.rowDomain))
		}
		if !slices.Equal(c.bad, want.bad) {
			t.Errorf("%s, %d procs: malformed cases %s", name, procs, firstDiff(c.bad, want.bad))
		}
		dupOf := make([]int32, len(s.Rows))
		for i := range s.Rows {
			dupOf[i] = s.Rows[i].DupOf
		}
		if !slices.Equal(dupOf, want.dupOf) {
			t.Errorf("%s, %d procs: DupOf %s", name, procs, firstDiff(dupOf, want.dupOf))
		}
		for i := range s.Rows {
			raw := s.Rows[i].Addr().Raw
			if k := s.rowDomain[i]; k >= 0 && within(s.domains[k], raw) {
				t.Fatalf("%s, %d procs: the domain %q of row %d is a slice of the row", name, procs, s.domains[k], i)
			}
		}
		var kept []string // the malformed cases' strings, by where their bytes are
		for _, m := range c.bad {
			kept = append(kept, m.fixASCII, m.target)
		}
		addr := func(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }
		slices.SortFunc(kept, func(a, b string) int { return cmp.Compare(addr(a), addr(b)) })
		for i := range s.Rows {
			raw := s.Rows[i].Addr().Raw
			k, _ := slices.BinarySearchFunc(kept, addr(raw), func(s string, p uintptr) int { return cmp.Compare(addr(s), p) })
			for ; k < len(kept) && addr(kept[k]) < addr(raw)+uintptr(len(raw)); k++ {
				if within(kept[k], raw) {
					t.Fatalf("%s, %d procs: the malformed case's %q is a slice of row %d", name, procs, kept[k], i)
				}
			}
		}
	}
}

// within reports whether s's bytes are in those of row.
func within(s, row string) bool {
	if s == "" || row == "" {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(row)))
	return p >= lo && p < lo+uintptr(len(row))
}

func maps32Equal(a, b map[string]int32) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// firstDiff says where got first differs from want.
func firstDiff[T comparable](got, want []T) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("differ first at %d: %v, want %v", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("have %d, want %d", len(got), len(want))
}

// listOf is a list of one column, the addresses.
func listOf(addrs []string) *List {
	rows := make([][]string, len(addrs))
	for i, a := range addrs {
		rows[i] = []string{a}
	}
	return &List{Name: "list.csv", Header: []string{"Email"}, Rows: RecordsOf(rows)}
}

// TestTallySameAsSerial is the differential test of NewSession's tally in
// parts (see sameTally): over lists made to straddle the pieces the
// goroutines take, with domains and malformed cases first seen late, IDN
// domains written in several ways and duplicates; over the syntax and typo
// corpora, shuffled into lists of many pieces; over the CSV corpora and
// subscriber exports; and over the list of benchListEnv when it names one.
func TestTallySameAsSerial(t *testing.T) {
	pool := []string{
		"a@good.com", "A@GOOD.COM", "b@good.com", "c@Good.Com ", "ü@bücher.de", "u@xn--bcher-kva.de",
		"v@BÜCHER.de", "w@bücher.de", "not an email", "d@gmail,com", "e@gmail,com", "x@gmail.cmo",
		"Inès <ines@orange.fr>", "ines@orange.fr", "f@münchen.example", "g@xn--mnchen-3ya.example",
		"", "@", "h@", "@nolocal.com", "i@-bad-.com", "j@hotmial.com", "k@[192.0.2.1]", "l@ex ample.com",
	}
	lists := map[string][]string{"empty": nil, "one": {"a@good.com"}, "one malformed": {"d@gmail,com"}}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{parallelPiece - 1, parallelPiece, parallelPiece + 1, 2 * parallelPiece, 2*parallelPiece + 1, 9*parallelPiece + 7} {
		addrs := make([]string, n)
		for i := range addrs {
			addrs[i] = pool[r.IntN(len(pool))]
		}
		lists[fmt.Sprintf("%d rows", n)] = addrs
		// Each piece's own domain and malformed case, first seen in its
		// last row, and the first piece's again in the last row of all.
		late := slices.Clone(addrs)
		for lo := 0; lo < n; lo += parallelPiece {
			hi := min(lo+parallelPiece, n)
			late[hi-1] = fmt.Sprintf("p%d@piece%d.com", lo, lo/parallelPiece)
			if hi-2 >= lo {
				late[hi-2] = fmt.Sprintf("p%d@piece%d,com", lo, lo/parallelPiece)
			}
		}
		late[n-1] = "again@piece0.com"
		lists[fmt.Sprintf("%d rows, late firsts", n)] = late
	}
	for name, addrs := range lists {
		sameTally(t, name, listOf(addrs))
	}

	t.Run("corpora", func(t *testing.T) {
		var addrs []string
		for _, sub := range []string{"email_syntax", "typo"} {
			files, err := filepath.Glob(filepath.Join(corpora.Dir(t, sub), "*.tsv"))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				addrs = append(addrs, tsvFields(t, f, 2)...)
			}
		}
		sameTally(t, "corpus addresses", listOf(addrs))
		many := make([]string, 40*parallelPiece)
		for i := range many {
			many[i] = addrs[r.IntN(len(addrs))]
		}
		sameTally(t, "corpus addresses, shuffled", listOf(many))

		for _, sub := range []string{"csv", "subscriber_exports"} {
			err := filepath.WalkDir(corpora.Dir(t, sub), func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !slices.Contains([]string{".csv", ".tsv", ".txt"}, filepath.Ext(path)) {
					return err
				}
				if l, err := ReadFile(path, ReadOptions{}); err == nil {
					sameTally(t, path, l)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		l, err := ReadFile("../testdata/subscribers.csv", ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sameTally(t, "subscribers.csv", l)
	})

	t.Run("bench list", func(t *testing.T) {
		sameTally(t, os.Getenv(benchListEnv), benchList(t))
	})
}

// TestMergeTalliesSameAsSerial is the differential test of mergeTallies
// alone, with the rows handed to the parts in set ways rather than as
// the goroutines' turns fall: pieces of one row, of a few and of
// parallelPiece rows, given to parts in turn, to the parts in reverse, or
// at random, so that a domain or a malformed case is first seen, in any
// part, before or after the part with the most domains sees it.
func TestMergeTalliesSameAsSerial(t *testing.T) {
	pool := []string{"a@good.com", "b@GOOD.com", "c@bücher.de", "d@xn--bcher-kva.de", "e@gmail,com", "not an email",
		"f@gmail.cmo", "g@one.com", "h@two.com", "i@three.com", "j@four.com", "", "k@hotmial.com"}
	r := rand.New(rand.NewPCG(3, 4))
	var lists [][]string
	for _, n := range []int{0, 1, 2, 7, 100, 3000} {
		addrs := make([]string, n)
		for i := range addrs {
			addrs[i] = pool[r.IntN(len(pool))]
			if r.IntN(4) == 0 {
				addrs[i] = fmt.Sprintf("x@d%d.com", r.IntN(n/2+1)) // domains seen a few times, anywhere
			}
		}
		lists = append(lists, addrs)
	}
	assigns := []struct {
		name string
		part func(piece, parts int) int
	}{
		{"in turn", func(piece, parts int) int { return piece % parts }},
		{"in reverse", func(piece, parts int) int { return parts - 1 - piece%parts }},
		{"in blocks, the rest to the last", func(piece, parts int) int { return min(piece*2/max(1, parts), parts-1) }},
		{"at random", func(_, parts int) int { return r.IntN(parts) }},
	}
	for _, addrs := range lists {
		l := listOf(addrs)
		want := newSerialTally(l)
		for _, piece := range []int{1, 3, parallelPiece} {
			for _, nparts := range []int{1, 2, 3, 5} {
				for _, assign := range assigns {
					parts := make([]tallyPart, nparts)
					for w := range parts {
						parts[w] = newTallyPart()
					}
					rowDomain := make([]int32, len(addrs))
					for lo := 0; lo < len(addrs); lo += piece {
						hi := min(lo+piece, len(addrs))
						part := &parts[assign.part(lo/piece, nparts)]
						for i := lo; i < hi; i++ {
							a := address.Parse(addrs[i])
							rowDomain[i] = part.add(&a)
						}
						part.counted(lo, hi)
					}
					got := mergeTallies(parts)
					for w := range parts {
						parts[w].relabel(rowDomain)
					}
					what := fmt.Sprintf("%d rows in pieces of %d, %d parts %s", len(addrs), piece, nparts, assign.name)
					if !slices.Equal(got.domains, want.domains) {
						t.Errorf("%s: domains %s", what, firstDiff(got.domains, want.domains))
					}
					if !slices.Equal(got.rows, want.rows) {
						t.Errorf("%s: rows per domain %s", what, firstDiff(got.rows, want.rows))
					}
					if !maps32Equal(got.index, want.index) {
						t.Errorf("%s: the index of the domains differs", what)
					}
					if !slices.Equal(rowDomain, want.rowDomain) {
						t.Errorf("%s: rowDomain %s", what, firstDiff(rowDomain, want.rowDomain))
					}
					if !slices.Equal(got.bad, want.bad) {
						t.Errorf("%s: malformed cases %s", what, firstDiff(got.bad, want.bad))
					}
				}
			}
		}
	}
}

// tsvFields returns the first n fields of every line of the TSV file at
// path.
func tsvFields(t *testing.T, path string, n int) []string {
	t.Helper()
	var out []string
	for _, line := range corpora.Lines(t, path) {
		fields := strings.Split(line, "\t")
		out = append(out, fields[:min(n, len(fields))]...)
	}
	return out
}
