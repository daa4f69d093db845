package resolver

import (
	"errors"
	"fmt"
	"net"
	"unsafe"

	"golang.org/x/sys/windows"
)

// systemServers returns the system's DNS servers, as host:port: those of
// the network adapters that are up and have a gateway, in the adapters'
// order, as the Go runtime's own resolver finds them (net/dnsconfig_windows.go).
// Windows has no resolv.conf.
func systemServers() ([]string, error) {
	aas, err := adapterAddresses()
	if err != nil {
		return nil, err
	}
	var servers []string
	for _, aa := range aas {
		if aa.OperStatus != windows.IfOperStatusUp || aa.FirstGatewayAddress == nil {
			continue
		}
		for dns := aa.FirstDnsServerAddress; dns != nil; dns = dns.Next {
			ip := dns.Address.IP()
			switch {
			case ip == nil:
				continue
			case len(ip) == net.IPv6len && ip[0] == 0xfe && ip[1] == 0xc0:
				// fec0::/10, the site-local anycast addresses Windows sets
				// when no IPv6 server is given: deprecated (RFC 3879).
				continue
			}
			servers = append(servers, net.JoinHostPort(ip.String(), "53"))
		}
	}
	if len(servers) == 0 {
		return nil, errors.New("resolver: no network adapter names a DNS server")
	}
	return servers, nil
}

// adapterAddresses returns the network adapters' addresses, growing the
// buffer until GetAdaptersAddresses fits.
func adapterAddresses() ([]*windows.IpAdapterAddresses, error) {
	size := uint32(15000) // the size Microsoft recommends to start with
	var b []byte
	for {
		b = make([]byte, size)
		const flags = windows.GAA_FLAG_INCLUDE_PREFIX | windows.GAA_FLAG_INCLUDE_GATEWAYS
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, flags, 0, (*windows.IpAdapterAddresses)(unsafe.Pointer(&b[0])), &size)
		if err == nil {
			if size == 0 {
				return nil, nil
			}
			break
		}
		if !errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) || size <= uint32(len(b)) {
			return nil, fmt.Errorf("resolver: reading the network adapters' DNS servers: %w", err)
		}
	}
	var aas []*windows.IpAdapterAddresses
	for aa := (*windows.IpAdapterAddresses)(unsafe.Pointer(&b[0])); aa != nil; aa = aa.Next {
		aas = append(aas, aa)
	}
	return aas, nil
}
