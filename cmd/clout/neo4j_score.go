package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/clout-dev/clout/cmd/internal/neo4jstore"
	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
)

// The signals that are inputs of the scorer as well as outputs: the posts a user
// authored and the distinct posts of theirs that were retweeted. The aggregated edges
// do not carry them, so a recomputation from Neo4j reads them back from the users.
const (
	propAuthored  = "update_count"
	propRetweeted = "unique_messages_retweeted"
)

// neo4jWindowErr is the usage error of --since/--until with --from neo4j, which
// runScore returns before it touches the output folder.
var neo4jWindowErr = usageErr("--since/--until need the event log: Neo4j holds aggregated edges (count, first, last); window the inputs, then load them")

// readNeo4j is the ingest step of `clout score --from neo4j`: it streams the users and
// relationships of one group of platforms (those loaded together) out of the database
// named by the environment into sk, and returns one source per platform for run.json.
// runScore has refused --since/--until with it (neo4jWindowErr).
func readNeo4j(ctx context.Context, c *scoreConfig, pg *progress, sk *ingest.Sink) ([]*source, error) {
	st, err := openStore(ctx, "", envOr("NEO4J_DATABASE", neo4jstore.DefaultDatabase), 0)
	if err != nil {
		return nil, err
	}
	defer st.Close(context.Background())
	// After an offline import the schema is missing; reads and the write-back need it.
	if err := st.EnsureSchema(ctx); err != nil {
		return nil, dbErr(err)
	}
	ds, err := st.Datasets(ctx)
	if err != nil {
		return nil, dbErr(err)
	}
	group, info, err := choosePlatforms(ctx, st, ds, c.platform)
	if err != nil {
		return nil, err
	}

	var srcs []*source
	for _, pl := range group {
		d, ok := info[pl]
		if !ok {
			// Loaded by something else, or a load that did not finish: infer what the
			// data carries from what is there.
			fmt.Fprintf(os.Stderr, "clout: neo4j: platform %q has no CloutDataset node (a load that did not finish, or data loaded by another tool): layers and post counts are taken from what the database holds\n", pl)
			if d.Layers, err = st.Layers(ctx, pl); err != nil {
				return nil, dbErr(err)
			}
		}
		plat := sk.IDs.Platform(pl)
		for _, k := range d.Layers {
			sk.Graph.Declare(k)
		}
		if slices.Contains(d.Carried, propAuthored) {
			sk.Posts.DeclareAuthored()
		}
		if slices.Contains(d.Carried, propRetweeted) {
			sk.Posts.DeclareRetweeted()
		}
		src := &source{Input: ingest.Input{Path: st.Where() + ", platform " + pl, Format: "neo4j"}, platform: pl}
		src.report.Path, src.report.Format = src.Path, "neo4j"
		users := func(us []neo4jstore.User) error {
			for _, u := range us {
				v, err := sk.IDs.InternString(plat, u.ID)
				if err != nil {
					return inputErr(fmt.Errorf("neo4j: user %q: %w", u.ID, err))
				}
				if n, ok := u.Props[0].(int64); ok {
					sk.Posts.DeclareAuthored()
					addPosts(sk.Posts.AddAuthored, v, n)
				}
				if n, ok := u.Props[1].(int64); ok {
					sk.Posts.DeclareRetweeted()
					addPosts(sk.Posts.AddRetweeted, v, n)
				}
			}
			return nil
		}
		edges := func(es []neo4jstore.Edge) error {
			for _, e := range es {
				a, err := sk.IDs.InternString(plat, e.Actor)
				if err != nil {
					return inputErr(fmt.Errorf("neo4j: user %q: %w", e.Actor, err))
				}
				b, err := sk.IDs.InternString(plat, e.Target)
				if err != nil {
					return inputErr(fmt.Errorf("neo4j: user %q: %w", e.Target, err))
				}
				n := uint32(min(max(e.Count, 0), math.MaxUint32))
				// Two entries that the Builder merges back into (count, first, last).
				switch {
				case e.First == graph.NoTime || n < 2:
					sk.Graph.AddAt(e.Kind, a, b, n, e.First)
				default:
					sk.Graph.AddAt(e.Kind, a, b, 1, e.First)
					sk.Graph.AddAt(e.Kind, a, b, n-1, e.Last)
				}
				src.report.Records++
				src.report.Events[e.Kind] += int64(n)
			}
			return nil
		}
		err := st.Read(ctx, pl, neo4jstore.ReadOptions{Props: []string{propAuthored, propRetweeted}, Progress: storeSteps(pg)}, users, edges)
		if err != nil {
			return nil, dbErr(err)
		}
		srcs = append(srcs, src)
	}
	return srcs, nil
}

// addPosts records n distinct posts of user v: the tally needs only their number.
func addPosts(add func(uint32, uint64), v uint32, n int64) {
	for j := range uint64(max(n, 0)) {
		add(v, j)
	}
}

// choosePlatforms picks the platforms to score: the group loaded together with the
// --platform one, or the only group the database holds.
func choosePlatforms(ctx context.Context, st *neo4jstore.Store, ds []neo4jstore.DatasetInfo, want string) ([]string, map[string]neo4jstore.DatasetInfo, error) {
	info := map[string]neo4jstore.DatasetInfo{}
	groups := map[string][]string{} // platform → its group
	for _, d := range ds {
		info[d.Platform] = d
		g := d.Platforms
		if !slices.Contains(g, d.Platform) {
			g = []string{d.Platform}
		}
		groups[d.Platform] = g
	}
	all, err := st.Platforms(ctx)
	if err != nil {
		return nil, nil, dbErr(err)
	}
	for _, p := range all {
		if _, ok := groups[p]; !ok {
			groups[p] = []string{p}
		}
	}
	if g, ok := groups[want]; ok {
		return g, info, nil
	}
	distinct := map[string]bool{}
	for _, g := range groups {
		distinct[strings.Join(g, "\x00")] = true
	}
	switch len(distinct) {
	case 0:
		return nil, nil, inputErr(fmt.Errorf("input: %s holds no :User nodes with a platform (load some with `clout load neo4j`)", st.Where()))
	case 1:
		for _, g := range groups {
			return g, info, nil
		}
	}
	names := make([]string, 0, len(groups))
	for p := range groups {
		names = append(names, p)
	}
	slices.Sort(names)
	return nil, nil, usageErr("--from neo4j: %s holds several platforms (%s): choose one with --platform", st.Where(), strings.Join(names, ", "))
}

// writeBackNeo4j is the last step of `clout score --from neo4j`: the new scores and
// signals go back onto the User nodes they were computed from.
func writeBackNeo4j(ctx context.Context, c *scoreConfig, tbl *sink.Table) error {
	st, err := openStore(ctx, "", envOr("NEO4J_DATABASE", neo4jstore.DefaultDatabase), 0)
	if err != nil {
		return err
	}
	defer st.Close(context.Background())
	pg := newProgress(c.progress, os.Stderr)
	return dbErr(st.WriteScores(ctx, tbl, neo4jstore.Options{Progress: storeSteps(pg)}))
}
