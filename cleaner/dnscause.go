package cleaner

import (
	"strconv"
	"strings"

	"github.com/listclean/listclean/cleaner/printable"
	"github.com/listclean/listclean/resolver"
)

// maxCauseHosts is how many MX hosts a bad_mx domain's DNSCause names;
// the others are counted.
const maxCauseHosts = 3

// DNSCause says on one line what in a domain's DNS result made it fail,
// where the status's name does not say it all: for a dns_error, the
// failure in the resolver's words (Result.Err: the lookup, the server and
// its answer, the attempts, or why the server is not trusted), as in
//
//	MX lookup: 127.0.0.1:53: server answered SERVFAIL (3 attempts)
//
// and for a bad_mx, the MX hosts and what became of each (MXHostText),
// the first maxCauseHosts of them, as in
//
//	MX 10 mx1.example.net: nxdomain, MX 20 mx2.example.net: no_address
//
// It is "" for every other status: that a domain does not exist, has no
// mail server or refuses mail is all there is to say. The row's detail in
// the removed file and the report starts with it; the TUI's detail pane
// shows the same. Characters from a server's reply that could drive a
// terminal are shown as escapes (printable.String).
func DNSCause(res resolver.Result) string {
	switch res.Status {
	case resolver.StatusDNSError:
		return printable.String(res.Err)
	case resolver.StatusBadMX:
		var b strings.Builder
		for k, mx := range res.MX {
			if k == maxCauseHosts {
				b.WriteString(", and " + strconv.Itoa(len(res.MX)-k) + " more")
				break
			}
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString(MXHostText(mx))
		}
		return b.String()
	}
	return ""
}

// MXHostText describes an MX record and what became of looking up its
// host, on one line: the preference and host, then the host's state and
// the addresses found, if any, as in
//
//	MX 10 mx.example.com: resolved (192.0.2.1, 2001:db8::1)
//	MX 20 mail.example.com: unroutable (10.0.0.1)
//	MX 30 mx3.example.com
//
// the last a host that was not looked up, since one before it resolved.
// Characters from the server's reply that could drive a terminal are shown
// as escapes (printable.String).
func MXHostText(mx resolver.MXHost) string {
	s := "MX " + strconv.Itoa(int(mx.Pref)) + " " + mx.Host
	if mx.State != resolver.HostNotTried {
		s += ": " + mx.State
	}
	if len(mx.Addrs) > 0 {
		s += " (" + strings.Join(mx.Addrs, ", ") + ")"
	}
	return printable.String(s)
}
