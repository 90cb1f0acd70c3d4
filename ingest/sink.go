package ingest

import (
	"fmt"

	"github.com/clout-dev/clout/graph"
)

// Sink is what the readers feed: the id interner, the graph builder and, optionally,
// the per-user tallies. Several inputs may feed one Sink, one after the other; then
// Finish settles what they left to the end (see deferred.go).
type Sink struct {
	IDs      *Interner
	Graph    *graph.Builder
	Posts    *PostTally // nil: post counts are not collected
	Profiles *Profiles  // nil: published profile counts are not collected
	Lists    *ListTally // nil: list memberships are not collected

	feeds [graph.NumKinds]feed
	later deferred
}

// feed remembers which kind of input first fed a layer.
type feed struct {
	name   string
	events bool // an event log rather than an aggregated edge list
	set    bool
}

// NewSink returns a Sink with an empty Interner, Builder, PostTally, Profiles and
// ListTally.
func NewSink() *Sink {
	return &Sink{IDs: new(Interner), Graph: new(graph.Builder), Posts: new(PostTally),
		Profiles: new(Profiles), Lists: new(ListTally)}
}

// claim records that input name feeds the layers ks, with events (an event log) or
// with aggregated counts (an edge list). Mixing both for one layer would count the
// same events twice, so it is refused; then no layer is claimed.
func (s *Sink) claim(name string, events bool, ks ...graph.Kind) error {
	for _, k := range ks {
		f := &s.feeds[k]
		if !f.set || f.events == events {
			continue
		}
		ev, agg := f.name, name
		if !f.events {
			ev, agg = name, f.name
		}
		return fmt.Errorf("ingest: layer %s is fed by both %s (events) and %s (aggregated edge list): the same events would count twice; use one", k, ev, agg)
	}
	for _, k := range ks {
		if !s.feeds[k].set {
			s.feeds[k] = feed{name: name, events: events, set: true}
		}
	}
	return nil
}

// check makes sure the Sink can be fed.
func (s *Sink) check() error {
	if s == nil || s.IDs == nil || s.Graph == nil {
		return fmt.Errorf("ingest: Sink needs IDs and Graph (use NewSink)")
	}
	return nil
}
