//go:build !unix

package resolver

import (
	"net"
	"syscall"
)

// rawOf returns nil: ask writes and reads through net.
func rawOf(net.Conn) syscall.RawConn { return nil }

// ask writes out, a query, to u and reads the next datagram into u.in,
// within u's deadline.
func (u *udpConn) ask(out []byte) (int, error) { return u.writeRead(out) }
