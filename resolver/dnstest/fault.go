package dnstest

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// Fault is a misbehaviour the server shows for queries of one name, or of
// every name without a fault of its own. The zero Fault is correct behaviour.
// Faults combine: a query is first dropped (DieAfter, Drop, DropRate), then
// held to the rate limit (RateLimit), then delayed (Delay), then answered
// with SERVFAIL (FailFirst), with Rcode, truncated (Truncate), emptied
// (EmptyMX), redirected (Redirect), or from the data, in that order of
// precedence. An answer with a fault's rcode carries no records and no AA
// bit, as from a server that has lost its zone.
//
// Besides the faults of a broken authority, it has those that real
// recursive resolvers show to a client: a filter that says every name does
// not exist (Rcode NXDOMAIN) or that no domain takes mail (EmptyMX), an
// ISP's redirect of missing names to its own web server (Redirect), a cap
// on queries per second (RateLimit), and a server that stops answering
// (DieAfter).
type Fault struct {
	Rcode     int           // answer with this rcode (e.g. dns.RcodeServerFailure, dns.RcodeRefused) instead of the data; below 16
	Drop      bool          // never answer
	DropRate  float64       // drop this fraction of UDP queries (0..1), pseudo-random but deterministic per server
	Delay     time.Duration // wait before answering (must not block other queries)
	Truncate  bool          // over UDP answer with TC set and no records; over TCP answer fully
	FailFirst int           // answer the first N queries for this name with SERVFAIL, then normally
	EmptyMX   bool          // answer every MX query NOERROR with no records, as a resolver that hides mail routes
	Redirect  netip.Addr    // answer an A (IPv4) or AAAA (IPv6) query for a name not in the data with this address, and other types of such a name NOERROR with no records: an NXDOMAIN redirect
	RateLimit int           // answer at most this many queries a second, with a burst of a tenth of a second's worth; the rest get RateRcode
	RateRcode int           // the answer to a query over RateLimit: dns.RcodeRefused when 0, or dns.RcodeServerFailure; -1 drops it
	DieAfter  time.Duration // once this long has passed since the first query under the fault, answer nothing more
	Queue     int           // hold at most this many queries waiting out the Delay at once, and drop the rest, as a recursive resolver whose request list is full (unbound's num-queries-per-thread)
}

// faultState is a Fault in force, with the counts its FailFirst and
// RateLimit need. A new state starts when the fault is set, so FailFirst
// and RateLimit count from then on, and DieAfter from the first query
// after: a server that dies "0.3 s into a run" answers the run's first
// queries however long the client took to start.
type faultState struct {
	Fault
	set   time.Time    // when the fault was set
	first atomic.Int64 // when the first query came under the fault, in Unix nanoseconds; 0 before
	mu    sync.Mutex
	seen  map[string]int // queries answered under this fault, per qname

	tokens float64   // the RateLimit bucket: queries that may be answered now
	filled time.Time // when tokens was last topped up

	waiting atomic.Int64 // queries waiting out the Delay, for Queue
}

func newFaultState(f Fault) *faultState {
	now := time.Now()
	return &faultState{Fault: f, set: now, seen: make(map[string]int), tokens: burst(f.RateLimit), filled: now}
}

// burst is the most queries a RateLimit bucket holds: a tenth of a
// second's worth, and at least one.
func burst(rate int) float64 { return max(float64(rate)/10, 1) }

// dead reports whether a DieAfter has run out, for a query that came now;
// the first query starts its clock.
func (f *faultState) dead() bool {
	if f.DieAfter <= 0 {
		return false
	}
	now := time.Now().UnixNano()
	if f.first.CompareAndSwap(0, now) {
		return false
	}
	return time.Duration(now-f.first.Load()) >= f.DieAfter
}

// overLimit reports whether this query is over the RateLimit, taking a
// token from the bucket when it is not.
func (f *faultState) overLimit() bool {
	if f.RateLimit <= 0 {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	f.tokens = min(f.tokens+now.Sub(f.filled).Seconds()*float64(f.RateLimit), burst(f.RateLimit))
	f.filled = now
	if f.tokens < 1 {
		return true
	}
	f.tokens--
	return false
}

// enqueue reports whether a query may wait out the Delay under the
// Queue, taking a place that dequeue gives back; false drops it.
func (f *faultState) enqueue() bool {
	if f.Queue <= 0 {
		return true
	}
	if f.waiting.Add(1) > int64(f.Queue) {
		f.waiting.Add(-1)
		return false
	}
	return true
}

// dequeue gives back the place of a query that waited under the Queue.
func (f *faultState) dequeue() {
	if f.Queue > 0 {
		f.waiting.Add(-1)
	}
}

// rateRcode is the rcode of an answer over the RateLimit, or -1 to drop it.
func (f *faultState) rateRcode() int {
	if f.RateRcode == 0 {
		return dns.RcodeRefused
	}
	return f.RateRcode
}

// failFirst reports whether this query for qname is one of the first
// FailFirst answered under the fault, and so gets SERVFAIL. It counts per
// qname, so a default FailFirst fails the first queries of every name.
func (f *faultState) failFirst(qname string) bool {
	if f.FailFirst <= 0 {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.seen[qname]
	if n >= f.FailFirst {
		return false
	}
	f.seen[qname] = n + 1
	return true
}

// faultDirective is the comment prefix that introduces a fault in zone text.
const faultDirective = ";@fault"

// faultKinds lists the fault kinds a directive may name, and whether each
// takes an argument (kind=ARG).
var faultKinds = map[string]bool{
	"servfail":  false,
	"refused":   false,
	"drop":      false,
	"truncate":  false,
	"rcode":     true,
	"delay":     true,
	"failfirst": true,
	"droprate":  true,
	"emptymx":   false,
	"redirect":  true,
	"ratelimit": true,
	"overlimit": true,
	"dieafter":  true,
	"queue":     true,
}

// parseFaultKinds applies fault kinds as written in a directive, such as
// "servfail" or "delay=30ms", to f.
func parseFaultKinds(f *Fault, kinds []string) error {
	for _, k := range kinds {
		kind, arg, hasArg := strings.Cut(k, "=")
		kind = strings.ToLower(kind)
		wantArg, known := faultKinds[kind]
		switch {
		case !known:
			return fmt.Errorf("unknown fault kind %q", kind)
		case wantArg && arg == "":
			return fmt.Errorf("fault %q needs an argument: %s=...", kind, kind)
		case !wantArg && hasArg:
			return fmt.Errorf("fault %q takes no argument", kind)
		}

		switch kind {
		case "servfail":
			f.Rcode = dns.RcodeServerFailure
		case "refused":
			f.Rcode = dns.RcodeRefused
		case "drop":
			f.Drop = true
		case "truncate":
			f.Truncate = true
		case "rcode":
			rc, ok := dns.StringToRcode[strings.ToUpper(arg)]
			if !ok || rc > 0xF {
				return fmt.Errorf("fault rcode=%s: not a basic rcode name such as NXDOMAIN", arg)
			}
			f.Rcode = rc
		case "delay":
			d, err := time.ParseDuration(arg)
			if err != nil || d < 0 {
				return fmt.Errorf("fault delay=%s: not a duration such as 30ms", arg)
			}
			f.Delay = d
		case "failfirst":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 0 {
				return fmt.Errorf("fault failfirst=%s: not a count", arg)
			}
			f.FailFirst = n
		case "droprate":
			p, err := strconv.ParseFloat(arg, 64)
			if err != nil || math.IsNaN(p) || p < 0 || p > 1 {
				return fmt.Errorf("fault droprate=%s: not a fraction between 0 and 1", arg)
			}
			f.DropRate = p
		case "emptymx":
			f.EmptyMX = true
		case "redirect":
			a, err := netip.ParseAddr(arg)
			if err != nil || a.Zone() != "" {
				return fmt.Errorf("fault redirect=%s: not an IP address such as 198.51.100.1", arg)
			}
			f.Redirect = a
		case "ratelimit":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 1 {
				return fmt.Errorf("fault ratelimit=%s: not a number of queries a second", arg)
			}
			f.RateLimit = n
		case "overlimit":
			switch strings.ToLower(arg) {
			case "refused":
				f.RateRcode = dns.RcodeRefused
			case "servfail":
				f.RateRcode = dns.RcodeServerFailure
			case "drop":
				f.RateRcode = -1
			default:
				return fmt.Errorf("fault overlimit=%s: not refused, servfail or drop", arg)
			}
		case "dieafter":
			d, err := time.ParseDuration(arg)
			if err != nil || d <= 0 {
				return fmt.Errorf("fault dieafter=%s: not a duration such as 2s", arg)
			}
			f.DieAfter = d
		case "queue":
			n, err := strconv.Atoi(arg)
			if err != nil || n < 1 {
				return fmt.Errorf("fault queue=%s: not a number of queries", arg)
			}
			f.Queue = n
		}
	}
	return nil
}

// zoneFaults holds the fault directives found in zone text.
type zoneFaults struct {
	byName map[string]Fault // by canonical name
	def    Fault            // from ";@fault *"
}

// scanFaults finds the fault directives in zone text, naming file and line in
// errors. Directives on one name accumulate; a ";" starts a comment after
// the kinds. Relative names are taken against
// the $ORIGIN in force at the directive's line; the zone parser skips comments
// and does not expose its origin, so scanFaults follows $ORIGIN lines itself.
func scanFaults(text, file string) (zoneFaults, error) {
	zf := zoneFaults{byName: make(map[string]Fault)}
	origin := "."
	line := 0
	for l := range strings.Lines(text) {
		line++
		fields := strings.Fields(l)
		if len(fields) == 0 {
			continue
		}
		switch {
		case strings.EqualFold(fields[0], "$ORIGIN") && len(fields) > 1 && !strings.HasPrefix(fields[1], ";"):
			origin = absolute(fields[1], origin)
		case fields[0] == faultDirective:
			for i, f := range fields[1:] {
				if strings.HasPrefix(f, ";") { // a comment after the directive
					fields = fields[:i+1]
					break
				}
			}
			if len(fields) < 3 {
				return zf, fmt.Errorf("%s:%d: %s needs a name and at least one fault", file, line, faultDirective)
			}
			if fields[1] == "*" {
				if err := parseFaultKinds(&zf.def, fields[2:]); err != nil {
					return zf, fmt.Errorf("%s:%d: %w", file, line, err)
				}
				continue
			}
			name := canonical(absolute(fields[1], origin))
			if _, ok := dns.IsDomainName(name); !ok {
				return zf, fmt.Errorf("%s:%d: bad fault name %q", file, line, fields[1])
			}
			f := zf.byName[name]
			if err := parseFaultKinds(&f, fields[2:]); err != nil {
				return zf, fmt.Errorf("%s:%d: %w", file, line, err)
			}
			zf.byName[name] = f
		}
	}
	return zf, nil
}

// absolute returns name made absolute against origin, as the zone parser
// does for owner names: "@" is the origin, a name with a trailing dot is
// already absolute.
func absolute(name, origin string) string {
	switch {
	case name == "@":
		return origin
	case dns.IsFqdn(name):
		return name
	case origin == ".":
		return name + "."
	default:
		return name + "." + origin
	}
}
