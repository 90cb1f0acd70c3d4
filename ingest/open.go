package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"

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
	// From here the decompressing goroutine reads c: the stream reports progress.
	c.p = graph.NoProgress
	return newGzStream(z, c, p, name), nil
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

// gzStream is a gzip stream whose errors name the input. A goroutine of its own
// decompresses ahead, a chunk at a time, while the caller parses what came before:
// on 2 cores that takes the decompression (about half of reading a gzip edge list)
// off the parser's path. At most gzChunks chunks of gzChunk bytes exist at once, so
// the read-ahead holds a fixed few MiB, however large or hostile the stream.
type gzStream struct {
	c    *counter
	name string

	chunks chan gzChunkData // decompressed chunks, in order
	free   chan []byte      // buffers handed back to the goroutine
	quit   chan struct{}    // closed by Close
	done   chan struct{}    // closed when the goroutine has stopped
	closer io.Closer        // the decompressor; closed after the goroutine stopped

	cur      gzChunkData // the chunk being read
	off      int         // bytes of cur.b already read
	p        graph.Progress
	reported int64 // compressed bytes reported to p
	err      error // sticky
}

// gzChunkData is decompressed bytes, the compressed bytes read by then, and the
// error that ended the stream after them (nil: more follows).
type gzChunkData struct {
	b   []byte
	pos int64
	err error
}

const (
	gzChunk  = 1 << 20
	gzChunks = 3
)

// newGzStream starts the read-ahead of z, which reads through c. The stream, not c,
// reports progress to p, from the caller's goroutine.
func newGzStream(z *gzip.Reader, c *counter, p graph.Progress, name string) *gzStream {
	s := &gzStream{c: c, name: name, p: graph.OrNone(p), closer: z,
		chunks: make(chan gzChunkData, gzChunks-1), free: make(chan []byte, gzChunks),
		quit: make(chan struct{}), done: make(chan struct{})}
	for range gzChunks {
		s.free <- make([]byte, gzChunk)
	}
	go s.decompress(z)
	return s
}

// decompress fills chunks from z until the stream ends, fails, or Close is called.
func (s *gzStream) decompress(z *gzip.Reader) {
	defer close(s.done)
	for {
		var buf []byte
		select {
		case buf = <-s.free:
		case <-s.quit:
			return
		}
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var k int
			k, err = z.Read(buf[n:])
			n += k
		}
		if err != nil && err != io.EOF {
			var se *StreamError
			if !errors.As(err, &se) {
				err = &StreamError{Path: s.name, Gzip: true, Offset: s.c.n, Err: err}
			}
		}
		select {
		case s.chunks <- gzChunkData{buf[:n], s.c.n, err}:
		case <-s.quit:
			return
		}
		if err != nil {
			return
		}
	}
}

func (s *gzStream) Read(b []byte) (int, error) {
	for s.off == len(s.cur.b) {
		if s.err != nil {
			return 0, s.err
		}
		if s.cur.b != nil {
			s.free <- s.cur.b[:cap(s.cur.b)]
			s.cur.b = nil
		}
		var ok bool
		if s.cur, ok = <-s.chunks; !ok {
			s.err = io.EOF
			return 0, s.err
		}
		s.off = 0
		if d := s.cur.pos - s.reported; d >= progressBatch || s.cur.err != nil && d > 0 {
			s.p.Add(d)
			s.reported = s.cur.pos
		}
		s.err = s.cur.err
	}
	n := copy(b, s.cur.b[s.off:])
	s.off += n
	return n, nil
}

// Close stops the read-ahead and releases the decompressor; it does not close the
// underlying reader.
func (s *gzStream) Close() error {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	<-s.done
	if d := s.c.n - s.reported; d > 0 {
		s.p.Add(d)
		s.reported = s.c.n
	}
	return s.closer.Close()
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
