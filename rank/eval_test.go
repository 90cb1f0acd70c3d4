package rank

import (
	"math"
	"testing"

	"github.com/clout-dev/clout/graph"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 || (math.IsNaN(a) && math.IsNaN(b)) }

func TestRanks(t *testing.T) {
	for _, tc := range []struct {
		x, want []float64
	}{
		{[]float64{}, []float64{}},
		{[]float64{30, 10, 20}, []float64{3, 1, 2}},
		// 20 and 20 span ranks 2 and 3: both get 2.5.
		{[]float64{10, 20, 20, 30}, []float64{1, 2.5, 2.5, 4}},
		// Four zeros span 1..4 (mean 2.5); NaN sorts first.
		{[]float64{0, 0, 5, 0, 0}, []float64{2.5, 2.5, 5, 2.5, 2.5}},
		{[]float64{1, math.NaN(), 0}, []float64{3, 1, 2}},
	} {
		got := Ranks(tc.x)
		for i := range tc.want {
			if got[i] != tc.want[i] {
				t.Errorf("Ranks(%v) = %v, want %v", tc.x, got, tc.want)
				break
			}
		}
	}
}

func TestSpearman(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y []float64
		want float64
	}{
		// No ties: 1 − 6Σd²/(n(n²−1)) with d = −1, 1, −1, 1, 0: 1 − 6·4/120 = 0.8.
		{"textbook", []float64{1, 2, 3, 4, 5}, []float64{2, 1, 4, 3, 5}, 0.8},
		{"identical order", []float64{1, 5, 9}, []float64{10, 20, 30}, 1},
		{"reversed", []float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		// Ties in y: ranks 1, 2, 3.5, 5, 3.5 against 1..5. Deviations from the mean 3:
		// x −2 −1 0 1 2, y −2 −1 0.5 2 0.5; Σ dx·dy = 8, Σ dx² = 10, Σ dy² = 9.5,
		// so ρ = 8/√95 = 0.8207826816681233.
		{"ties", []float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}, 8 / math.Sqrt(95)},
		{"constant", []float64{1, 2, 3}, []float64{4, 4, 4}, math.NaN()},
	} {
		if got := Spearman(tc.x, tc.y); !near(got, tc.want) {
			t.Errorf("%s: Spearman = %.15g, want %.15g", tc.name, got, tc.want)
		}
	}
}

func TestNDCG(t *testing.T) {
	// Targets 3, 0, 1 have gains ln 4, 0, ln 2. The ideal order (users 0, 2, 1) has
	// DCG@3 = ln 4/log2 2 + ln 2/log2 3 + 0 = 1.3862944 + 0.4373350 = 1.8236294.
	target := []float64{3, 0, 1}
	for _, tc := range []struct {
		name string
		pred []float64
		k    int
		want float64
	}{
		{"ideal", []float64{9, 1, 5}, 3, 1},
		// Order 1, 2, 0: DCG@3 = 0 + ln 2/log2 3 + ln 4/log2 4 = 0.4373350 + 0.6931472,
		// over 1.8236294: 0.6199062332840658.
		{"wrong order", []float64{0.1, 0.9, 0.5}, 3, 0.6199062332840658},
		// @2: 0.4373350 over the ideal DCG@2, the same 1.8236294 (the third gain is 0).
		{"wrong order @2", []float64{0.1, 0.9, 0.5}, 2, 0.23981246656813146},
		{"wrong order @1", []float64{0.1, 0.9, 0.5}, 1, 0},
		// All tied: each position gets the mean gain (ln 4 + ln 2)/3 = ln 2, so DCG@3 =
		// ln 2·(1 + 1/log2 3 + 1/2) = 1.4770622, over 1.8236294: 0.8099531166420331.
		{"all tied", []float64{7, 7, 7}, 3, 0.8099531166420331},
		// @1: ln 2 over ln 4 = 0.5 exactly.
		{"all tied @1", []float64{7, 7, 7}, 1, 0.5},
		// k beyond the number of users means all of them.
		{"k > n", []float64{0.1, 0.9, 0.5}, 100, 0.6199062332840658},
	} {
		if got := NDCG(tc.pred, target, tc.k); !near(got, tc.want) {
			t.Errorf("%s: NDCG = %.15g, want %.15g", tc.name, got, tc.want)
		}
	}
	if got := NDCG([]float64{1, 2}, []float64{0, 0}, 10); !math.IsNaN(got) {
		t.Errorf("NDCG with no gain at all = %g, want NaN", got)
	}
}

func TestPrecisionAt(t *testing.T) {
	for _, tc := range []struct {
		name         string
		pred, target []float64
		k            int
		want         float64
	}{
		// Predicted top 2 {0, 1}, true top 2 {3, 2}: no overlap.
		{"disjoint", []float64{4, 3, 2, 1}, []float64{1, 2, 3, 4}, 2, 0},
		// Top 3 {0, 1, 2} against {3, 2, 1}: two of three.
		{"two of three", []float64{4, 3, 2, 1}, []float64{1, 2, 3, 4}, 3, 2.0 / 3},
		{"all", []float64{4, 3, 2, 1}, []float64{1, 2, 3, 4}, 4, 1},
		// Ties at the cut on both sides: users 0 and 1 are each in the predicted top 1
		// with probability 1/2, users 0 and 2 in the true top 1 likewise; the expected
		// overlap is P(both pick user 0) = 1/4.
		{"ties", []float64{1, 1, 0, 0}, []float64{1, 0, 1, 0}, 1, 0.25},
		// A tie of three straddling k = 2 of the prediction: users 1, 2, 3 tie behind
		// user 0; each is in the top 2 with probability 1/3. True top 2 is {0, 3}:
		// expected overlap 1 + 1/3, precision (4/3)/2 = 2/3.
		{"tie of three", []float64{9, 1, 1, 1}, []float64{5, 0, 0, 4}, 2, 2.0 / 3},
	} {
		if got := PrecisionAt(tc.pred, tc.target, tc.k); !near(got, tc.want) {
			t.Errorf("%s: PrecisionAt = %.15g, want %.15g", tc.name, got, tc.want)
		}
	}
}

func TestEvaluateMatchesParts(t *testing.T) {
	pred := []float64{0.3, 2, 2, 0, 5, 1, 1, 0}
	target := []float64{1, 4, 0, 0, 9, 2, 0, 1}
	m := Evaluate(pred, target)
	want := Metrics{Spearman(pred, target), NDCG(pred, target, 100), NDCG(pred, target, 1000), PrecisionAt(pred, target, 100)}
	if !near(m.Spearman, want.Spearman) || !near(m.NDCG100, want.NDCG100) || !near(m.NDCG1000, want.NDCG1000) || !near(m.Precision100, want.Precision100) {
		t.Errorf("Evaluate = %+v, want %+v", m, want)
	}
	// With 8 users, @100 and @1000 both cover everyone, and everyone is in the top 100.
	if m.NDCG100 != m.NDCG1000 || m.Precision100 != 1 {
		t.Errorf("small population: %+v", m)
	}
}

func TestReceivedEngagement(t *testing.T) {
	// smallGraph: retweets 1→0 ×2, 2→0, 3→1; mentions 2→1 ×3; follows are not
	// engagement. User 0: engagers {1, 2}, 3 events, 3 retweets; user 1: engagers
	// {3, 2}, 1 + 3 = 4 events, 1 retweet.
	r := ReceivedEngagement(smallGraph(t, true), 2)
	for i, tc := range []struct{ eng, ev, rt float64 }{{2, 3, 3}, {2, 4, 1}, {0, 0, 0}, {0, 0, 0}} {
		if r.Engagers[i] != tc.eng || r.Events[i] != tc.ev || r.Retweets[i] != tc.rt {
			t.Errorf("user %d: %g engagers, %g events, %g retweets; want %+v", i, r.Engagers[i], r.Events[i], r.Retweets[i], tc)
		}
	}
}

func TestPlainPageRank(t *testing.T) {
	// One edge 0→1, given as five retweets and a mention: plain PageRank sees one
	// unweighted edge. User 1 is dangling and spreads its rank over both:
	//   r0 = 0.15/2 + 0.85·r1/2,  r1 = 0.15/2 + 0.85·r0 + 0.85·r1/2,  r0 + r1 = 1
	// so r0 = 0.075 + 0.425·(1 − r0), r0 = 0.5/1.425 = 0.3508772, r1 = 0.6491228.
	var b graph.Builder
	b.Add(graph.Retweets, 0, 1, 5)
	b.Add(graph.Mentions, 0, 1, 1)
	b.Declare(graph.Replies)
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := PlainPageRank(g, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r[0]-0.5/1.425) > 1e-6 || math.Abs(r[1]-(1-0.5/1.425)) > 1e-6 {
		t.Errorf("plain PageRank = %v, want [0.3508772 0.6491228]", r)
	}
}
