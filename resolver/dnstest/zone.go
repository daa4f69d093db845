package dnstest

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/miekg/dns"
)

// maxCNAMEChain bounds how many CNAME records one answer follows, so that a
// long chain or a loop in the data ends.
const maxCNAMEChain = 8

// syntheticSOA is the negative-answer SOA for names that no SOA in the data
// covers. It sits at the root, which is an ancestor of every name, so a
// resolver checking that the SOA owner encloses the query name accepts it.
var syntheticSOA dns.RR = &dns.SOA{
	Hdr:     dns.RR_Header{Name: ".", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 60},
	Ns:      "ns.dnstest.",
	Mbox:    "hostmaster.dnstest.",
	Serial:  1,
	Refresh: 3600,
	Retry:   600,
	Expire:  86400,
	Minttl:  60,
}

// rrset is the records of one type at one name, in the order given.
type rrset struct {
	rrtype uint16
	rrs    []dns.RR
}

// node is one name in the data. A node without rrsets is an empty
// non-terminal: it exists only because a name below it does.
type node struct {
	rrsets  []rrset
	negSOA  dns.RR       // the SOA for negative answers at or below this name
	queries atomic.Int64 // queries whose qname is this name
}

// lookup returns the records of type t at n, or nil. Nodes hold a handful of
// types, so a linear scan beats a map.
func (n *node) lookup(t uint16) []dns.RR {
	for i := range n.rrsets {
		if n.rrsets[i].rrtype == t {
			return n.rrsets[i].rrs
		}
	}
	return nil
}

// index maps lower-case FQDNs to their nodes. It is built once and only read
// afterwards, so queries use it without locking. The records in it are shared
// by all answers and never modified.
type index struct {
	names map[string]*node
}

// newIndex builds the index for rrs. Every ancestor of an owner name up to
// the root gets a node, so that empty non-terminals answer NODATA rather than
// NXDOMAIN.
func newIndex(rrs []dns.RR) (*index, error) {
	idx := &index{names: make(map[string]*node, len(rrs))}
	for i, rr := range rrs {
		if rr == nil {
			return nil, fmt.Errorf("record %d is nil", i)
		}
		h := rr.Header()
		if !dns.IsFqdn(h.Name) {
			return nil, fmt.Errorf("record %d: owner %q is not fully qualified", i, h.Name)
		}
		if h.Rrtype == dns.TypeOPT {
			return nil, fmt.Errorf("record %d (%s) is an OPT pseudo-record", i, h.Name)
		}
		name := canonical(h.Name)
		n := idx.node(name)
		added := false
		for j := range n.rrsets {
			if n.rrsets[j].rrtype == h.Rrtype {
				n.rrsets[j].rrs = append(n.rrsets[j].rrs, rr)
				added = true
				break
			}
		}
		if !added {
			n.rrsets = append(n.rrsets, rrset{rrtype: h.Rrtype, rrs: []dns.RR{rr}})
		}
	}

	// Each SOA owner gets its negative SOA first; then every other name takes
	// the one of its closest ancestor that has one. Walking up stops at the
	// first node with a negative SOA, which is either its own SOA or one that
	// node inherited, and in both cases the closest enclosing SOA.
	for _, n := range idx.names {
		if soa := n.lookup(dns.TypeSOA); soa != nil {
			n.negSOA = negativeSOA(soa[0])
		}
	}
	for name, n := range idx.names {
		if n.negSOA == nil {
			n.negSOA = idx.closestNegSOA(name)
		}
	}
	return idx, nil
}

// node returns the node for name, creating it and any missing ancestors.
func (idx *index) node(name string) *node {
	n := idx.names[name]
	if n != nil {
		return n
	}
	n = new(node)
	idx.names[name] = n
	for a := name; a != "."; {
		a = parent(a)
		if _, ok := idx.names[a]; ok {
			break
		}
		idx.names[a] = new(node)
	}
	return n
}

// closestNegSOA returns the negative SOA of the closest node at or above name
// that has one, or the synthetic SOA.
func (idx *index) closestNegSOA(name string) dns.RR {
	for {
		if n := idx.names[name]; n != nil && n.negSOA != nil {
			return n.negSOA
		}
		if name == "." {
			return syntheticSOA
		}
		name = parent(name)
	}
}

// answer fills in m, a reply to a query for qname and qtype, from the data.
// n is the node of qname, or nil when qname does not exist.
func (idx *index) answer(m *dns.Msg, qname string, qtype uint16, n *node) {
	name := qname
	for chain := 0; ; chain++ {
		if n == nil {
			m.Rcode = dns.RcodeNameError
			m.Ns = []dns.RR{idx.closestNegSOA(name)}
			return
		}
		if rrs := n.lookup(qtype); rrs != nil {
			m.Answer = append(m.Answer, rrs...)
			return
		}
		cname, ok := firstCNAME(n)
		if !ok {
			// NODATA, which includes empty non-terminals.
			m.Ns = []dns.RR{n.negSOA}
			return
		}
		m.Answer = append(m.Answer, cname)
		if chain+1 == maxCNAMEChain {
			return
		}
		name = canonical(cname.Target)
		if inChain(m.Answer, name) {
			return // a loop: every name in it has been answered once
		}
		n = idx.names[name]
	}
}

// firstCNAME returns the CNAME at n, if there is one to follow.
func firstCNAME(n *node) (*dns.CNAME, bool) {
	rrs := n.lookup(dns.TypeCNAME)
	if rrs == nil {
		return nil, false
	}
	c, ok := rrs[0].(*dns.CNAME)
	return c, ok
}

// inChain reports whether name owns one of the CNAME records in answer.
func inChain(answer []dns.RR, name string) bool {
	for _, rr := range answer {
		if strings.EqualFold(rr.Header().Name, name) {
			return true
		}
	}
	return false
}

// negativeSOA returns soa as it goes in a negative answer: with the TTL
// lowered to the SOA MINIMUM field when that is smaller (RFC 2308 section 3).
func negativeSOA(soa dns.RR) dns.RR {
	s, ok := soa.(*dns.SOA)
	if !ok || s.Hdr.Ttl <= s.Minttl {
		return soa
	}
	c := dns.Copy(s).(*dns.SOA)
	c.Hdr.Ttl = c.Minttl
	return c
}

// canonical returns name as an index key: lower case, fully qualified.
func canonical(name string) string {
	return strings.ToLower(dns.Fqdn(name))
}

// parent returns the name one label up from the FQDN name; the parent of a
// top-level name, and of the root, is the root.
func parent(name string) string {
	off, end := dns.NextLabel(name, 0)
	if end {
		return "."
	}
	return name[off:]
}
