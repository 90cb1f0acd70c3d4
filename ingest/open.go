package ingest

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/clout-dev/clout/graph"
)

// gzipMagic starts every gzip stream (RFC 1952, section 2.3.1).
var gzipMagic = [2]byte{0x1f, 0x8b}

// StreamError is a failure to read an input stream: a truncated or corrupt gzip
// stream, or an I/O error. A truncated stream wraps io.ErrUnexpectedEOF.
type StreamError struct {
	Path   string // the input's name
	Gzip   bool   // whether the stream was being decompressed
	Offset int64  // compressed bytes read when it failed; -1 if unknown
	Err    error
}

// Error returns "ingest: path: gzip: message (after N compressed bytes)".
func (e *StreamError) Error() string { return "ingest: " + e.Path + ": " + e.detail() }

// detail is the message without the path.
func (e *StreamError) detail() string {
	msg := e.Err.Error()
	if e.Gzip {
		msg = "gzip: " + msg
		if errors.Is(e.Err, io.ErrUnexpectedEOF) {
			msg += " (the compressed stream is truncated)"
		}
	}
	if e.Offset >= 0 {
		msg += fmt.Sprintf(" (after %d bytes of the file)", e.Offset)
	}
	return msg
}

// Unwrap returns the cause.
func (e *StreamError) Unwrap() error { return e.Err }

// Open opens the file at path for streaming and returns its size on disk. Gzip is
// detected by its magic bytes (1f 8b), not by the name, and decompressed on the fly;
// concatenated gzip members are read as one stream. A truncated or corrupt stream
// makes Read fail with a *StreamError (wrapping io.ErrUnexpectedEOF when truncated),
// never end early with io.EOF.
//
// p, which may be nil, is told the bytes read from the file (compressed bytes for a
// gzip file) in batches; announcing the total, the returned size, is up to the caller.
func Open(path string, p graph.Progress) (io.ReadCloser, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("ingest: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("ingest: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("ingest: %s is a directory", path)
	}
	r, err := newStream(path, f, p)
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return &readCloser{Reader: r, closers: []io.Closer{r.(io.Closer), f}}, st.Size(), nil
}

// NewReader returns a reader of r's content, decompressing it when it starts with the
// gzip magic bytes. name is used in errors. It is Open for data that is not in a
// file (embedded, in memory, from the network); the returned reader's Close releases
// the decompressor but does not close r.
func NewReader(name string, r io.Reader) (io.ReadCloser, error) {
	return newStream(name, r, nil)
}

// newStream counts the bytes read from r for p and detects gzip.
func newStream(name string, r io.Reader, p graph.Progress) (io.ReadCloser, error) {
	c := &counter{r: r, p: graph.OrNone(p)}
	br := bufio.NewReaderSize(c, 256<<10)
	head, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, &StreamError{Path: name, Offset: c.n, Err: err}
	}
	if len(head) < 2 || head[0] != gzipMagic[0] || head[1] != gzipMagic[1] {
		return &plain{br: br, c: c, name: name}, nil
	}
	z, err := gzip.NewReader(br)
	if err != nil {
		return nil, &StreamError{Path: name, Gzip: true, Offset: c.n, Err: unexpected(err)}
	}
	return &gzStream{z: z, c: c, name: name}, nil
}

// unexpected turns io.EOF inside a gzip stream into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// counter counts the bytes read from r and reports them to p in batches.
type counter struct {
	r       io.Reader
	p       graph.Progress
	n       int64 // bytes read
	pending int64 // bytes not yet reported
}

const progressBatch = 1 << 20

func (c *counter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	c.pending += int64(n)
	if c.pending >= progressBatch || (err != nil && c.pending > 0) {
		c.p.Add(c.pending)
		c.pending = 0
	}
	return n, err
}

func (c *counter) flush() {
	if c.pending > 0 {
		c.p.Add(c.pending)
		c.pending = 0
	}
}

// plain is an uncompressed stream.
type plain struct {
	br   *bufio.Reader
	c    *counter
	name string
}

func (s *plain) Read(b []byte) (int, error) {
	n, err := s.br.Read(b)
	if err != nil && err != io.EOF {
		err = &StreamError{Path: s.name, Offset: s.c.n, Err: err}
	}
	return n, err
}

func (s *plain) Close() error { s.c.flush(); return nil }

// gzStream is a gzip stream whose errors name the input.
type gzStream struct {
	z    *gzip.Reader
	c    *counter
	name string
	err  error // sticky
}

func (s *gzStream) Read(b []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.z.Read(b)
	if err != nil && err != io.EOF {
		var se *StreamError
		if !errors.As(err, &se) {
			err = &StreamError{Path: s.name, Gzip: true, Offset: s.c.n, Err: err}
		}
		s.err = err
	}
	return n, err
}

func (s *gzStream) Close() error {
	s.c.flush()
	return s.z.Close()
}

// readCloser closes several things in order.
type readCloser struct {
	io.Reader
	closers []io.Closer
}

func (r *readCloser) Close() error {
	var errs []error
	for _, c := range r.closers {
		if err := c.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
