package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// A prompt is a question the footer asks, with the keys that answer it:
// quitting with decisions not exported, accepting many suggestions at
// once, resuming decisions saved about another version of the list.
// While it is asked, only its answers and ctrl+c act.
type prompt struct {
	text    string // the question
	short   string // the question in a few words, for a narrow terminal
	choices []choice
}

// choice is one answer: its key, what it does in a word or two, and what
// follows (nil: the question closes, and that is all).
type choice struct {
	key   key.Binding
	label string
	run   func() tea.Cmd
}

// answer runs the choice whose key msg is, closing the prompt in *slot;
// any other key does nothing.
func (p *prompt) answer(msg tea.KeyPressMsg, slot **prompt) tea.Cmd {
	for _, ch := range p.choices {
		if key.Matches(msg, ch.key) {
			*slot = nil
			if ch.run != nil {
				return ch.run()
			}
			return nil
		}
	}
	return nil
}

// lines draws the prompt c.width wide: on one line when it fits, else the
// question wrapped over at most three lines (the short one when the whole
// one takes more) and the answers under it.
func (p *prompt) lines(c *common) []string {
	st := c.styles
	var answers []string
	for _, ch := range p.choices {
		answers = append(answers, st.KeyHint.Render(ch.key.Help().Key)+" "+ch.label)
	}
	keys := strings.Join(answers, " · ")
	mark := st.Warning.Render("!")
	if one := " " + mark + " " + p.text + " " + keys; width(one) <= c.width {
		return []string{one}
	}
	text := wrap(p.text, max(c.width-3, 10))
	if len(text) > 3 && p.short != "" {
		text = wrap(p.short, max(c.width-3, 10))
	}
	out := make([]string, 0, len(text)+1)
	for k, l := range text {
		lead := "   "
		if k == 0 {
			lead = " " + mark + " "
		}
		out = append(out, clip(lead+l, c.width))
	}
	return append(out, clip("   "+keys, c.width))
}
