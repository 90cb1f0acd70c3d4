package rank

import (
	"fmt"
	"testing"

	"github.com/clout-dev/clout/datasets/rmat"
	"github.com/clout-dev/clout/graph"
)

func TestApportion(t *testing.T) {
	all := []graph.Kind{graph.Retweets, graph.Mentions, graph.Replies, graph.Likes}
	for _, tc := range []struct {
		name string
		c    [graph.NumKinds]uint32
		r    uint64
		want [graph.NumKinds]uint32
	}{
		{"nothing returned", [graph.NumKinds]uint32{graph.Retweets: 3, graph.Mentions: 1}, 0,
			[graph.NumKinds]uint32{graph.Retweets: 3, graph.Mentions: 1}},
		{"all returned", [graph.NumKinds]uint32{graph.Retweets: 3, graph.Mentions: 1}, 4, [graph.NumKinds]uint32{}},
		{"more returned", [graph.NumKinds]uint32{graph.Retweets: 3}, 9, [graph.NumKinds]uint32{}},
		// e = 4, net 2: retweets 3·2/4 = 1.5, mentions 1·2/4 = 0.5; floors 1 and 0
		// leave one event, and the remainders tie (2/4 each): retweets come first.
		{"largest remainder, tie in layer order", [graph.NumKinds]uint32{graph.Retweets: 3, graph.Mentions: 1}, 2,
			[graph.NumKinds]uint32{graph.Retweets: 2}},
		// e = 10, net 7: retweets 6·0.7 = 4.2, replies 4·0.7 = 2.8: floors 4 + 2, the
		// last event to replies (remainder 0.8 > 0.2).
		{"largest remainder", [graph.NumKinds]uint32{graph.Retweets: 6, graph.Replies: 4}, 3,
			[graph.NumKinds]uint32{graph.Retweets: 4, graph.Replies: 3}},
	} {
		var e uint64
		for _, x := range tc.c {
			e += uint64(x)
		}
		c := tc.c
		if got := apportion(&c, e, tc.r, all); got != tc.want {
			t.Errorf("%s: apportion = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNetEngagement(t *testing.T) {
	// 0 and 1 trade: 0→1 retweets ×3 at t=10..30 and a mention at t=40; 1→0 replies
	// ×2. Net 0→1: 4 − 2 = 2 events, all retweets (see TestApportion), first 10,
	// last 30; 1→0 nets to nothing. 2→3 is not returned and stays as it is; the
	// follows 0↔1 stay too.
	var b graph.Builder
	for _, at := range []int64{10, 20, 30} {
		b.AddAt(graph.Retweets, 0, 1, 1, at)
	}
	b.AddAt(graph.Mentions, 0, 1, 1, 40)
	b.AddAt(graph.Replies, 1, 0, 2, 50)
	b.AddAt(graph.Retweets, 2, 3, 5, 60)
	b.Add(graph.Follows, 0, 1, 1)
	b.Add(graph.Follows, 1, 0, 1)
	b.Declare(graph.Likes)
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	ng, st := NetEngagement(g, 1)
	if st.ReturnedPairs != 2 || st.Events != 4 {
		t.Errorf("stats %+v, want 2 returned pairs (0→1, 1→0) and 4 events (2 each way)", st)
	}
	if ng.Nodes() != 4 || !ng.Has(graph.Likes) || !ng.Has(graph.Replies) {
		t.Fatalf("net graph: %d nodes, layers likes %v replies %v", ng.Nodes(), ng.Has(graph.Likes), ng.Has(graph.Replies))
	}
	checkCounts(t, ng, []edgeCount{
		{graph.Retweets, 0, 1, 2}, {graph.Mentions, 0, 1, 0}, {graph.Replies, 1, 0, 0},
		{graph.Retweets, 2, 3, 5}, {graph.Follows, 0, 1, 1}, {graph.Follows, 1, 0, 1},
	})
	lo, _ := ng.Layer(graph.Retweets).OutRange(0)
	if _, _, first, last := ng.Layer(graph.Retweets).EdgeAt(lo); first != 10 || last != 30 {
		t.Errorf("0→1 kept times %d..%d, want 10..30", first, last)
	}

	// Nothing returned: the graph itself comes back.
	var b2 graph.Builder
	b2.Add(graph.Retweets, 0, 1, 1)
	g2, _ := b2.Build(1, nil)
	if ng2, st := NetEngagement(g2, 1); ng2 != g2 || st.ReturnedPairs != 0 {
		t.Errorf("a graph without returned engagement was rebuilt (%+v)", st)
	}
}

func TestRecentEngagers(t *testing.T) {
	// The window is [0, 100] (the earliest and latest events) and the half-life 0.25
	// of it, 25 seconds. User 0's engagers: 1 (retweets at 20 and 100: latest 100,
	// age 0, weight 1) and 2 (a mention at 50, age 50, weight 2^-2 = 0.25): 1.25.
	// Influence: each weight × the engager's pagerank × N (here 1 and 3).
	var b graph.Builder
	b.AddAt(graph.Retweets, 1, 0, 1, 20)
	b.AddAt(graph.Retweets, 1, 0, 1, 100)
	b.AddAt(graph.Mentions, 2, 0, 1, 50)
	b.AddAt(graph.Mentions, 3, 1, 1, 0)
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	pr := []float64{0.25, 0.25 / 3, 0.75, 0.25 / 3 * 2}
	sigs := signals(Inputs{Graph: g}, pr, 1, 0.25, engagerCredit(g, DefaultEngagerBudget, 1))
	rec := signal(t, sigs, "recent_engagers").Values
	inf := signal(t, sigs, "recent_engager_influence").Values
	// User 1: engager 3 at 0, age 100 = 4 half-lives: 1/16.
	if !near(rec[0], 1.25) || !near(rec[1], 1.0/16) || rec[2] != 0 || rec[3] != 0 {
		t.Errorf("recent_engagers = %v, want [1.25 0.0625 0 0]", rec)
	}
	// pagerank × 4 users: 1, 1/3, 3, 2/3. User 0: 1·(1/3) + 0.25·3 = 1.0833333;
	// user 1: (1/16)·(2/3) = 0.0416667.
	if !near(inf[0], 1.0/3+0.75) || !near(inf[1], 1.0/24) {
		t.Errorf("recent_engager_influence = %v, want [1.0833 0.041667 0 0]", inf)
	}
	// An explicit window end moves the ages and the half-life: the window [0, 150]
	// has a half-life of 37.5 s, and user 0's engagers are 50 and 100 s old:
	// 2^(−50/37.5) + 2^(−100/37.5) = 0.3968503 + 0.1574901.
	sigs = signals(Inputs{Graph: g, End: 150}, pr, 1, 0.25, engagerCredit(g, DefaultEngagerBudget, 1))
	if got, want := signal(t, sigs, "recent_engagers").Values[0], 0.39685026299204984+0.15749013123685915; !near(got, want) {
		t.Errorf("with End 150: %g, want %g", got, want)
	}
}

func TestClosedGroups(t *testing.T) {
	// 0→1→2→3→0: a cycle of four, the largest group, engaged from outside by nobody:
	// never closed. 4→5 (retweet), 5→6 (mention), 6→4 (reply): a cycle of three over
	// three layers, engaged from outside by 7 alone (1 < 3): closed. 8 and 9 trade
	// (8→9 ×3, 9→8 ×1), engaged from outside by 10 and 11 (2 accounts, not fewer
	// than 2 members; 2 outside pairs, not fewer than the 2 pairs within): open.
	// 12→13: no group. Follows do not make groups: 13 and 12 follow each other.
	// 14, 15 and 16 engage one another both ways (6 pairs within; 14→15, 15→16
	// and 16→14 twice, back once), engaged from outside by 17, 18 and 19, one
	// member each: 3 accounts, not fewer than its 3 members, but 3 outside pairs,
	// fewer than the 6 within: closed.
	var b graph.Builder
	for u := range uint32(4) {
		b.AddAt(graph.Retweets, u, (u+1)%4, 1, 10)
	}
	b.AddAt(graph.Retweets, 4, 5, 1, 10)
	b.AddAt(graph.Mentions, 5, 6, 2, 10)
	b.AddAt(graph.Replies, 6, 4, 1, 10)
	b.AddAt(graph.Retweets, 7, 4, 1, 10)
	b.AddAt(graph.Mentions, 8, 9, 3, 10)
	b.AddAt(graph.Mentions, 9, 8, 1, 10)
	b.AddAt(graph.Retweets, 10, 8, 1, 10)
	b.AddAt(graph.Retweets, 11, 9, 1, 10)
	b.AddAt(graph.Retweets, 12, 13, 1, 10)
	b.Add(graph.Follows, 12, 13, 1)
	b.Add(graph.Follows, 13, 12, 1)
	for _, e := range [][3]uint32{{14, 15, 2}, {15, 14, 1}, {15, 16, 2}, {16, 15, 1}, {16, 14, 2}, {14, 16, 1}, {17, 14, 1}, {18, 15, 1}, {19, 16, 1}} {
		b.AddAt(graph.Mentions, e[0], e[1], e[2], 10)
	}
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	group, groups, members := closedGroups(g, nil)
	if groups != 2 || members != 6 {
		t.Fatalf("%d closed groups of %d members, want 2 of 6", groups, members)
	}
	for u, gr := range group {
		first := map[bool]int{true: 4, false: 14}[u < 14]
		if want := (u >= 4 && u <= 6) || (u >= 14 && u <= 16); (gr >= 0) != want || (want && gr != group[first]) {
			t.Errorf("user %d: group %d; want closed (with %d): %v", u, gr, first, want)
		}
	}
	if group[4] == group[14] {
		t.Errorf("the two closed groups share the number %d", group[4])
	}
	comp, count := components(g, interactionKinds(g))
	if count != 12 { // 20 users: {0–3}, {4–6}, {8, 9}, {14–16} and the singletons 7, 10–13, 17–19
		t.Errorf("%d components, want 12", count)
	}
	for _, same := range [][]int{{0, 1, 2, 3}, {4, 5, 6}, {8, 9}, {14, 15, 16}} {
		for _, u := range same[1:] {
			if comp[u] != comp[same[0]] {
				t.Errorf("users %d and %d in components %d and %d, want one", same[0], u, comp[same[0]], comp[u])
			}
		}
	}
	if comp[12] == comp[13] || comp[0] == comp[4] {
		t.Errorf("components %v: 12 and 13, or the two cycles, joined", comp)
	}

	// The netting takes the returned events out (8↔9 and the three pairs of 14–16,
	// one event each way: 8 ordered pairs, 8 events), then the closed groups'
	// engagement (1 + 2 + 1 events, and the 3 net events left among 14–16), and
	// nothing else: 8→9 keeps 3 − 1 = 2 events, 7→4 and 17→14 their one.
	ng, st := NetEngagement(g, 1)
	if st.ClosedGroups != 2 || st.ClosedMembers != 6 || st.ClosedEvents != 7 || st.ReturnedPairs != 8 || st.Events != 8 {
		t.Errorf("stats %+v, want 2 closed groups of 6, 7 events; 8 returned pairs, 8 events", st)
	}
	checkCounts(t, ng, []edgeCount{
		{graph.Retweets, 4, 5, 0}, {graph.Mentions, 5, 6, 0}, {graph.Replies, 6, 4, 0},
		{graph.Retweets, 7, 4, 1}, {graph.Mentions, 8, 9, 2}, {graph.Mentions, 9, 8, 0},
		{graph.Retweets, 0, 1, 1}, {graph.Retweets, 3, 0, 1}, {graph.Retweets, 12, 13, 1},
		{graph.Mentions, 14, 15, 0}, {graph.Mentions, 15, 16, 0}, {graph.Mentions, 16, 14, 0},
		{graph.Mentions, 17, 14, 1}, {graph.Mentions, 19, 16, 1},
	})

	// Follows alone make no group.
	var f graph.Builder
	f.Add(graph.Follows, 0, 1, 1)
	f.Add(graph.Follows, 1, 0, 1)
	fg, err := f.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if group, groups, _ := closedGroups(fg, nil); group != nil || groups != 0 {
		t.Errorf("follows alone: %d closed groups", groups)
	}
}

func TestComponentsLongCycle(t *testing.T) {
	// One cycle through 300,000 users: one component, found without recursion.
	const n = 300000
	var b graph.Builder
	for u := range uint32(n) {
		b.Add(graph.Retweets, u, (u+1)%n, 1)
	}
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, count := components(g, interactionKinds(g)); count != 1 {
		t.Errorf("%d components, want 1", count)
	}
}

// BenchmarkClosedGroups finds the closed groups of R-MAT graphs whose edges are
// spread over the five layers (the interaction layers hold four fifths of them):
// the components and the outside engagers (weighed by their engager credit, as
// Score does), per interaction edge.
func BenchmarkClosedGroups(b *testing.B) {
	for _, scale := range []int{16, 18, 20} {
		b.Run(fmt.Sprintf("scale=%d,ef=16,layers=5", scale), func(b *testing.B) {
			g := cachedRMAT(b, scale, 16, true)
			m := interactionEdges(g)
			credit := engagerCredit(g, DefaultEngagerBudget, 0)
			var groups int
			for b.Loop() {
				_, groups, _ = closedGroups(g, credit)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/m, "ns/edge")
			b.ReportMetric(float64(groups), "groups")
		})
	}
}

// timedRMAT is the multi-layer R-MAT graph of rmatGraph with every event at a time
// spread over a year (deterministic), for the engager credit's weekly count.
func timedRMAT(b *testing.B, scale int) *graph.Graph {
	key := fmt.Sprint("timed", scale)
	if g, ok := benchGraphs.Load(key); ok {
		return g.(*graph.Graph)
	}
	var gb graph.Builder
	gb.Grow(1 << scale)
	i := uint32(0)
	const year = 365 * 24 * 60 * 60
	if err := rmat.Generate(scale, 16, 1, func(s, d uint32) error {
		i++
		gb.AddAt(graph.Kind(i%uint32(graph.NumKinds)), s, d, 1+i%3, int64(i)*7919%year)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	g, err := gb.Build(0, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchGraphs.Store(key, g)
	return g
}

// interactionEdges returns the number of edges of g's interaction layers.
func interactionEdges(g *graph.Graph) float64 {
	var m float64
	for _, k := range interactionKinds(g) {
		m += float64(g.Layer(k).Edges())
	}
	return m
}

// BenchmarkEngagerCredit computes every account's engager credit (the distinct
// accounts it engaged, merging its out-lists over the interaction layers) on the
// graphs of BenchmarkClosedGroups, per interaction edge, on every CPU; timed=year
// spreads the events over a year, so that the accounts over the budget by their
// distinct targets are counted again within a week (sorting their targets' times).
func BenchmarkEngagerCredit(b *testing.B) {
	for _, bc := range []struct {
		scale int
		timed bool
	}{{16, false}, {18, false}, {20, false}, {16, true}, {18, true}, {20, true}} {
		name := fmt.Sprintf("scale=%d,ef=16,layers=5", bc.scale)
		if bc.timed {
			name += ",timed=year"
		}
		b.Run(name, func(b *testing.B) {
			g := cachedRMAT(b, bc.scale, 16, true)
			if bc.timed {
				g = timedRMAT(b, bc.scale)
			}
			m := interactionEdges(g)
			var credit []float64
			for b.Loop() {
				credit = engagerCredit(g, DefaultEngagerBudget, 0)
			}
			over := 0
			for _, c := range credit {
				if c < 1 {
					over++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/m, "ns/edge")
			b.ReportMetric(float64(over), "over-budget")
		})
	}
}

// edgeCount is an expected event count of an edge of one layer (0: no edge).
type edgeCount struct {
	k     graph.Kind
	u, v  uint32
	count uint32
}

func checkCounts(t *testing.T, g *graph.Graph, want []edgeCount) {
	t.Helper()
	for _, tc := range want {
		c, ok := g.Layer(tc.k).Weight(tc.u, tc.v)
		if !ok {
			c = 0
		}
		if c != tc.count {
			t.Errorf("%s %d→%d: count %d, want %d", tc.k, tc.u, tc.v, c, tc.count)
		}
	}
}
