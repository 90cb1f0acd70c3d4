package rank

import (
	"errors"
	"fmt"
	"slices"

	"github.com/clout-dev/clout/graph"
)

// FloorRule says which of the users the scaling leaves at the floor (no scored
// signal above its minimum) are active, and so rank above the rest of the floor
// (see scale): those who engaged at least Accounts distinct accounts, or at least
// PartnerAccounts distinct accounts of which one engaged them back, counted over the
// interaction layers of the graph as given (before netting). A clause with threshold
// 0 is off; the zero FloorRule orders nothing. `clout calibrate` chooses the rule on
// its fit split (FloorGrid, ChooseFloor); DefaultFloor is the one it chose.
type FloorRule struct {
	Accounts        uint32
	PartnerAccounts uint32
}

// Off says whether the rule marks nobody active.
func (f FloorRule) Off() bool { return f.Accounts == 0 && f.PartnerAccounts == 0 }

// Active says whether a user who engaged `engaged` distinct accounts, `partners` of
// which engaged the user back, is active by the rule.
func (f FloorRule) Active(engaged, partners uint32) bool {
	return (f.Accounts > 0 && engaged >= f.Accounts) ||
		(f.PartnerAccounts > 0 && engaged >= f.PartnerAccounts && partners >= 1)
}

// clauses is the number of clauses that are on: 0, 1 or 2.
func (f FloorRule) clauses() int {
	n := 0
	if f.Accounts > 0 {
		n++
	}
	if f.PartnerAccounts > 0 {
		n++
	}
	return n
}

// String describes the rule, e.g. "engaged ≥ 10, or ≥ 3 with one engaging back".
func (f FloorRule) String() string {
	switch {
	case f.Off():
		return "none (the floor is not ordered)"
	case f.PartnerAccounts == 0:
		return fmt.Sprintf("engaged ≥ %d", f.Accounts)
	case f.Accounts == 0:
		return fmt.Sprintf("engaged ≥ %d with one engaging back", f.PartnerAccounts)
	}
	return fmt.Sprintf("engaged ≥ %d, or ≥ %d with one engaging back", f.Accounts, f.PartnerAccounts)
}

// FloorGrid returns the rules `clout calibrate` chooses among: every Accounts in
// {0 (off), 2, …, 20} with every PartnerAccounts in {0 (off), 1, …, 6}, 140 rules,
// the rule that orders nothing among them. A rule whose partner clause is implied
// by its accounts clause (PartnerAccounts ≥ Accounts) marks the same users as its
// accounts clause alone, and loses the tie to it (ChooseFloor).
func FloorGrid() []FloorRule {
	var grid []FloorRule
	for _, k := range append([]uint32{0}, seq(2, 20)...) {
		for _, j := range append([]uint32{0}, seq(1, 6)...) {
			grid = append(grid, FloorRule{Accounts: k, PartnerAccounts: j})
		}
	}
	return grid
}

func seq(lo, hi uint32) []uint32 {
	var s []uint32
	for x := lo; x <= hi; x++ {
		s = append(s, x)
	}
	return s
}

// Activity holds, per user, the distinct accounts the user engaged over the
// interaction layers of a graph as given and how many of them engaged the user back,
// each capped at 255: what a FloorRule reads, for trying many rules on one graph.
type Activity struct {
	engaged, partners []uint8
}

// maxActivity is the cap of Activity's counts: rules with larger thresholds cannot
// be told apart from it.
const maxActivity = 255

// FloorActivity counts every user's Activity in g.
func FloorActivity(g *graph.Graph, workers int) *Activity {
	n := g.Nodes()
	a := &Activity{engaged: make([]uint8, n), partners: make([]uint8, n)}
	eachActivity(g, workers, func(u uint32, engaged, partners uint32) {
		a.engaged[u] = uint8(min(engaged, maxActivity))
		a.partners[u] = uint8(min(partners, maxActivity))
	})
	return a
}

// active returns who is active by f (nil when f is off).
func (a *Activity) active(f FloorRule) []bool {
	if f.Off() {
		return nil
	}
	out := make([]bool, len(a.engaged))
	for u := range out {
		out[u] = f.Active(uint32(a.engaged[u]), uint32(a.partners[u]))
	}
	return out
}

// FloorCandidate is one rule ChooseFloor tried: the users at the floor it lifts, and
// the Clout Score's metrics and objective value (summed over the targets) under it.
type FloorCandidate struct {
	Rule    FloorRule
	Lifted  int
	Metrics []Metrics // against each target, in the order of the targets
	Value   float64
}

// ChooseFloor scores res's signals with p (p.Weights, when set, replacing their
// weights, as in Score; p.Floor is ignored) under each rule of grid, with act the
// activity of the graph res was scored on, and returns the candidates best first:
// by the objective o summed over targets, equal values (bit for bit) to the rule with
// fewer clauses, then to the larger Accounts (a clause that is off counts as
// larger than any threshold), then to the larger PartnerAccounts. The ordering
// changes only the floor, which lies below every user with a scored signal, so on a
// population with at least 1,000 users above the floor NDCG@100, NDCG@1000 and P@100
// are the same under every rule and the objective differs by Spearman alone.
func ChooseFloor(res *Result, act *Activity, targets [][]float64, p Params, o Objective, grid []FloorRule) ([]FloorCandidate, error) {
	n, err := targetLen(targets)
	if err != nil {
		return nil, err
	}
	if len(grid) == 0 {
		return nil, errors.New("rank: no floor rule to choose from")
	}
	if len(act.engaged) != n {
		return nil, fmt.Errorf("rank: activity of %d users for %d targets", len(act.engaged), n)
	}
	for _, f := range grid {
		if f.Accounts > maxActivity || f.PartnerAccounts > maxActivity {
			return nil, fmt.Errorf("rank: floor rule %s: thresholds above %d cannot be tried", f, maxActivity)
		}
	}
	sigs := slices.Clone(res.Signals)
	for i := range sigs {
		if sigs[i].Values != nil && len(sigs[i].Values) != n {
			return nil, fmt.Errorf("rank: signal %s has %d values for %d targets", sigs[i].Name, len(sigs[i].Values), n)
		}
		if ws, ok := p.Weights[sigs[i].Name]; ok {
			sigs[i].Weights = ws
		}
	}
	r := &Result{Signals: sigs}
	c0 := rawClout(r, n, p)
	ev := newEvaluators(targets)
	out := make([]FloorCandidate, len(grid))
	for i, f := range grid {
		c := slices.Clone(c0)
		active := act.active(f)
		lifted := liftActive(c, active)
		m := ev.evaluate(toScore(c, p.Workers))
		out[i] = FloorCandidate{Rule: f, Lifted: lifted, Metrics: m, Value: o.Sum(m)}
	}
	larger := func(a, b uint32) int { // off (0) is the largest
		if a == b {
			return 0
		}
		if a == 0 || (b != 0 && a > b) {
			return -1
		}
		return 1
	}
	slices.SortStableFunc(out, func(a, b FloorCandidate) int {
		switch {
		case a.Value > b.Value:
			return -1
		case a.Value < b.Value:
			return 1
		}
		if d := a.Rule.clauses() - b.Rule.clauses(); d != 0 {
			return d
		}
		if d := larger(a.Rule.Accounts, b.Rule.Accounts); d != 0 {
			return d
		}
		return larger(a.Rule.PartnerAccounts, b.Rule.PartnerAccounts)
	})
	return out, nil
}
