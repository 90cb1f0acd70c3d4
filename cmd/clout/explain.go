package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/rank"
)

// `clout explain USER`: a user's scores, what drives them, who raised them, what
// changed since the previous partition, and what would raise them, all read from the
// run's files.

// explainPeers is how many users ranked just above the user the levers compare with.
const explainPeers = 50

func runExplain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("explain", "explain USER [--run DIR | --history DIR [--as-of DATE]] [--platform P] [-n N]", stderr)
	runDir := fs.String("run", "", "the run: a folder (scores.parquet, edges.parquet, run.json) or a scores.parquet (default: out, or the latest partition of --history)")
	hist := fs.String("history", "", "a history `DIR` (clout score --history): explain the latest partition, and what changed since the one before")
	platform := fs.String("platform", "", "the user's platform, when the id or handle is on several")
	asOf := fs.String("as-of", "", "with --history: the partition `date` (YYYY-MM-DD) to explain instead of the latest")
	top := fs.Int("n", 5, "signals, engagers and levers to list")
	pos, done, err := parseInterleaved(fs, args)
	if done || err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageErr("explain: want one USER (user_id or handle), got %d arguments", len(pos))
	}
	if *runDir != "" && *hist != "" {
		return usageErr("explain: --run and --history exclude each other")
	}
	if *top < 1 {
		return usageErr("explain: -n must be ≥ 1, got %d", *top)
	}
	dir, prevDir := *runDir, ""
	if *hist != "" {
		ps, err := partitions(*hist)
		if err != nil {
			return inputErr(fmt.Errorf("explain: %w", err))
		}
		if len(ps) == 0 {
			return inputErr(fmt.Errorf("explain: %s holds no partition run=YYYY-MM-DD with a scores.parquet", *hist))
		}
		at := len(ps) - 1
		if *asOf != "" {
			name := "run=" + *asOf
			at = slices.IndexFunc(ps, func(p partition) bool { return filepath.Base(p.dir) == name })
			if at < 0 {
				return inputErr(fmt.Errorf("explain: %s has no partition %s", *hist, name))
			}
		}
		dir = ps[at].dir
		if at > 0 {
			prevDir = ps[at-1].dir
		}
	} else if *asOf != "" {
		return usageErr("explain: --as-of needs --history")
	}
	if dir == "" {
		dir = "out"
	}
	m, err := loadModel(dir)
	if err != nil {
		return err
	}
	row, err := m.find(pos[0], *platform)
	if err != nil {
		return err
	}
	ew := &errWriter{w: stdout}
	e := &explainer{m: m, row: row, w: ew, k: *top}
	e.header()
	e.contributions()
	if err := e.engagers(filepath.Join(filepath.Dir(m.path), "edges.parquet")); err != nil {
		return err
	}
	if prevDir != "" {
		pm, err := loadModel(prevDir)
		if err != nil {
			return err
		}
		e.changes(pm)
	}
	e.levers()
	return ew.err
}

// find returns the row of the user named by user_id or handle (with or without @).
func (m *scoreModel) find(user, platform string) (int, error) {
	pl, id := m.t.Col("platform"), m.t.Col("user_id")
	var hits []int
	for i := range m.t.Rows() {
		if id.Strings[i] == user && (platform == "" || pl.Strings[i] == platform) {
			hits = append(hits, i)
		}
	}
	if len(hits) == 0 {
		for _, h := range []string{user, "@" + strings.TrimPrefix(user, "@"), strings.TrimPrefix(user, "@")} {
			for _, i := range m.handles[h] {
				if (platform == "" || pl.Strings[i] == platform) && !slices.Contains(hits, i) {
					hits = append(hits, i)
				}
			}
		}
	}
	switch len(hits) {
	case 0:
		return 0, inputErr(fmt.Errorf("explain: no user %q in %s (matched against user_id and handle)", user, m.path))
	case 1:
		return hits[0], nil
	}
	var names []string
	for _, i := range hits {
		names = append(names, pl.Strings[i]+" "+id.Strings[i])
	}
	return 0, usageErr("explain: %q names %d users (%s): say --platform", user, len(hits), strings.Join(names, ", "))
}

type explainer struct {
	m   *scoreModel
	row int
	w   *errWriter
	k   int
}

func (e *explainer) col(name string) *sink.Column { return e.m.t.Col(name) }

func (e *explainer) header() {
	m, i := e.m, e.row
	e.w.printf("%s in %s\n", userLabel(m, i), m.path)
	rk := e.col("rank")
	e.w.printf("Clout Score %.1f (rank %d of %d; %s)", m.pub[i], rk.Ints[i], m.t.Rows(), pctText(e.col("percentile").Floats[i]))
	if m.raw[i] != m.pub[i] {
		e.w.printf("; %.1f before smoothing", m.raw[i])
	}
	e.w.printf("\n")
	for k := range rank.NumSubs {
		if c := e.col(k.String()); c != nil && !c.Null {
			e.w.printf("  %-14s %5.1f\n", k.String(), c.Floats[i])
		}
	}
	for _, hz := range deltaHorizons {
		if c := e.col(hz.col); c != nil && !c.IsNull(i) {
			e.w.printf("  %-14s %+5.1f\n", hz.col, c.Floats[i])
		}
	}
	if x, ok := e.col("engager_credit").Number(i); ok && x < 1 {
		e.w.printf("  the user engaged more accounts than the engager budget: its own engagement counts %.3g as an engager of each (README, anti-gaming)\n", x)
	}
}

func (e *explainer) contributions() {
	m, i := e.m, e.row
	ss := slices.Clone(m.signals)
	slices.SortStableFunc(ss, func(a, b *modelSignal) int { return cmpDesc(a.contrib(a.value(i)), b.contrib(b.value(i))) })
	e.w.printf("\nWhat the score is made of (the signals' shares of the %.1f points above the floor of 1):\n", m.raw[i]-1)
	for _, s := range ss[:min(e.k, len(ss))] {
		x := s.value(i)
		var subs []string
		for k, w := range s.Weights {
			if w > 0 {
				subs = append(subs, rank.Sub(k).String())
			}
		}
		e.w.printf("  %5.1f points  %s: %s, %s (feeds %s)\n",
			s.contrib(x), plainName(s.Name), fmtValue(s, x), pctText(s.percentile(x)), strings.Join(subs, ", "))
	}
	if m.maxErr > 0.01 {
		e.w.printf("  (approximate, off by up to %.2f points: the run did not use the catalogue's weights)\n", m.maxErr)
	}
}

// engagers lists the most influential accounts that engaged with the user: those who
// passed the user the most PageRank credit, d·PR(u)·w(u→v)/W_out(u), computed from
// the run's edges.parquet with the run's layer weights and count transform. The edges
// are those of the input, before returned engagement and the engagement within
// closed groups are netted out. An engager that engaged more distinct accounts within
// a week than the run's engager budget is marked with the credit it counts for, from
// the scores' engager_credit column (README, anti-gaming).
func (e *explainer) engagers(path string) error {
	m, i := e.m, e.row
	if _, err := os.Stat(path); err != nil {
		e.w.printf("\nWho engaged: no %s beside the scores (run with --edges)\n", filepath.Base(path))
		return nil
	}
	t, err := sink.ReadParquetColumns(path, []string{"platform", "actor", "target", "type", "count"})
	if err != nil {
		return inputErr(fmt.Errorf("explain: %w", err))
	}
	lw, transform, damping := runPropagation(m.path)
	pl, ac, tg, ty, cn := t.Col("platform"), t.Col("actor"), t.Col("target"), t.Col("type"), t.Col("count")
	me := m.t.Col("user_id").Strings[i]
	myPl := m.t.Col("platform").Strings[i]
	wout := map[string]float64{}
	type engager struct {
		key    string
		w      float64
		events map[string]int64
	}
	byActor := map[string]*engager{}
	var order []string
	for r := range t.Rows() {
		wt := lw[ty.Strings[r]] * transform(float64(cn.Ints[r]))
		k := userKey(pl.Strings[r], ac.Strings[r])
		wout[k] += wt
		if tg.Strings[r] == me && pl.Strings[r] == myPl {
			g := byActor[k]
			if g == nil {
				g = &engager{key: k, events: map[string]int64{}}
				byActor[k] = g
				order = append(order, k)
			}
			g.w += wt
			g.events[ty.Strings[r]] += cn.Ints[r]
		}
	}
	// Each engager's credit is the scores table's, as the scorer computed it (the
	// accounts engaged within a week); the budget names the rule.
	budget, creditCol := runBudget(m.path), m.t.Col("engager_credit")
	prCol := m.t.Col("pagerank")
	hasPR := prCol != nil && !prCol.Null && prCol.Type == sink.Float64
	type credit struct {
		g      *engager
		row    int
		credit float64
	}
	var cs []credit
	for _, k := range order {
		g := byActor[k]
		j, ok := m.rows[k]
		if !ok || wout[k] == 0 {
			continue
		}
		c := 0.0
		if hasPR {
			c = damping * prCol.Floats[j] * g.w / wout[k]
		}
		cs = append(cs, credit{g, j, c})
	}
	slices.SortStableFunc(cs, func(a, b credit) int {
		if a.credit != b.credit {
			return cmpDesc(a.credit, b.credit)
		}
		return cmpDesc(m.pub[a.row], m.pub[b.row])
	})
	e.w.printf("\nWho engaged (%d accounts); the most influential, by the PageRank credit each passed on,\nd·pagerank(u)·w(u→user)/W_out(u), from edges.parquet (engagement before netting):\n", len(cs))
	if !hasPR {
		e.w.printf("  (the run has no pagerank column: listed by Clout Score)\n")
	}
	own := 0.0
	if hasPR {
		own = prCol.Floats[i]
	}
	for _, c := range cs[:min(e.k, len(cs))] {
		var ev []string
		for _, ty := range []string{"retweets", "mentions", "replies", "likes", "follows"} {
			if n := c.g.events[ty]; n > 0 {
				ev = append(ev, fmt.Sprintf("%d %s", n, ty))
			}
		}
		line := fmt.Sprintf("  %s: Clout %.1f; %s", userLabel(m, c.row), m.pub[c.row], strings.Join(ev, ", "))
		if hasPR {
			line = fmt.Sprintf("  %s: Clout %.1f, pagerank %.3g; %s", userLabel(m, c.row), m.pub[c.row], prCol.Floats[c.row], strings.Join(ev, ", "))
		}
		if own > 0 {
			line += fmt.Sprintf("; passed ≈ %.3g of the user's pagerank %.3g (%.0f %%)", c.credit, own, 100*c.credit/own)
		}
		if x, ok := creditCol.Number(c.row); ok && x < 1 && budget != nil {
			line += fmt.Sprintf("; engaged %.0f accounts within a week, more than the engager budget %g: counts %.3g as an engager", *budget/x, *budget, x)
		}
		e.w.printf("%s\n", line)
	}
	return nil
}

// runBudget reads the engager budget from the run.json beside a scores file: nil
// when there was none (or the run predates it).
func runBudget(scores string) *float64 {
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(scores), "run.json"))
	if err != nil {
		return nil
	}
	var info struct {
		Parameters struct {
			EngagerBudget *float64 `json:"engager_budget"`
		} `json:"parameters"`
	}
	if json.Unmarshal(raw, &info) != nil {
		return nil
	}
	return info.Parameters.EngagerBudget
}

// runPropagation reads the layer weights, count transform and damping from the
// run.json beside a scores file (the defaults when it is absent).
func runPropagation(scores string) (map[string]float64, func(float64) float64, float64) {
	p := rank.DefaultParams().PageRank
	lw := map[string]float64{}
	for k, w := range p.LayerWeights {
		lw[graph.Kind(k).String()] = w
	}
	transform, damping := "log", p.Damping
	if raw, err := os.ReadFile(filepath.Join(filepath.Dir(scores), "run.json")); err == nil {
		var info struct {
			Parameters struct {
				LayerWeights   map[string]float64 `json:"layer_weights"`
				CountTransform string             `json:"count_transform"`
				Damping        float64            `json:"damping"`
			} `json:"parameters"`
		}
		if json.Unmarshal(raw, &info) == nil {
			if len(info.Parameters.LayerWeights) > 0 {
				lw = info.Parameters.LayerWeights
			}
			if info.Parameters.CountTransform != "" {
				transform = info.Parameters.CountTransform
			}
			if info.Parameters.Damping > 0 {
				damping = info.Parameters.Damping
			}
		}
	}
	f := func(c float64) float64 { return 1 + math.Log(max(1, c)) }
	switch transform {
	case "linear":
		f = func(c float64) float64 { return c }
	case "binary":
		f = func(float64) float64 { return 1 }
	}
	return lw, f, damping
}

// changes says what changed since the previous partition, in signal terms.
func (e *explainer) changes(prev *scoreModel) {
	m, j := e.m, e.row
	k := userKey(m.t.Col("platform").Strings[j], m.t.Col("user_id").Strings[j])
	e.w.printf("\nSince %s:\n", filepath.Base(filepath.Dir(prev.path)))
	i, ok := prev.rows[k]
	if !ok {
		e.w.printf("  the user is new: not in the previous partition\n")
		return
	}
	d := &runsDiff{a: prev, b: m}
	wy := d.why(diffRow{i: i, j: j, delta: m.pub[j] - prev.pub[i]})
	e.w.printf("  Clout Score %.1f → %.1f (%+.1f); before smoothing %.1f → %.1f (%+.1f)\n",
		prev.pub[i], m.pub[j], m.pub[j]-prev.pub[i], prev.raw[i], m.raw[j], wy.rawDelta)
	lines := wy.describe(e.k)
	if len(lines) == 0 {
		e.w.printf("  none of the user's signals changed\n")
	}
	for _, l := range lines {
		e.w.printf("  %s\n", l)
	}
	e.w.printf("  (the user's signals %+.1f points; the rest of the population's change %+.1f: the scale is relative to the best-scored users", wy.own, wy.scale)
	if math.Abs(wy.smoothing) >= 0.05 {
		e.w.printf("; smoothing %+.1f", wy.smoothing)
	}
	e.w.printf(")\n")
}

// levers compares the user with the explainPeers users ranked just above by the raw
// Clout Score: for each scored signal in which the user is below the peers' median,
// what reaching the median would add; the largest gains first.
func (e *explainer) levers() {
	m, i := e.m, e.row
	n := m.t.Rows()
	above := make([]int, 0, n)
	for j := range n {
		if m.raw[j] > m.raw[i] {
			above = append(above, j)
		}
	}
	e.w.printf("\nLevers:\n")
	if len(above) == 0 {
		e.w.printf("  no one scores above the user in this run\n")
		return
	}
	slices.SortStableFunc(above, func(a, b int) int { return cmpDesc(m.raw[b], m.raw[a]) }) // lowest first
	peers := above[:min(explainPeers, len(above))]
	lo, hi := m.raw[peers[0]], m.raw[peers[len(peers)-1]]
	type lever struct {
		s            *modelSignal
		x, med, gain float64
		fewer        float64 // % of peers with a higher value
	}
	var ls []lever
	for _, s := range m.signals {
		x := s.value(i)
		vs := make([]float64, len(peers))
		higher := 0
		for t, j := range peers {
			vs[t] = s.value(j)
			if vs[t] > x {
				higher++
			}
		}
		slices.Sort(vs)
		med := quantile(vs, 0.5)
		if g := s.contrib(med) - s.contrib(x); med > x && g >= 0.05 {
			ls = append(ls, lever{s, x, med, g, 100 * float64(higher) / float64(len(peers))})
		}
	}
	slices.SortStableFunc(ls, func(a, b lever) int { return cmpDesc(a.gain, b.gain) })
	who := fmt.Sprintf("the %d users", len(peers))
	if len(peers) == 1 {
		who = "the user"
	}
	e.w.printf("  compared with %s ranked just above (raw Clout %.1f–%.1f):\n", who, lo, hi)
	if len(ls) == 0 {
		e.w.printf("  the user is at or above their median in every scored signal: the gap is in how the signals combine\n")
	}
	for _, l := range ls[:min(e.k, len(ls))] {
		e.w.printf("  %s: yours %s, below %.0f %% of theirs (their median %s); reaching the median would add ≈ %.1f points\n",
			plainName(l.s.Name), fmtValue(l.s, l.x), l.fewer, fmtValue(l.s, l.med), l.gain)
	}
	if len(ls) > 0 {
		e.atLevel(ls[0].s)
	}
}

// atLevel sets the user's value of s against the users at the same level of each
// sub-score s feeds (within ±levelBand points of the user's): the share of them with
// a higher value.
func (e *explainer) atLevel(s *modelSignal) {
	m, i := e.m, e.row
	x := s.value(i)
	for k, w := range s.Weights {
		sub := e.col(rank.Sub(k).String())
		if w == 0 || sub == nil || sub.Null {
			continue
		}
		level := sub.Floats[i]
		same, higher := 0, 0
		for j := range m.t.Rows() {
			if j == i || math.Abs(sub.Floats[j]-level) > levelBand {
				continue
			}
			same++
			if s.value(j) > x {
				higher++
			}
		}
		if same >= 10 {
			e.w.printf("  among the %d users at your %s level (%.1f ± %g), %.0f %% have more %s than your %s\n",
				same, rank.Sub(k), level, levelBand, 100*float64(higher)/float64(same), plainName(s.Name), fmtValue(s, x))
		}
	}
}

// levelBand is the half-width, in points, of "the same level" of a sub-score.
const levelBand = 2.5

// pctText says where a percentile p (the share of users strictly lower) stands: "higher
// than 87.5 % of users", or near the top, where that would round to 100, "in the top
// 0.0033 %" (the share of users as high or higher).
func pctText(p float64) string {
	if p < 99.9 {
		return fmt.Sprintf("higher than %.1f %% of users", p)
	}
	return fmt.Sprintf("in the top %.2g %% of users", 100-p)
}
