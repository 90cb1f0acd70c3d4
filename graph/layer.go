package graph

import (
	"math"
	"slices"
)

// NoTime marks an aggregated edge, or an added edge, that carries no timestamp.
const NoTime int64 = math.MinInt64

// Layer is one interaction layer in CSR form, out and in. Node ids are dense in
// [0, N). Parallel edges are merged: each (actor, target) pair appears once, with the
// number of events it aggregates as its count. A Layer is read-only; only a Builder
// makes one.
type Layer struct {
	kind Kind
	n    int

	outOff []uint64 // len n+1; out-edges of u are outAdj[outOff[u]:outOff[u+1]]
	outAdj []uint32 // targets, ascending within a node
	outCnt []uint8  // event counts aligned with outAdj (see Counts); nil when every count is 1
	outBig map[uint64]uint32

	inOff []uint64 // nil after OutOnly
	inAdj []uint32 // actors, ascending within a node
	inCnt []uint8  // nil when every count is 1
	inBig map[uint64]uint32

	first, last []int64 // aligned with outAdj; nil when the layer has no timestamps

	events   uint64 // events aggregated (sum of counts)
	maxCount uint32 // the largest count
}

// Kind returns the layer's kind.
func (l *Layer) Kind() Kind { return l.kind }

// Nodes returns the number of nodes of the graph the layer belongs to.
func (l *Layer) Nodes() int { return l.n }

// Edges returns the number of distinct (actor, target) pairs.
func (l *Layer) Edges() int { return len(l.outAdj) }

// Events returns the number of events the layer aggregates (the sum of counts).
func (l *Layer) Events() uint64 { return l.events }

// Timed reports whether the layer carries first/last timestamps.
func (l *Layer) Timed() bool { return l.first != nil }

// Unit reports whether every edge has count 1; Out and In then return unit Counts.
func (l *Layer) Unit() bool { return l.outCnt == nil }

// MaxCount returns the largest event count of an edge (0 for an empty layer).
func (l *Layer) MaxCount() uint32 { return l.maxCount }

// LargeCounts returns the distinct event counts of 255 or more, ascending (the counts
// a Counts keeps in its overflow map); nil when there are none.
func (l *Layer) LargeCounts() []uint32 {
	big := l.outBig
	if big == nil {
		big = l.inBig
	}
	if len(big) == 0 {
		return nil
	}
	seen := make(map[uint32]struct{}, len(big))
	for _, c := range big {
		seen[c] = struct{}{}
	}
	out := make([]uint32, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Out returns the targets of u's out-edges, ascending, and their counts. The slice
// aliases the layer and must not be modified.
func (l *Layer) Out(u uint32) (targets []uint32, counts Counts) {
	lo, hi := l.outOff[u], l.outOff[u+1]
	if l.outCnt == nil {
		return l.outAdj[lo:hi], Counts{}
	}
	return l.outAdj[lo:hi], Counts{c: l.outCnt[lo:hi], base: lo, big: l.outBig}
}

// In returns the actors of v's in-edges, ascending, and their counts. The slice
// aliases the layer and must not be modified. It panics on a layer of a graph made
// by OutOnly.
func (l *Layer) In(v uint32) (actors []uint32, counts Counts) {
	lo, hi := l.inOff[v], l.inOff[v+1]
	if l.inCnt == nil {
		return l.inAdj[lo:hi], Counts{}
	}
	return l.inAdj[lo:hi], Counts{c: l.inCnt[lo:hi], base: lo, big: l.inBig}
}

// OutDegree returns the number of distinct targets of u.
func (l *Layer) OutDegree(u uint32) int { return int(l.outOff[u+1] - l.outOff[u]) }

// InDegree returns the number of distinct actors of v.
func (l *Layer) InDegree(v uint32) int { return int(l.inOff[v+1] - l.inOff[v]) }

// OutRange returns the positions [lo, hi) of u's out-edges, for use with EdgeAt.
func (l *Layer) OutRange(u uint32) (lo, hi uint64) { return l.outOff[u], l.outOff[u+1] }

// EdgeAt returns the target, count and first/last time (NoTime when untimed) of the
// out-edge at position i, in [0, Edges()).
func (l *Layer) EdgeAt(i uint64) (target, count uint32, first, last int64) {
	target, count, first, last = l.outAdj[i], 1, NoTime, NoTime
	if l.outCnt != nil {
		count = Counts{c: l.outCnt, big: l.outBig}.At(int(i))
	}
	if l.first != nil {
		first, last = l.first[i], l.last[i]
	}
	return target, count, first, last
}

// Weight returns the count of the edge u→v and whether it exists.
func (l *Layer) Weight(u, v uint32) (uint32, bool) {
	adj, cnt := l.Out(u)
	i, ok := search(adj, v)
	if !ok {
		return 0, false
	}
	return cnt.At(i), true
}

// Bytes returns the memory held by the layer's arrays (the overflow maps of counts
// of 255 or more at 16 bytes an entry).
func (l *Layer) Bytes() int64 {
	return int64(8*(len(l.outOff)+len(l.inOff)) +
		4*(len(l.outAdj)+len(l.inAdj)) + len(l.outCnt) + len(l.inCnt) +
		16*(len(l.outBig)+len(l.inBig)) +
		8*(len(l.first)+len(l.last)))
}

// outOnly returns a copy of the layer without its in-CSR, sharing the rest.
func (l *Layer) outOnly() *Layer {
	c := *l
	c.inOff, c.inAdj, c.inCnt, c.inBig = nil, nil, nil, nil
	return &c
}

// search finds v in the ascending slice a.
func search(a []uint32, v uint32) (int, bool) {
	lo, hi := 0, len(a)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(a) && a[lo] == v
}
