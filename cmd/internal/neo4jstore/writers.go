package neo4jstore

import (
	"context"
	"hash/fnv"
	"sync"

	"github.com/clout-dev/clout/graph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Two writers for the relationships. Creating a relationship locks its two end
// nodes, so two transactions that touch a common node wait on each other, and may
// deadlock. The users are therefore split into four parts (by a hash of their element
// id), the edges of a group into the 16 blocks "from part a to part b", and the blocks
// are written in eight rounds of two, one block per writer, such that the two blocks of
// a round have no part in common: the transactions that run at the same time never
// share a node. A round ends when both of its blocks are written.
const parts = 4

// pairedMin is the number of batches from which a group of relationships is written
// by two writers: four batches per block on average. Smaller groups go to one writer,
// as the rounds' waits and the smaller batches cost more than the second writer
// gains: on the Higgs retweets (328,132 relationships, 33 batches) two writers
// reached 47,941 relationships/s and one 51,854/s, on the R-MAT follows (10,171,546)
// two writers 89,328/s and one 51,051/s (docs/neo4j.md, "Performance").
const pairedMin = 4 * parts * parts

// rounds pairs the blocks (from, to) of the four parts: the two blocks of each round
// touch disjoint sets of parts, and each of the 16 blocks comes once.
var rounds = [8][2][2]uint8{
	{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}},
	{{0, 1}, {2, 3}}, {{1, 0}, {3, 2}},
	{{0, 2}, {1, 3}}, {{2, 0}, {3, 1}},
	{{0, 3}, {1, 2}}, {{3, 0}, {2, 1}},
}

// part returns the part of the user whose element id is eid.
func part(eid string) uint8 {
	h := fnv.New32a()
	h.Write([]byte(eid))
	return uint8(h.Sum32() % parts)
}

// blocks splits the rows of g into the blocks (part of the actor, part of the target).
// An edge whose actor or target has no node goes to block (0, 0), where writeRels
// reports it.
func blocks(p *prepared, ids nodeIDs, g edgeGroup) [parts][parts][]int {
	var out [parts][parts][]int
	for _, i := range g.rows {
		var a, b uint8
		ea, ok1 := ids.get(g.platform, p.actor.Strings[i])
		eb, ok2 := ids.get(g.platform, p.target.Strings[i])
		if ok1 && ok2 {
			a, b = part(ea), part(eb)
		}
		out[a][b] = append(out[a][b], i)
	}
	return out
}

// writeRelsPaired writes one group of relationships with two writers, one session
// each, in the rounds above.
func (s *Store) writeRelsPaired(ctx context.Context, sess [2]neo4j.SessionWithContext, p *prepared, ids nodeIDs, g edgeGroup, o Options, bar graph.Progress) error {
	bl := blocks(p, ids, g)
	bar = &lockedProgress{p: bar}
	for _, r := range rounds {
		// The first error stops the other writer too.
		rctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		var once sync.Once
		var first error
		for w, b := range r {
			sub := edgeGroup{platform: g.platform, kind: g.kind, rows: bl[b[0]][b[1]]}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.writeRels(rctx, sess[w], p, ids, sub, o, bar); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}()
		}
		wg.Wait()
		cancel()
		if first != nil {
			return first
		}
	}
	return nil
}

// lockedProgress lets two writers report to one Progress.
type lockedProgress struct {
	mu sync.Mutex
	p  graph.Progress
}

func (l *lockedProgress) SetTotal(n int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.SetTotal(n)
}

func (l *lockedProgress) Add(n int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p.Add(n)
}
