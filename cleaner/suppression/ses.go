package suppression

import (
	"encoding/json"
	"io"
	"strings"
	"time"
)

// This file reads Amazon SES notifications: the JSON that SES publishes
// through SNS for each bounce and complaint, as the body of an email from
// an SNS email subscription (bare, or wrapped in SNS's own JSON) or as a
// file of them, one object after another.
//
//	{"notificationType":"Bounce","bounce":{"bounceType":"Permanent",
//	 "bouncedRecipients":[{"emailAddress":"jo@example.com","action":"failed",
//	 "status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],
//	 "timestamp":"2026-03-02T10:00:00.000Z"}, "mail":{...}}

// sesNotification is the part of an SES notification read here. Event
// publishing names the type eventType rather than notificationType.
type sesNotification struct {
	// An SNS message to an HTTP or SQS subscriber wraps the notification
	// as a string in its Message.
	Type    string `json:"Type"`
	Message string `json:"Message"`

	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Bounce           *struct {
		BounceType        string `json:"bounceType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Action         string `json:"action"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
		Timestamp string `json:"timestamp"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string `json:"complaintFeedbackType"`
		Timestamp             string `json:"timestamp"`
	} `json:"complaint"`
}

// sesNotifications decodes the SES notifications in text: JSON objects,
// one after another, from the first "{". SNS's email bodies fold long
// lines with "!" and a line break, which are undone first. ok is false when
// text holds no notification; skipped counts the notifications of another
// type (a delivery).
func sesNotifications(text string) (fs []found, skipped int, ok bool) {
	start := strings.IndexByte(text, '{')
	if start < 0 || !strings.Contains(text, "Type\"") {
		return nil, 0, false
	}
	text = strings.NewReplacer("!\r\n ", "", "!\n ", "").Replace(text[start:])
	dec := json.NewDecoder(strings.NewReader(text))
	for {
		var n sesNotification
		if err := dec.Decode(&n); err != nil {
			if err != io.EOF && !ok {
				return nil, 0, false
			}
			break
		}
		if n.Type == "Notification" && strings.HasPrefix(strings.TrimSpace(n.Message), "{") {
			if inner, sk, innerOK := sesNotifications(n.Message); innerOK {
				fs, skipped, ok = append(fs, inner...), skipped+sk, true
				continue
			}
		}
		switch typ := strings.ToLower(n.NotificationType + n.EventType); {
		case typ == "bounce" && n.Bounce != nil:
			ok = true
			date := sesDate(n.Bounce.Timestamp)
			for _, r := range n.Bounce.BouncedRecipients {
				f := found{addr: r.EmailAddress, date: date}
				f.text = diagnosticText(r.DiagnosticCode)
				f.status = dsnStatus(cleanStatus(r.Status), f.text)
				f.reply = findReply(f.text)
				f.action = strings.ToLower(r.Action)
				f.temporary = n.Bounce.BounceType == "Transient"
				fs = append(fs, f)
			}
		case typ == "complaint" && n.Complaint != nil:
			ok = true
			date := sesDate(n.Complaint.Timestamp)
			for _, r := range n.Complaint.ComplainedRecipients {
				fs = append(fs, found{addr: r.EmailAddress, known: Complaint, date: date,
					failure: failure{text: strings.TrimSpace("feedback-type: " + n.Complaint.ComplaintFeedbackType)}})
			}
		case typ != "":
			ok = true
			skipped++
		default:
			if !ok {
				return nil, 0, false
			}
		}
		// Only white space may separate the objects of a file; in an
		// email, what follows the first object is SNS's footer.
		if rest := text[dec.InputOffset():]; !strings.HasPrefix(strings.TrimLeft(rest, " \t\r\n"), "{") {
			break
		}
	}
	return fs, skipped, ok
}

// sesDate parses an SES timestamp; zero when it cannot.
func sesDate(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
