package graph

import (
	"math"
	"slices"
	"sort"
	"sync"
)

// merged is an out-CSR after mergeLists: its first edges entries, the one-byte
// counts (nil when every count is 1) with their overflow map, the events the layer
// aggregates and its largest count.
type merged struct {
	edges    uint64
	cnt      []uint8
	big      map[uint64]uint32
	events   uint64
	maxCount uint32
}

// mergeLists sorts each list of an unsorted out-CSR ascending, merges repeated
// targets (summing their counts, saturating at the uint32 maximum, and keeping the
// earliest first and the latest last time) and moves the lists left over the gaps
// the merges leave, rewriting off. cnt (four-byte counts from the Builder), first
// and last may be nil; they are aligned with adj and rearranged with it. The counts
// come out as one byte per edge with the overflow map of Counts, and only when some
// count is not 1.
//
// One pass does it all, list by list while the list is in the cache, in parallel
// over ranges of nodes of about equal edges: each range sorts, merges and packs its
// lists towards its own start, and the ranges' compacted runs are then moved into
// place one after the other (the runs only move left, so in ascending order no run
// overwrites one not yet moved). A range writes counts only from its first count
// other than 1 on, filling in the 1s before it; a range that meets none fills its
// run with 1s at the end if another range did, and when none did the layer stores
// no counts and the count array is never made. This replaced a sort pass, a merge
// pass over four-byte counts (made and set to 1 when the Builder had none), a
// single-threaded compaction and a packing pass.
func mergeLists(off []uint64, adj, cnt []uint32, first, last []int64, workers int) merged {
	n := len(off) - 1
	m := off[n]
	if m == 0 {
		return merged{}
	}
	bounds := rangeBounds(off, 8*workers)
	nr := len(bounds) - 1
	type run struct {
		start, end uint64 // the range's slots before the merge: [start, end)
		w          uint64 // its write cursor; [start, w) holds its merged lists
		counted    bool   // whether cnt8[start:w] holds the range's counts
		big        map[uint64]uint32
		events     uint64
		maxCount   uint32
	}
	runs := make([]run, nr)
	for r := range runs {
		runs[r].start, runs[r].end = off[bounds[r]], off[bounds[r+1]]
	}
	counts := sync.OnceValue(func() []uint8 { return make([]uint8, m) })

	jobs := make(chan int, nr)
	for r := range nr {
		jobs <- r
	}
	close(jobs)
	doWorkers(min(workers, nr), func(int) {
		var scratch []uint32
		for r := range jobs {
			// The run's state in locals, not through ru, in the loop: stores
			// through ru would be written back every edge.
			ru := &runs[r]
			w := ru.start
			var cnt8 []uint8
			counted, events, maxCount := false, uint64(0), uint32(0)
			for u := bounds[r]; u < bounds[r+1]; u++ {
				a, z := off[u], ru.end
				if u+1 < bounds[r+1] {
					z = off[u+1]
				}
				off[u] = w
				sortList(adj[a:z], sub(cnt, a, z), sub64(first, a, z), sub64(last, a, z), &scratch)
				for i := a; i < z; {
					t := adj[i]
					c := uint64(1)
					if cnt != nil {
						c = uint64(cnt[i])
					}
					j := i + 1
					for ; j < z && adj[j] == t; j++ {
						if cnt != nil {
							c += uint64(cnt[j])
						} else {
							c++
						}
						if first != nil {
							first[i] = minTime(first[i], first[j])
							last[i] = max(last[i], last[j])
						}
					}
					c = min(c, math.MaxUint32)
					adj[w] = t
					if first != nil {
						first[w], last[w] = first[i], last[i]
					}
					if c != 1 && !counted {
						counted, cnt8 = true, counts()
						fillOnes(cnt8[ru.start:w])
					}
					if counted {
						if c < countEscape {
							cnt8[w] = uint8(c)
						} else {
							cnt8[w] = countEscape
							if ru.big == nil {
								ru.big = make(map[uint64]uint32)
							}
							ru.big[w] = uint32(c)
						}
					}
					events += c
					maxCount = max(maxCount, uint32(c))
					w++
					i = j
				}
			}
			ru.w, ru.counted, ru.events, ru.maxCount = w, counted, events, maxCount
		}
	})

	// Move the runs into place, in ascending order, and shift their offsets.
	var mg merged
	anyCounted := false
	for _, ru := range runs {
		anyCounted = anyCounted || ru.counted
	}
	if anyCounted {
		mg.cnt = counts()
	}
	var at uint64
	for r, ru := range runs {
		k := ru.w - ru.start
		if mg.cnt != nil && !ru.counted {
			fillOnes(mg.cnt[ru.start:ru.w])
		}
		if at != ru.start {
			copy(adj[at:], adj[ru.start:ru.w])
			if mg.cnt != nil {
				copy(mg.cnt[at:], mg.cnt[ru.start:ru.w])
			}
			if first != nil {
				copy(first[at:], first[ru.start:ru.w])
				copy(last[at:], last[ru.start:ru.w])
			}
			for u := bounds[r]; u < bounds[r+1]; u++ {
				off[u] = off[u] - ru.start + at
			}
		}
		for p, c := range ru.big {
			if mg.big == nil {
				mg.big = make(map[uint64]uint32)
			}
			mg.big[p-ru.start+at] = c
		}
		mg.events += ru.events
		mg.maxCount = max(mg.maxCount, ru.maxCount)
		at += k
	}
	off[n] = at
	mg.edges = at
	if mg.cnt != nil {
		mg.cnt = mg.cnt[:at:at]
	}
	return mg
}

// sortList sorts one adjacency list ascending, carrying its counts and times (each
// may be nil). A long list without counts or times is radix-sorted, through
// *scratch (grown as needed).
func sortList(adj, cnt []uint32, first, last []int64, scratch *[]uint32) {
	if len(adj) < 2 || slices.IsSorted(adj) {
		return
	}
	if cnt != nil || first != nil {
		sort.Sort(&segment{adj, cnt, first, last})
		return
	}
	if len(adj) >= radixMin {
		if cap(*scratch) < len(adj) {
			*scratch = make([]uint32, len(adj))
		}
		radixSort(adj, (*scratch)[:len(adj)])
		return
	}
	slices.Sort(adj)
}

// fillOnes sets every count of c to 1.
func fillOnes(c []uint8) {
	for i := range c {
		c[i] = 1
	}
}

// rangeBounds splits the nodes of off into at most k ranges of about equal edges
// (none empty): range r is the nodes [bounds[r], bounds[r+1]).
func rangeBounds(off []uint64, k int) []int {
	n := len(off) - 1
	m := off[n]
	bounds := []int{0}
	for c := 1; c < k; c++ {
		target := m * uint64(c) / uint64(k)
		i := sort.Search(n, func(i int) bool { return off[i] >= target })
		if i > bounds[len(bounds)-1] {
			bounds = append(bounds, i)
		}
	}
	if bounds[len(bounds)-1] != n {
		bounds = append(bounds, n)
	}
	return bounds
}
