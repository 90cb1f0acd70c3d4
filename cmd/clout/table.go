package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
	"github.com/clout-dev/clout/rank"
)

// scoreTable lays the result out as the scores table, one row per user in rank order.
func scoreTable(res *rank.Result, ids *ingest.Interner) *sink.Table {
	n := len(res.Order)
	platform := make([]string, n)
	user := make([]string, n)
	rk := make([]int64, n)
	perm := func(v []float64) []float64 {
		out := make([]float64, n)
		for i, u := range res.Order {
			out[i] = v[u]
		}
		return out
	}
	for i, u := range res.Order {
		platform[i] = ids.PlatformOf(u)
		user[i] = ids.ID(u)
		rk[i] = res.Rank[u]
	}
	t := &sink.Table{Meta: map[string]string{"clout.version": version()}}
	t.Columns = append(t.Columns,
		sink.Column{Name: "platform", Type: sink.String, Strings: platform, Doc: "platform the id belongs to"},
		sink.Column{Name: "user_id", Type: sink.String, Strings: user, Doc: "the platform's stable user id, as in the input"},
		sink.Column{Name: "rank", Type: sink.Int64, Ints: rk, Doc: "1 = highest Clout Score"},
		sink.Column{Name: "clout", Type: sink.Float64, Floats: perm(res.Clout), Doc: "Clout Score, 1–100"},
	)
	for s := range rank.NumSubs {
		col := sink.Column{Name: s.String(), Type: sink.Float64, Doc: s.String() + " sub-score, 1–100"}
		if res.Sub[s] == nil {
			col.Null = true
			col.Floats = make([]float64, n)
		} else {
			col.Floats = perm(res.Sub[s])
		}
		t.Columns = append(t.Columns, col)
	}
	t.Columns = append(t.Columns, sink.Column{Name: "percentile", Type: sink.Float64, Floats: perm(res.Percentile),
		Doc: "percentage of users with a lower Clout Score"})
	for _, s := range res.Signals {
		col := sink.Column{Name: s.Name, Doc: s.Doc}
		if s.Integer {
			col.Type = sink.Int64
			col.Ints = make([]int64, n)
			if s.Values != nil {
				for i, u := range res.Order {
					col.Ints[i] = int64(s.Values[u])
				}
			}
		} else {
			col.Type = sink.Float64
			col.Floats = make([]float64, n)
			if s.Values != nil {
				col.Floats = perm(s.Values)
			}
		}
		if s.Values == nil {
			col.Null = true
			col.Doc += " (null: " + s.Missing + ")"
		}
		t.Columns = append(t.Columns, col)
	}
	return t
}

// topColumns are the columns `clout top` prints, in order.
var topColumns = []string{"rank", "platform", "user_id", "clout", "reach", "amplification", "network", "percentile"}

// printTop prints the first n rows of a scores table (rows are in rank order) as an
// aligned text table, or as CSV with every column when asCSV is set.
func printTop(w io.Writer, t *sink.Table, n int, asCSV bool) error {
	rows := min(n, t.Rows())
	if asCSV {
		return sink.WriteCSV(w, permuteRows(t, identity(rows)))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	var cols []*sink.Column
	for _, name := range topColumns {
		if c := t.Col(name); c != nil {
			cols = append(cols, c)
			fmt.Fprint(tw, name, "\t")
		}
	}
	fmt.Fprintln(tw)
	for i := 0; i < rows; i++ {
		for _, c := range cols {
			fmt.Fprint(tw, cell(c, i), "\t")
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// cell formats one value for the text table.
func cell(c *sink.Column, i int) string {
	if c.Null || (c.Valid != nil && !c.Valid[i]) {
		return "-"
	}
	switch c.Type {
	case sink.String:
		return c.Strings[i]
	case sink.Int64:
		return strconv.FormatInt(c.Ints[i], 10)
	default:
		return strconv.FormatFloat(c.Floats[i], 'f', 1, 64)
	}
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

// permuteRows returns a table whose row i is row p[i] of t.
func permuteRows(t *sink.Table, p []int) *sink.Table {
	out := &sink.Table{Meta: t.Meta, Columns: make([]sink.Column, len(t.Columns))}
	for j, c := range t.Columns {
		d := c
		d.Strings, d.Ints, d.Floats, d.Valid = nil, nil, nil, nil
		for _, i := range p {
			switch c.Type {
			case sink.String:
				d.Strings = append(d.Strings, c.Strings[i])
			case sink.Int64:
				d.Ints = append(d.Ints, c.Ints[i])
			default:
				d.Floats = append(d.Floats, c.Floats[i])
			}
			if c.Valid != nil {
				d.Valid = append(d.Valid, c.Valid[i])
			}
		}
		out.Columns[j] = d
	}
	return out
}

// sortByRank puts the rows of t in rank order, if they are not already.
func sortByRank(t *sink.Table) error {
	rc := t.Col("rank")
	if rc.Type != sink.Int64 || rc.Null {
		return fmt.Errorf("the rank column is not a non-null integer column")
	}
	if slices.IsSorted(rc.Ints) {
		return nil
	}
	p := identity(t.Rows())
	slices.SortStableFunc(p, func(a, b int) int { return cmp.Compare(rc.Ints[a], rc.Ints[b]) })
	*t = *permuteRows(t, p)
	return nil
}

// edgeTable lays the graph out as the edges table: one row per aggregated edge,
// layer by layer, actors in dense-id order.
func edgeTable(g *graph.Graph, ids *ingest.Interner) *sink.Table {
	m := g.Edges()
	platform := make([]string, 0, m)
	actor := make([]string, 0, m)
	target := make([]string, 0, m)
	typ := make([]string, 0, m)
	count := make([]int64, 0, m)
	first := make([]int64, 0, m)
	last := make([]int64, 0, m)
	valid := make([]bool, 0, m)
	anyTime := false
	for k := range graph.NumKinds {
		l := g.Layer(k)
		if l == nil {
			continue
		}
		name := k.String()
		for u := range uint32(g.Nodes()) {
			lo, hi := l.OutRange(u)
			if lo == hi {
				continue
			}
			a, p := ids.ID(u), ids.PlatformOf(u)
			for i := lo; i < hi; i++ {
				v, c, f, z := l.EdgeAt(i)
				platform = append(platform, p)
				actor = append(actor, a)
				target = append(target, ids.ID(v))
				typ = append(typ, name)
				count = append(count, int64(c))
				ok := f != graph.NoTime
				anyTime = anyTime || ok
				if !ok {
					f, z = 0, 0
				}
				first, last, valid = append(first, f), append(last, z), append(valid, ok)
			}
		}
	}
	t := &sink.Table{Meta: map[string]string{"clout.version": version()}}
	t.Columns = []sink.Column{
		{Name: "platform", Type: sink.String, Strings: platform, Doc: "platform of both users"},
		{Name: "actor", Type: sink.String, Strings: actor, Doc: "user who acted (follows, retweeted, …)"},
		{Name: "target", Type: sink.String, Strings: target, Doc: "user acted upon; credit flows to them"},
		{Name: "type", Type: sink.String, Strings: typ, Doc: "layer: follows, retweets, mentions, replies or likes"},
		{Name: "count", Type: sink.Int64, Ints: count, Doc: "events aggregated into this edge"},
		{Name: "first", Type: sink.Int64, Ints: first, Valid: valid, Null: !anyTime, Doc: "Unix seconds of the first event (null: no time)"},
		{Name: "last", Type: sink.Int64, Ints: last, Valid: valid, Null: !anyTime, Doc: "Unix seconds of the last event (null: no time)"},
	}
	return t
}
