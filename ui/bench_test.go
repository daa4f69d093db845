package ui

import (
	"strconv"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/listclean/listclean/cleaner"
)

// benchDomains are the domains of the generated list: about half of its
// rows end up flagged.
var benchDomains = []string{"gmail.com", "gmial.com", "yahoo.com", "nowhere-at-all.com", "example.org", "webonly.net", "flaky-dns.org", "outlook.com"}

// benchModel returns a model at the review of a generated list of n rows,
// judged against fakeResult, built in memory.
func benchModel(b *testing.B, n int) *Model {
	b.Helper()
	l := &cleaner.List{
		Name:      "bench.csv",
		Header:    []string{"email", "name"},
		Delimiter: ',',
		Encoding:  "UTF-8",
	}
	rows := make([][]string, n)
	for i := range rows {
		local := "user" + strconv.Itoa(i)
		switch i % 97 {
		case 0:
			local = "user" + strconv.Itoa(i/2) // some repeats
		case 1:
			local = "user " + strconv.Itoa(i) // some syntax errors
		}
		rows[i] = []string{local + "@" + benchDomains[i%len(benchDomains)], "Name " + strconv.Itoa(i)}
	}
	l.Rows = cleaner.RecordsOf(rows)
	s := cleaner.NewSession(l, true)
	for _, d := range s.Domains() {
		s.Apply(fakeResult(d))
	}
	s.JudgeAll()
	m := New(Options{Path: l.Name, Checker: &fakeChecker{}})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.c.session = s
	m.review = newReviewScreen(m.c, newFilters(s))
	m.current = m.review
	return m
}

// BenchmarkReviewKeyAndView measures a key press plus the redraw that
// follows it on the review of 1,000,000 rows: the budget is 5 ms.
func BenchmarkReviewKeyAndView(b *testing.B) {
	m := benchModel(b, 1_000_000)
	if n := len(m.review.shown); n < 400_000 {
		b.Fatalf("only %d flagged rows", n)
	}
	down, up := keyPress("down"), keyPress("up")
	for _, details := range []bool{false, true} {
		name := "table"
		if details {
			name = "with-details"
		}
		b.Run(name, func(b *testing.B) {
			m.review.details = details
			m.review.moveTo(len(m.review.shown) / 2)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				k := down
				if i%2 == 1 {
					k = up
				}
				m.Update(k)
				if v := m.View(); v.Content == "" {
					b.Fatal("empty view")
				}
			}
		})
	}
}

// BenchmarkReviewDecide measures a decision and its undo, each with the
// redraw that follows, on the review of 1,000,000 rows of which 10,000
// suggestions were accepted (a real list of 200,000 rows has about 1,000):
// each one makes the plan of export again, which the table's ! marks and
// the detail pane read.
func BenchmarkReviewDecide(b *testing.B) {
	m := benchModel(b, 1_000_000)
	s := m.c.session
	s.AcceptSuggestions(s.Acceptable(m.review.filters[0].rows)[:10_000])
	m.review.details = true
	m.review.moveTo(len(m.review.shown) / 2)
	remove, undo := keyPress("x"), keyPress("u")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := remove
		if i%2 == 1 {
			k = undo
			m.review.moveTo(m.review.cursor - 1)
		}
		m.Update(k)
		if v := m.View(); v.Content == "" {
			b.Fatal("empty view")
		}
	}
}
