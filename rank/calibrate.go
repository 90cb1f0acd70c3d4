package rank

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// Objective is what calibration maximises, on one temporal hold-out.
type Objective uint8

const (
	// Mix is NDCG@100 + NDCG@1000 + Spearman: the head of the ranking, its body,
	// and the whole population. NDCG@100 alone moves only when a user crosses into
	// or out of the top 100, so the search would see a flat surface almost
	// everywhere; the other two terms give it a slope. The default.
	Mix Objective = iota
	// NDCG100 is NDCG@100 alone.
	NDCG100
	// SpearmanOnly is Spearman's rank correlation alone (a smooth surrogate).
	SpearmanOnly
	numObjectives
)

var objectiveNames = [numObjectives]string{"mix", "ndcg100", "spearman"}

// String returns "mix", "ndcg100" or "spearman".
func (o Objective) String() string {
	if o < numObjectives {
		return objectiveNames[o]
	}
	return fmt.Sprintf("Objective(%d)", uint8(o))
}

// ParseObjective returns the objective named s.
func ParseObjective(s string) (Objective, error) {
	for o, name := range objectiveNames {
		if name == s {
			return Objective(o), nil
		}
	}
	return 0, fmt.Errorf("rank: unknown objective %q (want mix, ndcg100 or spearman)", s)
}

// Sum returns the objective summed over ms, the metrics against each target.
func (o Objective) Sum(ms []Metrics) float64 {
	var v float64
	for _, m := range ms {
		v += o.Of(m)
	}
	return v
}

// Of returns the objective's value for m; NaN counts as 0.
func (o Objective) Of(m Metrics) float64 {
	z := func(x float64) float64 {
		if math.IsNaN(x) {
			return 0
		}
		return x
	}
	switch o {
	case NDCG100:
		return z(m.NDCG100)
	case SpearmanOnly:
		return z(m.Spearman)
	}
	return z(m.NDCG100) + z(m.NDCG1000) + z(m.Spearman)
}

// FitOptions control FitWeights.
type FitOptions struct {
	Objective Objective
	// MaxEvaluations caps the objective's evaluations over all restarts; default 3000.
	MaxEvaluations int
	// Restarts is the number of times the search is restarted from its best point
	// with a fresh simplex, which gets Nelder–Mead off the flats of a piecewise-
	// constant objective; default 3.
	Restarts int
}

// Fit is the outcome of FitWeights.
type Fit struct {
	// Weights holds the fitted weights of every signal that was fitted, each
	// sub-score's weights scaled so that the largest is 1 (only their ratios
	// matter). Combine is scaled to sum to 1.
	Weights map[string][NumSubs]float64
	Combine [NumSubs]float64
	// Start and End are the metrics with the starting and the fitted weights
	// against each target, in the order of the targets, and StartValue and Value
	// the objective's, summed over the targets.
	Start, End        []Metrics
	StartValue, Value float64
	Evaluations       int
}

// FitWeights fits the weights of the signals and the Combine weights of p so that
// the Clout Score computed from res's signals predicts targets (each one value per
// user) as well as possible by the objective summed over them. The signals are not
// recomputed: the propagation and the half-life stay as res was scored with.
//
// Only the (signal, sub-score) weights that are positive at the start are fitted,
// so each signal stays in the sub-scores the design puts it in, as do signals the
// data does not carry (their weights are not in the result). The search is over the
// logarithms of the weights, which keeps them positive and makes a step a relative
// change, with Nelder–Mead (Nelder and Mead, "A simplex method for function
// minimization", Computer Journal 7, 1965; gonum's optimize.NelderMead), started from
// p's weights and restarted from its best point. It is deterministic: no randomness,
// evaluations in sequence.
func FitWeights(res *Result, targets [][]float64, p Params, o FitOptions) (*Fit, error) {
	if o.MaxEvaluations == 0 {
		o.MaxEvaluations = 3000
	}
	if o.Restarts == 0 {
		o.Restarts = 3
	}
	if o.Objective >= numObjectives {
		return nil, fmt.Errorf("rank: unknown objective %d", o.Objective)
	}
	n, err := targetLen(targets)
	if err != nil {
		return nil, err
	}
	if len(res.Signals) == 0 || n == 0 {
		return nil, errors.New("rank: nothing to fit")
	}
	for _, s := range res.Signals {
		if s.Values != nil && len(s.Values) != n {
			return nil, fmt.Errorf("rank: signal %s has %d values for %d targets", s.Name, len(s.Values), n)
		}
	}

	// The free parameters: log weights of (signal, sub-score) pairs, then of Combine.
	type slot struct{ sig, sub int }
	var slots []slot
	var x0 []float64
	var present [NumSubs]bool
	for i, s := range res.Signals {
		if s.Values == nil {
			continue
		}
		for k, w := range s.Weights {
			if w > 0 {
				slots = append(slots, slot{i, k})
				x0 = append(x0, math.Log(w))
				present[k] = true
			}
		}
	}
	var subs []int
	for k := range NumSubs {
		if present[k] && p.Combine[k] > 0 {
			subs = append(subs, int(k))
			x0 = append(x0, math.Log(p.Combine[k]))
		}
	}
	if len(slots) == 0 {
		return nil, errors.New("rank: no weighted signal to fit")
	}

	ev := newEvaluators(targets)
	sigs := slices.Clone(res.Signals)
	apply := func(x []float64) Params {
		for i := range sigs {
			sigs[i].Weights = [NumSubs]float64{}
		}
		for j, s := range slots {
			sigs[s.sig].Weights[s.sub] = math.Exp(x[j])
		}
		q := p
		q.Combine = [NumSubs]float64{}
		for j, k := range subs {
			q.Combine[k] = math.Exp(x[len(slots)+j])
		}
		return q
	}
	metrics := func(x []float64) []Metrics {
		q := apply(x)
		r := &Result{Signals: sigs, active: res.active}
		scale(r, n, q)
		return ev.evaluate(r.Clout)
	}
	fit := &Fit{}
	fit.Start = metrics(x0)
	fit.StartValue = o.Objective.Sum(fit.Start)

	best, bestF := slices.Clone(x0), -fit.StartValue
	problem := optimize.Problem{Func: func(x []float64) float64 {
		fit.Evaluations++
		for _, v := range x {
			if math.Abs(v) > 30 { // weights beyond e^±30: outside any sensible range
				return math.Inf(1)
			}
		}
		return -o.Objective.Sum(metrics(x))
	}}
	for r := 0; r <= o.Restarts && fit.Evaluations < o.MaxEvaluations; r++ {
		settings := &optimize.Settings{
			FuncEvaluations: o.MaxEvaluations - fit.Evaluations,
			Converger:       &optimize.FunctionConverge{Absolute: 1e-6, Iterations: 50 * len(x0)},
		}
		// A simplex of ±0.5 in log weight (a factor of 1.65) on the first run, and
		// smaller ones on the restarts.
		method := &optimize.NelderMead{SimplexSize: 0.5 / float64(r+1)}
		out, err := optimize.Minimize(problem, best, settings, method)
		if err != nil && out == nil {
			return nil, fmt.Errorf("rank: calibration: %w", err)
		}
		if out.F < bestF {
			best, bestF = slices.Clone(out.X), out.F
		}
	}

	q := apply(best)
	fit.End = metrics(best)
	fit.Value = o.Objective.Sum(fit.End)
	fit.Weights = map[string][NumSubs]float64{}
	var top [NumSubs]float64
	for _, s := range slots {
		top[s.sub] = max(top[s.sub], sigs[s.sig].Weights[s.sub])
	}
	for _, s := range slots {
		ws := fit.Weights[sigs[s.sig].Name]
		ws[s.sub] = sigs[s.sig].Weights[s.sub] / top[s.sub]
		fit.Weights[sigs[s.sig].Name] = ws
	}
	var csum float64
	for _, c := range q.Combine {
		csum += c
	}
	for k, c := range q.Combine {
		fit.Combine[k] = c / csum
	}
	return fit, nil
}

// targetLen checks that there is at least one target and that all have the same
// length, and returns it.
func targetLen(targets [][]float64) (int, error) {
	if len(targets) == 0 {
		return 0, errors.New("rank: no target")
	}
	n := len(targets[0])
	for i, t := range targets[1:] {
		if len(t) != n {
			return 0, fmt.Errorf("rank: target %d has %d values, target 0 has %d", i+1, len(t), n)
		}
	}
	return n, nil
}
