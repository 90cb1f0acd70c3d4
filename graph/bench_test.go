package graph

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/clout-dev/clout/datasets/rmat"
)

// BenchmarkBuild builds the graph of an R-MAT edge list (one Follows layer, Graph500
// parameters, seed 1; duplicates merge into counts) with GOMAXPROCS workers. The
// edges are added to the Builder outside the timing. It reports the build's time per
// added edge, the graph's memory per added edge (Graph.Bytes: out- and in-CSR,
// one-byte counts) and what Build allocates per added edge besides (alloc-B/edge:
// offsets, the fill, the 4-byte merge counts before packing).
//
// The "out" runs are BuildOut, the out-CSRs alone, as `clout score` builds them.
func BenchmarkBuild(b *testing.B) {
	for _, c := range []struct {
		scale int
		out   bool
	}{{16, false}, {18, true}, {20, false}, {20, true}} {
		scale, build, name := c.scale, (*Builder).Build, ""
		if c.out {
			build, name = (*Builder).BuildOut, ",out"
		}
		b.Run(fmt.Sprintf("scale=%d,ef=16%s", scale, name), func(b *testing.B) {
			var src, dst []uint32
			if err := rmat.Generate(scale, 16, 1, func(s, d uint32) error {
				src, dst = append(src, s), append(dst, d)
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			m := float64(len(src))
			var g *Graph
			var ms runtime.MemStats
			var alloc uint64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				g = nil
				var bl Builder
				for i := range src {
					bl.Add(Follows, src[i], dst[i], 1)
				}
				runtime.GC()
				runtime.ReadMemStats(&ms)
				before := ms.TotalAlloc
				b.StartTimer()
				var err error
				if g, err = build(&bl, 0, nil); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				runtime.ReadMemStats(&ms)
				alloc += ms.TotalAlloc - before
				b.StartTimer()
			}
			if g.Edges() == 0 || g.Edges() > len(src) {
				b.Fatalf("%d edges from %d added", g.Edges(), len(src))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/m, "ns/edge")
			b.ReportMetric(float64(g.Bytes())/m, "graph-B/edge")
			b.ReportMetric(float64(alloc)/float64(b.N)/m, "alloc-B/edge")
		})
	}
}
