//go:build !unix

package resolver

import "net"

// A rawAsk is not used on this system: ask writes and reads through net.
type rawAsk struct{}

// newRawAsk returns nil.
func newRawAsk(net.Conn, []byte) *rawAsk { return nil }

// ask writes out, a query, to u and reads the next datagram into u.in,
// within u's deadline.
func (u *udpConn) ask(out []byte) (int, error) { return u.writeRead(out) }
