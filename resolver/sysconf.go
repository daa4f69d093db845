//go:build !windows

package resolver

// systemServers returns the system's DNS servers, as host:port: those of
// /etc/resolv.conf, on Linux, macOS and the BSDs.
func systemServers() ([]string, error) {
	return ServersFromResolvConf(DefaultResolvConf)
}
