package graph

import (
	"slices"
	"sort"
)

// sortSegment sorts one adjacency list ascending, carrying its counts and times
// (each may be nil), and reports whether a target repeats.
func sortSegment(adj, cnt []uint32, first, last []int64) bool {
	if len(adj) < 2 {
		return false
	}
	if cnt == nil && first == nil {
		if !slices.IsSorted(adj) {
			slices.Sort(adj)
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
