package rank

import (
	"math"
	"testing"

	"github.com/clout-dev/clout/graph"
)

func TestFloorActivity(t *testing.T) {
	// User 0 retweets 1, 2 and 3, and 1 replies to 0 and mentions 2: 0 engaged 3
	// accounts, 1 of which engaged back; 1 engaged 2, 1 back; 2 and 3 engaged
	// nobody. User 4 mentions 300 accounts: capped at 255.
	var b graph.Builder
	for v := uint32(1); v <= 3; v++ {
		b.Add(graph.Retweets, 0, v, 1)
	}
	b.Add(graph.Replies, 1, 0, 1)
	b.Add(graph.Mentions, 1, 2, 1)
	for v := uint32(5); v < 305; v++ {
		b.Add(graph.Mentions, 4, v, 1)
	}
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := FloorActivity(g, 2)
	for u, want := range [][2]uint8{{3, 1}, {2, 1}, {0, 0}, {0, 0}, {255, 0}} {
		if got := [2]uint8{a.engaged[u], a.partners[u]}; got != want {
			t.Errorf("user %d: engaged, partners %v, want %v", u, got, want)
		}
	}
}

func TestChooseFloor(t *testing.T) {
	// Six users: one count signal 0, 0, 0, 0, 1, 3, so users 0–3 are at the floor
	// and 5 ranks above 4. Target 2, 0, 0, 0, 1, 3: its fractional ranks are
	// 5, 2, 2, 2, 4, 6. User 0 engaged 3 accounts, one of them back; user 1 engaged
	// 12, none back. Spearman, computed by hand (Pearson of fractional ranks, mean
	// 3.5; Σ(target rank − 3.5)² = 15.5):
	//   lift user 0 only (prediction ranks 4, 2, 2, 2, 5, 6): 14.5/√(15.5·15.5) = 0.935484
	//   lift both (3.5, 3.5, 1.5, 1.5, 5, 6): 13/√(16.5·15.5) = 0.812898
	//   lift nobody (2.5 ×4, 5, 6): 10/√(12.5·15.5) = 0.718421
	//   lift user 1 only (2, 4, 2, 2, 5, 6): 8.5/√(15.5·15.5) = 0.548387
	// {0,3}, {0,2} and {13,3} lift user 0 alone: equal, so the rule with fewer
	// clauses comes first, then the larger threshold.
	r := resultWith(Signal{Name: "a", Integer: true, Weights: w(1, 0, 0), Values: []float64{0, 0, 0, 0, 1, 3}})
	act := &Activity{engaged: []uint8{3, 12, 0, 0, 0, 0}, partners: []uint8{1, 0, 0, 0, 0, 0}}
	target := []float64{2, 0, 0, 0, 1, 3}
	grid := []FloorRule{{10, 0}, {}, {13, 3}, {10, 3}, {0, 2}, {0, 3}}
	got, err := ChooseFloor(r, act, [][]float64{target}, DefaultParams(), SpearmanOnly, grid)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		rule     FloorRule
		lifted   int
		spearman float64
	}{
		{FloorRule{0, 3}, 1, 14.5 / 15.5}, {FloorRule{0, 2}, 1, 14.5 / 15.5}, {FloorRule{13, 3}, 1, 14.5 / 15.5},
		{FloorRule{10, 3}, 2, 13 / math.Sqrt(16.5*15.5)}, {FloorRule{}, 0, 10 / math.Sqrt(12.5*15.5)},
		{FloorRule{10, 0}, 1, 8.5 / 15.5},
	}
	if len(got) != len(want) {
		t.Fatalf("%d candidates, want %d", len(got), len(want))
	}
	for i, c := range got {
		if c.Rule != want[i].rule || c.Lifted != want[i].lifted || len(c.Metrics) != 1 || math.Abs(c.Metrics[0].Spearman-want[i].spearman) > 1e-12 || c.Value != c.Metrics[0].Spearman {
			t.Errorf("candidate %d: %s lifts %d, Spearman %.6f; want %s, %d, %.6f",
				i, c.Rule, c.Lifted, c.Metrics[0].Spearman, want[i].rule, want[i].lifted, want[i].spearman)
		}
	}
	// Under each rule the Clout Score is what scale gives with that rule's users active.
	for _, c := range got {
		s := resultWith(Signal{Name: "a", Integer: true, Weights: w(1, 0, 0), Values: []float64{0, 0, 0, 0, 1, 3}})
		s.active = act.active(c.Rule)
		scale(s, 6, DefaultParams())
		if m := Evaluate(s.Clout, target); m != c.Metrics[0] {
			t.Errorf("%s: metrics %+v, scale gives %+v", c.Rule, c.Metrics, m)
		}
	}
	if _, err := ChooseFloor(r, act, [][]float64{target}, DefaultParams(), SpearmanOnly, []FloorRule{{256, 0}}); err == nil {
		t.Error("a threshold above the activity's cap accepted")
	}
}

func TestChooseFloorTargets(t *testing.T) {
	// The users of TestChooseFloor with a second target 0, 0, 0, 0, 1, 3 (fractional
	// ranks 2.5 ×4, 5, 6: the order of the prediction with nobody lifted). Spearman
	// against it, by hand (mean 3.5, Σ(rank − 3.5)² = 12.5):
	//   lift user 0 only (prediction ranks 4, 2, 2, 2, 5, 6; Σ(rank − 3.5)² = 15.5):
	//     12.5/√(15.5·12.5)
	//   lift nobody: 1
	// so the objective, summed over both targets, is 14.5/15.5 + 12.5/√(15.5·12.5)
	// = 1.833 for {0,3} and 10/√(12.5·15.5) + 1 = 1.718 for the rule that lifts nobody.
	r := resultWith(Signal{Name: "a", Integer: true, Weights: w(1, 0, 0), Values: []float64{0, 0, 0, 0, 1, 3}})
	act := &Activity{engaged: []uint8{3, 12, 0, 0, 0, 0}, partners: []uint8{1, 0, 0, 0, 0, 0}}
	targets := [][]float64{{2, 0, 0, 0, 1, 3}, {0, 0, 0, 0, 1, 3}}
	got, err := ChooseFloor(r, act, targets, DefaultParams(), SpearmanOnly, []FloorRule{{}, {0, 3}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		rule  FloorRule
		value float64
	}{
		{FloorRule{0, 3}, 14.5/15.5 + 12.5/math.Sqrt(15.5*12.5)},
		{FloorRule{}, 10/math.Sqrt(12.5*15.5) + 1},
	}
	for i, c := range got {
		if c.Rule != want[i].rule || math.Abs(c.Value-want[i].value) > 1e-12 || len(c.Metrics) != 2 {
			t.Errorf("candidate %d: %s, objective %.6f, %d metrics; want %s, %.6f, 2", i, c.Rule, c.Value, len(c.Metrics), want[i].rule, want[i].value)
		}
	}
	if _, err := ChooseFloor(r, act, [][]float64{targets[0], targets[1][:5]}, DefaultParams(), SpearmanOnly, []FloorRule{{}}); err == nil {
		t.Error("targets of different lengths accepted")
	}
}
