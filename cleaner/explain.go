package cleaner

// The vocabulary: files and scripts get the codes (the verdicts, reasons
// and actions of the report), people get words. This file holds the one
// table of words for every code, which the batch summary, the TUI and the
// README all use, each showing the code beside the words where a reader
// may need to find one from the other.

// Words returns the words a screen shows for the verdict.
func (v Verdict) Words() string {
	if w, ok := verdictWords[v]; ok {
		return w
	}
	return string(v)
}

// verdictWords are the verdicts' words. A verdict whose only reason has
// its name (duplicate) reads as that reason does.
var verdictWords = map[Verdict]string{
	VerdictValid:      "deliverable",
	VerdictRisky:      "risky",
	VerdictInvalid:    "cannot receive mail",
	VerdictUnknown:    "unknown",
	VerdictDuplicate:  explanations[ReasonDuplicate].Label,
	VerdictSuppressed: "suppressed",
}

// Words returns the words a screen shows for the reason: its
// Explanation's Label.
func (r Reason) Words() string { return Explain(r).Label }

// Words returns the words a screen shows for the action.
func (a Action) Words() string {
	switch a {
	case ActionFix:
		return "correct"
	case ActionKeep, ActionRemove:
		return string(a)
	}
	return string(a)
}

// Explanation says in plain words what a reason means to someone about to
// send a campaign: what the receiving side would answer, why that happens,
// and what to do about it. The TUI shows it in its detail pane.
type Explanation struct {
	Label  string // a few words for a table cell, e.g. "domain does not exist"
	Bounce string // the reply a receiving server would give, or what happens instead
	Causes string // the likely causes
	Advice string // what to do
}

// explanations holds one Explanation per reason. The SMTP replies are the
// ones mail servers commonly give in each case; the enhanced status codes
// are those of RFC 3463 (5.1.x addressing, 5.4.x routing, 4.x.x temporary)
// and RFC 7505 for a null MX.
var explanations = map[Reason]Explanation{
	ReasonOK: {
		Label:  "deliverable",
		Bounce: "None expected: the domain has a mail server that resolves.",
		Causes: "Nothing is wrong with the domain.",
		Advice: "Nothing to do.",
	},
	ReasonImplicitMX: {
		Label:  "no mail server (MX)",
		Bounce: "Often 550 5.4.4 Unable to route, or days of delays ending in 4.4.1 No answer from host: the domain names no mail server, so mail goes to its web address, which rarely accepts mail.",
		Causes: "A parked or web-only domain, a company that moved its mail elsewhere, or a typo that happens to be a real domain.",
		Advice: "Keep it if the subscriber signed up recently and confirmed; otherwise remove it, or edit it to the subscriber's usual address.",
	},
	ReasonTypoSuspect: {
		Label:  "likely typo",
		Bounce: "550 5.1.1 User unknown at best; at worst the mail is accepted by a stranger's server, because the domain is real but one slip away from a large mailbox provider.",
		Causes: "A slip while typing the address at sign-up (gmal.com for gmail.com), kept because the domain happens to exist.",
		Advice: "Accept the suggestion if it fits; keep the address only if the subscriber really uses this domain.",
	},
	ReasonDisposable: {
		Label:  "disposable address",
		Bounce: "Usually none at first: the service accepts mail for anyone. The inbox expires within minutes or days; later mail bounces, or lands where nobody reads it.",
		Causes: "A throwaway address from a temporary-mail service (mailinator.com, yopmail.com), given to get a download or a discount without being contacted again.",
		Advice: "Remove it unless the subscriber confirmed recently; it will not stay reachable, and engagement from it is never real.",
	},
	ReasonRole: {
		Label:  "role address",
		Bounce: "Often accepted, but read by several people or nobody: a shared inbox or a distribution list, which bounces when the list changes and is quick to report mail as spam. Mailchimp refuses its 35 role prefixes (admin, noreply, postmaster, support, ...) at import.",
		Causes: "A function's address rather than a person's (info@, sales@, support@), given on a form for a company, or an address nobody reads (noreply@, postmaster@).",
		Advice: "Keep it only if someone asked for the mail from this address; otherwise remove it, or ask for a personal address.",
	},
	ReasonSyntax: {
		Label:  "not an email address",
		Bounce: "Refused before sending: 553 5.1.3 Bad recipient address syntax. Most sending platforms reject it at import.",
		Causes: "A typing error, two addresses in one cell, a name or phone number in the email column, or stray spaces, quotes or brackets from a spreadsheet.",
		Advice: "Accept the suggestion when there is one, edit the address if the mistake is plain to see, otherwise remove the row.",
	},
	ReasonBadDomain: {
		Label:  "impossible domain",
		Bounce: "550 5.1.2 Bad destination system address: the part after @ cannot be a domain (no such ending, an empty or invalid part).",
		Causes: "A typo in the ending (.con, .cmo), a missing or doubled dot, or a domain made up at sign-up.",
		Advice: "Accept the suggestion or edit the domain; remove the row if you cannot tell what was meant.",
	},
	ReasonNXDomain: {
		Label:  "domain does not exist",
		Bounce: "550 5.4.4 Unable to route: host or domain name not found. A hard bounce.",
		Causes: "A typo in the domain, a domain that expired, or a company or provider that closed.",
		Advice: "Accept the suggestion if there is one, otherwise remove the row: hard bounces hurt your sender reputation.",
	},
	ReasonNoMail: {
		Label:  "domain takes no mail",
		Bounce: "550 5.4.4 Unable to route: the domain exists but names no mail server and has no address to fall back on. A hard bounce.",
		Causes: "A domain kept only for its name, or one whose mail setup was removed.",
		Advice: "Remove the row, or edit it if you know the subscriber's current address.",
	},
	ReasonNullMX: {
		Label:  "domain refuses mail",
		Bounce: "556 5.1.10 Recipient address has null MX: the domain declares that it never accepts mail (RFC 7505).",
		Causes: "A send-only domain (notifications, no-reply) or a domain parked on purpose.",
		Advice: "Remove the row: nothing sent there can be delivered.",
	},
	ReasonBadMX: {
		Label:  "mail server not found",
		Bounce: "550 5.4.4 Unable to route: the domain names mail servers (MX) whose host names do not resolve.",
		Causes: "A broken or half-finished mail setup, often after the domain moved to another provider; it is sometimes fixed within days.",
		Advice: "Remove the row, or keep it and check again before the next send if the subscriber matters to you.",
	},
	ReasonDNSError: {
		Label:  "DNS check failed",
		Bounce: "Unknown: the name servers gave no clear answer (timeout or SERVFAIL). If that lasts at send time, mail is deferred with 451 4.4.3 Directory server failure and bounces after a few days.",
		Causes: "A slow or broken name server for that domain, or a network problem on this side.",
		Advice: "Keep it: an unknown result is never a reason to remove. Check again later.",
	},
	ReasonNotChecked: {
		Label:  "not checked",
		Bounce: "Unknown: the domain was not looked up, because the check was cancelled or DNS checks were off.",
		Causes: "Nothing is known to be wrong.",
		Advice: "Keep it, or run the check again to find out.",
	},
	ReasonDuplicate: {
		Label:  "repeated address",
		Bounce: "No bounce: the same person would get the message twice, which invites unsubscribes and spam complaints.",
		Causes: "The address appears earlier in the list, perhaps with other capitals or spacing, often from merging two exports.",
		Advice: "Remove the repeat; the first row stays in the cleaned list.",
	},
	ReasonHardBounce: {
		Label:  "hard bounced before",
		Bounce: "It bounced already, for good: 550 5.1.1 User unknown, 5.1.2 or 5.4.4 host not found, 5.1.10 null MX. Sending again is another hard bounce, whatever DNS says today.",
		Causes: "A mailbox closed when the person left a company or an ISP, a domain that expired, or an address mistyped at sign-up.",
		Advice: "Remove it. A DNS check cannot tell whether a mailbox exists; keep it only if the subscriber has confirmed a working address since.",
	},
	ReasonUnsubscribed: {
		Label:  "unsubscribed",
		Bounce: "No bounce: the person asked to get no more mail. Mailing them anyway breaks anti-spam law (CAN-SPAM, GDPR) and draws spam complaints.",
		Causes: "An unsubscribe link or List-Unsubscribe request, recorded by your email platform, often before the list was exported elsewhere.",
		Advice: "Remove it, and add it back only after a new, recorded opt-in.",
	},
	ReasonComplaint: {
		Label:  "marked as spam",
		Bounce: "No bounce: the person reported your mail as spam. Mailbox providers count every complaint, and a complaint rate above 0.3% sends your mail to the spam folder.",
		Causes: "A reader who no longer wants the mail and found the spam button quicker than the unsubscribe link.",
		Advice: "Remove it and do not mail it again.",
	},
	ReasonListed: {
		Label:  "on a suppression list",
		Bounce: "Not sent: your email platform's suppression list names it without saying why (a bounce, an unsubscribe, a complaint or a manual block), and the platform would refuse to send to it.",
		Causes: "An earlier bounce, unsubscribe or complaint, or an address someone blocked by hand.",
		Advice: "Remove it; look it up in your platform if you think it was suppressed by mistake.",
	},
}

// Explain returns the plain-words explanation of a reason. A reason it does
// not know gives an Explanation whose Label is the reason's own name.
func Explain(r Reason) Explanation {
	if e, ok := explanations[r]; ok {
		return e
	}
	return Explanation{Label: string(r)}
}
