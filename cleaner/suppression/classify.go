package suppression

import (
	"regexp"
	"strings"
)

// This file is the one place where a failure becomes a Kind. Every reader
// of bounces (DSNs, plain-text bounces, logs, ESP exports with a status
// column) describes each failed recipient as a failure and lets classify
// decide.
//
// The rule: a temporary failure (4.x.x, a deferral) is never a hard bounce.
// A permanent failure (5.x.x) is one when its status code or its words
// say that the address cannot receive mail: the mailbox does not exist or
// has moved, the domain does not exist, accepts no mail or cannot be
// routed to (the 5.4.4 this tool exists to prevent). A permanent failure
// for another reason (a block list, a spam filter, a policy, the content,
// a full mailbox) or for none that can be told is kept only as a detail:
// the address may well be fine, and an address taken off a list is a
// subscriber lost.

// failure is what a bounce says of one recipient.
type failure struct {
	status string // enhanced status code, "" when none was found
	reply  string // SMTP reply code ("550"), "" when none was found
	action string // RFC 3464 Action, lower case; "" when not given
	text   string // the diagnostic, as read
	// context is more of the bounce's words about the recipient, read
	// for the SMTP command answered and for a cause the diagnostic does
	// not give.
	context string
	// temporary says the bounce itself calls the failure temporary (a
	// warning that delivery is delayed, a log's "deferred").
	temporary bool
}

// cause is why a delivery failed, as far as classify needs to know.
type cause int

const (
	causeUnknown   cause = iota
	causeMailbox         // the mailbox does not exist (x.1.1)
	causeDomain          // the domain does not exist or cannot be routed to (x.1.2, x.4.4)
	causeMoved           // the mailbox has moved (x.1.6)
	causeNoMail          // the domain accepts no mail: null MX (x.1.10)
	causeFull            // the mailbox is full (x.2.2)
	causeExpired         // delivery was retried until it timed out
	causeRefused         // the message or its sender was refused: policy, spam, block list, content, size, authentication
	causeSuspended       // the mailbox exists but is disabled (x.2.1)
	causeNetwork         // the network or DNS failed on the way, which says nothing of the address
)

// address reports whether c says the address itself cannot receive
// mail.
func (c cause) address() bool {
	return c == causeMailbox || c == causeDomain || c == causeMoved || c == causeNoMail
}

// kind classifies f; ok is false when f is not a failure at all (a
// delivery report, a relay notice).
func (f failure) kind() (k Kind, ok bool) {
	switch f.class() {
	case '2':
		return "", false
	case '4':
		return SoftBounce, true
	}
	switch c := f.cause(); {
	case c.address():
		return HardBounce, true
	case c == causeFull, c == causeExpired, c == causeNetwork:
		return SoftBounce, true
	default:
		return Rejected, true
	}
}

// class is the failure's class: '2' for success, '4' for a temporary
// failure, '5' for a permanent one. The status code decides, then the
// action, then the reply code; a bounce that says nothing is permanent.
func (f failure) class() byte {
	switch f.action {
	case "delivered", "relayed", "expanded":
		return '2'
	case "delayed":
		return '4'
	}
	if f.temporary {
		return '4'
	}
	if f.status != "" {
		return f.status[0]
	}
	if f.reply != "" {
		return f.reply[0]
	}
	return '5'
}

// cause finds why f failed: from its status code's subject and detail when
// they are specific, else from its words. A server that accepted the
// recipient and then refused the message (at DATA) or that refused the
// sender (at MAIL FROM) has said nothing against the address, whatever its
// words, unless its status code names the mailbox (x.1.1): many filters
// answer "user unknown" to mail they do not want.
func (f failure) cause() cause {
	text := strings.ToLower(f.text)
	byText := textCause(text)
	if byText == causeUnknown && f.context != "" {
		byText = textCause(strings.ToLower(f.context))
	}
	byCode := causeUnknown
	if _, subject, detail, ok := splitStatus(f.status); ok {
		byCode = statusCause(subject, detail)
	}
	c := byCode
	switch {
	case byCode == causeUnknown:
		c = byText
	case byText.address() && (byCode == causeRefused || byCode == causeSuspended):
		// "550 5.2.1 <jo@example.com>... User Unknown": the words name
		// the address, whatever the code.
		c = byText
	case byCode == causeMailbox && byText != causeUnknown && !byText.address():
		// "550 5.1.1 ... blocked": many servers answer 5.1.1 to a
		// refused sender too.
		c = byText
	case byCode == causeDomain && byText == causeNetwork:
		// "5.4.4 Name service error ...: Malformed or unexpected name
		// server reply": the lookup failed, which proves nothing.
		c = byText
	}
	if c == causeMailbox && byCode != causeMailbox {
		switch smtpCommand(text + "\n" + strings.ToLower(f.context)) {
		case "data", "mail":
			return causeRefused
		}
	}
	return c
}

// commandPattern finds the SMTP command a server was answering: Postfix's
// "in reply to end of DATA command", Exim's "after RCPT TO:", and the
// ">>> DATA" of a session transcript (of which the last counts).
var (
	commandPattern    = regexp.MustCompile(`(?:in reply to (?:end of )?|after (?:end of )?)(data|rcpt|mail)\b`)
	transcriptCommand = regexp.MustCompile(`>>> (data|rcpt|mail)\b`)
)

// smtpCommand returns the SMTP command (lower case: "data", "rcpt",
// "mail") that the failure answered, "" when text does not say.
func smtpCommand(text string) string {
	if m := commandPattern.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	if ms := transcriptCommand.FindAllStringSubmatch(text, -1); ms != nil {
		return ms[len(ms)-1][1]
	}
	return ""
}

// statusCause is what an enhanced status code's subject and detail say
// (RFC 3463); causeUnknown when they leave it to the words.
func statusCause(subject, detail string) cause {
	switch subject {
	case "1":
		switch detail {
		case "0", "1", "3":
			return causeMailbox
		case "2":
			return causeDomain
		case "6":
			return causeMoved
		case "10":
			return causeNoMail
		case "7", "8":
			return causeRefused // the sender's address
		}
	case "2":
		switch detail {
		case "1":
			return causeSuspended
		case "2":
			return causeFull
		case "3":
			return causeRefused // too long for the mailbox
		}
	case "3":
		if detail == "4" {
			return causeRefused // too big
		}
	case "4":
		switch detail {
		case "4":
			return causeDomain
		case "7":
			return causeExpired
		}
	case "5", "6", "7":
		if detail != "0" || subject != "5" {
			return causeRefused // protocol, content, policy
		}
	}
	return causeUnknown
}

// The words that name a cause, lower case, checked in the order of
// textCauses: the more specific first ("domain does not exist" before
// "does not exist").
var textCauses = []struct {
	cause cause
	words []string
}{
	{causeRefused, []string{
		// The sender's address, not the recipient's.
		"sender address rejected", "sender rejected", "sender verify failed",
		"sender address is not", "sender domain", "invalid sender",
	}},
	{causeNetwork, []string{
		// A lookup that failed, before the words of a domain that
		// does not exist ("Name service error ...: Malformed or
		// unexpected name server reply").
		"malformed or unexpected name server reply", "name server failure", "servfail",
		"temporary failure in name resolution",
	}},
	{causeNoMail, []string{
		"null mx", "does not accept mail", "doesn't accept mail", "accepts no mail",
		"not accept any mail", "domain does not receive mail",
	}},
	{causeDomain, []string{
		"host unknown", "unknown host", "host not found", "host or domain name not found",
		"domain not found", "domain does not exist", "domain doesn't exist", "no such domain",
		"unknown domain", "domain is unknown", "domain must exist", "unrouteable address",
		"unroutable address", "unable to route", "name service error", "name or service not known",
		"dns lookup failure", "no mx record", "no mx for", "mx lookup failed", "nxdomain",
		"mail domain mentioned in email address is unknown", "domain name not found",
		"could not be resolved", "domain is not reachable", "non-existent domain",
		"nonexistent domain", "bad destination system address",
	}},
	{causeMoved, []string{"has moved", "address has changed", "no longer available at this address"}},
	{causeFull, []string{
		"mailbox full", "mailbox is full", "mailbox is over quota", "over quota", "quota exceeded",
		"exceeded storage", "exceeds storage", "storage allocation", "insufficient storage",
		"mailbox size limit", "user is over", "exceed the quota", "exceeded quota",
		"exceeded its quota", "disk quota", "mailfolder is full", "full mailbox", "out of storage",
		"mailbox exceeds", "mailbox exceeded",
	}},
	{causeSuspended, []string{
		"account is disabled", "account has been disabled", "mailbox disabled", "mailbox is disabled",
		"account disabled", "account is suspended", "account has been suspended", "suspended account",
		"account is locked", "mailbox is inactive", "account is inactive", "inactive account",
		"not accepting messages", "user suspended", "deactivated", "temporary locked",
		"temporarily locked", "mailbox is frozen", "account frozen",
	}},
	{causeMailbox, []string{
		"user unknown", "unknown user", "no such user", "unknown recipient", "recipient unknown",
		"no such recipient", "invalid recipient", "recipient not found", "user not found",
		"mailbox not found", "mailbox does not exist", "mailbox unavailable",
		"mailbox is unavailable", "no such mailbox", "invalid mailbox",
		"unknown mailbox", "not a valid mailbox", "bad destination mailbox",
		"address does not exist", "account does not exist", "user does not exist",
		"recipient does not exist", "unknown local part", "unknown local-part",
		"addressee unknown", "not a known user", "unknown or illegal alias",
		"recipient address rejected: access denied", "no such person", "no such address",
		"not listed in", "invalid final delivery", "no valid recipient",
	}},
	{causeNetwork, []string{
		"connection refused", "connection timed out", "no route to host", "network is unreachable",
		"did not accept our requests to connect", "routing loop", "hop count exceeded",
	}},
	{causeRefused, []string{
		"spam", "blacklist", "blocklist", "block list", "black list", "blocked", "spamhaus",
		"rbl", "dnsbl", "reputation", "policy", "denied", "not authorized", "unauthorized",
		"not permitted", "prohibited", "spf", "dkim", "dmarc", "authentication", "relay",
		"rate limit", "too many", "reverse dns", "ptr record", "rdns", "virus", "malware",
		"message content", "content rejected", "too large", "too big", "message size",
		"size limit", "exceeds the maximum", "refused", "not allowed",
		"junk", "bulk mail", "suspicious", "security", "starttls", "helo",
		"syntax error", "message rejected", "unsolicited", "abuse",
	}},
	{causeExpired, []string{
		"expired", "retry time", "retry timeout", "too long", "timed out", "time out",
		"could not be delivered for", "was not delivered within", "giving up.",
		"multiple retries", "could not deliver for the last",
		"delivery time", "message is too old",
	}},
	{causeMailbox, []string{
		"no mailbox", "does not exist", "doesn't exist",
		"not exist", "unknown address", "address unknown", "address rejected", "invalid address",
		"not a valid user", "address not found", "user does not", "recipient rejected",
		"no account", "user doesn't", "recipient does not", "could not be found", "not found",
		"no longer", "undeliverable address", "bad address", "unknown e-mail",
		"unknown email", "not our customer", "is not valid", "isn't valid",
	}},
}

// textCause finds the first cause whose words are in text (lower case).
func textCause(text string) cause {
	if text == "" {
		return causeUnknown
	}
	for _, tc := range textCauses {
		for _, w := range tc.words {
			if strings.Contains(text, w) {
				return tc.cause
			}
		}
	}
	return causeUnknown
}

// statusPattern matches an enhanced status code (RFC 3463) in text: a
// class of 2, 4 or 5 and two numbers, not part of a longer run of dotted
// numbers such as an IP address or a version.
var statusPattern = regexp.MustCompile(`(?:^|[^0-9.])([245]\.[0-9]{1,3}\.[0-9]{1,3})(?:[^0-9.]|\.(?:[^0-9]|$)|$)`)

// findStatus returns the first enhanced status code of class 4 or 5 in
// text, "" when there is none.
func findStatus(text string) string {
	for _, m := range statusPattern.FindAllStringSubmatch(text, -1) {
		if m[1][0] != '2' {
			return m[1]
		}
	}
	return ""
}

// lastStatus returns the last enhanced status code of class 4 or 5 in
// text, "" when there is none.
func lastStatus(text string) string {
	ms := statusPattern.FindAllStringSubmatch(text, -1)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i][1][0] != '2' {
			return ms[i][1]
		}
	}
	return ""
}

// splitStatus splits an enhanced status code into its class, subject and
// detail; ok is false when s is not one.
func splitStatus(s string) (class byte, subject, detail string, ok bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || !strings.Contains("245", parts[0]) {
		return 0, "", "", false
	}
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return 0, "", "", false
		}
	}
	return parts[0][0], parts[1], parts[2], true
}

// cleanStatus returns s trimmed when it is an enhanced status code, else
// "".
func cleanStatus(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t("); i >= 0 {
		s = s[:i]
	}
	if _, _, _, ok := splitStatus(s); ok {
		return s
	}
	return ""
}

// replyPattern matches an SMTP reply code of class 4 or 5 where a server's
// answer starts: at the start of the text or after a colon, a semicolon,
// "said" or white space, followed by a space, a hyphen or the end.
var replyPattern = regexp.MustCompile(`(?:^|[\s:;(\[<>"'])([45][0-5][0-9])(?:[ \-]|$)`)

// findReply returns the first SMTP reply code of class 4 or 5 in text.
func findReply(text string) string {
	if m := replyPattern.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}
