package graph

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMergeLists checks mergeLists on unsorted out-CSRs against a map-based
// reference, with and without four-byte counts and times, with 1 to 3 workers. The
// cases are built so that the ranges differ: "repeats in the tail only" has repeats
// only among the last nodes, so that the ranges before them must have their counts
// filled in as 1s; "large counts" merges repeats past the one-byte escape, and sums
// past the uint32 maximum (which saturate); "distinct" has nothing to merge and no
// count above 1, so stores no counts.
func TestMergeLists(t *testing.T) {
	type agg struct {
		count       uint64
		first, last int64
	}
	for _, tc := range []struct {
		name          string
		n, deg        int
		repeatFrom    int  // nodes from this one on draw their targets from 4, so repeat
		counts, times bool // four-byte counts (some above 1) and times from the Builder
		large         bool // counts past the one-byte escape, and past 2^32 summed
	}{
		{name: "distinct", n: 200, deg: 9, repeatFrom: 200},
		{name: "repeats everywhere", n: 200, deg: 9},
		{name: "repeats in the tail only", n: 400, deg: 9, repeatFrom: 390},
		{name: "counts", n: 200, deg: 9, repeatFrom: 200, counts: true},
		{name: "counts and times", n: 300, deg: 12, repeatFrom: 100, counts: true, times: true},
		{name: "times, repeats", n: 300, deg: 12, times: true},
		{name: "large counts", n: 100, deg: 400, repeatFrom: 50, counts: true, large: true},
		{name: "long lists", n: 20, deg: 3 * radixMin, repeatFrom: 10},
	} {
		for workers := 1; workers <= 3; workers++ {
			t.Run(fmt.Sprintf("%s/workers=%d", tc.name, workers), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.deg)))
				off := make([]uint64, tc.n+1)
				var adj, cnt []uint32
				var ts []int64
				ref := make([]map[uint32]*agg, tc.n)
				for u := range tc.n {
					ref[u] = map[uint32]*agg{}
					d := 1 + r.IntN(tc.deg)
					if u%7 == 3 {
						d = 0 // some nodes have no out-edges
					}
					for range d {
						v := uint32(r.IntN(4))
						if u < tc.repeatFrom {
							v = uint32(r.IntN(1 << 20))
							for ref[u][v] != nil {
								v++
							}
						}
						c := uint32(1)
						switch {
						case tc.large && u == tc.n-1:
							c = math.MaxUint32 - 5
						case tc.large && r.IntN(5) == 0:
							c = uint32(200 + r.IntN(100))
						case tc.counts && r.IntN(3) == 0:
							c = uint32(1 + r.IntN(4))
						}
						tm := NoTime
						if tc.times && r.IntN(4) > 0 {
							tm = int64(r.IntN(1000))
						}
						adj = append(adj, v)
						cnt = append(cnt, c)
						ts = append(ts, tm)
						a := ref[u][v]
						if a == nil {
							a = &agg{first: NoTime, last: NoTime}
							ref[u][v] = a
						}
						a.count = min(a.count+uint64(c), math.MaxUint32)
						if tm != NoTime {
							a.first = minTime(a.first, tm)
							a.last = max(a.last, tm)
						}
					}
					off[u+1] = uint64(len(adj))
				}
				if !tc.counts {
					cnt = nil
				}
				var first, last []int64
				if tc.times {
					first, last = ts, slices.Clone(ts)
				}
				mg := mergeLists(off, adj, cnt, first, last, workers)

				unit := true
				var events, edges uint64
				var maxCount uint32
				for u := range tc.n {
					for _, a := range ref[u] {
						unit = unit && a.count == 1
						events += a.count
						maxCount = max(maxCount, uint32(a.count))
						edges++
					}
				}
				if mg.edges != edges || off[tc.n] != edges || mg.events != events || mg.maxCount != maxCount {
					t.Fatalf("edges %d (off %d), events %d, max %d; want %d, %d, %d", mg.edges, off[tc.n], mg.events, mg.maxCount, edges, events, maxCount)
				}
				if (mg.cnt == nil) != unit {
					t.Fatalf("counts stored: %v, but every count is 1: %v", mg.cnt != nil, unit)
				}
				l := &Layer{n: tc.n, outOff: off, outAdj: adj[:edges], outCnt: mg.cnt, outBig: mg.big}
				if first != nil {
					l.first, l.last = first[:edges], last[:edges]
				}
				for u := range tc.n {
					targets, cs := l.Out(uint32(u))
					if !slices.Equal(targets, slices.Sorted(maps.Keys(ref[u]))) {
						t.Fatalf("node %d: targets %v, want %v", u, targets, slices.Sorted(maps.Keys(ref[u])))
					}
					for i, v := range targets {
						a := ref[u][v]
						if got := cs.At(i); uint64(got) != a.count {
							t.Errorf("node %d → %d: count %d, want %d", u, v, got, a.count)
						}
						if first != nil {
							j := off[u] + uint64(i)
							if l.first[j] != a.first || l.last[j] != a.last {
								t.Errorf("node %d → %d: times %d %d, want %d %d", u, v, l.first[j], l.last[j], a.first, a.last)
							}
						}
					}
				}
				if tc.large && len(mg.big) == 0 {
					t.Error("no count reached the overflow map")
				}
			})
		}
	}
}
