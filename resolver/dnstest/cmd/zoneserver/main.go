// Command zoneserver serves a zone file on a free loopback port, with the
// faults its ;@fault directives set (see package dnstest), until it is
// interrupted: a misbehaving DNS server in a process of its own, for
// scripts that measure how listclean copes (scripts/dnsfaults.sh).
//
// Usage:
//
//	zoneserver [-witnesses] [-fault 'KIND[=ARG] ...'] ZONEFILE
//
// It prints the server's address, 127.0.0.1:PORT, on a line of its own
// once it serves. -fault sets the default fault, as ";@fault * ..." would;
// -witnesses adds dnstest.WitnessZone, the big providers that listclean
// asks a server about before it trusts it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/listclean/listclean/resolver/dnstest"
)

func main() {
	fault := flag.String("fault", "", "default fault, as in a ;@fault * directive (e.g. \"ratelimit=500 overlimit=drop\")")
	witnesses := flag.Bool("witnesses", false, "add the big providers that listclean asks a server about first")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: zoneserver [-witnesses] [-fault 'KIND[=ARG] ...'] ZONEFILE")
		os.Exit(2)
	}
	zone, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "zoneserver:", err)
		os.Exit(1)
	}
	text := string(zone)
	if *witnesses {
		text += "\n" + dnstest.WitnessZone
	}
	if *fault != "" {
		// A directive of its own, after the zone's: its kinds add to the
		// zone's default fault.
		text += "\n;@fault * " + strings.TrimSpace(*fault) + "\n"
	}
	srv, err := dnstest.Start(text)
	if err != nil {
		fmt.Fprintln(os.Stderr, "zoneserver:", err)
		os.Exit(1)
	}
	fmt.Println(srv.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	fmt.Fprintf(os.Stderr, "zoneserver: %d queries\n", srv.Queries())
	srv.Close()
}
