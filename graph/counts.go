package graph

// Counts are the event counts of one adjacency list, aligned with its targets (Out)
// or actors (In). The zero Counts means that every count is 1.
//
// A layer stores a count in one byte: most aggregated edges have small counts, and
// four bytes per edge, once out and once in, were a third of the graph's memory
// (BenchmarkBuild at scale 20: 16.3 bytes per edge before, 10.6 after). Counts of
// countEscape or more are stored as countEscape and looked up, exactly, in a map
// from the edge's position in the layer.
type Counts struct {
	c    []uint8           // nil: every count is 1
	base uint64            // the position of c[0] in the layer's edge array
	big  map[uint64]uint32 // position → count, for the counts ≥ countEscape
}

// countEscape marks a count kept in the overflow map.
const countEscape = 1<<8 - 1

// Unit reports whether every count is 1 (the layer stores none).
func (c Counts) Unit() bool { return c.c == nil }

// At returns the i-th count.
func (c Counts) At(i int) uint32 {
	if c.c == nil {
		return 1
	}
	if x := c.c[i]; x < countEscape {
		return uint32(x)
	}
	return c.big[c.base+uint64(i)]
}

// Sum returns the sum of the first n counts (n is the list's length, which a unit
// Counts does not know).
func (c Counts) Sum(n int) uint64 {
	if c.c == nil {
		return uint64(n)
	}
	var s uint64
	for i, x := range c.c[:n] {
		if x < countEscape {
			s += uint64(x)
		} else {
			s += uint64(c.big[c.base+uint64(i)])
		}
	}
	return s
}
