package rank

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/clout-dev/clout/graph"
)

// Params are the scorer's parameters.
type Params struct {
	PageRank PageRankParams
	// Combine weighs the three sub-scores in the Clout Score.
	Combine [NumSubs]float64
	// HalfLife is the half-life of engagement in the recency-weighted signals
	// (recent_engagers, recent_engager_influence), as a share of the length of the
	// time window the graph covers: engagement that much older than the window's
	// end counts half. Relative to the window, so that a week's export and five
	// years of cascades are weighed alike. 0 means DefaultHalfLife.
	HalfLife float64
	// EngagerBudget is the most engager credit one account hands out in a week: an
	// account that engaged b > EngagerBudget distinct accounts within EngagerSpan
	// (over the retweets, mentions, replies and likes, before any netting;
	// engagerCredit) counts EngagerBudget/b, not 1, as an engager of each of them,
	// in every signal that counts or sums over a user's engagers (README,
	// anti-gaming). 0 means DefaultEngagerBudget; +Inf counts every engager as one.
	EngagerBudget float64
	// Weights, when not nil, replaces the catalogue's weights of the signals it
	// names (by column name): what calibration tries out.
	Weights map[string][NumSubs]float64
	// Floor says which users at the floor (no scored signal) are active and rank
	// above the rest of it (scale); the zero rule orders nothing. DefaultParams
	// sets DefaultFloor.
	Floor FloorRule
	// KeepReturned turns off the netting of returned engagement and of the
	// engagement within closed groups (NetEngagement), which is on by default: the
	// scorer then reads the graph as given.
	// rank/antigaming_test.go shows what the netting guards against.
	KeepReturned bool
	Workers      int // 0: one per CPU
	// Release, when set, is called between the propagation and the signals, when
	// the propagation's arrays (about 5 bytes per edge) have become garbage, so that
	// a caller who watches its peak RSS can hand the pages back to the OS before the
	// signals allocate theirs. cmd/clout passes debug.FreeOSMemory.
	Release func()
}

// DefaultHalfLife is the default half-life of engagement, as a share of the window:
// the one calibration chose (see weights.go).
const DefaultHalfLife = 0.1

// DefaultEngagerBudget is the default engager budget (Params.EngagerBudget): chosen
// on the fit split (docs/EVALUATION.md) among budgets that leave every real
// account of the Higgs data but a few dozen at full credit.
const DefaultEngagerBudget = 50

// DefaultParams returns the documented defaults: PageRank's defaults, the Clout
// Score as the fitted Combine of the normalised sub-scores, the half-life
// DefaultHalfLife and the floor rule DefaultFloor, as calibrated (see weights.go).
func DefaultParams() Params {
	return Params{PageRank: DefaultPageRankParams(), Combine: fittedCombine, HalfLife: DefaultHalfLife,
		EngagerBudget: DefaultEngagerBudget, Floor: DefaultFloor}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if err := p.PageRank.Validate(); err != nil {
		return err
	}
	var sum float64
	for s, c := range p.Combine {
		if c < 0 || math.IsNaN(c) || math.IsInf(c, 0) {
			return fmt.Errorf("rank: weight of %s in the Clout Score must be ≥ 0, got %g", Sub(s), c)
		}
		sum += c
	}
	if sum == 0 {
		return errors.New("rank: the Clout Score weights are all zero")
	}
	if !(p.HalfLife >= 0) || math.IsInf(p.HalfLife, 0) {
		return fmt.Errorf("rank: the half-life must be a share of the window ≥ 0, got %g", p.HalfLife)
	}
	if !(p.EngagerBudget >= 0) {
		return fmt.Errorf("rank: the engager budget must be ≥ 0 (or +Inf), got %g", p.EngagerBudget)
	}
	if len(p.Weights) > 0 {
		known := map[string]bool{}
		for _, s := range catalogue() {
			known[s.Name] = true
		}
		for name, ws := range p.Weights {
			if !known[name] {
				return fmt.Errorf("rank: no signal %q to weigh", name)
			}
			for k, w := range ws {
				if !(w >= 0) || math.IsInf(w, 0) {
					return fmt.Errorf("rank: weight of %s in %s must be ≥ 0 and finite, got %g", name, Sub(k), w)
				}
			}
		}
	}
	return nil
}

// Result holds every user's scores. Slices are indexed by dense user id.
type Result struct {
	Signals []Signal
	// Sub[s] holds sub-score s on 1–100, or nil when no signal of it is present.
	Sub        [NumSubs][]float64
	Clout      []float64 // 1–100
	Rank       []int64   // 1 = highest Clout Score; ties broken by dense id
	Percentile []float64 // percentage of users with a strictly lower Clout Score
	Order      []uint32  // user ids by rank
	PageRank   PageRankResult
	// Netted says how much returned engagement was netted out (NetEngagement).
	Netted NetStats
	// OverBudget is the number of accounts that engaged more distinct accounts than
	// the engager budget, and so count less than one as an engager of each.
	OverBudget int
	Timings    Timings
	// active says which users are active (Params.Floor, over the graph as given,
	// before netting): the order of the users at the floor (scale). nil: none.
	active []bool
}

// Timings are the durations of the scorer's steps.
type Timings struct {
	// PageRank includes the netting of returned engagement that precedes it, and
	// Signals the building of the in-CSRs when the graph came without.
	PageRank, Signals, Scale time.Duration
}

// Missing returns the names of the signals the inputs do not carry, with why.
// It holds after a caller has released the signals' values.
func (r *Result) Missing() map[string]string {
	m := map[string]string{}
	for _, s := range r.Signals {
		if s.Missing != "" {
			m[s.Name] = s.Missing
		}
	}
	return m
}

// Score runs the propagation, computes the signals and scales everything to 1–100.
// prog, which may be nil, follows the propagation's iterations.
//
// The graph may come without in-CSRs (graph.Builder.BuildOut): the propagation reads
// only the out-CSRs, and Score builds the in-CSRs for the signals once the
// propagation's arrays are garbage, and lets them go before the scaling, so that
// the peak memory holds the graph's out-CSRs and only one of the propagation's
// arrays and the in-CSRs.
func Score(in Inputs, p Params, prog graph.Progress) (*Result, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	p.PageRank.Workers = p.Workers
	if p.HalfLife == 0 {
		p.HalfLife = DefaultHalfLife
	}
	if p.EngagerBudget == 0 {
		p.EngagerBudget = DefaultEngagerBudget
	}
	r := &Result{}
	t0 := time.Now()
	// One walk over the pairs finds what the netting takes out and who is active
	// at the floor, from the engagement as given.
	pp := walkPairs(in.Graph, p.Workers, p.Floor)
	r.active = pp.active
	credit := engagerCredit(in.Graph, p.EngagerBudget, p.Workers)
	for _, c := range credit {
		if c < 1 {
			r.OverBudget++
		}
	}
	if !p.KeepReturned {
		in.Graph, r.Netted = netEngagement(in.Graph, p.Workers, pp.stats, credit)
	}
	pr, err := PageRank(in.Graph, p.PageRank, prog)
	if err != nil {
		return nil, err
	}
	r.PageRank = pr
	release := p.Release
	if release == nil {
		release = func() {}
	}
	release()
	t1 := time.Now()
	// A graph without in-CSRs (Builder.BuildOut) gets them now, after the
	// propagation, whose arrays are garbage by then.
	in.Graph = in.Graph.WithIn()
	r.Signals = signals(in, pr.Rank, p.Workers, p.HalfLife, credit)
	for i := range r.Signals {
		if ws, ok := p.Weights[r.Signals[i].Name]; ok {
			r.Signals[i].Weights = ws
		}
	}
	// Scaling reads the signals only: the in-CSRs built here are let go.
	n := in.Graph.Nodes()
	in.Graph = nil
	release()
	t2 := time.Now()
	scale(r, n, p)
	r.Timings = Timings{PageRank: t1.Sub(t0), Signals: t2.Sub(t1), Scale: time.Since(t2)}
	return r, nil
}

// check verifies that the per-user slices match the graph.
func (in Inputs) check() error {
	if in.Graph == nil {
		return errors.New("rank: no graph")
	}
	n := in.Graph.Nodes()
	for _, a := range []struct {
		name string
		v    []uint32
	}{{"authored", in.Authored}, {"messages retweeted", in.MessagesRetweeted},
		{"list count", in.ListCount}, {"list followers", in.ListFollowers}} {
		if a.v != nil && len(a.v) != n {
			return fmt.Errorf("rank: %s has %d entries for %d users", a.name, len(a.v), n)
		}
	}
	return nil
}

// scale turns signals into sub-scores and the Clout Score, and ranks the users.
//
// For each signal s present with weight w_s,k > 0 in sub-score k, a user's value x
// is normalised to [0, 1]: x/100 for percentages, and otherwise on a log scale,
// (log(1+x) − log(1+min_s)) / (log(1+max_s) − log(1+min_s)), where min_s and max_s
// are the smallest and largest values of s over all users (a signal equal for
// everybody counts for nothing). The raw sub-score R_k is the
// weighted mean of the normalised signals, and the sub-score is 1 + 99·R_k/max R_k.
// The raw Clout Score C is Σ_k c_k·R_k/max R_k / Σ_k c_k over the sub-scores
// present, and the Clout Score is 1 + 99·C/max C. Every step is monotone in each
// signal, deterministic, and relative to the population: the top user scores 100, a
// user at the floor of every signal (no engagement at all) scores 1.
//
// The floor is one large tie (most users of an activity log are never engaged, or
// only by conversation partners, whose engagement is netted out), and it is
// broken once: the active users at the floor (r.active, by Params.Floor: they
// engaged at least so many distinct accounts, or fewer with one of them engaging
// back) get C = min{C > 0}/2^20, so that they rank above the other users at the floor and
// below every user with any scored signal; that is worth less than 10^-4 Clout
// points (at most 99/2^20), so their Clout Score is 1 to four decimals. Nothing is
// reordered among the users above the floor, and a user's own activity lifts it
// over no user with engagement (docs/EVALUATION.md).
func scale(r *Result, n int, p Params) {
	c := rawClout(r, n, p)
	liftActive(c, r.active)
	r.Clout = toScore(c, p.Workers)
	rankBy(r, c)
}

// rawClout sets the sub-scores of r and returns the raw Clout Score C of every user,
// before the floor is ordered (scale).
func rawClout(r *Result, n int, p Params) []float64 {
	var raw [NumSubs][]float64
	for k := range NumSubs {
		var wsum float64
		acc := make([]float64, n)
		for _, s := range r.Signals {
			wk := s.Weights[k]
			if s.Values == nil || wk == 0 {
				continue
			}
			wsum += wk
			addNormalised(acc, s, wk, p.Workers)
		}
		if wsum == 0 {
			continue
		}
		for v := range acc {
			acc[v] /= wsum
		}
		raw[k] = acc
		r.Sub[k] = toScore(acc, p.Workers)
	}

	c := make([]float64, n)
	var csum float64
	for k := range NumSubs {
		if raw[k] == nil || p.Combine[k] == 0 {
			continue
		}
		csum += p.Combine[k]
		m := slices.Max(append([]float64{0}, raw[k]...))
		if m == 0 {
			continue
		}
		f := p.Combine[k] / m
		parallelFor(n, p.Workers, func(lo, hi int) {
			for v := lo; v < hi; v++ {
				c[v] += f * raw[k][v]
			}
		})
	}
	if csum > 0 {
		for v := range c {
			c[v] /= csum
		}
	}
	return c
}

// rankBy sets r's order, ranks and percentiles from the raw Clout Score c: highest
// first, ties by dense id.
func rankBy(r *Result, c []float64) {
	n := len(c)
	order := make([]uint32, n)
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		if c[a] != c[b] {
			if c[a] > c[b] {
				return -1
			}
			return 1
		}
		if a < b {
			return -1
		}
		return 1
	})
	r.Order = order
	r.Rank = make([]int64, n)
	r.Percentile = make([]float64, n)
	// Users below position i in the order: those after the last tie of order[i].
	for i := 0; i < n; {
		j := i
		for j < n && c[order[j]] == c[order[i]] {
			j++
		}
		below := float64(n-j) / float64(n) * 100
		for t := i; t < j; t++ {
			r.Rank[order[t]] = int64(t + 1)
			r.Percentile[order[t]] = below
		}
		i = j
	}
}

// liftActive raises the raw Clout Score of the active users at the floor (c = 0)
// to min{c > 0}/2^20: above the rest of the floor, below everyone else, and returns
// how many it raised. With nobody above the floor it changes nothing (the
// tie-break would become the score).
func liftActive(c []float64, active []bool) int {
	if active == nil {
		return 0
	}
	lowest := math.Inf(1)
	for _, x := range c {
		if x > 0 {
			lowest = min(lowest, x)
		}
	}
	if math.IsInf(lowest, 1) {
		return 0
	}
	lift := lowest / (1 << 20)
	lifted := 0
	for v, x := range c {
		if x == 0 && active[v] {
			c[v] = lift
			lifted++
		}
	}
	return lifted
}

// addNormalised adds wk × the normalised signal s to acc.
func addNormalised(acc []float64, s Signal, wk float64, workers int) {
	if s.Percent {
		parallelFor(len(acc), workers, func(lo, hi int) {
			for v := lo; v < hi; v++ {
				acc[v] += wk * clamp01(s.Values[v]/100)
			}
		})
		return
	}
	lo, hi := math.Inf(1), 0.0
	for _, x := range s.Values {
		lo, hi = min(lo, x), max(hi, x)
	}
	lo = max(lo, 0)
	if hi <= lo {
		return // every user has the same value: it tells them apart by nothing
	}
	base := math.Log1p(lo)
	f := wk / (math.Log1p(hi) - base)
	parallelFor(len(acc), workers, func(a, b int) {
		for v := a; v < b; v++ {
			if x := s.Values[v]; x > lo {
				acc[v] += f * (math.Log1p(x) - base)
			}
		}
	})
}

// toScore maps raw values ≥ 0 to 1 + 99·x/max x (all 1 when max is 0).
func toScore(raw []float64, workers int) []float64 {
	out := make([]float64, len(raw))
	m := 0.0
	for _, x := range raw {
		m = max(m, x)
	}
	parallelFor(len(raw), workers, func(lo, hi int) {
		for v := lo; v < hi; v++ {
			if m > 0 {
				out[v] = min(100, 1+99*(raw[v]/m))
			} else {
				out[v] = 1
			}
		}
	})
	return out
}

func clamp01(x float64) float64 { return min(1, max(0, x)) }
