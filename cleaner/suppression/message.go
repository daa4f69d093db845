package suppression

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// This file reads one email that came back: it takes the message apart
// into its MIME parts and hands them to the reader that fits, a delivery
// status notification (dsn.go), a complaint report (arf.go) or the text of
// a mail server that sends neither (bouncetext.go).

// mimePart is one leaf of a message's MIME tree, its transfer encoding
// undone.
type mimePart struct {
	mediaType string // lower case, "text/plain" when not given
	params    map[string]string
	body      string
	// returned says the part is, or is inside, the message that bounced
	// (message/rfc822, text/rfc822-headers): its addresses are the
	// sender's and the original recipients', not the bounce's findings.
	returned bool
}

// bounceMessage is an email taken apart.
type bounceMessage struct {
	header mail.Header
	date   time.Time // the Date header; zero when missing or unreadable
	parts  []mimePart
	raw    string // the whole message as read, to find where an address is
}

// maxDepth bounds the nesting of MIME parts followed.
const maxDepth = 8

// parseMessage takes raw apart. ok is false when raw has no header.
func parseMessage(raw string) (m *bounceMessage, ok bool) {
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return nil, false
	}
	body, _ := io.ReadAll(msg.Body)
	m = &bounceMessage{header: msg.Header, raw: raw}
	if d, err := mail.ParseDate(msg.Header.Get("Date")); err == nil {
		m.date = d
	}
	m.collect(msg.Header, body, 0, false)
	return m, true
}

// getter is a header: mail.Header and textproto.MIMEHeader both are.
type getter interface{ Get(string) string }

// collect adds the leaves of the part with header h and body to m.parts.
func (m *bounceMessage) collect(h getter, body []byte, depth int, returned bool) {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType == "" {
		mediaType, params = "text/plain", nil
	}
	body = decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	switch {
	case strings.HasPrefix(mediaType, "multipart/") && params["boundary"] != "" && depth < maxDepth:
		r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		found := false
		for {
			p, err := r.NextPart()
			if err != nil {
				break
			}
			found = true
			b, _ := io.ReadAll(p)
			m.collect(p.Header, b, depth+1, returned)
			if pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); isReturned(pt) {
				// Everything after the returned message is part of it
				// or an appendix to it.
				returned = true
			}
		}
		if !found {
			m.parts = append(m.parts, mimePart{mediaType: "text/plain", body: string(body), returned: returned})
		}
	default:
		m.parts = append(m.parts, mimePart{
			mediaType: mediaType, params: params, body: string(body),
			returned: returned || isReturned(mediaType),
		})
	}
}

// isReturned reports whether a part of this type is the message that
// bounced.
func isReturned(mediaType string) bool {
	switch mediaType {
	case "message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers", "message/partial":
		return true
	}
	return false
}

// decodeTransfer undoes a base64 or quoted-printable transfer encoding;
// when the encoding is broken it returns what decoded, or body as it is.
func decodeTransfer(cte string, body []byte) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, body)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil && n == 0 {
			return body
		}
		return out[:n]
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil && len(out) == 0 {
			return body
		}
		return out
	}
	return body
}

// messageRecords reads the records of one email; line is the line of the
// file where it starts. skipped is 1 when the message holds no failure
// (a delivery report, an automatic reply, mail that is no bounce).
func messageRecords(raw, file string, line int, format Format) (recs []Record, skipped int) {
	m, ok := parseMessage(raw)
	if !ok {
		return nil, 1
	}
	if m.isAutoReply() {
		return nil, 1
	}
	var fails []found
	own, _ := m.bounceText()
	if fs, _, ok := sesNotifications(own); ok {
		fails = fs
	} else if m.hasPart("message/feedback-report") {
		fails = m.complaints()
	} else if fails = m.deliveryStatus(); len(fails) == 0 {
		if fails = m.forwardedStatus(); len(fails) == 0 && m.isBounce() {
			fails = m.textFailures()
		}
	}
	for _, f := range fails {
		if f.date.IsZero() {
			f.date = m.date
		}
		if r, ok := f.record(format, file, line+m.lineOf(f.addr)); ok {
			recs = append(recs, r)
		}
	}
	if len(recs) == 0 {
		return nil, 1
	}
	return recs, 0
}

// found is a recipient a message reports on.
type found struct {
	addr string
	failure
	known Kind // the kind, when it is known without classifying the failure (a complaint)
	date  time.Time
}

// autoReplySubject matches the subjects of automatic replies (RFC 3834)
// in the languages most often seen.
var autoReplySubject = regexp.MustCompile(`(?i)^\s*(auto(matic|matische)?[ -]?(reply|response|antwort)|out of (the )?office|away|abwesenheit|réponse automatique|respuesta automática|vacation)`)

// failureSubject matches the subjects of bounces, in the languages most
// often seen.
var failureSubject = regexp.MustCompile(`(?i)undeliver|deliver|failure|failed|returned|bounce|error|rejected|non[- ]remis|unzustellbar|non recapitabile|no entregado|onbestelbaar|エラー|不達|未達`)

// isAutoReply reports whether m is an automatic reply (an out-of-office
// message), which says nothing against its sender's address: it says it
// is one and is no bounce by its sender, subject or content.
func (m *bounceMessage) isAutoReply() bool {
	subject := m.header.Get("Subject")
	auto := strings.EqualFold(strings.TrimSpace(m.header.Get("Auto-Submitted")), "auto-replied") ||
		m.header.Get("X-Autoreply") != "" || m.header.Get("X-Autorespond") != "" ||
		strings.EqualFold(m.header.Get("Precedence"), "auto_reply") || autoReplySubject.MatchString(subject)
	if !auto || failureSubject.MatchString(subject) || len(m.dsnParts()) > 0 || m.hasPart("message/feedback-report") {
		return false
	}
	from := strings.ToLower(m.header.Get("From"))
	return !strings.Contains(from, "mailer-daemon") && !strings.Contains(from, "postmaster")
}

// bounceFrom matches the senders of bounces.
var bounceFrom = regexp.MustCompile(`(?i)mailer-daemon|post_?master|mail delivery|mail administrator|mailer|daemon|bounce|mail system`)

// isBounce reports whether m, which has no delivery status fields, is a
// bounce by its sender, subject or header, so that the addresses in an
// ordinary email are never taken for failed recipients.
func (m *bounceMessage) isBounce() bool {
	h := m.header
	return bounceFrom.MatchString(h.Get("From")) || failureSubject.MatchString(h.Get("Subject")) ||
		strings.TrimSpace(h.Get("Return-Path")) == "<>" || h.Get("X-Failed-Recipients") != ""
}

// forwardedStatus reads the delivery status of a bounce that came
// forwarded, as the message/rfc822 part of m.
func (m *bounceMessage) forwardedStatus() []found {
	for _, p := range m.parts {
		if p.mediaType != "message/rfc822" {
			continue
		}
		if inner, ok := parseMessage(p.body); ok && len(inner.dsnParts()) > 0 {
			return inner.deliveryStatus()
		}
	}
	return nil
}

// record makes the Record of f; ok is false when f is no failure (a
// delivery).
func (f found) record(format Format, file string, line int) (Record, bool) {
	r := Record{
		Address: f.addr, Kind: f.known, Status: f.status, Date: f.date,
		Diagnostic: f.text, Format: format, File: file, Line: line,
	}
	if r.Kind == "" {
		k, ok := f.failure.kind()
		if !ok {
			return Record{}, false
		}
		r.Kind = k
	}
	return r, true
}

// hasPart reports whether m has a part of this media type.
func (m *bounceMessage) hasPart(mediaType string) bool {
	for _, p := range m.parts {
		if p.mediaType == mediaType {
			return true
		}
	}
	return false
}

// lineOf returns the 0-based line of raw where the body first names addr,
// or 0 (the first line) when it does not.
func (m *bounceMessage) lineOf(addr string) int {
	if addr == "" {
		return 0
	}
	start := strings.Index(m.raw, "\n\n")
	if s := strings.Index(m.raw, "\r\n\r\n"); s >= 0 && (start < 0 || s < start) {
		start = s
	}
	if start < 0 {
		return 0
	}
	i := strings.Index(asciiLower(m.raw[start:]), asciiLower(addr))
	if i < 0 {
		return 0
	}
	return strings.Count(m.raw[:start+i], "\n")
}

// addressPattern matches what looks like an email address in free text.
var addressPattern = regexp.MustCompile(`[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+`)

// bareAddress returns the address in a DSN or header value such as
// "rfc822; <jo@example.com>" or "Jo <jo@example.com>", "" when there is
// none.
func bareAddress(v string) string {
	v = strings.TrimSpace(v)
	if t, a, ok := strings.Cut(v, ";"); ok && !strings.Contains(t, "@") {
		v = strings.TrimSpace(a)
	}
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			v = v[i+1 : i+j]
		}
	}
	v = strings.Trim(v, " \t\"'<>")
	if strings.ContainsAny(v, " \t") || !strings.Contains(v, "@") {
		if a := addressPattern.FindString(v); a != "" {
			return strings.Trim(a, ".")
		}
		return ""
	}
	return v
}

// asciiLower lower-cases the ASCII letters of s only, so that indexes into
// it are indexes into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
