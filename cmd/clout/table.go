package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
	"github.com/clout-dev/clout/rank"
)

// scoreTable lays the result out as the scores table, one row per user in rank
// order. The signals are the bulk of the result: each is put in rank order in place
// (or converted to integers) and released from res, so that the table never doubles
// them in memory; res.Missing still tells which were null.
func scoreTable(res *rank.Result, ids *ingest.Interner) *sink.Table {
	return scoreRows(res, ids, 0, len(res.Order), true)
}

// scoreRows lays out the rows [lo, hi) of the scores table (in rank order). Unless
// release is set, res is left as it was, so that the table can be written batch by
// batch (writeScores); with release set (lo = 0, hi = all) the signals move into the
// table as scoreTable says.
func scoreRows(res *rank.Result, ids *ingest.Interner, lo, hi int, release bool) *sink.Table {
	order := res.Order[lo:hi]
	n := len(order)
	platform := make([]string, n)
	user := make([]string, n)
	rk := make([]int64, n)
	perm := func(v []float64) []float64 {
		out := make([]float64, n)
		for i, u := range order {
			out[i] = v[u]
		}
		return out
	}
	for i, u := range order {
		platform[i] = ids.PlatformOf(u)
		user[i] = ids.ID(u)
		rk[i] = res.Rank[u]
	}
	handle := sink.Column{Name: "handle", Type: sink.String, Plain: true, Strings: make([]string, n), Null: !ids.HasHandles(),
		Doc: "the user's handle (screen name, @user@host), a property: null when no input names one"}
	if !handle.Null {
		handle.Valid = make([]bool, n)
		for i, u := range order {
			handle.Strings[i] = ids.Handle(u)
			handle.Valid[i] = handle.Strings[i] != ""
		}
	}
	t := &sink.Table{Meta: map[string]string{"clout.version": version()}}
	t.Columns = append(t.Columns,
		sink.Column{Name: "platform", Type: sink.String, Strings: platform, Doc: "platform the id belongs to"},
		sink.Column{Name: "user_id", Type: sink.String, Plain: true, Strings: user, Doc: "the platform's stable user id, as in the input"},
		handle,
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
	var visited []bool
	if release {
		visited = make([]bool, n)
	}
	for i := range res.Signals {
		s := &res.Signals[i]
		col := sink.Column{Name: s.Name, Doc: s.Doc}
		switch {
		case s.Values == nil:
			col.Null = true
			col.Doc += " (null: " + s.Missing + ")"
			if s.Integer {
				col.Type = sink.Int64
			} else {
				col.Type = sink.Float64
			}
		case s.Integer:
			col.Type = sink.Int64
			col.Ints = make([]int64, n)
			for i, u := range order {
				col.Ints[i] = int64(s.Values[u])
			}
		case release:
			col.Type = sink.Float64
			col.Floats = permuteInPlace(s.Values, order, visited)
		default:
			col.Type = sink.Float64
			col.Floats = perm(s.Values)
		}
		if release {
			s.Values = nil
		}
		t.Columns = append(t.Columns, col)
	}
	return t
}

// writeScores writes the scores table to path batch by batch, so that it never
// holds more than one batch of rows besides res. It leaves res as it was.
func writeScores(path string, res *rank.Result, ids *ingest.Interner, put func(string, os.FileMode, func(io.Writer) error) error) error {
	n := len(res.Order)
	schema := scoreRows(res, ids, 0, 0, false)
	return sink.WriteParquetStream(path, schema, sink.ParquetOptions{Put: put}, func(emit func(*sink.Table) error) error {
		for lo := 0; lo < n; lo += scoreBatch {
			if err := emit(scoreRows(res, ids, lo, min(lo+scoreBatch, n), false)); err != nil {
				return err
			}
		}
		return nil
	})
}

// scoreBatch is the number of rows writeScores lays out at a time (a variable for
// the tests).
var scoreBatch = 8 << 10

// permuteInPlace reorders a so that a[i] becomes the old a[order[i]], following
// the permutation's cycles; visited (len(a), scratch) is cleared on return.
func permuteInPlace(a []float64, order []uint32, visited []bool) []float64 {
	for start := range a {
		if visited[start] {
			continue
		}
		tmp, j := a[start], start
		for {
			visited[j] = true
			k := int(order[j])
			if k == start {
				a[j] = tmp
				break
			}
			a[j] = a[k]
			j = k
		}
	}
	clear(visited)
	return a
}

// topColumns are the columns `clout top` prints, in order.
var topColumns = []string{"rank", "platform", "user_id", "handle", "clout", "reach", "amplification", "network", "percentile"}

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
		if c := t.Col(name); c != nil && !(name == "handle" && c.Null) {
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
		return printable(c.Strings[i])
	case sink.Int64:
		return strconv.FormatInt(c.Ints[i], 10)
	default:
		return strconv.FormatFloat(c.Floats[i], 'f', 1, 64)
	}
}

// printable returns s for a terminal: control characters (an ANSI escape in a
// handle, a tab that would break the columns) and invalid UTF-8 are shown escaped,
// as Go quotes them, so that data can never drive the terminal.
func printable(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
			q := strconv.Quote(s)
			return q[1 : len(q)-1]
		}
	}
	return s
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

// edgeBatch is the number of edges converted to strings at a time.
const edgeBatch = 64 << 10

// edgeColumns returns the columns of the edges table, empty. The ids have no
// statistics: rows are in dense-id order, so each row group's min and max of the
// ids as strings span about every id and would let no reader skip it, and they
// cost a quarter of the write.
func edgeColumns(timed bool) []sink.Column {
	return []sink.Column{
		{Name: "platform", Type: sink.String, Plain: true, Doc: "platform of both users"},
		{Name: "actor", Type: sink.String, Plain: true, NoStats: true, Doc: "user who acted (follows, retweeted, …)"},
		{Name: "target", Type: sink.String, Plain: true, NoStats: true, Doc: "user acted upon; credit flows to them"},
		{Name: "type", Type: sink.String, Plain: true, Doc: "layer: follows, retweets, mentions, replies or likes"},
		{Name: "count", Type: sink.Int64, Doc: "events aggregated into this edge"},
		{Name: "first", Type: sink.Int64, Null: !timed, Doc: "Unix seconds of the first event (null: no time)"},
		{Name: "last", Type: sink.Int64, Null: !timed, Doc: "Unix seconds of the last event (null: no time)"},
	}
}

// writeEdges writes the graph as the edges table, one row per aggregated edge, layer
// by layer, actors in dense-id order. It streams: memory is bounded by one batch of
// edgeBatch rows, whatever the graph's size.
func writeEdges(path string, g *graph.Graph, ids *ingest.Interner, put func(string, os.FileMode, func(io.Writer) error) error) error {
	timed := false
	for k := range graph.NumKinds {
		if l := g.Layer(k); l != nil && l.Timed() {
			timed = true
		}
	}
	schema := &sink.Table{Columns: edgeColumns(timed), Meta: map[string]string{"clout.version": version()}}
	// zstd level 1: the edges file is the bulk of a run's output and of its write
	// time; level 1 writes it faster than the default 3 for a slightly larger file
	// (figures in the commit that chose it). Pages of 256 KiB instead of 1 MiB are
	// compressed about a tenth faster, for a file of the same size (figures in the
	// commit that chose them).
	//
	// Its columns are encoded and compressed on one goroutine per core. The edges
	// are written after the result's arrays are released (see score), well below
	// the run's peak, so the workers' encoders and pages cost no peak memory there;
	// scores.parquet, written while both the graph and the result are held, keeps
	// one.
	o := sink.ParquetOptions{Put: put, CompressionLevel: 1, PageBytes: 256 << 10, Workers: runtime.GOMAXPROCS(0)}
	return sink.WriteParquetStream(path, schema, o, func(emit func(*sink.Table) error) error {
		// The strings are packed: the ids are formatted straight into the columns'
		// bytes, with no string per edge, and copied into Arrow in bulk. emit copies
		// the batch, so once it returns the batch is free to be reused.
		b := &sink.Table{Columns: edgeColumns(timed)}
		platform, actor, target, typ := &sink.Packed{}, &sink.Packed{}, &sink.Packed{}, &sink.Packed{}
		b.Columns[0].Packed, b.Columns[1].Packed, b.Columns[2].Packed, b.Columns[3].Packed = platform, actor, target, typ
		reset := func() {
			for i := range b.Columns {
				c := &b.Columns[i]
				c.Ints = c.Ints[:0]
				if c.Packed != nil {
					c.Packed.Reset()
				}
				if c.Valid != nil {
					c.Valid = c.Valid[:0]
				}
			}
		}
		if timed {
			b.Columns[5].Valid, b.Columns[6].Valid = []bool{}, []bool{}
		}
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
					v, cnt, f, z := l.EdgeAt(i)
					c := b.Columns
					platform.Append(p)
					actor.Append(a)
					target.Bytes = ids.AppendID(target.Bytes, v)
					target.End()
					typ.Append(name)
					c[4].Ints = append(c[4].Ints, int64(cnt))
					if timed {
						ok := f != graph.NoTime
						if !ok {
							f, z = 0, 0
						}
						c[5].Ints, c[5].Valid = append(c[5].Ints, f), append(c[5].Valid, ok)
						c[6].Ints, c[6].Valid = append(c[6].Ints, z), append(c[6].Valid, ok)
					}
					if len(c[4].Ints) == edgeBatch {
						if err := emit(b); err != nil {
							return err
						}
						reset()
					}
				}
			}
		}
		if len(b.Columns[4].Ints) > 0 {
			return emit(b)
		}
		return nil
	})
}
