package rank

import (
	"math"
	"slices"

	"github.com/clout-dev/clout/graph"
)

// Sub names a sub-score.
type Sub uint8

// The three sub-scores of Klout's model.
const (
	Reach         Sub = iota // True Reach: the size of the engaged audience
	Amplification            // how likely a message is to get a reaction
	Network                  // how influential the engaged audience is
	NumSubs
)

var subNames = [NumSubs]string{"reach", "amplification", "network"}

func (s Sub) String() string { return subNames[s] }

// Inputs is what the scorer reads: the graph, and per-user facts that are not edges.
// A nil slice means the inputs do not carry that fact; the signals built on it are
// then null, never zero.
type Inputs struct {
	Graph *graph.Graph
	// Authored[u] is the number of distinct posts u wrote that the input shows.
	Authored []uint32
	// MessagesRetweeted[u] is the number of distinct posts of u that were retweeted.
	MessagesRetweeted []uint32
	// ListCount[u] is the number of lists u is a member of; ListFollowers[u] the
	// number of followers of those lists.
	ListCount, ListFollowers []uint32
	// PublicFollowers, PublicFollowing, PublicListed and PublicPosts are the counts
	// the platform publishes on each user's profile (Twitter API v2 public_metrics;
	// 0 for a user without one), or nil when no input carried them. followers,
	// friends and list_count take the published count when it is larger than what
	// the follows layer or the list memberships show (they often show only part),
	// or when the inputs carry none; update_count takes PublicPosts when the inputs
	// carry no posts.
	PublicFollowers, PublicFollowing, PublicListed, PublicPosts []uint32
	// Start and End bound the time window the graph covers, in Unix seconds: End is
	// the "now" that the age of engagement is measured from, and the half-life of
	// engagement is a share of End − Start. 0 or graph.NoTime means the time of the
	// earliest (Start) or latest (End) event in the graph.
	Start, End int64
}

// Signal is one named per-user measurement: one output column.
type Signal struct {
	Name    string
	Doc     string
	Integer bool // a count; otherwise a ratio or percentage
	// Percent signals lie in [0, 100] and are normalised linearly; all others are
	// normalised on a log scale, log(1+x)/log(1+max).
	Percent bool
	// Weights says how much the signal counts in each sub-score (0: shown only).
	Weights [NumSubs]float64
	// Values holds one value per user, or nil when the inputs do not carry the
	// signal; Missing then says which input is lacking.
	Values  []float64
	Missing string
}

// signalSpec describes a signal: its metadata and how to compute it.
type signalSpec struct {
	Signal
	needs   []graph.Kind // layers that must be present
	needsFn func(in *Inputs) string
	compute func(c *signalContext, v uint32) float64
}

// signalContext holds what the per-user computations share.
type signalContext struct {
	in       *Inputs
	layers   [graph.NumKinds]*graph.Layer
	rank     []float64 // PageRank × N: 1 is the average
	end      int64     // the window's end (Unix seconds) that ages are measured from
	halfLife float64   // the half-life of engagement, in seconds (> 0)
	// credit[u] is what u counts for as an engager (engagerCredit).
	credit []float64
}

// handCatalogue lists every signal Clout computes, in output column order, with the
// weights in the sub-scores chosen by hand (see the README): a retweet or reply shows
// an engaged audience more than a follow does. They are where calibration starts;
// catalogue has the weights Clout uses.
func handCatalogue() []signalSpec {
	return []signalSpec{
		// True Reach.
		{Signal: Signal{Name: "followers", Integer: true, Weights: w(1, 0, 0),
			Doc: "accounts that follow the user (the published follower count when larger: the follows layer may show only some)"},
			needsFn: followsOr(func(in *Inputs) []uint32 { return in.PublicFollowers }), compute: func(c *signalContext, v uint32) float64 {
				return float64(followers(c, v))
			}},
		{Signal: Signal{Name: "mutual_follows", Integer: true, Weights: w(0.5, 0, 0),
			Doc: "accounts the user follows that follow back"},
			needs: kinds(graph.Follows), compute: func(c *signalContext, v uint32) float64 {
				return float64(mutual(c.layers[graph.Follows], v))
			}},
		{Signal: Signal{Name: "friends", Integer: true,
			Doc: "accounts the user follows (shown, not scored; the published count when larger)"},
			needsFn: followsOr(func(in *Inputs) []uint32 { return in.PublicFollowing }), compute: func(c *signalContext, v uint32) float64 {
				return float64(friends(c, v))
			}},
		{Signal: Signal{Name: "engaged_audience", Weights: w(2, 0, 0),
			Doc: "distinct accounts that retweeted, mentioned, replied to or liked the user, each counted as its engager credit" + creditDoc},
			needsFn: needsInteraction, compute: func(c *signalContext, v uint32) float64 {
				return engagers(c, v)
			}},
		{Signal: Signal{Name: "recent_engagers", Weights: w(1, 1, 0),
			Doc: "distinct accounts that engaged with the user, each counted as its engager credit weighted 2^(−age/half-life) by the age of their latest engagement" + creditDoc},
			needsFn: needsTimedInteraction, compute: recentEngagers},
		{Signal: Signal{Name: "retweets_received", Weights: w(1, 0, 0),
			Doc: "retweets of the user's posts, each counted as its retweeter's engager credit" + creditDoc},
			needs: kinds(graph.Retweets), compute: func(c *signalContext, v uint32) float64 {
				return creditedEvents(c, graph.Retweets, v)
			}},
		{Signal: Signal{Name: "unique_commenters", Weights: w(1, 0, 0.5),
			Doc: "distinct accounts that replied to the user, each counted as its engager credit" + creditDoc},
			needs: kinds(graph.Replies), compute: func(c *signalContext, v uint32) float64 {
				return creditedActors(c, graph.Replies, v)
			}},
		{Signal: Signal{Name: "unique_likers", Weights: w(1, 0, 0.5),
			Doc: "distinct accounts that liked the user's posts, each counted as its engager credit" + creditDoc},
			needs: kinds(graph.Likes), compute: func(c *signalContext, v uint32) float64 {
				return creditedActors(c, graph.Likes, v)
			}},
		{Signal: Signal{Name: "follower_follow_ratio", Weights: w(0.5, 0, 0.5),
			Doc: "followers / max(1, friends)"},
			needsFn: followsOr(func(in *Inputs) []uint32 {
				if in.PublicFollowing == nil {
					return nil
				}
				return in.PublicFollowers
			}), compute: func(c *signalContext, v uint32) float64 {
				return float64(followers(c, v)) / float64(max(1, friends(c, v)))
			}},
		{Signal: Signal{Name: "followed_back_pct", Percent: true, Weights: w(0.25, 0, 0.25),
			Doc: "percentage of the accounts the user follows that follow back (0 when none)"},
			needs: kinds(graph.Follows), compute: func(c *signalContext, v uint32) float64 {
				f := c.layers[graph.Follows]
				return pct(mutual(f, v), f.OutDegree(v))
			}},
		{Signal: Signal{Name: "mention_count", Weights: w(1, 0, 0),
			Doc: "mentions of the user, each counted as its sender's engager credit" + creditDoc},
			needs: kinds(graph.Mentions), compute: func(c *signalContext, v uint32) float64 {
				return creditedEvents(c, graph.Mentions, v)
			}},
		{Signal: Signal{Name: "list_count", Integer: true, Weights: w(0.5, 0, 0.5),
			Doc: "lists the user is a member of (list inclusions; the published count when larger)"},
			needsFn: func(in *Inputs) string {
				if in.PublicListed != nil {
					return ""
				}
				return nonNil(in.ListCount, "list memberships")
			},
			compute: func(c *signalContext, v uint32) float64 {
				return float64(max(at(c.in.ListCount, v), at(c.in.PublicListed, v)))
			}},
		{Signal: Signal{Name: "list_followers", Integer: true, Weights: w(0.5, 0, 0),
			Doc: "followers of the lists the user is a member of"},
			needsFn: func(in *Inputs) string { return nonNil(in.ListFollowers, "list followers") },
			compute: func(c *signalContext, v uint32) float64 { return float64(c.in.ListFollowers[v]) }},

		// Amplification.
		{Signal: Signal{Name: "unique_retweeters", Weights: w(0, 1, 0.5),
			Doc: "distinct accounts that retweeted the user, each counted as its engager credit" + creditDoc},
			needs: kinds(graph.Retweets), compute: func(c *signalContext, v uint32) float64 {
				return creditedActors(c, graph.Retweets, v)
			}},
		{Signal: Signal{Name: "unique_messages_retweeted", Integer: true, Weights: w(0, 1, 0),
			Doc: "distinct posts of the user that were retweeted"},
			needsFn: func(in *Inputs) string { return nonNil(in.MessagesRetweeted, "post ids of retweeted posts") },
			compute: func(c *signalContext, v uint32) float64 { return float64(c.in.MessagesRetweeted[v]) }},
		{Signal: Signal{Name: "likes_per_post", Weights: w(0, 1, 0),
			Doc: "likes received (each counted as its liker's engager credit) / max(1, posts seen)" + creditDoc},
			needs: kinds(graph.Likes), needsFn: needsPosts, compute: func(c *signalContext, v uint32) float64 {
				return creditedEvents(c, graph.Likes, v) / float64(max(1, c.in.Authored[v]))
			}},
		{Signal: Signal{Name: "comments_per_post", Weights: w(0, 1, 0),
			Doc: "replies received (each counted as its replier's engager credit) / max(1, posts seen)" + creditDoc},
			needs: kinds(graph.Replies), needsFn: needsPosts, compute: func(c *signalContext, v uint32) float64 {
				return creditedEvents(c, graph.Replies, v) / float64(max(1, c.in.Authored[v]))
			}},
		{Signal: Signal{Name: "follower_retweet_pct", Percent: true, Weights: w(0, 0.5, 0),
			Doc: "percentage of followers who retweeted the user (0 without followers)"},
			needs: kinds(graph.Follows, graph.Retweets), compute: func(c *signalContext, v uint32) float64 {
				return followerPct(c, graph.Retweets, v)
			}},
		{Signal: Signal{Name: "unique_mention_senders", Weights: w(0, 1, 0.5),
			Doc: "distinct accounts that mentioned the user, each counted as its engager credit" + creditDoc},
			needs: kinds(graph.Mentions), compute: func(c *signalContext, v uint32) float64 {
				return creditedActors(c, graph.Mentions, v)
			}},
		{Signal: Signal{Name: "follower_mention_pct", Percent: true, Weights: w(0, 0.5, 0),
			Doc: "percentage of followers who mentioned the user (0 without followers)"},
			needs: kinds(graph.Follows, graph.Mentions), compute: func(c *signalContext, v uint32) float64 {
				return followerPct(c, graph.Mentions, v)
			}},
		{Signal: Signal{Name: "inbound_per_outbound", Weights: w(0, 1, 0),
			Doc: "interactions received (each counted as its actor's engager credit) / max(1, interactions made), over retweets, mentions, replies and likes" + creditDoc},
			needsFn: needsInteraction, compute: func(c *signalContext, v uint32) float64 {
				var in float64
				var out uint64
				for k := graph.Retweets; k < graph.NumKinds; k++ {
					if l := c.layers[k]; l != nil {
						in += creditedEvents(c, k, v)
						out += outEvents(l, v)
					}
				}
				return in / float64(max(1, out))
			}},
		{Signal: Signal{Name: "update_count", Integer: true,
			Doc: "distinct posts by the user that the input shows (shown, not scored; without posts: the published count)"},
			needsFn: func(in *Inputs) string {
				if in.PublicPosts != nil {
					return ""
				}
				return needsPosts(in)
			},
			compute: func(c *signalContext, v uint32) float64 {
				if c.in.Authored == nil {
					return float64(c.in.PublicPosts[v])
				}
				return float64(c.in.Authored[v])
			}},

		// Network: the influence of the engaged audience, from the propagation.
		{Signal: Signal{Name: "pagerank", Weights: w(0, 0, 4),
			Doc: "propagated influence, PageRank × number of users (1 is the average)"},
			compute: func(c *signalContext, v uint32) float64 { return c.rank[v] }},
		{Signal: Signal{Name: "follower_influence", Weights: w(0, 0, 0.5),
			Doc: "sum of the followers' pagerank"},
			needs: kinds(graph.Follows), compute: func(c *signalContext, v uint32) float64 {
				return inRankSum(c, graph.Follows, v)
			}},
		{Signal: Signal{Name: "engager_influence", Weights: w(0, 0, 1),
			Doc: "sum of the pagerank of the distinct accounts that retweeted, mentioned, replied to or liked the user, each times its engager credit" + creditDoc},
			needsFn: needsInteraction, compute: func(c *signalContext, v uint32) float64 {
				return engagerRankSum(c, v)
			}},
		{Signal: Signal{Name: "recent_engager_influence", Weights: w(0, 0, 1),
			Doc: "sum of the pagerank of the distinct accounts that engaged with the user, each weighted by its engager credit and 2^(−age/half-life) as in recent_engagers"},
			needsFn: needsTimedInteraction, compute: recentEngagerInfluence},

		// Anti-gaming, shown: what the user's own engagement counts for.
		{Signal: Signal{Name: "engager_credit",
			Doc: "what the user counts for as an engager of each account it engaged (shown, not scored): min(1, B/b), b the most distinct accounts it retweeted, mentioned, replied to or liked within a week, B the engager budget"},
			needsFn: needsInteraction, compute: func(c *signalContext, v uint32) float64 {
				return c.credit[v]
			}},
	}
}

// Signals computes every signal of the catalogue for every user, with the default
// half-life of engagement. rank is the PageRank vector (summing to 1) that the
// network signals read.
func Signals(in Inputs, pagerank []float64, workers int) []Signal {
	return signals(in, pagerank, workers, DefaultHalfLife, engagerCredit(in.Graph, DefaultEngagerBudget, workers))
}

// signals is Signals with the half-life as a share of the window's length and
// every account's engager credit (engagerCredit).
func signals(in Inputs, pagerank []float64, workers int, halfLife float64, credit []float64) []Signal {
	g := in.Graph
	n := g.Nodes()
	c := &signalContext{in: &in, rank: make([]float64, n)}
	for k := range graph.NumKinds {
		c.layers[k] = g.Layer(k)
	}
	first, last := timeSpan(g)
	start, end := in.Start, in.End
	if start == 0 || start == graph.NoTime {
		start = first
	}
	if end == 0 || end == graph.NoTime {
		end = last
	}
	c.end = end
	// The window's length; at least a second, so that a window of one instant still
	// weighs its engagement 1.
	c.halfLife = halfLife * max(1, float64(end)-float64(start))
	for i, r := range pagerank {
		c.rank[i] = r * float64(n)
	}
	c.credit = credit
	specs := catalogue()
	out := make([]Signal, len(specs))
	for i := range specs {
		s := &specs[i]
		out[i] = s.Signal
		if why := s.missing(&in); why != "" {
			out[i].Missing = why
			continue
		}
		vals := make([]float64, n)
		parallelFor(n, workers, func(lo, hi int) {
			for v := lo; v < hi; v++ {
				vals[v] = s.compute(c, uint32(v))
			}
		})
		out[i].Values = vals
	}
	return out
}

// missing says which input the signal lacks, or "" when it can be computed.
func (s *signalSpec) missing(in *Inputs) string {
	for _, k := range s.needs {
		if !in.Graph.Has(k) {
			return "no " + k.String() + " layer in the inputs"
		}
	}
	if s.needsFn != nil {
		return s.needsFn(in)
	}
	return ""
}

func w(reach, amp, net float64) [NumSubs]float64 { return [NumSubs]float64{reach, amp, net} }

func kinds(k ...graph.Kind) []graph.Kind { return k }

func nonNil(a []uint32, what string) string {
	if a == nil {
		return "no " + what + " in the inputs"
	}
	return ""
}

func needsPosts(in *Inputs) string { return nonNil(in.Authored, "posts") }

// followers returns v's followers: the follows layer's in-degree, or the published
// follower count when it is larger (a follows layer often holds only some of them).
func followers(c *signalContext, v uint32) int {
	n := 0
	if f := c.layers[graph.Follows]; f != nil {
		n = f.InDegree(v)
	}
	return max(n, int(at(c.in.PublicFollowers, v)))
}

// friends returns the accounts v follows, as followers does.
func friends(c *signalContext, v uint32) int {
	n := 0
	if f := c.layers[graph.Follows]; f != nil {
		n = f.OutDegree(v)
	}
	return max(n, int(at(c.in.PublicFollowing, v)))
}

// at returns a[v], or 0 for a nil a.
func at(a []uint32, v uint32) uint32 {
	if a == nil {
		return 0
	}
	return a[v]
}

// followsOr is the needs of a follows signal that falls back to a published count.
func followsOr(public func(in *Inputs) []uint32) func(in *Inputs) string {
	return func(in *Inputs) string {
		if in.Graph.Has(graph.Follows) || public(in) != nil {
			return ""
		}
		return "no follows layer in the inputs"
	}
}

func needsTimedInteraction(in *Inputs) string {
	if why := needsInteraction(in); why != "" {
		return why
	}
	for k := graph.Retweets; k < graph.NumKinds; k++ {
		if l := in.Graph.Layer(k); l != nil && l.Timed() {
			return ""
		}
	}
	return "no timestamps on the retweets, mentions, replies or likes in the inputs"
}

func needsInteraction(in *Inputs) string {
	for k := graph.Retweets; k < graph.NumKinds; k++ {
		if in.Graph.Has(k) {
			return ""
		}
	}
	return "no retweets, mentions, replies or likes layer in the inputs"
}

func pct(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// inEvents returns the number of events received by v in layer l.
func inEvents(l *graph.Layer, v uint32) uint64 {
	actors, counts := l.In(v)
	return counts.Sum(len(actors))
}

// outEvents returns the number of events made by u in layer l.
func outEvents(l *graph.Layer, u uint32) uint64 {
	targets, counts := l.Out(u)
	return counts.Sum(len(targets))
}

// mutual returns |out(v) ∩ in(v)| in layer l: both lists are sorted.
func mutual(l *graph.Layer, v uint32) int {
	out, _ := l.Out(v)
	in, _ := l.In(v)
	return intersect(out, in)
}

// intersect returns the size of the intersection of two ascending lists.
func intersect(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// followerPct returns the percentage of v's followers who are actors of v in layer k.
func followerPct(c *signalContext, k graph.Kind, v uint32) float64 {
	followers, _ := c.layers[graph.Follows].In(v)
	actors, _ := c.layers[k].In(v)
	return pct(intersect(followers, actors), len(followers))
}

// forEachEngager calls f once for every distinct actor of v over the interaction
// layers, merging their ascending in-lists.
func forEachEngager(c *signalContext, v uint32, f func(u uint32)) {
	var lists [graph.NumKinds][]uint32
	m := 0
	for k := graph.Retweets; k < graph.NumKinds; k++ {
		if l := c.layers[k]; l != nil {
			if a, _ := l.In(v); len(a) > 0 {
				lists[m] = a
				m++
			}
		}
	}
	if m == 1 {
		for _, u := range lists[0] {
			f(u)
		}
		return
	}
	for {
		next, any := uint32(math.MaxUint32), false
		for i := 0; i < m; i++ {
			if len(lists[i]) > 0 && (!any || lists[i][0] < next) {
				next, any = lists[i][0], true
			}
		}
		if !any {
			return
		}
		f(next)
		for i := 0; i < m; i++ {
			if len(lists[i]) > 0 && lists[i][0] == next {
				lists[i] = lists[i][1:]
			}
		}
	}
}

// engagers returns the engager credit of v's distinct engagers, summed.
func engagers(c *signalContext, v uint32) float64 {
	var s float64
	forEachEngager(c, v, func(u uint32) { s += c.credit[u] })
	return s
}

func engagerRankSum(c *signalContext, v uint32) float64 {
	var s float64
	forEachEngager(c, v, func(u uint32) { s += c.credit[u] * c.rank[u] })
	return s
}

// creditDoc ends the doc of every signal that weighs engagers by their credit.
const creditDoc = " (an account that engaged b distinct accounts within a week, more than the engager budget B, counts B/b; otherwise 1)"

// EngagerSpan is the span of time, in seconds, that the engager budget counts an
// account's distinct engaged accounts within: a week.
const EngagerSpan = 7 * 24 * 60 * 60

// engagerCredit returns every account's engager credit in g: min(1, budget/b), with
// b the largest number of distinct accounts it retweeted, mentioned, replied to or
// liked within EngagerSpan, each engaged account placed at the time of its latest
// engagement. Accounts engaged only without a time (a likes export without dates
// beside a timed log) are taken to be spread evenly over the window the timed
// interactions span: each span holds their number times EngagerSpan/window (all of
// them when the window is no longer than a span; untimedShare). Without timestamps
// b counts over the whole input. A week, so that a real account that engages a few
// accounts a week for years is not taken for one that engages hundreds in an hour
// (Params.EngagerBudget; budget > 0). It reads g as given, before any netting: what
// an account did, including the engagement that was returned. It reads only the
// out-lists, and the times of the timed layers' edges once (timeSpan).
func engagerCredit(g *graph.Graph, budget float64, workers int) []float64 {
	n := g.Nodes()
	c := &signalContext{}
	for k := range graph.NumKinds {
		c.layers[k] = g.Layer(k)
	}
	kinds := interactionKinds(g)
	timed, untimed := false, false
	for _, k := range kinds {
		timed = timed || c.layers[k].Timed()
		untimed = untimed || !c.layers[k].Timed()
	}
	share := 1.0
	if timed && untimed {
		share = untimedShare(timeSpan(g))
	}
	credit := make([]float64, n)
	parallelFor(n, workers, func(lo, hi int) {
		var times []int64 // spanTargets' buffer, one per chunk
		for u := lo; u < hi; u++ {
			credit[u] = 1
			// The out-degrees summed over the layers bound b from above: most
			// accounts are within the budget by them, without merging the lists.
			sum := 0
			for _, k := range kinds {
				sum += c.layers[k].OutDegree(uint32(u))
			}
			if float64(sum) <= budget {
				continue
			}
			b := float64(sum) // one untimed layer: its out-degree
			if timed || len(kinds) > 1 {
				b = spanTargets(c, kinds, uint32(u), EngagerSpan, share, budget, &times)
			}
			if b > budget {
				credit[u] = budget / b
			}
		}
	})
	return credit
}

// untimedShare returns the share of the accounts engaged only without a time that
// one EngagerSpan is taken to hold, when the timed interactions span [earliest,
// latest]: EngagerSpan over the window's length, at most 1.
func untimedShare(earliest, latest int64) float64 {
	if latest == graph.NoTime || latest-earliest <= EngagerSpan {
		return 1
	}
	return float64(EngagerSpan) / float64(latest-earliest)
}

// spanTargets returns the largest number of distinct accounts u engaged over the
// layers kinds within span seconds, each placed at the latest time u engaged it,
// plus share times the number of accounts u engaged only without a time (so
// without timestamps, and share 1, it counts the distinct accounts). It merges the
// ascending out-lists, reading times only from timed layers, and sorts the times in
// *buf, which it reuses; when u engaged no more than budget distinct accounts in
// all, it returns its timed ones plus share times the untimed ones without sorting
// (no span can hold more).
func spanTargets(c *signalContext, kinds []graph.Kind, u uint32, span int64, share, budget float64, buf *[]int64) float64 {
	var lists [graph.NumKinds][]uint32
	var pos [graph.NumKinds]uint64 // the edge position of lists[i][0] in layer lay[i]
	var lay [graph.NumKinds]*graph.Layer
	m := 0
	for _, k := range kinds {
		l := c.layers[k]
		if a, _ := l.Out(u); len(a) > 0 {
			lists[m], lay[m] = a, l
			pos[m], _ = l.OutRange(u)
			m++
		}
	}
	times := (*buf)[:0]
	untimed := 0
	for m > 0 {
		next := lists[0][0]
		for i := 1; i < m; i++ {
			next = min(next, lists[i][0])
		}
		last := graph.NoTime // the least int64
		for i := 0; i < m; {
			if lists[i][0] == next {
				if lay[i].Timed() {
					_, _, _, t := lay[i].EdgeAt(pos[i])
					last = max(last, t)
				}
				lists[i], pos[i] = lists[i][1:], pos[i]+1
				if len(lists[i]) == 0 {
					m--
					lists[i], pos[i], lay[i] = lists[m], pos[m], lay[m]
					continue
				}
			}
			i++
		}
		if last == graph.NoTime {
			untimed++
		} else {
			times = append(times, last)
		}
	}
	*buf = times
	if float64(len(times)+untimed) <= budget {
		return float64(len(times)) + share*float64(untimed)
	}
	slices.Sort(times)
	best := 0
	for i, j := 0, 0; j < len(times); j++ {
		for times[j]-times[i] >= span {
			i++
		}
		best = max(best, j-i+1)
	}
	return float64(best) + share*float64(untimed)
}

// creditedActors returns the engager credit of v's actors in layer k, summed.
func creditedActors(c *signalContext, k graph.Kind, v uint32) float64 {
	actors, _ := c.layers[k].In(v)
	var s float64
	for _, u := range actors {
		s += c.credit[u]
	}
	return s
}

// creditedEvents returns the events v received in layer k, each counted as its
// actor's engager credit.
func creditedEvents(c *signalContext, k graph.Kind, v uint32) float64 {
	actors, counts := c.layers[k].In(v)
	var s float64
	for i, u := range actors {
		s += c.credit[u] * float64(counts.At(i))
	}
	return s
}

func inRankSum(c *signalContext, k graph.Kind, v uint32) float64 {
	actors, _ := c.layers[k].In(v)
	var s float64
	for _, u := range actors {
		s += c.rank[u]
	}
	return s
}

// timeSpan returns the times of the earliest and the latest event of g's timed
// interaction layers (graph.NoTime for both when there is none).
func timeSpan(g *graph.Graph) (earliest, latest int64) {
	earliest, latest = math.MaxInt64, graph.NoTime
	for k := graph.Retweets; k < graph.NumKinds; k++ {
		l := g.Layer(k)
		if l == nil || !l.Timed() {
			continue
		}
		for i := range uint64(l.Edges()) {
			_, _, first, last := l.EdgeAt(i)
			earliest, latest = min(earliest, first), max(latest, last)
		}
	}
	if latest == graph.NoTime {
		earliest = graph.NoTime
	}
	return earliest, latest
}

// lastEngaged returns the time of u's latest engagement with v over the timed
// interaction layers, or graph.NoTime.
func lastEngaged(c *signalContext, u, v uint32) int64 {
	t := graph.NoTime
	for k := graph.Retweets; k < graph.NumKinds; k++ {
		l := c.layers[k]
		if l == nil || !l.Timed() {
			continue
		}
		targets, _ := l.Out(u)
		if i, ok := slices.BinarySearch(targets, v); ok {
			lo, _ := l.OutRange(u)
			if _, _, _, last := l.EdgeAt(lo + uint64(i)); last > t {
				t = last
			}
		}
	}
	return t
}

// recentEngagers sums, over the distinct engagers u of v, 2^(−age/half-life) with
// age the time from u's latest engagement with v to the window's end (engagement
// after the end, or at it, weighs 1). Engagement without a time counts for nothing.
func recentEngagers(c *signalContext, v uint32) float64 {
	var s float64
	forEachEngager(c, v, func(u uint32) { s += c.credit[u] * c.decay(lastEngaged(c, u, v)) })
	return s
}

// recentEngagerInfluence is recentEngagers with each engager weighted by its rank.
func recentEngagerInfluence(c *signalContext, v uint32) float64 {
	var s float64
	forEachEngager(c, v, func(u uint32) { s += c.credit[u] * c.rank[u] * c.decay(lastEngaged(c, u, v)) })
	return s
}

// decay returns 2^(−age/half-life) for an engagement at t, with its age measured to
// the window's end (0 at or after it); 0 for graph.NoTime.
func (c *signalContext) decay(t int64) float64 {
	if t == graph.NoTime {
		return 0
	}
	return math.Exp2(-float64(max(0, c.end-t)) / c.halfLife)
}
