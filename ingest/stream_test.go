package ingest

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// repeatReader yields its sample over and over, n bytes in all, sampling the heap
// every 32 MiB it hands out.
type repeatReader struct {
	sample  []byte
	pos     int
	left    int64
	next    int64
	maxHeap uint64
}

func (r *repeatReader) Read(b []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := copy(b, r.sample[r.pos:])
	n = int(min(int64(n), r.left))
	r.pos = (r.pos + n) % len(r.sample)
	r.left -= int64(n)
	if r.next -= int64(n); r.next <= 0 {
		r.next = 32 << 20
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		r.maxHeap = max(r.maxHeap, ms.HeapInuse)
	}
	return n, nil
}

// TestReadTwitterV2Streams streams a large JSONL input (512 MiB; CLOUT_STREAM_MB sets
// another size, such as 2048) made of one real twarc page over and over: after the
// first copy every tweet is a duplicate, so the graph stops growing, and the heap
// must stay far below the input's size (it holds the graph, a line and the
// reader's buffer).
func TestReadTwitterV2Streams(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 512 MiB")
	}
	p := filepath.Join(sharedDatasets, "twitter-api-v2-twarc-fixtures", "brexit.jsonl")
	needFile(t, p)
	sample, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	size := int64(512)
	if v, err := strconv.ParseInt(os.Getenv("CLOUT_STREAM_MB"), 10, 64); err == nil {
		size = v
	}
	if sample[len(sample)-1] != '\n' {
		sample = append(sample, '\n')
	}
	copies := (size << 20) / int64(len(sample))
	r := &repeatReader{sample: sample, left: copies * int64(len(sample))}
	runtime.GC()
	rep, err := ReadTwitterV2("stream", r, NewSink(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Posts != 100 || rep.Duplicates < 100*(copies-1) {
		t.Errorf("%d posts, %d duplicates over %d copies", rep.Posts, rep.Duplicates, copies)
	}
	t.Logf("%d MiB streamed, %d records; peak heap in use %.1f MiB", size, rep.Records, float64(r.maxHeap)/(1<<20))
	if r.maxHeap > 64<<20 {
		t.Errorf("peak heap %d MiB for a constant graph", r.maxHeap>>20)
	}
}
