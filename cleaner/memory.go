package cleaner

import (
	"bytes"
	"io"
	"os"
	"unsafe"
)

// The memory a list held whole takes while it is cleaned, as projected
// before it is read: its text (Records hold the cells' bytes, about the
// file's size), what the session keeps per row, and a base for the
// program, the domains and their results.
const (
	// rowMemory is what a held list and its session keep per row beyond
	// its text: the Row, the row's place in Records, its domain's index,
	// and the hash of its key while duplicates are found.
	rowMemory = int64(unsafe.Sizeof(Row{})) + 8 + 4 + 8
	// baseMemory is the program, the suggester, the domains and their
	// DNS results: a list of a million rows over 50,000 domains held 70
	// MiB more than its text and rows once checked (the results and the
	// resolver's cache about 47, the suggester 25). A base below what is
	// held makes the collector run at the memory limit until it is
	// raised: 48 MiB ran it 9-10 times in that run, 80 MiB 5-6 times.
	baseMemory = 80 << 20
	// domainMemory is what a list holds per distinct domain once checked,
	// beyond its text and rows: the domain's result, the resolver's cache
	// of it and of its MX hosts, its entries in the suggester, the tallies
	// and the domain history. The base covers a list of up to some 60,000
	// domains. A list of 3 million rows over 150,000 held 177 MiB more
	// than its text and rows (the million rows over 50,000 above, 94):
	// with the base alone its memory limit sat at what was live, and the
	// collector ran 9 times, 1.5 s of the processors' time in a run of
	// 8.5 s; with room for its domains, 4 or 5.
	domainMemory = 1400
	// projectSample is how much of the file the rows are counted in.
	projectSample = 1 << 20
)

// ProjectMemory returns about how many bytes cleaning the list in the file
// at path takes when it is held in memory: its size, plus rowMemory for
// each row, the rows counted from the line ends in the first MiB, plus
// baseMemory. Batch mode cleans a list in passes (Stream) when the
// projection does not fit in memory; the memory limit of a run follows it.
func ProjectMemory(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	buf := make([]byte, min(fi.Size(), projectSample))
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF {
		return 0, err
	}
	return projectMemory(fi.Size(), buf[:n]), nil
}

// DomainMemory returns how many bytes more than ProjectMemory projected
// the session's list takes once its domains are checked: what its domains
// take (domainMemory each) beyond the base that ProjectMemory counted for
// them; 0 for a list of fewer domains than the base covers.
func (s *Session) DomainMemory() int64 {
	return max(0, int64(len(s.domains))*domainMemory-baseMemory)
}

// projectMemory is ProjectMemory of a file of size bytes that starts with
// sample.
func projectMemory(size int64, sample []byte) int64 {
	lines := int64(bytes.Count(sample, []byte{'\n'}) + bytes.Count(sample, []byte{'\r'}) - bytes.Count(sample, []byte("\r\n")))
	rows := max(lines, 1)
	if len(sample) > 0 {
		rows = max(rows, lines*size/int64(len(sample)))
	}
	return size + rows*rowMemory + baseMemory
}
