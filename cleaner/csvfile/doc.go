// Package csvfile owns the subscriber file as ESPs and spreadsheets write
// it: reading it (encodings and byte-order marks, Excel's "sep=" line,
// the delimiter sniffed, quoting faults told by line and column, the email
// column found by header or content), in chunks parsed on all processors
// or in passes over a file too large to hold (RecordStream), and writing
// it back: records that read back exactly (RecordWriter, Encoder), with
// formula cells escaped on request (EscapeFormula), to outputs replaced
// atomically and all together (WriteFilesAtomic).
//
// It knows nothing of what a cell means: not of addresses, verdicts,
// decisions or DNS. A List is rows of cells and the index of the column
// that holds the addresses.
package csvfile
