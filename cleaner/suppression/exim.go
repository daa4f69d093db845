package suppression

import (
	"regexp"
	"strings"
	"time"
)

// This file reads Exim's main log: a line per event of each message, with
// "**" for a delivery that failed for good and "==" for one deferred.
//
//	2026-03-02 10:00:01 1vXyZa-000AbC-7Q ** jo@example.com R=dnslookup
//	  T=remote_smtp H=mx.example.com [192.0.2.10]: SMTP error from remote
//	  mail server after RCPT TO:<jo@example.com>: 550 5.1.1 User unknown
//	2026-03-02 10:00:02 1vXyZa-000AbD-8R ** al@nowhere.example: Unrouteable address
//	2026-03-02 10:00:03 1vXyZa-000AbE-9S == bo@example.org R=dnslookup
//	  T=remote_smtp defer (-44) H=mx.example.org [192.0.2.20]: SMTP error
//	  from remote mail server after RCPT TO:<bo@example.org>: 451 4.7.1
//	  Greylisted
//
// (one line each). When Exim rewrote the recipient, the address that was
// sent to follows in angle brackets and is the one recorded.

// eximLine matches a failure or a deferral: the date (with a time zone and
// a process ID when log_selector adds them), the message ID (old and new
// lengths), the flag and the rest.
var eximLine = regexp.MustCompile(`^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)(?: ([+-]\d{4}))?(?: \[\d+\])? [0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} (\*\*|==|=>|->) (.*)$`)

// eximAny matches any line of Exim's that names a message.
var eximAny = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [+-]\d{4})?(?: \[\d+\])? [0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} `)

// looksLikeExim reports whether s is an Exim main log: one of its first
// thousand lines is about a message, and the first is dated as Exim dates.
func looksLikeExim(s string) bool {
	ls := firstLines(s, 1000)
	if len(ls) == 0 || !syslogStart.MatchString(ls[0]) {
		return false
	}
	for _, l := range ls {
		if eximAny.MatchString(l) {
			return true
		}
	}
	return false
}

// eximRecipient matches the start of the rest of a failure line: the
// address, the one it was rewritten from in angle brackets, and what
// follows.
var eximRecipient = regexp.MustCompile(`^(\S+?):?(?: <([^>]*)>)?(?:\s+(.*))?$`)

// eximTransport matches the router, transport and host fields before the
// error of a failure line.
var eximTransport = regexp.MustCompile(`^(?:(?:[RTFPS]=\S+|H=\S+(?: \[[^\]]*\])?|defer \(-?\d+\)|I=\[[^\]]*\](?::\d+)?|X=\S+|CV=\S+|DN="[^"]*"|K|C="[^"]*"|QT=\S+|DT=\S+)\s*)+:?\s*`)

// readExim reads the failures of an Exim main log.
func readExim(s, name string) (File, error) {
	f := File{Path: name, Format: FormatExim}
	for i, l := range lines(s) {
		m := eximLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if m[3] == "=>" || m[3] == "->" {
			f.Skipped++ // delivered
			continue
		}
		rm := eximRecipient.FindStringSubmatch(m[4])
		if rm == nil || !strings.Contains(rm[1], "@") {
			f.Skipped++
			continue
		}
		fd := found{addr: rm[1], date: eximDate(m[1], m[2])}
		if strings.Contains(rm[2], "@") {
			fd.addr = rm[2]
		}
		fd.text = strings.TrimSpace(eximTransport.ReplaceAllString(rm[3], ""))
		fd.status = lastStatus(fd.text)
		fd.reply = findReply(fd.text)
		fd.temporary = m[3] == "=="
		if r, ok := fd.record(FormatExim, name, i+1); ok {
			f.Records = append(f.Records, r)
		}
	}
	return f, nil
}

// eximDate parses the date of an Exim log line, in the zone it gives or
// else local time.
func eximDate(date, zone string) time.Time {
	if zone != "" {
		if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700", date+" "+zone); err == nil {
			return t
		}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", date, time.Local)
	if err != nil {
		return time.Time{}
	}
	return t
}
