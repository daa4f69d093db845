package resolver

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// Config says which servers a Checker asks and how patiently.
type Config struct {
	Servers     []string      // host:port of recursive resolvers; a failed attempt moves on to the next
	Timeout     time.Duration // per attempt; 0 means the default of 2s
	Retries     int           // extra attempts after the first on SERVFAIL/REFUSED/timeout/malformed
	Concurrency int           // 0: adapt; N>0 pins the number of queries in flight
	// Private says the servers serve a private world that need not know
	// the big mail providers (a company's own resolver, the -zone world):
	// their probes ask only a name that cannot exist (see Prove).
	Private bool
	// RetryPause is how long Check waits, once every domain had its
	// turn, before it asks again about those that ended in dns_error; 0
	// means DefaultRetryPause, a negative value no second try.
	RetryPause time.Duration
}

// The defaults of DefaultConfig, also used by NewChecker for a zero Timeout.
const (
	DefaultTimeout    = 2 * time.Second
	DefaultRetries    = 2
	DefaultRetryPause = time.Second
)

// DefaultResolvConf is where DefaultConfig reads the system's servers from,
// except on Windows, which has none: there the network adapters name them.
const DefaultResolvConf = "/etc/resolv.conf"

// DefaultConfig returns the configuration used when the user gives no flags:
// the system's servers (those of /etc/resolv.conf; on Windows, those of the
// network adapters), a 2s timeout per attempt, 2 retries and adaptive
// concurrency. When the system names none, Servers is empty and NewChecker
// reports that, so the caller can tell the user to pass servers.
func DefaultConfig() Config {
	servers, _ := systemServers()
	return Config{
		Servers: servers,
		Timeout: DefaultTimeout,
		Retries: DefaultRetries,
	}
}

// ServersFromResolvConf reads the nameserver lines of a resolv.conf file and
// returns them as host:port, in the file's order.
func ServersFromResolvConf(path string) ([]string, error) {
	cc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("resolver: reading %s: %w", path, err)
	}
	if len(cc.Servers) == 0 {
		return nil, fmt.Errorf("resolver: %s names no nameserver", path)
	}
	servers := make([]string, len(cc.Servers))
	for i, s := range cc.Servers {
		servers[i] = net.JoinHostPort(s, cc.Port)
	}
	return servers, nil
}

// ParseServers parses the value of the -dns flag: a comma-separated list of
// IP:port or IP, where the port defaults to 53 and an IPv6 address with a
// port is written in brackets ("[2001:db8::1]:5353"). A bare IPv6 address
// ("2001:db8::1") is taken whole, with port 53. A server is named by its
// address, as in resolv.conf: a host name would need a DNS server to find
// it, and a typo ("-dns nonsense") would be taken for one. Only localhost
// is a name, which the hosts file gives.
func ParseServers(spec string) ([]string, error) {
	var servers []string
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("resolver: server list %q: empty entry", spec)
		}
		server, err := parseServer(item)
		if err != nil && item == strings.TrimSpace(spec) {
			return nil, fmt.Errorf("resolver: %w", err)
		}
		if err != nil {
			return nil, fmt.Errorf("resolver: server list %q: %w", spec, err)
		}
		servers = append(servers, server)
	}
	return servers, nil
}

// parseServer turns one entry of a server list into host:port.
func parseServer(item string) (string, error) {
	if addr, err := netip.ParseAddr(item); err == nil {
		return net.JoinHostPort(addr.String(), "53"), nil
	}
	host, port := item, "53"
	if strings.HasPrefix(item, "[") || strings.Contains(item, ":") {
		var err error
		host, port, err = net.SplitHostPort(item)
		if err != nil {
			if !strings.HasPrefix(item, "[") || !strings.HasSuffix(item, "]") {
				return "", fmt.Errorf("%q: %w", item, err)
			}
			host, port = item[1:len(item)-1], "53"
		}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("%q: port %q is not a number from 1 to 65535", item, port)
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if strings.HasPrefix(item, "[") && !addr.Is6() {
			return "", fmt.Errorf("%q: brackets are for IPv6 addresses", item)
		}
		return net.JoinHostPort(addr.String(), port), nil
	}
	if strings.HasPrefix(item, "[") {
		return "", fmt.Errorf("%q: %q is not an IPv6 address", item, host)
	}
	if !strings.EqualFold(host, "localhost") {
		return "", fmt.Errorf("%q is not an IP address: name a DNS server by its address, as in /etc/resolv.conf (such as 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353)", item)
	}
	return net.JoinHostPort("localhost", port), nil
}

// validate checks a configuration and fills in the defaults of zero fields.
func (cfg Config) validate() (Config, error) {
	if len(cfg.Servers) == 0 {
		return cfg, errors.New("resolver: no DNS servers configured")
	}
	for _, s := range cfg.Servers {
		if _, _, err := net.SplitHostPort(s); err != nil {
			return cfg, fmt.Errorf("resolver: server %q is not host:port: %w", s, err)
		}
	}
	if cfg.Timeout < 0 {
		return cfg, fmt.Errorf("resolver: negative timeout %v", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RetryPause == 0 {
		cfg.RetryPause = DefaultRetryPause
	}
	if cfg.Retries < 0 {
		return cfg, fmt.Errorf("resolver: negative retry count %d", cfg.Retries)
	}
	if cfg.Concurrency < 0 {
		return cfg, fmt.Errorf("resolver: negative concurrency %d", cfg.Concurrency)
	}
	cfg.Servers = append([]string(nil), cfg.Servers...)
	return cfg, nil
}
