package ui

import (
	"errors"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/listclean/listclean/cleaner"
)

// heldReader reads whole lists as cleaner.ReadFile does, once release is
// closed: a file that takes long to read.
type heldReader struct {
	release chan struct{}
	once    sync.Once
	err     error // returned instead of the list, when set
}

func holdReads(t *testing.T) *heldReader {
	h := &heldReader{release: make(chan struct{})}
	t.Cleanup(h.free)
	return h
}

func (h *heldReader) free() { h.once.Do(func() { close(h.release) }) }

func (h *heldReader) read(path string, opt cleaner.ReadOptions) (*cleaner.List, error) {
	<-h.release
	if h.err != nil {
		return nil, h.err
	}
	return cleaner.ReadFile(path, opt)
}

// TestColumnsShownWhileReading checks that the columns screen shows the
// first rows while the whole list is still being read, that the email
// column and header line chosen on them and an enter pressed meanwhile
// carry over to the whole list once it is read, and that no row is lost.
func TestColumnsShownWhileReading(t *testing.T) {
	held := holdReads(t)
	m := New(Options{Path: writeList(t, testList), Checker: &fakeChecker{}})
	m.c.readList = held.read
	term := startModel(t, m, 80, 24)

	term.waitFor("Columns", "Email column email (column 1) · found by its header", "10 so far", "reading the rest", "bob@gmial.com")
	term.press("right", "left") // picks column 1 again, by hand
	term.waitFor("email (column 1) · chosen")
	term.press("h") // the first line is a row
	term.waitFor("no: the first line is a row")
	term.press("enter")
	term.waitFor("11 so far", "checks start once it is read")

	held.free()
	term.waitFor("Summary", "11 rows")
	term.press("ctrl+c")
	term.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	l := m.c.session.List
	if l.Header != nil || l.Rows.Len() != 11 || l.EmailCol != 0 || l.ColumnBy != "option" {
		t.Errorf("checked list: header %q, %d rows, email column %d by %q; want no header, 11 rows, column 0 by option",
			l.Header, l.Rows.Len(), l.EmailCol, l.ColumnBy)
	}
}

// TestColumnsLeftWhileReading checks that a list left for the picker
// while it is read does not come back when its reading ends, and that a
// fault found past the first rows takes the user back to the picker.
func TestColumnsLeftWhileReading(t *testing.T) {
	path := writeList(t, testList)
	headShown := func(msg tea.Msg) bool { _, ok := msg.(fileHeadMsg); return ok }

	tt := &tester{t: t, m: New(Options{Path: path}), pause: headShown}
	tt.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	tt.run(tt.m.Init())
	if tt.m.current != tt.m.columns || !tt.m.columns.reading {
		t.Fatalf("after the first rows, screen is %q (reading %v), want the columns while reading", tt.m.current.name(), tt.m.columns != nil && tt.m.columns.reading)
	}
	tt.pause = nil
	_, cmd := tt.m.Update(keyPress("esc"))
	tt.m.Update(cmd()) // back to the picker before the whole list comes
	tt.run(nil)        // the whole list comes, and the picker's folder
	if tt.m.current != tt.m.open {
		t.Errorf("a list left while read came back: screen is %q", tt.m.current.name())
	}

	tt = &tester{t: t, m: New(Options{Path: path}), pause: headShown}
	tt.m.c.readList = func(string, cleaner.ReadOptions) (*cleaner.List, error) {
		return nil, &cleaner.ReadError{File: path, Line: 900, Err: errors.New("bad quote")}
	}
	tt.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	tt.run(tt.m.Init())
	tt.pause = nil
	tt.press("enter")
	tt.run(nil)
	if want := "Could not read " + path + ":900: bad quote"; tt.m.current != tt.m.open || tt.m.open.err != want {
		t.Errorf("a fault past the first rows: screen is %q, saying %q; want the picker saying %q", tt.m.current.name(), tt.m.open.err, want)
	}
	if tt.m.checking != nil {
		t.Error("the checks started on a list that could not be read")
	}
}
