// Package rmat generates synthetic power-law directed graphs with the R-MAT model
// (Chakrabarti, Zhan, Faloutsos, "R-MAT: A Recursive Model for Graph Mining",
// SIAM SDM 2004), with the Graph500 parameters and vertex permutation.
package rmat

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
)

// The Graph500 R-MAT parameters: the probabilities that an edge falls into the
// top-left, top-right, bottom-left and bottom-right quadrant of the adjacency matrix
// at each of the scale levels of recursion (Graph500 specification, section 3.3).
const (
	A = 0.57
	B = 0.19
	C = 0.19
	D = 0.05
)

// MaxScale is the largest scale: vertex ids are uint32.
const MaxScale = 32

// blockEdges is the number of edges generated from one random stream. Blocks are
// seeded from (seed, block index), so the output does not depend on how many
// goroutines generate it.
const blockEdges = 1 << 16

// Quadrant thresholds on a uniform 32-bit draw q: q < ta picks A, q < tab picks B,
// q < tabc picks C, else D. They are round(p·2^32) for the cumulative probabilities
// .57, .76 and .95, so each is exact to 2^-33.
const (
	ta   = 2448131359
	tab  = 3264175145
	tabc = 4080218931
)

// Edges returns the number of edges Generate produces: edgeFactor·2^scale.
func Edges(scale, edgeFactor int) int64 { return int64(edgeFactor) << uint(scale) }

func check(scale, edgeFactor int) error {
	if scale < 0 || scale > MaxScale {
		return fmt.Errorf("rmat: scale must be in [0, %d], got %d", MaxScale, scale)
	}
	if edgeFactor < 0 {
		return fmt.Errorf("rmat: edge factor must be ≥ 0, got %d", edgeFactor)
	}
	if edgeFactor > 0 && int64(edgeFactor) > (1<<62)>>uint(scale) {
		return fmt.Errorf("rmat: %d·2^%d edges do not fit an int64", edgeFactor, scale)
	}
	return nil
}

// Generate produces edgeFactor·2^scale directed edges over the vertices
// [0, 2^scale) and calls emit for each, in a fixed order: the output depends only on
// (scale, edgeFactor, seed). Each edge descends scale levels of the adjacency matrix,
// picking a quadrant with probabilities A, B, C, D; the vertex ids are then relabelled
// by a seeded random permutation, as Graph500 does, so that ids carry no degree order.
// The edges include the self-loops and repeated pairs the model makes.
//
// Generation runs on GOMAXPROCS goroutines; emit is called from the caller's
// goroutine only. The first error emit returns stops the generation and is returned.
func Generate(scale, edgeFactor int, seed uint64, emit func(src, dst uint32) error) error {
	if err := check(scale, edgeFactor); err != nil {
		return err
	}
	m := Edges(scale, edgeFactor)
	if m == 0 {
		return nil
	}
	perm := permutation(scale, seed)
	nblocks := (m + blockEdges - 1) / blockEdges
	workers := int64(runtime.GOMAXPROCS(0))
	if workers > nblocks {
		workers = nblocks
	}
	if workers <= 1 {
		buf := make([]uint32, 2*blockEdges)
		for b := int64(0); b < nblocks; b++ {
			e := fill(buf, b, m, scale, seed, perm)
			for i := 0; i < len(e); i += 2 {
				if err := emit(e[i], e[i+1]); err != nil {
					return err
				}
			}
		}
		return nil
	}

	// An ordered pipeline: ring buffers circulate from the dispatcher to the workers
	// to the caller's goroutine and back. With ring buffers in flight, block b can
	// only be dispatched once block b−ring has been emitted, so slot b%ring holds at
	// most one block.
	ring := 2*workers + 2
	type job struct {
		b   int64
		buf []uint32
	}
	free := make(chan []uint32, ring)
	for i := int64(0); i < ring; i++ {
		free <- make([]uint32, 2*blockEdges)
	}
	slots := make([]chan []uint32, ring)
	for i := range slots {
		slots[i] = make(chan []uint32, 1)
	}
	jobs := make(chan job)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // dispatcher
		defer wg.Done()
		defer close(jobs)
		for b := int64(0); b < nblocks; b++ {
			select {
			case buf := <-free:
				jobs <- job{b, buf}
			case <-stop:
				return
			}
		}
	}()
	for w := int64(0); w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				slots[j.b%ring] <- fill(j.buf, j.b, m, scale, seed, perm)
			}
		}()
	}
	var err error
	for b := int64(0); b < nblocks && err == nil; b++ {
		e := <-slots[b%ring]
		for i := 0; i < len(e); i += 2 {
			if err = emit(e[i], e[i+1]); err != nil {
				break
			}
		}
		free <- e[:cap(e)]
	}
	close(stop)
	wg.Wait()
	return err
}

// permutation returns a seeded random permutation of [0, 2^scale).
func permutation(scale int, seed uint64) []uint32 {
	n := uint64(1) << uint(scale)
	p := make([]uint32, n)
	for i := range p {
		p[i] = uint32(i)
	}
	r := rand.New(rand.NewPCG(seed, 0x5851f42d4c957f2d))
	r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// fill generates block b (edges [b·blockEdges, min(m, (b+1)·blockEdges))) into buf
// as (src, dst) pairs and returns the filled part.
func fill(buf []uint32, b, m int64, scale int, seed uint64, perm []uint32) []uint32 {
	k := min(m-b*blockEdges, blockEdges)
	buf = buf[:2*k]
	r := rand.NewPCG(seed, 0x9e3779b97f4a7c15*uint64(b+1))
	for i := 0; i < len(buf); i += 2 {
		var src, dst uint64
		var x uint64
		for l := 0; l < scale; l++ {
			// Two 32-bit draws per 64-bit number.
			if l&1 == 0 {
				x = r.Uint64()
			} else {
				x >>= 32
			}
			q := x & (1<<32 - 1)
			// lt(t) is 1 when q < t.
			ltA := (q - ta) >> 63
			ltAB := (q - tab) >> 63
			ltABC := (q - tabc) >> 63
			// Row (src bit) 1 for C and D; column (dst bit) 1 for B and D, that
			// is, where an odd number of the three tests fail.
			src = src<<1 | (ltAB ^ 1)
			dst = dst<<1 | (ltA ^ ltAB ^ ltABC ^ 1)
		}
		buf[i], buf[i+1] = uint32(src), uint32(dst)
	}
	// Relabel in a separate tight loop, so that many of its cache misses on perm
	// overlap.
	for i, v := range buf {
		buf[i] = perm[v]
	}
	return buf
}

// WriteEdgeList writes the edges Generate(scale, edgeFactor, seed, …) makes to w as a
// SNAP edge list: a comment line
//
//	# R-MAT scale=20 edgefactor=16 seed=1 a=.57 b=.19 c=.19 d=.05
//
// then one "src\tdst\n" line per edge.
func WriteEdgeList(w io.Writer, scale, edgeFactor int, seed uint64) error {
	if err := check(scale, edgeFactor); err != nil {
		return err
	}
	const flushAt = 1 << 16
	buf := make([]byte, 0, flushAt+64)
	buf = fmt.Appendf(buf, "# R-MAT scale=%d edgefactor=%d seed=%d a=.57 b=.19 c=.19 d=.05\n", scale, edgeFactor, seed)
	err := Generate(scale, edgeFactor, seed, func(src, dst uint32) error {
		buf = strconv.AppendUint(buf, uint64(src), 10)
		buf = append(buf, '\t')
		buf = strconv.AppendUint(buf, uint64(dst), 10)
		buf = append(buf, '\n')
		if len(buf) >= flushAt {
			_, err := w.Write(buf)
			buf = buf[:0]
			return err
		}
		return nil
	})
	if err == nil && len(buf) > 0 {
		_, err = w.Write(buf)
	}
	if err != nil {
		return fmt.Errorf("rmat: writing the edge list: %w", err)
	}
	return nil
}
