package graph

import (
	"math"
	"slices"
	"testing"

	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// viewGraph is the small two-layer graph of the view tests, over nodes 0..5:
//
//	follows:  0→1, 1→2, 2→0, 2→3, 3→4 (count 1 each), and a dropped self-loop 3→3
//	retweets: 0→2 ×3 (added as 2 + 1), 1→2 ×1, 4→3 ×1
//
// Node 5 is isolated (Grow). With the union weight count×{follows: 1, retweets: 2}
// the union's edges are 0→1: 1, 0→2: 6, 1→2: 1+2 = 3, 2→0: 1, 2→3: 1, 3→4: 1,
// 4→3: 2.
func viewGraph(t *testing.T) *Graph {
	t.Helper()
	var b Builder
	for _, e := range [][2]uint32{{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {3, 3}} {
		b.Add(Follows, e[0], e[1], 1)
	}
	b.Add(Retweets, 0, 2, 2)
	b.Add(Retweets, 0, 2, 1)
	b.Add(Retweets, 1, 2, 1)
	b.Add(Retweets, 4, 3, 1)
	b.Grow(6)
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func viewWeight(k Kind, c uint32) float64 {
	if k == Retweets {
		return 2 * float64(c)
	}
	return float64(c)
}

// simpleOf copies the edges of a view into gonum's map-based reference graph.
func simpleOf(t *testing.T, g gonum.WeightedDirected) *simple.WeightedDirectedGraph {
	t.Helper()
	s := simple.NewWeightedDirectedGraph(0, math.Inf(1))
	for _, u := range gonum.NodesOf(g.Nodes()) {
		s.AddNode(simple.Node(u.ID()))
	}
	for _, u := range gonum.NodesOf(g.Nodes()) {
		for _, v := range gonum.NodesOf(g.From(u.ID())) {
			s.SetWeightedEdge(g.WeightedEdge(u.ID(), v.ID()))
		}
	}
	return s
}

func ids(it gonum.Nodes) []int64 {
	var out []int64
	for it.Next() {
		out = append(out, it.Node().ID())
	}
	return out
}

func sortedIDs(it gonum.Nodes) []int64 {
	out := ids(it)
	slices.Sort(out)
	return out
}

// sameGraph checks that the view and gonum's copy agree on every node pair.
func sameGraph(t *testing.T, v gonum.WeightedDirected, s *simple.WeightedDirectedGraph) {
	t.Helper()
	n := int64(s.Nodes().Len())
	if got := v.Nodes().Len(); int64(got) != n {
		t.Fatalf("view has %d nodes, gonum %d", got, n)
	}
	for u := int64(-1); u <= n; u++ {
		if (v.Node(u) == nil) != (s.Node(u) == nil) {
			t.Errorf("Node(%d): view %v, gonum %v", u, v.Node(u), s.Node(u))
		}
		from, to := v.From(u), v.To(u)
		if from.Len() != s.From(u).Len() || to.Len() != s.To(u).Len() {
			t.Errorf("node %d: From/To Len %d/%d, gonum %d/%d", u, from.Len(), to.Len(), s.From(u).Len(), s.To(u).Len())
		}
		if got, want := ids(from), sortedIDs(s.From(u)); !slices.Equal(got, want) {
			t.Errorf("From(%d) = %v, want %v", u, got, want)
		}
		if got, want := ids(to), sortedIDs(s.To(u)); !slices.Equal(got, want) {
			t.Errorf("To(%d) = %v, want %v", u, got, want)
		}
		for w := int64(-1); w <= n; w++ {
			gw, gok := v.Weight(u, w)
			sw, sok := s.Weight(u, w)
			if u == w && s.Node(u) == nil {
				// gonum's simple graph answers (self, true) even for unknown nodes.
				sw, sok = math.Inf(1), false
			}
			if gw != sw || gok != sok {
				t.Errorf("Weight(%d, %d) = %v, %v; gonum %v, %v", u, w, gw, gok, sw, sok)
			}
			if v.HasEdgeFromTo(u, w) != s.HasEdgeFromTo(u, w) || v.HasEdgeBetween(u, w) != s.HasEdgeBetween(u, w) {
				t.Errorf("HasEdge(%d, %d) disagrees", u, w)
			}
			ve, se := v.WeightedEdge(u, w), s.WeightedEdge(u, w)
			if (ve == nil) != (se == nil) || (ve != nil && ve.Weight() != se.Weight()) {
				t.Errorf("WeightedEdge(%d, %d) = %v, gonum %v", u, w, ve, se)
			}
			if (v.Edge(u, w) == nil) != (se == nil) {
				t.Errorf("Edge(%d, %d) = %v, gonum %v", u, w, v.Edge(u, w), se)
			}
		}
	}
}

func TestLayerViewMatchesSimple(t *testing.T) {
	g := viewGraph(t)
	for _, k := range []Kind{Follows, Retweets} {
		v := NewLayerView(g.Layer(k))
		sameGraph(t, v, simpleOf(t, v))
	}
	// Retweet weights are the merged counts.
	if w, ok := NewLayerView(g.Layer(Retweets)).Weight(0, 2); w != 3 || !ok {
		t.Errorf("retweets 0→2 weighs %v, %v; want 3 (2 + 1 merged)", w, ok)
	}
}

func TestUnionViewMatchesSimple(t *testing.T) {
	g := viewGraph(t)
	v := NewUnionView(g, viewWeight)
	sameGraph(t, v, simpleOf(t, v))
	// The union weights of the comment on viewGraph.
	for _, tc := range []struct {
		u, v int64
		w    float64
	}{{0, 1, 1}, {0, 2, 6}, {1, 2, 3}, {2, 0, 1}, {2, 3, 1}, {3, 4, 1}, {4, 3, 2}} {
		if w, ok := v.Weight(tc.u, tc.v); w != tc.w || !ok {
			t.Errorf("union %d→%d weighs %v, %v; want %v", tc.u, tc.v, w, ok, tc.w)
		}
	}
	// nil weight: the summed count, 0→2 is 3 retweets.
	if w, _ := NewUnionView(g, nil).Weight(0, 2); w != 3 {
		t.Errorf("nil weight: 0→2 weighs %v, want 3", w)
	}
}

// TestViewsWithGonumAlgorithms runs gonum's shortest paths and strongly connected
// components on the views and on gonum's own copy of the same edges.
func TestViewsWithGonumAlgorithms(t *testing.T) {
	g := viewGraph(t)
	inf := math.Inf(1)
	for _, tc := range []struct {
		name string
		view gonum.WeightedDirected
		// Dijkstra distances from node 0, by hand:
		dist []float64
		// strongly connected components, each sorted, sorted by first id:
		scc [][]int64
	}{
		{
			// follows only: 0→1→2→3→4, one step each; 5 unreachable.
			// Cycle 0→1→2→0; 3 and 4 are alone (3→4 but no way back).
			name: "follows", view: NewLayerView(g.Layer(Follows)),
			dist: []float64{0, 1, 2, 3, 4, inf},
			scc:  [][]int64{{0, 1, 2}, {3}, {4}, {5}},
		},
		{
			// union: 2 via 1 costs 1 + 3 = 4 < 6 direct; then 3 at 4+1 = 5,
			// 4 at 5+1 = 6. 4→3 (retweet) closes the cycle 3⇄4.
			name: "union", view: NewUnionView(g, viewWeight),
			dist: []float64{0, 1, 4, 5, 6, inf},
			scc:  [][]int64{{0, 1, 2}, {3, 4}, {5}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := simpleOf(t, tc.view)
			for _, gr := range []gonum.WeightedDirected{tc.view, ref} {
				sp := path.DijkstraFrom(simple.Node(0), gr)
				for v, want := range tc.dist {
					if got := sp.WeightTo(int64(v)); got != want {
						t.Errorf("%T: distance 0→%d = %v, want %v", gr, v, got, want)
					}
				}
				var scc [][]int64
				for _, c := range topo.TarjanSCC(gr) {
					var ids []int64
					for _, n := range c {
						ids = append(ids, n.ID())
					}
					slices.Sort(ids)
					scc = append(scc, ids)
				}
				slices.SortFunc(scc, func(a, b []int64) int { return int(a[0] - b[0]) })
				if !slices.EqualFunc(scc, tc.scc, slices.Equal) {
					t.Errorf("%T: SCCs %v, want %v", gr, scc, tc.scc)
				}
			}
		})
	}
}

func TestViewIterators(t *testing.T) {
	g := viewGraph(t)
	u := NewUnionView(g, nil)
	// 2's in-neighbours: 1 (follows, retweets), 0 (retweets): merged, once each.
	it := u.To(2)
	if it.Len() != 2 {
		t.Errorf("To(2).Len() = %d, want 2", it.Len())
	}
	if it.Node() != nil {
		t.Error("Node before Next is not nil")
	}
	if !it.Next() || it.Node().ID() != 0 || it.Len() != 1 {
		t.Fatal("first To(2) node is not 0")
	}
	it.Reset()
	if got := ids(it); !slices.Equal(got, []int64{0, 1}) || it.Next() || it.Node() != nil || it.Len() != 0 {
		t.Errorf("after Reset: %v", got)
	}
	all := u.Nodes()
	if all.Len() != 6 {
		t.Errorf("Nodes().Len() = %d, want 6", all.Len())
	}
	all.Next()
	all.Next()
	if all.Len() != 4 || all.Node().ID() != 1 {
		t.Errorf("after 2 Next: Len %d, node %v", all.Len(), all.Node())
	}
	for all.Next() {
	}
	if all.Node() != nil || all.Len() != 0 {
		t.Error("exhausted Nodes still yields")
	}
	if u.From(6) != gonum.Empty || u.To(-1) != gonum.Empty || NewLayerView(g.Layer(Follows)).From(99) != gonum.Empty {
		t.Error("out-of-range ids do not give graph.Empty")
	}
	// An isolated node has empty lists.
	if u.From(5).Len() != 0 || u.From(5).Next() {
		t.Error("isolated node 5 has neighbours")
	}
}
