package address

// Role addresses: a local part that names a function, not a person.
//
// Mailchimp refuses at import the addresses whose local part is one of
// its role prefixes ("About Role-based Addresses", Mailchimp's help), and
// bulk verifiers flag the common ones: such an inbox is often shared, a
// distribution list or an alias that bounces, forwards or complains.
var (
	// mailchimpRoles are the 35 local parts Mailchimp refuses.
	mailchimpRoles = []string{
		"abuse", "admin", "billing", "compliance", "devnull", "dns", "ftp",
		"hostmaster", "inoc", "ispfeedback", "ispsupport", "list-request",
		"list", "maildaemon", "noc", "no-reply", "noreply", "null", "phish",
		"phishing", "postmaster", "privacy", "registrar", "root", "security",
		"spam", "support", "sysadmin", "tech", "undisclosed-recipients",
		"unsubscribe", "usenet", "uucp", "webmaster", "www",
	}
	// genericRoles are the functions companies most often give an inbox
	// of their own, and the other spellings of Mailchimp's no-reply and
	// mailer-daemon.
	genericRoles = []string{
		"info", "information", "sales", "contact", "contactus", "hello", "office",
		"team", "staff", "all", "everyone", "jobs", "careers", "recruitment",
		"hr", "marketing", "newsletter", "news", "press", "media", "help",
		"helpdesk", "service", "customerservice", "customercare", "enquiries",
		"enquiry", "inquiries", "inquiry", "feedback", "accounts", "accounting",
		"finance", "invoices", "orders", "bookings", "reservations",
		"reception", "legal", "it", "mail", "mailer-daemon", "no_reply",
		"donotreply", "do-not-reply", "do_not_reply",
	}
	roles = make(map[string]bool, len(mailchimpRoles)+len(genericRoles))
	// maxRole is the length of the longest role.
	maxRole int
	// roleBytes maps each byte that some role holds, in either case, to
	// its lower case, and every other byte to 0: most people's local parts
	// hold a dot or a digit, which tells them from a role at once.
	roleBytes [256]byte
)

func init() {
	for _, r := range append(mailchimpRoles, genericRoles...) {
		roles[r] = true
		maxRole = max(maxRole, len(r))
		for i := range len(r) {
			c := r[i]
			roleBytes[c] = c
			if 'a' <= c && c <= 'z' {
				roleBytes[c-'a'+'A'] = c
			}
		}
	}
}

// IsRole reports whether an address's local part names a role rather
// than a person: the whole local part, before any +tag and ignoring case,
// is one of the roles above (Info+news is; info.kim and salesforce are
// not). It is asked of nearly every row of a list: a local part with a
// byte that no role holds, or longer than every role, is told apart
// without looking it up.
func IsRole(local string) bool {
	var buf [32]byte
	n := 0
	for i := 0; i < len(local) && local[i] != '+'; i++ {
		c := roleBytes[local[i]]
		if c == 0 || n == maxRole {
			return false
		}
		buf[n] = c
		n++
	}
	return n > 0 && roles[string(buf[:n])]
}
