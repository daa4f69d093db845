package suppression

import (
	"cmp"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
)

// This file reads delivery status notifications (RFC 3464): the
// message/delivery-status part, one group of fields for the message and
// one per recipient:
//
//	Reporting-MTA: dns; mx.example.net
//	Arrival-Date: Mon, 2 Mar 2026 10:00:00 +0000
//
//	Final-Recipient: rfc822; jo@example.com
//	Action: failed
//	Status: 5.1.1
//	Diagnostic-Code: smtp; 550 5.1.1 <jo@example.com>: user unknown

// dsnField is one "Name: value" field, its name lower case and folded
// lines joined.
type dsnField struct{ name, value string }

// dsnFieldPattern matches the first line of a field.
var dsnFieldPattern = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*)[ \t]*:(.*)$`)

// dsnFields reads the fields of body in groups, as blank lines separate
// them, leaving out lines that are no field.
func dsnFields(body string) [][]dsnField {
	var groups [][]dsnField
	var cur []dsnField
	for _, l := range lines(body) {
		switch {
		case strings.TrimSpace(l) == "":
			if len(cur) > 0 {
				groups = append(groups, cur)
				cur = nil
			}
		case (l[0] == ' ' || l[0] == '\t') && len(cur) > 0:
			cur[len(cur)-1].value += " " + strings.TrimSpace(l)
		default:
			if m := dsnFieldPattern.FindStringSubmatch(l); m != nil {
				cur = append(cur, dsnField{strings.ToLower(m[1]), strings.TrimSpace(m[2])})
			}
		}
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// dsnRecipient is the fields of one recipient.
type dsnRecipient map[string]string

// dsnGroups sorts the groups of fields into the message's and each
// recipient's. A group with a Final-Recipient or Original-Recipient is a
// recipient's, whatever the order of its fields, and a second one in a
// group starts another recipient, as the blank line between them is
// sometimes missing; the fields before the first recipient's of a group
// go to the message too.
func dsnGroups(groups [][]dsnField) (msg map[string]string, rcpts []dsnRecipient) {
	msg = map[string]string{}
	for _, g := range groups {
		var cur dsnRecipient
		if slices.ContainsFunc(g, isRecipientField) {
			cur = dsnRecipient{}
			rcpts = append(rcpts, cur)
		}
		seen := false
		for _, f := range g {
			if isRecipientField(f) {
				if cur[f.name] != "" {
					cur = dsnRecipient{}
					rcpts = append(rcpts, cur)
				}
				seen = true
			}
			if !seen && msg[f.name] == "" {
				msg[f.name] = f.value
			}
			if cur != nil && cur[f.name] == "" {
				cur[f.name] = f.value
			}
		}
	}
	return msg, rcpts
}

// isRecipientField reports whether f names a recipient.
func isRecipientField(f dsnField) bool {
	return f.name == "final-recipient" || f.name == "original-recipient"
}

// dsnParts returns the bodies that hold delivery status fields: the
// message/delivery-status parts, or failing those a text part of the
// bounce itself that holds a Final-Recipient field, as some servers send.
func (m *bounceMessage) dsnParts() []string {
	var bodies []string
	for _, p := range m.parts {
		if p.mediaType == "message/delivery-status" || p.mediaType == "message/global-delivery-status" {
			bodies = append(bodies, p.body)
		}
	}
	if len(bodies) > 0 {
		return bodies
	}
	for _, p := range m.parts {
		if !p.returned && strings.HasPrefix(p.mediaType, "text/") && finalRecipientLine.MatchString(p.body) {
			bodies = append(bodies, p.body)
		}
	}
	return bodies
}

var finalRecipientLine = regexp.MustCompile(`(?im)^final-recipient[ \t]*:`)

// deliveryStatus reads the recipients of m's delivery status fields. A
// recipient without a diagnostic gets the words the bounce's text says of
// it.
func (m *bounceMessage) deliveryStatus() []found {
	var out []found
	var texts map[string]string
	for _, body := range m.dsnParts() {
		msg, rcpts := dsnGroups(dsnFields(body))
		for _, r := range rcpts {
			addr := bareAddress(r["original-recipient"])
			if addr == "" || strings.EqualFold(addr, "undisclosed") {
				addr = bareAddress(r["final-recipient"])
			}
			if addr == "" {
				addr = bareAddress(r["x-actual-recipient"])
			}
			if addr == "" {
				continue
			}
			f := found{addr: addr}
			f.action = strings.ToLower(firstWord(r["action"]))
			f.text = diagnosticText(r["diagnostic-code"])
			f.status = dsnStatus(cleanStatus(r["status"]), f.text)
			if texts == nil {
				texts = m.textByAddress()
			}
			f.context = texts[strings.ToLower(addr)]
			if f.context == "" {
				f.context = texts[strings.ToLower(bareAddress(r["final-recipient"]))]
			}
			if f.text == "" {
				f.text, f.context = f.context, ""
				if f.status == "" || strings.HasSuffix(f.status, ".0.0") {
					f.status = cmp.Or(findStatus(f.text), f.status)
				}
			}
			f.reply = findReply(f.text)
			for _, d := range []string{r["last-attempt-date"], msg["arrival-date"]} {
				if t, err := mail.ParseDate(d); err == nil {
					f.date = t
					break
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// dsnStatus returns the status of a recipient: the last enhanced status
// code in its Diagnostic-Code, else its Status field. The diagnostic holds
// the receiving server's own reply, which the reporting server's Status
// often sums up less exactly ("Status: 5.1.1" for "550 5.7.1 IP address
// blacklisted", "Status: 4.4.7" for a message that expired after "4.4.2
// Connection timed out"), and a relay quotes the reply it got last
// ("5.1.0 - Unknown address error 550-'5.2.2 ... Mailbox Full'").
func dsnStatus(status, diagnostic string) string {
	if s := lastStatus(diagnostic); s != "" {
		return s
	}
	return status
}

// diagnosticText returns a Diagnostic-Code without its type ("smtp; 550
// ..." gives "550 ...").
func diagnosticText(v string) string {
	if t, rest, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(t, " \t") {
		return strings.TrimSpace(rest)
	}
	return strings.TrimSpace(v)
}

// firstWord returns the first word of s.
func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return strings.Trim(f[0], "();,")
	}
	return ""
}

// dateOf parses a date as mail headers write it; zero when it cannot.
func dateOf(s string) time.Time {
	t, err := mail.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return t
}
