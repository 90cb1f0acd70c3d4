package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
	"github.com/clout-dev/clout/rank"
)

// `clout eval`: a temporal hold-out. For each split time T the scores are computed
// from the events before T only (the ingest window Until = T), and held against the
// engagement each user seen before T receives over [T, end): the distinct accounts
// that retweet, reply to or mention them, and the retweets they get. Baselines are
// scored the same way. The metrics are in rank/eval.go; docs/EVALUATION.md has the
// results.

// Default split times: the ends of 2 to 5 July 2012 for SNAP Higgs (the Higgs-boson
// announcement was on the morning of 4 July), and four dates spread over the
// Twitter15/16 cascades (about 30, 40, 55 and 78 % of their events lie before them).
var (
	higgsSplits    = []string{"2012-07-03T00:00:00Z", "2012-07-04T00:00:00Z", "2012-07-05T00:00:00Z", "2012-07-06T00:00:00Z"}
	cascadesSplits = []string{"2015-01-01T00:00:00Z", "2015-07-01T00:00:00Z", "2016-01-01T00:00:00Z", "2016-03-01T00:00:00Z"}
)

// evalConfig is what `clout eval` and `clout calibrate` read and how they score.
type evalConfig struct {
	src      scoreConfig // inputs, platform, bad-line policy and scoring parameters
	cascades pathList
	splits   timeList
	end      int64
	stderr   io.Writer
	// bootstrap resamples of the users per split and target (0: none), drawn from
	// seed, for the intervals of the verdicts' differences.
	bootstrap int
	seed      uint64
	// history, when set, is a folder of `clout score --history` partitions whose
	// published and raw scores are evaluated beside the others (historyPredictors).
	history string
}

// timeList is a repeatable time flag.
type timeList []int64

func (l *timeList) String() string {
	var s []string
	for _, t := range *l {
		s = append(s, time.Unix(t, 0).UTC().Format(time.RFC3339))
	}
	return strings.Join(s, ",")
}

func (l *timeList) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		t, err := ingest.ParseTime(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		*l = append(*l, t)
	}
	return nil
}

// addEvalFlags registers the flags `clout eval` and `clout calibrate` share.
func addEvalFlags(fs *flag.FlagSet, c *evalConfig, end *timeFlag) {
	c.src = scoreConfig{params: rank.DefaultParams(), platform: "snap"}
	fs.StringVar(&c.src.dataset, "dataset", "", "a dataset manifest (JSON), or a folder holding dataset.json")
	for k := range graph.NumKinds {
		fs.Var(&c.src.layers[k], k.String(), "SNAP edge list `file` of the "+k.String()+" layer (untimed: in every window); repeatable")
	}
	fs.Var(&c.src.activity, "activity", "SNAP Higgs activity `file`; repeatable")
	fs.Var(&c.src.table, "interactions", "interactions table `file` (CSV, TSV or Parquet); repeatable")
	fs.Var(&c.cascades, "cascades", "Twitter15/16 propagation trees: a `path` to twitter15.tar.gz, twitter16.tar.gz or a folder of them; repeatable")
	fs.StringVar(&c.src.platform, "platform", "snap", "platform `name` of inputs given by flags")
	fs.Var(badLineFlag{&c.src.ingest.OnBadLine}, "on-bad-line", "fail on a malformed line, or skip it (fail|skip)")
	fs.Var(retweetMentionsFlag{&c.src.ingest.RetweetMentions}, "retweet-mentions", retweetMentionsUsage)
	fs.Var(&c.splits, "split", "split `time` (RFC 3339 or Unix seconds); repeatable or comma-separated (default: the ends of 2–5 July 2012 for Higgs; 2015-01-01, 2015-07-01, 2016-01-01, 2016-03-01 for cascades)")
	fs.Var(end, "end", "end of the hold-out window (default: the end of the data)")
	pr := &c.src.params.PageRank
	fs.Float64Var(&pr.Damping, "damping", pr.Damping, "PageRank damping factor, in (0, 1)")
	fs.Var(layerWeights{&pr.LayerWeights}, "layer-weights", "propagation weight of each layer, e.g. follows=0.5,retweets=1")
	fs.Var(transformFlag{&pr.Transform}, "count-transform", "edge weight from its event count: log, linear or binary")
	fs.Float64Var(&c.src.params.HalfLife, "half-life", c.src.params.HalfLife, "half-life of engagement in the recency signals, as a share of the time window")
	fs.Var(budgetFlag{&c.src.params.EngagerBudget}, "engager-budget", budgetUsage)
	fs.Var(floorFlag{&c.src.params.Floor}, "floor", "which users at the floor (no scored signal) rank above the rest of it: `K,J` = those who engaged ≥ K distinct accounts, or ≥ J with one engaging back (0 turns a clause off; none: no order); default: the calibrated rule")
	fs.BoolVar(&c.src.params.KeepReturned, "keep-returned", false, "score returned engagement, and engagement within closed groups, as well (by default both are netted out)")
	fs.IntVar(&c.src.params.Workers, "workers", 0, "worker goroutines (0: one per CPU)")
}

// finish checks the flags after parsing; args are the positional paths.
func (c *evalConfig) finish(args []string, end *timeFlag) error {
	c.end = end.t
	for _, p := range args {
		if isCascades(p) {
			c.cascades = append(c.cascades, p)
		} else {
			c.src.paths = append(c.src.paths, p)
		}
	}
	if len(c.splits) == 0 {
		def := higgsSplits
		if len(c.cascades) > 0 {
			def = cascadesSplits
		}
		for _, s := range def {
			c.splits.Set(s)
		}
	}
	for i, t := range c.splits {
		if c.end != graph.NoTime && t >= c.end {
			return usageErr("split %s is not before --end", time.Unix(t, 0).UTC().Format(time.RFC3339))
		}
		if i > 0 && t <= c.splits[i-1] {
			return usageErr("--split times must increase")
		}
	}
	if c.src.params.Workers < 0 {
		return usageErr("--workers must be ≥ 0, got %d", c.src.params.Workers)
	}
	if err := c.src.params.Validate(); err != nil {
		return usageErr("%v", err)
	}
	return nil
}

// split is one temporal hold-out: the graph before At and the engagement after.
type split struct {
	At     int64
	Users  int // users seen before At: dense ids [0, Users)
	Graph  *graph.Graph
	Inputs rank.Inputs
	// After is the engagement received over [At, end) by the users seen before At.
	After rank.Received
	// Engaged is the number of those users who receive any engagement after At.
	Engaged int
	// IDs names the users: dense id u is (IDs.Platforms()[p], IDs.ID(u)).
	IDs *ingest.Interner
}

// load reads the inputs twice: the events before at into one graph, then the events
// from at on into another that shares its ids, so that the users seen before at are
// the dense ids [0, n).
func (c *evalConfig) load(ctx context.Context, at int64) (*split, error) {
	ids := new(ingest.Interner)
	before := &ingest.Sink{IDs: ids, Graph: new(graph.Builder), Posts: new(ingest.PostTally)}
	if err := c.read(ctx, before, graph.NoTime, at); err != nil {
		return nil, err
	}
	n := ids.Len()
	if n == 0 {
		return nil, inputErr(fmt.Errorf("eval: no events before the split %s", fmtTime(at)))
	}
	before.Graph.Grow(uint64(n))
	g, err := before.Graph.Build(c.src.params.Workers, nil)
	if err != nil {
		return nil, inputErr(err)
	}
	after := &ingest.Sink{IDs: ids, Graph: new(graph.Builder)}
	if err := c.read(ctx, after, at, c.end); err != nil {
		return nil, err
	}
	after.Graph.Grow(uint64(ids.Len()))
	ga, err := after.Graph.Build(c.src.params.Workers, nil)
	if err != nil {
		return nil, inputErr(err)
	}
	for _, gr := range []*graph.Graph{g, ga} {
		for k := graph.Retweets; k < graph.NumKinds; k++ {
			if l := gr.Layer(k); l != nil && l.Edges() > 0 && !l.Timed() {
				return nil, usageErr("eval: the %s layer has no timestamps: a hold-out needs timed interactions (an activity log, an interactions table with times, or cascades)", k)
			}
		}
	}
	sp := &split{At: at, Users: n, Graph: g, IDs: ids, Inputs: rank.Inputs{
		Graph:             g,
		End:               at,
		Authored:          before.Posts.Authored(n),
		MessagesRetweeted: before.Posts.Retweeted(n),
	}}
	rec := rank.ReceivedEngagement(ga, c.src.params.Workers)
	sp.After = rank.Received{Engagers: rec.Engagers[:n], Events: rec.Events[:n], Retweets: rec.Retweets[:n]}
	for _, e := range sp.After.Engagers {
		if e > 0 {
			sp.Engaged++
		}
	}
	if sp.Engaged == 0 {
		return nil, inputErr(fmt.Errorf("eval: no user seen before %s is engaged after it: nothing to predict", fmtTime(at)))
	}
	return sp, nil
}

// read feeds the events in [since, until) of every input to s.
func (c *evalConfig) read(ctx context.Context, s *ingest.Sink, since, until int64) error {
	sc := c.src
	sc.ingest.Since, sc.ingest.Until = since, until
	sc.stderr = c.stderr
	if len(sc.paths) > 0 || sc.dataset != "" || len(sc.activity) > 0 || len(sc.table) > 0 || hasLayers(&sc) || len(c.cascades) == 0 {
		srcs, err := sc.inputs()
		if err != nil {
			return err
		}
		if err := sc.load(ctx, srcs, newProgress("never", c.stderr), s); err != nil {
			return err
		}
	}
	for _, p := range c.cascades {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := readCascades(p, s, since, until); err != nil {
			return inputErr(err)
		}
	}
	return nil
}

func hasLayers(c *scoreConfig) bool {
	for _, l := range c.layers {
		if len(l) > 0 {
			return true
		}
	}
	return false
}

const cloutName = "Clout Score"

// predictor is a named per-user score to evaluate.
type predictor struct {
	name     string
	values   []float64
	baseline bool // a baseline the Clout Score must beat
}

// predictors scores the split with p and returns the Clout Score, its sub-scores and
// the baselines.
func predictors(sp *split, p rank.Params) ([]predictor, *rank.Result, error) {
	res, err := rank.Score(sp.Inputs, p, nil)
	if err != nil {
		return nil, nil, err
	}
	out := []predictor{{name: cloutName, values: res.Clout}}
	for s := range rank.NumSubs {
		if res.Sub[s] != nil {
			out = append(out, predictor{name: "  " + s.String() + " sub-score", values: res.Sub[s]})
		}
	}
	rec := rank.ReceivedEngagement(sp.Graph, p.Workers)
	out = append(out,
		predictor{name: "engagements received", values: rec.Events, baseline: true},
		predictor{name: "unique engagers", values: rec.Engagers, baseline: true})
	if sp.Graph.Has(graph.Retweets) {
		out = append(out, predictor{name: "retweets received", values: rec.Retweets, baseline: true})
	}
	plain, err := rank.PlainPageRank(sp.Graph, p.Workers)
	if err != nil {
		return nil, nil, err
	}
	if plain != nil {
		out = append(out, predictor{name: "plain PageRank", values: plain, baseline: true})
	}
	if f := sp.Graph.Layer(graph.Follows); f != nil {
		v := make([]float64, sp.Users)
		for u := range v {
			v[u] = float64(f.InDegree(uint32(u)))
		}
		out = append(out, predictor{name: "followers", values: v, baseline: true})
	}
	return out, res, nil
}

// targets are the quantities predicted.
var targets = []struct {
	name string
	of   func(r rank.Received) []float64
}{
	{"unique engagers after T", func(r rank.Received) []float64 { return r.Engagers }},
	{"retweets after T", func(r rank.Received) []float64 { return r.Retweets }},
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := &evalConfig{stderr: stderr}
	fs := newFlagSet("eval", "eval [flags] [PATH...]", stderr)
	end := &timeFlag{graph.NoTime}
	addEvalFlags(fs, c, end)
	hand := fs.Bool("hand-weights", false, "evaluate the hand-chosen weights calibration starts from, instead of the shipped ones")
	fs.IntVar(&c.bootstrap, "bootstrap", 0, "resample the users `N` times (with replacement) per split and target, and give each verdict's differences with their 95 % bootstrap intervals (0: none)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the bootstrap's resamples")
	fs.StringVar(&c.history, "history", "", "also evaluate the published (smoothed) and the raw Clout Score of the `DIR`/run=… partition of `clout score --history` whose window ends at each split (splits without one are said and skipped)")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if err := c.finish(fs.Args(), end); err != nil {
		return err
	}
	if c.bootstrap < 0 {
		return usageErr("--bootstrap must be ≥ 0, got %d", c.bootstrap)
	}
	if *hand {
		h := rank.HandParams()
		c.src.params.Weights, c.src.params.Combine = h.Weights, h.Combine
	}
	ev, err := c.evaluate(ctx, c.src.params, c.splits)
	if err != nil {
		return err
	}
	ev.print(stdout)
	return nil
}

// evalRow is one predictor's metrics at one split, against each target.
type evalRow struct {
	split    int64
	name     string
	baseline bool
	m        [2]rank.Metrics
}

// evaluation is the outcome of a hold-out over several splits.
type evaluation struct {
	splits []splitInfo
	rows   []evalRow
	// With --bootstrap: per split and target, the intervals of the Clout Score's
	// lead over the best baseline on NDCG@100 and on Spearman, and the resamples.
	intervals map[verdictKey]verdictIntervals
	resamples int
}

type verdictKey struct {
	at     int64
	target int
}

type verdictIntervals struct{ ndcg, spearman rank.Interval }

type splitInfo struct {
	at             int64
	users, engaged int
}

// evaluate scores every split with p and evaluates the Clout Score and the
// baselines against both targets.
func (c *evalConfig) evaluate(ctx context.Context, p rank.Params, splits []int64) (*evaluation, error) {
	ev := &evaluation{}
	withHistory := 0
	for _, at := range splits {
		t0 := time.Now()
		sp, err := c.load(ctx, at)
		if err != nil {
			return nil, err
		}
		preds, _, err := predictors(sp, p)
		if err != nil {
			return nil, err
		}
		if c.history != "" {
			hp, err := historyPredictors(c.history, sp)
			if err != nil {
				return nil, err
			}
			switch {
			case hp != nil:
				withHistory++
			case mod(at, 86400) != 0:
				fmt.Fprintf(c.stderr, "clout: eval --history: the split %s is not at midnight UTC, so no partition ends at it\n", fmtTime(at))
			default:
				fmt.Fprintf(c.stderr, "clout: eval --history: %s has no partition %s, which would end at the split %s\n",
					c.history, partitionName(at-86400), fmtTime(at))
			}
			preds = append(preds, hp...)
		}
		ev.splits = append(ev.splits, splitInfo{at, sp.Users, sp.Engaged})
		first := len(ev.rows)
		ev.rows = append(ev.rows, evalRows(at, preds, sp.After)...)
		if c.bootstrap > 0 {
			ev.resample(at, preds, ev.rows[first:], sp.After, c)
		}
		// The first row is the Clout Score's: its objective is calibrate's default
		// (mix, over both targets), to compare parameters by on the fit split.
		fmt.Fprintf(c.stderr, "clout: split %s: %d users before, %d engaged after; Clout Score objective %.5f (mix, both targets); %s\n",
			fmtTime(at), sp.Users, sp.Engaged, rank.Mix.Sum(ev.rows[first].m[:]), time.Since(t0).Round(time.Millisecond))
	}
	if c.history != "" && withHistory == 0 {
		return nil, usageErr("eval --history: %s has no partition that ends at any split (a partition run=D ends at the split D+1 00:00:00Z)", c.history)
	}
	return ev, nil
}

// evalRows evaluates each predictor of the split at against both targets, in the
// order of preds.
func evalRows(at int64, preds []predictor, after rank.Received) []evalRow {
	rows := make([]evalRow, len(preds))
	for j, pr := range preds {
		rows[j] = evalRow{split: at, name: pr.name, baseline: pr.baseline}
		for i, tg := range targets {
			rows[j].m[i] = rank.Evaluate(pr.values, tg.of(after))
		}
	}
	return rows
}

// resample bootstraps, for each target, the Clout Score against the best baseline
// on NDCG@100 and the best on Spearman at one split (rows are the split's, in the
// order of preds).
func (ev *evaluation) resample(at int64, preds []predictor, rows []evalRow, after rank.Received, c *evalConfig) {
	if ev.intervals == nil {
		ev.intervals = map[verdictKey]verdictIntervals{}
	}
	ev.resamples = c.bootstrap
	for ti, tg := range targets {
		ci, bn, bs := bestRows(rows, ti)
		if ci < 0 || bn < 0 || bs < 0 {
			continue
		}
		// Seeded per split and target, so that one split's intervals do not depend
		// on which others were run.
		seed := c.seed ^ uint64(at)*0x9e3779b97f4a7c15 ^ uint64(ti+1)
		rs := rank.Bootstrap([][]float64{preds[ci].values, preds[bn].values, preds[bs].values}, tg.of(after), c.bootstrap, seed, c.src.params.Workers)
		cm := rows[ci].m[ti]
		ev.intervals[verdictKey{at, ti}] = verdictIntervals{
			ndcg:     rs.DiffInterval(0, 1, func(m rank.Metrics) float64 { return m.NDCG100 }, cm.NDCG100-rows[bn].m[ti].NDCG100),
			spearman: rs.DiffInterval(0, 2, func(m rank.Metrics) float64 { return m.Spearman }, cm.Spearman-rows[bs].m[ti].Spearman),
		}
	}
}

// print writes the evaluation as Markdown tables, one per target, and says for
// each split and target whether the Clout Score beats every baseline on NDCG@100
// without losing on Spearman.
func (ev *evaluation) print(w io.Writer) {
	fmt.Fprintln(w, "| split T | users before T | engaged after T |")
	fmt.Fprintln(w, "| --- | ---: | ---: |")
	for _, in := range ev.splits {
		fmt.Fprintf(w, "| %s | %d | %d |\n", fmtTime(in.at), in.users, in.engaged)
	}
	var verdicts []string
	for i, tg := range targets {
		fmt.Fprintf(w, "\nTarget: %s\n\n", tg.name)
		fmt.Fprintln(w, "| split T | predictor | Spearman | NDCG@100 | NDCG@1000 | P@100 |")
		fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: |")
		for _, r := range ev.rows {
			m := r.m[i]
			name := r.name
			if r.name == cloutName {
				name = "**" + name + "**"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", fmtDay(r.split), name,
				f3(m.Spearman), f3(m.NDCG100), f3(m.NDCG1000), f3(m.Precision100))
		}
		for _, sp := range ev.splits {
			verdicts = append(verdicts, ev.verdict(sp.at, i))
		}
	}
	fmt.Fprintln(w)
	for _, v := range verdicts {
		fmt.Fprintln(w, "- "+v)
	}
}

// verdict compares the Clout Score with the best baseline at one split.
func (ev *evaluation) verdict(at int64, target int) string {
	var rows []evalRow
	for _, r := range ev.rows {
		if r.split == at {
			rows = append(rows, r)
		}
	}
	var clout rank.Metrics
	bestN, bestS := math.Inf(-1), math.Inf(-1)
	var nameN, nameS string
	ci, bn, bs := bestRows(rows, target)
	if ci >= 0 {
		clout = rows[ci].m[target]
	}
	if bn >= 0 {
		bestN, nameN = rows[bn].m[target].NDCG100, rows[bn].name
	}
	if bs >= 0 {
		bestS, nameS = rows[bs].m[target].Spearman, rows[bs].name
	}
	ok := clout.NDCG100 > bestN && clout.Spearman >= bestS
	v := fmt.Sprintf("%s, %s: NDCG@100 %s vs best baseline %s (%s); Spearman %.4f vs %.4f (%s): %s",
		fmtDay(at), targets[target].name, f3(clout.NDCG100), f3(bestN), nameN, clout.Spearman, bestS, nameS, yesNo(ok))
	if iv, found := ev.intervals[verdictKey{at, target}]; found {
		v += fmt.Sprintf(" (difference, with its 95 %% bootstrap interval over %d resamples of the users: NDCG@100 %s, Spearman %s)",
			ev.resamples, fmtInterval(iv.ndcg, 4), fmtInterval(iv.spearman, 4))
	}
	return v
}

// bestRows returns, among the rows of one split, the Clout Score's and those of the
// baselines with the highest NDCG@100 and the highest Spearman against the target
// (the first of equals; a NaN is never the highest), each -1 when there is none.
func bestRows(rows []evalRow, target int) (clout, ndcg, spearman int) {
	clout, ndcg, spearman = -1, -1, -1
	bestN, bestS := math.Inf(-1), math.Inf(-1)
	for i, r := range rows {
		m := r.m[target]
		switch {
		case r.name == cloutName:
			clout = i
		case r.baseline:
			if m.NDCG100 > bestN {
				bestN, ndcg = m.NDCG100, i
			}
			if m.Spearman > bestS {
				bestS, spearman = m.Spearman, i
			}
		}
	}
	return clout, ndcg, spearman
}

// fmtInterval formats a difference and its interval with the given decimals, e.g.
// "+0.0061 [+0.0012, +0.0120]".
func fmtInterval(iv rank.Interval, decimals int) string {
	f := func(x float64) string {
		if math.IsNaN(x) {
			return "n/a"
		}
		return fmt.Sprintf("%+.*f", decimals, x)
	}
	return fmt.Sprintf("%s [%s, %s]", f(iv.Diff), f(iv.Lo), f(iv.Hi))
}

func yesNo(ok bool) string {
	if ok {
		return "goal met"
	}
	return "goal NOT met"
}

func f3(x float64) string {
	if math.IsNaN(x) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", x)
}

func fmtTime(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

// fmtDay shows a split time as a date when it is midnight UTC.
func fmtDay(t int64) string {
	u := time.Unix(t, 0).UTC()
	if u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 {
		return u.Format("2006-01-02")
	}
	return u.Format(time.RFC3339)
}

// historyPredictors returns the published Clout Score (clout, smoothed against the
// partitions before it) and the run's own score (clout_raw) of the partition of the
// history folder dir whose window ends at the split, run=YYYY-MM-DD for the day
// before it: as `clout score --history DIR --as-of D` writes it, its window ends at
// the end of D. A user of the split that the partition lacks gets 1, the floor.
// Without that partition, or at a split that does not fall at midnight UTC, it
// returns no predictor; a partition whose window ends elsewhere is an error.
func historyPredictors(dir string, sp *split) ([]predictor, error) {
	if mod(sp.At, 86400) != 0 {
		return nil, nil
	}
	part := filepath.Join(dir, partitionName(sp.At-86400))
	raw, err := os.ReadFile(filepath.Join(part, "run.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, inputErr(fmt.Errorf("eval --history: %w", err))
	}
	var info runInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		where := filepath.Join(part, "run.json")
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			where += fmt.Sprintf(" at byte %d", se.Offset)
		}
		return nil, inputErr(fmt.Errorf("eval --history: %s: %w", where, err))
	}
	if info.Window.Until != fmtTime(sp.At) {
		return nil, inputErr(fmt.Errorf("eval --history: the window of %s ends at %q, not at the split %s", part, info.Window.Until, fmtTime(sp.At)))
	}
	path := filepath.Join(part, "scores.parquet")
	t, err := sink.ReadParquetColumns(path, []string{"platform", "user_id", "clout", "clout_raw"})
	if err != nil {
		return nil, inputErr(fmt.Errorf("eval --history: %w", err))
	}
	pl, id, cl, cr := t.Col("platform"), t.Col("user_id"), t.Col("clout"), t.Col("clout_raw")
	if pl.Type != sink.String || id.Type != sink.String || cl.Type != sink.Float64 || cr.Type != sink.Float64 {
		return nil, inputErr(fmt.Errorf("eval --history: %s: not a Clout scores file", path))
	}
	platform := map[string]uint8{}
	for i, name := range sp.IDs.Platforms() {
		platform[name] = uint8(i)
	}
	pub, own := make([]float64, sp.Users), make([]float64, sp.Users)
	for u := range pub {
		pub[u], own[u] = 1, 1
	}
	for i := range t.Rows() {
		p, ok := platform[pl.Strings[i]]
		if !ok {
			continue
		}
		u, ok := sp.IDs.Lookup(p, []byte(id.Strings[i]))
		if !ok || int(u) >= sp.Users {
			continue
		}
		if !cl.IsNull(i) {
			pub[u] = cl.Floats[i]
		}
		if !cr.IsNull(i) {
			own[u] = cr.Floats[i]
		}
	}
	name := partitionName(sp.At - 86400)
	return []predictor{
		{name: "published Clout Score, smoothed (" + name + ")", values: pub},
		{name: "  its raw score (" + name + ")", values: own},
	}, nil
}
