package resolver

import (
	"cmp"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// This file owns a Checker's trust in its servers: whether each one tells
// the truth, whether it still answers, and so whether a Result may leave
// the Checker. The client feeds it what became of every query (observe),
// the checker what each fresh Result said (noteResult); the checker reads
// it to choose servers (usable) and to release Results (settle), the
// caller to prove the servers first (Prove) and to tell the user (Notes).
//
// A server is proven by a probe: it is asked about names whose truth is
// known, the witnesses (big mail providers, which must route mail) and a
// random name under .com, which cannot exist. A server that says a witness
// does not exist or takes no mail lies, as DNS filters, captive portals and
// some VPNs do; one that gives an address for the random name redirects
// missing names (an ISP's NXDOMAIN redirect), so its addresses prove
// nothing. Either is not trusted for the rest of the Checker's life, and
// no Result that rests on one of its answers leaves the Checker as it is:
// it becomes a dns_error, unknown. The first probe round (the proof) runs
// beside a check's first lookups, and none of their Results leaves before
// it ends (proofGate).
//
// Probes are repeated while Results wait for one (probe rounds). A Result
// that would remove an address (nxdomain, no_mail, null_mx, bad_mx) is
// held until a round that started after it ended has passed every server
// it rests on: each removal rests on a server shown to tell the truth both
// before and after it said so. A sudden wave of such answers from one
// server starts a round at once, in which the server is also asked again
// about domains it said route earlier in the run.
//
// A server that gives no reply to the queries sent it since its last reply,
// over deadAfter, is silent: it is skipped, and when no server is left,
// lookups fail at once instead of each waiting out its timeouts.

// DefaultWitnesses are the big mail providers a server is asked about when
// the caller names none.
var DefaultWitnesses = []string{"gmail.com", "outlook.com", "yahoo.com"}

// Errors of Prove, which its *TrustError wraps.
var (
	// ErrNotTrusted means a server said something known to be false.
	ErrNotTrusted = errors.New("DNS server not trusted")
	// ErrNoAnswer means no server answered the probe.
	ErrNoAnswer = errors.New("DNS server did not answer")
)

// A TrustError says which server failed its probe and how.
type TrustError struct {
	Server string // host:port
	// What it did, in words: "said gmail.com does not exist (NXDOMAIN)",
	// or "did not answer (nothing came back to 16 questions in 3.1s)".
	What    string
	Witness string // the big mail provider it lied about; "" for another lie
	Silent  bool   // no answer, rather than a false one
}

func (e *TrustError) Error() string {
	if e.Silent {
		return "the DNS server " + e.Server + " " + e.What
	}
	return "the DNS server " + e.Server + " is not telling the truth: it " + e.What
}

func (e *TrustError) Unwrap() error {
	if e.Silent {
		return ErrNoAnswer
	}
	return ErrNotTrusted
}

// The trust and probe parameters.
const (
	roundEvery      = time.Second     // probe rounds, while Results wait for one, at most this often
	deadAfter       = 3 * time.Second // a server with no reply for this long is silent...
	deadQueries     = 8               // ...once this many queries sent since its last reply, over half that time, went unanswered
	probeRetries    = 3               // a probe's lookups are patient: four attempts
	maxUnsure       = 3               // rounds in a row that could not confirm a server before its held Results are given up
	waveWindow      = 128             // a server's last domains judged for a wave
	waveShare       = 0.75            // a wave: this share of them failed...
	waveBefore      = 0.5             // ...after at most this share before
	knownPerServer  = 3               // domains a server said route, kept to ask it again in a wave
	waveRoundsEvery = 2 * time.Second // waves start rounds at most this often
	randomLabel     = 20              // letters of the random name's label
	randomAlphabet  = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// The states of a server.
const (
	unproven  int32 = iota // no probe has passed it yet
	trusted                // its last probe passed
	untrusted              // it lied: for good
	silent                 // it stopped answering
)

// serverTrust is what is known of one server.
type serverTrust struct {
	addr  string
	state atomic.Int32

	mu          sync.Mutex
	what        string        // for untrusted or silent: what it did, in words
	witness     string        // for untrusted: the big provider it lied about, if it did
	when        time.Duration // and when, since the Checker started
	passed      time.Time     // start of the last round it passed
	unsure      int           // rounds in a row that could not confirm it
	unsureSince time.Time     // start of the first of them
	lastReply   time.Time     // its last reply, of any kind
	unanswered  int           // queries in a row that got none...
	quietFirst  time.Time     // ...the first of them sent then...
	quietLast   time.Time     // ...and the last
	died        chan struct{} // closed when it is found silent
	ring        [waveWindow]bool
	ringPos     int
	judged      int // domains it judged, and of them...
	failedTotal int // ...those it said do not exist or take no mail
	failedRing  int // ...of the last waveWindow
	known       []string
	lastWave    time.Time
	probeHosts  []string // the MX hosts of the witnesses in its last probe, asked at once in the next
}

// A round is one probe of every server that is not untrusted.
type round struct {
	start time.Time
	done  chan struct{}
	extra [][]string // per server, domains it said route, to ask again
}

// trust is a Checker's trust in its servers.
type trust struct {
	c       *Checker
	private bool // Config.Private: no witnesses
	born    time.Time
	servers []*serverTrust

	mu        sync.Mutex
	witnesses []string
	round     *round        // the round under way; nil when none
	rounds    atomic.Int64  // rounds started and ended, changed under mu: Results held are looked at again at each
	started   chan struct{} // closed when the next round starts
	lastRound time.Time     // when the last round started
	flush     bool          // start the next round without waiting roundEvery
	proven    chan struct{}
	proving   bool
	err       error // of the first round
}

func newTrust(c *Checker) *trust {
	t := &trust{c: c, private: c.cfg.Private, born: time.Now(), proven: make(chan struct{}), started: make(chan struct{})}
	if !t.private {
		t.witnesses = DefaultWitnesses
	}
	for _, addr := range c.cfg.Servers {
		t.servers = append(t.servers, &serverTrust{addr: addr, died: make(chan struct{})})
	}
	return t
}

// Prove asks every server about names whose truth is known, the witnesses
// (the list's big mail providers; DefaultWitnesses when none is given),
// unless Config.Private, and a random name that cannot exist, and returns
// a *TrustError when a server lied (wrapping ErrNotTrusted), or when none
// answered (ErrNoAnswer). It is the first probe round: Check and
// CheckDomain make it themselves, with DefaultWitnesses, when it was not
// made. The witnesses are asked again in every later round.
func (c *Checker) Prove(ctx context.Context, witnesses []string) error {
	c.StartProof(witnesses)
	return c.trust.wait(ctx)
}

// StartProof starts the first probe round, as Prove does, unless it was
// started, and returns without waiting for it: the checks may go on
// meanwhile, since no Result leaves the Checker before the round ends
// (see checkAll), and a caller that waits for Prove too stops them early
// when a server lied.
func (c *Checker) StartProof(witnesses []string) {
	t := c.trust
	t.mu.Lock()
	if len(witnesses) > 0 && !t.private {
		t.witnesses = slices.Clone(witnesses)
	}
	t.mu.Unlock()
	t.begin()
}

// ready makes the first round unless it was made, and waits for it.
func (t *trust) ready(ctx context.Context) {
	t.begin()
	t.wait(ctx)
}

// begin starts the first round unless it was started.
func (t *trust) begin() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.proving {
		return
	}
	t.proving = true
	r := t.startRound(false)
	go func() {
		<-r.done
		t.mu.Lock()
		t.err = t.firstError()
		close(t.proven)
		t.mu.Unlock()
	}()
}

// wait waits for the first round to end and returns its error, or ctx's.
func (t *trust) wait(ctx context.Context) error {
	select {
	case <-t.proven:
	case <-ctx.Done():
		return ctx.Err()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// A proofGate passes a check's Results on once the first probe round has
// ended, keeping those that come before, so that none leaves the Checker
// resting on a server that the round finds lying, and no lookup waits for
// the round: the checks go on while it runs (at 30 ms, its two round
// trips came before any check's first query).
type proofGate struct {
	open    atomic.Bool
	mu      sync.Mutex
	waiting []checked // those that came before the round ended
	release func(checked)
	done    chan struct{} // closed once the waiting ones are passed on
}

// gate returns a proofGate that passes Results on to release.
func (t *trust) gate(ctx context.Context, release func(checked)) *proofGate {
	g := &proofGate{release: release, done: make(chan struct{})}
	go func() {
		defer close(g.done)
		select {
		case <-t.proven:
		case <-ctx.Done():
		}
		g.mu.Lock()
		g.open.Store(true)
		rs := g.waiting
		g.waiting = nil
		g.mu.Unlock()
		for _, r := range rs {
			release(r)
		}
	}()
	return g
}

// pass passes r on, or keeps it until the first round has ended.
func (g *proofGate) pass(r checked) {
	if !g.open.Load() {
		g.mu.Lock()
		if !g.open.Load() {
			g.waiting = append(g.waiting, r)
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
	}
	g.release(r)
}

// firstError is the error of the first round: the first server that
// lied, else, when no server passed, the first that did not answer.
func (t *trust) firstError() error {
	var quiet error
	passed := false
	for _, s := range t.servers {
		s.mu.Lock()
		state, what := s.state.Load(), s.what
		s.mu.Unlock()
		switch {
		case state == untrusted:
			return &TrustError{Server: s.addr, What: what, Witness: s.witness}
		case state == trusted:
			passed = true
		case quiet == nil:
			quiet = &TrustError{Server: s.addr, What: what, Silent: true}
		}
	}
	if passed {
		return nil
	}
	return quiet
}

// usable reports whether a lookup may ask server i.
func (t *trust) usable(i int) bool {
	s := t.servers[i].state.Load()
	return s == trusted || s == unproven
}

// noServer is the error of a lookup that found no usable server.
func (t *trust) noServer() error {
	var whys []string
	for _, s := range t.servers {
		s.mu.Lock()
		if s.what != "" {
			whys = append(whys, "the DNS server "+s.addr+" "+s.what)
		}
		s.mu.Unlock()
	}
	if len(whys) == 0 {
		return errors.New("no DNS server to ask")
	}
	return errors.New("no DNS server left to ask: " + strings.Join(whys, "; "))
}

// observe takes in what became of one query to server i, sent at sent:
// replied is false when nothing came back. A server is silent once
// deadQueries queries sent after its last reply went unanswered, the
// first deadAfter ago, and they were sent over half that time at least: a
// burst of queries dropped at once by a server that limits the rate,
// while the checks wait for their timeouts, is not silence. A query sent
// before the last reply counts for nothing: the server answered after it,
// so its loss says nothing of whether it answers now. On a path that
// loses queries, the lookups still in flight at the end of a run, or of
// its second try, are those whose queries were lost, each waiting out the
// full timeout of its last attempt; the replies to the others came at
// once, so the lost ones time out in a row, a few seconds after they were
// sent, and with nothing sent meanwhile: counted, they made a server that
// lost 30% of them silent, and the lookups waiting for it failed (1,500
// rows: up to 186 unknown). A reply, even a late one, brings a silent
// server back.
func (t *trust) observe(i int, replied bool, sent time.Time) {
	s := t.servers[i]
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if replied {
		s.lastReply, s.unanswered = now, 0
		if s.state.Load() == silent {
			s.state.Store(unproven)
			s.what = ""
			s.died = make(chan struct{})
		}
		return
	}
	if !sent.After(s.lastReply) {
		return
	}
	if s.unanswered == 0 || sent.Before(s.quietFirst) {
		s.quietFirst = sent
	}
	if s.unanswered == 0 || sent.After(s.quietLast) {
		s.quietLast = sent
	}
	s.unanswered++
	quiet := now.Sub(s.quietFirst)
	if s.unanswered < deadQueries || quiet < deadAfter || s.quietLast.Sub(s.quietFirst) < deadAfter/2 {
		return
	}
	if st := s.state.Load(); st == untrusted || st == silent {
		return
	}
	s.state.Store(silent)
	s.when = now.Sub(t.born)
	if s.lastReply.IsZero() {
		s.what = fmt.Sprintf("did not answer (nothing came back to %d questions in %s)", s.unanswered, seconds(quiet))
	} else {
		s.what = fmt.Sprintf("stopped answering (nothing came back to %d questions in %s)", s.unanswered, seconds(quiet))
	}
	close(s.died)
}

// noteResult takes in a fresh Result: a domain that routes is kept to ask
// its server again later, and a wave of domains said not to exist or to
// take no mail, against what the server said before, starts a round at
// once.
func (t *trust) noteResult(r Result) {
	if len(r.Lookups) == 0 || r.Lookups[0].Rcode == "" {
		return
	}
	i := slices.IndexFunc(t.servers, func(s *serverTrust) bool { return s.addr == r.Lookups[0].Server })
	if i < 0 {
		return
	}
	s := t.servers[i]
	failed := r.Status == StatusNXDomain || r.Status == StatusNoMail
	wave := false
	s.mu.Lock()
	if r.Status == StatusOK && !slices.Contains(s.known, r.Domain) {
		if len(s.known) == knownPerServer {
			// The oldest out, in place: sliced off, it made append
			// allocate anew for every third domain that routes.
			copy(s.known, s.known[1:])
			s.known[len(s.known)-1] = r.Domain
		} else {
			s.known = append(s.known, r.Domain)
		}
	}
	if s.judged >= waveWindow && s.ring[s.ringPos] {
		s.failedRing--
	}
	s.ring[s.ringPos] = failed
	s.ringPos = (s.ringPos + 1) % waveWindow
	s.judged++
	if failed {
		s.failedRing++
		s.failedTotal++
	}
	before, failedBefore := s.judged-waveWindow, s.failedTotal-s.failedRing
	if before >= waveWindow && float64(s.failedRing) >= waveShare*waveWindow &&
		float64(failedBefore) <= waveBefore*float64(before) && time.Since(s.lastWave) >= waveRoundsEvery {
		s.lastWave = time.Now()
		wave = true
	}
	s.mu.Unlock()
	if wave {
		t.requestRound()
	}
}

// requestRound starts a round at once, or right after the one under way.
func (t *trust) requestRound() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.round == nil {
		t.startRound(true)
		return
	}
	t.flush = true
}

// startRound starts a round and returns it; withKnown adds, for a server
// in a wave, the domains it said route. t.mu must be held.
func (t *trust) startRound(withKnown bool) *round {
	r := &round{start: time.Now(), done: make(chan struct{}), extra: make([][]string, len(t.servers))}
	for i, s := range t.servers {
		s.mu.Lock()
		if withKnown && time.Since(s.lastWave) < waveRoundsEvery {
			r.extra[i] = slices.Clone(s.known)
		}
		s.mu.Unlock()
	}
	t.round, t.lastRound, t.flush = r, r.start, false
	t.rounds.Add(1)
	close(t.started)
	t.started = make(chan struct{})
	witnesses := t.witnesses
	go t.run(r, witnesses)
	return r
}

// run probes, at once, every server that is neither untrusted nor silent
// (each probe of a silent one would wait out its timeouts, and nothing
// rests on it: it is not asked again), and records the verdicts.
func (t *trust) run(r *round, witnesses []string) {
	verdicts := make([]probeVerdict, len(t.servers))
	probed := make([]bool, len(t.servers))
	var wg sync.WaitGroup
	for i, s := range t.servers {
		if st := s.state.Load(); st == untrusted || st == silent {
			continue
		}
		probed[i] = true
		wg.Go(func() { verdicts[i] = t.c.probe(t.c.life, i, witnesses, r.extra[i], t.private) })
	}
	wg.Wait()
	for i, s := range t.servers {
		if probed[i] {
			t.record(s, verdicts[i], r.start)
		}
	}
	t.mu.Lock()
	t.round = nil
	t.rounds.Add(1)
	close(r.done)
	t.mu.Unlock()
}

// record applies a probe's verdict to s.
func (t *trust) record(s *serverTrust, v probeVerdict, start time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch v.kind {
	case probePassed:
		if s.state.Load() == silent { // back
			s.died = make(chan struct{})
		}
		s.state.Store(trusted)
		s.what = ""
		s.passed, s.unsure = start, 0
		return
	case probeLied:
		s.state.Store(untrusted)
		s.what, s.witness, s.when = v.what, v.witness, time.Since(t.born)
		return
	case probeSilent:
		if s.state.Load() != silent {
			s.state.Store(silent)
			s.what, s.when = v.what, time.Since(t.born)
			close(s.died)
		}
	case probeUnsure:
		if s.what == "" || s.state.Load() == unproven {
			s.what = v.what
		}
	}
	if s.unsure == 0 {
		s.unsureSince = start
	}
	s.unsure++
}

// mustWait reports whether r waits for a round before it may leave the
// Checker: it would remove addresses.
func mustWait(r Result) bool {
	switch r.Status {
	case StatusNXDomain, StatusNoMail, StatusNullMX, StatusBadMX:
		return true
	}
	return false
}

// settle returns r as it may leave the Checker, ended at at: a Result
// that rests on an answer of a server not trusted becomes a dns_error
// that says why, and one that would remove addresses waits until a round
// started after at has passed every server it rests on (see mustWait),
// starting one at once when urgent. The error is ctx's, when it is done
// first.
func (t *trust) settle(ctx context.Context, r Result, at time.Time, urgent bool) (Result, error) {
	if r.Status == StatusDNSError {
		return r, nil
	}
	wait := mustWait(r)
	for {
		seen := t.rounds.Load()
		if res, decided := t.decide(r, at, wait); decided {
			return res, nil
		}
		if err := t.awaitRound(ctx, urgent, nil, seen); err != nil {
			return r, err
		}
	}
}

// decide returns r, ended at at, as it may leave the Checker, when that
// is decided: see verdict.
func (t *trust) decide(r Result, at time.Time, wait bool) (Result, bool) {
	var buf [4]int // the servers r rests on: one or two, most often
	why, ok, decided := t.verdict(t.restsOn(r, buf[:0]), at, wait)
	if decided && !ok {
		r.Status, r.Err = StatusDNSError, why
	}
	return r, decided
}

// awaitRound waits for the round under way to end or, when none is, for
// the next one to start, starting one first when urgent or when one is
// due; or until wake, when not nil, is signalled. It returns at once when
// a round started or ended since the caller read t.rounds as seen, before
// it looked at its Results: a round that ended in between, as a round of
// a millisecond on loopback often did, was missed, and the Results waited
// for the next one, a whole roundEvery (a run's last Results, held for
// the round that a flush had started, left a second after it in 4 of 10
// batch runs of 1,000,000 rows). The error is ctx's, when it is done
// first.
func (t *trust) awaitRound(ctx context.Context, urgent bool, wake <-chan struct{}, seen int64) error {
	t.mu.Lock()
	if t.rounds.Load() != seen {
		t.mu.Unlock()
		return ctx.Err()
	}
	if t.round == nil && (urgent || t.flush || time.Since(t.lastRound) >= roundEvery) {
		t.startRound(false)
	}
	// Wait for the round under way to end, or for the next one to
	// start (a Check's last Results ask for one at once).
	var done <-chan struct{}
	var tick <-chan time.Time
	var timer *time.Timer
	if t.round != nil {
		done = t.round.done
	} else {
		// From sleep's pool: a hold waits here again after each Result
		// that comes, which made a timer for each.
		timer, _ = timerPool.Get().(*time.Timer)
		if timer == nil {
			timer = time.NewTimer(roundEvery - time.Since(t.lastRound))
		} else {
			timer.Reset(roundEvery - time.Since(t.lastRound))
		}
		tick = timer.C
		done = t.started
	}
	t.mu.Unlock()
	select {
	case <-done:
	case <-tick:
	case <-wake:
	case <-ctx.Done():
	}
	if timer != nil {
		timer.Stop()
		timerPool.Put(timer)
	}
	return ctx.Err()
}

// A hold keeps the Results of one run that must wait for a round (see
// mustWait) until each is decided, and sends them then, all decided by
// one goroutine at each round. A goroutine for each, settling it, made
// a timer and grew its stack, and they all woke when a round started and
// again when it ended: with 7,900 of 50,000 domains held on loopback,
// the check took 1.17 s of CPU rather than 1.02 s.
type hold struct {
	t    *trust
	ctx  context.Context
	send func(Result)

	mu     sync.Mutex
	in     []checked     // held since the holder last took them
	closed bool          // no more will come
	wake   chan struct{} // signalled when Results come or the hold is closed
	held   atomic.Int64  // Results held and not yet decided
	done   chan struct{} // closed when the holder returns
}

// hold returns a hold that sends the Results it decides with send, and
// gives up those not decided when ctx is done.
func (t *trust) hold(ctx context.Context, send func(Result)) *hold {
	h := &hold{t: t, ctx: ctx, send: send, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go h.run()
	return h
}

// add holds r until it is decided.
func (h *hold) add(r checked) {
	h.held.Add(1)
	h.mu.Lock()
	h.in = append(h.in, r)
	h.mu.Unlock()
	h.signal()
}

// waiting returns how many Results are held and not yet decided.
func (h *hold) waiting() int64 {
	return h.held.Load()
}

// close says no more Results will come, and waits until those held are
// sent or given up.
func (h *hold) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.signal()
	<-h.done
}

func (h *hold) signal() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// run decides the Results held, each as soon as it comes and then each
// time a round starts or ends until it is decided, as settle would, and
// sends them.
func (h *hold) run() {
	defer close(h.done)
	var waiting, spare []checked
	seen := h.t.rounds.Load()
	for {
		// The Results come one at a time, as a rule: the array they came
		// in is given back for the next, rather than a new one each.
		h.mu.Lock()
		fresh, closed := h.in, h.closed
		h.in = spare
		h.mu.Unlock()
		if n := h.t.rounds.Load(); n != seen {
			seen = n
			waiting = h.decide(waiting)
		}
		waiting = append(waiting, h.decide(fresh)...)
		clear(fresh)
		spare = fresh[:0]
		if len(waiting) == 0 {
			if closed {
				return
			}
			select {
			case <-h.wake:
			case <-h.ctx.Done():
				return
			}
			continue
		}
		if err := h.t.awaitRound(h.ctx, false, h.wake, seen); err != nil {
			return
		}
	}
}

// decide sends the Results of rs that are decided, and returns the others
// in rs's array.
func (h *hold) decide(rs []checked) []checked {
	kept := rs[:0]
	for _, r := range rs {
		res, decided := h.t.decide(r.Result, r.at, true)
		if !decided {
			kept = append(kept, r)
			continue
		}
		h.held.Add(-1)
		h.send(res)
	}
	return kept
}

// verdict decides whether a Result that rests on the servers on, and
// ended at at, may leave: decided false means it must wait for a round.
// A Result that does not wait is decided at once. When not ok, why says
// what became of it.
func (t *trust) verdict(on []int, at time.Time, wait bool) (why string, ok, decided bool) {
	for _, i := range on {
		s := t.servers[i]
		s.mu.Lock()
		state, what, passed, unsure, since := s.state.Load(), s.what, s.passed, s.unsure, s.unsureSince
		s.mu.Unlock()
		switch {
		case state == untrusted:
			return "not trusted: the DNS server " + s.addr + " " + what, false, true
		case !wait:
		case state == silent:
			return "unconfirmed: the DNS server " + s.addr + " " + what + " before it could be asked again whether it tells the truth", false, true
		case passed.After(at):
		case unsure >= maxUnsure && since.After(at):
			return "unconfirmed: the DNS server " + s.addr + " could not be asked again whether it tells the truth (" + what + ")", false, true
		default:
			return "", false, false
		}
	}
	return "", true, true
}

// restsOn appends to on the servers whose answers r rests on: those that
// gave its lookups a definitive answer.
func (t *trust) restsOn(r Result, on []int) []int {
	for _, lk := range r.Lookups {
		if lk.Rcode != "NOERROR" && lk.Rcode != "NXDOMAIN" {
			continue
		}
		if i := slices.IndexFunc(t.servers, func(s *serverTrust) bool { return s.addr == lk.Server }); i >= 0 && !slices.Contains(on, i) {
			on = append(on, i)
		}
	}
	return on
}

// anyUsable reports whether a lookup could ask a server now.
func (t *trust) anyUsable() bool {
	for i := range t.servers {
		if t.usable(i) {
			return true
		}
	}
	return false
}

// Notes says, in plain words, what the servers did that the user must
// know: one that was found lying or silent during the checks, and a rate
// limit the checks kept to. Empty when there is nothing to say.
func (c *Checker) Notes() []string {
	var notes []string
	for _, s := range c.trust.servers {
		s.mu.Lock()
		state, what, when := s.state.Load(), s.what, s.when
		s.mu.Unlock()
		switch state {
		case untrusted:
			notes = append(notes, fmt.Sprintf("the DNS server %s is not telling the truth (found %s into the checks): it %s; no domain is judged on its word, and those it was to check are unknown", s.addr, seconds(when), what))
		case silent:
			notes = append(notes, fmt.Sprintf("the DNS server %s %s; the domains it could not check are unknown", s.addr, what))
		}
	}
	if limited, rate := c.limit.rateLimit(); limited {
		notes = append(notes, fmt.Sprintf("the DNS server limited the rate of questions: the checks slowed down to keep under it, at about %.0f a second", rate))
	} else if n, of := c.limit.refusedShare(); n >= refusalsToNote && n*refusalShare >= of {
		// No trial could show the limit (the machine too busy to keep to
		// a pace, or the run too short), but the replies say it.
		notes = append(notes, fmt.Sprintf("the DNS server answered %d of %d questions with REFUSED or SERVFAIL, as a server does that limits the rate of questions or is overloaded; those were asked again", n, of))
	}
	return notes
}

// A note says that the server refused when at least refusalsToNote of
// its replies, and one in refusalShare, were REFUSED or SERVFAIL: more than
// the broken domains of a list earn (SERVFAIL for a few in a hundred,
// each asked a few times).
const (
	refusalsToNote = 100
	refusalShare   = 10
)

// seconds formats d for a sentence: "3.1s".
func seconds(d time.Duration) string {
	return d.Round(100 * time.Millisecond).String()
}

// The verdicts of a probe.
const (
	probePassed = iota // told the truth about every name asked
	probeLied          // said something known to be false
	probeSilent        // no reply at all
	probeUnsure        // replies, but no answer that shows anything (SERVFAIL, REFUSED, loss)
)

// probeHosts returns the MX host lookup of a probe of s: the hosts its
// last probe found for the witnesses are asked at once, beside their MX,
// rather than after it, so that a round takes one round trip rather than
// two (30 ms away, a run's last round held its last Results 60 ms); a host
// the MX answer does not name again is never used, and one it names that
// was not foreseen is asked then.
func probeHosts(ctx context.Context, ask askFunc, s *serverTrust) hostFunc {
	type lookup struct {
		done chan struct{}
		hr   hostResult
		err  error
	}
	s.mu.Lock()
	foreseen := slices.Clone(s.probeHosts)
	s.mu.Unlock()
	early := make(map[string]*lookup, len(foreseen))
	for _, h := range foreseen {
		if early[h] != nil {
			continue
		}
		lk := &lookup{done: make(chan struct{})}
		early[h] = lk
		go func() {
			defer close(lk.done)
			lk.err = checkHost(ctx, ask, h, &lk.hr)
		}()
	}
	return func(ctx context.Context, h string) (hostResult, error) {
		if lk := early[h]; lk != nil {
			select {
			case <-lk.done:
				return lk.hr, lk.err
			case <-ctx.Done():
				return hostResult{}, ctx.Err()
			}
		}
		var hr hostResult
		err := checkHost(ctx, ask, h, &hr)
		return hr, err
	}
}

// probeVerdict is what one probe found of a server.
type probeVerdict struct {
	kind    int
	what    string // for probeLied, probeSilent and probeUnsure, in words
	witness string // for probeLied: the witness it lied about, if it did
}

// probe asks server i about the witnesses, the domains it said route
// earlier (known), and a random name under .com; in private mode only
// about known and the random name. Every question goes to server i alone,
// bypassing the cache, with patient retries; the probe ends early when
// the server is found silent meanwhile.
func (c *Checker) probe(ctx context.Context, i int, witnesses, known []string, private bool) probeVerdict {
	s := c.trust.servers[i]
	s.mu.Lock()
	died := s.died
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-died:
			cancel()
		case <-ctx.Done():
		}
	}()

	ask := c.lookupOn(i, max(probeRetries, c.cfg.Retries))
	host := probeHosts(ctx, ask, s)
	names := slices.Concat(witnesses, known)
	results := make([]Result, len(names))
	var redirect Lookup
	var addrs []string
	var wg sync.WaitGroup
	for k, name := range names {
		wg.Go(func() {
			if err := checkDomain(ctx, ask, host, name, &results[k]); err != nil {
				results[k].Status, results[k].Err = StatusDNSError, err.Error()
			}
		})
	}
	random := randomName()
	wg.Go(func() {
		msg, lk, err := ask(ctx, random, dns.TypeA)
		redirect = lk
		if err == nil {
			_, rrs := follow(msg, random, dns.TypeA, nil)
			addrs = addresses(rrs)
		}
	})
	wg.Wait()
	var hosts []string
	for _, r := range results[:len(witnesses)] {
		for _, h := range r.MX {
			hosts = append(hosts, h.Host)
		}
	}
	s.mu.Lock()
	s.probeHosts = hosts
	s.mu.Unlock()

	if len(addrs) > 0 {
		return probeVerdict{kind: probeLied, what: fmt.Sprintf("answered %s for %s, a name that cannot exist: it redirects names that do not exist, so its answers cannot show that a domain takes mail", strings.Join(addrs, ", "), random)}
	}
	replied := redirect.Rcode != ""
	passed := 0
	var failures []string
	for k, r := range results {
		for _, lk := range r.Lookups {
			replied = replied || lk.Rcode != ""
		}
		switch {
		case r.Status == StatusOK:
			passed++
		case r.Status == StatusDNSError:
			failures = append(failures, r.Err)
		default:
			what := "said " + describe(r)
			if k >= len(witnesses) {
				return probeVerdict{kind: probeLied, what: what + ", after it said earlier in the checks that " + r.Domain + " takes mail"}
			}
			return probeVerdict{kind: probeLied, what: what + ", yet " + r.Domain + " is a big mail provider that takes mail", witness: r.Domain}
		}
	}
	switch {
	case !replied:
		n := c.trust.servers[i]
		n.mu.Lock()
		what := n.what
		n.mu.Unlock()
		if n.state.Load() == silent && what != "" {
			return probeVerdict{kind: probeSilent, what: what}
		}
		return probeVerdict{kind: probeSilent, what: "did not answer: nothing came back to its questions"}
	case passed > 0 || private && len(failures) == 0:
		return probeVerdict{kind: probePassed}
	case private:
		// Only the domains it said route were asked again, and it could
		// not answer for any: nothing is shown either way.
		return probeVerdict{kind: probeUnsure, what: "answered no question about " + strings.Join(known, ", ") + ": " + failures[0]}
	}
	return probeVerdict{kind: probeUnsure, what: "answered no question about " + strings.Join(names, ", ") + ": " + failures[0]}
}

// describe says in words what a Result that does not route claims.
func describe(r Result) string {
	d := r.Domain
	switch r.Status {
	case StatusNXDomain:
		return d + " does not exist (NXDOMAIN)"
	case StatusNoMail:
		return d + " has no mail server and no address (no MX records)"
	case StatusImplicitMX:
		return d + " has no MX records, only an address"
	case StatusNullMX:
		return d + " takes no mail (a null MX)"
	case StatusBadMX:
		var hosts []string
		for _, h := range r.MX {
			hosts = append(hosts, h.Host+" ("+cmp.Or(h.State, "not tried")+")")
		}
		return d + "'s mail servers cannot receive mail: " + strings.Join(hosts, ", ")
	}
	return d + " is " + string(r.Status)
}

// randomName returns a name under .com that cannot exist: a label of
// randomLabel random letters and digits.
func randomName() string {
	b := make([]byte, randomLabel)
	crand.Read(b) // never fails: it crashes the program instead
	for i := range b {
		b[i] = randomAlphabet[int(b[i])%len(randomAlphabet)]
	}
	return "listclean-" + string(b) + ".com"
}
