package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/datasets/rmat"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
)

// edgesGraph returns a graph of R-MAT edges (scale, edge factor 16, seed 1) with
// numeric ids on platform "snap", as `clout score --follows` reads them: all in the
// follows layer, untimed, unless timed is set, in which case a quarter of the edges
// go to a timed retweets layer instead, one in eight of them without a time, and the
// ids of one user in sixteen are strings on a second platform.
func edgesGraph(tb testing.TB, scale int, timed bool) (*graph.Graph, *ingest.Interner) {
	tb.Helper()
	ids := &ingest.Interner{}
	snap, other := ids.Platform("snap"), ids.Platform("mastodon")
	var b graph.Builder
	rng := rand.New(rand.NewPCG(1, 2))
	id := func(v uint32) uint32 {
		var u uint32
		var err error
		if timed && v%16 == 3 {
			u, err = ids.InternString(other, fmt.Sprintf("https://host%d.example/users/u%d", v%7, v))
		} else {
			u, err = ids.InternUint(snap, uint64(v))
		}
		if err != nil {
			tb.Fatal(err)
		}
		return u
	}
	err := rmat.Generate(scale, 16, 1, func(src, dst uint32) error {
		s, d := id(src), id(dst)
		b.Grow(uint64(max(s, d)) + 1)
		switch {
		case !timed || rng.IntN(4) != 0:
			b.Add(graph.Follows, s, d, 1)
		case rng.IntN(8) == 0:
			b.Add(graph.Retweets, s, d, 1)
		default:
			b.AddAt(graph.Retweets, s, d, 1, 1_340_000_000+rng.Int64N(1e7))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	g, err := b.Build(0, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return g, ids
}

// TestWriteEdgesValues checks every row of edges.parquet against the graph it was
// written from, including nulls, string ids, and layers with and without times.
func TestWriteEdgesValues(t *testing.T) {
	for _, timed := range []bool{false, true} {
		t.Run(fmt.Sprintf("timed=%v", timed), func(t *testing.T) {
			g, ids := edgesGraph(t, 10, timed)
			path := filepath.Join(t.TempDir(), "edges.parquet")
			if err := writeEdges(path, g, ids, sink.WriteFileAtomic); err != nil {
				t.Fatal(err)
			}
			tbl, err := sink.ReadParquet(path)
			if err != nil {
				t.Fatal(err)
			}
			want := &sink.Table{Columns: edgeColumns(timed)}
			for k := range graph.NumKinds {
				l := g.Layer(k)
				if l == nil {
					continue
				}
				for u := range uint32(g.Nodes()) {
					lo, hi := l.OutRange(u)
					for i := lo; i < hi; i++ {
						v, cnt, f, z := l.EdgeAt(i)
						c := want.Columns
						c[0].Strings = append(c[0].Strings, ids.PlatformOf(u))
						c[1].Strings = append(c[1].Strings, ids.ID(u))
						c[2].Strings = append(c[2].Strings, ids.ID(v))
						c[3].Strings = append(c[3].Strings, k.String())
						c[4].Ints = append(c[4].Ints, int64(cnt))
						c[5].Ints = append(c[5].Ints, f)
						c[6].Ints = append(c[6].Ints, z)
					}
				}
			}
			if got, n := tbl.Rows(), want.Rows(); got != n || n == 0 {
				t.Fatalf("%d rows, want %d (> 0)", got, n)
			}
			for j := range want.Columns {
				w, c := &want.Columns[j], tbl.Col(want.Columns[j].Name)
				if c == nil || c.Type != w.Type || c.Doc != w.Doc {
					t.Fatalf("column %d: got %+v, want %s %s %q", j, c, w.Name, w.Type, w.Doc)
				}
				for i := range want.Rows() {
					switch {
					case w.Type == sink.String:
						if c.IsNull(i) || c.Strings[i] != w.Strings[i] {
							t.Fatalf("%s[%d] = %q (null %v), want %q", w.Name, i, c.Strings[i], c.IsNull(i), w.Strings[i])
						}
					case w.Name == "count":
						if c.IsNull(i) || c.Ints[i] != w.Ints[i] {
							t.Fatalf("%s[%d] = %d (null %v), want %d", w.Name, i, c.Ints[i], c.IsNull(i), w.Ints[i])
						}
					default: // first, last: null when untimed
						if null := w.Ints[i] == graph.NoTime; c.IsNull(i) != null || !null && c.Ints[i] != w.Ints[i] {
							t.Fatalf("%s[%d] = %d (null %v), want %d", w.Name, i, c.Ints[i], c.IsNull(i), w.Ints[i])
						}
					}
				}
			}
			if tbl.Meta["clout.version"] != version() {
				t.Errorf("clout.version = %q, want %q", tbl.Meta["clout.version"], version())
			}
		})
	}
}

// BenchmarkWriteEdges writes the edges table of an R-MAT graph; rows/s counts edges,
// MB/s the bytes of the file.
func BenchmarkWriteEdges(b *testing.B) {
	for _, tc := range []struct {
		scale int
		timed bool
	}{{18, false}, {18, true}} {
		b.Run(fmt.Sprintf("scale=%d,timed=%v", tc.scale, tc.timed), func(b *testing.B) {
			g, ids := edgesGraph(b, tc.scale, tc.timed)
			path := filepath.Join(b.TempDir(), "edges.parquet")
			for b.Loop() {
				if err := writeEdges(path, g, ids, sink.WriteFileAtomic); err != nil {
					b.Fatal(err)
				}
			}
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			s := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(g.Edges())/s, "rows/s")
			b.ReportMetric(float64(fi.Size())/1e6/s, "MB/s")
			b.ReportMetric(float64(fi.Size())/float64(g.Edges()), "file-B/row")
			got, err := sink.ReadParquetColumns(path, []string{"count"})
			if err != nil || got.Rows() != g.Edges() {
				b.Fatalf("file: %v, want %d rows", err, g.Edges())
			}
		})
	}
}
