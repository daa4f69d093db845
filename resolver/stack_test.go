package resolver

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/listclean/listclean/resolver/dnstest"
)

// stackServerEnv holds the delay of the server that TestStackServer runs
// for TestStackPerCheck, in a process of its own.
const stackServerEnv = "LISTCLEAN_STACK_SERVER_DELAY"

// TestStackServer is TestStackPerCheck's DNS server when it runs it as a
// child: it serves benchWorld with a delay, prints its address and serves
// until its standard input closes.
func TestStackServer(t *testing.T) {
	delay := os.Getenv(stackServerEnv)
	if delay == "" {
		t.Skip("run by TestStackPerCheck")
	}
	d, err := time.ParseDuration(delay)
	if err != nil {
		t.Fatal(err)
	}
	srv, _, _ := startBenchServer(t)
	srv.SetDefaultFault(dnstest.Fault{Delay: d})
	fmt.Println("addr", srv.Addr())
	bufio.NewReader(os.Stdin).ReadString('\n')
}

// TestStackPerCheck measures the goroutine stack that a check in flight
// holds: 30 ms away, some 2,900 of them wait at once. A stack doubles
// when a call goes deeper than it has room for, and the deepest chain of
// a check (the worker, the domain's cache, checkDomain, the MX host's
// cache, checkHost, the lookup, the exchange, decodeReply) took 16 KB a
// goroutine, 46 MB in all, until it was made to fit in 8 KB. The server
// runs in a process of its own, whose goroutines would otherwise count.
func TestStackPerCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server in a process of its own")
	}
	if raceEnabled {
		t.Skip("the race detector makes every frame bigger")
	}
	addr := startStackServer(t, 50*time.Millisecond)
	_, domains, _ := benchWorld()
	domains = domains[:2500]
	c := newTestChecker(t, Config{Servers: []string{addr}, Timeout: 5 * time.Second, Retries: 2, Concurrency: 512})

	sample := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	type point struct {
		stack      uint64
		goroutines int
	}
	read := func() point {
		metrics.Read(sample)
		return point{sample[0].Value.Uint64(), runtime.NumGoroutine()}
	}
	runtime.GC()
	base := read()
	var points []point
	ctx, cancel := context.WithCancel(context.Background())
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				points = append(points, read())
			case <-ctx.Done():
				return
			}
		}
	}()
	for r := range c.Check(context.Background(), domains) {
		if r.Status.Temporary() {
			t.Errorf("%s: %s", r.Domain, r.Err)
		}
	}
	cancel()
	<-sampled

	// The stacks of the goroutines gone stay counted until they are
	// released, so only the moments when nearly all are running tell.
	most := 0
	for _, p := range points {
		most = max(most, p.goroutines-base.goroutines)
	}
	perGoroutine := 0.0
	for _, p := range points {
		if n := p.goroutines - base.goroutines; n >= most*9/10 {
			perGoroutine = max(perGoroutine, float64(p.stack-base.stack)/float64(n))
		}
	}
	t.Logf("%d goroutines at most, %.0f bytes of stack each", most, perGoroutine)
	if most < 500 {
		t.Fatalf("%d goroutines at most, want the 577 workers of 512 queries in flight", most)
	}
	// 8 KB stacks, and some room for stacks cached, but not 16 KB.
	if perGoroutine > 12<<10 {
		t.Errorf("%.0f bytes of stack per goroutine checking, want at most 12 KB", perGoroutine)
	}
}

// startStackServer starts TestStackServer in a child process and returns
// its address; the child ends with the test.
func startStackServer(t *testing.T, delay time.Duration) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestStackServer$")
	cmd.Env = append(os.Environ(), stackServerEnv+"="+delay.String())
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "addr "); ok {
			return addr
		}
	}
	t.Fatalf("the server's process gave no address: %v", sc.Err())
	return ""
}
