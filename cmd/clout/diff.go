package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// `clout diff RUN_A RUN_B`: who moved most between two runs, and why.

func runDiff(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("diff", "diff [-n N] [--signals K] [--csv] RUN_A RUN_B", stderr)
	n := fs.Int("n", 10, "movers to list in each direction")
	k := fs.Int("signals", 3, "signals to name per mover")
	asCSV := fs.Bool("csv", false, "print the movers as CSV (one row per mover) instead of text")
	pos, done, err := parseInterleaved(fs, args)
	if done || err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return usageErr("diff: want two runs (a run folder or a scores.parquet each), got %d arguments", len(pos))
	}
	if *n < 0 || *k < 0 {
		return usageErr("diff: -n and --signals must be ≥ 0")
	}
	a, err := loadModel(pos[0])
	if err != nil {
		return err
	}
	b, err := loadModel(pos[1])
	if err != nil {
		return err
	}
	d := diffRuns(a, b)
	if *asCSV {
		return d.writeCSV(stdout, *n, *k)
	}
	return d.print(stdout, *n, *k)
}

// runsDiff is the comparison of two runs.
type runsDiff struct {
	a, b   *scoreModel
	both   []diffRow // users in both runs
	onlyA  int
	onlyB  int
	sorted []diffRow // both, by delta, highest first
}

type diffRow struct {
	i, j  int     // rows in a and b
	delta float64 // published clout b − a
}

func diffRuns(a, b *scoreModel) *runsDiff {
	d := &runsDiff{a: a, b: b}
	pl, id := b.t.Col("platform"), b.t.Col("user_id")
	for j := range b.t.Rows() {
		i, ok := a.rows[userKey(pl.Strings[j], id.Strings[j])]
		if !ok {
			d.onlyB++
			continue
		}
		d.both = append(d.both, diffRow{i: i, j: j, delta: b.pub[j] - a.pub[i]})
	}
	d.onlyA = a.t.Rows() - len(d.both)
	d.sorted = slices.Clone(d.both)
	slices.SortStableFunc(d.sorted, func(p, q diffRow) int { return cmpDesc(p.delta, q.delta) })
	return d
}

// moveStats summarises |delta| over a set of users.
type moveStats struct {
	users         int
	med, p90, max float64
	ge10, ge30    float64 // % of the users that moved by at least 10 and 30 points
}

// absStats summarises |delta| over the users in both runs, and over those of them
// who had any engagement in run A (engaged_audience ≥ 1: the others sit at the floor).
func (d *runsDiff) absStats() (all, engaged moveStats) {
	ea := d.a.t.Col("engaged_audience")
	var va, ve []float64
	for _, r := range d.both {
		x := math.Abs(r.delta)
		va = append(va, x)
		if e, ok := ea.Number(r.i); ok && e > 0 {
			ve = append(ve, x)
		}
	}
	return summarise(va), summarise(ve)
}

func summarise(v []float64) moveStats {
	s := moveStats{users: len(v)}
	if len(v) == 0 {
		return s
	}
	slices.Sort(v)
	for _, x := range v {
		if x >= 10 {
			s.ge10++
		}
		if x >= 30 {
			s.ge30++
		}
	}
	s.med, s.p90, s.max = quantile(v, 0.5), quantile(v, 0.9), v[len(v)-1]
	s.ge10, s.ge30 = 100*s.ge10/float64(len(v)), 100*s.ge30/float64(len(v))
	return s
}

// quantile of sorted v, linear between the closest ranks (type 7, numpy's default).
func quantile(v []float64, q float64) float64 {
	h := q * float64(len(v)-1)
	lo := int(h)
	if lo+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

// movers returns the n biggest rises (delta > 0) and falls (delta < 0).
func (d *runsDiff) movers(n int) (up, down []diffRow) {
	for _, r := range d.sorted {
		if len(up) == n || r.delta <= 0 {
			break
		}
		up = append(up, r)
	}
	for i := len(d.sorted) - 1; i >= 0; i-- {
		r := d.sorted[i]
		if len(down) == n || r.delta >= 0 {
			break
		}
		down = append(down, r)
	}
	return up, down
}

// why is the explanation of one mover: the signals that moved it most, and what the
// population's change and the smoothing added.
type why struct {
	moves      []signalMove
	rawDelta   float64
	own, scale float64 // Σ over all signals
	smoothing  float64 // published delta − raw delta
}

func (d *runsDiff) why(r diffRow) why {
	w := why{moves: moveWhy(d.a, r.i, d.b, r.j), rawDelta: d.b.raw[r.j] - d.a.raw[r.i]}
	for _, m := range w.moves {
		w.own += m.own
		w.scale += m.scale
	}
	w.smoothing = r.delta - w.rawDelta
	return w
}

// describe names the top k signal moves in plain terms.
func (w why) describe(k int) []string {
	var out []string
	for _, m := range w.moves {
		if len(out) == k {
			break
		}
		if m.before == m.after && math.Abs(m.own) < 0.05 {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s → %s (%+.1f points)", plainName(m.s.Name),
			fmtValue(m.s, m.before), fmtValue(m.s, m.after), m.own))
	}
	return out
}

// userLabel names row i of a run: platform, id and handle.
func userLabel(m *scoreModel, i int) string {
	s := m.t.Col("platform").Strings[i] + " " + m.t.Col("user_id").Strings[i]
	if h := m.t.Col("handle"); h != nil && !h.IsNull(i) && h.Strings[i] != "" {
		s += " (@" + strings.TrimPrefix(h.Strings[i], "@") + ")"
	}
	return s
}

func (d *runsDiff) print(w io.Writer, n, k int) error {
	ew := &errWriter{w: w}
	ew.printf("A: %s (%d users)\nB: %s (%d users)\n", d.a.path, d.a.t.Rows(), d.b.path, d.b.t.Rows())
	ew.printf("users in both %d; only in A %d; only in B %d\n", len(d.both), d.onlyA, d.onlyB)
	all, engaged := d.absStats()
	for _, st := range []struct {
		who string
		s   moveStats
	}{{"the users in both", all}, {"those engaged in A (engaged_audience ≥ 1)", engaged}} {
		ew.printf("|Δ clout| over %s (%d): median %.2f, p90 %.2f, max %.2f; %.2f %% moved ≥ 10 points, %.2f %% ≥ 30\n",
			st.who, st.s.users, st.s.med, st.s.p90, st.s.max, st.s.ge10, st.s.ge30)
	}
	if e := max(d.a.maxErr, d.b.maxErr); e > 0.01 {
		ew.printf("note: the signal breakdown is approximate (off by up to %.2f points): the runs did not use the catalogue's weights\n", e)
	}
	up, down := d.movers(n)
	for _, part := range []struct {
		title string
		rows  []diffRow
	}{{"Biggest rises", up}, {"Biggest falls", down}} {
		ew.printf("\n%s\n", part.title)
		if len(part.rows) == 0 {
			ew.printf("  (none)\n")
		}
		for _, r := range part.rows {
			wy := d.why(r)
			ew.printf("  %+6.1f  %s  %.1f → %.1f\n", r.delta, userLabel(d.b, r.j), d.a.pub[r.i], d.b.pub[r.j])
			for _, s := range wy.describe(k) {
				ew.printf("          %s\n", s)
			}
			tail := fmt.Sprintf("all signals of the user %+.1f; the population's change %+.1f", wy.own, wy.scale)
			if math.Abs(wy.smoothing) >= 0.05 {
				tail += fmt.Sprintf("; smoothing %+.1f", wy.smoothing)
			}
			ew.printf("          (%s)\n", tail)
		}
	}
	return ew.err
}

func (d *runsDiff) writeCSV(w io.Writer, n, k int) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"direction", "platform", "user_id", "handle", "clout_a", "clout_b", "delta",
		"raw_delta", "signals_effect", "population_effect", "smoothing_effect", "top_signals"})
	up, down := d.movers(n)
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	for _, part := range []struct {
		dir  string
		rows []diffRow
	}{{"up", up}, {"down", down}} {
		for _, r := range part.rows {
			wy := d.why(r)
			h := ""
			if c := d.b.t.Col("handle"); c != nil && !c.IsNull(r.j) {
				h = c.Strings[r.j]
			}
			cw.Write([]string{part.dir, d.b.t.Col("platform").Strings[r.j], d.b.t.Col("user_id").Strings[r.j],
				sanitizeCell(h), f(d.a.pub[r.i]), f(d.b.pub[r.j]), f(r.delta), f(wy.rawDelta), f(wy.own), f(wy.scale),
				f(wy.smoothing), strings.Join(wy.describe(k), "; ")})
		}
	}
	cw.Flush()
	return cw.Error()
}

// sanitizeCell neutralises spreadsheet formulas in a text cell, as sink.WriteCSV does.
func sanitizeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// errWriter is a writer with a sticky first error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments (`clout explain USER --run DIR`), which the flag package alone
// stops at; it returns the positional arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) (pos []string, done bool, err error) {
	for {
		if done, err := parseFlags(fs, args); done || err != nil {
			return nil, done, err
		}
		if fs.NArg() == 0 {
			return pos, false, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
