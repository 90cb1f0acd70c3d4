package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/datasets"
	"github.com/clout-dev/clout/graph"
	"github.com/clout-dev/clout/ingest"
)

// testStore connects to the server the environment names (NEO4J_URI, NEO4J_USERNAME,
// NEO4J_PASSWORD or NEO4J_PASSWORD_FILE, else scripts/neo4j.sh's password file). When
// there is none it skips the test, or fails it under CI=true, where scripts/test.sh
// has started one.
func testStore(t testing.TB) *Store {
	t.Helper()
	cfg, err := ConfigFromEnv("")
	if err == nil {
		var s *Store
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if s, err = Open(ctx, cfg); err == nil {
			t.Cleanup(func() { s.Close(context.Background()) })
			return s
		}
	}
	if !errors.Is(err, ErrUnreachable) && !errors.Is(err, ErrNoPassword) {
		t.Fatalf("neo4j: %v", err)
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("no Neo4j server (CI=true, so this is a failure): %v", err)
	}
	t.Skipf("no Neo4j server (start one with scripts/neo4j.sh start): %v", err)
	return nil
}

// testPlatform returns a platform name of the test's own, and deletes its users when
// the test ends, so that tests running at once on one server never meet.
func testPlatform(t testing.TB, s *Store) string {
	t.Helper()
	name := fmt.Sprintf("test-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
	t.Cleanup(func() {
		if _, err := s.DeletePlatform(context.Background(), name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return name
}

// higgsGraph is the SNAP Higgs activity log up to 2012-07-03T00:00:00Z (the days
// before the announcement): 14,670 users and 18,973 edges (retweets 11,034, mentions
// 6,595, replies 1,344), per `clout score --until 2012-07-03T00:00:00Z`.
var higgsGraph = sync.OnceValues(func() (*higgsData, error) {
	r, _ := datasets.HiggsActivity()
	defer r.Close()
	zr, err := ingest.NewReader(datasets.HiggsActivityPath, r)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	sk := ingest.NewSink()
	until, _ := time.Parse(time.RFC3339, "2012-07-03T00:00:00Z")
	if _, err := ingest.ReadHiggsActivity(datasets.HiggsActivityPath, zr, sk,
		ingest.Options{Platform: "higgs", Since: graph.NoTime, Until: until.Unix()}); err != nil {
		return nil, err
	}
	sk.Graph.Grow(uint64(sk.IDs.Len()))
	g, err := sk.Graph.Build(0, nil)
	if err != nil {
		return nil, err
	}
	return &higgsData{g: g, ids: sk.IDs, posts: sk.Posts.Authored(sk.IDs.Len())}, nil
})

type higgsData struct {
	g     *graph.Graph
	ids   *ingest.Interner
	posts []uint32
}

// higgsDataset lays the Higgs subset out as a run folder's tables under platform:
// users with a few properties (rank, clout, update_count, and an entirely null
// unique_likers), and every edge.
func higgsDataset(t testing.TB, platform string) Dataset {
	t.Helper()
	h, err := higgsGraph()
	if err != nil {
		t.Fatal(err)
	}
	n := h.g.Nodes()
	sc := &sink.Table{Columns: []sink.Column{
		{Name: "platform", Type: sink.String, Strings: make([]string, n)},
		{Name: "user_id", Type: sink.String, Strings: make([]string, n)},
		{Name: "rank", Type: sink.Int64, Ints: make([]int64, n)},
		{Name: "clout", Type: sink.Float64, Floats: make([]float64, n)},
		{Name: "update_count", Type: sink.Int64, Ints: make([]int64, n)},
		{Name: "unique_likers", Type: sink.Int64, Null: true},
	}}
	for u := range uint32(n) {
		sc.Columns[0].Strings[u] = platform
		sc.Columns[1].Strings[u] = h.ids.ID(u)
		sc.Columns[2].Ints[u] = int64(u) + 1
		var in int
		for k := range graph.NumKinds {
			if l := h.g.Layer(k); l != nil {
				in += l.InDegree(u)
			}
		}
		sc.Columns[3].Floats[u] = 1 + float64(in)/7
		sc.Columns[4].Ints[u] = int64(h.posts[u])
	}
	ed := &sink.Table{Columns: []sink.Column{
		{Name: "platform", Type: sink.String}, {Name: "actor", Type: sink.String},
		{Name: "target", Type: sink.String}, {Name: "type", Type: sink.String},
		{Name: "count", Type: sink.Int64}, {Name: "first", Type: sink.Int64}, {Name: "last", Type: sink.Int64},
	}}
	for k := range graph.NumKinds {
		l := h.g.Layer(k)
		if l == nil {
			continue
		}
		for u := range uint32(n) {
			lo, hi := l.OutRange(u)
			for i := lo; i < hi; i++ {
				v, c, f, z := l.EdgeAt(i)
				ed.Columns[0].Strings = append(ed.Columns[0].Strings, platform)
				ed.Columns[1].Strings = append(ed.Columns[1].Strings, h.ids.ID(u))
				ed.Columns[2].Strings = append(ed.Columns[2].Strings, h.ids.ID(v))
				ed.Columns[3].Strings = append(ed.Columns[3].Strings, k.String())
				ed.Columns[4].Ints = append(ed.Columns[4].Ints, int64(c))
				ed.Columns[5].Ints = append(ed.Columns[5].Ints, f)
				ed.Columns[6].Ints = append(ed.Columns[6].Ints, z)
			}
		}
	}
	return Dataset{Scores: sc, Edges: ed, Layers: []graph.Kind{graph.Retweets, graph.Mentions, graph.Replies}, Version: "test"}
}

// wantCounts are the counts a load of d must leave: one user per scores row, one
// relationship per edges row.
func wantCounts(d Dataset) Counts {
	c := Counts{Users: int64(d.Scores.Rows())}
	if d.Edges != nil {
		tc := d.Edges.Col("type")
		for _, s := range tc.Strings {
			k, _ := graph.ParseKind(s)
			c.Relationships[k]++
		}
	}
	return c
}

// mustCount returns the counts of platform.
func mustCount(t testing.TB, s *Store, platform string) Counts {
	t.Helper()
	c, err := s.Count(context.Background(), platform)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cancelAfter is a Steps whose bars cancel ctx once n batches have been reported in
// the step called step.
func cancelAfter(step string, n int, cancel context.CancelFunc) Steps {
	var calls int
	return func(name string) (graph.Progress, func()) {
		if name != step {
			return nil, nil
		}
		return progressFunc(func(int64) {
			calls++
			if calls == n {
				cancel()
			}
		}), nil
	}
}

type progressFunc func(int64)

func (progressFunc) SetTotal(int64) {}
func (f progressFunc) Add(n int64)  { f(n) }
