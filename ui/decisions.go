package ui

import (
	"path/filepath"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/listclean/listclean/cleaner"
)

// decisionStore saves the user's decisions about one list to its
// decisions file: every change at once, in the background, and once more
// when the program ends, so that quitting, ctrl+c, a signal or a closed
// terminal loses none.
//
// Each save writes a snapshot taken in Update, numbered; saves run one at
// a time and never write a snapshot older than one written already, so
// that the file always ends with the latest decisions whatever order the
// commands run in.
type decisionStore struct {
	path string
	fp   cleaner.Fingerprint // of the list's file

	version int   // of the latest snapshot taken (Update only)
	err     error // why the latest save failed; nil once one succeeds (Update only)

	mu      sync.Mutex
	written int // the version of the snapshot in the file
}

func newDecisionStore(path string, fp cleaner.Fingerprint) *decisionStore {
	return &decisionStore{path: path, fp: fp}
}

// decisionsSavedMsg brings the outcome of saving a snapshot.
type decisionsSavedMsg struct {
	store   *decisionStore
	version int
	err     error
}

// saveDecisions takes a snapshot of the session's decisions and saves it
// in the background.
func (c *common) saveDecisions() tea.Cmd {
	s := c.store
	if s == nil || c.session == nil {
		return nil
	}
	s.version++
	v, recs := s.version, c.session.DecisionRecords(s.fp)
	return func() tea.Msg { return decisionsSavedMsg{s, v, s.write(v, recs)} }
}

// write saves the snapshot of version v unless a newer one is saved.
func (s *decisionStore) write(v int, recs []cleaner.DecisionRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v <= s.written {
		return nil
	}
	if err := cleaner.SaveDecisions(s.path, recs); err != nil {
		return err
	}
	s.written = v
	return nil
}

// saved records the outcome of a save.
func (s *decisionStore) saved(msg decisionsSavedMsg) {
	if msg.err != nil {
		s.err = msg.err
	} else if msg.version == s.version {
		s.err = nil
	}
}

// flushDecisions saves the latest decisions now, unless they are saved
// already: when the program ends, or before another list replaces the
// session. Only the goroutine that owns the session may call it.
func (c *common) flushDecisions() {
	s := c.store
	if s == nil || c.session == nil {
		return
	}
	s.mu.Lock()
	pending := s.version > s.written
	s.mu.Unlock()
	if pending {
		if err := s.write(s.version, c.session.DecisionRecords(s.fp)); err != nil {
			s.err = err
		}
	}
}

// baseName is the last element of a path, for a screen.
func baseName(path string) string { return filepath.Base(path) }
