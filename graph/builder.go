package graph

import (
	"errors"
	"runtime"
	"sort"
	"sync"
)

// Builder collects edges and makes a Graph. It follows the GAP Benchmark Suite's
// builder (Beamer, Asanović, Patterson, "The GAP Benchmark Suite", 2015): count
// degrees, prefix-sum, fill, then sort each adjacency and merge duplicates; the
// in-CSR is made from the merged out-CSR. Self-loops are dropped and counted: nobody
// earns influence by reacting to themselves.
//
// A Builder is not safe for concurrent use.
type Builder struct {
	// Release, when set, is called by Build each time it has let go of large
	// buffers (a layer's added edges once placed in the out-CSR, its 4-byte merge
	// counts once packed), so that a caller who watches its peak RSS can hand the
	// freed pages back to the OS before the next arrays are allocated: the Go
	// runtime returns them only gradually, and the in-CSR would otherwise add to
	// them. cmd/clout passes debug.FreeOSMemory.
	Release func()

	n         uint64
	bufs      [NumKinds]edgeBuf
	selfLoops [NumKinds]uint64
}

type edgeBuf struct {
	present bool
	src     chunked[uint32]
	dst     chunked[uint32]
	cnt     chunked[uint32] // empty while every count is 1 (hasCnt false)
	ts      chunked[int64]  // empty while no edge has a time (hasTS false)
	hasCnt  bool
	hasTS   bool
}

// MaxNodes is the largest number of nodes a Graph holds: ids are uint32.
const MaxNodes = 1 << 32

// ErrTooManyNodes is returned by Build when ids do not fit the uint32 index.
var ErrTooManyNodes = errors.New("graph: more than 2^32 nodes")

// Declare marks layer k as present even if no edge is added to it, so that its
// signals are zero rather than null.
func (b *Builder) Declare(k Kind) { b.bufs[k].present = true }

// Present reports whether layer k has been declared or given an edge.
func (b *Builder) Present(k Kind) bool { return b.bufs[k].present }

// Grow makes sure the graph has at least n nodes (isolated ones included).
func (b *Builder) Grow(n uint64) {
	if n > b.n {
		b.n = n
	}
}

// Nodes returns the number of nodes so far: one more than the largest id seen.
func (b *Builder) Nodes() uint64 { return b.n }

// Add adds count events src→dst to layer k, without a timestamp.
func (b *Builder) Add(k Kind, src, dst, count uint32) { b.AddAt(k, src, dst, count, NoTime) }

// AddAt adds count events src→dst at Unix time t (seconds) to layer k; t may be
// NoTime. A count of 0 adds nothing but the two nodes.
func (b *Builder) AddAt(k Kind, src, dst, count uint32, t int64) {
	e := &b.bufs[k]
	e.present = true
	if uint64(src) >= b.n {
		b.n = uint64(src) + 1
	}
	if uint64(dst) >= b.n {
		b.n = uint64(dst) + 1
	}
	if count == 0 {
		return
	}
	if src == dst {
		b.selfLoops[k] += uint64(count)
		return
	}
	if count != 1 && !e.hasCnt {
		e.cnt, e.hasCnt = filled(&e.src, uint32(1)), true
	}
	if t != NoTime && !e.hasTS {
		e.ts, e.hasTS = filled(&e.src, NoTime), true
	}
	e.src.append(src)
	e.dst.append(dst)
	if e.hasCnt {
		e.cnt.append(count)
	}
	if e.hasTS {
		e.ts.append(t)
	}
}

// Len returns the number of edges added to layer k so far (before merging).
func (b *Builder) Len(k Kind) int { return b.bufs[k].src.len() }

// Build makes the Graph and empties the Builder. workers ≤ 0 means one per CPU.
// p, which may be nil, is told the number of edges as they are placed.
func (b *Builder) Build(workers int, p Progress) (*Graph, error) {
	return b.build(workers, p, true)
}

// BuildOut is Build without the in-CSRs: the graph it makes is as OutOnly's, and
// Graph.WithIn adds them when they are needed. PageRank reads only the out-CSRs, so
// a scorer that builds the in-CSRs after the propagation never holds both them and
// the propagation's arrays (rank.Score does so).
func (b *Builder) BuildOut(workers int, p Progress) (*Graph, error) {
	return b.build(workers, p, false)
}

func (b *Builder) build(workers int, p Progress, withIn bool) (*Graph, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p = OrNone(p)
	if b.n > MaxNodes {
		return nil, ErrTooManyNodes
	}
	var total int64
	for k := range b.bufs {
		total += int64(b.bufs[k].src.len())
	}
	p.SetTotal(total)
	g := &Graph{n: int(b.n), selfLoops: b.selfLoops}
	release := b.Release
	if release == nil {
		release = func() {}
	}
	for k := range b.bufs {
		e := &b.bufs[k]
		if !e.present {
			continue
		}
		m := e.src.len()
		g.layers[k] = buildLayer(Kind(k), g.n, e, workers, release, withIn)
		p.Add(int64(m))
		*e = edgeBuf{}
	}
	*b = Builder{}
	return g, nil
}

// buildLayer turns one edge buffer into a Layer. It frees the buffer's arrays as soon
// as they are no longer needed, to keep the peak memory low.
func buildLayer(k Kind, n int, e *edgeBuf, workers int, release func(), withIn bool) *Layer {
	l := &Layer{kind: k, n: n}
	m := e.src.len()

	// Count out-degrees and prefix-sum them into offsets, then place each edge at its
	// source's next free slot (countAndFill).
	off, adj, cnt, ts := countAndFill(n, e, workers)
	*e = edgeBuf{present: e.present}
	release()

	// Sort each adjacency list, merge repeated pairs into counts, and close the
	// gaps the merges leave (mergeLists).
	var first, last []int64
	if ts != nil {
		first, last = ts, make([]int64, m)
		copy(last, ts)
	}
	mg := mergeLists(off, adj, cnt, first, last, workers)
	if cnt != nil {
		cnt = nil // the four-byte counts are in mg's bytes now
		release()
	}
	// Keep the slack (the merged duplicates) rather than copy to tight arrays: a
	// copy would hold both at once, a larger peak than the slack.
	adj = adj[:mg.edges:mg.edges]
	if first != nil {
		first, last = first[:mg.edges:mg.edges], last[:mg.edges:mg.edges]
	}
	l.outCnt, l.outBig, l.events, l.maxCount = mg.cnt, mg.big, mg.events, mg.maxCount
	l.outOff, l.outAdj, l.first, l.last = off, adj, first, last
	if withIn {
		l.buildIn(workers)
	}
	return l
}

// buildIn makes the in-CSR from the out-CSR. Actors are visited in ascending order,
// so each in-list comes out sorted. The fill is a scatter, bound by the latency of
// its random writes: workers goroutines each scan the whole out-CSR and place the
// edges whose targets fall in their own ranges of nodes (of about equal in-edges).
func (l *Layer) buildIn(workers int) {
	n, m := l.n, len(l.outAdj)
	off := make([]uint64, n+1)
	for _, v := range l.outAdj {
		off[v+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	ranges := workers
	bounds := make([]uint32, ranges+1)
	bounds[ranges] = uint32(n)
	for r := 1; r < ranges; r++ {
		target := uint64(m) * uint64(r) / uint64(ranges)
		bounds[r] = uint32(sort.Search(n, func(v int) bool { return off[v] >= target }))
	}
	adj := make([]uint32, m)
	var cnt []uint8
	var big map[uint64]uint32
	if l.outCnt != nil {
		cnt = make([]uint8, m)
	}
	if l.outBig != nil {
		big = make(map[uint64]uint32, len(l.outBig))
	}
	next := make([]uint64, n)
	copy(next, off[:n])
	var mu sync.Mutex // guards big
	jobs := make(chan int, ranges)
	for r := range ranges {
		jobs <- r
	}
	close(jobs)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				lo, hi := bounds[r], bounds[r+1]
				for u := 0; u < n; u++ {
					for i := l.outOff[u]; i < l.outOff[u+1]; i++ {
						v := l.outAdj[i]
						if v < lo || v >= hi {
							continue
						}
						j := next[v]
						next[v]++
						adj[j] = uint32(u)
						if cnt != nil {
							c := l.outCnt[i]
							cnt[j] = c
							if c == countEscape {
								mu.Lock()
								big[j] = l.outBig[i]
								mu.Unlock()
							}
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	l.inOff, l.inAdj, l.inCnt, l.inBig = off, adj, cnt, big
}

func sub(a []uint32, lo, hi uint64) []uint32 {
	if a == nil {
		return nil
	}
	return a[lo:hi]
}

func sub64(a []int64, lo, hi uint64) []int64 {
	if a == nil {
		return nil
	}
	return a[lo:hi]
}

// countAndFill makes the unsorted out-CSR of an edge buffer: the offsets (out-degrees
// prefix-summed) and the targets, counts and times placed at their sources' slots.
// The buffer's chunks are freed as they are placed.
//
// Worker w takes the chunks w, w+workers, …: it counts their sources' edges into a
// degree array of its own, and then places their edges with cursors of its own, which
// start each list where the edges of the workers before it end. No two workers write
// the same slot or cursor, without atomics, and none scans another's chunks. The
// order within a list is thus not the order the edges were added in; the sort and
// merge that follow make the result the same whatever that order (the merge sums
// counts and takes the earliest and latest times, neither of which depends on it).
func countAndFill(n int, e *edgeBuf, workers int) (off []uint64, adj, cnt []uint32, ts []int64) {
	m := e.src.len()
	chunks := e.src.chunks
	workers = max(1, min(workers, len(chunks)))
	deg := make([][]uint32, workers)
	doWorkers(workers, func(w int) {
		d := make([]uint32, n)
		for c := w; c < len(chunks); c += workers {
			for _, s := range chunks[c] {
				d[s]++
			}
		}
		deg[w] = d
	})
	off = make([]uint64, n+1)
	cur := make([][]uint64, workers)
	for w := range cur {
		cur[w] = make([]uint64, n)
	}
	for u := range n {
		o := off[u]
		for w, d := range deg {
			cur[w][u] = o
			o += uint64(d[u])
		}
		off[u+1] = o
	}
	deg = nil

	adj = make([]uint32, m)
	if e.hasCnt {
		cnt = make([]uint32, m)
	}
	if e.hasTS {
		ts = make([]int64, m)
	}
	doWorkers(workers, func(w int) {
		next := cur[w]
		for c := w; c < len(chunks); c += workers {
			srcs, dsts := chunks[c], e.dst.chunks[c]
			var cs []uint32
			var tc []int64
			if cnt != nil {
				cs = e.cnt.chunks[c]
			}
			if ts != nil {
				tc = e.ts.chunks[c]
			}
			for i, s := range srcs {
				j := next[s]
				next[s]++
				adj[j] = dsts[i]
				if cs != nil {
					cnt[j] = cs[i]
				}
				if tc != nil {
					ts[j] = tc[i]
				}
			}
			chunks[c], e.dst.chunks[c] = nil, nil
			if e.hasCnt {
				e.cnt.chunks[c] = nil
			}
			if e.hasTS {
				e.ts.chunks[c] = nil
			}
		}
	})
	return off, adj, cnt, ts
}

// doWorkers runs f(0), …, f(workers-1) at once, f(0) on the caller's goroutine.
func doWorkers(workers int, f func(w int)) {
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w)
		}()
	}
	f(0)
	wg.Wait()
}
