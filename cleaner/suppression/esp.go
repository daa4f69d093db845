package suppression

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// This file reads the suppression and bounce lists that email service
// providers export as CSV. They are found by their header line, not their
// file name; each column plays a role:
//
//   - the address: Email, Email Address, address (Mailgun), EMAIL (Brevo);
//   - the kind of entry: type, Suppression Reason, reason when it holds a
//     word such as hardBounce, unsubscribed or spam complaint (Brevo,
//     Klaviyo), HubSpot's TRUE/FALSE columns (Portal Bounce, Portal
//     Unsubscribe, Portal Spam Report, Global Bounce);
//   - the status code: status (SendGrid, "5.1.1"), code (Mailgun, "550");
//   - the server's words: reason (SendGrid), error (Mailgun), UNSUB_REASON;
//   - the date: created (SendGrid, Unix seconds), created_at (Mailgun),
//     CLEAN_TIME and UNSUB_TIME (Mailchimp).
//
// A row whose kind is not said takes the file's: Mailchimp's cleaned
// export (CLEAN_TIME) is a list of bounces, its unsubscribed export
// (UNSUB_TIME) one of unsubscribes; otherwise the file's name may say
// (SendGrid's exports are named bounces, blocks, invalid_emails,
// spam_reports, unsubscribes); else the entry is a bare listing. An ESP's
// bounce list holds the addresses it judged hard bounces: an entry is one
// unless its code or words say it is temporary or about the message.

// column roles.
const (
	roleAddress = iota + 1
	roleDate
	roleCode // a status code, or a word for the kind
	roleText // the server's or the person's words, or a word for the kind
	roleKind // a word for the kind
	roleFlag // a TRUE/FALSE column of one kind (flagKinds)
)

// roles maps normalised header names (letters and digits, lower case) to
// their role.
var roles = map[string]int{
	"email": roleAddress, "emailaddress": roleAddress, "address": roleAddress, "mail": roleAddress,
	"emails": roleAddress, "recipient": roleAddress, "recipientemail": roleAddress,
	"subscriberemail": roleAddress, "contactemail": roleAddress, "emailadresse": roleAddress,

	"created": roleDate, "createdat": roleDate, "date": roleDate, "timestamp": roleDate, "time": roleDate,
	"datetime": roleDate, "cleantime": roleDate, "unsubtime": roleDate, "suppressedat": roleDate,
	"suppressiondate": roleDate, "datesuppressed": roleDate, "suppressed": roleDate, "blockedat": roleDate,
	"blocklistedat": roleDate, "blacklistedat": roleDate, "bouncedat": roleDate, "bouncedate": roleDate,
	"unsubscribedat": roleDate, "unsubscribedate": roleDate, "dateunsubscribed": roleDate,
	"dateadded": roleDate, "eventdate": roleDate, "lastbouncedate": roleDate, "optouttime": roleDate,

	"status": roleCode, "code": roleCode, "statuscode": roleCode, "smtpcode": roleCode,
	"bouncecode": roleCode, "errorcode": roleCode, "smtpstatus": roleCode, "enhancedstatus": roleCode,
	"dsn": roleCode, "replycode": roleCode, "responsecode": roleCode,

	"reason": roleText, "error": roleText, "bouncereason": roleText, "description": roleText,
	"message": roleText, "diagnostic": roleText, "diagnosticcode": roleText, "unsubreason": roleText,
	"unsubreasonother": roleText, "details": roleText, "response": roleText, "smtpresponse": roleText,
	"bouncemessage": roleText, "errormessage": roleText,

	"type": roleKind, "bouncetype": roleKind, "suppressiontype": roleKind, "suppressionreason": roleKind,
	"event": roleKind, "category": roleKind, "blocklistreason": roleKind, "blacklistreason": roleKind,
	"reasoncode": roleKind,

	"portalbounce": roleFlag, "globalbounce": roleFlag, "portalunsubscribe": roleFlag,
	"globalunsubscribe": roleFlag, "portalspamreport": roleFlag, "unsubscribedfromallemail": roleFlag,
	"emailblacklisted": roleFlag, "emailblocklisted": roleFlag, "blacklisted": roleFlag, "blocklisted": roleFlag,
}

// flagKinds are the kinds the flag columns stand for.
var flagKinds = map[string]Kind{
	"portalbounce": HardBounce, "globalbounce": HardBounce,
	"portalunsubscribe": Unsubscribed, "globalunsubscribe": Unsubscribed, "unsubscribedfromallemail": Unsubscribed,
	"portalspamreport": Complaint,
	"emailblacklisted": Listed, "emailblocklisted": Listed, "blacklisted": Listed, "blocklisted": Listed,
}

// normHeader lower-cases h and keeps only its letters and digits.
func normHeader(h string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, h)
}

// espLayout is what a header line says of a file.
type espLayout struct {
	format   Format
	address  int // column
	cols     []espColumn
	fileKind Kind // the kind of a row that says none, when it is not a bounce
	bounces  bool // the file is a bounce list: a row that says no kind is a bounce
	flags    bool // the file has TRUE/FALSE columns, one of which a row must set
}

type espColumn struct {
	index int
	role  int
	name  string // normalised
}

// errSubscribed refuses a subscriber export given as a suppression list.
var errSubscribed = errors.New("this is a list of subscribed contacts, not of addresses to suppress")

// readCSV reads an ESP export. ok is false when s is no CSV with an
// address column, so that another format may be tried.
func readCSV(s, name string) (f File, ok bool, err error) {
	s, delim := csvDelimiter(s)
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return File{}, false, nil
	}
	layout, ok := espHeader(header, name)
	if !ok {
		return File{}, false, nil
	}
	if layout.format == "" {
		return File{}, true, &FileError{File: name, Line: 1, Err: fmt.Errorf("%w: it looks like Mailchimp's export of subscribed members; export the cleaned or unsubscribed contacts instead", errSubscribed)}
	}
	f = File{Path: name, Format: layout.format}
	subscribed := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				return File{}, true, &FileError{File: name, Line: pe.Line, Column: pe.Column, Err: pe.Err}
			}
			return File{}, true, &FileError{File: name, Err: err}
		}
		line, _ := r.FieldPos(0)
		rec0, keep := layout.row(rec)
		switch {
		case keep == rowSubscribed:
			subscribed++
			f.Skipped++
			continue
		case keep == rowSkip:
			f.Skipped++
			continue
		}
		rec0.Format, rec0.File, rec0.Line = layout.format, name, line
		f.Records = append(f.Records, rec0)
	}
	if len(f.Records) == 0 && subscribed > 0 {
		return File{}, true, &FileError{File: name, Err: fmt.Errorf("%w: all %d rows are of contacts still subscribed", errSubscribed, subscribed)}
	}
	return f, true, nil
}

// csvDelimiter returns s without an Excel "sep=X" first line, and the
// delimiter: X, or the one of , ; tab | found most often outside quotes in
// the header line.
func csvDelimiter(s string) (string, rune) {
	first, rest, _ := strings.Cut(s, "\n")
	first = strings.TrimSuffix(first, "\r")
	if strings.HasPrefix(first, "sep=") && len(first) == 5 {
		return rest, rune(first[4])
	}
	best, bestN := ',', 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		n, quoted := 0, false
		for _, c := range first {
			switch {
			case c == '"':
				quoted = !quoted
			case c == d && !quoted:
				n++
			}
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	return s, best
}

// espHeader reads a header line. ok is false when it has no address
// column; a Mailchimp subscribed export gives a layout without a format.
func espHeader(header []string, name string) (l espLayout, ok bool) {
	l.address = -1
	names := map[string]bool{}
	for i, h := range header {
		n := normHeader(h)
		names[n] = true
		role := roles[n]
		if role == roleAddress && l.address < 0 {
			l.address = i
			continue
		}
		if role != 0 && role != roleAddress {
			l.cols = append(l.cols, espColumn{i, role, n})
			l.flags = l.flags || role == roleFlag
		}
	}
	if l.address < 0 {
		return l, false
	}
	base := strings.ToLower(filepath.Base(name))
	switch {
	case names["cleantime"]:
		l.format, l.bounces = FormatMailchimpCleaned, true
	case names["unsubtime"]:
		l.format, l.fileKind = FormatMailchimpUnsubscribed, Unsubscribed
	case names["optintime"] || names["memberrating"] || names["lastchanged"]:
		return l, true // Mailchimp's subscribed members
	case names["portalbounce"] || names["portalunsubscribe"] || names["portalspamreport"] || names["globalbounce"]:
		l.format = FormatHubSpot
	case names["address"] && (names["createdat"] || names["code"] || names["error"] || names["tags"]):
		l.format = FormatMailgun
	case names["email"] && names["created"] && len(header) <= 6:
		l.format = FormatSendGrid
	case names["blockedat"] || names["senderemail"] || names["emailblacklisted"] || names["emailblocklisted"]:
		l.format = FormatBrevo
	default:
		l.format = FormatSuppressionCSV
	}
	if l.fileKind == "" && !l.bounces && !l.flags {
		switch {
		case strings.Contains(base, "unsub") || strings.Contains(base, "optout") || strings.Contains(base, "opt-out") || strings.Contains(base, "opted_out"):
			l.fileKind = Unsubscribed
		case strings.Contains(base, "spam") || strings.Contains(base, "complain"):
			l.fileKind = Complaint
		case strings.Contains(base, "bounce") || strings.Contains(base, "cleaned") || strings.Contains(base, "invalid"):
			l.bounces = true
		case strings.Contains(base, "block"):
			l.fileKind = Rejected
		default:
			l.fileKind = Listed
		}
	}
	return l, true
}

// What becomes of a row.
const (
	rowKeep = iota
	rowSkip
	rowSubscribed
)

// row reads one row.
func (l espLayout) row(rec []string) (Record, int) {
	if l.address >= len(rec) {
		return Record{}, rowSkip
	}
	addr := strings.TrimSpace(rec[l.address])
	if !strings.Contains(addr, "@") {
		return Record{}, rowSkip
	}
	r := Record{Address: addr}
	var fd failure
	var kind Kind // as a word or a flag says
	for _, c := range l.cols {
		if c.index >= len(rec) {
			continue
		}
		v := strings.TrimSpace(rec[c.index])
		if v == "" {
			continue
		}
		switch c.role {
		case roleDate:
			if r.Date.IsZero() {
				r.Date = looseDate(v)
			}
		case roleFlag:
			if !isFalse(v) {
				if k := flagKinds[c.name]; kind == "" || precedence[k] < precedence[kind] {
					kind = k
				}
				if flagKinds[c.name] == HardBounce && !isTrue(v) {
					fd.text = v // HubSpot writes the bounce's reason in its column
				}
			}
		case roleCode:
			switch {
			case cleanStatus(v) != "":
				fd.status = cleanStatus(v)
			case len(v) == 3 && strings.Trim(v, "0123456789") == "" && (v[0] == '4' || v[0] == '5'):
				fd.reply = v
			default:
				if k, said := kindWord(v); said {
					kind = k
				}
			}
		case roleKind, roleText:
			if k, said := kindWord(v); said && len(v) <= 40 && strings.IndexFunc(v, unicode.IsDigit) < 0 {
				kind = k
			} else if c.role == roleText && fd.text == "" {
				fd.text = v
			}
		}
	}
	switch {
	case kind == subscribedKind:
		return Record{}, rowSubscribed
	case kind == "" && l.flags:
		// No flag set: HubSpot lists contacts who opted out of some
		// email types only, who may still be sent others.
		return Record{}, rowSkip
	}
	r.Diagnostic = fd.text
	fd.status = cmp.Or(fd.status, lastStatus(fd.text))
	fd.reply = cmp.Or(fd.reply, findReply(fd.text))
	r.Status = fd.status
	coded := fd.status != "" || fd.reply != ""
	switch {
	case kind == HardBounce, kind == "" && l.bounces:
		r.Kind = espBounce(fd)
	case kind != "":
		r.Kind = kind
	case coded:
		k, ok := fd.kind()
		if !ok {
			return Record{}, rowSkip
		}
		r.Kind = k
	default:
		r.Kind = l.fileKind
	}
	return r, rowKeep
}

// espBounce classifies an entry of an ESP's bounce list: a hard bounce,
// as the ESP judged, unless its code or words say the failure was
// temporary or about the message rather than the address.
func espBounce(fd failure) Kind {
	k, ok := fd.kind()
	if !ok || k == Rejected && fd.cause() == causeUnknown {
		return HardBounce
	}
	return k
}

// subscribedKind is kindWord's answer for a contact still subscribed.
const subscribedKind Kind = "subscribed"

// kindWord reads a word that names a kind of entry ("hardBounce",
// "Unsubscribed", "spam complaint", "User suppressed"); said is false when
// v names none.
func kindWord(v string) (k Kind, said bool) {
	w := normHeader(v)
	switch {
	case w == "":
		return "", false
	case strings.Contains(w, "unsub") || strings.Contains(w, "optout") || strings.Contains(w, "optedout"):
		return Unsubscribed, true
	case strings.Contains(w, "spam") || strings.Contains(w, "complain") || strings.Contains(w, "abuse"):
		return Complaint, true
	case strings.Contains(w, "soft") || w == "transient" || w == "temporary":
		return SoftBounce, true
	case strings.Contains(w, "hard") || strings.Contains(w, "bounce") || w == "permanent" ||
		strings.Contains(w, "invalid") || w == "cleaned":
		return HardBounce, true
	case strings.Contains(w, "admin") || strings.Contains(w, "manual") || strings.Contains(w, "usersuppressed") ||
		strings.Contains(w, "import") || strings.Contains(w, "suppress") || strings.Contains(w, "blacklist") ||
		strings.Contains(w, "blocklist") || w == "donotemail" || w == "donotcontact":
		return Listed, true
	case strings.Contains(w, "block"):
		return Rejected, true
	case w == "subscribed" || w == "active" || w == "confirmed" || w == "pending" || w == "optin" || w == "optedin":
		return subscribedKind, true
	}
	return "", false
}

// isTrue and isFalse read the values of a TRUE/FALSE column.
func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "yes", "1", "y", "x":
		return true
	}
	return false
}

func isFalse(v string) bool {
	switch strings.ToLower(v) {
	case "false", "no", "0", "n":
		return true
	}
	return false
}

// looseDate parses a date as ESP exports write it: RFC 3339, "2006-01-02
// 15:04:05" with or without a zone, a date alone, RFC 5322, or Unix
// seconds or milliseconds. Dates such as 03/04/2026, which may be March or
// April, are not read. Zero when it cannot.
func looseDate(v string) time.Time {
	for _, layout := range []string{
		time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 MST", "2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04", "2006-01-02", "2006/01/02 15:04:05", "2006/01/02",
	} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		switch {
		case n > 1e11 && n < 1e14:
			return time.UnixMilli(n).UTC()
		case n > 1e8 && n < 1e11:
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Time{}
}
