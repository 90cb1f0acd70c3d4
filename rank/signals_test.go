package rank

import (
	"math"
	"slices"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// smallGraph is a four-user graph whose signals are easy to count by hand:
//
//	retweets: 1→0 ×2, 2→0, 3→1
//	mentions: 2→1 ×3
//	follows:  0→1, 1→0, 2→0, 3→0, 0→3
func smallGraph(t *testing.T, withFollows bool) *graph.Graph {
	t.Helper()
	var b graph.Builder
	b.Add(graph.Retweets, 1, 0, 2)
	b.Add(graph.Retweets, 2, 0, 1)
	b.Add(graph.Retweets, 3, 1, 1)
	b.Add(graph.Mentions, 2, 1, 3)
	if withFollows {
		for _, e := range [][2]uint32{{0, 1}, {1, 0}, {2, 0}, {3, 0}, {0, 3}} {
			b.Add(graph.Follows, e[0], e[1], 1)
		}
	}
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func signal(t *testing.T, sigs []Signal, name string) Signal {
	t.Helper()
	for _, s := range sigs {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no signal %q", name)
	return Signal{}
}

func TestSignals(t *testing.T) {
	g := smallGraph(t, true)
	authored := []uint32{0, 2, 1, 1}
	sigs := Signals(Inputs{Graph: g, Authored: authored}, []float64{0.25, 0.25, 0.25, 0.25}, 2)
	// Every expected value is counted by hand from smallGraph's edge list.
	for _, tc := range []struct {
		name string
		want []float64
	}{
		{"followers", []float64{3, 1, 0, 1}},                    // in-degree in follows
		{"friends", []float64{2, 1, 1, 1}},                      // out-degree in follows
		{"mutual_follows", []float64{2, 1, 0, 1}},               // 0↔1, 0↔3
		{"followed_back_pct", []float64{100, 100, 0, 100}},      // mutual/friends
		{"follower_follow_ratio", []float64{1.5, 1, 0, 1}},      // followers/max(1,friends)
		{"retweets_received", []float64{3, 1, 0, 0}},            // 2+1 for user 0
		{"unique_retweeters", []float64{2, 1, 0, 0}},            // {1,2} and {3}
		{"mention_count", []float64{0, 3, 0, 0}},                // 2→1 three times
		{"unique_mention_senders", []float64{0, 1, 0, 0}},       // {2}
		{"engaged_audience", []float64{2, 2, 0, 0}},             // {1,2} and {2,3}
		{"follower_retweet_pct", []float64{200.0 / 3, 0, 0, 0}}, // followers of 0 are {1,2,3}; retweeters {1,2}
		{"follower_mention_pct", []float64{0, 0, 0, 0}},         // 1's only follower 0 never mentions
		{"inbound_per_outbound", []float64{3, 4.0 / 2, 0, 0}},   // user 1: in 1+3, out 2
		{"update_count", []float64{0, 2, 1, 1}},                 // the authored slice
		{"comments_per_post", nil},                              // no replies layer: null
		{"pagerank", []float64{1, 1, 1, 1}},                     // 0.25 × 4 users
		{"follower_influence", []float64{3, 1, 0, 1}},           // sum of followers' pagerank (1 each)
		{"engager_influence", []float64{2, 2, 0, 0}},            // sum over engagers
	} {
		s := signal(t, sigs, tc.name)
		if tc.want == nil {
			if s.Values != nil || s.Missing == "" {
				t.Errorf("%s: got %v (missing %q), want null with a reason", tc.name, s.Values, s.Missing)
			}
			continue
		}
		if len(s.Values) != len(tc.want) {
			t.Fatalf("%s: got %v (missing %q), want %v", tc.name, s.Values, s.Missing, tc.want)
		}
		for i := range tc.want {
			if math.Abs(s.Values[i]-tc.want[i]) > 1e-12 {
				t.Errorf("%s[%d] = %g, want %g", tc.name, i, s.Values[i], tc.want[i])
			}
		}
	}
}

func TestSignalsMissing(t *testing.T) {
	g := smallGraph(t, false)
	sigs := Signals(Inputs{Graph: g}, make([]float64, g.Nodes()), 1)
	// Without follows, posts and lists these cannot be computed and must be null.
	for _, name := range []string{"followers", "mutual_follows", "friends", "follower_follow_ratio",
		"followed_back_pct", "follower_retweet_pct", "follower_mention_pct", "list_count",
		"list_followers", "unique_messages_retweeted", "likes_per_post", "comments_per_post",
		"update_count", "unique_likers", "unique_commenters", "follower_influence"} {
		if s := signal(t, sigs, name); s.Values != nil || s.Missing == "" {
			t.Errorf("%s: want null with a reason, got %d values", name, len(s.Values))
		}
	}
	// These need only retweets or mentions.
	for _, name := range []string{"retweets_received", "unique_retweeters", "mention_count",
		"engaged_audience", "inbound_per_outbound", "pagerank", "engager_influence"} {
		if s := signal(t, sigs, name); s.Values == nil {
			t.Errorf("%s: null (%s), want values", name, s.Missing)
		}
	}
}

func TestIntersect(t *testing.T) {
	for _, tc := range []struct {
		a, b []uint32
		want int
	}{
		{nil, nil, 0},
		{[]uint32{1, 2, 3}, []uint32{2, 3, 4}, 2},
		{[]uint32{1, 5, 9}, []uint32{2, 6}, 0},
		{[]uint32{7}, []uint32{7}, 1},
	} {
		if got := intersect(tc.a, tc.b); got != tc.want {
			t.Errorf("intersect(%v, %v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestShippedWeights pins the weights of the signals Higgs does not carry to the
// rule of catalogue: hand-chosen weight × the fit's factor for the sub-score, which
// unfittedFactors documents as reach 3.84/6 = 0.64, amplification 4.12/5 = 0.82 and
// network 2.31/7.5 = 0.31 (sums of the fitted and hand-chosen weights of the fitted
// signals, from weights.go and handCatalogue).
func TestShippedWeights(t *testing.T) {
	// The factors of weights.go's unfittedFactors: Σ fitted / Σ hand over the fitted
	// signals of each sub-score (reach 3.84/6, amplification 4.12/5, network
	// 2.31/7.5, from the weights `clout calibrate` printed: docs/EVALUATION.md).
	if f := unfittedFactors(handCatalogue()); f != [NumSubs]float64{0.64, 0.82, 0.31} {
		t.Errorf("factors %v, want [0.64 0.82 0.31]", f)
	}
	want := map[string][NumSubs]float64{
		"followers":                {0.64, 0, 0},      // hand 1, 0, 0
		"followed_back_pct":        {0.16, 0, 0.0775}, // hand 0.25, 0, 0.25
		"likes_per_post":           {0, 0.82, 0},      // hand 0, 1, 0
		"follower_influence":       {0, 0, 0.155},     // hand 0, 0, 0.5
		"engaged_audience":         {1, 0, 0},         // fitted
		"recent_engager_influence": {0, 0, 0.39},      // fitted
		"friends":                  {0, 0, 0},         // shown only
	}
	for _, s := range catalogue() {
		if ws, ok := want[s.Name]; ok {
			for k := range NumSubs {
				if math.Abs(s.Weights[k]-ws[k]) > 1e-12 {
					t.Errorf("%s: weights %v, want %v", s.Name, s.Weights, ws)
					break
				}
			}
		}
	}
}

// TestEngagerCredit works the engager credit through by hand with a budget of 2:
// account 0 retweets users 1–4 once each and mentions user 1 twice (4 distinct
// accounts engaged: credit 2/4 = 0.5); account 5 retweets user 1 three times (1
// account: credit 1). So user 1 has 0.5 + 1 = 1.5 engagers and retweeters,
// 0.5·1 + 1·3 = 3.5 retweets, 0.5·2 = 1 mention from 0.5 senders, and 4.5
// interactions received against none made; users 2–4 have 0.5 of everything. With
// the pagerank uniform (1 × N each), the engager influence equals the engagers.
// With no budget every engager counts one again.
func TestEngagerCredit(t *testing.T) {
	var b graph.Builder
	for v := uint32(1); v <= 4; v++ {
		b.AddAt(graph.Retweets, 0, v, 1, 100)
	}
	b.AddAt(graph.Mentions, 0, 1, 2, 100)
	b.AddAt(graph.Retweets, 5, 1, 3, 100)
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	pr := []float64{1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6}
	credit := engagerCredit(g, 2, 1)
	if want := []float64{0.5, 1, 1, 1, 1, 1}; !slices.Equal(credit, want) {
		t.Fatalf("credit %v, want %v", credit, want)
	}
	for _, tc := range []struct {
		budget float64
		name   string
		want   []float64
	}{
		{2, "engaged_audience", []float64{0, 1.5, 0.5, 0.5, 0.5, 0}},
		{2, "unique_retweeters", []float64{0, 1.5, 0.5, 0.5, 0.5, 0}},
		{2, "retweets_received", []float64{0, 3.5, 0.5, 0.5, 0.5, 0}},
		{2, "mention_count", []float64{0, 1, 0, 0, 0, 0}},
		{2, "unique_mention_senders", []float64{0, 0.5, 0, 0, 0, 0}},
		{2, "inbound_per_outbound", []float64{0, 4.5, 0.5, 0.5, 0.5, 0}},
		{2, "engager_influence", []float64{0, 1.5, 0.5, 0.5, 0.5, 0}},
		{2, "recent_engagers", []float64{0, 1.5, 0.5, 0.5, 0.5, 0}}, // every event at the window's end: weight 1
		{2, "engager_credit", []float64{0.5, 1, 1, 1, 1, 1}},
		{math.Inf(1), "engager_credit", []float64{1, 1, 1, 1, 1, 1}},
		{math.Inf(1), "engaged_audience", []float64{0, 2, 1, 1, 1, 0}},
		{math.Inf(1), "retweets_received", []float64{0, 4, 1, 1, 1, 0}},
		{math.Inf(1), "mention_count", []float64{0, 2, 0, 0, 0, 0}},
	} {
		s := signal(t, signals(Inputs{Graph: g}, pr, 1, DefaultHalfLife, engagerCredit(g, tc.budget, 1)), tc.name)
		for i, want := range tc.want {
			if math.Abs(s.Values[i]-want) > 1e-9 {
				t.Errorf("budget %g: %s[%d] = %g, want %g", tc.budget, tc.name, i, s.Values[i], want)
			}
		}
	}
}

// TestClosedGroupCredit: users 0 and 1 mention each other (a group of two); 2
// retweets 0 and 3 retweets 1. Counting each outside account one, the group has 2
// outside engagers for 2 members and 2 outside pairs for 2 within: open. When 3
// also retweets ten other accounts (11 engaged), a budget of 2 gives it credit
// 2/11, the outside engagers are 1 + 2/11 < 2, and the group is closed (the
// engagers of the larger group 14–16 keep credit 1).
func TestClosedGroupCredit(t *testing.T) {
	var b graph.Builder
	b.AddAt(graph.Mentions, 0, 1, 1, 10)
	b.AddAt(graph.Mentions, 1, 0, 1, 10)
	b.AddAt(graph.Retweets, 2, 0, 1, 10)
	b.AddAt(graph.Retweets, 3, 1, 1, 10)
	for v := uint32(4); v < 14; v++ {
		b.AddAt(graph.Retweets, 3, v, 1, 10)
	}
	// The largest group is never closed: a cycle 14 → 15 → 16 → 14, engaged by 17,
	// 18 and 19 (open either way) is larger than 0 and 1.
	for i := uint32(0); i < 3; i++ {
		b.AddAt(graph.Mentions, 14+i, 14+(i+1)%3, 1, 10)
		b.AddAt(graph.Retweets, 17+i, 14+i, 1, 10)
	}
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, groups, _ := closedGroups(g, nil); groups != 0 {
		t.Errorf("every outside account counting one: %d closed groups, want 0", groups)
	}
	if _, groups, members := closedGroups(g, engagerCredit(g, 2, 1)); groups != 1 || members != 2 {
		t.Errorf("budget 2: %d closed groups of %d members, want 1 of 2", groups, members)
	}
}

// TestEngagerSpan: the budget counts the accounts engaged within a week. Account 0
// retweets 1 and 2 on days 0 and 1, and 3 and 4 on days 8 and 9: 4 accounts in all,
// but at most 2 within any week (days 1 and 8 are exactly a week apart, which is
// outside it), so with a budget of 1 it counts 1/2, not 1/4. Account 5 retweets 1 on
// day 0 and mentions it again on day 20, and retweets 2 on day 14: the second
// engagement of 1 moves it to day 20, so 2 and 1 are 6 days apart, both in one
// week: 2, credit 1/2. Without timestamps, every engaged account counts: 1/4.
func TestEngagerSpan(t *testing.T) {
	const d = 24 * 60 * 60
	build := func(timed bool) *graph.Graph {
		var b graph.Builder
		add := func(k graph.Kind, u, v uint32, at int64) {
			if !timed {
				at = graph.NoTime
			}
			b.AddAt(k, u, v, 1, at)
		}
		for i, at := range []int64{0, 1 * d, 8 * d, 9 * d} {
			add(graph.Retweets, 0, uint32(1+i), at)
		}
		add(graph.Retweets, 5, 1, 0)
		add(graph.Mentions, 5, 1, 20*d)
		add(graph.Retweets, 5, 2, 14*d)
		g, err := b.Build(1, nil)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	if got := engagerCredit(build(true), 1, 1); got[0] != 0.5 || got[5] != 0.5 {
		t.Errorf("timed: credit of 0 and 5: %g, %g; want 0.5 and 0.5", got[0], got[5])
	}
	if got := engagerCredit(build(false), 1, 1); got[0] != 0.25 || got[5] != 0.5 {
		t.Errorf("untimed: credit of 0 and 5: %g, %g; want 0.25 and 0.5", got[0], got[5])
	}
}

// TestEngagerSpanUntimed: accounts engaged only without a time (an untimed likes
// layer beside a timed log) are spread over the window the timed interactions span.
// The retweets span days 0 to 70 (accounts 30 and 31), ten weeks. Account 0 likes
// 20 accounts (1 to 20), untimed, and retweets 21 and 22 on days 1 and 2: b = 2 +
// 20·7/70 = 4, so a budget of 1 gives 1/4 and a budget of 4 gives 1 (before, the 20
// counted in every week: b = 22). Account 23 likes 1 and 2 and also retweets 1 on
// day 3: 1 is timed now, so b = 1 + 1·7/70 = 1.1, credit 1/1.1. When the timed
// window is a week or shorter (the same graph without account 31, days 0 to 3) the
// untimed accounts count in full: b = 22 and 1 + 1 = 2.
func TestEngagerSpanUntimed(t *testing.T) {
	const d = 24 * 60 * 60
	build := func(long bool) *graph.Graph {
		var b graph.Builder
		b.Declare(graph.Likes)
		for v := uint32(1); v <= 20; v++ {
			b.AddAt(graph.Likes, 0, v, 1, graph.NoTime)
		}
		b.AddAt(graph.Retweets, 0, 21, 1, 1*d)
		b.AddAt(graph.Retweets, 0, 22, 1, 2*d)
		b.AddAt(graph.Likes, 23, 1, 1, graph.NoTime)
		b.AddAt(graph.Likes, 23, 2, 1, graph.NoTime)
		b.AddAt(graph.Retweets, 23, 1, 1, 3*d)
		b.AddAt(graph.Retweets, 30, 1, 1, 0)
		if long {
			b.AddAt(graph.Retweets, 31, 1, 1, 70*d)
		}
		g, err := b.Build(1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if g.Layer(graph.Likes).Timed() || !g.Layer(graph.Retweets).Timed() {
			t.Fatal("want untimed likes beside timed retweets")
		}
		return g
	}
	for _, c := range []struct {
		long       bool
		budget     float64
		want0, w23 float64
	}{
		{true, 1, 1.0 / 4, 1 / 1.1},
		{true, 4, 1, 1},
		{false, 1, 1.0 / 22, 1.0 / 2},
	} {
		got := engagerCredit(build(c.long), c.budget, 1)
		if math.Abs(got[0]-c.want0) > 1e-12 || math.Abs(got[23]-c.w23) > 1e-12 {
			t.Errorf("ten weeks %v, budget %g: credit of 0 and 23: %g, %g; want %g and %g", c.long, c.budget, got[0], got[23], c.want0, c.w23)
		}
	}
}

// TestDistinctTargets checks the counting merge of engagerCredit (spanTargets
// without timestamps) against a set of each user's targets on a random graph of
// three layers whose out-lists overlap.
func TestDistinctTargets(t *testing.T) {
	var b graph.Builder
	rng := uint64(12345)
	next := func(n uint64) uint32 { // xorshift: reproducible, no dependency
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return uint32(rng % n)
	}
	for range 20000 {
		k := []graph.Kind{graph.Retweets, graph.Mentions, graph.Replies}[next(3)]
		b.Add(k, next(300), next(300), 1)
	}
	g, err := b.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &signalContext{}
	for k := range graph.NumKinds {
		c.layers[k] = g.Layer(k)
	}
	var buf []int64
	for u := range uint32(g.Nodes()) {
		targets := map[uint32]bool{}
		for _, k := range interactionKinds(g) {
			out, _ := g.Layer(k).Out(u)
			for _, v := range out {
				targets[v] = true
			}
		}
		want := len(targets)
		// Without timestamps every target counts in every span: spanTargets counts
		// them all, sorting (budget 0) or not (a budget above them).
		for _, budget := range []float64{0, float64(want)} {
			if got := spanTargets(c, interactionKinds(g), u, EngagerSpan, 1, budget, &buf); got != float64(want) {
				t.Fatalf("user %d, budget %g: spanTargets %g, want %d", u, budget, got, want)
			}
		}
	}
}
