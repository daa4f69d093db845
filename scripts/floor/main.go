// Command floor is the floor that scripts/bench.sh compares listclean with:
// the least any tool must do to clean a list against a DNS server, as a
// process of its own. It reads the list with encoding/csv (ReuseRecord),
// asks the DNS server only the necessary questions with a plain miekg/dns
// loop at a fixed concurrency (dnstest.FloorCheck: the MX of every domain,
// the A of each first MX host once, the A of a domain without MX), and
// writes the file's bytes to OUT with fsync, one after the other.
//
// Usage:
//
//	floor -server 127.0.0.1:PORT -domains FILE [-conc 64,256] LIST OUT
//	floor -measure COMMAND [ARGS...]
//
// FILE holds the domains to ask about, one a line (the generated world's
// domains.txt). With several concurrencies it runs the DNS loop at each and
// counts the fastest that lost no query. It prints one line:
//
//	floor read=0.141 dns=0.702 write=0.083 total=0.926 conc=64 queries=61022 rows=1000000
//
// (seconds). With -measure it runs the command, its output going to its
// own standard output and error, and prints on standard error, after it:
//
//	measure wall=2.318 rss_kib=798532 user=2.61 sys=1.20 exit=0
//
// It sends nothing anywhere but to the server given.
package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/listclean/listclean/resolver/dnstest"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-measure" {
		os.Exit(measure(os.Args[2:]))
	}
	server := flag.String("server", "", "the DNS server, 127.0.0.1:PORT")
	domainsFile := flag.String("domains", "", "the domains to ask about, one a line")
	concs := flag.String("conc", "64", "queries in flight, or several separated by commas: the fastest counts")
	timeout := flag.Duration("timeout", 2*time.Second, "time to wait for each answer")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: floor -server ADDR -domains FILE [-conc N,...] LIST OUT\n       floor -measure COMMAND [ARGS...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 || *server == "" || *domainsFile == "" {
		flag.Usage()
		os.Exit(2)
	}
	var conc []int
	for f := range strings.SplitSeq(*concs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			fail(fmt.Errorf("-conc %q: want positive numbers separated by commas", *concs))
		}
		conc = append(conc, n)
	}
	d, err := os.ReadFile(*domainsFile)
	if err != nil {
		fail(err)
	}
	domains := strings.Fields(string(d))

	start := time.Now()
	data, rows, err := readList(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	read := time.Since(start)

	var best dnstest.FloorResult
	bestConc := 0
	for _, n := range conc {
		runtime.GC()
		r := dnstest.FloorCheck(*server, domains, n, *timeout)
		if len(conc) > 1 {
			fmt.Fprintf(os.Stderr, "floor: %d in flight: %.3fs, %d queries, %d lost\n", n, r.Took.Seconds(), r.Queries, r.Failures)
		}
		if r.Failures == 0 && (bestConc == 0 || r.Took < best.Took) {
			best, bestConc = r, n
		}
	}
	if bestConc == 0 {
		fail(errors.New("the DNS loop lost queries at every concurrency"))
	}

	start = time.Now()
	if err := writeSynced(flag.Arg(1), data); err != nil {
		fail(err)
	}
	write := time.Since(start)
	fmt.Printf("floor read=%.3f dns=%.3f write=%.3f total=%.3f conc=%d queries=%d rows=%d\n",
		read.Seconds(), best.Took.Seconds(), write.Seconds(), (read + best.Took + write).Seconds(), bestConc, best.Queries, rows)
}

// readList reads the file at path and its CSV records, one at a time into
// the same record, and returns the file's bytes and its records but the
// header.
func readList(path string) ([]byte, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		n++
	}
	return data, max(n-1, 0), nil
}

// writeSynced writes data to a new file at path and syncs it to disk.
func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// measure runs the command args, and prints its wall time, peak resident
// memory and CPU times on standard error. It returns the command's exit
// status.
func measure(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: floor -measure COMMAND [ARGS...]")
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		fmt.Fprintf(os.Stderr, "floor: %s: %v\n", filepath.Base(args[0]), err)
		return 1
	}
	rss, user, sys := usage(cmd.ProcessState)
	fmt.Fprintf(os.Stderr, "measure wall=%.3f rss_kib=%d user=%.2f sys=%.2f exit=%d\n", wall.Seconds(), rss, user.Seconds(), sys.Seconds(), code)
	return code
}

// fail reports err and exits 1.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}
