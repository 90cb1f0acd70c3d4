package main

import (
	"cmp"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
)

// Periodic runs with history (`clout score --history DIR --as-of DATE`).
//
// Each run is a partition DIR/run=YYYY-MM-DD/ holding what --out would hold. Before
// the scores table is written, the Clout Score is smoothed against the latest earlier
// partition and the deltas against the partitions a day, a week and a month earlier
// are added. docs/HISTORY.md states the rules and the stability they buy.

const day = 24 * 60 * 60 // seconds

// The smoothing rule's constants (docs/HISTORY.md); the first two are the defaults of
// --smooth-alpha and --smooth-cap.
const (
	smoothAlpha = 0.5  // share of the gap to the raw score closed per day
	smoothCap   = 10.0 // largest move of the published score per day, in points
	// A change of the engaged audience (distinct engagers) is real, and the published
	// score follows the raw one at once, when it changes by at least realChangeMin
	// accounts, and either by a factor of at least realChangeRatio (counted as 1 +
	// engagers, so that 0 → 5 is a factor of 6) or by at least realChangeSigma times
	// √(e + e_p): the standard deviation of the difference of two Poisson counts with
	// means e and e_p, so that a large audience's change beyond three standard
	// deviations of counting noise is real though less than a doubling (200 → 250
	// engagers: 50 ≥ 3·√450 ≈ 63.6 is not; 200 → 300: 100 ≥ 3·√500 ≈ 67.1 is).
	realChangeMin   = 5
	realChangeRatio = 2.0
	realChangeSigma = 3.0
)

// deltaHorizons are the delta columns: the horizon in days and the tolerance, in days
// further back, within which an earlier partition stands in for a missing one.
var deltaHorizons = []struct {
	col       string
	days, tol int
}{
	{"delta_day", 1, 1},
	{"delta_week", 7, 3},
	{"delta_month", 30, 7},
}

// historyConfig is what --history, --as-of and --smooth ask for.
type historyConfig struct {
	dir    string
	asOf   string // the flag as given
	smooth bool
	alpha  float64 // --smooth-alpha: share of the gap closed per day, in (0, 1]
	cap    float64 // --smooth-cap: largest move per day, in points (> 0)
	date   int64   // the as-of date, Unix seconds of its 00:00 UTC; graph.NoTime until resolved
	info   *historyInfo
}

// historyInfo is run.json's "history": where the run went and what it was set against.
type historyInfo struct {
	AsOf      string            `json:"as_of"`
	Partition string            `json:"partition"`
	Previous  string            `json:"previous,omitempty"`
	Deltas    map[string]string `json:"delta_partitions"`
	Smoothing smoothInfo        `json:"smoothing"`
}

type smoothInfo struct {
	On              bool    `json:"on"`
	Alpha           float64 `json:"alpha_per_day"`
	CapPerDay       float64 `json:"cap_points_per_day"`
	RealChangeMin   int     `json:"real_change_min_engagers"`
	RealChangeRatio float64 `json:"real_change_ratio"`
	RealChangeSigma float64 `json:"real_change_sigma"`
	Smoothed        int     `json:"users_smoothed"`
	Capped          int     `json:"users_capped"`
	RealChange      int     `json:"users_real_change"`
	New             int     `json:"users_new"`
}

func (h *historyConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&h.dir, "history", "", "store the run as the partition `DIR`/run=YYYY-MM-DD/ (instead of --out), with the Clout Score smoothed against the previous partition and delta_day/week/month columns")
	fs.StringVar(&h.asOf, "as-of", "", "`date` (YYYY-MM-DD, UTC) of the --history partition; also the end of the window (--until) when --until is not given. Default: the day of --until, or of the latest event")
	fs.BoolVar(&h.smooth, "smooth", true, "with --history: smooth the published Clout Score against the previous partition (clout_raw keeps the unsmoothed one)")
	fs.Float64Var(&h.alpha, "smooth-alpha", smoothAlpha, "with --history: the share of the gap between the published and the raw score closed per day, in (0, 1] (1: no lag, only the cap)")
	fs.Float64Var(&h.cap, "smooth-cap", smoothCap, "with --history: the largest move of the published score per day, in points (> 0), unless the engaged audience really changed")
}

// check validates the history flags once parsed; outSet says whether --out was given.
// An --as-of without --until ends the window at the end of that day.
func (h *historyConfig) check(c *scoreConfig, outSet bool) error {
	h.date = graph.NoTime
	if !(h.alpha > 0 && h.alpha <= 1) {
		return usageErr("--smooth-alpha must be in (0, 1], got %g", h.alpha)
	}
	if !(h.cap > 0) || math.IsInf(h.cap, 0) {
		return usageErr("--smooth-cap must be a number of points > 0, got %g", h.cap)
	}
	if h.dir == "" {
		if h.asOf != "" {
			return usageErr("--as-of needs --history")
		}
		return nil
	}
	if outSet {
		return usageErr("--history and --out exclude each other: the run goes to the partition DIR/run=YYYY-MM-DD")
	}
	if h.asOf == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, h.asOf)
	if err != nil {
		return usageErr("--as-of must be a date YYYY-MM-DD, got %q", h.asOf)
	}
	h.date = d.Unix()
	switch until := c.ingest.Until; {
	case until == graph.NoTime:
		c.ingest.Until = h.date + day
		if c.ingest.Since != graph.NoTime && c.ingest.Until <= c.ingest.Since {
			return usageErr("--as-of %s ends before --since", h.asOf)
		}
	case until > h.date+day:
		return usageErr("--until is after the end of --as-of %s: the partition would hold later events", h.asOf)
	}
	return nil
}

// resolve fixes the as-of date, if --as-of did not, from --until or from the latest
// event of g, and points the run's output folder at the partition.
func (h *historyConfig) resolve(c *scoreConfig, g *graph.Graph) error {
	if h.dir == "" {
		return nil
	}
	if h.date == graph.NoTime {
		end := c.ingest.Until - 1 // --until is exclusive
		if c.ingest.Until == graph.NoTime {
			end = latestEvent(g)
		}
		if end == graph.NoTime {
			return usageErr("--history: the inputs carry no timestamps; say --as-of")
		}
		h.date = end - mod(end, day)
	}
	c.out = filepath.Join(h.dir, partitionName(h.date))
	return nil
}

func mod(a, b int64) int64 { return ((a % b) + b) % b }

func partitionName(date int64) string {
	return "run=" + time.Unix(date, 0).UTC().Format(time.DateOnly)
}

// latestEvent returns the time of the latest event of g, or graph.NoTime.
func latestEvent(g *graph.Graph) int64 {
	t := graph.NoTime
	for k := range graph.NumKinds {
		l := g.Layer(k)
		if l == nil || !l.Timed() {
			continue
		}
		for i := range uint64(l.Edges()) {
			_, _, f, z := l.EdgeAt(i)
			if f != graph.NoTime {
				t = max(t, z)
			}
		}
	}
	return t
}

// partition is a run folder of a history.
type partition struct {
	date int64
	dir  string
}

// partitions lists the partitions of dir that hold a scores.parquet, oldest first.
func partitions(dir string) ([]partition, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	var ps []partition
	for _, e := range ents {
		name, ok := strings.CutPrefix(e.Name(), "run=")
		if !ok || !e.IsDir() {
			continue
		}
		d, err := time.Parse(time.DateOnly, name)
		if err != nil {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(p, "scores.parquet")); err != nil {
			continue
		}
		ps = append(ps, partition{d.Unix(), p})
	}
	slices.SortFunc(ps, func(a, b partition) int { return cmp.Compare(a.date, b.date) })
	return ps, nil
}

// earlier returns the latest partition dated in [date−days−tol, date−days] days, if any.
func earlier(ps []partition, date int64, days, tol int) (partition, bool) {
	hi, lo := date-int64(days)*day, date-int64(days+tol)*day
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].date <= hi && ps[i].date >= lo {
			return ps[i], true
		}
	}
	return partition{}, false
}

// pastScores are the published scores (and engaged audiences) of one partition.
type pastScores struct {
	clout    map[string]float64
	engagers map[string]float64 // nil when the partition has no engaged_audience
}

func userKey(platform, id string) string { return platform + "\x00" + id }

func readPast(dir string) (*pastScores, error) {
	path := filepath.Join(dir, "scores.parquet")
	t, err := sink.ReadParquetColumns(path, []string{"platform", "user_id", "clout", "engaged_audience"})
	if err != nil {
		if t, err = sink.ReadParquetColumns(path, []string{"platform", "user_id", "clout"}); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
	}
	pl, id, cl := t.Col("platform"), t.Col("user_id"), t.Col("clout")
	if pl.Type != sink.String || id.Type != sink.String || cl.Type != sink.Float64 {
		return nil, fmt.Errorf("history: %s: not a Clout scores file", path)
	}
	p := &pastScores{clout: make(map[string]float64, t.Rows())}
	ea := t.Col("engaged_audience")
	if ea != nil && !ea.Null && (ea.Type == sink.Int64 || ea.Type == sink.Float64) {
		p.engagers = make(map[string]float64, t.Rows())
	}
	for i := range t.Rows() {
		k := userKey(pl.Strings[i], id.Strings[i])
		if !cl.IsNull(i) {
			p.clout[k] = cl.Floats[i]
		}
		if x, ok := ea.Number(i); ok && p.engagers != nil {
			p.engagers[k] = x
		}
	}
	return p, nil
}

// smoothed is the published score given the raw score r, the previous published
// score p, the engaged audiences now (e) and then (ep, negative when unknown), the
// gap in days since the previous partition, and the rule's share per day a and cap
// per day cp. It reports which branch it took.
func smoothed(r, p, e, ep, gap, a, cp float64) (float64, string) {
	if ep >= 0 && e >= 0 && realChange(e, ep) {
		return r, "real"
	}
	alpha := 1 - math.Pow(1-a, gap)
	limit := cp * gap
	step := alpha * (r - p)
	how := "smoothed"
	if math.Abs(step) > limit {
		step, how = math.Copysign(limit, step), "capped"
	}
	return min(100, max(1, p+step)), how
}

// realChange reports whether the engaged audience's change from ep to e (both known)
// is real by the rule of the constants above. The audiences are credited counts
// (engaged_audience: an account that engages very many counts less than one).
func realChange(e, ep float64) bool {
	d := math.Abs(e - ep)
	if d < realChangeMin {
		return false
	}
	ratio := (max(e, ep) + 1) / (min(e, ep) + 1)
	return ratio >= realChangeRatio || d >= realChangeSigma*math.Sqrt(e+ep)
}

// apply sets the scores table against the history: it smooths the Clout Score
// (keeping the raw one as clout_raw), puts the rows, rank and percentile in the order
// of the published score, and adds the delta columns. It returns the new table.
func (h *historyConfig) apply(t *sink.Table) (*sink.Table, error) {
	if h.dir == "" {
		return t, nil
	}
	ps, err := partitions(h.dir)
	if err != nil {
		return nil, outputErr(fmt.Errorf("history: %w", err))
	}
	ps = slices.DeleteFunc(ps, func(p partition) bool { return p.date >= h.date })
	h.info = &historyInfo{AsOf: time.Unix(h.date, 0).UTC().Format(time.DateOnly), Partition: partitionName(h.date),
		Deltas: map[string]string{},
		Smoothing: smoothInfo{On: h.smooth, Alpha: h.alpha, CapPerDay: h.cap,
			RealChangeMin: realChangeMin, RealChangeRatio: realChangeRatio, RealChangeSigma: realChangeSigma}}
	cache := map[string]*pastScores{}
	past := func(p partition) (*pastScores, error) {
		if s, ok := cache[p.dir]; ok {
			return s, nil
		}
		s, err := readPast(p.dir)
		if err != nil {
			return nil, inputErr(err)
		}
		cache[p.dir] = s
		return s, nil
	}

	n := t.Rows()
	pl, id, cl := t.Col("platform"), t.Col("user_id"), t.Col("clout")
	keys := make([]string, n)
	for i := range keys {
		keys[i] = userKey(pl.Strings[i], id.Strings[i])
	}
	raw := slices.Clone(cl.Floats)
	pub := cl.Floats
	if len(ps) > 0 {
		prev := ps[len(ps)-1]
		h.info.Previous = filepath.Base(prev.dir)
		if h.smooth {
			sp, err := past(prev)
			if err != nil {
				return nil, err
			}
			gap := float64(h.date-prev.date) / day
			ea := t.Col("engaged_audience")
			for i, k := range keys {
				p, ok := sp.clout[k]
				if !ok {
					h.info.Smoothing.New++
					continue
				}
				e, ep := -1.0, -1.0
				if x, ok := ea.Number(i); ok && sp.engagers != nil {
					e = x
					if v, ok := sp.engagers[k]; ok {
						ep = v
					}
				}
				var how string
				pub[i], how = smoothed(raw[i], p, e, ep, gap, h.alpha, h.cap)
				switch how {
				case "real":
					h.info.Smoothing.RealChange++
				case "capped":
					h.info.Smoothing.Capped++
				}
				h.info.Smoothing.Smoothed++
			}
		}
	}

	var extra []sink.Column
	extra = append(extra, sink.Column{Name: "clout_raw", Type: sink.Float64, Floats: raw,
		Doc: "the Clout Score of this run alone, before smoothing against the previous partition (docs/HISTORY.md)"})
	for _, hz := range deltaHorizons {
		col := sink.Column{Name: hz.col, Type: sink.Float64, Floats: make([]float64, n),
			Doc: fmt.Sprintf("clout minus the clout of the partition %d days earlier (or up to %d more; null when none or the user is not in it)", hz.days, hz.tol)}
		p, ok := earlier(ps, h.date, hz.days, hz.tol)
		if !ok {
			col.Null = true
			extra = append(extra, col)
			continue
		}
		h.info.Deltas[hz.col] = filepath.Base(p.dir)
		sp, err := past(p)
		if err != nil {
			return nil, err
		}
		col.Valid = make([]bool, n)
		for i, k := range keys {
			if v, ok := sp.clout[k]; ok {
				col.Floats[i], col.Valid[i] = pub[i]-v, true
			}
		}
		extra = append(extra, col)
	}
	at := slices.IndexFunc(t.Columns, func(c sink.Column) bool { return c.Name == "percentile" }) + 1
	t.Columns = slices.Insert(t.Columns, at, extra...)
	return rerank(t), nil
}

// rerank puts the rows in the order of the published Clout Score, highest first (ties
// in the order they had, the raw score's), and recomputes rank and percentile.
func rerank(t *sink.Table) *sink.Table {
	n := t.Rows()
	c := t.Col("clout").Floats
	p := identity(n)
	slices.SortStableFunc(p, func(a, b int) int { return cmp.Compare(c[b], c[a]) })
	t = permuteTable(t, p)
	c = t.Col("clout").Floats
	rk, pct := t.Col("rank"), t.Col("percentile")
	for i := 0; i < n; {
		j := i
		for j < n && c[j] == c[i] {
			j++
		}
		below := float64(n-j) / float64(n) * 100
		for k := i; k < j; k++ {
			rk.Ints[k], pct.Floats[k] = int64(k+1), below
		}
		i = j
	}
	return t
}

// permuteTable reorders the rows of t in place so that row i becomes the old row
// p[i], column by column (Null columns that hold no values, as scoreTable makes them,
// are left alone), so that the scores table is never held twice.
func permuteTable(t *sink.Table, p []int) *sink.Table {
	visited := make([]bool, len(p))
	for j := range t.Columns {
		c := &t.Columns[j]
		if c.Null {
			continue
		}
		permuteSlice(c.Strings, p, visited)
		permuteSlice(c.Ints, p, visited)
		permuteSlice(c.Floats, p, visited)
		permuteSlice(c.Valid, p, visited)
	}
	return t
}

// permuteSlice sets a[i] to the old a[p[i]], following the permutation's cycles, as
// permuteInPlace does; a nil a is left alone. visited (len(p), scratch) is cleared on
// return.
func permuteSlice[T any](a []T, p []int, visited []bool) {
	if a == nil {
		return
	}
	for start := range a {
		if visited[start] {
			continue
		}
		tmp, j := a[start], start
		for {
			visited[j] = true
			k := p[j]
			if k == start {
				a[j] = tmp
				break
			}
			a[j] = a[k]
			j = k
		}
	}
	clear(visited)
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
