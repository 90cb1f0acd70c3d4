package main

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/clout-dev/clout/cmd/internal/sink"
)

var pointsLine = regexp.MustCompile(`(?m)^\s+(-?[\d.]+) points  (.+): (\S+), (?:higher than|in the top) ([\d.e-]+) % of users`)

// explainRetweets writes the retweets of TestExplainSmall into dir and returns the
// file: r1..r8 retweet h, which retweets only x, so h passes x all it has; n1
// retweets x and five others, so it passes x a sixth of its little rank.
func explainRetweets(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "r%d h\n", i)
	}
	b.WriteString("h x\nn1 x\nn1 o1\nn1 o2\nn1 o3\nn1 o4\nn1 o5\n")
	return writeFile(t, dir, "rt.txt", b.String())
}

func TestExplainSmall(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	tbl := scoreOut(t, run, "--retweets", explainRetweets(t, dir))
	rows := byUser(tbl)

	stdout, stderr, code := runCLI(t, "explain", "--run", run, "-n", "40", "x")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Log(stdout)
	i := rows["x"]
	if want := fmt.Sprintf("Clout Score %.1f (rank %d of %d", tbl.Col("clout").Floats[i], tbl.Col("rank").Ints[i], tbl.Rows()); !strings.Contains(stdout, want) {
		t.Errorf("want %q in the output", want)
	}
	// The contributions are a decomposition of the score: with every signal listed they
	// add up to clout − 1 (to the 0.05 each line rounds to).
	ms := pointsLine.FindAllStringSubmatch(stdout, -1)
	if len(ms) < 5 {
		t.Fatalf("only %d signal lines", len(ms))
	}
	sum := 0.0
	for _, m := range ms {
		sum += num(t, m[1])
		if m[2] == "distinct retweeters" {
			// x has 2 retweeters (h, n1); the percentile is the share of the 16 users
			// with fewer, counted from the file.
			ur := tbl.Col("unique_retweeters").Floats
			fewer := 0
			for _, v := range ur {
				if v < 2 {
					fewer++
				}
			}
			if want := fmt.Sprintf("%.1f", 100*float64(fewer)/float64(len(ur))); m[3] != "2" || m[4] != want {
				t.Errorf("distinct retweeters: %s, higher than %s %%; want 2, %s %%", m[3], m[4], want)
			}
		}
	}
	if want := tbl.Col("clout").Floats[i] - 1; math.Abs(sum-want) > 0.05*float64(len(ms)) {
		t.Errorf("contributions add up to %.2f, want clout − 1 = %.2f", sum, want)
	}
	// The engagers: h first (it passes x all its rank), then n1.
	after := stdout[strings.Index(stdout, "Who engaged (2 accounts)"):]
	if hi, ni := strings.Index(after, "snap h:"), strings.Index(after, "snap n1:"); hi < 0 || ni < 0 || hi > ni {
		t.Errorf("want h listed before n1 among x's engagers:\n%s", after)
	}
	// A lever from the data: x's distinct engagers against the median of the users
	// above it, counted from the file.
	var above []float64
	ea := tbl.Col("engaged_audience").Floats
	for j, c := range tbl.Col("clout").Floats {
		if c > tbl.Col("clout").Floats[i] {
			above = append(above, ea[j])
		}
	}
	slices.Sort(above)
	if want := fmt.Sprintf("distinct engagers: yours %g, below", ea[i]); len(above) > 0 && quantile(above, 0.5) > ea[i] && !strings.Contains(stdout, want) {
		t.Errorf("want a lever %q (median above %v)", want, quantile(above, 0.5))
	}

	if !strings.Contains(runOK(t, "explain", "--run", run, "h"), "no one scores above the user") {
		t.Errorf("h, the top user, should have no one above it")
	}
	if _, _, code := runCLI(t, "explain", "--run", run, "nobody"); code != exitInput {
		t.Errorf("an unknown user: exit %d, want %d", code, exitInput)
	}
	if _, _, code := runCLI(t, "explain", "--run", run, "--history", dir, "x"); code != exitUsage {
		t.Errorf("--run with --history: exit %d, want %d", code, exitUsage)
	}
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	stdout, stderr, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	return stdout
}

// TestExplainHistory: with --history, what changed since the previous partition is
// told in signal terms. User 500 has one engager on day 0 and six on day 1.
func TestExplainHistory(t *testing.T) {
	dir := t.TempDir()
	var l activityLog
	for i := 1; i <= 10; i++ { // a background: 1..10 retweet i+1 each day
		l.add(i, i%10+1, 0, int64(i)*60, "RT")
		l.add(i, i%10+1, 1, int64(i)*60, "RT")
	}
	l.add(20, 500, 0, 100, "RT")
	for i := 21; i <= 25; i++ {
		l.add(i, 500, 1, int64(i)*60, "MT")
	}
	act := writeFile(t, dir, "act.txt", l.b.String())
	h := filepath.Join(dir, "hist")
	histScore(t, h, dateOf(0), act)
	histScore(t, h, dateOf(1), act, "--since", dateOf(0)+"T00:00:00Z")
	out := runOK(t, "explain", "500", "--history", h) // flags may follow USER
	t.Log(out)
	for _, want := range []string{"Since run=" + dateOf(0), "distinct engagers 1 → 6", "delta_day"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in the output", want)
		}
	}
	// --as-of picks the first partition, which has none before it.
	out = runOK(t, "explain", "--history", h, "--as-of", dateOf(0), "500")
	if !strings.Contains(out, "run="+dateOf(0)) || strings.Contains(out, "Since run=") {
		t.Errorf("--as-of %s:\n%s", dateOf(0), out)
	}
}

// TestExplainHiggs explains the top user of the bundled data up to 4 July 2012: the
// count of accounts that engaged it is checked against edges.parquet.
func TestExplainHiggs(t *testing.T) {
	if testing.Short() {
		t.Skip("a run on the bundled data")
	}
	run := filepath.Join(t.TempDir(), "run")
	tbl := scoreOut(t, run, "--until", "2012-07-04T00:00:00Z")
	top := tbl.Col("user_id").Strings[0]
	edges, err := sink.ReadParquetColumns(filepath.Join(run, "edges.parquet"), []string{"actor", "target"})
	if err != nil {
		t.Fatal(err)
	}
	actors := map[string]bool{}
	for i, tg := range edges.Col("target").Strings {
		if tg == top {
			actors[edges.Col("actor").Strings[i]] = true
		}
	}
	out := runOK(t, "explain", "--run", run, top)
	for _, want := range []string{fmt.Sprintf("Who engaged (%d accounts)", len(actors)), "no one scores above the user", "rank 1 of"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}

	// A user at rank 200: the "at your level" lever, recounted from the file.
	i := 199
	out = runOK(t, "explain", "--run", run, tbl.Col("user_id").Strings[i])
	m := regexp.MustCompile(`among the (\d+) users at your (\w+) level \(([\d.]+) ± 2.5\), (\d+) % have more (.+) than your (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no level lever in:\n%s", out)
	}
	col := ""
	for name, plain := range plainNames {
		if plain == m[5] {
			col = name
		}
	}
	sub, sig := tbl.Col(m[2]).Floats, tbl.Col(col)
	value := func(j int) float64 {
		if sig.Type == sink.Int64 {
			return float64(sig.Ints[j])
		}
		return sig.Floats[j]
	}
	same, higher := 0, 0
	for j := range sub {
		if j != i && math.Abs(sub[j]-sub[i]) <= 2.5 {
			same++
			if value(j) > value(i) {
				higher++
			}
		}
	}
	if m[1] != fmt.Sprint(same) || m[4] != fmt.Sprintf("%.0f", 100*float64(higher)/float64(same)) {
		t.Errorf("%q: want %d users, %.0f %% (counted from the file)", m[0], same, 100*float64(higher)/float64(same))
	}
}

// TestExplainByHandle: USER matches a handle, with or without @, on the API v2
// fixture (which carries usernames).
func TestExplainByHandle(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	tbl := scoreOut(t, run, filepath.Join(fixtures, "twitter-v2", "search.jsonl"))
	hc := tbl.Col("handle")
	i := slices.IndexFunc(hc.Strings, func(h string) bool { return h != "" })
	if hc.Null || i < 0 {
		t.Fatal("the fixture gave no handles")
	}
	h, id := strings.TrimPrefix(hc.Strings[i], "@"), tbl.Col("user_id").Strings[i]
	for _, user := range []string{h, "@" + h} {
		out := runOK(t, "explain", user, "--run", run)
		if first := strings.SplitN(out, "\n", 2)[0]; !strings.Contains(first, " "+id+" ") {
			t.Errorf("explain %s: first line %q, want user %s", user, first, id)
		}
	}
}

// TestExplainEngagerCredit: the graph of TestExplainSmall scored with an engager
// budget of 3. n1 retweets x and five others (6 accounts engaged), so it counts
// 3/6 = 0.5 as an engager of each; x keeps h (1) and n1 (0.5): 1.5 engagers and
// retweeters. explain says so beside n1, and not beside h (1 account engaged).
func TestExplainEngagerCredit(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	tbl := scoreOut(t, run, "--engager-budget", "3", "--retweets", explainRetweets(t, dir))
	i := byUser(tbl)["x"]
	if ea, ur := tbl.Col("engaged_audience").Floats[i], tbl.Col("unique_retweeters").Floats[i]; ea != 1.5 || ur != 1.5 {
		t.Errorf("x: engaged_audience %g, unique_retweeters %g; want 1.5 and 1.5", ea, ur)
	}
	stdout := runOK(t, "explain", "--run", run, "-n", "40", "x")
	t.Log(stdout)
	for _, line := range strings.Split(stdout, "\n") {
		marked := strings.Contains(line, "engaged 6 accounts within a week, more than the engager budget 3: counts 0.5 as an engager")
		switch {
		case strings.HasPrefix(line, "  snap n1:") && !marked:
			t.Errorf("n1's line does not give its credit: %q", line)
		case strings.HasPrefix(line, "  snap h:") && strings.Contains(line, "engager budget"):
			t.Errorf("h engaged one account, yet: %q", line)
		}
	}
	if !strings.Contains(stdout, "distinct engagers: 1.5,") {
		t.Errorf("want x's credited engagers (1.5) among the signals")
	}
	if n1 := runOK(t, "explain", "--run", run, "n1"); !strings.Contains(n1, "its own engagement counts 0.5 as an engager of each") {
		t.Errorf("explain n1 does not say what n1 counts for:\n%s", n1)
	}
	if i := byUser(tbl)["n1"]; tbl.Col("engager_credit").Floats[i] != 0.5 || tbl.Col("engager_credit").Floats[byUser(tbl)["h"]] != 1 {
		t.Errorf("engager_credit: n1 %g, h %g; want 0.5 and 1", tbl.Col("engager_credit").Floats[i], tbl.Col("engager_credit").Floats[byUser(tbl)["h"]])
	}
}
