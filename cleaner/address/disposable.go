package address

import (
	_ "embed"
	"strings"
	"sync"
)

// The disposable-address services: their domains (disposable.txt) and
// the domains never to be taken for one (disposable_allow.txt), both from
// the CC0 lists of the disposable-email-domains project, named with their
// commit in each file's header.
var (
	//go:embed disposable.txt
	disposableText string
	//go:embed disposable_allow.txt
	disposableAllowText string
)

// disposableSets parses the lists once, when first asked: a list of
// thousands of domains need not cost every run of the program.
var disposableSets = sync.OnceValues(func() (block, allow map[string]bool) {
	return domainSet(disposableText), domainSet(disposableAllowText)
})

// disposableVerdicts maps each domain the lists or providers.txt name to
// whether it is disposable (false for an allowed domain or a provider), so
// that IsDisposable looks each label up once: it runs for every domain
// that routes.
var disposableVerdicts = sync.OnceValue(func() map[string]bool {
	block, allow := disposableSets()
	m := make(map[string]bool, len(block)+len(allow)+len(providers))
	for d := range block {
		m[d] = true
	}
	for d := range allow {
		m[d] = false
	}
	for _, p := range providers {
		m[p.domain] = false
	}
	return m
})

// domainSet returns the domains of a list, one a line; blank lines and
// lines starting with # are skipped.
func domainSet(text string) map[string]bool {
	set := make(map[string]bool)
	for line := range strings.Lines(text) {
		if d := strings.TrimSpace(line); d != "" && d[0] != '#' {
			set[d] = true
		}
	}
	return set
}

// IsDisposable reports whether an ASCII (punycode) domain belongs to a
// disposable-address service: it or a parent domain is on the blocklist
// (mx.mailinator.com as mailinator.com, as the project asks of its users).
// The most specific domain listed decides: one on the project's allowlist,
// or one of the well-known mailbox providers (providers.txt), is never
// disposable, nor is a subdomain of it.
func IsDisposable(domain string) bool {
	verdicts := disposableVerdicts()
	for d := normalize(domain); ; {
		if disposable, listed := verdicts[d]; listed {
			return disposable
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return false
		}
		d = d[i+1:]
	}
}
