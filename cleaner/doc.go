// Package cleaner owns a subscriber list: it reads the CSV as exported by
// ESPs and spreadsheets, parses and normalises every address, turns each row
// plus its domain's DNS result into a verdict with a suggested correction,
// records the user's decisions, and exports the cleaned list, the removed
// rows and a report. A list too large to hold is cleaned in passes over its
// file by a Stream, with the same results.
//
// The two sides it joins have packages of their own, which know nothing of
// each other or of cleaner: csvfile reads and writes the subscriber file
// (encodings, delimiters, quoting, atomic outputs), and address says what
// one address is and what it should have been (syntax, normalisation,
// corrections). Cleaner keeps the session, the verdicts and their
// explanations, the decisions, the export policy, the summary and the
// Stream, and hands on what its callers need of csvfile to open a list
// (List, ReadFile, the errors they tell apart).
//
// It holds no terminal and no network code: DNS results come from package
// resolver through the DomainChecker interface.
package cleaner
