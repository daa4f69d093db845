package cleaner

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
)

// Reason says why a row got its verdict. The vocabulary is fixed.
type Reason string

// The reasons, grouped by the verdict they belong to.
const (
	ReasonOK          Reason = "ok"           // valid
	ReasonImplicitMX  Reason = "implicit_mx"  // risky
	ReasonTypoSuspect Reason = "typo_suspect" // risky
	ReasonSyntax      Reason = "syntax"       // invalid
	ReasonBadDomain   Reason = "bad_domain"   // invalid
	ReasonNXDomain    Reason = "nxdomain"     // invalid
	ReasonNoMail      Reason = "no_mail"      // invalid
	ReasonNullMX      Reason = "null_mx"      // invalid
	ReasonBadMX       Reason = "bad_mx"       // invalid
	ReasonDNSError    Reason = "dns_error"    // unknown
	ReasonNotChecked  Reason = "not_checked"  // unknown
	ReasonDuplicate   Reason = "duplicate"    // duplicate
)
