package cleaner

import (
	"slices"

	"github.com/listclean/listclean/cleaner/address"
	"github.com/listclean/listclean/cleaner/suppression"
	"github.com/listclean/listclean/resolver"
)

// Verdict is the report's one-word judgement of a row. The vocabulary is
// fixed: scripts and the TUI depend on it.
type Verdict string

// The verdicts.
const (
	VerdictValid     Verdict = "valid"
	VerdictRisky     Verdict = "risky"
	VerdictInvalid   Verdict = "invalid"
	VerdictUnknown   Verdict = "unknown"
	VerdictDuplicate Verdict = "duplicate"
	// VerdictSuppressed: the user's own evidence (a suppression list, a
	// bounce, a mail log) says not to send to the address, whatever DNS
	// says of its domain today.
	VerdictSuppressed Verdict = "suppressed"
)

// Reason says why a row got its verdict. The vocabulary is fixed. An
// address that fails on its own has the reason of the same name as its
// address.Reason (Reason(a.Reason)).
type Reason string

// The reasons, grouped by the verdict they belong to.
const (
	ReasonOK          Reason = "ok"                            // valid
	ReasonImplicitMX  Reason = "implicit_mx"                   // risky
	ReasonTypoSuspect Reason = "typo_suspect"                  // risky
	ReasonDisposable  Reason = "disposable"                    // risky
	ReasonRole        Reason = "role"                          // risky
	ReasonSyntax      Reason = Reason(address.ReasonSyntax)    // invalid; "syntax"
	ReasonBadDomain   Reason = Reason(address.ReasonBadDomain) // invalid; "bad_domain"
	ReasonNXDomain    Reason = "nxdomain"                      // invalid
	ReasonNoMail      Reason = "no_mail"                       // invalid
	ReasonNullMX      Reason = "null_mx"                       // invalid
	ReasonBadMX       Reason = "bad_mx"                        // invalid
	ReasonDNSError    Reason = "dns_error"                     // unknown
	ReasonNotChecked  Reason = "not_checked"                   // unknown
	ReasonDuplicate   Reason = "duplicate"                     // duplicate

	// The suppressed reasons have the names of the suppression.Kind that
	// gives them.
	ReasonHardBounce   Reason = Reason(suppression.HardBounce)   // suppressed; "hard_bounce"
	ReasonUnsubscribed Reason = Reason(suppression.Unsubscribed) // suppressed; "unsubscribed"
	ReasonComplaint    Reason = Reason(suppression.Complaint)    // suppressed; "complaint"
	ReasonListed       Reason = Reason(suppression.Listed)       // suppressed; "listed"
)

// Row is the verdict on one data row of the list.
//
// A list holds a row per subscriber, up to millions of them, so a Row keeps
// only what cannot be worked out again cheaply, in 40 bytes and no pointer
// but its address's text: its verdict follows from its reason (Verdict),
// its address's duplicate key from the address, which is packed
// (address.Packed: 32 bytes, where an Address takes 96), its reason is a
// number, and its suggestion, which few rows have, is kept by the session
// (Session.Suggestion). Its flags fill the padding before DupOf, and cost
// nothing.
type Row struct {
	addr address.Packed
	// reason is the row's reason, as its index in Reasons plus one (0
	// until the row is judged), with hasSuggestion set when the session
	// holds a suggestion for the row.
	reason uint8
	// SuggestionRoutes is true when the suggestion's domain is known to
	// route mail (checked in DNS, or an embedded provider when DNS is off);
	// only such suggestions are applied by the batch policy (Policy.Action).
	SuggestionRoutes bool
	// Evidence is true when a suppression file the session was given
	// names the address (Session.Evidence), whether or not it suppresses
	// it: a soft bounce is a detail of a row kept.
	Evidence bool
	// Persistent is true when the row's reason is dns_error or bad_mx and
	// the domain history says its domain has failed so in every recent
	// run (Session.Remember); Policy.DropPersistent removes such rows.
	Persistent bool
	// DupOf is the index of the earlier row this one repeats, or -1.
	DupOf int32
}

// hasSuggestion is the bit of Row.reason that says the row has a
// suggestion.
const hasSuggestion = 1 << 7

// NewRow returns a row of the address a, not judged, repeating no other.
func NewRow(a address.Address) Row { return Row{addr: address.Pack(a), DupOf: -1} }

// Addr is the row's address, parsed.
func (r *Row) Addr() address.Address { return r.addr.Unpack() }

// Reason is why the row got its verdict; "" until the row is judged.
func (r Row) Reason() Reason { return numberedReason(r.reason &^ hasSuggestion) }

// numberedReason is the reason of number n in Row.reason.
func numberedReason(n uint8) Reason {
	if n > 0 {
		return Reasons[n-1]
	}
	return ""
}

// setReason sets the row's reason, one of Reasons or "". Its number
// (its index in Reasons plus one) is found by going through Reasons, the
// commonest first, which JudgeAll does for each of a million rows: most
// are found at the first or second, sooner than a map would hash them.
func (r *Row) setReason(reason Reason) {
	var n uint8
	if reason != "" {
		k := slices.Index(Reasons, reason)
		if k < 0 {
			panic("cleaner: unknown reason " + string(reason))
		}
		n = uint8(k + 1)
	}
	r.reason = r.reason&hasSuggestion | n
}

// setSuggested records whether the row has a suggestion.
func (r *Row) setSuggested(on bool) {
	r.reason &^= hasSuggestion
	if on {
		r.reason |= hasSuggestion
	}
}

// HasSuggestion reports whether the row has a suggested correction, which
// Session.Suggestion gives.
func (r Row) HasSuggestion() bool { return r.reason&hasSuggestion != 0 }

// Verdict is the row's verdict, the one its reason belongs to; "" until
// the row is judged.
func (r Row) Verdict() Verdict { return reasonVerdicts[r.reason&^hasSuggestion] }

// reasonVerdicts is the verdict of each reason by its number in Row.reason:
// the exports and summaries ask every row's.
var reasonVerdicts = func() []Verdict {
	v := make([]Verdict, len(Reasons)+1) // "" for a row not judged
	for k, r := range Reasons {
		v[k+1] = verdictOf(r)
	}
	return v
}()

// reasonOfStatus maps a resolver status to the reason of the same name.
var reasonOfStatus = map[resolver.Status]Reason{
	resolver.StatusOK:         ReasonOK,
	resolver.StatusImplicitMX: ReasonImplicitMX,
	resolver.StatusNullMX:     ReasonNullMX,
	resolver.StatusNoMail:     ReasonNoMail,
	resolver.StatusBadMX:      ReasonBadMX,
	resolver.StatusNXDomain:   ReasonNXDomain,
	resolver.StatusDNSError:   ReasonDNSError,
}

// verdictOf is the verdict table: the one place that says which verdict a
// reason belongs to.
func verdictOf(r Reason) Verdict {
	switch r {
	case ReasonOK:
		return VerdictValid
	case ReasonImplicitMX, ReasonTypoSuspect, ReasonDisposable, ReasonRole:
		return VerdictRisky
	case ReasonDNSError, ReasonNotChecked:
		return VerdictUnknown
	case ReasonDuplicate:
		return VerdictDuplicate
	case ReasonHardBounce, ReasonUnsubscribed, ReasonComplaint, ReasonListed:
		return VerdictSuppressed
	default:
		return VerdictInvalid
	}
}

// Reasons lists every reason in the order reports and summaries show them.
var Reasons = []Reason{
	ReasonOK, ReasonImplicitMX, ReasonTypoSuspect, ReasonDisposable, ReasonRole,
	ReasonSyntax, ReasonBadDomain, ReasonNXDomain, ReasonNoMail, ReasonNullMX, ReasonBadMX,
	ReasonDNSError, ReasonNotChecked, ReasonDuplicate,
	ReasonHardBounce, ReasonUnsubscribed, ReasonComplaint, ReasonListed,
}

// Verdicts lists every verdict in the order reports and summaries show them.
var Verdicts = []Verdict{VerdictValid, VerdictRisky, VerdictInvalid, VerdictUnknown, VerdictDuplicate, VerdictSuppressed}

// VerdictOf returns the verdict a reason belongs to.
func VerdictOf(r Reason) Verdict { return verdictOf(r) }

// StatusReason returns the reason a DNS status gives a row whose address
// parsed cleanly, before typo suspicion and duplicates are weighed. The TUI
// uses it for the live counts while checks run; JudgeAll gives the final
// verdicts.
func StatusReason(st resolver.Status) Reason {
	if r, ok := reasonOfStatus[st]; ok {
		return r
	}
	return ReasonNotChecked
}
