package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
)

// Ids and handles that would break a statement built by string concatenation.
var hostile = []string{
	`x"}) DETACH DELETE n //`,
	"`a`b``) MATCH (n) DETACH DELETE n //",
	`x'}) MATCH (n) DETACH DELETE n RETURN 1 //`,
	"line\nbreak, \"quoted\", back\\slash; semi",
	"  spaced  ",
	"日本語 🎉",
}

// smallDataset is a hand-made run: the hostile users, three layers (likes carried but
// empty), times on retweets only, a column with some nulls and one entirely null.
func smallDataset(platform string) Dataset {
	users := append([]string{"1", "2", "007"}, hostile...)
	n := len(users)
	sc := &sink.Table{Columns: []sink.Column{
		{Name: "platform", Type: sink.String, Strings: make([]string, n)},
		{Name: "user_id", Type: sink.String, Strings: users},
		{Name: "handle", Type: sink.String, Strings: make([]string, n)},
		{Name: "rank", Type: sink.Int64, Ints: make([]int64, n)},
		{Name: "clout", Type: sink.Float64, Floats: make([]float64, n)},
		{Name: "followers", Type: sink.Int64, Ints: make([]int64, n), Valid: make([]bool, n)},
		{Name: "unique_likers", Type: sink.Int64, Null: true},
		{Name: "percentile", Type: sink.Float64, Floats: make([]float64, n)},
	}}
	for i := range n {
		sc.Columns[7].Floats[i] = testPercentile(i)
		sc.Columns[0].Strings[i] = platform
		sc.Columns[2].Strings[i] = "@" + users[len(users)-1-i]
		sc.Columns[3].Ints[i] = int64(i + 1)
		sc.Columns[4].Floats[i] = 100 - 9.5*float64(i)
		sc.Columns[5].Ints[i] = int64(10 * i)
		sc.Columns[5].Valid[i] = i%2 == 0
	}
	sc.Columns[2].Strings[1] = "" // an empty handle is a value, not a null
	ed := &sink.Table{Columns: []sink.Column{
		{Name: "platform", Type: sink.String}, {Name: "actor", Type: sink.String},
		{Name: "target", Type: sink.String}, {Name: "type", Type: sink.String},
		{Name: "count", Type: sink.Int64}, {Name: "first", Type: sink.Int64, Valid: []bool{}},
		{Name: "last", Type: sink.Int64, Valid: []bool{}},
	}}
	add := func(a, b, typ string, count, first, last int64, timed bool) {
		c := ed.Columns
		c[0].Strings = append(c[0].Strings, platform)
		c[1].Strings = append(c[1].Strings, a)
		c[2].Strings = append(c[2].Strings, b)
		c[3].Strings = append(c[3].Strings, typ)
		c[4].Ints = append(c[4].Ints, count)
		c[5].Ints, c[5].Valid = append(c[5].Ints, first), append(c[5].Valid, timed)
		c[6].Ints, c[6].Valid = append(c[6].Ints, last), append(c[6].Valid, timed)
	}
	add("1", "2", "follows", 1, 0, 0, false)
	add("2", "1", "follows", 1, 0, 0, false)
	add("1", hostile[0], "retweets", 3, 1341100972, 1341400000, true)
	add(hostile[1], hostile[0], "retweets", 1, 1341200000, 1341200000, true)
	add(hostile[3], "007", "mentions", 2, 0, 0, false)
	add("007", hostile[5], "replies", 1, 0, 0, false)
	return Dataset{Scores: sc, Edges: ed, Version: "test",
		Layers: []graph.Kind{graph.Follows, graph.Retweets, graph.Mentions, graph.Replies, graph.Likes}}
}

// testPercentile is the percentile of user i of smallDataset: 99.5, 95, then 10s.
func testPercentile(i int) float64 {
	switch i {
	case 0:
		return 99.5
	case 1:
		return 95
	}
	return 10
}

// sentinel creates a user of another platform, and returns a check that it and its
// relationship are still there.
func sentinel(t *testing.T, s *Store) func() {
	t.Helper()
	ctx := context.Background()
	pl := testPlatform(t, s)
	d := smallDataset(pl)
	if _, err := s.Load(ctx, d, Options{}); err != nil {
		t.Fatal(err)
	}
	want := wantCounts(d)
	return func() {
		t.Helper()
		if got := mustCount(t, s, pl); got != want {
			t.Errorf("the sentinel platform changed: %+v, want %+v", got, want)
		}
	}
}

func TestLoadSmall(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	check := sentinel(t, s)
	for _, mode := range []Mode{Replace, Merge} {
		t.Run(mode.String(), func(t *testing.T) {
			pl := testPlatform(t, s)
			d := smallDataset(pl)
			for range 2 { // the second load must leave the same graph
				st, err := s.Load(ctx, d, Options{Mode: mode, BatchSize: 2})
				if err != nil {
					t.Fatal(err)
				}
				if want := wantCounts(d); st.Users != want.Users || st.Relationships != want.Relationships {
					t.Errorf("stats %+v, want %+v", st, want)
				}
				if got, want := mustCount(t, s, pl), wantCounts(d); got != want {
					t.Errorf("counts %+v, want %+v", got, want)
				}
			}
			// Every id and handle is stored verbatim, with its properties.
			recs, err := s.query(ctx, `MATCH (u:User {platform: $p}) RETURN u.id, properties(u)`, map[string]any{"p": pl})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]map[string]any{}
			for _, r := range recs {
				got[r.Values[0].(string)] = r.Values[1].(map[string]any)
			}
			for i, id := range d.Scores.Col("user_id").Strings {
				p, ok := got[id]
				if !ok {
					t.Errorf("user %q is missing", id)
					continue
				}
				want := map[string]any{"platform": pl, "id": id, "handle": d.Scores.Col("handle").Strings[i],
					"rank": int64(i + 1), "clout": 100 - 9.5*float64(i), "percentile": testPercentile(i)}
				if i%2 == 0 {
					want["followers"] = int64(10 * i)
				}
				if fmt.Sprint(p) != fmt.Sprint(want) {
					t.Errorf("user %q: properties\n%v\nwant\n%v", id, p, want)
				}
			}
			// Tier labels follow the percentile.
			recs, err = s.query(ctx, `MATCH (u:User {platform: $p}) RETURN u.id, labels(u)`, map[string]any{"p": pl})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				i := slices.Index(d.Scores.Col("user_id").Strings, r.Values[0].(string))
				want := slices.Sorted(slices.Values(tierLabels(testPercentile(i))))
				got := strs(r.Values[1])
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("user %d: labels %s, want %s", i, got, want)
				}
			}
			// Relationships: types, counts, DateTimes where the input had times.
			recs, err = s.query(ctx, `MATCH (a:User {platform: $p})-[r]->(b:User)
RETURN a.id, type(r), b.id, r.count, r.first, r.last ORDER BY a.id, b.id`, map[string]any{"p": pl})
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, r := range recs {
				v := r.Values
				f, l := "-", "-"
				if tt, ok := v[4].(time.Time); ok {
					f = tt.UTC().Format(time.RFC3339)
				}
				if tt, ok := v[5].(time.Time); ok {
					l = tt.UTC().Format(time.RFC3339)
				}
				lines = append(lines, fmt.Sprintf("%q %s %q %v %s %s", v[0], v[1], v[2], v[3], f, l))
			}
			want := []string{
				`"007" REPLIED_TO "日本語 🎉" 1 - -`,
				`"1" FOLLOWS "2" 1 - -`,
				`"1" RETWEETED "x\"}) DETACH DELETE n //" 3 2012-07-01T00:02:52Z 2012-07-04T11:06:40Z`,
				`"2" FOLLOWS "1" 1 - -`,
				"\"`a`b``) MATCH (n) DETACH DELETE n //\" RETWEETED \"x\\\"}) DETACH DELETE n //\" 1 2012-07-02T03:33:20Z 2012-07-02T03:33:20Z",
				`"line\nbreak, \"quoted\", back\\slash; semi" MENTIONED "007" 2 - -`,
			}
			slices.Sort(lines)
			slices.Sort(want)
			if strings.Join(lines, "\n") != strings.Join(want, "\n") {
				t.Errorf("relationships:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
			// The CloutDataset node records the layers (likes too, though empty).
			ds, err := s.Datasets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(ds, func(d DatasetInfo) bool { return d.Platform == pl })
			if i < 0 {
				t.Fatalf("no CloutDataset node for %s", pl)
			}
			di := ds[i]
			if len(di.Layers) != 5 || di.Users != 9 || di.Relationships != 6 ||
				!slices.Equal(di.Missing, []string{"unique_likers"}) || !slices.Contains(di.Carried, "followers") {
				t.Errorf("CloutDataset %+v", di)
			}
		})
	}
	check()
}

func TestMergeTwiceHiggs(t *testing.T) {
	if testing.Short() {
		t.Skip("loads part of the Higgs data twice")
	}
	s := testStore(t)
	ctx := context.Background()
	pl := testPlatform(t, s)
	d := higgsDataset(t, pl)
	want := wantCounts(d)
	// The Higgs subset: 14,670 users, 18,973 edges (see higgsGraph).
	if want.Users != 14670 || want.Total() != 18973 {
		t.Fatalf("the Higgs subset has %+v", want)
	}
	if want.Relationships[graph.Retweets] < pairedMin*100 {
		t.Fatalf("%d retweets are too few for two writers in batches of 100", want.Relationships[graph.Retweets])
	}
	for i := range 2 {
		// The first load with one writer, the second with two, in batches small
		// enough that the retweets go to both (pairedMin).
		o := Options{Mode: Merge, Writers: 1}
		if i == 1 {
			o.Writers, o.BatchSize = 2, 100
		}
		if _, err := s.Load(ctx, d, o); err != nil {
			t.Fatal(err)
		}
		if got := mustCount(t, s, pl); got != want {
			t.Errorf("after merge load %d: %+v, want %+v", i+1, got, want)
		}
	}
	// No relationship was doubled: at most one per (actor, type, target).
	recs, err := s.query(ctx, `MATCH (a:User {platform: $p})-[r]->(b)
WITH a, type(r) AS t, b, count(r) AS n WHERE n > 1 RETURN count(*)`, map[string]any{"p": pl})
	if err != nil {
		t.Fatal(err)
	}
	if n := asInt(single(recs)); n != 0 {
		t.Errorf("%d duplicated relationships", n)
	}
}

func TestInterruptedLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("loads part of the Higgs data eight times")
	}
	s := testStore(t)
	for _, mode := range []Mode{Replace, Merge} {
		for _, writers := range []int{1, 2} {
			t.Run(fmt.Sprintf("mode=%s,writers=%d", mode, writers), func(t *testing.T) {
				pl := testPlatform(t, s)
				d := higgsDataset(t, pl)
				want := wantCounts(d)
				// Stop after 2 batches of retweets (of 6 with one writer; two writers write
				// smaller batches, a block at a time): users are in, relationships not all.
				// Two writers write the retweets in batches of 100, so that they get
				// them (pairedMin).
				batch := 2000
				if writers == 2 {
					batch = 100
				}
				ctx, cancel := context.WithCancel(context.Background())
				_, err := s.Load(ctx, d, Options{Mode: mode, BatchSize: batch, Writers: writers, Progress: cancelAfter("retweets", 2, cancel)})
				cancel()
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("interrupted load: %v, want context.Canceled", err)
				}
				got := mustCount(t, s, pl)
				least := int64(4000)
				if writers == 2 {
					least = 1
				}
				if got.Users != want.Users || got.Relationships[graph.Retweets] < least || got.Relationships[graph.Retweets] >= want.Relationships[graph.Retweets] {
					t.Errorf("after the interruption: %+v (want all users and %d–%d retweets)", got, least, want.Relationships[graph.Retweets])
				}
				if ds, _ := s.Datasets(context.Background()); slices.ContainsFunc(ds, func(d DatasetInfo) bool { return d.Platform == pl }) {
					t.Errorf("an interrupted load left a CloutDataset node")
				}
				if _, err := s.Load(context.Background(), d, Options{Mode: mode, Writers: writers, BatchSize: 1000}); err != nil {
					t.Fatal(err)
				}
				if got := mustCount(t, s, pl); got != want {
					t.Errorf("after the second load: %+v, want %+v", got, want)
				}
			})
		}
	}
}

func TestReadAndWriteBack(t *testing.T) {
	s := testStore(t)
	ctx := context.Background()
	pl := testPlatform(t, s)
	d := smallDataset(pl)
	if _, err := s.Load(ctx, d, Options{}); err != nil {
		t.Fatal(err)
	}
	var users, userIDs []string
	var edges []string
	err := s.Read(ctx, pl, ReadOptions{PageSize: 2, Props: []string{"rank", "followers"}},
		func(us []User) error {
			for _, u := range us {
				users = append(users, fmt.Sprintf("%q %v", u.ID, u.Props))
				userIDs = append(userIDs, u.ID)
			}
			return nil
		},
		func(es []Edge) error {
			for _, e := range es {
				edges = append(edges, fmt.Sprintf("%q %v %q %d %d %d", e.Actor, e.Kind, e.Target, e.Count, e.First, e.Last))
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	ids := d.Scores.Col("user_id").Strings
	if len(users) != len(ids) || !slices.IsSorted(userIDs) || !slices.Contains(users, `"2" [2 <nil>]`) {
		t.Errorf("users read, in id order:\n%s", strings.Join(users, "\n"))
	}
	var want []string
	e := d.Edges
	for i := range e.Rows() {
		k, _ := graph.ParseKind(e.Col("type").Strings[i])
		f, l := graph.NoTime, graph.NoTime
		if !e.Col("first").IsNull(i) {
			f, l = e.Col("first").Ints[i], e.Col("last").Ints[i]
		}
		want = append(want, fmt.Sprintf("%q %v %q %d %d %d", e.Col("actor").Strings[i], k, e.Col("target").Strings[i], e.Col("count").Ints[i], f, l))
	}
	slices.Sort(want)
	slices.Sort(edges)
	if !slices.Equal(edges, want) {
		t.Errorf("edges read:\n%s\nwant\n%s", strings.Join(edges, "\n"), strings.Join(want, "\n"))
	}

	// Write back: new values, and a null that removes a property.
	sc := d.Scores
	sc.Col("clout").Floats[0] = 42.5
	sc.Col("followers").Valid[0] = false
	sc.Col("percentile").Floats[0] = 50
	if err := s.WriteScores(ctx, sc, Options{BatchSize: 4}); err != nil {
		t.Fatal(err)
	}
	recs, err := s.query(ctx, `MATCH (u:User {platform: $p, id: $id}) RETURN u.clout, u.followers, labels(u)`, map[string]any{"p": pl, "id": ids[0]})
	if err != nil {
		t.Fatal(err)
	}
	if v := recs[0].Values; v[0] != 42.5 || v[1] != nil || !slices.Equal(strs(v[2]), []string{"User"}) {
		t.Errorf("after the write-back: clout %v followers %v labels %v, want 42.5, null and [User]", v[0], v[1], v[2])
	}
	// A user that is not in the database is an error, not a silent skip.
	sc.Col("user_id").Strings[0] = "nobody"
	if err := s.WriteScores(ctx, sc, Options{}); !errors.Is(err, ErrDatabase) {
		t.Errorf("write-back of an unknown user: %v", err)
	}
}

func TestLoadRejectsBadData(t *testing.T) {
	s := testStore(t)
	pl := testPlatform(t, s)
	d := smallDataset(pl)
	d.Edges.Col("type").Strings[0] = "FOLLOWS]->() DETACH DELETE n //"
	if _, err := s.Load(context.Background(), d, Options{}); !errors.As(err, new(*DataError)) {
		t.Errorf("an unknown layer: %v, want a DataError", err)
	}
	d = smallDataset(pl)
	d.Edges.Col("target").Strings[0] = "stranger"
	if _, err := s.Load(context.Background(), d, Options{}); !errors.As(err, new(*DataError)) {
		t.Errorf("an edge to a user without scores: %v, want a DataError", err)
	}
	d = smallDataset(pl)
	d.Scores.Columns[2].Name = "handle` = 1 DETACH DELETE n //"
	if _, err := s.Load(context.Background(), d, Options{}); !errors.As(err, new(*DataError)) {
		t.Errorf("a column that is no property name: %v, want a DataError", err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	const pw = "s3cret-Passw0rd-never-shown"
	_, err := Open(context.Background(), Config{URI: "bolt://127.0.0.1:1", Password: pw})
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Open: %v, want ErrUnreachable", err)
	}
	msg := err.Error()
	for _, want := range []string{"neo4j: cannot reach bolt://127.0.0.1:1", "scripts/neo4j.sh start"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, pw) {
		t.Errorf("message %q holds the password", msg)
	}
	_, err = Open(context.Background(), Config{URI: "bolt://neo4j:" + pw + "@127.0.0.1:1", Password: pw})
	if err == nil || strings.Contains(err.Error(), pw) {
		t.Errorf("a URI with credentials: %v", err)
	}
}

func TestOpenWrongPassword(t *testing.T) {
	s := testStore(t)
	_ = s
	cfg, err := ConfigFromEnv("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = "wrong-" + cfg.Password
	_, err = Open(context.Background(), cfg)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("Open with a wrong password: %v, want ErrAuth", err)
	}
	if strings.Contains(err.Error(), cfg.Password) {
		t.Errorf("message %q holds the password", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte("from-file\nsecond line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLOUT_CACHE", dir) // no default password file there
	for _, tc := range []struct {
		name, flag, env, envFile, want string
		err                            bool
	}{
		{name: "flag wins", flag: file, env: "from-env", want: "from-file"},
		{name: "env", env: "from-env", envFile: file, want: "from-env"},
		{name: "env file", envFile: file, want: "from-file"},
		{name: "none", err: true},
		{name: "missing file", flag: filepath.Join(dir, "nope"), err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NEO4J_PASSWORD", tc.env)
			t.Setenv("NEO4J_PASSWORD_FILE", tc.envFile)
			t.Setenv("NEO4J_URI", "")
			t.Setenv("NEO4J_USERNAME", "")
			c, err := ConfigFromEnv(tc.flag)
			if (err != nil) != tc.err {
				t.Fatalf("err %v", err)
			}
			if err == nil && (c.Password != tc.want || c.URI != DefaultURI || c.Username != "neo4j" || c.Database != "neo4j") {
				t.Errorf("config %+v", c)
			}
		})
	}
	if w := (Config{URI: "bolt://neo4j:pw@db.example:7687"}).Where(); w != "bolt://db.example:7687" {
		t.Errorf("Where %q", w)
	}
}
