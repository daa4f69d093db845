// Package suppression reads the evidence a marketer already holds about the
// addresses on a list: the suppression and bounce lists their email service
// provider exports (Mailchimp, Klaviyo, HubSpot, SendGrid, Brevo, Mailgun),
// their mail server's logs (Postfix, Exim), and the bounce emails that came
// back (RFC 3464 delivery status notifications, RFC 5965 complaint reports
// and the plain-text bounces of the common mail servers), as single files,
// mbox files or folders of .eml files.
//
// Each file becomes a list of Records, one per recipient address and event,
// with the kind of evidence, the enhanced status code, the date, the
// diagnostic text and the place it was read. Which records take an address
// off a list is decided here, once (Kind.Suppresses): a hard bounce, an
// unsubscribe, a spam complaint and a bare listing do; soft bounces,
// deferrals and rejections are kept only as details.
//
// The package knows nothing of subscriber lists, DNS or terminals: package
// cleaner matches the records to its rows through an Index built with its
// own address key.
//
// Diagnostic text and addresses are stored exactly as read from files that
// anyone could have written: whoever prints them must clean them of control
// characters first.
package suppression
