package rank

import (
	"github.com/clout-dev/clout/graph"
)

// NetStats says what NetEngagement took out.
type NetStats struct {
	// ReturnedPairs is the number of (actor, target) pairs over the interaction
	// layers whose target also engaged the actor.
	ReturnedPairs int
	// Events is the number of interaction events taken out, over every pair.
	Events uint64
	// ClosedGroups and ClosedMembers count the closed groups (closedGroups) and
	// their members; ClosedEvents is the number of events, net of those returned,
	// taken out because they went from one member of a closed group to another.
	ClosedGroups, ClosedMembers int
	ClosedEvents                uint64
}

// NetEngagement returns g with the engagement that was returned taken out: the
// engagement graph the scorer reads. Follows are kept as they are (following back is
// a signal of its own, followed_back_pct).
//
// For each ordered pair of users, let e(u→v) be the number of interaction events
// (retweets, mentions, replies and likes together) u directed at v. Engagement
// traded back and forth is evidence of a conversation, or of a ring of accounts
// boosting one another, not of an audience: so the pair keeps only its net
// engagement, n(u→v) = max(0, e(u→v) − e(v→u)). A conversation of equals nets to
// nothing; a fan who retweeted a celebrity three times and got one reply back still
// counts with two events; fifty accounts that all retweet each other twenty times
// count for nothing at all. Then the engagement between members of a closed group
// (closedGroups: a strongly connected group that fewer accounts outside it engage
// than it has members, each counted as its engager credit) is taken out too, whatever its balance, so that a ring
// trading unequal amounts, or engaging round a cycle, also counts for nothing
// among itself. The n(u→v) events are apportioned to the layers in
// proportion to u's events in each (largest remainder, ties in layer order), so an
// edge keeps its layer mix. A kept edge keeps its first and last times (an edge
// reduced to one event keeps its last).
//
// When nothing is taken out g itself is returned; otherwise the result is a new
// Graph with the same nodes, and the memory of g's interaction layers once more.
func NetEngagement(g *graph.Graph, workers int) (*graph.Graph, NetStats) {
	pp := walkPairs(g, workers, FloorRule{})
	return netEngagement(g, workers, pp.stats, engagerCredit(g, DefaultEngagerBudget, workers))
}

// pairStats is what one walk over every (actor, target) pair of the interaction
// layers finds (walkPairs): the engagement that netting takes out and, when asked
// for, which users are active at the floor (FloorRule).
type pairStats struct {
	stats  NetStats
	active []bool // nil unless asked for, or without interaction layers
}

// walkPairs visits every (actor, target) pair of g's interaction layers once, in
// parallel: the returned pairs and the events netting takes out, and, with a rule
// that is not Off, who is active by it over the graph as given (nil without
// interaction layers: nobody engaged anybody).
func walkPairs(g *graph.Graph, workers int, rule FloorRule) pairStats {
	var act []bool
	if !rule.Off() && len(interactionKinds(g)) > 0 {
		act = make([]bool, g.Nodes())
	}
	st := eachActivity(g, workers, func(u uint32, engaged, partners uint32) {
		if act != nil {
			act[u] = rule.Active(engaged, partners)
		}
	})
	return pairStats{stats: st, active: act}
}

// eachActivity visits every (actor, target) pair of g's interaction layers once, in
// parallel, and calls f once per user (concurrently, for different users) with the
// distinct accounts u engaged and how many of them engaged u back. It returns what
// the netting takes out.
func eachActivity(g *graph.Graph, workers int, f func(u uint32, engaged, partners uint32)) NetStats {
	var st NetStats
	kinds := interactionKinds(g)
	n := g.Nodes()
	lost := make([]uint64, n)
	pairs := make([]uint32, n)
	parallelFor(n, workers, func(lo, hi int) {
		for u := lo; u < hi; u++ {
			var engaged uint32
			forEachPair(g, kinds, uint32(u), func(v uint32, c *[graph.NumKinds]uint32, e, r uint64) {
				engaged++
				if r > 0 {
					pairs[u]++
					lost[u] += min(e, r)
				}
			})
			f(uint32(u), engaged, pairs[u])
		}
	})
	for u := range n {
		st.ReturnedPairs += int(pairs[u])
		st.Events += lost[u]
	}
	return st
}

// interactionKinds returns the interaction layers g has.
func interactionKinds(g *graph.Graph) []graph.Kind {
	var kinds []graph.Kind
	for k := graph.Retweets; k < graph.NumKinds; k++ {
		if g.Has(k) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// netEngagement is NetEngagement once walkPairs has found st, with the accounts'
// engager credit (engagerCredit), which closedGroups weighs outside engagers by.
func netEngagement(g *graph.Graph, workers int, st NetStats, credit []float64) (*graph.Graph, NetStats) {
	group, groups, members := closedGroups(g, credit)
	st.ClosedGroups, st.ClosedMembers = groups, members
	if st.ReturnedPairs == 0 && groups == 0 {
		return g, st
	}
	kinds := interactionKinds(g)
	n := g.Nodes()

	// Pass 2: rebuild with the net counts.
	var b graph.Builder
	b.Grow(uint64(n))
	for k := range graph.NumKinds {
		if g.Has(k) {
			b.Declare(k)
		}
	}
	if f := g.Layer(graph.Follows); f != nil {
		for u := range uint32(n) {
			lo, hi := f.OutRange(u)
			for i := lo; i < hi; i++ {
				v, c, first, last := f.EdgeAt(i)
				addSpan(&b, graph.Follows, u, v, c, first, last)
			}
		}
	}
	var pos [graph.NumKinds]uint64 // position of u's next out-edge in each layer
	for u := range uint32(n) {
		for _, k := range kinds {
			pos[k], _ = g.Layer(k).OutRange(u)
		}
		forEachPair(g, kinds, u, func(v uint32, c *[graph.NumKinds]uint32, e, r uint64) {
			net := apportion(c, e, r, kinds)
			if group != nil && group[u] >= 0 && group[u] == group[v] {
				for _, k := range kinds {
					st.ClosedEvents += uint64(net[k])
				}
				net = [graph.NumKinds]uint32{}
			}
			for _, k := range kinds {
				if c[k] == 0 {
					continue
				}
				_, _, first, last := g.Layer(k).EdgeAt(pos[k])
				pos[k]++
				addSpan(&b, k, u, v, net[k], first, last)
			}
		})
	}
	build := b.Build
	if !g.HasIn() {
		build = b.BuildOut // the caller builds the in-CSRs when it needs them
	}
	ng, err := build(workers, nil)
	if err != nil {
		panic("rank: rebuilding a graph that was built: " + err.Error())
	}
	return ng, st
}

// forEachPair calls f for every distinct target v of u over the given interaction
// layers, in ascending order, with u's counts towards v per layer, their sum e and
// the events v directed back at u.
func forEachPair(g *graph.Graph, kinds []graph.Kind, u uint32, f func(v uint32, c *[graph.NumKinds]uint32, e, r uint64)) {
	var lists [graph.NumKinds][]uint32
	var counts [graph.NumKinds]graph.Counts
	var at [graph.NumKinds]int // the position in u's list of lists[k][0]
	for _, k := range kinds {
		lists[k], counts[k] = g.Layer(k).Out(u)
	}
	var c [graph.NumKinds]uint32
	for {
		next, any := uint32(0), false
		for _, k := range kinds {
			if len(lists[k]) > 0 && (!any || lists[k][0] < next) {
				next, any = lists[k][0], true
			}
		}
		if !any {
			return
		}
		var e, r uint64
		for _, k := range kinds {
			c[k] = 0
			if len(lists[k]) > 0 && lists[k][0] == next {
				c[k] = counts[k].At(at[k])
				at[k]++
				lists[k] = lists[k][1:]
				e += uint64(c[k])
			}
			if w, ok := g.Layer(k).Weight(next, u); ok {
				r += uint64(w)
			}
		}
		f(next, &c, e, r)
	}
}

// apportion splits the net events max(0, e − r) over the layers in proportion to c
// (which sums to e): each layer gets the floor of its share, and the events left go
// to the layers with the largest remainders, ties in layer order.
func apportion(c *[graph.NumKinds]uint32, e, r uint64, kinds []graph.Kind) [graph.NumKinds]uint32 {
	if r == 0 {
		return *c
	}
	var out [graph.NumKinds]uint32
	if r >= e {
		return out
	}
	net := e - r
	var given uint64
	var rem [graph.NumKinds]uint64
	for _, k := range kinds {
		q := uint64(c[k]) * net
		out[k] = uint32(q / e)
		rem[k] = q % e
		given += uint64(out[k])
	}
	for ; given < net; given++ {
		best := graph.Kind(0)
		found := false
		for _, k := range kinds {
			if c[k] > 0 && (!found || rem[k] > rem[best]) {
				best, found = k, true
			}
		}
		out[best]++
		rem[best] = 0
	}
	return out
}

// addSpan adds count events u→v to layer k of b so that the built edge has the
// given first and last times: one event at first, the rest at last (a single event
// at last).
func addSpan(b *graph.Builder, k graph.Kind, u, v, count uint32, first, last int64) {
	switch {
	case count == 0:
	case count == 1 || first == last:
		b.AddAt(k, u, v, count, last)
	default:
		b.AddAt(k, u, v, 1, first)
		b.AddAt(k, u, v, count-1, last)
	}
}
