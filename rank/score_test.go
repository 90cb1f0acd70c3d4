package rank

import (
	"math"
	"testing"

	"github.com/clout-dev/clout/graph"
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
	// With the default (calibrated) Combine, reach 0.47 and network 0.20:
	// C = (0.47·R_reach + 0.20·R_net)/0.67 = 0.235/0.67, 0.47/0.67, 0.20/0.67; max
	// 0.47/0.67, so clout = 1 + 99·{0.5, 1, 0.20/0.47} = {50.5, 100, 43.1276…}.
	r := resultWith(
		Signal{Name: "p", Percent: true, Weights: w(1, 0, 0), Values: []float64{50, 100, 0}},
		Signal{Name: "c", Integer: true, Weights: w(0, 0, 1), Values: []float64{0, 0, 7}},
	)
	scale(r, 3, DefaultParams())
	want := []float64{50.5, 100, 1 + 99*0.20/0.47}
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

func TestFloorRule(t *testing.T) {
	// The clauses of a FloorRule: at least Accounts distinct accounts engaged, or at
	// least PartnerAccounts of which one engaged back; 0 turns a clause off.
	for _, tc := range []struct {
		rule              FloorRule
		engaged, partners uint32
		want              bool
	}{
		{FloorRule{10, 3}, 0, 0, false}, {FloorRule{10, 3}, 1, 1, false}, {FloorRule{10, 3}, 2, 2, false},
		{FloorRule{10, 3}, 3, 0, false}, {FloorRule{10, 3}, 3, 1, true}, {FloorRule{10, 3}, 9, 0, false},
		{FloorRule{10, 3}, 10, 0, true}, {FloorRule{10, 3}, 49, 49, true},
		{FloorRule{}, 49, 49, false},
		{FloorRule{Accounts: 5}, 5, 0, true}, {FloorRule{Accounts: 5}, 4, 4, false},
		{FloorRule{PartnerAccounts: 2}, 2, 1, true}, {FloorRule{PartnerAccounts: 2}, 99, 0, false},
		{FloorRule{PartnerAccounts: 1}, 1, 1, true},
	} {
		if got := tc.rule.Active(tc.engaged, tc.partners); got != tc.want {
			t.Errorf("%s: Active(%d, %d) = %v, want %v", tc.rule, tc.engaged, tc.partners, got, tc.want)
		}
	}
	if !(FloorRule{}).Off() || (FloorRule{PartnerAccounts: 1}).Off() {
		t.Error("Off")
	}
	// The grid of docs/EVALUATION.md: Accounts in {off, 2..20} × PartnerAccounts in
	// {off, 1..6}, 20 × 7 = 140 rules, each once, "none" among them.
	grid := FloorGrid()
	seen := map[FloorRule]bool{}
	for _, f := range grid {
		if seen[f] || (f.Accounts == 1) || f.Accounts > 20 || f.PartnerAccounts > 6 {
			t.Errorf("grid rule %+v repeated or out of range", f)
		}
		seen[f] = true
	}
	if len(grid) != 140 || !seen[FloorRule{}] || !seen[FloorRule{10, 3}] || !seen[FloorRule{20, 6}] || !seen[FloorRule{2, 1}] {
		t.Errorf("grid of %d rules", len(grid))
	}
}

func TestWalkPairs(t *testing.T) {
	// User 0 retweets 1, 2 and 3, and 1 replies to 0: 0 engaged 3 accounts, one
	// of them back (active); 1 engaged 1 account (not active). Users 4 and 5 each
	// mention ten accounts, 10–19 (active without a partner); 5 also mentions 20
	// twice, and 20 mentions 5 once. Returned pairs: 0→1, 1→0, 5→20, 20→5, four;
	// events netted: 1 each way between 0 and 1, 1 each way between 5 and 20.
	var b graph.Builder
	for v := uint32(1); v <= 3; v++ {
		b.Add(graph.Retweets, 0, v, 1)
	}
	b.Add(graph.Replies, 1, 0, 1)
	for _, u := range []uint32{4, 5} {
		for v := uint32(10); v < 20; v++ {
			b.Add(graph.Mentions, u, v, 1)
		}
	}
	b.Add(graph.Mentions, 5, 20, 2)
	b.Add(graph.Mentions, 20, 5, 1)
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	pp := walkPairs(g, 2, FloorRule{10, 3})
	if pp.stats.ReturnedPairs != 4 || pp.stats.Events != 4 {
		t.Errorf("stats %+v, want 4 returned pairs and 4 events", pp.stats)
	}
	for u, a := range pp.active {
		if want := u == 0 || u == 4 || u == 5; a != want {
			t.Errorf("user %d active %v, want %v", u, a, want)
		}
	}
	if walkPairs(g, 1, FloorRule{}).active != nil {
		t.Error("active computed without being asked for")
	}
}

func TestScaleOrdersTheFloor(t *testing.T) {
	// One count signal in reach, values 0, 0, 1, 3: normalised 0, 0, 0.5, 1 (see
	// TestScaleHandComputed), so users 0 and 1 are at the floor with C = 0. User 1 is
	// active: its C becomes min{C > 0}/2^20 = 0.5/2^20, and its Clout Score
	// 1 + 99·0.5/2^20 = 1 + 99/2^21 = 1.0000472068786621 (exact in binary); user 0
	// stays at 1. Ranks 4, 3, 2, 1; percentiles 0, 25, 50, 75.
	r := resultWith(Signal{Name: "a", Integer: true, Weights: w(1, 0, 0), Values: []float64{0, 0, 1, 3}})
	r.active = []bool{false, true, true, true}
	scale(r, 4, DefaultParams())
	wantClout := []float64{1, 1 + 99.0/(1<<21), 50.5, 100}
	wantRank := []int64{4, 3, 2, 1}
	wantPct := []float64{0, 25, 50, 75}
	for i := range wantClout {
		if math.Abs(r.Clout[i]-wantClout[i]) > 1e-12 || r.Rank[i] != wantRank[i] || r.Percentile[i] != wantPct[i] {
			t.Errorf("user %d: clout %.12g rank %d pct %g, want %.12g, %d, %g",
				i, r.Clout[i], r.Rank[i], r.Percentile[i], wantClout[i], wantRank[i], wantPct[i])
		}
	}
	// The sub-score is not tie-broken: reach stays 1 for both floor users.
	if r.Sub[Reach][0] != 1 || r.Sub[Reach][1] != 1 {
		t.Errorf("reach at the floor %g, %g, want 1, 1", r.Sub[Reach][0], r.Sub[Reach][1])
	}
	// With nobody above the floor the tie stays: the lift would become the score.
	r = resultWith(Signal{Name: "a", Weights: w(1, 1, 1), Values: []float64{4, 4, 4}})
	r.active = []bool{false, true, false}
	scale(r, 3, DefaultParams())
	for i := range 3 {
		if r.Clout[i] != 1 || r.Rank[i] != int64(i+1) {
			t.Errorf("all at the floor, user %d: clout %g rank %d, want 1, %d", i, r.Clout[i], r.Rank[i], i+1)
		}
	}
}

func TestScoreOrdersTheFloor(t *testing.T) {
	// User 0 retweets 2 and 3 and trades one reply each way with 1: the netting
	// leaves 0 and 1 with no engagement (the floor), 2 and 3 with one engager each.
	// 0 engaged 3 accounts, 1 of which (1) engaged back: active by the rule
	// {10, 3}, so 0 ranks above 1 and below 2 and 3, with a Clout Score of 1 to four
	// decimals.
	var b graph.Builder
	b.AddAt(graph.Retweets, 0, 2, 1, 10)
	b.AddAt(graph.Retweets, 0, 3, 1, 20)
	b.AddAt(graph.Replies, 0, 1, 1, 30)
	b.AddAt(graph.Replies, 1, 0, 1, 40)
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultParams()
	p.Floor = FloorRule{Accounts: 10, PartnerAccounts: 3}
	res, err := Score(Inputs{Graph: g}, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rank[0] != 3 || res.Rank[1] != 4 || res.Clout[1] != 1 || !(res.Clout[0] > 1 && res.Clout[0] < 1.0001) {
		t.Errorf("ranks %v, clout %v: want user 0 third with a clout in (1, 1.0001), user 1 last at 1", res.Rank, res.Clout)
	}
	if res.Netted.ReturnedPairs != 2 || res.Netted.Events != 2 {
		t.Errorf("netted %+v, want 2 pairs, 2 events", res.Netted)
	}
	// The zero rule orders nothing: 0 and 1 tie at the floor, by dense id.
	p.Floor = FloorRule{}
	if res, err = Score(Inputs{Graph: g}, p, nil); err != nil {
		t.Fatal(err)
	}
	if res.Rank[0] != 3 || res.Rank[1] != 4 || res.Clout[0] != 1 || res.Clout[1] != 1 {
		t.Errorf("no floor rule: ranks %v, clout %v: want users 0 and 1 third and fourth at 1", res.Rank, res.Clout)
	}
}
