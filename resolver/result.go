package resolver

import "time"

// Status is the resolver's conclusion about whether a domain can receive mail.
// Every status but StatusDNSError is permanent: it follows from what an
// authoritative answer said. StatusDNSError means "unknown" and must never be
// treated as grounds for removing an address.
type Status string

// The statuses a domain check can end in.
const (
	StatusOK         Status = "ok"          // MX records exist and an MX host resolves
	StatusImplicitMX Status = "implicit_mx" // no MX, but A or AAAA (RFC 5321 5.1)
	StatusNullMX     Status = "null_mx"     // the only MX is "0 ." (RFC 7505)
	StatusNoMail     Status = "no_mail"     // the domain exists with no MX, A or AAAA
	StatusBadMX      Status = "bad_mx"      // MX records exist but no MX host resolves to an address mail can reach
	StatusNXDomain   Status = "nxdomain"    // the domain does not exist
	StatusDNSError   Status = "dns_error"   // only temporary failures after retries
)

// Routes reports whether mail to the domain can be delivered somewhere.
func (s Status) Routes() bool { return s == StatusOK || s == StatusImplicitMX }

// Temporary reports whether the status means "unknown, try later".
func (s Status) Temporary() bool { return s == StatusDNSError }

// The states an MX host can be in after a check.
const (
	HostResolved   = "resolved"   // has at least one A or AAAA record that mail can reach
	HostNXDomain   = "nxdomain"   // the host name does not exist
	HostNoAddress  = "no_address" // the host exists but has no A or AAAA
	HostUnroutable = "unroutable" // only loopback, unspecified, private or link-local addresses: no mail reaches them
	HostInvalid    = "invalid"    // localhost or an IP literal: never counts
	HostDNSError   = "dns_error"  // only temporary failures looking it up
	HostNotTried   = ""           // an earlier host already resolved
)

// MXHost is one MX record of a domain and what became of looking up its host.
type MXHost struct {
	Host  string   // host name, lower case, without the trailing dot
	Pref  uint16   // MX preference; lower is tried first
	State string   // one of the Host* constants
	Addrs []string // the A and AAAA addresses found, if looked up
}

// Lookup records one DNS question asked while checking a domain, as evidence.
type Lookup struct {
	Name     string        // the name asked about, without the trailing dot
	Type     string        // "MX", "A", "AAAA"
	Rcode    string        // the final rcode ("NOERROR", "NXDOMAIN", "SERVFAIL"...), or "" when no answer came
	Attempts int           // how many times it was asked (1 + retries used)
	Server   string        // host:port of the server that gave the final answer
	Err      string        // the last temporary error, if the lookup failed
	RTT      time.Duration // round-trip time of the final attempt
	Cached   bool          // asked earlier in this run for another domain; the answer was reused
}

// Result is the outcome of checking one distinct domain, with the evidence
// kept so that a user can see why.
type Result struct {
	Domain  string   // the domain asked about, in ASCII (punycode), lower case
	Status  Status   // the conclusion
	CNAME   []string // the CNAME chain followed from Domain, if any
	MX      []MXHost // MX records by preference (null MX included as host ".")
	Addrs   []string // the domain's own A/AAAA, when looked up (implicit MX)
	Lookups []Lookup // every question asked, in order
	Err     string   // for StatusDNSError: what went wrong, in words
}
