package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/listclean/listclean/cleaner"
)

// Styles holds every style of the UI, built for the terminal's background
// (light or dark) and colour support. Nothing else in the package creates a
// colour.
type Styles struct {
	Plain     lipgloss.Style // text as it is
	Title     lipgloss.Style // the app name in the top bar
	Crumb     lipgloss.Style // the file and screen name beside it
	Heading   lipgloss.Style // a section heading inside a screen
	Label     lipgloss.Style // the name in a "name  value" line
	Value     lipgloss.Style // a value worth noticing
	Muted     lipgloss.Style // secondary text
	Error     lipgloss.Style
	Warning   lipgloss.Style
	Success   lipgloss.Style
	KeyHint   lipgloss.Style // a key named inside a sentence
	Tab       lipgloss.Style
	TabOn     lipgloss.Style
	Header    lipgloss.Style // table column headings
	Selected  lipgloss.Style // the cursor row, or the chosen column
	Directory lipgloss.Style // a folder in the file picker
	Decided   lipgloss.Style // a decision the user took
	Auto      lipgloss.Style // what the batch policy will do with an undecided row
	Bar       lipgloss.Style // the empty part of a bar
	Spinner   lipgloss.Style

	verdict map[cleaner.Verdict]lipgloss.Style
	accent  color.Color

	Help  help.Styles
	Input textinput.Styles
}

// Verdict returns the style of a verdict's name and bars.
func (s Styles) Verdict(v cleaner.Verdict) lipgloss.Style { return s.verdict[v] }

// newStyles builds the styles for a dark or light background. With
// noColor (NO_COLOR, or a terminal without colours) they rely on bold,
// faint and reverse video only, so that the cursor row stays visible when
// the renderer drops every colour.
func newStyles(isDark, noColor bool) Styles {
	ld := lipgloss.LightDark(isDark)
	var (
		accent = ld(lipgloss.Color("#5A3FD1"), lipgloss.Color("#A99BFF"))
		muted  = ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))
		subtle = ld(lipgloss.Color("#D8D8D8"), lipgloss.Color("#3A3A3A"))
		selBg  = ld(lipgloss.Color("#E4DEFF"), lipgloss.Color("#35305A"))
		green  = ld(lipgloss.Color("#1E7F3C"), lipgloss.Color("#5FD68A"))
		yellow = ld(lipgloss.Color("#946200"), lipgloss.Color("#F2C55C"))
		red    = ld(lipgloss.Color("#C0262D"), lipgloss.Color("#FF6B6B"))
		blue   = ld(lipgloss.Color("#1F5FA8"), lipgloss.Color("#7AB8FF"))
		purple = ld(lipgloss.Color("#8A2F9E"), lipgloss.Color("#E08AF2"))
		orange = ld(lipgloss.Color("#A64B00"), lipgloss.Color("#FF9E5E"))
	)
	st := lipgloss.NewStyle
	s := Styles{
		Plain:    st(),
		Title:    st().Bold(true).Foreground(accent),
		Crumb:    st().Foreground(muted),
		Heading:  st().Bold(true),
		Label:    st().Foreground(muted),
		Value:    st().Bold(true),
		Muted:    st().Foreground(muted),
		Error:    st().Bold(true).Foreground(red),
		Warning:  st().Bold(true).Foreground(yellow),
		Success:  st().Bold(true).Foreground(green),
		KeyHint:  st().Bold(true).Foreground(accent),
		Tab:      st().Foreground(muted).Padding(0, 1),
		TabOn:    st().Bold(true).Foreground(accent).Underline(true).Padding(0, 1),
		Header:   st().Bold(true).Foreground(muted),
		Selected: st().Bold(true).Background(selBg),
		Decided:  st().Bold(true),
		Auto:     st().Faint(true),
		Bar:      st().Foreground(subtle),
		Spinner:  st().Foreground(accent),
		verdict: map[cleaner.Verdict]lipgloss.Style{
			cleaner.VerdictValid:      st().Foreground(green),
			cleaner.VerdictRisky:      st().Foreground(yellow),
			cleaner.VerdictInvalid:    st().Foreground(red),
			cleaner.VerdictUnknown:    st().Foreground(blue),
			cleaner.VerdictDuplicate:  st().Foreground(purple),
			cleaner.VerdictSuppressed: st().Foreground(orange),
		},
		accent:    accent,
		Directory: st().Foreground(blue),
		Help:      help.DefaultStyles(isDark),
		Input:     textinput.DefaultStyles(isDark),
	}
	// A steady cursor: a blinking one redraws the screen twice a second
	// for nothing.
	s.Input.Cursor.Blink = false
	if noColor {
		s.Selected = st().Reverse(true)
		s.TabOn = s.TabOn.Reverse(true)
	}
	return s
}
