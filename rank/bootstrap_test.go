package rank

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestResampledMetrics checks the metrics with multiplicities against Evaluate on
// the array that repeats each user as often as the resample draws it: random
// integer predictions and targets (so with ties), multiplicities 0 to 3.
func TestResampledMetrics(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 20 {
		n := 50 + rng.IntN(400)
		pred, target := make([]float64, n), make([]float64, n)
		mult := make([]uint32, n)
		var rp, rt []float64
		for i := range n {
			pred[i] = float64(rng.IntN(6))
			target[i] = float64(rng.IntN(4) * rng.IntN(4))
			mult[i] = uint32(rng.IntN(4))
			for range mult[i] {
				rp = append(rp, pred[i])
				rt = append(rt, target[i])
			}
		}
		want := Evaluate(rp, rt)
		gains := make([]float64, n)
		for i, x := range target {
			gains[i] = gain(x)
		}
		pt, tt := newTies(pred), newTies(target)
		pr, tr := make([]float64, n), make([]float64, n)
		pt.ranks(mult, pr)
		tt.ranks(mult, tr)
		sp := weightedPearson(pr, tr, mult)
		nd := pt.dcg(mult, gains, 100) / tt.dcg(mult, gains, 100)
		if math.Abs(sp-want.Spearman) > 1e-12 || math.Abs(nd-want.NDCG100) > 1e-12 {
			t.Errorf("trial %d (%d users, %d drawn): Spearman %.15f, NDCG@100 %.15f; on the repeated array %.15f, %.15f",
				trial, n, len(rp), sp, nd, want.Spearman, want.NDCG100)
		}
	}
}

func TestBootstrap(t *testing.T) {
	// target: a noisy function of good; noise is unrelated to it.
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 3000
	good, noise, target := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		good[i] = float64(rng.IntN(20))
		noise[i] = float64(rng.IntN(20))
		target[i] = max(0, good[i]+float64(rng.IntN(8))-6)
	}
	preds := [][]float64{good, noise, good}
	rs := Bootstrap(preds, target, 200, 42, 3)
	if len(rs) != 200 || len(rs[0]) != 3 {
		t.Fatalf("%d resamples of %d predictors, want 200 of 3", len(rs), len(rs[0]))
	}
	// The same seed gives the same resamples whatever the workers.
	if rs1 := Bootstrap(preds, target, 200, 42, 1); !reflect.DeepEqual(rs, rs1) {
		t.Error("1 and 3 workers differ")
	}
	if rs2 := Bootstrap(preds, target, 200, 43, 3); reflect.DeepEqual(rs, rs2) {
		t.Error("seeds 42 and 43 give the same resamples")
	}
	spearman := func(m Metrics) float64 { return m.Spearman }
	ndcg := func(m Metrics) float64 { return m.NDCG100 }
	// A predictor against itself: every resample's difference is 0.
	if iv := rs.DiffInterval(0, 2, spearman, 0); iv.Lo != 0 || iv.Hi != 0 {
		t.Errorf("good against itself: Spearman interval %+v, want 0 to 0", iv)
	}
	// good against noise: the observed gap is large, and its interval holds it and
	// stays above 0.
	m0, m1 := Evaluate(good, target), Evaluate(noise, target)
	for _, c := range []struct {
		name   string
		metric func(Metrics) float64
	}{{"Spearman", spearman}, {"NDCG@100", ndcg}} {
		d := c.metric(m0) - c.metric(m1)
		iv := rs.DiffInterval(0, 1, c.metric, d)
		if !(iv.Lo > 0 && iv.Lo < d && d < iv.Hi) {
			t.Errorf("good against noise, %s: observed %.4f, interval %.4f to %.4f; want 0 < lo < observed < hi", c.name, d, iv.Lo, iv.Hi)
		}
	}
}

func TestQuantile(t *testing.T) {
	// Type 7: h = q·(n − 1); x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
	x := []float64{1, 2, 3, 4}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 2.5}, {1, 4}, {0.025, 1.075}, {0.975, 3.925}} {
		if got := quantile(x, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("quantile(%v, %g) = %g, want %g", x, c.q, got, c.want)
		}
	}
	if !math.IsNaN(quantile(nil, 0.5)) {
		t.Error("quantile of nothing is not NaN")
	}
}
