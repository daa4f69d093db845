// Package address owns what one email address is and what it should have
// been: it parses and normalises a cell (syntax, IDNA, the limits of RFC
// 5321, domain format and top-level domains against the Public Suffix
// List), offers the one obvious fix of a syntax slip, and proposes
// corrections for a domain that looks misspelled (Suggester), from an
// embedded list of well-known mailbox providers and a list's own common
// domains.
//
// It knows nothing of files, rows or lists beyond the domain counts it is
// given, and nothing of DNS: whether a domain routes is the caller's to
// find out. The data it embeds lives beside it, each file naming its
// source and licence in its header (providers.txt).
package address
