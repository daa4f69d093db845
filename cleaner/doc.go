// Package cleaner owns a subscriber list: it reads the CSV as exported by
// ESPs and spreadsheets, parses and normalises every address, turns each row
// plus its domain's DNS result into a verdict with a suggested correction,
// records the user's decisions, and exports the cleaned list, the removed
// rows and a report. A list too large to hold is cleaned in passes over its
// file by a Stream, with the same results.
//
// What one address is and what it should have been (syntax, normalisation,
// corrections) is package address's: cleaner joins each row's address
// with its domain's DNS result.
//
// It holds no terminal and no network code: DNS results come from package
// resolver through the DomainChecker interface.
package cleaner
