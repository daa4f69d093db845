package printable

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/parser"
	"github.com/charmbracelet/x/vt"
)

// terminalSeeds are inputs that change a terminal's state when printed as
// they are: sequences of every kind, C0 and C1 controls (as characters and
// as the bare bytes that a terminal not in UTF-8 mode takes for them),
// bidirectional overrides and NUL.
var terminalSeeds = []string{
	"b@[1.2.3.4\x1b]0;pwned\a]",                               // OSC 0: title, BEL-terminated
	"\x1b]2;title\x1b\\",                                      // OSC 2, ST-terminated
	"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",   // OSC 8: hyperlink
	"\x1b]52;c;cHduZWQ=\a",                                    // OSC 52: clipboard
	"\x1b]7;file:///etc\a",                                    // OSC 7: working directory
	"\x1b]10;#ff0000\a\x1b]11;rgb:00/00/00\a",                 // OSC 10/11: colours
	"\x1b[2J\x1b[H",                                           // CSI with and without parameters
	"\x1b[31;1;4mred\x1b[m",                                   // SGR
	"\x1b[?1049h\x1b[?25l\x1b[?1000h",                         // modes: alt screen, cursor, mouse
	"\x1b[6n\x1b[c",                                           // queries the terminal answers
	"\x1b[3 q",                                                // cursor style
	"\x1bP1$r\x1b\\\x1bPq#0;2;0;0;0\x1b\\",                    // DCS, sixel
	"\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\",               // APC, PM, SOS
	"\x1bc\x1b7\x1b8\x1bM\x1bD\x1bE",                          // ESC sequences: reset, cursor save
	"\u009b31m\u009d0;t\u009c\u0085\u0090x\u009c",             // C1 controls as characters
	"\x9b31m\x9d0;t\x9c\x85",                                  // C1 controls as bare bytes
	"a\rb\nc\bd\te\vf\fg\x7f\x00h\a",                          // C0 controls and DEL
	"\x0e\x0f\x18\x1a",                                        // shift out/in, CAN, SUB
	"abc\u202egpj.exe\u202c \u2066x\u2069 \u200e\u200f\u061c", // bidi
	"\x00\x00", // NUL
	"\x1b",     // a sequence left open
	"\x1b]0;unterminated",
	"zoë@bücher.de 王芳 👩‍👩‍👧 e\u0301",
}

// FuzzStringInTerminal prints String's output to a terminal and checks
// that nothing but text came through (see terminalChanges).
func FuzzStringInTerminal(f *testing.F) {
	for _, s := range terminalSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			t.Skip("long inputs add nothing but time")
		}
		out := String(s)
		if changes := terminalChanges(out); len(changes) > 0 {
			t.Fatalf("String(%q) = %q changes the terminal: %s", s, out, strings.Join(changes, "; "))
		}
	})
}

// TestRawTerminalSeedsChangeTheTerminal checks the checks: each seed but
// the plain text, printed as it is, is caught, so that the fuzz target
// can fail.
func TestRawTerminalSeedsChangeTheTerminal(t *testing.T) {
	for _, s := range terminalSeeds {
		if Is(s) {
			continue // plain text, which must pass
		}
		if changes := terminalChanges(s); len(changes) == 0 {
			t.Errorf("%q printed raw passes the checks", s)
		}
	}
}

// terminalChanges returns what printing out would do to a terminal beyond
// showing text:
//   - a rune that is a control character (C0 or C1) or a bidirectional
//     control, which some terminals act on even as UTF-8;
//   - what an ANSI parser (charmbracelet/x/ansi) reads in out, then a
//     sentinel, other than printed characters, or a sequence left open;
//   - how the terminal emulator of charmbracelet/x/vt changes: its title,
//     icon name, working directory, colours, modes, cursor and screen,
//     every cell drawn on the first line plainly (no style, no
//     hyperlink), no answer to a query and no sequence logged.
func terminalChanges(out string) []string {
	var changes []string
	note := func(format string, args ...any) { changes = append(changes, fmt.Sprintf(format, args...)) }
	if !utf8.ValidString(out) {
		note("not UTF-8")
	}
	for _, r := range out {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			note("holds %U", r)
		}
	}
	parsed(out, note)
	emulated(out, note)
	return changes
}

// parsed notes what an ANSI parser reads in out, then a sentinel, other
// than printed characters.
func parsed(out string, note func(format string, args ...any)) {
	var printed []rune
	p := ansi.NewParser()
	p.SetHandler(ansi.Handler{
		Print:     func(r rune) { printed = append(printed, r) },
		Execute:   func(b byte) { note("parser: control %#x", b) },
		HandleCsi: func(cmd ansi.Cmd, _ ansi.Params) { note("parser: CSI %c", cmd.Final()) },
		HandleEsc: func(cmd ansi.Cmd) { note("parser: ESC %c", cmd.Final()) },
		HandleDcs: func(ansi.Cmd, ansi.Params, []byte) { note("parser: DCS") },
		HandleOsc: func(cmd int, _ []byte) { note("parser: OSC %d", cmd) },
		HandleApc: func([]byte) { note("parser: APC") },
		HandlePm:  func([]byte) { note("parser: PM") },
		HandleSos: func([]byte) { note("parser: SOS") },
	})
	p.Parse([]byte(out + "Z"))
	if p.State() != parser.GroundState {
		note("parser: left in %s", p.StateName())
	}
	if len(printed) == 0 || printed[len(printed)-1] != 'Z' {
		note("parser: the text printed after it was swallowed")
	}
}

// emulated notes how writing out changes a terminal emulator beyond
// putting plain characters on its first line.
func emulated(out string, note func(format string, args ...any)) {
	w := 2*utf8.RuneCountInString(out) + 4 // no wrap: a character is at most two cells wide
	e := vt.NewEmulator(w, 3)
	e.SetLogger(loggerFunc(func(format string, args ...any) { note("emulator: logged "+format, args...) }))
	e.SetCallbacks(vt.Callbacks{
		Bell:             func() { note("emulator: bell") },
		Title:            func(s string) { note("emulator: title %q", s) },
		IconName:         func(s string) { note("emulator: icon name %q", s) },
		AltScreen:        func(on bool) { note("emulator: alternate screen %v", on) },
		CursorVisibility: func(v bool) { note("emulator: cursor visible %v", v) },
		CursorStyle:      func(s vt.CursorStyle, blink bool) { note("emulator: cursor style %v %v", s, blink) },
		CursorColor:      func(c color.Color) { note("emulator: cursor colour %v", c) },
		BackgroundColor:  func(c color.Color) { note("emulator: background colour %v", c) },
		ForegroundColor:  func(c color.Color) { note("emulator: foreground colour %v", c) },
		WorkingDirectory: func(s string) { note("emulator: working directory %q", s) },
		EnableMode:       func(m ansi.Mode) { note("emulator: mode %v set", m) },
		DisableMode:      func(m ansi.Mode) { note("emulator: mode %v reset", m) },
	})
	// The emulator writes its answer to a query (the cursor's position,
	// its attributes) to a pipe that nobody reads here: the write blocks,
	// and the answer is caught so. (Reading the pipe would need Close to
	// end the reader, and vt's Close races with a pending Read.)
	written := make(chan struct{})
	go func() {
		e.WriteString(out)
		close(written)
	}()
	select {
	case <-written:
	case <-time.After(2 * time.Second):
		note("emulator: answered a query")
		return // the writer stays blocked: the check has failed anyway
	}
	if pos := e.CursorPosition(); pos.Y != 0 {
		note("emulator: cursor moved to line %d", pos.Y+1)
	}
	if e.IsAltScreen() {
		note("emulator: alternate screen on")
	}
	for x := range w {
		c := e.CellAt(x, 0)
		if c == nil {
			continue
		}
		if !c.Style.IsZero() {
			note("emulator: cell %d styled", x)
		}
		if !c.Link.IsZero() {
			note("emulator: cell %d a hyperlink to %q", x, c.Link.URL)
		}
	}
	for y := 1; y < 3; y++ {
		for x := range w {
			if c := e.CellAt(x, y); c != nil && c.Content != "" && c.Content != " " {
				note("emulator: line %d written", y+1)
				break
			}
		}
	}
}

// loggerFunc is a vt.Logger.
type loggerFunc func(format string, args ...any)

func (f loggerFunc) Printf(format string, args ...any) { f(format, args...) }
