package resolver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/miekg/dns"
)

// fakeDNS answers askFunc questions from a table of "name TYPE" → reply:
// an rcode with records in zone-file syntax, or a temporary failure.
type fakeDNS map[string]fakeReply

type fakeReply struct {
	rcode int
	rrs   []string
	temp  bool
}

var errFakeTemp = errors.New("fake SERVFAIL")

func (f fakeDNS) ask(_ context.Context, name string, qtype uint16) (*dns.Msg, Lookup, error) {
	lk := Lookup{Name: name, Type: dns.TypeToString[qtype], Attempts: 1}
	rep, ok := f[name+" "+lk.Type]
	if !ok {
		rep = fakeReply{rcode: dns.RcodeSuccess} // NODATA
	}
	if rep.temp { // after the client's retries
		lk.Rcode, lk.Err, lk.Attempts = "SERVFAIL", errFakeTemp.Error(), 3
		return nil, lk, errFakeTemp
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.Response, m.Rcode = true, rep.rcode
	for _, s := range rep.rrs {
		rr, err := dns.NewRR(s)
		if err != nil {
			panic(fmt.Sprintf("fake record %q: %v", s, err))
		}
		m.Answer = append(m.Answer, rr)
	}
	lk.Rcode = dns.RcodeToString[rep.rcode]
	return m, lk, nil
}

func (f fakeDNS) host(ctx context.Context, host string) (hostResult, error) {
	var hr hostResult
	err := checkHost(ctx, f.ask, host, &hr)
	return hr, err
}

// The decisions that the local server cannot provoke, or only awkwardly.
func TestStatusRules(t *testing.T) {
	temp := fakeReply{temp: true}
	nx := fakeReply{rcode: dns.RcodeNameError}
	tests := []struct {
		name   string
		dns    fakeDNS
		status Status
		hosts  []string            // wanted MX host=state, in order
		addrs  map[string][]string // wanted addresses by MX host; "" for the domain's own
		err    string              // wanted Err, when not empty
	}{
		{
			name: "MX hosts sorted by preference, stop at the first that resolves",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. MX 30 c.test.", "d.test. MX 10 b.test.", "d.test. MX 10 a.test."}},
				"a.test A":    nx,
				"b.test AAAA": {rrs: []string{"b.test. AAAA 2001:db8::1"}},
				"c.test A":    {rrs: []string{"c.test. A 192.0.2.3"}},
			},
			status: StatusOK, hosts: []string{"a.test=nxdomain", "b.test=resolved", "c.test="},
		},
		{
			name: "null MX among other MX records does not count",
			dns: fakeDNS{
				"d.test MX": {rrs: []string{"d.test. MX 0 .", "d.test. MX 10 a.test."}},
				"a.test A":  {rrs: []string{"a.test. A 192.0.2.1"}},
			},
			status: StatusOK, hosts: []string{".=invalid", "a.test=resolved"},
		},
		{
			name:   "a lone root MX with a preference is no null MX, but no host either",
			dns:    fakeDNS{"d.test MX": {rrs: []string{"d.test. MX 10 ."}}},
			status: StatusBadMX, hosts: []string{".=invalid"},
		},
		{
			name: "host A fails temporarily, AAAA says NXDOMAIN: still unknown",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. MX 10 a.test."}},
				"a.test A":    temp,
				"a.test AAAA": nx,
			},
			status: StatusDNSError, hosts: []string{"a.test=dns_error"},
		},
		{
			name: "host A fails temporarily, AAAA resolves",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. MX 10 a.test."}},
				"a.test A":    temp,
				"a.test AAAA": {rrs: []string{"a.test. AAAA 2001:db8::1"}},
			},
			status: StatusOK, hosts: []string{"a.test=resolved"},
		},
		{
			name: "host without address, another failing temporarily: unknown, not bad_mx",
			dns: fakeDNS{
				"d.test MX": {rrs: []string{"d.test. MX 10 a.test.", "d.test. MX 20 b.test."}},
				"b.test A":  temp,
			},
			status: StatusDNSError, hosts: []string{"a.test=no_address", "b.test=dns_error"},
		},
		{
			name: "no MX, A fails temporarily, AAAA resolves",
			dns: fakeDNS{
				"d.test A":    temp,
				"d.test AAAA": {rrs: []string{"d.test. AAAA 2001:db8::2"}},
			},
			status: StatusImplicitMX,
		},
		{
			name:   "no MX, A fails temporarily, no AAAA: unknown, not no_mail",
			dns:    fakeDNS{"d.test A": temp},
			status: StatusDNSError,
		},
		{
			name: "CNAME answer whose target has the records, from a recursive server",
			dns: fakeDNS{
				"d.test MX": {rrs: []string{"d.test. CNAME e.test.", "e.test. MX 10 a.test."}},
				"a.test A":  {rrs: []string{"a.test. CNAME f.test.", "f.test. A 192.0.2.6"}},
			},
			status: StatusOK, hosts: []string{"a.test=resolved"},
		},
		{
			name: "MX hosts at loopback, private and link-local addresses only: bad_mx",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. MX 10 a.test.", "d.test. MX 20 b.test.", "d.test. MX 30 c.test."}},
				"a.test A":    {rrs: []string{"a.test. A 127.0.0.1"}},
				"b.test A":    {rrs: []string{"b.test. A 10.1.2.3", "b.test. A 192.168.1.1"}},
				"b.test AAAA": {rrs: []string{"b.test. AAAA fd00::1"}},
				"c.test A":    {rrs: []string{"c.test. A 169.254.0.1", "c.test. A 0.0.0.0"}},
				"c.test AAAA": {rrs: []string{"c.test. AAAA fe80::1", "c.test. AAAA ::"}},
			},
			status: StatusBadMX, hosts: []string{"a.test=unroutable", "b.test=unroutable", "c.test=unroutable"},
			addrs: map[string][]string{
				"a.test": {"127.0.0.1"},
				"b.test": {"10.1.2.3", "192.168.1.1", "fd00::1"},
				"c.test": {"169.254.0.1", "0.0.0.0", "fe80::1", "::"},
			},
		},
		{
			name: "a private A with a public AAAA routes",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. MX 10 a.test."}},
				"a.test A":    {rrs: []string{"a.test. A 172.16.0.1"}},
				"a.test AAAA": {rrs: []string{"a.test. AAAA 2a00:1450::1"}},
			},
			status: StatusOK, hosts: []string{"a.test=resolved"},
			addrs: map[string][]string{"a.test": {"172.16.0.1", "2a00:1450::1"}},
		},
		{
			name: "documentation ranges stay routable",
			dns: fakeDNS{
				"d.test MX": {rrs: []string{"d.test. MX 10 a.test.", "d.test. MX 20 b.test.", "d.test. MX 30 c.test."}},
				"a.test A":  {rrs: []string{"a.test. A 203.0.113.5"}},
			},
			status: StatusOK, hosts: []string{"a.test=resolved", "b.test=", "c.test="},
		},
		{
			name: "a private address and a temporary failure: unknown, not bad_mx",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. MX 10 a.test."}},
				"a.test A":    {rrs: []string{"a.test. A 192.168.0.9"}},
				"a.test AAAA": temp,
			},
			status: StatusDNSError, hosts: []string{"a.test=dns_error"},
		},
		{
			name: "records of an unasked type at the owner name are skipped, not followed as CNAMEs",
			dns: fakeDNS{
				"d.test MX": {rrs: []string{
					"d.test. RRSIG MX 13 2 300 20300101000000 20200101000000 12345 d.test. c2lnbmF0dXJl",
					"d.test. MX 10 a.test.",
				}},
				"a.test A": {rrs: []string{`a.test. TXT "not an address"`, "a.test. A 192.0.2.1"}},
			},
			status: StatusOK, hosts: []string{"a.test=resolved"},
		},
		{
			name: "an MX answer with only other types at the owner name has no MX records",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. A 192.0.2.9", `d.test. TXT "v=spf1 -all"`}},
				"d.test AAAA": {rrs: []string{"d.test. A 192.0.2.9", "d.test. AAAA 2001:db8::9"}},
			},
			status: StatusImplicitMX,
			addrs:  map[string][]string{"": {"2001:db8::9"}},
		},
		{
			name:   "MX lookup fails temporarily: the error says after how many attempts",
			dns:    fakeDNS{"d.test MX": temp},
			status: StatusDNSError, err: "MX lookup: fake SERVFAIL (3 attempts)",
		},
		{
			name: "every MX host fails on every question: the error names the first host and its first question",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. MX 10 a.test.", "d.test. MX 20 b.test."}},
				"a.test A":    temp,
				"a.test AAAA": temp,
				"b.test A":    temp,
				"b.test AAAA": temp,
			},
			status: StatusDNSError, hosts: []string{"a.test=dns_error", "b.test=dns_error"},
			err: "MX host a.test: A lookup: fake SERVFAIL",
		},
		{
			name:   "no MX, A and AAAA fail temporarily: the error names the first",
			dns:    fakeDNS{"d.test A": temp, "d.test AAAA": temp},
			status: StatusDNSError, err: "A lookup (no MX records): fake SERVFAIL",
		},
		{
			name: "owner names match in any case, as servers that randomise it echo them; MX hosts are lower-cased",
			dns: fakeDNS{
				"d.test MX":         {rrs: []string{"D.Test. MX 10 MX.Example.TEST."}},
				"mx.example.test A": {rrs: []string{"mx.example.test. A 192.0.2.7"}},
			},
			status: StatusOK, hosts: []string{"mx.example.test=resolved"},
			addrs: map[string][]string{"mx.example.test": {"192.0.2.7"}},
		},
		{
			name:   "records of another class are ignored",
			dns:    fakeDNS{"d.test MX": {rrs: []string{"d.test. CH MX 10 a.test."}}, "a.test A": {rrs: []string{"a.test. A 192.0.2.1"}}},
			status: StatusNoMail,
		},
		{
			name:   "records of the wrong owner are ignored",
			dns:    fakeDNS{"d.test MX": {rrs: []string{"x.test. MX 10 a.test."}}},
			status: StatusNoMail,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Result
			if err := checkDomain(context.Background(), tt.dns.ask, tt.dns.host, "d.test", &r); err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status {
				t.Errorf("status %q, want %q; %+v", r.Status, tt.status, r)
			}
			if tt.hosts != nil && !slices.Equal(hostStates(r), tt.hosts) {
				t.Errorf("hosts %v, want %v", hostStates(r), tt.hosts)
			}
			for host, want := range tt.addrs {
				if got := hostAddrs(r, host); !slices.Equal(got, want) {
					t.Errorf("addresses of %q: %v, want %v", host, got, want)
				}
			}
			if r.Status.Temporary() && r.Err == "" {
				t.Error("dns_error without Err")
			}
			if tt.err != "" && r.Err != tt.err {
				t.Errorf("Err %q, want %q", r.Err, tt.err)
			}
		})
	}
}

// hostAddrs returns the addresses r found for its MX host, or its own
// addresses when host is "".
func hostAddrs(r Result, host string) []string {
	if host == "" {
		return r.Addrs
	}
	for _, h := range r.MX {
		if h.Host == host {
			return h.Addrs
		}
	}
	return nil
}

func TestRoutable(t *testing.T) {
	for addr, want := range map[string]bool{
		"192.0.2.1": true, "198.51.100.7": true, "203.0.113.9": true, "2001:db8::25": true, "93.184.216.34": true, "2a01:4f8::1": true,
		"127.0.0.1": false, "127.1.2.3": false, "::1": false, "0.0.0.0": false, "::": false,
		"10.0.0.1": false, "172.16.5.4": false, "172.31.255.255": false, "192.168.0.1": false, "fd12::1": false, "fc00::1": false,
		"169.254.1.1": false, "fe80::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"172.32.0.1": true, "not an address": false,
		"::ffff:0.0.0.0": false, "224.0.0.251": false, "ff02::fb": false,
	} {
		if got := routable(addr); got != want {
			t.Errorf("routable(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestInvalidHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "mail.localhost": true, ".": true, "192.0.2.1": true,
		"2001:db8::1": true, "[192.0.2.1]": true, "mx.example.com": false, "localhost.example.com": false,
		"1.example": false, "notlocalhost": false, "mx.mylocalhost": false,
	} {
		if got := invalidHost(host); got != want {
			t.Errorf("invalidHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestDNSErrorAttempts: the error of a failed lookup counts its attempts
// in words that agree with the number.
func TestDNSErrorAttempts(t *testing.T) {
	for n, want := range map[int]string{1: "MX lookup: refused (1 attempt)", 3: "MX lookup: refused (3 attempts)"} {
		var r Result
		if dnsError(&r, "MX lookup", n, errors.New("refused")); r.Err != want {
			t.Errorf("%d attempts: %q, want %q", n, r.Err, want)
		}
	}
}
