package suppression

import (
	"strings"
	"time"
)

// Kind is what a record says of its address. The values are the words the
// report and the removed file use.
type Kind string

const (
	// HardBounce: a permanent failure (5.x.x) that says the address or its
	// domain cannot receive mail: the mailbox does not exist or has moved,
	// the domain does not exist, has no or a null MX, or cannot be routed
	// to (5.4.4); or an ESP's bounce list that says "hard" or gives no
	// kind. A permanent failure whose reason cannot be told is Rejected.
	HardBounce Kind = "hard_bounce"
	// Rejected: a permanent failure that the receiving server gave for the
	// message or its sender rather than the address (a block list, a spam
	// filter, a policy, the content, the size, an authentication failure),
	// or for a mailbox that exists but is disabled, or for a reason that
	// cannot be told. The address may well be fine, so it is only a
	// detail.
	Rejected Kind = "rejected"
	// SoftBounce: a temporary failure (4.x.x), a deferral, a full mailbox,
	// or a delivery that was retried until it expired. Only a detail.
	SoftBounce Kind = "soft_bounce"
	// Unsubscribed: the person asked to receive no more mail.
	Unsubscribed Kind = "unsubscribed"
	// Complaint: the person reported a message as spam.
	Complaint Kind = "complaint"
	// Listed: on a suppression list that gives no reason.
	Listed Kind = "listed"
)

// Suppresses reports whether a record of this kind is grounds to take its
// address off a list whatever else is known of it.
func (k Kind) Suppresses() bool {
	switch k {
	case HardBounce, Unsubscribed, Complaint, Listed:
		return true
	}
	return false
}

// Record is one piece of evidence about one recipient address.
//
// Address and Diagnostic are as read from the file, which anyone may have
// written: they may hold control characters and must be cleaned before
// they reach a terminal.
type Record struct {
	Address    string    // the recipient as written in the evidence
	Kind       Kind      // what the evidence says of it
	Status     string    // enhanced status code ("5.4.4"); "" when the evidence gives none
	Date       time.Time // when it happened; zero when the evidence gives no date
	Diagnostic string    // the server's or ESP's own words, as read; "" when none
	Format     Format    // the kind of file it came from
	File       string    // the file's path
	Line       int       // 1-based line where the record starts in File; 0 when unknown
}

// Domain returns the domain of the record's address, lower case; "" when
// the address has none.
func (r Record) Domain() string {
	at := strings.LastIndexByte(r.Address, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(r.Address[at+1:]))
}

// Unroutable reports whether r is a hard bounce that says its domain,
// not only its mailbox, cannot receive mail: the domain does not exist,
// accepts no mail (null MX) or cannot be routed to (5.1.2, 5.1.10, 5.4.4
// or the words for them). Package history tracks such domains.
func (r Record) Unroutable() bool {
	if r.Kind != HardBounce {
		return false
	}
	c := failure{status: r.Status, text: r.Diagnostic}.cause()
	return c == causeDomain || c == causeNoMail
}

// precedence orders the kinds for Strongest: the kinds that suppress first,
// a hard bounce first of all since it carries a status code and a date.
var precedence = map[Kind]int{
	HardBounce: 0, Complaint: 1, Unsubscribed: 2, Listed: 3, Rejected: 4, SoftBounce: 5,
}

// Strongest returns the record that decides what becomes of an address with
// these records: the kind that suppresses (a hard bounce before a
// complaint, an unsubscribe and a bare listing), else the other details; the
// latest of that kind. ok is false when recs is empty.
func Strongest(recs []Record) (r Record, ok bool) {
	for i, c := range recs {
		if i == 0 || precedence[c.Kind] < precedence[r.Kind] ||
			precedence[c.Kind] == precedence[r.Kind] && c.Date.After(r.Date) {
			r = c
		}
	}
	return r, len(recs) > 0
}

// Format is a kind of file Load reads, in words for messages.
type Format string

// The formats Load reads.
const (
	FormatMailchimpCleaned      Format = "Mailchimp cleaned contacts export"
	FormatMailchimpUnsubscribed Format = "Mailchimp unsubscribed contacts export"
	FormatHubSpot               Format = "HubSpot unsubscribes and bounces export"
	FormatSendGrid              Format = "SendGrid suppression export"
	FormatMailgun               Format = "Mailgun suppression export"
	FormatBrevo                 Format = "Brevo blocklisted contacts export"
	FormatSuppressionCSV        Format = "suppression list (CSV)"
	FormatPostfix               Format = "Postfix log"
	FormatExim                  Format = "Exim log"
	FormatSES                   Format = "Amazon SES notifications"
	FormatBounceEmail           Format = "bounce email"
	FormatMbox                  Format = "mbox of bounce emails"
)
