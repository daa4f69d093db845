package resolver

import (
	"context"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/miekg/dns"
)

// fuzzReplies splits data into wire-format messages, each prefixed by a
// two-byte length, as DNS over TCP frames them.
func fuzzReplies(data []byte) [][]byte {
	var out [][]byte
	for len(data) >= 2 {
		n := int(binary.BigEndian.Uint16(data))
		data = data[2:]
		n = min(n, len(data))
		out = append(out, data[:n])
		data = data[n:]
	}
	return out
}

// fuzzSeed packs messages built in code into the fuzzer's input format.
func fuzzSeed(msgs ...*dns.Msg) []byte {
	var data []byte
	for _, m := range msgs {
		wire, err := m.Pack()
		if err != nil {
			panic(err)
		}
		data = binary.BigEndian.AppendUint16(data, uint16(len(wire)))
		data = append(data, wire...)
	}
	return data
}

func fuzzReply(name string, qtype uint16, rcode int, rrs ...string) *dns.Msg {
	q := new(dns.Msg).SetQuestion(dns.Fqdn(name), qtype)
	m := new(dns.Msg).SetRcode(q, rcode)
	for _, s := range rrs {
		rr, err := dns.NewRR(s)
		if err != nil {
			panic(err)
		}
		m.Answer = append(m.Answer, rr)
	}
	return m
}

// FuzzStatus feeds arbitrary replies to the status logic, in the order it
// asks its questions, the way the client hands them over: a reply that does
// not unpack, does not answer the question asked, or carries an rcode other
// than NOERROR or NXDOMAIN is a temporary failure. The logic must not panic,
// must end in a known status, and must never turn temporary failures alone
// into a permanent status.
func FuzzStatus(f *testing.F) {
	f.Add(fuzzSeed(
		fuzzReply("example.com", dns.TypeMX, dns.RcodeSuccess, "example.com. 300 IN MX 10 mx.example.net."),
		fuzzReply("mx.example.net", dns.TypeA, dns.RcodeSuccess, "mx.example.net. 300 IN A 192.0.2.1"),
	))
	f.Add(fuzzSeed(fuzzReply("example.com", dns.TypeMX, dns.RcodeSuccess, "example.com. 300 IN MX 0 .")))
	f.Add(fuzzSeed(fuzzReply("example.com", dns.TypeMX, dns.RcodeNameError,
		"example.com. 300 IN CNAME a.example.org.", "a.example.org. 300 IN CNAME example.com.")))
	f.Add(fuzzSeed(
		fuzzReply("example.com", dns.TypeMX, dns.RcodeSuccess),
		fuzzReply("example.com", dns.TypeA, dns.RcodeServerFailure),
		fuzzReply("example.com", dns.TypeAAAA, dns.RcodeSuccess, "example.com. 300 IN AAAA 2001:db8::1"),
	))
	// Records of types not asked for at the owner name: a signature from
	// a DNSSEC-aware server, an SPF record beside the address.
	f.Add(fuzzSeed(
		fuzzReply("example.com", dns.TypeMX, dns.RcodeSuccess,
			"example.com. 300 IN RRSIG MX 13 2 300 20300101000000 20200101000000 12345 example.com. c2lnbmF0dXJl",
			"example.com. 300 IN MX 10 mx.example.net."),
		fuzzReply("mx.example.net", dns.TypeA, dns.RcodeSuccess,
			`mx.example.net. 300 IN TXT "v=spf1 -all"`, "mx.example.net. 300 IN A 192.0.2.1"),
	))
	f.Fuzz(func(t *testing.T, data []byte) {
		replies := fuzzReplies(data)
		asked, failed := 0, 0
		ask := func(ctx context.Context, name string, qtype uint16) (*dns.Msg, Lookup, error) {
			lk := Lookup{Name: name, Type: dns.TypeToString[qtype], Attempts: 1}
			asked++
			if len(replies) == 0 {
				failed++
				return nil, lk, errTimeout
			}
			wire := replies[0]
			replies = replies[1:]
			q := new(dns.Msg).SetQuestion(dns.Fqdn(name), qtype)
			r, err := unpackReply(q, wire) // as the client decodes a reply
			if err != nil {
				failed++
				return nil, lk, err
			}
			if r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError {
				failed++
				return nil, lk, rcodeError(r.Rcode)
			}
			return r, lk, nil
		}
		lookupHost := func(ctx context.Context, host string) (hostResult, error) {
			var hr hostResult
			err := checkHost(ctx, ask, host, &hr)
			return hr, err
		}
		var res Result
		if err := checkDomain(context.Background(), ask, lookupHost, "example.com", &res); err != nil {
			t.Fatalf("checkDomain without cancellation: %v", err)
		}
		known := []Status{StatusOK, StatusImplicitMX, StatusNullMX, StatusNoMail, StatusBadMX, StatusNXDomain, StatusDNSError}
		if !slices.Contains(known, res.Status) {
			t.Fatalf("unknown status %q", res.Status)
		}
		if failed == asked && res.Status != StatusDNSError {
			t.Fatalf("every lookup failed temporarily, yet the status is %s", res.Status)
		}
		if len(res.Lookups) != asked {
			t.Fatalf("%d lookups asked, %d kept as evidence", asked, len(res.Lookups))
		}
	})
}
