package rank

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// The bootstrap of a temporal hold-out: how much of a difference between two
// predictors' metrics would a different sample of the same population give? The
// users are resampled with replacement (Efron and Tibshirani, "An Introduction to
// the Bootstrap", 1993, ch. 6), the same resample for every predictor (a paired
// bootstrap), and the metrics are recomputed on each resample. A resample holds
// user i w_i times, and the metrics are computed with those multiplicities, exactly
// as on the array that repeats user i w_i times: ties, and the copies of a user,
// share their mean rank and mean gain as in Evaluate.

// Resampled are the metrics of each predictor on each resample: Spearman and
// NDCG100 (the two the goal of `clout eval` is judged by) are filled, the others
// are left zero.
type Resampled [][]Metrics // [resample][predictor]

// Bootstrap draws reps resamples of the users (n draws with replacement from n,
// seeded by seed; resample r uses its own generator, so the result does not depend
// on workers) and returns the Spearman and NDCG@100 of each predictor of preds
// against target on each. Every predictor is sorted once; a resample costs a few
// passes over the users per predictor.
func Bootstrap(preds [][]float64, target []float64, reps int, seed uint64, workers int) Resampled {
	n := len(target)
	for _, p := range preds {
		if len(p) != n {
			panic("rank: Bootstrap of slices of different lengths")
		}
	}
	tg := newTies(target)
	gains := make([]float64, n)
	for i, t := range target {
		gains[i] = gain(t)
	}
	pg := make([]ties, len(preds))
	for i, p := range preds {
		pg[i] = newTies(p)
	}
	out := make(Resampled, reps)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, reps))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mult := make([]uint32, n)
			tr, pr := make([]float64, n), make([]float64, n)
			for r := w; r < reps; r += workers {
				rng := rand.New(rand.NewPCG(seed, uint64(r)))
				clear(mult)
				for range n {
					mult[rng.IntN(n)]++
				}
				tg.ranks(mult, tr)
				idcg := tg.dcg(mult, gains, 100)
				ms := make([]Metrics, len(preds))
				for i := range preds {
					pg[i].ranks(mult, pr)
					ms[i].Spearman = weightedPearson(pr, tr, mult)
					ms[i].NDCG100 = pg[i].dcg(mult, gains, 100) / idcg
				}
				out[r] = ms
			}
		}()
	}
	wg.Wait()
	return out
}

// Interval is a difference of a metric between two predictors: as observed, and
// the 2.5th and 97.5th percentiles of its bootstrap distribution (linear
// interpolation between order statistics, Hyndman and Fan's type 7).
type Interval struct{ Diff, Lo, Hi float64 }

// DiffInterval returns the interval of metric(a) − metric(b) over the resamples,
// with observed the difference on the population itself.
func (rs Resampled) DiffInterval(a, b int, metric func(Metrics) float64, observed float64) Interval {
	d := make([]float64, 0, len(rs))
	for _, ms := range rs {
		x := metric(ms[a]) - metric(ms[b])
		if !math.IsNaN(x) {
			d = append(d, x)
		}
	}
	slices.Sort(d)
	return Interval{Diff: observed, Lo: quantile(d, 0.025), Hi: quantile(d, 0.975)}
}

// quantile is the q-quantile of sorted x by linear interpolation (type 7); NaN
// when x is empty.
func quantile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	h := q * float64(len(x)-1)
	i := int(h)
	if i+1 >= len(x) {
		return x[len(x)-1]
	}
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}

// ties is a predictor's order, highest first, cut into its ties.
type ties struct {
	order  []int32 // users, highest value first, ties in index order
	starts []int32 // order[starts[g]:starts[g+1]] is the g-th tie
}

func newTies(x []float64) ties {
	o := descending(x)
	t := ties{order: make([]int32, len(o))}
	for i, v := range o {
		t.order[i] = int32(v)
	}
	for i := 0; i < len(o); i = tieEnd(x, o, i) {
		t.starts = append(t.starts, int32(i))
	}
	t.starts = append(t.starts, int32(len(o)))
	return t
}

// ranks writes into r the fractional rank, from the top, of each user in the
// resample where user i appears mult[i] times: a tie whose copies fill positions
// c+1 … c+m shares (2c + m + 1)/2. Users not drawn get rank 0 and weigh nothing.
func (t ties) ranks(mult []uint32, r []float64) {
	var c float64
	for g := range len(t.starts) - 1 {
		tie := t.order[t.starts[g]:t.starts[g+1]]
		var m float64
		for _, v := range tie {
			m += float64(mult[v])
		}
		mean := c + (m+1)/2
		for _, v := range tie {
			r[v] = mean
		}
		c += m
	}
}

// dcg is the DCG@k of the order in the resample, each tie credited with the mean
// gain of its copies at every position it spans (as tiedDCG). For the target's own
// order it is the ideal DCG (ties of the target have equal gains); NaN when 0.
func (t ties) dcg(mult []uint32, gains []float64, k int) float64 {
	var s float64
	pos := 0
	for g := 0; g < len(t.starts)-1 && pos < k; g++ {
		tie := t.order[t.starts[g]:t.starts[g+1]]
		var m, sum float64
		for _, v := range tie {
			m += float64(mult[v])
			sum += float64(mult[v]) * gains[v]
		}
		if m == 0 {
			continue
		}
		mean := sum / m
		end := pos + int(m)
		for p := pos; p < min(end, k); p++ {
			s += mean * discount(p)
		}
		pos = end
	}
	if s == 0 {
		return math.NaN()
	}
	return s
}

// weightedPearson is Pearson's correlation of x and y with weights w: that of the
// arrays repeating x[i], y[i] w[i] times. NaN when either has no variance.
func weightedPearson(x, y []float64, w []uint32) float64 {
	var sw, sx, sy float64
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		f := float64(wi)
		sw += f
		sx += f * x[i]
		sy += f * y[i]
	}
	if sw < 2 {
		return math.NaN()
	}
	mx, my := sx/sw, sy/sw
	var sxy, sxx, syy float64
	for i, wi := range w {
		if wi == 0 {
			continue
		}
		f := float64(wi)
		dx, dy := x[i]-mx, y[i]-my
		sxy += f * dx * dy
		sxx += f * dx * dx
		syy += f * dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}
