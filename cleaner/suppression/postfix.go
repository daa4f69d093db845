package suppression

import (
	"cmp"
	"regexp"
	"strings"
	"time"
)

// This file reads Postfix's log, as syslog or journald writes it: one line
// per delivery attempt of each recipient by a delivery agent (smtp, lmtp,
// local, virtual...), with the recipient, the status code and what the
// receiving server said.
//
//	Mar  2 10:00:01 mail postfix/smtp[4242]: 3F2A81234: to=<jo@example.com>,
//	  relay=mx.example.com[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.5/0.6,
//	  dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.10] said: 550
//	  5.1.1 <jo@example.com>: Recipient address rejected: User unknown (in
//	  reply to RCPT TO command))
//
// (one line in the log). A bounced status is a failure, a deferred one a
// temporary failure; sent, deliverable and the like are no evidence. When
// Postfix rewrote the recipient (an alias), orig_to is the address that was
// sent to and the one recorded.

// postfixLine matches a line of a Postfix delivery agent about a recipient:
// the date (syslog's "Mar  2 10:00:01" or RFC 3339), then the program
// ("postfix/smtp[4242]:", or another instance's "postfix-out/smtp"), the
// queue ID and the fields.
var postfixLine = regexp.MustCompile(`^(\w{3} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)\s.*?\bpostfix[^\s/]*/[\w/-]+\[\d+\]: [0-9A-Za-z]+: (to=<.*)$`)

// postfixAny matches any line of Postfix's, to tell its log.
var postfixAny = regexp.MustCompile(`\bpostfix[^\s/]*/[\w/-]+\[\d+\]: `)

// looksLikePostfix reports whether s is a Postfix log: its first line is
// dated as syslog dates (or is journalctl's "-- Logs begin at" line) and
// one of its first thousand lines is Postfix's.
func looksLikePostfix(s string) bool {
	for i, l := range firstLines(s, 1000) {
		if postfixAny.MatchString(l) {
			return true
		}
		if i == 0 && !syslogStart.MatchString(l) && !strings.HasPrefix(l, "-- ") {
			return false
		}
	}
	return false
}

// syslogStart matches the date that starts a syslog line.
var syslogStart = regexp.MustCompile(`^(\w{3} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ][\d:.]+)`)

// postfixField matches one "name=value" field of a delivery line; a value
// in angle brackets may hold commas.
var postfixField = regexp.MustCompile(`(\w+)=(<[^>]*>|[^,\s]*)`)

// readPostfix reads the failures of a Postfix log. now dates the lines of
// a syslog without years: each is taken to be in the last year before
// now.
func readPostfix(s, name string, now time.Time) (File, error) {
	f := File{Path: name, Format: FormatPostfix}
	for i, l := range lines(s) {
		m := postfixLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		rest := m[2]
		var text string
		if j := strings.Index(rest, " ("); j >= 0 && strings.HasSuffix(rest, ")") {
			rest, text = rest[:j], rest[j+2:len(rest)-1]
		}
		fields := map[string]string{}
		for _, fm := range postfixField.FindAllStringSubmatch(rest, -1) {
			if _, ok := fields[fm[1]]; !ok {
				fields[fm[1]] = strings.Trim(fm[2], "<>")
			}
		}
		fd := found{addr: fields["to"], date: syslogDate(m[1], now)}
		if o := fields["orig_to"]; strings.Contains(o, "@") {
			fd.addr = o
		}
		fd.text = text
		fd.status = cmp.Or(cleanStatus(fields["dsn"]), lastStatus(text))
		fd.reply = findReply(text)
		switch fields["status"] {
		case "bounced", "undeliverable":
		case "deferred":
			fd.temporary = true
		default:
			f.Skipped++
			continue
		}
		if fd.addr == "" {
			f.Skipped++
			continue
		}
		if r, ok := fd.record(FormatPostfix, name, i+1); ok {
			f.Records = append(f.Records, r)
		}
	}
	return f, nil
}

// syslogDate parses the date of a syslog line: RFC 3339, or the
// traditional "Mar  2 10:00:01" in local time without a year, which is
// taken to be the last such date before now (plus a day, for clocks that
// differ).
func syslogDate(s string, now time.Time) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	t, err := time.ParseInLocation("Jan _2 15:04:05", s, now.Location())
	if err != nil {
		return time.Time{}
	}
	t = t.AddDate(now.Year(), 0, 0)
	if t.After(now.Add(24 * time.Hour)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t
}
