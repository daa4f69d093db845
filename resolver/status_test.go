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
	if rep.temp {
		lk.Rcode, lk.Err = "SERVFAIL", errFakeTemp.Error()
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
	return checkHost(ctx, f.ask, host)
}

// The decisions that the local server cannot provoke, or only awkwardly.
func TestStatusRules(t *testing.T) {
	temp := fakeReply{temp: true}
	nx := fakeReply{rcode: dns.RcodeNameError}
	tests := []struct {
		name   string
		dns    fakeDNS
		status Status
		hosts  []string
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
		},
		{
			name: "a private A with a public AAAA routes",
			dns: fakeDNS{
				"d.test MX":   {rrs: []string{"d.test. MX 10 a.test."}},
				"a.test A":    {rrs: []string{"a.test. A 172.16.0.1"}},
				"a.test AAAA": {rrs: []string{"a.test. AAAA 2a00:1450::1"}},
			},
			status: StatusOK, hosts: []string{"a.test=resolved"},
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
			name:   "records of the wrong owner are ignored",
			dns:    fakeDNS{"d.test MX": {rrs: []string{"x.test. MX 10 a.test."}}},
			status: StatusNoMail,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := checkDomain(context.Background(), tt.dns.ask, tt.dns.host, "d.test")
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status {
				t.Errorf("status %q, want %q; %+v", r.Status, tt.status, r)
			}
			if tt.hosts != nil && !slices.Equal(hostStates(r), tt.hosts) {
				t.Errorf("hosts %v, want %v", hostStates(r), tt.hosts)
			}
			if r.Status.Temporary() && r.Err == "" {
				t.Error("dns_error without Err")
			}
		})
	}
}

func TestRoutable(t *testing.T) {
	for addr, want := range map[string]bool{
		"192.0.2.1": true, "198.51.100.7": true, "203.0.113.9": true, "2001:db8::25": true, "8.8.8.8": true, "2a00:1450::1": true,
		"127.0.0.1": false, "127.1.2.3": false, "::1": false, "0.0.0.0": false, "::": false,
		"10.0.0.1": false, "172.16.5.4": false, "172.31.255.255": false, "192.168.0.1": false, "fd12::1": false, "fc00::1": false,
		"169.254.1.1": false, "fe80::1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"172.32.0.1": true, "not an address": false,
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
		"1.example": false,
	} {
		if got := invalidHost(host); got != want {
			t.Errorf("invalidHost(%q) = %v, want %v", host, got, want)
		}
	}
}
