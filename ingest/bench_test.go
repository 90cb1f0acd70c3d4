package ingest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clout-dev/clout/datasets"
	"github.com/clout-dev/clout/graph"
)

// higgsText makes m Higgs-style activity lines over n users, in time order, from a
// seeded generator, with the real log's mix: 63% RT, 30% MT, 7% RE.
func higgsText(n, m int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	var b bytes.Buffer
	b.Grow(m * 28)
	ts := 1341100972
	for i := 0; i < m; i++ {
		ts += r.IntN(2)
		b.WriteString(itoa(r.IntN(n)))
		b.WriteByte(' ')
		b.WriteString(itoa(r.IntN(n)))
		b.WriteByte(' ')
		b.WriteString(itoa(ts))
		switch x := r.IntN(100); {
		case x < 63:
			b.WriteString(" RT\n")
		case x < 93:
			b.WriteString(" MT\n")
		default:
			b.WriteString(" RE\n")
		}
	}
	return b.Bytes()
}

// meter measures a benchmark's wall and CPU time, for its per-edge and per-CPU
// figures: on a shared machine MB/s (wall) drops when other processes take the
// cores, while MB/cpu-s, bytes over the CPU time of all the process's threads (the
// garbage collector's included), stays a fair per-core rate.
type meter struct {
	start time.Time
	cpu   time.Duration
}

func startMeter() meter { return meter{time.Now(), cpuTime()} }

func (m meter) report(b *testing.B, bytes, edges int64) {
	wall, cpu := time.Since(m.start), cpuTime()-m.cpu
	b.ReportMetric(float64(wall.Nanoseconds())/float64(b.N)/float64(edges), "ns/edge")
	if cpu > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

// BenchmarkReadEdgeList reads a SNAP-style edge list. cold starts from an empty Sink
// each time (interning every id, as a real load does); warm reuses an Interner that
// knows every id, which isolates parsing and the Builder's appends.
func BenchmarkReadEdgeList(b *testing.B) {
	for _, c := range []struct{ n, m int }{{1e5, 2e6}, {1e6, 4e6}} {
		data := edgeListText(c.n, c.m, 7)
		warm := new(Interner)
		if _, err := ReadEdgeList("bench", bytes.NewReader(data), graph.Follows, &Sink{IDs: warm, Graph: new(graph.Builder)}, Options{}); err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"cold", "warm"} {
			b.Run(fmt.Sprintf("nodes=%.0e,edges=%.0e,ids=%s", float64(c.n), float64(c.m), mode), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				var rep Report
				m := startMeter()
				for b.Loop() {
					s := NewSink()
					if mode == "warm" {
						s.IDs = warm
					}
					var err error
					if rep, err = ReadEdgeList("bench", bytes.NewReader(data), graph.Follows, s, Options{}); err != nil {
						b.Fatal(err)
					}
				}
				m.report(b, int64(len(data)), int64(c.m))
				if rep.Records != int64(c.m) {
					b.Fatalf("%d records, want %d", rep.Records, c.m)
				}
			})
		}
	}
}

// BenchmarkReadHiggsActivity reads a Higgs-style activity log into a fresh Sink,
// post tallies included.
func BenchmarkReadHiggsActivity(b *testing.B) {
	const users, events = 300_000, 2_000_000
	data := higgsText(users, events, 8)
	b.Run(fmt.Sprintf("users=%.0e,events=%.0e", float64(users), float64(events)), func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		var rep Report
		meter := startMeter()
		for b.Loop() {
			var err error
			if rep, err = ReadHiggsActivity("bench", bytes.NewReader(data), NewSink(), Options{}); err != nil {
				b.Fatal(err)
			}
		}
		meter.report(b, int64(len(data)), events)
		if rep.Records != events {
			b.Fatalf("%d records, want %d", rep.Records, events)
		}
	})
}

// BenchmarkReadHiggsActivityReal reads the bundled SNAP Higgs log, decompressed in
// memory beforehand, into a fresh Sink under both retweet-mention policies: real runs
// (50,542 mentions carried by retweets), which the synthetic log hardly has.
func BenchmarkReadHiggsActivityReal(b *testing.B) {
	rc, _ := datasets.HiggsActivity()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []RetweetMentionPolicy{KeepRetweetMentions, DropRetweetMentions} {
		b.Run("data=higgs-activity,retweet-mentions="+p.String(), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var rep Report
			m := startMeter()
			for b.Loop() {
				if rep, err = ReadHiggsActivity("higgs", bytes.NewReader(data), NewSink(), Options{RetweetMentions: p}); err != nil {
					b.Fatal(err)
				}
			}
			m.report(b, int64(len(data)), rep.Records)
			if rep.Records != 563069 || rep.RetweetMentions != 50542 {
				b.Fatalf("%d records, %d retweet mentions; want 563069, 50542", rep.Records, rep.RetweetMentions)
			}
		})
	}
}

// BenchmarkReadEdgeListReal reads SNAP's Higgs networks, decompressed in memory
// beforehand, into a fresh Sink: real id and degree distributions.
func BenchmarkReadEdgeListReal(b *testing.B) {
	for _, name := range []string{"higgs-social_network.PARTIAL-first-355074-lines.edgelist.gz", "higgs-retweet_network.edgelist.gz"} {
		path := filepath.Join(higgsDir, name)
		rc, _, err := Open(path, nil)
		if err != nil {
			b.Skipf("dataset absent: %v", err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			b.Fatal(err)
		}
		short := strings.TrimPrefix(strings.SplitN(name, "_", 2)[0], "higgs-")
		b.Run("data=higgs-"+short, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var rep Report
			m := startMeter()
			for b.Loop() {
				if rep, err = ReadEdgeList(name, bytes.NewReader(data), graph.Follows, NewSink(), Options{}); err != nil {
					b.Fatal(err)
				}
			}
			m.report(b, int64(len(data)), rep.Records)
			if rep.Records == 0 {
				b.Fatal("no edges")
			}
		})
	}
}

// BenchmarkOpenGzip reads a gzip edge list (4M lines, compressed at the default level
// beforehand) through Open and discards it: the decompression alone, which bounds
// the ingest of a gzip input. MB/s is of decompressed text.
func BenchmarkOpenGzip(b *testing.B) {
	text := edgeListText(1e6, 4e6, 9)
	path := writeFile(b, b.TempDir(), "edges.tsv.gz", gzipBytes(b, text))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		rc, _, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil || n != int64(len(text)) {
			b.Fatalf("read %d of %d bytes: %v", n, len(text), err)
		}
	}
}
