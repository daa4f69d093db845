package resolver

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseServers(t *testing.T) {
	tests := []struct {
		spec string
		want []string
	}{
		{"127.0.0.1", []string{"127.0.0.1:53"}},
		{"127.0.0.1:5353", []string{"127.0.0.1:5353"}},
		{"127.0.0.1:5353, 10.0.0.1", []string{"127.0.0.1:5353", "10.0.0.1:53"}},
		{"[::1]:5353", []string{"[::1]:5353"}},
		{"[::1]", []string{"[::1]:53"}},
		{"2001:db8::1", []string{"[2001:db8::1]:53"}},
		{"localhost:5353", []string{"localhost:5353"}},
		{"LocalHost", []string{"localhost:53"}},
	}
	for _, tt := range tests {
		got, err := ParseServers(tt.spec)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseServers(%q) = %q, %v; want %q", tt.spec, got, err, tt.want)
		}
	}
	for _, spec := range []string{"", ",", "127.0.0.1,", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:dns", "[127.0.0.1]:53", "[dns.example]", ":53", "bad_host!:53", "[::1",
		"nonsense", "dns.example", "dns.example:53", "off,127.0.0.1"} {
		if got, err := ParseServers(spec); err == nil {
			t.Errorf("ParseServers(%q) = %q, want an error", spec, got)
		}
	}
}

func TestServersFromResolvConf(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "resolv.conf")
	conf := "# generated\nsearch example.com\nnameserver 127.0.0.53\nnameserver ::1\noptions edns0 trust-ad\n"
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ServersFromResolvConf(path)
	if want := []string{"127.0.0.53:53", "[::1]:53"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("ServersFromResolvConf = %q, %v; want %q", got, err, want)
	}

	empty := filepath.Join(dir, "empty.conf")
	if err := os.WriteFile(empty, []byte("search example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := ServersFromResolvConf(empty); err == nil {
		t.Errorf("resolv.conf without nameserver gave %q, want an error", got)
	}
	if got, err := ServersFromResolvConf(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("missing resolv.conf gave %q, want an error", got)
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := Config{Servers: []string{"127.0.0.1:53"}}.validate()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timeout != 2*time.Second || cfg.Retries != 0 || cfg.Concurrency != 0 {
		t.Errorf("validated zero config = %+v, want a 2s timeout and the rest as given", cfg)
	}
}

// TestSystemServers: where the system names servers, DefaultConfig has
// them, as host:port.
func TestSystemServers(t *testing.T) {
	servers, err := systemServers()
	if err != nil {
		t.Skipf("the system names no DNS server here: %v", err)
	}
	if got := DefaultConfig().Servers; !slices.Equal(got, servers) {
		t.Errorf("DefaultConfig().Servers = %q, want the system's %q", got, servers)
	}
	if _, err := ParseServers(strings.Join(servers, ",")); err != nil {
		t.Errorf("the system's servers %q do not parse as -dns would: %v", servers, err)
	}
}
