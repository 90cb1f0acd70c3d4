package graph

import (
	"math"

	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
)

// Gonum views present the CSR layers through gonum's graph interfaces, so that
// gonum's algorithms (path, topo, network, …) run on Clout's graph without copying
// it into gonum's map-based graphs. Node ids are the dense ids as int64, 0..N-1,
// isolated nodes included. Nodes are simple.Node and edges simple.WeightedEdge.
//
// Weight follows simple.NewWeightedDirectedGraph(0, +Inf): a node's weight to itself
// is 0 (the Builder drops self-loops) and a missing edge weighs +Inf.

var (
	_ gonum.WeightedDirected = (*LayerView)(nil)
	_ gonum.WeightedDirected = (*UnionView)(nil)
	_ gonum.Nodes            = (*nodeRange)(nil)
	_ gonum.Nodes            = (*nodeList)(nil)
	_ gonum.Nodes            = (*nodeMerge)(nil)
)

// LayerView is a gonum graph.WeightedDirected view of one layer whose edge weight is
// the edge's event count.
type LayerView struct{ l *Layer }

// NewLayerView returns a gonum view of l.
func NewLayerView(l *Layer) *LayerView { return &LayerView{l} }

func (g *LayerView) valid(id int64) bool { return id >= 0 && id < int64(g.l.n) }

// Node returns the node with the given id, or nil when id is not in [0, N).
func (g *LayerView) Node(id int64) gonum.Node {
	if !g.valid(id) {
		return nil
	}
	return simple.Node(id)
}

// Nodes returns all N nodes in ascending id order.
func (g *LayerView) Nodes() gonum.Nodes { return newNodeRange(g.l.n) }

// From returns the targets of u's out-edges, ascending.
func (g *LayerView) From(id int64) gonum.Nodes {
	if !g.valid(id) {
		return gonum.Empty
	}
	adj, _ := g.l.Out(uint32(id))
	return newNodeList(adj)
}

// To returns the actors of v's in-edges, ascending.
func (g *LayerView) To(id int64) gonum.Nodes {
	if !g.valid(id) {
		return gonum.Empty
	}
	adj, _ := g.l.In(uint32(id))
	return newNodeList(adj)
}

// HasEdgeFromTo reports whether the edge u→v exists.
func (g *LayerView) HasEdgeFromTo(uid, vid int64) bool {
	_, ok := g.count(uid, vid)
	return ok
}

// HasEdgeBetween reports whether x→y or y→x exists.
func (g *LayerView) HasEdgeBetween(xid, yid int64) bool {
	return g.HasEdgeFromTo(xid, yid) || g.HasEdgeFromTo(yid, xid)
}

// Edge returns the edge u→v, or nil.
func (g *LayerView) Edge(uid, vid int64) gonum.Edge {
	if e := g.WeightedEdge(uid, vid); e != nil {
		return e
	}
	return nil
}

// WeightedEdge returns the edge u→v weighted by its count, or nil.
func (g *LayerView) WeightedEdge(uid, vid int64) gonum.WeightedEdge {
	c, ok := g.count(uid, vid)
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(uid), T: simple.Node(vid), W: float64(c)}
}

// Weight returns the count of the edge x→y; 0 and true when x == y is a node;
// +Inf and false when there is no edge.
func (g *LayerView) Weight(xid, yid int64) (w float64, ok bool) {
	if xid == yid && g.valid(xid) {
		return 0, true
	}
	c, ok := g.count(xid, yid)
	if !ok {
		return math.Inf(1), false
	}
	return float64(c), true
}

func (g *LayerView) count(uid, vid int64) (uint32, bool) {
	if !g.valid(uid) || !g.valid(vid) {
		return 0, false
	}
	return g.l.Weight(uint32(uid), uint32(vid))
}

// UnionView is a gonum graph.WeightedDirected view of all present layers of a Graph
// merged: u→v is an edge when it is an edge of any layer, and weighs
// Σ_k weight(k, count_k(u, v)) over the layers that have it.
type UnionView struct {
	g      *Graph
	layers []*Layer
	weight func(k Kind, count uint32) float64
}

// NewUnionView returns a gonum view of the union of g's present layers. weight maps a
// layer and an edge count to the edge's weight in that layer; nil means the count.
func NewUnionView(g *Graph, weight func(k Kind, count uint32) float64) *UnionView {
	if weight == nil {
		weight = func(_ Kind, c uint32) float64 { return float64(c) }
	}
	v := &UnionView{g: g, weight: weight}
	for _, l := range g.layers {
		if l != nil {
			v.layers = append(v.layers, l)
		}
	}
	return v
}

func (g *UnionView) valid(id int64) bool { return id >= 0 && id < int64(g.g.n) }

// Node returns the node with the given id, or nil when id is not in [0, N).
func (g *UnionView) Node(id int64) gonum.Node {
	if !g.valid(id) {
		return nil
	}
	return simple.Node(id)
}

// Nodes returns all N nodes in ascending id order.
func (g *UnionView) Nodes() gonum.Nodes { return newNodeRange(g.g.n) }

// From returns the distinct targets of u's out-edges over all layers, ascending.
func (g *UnionView) From(id int64) gonum.Nodes {
	if !g.valid(id) {
		return gonum.Empty
	}
	it := &nodeMerge{cur: -1}
	for _, l := range g.layers {
		if adj, _ := l.Out(uint32(id)); len(adj) > 0 {
			it.lists[it.k] = adj
			it.k++
		}
	}
	return it
}

// To returns the distinct actors of v's in-edges over all layers, ascending.
func (g *UnionView) To(id int64) gonum.Nodes {
	if !g.valid(id) {
		return gonum.Empty
	}
	it := &nodeMerge{cur: -1}
	for _, l := range g.layers {
		if adj, _ := l.In(uint32(id)); len(adj) > 0 {
			it.lists[it.k] = adj
			it.k++
		}
	}
	return it
}

// HasEdgeFromTo reports whether u→v is an edge of any layer.
func (g *UnionView) HasEdgeFromTo(uid, vid int64) bool {
	if !g.valid(uid) || !g.valid(vid) {
		return false
	}
	for _, l := range g.layers {
		if _, ok := l.Weight(uint32(uid), uint32(vid)); ok {
			return true
		}
	}
	return false
}

// HasEdgeBetween reports whether x→y or y→x exists.
func (g *UnionView) HasEdgeBetween(xid, yid int64) bool {
	return g.HasEdgeFromTo(xid, yid) || g.HasEdgeFromTo(yid, xid)
}

// Edge returns the edge u→v, or nil.
func (g *UnionView) Edge(uid, vid int64) gonum.Edge {
	if e := g.WeightedEdge(uid, vid); e != nil {
		return e
	}
	return nil
}

// WeightedEdge returns the edge u→v with its summed weight, or nil.
func (g *UnionView) WeightedEdge(uid, vid int64) gonum.WeightedEdge {
	w, ok := g.sum(uid, vid)
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(uid), T: simple.Node(vid), W: w}
}

// Weight returns the summed weight of x→y; 0 and true when x == y is a node; +Inf
// and false when no layer has the edge.
func (g *UnionView) Weight(xid, yid int64) (w float64, ok bool) {
	if xid == yid && g.valid(xid) {
		return 0, true
	}
	w, ok = g.sum(xid, yid)
	if !ok {
		return math.Inf(1), false
	}
	return w, true
}

func (g *UnionView) sum(uid, vid int64) (w float64, ok bool) {
	if !g.valid(uid) || !g.valid(vid) {
		return 0, false
	}
	for _, l := range g.layers {
		if c, found := l.Weight(uint32(uid), uint32(vid)); found {
			w += g.weight(l.kind, c)
			ok = true
		}
	}
	return w, ok
}

// nodeRange iterates over the ids [0, n).
type nodeRange struct{ n, cur int }

func newNodeRange(n int) *nodeRange { return &nodeRange{n: n, cur: -1} }

func (it *nodeRange) Next() bool {
	if it.cur < it.n {
		it.cur++
	}
	return it.cur < it.n
}

func (it *nodeRange) Len() int { return it.n - 1 - min(it.cur, it.n-1) }

func (it *nodeRange) Reset() { it.cur = -1 }

func (it *nodeRange) Node() gonum.Node {
	if it.cur < 0 || it.cur >= it.n {
		return nil
	}
	return simple.Node(it.cur)
}

// nodeList iterates over an ascending adjacency list.
type nodeList struct {
	adj []uint32
	cur int
}

func newNodeList(adj []uint32) *nodeList { return &nodeList{adj: adj, cur: -1} }

func (it *nodeList) Next() bool {
	if it.cur < len(it.adj) {
		it.cur++
	}
	return it.cur < len(it.adj)
}

func (it *nodeList) Len() int { return len(it.adj) - 1 - min(it.cur, len(it.adj)-1) }

func (it *nodeList) Reset() { it.cur = -1 }

func (it *nodeList) Node() gonum.Node {
	if it.cur < 0 || it.cur >= len(it.adj) {
		return nil
	}
	return simple.Node(it.adj[it.cur])
}

// nodeMerge iterates over the union of up to NumKinds ascending adjacency lists,
// each distinct id once, ascending.
type nodeMerge struct {
	lists [NumKinds][]uint32
	pos   [NumKinds]int
	k     int
	cur   int64 // current id, −1 before the start; −2 after the end
}

// head returns the smallest head at or after the positions pos, or −1 when every
// list is exhausted.
func (it *nodeMerge) head(pos *[NumKinds]int) int64 {
	m := int64(-1)
	for i := 0; i < it.k; i++ {
		if p := pos[i]; p < len(it.lists[i]) {
			if v := int64(it.lists[i][p]); m < 0 || v < m {
				m = v
			}
		}
	}
	return m
}

// advance moves every list past id v.
func (it *nodeMerge) advance(pos *[NumKinds]int, v int64) {
	for i := 0; i < it.k; i++ {
		if p := pos[i]; p < len(it.lists[i]) && int64(it.lists[i][p]) == v {
			pos[i]++
		}
	}
}

func (it *nodeMerge) Next() bool {
	if it.cur == -2 {
		return false
	}
	v := it.head(&it.pos)
	if v < 0 {
		it.cur = -2
		return false
	}
	it.advance(&it.pos, v)
	it.cur = v
	return true
}

// Len counts the distinct ids left by merging; it costs the length of the lists.
func (it *nodeMerge) Len() int {
	pos := it.pos
	n := 0
	for v := it.head(&pos); v >= 0; v = it.head(&pos) {
		it.advance(&pos, v)
		n++
	}
	return n
}

func (it *nodeMerge) Reset() {
	it.pos = [NumKinds]int{}
	it.cur = -1
}

func (it *nodeMerge) Node() gonum.Node {
	if it.cur < 0 {
		return nil
	}
	return simple.Node(it.cur)
}
