// Package address owns what one email address is and what it should have
// been: it parses and normalises a cell (syntax, IDNA, the limits of RFC
// 5321, domain format and top-level domains against the Public Suffix
// List), offers the one obvious fix of a syntax slip, proposes
// corrections for a domain that looks misspelled (Suggester), from an
// embedded list of well-known mailbox providers and a list's own common
// domains, and tells a role local part (IsRole) and a disposable-address
// service (IsDisposable) from a person's address.
//
// It knows nothing of files, rows or lists beyond the domain counts it is
// given, and nothing of DNS: whether a domain routes is the caller's to
// find out. The data it embeds lives beside it, each file naming its
// source and licence in its header: providers.txt (the providers),
// nearproviders.txt (real domains one edit from a provider, never taken
// for its typo), disposable.txt and disposable_allow.txt (the CC0 lists of
// the disposable-email-domains project, with their commit); the small
// tables of lookalike letters (lookalike.go, from Unicode's
// confusables.txt) and role local parts (role.go) are Go.
package address
