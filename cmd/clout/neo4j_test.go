package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clout-dev/clout/cmd/internal/neo4jstore"
	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/graph"
)

// higgsActivity is the bundled Higgs activity log, as a file.
var higgsActivity = filepath.Join("..", "..", "datasets", "higgs", "higgs-activity_time.txt.gz")

// neo4jServer connects to the server the environment names (as the CLI does), or
// skips the test; under CI=true, where scripts/test.sh starts one, it fails instead.
func neo4jServer(t *testing.T) (*neo4jstore.Store, neo4jstore.Config) {
	t.Helper()
	cfg, err := neo4jstore.ConfigFromEnv("")
	if err == nil {
		var st *neo4jstore.Store
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if st, err = neo4jstore.Open(ctx, cfg); err == nil {
			t.Cleanup(func() { st.Close(context.Background()) })
			return st, cfg
		}
	}
	if !errors.Is(err, neo4jstore.ErrUnreachable) && !errors.Is(err, neo4jstore.ErrNoPassword) {
		t.Fatalf("neo4j: %v", err)
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("no Neo4j server (CI=true, so this is a failure): %v", err)
	}
	t.Skipf("no Neo4j server (start one with scripts/neo4j.sh start): %v", err)
	return nil, cfg
}

// neo4jPlatform returns a platform name of the test's own and deletes its users when
// the test ends.
func neo4jPlatform(t *testing.T, st *neo4jstore.Store) string {
	t.Helper()
	name := fmt.Sprintf("test-%s-%d", t.Name(), time.Now().UnixNano())
	t.Cleanup(func() {
		if _, err := st.DeletePlatform(context.Background(), name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return name
}

// mustRun runs a command line, fails the test on a non-zero exit, and keeps what it
// printed in log.
func mustRun(t *testing.T, log *strings.Builder, args ...string) {
	t.Helper()
	stdout, stderr, code := runCLI(t, args...)
	log.WriteString(stdout)
	log.WriteString(stderr)
	if code != 0 {
		t.Fatalf("clout %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
}

// TestNeo4jHiggs loads the bundled Higgs data into a real Neo4j, checks the counts and
// a sample of the scores, recomputes the scores from the database and compares them
// with the scores computed from the files, and checks that the password shows up in
// no output.
func TestNeo4jHiggs(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the full bundled data into Neo4j")
	}
	st, cfg := neo4jServer(t)
	ctx := context.Background()
	pl := neo4jPlatform(t, st)
	dir := t.TempDir()
	files, fromDB := filepath.Join(dir, "files"), filepath.Join(dir, "neo4j")
	var log strings.Builder

	mustRun(t, &log, "score", "--activity", higgsActivity, "--platform", pl, "--out", files, "--top", "0", "--progress", "never")
	t0 := time.Now()
	mustRun(t, &log, "load", "neo4j", "--run", files, "--progress", "never")
	t.Logf("load: %s", time.Since(t0))

	// One user per row of scores.parquet, one relationship per row of edges.parquet:
	// the graph's aggregated edges per layer (self-loops dropped), which the in-memory
	// graph reports in run.json as 328,132 retweets, 145,465 mentions, 32,180 replies.
	scores, err := sink.ReadParquet(filepath.Join(files, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	edges, err := sink.ReadParquet(filepath.Join(files, "edges.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	want := neo4jstore.Counts{Users: int64(scores.Rows())}
	for _, typ := range edges.Col("type").Strings {
		k, err := graph.ParseKind(typ)
		if err != nil {
			t.Fatal(err)
		}
		want.Relationships[k]++
	}
	if want.Users != 304691 || want.Relationships[graph.Retweets] != 328132 ||
		want.Relationships[graph.Mentions] != 145465 || want.Relationships[graph.Replies] != 32180 {
		t.Errorf("the files hold %+v, want Higgs's 304,691 users and 328,132/145,465/32,180 edges", want)
	}
	got, err := st.Count(ctx, pl)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("neo4j holds %+v, want %+v", got, want)
	}

	// A sample of users: every non-null column is stored as it is in the Parquet file.
	var ids []string
	idCol := scores.Col("user_id").Strings
	for i := 0; i < scores.Rows(); i += 1499 {
		ids = append(ids, idCol[i])
	}
	stored := storedUsers(t, st, pl, ids)
	rowOf := map[string]int{}
	for i, id := range idCol {
		rowOf[id] = i
	}
	for _, id := range ids {
		props, i := stored[id], rowOf[id]
		for _, c := range scores.Columns {
			name := c.Name
			switch name {
			case "platform":
			case "user_id":
				name = "id"
			}
			v, ok := props[name]
			if c.IsNull(i) {
				if ok {
					t.Errorf("user %s: %s = %v, want no property (null)", id, name, v)
				}
				continue
			}
			var w any
			switch c.Type {
			case sink.String:
				w = c.Strings[i]
			case sink.Int64:
				w = c.Ints[i]
			default:
				w = c.Floats[i]
			}
			if v != w {
				t.Errorf("user %s: %s = %v, want %v", id, name, v, w)
			}
		}
	}

	// Recompute from Neo4j. First spoil a stored score, which the write-back must mend.
	if err := st.WriteScores(ctx, spoiled(scores, 0), neo4jstore.Options{}); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	mustRun(t, &log, "score", "--from", "neo4j", "--platform", pl, "--out", fromDB, "--top", "5", "--progress", "always")
	t.Logf("score --from neo4j: %s", time.Since(t0))
	again, err := sink.ReadParquet(filepath.Join(fromDB, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	compareScores(t, scores, again)
	if v := storedUsers(t, st, pl, []string{idCol[0]})[idCol[0]]["clout"]; v != again.Col("clout").Floats[0] && v != scores.Col("clout").Floats[0] {
		t.Errorf("after the write-back the top user's clout is %v, want %v", v, scores.Col("clout").Floats[0])
	}

	// The password is in no output, no log line and no file of the run.
	for _, f := range []string{filepath.Join(files, "run.json"), filepath.Join(fromDB, "run.json")} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		log.Write(b)
	}
	if strings.Contains(log.String(), cfg.Password) {
		t.Errorf("the password appears in the output of clout")
	}
}

// spoiled returns a copy of the first row of scores with clout set to -1.
func spoiled(scores *sink.Table, row int) *sink.Table {
	return &sink.Table{Columns: []sink.Column{
		{Name: "platform", Type: sink.String, Strings: []string{scores.Col("platform").Strings[row]}},
		{Name: "user_id", Type: sink.String, Strings: []string{scores.Col("user_id").Strings[row]}},
		{Name: "clout", Type: sink.Float64, Floats: []float64{-1}},
	}}
}

// storedUsers returns the properties of the users of platform with the given ids.
func storedUsers(t *testing.T, st *neo4jstore.Store, platform string, ids []string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	props, err := st.UserProperties(context.Background(), platform, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		out[id] = props[i]
	}
	return out
}

// compareScores checks that two score tables agree per (platform, user_id): every
// score and signal within 1e-9 (relative for large values), and the ranks of users
// whose Clout Score no other user shares (tied users may be ordered differently, as
// ties break by dense id, which depends on the order users were read in).
func compareScores(t *testing.T, a, b *sink.Table) {
	t.Helper()
	if a.Rows() != b.Rows() {
		t.Fatalf("%d rows, want %d", b.Rows(), a.Rows())
	}
	key := func(tb *sink.Table, i int) string {
		return tb.Col("platform").Strings[i] + "\x00" + tb.Col("user_id").Strings[i]
	}
	rowB := map[string]int{}
	for i := range b.Rows() {
		rowB[key(b, i)] = i
	}
	cloutA := a.Col("clout").Floats
	tied := map[float64]int{}
	for _, c := range cloutA {
		tied[c]++
	}
	bad := 0
	for i := range a.Rows() {
		j, ok := rowB[key(a, i)]
		if !ok {
			t.Fatalf("user %q is missing", key(a, i))
		}
		for _, ca := range a.Columns {
			cb := b.Col(ca.Name)
			if cb == nil {
				t.Fatalf("column %s is missing", ca.Name)
			}
			if ca.IsNull(i) != cb.IsNull(j) {
				t.Fatalf("column %s: null %v, want %v", ca.Name, cb.IsNull(j), ca.IsNull(i))
			}
			if ca.IsNull(i) || ca.Type == sink.String || ca.Name == "rank" || ca.Name == "percentile" {
				continue
			}
			var x, y float64
			if ca.Type == sink.Int64 {
				x, y = float64(ca.Ints[i]), float64(cb.Ints[j])
			} else {
				x, y = ca.Floats[i], cb.Floats[j]
			}
			if math.Abs(x-y) > 1e-9*max(1, math.Abs(x)) {
				if bad++; bad <= 10 {
					t.Errorf("user %q: %s = %v from Neo4j, %v from the files", key(a, i), ca.Name, y, x)
				}
			}
		}
		if tied[cloutA[i]] == 1 {
			if ra, rb := a.Col("rank").Ints[i], b.Col("rank").Ints[j]; ra != rb && !nearTie(cloutA, i) {
				if bad++; bad <= 10 {
					t.Errorf("user %q: rank %d from Neo4j, %d from the files", key(a, i), rb, ra)
				}
			}
		}
	}
	if bad > 10 {
		t.Errorf("… %d differences in all", bad)
	}
}

// nearTie reports whether the Clout Score of row i (rows in rank order) is within
// 1e-9 of a neighbour's, so that rounding may swap them.
func nearTie(c []float64, i int) bool {
	return (i > 0 && math.Abs(c[i]-c[i-1]) <= 1e-9) || (i+1 < len(c) && math.Abs(c[i]-c[i+1]) <= 1e-9)
}

// TestNeo4jUnreachable: a server that is down is exit code 5 with a message that says
// what to do, and never shows the password.
func TestNeo4jUnreachable(t *testing.T) {
	const pw = "pw-that-must-never-show-1234"
	t.Setenv("NEO4J_URI", "bolt://127.0.0.1:1")
	t.Setenv("NEO4J_PASSWORD", pw)
	for _, args := range [][]string{
		{"load", "neo4j", "--run", t.TempDir()},
		{"score", "--from", "neo4j", "--out", t.TempDir()},
	} {
		stdout, stderr, code := runCLI(t, args...)
		if code != exitDatabase {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, exitDatabase, stderr)
		}
		for _, want := range []string{"neo4j: cannot reach bolt://127.0.0.1:1", "(is the server running? scripts/neo4j.sh start)"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: stderr %q lacks %q", args, stderr, want)
			}
		}
		if strings.Contains(stdout+stderr, pw) {
			t.Errorf("%v: the password shows", args)
		}
	}
}

func TestNeo4jUsage(t *testing.T) {
	t.Setenv("NEO4J_PASSWORD", "")
	t.Setenv("NEO4J_PASSWORD_FILE", "")
	t.Setenv("CLOUT_CACHE", t.TempDir())
	// A usage error leaves no output folder behind.
	out := filepath.Join(t.TempDir(), "out")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"load"}, "want a target"},
		{[]string{"load", "mysql"}, `unknown target "mysql"`},
		{[]string{"load", "neo4j", "--mode", "upsert"}, "--mode"},
		{[]string{"load", "neo4j", "--batch-size", "0"}, "--batch-size"},
		{[]string{"load", "neo4j", "--writers", "3"}, "--writers must be 1 or 2"},
		{[]string{"load", "neo4j", "extra"}, "unexpected argument"},
		{[]string{"load", "neo4j"}, "no password"},
		{[]string{"export"}, "want a format"},
		{[]string{"export", "neo4j-import"}, "want one output folder"},
		{[]string{"score", "--from", "neo4j", "--since", "2012-07-01T00:00:00Z", "--out", out}, "--since/--until"},
	} {
		_, stderr, code := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("score --from neo4j --since: the usage error left %s behind (%v)", out, err)
	}
}

// TestExportNeo4jImport checks the files of `clout export neo4j-import` (no server).
func TestExportNeo4jImport(t *testing.T) {
	dir := t.TempDir()
	run, out := filepath.Join(dir, "run"), filepath.Join(dir, "import")
	var log strings.Builder
	mustRun(t, &log, "score", "--activity", higgsActivity, "--until", "2012-07-04T00:00:00Z", "--out", run, "--top", "0", "--progress", "never")
	mustRun(t, &log, "export", "neo4j-import", "--run", run, "--progress", "never", out)
	if !strings.Contains(log.String(), "scripts/neo4j.sh import "+out) {
		t.Errorf("no import command in the output:\n%s", log.String())
	}
	lines := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	// 35,593 users and 29,420 / 16,893 / 3,261 edges before 2012-07-04 (per
	// `clout score --until 2012-07-04T00:00:00Z`), each file with a header line.
	users := lines("nodes/users.csv")
	if len(users) != 35594 || !strings.HasPrefix(users[0], ":ID(User),platform,id,") ||
		!strings.Contains(users[0], ",rank:long,clout:double,") || !strings.HasSuffix(users[0], ",:LABEL") {
		t.Errorf("users.csv: %d lines, header %s", len(users), users[0])
	}
	for name, n := range map[string]int{"retweets": 29420, "mentions": 16893, "replies": 3261} {
		l := lines("relationships/" + name + ".csv")
		if len(l) != n+1 || l[0] != ":START_ID(User),:END_ID(User),:TYPE,count:long,first:datetime,last:datetime" {
			t.Errorf("%s.csv: %d lines, header %s", name, len(l), l[0])
		}
	}
	if _, err := os.Stat(filepath.Join(out, "relationships", "follows.csv")); !os.IsNotExist(err) {
		t.Errorf("follows.csv written for a run without follows")
	}
	if args := lines("neo4j-admin.args"); strings.Join(args, " ") != "--id-type=actual" {
		t.Errorf("neo4j-admin.args: %q, want --id-type=actual", args)
	}
}

// TestNeo4jImportRoundTrip exports the Higgs data, imports it offline with
// neo4j-admin (stopping the server, replacing database neo4j, starting it again),
// and checks the counts and a recomputation. It erases database neo4j, so it runs
// only with CLOUT_NEO4J_IMPORT_TEST=1.
func TestNeo4jImportRoundTrip(t *testing.T) {
	if os.Getenv("CLOUT_NEO4J_IMPORT_TEST") != "1" {
		t.Skip("erases database neo4j: set CLOUT_NEO4J_IMPORT_TEST=1 to run")
	}
	st, _ := neo4jServer(t)
	st.Close(context.Background())
	script := filepath.Join("..", "..", "scripts", "neo4j.sh")
	sh := func(args ...string) {
		t.Helper()
		cmd := exec.Command(script, args...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("neo4j.sh %v: %v\n%s", args, err, b)
		}
	}
	dir := t.TempDir()
	run, out := filepath.Join(dir, "run"), filepath.Join(dir, "import")
	var log strings.Builder
	mustRun(t, &log, "score", "--out", run, "--top", "0", "--progress", "never")
	t0 := time.Now()
	mustRun(t, &log, "export", "neo4j-import", "--run", run, "--progress", "never", out)
	t.Logf("export: %s", time.Since(t0))

	sh("stop")
	t.Cleanup(func() { exec.Command(script, "start").Run() }) // leave a server running
	t0 = time.Now()
	sh("import", out)
	el := time.Since(t0)
	t.Logf("neo4j-admin import of 304,691 users and 505,777 relationships: %s (%.0f relationships/s, JVM start included)", el, 505777/el.Seconds())
	sh("start")

	mustRun(t, &log, "load", "neo4j", "--schema-only")
	st, _ = neo4jServer(t)
	got, err := st.Count(context.Background(), "twitter")
	if err != nil {
		t.Fatal(err)
	}
	want := neo4jstore.Counts{Users: 304691}
	want.Relationships[graph.Retweets], want.Relationships[graph.Mentions], want.Relationships[graph.Replies] = 328132, 145465, 32180
	if got != want {
		t.Errorf("after the import: %+v, want %+v", got, want)
	}
	again := filepath.Join(dir, "again")
	mustRun(t, &log, "score", "--from", "neo4j", "--platform", "twitter", "--out", again, "--top", "0", "--progress", "never")
	a, err := sink.ReadParquet(filepath.Join(run, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := sink.ReadParquet(filepath.Join(again, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	compareScores(t, a, b)
}
