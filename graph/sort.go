package graph

import "math/bits"

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
