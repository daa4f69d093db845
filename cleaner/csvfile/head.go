package csvfile

import "io"

// ReadHead reads the list in the file at path as ReadFile does, but only
// its first chunk of records (some 4 MiB): a list to show while ReadFile
// reads the whole file, which takes about a second a million rows. Its
// delimiter, line ends, header line and email column are found as ReadFile
// finds them, from the same first records; its Rows are the first rows
// only, and its encoding and Notes say what those rows show (a later chunk
// may still show that the text is Windows-1252, or hold a fault that
// ReadFile reports).
func ReadHead(path string, opt ReadOptions) (*List, error) {
	f, fi, err := openWithin(path, opt)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := newRecordStream(f, path, opt.Delimiter, opt.maxBytes())
	s.size = fi.Size()
	c, err := s.nextRaw()
	if err == io.EOF {
		return nil, &ReadError{File: path, Err: ErrEmptyFile}
	}
	if err != nil {
		return nil, err
	}
	r := s.parseChunk(c)
	if r.err != nil {
		return nil, r.err
	}
	if r.badBytes > 0 && !r.multi && s.p.encoding == "UTF-8" {
		s.p.encoding = "Windows-1252" // as Finish finds it, unless a later chunk shows UTF-8
	}
	var firstLine int
	if len(r.lines) > 0 {
		firstLine = r.lines[0]
	}
	l, err := s.List(r.recs, firstLine, opt)
	if l != nil && fi.Mode().IsRegular() {
		l.Perm = fi.Mode().Perm()
	}
	return l, err
}
