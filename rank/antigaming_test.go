package rank_test

import (
	"math"
	"testing"

	"github.com/clout-dev/clout/datasets"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
	"github.com/clout-dev/clout/rank"
)

// ringShape is how the members of a planted ring engage one another.
type ringShape int

const (
	mutual   ringShape = iota // every member engages every other perPair times of each kind
	lopsided                  // the same, one direction of each pair (alternating) one event fewer
	cycle                     // each member engages the fewer than half of the ring after it, none back
)

// ring is a planted ring: members fake accounts (dense ids after the real users)
// of the given shape, and puppets further fake accounts outside it, engaged by
// nobody, puppet i retweeting once each of the members i, i+1, …, i+spread−1 (mod
// members; spread 0 is 1).
type ring struct {
	members int
	perPair uint32
	shape   ringShape
	puppets int
	spread  int
	spray   int // one more fake account retweets the last spray real users once each
}

// higgsInputs reads the bundled SNAP Higgs activity log and plants rg into it (none
// when rg.members is 0): each engagement of a member retweets and mentions its
// target perPair times, at distinct seconds of the last day of the data, every
// event a post of its own. It returns the inputs and the number of real users.
func higgsInputs(t testing.TB, rg ring) (rank.Inputs, int) {
	t.Helper()
	r, _ := datasets.HiggsActivity()
	defer r.Close()
	gz, err := ingest.NewReader(datasets.HiggsActivityPath, r)
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	s := ingest.NewSink()
	if _, err := ingest.ReadHiggsActivity(datasets.HiggsActivityPath, gz, s, ingest.Options{Platform: "twitter"}); err != nil {
		t.Fatal(err)
	}
	real := s.IDs.Len()
	// The data end at 2012-07-07 23:59:53 UTC (datasets/higgs/README.md).
	const end = 1341705593
	m := rg.members
	for a := range m {
		tick := int64(0)
		for b := range m {
			if a == b {
				continue
			}
			c := rg.perPair
			switch rg.shape {
			case lopsided:
				if (a < b) != ((a+b)%2 == 0) {
					c--
				}
			case cycle:
				if (b-a+m)%m >= (m+1)/2 { // b is not among the (m−1)/2 after a
					continue
				}
			}
			ua, ub := uint32(real+a), uint32(real+b)
			for _, k := range []graph.Kind{graph.Retweets, graph.Mentions} {
				for range c {
					at := end - 86400 + tick*43 // 1960 events a member fit in the day
					tick++
					s.Graph.AddAt(k, ua, ub, 1, at)
					s.Posts.AddAuthored(ua, ingest.TimeKey(at))
				}
			}
		}
	}
	spread := max(rg.spread, 1)
	for i := range rg.puppets {
		for j := range spread {
			at := end - 3600 + int64(i*spread+j)
			s.Graph.AddAt(graph.Retweets, uint32(real+m+i), uint32(real+(i+j)%m), 1, at)
			s.Posts.AddAuthored(uint32(real+m+i), ingest.TimeKey(at))
		}
	}
	n := real + rg.members + rg.puppets
	if rg.spray > 0 {
		bot := uint32(n)
		n++
		for i := range rg.spray {
			at := end - 3600 + int64(i)
			s.Graph.AddAt(graph.Retweets, bot, uint32(real-1-i), 1, at)
			s.Posts.AddAuthored(bot, ingest.TimeKey(at))
		}
	}
	s.Graph.Grow(uint64(n))
	g, err := s.Graph.Build(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rank.Inputs{Graph: g, Authored: s.Posts.Authored(n), MessagesRetweeted: s.Posts.Retweeted(n)}, real
}

// TestRingStaysOut plants a ring of 50 fake accounts into the real Higgs graph, each
// retweeting and mentioning every other member 20 times (98,000 events, against the
// data's 563,069), and checks that
//
//   - no ring member reaches the top decile of the Clout Score: the returned
//     engagement is netted out (rank.NetEngagement), so the ring is left with no
//     engagement at all; and
//   - the real users' scores barely move: Spearman ≥ 0.99 between their Clout Scores
//     with and without the ring. The ring's events are all netted away, so the
//     graph the scorer reads differs only by 50 isolated users, which shift every
//     PageRank by the same factor (the teleport and dangling shares are 1/N): the
//     order of the real users should not change at all, and 0.99 leaves room for
//     rounding in the scaling (a Spearman of 0.99 over 304,691 users still allows
//     only a few percent of them to swap places).
//
// Without the netting (KeepReturned) the same ring fills the top of the table; the
// test logs where it lands then.
func TestRingStaysOut(t *testing.T) {
	if testing.Short() {
		t.Skip("scores the full Higgs graph three times")
	}
	const members = 50
	plain, real := higgsInputs(t, ring{})
	ringed, real2 := higgsInputs(t, ring{members: members, perPair: 20})
	if real != real2 || real != 304691 {
		t.Fatalf("real users: %d and %d, want 304691 (datasets/higgs/README.md)", real, real2)
	}

	p := rank.DefaultParams()
	base, res := mustScore(t, plain, p), mustScore(t, ringed, p)
	n := real + members
	decile := int64(n / 10)
	best := int64(n + 1)
	for v := real; v < n; v++ {
		best = min(best, res.Rank[v])
	}
	t.Logf("netted: %d returned pairs, %d events; best ring member rank %d of %d (top decile: rank ≤ %d), clout %.2f",
		res.Netted.ReturnedPairs, res.Netted.Events, best, n, decile, res.Clout[res.Order[best-1]])
	if best <= decile {
		t.Errorf("a ring member reached rank %d, inside the top decile (≤ %d)", best, decile)
	}
	// The ring is left at the floor, and its members, who engaged 49 accounts each,
	// are among its active users (scale): above the other users at the floor,
	// below every user with any net engagement.
	ringScore := res.Clout[real]
	var engaged, activeFloor, floor int
	for v := range real {
		switch c := res.Clout[v]; {
		case c > ringScore:
			engaged++
		case c == ringScore:
			activeFloor++
		default:
			floor++
		}
	}
	t.Logf("real users above the ring %d (%.1f %%), beside it at the floor's top %d, below it %d",
		engaged, 100*float64(engaged)/float64(real), activeFloor, floor)
	for v := real; v < n; v++ {
		if res.Clout[v] != ringScore || res.Rank[v] <= int64(engaged) {
			t.Errorf("ring member %d: clout %v, rank %d; want %v, below the %d real users with net engagement", v, res.Clout[v], res.Rank[v], ringScore, engaged)
		}
	}
	rho := rank.Spearman(base.Clout, res.Clout[:real])
	t.Logf("Spearman of the real users' Clout Scores with and without the ring: %.6f", rho)
	if rho < 0.99 {
		t.Errorf("real users' scores moved: Spearman %.6f < 0.99", rho)
	}

	// The same ring without the netting, for the record.
	p.KeepReturned = true
	open := mustScore(t, ringed, p)
	best = int64(n + 1)
	inTop := 0
	for v := real; v < n; v++ {
		best = min(best, open.Rank[v])
		if open.Rank[v] <= decile {
			inTop++
		}
	}
	t.Logf("without netting: best ring member rank %d, %d of %d members in the top decile", best, inTop, members)

	// Rings that return little or nothing pairwise: a lopsided one (each pair
	// trading 40 events one way and 38 the other keeps 2 net events per pair), a
	// cycle (each member engages the 24 members after it round the ring, 40 events
	// each, and is engaged by the 24 before it: no pair returns anything), and the
	// cycle with 10 puppets, and with 50 (one per member), engaging it from
	// outside. Each is a closed group (fewer outside engagers than members; with
	// 50 puppets, 50 outside engager-member pairs against the 1,200 within), whose
	// engagement among itself is netted out: no member may reach the top decile,
	// but those a puppet engages, who have one engager then, as any account one
	// puppet engages would.
	p.KeepReturned = false
	for _, c := range []ringCase{
		{"lopsided ring", ring{members: members, perPair: 20, shape: lopsided}},
		{"cycle", ring{members: members, perPair: 20, shape: cycle}},
		{"cycle with 10 puppets", ring{members: members, perPair: 20, shape: cycle, puppets: 10}},
		{"cycle with 50 puppets", ring{members: members, perPair: 20, shape: cycle, puppets: members}},
	} {
		res, best, inTop := scoreRing(t, c.rg, p, real, decile)
		t.Logf("%s, netted: %d closed groups (%d members, %d events taken out); best ring member rank %d, %d of %d members in the top decile",
			c.name, res.Netted.ClosedGroups, res.Netted.ClosedMembers, res.Netted.ClosedEvents, best, inTop, members)
		audience := signalValues(t, res, "engaged_audience")
		for i := range members {
			v := real + i
			if i < c.rg.puppets {
				if audience[v] != 1 {
					t.Errorf("%s: member %d, engaged by one puppet, has %v distinct engagers; want 1", c.name, i, audience[v])
				}
			} else if res.Rank[v] <= decile {
				t.Errorf("%s: member %d reached rank %d, inside the top decile (≤ %d)", c.name, i, res.Rank[v], decile)
			}
		}
	}
	// The limit, for the record (docs/EVALUATION.md), not asserted: 50 puppets
	// each engaging 24 members bring 50 outside accounts and 1,200 outside pairs,
	// as many as the cycle's own, and the group is no longer closed: each member
	// counts its 24 puppets and its 24 ring engagers. Beside it, what the same
	// puppets do for 50 accounts that do not engage one another (perPair 0): 24
	// engagers each; and what one puppet a member does without the ring (to set
	// beside the asserted "cycle with 50 puppets" above).
	const bought = (members - 1) / 2
	for _, c := range []ringCase{
		{"cycle with 50 puppets engaging 24 members each", ring{members: members, perPair: 20, shape: cycle, puppets: members, spread: bought}},
		{"the same puppets, no ring", ring{members: members, perPair: 0, shape: cycle, puppets: members, spread: bought}},
		{"one puppet each, no ring", ring{members: members, perPair: 0, shape: cycle, puppets: members}},
	} {
		res, best, inTop := scoreRing(t, c.rg, p, real, decile)
		t.Logf("%s, netted: %d distinct engagers each (member 0); best member rank %d, %d of %d members in the top decile",
			c.name, int(signalValues(t, res, "engaged_audience")[real]), best, inTop, members)
	}
}

// TestSprayBot plants one account that retweets 1,000 real users once each, in the
// last hour of the data, into the Higgs graph. With the default engager budget the
// bot counts 50/1000 as an engager of each (README, anti-gaming), and none of the
// targets outside the top decile may be lifted into it; with no budget (every
// engager counts one) the same bot lifts all 1,000 in (logged: what the budget
// prevents; it made this test fail before the budget, fba886c). Whatever the
// budget: the bot itself gains nothing (it is engaged by nobody: at the floor),
// and no target ends below where it was.
func TestSprayBot(t *testing.T) {
	if testing.Short() {
		t.Skip("scores the full Higgs graph three times")
	}
	const spray = 1000
	plain, real := higgsInputs(t, ring{spray: 0})
	sprayed, _ := higgsInputs(t, ring{spray: spray})
	p := rank.DefaultParams()
	base := mustScore(t, plain, p)
	n := real + 1
	decile := int64(n / 10)
	for _, c := range []struct {
		name   string
		budget float64
	}{{"default budget", rank.DefaultEngagerBudget}, {"no budget", math.Inf(1)}} {
		q := p
		q.EngagerBudget = c.budget
		res := mustScore(t, sprayed, q)
		var floorBefore, inTop, lifted int
		best, bestFloor := int64(n+1), int64(n+1)
		for i := range spray {
			v := real - 1 - i
			if base.Clout[v] < 1+1e-4 { // the floor, active or not (scale)
				floorBefore++
				bestFloor = min(bestFloor, res.Rank[v])
			}
			if res.Rank[v] <= decile {
				inTop++
				if base.Rank[v] > decile {
					lifted++
				}
			}
			best = min(best, res.Rank[v])
			if res.Clout[v] < base.Clout[v]-1e-9 {
				t.Errorf("%s: target %d fell: %.4f → %.4f", c.name, v, base.Clout[v], res.Clout[v])
			}
		}
		if b := res.Clout[real]; b > 1+1e-4 {
			t.Errorf("%s: the bot scores %.4f, want the floor", c.name, b)
		}
		t.Logf("%s: one account retweeting %d real users once each (%d of them at the floor before): %d in the top decile (rank ≤ %d) after, %d lifted into it; best rank %d, of those at the floor before %d",
			c.name, spray, floorBefore, inTop, decile, lifted, best, bestFloor)
		if c.budget == rank.DefaultEngagerBudget && lifted > 0 {
			t.Errorf("%s: the bot lifted %d of its targets into the top decile, want none", c.name, lifted)
		}
	}
	// Smaller bots, for the record: the budget's limit is that an account engaging
	// up to 50 counts in full for each, as an enthusiast would.
	for _, k := range []int{50, 100, 200} {
		in, _ := higgsInputs(t, ring{spray: k})
		res := mustScore(t, in, p)
		lifted := 0
		for i := range k {
			if v := real - 1 - i; res.Rank[v] <= decile && base.Rank[v] > decile {
				lifted++
			}
		}
		t.Logf("default budget: one account retweeting %d real users once each lifts %d of them into the top decile", k, lifted)
	}
}

// ringCase is a planted ring with the name the test logs it by.
type ringCase struct {
	name string
	rg   ring
}

// scoreRing plants rg into the Higgs graph (real users 0 … real−1), scores it with
// p, and returns the result, the best rank of the ring's members and how many of
// them are in the top decile.
func scoreRing(t *testing.T, rg ring, p rank.Params, real int, decile int64) (*rank.Result, int64, int) {
	t.Helper()
	in, _ := higgsInputs(t, rg)
	res := mustScore(t, in, p)
	best, inTop := ringPlace(res, real, rg.members, decile)
	return res, best, inTop
}

// mustScore scores in with p, failing the test on an error.
func mustScore(t *testing.T, in rank.Inputs, p rank.Params) *rank.Result {
	t.Helper()
	res, err := rank.Score(in, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ringPlace returns the best rank of the ring's members (dense ids real …
// real+members−1) and how many of them are in the top decile.
func ringPlace(res *rank.Result, real, members int, decile int64) (best int64, inTop int) {
	best = int64(len(res.Rank) + 1)
	for v := real; v < real+members; v++ {
		best = min(best, res.Rank[v])
		if res.Rank[v] <= decile {
			inTop++
		}
	}
	return best, inTop
}

// signalValues returns the values of the named signal of res.
func signalValues(t *testing.T, res *rank.Result, name string) []float64 {
	t.Helper()
	for _, s := range res.Signals {
		if s.Name == name {
			return s.Values
		}
	}
	t.Fatalf("no signal %s", name)
	return nil
}
