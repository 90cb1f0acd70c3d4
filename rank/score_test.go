package rank

import (
	"math"
	"testing"
)

// resultWith makes a Result holding the given signals, for testing scale alone.
func resultWith(sigs ...Signal) *Result { return &Result{Signals: sigs} }

func TestScaleHandComputed(t *testing.T) {
	// One count signal in reach, values 0, 1, 3: on the log scale these normalise to
	// (ln 1 − ln 1)/(ln 4 − ln 1) = 0, ln 2/ln 4 = 0.5 and 1, so reach is
	// 1 + 99·{0, 0.5, 1} = {1, 50.5, 100}. Reach is the only sub-score present, so
	// the Clout Score equals it.
	r := resultWith(Signal{Name: "a", Integer: true, Weights: w(1, 0, 0), Values: []float64{0, 1, 3}})
	scale(r, 3, DefaultParams())
	want := []float64{1, 50.5, 100}
	for i := range want {
		if math.Abs(r.Sub[Reach][i]-want[i]) > 1e-12 || math.Abs(r.Clout[i]-want[i]) > 1e-12 {
			t.Errorf("user %d: reach %g, clout %g, want %g", i, r.Sub[Reach][i], r.Clout[i], want[i])
		}
	}
	if r.Sub[Amplification] != nil || r.Sub[Network] != nil {
		t.Errorf("sub-scores without signals should be nil")
	}
	// Ranks: user 2 first, user 0 last; percentiles count users strictly below.
	wantRank := []int64{3, 2, 1}
	wantPct := []float64{0, 100.0 / 3, 200.0 / 3}
	for i := range wantRank {
		if r.Rank[i] != wantRank[i] || math.Abs(r.Percentile[i]-wantPct[i]) > 1e-12 {
			t.Errorf("user %d: rank %d pct %g, want %d %g", i, r.Rank[i], r.Percentile[i], wantRank[i], wantPct[i])
		}
	}
}

func TestScaleCombined(t *testing.T) {
	// Reach from a percentage (linear: x/100), network from a count. Users:
	//   pct   = 50, 100, 0   → R_reach = 0.5, 1, 0        (max 1)
	//   count = 0, 0, 7      → R_net   = 0, 0, 1          (max 1)
	// With the default (calibrated) Combine, reach 0.54 and network 0.10:
	// C = (0.54·R_reach + 0.10·R_net)/0.64 = 0.27/0.64, 0.54/0.64, 0.10/0.64; max
	// 0.54/0.64, so clout = 1 + 99·{0.5, 1, 0.10/0.54} = {50.5, 100, 19.3333…}.
	r := resultWith(
		Signal{Name: "p", Percent: true, Weights: w(1, 0, 0), Values: []float64{50, 100, 0}},
		Signal{Name: "c", Integer: true, Weights: w(0, 0, 1), Values: []float64{0, 0, 7}},
	)
	scale(r, 3, DefaultParams())
	want := []float64{50.5, 100, 1 + 99*0.10/0.54}
	for i := range want {
		if math.Abs(r.Clout[i]-want[i]) > 1e-9 {
			t.Errorf("clout[%d] = %g, want %g", i, r.Clout[i], want[i])
		}
	}
}

func TestScaleTiesAndFloor(t *testing.T) {
	// A signal equal for everyone tells nobody apart: every score is 1, and ties
	// rank by dense id.
	r := resultWith(Signal{Name: "a", Weights: w(1, 1, 1), Values: []float64{4, 4, 4, 4}})
	scale(r, 4, DefaultParams())
	for i := range 4 {
		if r.Clout[i] != 1 || r.Rank[i] != int64(i+1) || r.Percentile[i] != 0 {
			t.Errorf("user %d: clout %g rank %d pct %g, want 1, %d, 0", i, r.Clout[i], r.Rank[i], r.Percentile[i], i+1)
		}
	}
}

func TestScaleMonotone(t *testing.T) {
	// Raising one user's signal never lowers that user's score.
	base := []float64{0, 3, 10, 1, 0, 25}
	for u := range base {
		for _, bump := range []float64{0.5, 1, 100} {
			vals := append([]float64(nil), base...)
			r0 := resultWith(Signal{Name: "a", Weights: w(1, 1, 1), Values: vals})
			scale(r0, len(vals), DefaultParams())
			vals2 := append([]float64(nil), base...)
			vals2[u] += bump
			r1 := resultWith(Signal{Name: "a", Weights: w(1, 1, 1), Values: vals2})
			scale(r1, len(vals2), DefaultParams())
			if r1.Clout[u] < r0.Clout[u]-1e-12 || r1.Rank[u] > r0.Rank[u] {
				t.Errorf("user %d +%g: clout %g→%g rank %d→%d", u, bump, r0.Clout[u], r1.Clout[u], r0.Rank[u], r1.Rank[u])
			}
		}
	}
}

func TestParamsValidate(t *testing.T) {
	p := DefaultParams()
	p.Combine = [NumSubs]float64{}
	if err := p.Validate(); err == nil {
		t.Error("all-zero Combine accepted")
	}
	p = DefaultParams()
	p.Combine[Reach] = -1
	if err := p.Validate(); err == nil {
		t.Error("negative Combine accepted")
	}
}
