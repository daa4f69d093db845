package suppression

import (
	"net/mail"
	"slices"
	"strings"
)

// This file reads spam complaints in the Abuse Reporting Format (RFC
// 5965) that mailbox providers send through their feedback loops: a
// message/feedback-report part,
//
//	Feedback-Type: abuse
//	User-Agent: SomeGenerator/1.0
//	Version: 1
//	Original-Rcpt-To: <jo@example.com>
//	Arrival-Date: Mon, 2 Mar 2026 10:00:00 +0000
//
// and the message complained of. The recipient who complained is the
// Original-Rcpt-To, or else the To of that message. A report of the
// opt-out type is a request to unsubscribe the Removal-Recipient.

// complaints reads the complaint of m, if it is one.
func (m *bounceMessage) complaints() []found {
	var out []found
	for _, p := range m.parts {
		if p.mediaType != "message/feedback-report" {
			continue
		}
		fields := map[string]string{}
		var rcpts, removals []string
		for _, f := range slices.Concat(dsnFields(p.body)...) {
			switch f.name {
			case "original-rcpt-to":
				if a := bareAddress(f.value); a != "" {
					rcpts = append(rcpts, a)
				}
			case "removal-recipient":
				if a := bareAddress(f.value); a != "" {
					removals = append(removals, a)
				}
			}
			if fields[f.name] == "" {
				fields[f.name] = f.value
			}
		}
		kind := Complaint
		switch strings.ToLower(firstWord(fields["feedback-type"])) {
		case "not-spam", "auth-failure":
			// Not a complaint about the recipient: a report that a
			// message is not spam, or a DMARC failure report.
			continue
		case "opt-out", "opt-out-list":
			// A request to be removed (an unsubscribe), which names
			// the address to remove.
			kind = Unsubscribed
			if len(removals) > 0 {
				rcpts = removals
			}
		}
		if len(rcpts) == 0 {
			rcpts = m.returnedRecipients()
		}
		date := dateOf(fields["arrival-date"])
		if date.IsZero() {
			date = dateOf(fields["received-date"])
		}
		for _, a := range rcpts {
			out = append(out, found{addr: a, known: kind, date: date,
				failure: failure{text: strings.TrimSpace("feedback-type: " + fields["feedback-type"])}})
		}
	}
	return out
}

// returnedRecipients returns the To and Cc addresses of the message that
// came back with m, in order.
func (m *bounceMessage) returnedRecipients() []string {
	for _, p := range m.parts {
		if !isReturned(p.mediaType) && !(p.returned && strings.Contains(p.body, ":")) {
			continue
		}
		if rs := headerRecipients(p.body); len(rs) > 0 {
			return rs
		}
	}
	return nil
}

// headerRecipients returns the To and Cc addresses of the header that
// starts text.
func headerRecipients(text string) []string {
	msg, err := mail.ReadMessage(strings.NewReader(text))
	if err != nil {
		return nil
	}
	var out []string
	for _, h := range []string{"To", "Cc"} {
		v := msg.Header.Get(h)
		if v == "" {
			continue
		}
		if list, err := mail.ParseAddressList(v); err == nil {
			for _, a := range list {
				out = append(out, a.Address)
			}
			continue
		}
		out = append(out, addressPattern.FindAllString(v, -1)...)
	}
	return out
}
