package rank

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clout-dev/clout/graph"
)

// CountTransform maps the event count of an aggregated edge to its weight within a
// layer, before the layer's weight applies.
type CountTransform uint8

const (
	// Log weighs an edge of count c as 1 + ln c: repeated interactions count more,
	// with diminishing returns, so that one obsessive fan does not outweigh many
	// occasional ones. The default.
	Log CountTransform = iota
	// Linear weighs an edge by its count c.
	Linear
	// Binary weighs every edge 1, whatever its count.
	Binary
	numTransforms
)

var transformNames = [numTransforms]string{"log", "linear", "binary"}

// String returns "log", "linear" or "binary".
func (t CountTransform) String() string {
	if t < numTransforms {
		return transformNames[t]
	}
	return fmt.Sprintf("CountTransform(%d)", uint8(t))
}

// Apply returns the weight of an edge of the given count (≥ 1).
func (t CountTransform) Apply(count uint32) float64 {
	switch t {
	case Linear:
		return float64(count)
	case Binary:
		return 1
	}
	if count < uint32(len(logTable)) {
		return logTable[count]
	}
	return 1 + math.Log(float64(count))
}

// logTable holds 1 + ln c for the small counts most edges have.
var logTable = func() (t [256]float64) {
	for c := 1; c < len(t); c++ {
		t[c] = 1 + math.Log(float64(c))
	}
	return t
}()

// PageRankParams are the parameters of the Network propagation.
type PageRankParams struct {
	// Damping is the probability that credit follows an edge rather than teleporting
	// uniformly: the share of a user's rank passed on to the users they reacted to.
	// In (0, 1); default 0.85, the value of Brin and Page.
	Damping float64
	// Tolerance stops the iteration once the total L1 change of the rank vector
	// between two iterations, Σ_v |r_k+1(v) − r_k(v)|, falls below it. The vector
	// sums to 1, so this is the fraction of all credit that still moved; it is also
	// the mean relative change of a node's rank, weighted by rank. The distance to
	// the exact fixed point is then at most Tolerance·Damping/(1 − Damping). Default
	// 1e-7: far finer than a 1–100 score can show, and reached within the default
	// MaxIter on real data, where the change shrinks by about Damping per iteration
	// (14 iterations a decade): 84 iterations on the SNAP Higgs networks (1e-8 takes
	// 98, 1e-9 113), 10 on `clout gen rmat --scale 20` (scripts/scaling.sh).
	Tolerance float64
	// MaxIter caps the iterations; default 100. A run that reaches it without
	// converging is not an error: PageRankResult.Converged says so.
	MaxIter int
	// LayerWeights weighs each interaction layer. Defaults: retweets 1.0 (a retweet
	// republishes the target's post to the actor's own audience: the strongest
	// endorsement), replies 0.8 (a considered, public response), mentions 0.6 (an
	// address, not necessarily an endorsement), follows 0.5 (a standing but
	// cheap, one-time choice), likes 0.4 (the cheapest, private-ish reaction). A
	// layer of weight 0 is ignored; absent layers are ignored whatever their weight.
	LayerWeights [graph.NumKinds]float64
	// Transform maps an edge's event count to its weight in the layer; default Log.
	Transform CountTransform
	// Workers is the number of goroutines; 0 means GOMAXPROCS. The result does not
	// depend on it, bit for bit.
	Workers int
}

// DefaultPageRankParams returns the documented defaults.
func DefaultPageRankParams() PageRankParams {
	var w [graph.NumKinds]float64
	w[graph.Follows] = 0.5
	w[graph.Retweets] = 1.0
	w[graph.Replies] = 0.8
	w[graph.Mentions] = 0.6
	w[graph.Likes] = 0.4
	return PageRankParams{Damping: 0.85, Tolerance: 1e-7, MaxIter: 100, LayerWeights: w, Transform: Log}
}

// Validate checks the parameters on their own; PageRank also checks them against
// the graph's layers.
func (p PageRankParams) Validate() error {
	if !(p.Damping > 0 && p.Damping < 1) {
		return fmt.Errorf("rank: damping must be in (0, 1), got %g", p.Damping)
	}
	if !(p.Tolerance > 0) || math.IsInf(p.Tolerance, 0) {
		return fmt.Errorf("rank: tolerance must be > 0 and finite, got %g", p.Tolerance)
	}
	if p.MaxIter < 1 {
		return fmt.Errorf("rank: max iterations must be ≥ 1, got %d", p.MaxIter)
	}
	var sum float64
	for k, w := range p.LayerWeights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("rank: weight of layer %s must be ≥ 0 and finite, got %g", graph.Kind(k), w)
		}
		sum += w
	}
	if sum == 0 {
		return errors.New("rank: every layer weight is 0")
	}
	if p.Transform >= numTransforms {
		return fmt.Errorf("rank: unknown count transform %d", uint8(p.Transform))
	}
	if p.Workers < 0 {
		return fmt.Errorf("rank: workers must be ≥ 0, got %d", p.Workers)
	}
	return nil
}

// EdgeWeight returns the weight an edge of count events in layer k carries:
// LayerWeights[k]·Transform(count). It is the weight to give graph.NewUnionView to
// see the graph PageRank ranks.
func (p PageRankParams) EdgeWeight(k graph.Kind, count uint32) float64 {
	return p.LayerWeights[k] * p.Transform.Apply(count)
}

// PageRankResult is the outcome of PageRank.
type PageRankResult struct {
	// Rank holds each node's rank, indexed by dense id; the ranks sum to 1.
	Rank []float64
	// Iterations is the number of iterations run.
	Iterations int
	// Delta is the total L1 change of the last iteration.
	Delta float64
	// Converged reports whether Delta fell below the tolerance within MaxIter.
	Converged bool
	// Build is the time spent making the relabelled in-adjacency, Iterate the time
	// of the iterations.
	Build, Iterate time.Duration
}

// PageRank computes the weighted multi-layer PageRank of g (Page, Brin, Motwani,
// Winograd, "The PageRank Citation Ranking", 1999), the propagation behind the
// Network sub-score.
//
// Credit flows from actor to target along every present layer of positive weight.
// The edge u→v weighs w(u→v) = Σ_k LayerWeights[k]·Transform(count_k(u→v)), and u
// passes Damping·rank(u) to its targets in proportion to w(u→v)/Σ_x w(u→x): a
// reaction from someone who reacts to everybody is worth less. Everyone receives the
// teleport share (1 − Damping)/N.
//
// Dangling nodes, those with no weighted out-edge (lurkers who never react to
// anyone), spread their Damping share uniformly over all N nodes, as gonum's
// network.PageRankSparse does. Their credit is thus neither lost (GAP's benchmark
// drops it, so the ranks no longer sum to 1 and depend on how many lurkers there
// are) nor given back to themselves (which would reward not reacting).
//
// The iteration is the power method in pull form: each node sums the contributions
// rank(u)·Damping/outweight(u) of its in-neighbours over an in-adjacency that
// PageRank builds once, with nodes relabelled by decreasing out-degree for cache
// locality; the ranks are mapped back to g's ids. Every node's sum is computed by
// one goroutine in a fixed order, and the global sums are added up in a fixed order
// of fixed chunks, so the result is the same bit for bit whatever Workers is.
//
// Contributions are stored as float32, which halves the memory the gather reads per
// edge. While the total change is above float32Until (1e-5) they are stored whole:
// their rounding (a relative 2^-24, a total L1 perturbation of at most 6e-8 per
// iteration) is far below the change itself. Then one iteration writes them in
// float64 and the next reads those, so that the ranks it computes carry no float32
// rounding, and writes the *changes* of the contributions as float32; from then on
// each iteration gathers the changes, which add up to the change of every rank, and
// adds them to the ranks, kept in float64. A change's rounding is relative to the
// change, which shrinks every iteration, so what the roundings leave in the ranks
// sums to about 2^-24 times the total change after the switch, some 1e-12 in L1:
// the fixed point, the convergence test and the result are those of float64
// arithmetic to well within any tolerance (TestPageRankFloat32Changes: 3e-14 from
// float64 power iterations).
//
// The teleport and dangling shares are given as all the credit the edges did not
// carry, (1 − Damping·Σ_{u not dangling} rank(u))/N, which is (1 − Damping)/N +
// Damping·Σ_{u dangling} rank(u)/N when the ranks sum to 1. Written this way, the
// rounding error the float32 contributions make in the total is made good at the
// next iteration instead of decaying only by Damping per iteration: on R-MAT scale
// 20 that lingering error took the iterations to L1 < 1e-10 from 14 to 18
// (TestPageRankNoMassDrift).
//
// Besides its result (8 bytes per node), PageRank holds 4 bytes per layer edge for
// its in-adjacency, and when the weights vary (several layers, or counts under Log
// or Linear) 1 more: a code into a table of the weights of the (layer, count) pairs
// the graph has (2 bytes when there are more than 256 of them, 8, a float64, when
// there are more than 65,536), and about 50 bytes per node.
//
// PageRank reports SetTotal(MaxIter) and Add(1) per iteration to prog (which may be
// nil), and the iterations left over when it converges early.
func PageRank(g *graph.Graph, p PageRankParams, prog graph.Progress) (PageRankResult, error) {
	if err := p.Validate(); err != nil {
		return PageRankResult{}, err
	}
	var present, weighted []graph.Kind
	for k := range graph.NumKinds {
		if g.Has(k) {
			present = append(present, k)
			if p.LayerWeights[k] > 0 {
				weighted = append(weighted, k)
			}
		}
	}
	if len(present) > 0 && len(weighted) == 0 {
		return PageRankResult{}, fmt.Errorf("rank: every present layer %v has weight 0", present)
	}
	workers := p.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	prog = graph.OrNone(prog)
	prog.SetTotal(int64(p.MaxIter))

	n := g.Nodes()
	if n == 0 {
		prog.Add(int64(p.MaxIter))
		return PageRankResult{Rank: []float64{}, Converged: true}, nil
	}
	t0 := time.Now()
	pg := buildPull(g, p, weighted, workers)
	t1 := time.Now()
	rank := pg.run(p, workers, prog)
	rank.Build, rank.Iterate = t1.Sub(t0), time.Since(t1)
	return rank, nil
}

// float32Until is the total change above which contributions are kept whole as float32;
// below it their changes are (see PageRank).
var float32Until = 1e-5 // a variable, so that a test can choose

// chunkCost is the work, in edge-equivalents, of one chunk of nodes that one
// goroutine takes at a time; nodeCost is the work of a node besides its edges.
const (
	chunkCost = 1 << 16
	nodeCost  = 4
)

// pull is the in-adjacency PageRank iterates over. Nodes are relabelled by
// decreasing out-degree (ties by id), so that the contributions most often read sit
// together at the front, and the dangling nodes form the tail.
type pull struct {
	n      int
	perm   []uint32  // new id → g's id
	off    []uint64  // len n+1; the in-edges of v are adj[off[v]:off[v+1]]
	adj    []uint32  // in-neighbours in new ids
	wt     []float64 // weights aligned with adj, when they vary and have no codes
	code   []uint8   // weights aligned with adj as codes: the weight is wtab[code]
	code16 []uint16  // as code, when there are more than 256 codes
	wtab   *[1 << 16]float64
	scale  []float64 // Damping/out-weight (Damping/out-degree when uniform); len active
	active int       // [0, active) have out-edges, [active, n) are dangling
	chunks []int     // chunk c is the nodes [chunks[c], chunks[c+1])
}

// buildPull makes the relabelled, weighted in-adjacency of the given layers. The
// in-lists of the layers are concatenated, not merged: a pair present in several
// layers appears once per layer, each time with its weight in that layer, which
// sums to the same. On the SNAP Higgs networks that is 10% more entries than the
// union has, and it spares the build a k-way merge of every list.
func buildPull(g *graph.Graph, p PageRankParams, kinds []graph.Kind, workers int) *pull {
	n := g.Nodes()
	var layers []*graph.Layer
	for _, k := range kinds {
		if l := g.Layer(k); l.Edges() > 0 {
			layers = append(layers, l)
		}
	}
	// With one layer of unit counts (or binary weights) every edge weighs the same,
	// and the weights cancel out of the normalisation.
	uniform := len(layers) == 0 || len(layers) == 1 && (layers[0].Unit() || p.Transform == Binary)
	var wc weightCodes
	if !uniform {
		wc = newWeightCodes(layers, p)
	}

	// Out-degree (edges over the layers, saturating) and out-weight, in g's ids.
	deg := make([]uint32, n)
	var outW []float64
	if !uniform {
		outW = make([]float64, n)
	}
	parallelFor(n, workers, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			var d uint64
			var s float64
			for li, l := range layers {
				adj, cnt := l.Out(uint32(u))
				d += uint64(len(adj))
				if outW != nil {
					for i := range adj {
						s += wc.weight[wc.code(li, cnt.At(i))]
					}
				}
			}
			deg[u] = uint32(min(d, math.MaxUint32))
			if outW != nil {
				outW[u] = s
			}
		}
	})

	// Relabel: a stable counting sort by decreasing out-degree.
	var maxDeg uint32
	for _, d := range deg {
		maxDeg = max(maxDeg, d)
	}
	start := make([]int, int(maxDeg)+2)
	for _, d := range deg {
		start[maxDeg-d+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	pg := &pull{n: n, perm: make([]uint32, n)}
	newID := make([]uint32, n)
	for u, d := range deg {
		j := start[maxDeg-d]
		start[maxDeg-d]++
		pg.perm[j], newID[u] = uint32(u), uint32(j)
	}
	start = nil
	for _, d := range deg {
		if d > 0 {
			pg.active++
		}
	}

	// Damping over out-weight, in new ids.
	pg.scale = make([]float64, pg.active)
	for v := range pg.scale {
		u := pg.perm[v]
		if uniform {
			pg.scale[v] = p.Damping / float64(deg[u])
		} else {
			pg.scale[v] = p.Damping / outW[u]
		}
	}
	// Ranges of sources (g's ids) of about equal out-edges, one per worker.
	srcBounds := make([]uint32, workers+1)
	srcBounds[workers] = uint32(n)
	var total, seen uint64
	for _, d := range deg {
		total += uint64(d)
	}
	w := 1
	for u, d := range deg {
		for w < workers && seen >= total*uint64(w)/uint64(workers) {
			srcBounds[w] = uint32(u)
			w++
		}
		seen += uint64(d)
	}
	for ; w < workers; w++ {
		srcBounds[w] = uint32(n)
	}
	deg, outW = nil, nil

	// The in-lists and their weights (weightBytes per edge), made once the counts
	// below are summed and, for the bucketed fill, let go.
	var m uint64
	for _, l := range layers {
		m += uint64(l.Edges())
	}
	wb := weightBytes(uniform, len(wc.weight))
	direct := directFill(m * uint64(4+wb))

	// In-degrees, counted over the out-lists (PageRank reads no in-CSR: a graph from
	// Builder.BuildOut has none) in g's ids, so that counting reads no newID per
	// edge: counts[w] are the edges of worker w's range of sources, summed over the
	// layers, or per layer when the fill is direct (it places each layer's edges by
	// them). Summed and relabelled into the offsets.
	nl := 1
	if direct {
		nl = len(layers)
	}
	counts := make([][][]uint32, workers) // [worker][layer, or 0 for all][g's id]
	forChunks(workers, workers, func(w int) {
		counts[w] = make([][]uint32, nl)
		for i := range nl {
			counts[w][i] = make([]uint32, n)
		}
		for li, l := range layers {
			d := counts[w][0]
			if direct {
				d = counts[w][li]
			}
			for u := srcBounds[w]; u < srcBounds[w+1]; u++ {
				adj, _ := l.Out(u)
				for _, v := range adj {
					d[v]++
				}
			}
		}
	})
	pg.off = make([]uint64, n+1)
	parallelFor(n, workers, func(lo, hi int) {
		for v := lo; v < hi; v++ {
			var c uint64
			for _, cw := range counts {
				for _, d := range cw {
					c += uint64(d[v])
				}
			}
			pg.off[newID[v]+1] = c
		}
	})
	for v := 1; v <= n; v++ {
		pg.off[v] += pg.off[v-1]
	}
	if !direct {
		counts = nil
	}
	pg.adj = make([]uint32, m)
	switch wb {
	case 1:
		pg.code = make([]uint8, m)
	case 2:
		pg.code16 = make([]uint16, m)
	case 8:
		pg.wt = make([]float64, m)
	}
	if wb == 1 || wb == 2 {
		pg.wtab = new([1 << 16]float64)
		copy(pg.wtab[:], wc.weight)
	}
	if direct {
		pg.fillDirect(layers, &wc, newID, counts, srcBounds, workers)
	} else {
		pg.fill(layers, &wc, newID, workers)
	}

	// Chunks of about chunkCost work; their bounds depend on the graph only.
	pg.chunks = append(pg.chunks, 0)
	var acc uint64
	for v := 0; v < n; v++ {
		acc += pg.off[v+1] - pg.off[v] + nodeCost
		if acc >= chunkCost {
			pg.chunks = append(pg.chunks, v+1)
			acc = 0
		}
	}
	if pg.chunks[len(pg.chunks)-1] != n {
		pg.chunks = append(pg.chunks, n)
	}
	return pg
}

// fillBlock is the number of edges each worker stages per round of pull.fill, and
// bucketNodes the number of new ids per bucket (variables so that a test can make
// them small).
var (
	fillBlock   = 1 << 20
	bucketNodes = 1 << 16
)

// staged is an edge on its way into the in-adjacency: its target and source in new
// ids and its weight code.
type staged struct{ nv, nu, code uint32 }

// fill fills the in-lists (offsets already in pg.off) from the out-lists of layers,
// mapped to new ids: each in-list comes out as the concatenation, in layer order, of
// the layers' in-lists, actors ascending in g's ids. The lists are not sorted by new
// id: at scale 20 sorting them made the build 5× slower (25 against 5 ns/edge) for no
// measurable gain in the iterations.
//
// Placing each edge straight into its list writes at random all over the adjacency
// (4 bytes per edge, and the code) and the list cursors: at scale 23 that cost 160 ns
// per edge, nearly all of it cache and TLB misses. So fill works in rounds: each
// worker stages the out-edges of its next run of sources (fillBlock edges) and sorts
// them, stably, into buckets of at most bucketNodes consecutive new ids (and of
// about equal in-edges where bucketNodes of them would hold more); then the workers
// place the buckets, each bucket's entries from worker 0's run first, so that the
// writes of one bucket stay within a small span of the cursors and of the adjacency.
// The order within every list is that of the direct placement, whatever the number
// of workers.
func (pg *pull) fill(layers []*graph.Layer, wc *weightCodes, newID []uint32, workers int) {
	n := pg.n
	next := make([]uint64, n)
	copy(next, pg.off[:n])
	// Buckets are runs of granules of consecutive new ids, each run of at most
	// bucketNodes ids and, past its first granule, of at most maxEdges in-edges:
	// the nodes with the most out-edges, first in the new order, are often those
	// with the most in-edges too, and a bucket of bucketNodes of them can hold most
	// of the graph, which one worker would then place alone.
	gran := min(bucketNodes, 256)
	shift := uint(bits.TrailingZeros(uint(gran)))
	bucketOf := make([]uint32, (n+gran-1)/gran) // granule → bucket
	maxEdges := max(1, pg.off[n]/uint64(4*workers))
	nb := 0
	var bn int
	var be uint64
	for gi := range bucketOf {
		lo, hi := gi*gran, min(n, (gi+1)*gran)
		e := pg.off[hi] - pg.off[lo]
		if bn > 0 && (bn+hi-lo > bucketNodes || be+e > maxEdges) {
			nb, bn, be = nb+1, 0, 0
		}
		bucketOf[gi] = uint32(nb)
		bn, be = bn+hi-lo, be+e
	}
	nb++
	type run struct {
		stage, sorted []staged
		start         []int // len nb+1: bucket b is sorted[start[b]:start[b+1]]
	}
	runs := make([]run, workers)
	for w := range runs {
		runs[w] = run{stage: make([]staged, 0, fillBlock), sorted: make([]staged, fillBlock), start: make([]int, nb+1)}
	}
	coded := wc.weight != nil
	for li, l := range layers {
		u := uint32(0)
		for int(u) < n {
			// The next run of sources for each worker: about fillBlock edges, at
			// least one source (a source with more edges than fillBlock gets a
			// larger stage of its own).
			bounds := make([]uint32, workers+1)
			bounds[0] = u
			for w := range workers {
				e := 0
				for int(u) < n && (e == 0 || e+l.OutDegree(u) <= fillBlock) {
					e += l.OutDegree(u)
					u++
				}
				bounds[w+1] = u
			}
			forChunks(workers, workers, func(w int) {
				// Locals, not r's fields, in the loops: stores through r would
				// have to be written back every edge.
				r := &runs[w]
				stage, start := r.stage[:0], r.start
				clear(start)
				for x := bounds[w]; x < bounds[w+1]; x++ {
					adj, cnt := l.Out(x)
					nu := newID[x]
					for i, v := range adj {
						var c uint32
						if coded {
							c = wc.code(li, cnt.At(i))
						}
						nv := newID[v]
						stage = append(stage, staged{nv, nu, c})
						start[bucketOf[nv>>shift]+1]++
					}
				}
				for b := 1; b <= nb; b++ {
					start[b] += start[b-1]
				}
				if len(r.sorted) < len(stage) {
					r.sorted = make([]staged, len(stage))
				}
				sorted := r.sorted
				pos := slices.Clone(start[:nb])
				for _, e := range stage {
					b := bucketOf[e.nv>>shift]
					sorted[pos[b]] = e
					pos[b]++
				}
				r.stage = stage
			})
			adj, code, code16, wt := pg.adj, pg.code, pg.code16, pg.wt
			forChunks(nb, workers, func(b int) {
				for w := range runs {
					r := &runs[w]
					for _, e := range r.sorted[r.start[b]:r.start[b+1]] {
						j := next[e.nv]
						next[e.nv]++
						adj[j] = e.nu
						switch {
						case code != nil:
							code[j] = uint8(e.code)
						case code16 != nil:
							code16[j] = uint16(e.code)
						case wt != nil:
							wt[j] = wc.weight[e.code]
						}
					}
				}
			})
		}
	}
}

// directFill reports whether pull.fillDirect is the faster fill for an in-adjacency
// of the given size in bytes: when it fits the caches, the bucketed fill's staging
// is a cost with nothing to gain. BenchmarkPageRank's build-ns/edge on this machine
// (32 MB of L3), two runs each: one layer, scale 16 (4 MB of adjacency): direct 11
// against bucketed 31–35; scale 18 (16 MB): 16–17 against 24–25; scale 20 (64 MB):
// 29–44 against 26–27. Five layers with counts: scale 18 (20 MB) 42–47 against
// 44–46, scale 20 73–76 against 47–51. A variable, so that a test can choose.
var directFill = func(bytes uint64) bool { return bytes <= 24<<20 }

// weightBytes returns the bytes of weight the in-adjacency holds per entry: none
// when the weights are uniform; a code into the table of the codes' weights, one
// byte when there are at most 256 codes and two when at most maxCodes16; else a
// float64.
func weightBytes(uniform bool, codes int) int {
	switch {
	case uniform:
		return 0
	case codes <= 1<<8:
		return 1
	case codes <= maxCodes16:
		return 2
	}
	return 8
}

// fillDirect fills the in-lists like fill, in the same order, placing each edge
// straight into its list. Worker w takes the sources srcBounds[w:w+2]; counts[w][li]
// are their edges per target (in g's ids) in layer li, and its cursors start each
// list where the same layer's edges of the workers before it end, after the earlier
// layers' edges. No two workers write the same slot or cursor.
func (pg *pull) fillDirect(layers []*graph.Layer, wc *weightCodes, newID []uint32, counts [][][]uint32, srcBounds []uint32, workers int) {
	n := pg.n
	base := make([]uint64, n) // where the current layer's edges of each list start
	copy(base, pg.off[:n])
	cur := make([][]uint64, workers)
	for w := range workers {
		cur[w] = make([]uint64, n)
	}
	coded := wc.weight != nil
	for li, l := range layers {
		parallelFor(n, workers, func(lo, hi int) {
			for v := lo; v < hi; v++ {
				u := pg.perm[v]
				o := base[v]
				for w := range workers {
					cur[w][v] = o
					o += uint64(counts[w][li][u])
				}
				base[v] = o
			}
		})
		forChunks(workers, workers, func(w int) {
			next := cur[w]
			for u := srcBounds[w]; u < srcBounds[w+1]; u++ {
				adj, cs := l.Out(u)
				nu := newID[u]
				for i, v := range adj {
					nv := newID[v]
					j := next[nv]
					next[nv]++
					pg.adj[j] = nu
					if coded {
						c := wc.code(li, cs.At(i))
						switch {
						case pg.code != nil:
							pg.code[j] = uint8(c)
						case pg.code16 != nil:
							pg.code16[j] = uint16(c)
						default:
							pg.wt[j] = wc.weight[c]
						}
					}
				}
			}
		})
	}
}

// maxCodes16 is the most weight codes that two bytes per edge hold (a variable so
// that a test can lower it).
var maxCodes16 = 1 << 16

// weightCodes numbers the (layer, count) pairs of a graph and holds their weights
// LayerWeights[kind]·Transform(count) (LayerWeights[kind] for a unit layer). A
// layer's codes are its counts 1, 2, … up to 254 (or its largest count), then its
// distinct larger counts, ascending; layers follow each other in order.
type weightCodes struct {
	base   []uint32   // the first code of each layer
	small  []uint32   // the counts 1..small[li] of layer li have codes base+count-1
	large  [][]uint32 // layer li's distinct counts above small[li], ascending
	weight []float64  // the weight of each code
}

// smallCounts is the largest count coded by its value: counts below 255 are stored
// in the graph's byte per edge, larger ones are the graph's LargeCounts.
const smallCounts = 254

func newWeightCodes(layers []*graph.Layer, p PageRankParams) weightCodes {
	var wc weightCodes
	for _, l := range layers {
		wc.base = append(wc.base, uint32(len(wc.weight)))
		small := min(l.MaxCount(), smallCounts)
		var large []uint32
		if l.MaxCount() > smallCounts {
			large = l.LargeCounts()
		}
		wc.small, wc.large = append(wc.small, small), append(wc.large, large)
		w := func(c uint32) float64 {
			if l.Unit() {
				return p.LayerWeights[l.Kind()]
			}
			return p.LayerWeights[l.Kind()] * p.Transform.Apply(c)
		}
		for c := uint32(1); c <= small; c++ {
			wc.weight = append(wc.weight, w(c))
		}
		for _, c := range large {
			wc.weight = append(wc.weight, w(c))
		}
	}
	return wc
}

// code returns the code of count c in layer li.
func (wc *weightCodes) code(li int, c uint32) uint32 {
	if c <= wc.small[li] {
		return wc.base[li] + c - 1
	}
	j, _ := slices.BinarySearch(wc.large[li], c)
	return wc.base[li] + wc.small[li] + uint32(j)
}

type float interface{ ~float32 | ~float64 }

// pullRange computes the new rank of the nodes [lo, hi) from the contributions cur
// and writes their next contributions; it returns the L1 change and the new rank of
// the nodes with out-edges among them. With diffIn, cur holds the changes of the
// contributions since the last iteration and base the change of the base, so that
// the gather adds up to the change of the rank; with diffOut, next receives the
// changes of the contributions rather than the contributions.
func pullRange[In, Out float](pg *pull, lo, hi int, cur []In, next []Out, rank []float64, base float64, diffIn, diffOut bool) (delta, active float64) {
	off, adj, wt, code, code16, scale := pg.off, pg.adj, pg.wt, pg.code, pg.code16, pg.scale
	for v := lo; v < hi; v++ {
		a, z := off[v], off[v+1]
		var s float64
		switch {
		case code != nil:
			s = gatherCoded(adj[a:z], code[a:z], pg.wtab, cur)
		case code16 != nil:
			s = gatherCoded(adj[a:z], code16[a:z], pg.wtab, cur)
		case wt != nil:
			s = gatherWeighted(adj[a:z], wt[a:z], cur)
		default:
			s = gather(adj[a:z], cur)
		}
		x := base + s
		r, ch := x, x-rank[v] // the new rank and its change
		if diffIn {
			r, ch = rank[v]+x, x
		}
		delta += math.Abs(ch)
		rank[v] = r
		if v < len(scale) {
			if diffOut {
				next[v] = Out(ch * scale[v])
			} else {
				next[v] = Out(r * scale[v])
			}
			active += r
		}
	}
	return delta, active
}

// gather returns Σ cur[u] over us. Four accumulators keep four loads and additions
// in flight; the order of the additions is fixed.
func gather[In float](us []uint32, cur []In) float64 {
	var s0, s1, s2, s3 float64
	for len(us) >= 4 {
		s0 += float64(cur[us[0]])
		s1 += float64(cur[us[1]])
		s2 += float64(cur[us[2]])
		s3 += float64(cur[us[3]])
		us = us[4:]
	}
	for _, u := range us {
		s0 += float64(cur[u])
	}
	return (s0 + s1) + (s2 + s3)
}

// gatherWeighted returns Σ ws[i]·cur[us[i]].
func gatherWeighted[In float](us []uint32, ws []float64, cur []In) float64 {
	var s0, s1, s2, s3 float64
	ws = ws[:len(us)]
	for len(us) >= 4 && len(ws) >= 4 {
		s0 += ws[0] * float64(cur[us[0]])
		s1 += ws[1] * float64(cur[us[1]])
		s2 += ws[2] * float64(cur[us[2]])
		s3 += ws[3] * float64(cur[us[3]])
		us, ws = us[4:], ws[4:]
	}
	for i, u := range us {
		s0 += ws[i] * float64(cur[u])
	}
	return (s0 + s1) + (s2 + s3)
}

// gatherCoded returns Σ wtab[cs[i]]·cur[us[i]], in gatherWeighted's order, so that
// both give the same sum bit for bit. The table has an entry for every code of either
// width, so indexing it needs no bounds check.
func gatherCoded[In float, Code uint8 | uint16](us []uint32, cs []Code, wtab *[1 << 16]float64, cur []In) float64 {
	var s0, s1, s2, s3 float64
	cs = cs[:len(us)]
	for len(us) >= 4 && len(cs) >= 4 {
		s0 += wtab[cs[0]] * float64(cur[us[0]])
		s1 += wtab[cs[1]] * float64(cur[us[1]])
		s2 += wtab[cs[2]] * float64(cur[us[2]])
		s3 += wtab[cs[3]] * float64(cur[us[3]])
		us, cs = us[4:], cs[4:]
	}
	for i, u := range us {
		s0 += wtab[cs[i]] * float64(cur[u])
	}
	return (s0 + s1) + (s2 + s3)
}

// run iterates to convergence and returns the ranks in g's ids.
func (pg *pull) run(p PageRankParams, workers int, prog graph.Progress) PageRankResult {
	n, nc := pg.n, len(pg.chunks)-1
	d := p.Damping
	rank := make([]float64, n)
	for v := range rank {
		rank[v] = 1 / float64(n)
	}
	// The contributions (see PageRank): c32 holds them, or from the phase diff32
	// on their changes; c64 holds them in float64 for the one iteration that reads
	// them so (fromWide).
	const (
		full32   = iota // read and write the contributions as float32
		toWide          // read them as float32, write them as float64
		fromWide        // read them as float64, write their changes as float32
		diff32          // read and write their changes as float32
	)
	phase := full32
	var c32 [2][]float32
	var c64 []float64
	c32[0], c32[1] = make([]float32, pg.active), make([]float32, pg.active)
	for v := range c32[0] {
		c32[0][v] = float32(rank[v] * pg.scale[v])
	}
	active := float64(pg.active) / float64(n) // the rank of the nodes with out-edges
	var lastBase float64
	deltas := make([]float64, nc)
	actives := make([]float64, nc)

	res := PageRankResult{Delta: math.Inf(1)}
	for res.Iterations < p.MaxIter {
		if phase == full32 && res.Delta < float32Until {
			phase = toWide
			c64 = make([]float64, pg.active)
		}
		// The teleport and dangling shares: all the credit the edges do not carry.
		base := (1 - d*active) / float64(n)
		in, out := res.Iterations&1, (res.Iterations+1)&1
		var f func(c int)
		switch phase {
		case full32:
			f = func(c int) {
				deltas[c], actives[c] = pullRange(pg, pg.chunks[c], pg.chunks[c+1], c32[in], c32[out], rank, base, false, false)
			}
		case toWide:
			f = func(c int) {
				deltas[c], actives[c] = pullRange(pg, pg.chunks[c], pg.chunks[c+1], c32[in], c64, rank, base, false, false)
			}
		case fromWide:
			f = func(c int) {
				deltas[c], actives[c] = pullRange(pg, pg.chunks[c], pg.chunks[c+1], c64, c32[out], rank, base, false, true)
			}
		default:
			db := base - lastBase
			f = func(c int) {
				deltas[c], actives[c] = pullRange(pg, pg.chunks[c], pg.chunks[c+1], c32[in], c32[out], rank, db, true, true)
			}
		}
		forChunks(nc, workers, f)
		lastBase = base
		switch phase {
		case toWide:
			phase = fromWide
		case fromWide:
			phase, c64 = diff32, nil
		}
		res.Delta, active = 0, 0
		for c := range nc {
			res.Delta += deltas[c]
			active += actives[c]
		}
		res.Iterations++
		prog.Add(1)
		if res.Delta < p.Tolerance {
			res.Converged = true
			prog.Add(int64(p.MaxIter - res.Iterations))
			break
		}
	}

	// Back to g's ids, normalised against rounding drift.
	var sum float64
	for _, r := range rank {
		sum += r
	}
	res.Rank = make([]float64, n)
	for v, r := range rank {
		res.Rank[pg.perm[v]] = r / sum
	}
	return res
}

// forChunks runs f on the chunks 0..nc-1 with up to workers goroutines (the caller's
// among them), each taking the next chunk as it finishes one.
func forChunks(nc, workers int, f func(c int)) {
	var next atomic.Int64
	work := func() {
		for {
			c := int(next.Add(1) - 1)
			if c >= nc {
				return
			}
			f(c)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < min(workers, nc); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
}
