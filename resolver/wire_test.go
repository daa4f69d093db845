package resolver

import (
	"reflect"
	"testing"

	"github.com/miekg/dns"
)

// replyCases are replies as servers send them, and some as none should,
// each to its question, packed compressed or not; fast says whether
// decodeReply takes the reply rather than leaving it to Unpack.
func replyCases(t testing.TB) []struct {
	name string
	q    *dns.Msg
	p    []byte
	fast bool
} {
	rr := func(s string) dns.RR {
		r, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// reply returns a question and its reply.
	reply := func(name string, qtype uint16, rcode int, edns bool, answer, ns, extra []string) [2]*dns.Msg {
		q := new(dns.Msg).SetQuestion(name, qtype)
		q.SetEdns0(ednsSize, false)
		m := new(dns.Msg).SetRcode(q, rcode)
		for _, s := range answer {
			m.Answer = append(m.Answer, rr(s))
		}
		for _, s := range ns {
			m.Ns = append(m.Ns, rr(s))
		}
		for _, s := range extra {
			m.Extra = append(m.Extra, rr(s))
		}
		if edns {
			m.SetEdns0(ednsSize, false)
		}
		return [2]*dns.Msg{q, m}
	}
	soa := []string{"test. 60 IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60"}
	var cases []struct {
		name string
		q    *dns.Msg
		p    []byte
		fast bool
	}
	add := func(name string, fast bool, qm [2]*dns.Msg) {
		q, m := qm[0], qm[1]
		for _, compress := range []bool{true, false} {
			m.Compress = compress
			p, err := m.Pack()
			if err != nil {
				t.Fatal(err)
			}
			n := name
			if !compress {
				n += ", uncompressed"
			}
			cases = append(cases, struct {
				name string
				q    *dns.Msg
				p    []byte
				fast bool
			}{n, q, p, fast})
		}
	}
	add("MX set", true, reply("gmail.test.", dns.TypeMX, dns.RcodeSuccess, true, []string{
		"gmail.test. 300 IN MX 5 gmail-smtp-in.l.google.test.",
		"gmail.test. 300 IN MX 10 alt1.gmail-smtp-in.l.google.test.",
		"gmail.test. 300 IN MX 20 alt2.gmail-smtp-in.l.google.test.",
	}, nil, nil))
	add("one MX", true, reply("one.test.", dns.TypeMX, dns.RcodeSuccess, true, []string{"one.test. 300 IN MX 10 mx.one.test."}, nil, nil))
	add("one A", true, reply("mx.one.test.", dns.TypeA, dns.RcodeSuccess, true, []string{"mx.one.test. 300 IN A 192.0.2.7"}, nil, nil))
	add("null MX", true, reply("none.test.", dns.TypeMX, dns.RcodeSuccess, true, []string{"none.test. 300 IN MX 0 ."}, nil, nil))
	add("CNAME chain to MX", true, reply("a.test.", dns.TypeMX, dns.RcodeSuccess, true, []string{
		"a.test. 300 IN CNAME b.test.", "b.test. 300 IN CNAME c.test.", "c.test. 300 IN MX 10 mx.c.test.",
	}, nil, nil))
	add("A and AAAA", true, reply("mx.test.", dns.TypeA, dns.RcodeSuccess, true, []string{
		"mx.test. 300 IN A 192.0.2.1", "mx.test. 300 IN A 192.0.2.2", "mx.test. 300 IN AAAA 2001:db8::1",
	}, nil, nil))
	add("NXDOMAIN with SOA", true, reply("gone.test.", dns.TypeMX, dns.RcodeNameError, true, nil, soa, nil))
	add("NODATA without EDNS", true, reply("nomx.test.", dns.TypeMX, dns.RcodeSuccess, false, nil, soa, nil))
	add("NS and glue", true, reply("d.test.", dns.TypeMX, dns.RcodeSuccess, true,
		[]string{"d.test. 300 IN MX 10 mx.d.test."},
		[]string{"d.test. 300 IN NS ns1.d.test.", "d.test. 300 IN NS ns2.d.test."},
		[]string{"mx.d.test. 300 IN A 192.0.2.9", "ns1.d.test. 300 IN AAAA 2001:db8::53"}))
	add("SERVFAIL", true, reply("broken.test.", dns.TypeMX, dns.RcodeServerFailure, true, nil, nil, nil))
	add("other class", true, reply("chaos.test.", dns.TypeA, dns.RcodeSuccess, true, []string{"chaos.test. 300 CH A 192.0.2.1"}, nil, nil))
	add("records of other names", true, reply("x.test.", dns.TypeMX, dns.RcodeSuccess, true, []string{
		"y.test. 300 IN MX 10 mx.y.test.", "x.test. 300 IN MX 10 x.test.",
	}, nil, nil))

	qm := reply("ext.test.", dns.TypeMX, dns.RcodeSuccess, true, nil, nil, nil)
	qm[1].IsEdns0().SetExtendedRcode(dns.RcodeBadVers)
	qm[1].Rcode = dns.RcodeBadVers
	add("extended rcode", true, qm)

	add("TXT beside the address", false, reply("spf.test.", dns.TypeA, dns.RcodeSuccess, true, []string{
		`spf.test. 300 IN TXT "v=spf1 -all"`, "spf.test. 300 IN A 192.0.2.1",
	}, nil, nil))
	add("escaped byte in a host", false, reply("esc.test.", dns.TypeMX, dns.RcodeSuccess, true, []string{`esc.test. 300 IN MX 10 m\.x.esc.test.`}, nil, nil))
	qm = reply("opt.test.", dns.TypeMX, dns.RcodeSuccess, true, []string{"opt.test. 300 IN MX 10 mx.opt.test."}, nil, nil)
	qm[1].IsEdns0().Option = append(qm[1].IsEdns0().Option, &dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6e73"})
	add("EDNS option", false, qm)
	add("DS in the authority section", false, reply("ds.test.", dns.TypeMX, dns.RcodeSuccess, true, nil,
		[]string{"ds.test. 300 IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"}, nil))
	qm = reply("case.test.", dns.TypeMX, dns.RcodeSuccess, true, []string{"case.test. 300 IN MX 10 mx.case.test."}, nil, nil)
	qm[1].Question[0].Name = "CaSe.TeSt."
	add("question in another case", false, qm)
	qm = reply("many.test.", dns.TypeA, dns.RcodeSuccess, true, nil, nil, nil)
	for i := range maxDecoded + 1 {
		qm[1].Answer = append(qm[1].Answer, &dns.A{Hdr: dns.RR_Header{Name: "many.test.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: []byte{192, 0, 2, byte(i)}})
	}
	add("more answers than decoded", false, qm)
	return cases
}

// TestDecodeReply checks that decodeReply takes the usual replies, and
// decodes each as Unpack does.
func TestDecodeReply(t *testing.T) {
	for _, c := range replyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			r := decodeReply(c.q, c.p)
			if (r != nil) != c.fast {
				t.Fatalf("decodeReply took the reply: %v, want %v", r != nil, c.fast)
			}
			if r != nil {
				sameAsUnpack(t, c.q, c.p, r)
			}
			// Whichever way it went, unpackReply answers as Unpack does.
			got, err := unpackReply(c.q, c.p)
			want := new(dns.Msg)
			if uerr := want.Unpack(c.p); uerr != nil {
				t.Fatalf("Unpack: %v", uerr)
			}
			if merr := matches(c.q, want); (merr == nil) != (err == nil) {
				t.Fatalf("unpackReply error %v, matches %v", err, merr)
			}
			if err == nil {
				sameAsUnpack(t, c.q, c.p, got)
			}
		})
	}
}

// TestDecodeReplyCutShort checks that no reply cut short, or with a byte
// changed, decodes where Unpack would fail or differ.
func TestDecodeReplyCutShort(t *testing.T) {
	for _, c := range replyCases(t) {
		for n := range len(c.p) {
			if r := decodeReply(c.q, c.p[:n]); r != nil {
				sameAsUnpack(t, c.q, c.p[:n], r)
			}
		}
		for i := range len(c.p) {
			p := append([]byte(nil), c.p...)
			for _, b := range []byte{0, 1, 0x3f, 0xc0, 0xff, p[i] ^ 0x20} {
				p[i] = b
				if r := decodeReply(c.q, p); r != nil {
					sameAsUnpack(t, c.q, p, r)
				}
			}
		}
	}
}

// FuzzDecodeReply checks that whatever decodeReply takes, Unpack takes
// too, decodes the same, and matches finds an answer to the question.
func FuzzDecodeReply(f *testing.F) {
	for _, c := range replyCases(f) {
		f.Add(c.p)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		// The question the reply holds, when it holds one, so that the
		// fuzzer can reach decodeReply's way.
		q := new(dns.Msg).SetQuestion("example.test.", dns.TypeMX)
		if m := new(dns.Msg); m.Unpack(p) == nil && len(m.Question) == 1 {
			q.Question[0] = m.Question[0]
		}
		if r := decodeReply(q, p); r != nil {
			sameAsUnpack(t, q, p, r)
		}
	})
}

// sameAsUnpack checks that r, which decodeReply or unpackReply made of p,
// a reply to q, holds what Unpack makes of p, in all that decodeReply
// keeps, and that it matches q.
func sameAsUnpack(t testing.TB, q *dns.Msg, p []byte, r *dns.Msg) {
	t.Helper()
	want := new(dns.Msg)
	if err := want.Unpack(p); err != nil {
		t.Fatalf("decoded a reply that Unpack fails on (%v): % x", err, p)
	}
	if err := matches(q, want); err != nil {
		t.Fatalf("decoded a reply that does not match (%v): % x", err, p)
	}
	if r.MsgHdr != want.MsgHdr {
		t.Fatalf("header %+v, Unpack %+v: % x", r.MsgHdr, want.MsgHdr, p)
	}
	if !reflect.DeepEqual(r.Question, want.Question) {
		t.Fatalf("question %v, Unpack %v: % x", r.Question, want.Question, p)
	}
	if len(r.Answer) != len(want.Answer) {
		t.Fatalf("%d answers, Unpack %d: % x", len(r.Answer), len(want.Answer), p)
	}
	for i := range r.Answer {
		if !reflect.DeepEqual(r.Answer[i], want.Answer[i]) {
			t.Fatalf("answer %d is %v, Unpack %v: % x", i, r.Answer[i], want.Answer[i], p)
		}
	}
}
