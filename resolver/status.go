package resolver

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// This file is the one place where answers become statuses. The rest of the
// package asks questions and caches answers; everything that reads an rcode
// or a record to decide something is here.
//
// The rule that shapes it: a temporary failure never becomes a permanent
// status. A lookup that ended in SERVFAIL, REFUSED, a timeout or a bad
// reply after its retries only ever leads to StatusDNSError or
// HostDNSError, never to nxdomain, no_mail or bad_mx.

// askFunc asks one question with retries. It returns the definitive reply
// (NOERROR or NXDOMAIN) or an error for a temporary failure or a cancelled
// context, and the evidence either way.
type askFunc func(ctx context.Context, name string, qtype uint16) (*dns.Msg, Lookup, error)

// hostFunc looks up an MX host's addresses, possibly from a cache; the error
// is only ever a cancelled context.
type hostFunc func(ctx context.Context, host string) (hostResult, error)

// hostResult is what became of looking up one MX host.
type hostResult struct {
	State   string   // one of the Host* constants
	Addrs   []string // A then AAAA addresses
	Lookups []Lookup // the questions asked, shared with the cache: copy them before changing them
	Err     string   // for HostDNSError: the first temporary failure
	Cached  bool     // another domain's check asked the questions: their copies in a Result are marked Cached
}

// checkDomain decides the status of domain (lower case, no trailing dot)
// and writes its Result in r: it asks for the MX records; with MX records
// it looks up their hosts in preference order until one resolves;
// without, it asks for the domain's own A and AAAA (RFC 5321 section
// 5.1). It returns an error only when ctx was cancelled, and then the
// Result is incomplete.
//
// The Result is written in place, as are those of implicitMX, dnsError
// and checkHost, rather than returned: these run deepest on the stacks of
// the goroutines that check domains, and a Result returned (144 bytes)
// took room in each frame it went through (see decodeScratch).
func checkDomain(ctx context.Context, ask askFunc, lookupHost hostFunc, domain string, r *Result) error {
	// Room for the MX lookup and the first host's A lookup, what most
	// domains ask, in one allocation rather than two.
	*r = Result{Domain: domain, Lookups: make([]Lookup, 0, 2)}
	msg, lk, err := ask(ctx, domain, dns.TypeMX)
	r.Lookups = append(r.Lookups, lk)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err != nil {
		dnsError(r, "MX lookup", lk.Attempts, err)
		return nil
	}
	chain, mx, found := mxHosts(msg, domain)
	r.CNAME = chain
	if msg.Rcode == dns.RcodeNameError {
		r.Status = StatusNXDomain
		return nil
	}
	if !found {
		return implicitMX(ctx, ask, r)
	}

	r.MX = mx
	if len(r.MX) == 1 && r.MX[0].Host == "." && r.MX[0].Pref == 0 {
		r.Status = StatusNullMX
		return nil
	}

	var tempErr string
	for i := range r.MX {
		h := &r.MX[i]
		if invalidHost(h.Host) {
			h.State = HostInvalid
			continue
		}
		hr, err := lookupHost(ctx, h.Host)
		if err != nil {
			return err
		}
		n := len(r.Lookups)
		r.Lookups = append(r.Lookups, hr.Lookups...)
		if hr.Cached {
			for i := n; i < len(r.Lookups); i++ {
				r.Lookups[i].Cached = true
			}
		}
		h.State, h.Addrs = hr.State, hr.Addrs
		switch hr.State {
		case HostResolved:
			r.Status = StatusOK
			return nil
		case HostDNSError:
			if tempErr == "" {
				tempErr = fmt.Sprintf("MX host %s: %s", h.Host, hr.Err)
			}
		}
	}
	if tempErr != "" {
		r.Status, r.Err = StatusDNSError, tempErr
		return nil
	}
	r.Status = StatusBadMX
	return nil
}

// mxHosts reads msg, the answer to the MX question about domain: the
// CNAME chain followed, whether it holds records of type MX, and, unless
// the domain does not exist, its MX hosts by preference. It is apart from
// checkDomain so that its buffer of records is off the stack during the
// lookups of the hosts.
func mxHosts(msg *dns.Msg, domain string) (chain []string, mx []MXHost, found bool) {
	var buf [8]dns.RR
	chain, rrs := follow(msg, domain, dns.TypeMX, buf[:0])
	if msg.Rcode == dns.RcodeNameError || len(rrs) == 0 {
		return chain, nil, len(rrs) > 0
	}
	mx = make([]MXHost, 0, len(rrs))
	for _, rr := range rrs {
		if rr, ok := rr.(*dns.MX); ok {
			mx = append(mx, MXHost{Host: hostName(rr.Mx), Pref: rr.Preference})
		}
	}
	slices.SortStableFunc(mx, func(a, b MXHost) int {
		return cmp.Or(cmp.Compare(a.Pref, b.Pref), strings.Compare(a.Host, b.Host))
	})
	return chain, mx, true
}

// implicitMX finishes r, the Result of a domain that exists but answered
// no MX records: with an A or AAAA record it can still receive mail.
func implicitMX(ctx context.Context, ask askFunc, r *Result) error {
	var tempErr string
	for _, qtype := range []uint16{dns.TypeA, dns.TypeAAAA} {
		msg, lk, err := ask(ctx, r.Domain, qtype)
		r.Lookups = append(r.Lookups, lk)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if tempErr == "" {
				tempErr = fmt.Sprintf("%s lookup (no MX records): %v", lk.Type, err)
			}
			continue
		}
		if r.Addrs = answerAddrs(msg, r.Domain, qtype); len(r.Addrs) > 0 {
			r.Status = StatusImplicitMX
			return nil
		}
	}
	if tempErr != "" {
		r.Status, r.Err = StatusDNSError, tempErr
		return nil
	}
	r.Status = StatusNoMail
	return nil
}

// checkHost looks up an MX host's A records, then its AAAA records when it
// has no A that mail can reach, and writes what it found in hr. It returns
// an error only when ctx was cancelled.
func checkHost(ctx context.Context, ask askFunc, host string, hr *hostResult) error {
	*hr = hostResult{}
	nxdomain := false
	var unroutable []string // addresses found that no mail can reach
	for _, qtype := range []uint16{dns.TypeA, dns.TypeAAAA} {
		msg, lk, err := ask(ctx, host, qtype)
		hr.Lookups = append(hr.Lookups, lk)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if hr.Err == "" {
				hr.Err = fmt.Sprintf("%s lookup: %v", lk.Type, err)
			}
			continue
		}
		addrs := answerAddrs(msg, host, qtype)
		if slices.ContainsFunc(addrs, routable) {
			hr.Addrs = append(unroutable, addrs...)
			hr.State, hr.Err = HostResolved, ""
			return nil
		}
		unroutable = append(unroutable, addrs...)
		if msg.Rcode == dns.RcodeNameError {
			nxdomain = true
			if hr.Err == "" {
				break // the name does not exist: no type can have records
			}
		}
	}
	hr.Addrs = unroutable
	switch {
	case hr.Err != "":
		hr.State = HostDNSError
	case len(unroutable) > 0:
		hr.State = HostUnroutable
	case nxdomain:
		hr.State = HostNXDomain
	default:
		hr.State = HostNoAddress
	}
	return nil
}

// answerAddrs returns the addresses that msg, the answer to an A or AAAA
// question (qtype) about name, gives name. It is apart from its callers so
// that its buffer of records is off the stack during their lookups.
func answerAddrs(msg *dns.Msg, name string, qtype uint16) []string {
	var buf [8]dns.RR
	_, rrs := follow(msg, name, qtype, buf[:0])
	return addresses(rrs)
}

// routable reports whether mail can reach an address from the Internet:
// not loopback, unspecified (0.0.0.0, ::), private (RFC 1918, RFC 4193
// ULA) or link-local. An MX host with only such addresses is a
// misconfiguration that peers miss (Reacher #1469, python-email-validator
// #134), or a filtering resolver's sinkhole. The documentation ranges
// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) count as
// routable: the demo and test worlds use them.
func routable(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	a = a.Unmap()
	return !(a.IsLoopback() || a.IsUnspecified() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast())
}

// dnsError marks r as StatusDNSError because of a lookup that failed
// after the given number of attempts.
func dnsError(r *Result, what string, attempts int, err error) {
	r.Status = StatusDNSError
	unit := "attempts"
	if attempts == 1 {
		unit = "attempt"
	}
	r.Err = fmt.Sprintf("%s: %v (%d %s)", what, err, attempts, unit)
}

// follow walks the answer section of msg from name through its CNAME chain,
// as a recursive server returns it, and returns the chain (the names the
// CNAMEs pointed to, in order) and the records of type qtype owned by the
// last name, appended to rrs: the caller's array, on its stack, spares an
// allocation for each lookup. A CNAME loop ends the walk.
func follow(msg *dns.Msg, name string, qtype uint16, rrs []dns.RR) (chain []string, _ []dns.RR) {
	owner, n := name, len(rrs) // compared with each record's owner as dns.Fqdn makes it (equalFqdn)
	for range len(msg.Answer) + 1 {
		next := ""
		for _, rr := range msg.Answer {
			h := rr.Header()
			if h.Class != dns.ClassINET || !equalFqdn(h.Name, owner) {
				continue
			}
			if h.Rrtype == qtype {
				rrs = append(rrs, rr)
			} else if cn, ok := rr.(*dns.CNAME); ok && qtype != dns.TypeCNAME {
				next = cn.Target
			}
		}
		if len(rrs) > n || next == "" || slices.Contains(chain, hostName(next)) {
			return chain, rrs
		}
		chain = append(chain, hostName(next))
		owner = next
	}
	return chain, rrs
}

// equalFqdn reports whether fqdn is name as dns.Fqdn makes it, but for
// case: strings.EqualFold(fqdn, dns.Fqdn(name)), without making that
// string.
func equalFqdn(fqdn, name string) bool {
	if dns.IsFqdn(name) {
		return strings.EqualFold(fqdn, name)
	}
	return strings.HasSuffix(fqdn, ".") && strings.EqualFold(fqdn[:len(fqdn)-1], name)
}

// addresses returns the IP addresses of the A and AAAA records among rrs.
func addresses(rrs []dns.RR) []string {
	var addrs []string
	for _, rr := range rrs {
		switch rr := rr.(type) {
		case *dns.A:
			addrs = append(addrs, rr.A.String())
		case *dns.AAAA:
			addrs = append(addrs, rr.AAAA.String())
		}
	}
	return addrs
}

// hostName is a DNS name from a record as Result shows it: lower case,
// without the trailing dot, except for the root, which stays ".".
func hostName(fqdn string) string {
	if fqdn == "." {
		return "."
	}
	return strings.ToLower(strings.TrimSuffix(fqdn, "."))
}

// invalidHost reports whether an MX host can never count as a mail server:
// the root (a null MX among other records), localhost (RFC 6761), and IP
// literals, which are not host names at all (RFC 5321 section 5.1).
func invalidHost(host string) bool {
	if host == "." || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	s := strings.Trim(host, "[]")
	// Only digits and dots, or a colon, can make an address: a name
	// is not parsed, as its parse error was an allocation for each MX
	// host tried.
	if !strings.Contains(s, ":") && strings.ContainsFunc(s, func(c rune) bool { return c != '.' && (c < '0' || c > '9') }) {
		return false
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}
