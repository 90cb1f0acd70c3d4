package graph

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// addOp is one Builder call of a table test.
type addOp struct {
	k        Kind
	src, dst uint32
	count    uint32
	t        int64 // NoTime for Add
}

func add(k Kind, src, dst, count uint32) addOp { return addOp{k, src, dst, count, NoTime} }
func addAt(k Kind, src, dst, count uint32, t int64) addOp {
	return addOp{k, src, dst, count, t}
}

// wantEdge is an aggregated out-edge as EdgeAt reports it.
type wantEdge struct {
	src, dst    uint32
	count       uint32
	first, last int64
}

func build(t *testing.T, ops []addOp, declare []Kind, grow uint64, workers int) *Graph {
	t.Helper()
	var b Builder
	for _, k := range declare {
		b.Declare(k)
	}
	for _, o := range ops {
		b.AddAt(o.k, o.src, o.dst, o.count, o.t)
	}
	b.Grow(grow)
	g, err := b.Build(workers, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.Nodes() != 0 || b.Len(Follows) != 0 || b.Present(Follows) {
		t.Error("Build did not empty the Builder")
	}
	return g
}

func edgesOf(l *Layer) []wantEdge {
	var out []wantEdge
	for u := 0; u < l.Nodes(); u++ {
		lo, hi := l.OutRange(uint32(u))
		for i := lo; i < hi; i++ {
			v, c, f, z := l.EdgeAt(i)
			out = append(out, wantEdge{uint32(u), v, c, f, z})
		}
	}
	return out
}

func TestBuilder(t *testing.T) {
	const x = NoTime
	for _, tc := range []struct {
		name    string
		ops     []addOp
		declare []Kind
		grow    uint64

		nodes  int
		layer  Kind
		edges  []wantEdge // of layer
		unit   bool
		timed  bool
		events uint64
		self   uint64 // self-loop events dropped from layer
	}{
		{
			name:  "merge duplicates sums counts",
			ops:   []addOp{add(Retweets, 0, 1, 1), add(Retweets, 0, 1, 4), add(Retweets, 2, 0, 1), add(Retweets, 0, 1, 1)},
			nodes: 3, layer: Retweets,
			// 1 + 4 + 1 = 6 events on 0→1.
			edges: []wantEdge{{0, 1, 6, x, x}, {2, 0, 1, x, x}},
			unit:  false, events: 7,
		},
		{
			name:  "unit counts are not stored",
			ops:   []addOp{add(Follows, 3, 1, 1), add(Follows, 3, 0, 1), add(Follows, 1, 3, 1)},
			nodes: 4, layer: Follows,
			// Out-lists come out sorted: 3→0 before 3→1.
			edges: []wantEdge{{1, 3, 1, x, x}, {3, 0, 1, x, x}, {3, 1, 1, x, x}},
			unit:  true, events: 3,
		},
		{
			name:  "duplicates of count 1 make counts",
			ops:   []addOp{add(Likes, 0, 1, 1), add(Likes, 0, 1, 1)},
			nodes: 2, layer: Likes,
			edges: []wantEdge{{0, 1, 2, x, x}},
			unit:  false, events: 2,
		},
		{
			name: "first and last times are min and max",
			ops: []addOp{
				addAt(Mentions, 0, 1, 1, 50), addAt(Mentions, 0, 1, 1, 10), addAt(Mentions, 0, 1, 1, 30),
				addAt(Mentions, 1, 0, 2, 7),
			},
			nodes: 2, layer: Mentions,
			edges: []wantEdge{{0, 1, 3, 10, 50}, {1, 0, 2, 7, 7}},
			timed: true, events: 5,
		},
		{
			name: "NoTime is absent, not the earliest",
			ops: []addOp{
				add(Replies, 0, 1, 1), addAt(Replies, 0, 1, 1, 20), add(Replies, 0, 1, 1), // one timed event
				add(Replies, 0, 2, 1), // an untimed edge in a timed layer
				addAt(Replies, 2, 0, 1, 5), add(Replies, 2, 0, 1),
			},
			nodes: 3, layer: Replies,
			edges: []wantEdge{{0, 1, 3, 20, 20}, {0, 2, 1, x, x}, {2, 0, 2, 5, 5}},
			timed: true, events: 6,
		},
		{
			name:  "self-loops are dropped and counted",
			ops:   []addOp{add(Retweets, 1, 1, 3), add(Retweets, 0, 1, 1), add(Retweets, 2, 2, 1)},
			nodes: 3, layer: Retweets,
			edges: []wantEdge{{0, 1, 1, x, x}},
			unit:  true, events: 1, self: 4,
		},
		{
			name:  "count 0 adds nodes only",
			ops:   []addOp{add(Follows, 0, 4, 0)},
			nodes: 5, layer: Follows,
			unit: true,
		},
		{
			name:    "declared empty layer",
			declare: []Kind{Likes},
			ops:     []addOp{add(Follows, 0, 1, 1)},
			nodes:   2, layer: Likes,
			unit: true,
		},
		{
			name:  "isolated nodes via Grow",
			ops:   []addOp{add(Follows, 0, 1, 1)},
			grow:  10,
			nodes: 10, layer: Follows,
			edges: []wantEdge{{0, 1, 1, x, x}},
			unit:  true, events: 1,
		},
		{
			name:  "Grow below the ids is a no-op",
			ops:   []addOp{add(Follows, 6, 1, 1)},
			grow:  3,
			nodes: 7, layer: Follows,
			edges: []wantEdge{{6, 1, 1, x, x}},
			unit:  true, events: 1,
		},
		{
			// Counts below 255 take a byte; 255 and above go to the overflow map, by
			// out-position and by in-position (checkTranspose reads both).
			name: "counts around the one-byte escape",
			ops: []addOp{add(Retweets, 0, 1, 254), add(Retweets, 0, 2, 255), add(Retweets, 0, 3, 256),
				add(Retweets, 3, 2, 1000), add(Retweets, 1, 2, 1), add(Retweets, 2, 0, 7)},
			nodes: 4, layer: Retweets,
			edges: []wantEdge{{0, 1, 254, x, x}, {0, 2, 255, x, x}, {0, 3, 256, x, x}, {1, 2, 1, x, x},
				{2, 0, 7, x, x}, {3, 2, 1000, x, x}},
			// 254 + 255 + 256 + 1000 + 1 + 7
			events: 1773,
		},
		{
			name:  "counts saturate at 2^32-1",
			ops:   []addOp{add(Likes, 0, 1, 1<<32-1), add(Likes, 0, 1, 5)},
			nodes: 2, layer: Likes,
			edges:  []wantEdge{{0, 1, 1<<32 - 1, x, x}},
			events: 1<<32 - 1,
		},
	} {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", tc.name, workers), func(t *testing.T) {
				g := build(t, tc.ops, tc.declare, tc.grow, workers)
				if g.Nodes() != tc.nodes {
					t.Errorf("Nodes() = %d, want %d", g.Nodes(), tc.nodes)
				}
				l := g.Layer(tc.layer)
				if l == nil {
					t.Fatalf("layer %v absent", tc.layer)
				}
				if got := edgesOf(l); !slices.Equal(got, tc.edges) {
					t.Errorf("edges %v, want %v", got, tc.edges)
				}
				if l.Edges() != len(tc.edges) || l.Unit() != tc.unit || l.Timed() != tc.timed || l.Events() != tc.events {
					t.Errorf("Edges %d Unit %v Timed %v Events %d; want %d %v %v %d",
						l.Edges(), l.Unit(), l.Timed(), l.Events(), len(tc.edges), tc.unit, tc.timed, tc.events)
				}
				if g.SelfLoops(tc.layer) != tc.self {
					t.Errorf("SelfLoops = %d, want %d", g.SelfLoops(tc.layer), tc.self)
				}
				for u := 0; u < g.Nodes() && tc.unit; u++ {
					_, out := l.Out(uint32(u))
					_, in := l.In(uint32(u))
					if !out.Unit() || !in.Unit() {
						t.Errorf("unit layer returns counts for node %d", u)
					}
				}
				var maxCount uint32
				for _, e := range tc.edges {
					maxCount = max(maxCount, e.count)
				}
				if l.MaxCount() != maxCount {
					t.Errorf("MaxCount() = %d, want %d", l.MaxCount(), maxCount)
				}
				checkTranspose(t, l)
			})
		}
	}
}

// TestBuilderPresence checks absent (nil) against declared-but-empty layers.
func TestBuilderPresence(t *testing.T) {
	var b Builder
	b.Declare(Likes)
	b.Add(Follows, 0, 1, 1)
	b.Add(Mentions, 2, 2, 1) // only a self-loop: present, empty
	if !b.Present(Likes) || !b.Present(Mentions) || b.Present(Retweets) {
		t.Error("Present before Build")
	}
	g, err := b.Build(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[Kind]int{Follows: 1, Likes: 0, Mentions: 0, Retweets: -1, Replies: -1} {
		l := g.Layer(k)
		switch {
		case want < 0 && (l != nil || g.Has(k)):
			t.Errorf("%v: present, want absent", k)
		case want >= 0 && (l == nil || !g.Has(k)):
			t.Errorf("%v: absent, want present", k)
		case want >= 0 && l.Edges() != want:
			t.Errorf("%v: %d edges, want %d", k, l.Edges(), want)
		}
	}
	if g.Layer(NumKinds) != nil || g.Edges() != 1 || g.SelfLoops(Mentions) != 1 {
		t.Errorf("Layer(NumKinds) %v, Edges %d, SelfLoops %d", g.Layer(NumKinds), g.Edges(), g.SelfLoops(Mentions))
	}
}

// checkTranspose checks the in-CSR against the transposed out-CSR.
func checkTranspose(t *testing.T, l *Layer) {
	t.Helper()
	type key struct{ u, v uint32 }
	out := map[key]uint32{}
	for u := 0; u < l.Nodes(); u++ {
		adj, cnt := l.Out(uint32(u))
		if !slices.IsSorted(adj) {
			t.Errorf("out-list of %d not sorted: %v", u, adj)
		}
		for i, v := range adj {
			out[key{uint32(u), v}] = cnt.At(i)
		}
	}
	in := map[key]uint32{}
	for v := 0; v < l.Nodes(); v++ {
		adj, cnt := l.In(uint32(v))
		if !slices.IsSorted(adj) || len(adj) != l.InDegree(uint32(v)) {
			t.Errorf("in-list of %d not sorted: %v", v, adj)
		}
		var sum uint64
		for i := range adj {
			sum += uint64(cnt.At(i))
		}
		if cnt.Sum(len(adj)) != sum {
			t.Errorf("in-counts of %d: Sum %d, want %d", v, cnt.Sum(len(adj)), sum)
		}
		for i, u := range adj {
			in[key{u, uint32(v)}] = cnt.At(i)
		}
	}
	if !maps.Equal(in, out) {
		t.Errorf("in-CSR %v is not the transposed out-CSR %v", in, out)
	}
}

// TestBuilderRandom checks a seeded random multigraph on every layer against a
// map-based reference: merged counts, first/last times, degrees, Weight and the
// in-CSR as the transposed out-CSR.
func TestBuilderRandom(t *testing.T) {
	type key struct{ u, v uint32 }
	type agg struct {
		count       uint64
		first, last int64
	}
	r := rand.New(rand.NewPCG(1, 2))
	const n = 300
	var b Builder
	ref := [NumKinds]map[key]*agg{}
	var self [NumKinds]uint64
	for k := range NumKinds {
		ref[k] = map[key]*agg{}
		m := 2000 + r.IntN(3000)
		for range m {
			// Skewed ids so that pairs repeat.
			u, v := uint32(r.IntN(1+r.IntN(n))), uint32(r.IntN(n))
			c := uint32(1)
			if k != Follows && r.IntN(4) == 0 {
				c = uint32(1 + r.IntN(5))
			}
			ts := NoTime
			if k >= Mentions && r.IntN(3) > 0 {
				ts = int64(r.IntN(1000))
			}
			b.AddAt(k, u, v, c, ts)
			if u == v {
				self[k] += uint64(c)
				continue
			}
			a := ref[k][key{u, v}]
			if a == nil {
				a = &agg{first: NoTime, last: NoTime}
				ref[k][key{u, v}] = a
			}
			a.count += uint64(c)
			if ts != NoTime {
				if a.first == NoTime || ts < a.first {
					a.first = ts
				}
				a.last = max(a.last, ts)
			}
		}
	}
	b.Grow(n)
	g, err := b.Build(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Nodes() != n {
		t.Fatalf("Nodes() = %d, want %d", g.Nodes(), n)
	}
	for k := range NumKinds {
		l := g.Layer(k)
		got := map[key]*agg{}
		for _, e := range edgesOf(l) {
			got[key{e.src, e.dst}] = &agg{uint64(e.count), e.first, e.last}
			if w, ok := l.Weight(e.src, e.dst); !ok || w != e.count {
				t.Errorf("%v: Weight(%d, %d) = %d, %v; want %d", k, e.src, e.dst, w, ok, e.count)
			}
		}
		if !maps.EqualFunc(got, ref[k], func(a, b *agg) bool { return *a == *b }) {
			t.Errorf("%v: merged edges differ from the reference", k)
		}
		if g.SelfLoops(k) != self[k] {
			t.Errorf("%v: SelfLoops %d, want %d", k, g.SelfLoops(k), self[k])
		}
		unit := true
		for _, a := range ref[k] {
			unit = unit && a.count == 1
		}
		if l.Unit() != unit {
			t.Errorf("%v: Unit() = %v", k, l.Unit())
		}
		if l.Timed() != (k >= Mentions) {
			t.Errorf("%v: Timed() = %v", k, l.Timed())
		}
		if _, ok := l.Weight(0, 0); ok {
			t.Errorf("%v: a self-loop survived", k)
		}
		checkTranspose(t, l)
	}
}

func TestBuilderTooManyNodes(t *testing.T) {
	var b Builder
	b.Grow(MaxNodes + 1)
	if _, err := b.Build(1, nil); err != ErrTooManyNodes {
		t.Errorf("got %v, want ErrTooManyNodes", err)
	}
}

func ExampleBuilder() {
	var b Builder
	b.Add(Follows, 0, 1, 1)        // 0 follows 1
	b.Add(Follows, 2, 1, 1)        // 2 follows 1
	b.AddAt(Retweets, 0, 1, 2, 90) // 0 retweeted 1 twice at t=90 …
	b.AddAt(Retweets, 0, 1, 1, 60) // … and once at t=60
	b.Add(Retweets, 1, 1, 1)       // a self-retweet: dropped
	b.Grow(4)                      // node 3 has no edges
	g, err := b.Build(0, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	followers, _ := g.Layer(Follows).In(1)
	fmt.Println("nodes:", g.Nodes(), "followers of 1:", followers)
	rt := g.Layer(Retweets)
	lo, _ := rt.OutRange(0)
	to, count, first, last := rt.EdgeAt(lo)
	fmt.Printf("0 retweeted %d: %d times, first %d, last %d\n", to, count, first, last)
	fmt.Println("self-loops dropped:", g.SelfLoops(Retweets), "likes present:", g.Has(Likes))
	// Output:
	// nodes: 4 followers of 1: [0 2]
	// 0 retweeted 1: 3 times, first 60, last 90
	// self-loops dropped: 1 likes present: false
}

// TestOutOnly checks that OutOnly keeps the out-CSR, counts and times, drops the
// in-CSR, and leaves the original graph whole.
func TestOutOnly(t *testing.T) {
	g := build(t, []addOp{addAt(Retweets, 0, 1, 300, 5), add(Retweets, 2, 1, 1), add(Follows, 1, 0, 1)}, nil, 0, 1)
	o := g.OutOnly()
	if o.Nodes() != g.Nodes() || o.Edges() != g.Edges() || !o.Has(Follows) || o.Has(Likes) {
		t.Fatalf("OutOnly: %d nodes %d edges, want %d %d", o.Nodes(), o.Edges(), g.Nodes(), g.Edges())
	}
	if got, want := edgesOf(o.Layer(Retweets)), edgesOf(g.Layer(Retweets)); !slices.Equal(got, want) {
		t.Errorf("OutOnly edges %v, want %v", got, want)
	}
	if o.Bytes() >= g.Bytes() {
		t.Errorf("OutOnly holds %d bytes, the graph %d", o.Bytes(), g.Bytes())
	}
	if a, c := g.Layer(Retweets).In(1); len(a) != 2 || c.At(0) != 300 || c.At(1) != 1 {
		t.Errorf("the original's In(1) = %v %v after OutOnly", a, c)
	}
	defer func() {
		if recover() == nil {
			t.Error("In on an OutOnly layer did not panic")
		}
	}()
	o.Layer(Retweets).In(1)
}

// TestBuilderRelease checks that Build calls Release once per layer after placing
// its edges and once more when it has packed the four-byte counts the Builder was
// given into bytes, and that the graph does not depend on it.
func TestBuilderRelease(t *testing.T) {
	ops := []addOp{add(Follows, 0, 1, 1), add(Follows, 1, 2, 1), add(Retweets, 0, 1, 1), add(Retweets, 0, 1, 1),
		add(Likes, 0, 2, 3)}
	var b Builder
	calls := 0
	b.Release = func() { calls++ }
	for _, o := range ops {
		b.AddAt(o.k, o.src, o.dst, o.count, o.t)
	}
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Follows: placed (1); Retweets: placed, its duplicate merged straight into a
	// byte (1); Likes, given a count of 3: placed, then its four-byte counts packed (2).
	if calls != 4 {
		t.Errorf("Release called %d times, want 4", calls)
	}
	want := build(t, ops, nil, 0, 1)
	for _, k := range []Kind{Follows, Retweets, Likes} {
		if got, w := edgesOf(g.Layer(k)), edgesOf(want.Layer(k)); !slices.Equal(got, w) {
			t.Errorf("%v: %v, want %v", k, got, w)
		}
	}
}

// TestBuildOutWithIn checks that BuildOut then WithIn makes the graph Build makes,
// on a seeded random multigraph with counts (some past the one-byte escape), times
// and self-loops over three layers.
func TestBuildOutWithIn(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var ops []addOp
	for i := range 3000 {
		k := []Kind{Follows, Retweets, Likes}[i%3]
		c := uint32(1 + r.IntN(3))
		if r.IntN(50) == 0 {
			c = uint32(200 + r.IntN(400))
		}
		ts := NoTime
		if k == Likes {
			ts = int64(r.IntN(1000))
		}
		ops = append(ops, addAt(k, uint32(r.IntN(1+r.IntN(200))), uint32(r.IntN(200)), c, ts))
	}
	want := build(t, ops, nil, 0, 2)
	var b Builder
	for _, o := range ops {
		b.AddAt(o.k, o.src, o.dst, o.count, o.t)
	}
	out, err := b.BuildOut(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.HasIn() || !want.HasIn() {
		t.Fatalf("HasIn: BuildOut %v, Build %v", out.HasIn(), want.HasIn())
	}
	g := out.WithIn()
	if !g.HasIn() || out.HasIn() || g.WithIn() != g {
		t.Fatalf("WithIn: HasIn %v, original %v", g.HasIn(), out.HasIn())
	}
	if g.Nodes() != want.Nodes() || g.Bytes() != want.Bytes() || out.Bytes() >= g.Bytes() {
		t.Errorf("nodes %d, bytes %d (out only %d); want %d, %d", g.Nodes(), g.Bytes(), out.Bytes(), want.Nodes(), want.Bytes())
	}
	for _, k := range []Kind{Follows, Retweets, Likes} {
		gl, wl := g.Layer(k), want.Layer(k)
		if !slices.Equal(edgesOf(gl), edgesOf(wl)) || gl.MaxCount() != wl.MaxCount() || gl.Events() != wl.Events() {
			t.Errorf("%v: out-CSR differs", k)
		}
		for v := range uint32(g.Nodes()) {
			ga, gc := gl.In(v)
			wa, wc := wl.In(v)
			if !slices.Equal(ga, wa) || gc.Sum(len(ga)) != wc.Sum(len(wa)) {
				t.Errorf("%v: In(%d) = %v, want %v", k, v, ga, wa)
			}
			for i := range ga {
				if gc.At(i) != wc.At(i) {
					t.Errorf("%v: In(%d) count %d = %d, want %d", k, v, i, gc.At(i), wc.At(i))
				}
			}
		}
		checkTranspose(t, gl)
	}
}

// TestBuilderWorkers builds one seeded random multigraph, large enough for several
// chunks of added edges per layer and for radix-sorted lists (a hub with thousands of
// targets), with 1 to 5 workers, and checks that every layer comes out the same,
// in-CSR included, as with one worker, and the out-CSR as the map-based reference of
// TestBuilderRandom would have it: sorted lists and merged repeats (checkTranspose).
func TestBuilderWorkers(t *testing.T) {
	var ops []addOp
	r := rand.New(rand.NewPCG(5, 6))
	const n = 2000
	for k := range NumKinds {
		for range 40_000 + r.IntN(20_000) {
			u, v := uint32(r.IntN(1+r.IntN(n))), uint32(r.IntN(n))
			c := uint32(1)
			if k == Retweets && r.IntN(4) == 0 {
				c = uint32(1 + r.IntN(300)) // some of 255 or more: the overflow map
			}
			ts := NoTime
			if k >= Mentions && r.IntN(3) > 0 {
				ts = int64(r.IntN(1000))
			}
			ops = append(ops, addOp{k, u, v, c, ts})
			if r.IntN(16) == 0 { // a hub, 7, with thousands of edges
				ops = append(ops, addOp{k, 7, uint32(r.IntN(n)), c, ts})
			}
		}
	}
	want := build(t, ops, nil, 0, 1)
	if len(ops) < 5*40_000 || want.Layer(Follows).OutDegree(7) < radixMin {
		t.Fatalf("fixture too small: %d ops, hub degree %d", len(ops), want.Layer(Follows).OutDegree(7))
	}
	for _, workers := range []int{2, 3, 5} {
		g := build(t, ops, nil, 0, workers)
		for k := range NumKinds {
			l, w := g.Layer(k), want.Layer(k)
			if !slices.Equal(edgesOf(l), edgesOf(w)) {
				t.Fatalf("%d workers, %v: edges differ from one worker's", workers, k)
			}
			for v := range uint32(n) {
				a, ac := l.In(v)
				b, bc := w.In(v)
				if !slices.Equal(a, b) {
					t.Fatalf("%d workers, %v: in-list of %d differs", workers, k, v)
				}
				for i := range a {
					if ac.At(i) != bc.At(i) {
						t.Fatalf("%d workers, %v: in-count %d of %d differs", workers, k, i, v)
					}
				}
			}
			checkTranspose(t, l)
		}
	}
}
