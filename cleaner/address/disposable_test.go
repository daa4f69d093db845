package address

import (
	"strings"
	"testing"
)

// TestIsDisposableList: every domain of the embedded list is disposable,
// and so is a subdomain of it, but for the few that are well-known mailbox
// providers (providers.txt).
func TestIsDisposableList(t *testing.T) {
	block, allow := disposableSets()
	if len(block) < 8000 || len(allow) < 150 {
		t.Fatalf("%d disposable domains and %d allowed, want the project's lists", len(block), len(allow))
	}
	providersListed := 0
	for d := range block {
		if allow[d] {
			t.Errorf("%s is on both lists", d)
		}
		if IsProvider(d) {
			providersListed++
			if IsDisposable(d) || IsDisposable("mail."+d) {
				t.Errorf("IsDisposable(%q) = true for a mailbox provider", d)
			}
			continue
		}
		if !IsDisposable(d) {
			t.Errorf("IsDisposable(%q) = false, want true", d)
		}
		if !IsDisposable("mx." + d) {
			t.Errorf("IsDisposable(%q) = false, want true: a subdomain", "mx."+d)
		}
		if !IsDisposable(strings.ToUpper(d) + ".") {
			t.Errorf("IsDisposable(%q) = false, want true", strings.ToUpper(d)+".")
		}
	}
	if providersListed > 2 {
		t.Errorf("%d providers on the disposable list: providers.txt should not hold disposable services", providersListed)
	}
}

func TestIsDisposable(t *testing.T) {
	for _, d := range []string{"mailinator.com", "a.b.mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "gmial.com"} {
		if !IsDisposable(d) {
			t.Errorf("IsDisposable(%q) = false, want true", d)
		}
	}
	for _, d := range []string{
		// Privacy-minded providers, which people keep for years.
		"fastmail.com", "fastmail.fm", "proton.me", "protonmail.com", "pm.me", "hey.com", "duck.com", "tuta.io", "hushmail.com",
		// The project's allowlist, and subdomains of it.
		"mozmail.com", "x.mozmail.com", "naver.com", "gmx.com", "yahoo.com.vn",
		// Mailbox providers the blocklist names all the same.
		"21cn.com", "sify.com",
		// Near a listed domain, but not it.
		"mailinator.co", "my-mailinator.com", "mailinator.com.example.org", "com", "", "gmail.com",
	} {
		if IsDisposable(d) {
			t.Errorf("IsDisposable(%q) = true, want false", d)
		}
	}
}
