package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxRecord is the longest JSON record the readers accept: a line of JSONL (a twarc
// page of 100 tweets with its includes is a few MB) or an element of an array. A
// longer line is a bad record; a longer element stops the reader.
const maxRecord = 64 << 20

// jsonSource reads a JSON input for the record readers, in constant memory: the lines
// of JSONL, or the values of a document one at a time, each with its offset in the
// stream. Slices it returns are valid until its next call.
type jsonSource struct {
	r      io.Reader
	buf    []byte
	lo, hi int   // unread bytes: buf[lo:hi]
	off    int64 // stream offset of buf[0]
	eof    bool
	err    error // read error
	max    int
	lines  int // lines consumed by nextLine
	stack  []byte
}

func newJSONSource(r io.Reader) *jsonSource {
	return &jsonSource{r: r, buf: make([]byte, 256<<10), max: maxRecord}
}

// pos returns the stream offset of the next unread byte.
func (s *jsonSource) pos() int64 { return s.off + int64(s.lo) }

// more reads more input, keeping buf[lo:hi] (which may move). It returns false at
// the end of the input or on a read error, kept in s.err.
func (s *jsonSource) more() bool {
	for {
		if s.eof || s.err != nil {
			return false
		}
		if s.lo > 0 && (s.hi == len(s.buf) || s.lo >= len(s.buf)/2) {
			copy(s.buf, s.buf[s.lo:s.hi])
			s.off += int64(s.lo)
			s.hi -= s.lo
			s.lo = 0
		}
		if s.hi == len(s.buf) {
			b := make([]byte, 2*len(s.buf))
			copy(b, s.buf[:s.hi])
			s.buf = b
		}
		n, err := s.r.Read(s.buf[s.hi:])
		s.hi += n
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.err = err
		}
		if n > 0 {
			return true
		}
	}
}

// nextLine returns the next line without its "\n" or "\r\n", and its offset; io.EOF
// at the end. A line longer than s.max is consumed and reported as errLineTooLong.
func (s *jsonSource) nextLine() ([]byte, int64, error) {
	scanned := 0
	for {
		if i := bytes.IndexByte(s.buf[s.lo+scanned:s.hi], '\n'); i >= 0 {
			end := s.lo + scanned + i
			line, off := s.buf[s.lo:end], s.pos()
			s.lo = end + 1
			s.lines++
			if len(line) > s.max {
				return nil, off, errLineTooLong
			}
			return bytes.TrimSuffix(line, []byte("\r")), off, nil
		}
		scanned = s.hi - s.lo
		if scanned > s.max {
			off := s.pos()
			s.lines++
			for {
				if i := bytes.IndexByte(s.buf[s.lo:s.hi], '\n'); i >= 0 {
					s.lo += i + 1
					return nil, off, errLineTooLong
				}
				s.lo = s.hi
				if !s.more() {
					if s.err != nil {
						return nil, s.pos(), s.err
					}
					return nil, off, errLineTooLong
				}
			}
		}
		if !s.more() {
			if s.err != nil {
				return nil, s.pos(), s.err
			}
			if s.hi == s.lo {
				return nil, s.pos(), io.EOF
			}
			line, off := s.buf[s.lo:s.hi], s.pos()
			s.lo = s.hi
			s.lines++
			if len(line) > s.max {
				return nil, off, errLineTooLong
			}
			return bytes.TrimSuffix(line, []byte("\r")), off, nil
		}
	}
}

// peek skips white space and returns the next byte without consuming it; ok is false
// at the end of the input (or on a read error, in s.err).
func (s *jsonSource) peek() (c byte, ok bool) {
	for {
		for s.lo < s.hi {
			switch c := s.buf[s.lo]; c {
			case ' ', '\t', '\n', '\r':
				s.lo++
			default:
				return c, true
			}
		}
		if !s.more() {
			return 0, false
		}
	}
}

// take consumes n bytes already peeked.
func (s *jsonSource) take(n int) { s.lo += n }

// streamSyntaxError is a syntax error found while looking for the end of a value:
// one the reader cannot step over. err, when set, is its cause.
type streamSyntaxError struct {
	off int64
	msg string
	err error
}

func (e *streamSyntaxError) Error() string { return e.msg }
func (e *streamSyntaxError) Unwrap() error { return e.err }

// value returns the bytes of the next JSON value and its offset, found by following
// its strings and brackets (the parser checks the rest). It fails on a bracket that
// does not match, a value longer than s.max, and an input that ends inside the value
// (io.ErrUnexpectedEOF).
func (s *jsonSource) value() ([]byte, int64, error) {
	if _, ok := s.peek(); !ok {
		if s.err != nil {
			return nil, s.pos(), s.err
		}
		return nil, s.pos(), io.ErrUnexpectedEOF
	}
	stack := s.stack[:0]
	defer func() { s.stack = stack[:0] }()
	i, inStr := 0, false
	first, _ := s.peek()
	scalar := first != '{' && first != '[' && first != '"' // a number or a literal
	for {
		b := s.buf[s.lo:s.hi]
		done := false
	scan:
		for i < len(b) {
			if scalar {
				switch b[i] {
				case ' ', '\t', '\n', '\r', ',', ':', '"', '{', '[', '}', ']':
					if i > 0 {
						done = true
						break scan
					}
				default:
					i++
					continue
				}
			}
			if inStr {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					i = len(b)
					break
				}
				j += i
				k := j
				for b[k-1] == '\\' { // the opening quote stops this
					k--
				}
				i = j + 1
				if (j-k)%2 == 1 {
					continue // an escaped quote
				}
				inStr = false
				if len(stack) == 0 {
					done = true
					break scan
				}
				continue
			}
			switch c := b[i]; c {
			case '"':
				inStr = true
				i++
			case '{', '[':
				stack = append(stack, c)
				i++
			case '}', ']':
				open := byte('{')
				if c == ']' {
					open = '['
				}
				if len(stack) == 0 || stack[len(stack)-1] != open {
					at := s.pos() + int64(i)
					msg := fmt.Sprintf("unexpected %q", c)
					if len(stack) > 0 {
						want := byte('}')
						if stack[len(stack)-1] == '[' {
							want = ']'
						}
						msg = fmt.Sprintf("expected %q to close %q, got %q", want, stack[len(stack)-1], c)
					}
					return nil, at, &streamSyntaxError{off: at, msg: msg}
				}
				stack = stack[:len(stack)-1]
				i++
				if len(stack) == 0 {
					done = true
					break scan
				}
			case ' ', '\t', '\n', '\r', ',', ':':
				if len(stack) == 0 {
					done = true // the end of a number or literal
					break scan
				}
				i++
			default:
				i++
			}
		}
		if done {
			v, off := b[:i], s.pos()
			s.lo += i
			return v, off, nil
		}
		if i > s.max {
			return nil, s.pos(), fmt.Errorf("a JSON value longer than %d bytes", s.max)
		}
		if !s.more() {
			if s.err != nil {
				return nil, s.pos() + int64(i), s.err
			}
			if len(stack) == 0 && !inStr {
				v, off := s.buf[s.lo:s.lo+i], s.pos()
				s.lo += i
				return v, off, nil
			}
			at := s.pos() + int64(i)
			return nil, at, &streamSyntaxError{off: at, msg: io.ErrUnexpectedEOF.Error(), err: io.ErrUnexpectedEOF}
		}
	}
}

// recordReader is a JSON format: parse reads one record with p and keeps what it
// needs, leaving errors in p.err (the record is then bad and skipped or fatal, by the
// policy); apply feeds the record parsed last to the sink. Nothing reaches the sink
// before the whole record has been checked.
type recordReader interface {
	parse(p *jsonParser)
	apply() error
}

// jsonDriver runs a recordReader over an input and keeps its Report.
type jsonDriver struct {
	name string
	src  *jsonSource
	p    jsonParser
	rep  *Report
	o    *Options
}

func newJSONDriver(name string, r io.Reader, rep *Report, o *Options) *jsonDriver {
	return &jsonDriver{name: name, src: newJSONSource(r), rep: rep, o: o}
}

// done sets the Report's byte count.
func (d *jsonDriver) done() { d.rep.Bytes = d.src.pos() }

// record parses one record held in b and applies it; a bad record is counted or
// returned by the policy.
func (d *jsonDriver) record(rr recordReader, b []byte, off int64, recno int, root string) error {
	p := &d.p
	p.reset(b, off, root)
	rr.parse(p)
	if p.err == nil {
		if c := p.ws(); p.i < len(p.b) {
			p.path = p.path[:0]
			p.syntaxAt(p.i, "unexpected %s after the record", quote([]byte{c}))
		}
	}
	if p.err != nil {
		pe := &ParseError{Path: d.name, Record: recno, Offset: p.err.off, Err: p.err}
		return d.rep.bad(d.o, pe)
	}
	d.rep.Records++
	if err := rr.apply(); err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			pe = &ParseError{Path: d.name, Record: recno, Offset: off, Err: err}
		}
		if isBadID(err) {
			d.rep.Records-- // counted above; a skipped record is not one
			return d.rep.bad(d.o, pe)
		}
		return pe
	}
	return nil
}

// lines reads JSONL: one record per line, blank lines passed over. Record N is line
// N, so that `sed -n Np` shows it.
func (d *jsonDriver) lines(rr recordReader) error {
	defer d.done()
	for {
		line, off, err := d.src.nextLine()
		if err == io.EOF {
			return nil
		}
		d.rep.Lines++
		recno := d.src.lines
		if err == errLineTooLong {
			pe := &ParseError{Path: d.name, Record: recno, Offset: off, Err: fmt.Errorf("a line longer than %d bytes", d.src.max)}
			if err := d.rep.bad(d.o, pe); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return &ParseError{Path: d.name, Record: recno, Offset: off, Err: err}
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := d.record(rr, line, off, recno, ""); err != nil {
			return err
		}
	}
}

// elements reads the elements of the array whose '[' is next in the input, each a
// record whose path is its index under root ("" or a member name: "[41]" or
// "orderedItems[41]"). A bad element is a bad record; an element whose end cannot
// be found stops the reader under any policy.
func (d *jsonDriver) elements(rr recordReader, root string) error {
	s := d.src
	c, ok := s.peek()
	if !ok || c != '[' {
		return d.docErr(fmt.Errorf("expected an array, got %s", d.describeNext()))
	}
	s.take(1)
	for n := 1; ; n++ {
		c, ok := s.peek()
		if ok && c == ']' && n == 1 {
			s.take(1)
			return nil
		}
		b, off, err := s.value()
		if err != nil {
			return d.streamErr(n, err)
		}
		if err := d.record(rr, b, off, n, fmt.Sprintf("%s[%d]", root, n-1)); err != nil {
			return err
		}
		c, ok = s.peek()
		switch {
		case ok && c == ',':
			s.take(1)
		case ok && c == ']':
			s.take(1)
			return nil
		default:
			return d.streamErr(n, fmt.Errorf("expected ',' or ']' after element %d of %s, got %s", n, orRoot(root), d.describeNext()))
		}
	}
}

func orRoot(root string) string {
	if root == "" {
		return "the array"
	}
	return root
}

// end checks that nothing but white space (and a JavaScript ';') follows the
// document.
func (d *jsonDriver) end() error {
	s := d.src
	c, ok := s.peek()
	if ok && c == ';' {
		s.take(1)
		c, ok = s.peek()
	}
	if ok {
		return d.docErr(fmt.Errorf("unexpected %q after the end of the document", c))
	}
	if s.err != nil {
		return d.docErr(s.err)
	}
	return nil
}

// describeNext names the next byte of the input for an error.
func (d *jsonDriver) describeNext() string {
	c, ok := d.src.peek()
	if !ok {
		if d.src.err != nil {
			return "a read error"
		}
		return "the end of the input"
	}
	return quote([]byte{c})
}

// docErr is an error in the structure of a whole-document input, at the current
// position.
func (d *jsonDriver) docErr(err error) error {
	if d.src.err != nil && err != d.src.err {
		err = d.src.err
	}
	return &ParseError{Path: d.name, Offset: d.src.pos(), Err: err}
}

// streamErr turns an error of jsonSource.value for record n into a ParseError.
func (d *jsonDriver) streamErr(n int, err error) error {
	pe := &ParseError{Path: d.name, Record: n, Offset: d.src.pos(), Err: err}
	var se *streamSyntaxError
	if errors.As(err, &se) {
		pe.Offset = se.off
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		pe.Err = fmt.Errorf("the input ends inside element %d: %w", n, io.ErrUnexpectedEOF)
	}
	return pe
}

// member reads the members of the top-level object whose '{' is next in the input,
// calling fn with each key; fn reads the value with d.src or returns false to have
// it skipped. The values skipped must be smaller than s.max.
func (d *jsonDriver) members(fn func(key string) (bool, error)) error {
	s := d.src
	c, ok := s.peek()
	if !ok || c != '{' {
		return d.docErr(fmt.Errorf("expected a JSON object, got %s", d.describeNext()))
	}
	s.take(1)
	for n := 0; ; n++ {
		c, ok := s.peek()
		if ok && c == '}' && n == 0 {
			s.take(1)
			return nil
		}
		kb, off, err := s.value()
		if err != nil {
			return d.streamErr(0, err)
		}
		p := &d.p
		p.reset(kb, off, "")
		key := p.str()
		if p.err != nil || len(kb) == 0 || kb[0] != '"' {
			return &ParseError{Path: d.name, Offset: off, Err: errors.New("expected a member name in double quotes")}
		}
		c, ok = s.peek()
		if !ok || c != ':' {
			return d.docErr(fmt.Errorf("expected ':' after the member name %q, got %s", key, d.describeNext()))
		}
		s.take(1)
		read, err := fn(string(key))
		if err != nil {
			return err
		}
		if !read {
			v, off, err := s.value()
			if err != nil {
				return d.streamErr(0, err)
			}
			p.reset(v, off, string(key))
			p.skip()
			if p.err != nil {
				return &ParseError{Path: d.name, Offset: p.err.off, Err: p.err}
			}
		}
		c, ok = s.peek()
		switch {
		case ok && c == ',':
			s.take(1)
		case ok && c == '}':
			s.take(1)
			return nil
		default:
			return d.docErr(fmt.Errorf("expected ',' or '}' after the member %q, got %s", key, d.describeNext()))
		}
	}
}
