package resolver

import (
	"bytes"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAsk: ask sends a query and reads what comes back, however soon it
// comes, and fails as net's own write and read fail.
func TestAsk(t *testing.T) {
	// echo answers each datagram at once with itself, count times,
	// allocating nothing.
	echo := func(t *testing.T, count int) string {
		pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pc.Close() })
		go func() {
			buf := make([]byte, 2048)
			for {
				n, addr, err := pc.ReadFromUDPAddrPort(buf)
				if err != nil {
					return
				}
				for range count {
					pc.WriteToUDPAddrPort(buf[:n], addr)
				}
			}
		}()
		return pc.LocalAddr().String()
	}
	dial := func(t *testing.T, addr string) *udpConn {
		nc, err := net.Dial("udp", addr)
		if err != nil {
			t.Fatal(err)
		}
		u := &udpConn{Conn: nc, in: make([]byte, ednsSize)}
		u.raw = newRawAsk(nc, u.in)
		t.Cleanup(u.close)
		return u
	}

	t.Run("answered at once, many times", func(t *testing.T) {
		// A reply that comes before the wait for it is armed would be
		// missed, and its query would wait out the deadline.
		u := dial(t, echo(t, 1))
		for i := range 2000 {
			u.SetDeadline(time.Now().Add(2 * time.Second))
			q := []byte{byte(i >> 8), byte(i), 'q'}
			n, err := u.ask(q)
			if err != nil || !bytes.Equal(u.in[:n], q) {
				t.Fatalf("query %d: read %q, %v; want %q", i, u.in[:n], err, q)
			}
		}
	})
	t.Run("allocates nothing", func(t *testing.T) {
		// A query a socket: the callback is the socket's, bound once.
		u := dial(t, echo(t, 1))
		u.SetDeadline(time.Now().Add(10 * time.Second))
		q := []byte("q")
		if n := testing.AllocsPerRun(200, func() {
			if n, err := u.ask(q); err != nil || n != 1 {
				t.Fatalf("read %d bytes, %v", n, err)
			}
		}); n != 0 {
			t.Errorf("%v allocations a query, want none", n)
		}
	})
	t.Run("a second reply is read next", func(t *testing.T) {
		u := dial(t, echo(t, 2))
		for _, q := range []string{"one", "two"} {
			u.SetDeadline(time.Now().Add(2 * time.Second))
			n, err := u.ask([]byte(q))
			if err != nil || string(u.in[:n]) != q {
				t.Fatalf("ask %q: read %q, %v", q, u.in[:n], err)
			}
			// The duplicate, queued before the next query is sent.
			if n, err := u.Read(u.in); err != nil || string(u.in[:n]) != q {
				t.Fatalf("after %q: read %q, %v; want the duplicate", q, u.in[:n], err)
			}
		}
	})
	t.Run("nothing answers", func(t *testing.T) {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		u := dial(t, pc.LocalAddr().String())
		u.SetDeadline(time.Now().Add(50 * time.Millisecond))
		_, err = u.ask([]byte("q"))
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.Is(classify(err), errTimeout) {
			t.Fatalf("err %v; want the deadline exceeded, a timeout", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := pc.LocalAddr().String()
		pc.Close() // nothing listens there now: the query is refused
		u, plain := dial(t, addr), dial(t, addr)
		deadline := time.Now().Add(2 * time.Second)
		u.SetDeadline(deadline)
		plain.SetDeadline(deadline)
		_, err = u.ask([]byte("q"))
		_, want := plain.writeRead([]byte("q"))
		if !errors.Is(want, syscall.ECONNREFUSED) {
			t.Skipf("this system does not refuse UDP to a closed port: %v", want)
		}
		// The same words as net's, but for the local port.
		words := func(err error) string {
			if err == nil {
				return "<nil>"
			}
			return strings.ReplaceAll(err.Error(), u.LocalAddr().String(), "LOCAL")
		}
		if !errors.Is(err, syscall.ECONNREFUSED) || words(err) != strings.ReplaceAll(want.Error(), plain.LocalAddr().String(), "LOCAL") {
			t.Fatalf("ask: %v; want %v", err, want)
		}
	})
}
