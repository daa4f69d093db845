package suppression

import (
	"regexp"
	"strings"
)

// This file finds the emails in a file: one message (.eml) or many in the
// mbox format, where each starts with a "From " line after a blank line.

// headerNamePattern matches a mail header line's name.
var headerNamePattern = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*)[ \t]*:`)

// knownHeaders are header names that mark the start of an email.
var knownHeaders = map[string]bool{
	"from": true, "to": true, "subject": true, "date": true, "received": true,
	"return-path": true, "message-id": true, "mime-version": true, "content-type": true,
	"delivered-to": true, "x-original-to": true, "reply-to": true, "sender": true,
	"x-failed-recipients": true, "auto-submitted": true, "dkim-signature": true,
	"arc-seal": true, "authentication-results": true, "x-mailer": true,
}

// looksLikeMessage reports whether s starts with a mail header: its first
// lines are header fields (or their folded continuations), two of them
// known ones.
func looksLikeMessage(s string) bool {
	known := 0
	for i, l := range firstLines(s, 40) {
		if l[0] == ' ' || l[0] == '\t' {
			if i == 0 {
				return false
			}
			continue
		}
		m := headerNamePattern.FindStringSubmatch(l)
		if m == nil {
			break
		}
		if knownHeaders[strings.ToLower(m[1])] {
			known++
		}
	}
	return known >= 2
}

// looksLikeMbox reports whether s is an mbox file: a "From " line, then a
// message.
func looksLikeMbox(s string) bool {
	s = strings.TrimLeft(s, "\r\n")
	if !strings.HasPrefix(s, "From ") {
		return false
	}
	_, rest, _ := strings.Cut(s, "\n")
	return looksLikeMessage(rest)
}

// readMessageFile reads a file that is one email.
func readMessageFile(s, name string) (File, error) {
	f := File{Path: name, Format: FormatBounceEmail}
	f.Records, f.Skipped = messageRecords(s, name, 1, FormatBounceEmail)
	return f, nil
}

// readMbox reads the emails of an mbox file.
func readMbox(s, name string) (File, error) {
	f := File{Path: name, Format: FormatMbox}
	for _, msg := range splitMbox(s) {
		recs, skipped := messageRecords(msg.text, name, msg.line, FormatMbox)
		f.Records = append(f.Records, recs...)
		f.Skipped += skipped
	}
	return f, nil
}

// mboxMessage is one message of an mbox file and the line of the file
// where its header starts.
type mboxMessage struct {
	text string
	line int
}

// splitMbox splits s at its "From " lines: at the start of s or after a
// blank line. Lines quoted as ">From " are given back their "From ".
func splitMbox(s string) []mboxMessage {
	var out []mboxMessage
	var cur strings.Builder
	start, prevBlank := 0, true
	for i, l := range lines(s) {
		if prevBlank && strings.HasPrefix(l, "From ") {
			if cur.Len() > 0 {
				out = append(out, mboxMessage{cur.String(), start})
				cur.Reset()
			}
			start = i + 2
			prevBlank = false
			continue
		}
		if strings.HasPrefix(l, ">From ") {
			l = l[1:]
		}
		cur.WriteString(l)
		cur.WriteByte('\n')
		prevBlank = l == ""
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, mboxMessage{cur.String(), start})
	}
	return out
}
