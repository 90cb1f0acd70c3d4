package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// maxLine is the longest line the text readers accept, terminator included. A
// longer one is a bad line (it is skipped whole under the Skip policy).
const maxLine = 1 << 20

// lineReader reads lines for the whitespace-separated formats (SNAP edge lists and
// the Higgs activity log), with their positions, without allocating per line. It
// uses bufio.Reader.ReadSlice, so a line is valid only until the next call.
type lineReader struct {
	br   *bufio.Reader
	name string
	max  int   // longest line accepted
	line int   // number of the current line, from 1
	off  int64 // offset of the current line in the stream
	pos  int64 // offset just past the current line
	eof  bool
	// skipLong reads past a line that is too long, to go on after it (the Skip
	// policy). Without it the reader stops at the line's first max bytes, so that a
	// gigabyte without a newline (or a gzip bomb) fails at once.
	skipLong bool
}

// newLineReader reads r with a buffer of max bytes; lines longer than that fail.
func newLineReader(name string, r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, max), name: name, max: max}
}

// errLineTooLong marks a line longer than the buffer.
var errLineTooLong = errors.New("line too long")

// next returns the next line without its "\n" or "\r\n", or io.EOF at the end. A line
// longer than the buffer is consumed and reported as errLineTooLong; any other error
// is a read error, to be returned as is.
func (lr *lineReader) next() ([]byte, error) {
	if lr.eof {
		return nil, io.EOF
	}
	b, err := lr.br.ReadSlice('\n')
	lr.off = lr.pos
	lr.pos += int64(len(b))
	switch err {
	case nil:
		lr.line++
	case io.EOF:
		lr.eof = true
		if len(b) == 0 {
			return nil, io.EOF
		}
		lr.line++
	case bufio.ErrBufferFull:
		lr.line++
		if !lr.skipLong {
			lr.eof = true
			return nil, errLineTooLong
		}
		for err == bufio.ErrBufferFull {
			b, err = lr.br.ReadSlice('\n')
			lr.pos += int64(len(b))
		}
		if err == io.EOF {
			lr.eof = true
		} else if err != nil {
			return nil, err
		}
		return nil, errLineTooLong
	default:
		lr.line++
		return nil, err
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b, nil
}

// nextCounted returns the next line, counting it in rep.Lines. A line too long is
// handed to the bad-line policy and passed over when it allows; io.EOF marks the
// end, and any other error (a read error, or the policy's) is to be returned.
func (lr *lineReader) nextCounted(rep *Report, o *Options) ([]byte, error) {
	for {
		line, err := lr.next()
		if err == io.EOF {
			return nil, io.EOF
		}
		rep.Lines++
		if err == nil {
			return line, nil
		}
		pe := lr.lineErr(err)
		if err != errLineTooLong {
			return nil, pe
		}
		if err := rep.bad(o, pe); err != nil {
			return nil, err
		}
	}
}

// errAt returns a ParseError at 1-based byte column col of the current line (0 for
// the whole line).
func (lr *lineReader) errAt(col int, format string, args ...any) *ParseError {
	return &ParseError{Path: lr.name, Line: lr.line, Column: col, Offset: lr.off, Err: fmt.Errorf(format, args...)}
}

// lineErr turns an error of next into a ParseError: a line too long, or a read error.
func (lr *lineReader) lineErr(err error) *ParseError {
	if err == errLineTooLong {
		return lr.errAt(0, "line longer than %d bytes", lr.max)
	}
	return &ParseError{Path: lr.name, Line: lr.line, Offset: lr.off, Err: err}
}

// span is a field's [lo, hi) within its line.
type span struct{ lo, hi int }

// split cuts line into fields separated by runs of spaces and tabs, stores up to
// len(f) of them and returns how many it stored. A return of len(f) may mean more
// fields follow: callers size f one larger than the most fields they accept.
func split(line []byte, f []span) int {
	n, i := 0, 0
	for n < len(f) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			break
		}
		lo := i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		f[n] = span{lo, i}
		n++
	}
	return n
}

// isComment reports whether a line whose first field starts at lo is a comment.
func isComment(line []byte, lo int) bool { return line[lo] == '#' }

// parseInt parses an optionally signed decimal integer.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var v uint64 // 19 digits stay below 2^64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if v > 1<<63-1 {
		return 0, false
	}
	if neg {
		return -int64(v), true
	}
	return int64(v), true
}

// allDigits reports whether b is a non-empty run of ASCII digits.
func allDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// fastEdge parses the common edge-list line in one pass: "src dst" or "src dst
// weight", ids canonical decimals below 10^19, the weight 1 to 999,999,999, separated
// by spaces or tabs. It reports ok=false for anything else (comments, leading blanks,
// other tokens, errors), which the general path then reads.
func fastEdge(line []byte) (src, dst uint64, w uint32, dcol int, ok bool) {
	i := 0
	src, i, ok = fastID(line, i)
	if !ok || i == len(line) || (line[i] != ' ' && line[i] != '\t') {
		return 0, 0, 0, 0, false
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	dcol = i + 1
	if dst, i, ok = fastID(line, i); !ok {
		return 0, 0, 0, 0, false
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i == len(line) {
		return src, dst, 1, dcol, true
	}
	lo := i
	var v uint32
	for i < len(line) && i-lo < 9 {
		d := line[i] - '0'
		if d > 9 {
			break
		}
		v = v*10 + uint32(d)
		i++
	}
	if i == lo || v == 0 {
		return 0, 0, 0, 0, false
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i != len(line) {
		return 0, 0, 0, 0, false
	}
	return src, dst, v, dcol, true
}

// fastID parses a canonical decimal of at most 19 digits at line[i:].
func fastID(line []byte, i int) (uint64, int, bool) {
	lo := i
	var v uint64
	for i < len(line) && i-lo < 19 {
		d := line[i] - '0'
		if d > 9 {
			break
		}
		v = v*10 + uint64(d)
		i++
	}
	if i == lo || (line[lo] == '0' && i-lo > 1) {
		return 0, 0, false
	}
	if i < len(line) && line[i]-'0' <= 9 {
		return 0, 0, false // a 20th digit
	}
	return v, i, true
}
