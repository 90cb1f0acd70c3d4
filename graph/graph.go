package graph

import "runtime"

// Graph is a read-only multi-layer directed graph over dense node ids [0, Nodes()).
// A layer the inputs did not carry is absent (nil), which is not the same as a layer
// that is present but empty: signals built on an absent layer are null, on an empty
// one zero.
type Graph struct {
	n         int
	layers    [NumKinds]*Layer
	selfLoops [NumKinds]uint64
}

// Nodes returns the number of nodes.
func (g *Graph) Nodes() int { return g.n }

// Layer returns layer k, or nil when the inputs did not carry it.
func (g *Graph) Layer(k Kind) *Layer {
	if k >= NumKinds {
		return nil
	}
	return g.layers[k]
}

// Has reports whether layer k is present.
func (g *Graph) Has(k Kind) bool { return g.Layer(k) != nil }

// SelfLoops returns how many self-loop events of layer k the Builder dropped.
func (g *Graph) SelfLoops(k Kind) uint64 { return g.selfLoops[k] }

// Edges returns the number of distinct edges summed over the layers.
func (g *Graph) Edges() int {
	var m int
	for _, l := range g.layers {
		if l != nil {
			m += l.Edges()
		}
	}
	return m
}

// Bytes returns the memory held by the graph's arrays.
func (g *Graph) Bytes() int64 {
	var b int64
	for _, l := range g.layers {
		if l != nil {
			b += l.Bytes()
		}
	}
	return b
}

// OutOnly returns a graph that shares g's nodes, out-CSR, counts and times but has
// no in-CSR, so that a caller which has done with the in-lists (the scorer, before
// it writes the edges table) can let them be freed by dropping g. In and InDegree
// panic on its layers; everything else works as on g.
func (g *Graph) OutOnly() *Graph {
	c := *g
	for k, l := range g.layers {
		if l != nil {
			c.layers[k] = l.outOnly()
		}
	}
	return &c
}

// HasIn reports whether the graph has its in-CSRs: In and InDegree work. It is
// false for a graph made by OutOnly or Builder.BuildOut.
func (g *Graph) HasIn() bool {
	for _, l := range g.layers {
		if l != nil && l.inOff == nil {
			return false
		}
	}
	return true
}

// WithIn returns a graph that shares g's nodes, out-CSRs, counts and times and has
// in-CSRs, built from the out-CSRs (each in-list ascending) with one goroutine per
// CPU. It returns g itself when g has them already.
func (g *Graph) WithIn() *Graph {
	if g.HasIn() {
		return g
	}
	c := *g
	for k, l := range g.layers {
		if l != nil && l.inOff == nil {
			nl := *l
			nl.buildIn(runtime.GOMAXPROCS(0))
			c.layers[k] = &nl
		}
	}
	return &c
}
