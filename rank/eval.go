package rank

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// The metrics of a temporal hold-out: how well a score computed from the events
// before a split time orders the users by the engagement they receive after it.
// Every metric is tie-aware: users a predictor cannot tell apart (the same score)
// are scored as the average over every order of the tie, so that no predictor gains
// or loses by how its ties happen to be broken.

// Metrics are a predictor's figures against a target.
type Metrics struct {
	// Spearman is the rank correlation over all users, with average ranks for ties.
	Spearman float64
	// NDCG100 and NDCG1000 are the normalised discounted cumulative gains of the top
	// 100 and 1000, with gain ln(1 + target).
	NDCG100, NDCG1000 float64
	// Precision100 is the share of the predicted top 100 that is in the true top 100.
	Precision100 float64
}

// Evaluate returns the metrics of pred against target (same length).
func Evaluate(pred, target []float64) Metrics {
	if len(pred) != len(target) {
		panic("rank: Evaluate of slices of different lengths")
	}
	return newEvaluator(target).evaluate(pred)
}

// evaluator evaluates many predictors against one target, sorting the target once.
type evaluator struct {
	gains   []float64 // gain of each target
	tRanks  []float64 // average ranks of target
	idcg    [2]float64
	inTrueK []float64 // probability of each user to be in the true top 100
}

func newEvaluator(target []float64) *evaluator {
	e := &evaluator{tRanks: Ranks(target)}
	order := descending(target)
	e.gains = make([]float64, len(target))
	for i, t := range target {
		e.gains[i] = gain(t)
	}
	for i, k := range [2]int{100, 1000} {
		e.idcg[i] = idealDCG(e.gains, order, k)
	}
	e.inTrueK = topKShare(target, order, 100)
	return e
}

func (e *evaluator) evaluate(pred []float64) Metrics {
	order := descending(pred)
	return e.evaluateSorted(pred, order, Ranks(pred), topKShare(pred, order, 100))
}

// evaluateSorted is evaluate with pred's order, ranks and top-100 shares given.
func (e *evaluator) evaluateSorted(pred []float64, order []int, ranks, inTopK []float64) Metrics {
	return Metrics{
		Spearman:     pearson(ranks, e.tRanks),
		NDCG100:      tiedDCG(pred, e.gains, order, 100) / e.idcg[0],
		NDCG1000:     tiedDCG(pred, e.gains, order, 1000) / e.idcg[1],
		Precision100: overlap(inTopK, e.inTrueK, 100),
	}
}

// evaluators evaluate many predictors against several targets, sorting each
// predictor once for all of them.
type evaluators []*evaluator

func newEvaluators(targets [][]float64) evaluators {
	es := make(evaluators, len(targets))
	for i, t := range targets {
		es[i] = newEvaluator(t)
	}
	return es
}

// evaluate returns pred's metrics against each target, in the order of the targets.
func (es evaluators) evaluate(pred []float64) []Metrics {
	order := descending(pred)
	ranks, inTopK := Ranks(pred), topKShare(pred, order, 100)
	ms := make([]Metrics, len(es))
	for i, e := range es {
		ms[i] = e.evaluateSorted(pred, order, ranks, inTopK)
	}
	return ms
}

// Ranks returns the rank of each value of x in ascending order, from 1 to len(x),
// with tied values sharing the mean of the ranks they span ("fractional" ranking).
// NaN sorts first.
func Ranks(x []float64) []float64 {
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(x[a], x[b]) })
	r := make([]float64, len(x))
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && cmpFloat(x[order[j]], x[order[i]]) == 0 {
			j++
		}
		avg := float64(i+1+j) / 2 // mean of the 1-based ranks i+1 … j
		for _, v := range order[i:j] {
			r[v] = avg
		}
		i = j
	}
	return r
}

// Spearman returns Spearman's rank correlation of x and y (same length): Pearson's
// correlation of their fractional ranks (Ranks), which is the textbook definition
// when there are ties (Kendall and Gibbons, "Rank Correlation Methods", 1990, §3.8).
// It is NaN when either has fewer than two distinct values.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("rank: Spearman of slices of different lengths")
	}
	return pearson(Ranks(x), Ranks(y))
}

func pearson(a, b []float64) float64 {
	if len(a) < 2 {
		return math.NaN()
	}
	return stat.Correlation(a, b, nil)
}

// NDCG returns the normalised discounted cumulative gain at k of the order that
// pred gives (highest first) against target (Järvelin and Kekäläinen, "Cumulated
// gain-based evaluation of IR techniques", ACM TOIS 20(4), 2002):
//
//	DCG@k = Σ_{i=1..k} gain(i) / log2(i + 1),   gain = ln(1 + target),
//	NDCG@k = DCG@k / DCG@k of the order by target itself.
//
// Ties in pred are averaged (McSherry and Najork, "Computing information retrieval
// performance measures efficiently in the presence of tied scores", ECIR 2008):
// each position a tie spans is credited with the mean gain of the tie. k larger than
// the number of users means all of them. NDCG is NaN when every target is 0.
func NDCG(pred, target []float64, k int) float64 {
	if len(pred) != len(target) {
		panic("rank: NDCG of slices of different lengths")
	}
	gains := make([]float64, len(target))
	for i, t := range target {
		gains[i] = gain(t)
	}
	return tiedDCG(pred, gains, descending(pred), k) / idealDCG(gains, descending(target), k)
}

// gain is an engagement count's gain: ln(1 + t), so that the thousandth engager adds
// less than the first. Negative targets count as 0.
func gain(t float64) float64 { return math.Log1p(max(0, t)) }

// discount returns 1/log2(i + 2) for the 0-based position i.
func discount(i int) float64 { return 1 / math.Log2(float64(i)+2) }

// idealDCG is the DCG@k of the order by gain (order sorts the target, highest first).
func idealDCG(gains []float64, order []int, k int) float64 {
	var s float64
	for i, v := range order[:min(k, len(order))] {
		s += gains[v] * discount(i)
	}
	if s == 0 {
		return math.NaN()
	}
	return s
}

// tiedDCG is the DCG@k of order (pred sorted highest first), each tie of pred
// credited with its mean gain at every position it spans.
func tiedDCG(pred, gains []float64, order []int, k int) float64 {
	var s float64
	k = min(k, len(order))
	for i := 0; i < k; {
		j := tieEnd(pred, order, i)
		var g float64
		for _, v := range order[i:j] {
			g += gains[v]
		}
		g /= float64(j - i)
		for p := i; p < min(j, k); p++ {
			s += g * discount(p)
		}
		i = j
	}
	return s
}

// PrecisionAt returns the share of the top k by pred that is also in the top k by
// target. Ties straddling the cut on either side are averaged: a user in a tie of
// size m of which q places fall within the top k is in it with probability q/m, and
// the precision is the expected overlap over independent random orders of the ties,
// divided by k. k larger than the number of users means all of them.
func PrecisionAt(pred, target []float64, k int) float64 {
	if len(pred) != len(target) {
		panic("rank: PrecisionAt of slices of different lengths")
	}
	return overlap(topKShare(pred, descending(pred), k), topKShare(target, descending(target), k), k)
}

func overlap(p, q []float64, k int) float64 {
	k = min(k, len(p))
	if k == 0 {
		return math.NaN()
	}
	var s float64
	for v := range p {
		s += p[v] * q[v]
	}
	return s / float64(k)
}

// topKShare returns, for each user, the probability of being among the first k of
// order (x sorted highest first) when ties are ordered at random.
func topKShare(x []float64, order []int, k int) []float64 {
	p := make([]float64, len(x))
	k = min(k, len(order))
	for i := 0; i < k; {
		j := tieEnd(x, order, i)
		share := float64(min(j, k)-i) / float64(j-i)
		for _, v := range order[i:j] {
			p[v] = share
		}
		i = j
	}
	return p
}

// tieEnd returns the end of the tie of x that starts at position i of order.
func tieEnd(x []float64, order []int, i int) int {
	j := i + 1
	for j < len(order) && cmpFloat(x[order[j]], x[order[i]]) == 0 {
		j++
	}
	return j
}

// descending returns the indices of x from the highest value to the lowest, ties in
// index order (NaN last).
func descending(x []float64) []int {
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(x[b], x[a]) })
	return order
}

// cmpFloat orders floats with NaN below everything and equal to itself.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	}
	return 1
}
