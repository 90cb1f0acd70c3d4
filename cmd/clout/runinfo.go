package main

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/rank"
)

// runInfo is run.json: what was computed from what, with which parameters.
type runInfo struct {
	Tool       string             `json:"tool"`
	Version    string             `json:"version"`
	GoVersion  string             `json:"go_version"`
	StartedAt  string             `json:"started_at"`
	FinishedAt string             `json:"finished_at"`
	Inputs     []inputInfo        `json:"inputs"`
	Window     windowInfo         `json:"window"`
	Parameters paramInfo          `json:"parameters"`
	Graph      graphInfo          `json:"graph"`
	PageRank   pagerankInfo       `json:"pagerank"`
	Netted     nettedInfo         `json:"returned_engagement_netted"`
	Closed     closedInfo         `json:"closed_groups_netted"`
	OverBudget int                `json:"over_engager_budget"` // rank.Result.OverBudget
	Missing    map[string]string  `json:"missing_signals"`
	Outputs    []outputInfo       `json:"outputs"`
	Timings    map[string]float64 `json:"timings_seconds"`
	History    *historyInfo       `json:"history,omitempty"` // --history: history.go
}

type inputInfo struct {
	Path        string           `json:"path"`
	Embedded    bool             `json:"embedded,omitempty"`
	Format      string           `json:"format"`
	Layer       string           `json:"layer,omitempty"`
	Platform    string           `json:"platform"`
	Partial     bool             `json:"partial,omitempty"`
	Note        string           `json:"note,omitempty"`
	Bytes       int64            `json:"bytes"`
	SHA256      string           `json:"sha256"`
	Lines       int64            `json:"lines"`
	Records     int64            `json:"records"`
	Skipped     int64            `json:"skipped"`
	FirstBad    []string         `json:"first_bad,omitempty"`
	OutOfWindow int64            `json:"out_of_window"`
	Events      map[string]int64 `json:"events"`
	SelfLoops   map[string]int64 `json:"self_loops,omitempty"` // events whose actor is the target (dropped by the graph)
	// RetweetMentions counts the mentions a retweet carries in a Higgs activity log
	// (ingest.Report.RetweetMentions): in events.mentions unless the parameter
	// retweet_mentions is "drop".
	RetweetMentions int64 `json:"retweet_mentions,omitempty"`
	// What the platforms' export readers count besides (see ingest.Report).
	Posts      int64 `json:"posts,omitempty"`
	Duplicates int64 `json:"duplicates,omitempty"`
	Deferred   int64 `json:"deferred,omitempty"`
	Unresolved int64 `json:"unresolved,omitempty"`
	Ignored    int64 `json:"ignored,omitempty"`
	Deletes    int64 `json:"deletes,omitempty"`
}

type windowInfo struct {
	Since string `json:"since,omitempty"`
	Until string `json:"until,omitempty"`
}

type paramInfo struct {
	Damping        float64            `json:"damping"`
	Tolerance      float64            `json:"tolerance"`
	MaxIter        int                `json:"max_iter"`
	LayerWeights   map[string]float64 `json:"layer_weights"`
	CountTransform string             `json:"count_transform"`
	Combine        map[string]float64 `json:"combine"`
	HalfLife       float64            `json:"half_life_share"`
	// EngagerBudget is rank.Params.EngagerBudget; null when there is none.
	EngagerBudget *float64  `json:"engager_budget"`
	KeepReturned  bool      `json:"keep_returned"`
	Floor         floorInfo `json:"floor"`
	Workers       int       `json:"workers"`
	OnBadLine     string    `json:"on_bad_line"`
	// RetweetMentions is --retweet-mentions: "keep" or "drop".
	RetweetMentions string `json:"retweet_mentions"`
}

// floorInfo is the rule of the floor's order (rank.FloorRule): 0 for a clause that is off.
type floorInfo struct {
	Accounts        uint32 `json:"accounts"`
	PartnerAccounts uint32 `json:"partner_accounts"`
}

type layerInfo struct {
	Edges     int    `json:"edges"`
	Events    uint64 `json:"events"`
	SelfLoops uint64 `json:"self_loops_dropped"`
	Timed     bool   `json:"timed"`
}

type graphInfo struct {
	Users  int                  `json:"users"`
	Edges  int                  `json:"edges"`
	Bytes  int64                `json:"bytes"`
	Layers map[string]layerInfo `json:"layers"`
}

type pagerankInfo struct {
	Iterations int     `json:"iterations"`
	Delta      float64 `json:"delta"`
	Converged  bool    `json:"converged"`
}

// nettedInfo says how much returned engagement the scorer netted out.
type nettedInfo struct {
	Pairs  int    `json:"pairs"`
	Events uint64 `json:"events"`
}

// closedInfo says which closed groups' engagement among themselves the scorer
// netted out (rank.NetStats: groups engaged from outside by fewer accounts than
// they have members).
type closedInfo struct {
	Groups  int    `json:"groups"`
	Members int    `json:"members"`
	Events  uint64 `json:"events"`
}

type outputInfo struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Rows   int    `json:"rows"`
}

// timings records step durations in order.
type timings struct {
	names []string
	d     map[string]time.Duration
}

func (t *timings) add(name string, since time.Time) {
	if t.d == nil {
		t.d = map[string]time.Duration{}
	}
	t.names = append(t.names, name)
	t.d[name] = time.Since(since)
}

func (t *timings) get(name string) string { return t.d[name].Round(time.Millisecond).String() }

func unixString(t int64) string {
	if t == graph.NoTime {
		return ""
	}
	return time.Unix(t, 0).UTC().Format(time.RFC3339)
}

// describeGraph summarises the graph for run.json.
func describeGraph(g *graph.Graph) graphInfo {
	gi := graphInfo{Users: g.Nodes(), Edges: g.Edges(), Bytes: g.Bytes(), Layers: map[string]layerInfo{}}
	for k := range graph.NumKinds {
		if l := g.Layer(k); l != nil {
			gi.Layers[k.String()] = layerInfo{Edges: l.Edges(), Events: l.Events(), SelfLoops: g.SelfLoops(k), Timed: l.Timed()}
		}
	}
	return gi
}

func newRunInfo(c *scoreConfig, srcs []*source, gi graphInfo, res *rank.Result, outs []outputInfo, tm timings, started time.Time) *runInfo {
	info := &runInfo{
		Tool: "clout", Version: version(), GoVersion: runtime.Version(),
		StartedAt:  started.UTC().Format(time.RFC3339),
		FinishedAt: time.Now().UTC().Format(time.RFC3339),
		Window:     windowInfo{Since: unixString(c.ingest.Since), Until: unixString(c.ingest.Until)},
		Missing:    res.Missing(),
		Outputs:    outs,
		Timings:    map[string]float64{},
		History:    c.hist.info,
	}
	for _, s := range srcs {
		ii := inputInfo{Path: s.Path, Embedded: s.embedded, Format: s.report.Format, Layer: s.Layer,
			Platform: s.platform, Partial: s.Partial, Note: s.Note, Bytes: s.bytes, SHA256: s.sha,
			Lines: s.report.Lines, Records: s.report.Records, Skipped: s.report.Skipped,
			OutOfWindow: s.report.OutOfWindow, Events: map[string]int64{}, RetweetMentions: s.report.RetweetMentions,
			Posts: s.report.Posts, Duplicates: s.report.Duplicates, Deferred: s.report.Deferred,
			Unresolved: s.report.Unresolved, Ignored: s.report.Ignored, Deletes: s.report.Deletes}
		for _, e := range s.report.FirstBad {
			ii.FirstBad = append(ii.FirstBad, e.Error())
		}
		for k, n := range s.report.Events {
			if n > 0 {
				ii.Events[graph.Kind(k).String()] = n
			}
			if l := s.report.SelfLoops[k]; l > 0 {
				if ii.SelfLoops == nil {
					ii.SelfLoops = map[string]int64{}
				}
				ii.SelfLoops[graph.Kind(k).String()] = l
			}
		}
		info.Inputs = append(info.Inputs, ii)
	}
	p := c.params
	info.Parameters = paramInfo{Damping: p.PageRank.Damping, Tolerance: p.PageRank.Tolerance,
		MaxIter: p.PageRank.MaxIter, LayerWeights: map[string]float64{}, CountTransform: p.PageRank.Transform.String(),
		Combine: map[string]float64{}, HalfLife: p.HalfLife, KeepReturned: p.KeepReturned,
		Floor:   floorInfo{p.Floor.Accounts, p.Floor.PartnerAccounts},
		Workers: p.Workers, OnBadLine: badLineFlag{&c.ingest.OnBadLine}.String(),
		RetweetMentions: c.ingest.RetweetMentions.String()}
	if b := p.EngagerBudget; !math.IsInf(b, 1) {
		if b == 0 {
			b = rank.DefaultEngagerBudget
		}
		info.Parameters.EngagerBudget = &b
	}
	for k, w := range p.PageRank.LayerWeights {
		info.Parameters.LayerWeights[graph.Kind(k).String()] = w
	}
	for s, w := range p.Combine {
		info.Parameters.Combine[rank.Sub(s).String()] = w
	}
	info.Graph = gi
	info.PageRank = pagerankInfo{Iterations: res.PageRank.Iterations, Delta: res.PageRank.Delta, Converged: res.PageRank.Converged}
	info.Netted = nettedInfo{Pairs: res.Netted.ReturnedPairs, Events: res.Netted.Events}
	info.Closed = closedInfo{Groups: res.Netted.ClosedGroups, Members: res.Netted.ClosedMembers, Events: res.Netted.ClosedEvents}
	info.OverBudget = res.OverBudget
	for _, n := range tm.names {
		info.Timings[n] = tm.d[n].Seconds()
	}
	info.Timings["score.pagerank"] = res.Timings.PageRank.Seconds()
	info.Timings["score.pagerank.build"] = res.PageRank.Build.Seconds()
	info.Timings["score.pagerank.iterate"] = res.PageRank.Iterate.Seconds()
	info.Timings["score.signals"] = res.Timings.Signals.Seconds()
	info.Timings["score.scale"] = res.Timings.Scale.Seconds()
	return info
}

// layerSummary is "retweets 328132, mentions 145465, …" for the summary line.
func layerSummary(g *graph.Graph) string {
	var parts []string
	for k := range graph.NumKinds {
		if l := g.Layer(k); l != nil {
			parts = append(parts, fmt.Sprintf("%s %d", k, l.Edges()))
		}
	}
	return strings.Join(parts, ", ")
}
