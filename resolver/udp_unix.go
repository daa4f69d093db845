//go:build unix

package resolver

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// A rawAsk sends a query on a UDP socket and reads its reply through the
// socket's raw connection (see udpConn.ask). It holds what one query's
// callback needs, so that the callback, bound once for the socket, costs
// no allocation per query.
type rawAsk struct {
	raw     syscall.RawConn
	step    func(fd uintptr) bool // a.next, bound once
	in, out []byte                // the reply's buffer, and the query
	sent    bool                  // out was written
	blocked bool                  // the socket's send buffer was full
	n       int                   // bytes read into in
	werr    error                 // of the write
	rerr    error                 // of the read
}

// newRawAsk returns a rawAsk for nc, a UDP socket, reading into in; nil
// when nc has no raw connection.
func newRawAsk(nc net.Conn, in []byte) *rawAsk {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	a := &rawAsk{raw: raw, in: in}
	a.step = a.next
	return a
}

// next is the raw connection's read callback: it writes the query the
// first time, and reads the reply the times after; false means wait for
// the socket to have something to read.
func (a *rawAsk) next(fd uintptr) bool {
	if !a.sent {
		a.sent = true
		a.werr = ignoringEINTR(func() error { _, err := syscall.Write(int(fd), a.out); return err })
		if a.werr == syscall.EAGAIN {
			a.blocked, a.werr = true, nil
			return true // the socket's buffer is full: write as net does
		}
		return a.werr != nil // sent: wait for the reply
	}
	a.rerr = ignoringEINTR(func() (err error) { a.n, err = syscall.Read(int(fd), a.in); return err })
	return a.rerr != syscall.EAGAIN
}

// ask writes out, a query, to u and reads the next datagram into u.in,
// within u's deadline. It sends the query from within the wait for the
// reply: a read made right after the write finds no reply yet (30 ms
// away every time, on loopback one time in three), fails, and waits. Here
// the wait is armed before the query goes, so that no reply can come
// unnoticed, and that failed read is saved: 30 ms away, a list of 200,000
// rows made 28,500 reads rather than 55,500, and its run took 5% less
// user CPU.
func (u *udpConn) ask(out []byte) (int, error) {
	a := u.raw
	if a == nil {
		return u.writeRead(out)
	}
	*a = rawAsk{raw: a.raw, step: a.step, in: a.in, out: out}
	err := a.raw.Read(a.step)
	a.out = nil // the caller's
	switch {
	case a.blocked:
		return u.writeRead(out)
	case a.werr != nil:
		return 0, u.opError("write", a.werr)
	case a.rerr != nil:
		return 0, u.opError("read", a.rerr)
	case err != nil:
		return 0, u.opError("read", err) // the deadline, or a closed socket
	}
	return a.n, nil
}

// opError is err as net's own reads and writes of u would return it.
func (u *udpConn) opError(op string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		err = os.NewSyscallError(op, errno)
	} else if oe, ok := err.(*net.OpError); ok {
		err = oe.Err
	}
	return &net.OpError{Op: op, Net: "udp", Source: u.LocalAddr(), Addr: u.RemoteAddr(), Err: err}
}

// ignoringEINTR calls f until it fails otherwise than by an interrupted
// system call.
func ignoringEINTR(f func() error) error {
	for {
		if err := f(); err != syscall.EINTR {
			return err
		}
	}
}
