package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/rank"
)

// TestShortLines backs docs/EVALUATION.md, "What the two short lines are made of":
// the retweets target at the Higgs splits after the announcement (2012-07-05 and
// 07-06), the two verdict lines of `clout eval` still short. It scores each split
// with the shipped parameters and with the floor not ordered, and measures beside
// the Clout Score and the baselines:
//
//   - the sub-scores, which have no floor order;
//   - cloutR: the Clout Score for the users retweeted before T (R, counted raw as the
//     baselines count), everybody else tied at 0: it orders R as the Clout Score does
//     and ties the users engaged before T only by mentions and replies (M) with the
//     never-engaged, as the count of retweets received does;
//   - retweetsM: the count of retweets received with the users of M lifted above the
//     never-engaged and below every user of R (count + 1/2): it orders R as the count
//     does and lifts M, as the count of distinct engagers does;
//   - a frontier: the Clout Score with the users of M who have at most k engagers
//     tied at the floor.
//
// It asserts what the document says. After the announcement lifting M costs the
// retweets target: the retweet count beats the engager count on it, and retweetsM
// falls below the retweet count; before it (07-04, the fit split) the reverse. At
// 07-05 the floor's order is what costs the line's Spearman, and the reach sub-score
// alone meets all four lines of the split. At 07-06 neither does, and the two targets
// ask opposite things of M: cloutR meets the retweets line's Spearman and misses the
// primary line's. Every expected relation is this measurement's; the tables it logs
// (`go test ./cmd/clout -run TestShortLines -v`) are the document's.
func TestShortLines(t *testing.T) {
	if testing.Short() {
		t.Skip("three hold-outs on the full Higgs data, each scored twice")
	}
	c := &evalConfig{}
	c.src.params, c.src.platform, c.end = rank.DefaultParams(), "snap", graph.NoTime
	for _, at := range []string{"2012-07-04T00:00:00Z", "2012-07-05T00:00:00Z", "2012-07-06T00:00:00Z"} {
		var ts timeList
		if err := ts.Set(at); err != nil {
			t.Fatal(err)
		}
		sp, err := c.load(context.Background(), ts[0])
		if err != nil {
			t.Fatal(err)
		}
		preds, res, err := predictors(sp, c.src.params)
		if err != nil {
			t.Fatal(err)
		}
		noFloor := c.src.params
		noFloor.Floor = rank.FloorRule{}
		res0, err := rank.Score(sp.Inputs, noFloor, nil)
		if err != nil {
			t.Fatal(err)
		}
		day := fmtDay(sp.At)
		rec := rank.ReceivedEngagement(sp.Graph, 0)
		n := sp.Users
		inM := func(u int) bool { return rec.Retweets[u] == 0 && rec.Events[u] > 0 }
		cloutR, retweetsM := make([]float64, n), make([]float64, n)
		var g [3]struct{ users, engaged, retweeted int } // R, M, the rest
		for u := range n {
			k := 2
			switch {
			case rec.Retweets[u] > 0:
				k = 0
				cloutR[u] = res.Clout[u]
				retweetsM[u] = rec.Retweets[u]
			case inM(u):
				k = 1
				retweetsM[u] = 0.5
			}
			g[k].users++
			if sp.After.Engagers[u] > 0 {
				g[k].engaged++
			}
			if sp.After.Retweets[u] > 0 {
				g[k].retweeted++
			}
		}
		// m evaluates a predictor against both targets: [target]{NDCG@100, Spearman}.
		m := func(v []float64) (r [2][2]float64) {
			for i, tg := range targets {
				e := rank.Evaluate(v, tg.of(sp.After))
				r[i] = [2]float64{e.NDCG100, e.Spearman}
			}
			return r
		}
		// The predictors of `clout eval` as it evaluates them, by name (the sub-scores'
		// without their indent), and the best baseline per target and metric.
		got := map[string][2][2]float64{}
		evRows := evalRows(sp.At, preds, sp.After)
		for _, r := range evRows {
			got[strings.TrimSpace(r.name)] = [2][2]float64{{r.m[0].NDCG100, r.m[0].Spearman}, {r.m[1].NDCG100, r.m[1].Spearman}}
		}
		var best [2][2]float64
		for i := range best {
			_, bn, bs := bestRows(evRows, i)
			best[i] = [2]float64{evRows[bn].m[i].NDCG100, evRows[bs].m[i].Spearman}
		}
		rows := []struct {
			name string
			v    []float64 // nil: one of the predictors of clout eval, in got
		}{
			{"Clout Score", nil}, {"Clout Score, floor not ordered", res0.Clout},
			{"reach sub-score", nil}, {"amplification sub-score", nil}, {"network sub-score", nil},
			{"cloutR: M tied with the never-engaged", cloutR}, {"retweetsM: M lifted below R", retweetsM},
		}
		var b strings.Builder
		fmt.Fprintf(&b, "split %s: %d users", day, n)
		for k, name := range []string{"R (retweeted before T)", "M (engaged, never retweeted)", "never engaged before T"} {
			fmt.Fprintf(&b, "\n  %-30s %7d users, engaged after %5.1f %%, retweeted after %5.1f %%", name,
				g[k].users, pct(g[k].engaged, g[k].users), pct(g[k].retweeted, g[k].users))
		}
		b.WriteString("\n  predictor                               primary: NDCG@100 Spearman | retweets: NDCG@100 Spearman")
		line := func(name string, r [2][2]float64) {
			fmt.Fprintf(&b, "\n  %-39s %.4f   %.4f            | %.4f   %.4f", name, r[0][0], r[0][1], r[1][0], r[1][1])
		}
		line("best baseline (each figure its own)", best)
		for _, r := range rows {
			if r.v != nil {
				got[r.name] = m(r.v)
			}
			line(r.name, got[r.name])
		}
		b.WriteString("\n  frontier: the users of M with at most k engagers tied at the floor")
		for _, k := range []float64{1, 2, 3, 5, math.Inf(1)} {
			v := make([]float64, n)
			for u := range n {
				v[u] = res.Clout[u]
				if inM(u) && rec.Engagers[u] <= k {
					v[u] = 1
				}
			}
			line(fmt.Sprintf("  k = %v", k), m(v))
		}
		// The users the floor's order lifts: at the floor without it, above with it.
		var lifted, liftedEngaged, floor, floorEngaged int
		for u := range n {
			if res0.Clout[u] == 1 {
				if res.Clout[u] > 1 {
					lifted++
					if sp.After.Engagers[u] > 0 {
						liftedEngaged++
					}
				} else {
					floor++
					if sp.After.Engagers[u] > 0 {
						floorEngaged++
					}
				}
			}
		}
		fmt.Fprintf(&b, "\n  the floor's order lifts %d users, engaged after %.1f %%; the rest of the floor: %d, %.1f %%",
			lifted, pct(liftedEngaged, lifted), floor, pct(floorEngaged, floor))
		t.Log(b.String())

		meets := func(r [2][2]float64, target int) bool {
			return r[target][0] > best[target][0] && r[target][1] >= best[target][1]
		}
		want := func(ok bool, format string, args ...any) {
			t.Helper()
			if !ok {
				t.Errorf(day+": "+format, args...)
			}
		}
		clout, cr, rm := got["Clout Score"], got["cloutR: M tied with the never-engaged"], got["retweetsM: M lifted below R"]
		// The two counts on the retweets target: the engager count lifts M, the
		// retweet count ties it with the never-engaged.
		byEngagers, byRetweets := got["unique engagers"][1][1], got["retweets received"][1][1]
		t.Logf("%s, Spearman on the retweets target: unique engagers %.4f, retweets received %.4f, retweetsM %.4f", day, byEngagers, byRetweets, rm[1][1])
		switch day {
		case "2012-07-04":
			// Before the announcement lifting M helps the retweets target.
			want(byEngagers > byRetweets && rm[1][1] > byRetweets, "lifting M does not help the retweets target: engagers %.4f, retweetsM %.4f, retweets %.4f", byEngagers, rm[1][1], byRetweets)
		case "2012-07-05":
			want(!meets(clout, 1), "the Clout Score meets the retweets line; the document says it is short")
			want(byEngagers < byRetweets && rm[1][1] < byRetweets, "lifting M does not cost the retweets target: engagers %.4f, retweetsM %.4f, retweets %.4f", byEngagers, rm[1][1], byRetweets)
			want(got["Clout Score, floor not ordered"][1][1] >= best[1][1], "without the floor's order the retweets Spearman %.4f is still below %.4f", got["Clout Score, floor not ordered"][1][1], best[1][1])
			reach := got["reach sub-score"]
			want(meets(reach, 0) && meets(reach, 1), "the reach sub-score does not meet both lines: %v against %v", reach, best)
		case "2012-07-06":
			want(!meets(clout, 1), "the Clout Score meets the retweets line; the document says it is short")
			for _, name := range []string{"Clout Score, floor not ordered", "reach sub-score"} {
				want(got[name][1][1] < best[1][1], "%s: retweets Spearman %.4f is not below %.4f", name, got[name][1][1], best[1][1])
			}
			want(cr[1][1] >= best[1][1], "cloutR's Spearman %.4f on the retweets target is below %.4f", cr[1][1], best[1][1])
			want(cr[0][1] < best[0][1], "cloutR's Spearman %.4f on the primary target is not below %.4f", cr[0][1], best[0][1])
			want(byEngagers < byRetweets && rm[1][1] < byRetweets, "lifting M does not cost the retweets target: engagers %.4f, retweetsM %.4f, retweets %.4f", byEngagers, rm[1][1], byRetweets)
		}
	}
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(max(1, b)) }
