package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/rank"
)

// `clout calibrate`: fit the signal and Combine weights on ONE temporal hold-out
// (the fit split) with rank.FitWeights, for each of a few half-lives, keep the best,
// and report the fitted weights on the other splits, which the fit never saw. The
// rule of the floor's order (rank.FloorRule) is chosen on the fit split too, over
// rank.FloorGrid (rank.ChooseFloor), unless --floor names one. The objective is
// summed over the targets of --targets: by default both targets `clout eval`
// reports on (the distinct accounts that engage a user after the split, and the
// retweets the user receives), since the goal holds the score to both.

// Default fit splits: the end of 3 July 2012 for Higgs (before the announcement,
// so the held-out splits after it test whether the weights carry over to a
// different regime), mid-2015 for the cascades.
const (
	higgsFitSplit    = "2012-07-04T00:00:00Z"
	cascadesFitSplit = "2015-07-01T00:00:00Z"
)

// floatList is a comma-separated list of numbers in (0, 1].
type floatList []float64

func (l *floatList) String() string {
	var s []string
	for _, x := range *l {
		s = append(s, strconv.FormatFloat(x, 'g', -1, 64))
	}
	return strings.Join(s, ",")
}

func (l *floatList) Set(s string) error {
	*l = nil
	for _, part := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || !(x > 0 && x <= 1) {
			return fmt.Errorf("want shares of the window in (0, 1], got %q", part)
		}
		*l = append(*l, x)
	}
	return nil
}

func runCalibrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := &evalConfig{stderr: stderr}
	fs := newFlagSet("calibrate", "calibrate [flags] [PATH...]", stderr)
	end := &timeFlag{graph.NoTime}
	addEvalFlags(fs, c, end)
	fitAt := &timeFlag{graph.NoTime}
	fs.Var(fitAt, "fit-split", "the split `time` the weights are fitted on (default: "+higgsFitSplit+" for Higgs, "+cascadesFitSplit+" for cascades); reported on the other --split times only")
	objective := fs.String("objective", rank.Mix.String(), "what to maximise on the fit split: mix (NDCG@100 + NDCG@1000 + Spearman), ndcg100 or spearman")
	maxEvals := fs.Int("max-evals", 3000, "cap on the objective's evaluations per half-life")
	halfLives := floatList{0.05, 0.1, 0.15, 0.2, 0.3}
	fs.Var(&halfLives, "half-lives", "half-lives of engagement to try, as shares of the window before the split, comma-separated; the best fit is kept")
	listRules := fs.Int("floor-rules", 10, "how many of the floor rules tried to list, best first (0: all)")
	fitTargets := targetList{0, 1}
	fs.Var(&fitTargets, "targets", "the targets the objective is summed over, comma-separated: engagers (unique engagers after T), retweets (retweets after T)")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	// --floor fixes the floor rule; without it the rule is chosen on the fit split.
	fixedFloor := flagSet(fs, "floor")
	if *listRules < 0 {
		return usageErr("--floor-rules must be ≥ 0, got %d", *listRules)
	}
	if err := c.finish(fs.Args(), end); err != nil {
		return err
	}
	obj, err := rank.ParseObjective(*objective)
	if err != nil {
		return usageErr("--objective: %v", err)
	}
	if *maxEvals < 1 {
		return usageErr("--max-evals must be ≥ 1, got %d", *maxEvals)
	}
	if fitAt.t == graph.NoTime {
		def := higgsFitSplit
		if len(c.cascades) > 0 {
			def = cascadesFitSplit
		}
		if err := fitAt.Set(def); err != nil {
			return err
		}
	}
	// The splits reported on are never the one fitted on.
	report := slices.DeleteFunc(slices.Clone(c.splits), func(t int64) bool { return t == fitAt.t })
	if c.end != graph.NoTime && fitAt.t >= c.end {
		return usageErr("--fit-split is not before --end")
	}

	t0 := time.Now()
	sp, err := c.load(ctx, fitAt.t)
	if err != nil {
		return err
	}
	var fitOn [][]float64
	var fitNames []string
	for _, i := range fitTargets {
		if i == 1 && !sp.Graph.Has(graph.Retweets) {
			return usageErr("--targets: the inputs carry no retweets, so there is no retweets target to fit; give --targets engagers")
		}
		fitOn = append(fitOn, targets[i].of(sp.After))
		fitNames = append(fitNames, targets[i].name)
	}
	act := rank.FloorActivity(sp.Graph, c.src.params.Workers)
	grid := rank.FloorGrid()
	var best *rank.Fit
	var bestHL float64
	var bestFloor rank.FloorRule
	var bestRules []rank.FloorCandidate
	for _, hl := range halfLives {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Start from the hand-chosen weights, whatever the shipped ones are.
		hand := rank.HandParams()
		p := c.src.params
		p.HalfLife, p.Weights, p.Combine = hl, hand.Weights, hand.Combine
		res, err := rank.Score(sp.Inputs, p, nil)
		if err != nil {
			return err
		}
		// The floor rule is chosen with the starting weights, the weights are fitted
		// under it, and the rule is chosen again with the fitted weights; should it
		// change, the weights are fitted again (from the hand-chosen start) under the
		// new rule, at most three times in all.
		var rules []rank.FloorCandidate
		if !fixedFloor {
			if rules, err = rank.ChooseFloor(res, act, fitOn, p, obj, grid); err != nil {
				return err
			}
			p.Floor = rules[0].Rule
		}
		var fit *rank.Fit
		for round := 1; ; round++ {
			if res, err = rank.Score(sp.Inputs, p, nil); err != nil {
				return err
			}
			if fit, err = rank.FitWeights(res, fitOn, p, rank.FitOptions{Objective: obj, MaxEvaluations: *maxEvals}); err != nil {
				return err
			}
			if fixedFloor {
				break
			}
			q := p
			q.Weights, q.Combine = fit.Weights, fit.Combine
			if rules, err = rank.ChooseFloor(res, act, fitOn, q, obj, grid); err != nil {
				return err
			}
			if rules[0].Rule == p.Floor || round == 3 {
				break
			}
			fmt.Fprintf(stderr, "clout: half-life %g of the window: the fitted weights choose the floor rule %s over %s; fitting again\n",
				hl, rules[0].Rule, p.Floor)
			p.Floor = rules[0].Rule
		}
		fmt.Fprintf(stderr, "clout: half-life %g of the window, floor rule %s: %s %.4f → %.4f in %d evaluations\n",
			hl, p.Floor, obj, fit.StartValue, fit.Value, fit.Evaluations)
		if best == nil || fit.Value > best.Value {
			best, bestHL, bestFloor, bestRules = fit, hl, p.Floor, rules
		}
	}
	fmt.Fprintf(stderr, "clout: fitted in %s\n", time.Since(t0).Round(time.Second))

	sumOver := ""
	if len(fitNames) > 1 {
		sumOver = ", summed over the targets"
	}
	fmt.Fprintf(stdout, "Fit split T = %s: %d users before T, %d engaged after; targets: %s; objective: %s%s\n\n",
		fmtTime(fitAt.t), sp.Users, sp.Engaged, strings.Join(fitNames, ", "), obj, sumOver)
	fmt.Fprintf(stdout, "Best half-life: %g of the window. Objective %.4f → %.4f (%d evaluations).\n\n", bestHL, best.StartValue, best.Value, best.Evaluations)
	fmt.Fprintln(stdout, "| on the fit split | target | Spearman | NDCG@100 | NDCG@1000 | P@100 |")
	fmt.Fprintln(stdout, "| --- | --- | ---: | ---: | ---: | ---: |")
	for _, r := range []struct {
		name string
		ms   []rank.Metrics
	}{{"starting weights", best.Start}, {"fitted weights", best.End}} {
		for i, m := range r.ms {
			fmt.Fprintf(stdout, "| %s | %s | %s | %s | %s | %s |\n", r.name, fitNames[i], f3(m.Spearman), f3(m.NDCG100), f3(m.NDCG1000), f3(m.Precision100))
		}
	}
	if bestRules != nil {
		printFloorRules(stdout, bestRules, bestFloor, obj, fitNames, *listRules)
	} else {
		fmt.Fprintf(stdout, "\nFloor rule (given by --floor, not chosen): %s.\n", bestFloor)
	}
	printWeights(stdout, best, bestHL, bestFloor)

	if len(report) == 0 {
		fmt.Fprintln(stdout, "\nNo other split to report on (give --split).")
		return nil
	}
	p := c.src.params
	p.HalfLife, p.Weights, p.Combine, p.Floor = bestHL, best.Weights, best.Combine, bestFloor
	ev, err := c.evaluate(ctx, p, report)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nThe fitted weights on the held-out splits:\n\n")
	ev.print(stdout)
	return nil
}

// targetList is a comma-separated list of targets, as indices into targets.
type targetList []int

var targetFlagNames = []string{"engagers", "retweets"} // in the order of targets

func (l *targetList) String() string {
	var s []string
	for _, i := range *l {
		s = append(s, targetFlagNames[i])
	}
	return strings.Join(s, ",")
}

func (l *targetList) Set(s string) error {
	*l = nil
	for _, part := range strings.Split(s, ",") {
		i := slices.Index(targetFlagNames, strings.TrimSpace(part))
		if i < 0 {
			return fmt.Errorf("want engagers or retweets, got %q", part)
		}
		if slices.Contains(*l, i) {
			return fmt.Errorf("target %q given twice", part)
		}
		*l = append(*l, i)
	}
	return nil
}

// printFloorRules lists the floor rules tried on the fit split with the fitted
// weights, best first (the first limit of them, 0: all; and the rule that orders
// nothing and the shipped one, rank.DefaultFloor, wherever they come), and says whether any metric but Spearman differs between them.
func printFloorRules(w io.Writer, rules []rank.FloorCandidate, chosen rank.FloorRule, obj rank.Objective, names []string, limit int) {
	fmt.Fprintf(w, "\nFloor rule: %s, the best of the %d rules of rank.FloorGrid by %s on the fit split, with the fitted weights (equal values: fewer clauses, then larger thresholds).\n", chosen, len(rules), obj)
	same := true
	for _, r := range rules {
		for i, m := range r.Metrics {
			m0 := rules[0].Metrics[i]
			same = same && m.NDCG100 == m0.NDCG100 && m.NDCG1000 == m0.NDCG1000 && m.Precision100 == m0.Precision100
		}
	}
	if same {
		fmt.Fprintln(w, "NDCG@100, NDCG@1000 and P@100 are the same under every rule: they differ by Spearman alone.")
	} else {
		fmt.Fprintln(w, "NDCG@100, NDCG@1000 or P@100 differ between the rules.")
	}
	fmt.Fprint(w, "\n| place | floor rule (K,J) | users lifted |")
	for _, n := range names {
		fmt.Fprintf(w, " Spearman, %s |", n)
	}
	fmt.Fprintln(w, " objective |")
	fmt.Fprintln(w, "| ---: | --- | ---: |"+strings.Repeat(" ---: |", len(names)+1))
	skipped := false
	for i, r := range rules {
		// Beyond the limit, only the rule that orders nothing and the shipped one.
		if limit > 0 && i >= limit && !r.Rule.Off() && r.Rule != rank.DefaultFloor {
			skipped = true
			continue
		}
		if skipped {
			fmt.Fprintln(w, "| … | | |"+strings.Repeat(" |", len(names)+1))
			skipped = false
		}
		fmt.Fprintf(w, "| %d | %s (%d,%d) | %d |", i+1, r.Rule, r.Rule.Accounts, r.Rule.PartnerAccounts, r.Lifted)
		for _, m := range r.Metrics {
			fmt.Fprintf(w, " %.5f |", m.Spearman)
		}
		fmt.Fprintf(w, " %.5f |\n", r.Value)
	}
}

// printWeights prints the fitted weights as a table and as the Go to paste into
// rank's catalogue.
func printWeights(w io.Writer, f *rank.Fit, hl float64, floor rank.FloorRule) {
	names := make([]string, 0, len(f.Weights))
	for n := range f.Weights {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "\n| signal | reach | amplification | network |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
	for _, n := range names {
		ws := f.Weights[n]
		fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", n, wfmt(ws[rank.Reach]), wfmt(ws[rank.Amplification]), wfmt(ws[rank.Network]))
	}
	fmt.Fprintf(w, "| Combine | %.3f | %.3f | %.3f |\n", f.Combine[rank.Reach], f.Combine[rank.Amplification], f.Combine[rank.Network])
	fmt.Fprintf(w, "\nRounded to two decimals, as rank/weights.go ships them (DefaultHalfLife %g):\n\n", hl)
	fmt.Fprintln(w, "```go")
	for _, n := range names {
		ws := f.Weights[n]
		fmt.Fprintf(w, "%q: {%s, %s, %s},\n", n, r2(ws[0]), r2(ws[1]), r2(ws[2]))
	}
	fmt.Fprintf(w, "fittedCombine = [NumSubs]float64{%s, %s, %s}\n", r2(f.Combine[0]), r2(f.Combine[1]), r2(f.Combine[2]))
	fmt.Fprintf(w, "DefaultFloor = FloorRule{Accounts: %d, PartnerAccounts: %d}\n", floor.Accounts, floor.PartnerAccounts)
	fmt.Fprintln(w, "```")
}

func wfmt(x float64) string {
	if x == 0 {
		return "·"
	}
	return fmt.Sprintf("%.3f", x)
}

// r2 formats x rounded to two decimals, without trailing zeros.
func r2(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }
