package rank

import (
	"github.com/clout-dev/clout/graph"
)

// Received is the engagement each user of a graph received over its interaction
// layers (retweets, mentions, replies, likes): the targets of an evaluation, and the
// simplest predictors to hold a score against.
type Received struct {
	// Engagers[v] is the number of distinct accounts that retweeted, mentioned,
	// replied to or liked v.
	Engagers []float64
	// Events[v] is the number of interaction events v received.
	Events []float64
	// Retweets[v] is the number of retweets v received (0 without a retweets layer).
	Retweets []float64
}

// ReceivedEngagement counts what every user of g received.
func ReceivedEngagement(g *graph.Graph, workers int) Received {
	n := g.Nodes()
	r := Received{Engagers: make([]float64, n), Events: make([]float64, n), Retweets: make([]float64, n)}
	c := &signalContext{}
	for k := range graph.NumKinds {
		c.layers[k] = g.Layer(k)
	}
	parallelFor(n, workers, func(lo, hi int) {
		for v := lo; v < hi; v++ {
			n := 0 // distinct engagers, each counted 1 (not by credit)
			forEachEngager(c, uint32(v), func(uint32) { n++ })
			r.Engagers[v] = float64(n)
			var ev uint64
			for k := graph.Retweets; k < graph.NumKinds; k++ {
				if l := c.layers[k]; l != nil {
					ev += inEvents(l, uint32(v))
				}
			}
			r.Events[v] = float64(ev)
			if l := c.layers[graph.Retweets]; l != nil {
				r.Retweets[v] = float64(inEvents(l, uint32(v)))
			}
		}
	})
	return r
}

// PlainPageRank returns the textbook PageRank (damping 0.85, the dangling rule of
// PageRank) of the union of g's interaction layers with every edge weighing 1,
// whatever its layer and count: the unweighted baseline the Network propagation is
// held against. It returns nil when g has no interaction edge.
func PlainPageRank(g *graph.Graph, workers int) ([]float64, error) {
	var b graph.Builder
	b.Declare(graph.Retweets)
	for k := graph.Retweets; k < graph.NumKinds; k++ {
		l := g.Layer(k)
		if l == nil {
			continue
		}
		for u := range uint32(g.Nodes()) {
			targets, _ := l.Out(u)
			for _, v := range targets {
				b.Add(graph.Retweets, u, v, 1)
			}
		}
	}
	if b.Len(graph.Retweets) == 0 {
		return nil, nil
	}
	b.Grow(uint64(g.Nodes()))
	u, err := b.Build(workers, nil)
	if err != nil {
		return nil, err
	}
	p := DefaultPageRankParams()
	p.LayerWeights = [graph.NumKinds]float64{graph.Retweets: 1}
	p.Transform = Binary
	p.Workers = workers
	r, err := PageRank(u, p, nil)
	if err != nil {
		return nil, err
	}
	return r.Rank, nil
}
