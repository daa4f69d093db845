package csvfile

import (
	"reflect"
	"strings"
	"testing"
)

// all returns every row of r, for tests that compare records.
func (r Records) all() [][]string {
	rows := make([][]string, r.Len())
	for i := range rows {
		rows[i] = r.Row(i)
	}
	return rows
}

// TestRecords checks that Records give back the cells they were made of,
// whatever their lengths (a varint of one, two and three bytes), and that
// Slice and Prepend keep them.
func TestRecords(t *testing.T) {
	long, longer := strings.Repeat("x", 200), strings.Repeat("é", 20000)
	recs := [][]string{
		{"a@x.com", "Ann", ""},
		{""},
		{long, longer, "b\"c", "line\nbreak"},
		{"z"},
	}
	r := RecordsOf(recs)
	if r.Len() != len(recs) || !reflect.DeepEqual(r.all(), recs) {
		t.Fatalf("RecordsOf(%.100q) = %d rows %.100q", recs, r.Len(), r.all())
	}
	for i, rec := range recs {
		if r.Width(i) != len(rec) {
			t.Errorf("Width(%d) = %d, want %d", i, r.Width(i), len(rec))
		}
		for col := -1; col <= len(rec); col++ {
			want := ""
			if col >= 0 && col < len(rec) {
				want = rec[col]
			}
			if got := r.Cell(i, col); got != want {
				t.Errorf("Cell(%d, %d) = %.50q, want %.50q", i, col, got, want)
			}
		}
	}
	s := r.Slice(1, 3)
	if !reflect.DeepEqual(s.all(), recs[1:3]) {
		t.Errorf("Slice(1, 3) = %.100q", s.all())
	}
	p := s.Prepend([]string{"email", "name"})
	if want := append([][]string{{"email", "name"}}, recs[1:3]...); !reflect.DeepEqual(p.all(), want) {
		t.Errorf("Prepend = %.100q, want %.100q", p.all(), want)
	}
	if !reflect.DeepEqual(r.all(), recs) {
		t.Errorf("Prepend changed the records it was called on: %.100q", r.all())
	}
	if (Records{}).Len() != 0 || RecordsOf(nil).Len() != 0 {
		t.Error("no records: Len is not 0")
	}
}

// TestRecordsTextEnds: a row held as its text ends where its NUL is,
// whether the row after it is in its block, in another, or cut off by
// Slice, and after Prepend.
func TestRecordsTextEnds(t *testing.T) {
	texts := func(rows ...string) []readText {
		var ts []readText
		for _, r := range rows {
			ts = append(ts, readText{text: r})
		}
		return ts
	}
	var r Records
	for _, b := range []struct {
		recs  [][]string
		texts []readText
	}{
		{[][]string{{"a", "b"}, {"c"}, {"d", "e"}}, texts("a,b", "", "d,e")},
		{[][]string{{"f"}, {"g", "h"}}, texts("f", "g,h")},
		{[][]string{{"i", "j"}}, nil},
		{[][]string{{"k"}, {"l", "m"}}, texts("k", "l,m")},
	} {
		block, offs := encodeRecords(b.recs, b.texts)
		r.appendBlock(block, offs, 0)
	}
	r.comma = ","
	want := []string{"a,b", "", "d,e", "f", "g,h", "", "k", "l,m"}
	check := func(name string, r Records, want []string) {
		t.Helper()
		if r.Len() != len(want) {
			t.Fatalf("%s: %d rows, want %d", name, r.Len(), len(want))
		}
		for i, w := range want {
			got, ok := r.text(i)
			if got != w || ok != (w != "") {
				t.Errorf("%s: row %d held as %q (%v), want %q", name, i, got, ok, w)
			}
		}
	}
	check("blocks", r, want)
	for lo := range len(want) {
		for hi := lo; hi <= len(want); hi++ {
			check("slice", r.Slice(lo, hi), want[lo:hi])
		}
	}
	check("prepend", r.Slice(2, 5).Prepend([]string{"x"}), append([]string{""}, want[2:5]...))
}
