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

// checkDomain decides the status of domain (lower case, no trailing dot):
// it asks for the MX records; with MX records it looks up their hosts in
// preference order until one resolves; without, it asks for the domain's own
// A and AAAA (RFC 5321 section 5.1). It returns an error only when ctx was
// cancelled, and then the Result is incomplete.
func checkDomain(ctx context.Context, ask askFunc, lookupHost hostFunc, domain string) (Result, error) {
	// Room for the MX lookup and the first host's A lookup, what most
	// domains ask, in one allocation rather than two.
	r := Result{Domain: domain, Lookups: make([]Lookup, 0, 2)}
	msg, lk, err := ask(ctx, domain, dns.TypeMX)
	r.Lookups = append(r.Lookups, lk)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return r, ctxErr
	}
	if err != nil {
		return dnsError(r, "MX lookup", lk, err), nil
	}
	var buf [8]dns.RR
	chain, rrs := follow(msg, domain, dns.TypeMX, buf[:0])
	r.CNAME = chain
	if msg.Rcode == dns.RcodeNameError {
		r.Status = StatusNXDomain
		return r, nil
	}
	if len(rrs) == 0 {
		return implicitMX(ctx, ask, r)
	}

	r.MX = make([]MXHost, 0, len(rrs))
	for _, rr := range rrs {
		if mx, ok := rr.(*dns.MX); ok {
			r.MX = append(r.MX, MXHost{Host: hostName(mx.Mx), Pref: mx.Preference})
		}
	}
	slices.SortStableFunc(r.MX, func(a, b MXHost) int {
		return cmp.Or(cmp.Compare(a.Pref, b.Pref), strings.Compare(a.Host, b.Host))
	})
	if len(r.MX) == 1 && r.MX[0].Host == "." && r.MX[0].Pref == 0 {
		r.Status = StatusNullMX
		return r, nil
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
			return r, err
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
			return r, nil
		case HostDNSError:
			if tempErr == "" {
				tempErr = fmt.Sprintf("MX host %s: %s", h.Host, hr.Err)
			}
		}
	}
	if tempErr != "" {
		r.Status, r.Err = StatusDNSError, tempErr
		return r, nil
	}
	r.Status = StatusBadMX
	return r, nil
}

// implicitMX finishes a domain that exists but answered no MX records: with
// an A or AAAA record it can still receive mail.
func implicitMX(ctx context.Context, ask askFunc, r Result) (Result, error) {
	var tempErr string
	for _, qtype := range []uint16{dns.TypeA, dns.TypeAAAA} {
		msg, lk, err := ask(ctx, r.Domain, qtype)
		r.Lookups = append(r.Lookups, lk)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return r, ctxErr
		}
		if err != nil {
			if tempErr == "" {
				tempErr = fmt.Sprintf("%s lookup (no MX records): %v", lk.Type, err)
			}
			continue
		}
		var buf [8]dns.RR
		_, rrs := follow(msg, r.Domain, qtype, buf[:0])
		if r.Addrs = addresses(rrs); len(r.Addrs) > 0 {
			r.Status = StatusImplicitMX
			return r, nil
		}
	}
	if tempErr != "" {
		r.Status, r.Err = StatusDNSError, tempErr
		return r, nil
	}
	r.Status = StatusNoMail
	return r, nil
}

// checkHost looks up an MX host's A records, then its AAAA records when it
// has no A that mail can reach. It returns an error only when ctx was
// cancelled.
func checkHost(ctx context.Context, ask askFunc, host string) (hostResult, error) {
	var hr hostResult
	nxdomain := false
	var unroutable []string // addresses found that no mail can reach
	for _, qtype := range []uint16{dns.TypeA, dns.TypeAAAA} {
		msg, lk, err := ask(ctx, host, qtype)
		hr.Lookups = append(hr.Lookups, lk)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return hr, ctxErr
		}
		if err != nil {
			if hr.Err == "" {
				hr.Err = fmt.Sprintf("%s lookup: %v", lk.Type, err)
			}
			continue
		}
		var buf [8]dns.RR
		_, rrs := follow(msg, host, qtype, buf[:0])
		addrs := addresses(rrs)
		if slices.ContainsFunc(addrs, routable) {
			hr.Addrs = append(unroutable, addrs...)
			hr.State, hr.Err = HostResolved, ""
			return hr, nil
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
	return hr, nil
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

// dnsError marks r as StatusDNSError because of the failed lookup lk.
func dnsError(r Result, what string, lk Lookup, err error) Result {
	r.Status = StatusDNSError
	attempts := "attempts"
	if lk.Attempts == 1 {
		attempts = "attempt"
	}
	r.Err = fmt.Sprintf("%s: %v (%d %s)", what, err, lk.Attempts, attempts)
	return r
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
