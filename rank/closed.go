package rank

import "github.com/clout-dev/clout/graph"

// Closed groups: accounts that engage one another and are hardly engaged from
// outside. The netting of returned engagement stops a ring whose members return
// what they get; a ring that keeps its exchanges unequal, or whose members each
// engage only the next ones round the ring, returns little or nothing pairwise and
// still hands every member dozens of distinct engagers. What such a ring cannot
// hide is that it is closed: engagement goes round it, and little comes in.
//
// A group is a strongly connected component of the interaction layers as given
// (every member reaches every other by engagement; Tarjan, "Depth-first search and
// linear graph algorithms", SIAM J. Comput. 1(2), 1972). A group of two or more is
// closed when its audience from outside is smaller than itself, or smaller than the
// audience it gives itself:
//
//   - fewer distinct accounts outside it engage its members than it has members; or
//   - fewer (outside account, member) pairs engage than (member, member) pairs do:
//     on the whole, each member is engaged by fewer outside accounts than members.
//
// Outside accounts and pairs count by the outside engager's credit (engagerCredit),
// so that one account that engages everybody cannot open every group it touches:
// a spray account that engaged 1,000 accounts counts 0.05 outside accounts in each
// group it reached (with the default budget of 50). The pairs within count one
// each, so that members cannot make their group look less closed by engaging many
// others.
//
// The second clause is what stops a ring that buys an outside audience as large as
// itself: fifty one-shot puppets, one per member of a ring of fifty that engages
// itself round a cycle (1,200 member pairs), give 50 outside pairs. To count again,
// the ring must bring in from outside at least as many engager-member pairs as it
// gives itself, so it can at most double the audience it bought. The engagement its
// members direct at one another is netted out (what they receive from outside, and
// what they direct outside, stays). The largest group is never closed: it is the
// network itself (on the Higgs data, 5,548 accounts engaged from outside by
// 111,602), and in an export of one closed community it is the community.

// closedGroups returns, for each user, the closed group it belongs to (a dense
// group number), or -1, and how many closed groups and members there are. g's
// interaction layers are read as given; without any, nobody is in a group. credit
// weighs each outside engager (nil: each counts one).
func closedGroups(g *graph.Graph, credit []float64) (group []int32, groups, members int) {
	kinds := interactionKinds(g)
	n := g.Nodes()
	if len(kinds) == 0 || n == 0 {
		return nil, 0, 0
	}
	comp, ncomp := components(g, kinds)
	size := make([]int32, ncomp)
	for _, c := range comp {
		size[c]++
	}
	var largest int32
	for _, s := range size {
		largest = max(largest, s)
	}
	// Distinct outside engagers of each group: u's edges come together, so a group
	// counts u once when the last engager it counted is not u. Distinct engaging
	// pairs, from outside and within: a pair (u, v) on several layers counts once,
	// when the last actor that reached v is not u.
	outside := make([]float64, ncomp)
	last := make([]int32, ncomp)
	for i := range last {
		last[i] = -1
	}
	outPairs := make([]float64, ncomp)
	inPairs := make([]int64, ncomp)
	reached := make([]int32, n)
	for i := range reached {
		reached[i] = -1
	}
	for u := range uint32(n) {
		cu := comp[u]
		cr := 1.0
		if credit != nil {
			cr = credit[u]
		}
		for _, k := range kinds {
			l, _ := g.Layer(k).Out(u)
			for _, v := range l {
				cv := comp[v]
				if size[cv] < 2 || reached[v] == int32(u) {
					continue
				}
				reached[v] = int32(u)
				if cv == cu {
					inPairs[cv]++
					continue
				}
				outPairs[cv] += cr
				if last[cv] != int32(u) {
					last[cv] = int32(u)
					outside[cv] += cr
				}
			}
		}
	}
	dense := make([]int32, ncomp)
	for c := range dense {
		dense[c] = -1
		if s := size[c]; s >= 2 && s < largest && (outside[c] < float64(s) || outPairs[c] < float64(inPairs[c])) {
			dense[c] = int32(groups)
			groups++
			members += int(s)
		}
	}
	if groups == 0 {
		return nil, 0, 0
	}
	group = make([]int32, n)
	for u, c := range comp {
		group[u] = dense[c]
	}
	return group, groups, members
}

// components numbers the strongly connected components of g's layers kinds (each
// user's component in [0, count)), by Tarjan's algorithm without recursion.
func components(g *graph.Graph, kinds []graph.Kind) (comp []int32, count int32) {
	n := g.Nodes()
	const unvisited = -1
	index := make([]int32, n)
	low := make([]int32, n)
	comp = make([]int32, n)
	for i := range index {
		index[i], comp[i] = unvisited, unvisited
	}
	type frame struct {
		u    uint32
		kind int // position in kinds of the out-list being walked
		next int // position in it of the next target
	}
	var calls []frame
	var stack []uint32 // Tarjan's stack; on it: index set and comp unset
	var clock int32
	visit := func(u uint32) {
		index[u], low[u] = clock, clock
		clock++
		stack = append(stack, u)
		calls = append(calls, frame{u: u})
	}
	for s := range uint32(n) {
		if index[s] != unvisited {
			continue
		}
		visit(s)
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			u := f.u
			descended := false
			for f.kind < len(kinds) && !descended {
				l, _ := g.Layer(kinds[f.kind]).Out(u)
				for f.next < len(l) {
					v := l[f.next]
					f.next++
					if index[v] == unvisited {
						visit(v) // f may move: it is not used again before the return
						descended = true
						break
					}
					if comp[v] == unvisited { // on the stack
						low[u] = min(low[u], index[v])
					}
				}
				if !descended {
					f.kind, f.next = f.kind+1, 0
				}
			}
			if descended {
				continue
			}
			if low[u] == index[u] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					comp[w] = count
					if w == u {
						break
					}
				}
				count++
			}
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				p := calls[len(calls)-1].u
				low[p] = min(low[p], low[u])
			}
		}
	}
	return comp, count
}
