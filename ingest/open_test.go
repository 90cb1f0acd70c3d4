package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	kgzip "github.com/klauspost/compress/gzip"

	"github.com/clout-dev/clout/graph"
)

// edgeListText makes a SNAP-style edge list of m edges over n nodes, grouped by
// source like SNAP's files, from a seeded generator.
func edgeListText(n, m int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.Grow(m * 16)
	src := 0
	for i := 0; i < m; i++ {
		if r.IntN(8) == 0 {
			src = r.IntN(n)
		}
		b.WriteString(itoa(src))
		b.WriteByte(' ')
		b.WriteString(itoa(r.IntN(n)))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func itoa(v int) string { return string(appendInt(nil, v)) }

func appendInt(b []byte, v int) []byte {
	if v >= 10 {
		b = appendInt(b, v/10)
	}
	return append(b, byte('0'+v%10))
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if _, err := z.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type countProgress struct{ total, done, calls int64 }

func (p *countProgress) SetTotal(n int64) { p.total = n }
func (p *countProgress) Add(n int64)      { p.done += n; p.calls++ }

func TestOpenDetectsGzipByMagic(t *testing.T) {
	dir := t.TempDir()
	text := edgeListText(1000, 300000, 1) // several MiB: more than one progress batch
	// Compressed data under a plain name, plain data under a .gz name.
	gzPath := writeFile(t, dir, "edges.txt", gzipBytes(t, text))
	plainPath := writeFile(t, dir, "edges.txt.gz", text)
	for _, path := range []string{gzPath, plainPath} {
		var p countProgress
		rc, size, err := Open(path, &p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if err := rc.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, text) {
			t.Errorf("%s: content differs", path)
		}
		st, _ := os.Stat(path)
		if size != st.Size() || p.done != size {
			t.Errorf("%s: size %d, progress %d, want %d", path, size, p.done, st.Size())
		}
		if p.calls > size>>18+2 {
			t.Errorf("%s: %d progress calls for %d bytes: not batched", path, p.calls, size)
		}
	}
}

func TestTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	text := edgeListText(1000, 50000, 2)
	gz := gzipBytes(t, text)
	for _, cut := range []int{3, 11, len(gz) / 2, len(gz) - 4} {
		path := writeFile(t, dir, "cut.gz", gz[:cut])
		rc, _, err := Open(path, nil)
		if err == nil {
			_, err = io.ReadAll(rc)
			rc.Close()
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), path) {
			t.Errorf("cut at %d: got %v, want io.ErrUnexpectedEOF naming %s", cut, err, path)
		}
		// Through a reader: a positioned error, never a silent short read.
		_, err = ReadInput(Input{Path: path, Format: FormatEdgeList, Layer: "follows"}, NewSink(), Options{})
		if !errors.Is(err, io.ErrUnexpectedEOF) || strings.Count(err.Error(), path) != 1 {
			t.Errorf("cut at %d: ReadInput: %v", cut, err)
		}
		t.Logf("cut at %d: %v", cut, err)
	}
}

func TestCorruptGzip(t *testing.T) {
	gz := gzipBytes(t, edgeListText(100, 1000, 3))
	bad := bytes.Clone(gz)
	bad[len(bad)-6] ^= 0xff // the CRC-32
	rc, err := NewReader("mem.gz", bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(rc)
	var se *StreamError
	if !errors.As(err, &se) || !errors.Is(err, kgzip.ErrChecksum) || se.Path != "mem.gz" {
		t.Errorf("got %v", err)
	}
	// Trailing garbage after the member is an error too.
	rc, _ = NewReader("mem.gz", bytes.NewReader(append(bytes.Clone(gz), "junk"...)))
	if _, err := io.ReadAll(rc); err == nil {
		t.Error("trailing garbage accepted")
	}
}

func TestNewReaderPlainAndEmpty(t *testing.T) {
	for _, in := range []string{"", "1", "1 2\n"} {
		rc, err := NewReader("x", strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil || string(got) != in {
			t.Errorf("%q: got %q, %v", in, got, err)
		}
	}
	// Concatenated gzip members are one stream.
	two := append(gzipBytes(t, []byte("1 2\n")), gzipBytes(t, []byte("3 4\n"))...)
	rep, err := ReadInput(Input{Path: "two.gz", Format: FormatEdgeList, Layer: "follows",
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(two)), nil }}, NewSink(), Options{})
	if err != nil || rep.Events[graph.Follows] != 2 || !rep.Gzip {
		t.Errorf("two members: %+v, %v", rep, err)
	}
}

// watchReader counts the reads of r made after closed is set.
type watchReader struct {
	r      io.Reader
	closed atomic.Bool
	late   atomic.Int64
}

func (w *watchReader) Read(b []byte) (int, error) {
	if w.closed.Load() {
		w.late.Add(1)
	}
	return w.r.Read(b)
}

// TestGzipCloseStopsReadAhead checks that closing a gzip stream early stops its
// read-ahead goroutine before Close returns: the underlying reader (a file that the
// caller closes next) is not read afterwards.
func TestGzipCloseStopsReadAhead(t *testing.T) {
	text := edgeListText(1000, 600000, 1) // ~10 MiB: many read-ahead chunks
	w := &watchReader{r: bytes.NewReader(gzipBytes(t, text))}
	rc, err := NewReader("mem.gz", w)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 100)
	if _, err := io.ReadFull(rc, head); err != nil || !bytes.Equal(head, text[:100]) {
		t.Fatalf("first 100 bytes: %q, %v", head, err)
	}
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	w.closed.Store(true)
	select {
	case <-rc.(*gzStream).done:
	default:
		t.Fatal("the read-ahead goroutine still runs after Close")
	}
	time.Sleep(20 * time.Millisecond)
	if n := w.late.Load(); n != 0 {
		t.Errorf("%d reads of the underlying reader after Close", n)
	}
}
