package graph

import (
	"math/bits"
	"slices"
	"sort"
)

// sortSegment sorts one adjacency list ascending, carrying its counts and times
// (each may be nil), and reports whether a target repeats. A long list without
// counts or times is radix-sorted, through *scratch (grown as needed).
func sortSegment(adj, cnt []uint32, first, last []int64, scratch *[]uint32) bool {
	if len(adj) < 2 {
		return false
	}
	if cnt == nil && first == nil {
		if !slices.IsSorted(adj) {
			if len(adj) >= radixMin {
				if cap(*scratch) < len(adj) {
					*scratch = make([]uint32, len(adj))
				}
				radixSort(adj, (*scratch)[:len(adj)])
			} else {
				slices.Sort(adj)
			}
		}
	} else if !slices.IsSorted(adj) {
		sort.Sort(&segment{adj, cnt, first, last})
	}
	for i := 1; i < len(adj); i++ {
		if adj[i] == adj[i-1] {
			return true
		}
	}
	return false
}

// mergeSorted merges runs of equal targets in a sorted list in place, summing counts
// (saturating at the uint32 maximum), taking the earliest first and latest last time,
// and returns the merged length.
func mergeSorted(adj, cnt []uint32, first, last []int64) int {
	if len(adj) == 0 {
		return 0
	}
	w := 0
	for i := 1; i < len(adj); i++ {
		if adj[i] == adj[w] {
			c := uint64(cnt[w]) + uint64(cnt[i])
			if c > 1<<32-1 {
				c = 1<<32 - 1
			}
			cnt[w] = uint32(c)
			if first != nil {
				first[w] = minTime(first[w], first[i])
				last[w] = max(last[w], last[i])
			}
			continue
		}
		w++
		adj[w], cnt[w] = adj[i], cnt[i]
		if first != nil {
			first[w], last[w] = first[i], last[i]
		}
	}
	return w + 1
}

// minTime is min that treats NoTime (the smallest int64) as absent.
func minTime(a, b int64) int64 {
	if a == NoTime {
		return b
	}
	if b == NoTime {
		return a
	}
	return min(a, b)
}

// segment sorts parallel arrays by target.
type segment struct {
	adj         []uint32
	cnt         []uint32
	first, last []int64
}

func (s *segment) Len() int           { return len(s.adj) }
func (s *segment) Less(i, j int) bool { return s.adj[i] < s.adj[j] }
func (s *segment) Swap(i, j int) {
	s.adj[i], s.adj[j] = s.adj[j], s.adj[i]
	if s.cnt != nil {
		s.cnt[i], s.cnt[j] = s.cnt[j], s.cnt[i]
	}
	if s.first != nil {
		s.first[i], s.first[j] = s.first[j], s.first[i]
		s.last[i], s.last[j] = s.last[j], s.last[i]
	}
}

// radixMin is the shortest list sortSegment radix-sorts: below it, clearing and
// summing the digit counts costs more than a comparison sort. BenchmarkBuild (out,
// 5 runs each, 3 rounds alternating): pdqsort alone 33–34 ns/edge at scale 18 and
// 43–44 at scale 20; radix from 256 on 24–25 and 34–36; from 1,024 on 28–30 and 37–40.
const radixMin = 256

// radixBits is the widest digit radixSort uses: its counts then fit the L1 cache.
const radixBits = 11

// radixSort sorts a ascending by LSD radix sort, using tmp (len(a)) as the other
// buffer: as few passes as the largest value's bits need, digits of at most
// radixBits bits.
func radixSort(a, tmp []uint32) {
	var mx uint32
	for _, x := range a {
		mx = max(mx, x)
	}
	nb := bits.Len32(mx)
	passes := (nb + radixBits - 1) / radixBits
	if passes == 0 {
		return
	}
	digit := (nb + passes - 1) / passes
	mask := uint32(1)<<digit - 1
	var count [1<<radixBits + 1]int
	src, dst := a, tmp[:len(a)]
	for p := range passes {
		shift := uint(p * digit)
		c := count[:mask+2]
		clear(c)
		for _, x := range src {
			c[(x>>shift)&mask+1]++
		}
		for i := 1; i < len(c); i++ {
			c[i] += c[i-1]
		}
		for _, x := range src {
			d := (x >> shift) & mask
			dst[c[d]] = x
			c[d]++
		}
		src, dst = dst, src
	}
	if passes%2 == 1 {
		copy(a, src)
	}
}
