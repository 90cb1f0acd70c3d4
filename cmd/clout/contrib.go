package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/rank"
)

// A scoreModel re-derives, from a scores table alone, how much each signal put into
// each user's Clout Score, following rank's scaling (README, "Scaling to 1–100"):
//
//	clout_raw − 1 = Σ_s points_s · norm_s(x)      points_s = 99/max C · Σ_k (c_k/Σc)/max R_k · w_{s,k}/W_k
//
// where norm_s is the signal's normalisation over the table's population, W_k the sum of
// the weights of sub-score k's present signals and R_k the raw sub-score. The
// decomposition is exact when the run used the catalogue's weights; check reports
// how far it is from the table's own score. `clout diff` and `clout explain` read it.
type scoreModel struct {
	path    string
	t       *sink.Table
	rows    map[string]int // userKey → row
	handles map[string][]int
	signals []*modelSignal // the scored signals the table carries, catalogue order
	raw     []float64      // clout_raw when the table has it, else clout
	pub     []float64      // clout
	maxErr  float64        // largest |1 + Σ contributions − raw| over the users
}

type modelSignal struct {
	rank.Signal
	col      *sink.Column
	lo, hi   float64 // log-scaled signals: population min (≥ 0) and max
	points   float64 // what norm = 1 is worth, in Clout points
	sorted   []float64
	subPoint [rank.NumSubs]float64 // what norm = 1 is worth in each sub-score's raw value
}

func (s *modelSignal) value(i int) float64 {
	x, _ := s.col.Number(i)
	return x
}

// norm is the signal's normalised value of x, in [0, 1], as rank.addNormalised.
func (s *modelSignal) norm(x float64) float64 {
	if s.Percent {
		return min(1, max(0, x/100))
	}
	if s.hi <= s.lo || x <= s.lo {
		return 0
	}
	return min(1, (math.Log1p(x)-math.Log1p(s.lo))/(math.Log1p(s.hi)-math.Log1p(s.lo)))
}

// contrib is what a value x of the signal is worth in Clout points.
func (s *modelSignal) contrib(x float64) float64 { return s.points * s.norm(x) }

// percentile is the percentage of users whose value is strictly lower than x.
func (s *modelSignal) percentile(x float64) float64 {
	if s.sorted == nil {
		s.sorted = make([]float64, s.col.Len())
		for i := range s.sorted {
			s.sorted[i] = s.value(i)
		}
		slices.Sort(s.sorted)
	}
	return 100 * float64(sort.SearchFloat64s(s.sorted, x)) / float64(len(s.sorted))
}

// scoresPath returns the scores.parquet of a run folder, or path itself if it is a file.
func scoresPath(path string) string {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return filepath.Join(path, "scores.parquet")
	}
	return path
}

// runCombine returns the Clout Score's sub-score weights recorded in the run.json
// beside a scores file, or the defaults.
func runCombine(scores string) [rank.NumSubs]float64 {
	c := rank.DefaultParams().Combine
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(scores), "run.json"))
	if err != nil {
		return c
	}
	var info struct {
		Parameters struct {
			Combine map[string]float64 `json:"combine"`
		} `json:"parameters"`
	}
	if json.Unmarshal(raw, &info) != nil || len(info.Parameters.Combine) == 0 {
		return c
	}
	for k := range rank.NumSubs {
		c[k] = info.Parameters.Combine[k.String()]
	}
	return c
}

// loadModel reads a run's scores (a folder or a scores.parquet) and derives its model.
func loadModel(path string) (*scoreModel, error) {
	p := scoresPath(path)
	t, err := sink.ReadParquet(p)
	if err != nil {
		return nil, inputErr(err)
	}
	m, err := newModel(t, runCombine(p))
	if err != nil {
		return nil, inputErr(fmt.Errorf("%s: %w", p, err))
	}
	m.path = p
	return m, nil
}

func newModel(t *sink.Table, combine [rank.NumSubs]float64) (*scoreModel, error) {
	m := &scoreModel{t: t, rows: map[string]int{}, handles: map[string][]int{}}
	pl, id, cl := t.Col("platform"), t.Col("user_id"), t.Col("clout")
	if pl == nil || id == nil || cl == nil || pl.Type != sink.String || id.Type != sink.String || cl.Type != sink.Float64 || cl.Null {
		return nil, fmt.Errorf("not a Clout scores file (no platform, user_id or clout column)")
	}
	n := t.Rows()
	m.pub, m.raw = cl.Floats, cl.Floats
	if r := t.Col("clout_raw"); r != nil && r.Type == sink.Float64 && !r.Null {
		m.raw = r.Floats
	}
	h := t.Col("handle")
	for i := range n {
		m.rows[userKey(pl.Strings[i], id.Strings[i])] = i
		if h != nil && h.Type == sink.String && !h.IsNull(i) && h.Strings[i] != "" {
			m.handles[h.Strings[i]] = append(m.handles[h.Strings[i]], i)
		}
	}
	var wsum [rank.NumSubs]float64
	for _, s := range rank.Catalogue() {
		c := t.Col(s.Name)
		if c == nil || c.Null || c.Type == sink.String || s.Weights == [rank.NumSubs]float64{} {
			continue
		}
		ms := &modelSignal{Signal: s, col: c, lo: math.Inf(1)}
		for i := range n {
			x := ms.value(i)
			ms.lo, ms.hi = min(ms.lo, x), max(ms.hi, x)
		}
		ms.lo = max(ms.lo, 0)
		for k, w := range s.Weights {
			wsum[k] += w
		}
		m.signals = append(m.signals, ms)
	}
	if n == 0 {
		return m, nil
	}
	// The raw sub-scores R_k, their maxima, and the raw Clout Score's maximum.
	var rk [rank.NumSubs][]float64
	var maxR [rank.NumSubs]float64
	for k := range rank.NumSubs {
		if wsum[k] == 0 {
			continue
		}
		rk[k] = make([]float64, n)
		for _, s := range m.signals {
			if w := s.Weights[k]; w > 0 {
				for i := range n {
					rk[k][i] += w / wsum[k] * s.norm(s.value(i))
				}
			}
		}
		maxR[k] = slices.Max(rk[k])
	}
	var csum float64
	for k := range rank.NumSubs {
		if rk[k] != nil && combine[k] > 0 {
			csum += combine[k]
		}
	}
	var cw [rank.NumSubs]float64 // C = Σ_k cw_k · R_k
	maxC := 0.0
	if csum > 0 {
		for k := range rank.NumSubs {
			if rk[k] != nil && combine[k] > 0 && maxR[k] > 0 {
				cw[k] = combine[k] / csum / maxR[k]
			}
		}
		for i := range n {
			c := 0.0
			for k := range rank.NumSubs {
				if rk[k] != nil {
					c += cw[k] * rk[k][i]
				}
			}
			maxC = max(maxC, c)
		}
	}
	for _, s := range m.signals {
		for k, w := range s.Weights {
			if w > 0 {
				s.subPoint[k] = w / wsum[k]
				if maxC > 0 {
					s.points += 99 / maxC * cw[k] * w / wsum[k]
				}
			}
		}
	}
	for i := range n {
		m.maxErr = max(m.maxErr, math.Abs(1+m.total(i)-m.raw[i]))
	}
	return m, nil
}

// total is Σ_s contrib_s(x_s(i)), the model's clout_raw − 1 of row i.
func (m *scoreModel) total(i int) float64 {
	t := 0.0
	for _, s := range m.signals {
		t += s.contrib(s.value(i))
	}
	return min(99, t)
}

// signal returns the model's signal of that name, or nil.
func (m *scoreModel) signal(name string) *modelSignal {
	for _, s := range m.signals {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// plainNames says what each signal counts, in the words `clout diff` and `clout
// explain` use.
var plainNames = map[string]string{
	"followers":                 "followers",
	"mutual_follows":            "mutual follows",
	"friends":                   "accounts followed",
	"engaged_audience":          "distinct engagers",
	"recent_engagers":           "recent engagers (weighted by recency)",
	"retweets_received":         "retweets received",
	"unique_commenters":         "distinct repliers",
	"unique_likers":             "distinct likers",
	"follower_follow_ratio":     "followers per account followed",
	"followed_back_pct":         "% of followed accounts following back",
	"mention_count":             "mentions received",
	"list_count":                "list memberships",
	"list_followers":            "followers of the user's lists",
	"unique_retweeters":         "distinct retweeters",
	"unique_messages_retweeted": "posts retweeted",
	"likes_per_post":            "likes per post",
	"comments_per_post":         "replies per post",
	"follower_retweet_pct":      "% of followers who retweeted",
	"unique_mention_senders":    "distinct accounts mentioning the user",
	"follower_mention_pct":      "% of followers who mentioned",
	"inbound_per_outbound":      "interactions received per interaction made",
	"update_count":              "posts",
	"pagerank":                  "propagated influence (PageRank; 1 = average)",
	"follower_influence":        "influence of followers",
	"engager_influence":         "influence of engagers (sum of their PageRank)",
	"recent_engager_influence":  "influence of recent engagers",
	"engager_credit":            "what the user counts for as an engager",
}

func plainName(name string) string {
	if p, ok := plainNames[name]; ok {
		return p
	}
	return name
}

// fmtValue prints a signal value: counts and whole values as integers, others to 3
// significant digits (at least their whole part: 1234.5 is 1234, not 1.23e+03).
func fmtValue(s *modelSignal, x float64) string {
	switch {
	case s.Integer || (x == math.Trunc(x) && math.Abs(x) < 1e15):
		return fmt.Sprintf("%d", int64(x))
	case math.Abs(x) >= 1000:
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.3g", x)
}

// signalMove is how one signal moved a user's score between two runs: own is the
// effect of the user's value changing (valued at the later run's scale), scale the
// effect of the population's (the same value worth more or less).
type signalMove struct {
	s             *modelSignal
	before, after float64
	own, scale    float64
}

// moveWhy splits a user's change of clout_raw between run a (row i) and run b (row j)
// into the signals' own and scale effects. Σ own + Σ scale = Δclout_raw up to the
// models' error; the moves come back with the largest |own| first.
func moveWhy(a *scoreModel, i int, b *scoreModel, j int) []signalMove {
	var ms []signalMove
	for _, sb := range b.signals {
		sa := a.signal(sb.Name)
		if sa == nil {
			continue
		}
		x, y := sa.value(i), sb.value(j)
		ms = append(ms, signalMove{s: sb, before: x, after: y,
			own: sb.contrib(y) - sb.contrib(x), scale: sb.contrib(x) - sa.contrib(x)})
	}
	slices.SortStableFunc(ms, func(p, q signalMove) int {
		return cmpDesc(math.Abs(p.own), math.Abs(q.own))
	})
	return ms
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
