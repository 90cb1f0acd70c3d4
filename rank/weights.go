package rank

import "math"

// The weights Clout ships were fitted by `clout calibrate` on the SNAP Higgs data,
// split at 2012-07-04T00:00:00Z (the end of 3 July, before the announcement),
// predicting both targets of `clout eval` (the distinct accounts that engage each
// user after the split, and the retweets the user receives), with the objective
// NDCG@100 + NDCG@1000 + Spearman summed over the two, from the hand-chosen weights
// of handCatalogue, with the floor's order (DefaultFloor) chosen on the same split.
// docs/EVALUATION.md has the command, its output and the results on the splits the
// fit never saw. The fitted values are rounded to two decimals.

// fittedWeights are the fitted weights of the signals the Higgs data carries; each
// sub-score's largest weight is 1 (only ratios within a sub-score matter).
var fittedWeights = map[string][NumSubs]float64{
	"engaged_audience":         {1, 0, 0},
	"recent_engagers":          {0.89, 0.95, 0},
	"mention_count":            {0.74, 0, 0},
	"retweets_received":        {0.6, 0, 0},
	"unique_commenters":        {0.61, 0, 0.19},
	"unique_mention_senders":   {0, 1, 0.18},
	"inbound_per_outbound":     {0, 0.6, 0},
	"unique_retweeters":        {0, 0.96, 0.17},
	"comments_per_post":        {0, 0.61, 0},
	"pagerank":                 {0, 0, 1},
	"recent_engager_influence": {0, 0, 0.39},
	"engager_influence":        {0, 0, 0.38},
}

// The fitted Combine weights (the fitted half-life is DefaultHalfLife), and the
// hand-chosen ones the fit started from.
var (
	fittedCombine = [NumSubs]float64{0.47, 0.34, 0.2}
	handCombine   = [NumSubs]float64{0.3, 0.3, 0.4}
)

// DefaultFloor is the rule of the floor's order that calibration chose on the fit
// split, over FloorGrid (ChooseFloor).
var DefaultFloor = FloorRule{Accounts: 6, PartnerAccounts: 3}

// catalogue is handCatalogue with the shipped weights: the fitted ones for the
// signals the fit data carried, and for the others (follows, likes, lists, post
// ids: none of them in Higgs) their hand-chosen weights scaled, in each sub-score,
// by the factor the fit scaled the hand-chosen weights of the fitted signals by
// (Σ fitted / Σ hand over the fitted signals of that sub-score), so that they keep
// their hand-chosen proportion to the rest.
func catalogue() []signalSpec {
	specs := handCatalogue()
	f := unfittedFactors(specs)
	for i := range specs {
		s := &specs[i].Signal
		if ws, ok := fittedWeights[s.Name]; ok {
			s.Weights = ws
			continue
		}
		for k := range NumSubs {
			s.Weights[k] *= f[k]
		}
	}
	return specs
}

// unfittedFactors returns, per sub-score, Σ fitted / Σ hand-chosen weight over the
// fitted signals, rounded to two decimals: reach 3.84/6 = 0.64, amplification
// 4.12/5 = 0.824 → 0.82, network 2.31/7.5 = 0.308 → 0.31.
func unfittedFactors(specs []signalSpec) [NumSubs]float64 {
	var fit, hand [NumSubs]float64
	for _, s := range specs {
		ws, ok := fittedWeights[s.Name]
		if !ok {
			continue
		}
		for k := range NumSubs {
			if s.Weights[k] > 0 {
				fit[k] += ws[k]
				hand[k] += s.Weights[k]
			}
		}
	}
	var f [NumSubs]float64
	for k := range NumSubs {
		f[k] = 1
		if hand[k] > 0 {
			f[k] = math.Round(100*fit[k]/hand[k]) / 100
		}
	}
	return f
}

// HandParams returns DefaultParams with the hand-chosen weights of every signal
// (Weights), the hand-chosen Combine (0.3, 0.3, 0.4) and the default half-life:
// where `clout calibrate` starts.
func HandParams() Params {
	p := DefaultParams()
	p.Combine = handCombine
	p.Weights = map[string][NumSubs]float64{}
	for _, s := range handCatalogue() {
		p.Weights[s.Name] = s.Weights
	}
	return p
}
