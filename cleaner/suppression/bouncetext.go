package suppression

import (
	"html"
	"regexp"
	"strings"
)

// This file reads the bounces that hold no delivery status fields, only
// words for a person: qmail's "I'm afraid I wasn't able to deliver your
// message", Exim's "The following address(es) failed", Sendmail's session
// transcript, Gmail's "Delivery to the following recipient failed
// permanently", Yahoo's "Sorry, we were unable to deliver your message",
// and the like.
//
// They share a shape: an introduction, then each failed recipient's
// address followed by what the receiving server said, then a copy of the
// message that bounced. So the text is cut where the copy starts, the
// addresses in it that are not the sender's are the recipients, and the
// words from one recipient to the next are its diagnostic, in which the
// SMTP reply and enhanced status codes are looked for.

// returnedMarkers start the copy of the bounced message in a bounce's
// text (lower case).
var returnedMarkers = []string{
	"original message follows", "----- original message -----", "copy of the message",
	"copy of your message", "unsent message follows", "message headers follow",
	"the body of the message", "original message header", "headers of the original message",
	"---- original message", "returned message follows", "message header follows",
	"content-type: message/rfc822", "------ original message", "original message:",
	"your message reads", "here is the original message", "included below is the original",
	"message that could not be delivered follows",
}

// headerLinePattern matches a line of a mail header quoted in a bounce,
// whose addresses are the sender's or message identifiers.
var headerLinePattern = regexp.MustCompile(`(?i)^\s*(message-id|in-reply-to|references|received|return-path|from|sender|reply-to|dkim-signature|x-[a-z0-9-]+|envelope-from|errors-to)\s*:`)

// delayWords say that a bounce is a warning of a delay, not a failure.
var delayWords = []string{
	"delayed", "has not yet been delivered", "not yet been delivered", "will retry",
	"will be retried", "will keep trying", "will continue trying", "still trying",
	"will try again", "warning: message", "delivery delay",
}

// bounceText returns the words of the bounce itself: its text parts that
// are not the returned message, each cut where a copy of the message
// begins. HTML parts are read only when there is no plain text. copied is
// the copy of the returned message that follows them, if any.
func (m *bounceMessage) bounceText() (own, copied string) {
	var b strings.Builder
	for _, html := range []bool{false, true} {
		for _, p := range m.parts {
			if p.returned || p.mediaType != map[bool]string{false: "text/plain", true: "text/html"}[html] {
				continue
			}
			body := validUTF8(p.body)
			if html {
				body = stripHTML(body)
			}
			text, rest := cutReturned(body)
			b.WriteString(text)
			b.WriteByte('\n')
			if copied == "" {
				copied = strings.TrimLeft(rest, " \t\r\n")
			}
		}
		if b.Len() > 0 {
			break
		}
	}
	return b.String(), copied
}

// cutReturned splits text at the line that starts a copy of the returned
// message: the bounce's own words, and the copy after that line.
func cutReturned(text string) (own, copied string) {
	pos := 0
	for _, l := range strings.SplitAfter(text, "\n") {
		low := strings.ToLower(l)
		for _, mk := range returnedMarkers {
			if strings.Contains(low, mk) {
				return text[:pos], text[pos+len(l):]
			}
		}
		if copyStartPattern.MatchString(l) {
			// The header of the copy, with no line to announce it.
			return text[:pos], text[pos:]
		}
		pos += len(l)
	}
	return text, ""
}

// copyStartPattern matches the first line of a message's header, which
// starts a copy of the returned message.
var copyStartPattern = regexp.MustCompile(`^(Received: from |Return-Path: <|Return-path: <)`)

var tagPattern = regexp.MustCompile(`(?s)<[^>]*>`)

// stripHTML returns the text of an HTML part, tags made into line breaks.
func stripHTML(s string) string {
	return html.UnescapeString(tagPattern.ReplaceAllString(s, "\n"))
}

// senders returns the addresses that are the bounced message's sender or
// the bounce's own, lower case: its To, From, Return-Path, Reply-To and
// Sender, and the From of the returned message.
func (m *bounceMessage) senders() map[string]bool {
	out := map[string]bool{}
	for _, h := range []string{"To", "From", "Return-Path", "Reply-To", "Sender"} {
		for _, a := range addressPattern.FindAllString(m.header.Get(h), -1) {
			out[strings.ToLower(a)] = true
		}
	}
	for _, p := range m.parts {
		if isReturned(p.mediaType) {
			if msgHeader := headerOf(p.body); msgHeader != "" {
				for _, l := range lines(msgHeader) {
					if ll := strings.ToLower(l); strings.HasPrefix(ll, "from:") || strings.HasPrefix(ll, "return-path:") || strings.HasPrefix(ll, "sender:") {
						for _, a := range addressPattern.FindAllString(l, -1) {
							out[strings.ToLower(a)] = true
						}
					}
				}
			}
		}
	}
	return out
}

// headerOf returns the header lines at the start of text.
func headerOf(text string) string {
	if i := strings.Index(text, "\n\n"); i >= 0 {
		return text[:i]
	}
	if i := strings.Index(text, "\r\n\r\n"); i >= 0 {
		return text[:i]
	}
	return text
}

// systemLocals are the local parts of addresses that send bounces, never
// a failed recipient.
var systemLocals = map[string]bool{
	"mailer-daemon": true, "double-bounce": true, "maildaemon": true,
	"mail-daemon": true, "bounce": true, "bounces": true, "noreply": true, "no-reply": true,
}

// aliasPattern matches what follows an address that a server rewrote
// from another: Postfix's "(expanded from <jo@example.com>)", Exim's
// "(generated from jo@example.com)".
var aliasPattern = regexp.MustCompile(`^>?\s*\((?:expanded|generated) from <?([^\s<>()]+@[^\s<>()]+?)>?\)`)

// notRecipientPattern matches the words before an address in a bounce's
// text that make it the sender or someone to write to, not a recipient.
var notRecipientPattern = regexp.MustCompile(`(?i)(sent by|from|contact|send mail to|sender|mailto)\W*$`)

// textBlock is a recipient named in a bounce's text and the words that
// follow it, up to the next recipient.
type textBlock struct {
	addr string
	text string
}

// textBlocks finds the recipients in text and their words.
func textBlocks(text string, exclude map[string]bool) []textBlock {
	type hit struct {
		addr string
		pos  int
	}
	var hits []hit
	seen := map[string]bool{}
	pos := 0
	for _, l := range strings.SplitAfter(text, "\n") {
		if !headerLinePattern.MatchString(l) {
			for _, loc := range addressPattern.FindAllStringIndex(l, -1) {
				a := strings.Trim(l[loc[0]:loc[1]], ".-")
				key := strings.ToLower(a)
				local, _, _ := strings.Cut(key, "@")
				if exclude[key] || seen[key] || systemLocals[local] || strings.ContainsAny(local, "/=") ||
					notRecipientPattern.MatchString(l[:loc[0]]) {
					continue
				}
				seen[key] = true
				if m := aliasPattern.FindStringSubmatch(text[pos+loc[1]:]); m != nil {
					// The address the sender wrote, which a server
					// rewrote to this one: it is the recipient.
					a = m[1]
					seen[strings.ToLower(a)] = true
				}
				hits = append(hits, hit{a, pos + loc[0]})
			}
		}
		pos += len(l)
	}
	blocks := make([]textBlock, len(hits))
	for i, h := range hits {
		end := len(text)
		if i+1 < len(hits) {
			end = hits[i+1].pos
		}
		start := h.pos
		if i == 0 {
			start = 0 // the introduction may say what went wrong
		}
		blocks[i] = textBlock{h.addr, collapseSpace(text[start:end])}
	}
	return blocks
}

// collapseSpace joins the lines of s and makes each run of white space
// one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// textByAddress returns what m's text says of each recipient it names,
// by lower-case address.
func (m *bounceMessage) textByAddress() map[string]string {
	out := map[string]string{}
	own, _ := m.bounceText()
	for _, b := range textBlocks(own, m.senders()) {
		out[strings.ToLower(b.addr)] = b.text
	}
	return out
}

// textFailures reads the failed recipients of a bounce that has only
// words. When the words name no recipient, the recipients are those of
// the returned message.
func (m *bounceMessage) textFailures() []found {
	text, copied := m.bounceText()
	if strings.TrimSpace(text) == "" {
		return nil
	}
	low := strings.ToLower(m.header.Get("Subject") + "\n" + text)
	temporary := false
	for _, w := range delayWords {
		if strings.Contains(low, w) {
			temporary = true
			break
		}
	}
	blocks := textBlocks(text, m.senders())
	if len(blocks) == 0 {
		rcpts := m.returnedRecipients()
		if len(rcpts) == 0 && copied != "" {
			rcpts = headerRecipients(copied)
		}
		for _, a := range rcpts {
			blocks = append(blocks, textBlock{a, collapseSpace(text)})
		}
	}
	out := make([]found, 0, len(blocks))
	for _, b := range blocks {
		f := found{addr: b.addr, failure: failure{text: b.text, temporary: temporary}}
		f.status = findStatus(b.text)
		f.reply = findReply(b.text)
		out = append(out, f)
	}
	return out
}
