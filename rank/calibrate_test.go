package rank

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestFitWeights(t *testing.T) {
	// 2,000 users whose target is a noisy function of signal "good"; signal "noise"
	// is unrelated. Starting from equal weights, the fit must raise the objective and
	// end with good weighing more than noise, and do so identically twice.
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 2000
	good, noise, target := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		good[i] = float64(rng.IntN(50))
		noise[i] = float64(rng.IntN(50))
		target[i] = max(0, good[i]+float64(rng.IntN(10))-5)
	}
	res := &Result{Signals: []Signal{
		{Name: "good", Weights: w(1, 0, 0), Values: good},
		{Name: "noise", Weights: w(1, 0, 0), Values: noise},
		{Name: "absent", Weights: w(1, 0, 0)}, // not carried: not fitted, not reported
	}}
	fit := func() *Fit {
		f, err := FitWeights(res, [][]float64{target}, DefaultParams(), FitOptions{MaxEvaluations: 400})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := fit()
	if f.Value <= f.StartValue {
		t.Errorf("objective %.4f → %.4f: no gain", f.StartValue, f.Value)
	}
	if g, z := f.Weights["good"][Reach], f.Weights["noise"][Reach]; !(g == 1 && z < 0.5) {
		t.Errorf("weights good %g, noise %g: want good the largest (1) and noise well below", g, z)
	}
	if _, ok := f.Weights["absent"]; ok {
		t.Errorf("a signal the data does not carry was fitted")
	}
	if f.Combine != [NumSubs]float64{1, 0, 0} {
		t.Errorf("Combine %v, want all of it on reach, the only sub-score present", f.Combine)
	}
	if f.Evaluations > 400 {
		t.Errorf("%d evaluations, cap 400", f.Evaluations)
	}
	if f2 := fit(); !reflect.DeepEqual(f, f2) {
		t.Errorf("two fits differ:\n%+v\n%+v", f, f2)
	}
	// The starting metrics are those of scaling with the starting weights.
	r := &Result{Signals: res.Signals}
	scale(r, n, DefaultParams())
	if m := Evaluate(r.Clout, target); len(f.Start) != 1 || m != f.Start[0] {
		t.Errorf("Start %+v, want [%+v]", f.Start, m)
	}
}

func TestObjective(t *testing.T) {
	m := Metrics{Spearman: 0.5, NDCG100: 0.25, NDCG1000: 0.125, Precision100: 1}
	for _, tc := range []struct {
		o    Objective
		want float64
	}{{Mix, 0.875}, {NDCG100, 0.25}, {SpearmanOnly, 0.5}} {
		if got := tc.o.Of(m); got != tc.want {
			t.Errorf("%s = %g, want %g", tc.o, got, tc.want)
		}
		if o, err := ParseObjective(tc.o.String()); err != nil || o != tc.o {
			t.Errorf("ParseObjective(%q) = %v, %v", tc.o, o, err)
		}
	}
	if _, err := ParseObjective("auc"); err == nil {
		t.Error("unknown objective accepted")
	}
}

func TestFitWeightsTargets(t *testing.T) {
	// Two targets, each a noisy function of its own signal (a of the first, b of the
	// second); signal "noise" is unrelated to both. Fitted on the first alone, a
	// must weigh most and b little; fitted on both, b must weigh well above noise,
	// and the objective is the sum of the objective against each target.
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 2000
	a, b, noise := make([]float64, n), make([]float64, n), make([]float64, n)
	t1, t2 := make([]float64, n), make([]float64, n)
	for i := range n {
		a[i], b[i], noise[i] = float64(rng.IntN(50)), float64(rng.IntN(50)), float64(rng.IntN(50))
		t1[i] = max(0, a[i]+float64(rng.IntN(10))-5)
		t2[i] = max(0, b[i]+float64(rng.IntN(10))-5)
	}
	res := &Result{Signals: []Signal{
		{Name: "a", Weights: w(1, 0, 0), Values: a},
		{Name: "b", Weights: w(1, 0, 0), Values: b},
		{Name: "noise", Weights: w(1, 0, 0), Values: noise},
	}}
	one, err := FitWeights(res, [][]float64{t1}, DefaultParams(), FitOptions{MaxEvaluations: 400})
	if err != nil {
		t.Fatal(err)
	}
	if wa, wb := one.Weights["a"][Reach], one.Weights["b"][Reach]; !(wa == 1 && wb < 0.5) {
		t.Errorf("fitted on the first target: weights a %g, b %g; want a the largest (1), b well below", wa, wb)
	}
	both, err := FitWeights(res, [][]float64{t1, t2}, DefaultParams(), FitOptions{MaxEvaluations: 400})
	if err != nil {
		t.Fatal(err)
	}
	if wb, wz := both.Weights["b"][Reach], both.Weights["noise"][Reach]; !(wb > 0.5 && wz < 0.5*wb) {
		t.Errorf("fitted on both targets: weights b %g, noise %g; want b above 0.5 and noise below half of it", wb, wz)
	}
	if len(both.End) != 2 {
		t.Fatalf("%d end metrics, want one per target (2)", len(both.End))
	}
	if v := Mix.Of(both.End[0]) + Mix.Of(both.End[1]); v != both.Value {
		t.Errorf("objective %g, want the sum over the targets %g", both.Value, v)
	}
	if _, err := FitWeights(res, [][]float64{t1, t2[:n-1]}, DefaultParams(), FitOptions{}); err == nil {
		t.Error("targets of different lengths accepted")
	}
	if _, err := FitWeights(res, nil, DefaultParams(), FitOptions{}); err == nil {
		t.Error("no target accepted")
	}
}
