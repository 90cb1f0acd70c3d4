package neo4jstore

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
)

// relTypes are the relationship types of the layers. Cypher statements take type names
// from this table only, never from data.
var relTypes = [graph.NumKinds]string{
	graph.Follows:  "FOLLOWS",
	graph.Retweets: "RETWEETED",
	graph.Mentions: "MENTIONED",
	graph.Replies:  "REPLIED_TO",
	graph.Likes:    "LIKED",
}

// RelType returns the relationship type of layer k ("FOLLOWS", "RETWEETED",
// "MENTIONED", "REPLIED_TO", "LIKED"). It panics for a k that is not a layer.
func RelType(k graph.Kind) string { return relTypes[k] }

// kindOf returns the layer of relationship type t.
func kindOf(t string) (graph.Kind, bool) {
	for k, n := range relTypes {
		if n == t {
			return graph.Kind(k), true
		}
	}
	return 0, false
}

// Dataset is what a load or an export writes: the tables of a run folder.
type Dataset struct {
	// Scores is scores.parquet: columns platform and user_id (strings), then any
	// number of property columns (rank, clout, …, every signal). Each row becomes a
	// (:User {platform, id: user_id, …}) node with the row's non-null values.
	Scores *sink.Table
	// Edges is edges.parquet: platform, actor, target, type (a layer name), count,
	// first, last (Unix seconds, null when unknown). Each row becomes one
	// relationship; first and last are stored as DateTime. Nil: no relationships.
	Edges *sink.Table
	// Layers are the layers the run carried, including layers without an edge
	// (run.json's graph.layers); nil means the layers that have edges. They are
	// recorded on the CloutDataset nodes, so that a recomputation from the database
	// knows that a layer was present but empty, which is not the same as absent.
	Layers []graph.Kind
	// Version is the version of clout that computed the run, recorded on the
	// CloutDataset nodes.
	Version string
}

// prepared is a validated Dataset, with its edges grouped by platform and layer.
type prepared struct {
	platform, id *sink.Column   // of Scores
	props        []*sink.Column // the other columns of Scores: the user properties
	names        []string       // property names of props
	carried      []string       // properties with at least one value
	missing      []string       // properties that are entirely null

	actor, target, count, first, last *sink.Column // of Edges; first, last may be nil
	groups                            []edgeGroup

	platforms []string // sorted
	users     map[string]int64
	rels      map[string]int64
	layers    []graph.Kind
}

// edgeGroup is the edges of one platform and layer, as row numbers of Edges.
type edgeGroup struct {
	platform string
	kind     graph.Kind
	rows     []int
}

// validName reports whether s can be a property name and a CSV header field as it is:
// an ASCII letter or underscore, then letters, digits and underscores.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// column returns the column called name of t with type typ, or an error.
func column(t *sink.Table, file, name string, typ sink.Type, required bool) (*sink.Column, error) {
	c := t.Col(name)
	if c == nil {
		if required {
			return nil, fmt.Errorf("neo4j: %s has no %q column", file, name)
		}
		return nil, nil
	}
	if c.Type != typ {
		return nil, fmt.Errorf("neo4j: %s: column %q is %v, want %v", file, name, c.Type, typ)
	}
	if c.Null && required {
		return nil, fmt.Errorf("neo4j: %s: column %q is entirely null", file, name)
	}
	return c, nil
}

// DataError is a Dataset that Load, WriteScores or WriteImport refuses: a missing or
// mistyped column, an unknown layer, a user without an id, ….
type DataError struct{ Err error }

func (e *DataError) Error() string { return e.Err.Error() }
func (e *DataError) Unwrap() error { return e.Err }

// prepare checks d and groups its edges; its errors are DataErrors.
func prepare(d Dataset) (*prepared, error) {
	p, err := prepareDataset(d)
	if err != nil {
		return nil, &DataError{err}
	}
	return p, nil
}

func prepareDataset(d Dataset) (*prepared, error) {
	if d.Scores == nil {
		return nil, fmt.Errorf("neo4j: no scores table")
	}
	if err := d.Scores.Validate(); err != nil {
		return nil, fmt.Errorf("neo4j: scores.parquet: %w", err)
	}
	p := &prepared{users: map[string]int64{}, rels: map[string]int64{}}
	var err error
	if p.platform, err = column(d.Scores, "scores.parquet", "platform", sink.String, true); err != nil {
		return nil, err
	}
	if p.id, err = column(d.Scores, "scores.parquet", "user_id", sink.String, true); err != nil {
		return nil, err
	}
	for i := range d.Scores.Columns {
		c := &d.Scores.Columns[i]
		if c.Name == "platform" || c.Name == "user_id" {
			continue
		}
		if !validName(c.Name) || c.Name == "id" {
			return nil, fmt.Errorf("neo4j: scores.parquet: column %q cannot be a property name (want letters, digits and _, and not id)", c.Name)
		}
		p.props = append(p.props, c)
		p.names = append(p.names, c.Name)
		if c.Null || (c.Valid != nil && !slices.Contains(c.Valid, true)) {
			p.missing = append(p.missing, c.Name)
		} else {
			p.carried = append(p.carried, c.Name)
		}
	}
	n := d.Scores.Rows()
	for i := range n {
		if p.id.IsNull(i) || p.id.Strings[i] == "" || p.platform.IsNull(i) {
			return nil, fmt.Errorf("neo4j: scores.parquet: row %d has no platform or user_id", i)
		}
		p.users[p.platform.Strings[i]]++
	}
	for pl := range p.users {
		p.platforms = append(p.platforms, pl)
	}

	present := [graph.NumKinds]bool{}
	if d.Edges != nil {
		if err := d.Edges.Validate(); err != nil {
			return nil, fmt.Errorf("neo4j: edges.parquet: %w", err)
		}
		var pc, tc *sink.Column
		if pc, err = column(d.Edges, "edges.parquet", "platform", sink.String, true); err != nil {
			return nil, err
		}
		if p.actor, err = column(d.Edges, "edges.parquet", "actor", sink.String, true); err != nil {
			return nil, err
		}
		if p.target, err = column(d.Edges, "edges.parquet", "target", sink.String, true); err != nil {
			return nil, err
		}
		if tc, err = column(d.Edges, "edges.parquet", "type", sink.String, true); err != nil {
			return nil, err
		}
		if p.count, err = column(d.Edges, "edges.parquet", "count", sink.Int64, true); err != nil {
			return nil, err
		}
		if p.first, err = column(d.Edges, "edges.parquet", "first", sink.Int64, false); err != nil {
			return nil, err
		}
		if p.last, err = column(d.Edges, "edges.parquet", "last", sink.Int64, false); err != nil {
			return nil, err
		}
		type key struct {
			platform string
			kind     graph.Kind
		}
		groups := map[key]*edgeGroup{}
		names := map[string]graph.Kind{}
		for k := range graph.NumKinds {
			names[k.String()] = k
		}
		for i := range d.Edges.Rows() {
			k, ok := names[tc.Strings[i]]
			if !ok || tc.IsNull(i) {
				return nil, fmt.Errorf("neo4j: edges.parquet: row %d: unknown type %q (want follows, retweets, mentions, replies or likes)", i, tc.Strings[i])
			}
			if p.actor.IsNull(i) || p.target.IsNull(i) || pc.IsNull(i) || p.count.IsNull(i) {
				return nil, fmt.Errorf("neo4j: edges.parquet: row %d has a null platform, actor, target or count", i)
			}
			pl := pc.Strings[i]
			if _, ok := p.users[pl]; !ok {
				return nil, fmt.Errorf("neo4j: edges.parquet: row %d: platform %q has no users in scores.parquet", i, pl)
			}
			g := groups[key{pl, k}]
			if g == nil {
				g = &edgeGroup{platform: pl, kind: k}
				groups[key{pl, k}] = g
			}
			g.rows = append(g.rows, i)
			p.rels[pl]++
			present[k] = true
		}
		for _, g := range groups {
			p.groups = append(p.groups, *g)
		}
		slices.SortFunc(p.groups, func(a, b edgeGroup) int {
			if c := cmp.Compare(a.platform, b.platform); c != 0 {
				return c
			}
			return cmp.Compare(a.kind, b.kind)
		})
	}
	slices.Sort(p.platforms)
	if d.Layers != nil {
		for _, k := range d.Layers {
			if k >= graph.NumKinds {
				return nil, fmt.Errorf("neo4j: unknown layer %v", k)
			}
			present[k] = true
		}
	}
	for k := range graph.NumKinds {
		if present[k] {
			p.layers = append(p.layers, k)
		}
	}
	return p, nil
}

// value returns row i of c as a Bolt value: string, int64, float64, or nil.
func value(c *sink.Column, i int) any {
	if c.IsNull(i) {
		return nil
	}
	switch c.Type {
	case sink.String:
		return c.Strings[i]
	case sink.Int64:
		return c.Ints[i]
	default:
		return c.Floats[i]
	}
}

// layerNames returns the names of ks.
func layerNames(ks []graph.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.String()
	}
	return out
}

// percentile returns the percentile column of Scores, if it is a Float64 one.
func (p *prepared) percentile() *sink.Column {
	for i, c := range p.props {
		if p.names[i] == "percentile" && c.Type == sink.Float64 {
			return c
		}
	}
	return nil
}
