package main

import (
	"encoding/csv"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clout-dev/clout/cmd/internal/sink"
)

// scoreOut runs `clout score` with args into dir and returns its scores.
func scoreOut(t *testing.T, dir string, args ...string) *sink.Table {
	t.Helper()
	args = append([]string{"score", "--out", dir, "--progress", "never", "--top", "0"}, args...)
	if _, stderr, code := runCLI(t, args...); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	tbl, err := sink.ReadParquet(filepath.Join(dir, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// diffCSV runs `clout diff --csv` and returns its rows keyed by user_id.
func diffCSV(t *testing.T, a, b string, n int) (header []string, rows map[string][]string, order []string) {
	t.Helper()
	stdout, stderr, code := runCLI(t, "diff", "--csv", "-n", strconv.Itoa(n), a, b)
	if code != 0 {
		t.Fatalf("diff: exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatalf("diff --csv: %v\n%s", err, stdout)
	}
	rows = map[string][]string{}
	for _, r := range recs[1:] {
		rows[r[2]] = r
		order = append(order, r[0]+" "+r[2])
	}
	return recs[0], rows, order
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// checkIdentity checks, for each row of `clout diff --csv`, that the published delta
// is the raw delta plus the smoothing effect, and that the raw delta, which the files
// give, equals the signals' effect plus the population's, which the command derives
// from the signals alone (to the CSV's 4 decimals).
func checkIdentity(t *testing.T, header []string, rows map[string][]string) {
	t.Helper()
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for id, r := range rows {
		f := func(name string) float64 { return num(t, r[col[name]]) }
		if d := f("delta") - f("raw_delta") - f("smoothing_effect"); math.Abs(d) > 2e-4 {
			t.Errorf("%s: delta %v != raw_delta + smoothing_effect (off by %v)", id, f("delta"), d)
		}
		if d := f("raw_delta") - f("signals_effect") - f("population_effect"); math.Abs(d) > 2e-3 {
			t.Errorf("%s: raw_delta %v != signals_effect + population_effect (off by %v)", id, f("raw_delta"), d)
		}
	}
}

func TestDiffSmall(t *testing.T) {
	dir := t.TempDir()
	// Run A: six accounts retweet y, one retweets x; z keeps its three retweeters.
	// Run B: the six retweet x instead, and one retweets y. 13 users in each.
	a := writeFile(t, dir, "a.txt", "a1 y\na2 y\na3 y\na4 y\na5 y\na6 y\nb1 x\nz1 z\nz2 z\nz3 z\n")
	b := writeFile(t, dir, "b.txt", "a1 x\na2 x\na3 x\na4 x\na5 x\na6 x\nb1 y\nz1 z\nz2 z\nz3 z\n")
	ra, rb := filepath.Join(dir, "A"), filepath.Join(dir, "B")
	ta := scoreOut(t, ra, "--retweets", a)
	tb := scoreOut(t, rb, "--retweets", b)

	header, rows, order := diffCSV(t, ra, filepath.Join(rb, "scores.parquet"), 1)
	if len(order) != 2 || order[0] != "up x" || order[1] != "down y" {
		t.Fatalf("movers %v, want x up and y down", order)
	}
	checkIdentity(t, header, rows)
	ua, ub := byUser(ta), byUser(tb)
	for _, id := range []string{"x", "y"} {
		want := tb.Col("clout").Floats[ub[id]] - ta.Col("clout").Floats[ua[id]]
		if got := num(t, rows[id][6]); math.Abs(got-want) > 1e-4 {
			t.Errorf("%s: delta %v, want %v from the two scores files", id, got, want)
		}
	}
	// The signals named are the hand-made ones: 1 → 6 engagers (all retweeters)
	// for x, 6 → 1 for y. (Which three signals are worth the most points depends on
	// the shipped weights: with those of rank/weights.go, distinct retweeters,
	// distinct engagers and interactions received per interaction made.)
	if s := rows["x"][11]; !strings.Contains(s, "distinct retweeters 1 → 6") || !strings.Contains(s, "distinct engagers 1 → 6") {
		t.Errorf("x's signals: %s", s)
	}
	if s := rows["y"][11]; !strings.Contains(s, "distinct engagers 6 → 1") || !strings.Contains(s, "distinct retweeters 6 → 1") {
		t.Errorf("y's signals: %s", s)
	}

	stdout, _, code := runCLI(t, "diff", "-n", "3", ra, rb)
	if code != 0 || !strings.Contains(stdout, "users in both 13; only in A 0; only in B 0") ||
		!strings.Contains(stdout, "Biggest rises") || !strings.Contains(stdout, "snap x") {
		t.Errorf("diff text: exit %d\n%s", code, stdout)
	}
	if _, _, code := runCLI(t, "diff", ra); code != exitUsage {
		t.Errorf("diff with one run: exit %d, want %d", code, exitUsage)
	}
	if _, _, code := runCLI(t, "diff", ra, filepath.Join(dir, "nope")); code != exitInput {
		t.Errorf("diff with a missing run: exit %d, want %d", code, exitInput)
	}
}

// TestDiffHiggs diffs the bundled data as of the ends of 3 and 4 July 2012: the
// breakdown of each mover must add up to the change the two files show.
func TestDiffHiggs(t *testing.T) {
	if testing.Short() {
		t.Skip("two runs on the bundled data")
	}
	dir := t.TempDir()
	ra, rb := filepath.Join(dir, "A"), filepath.Join(dir, "B")
	scoreOut(t, ra, "--until", "2012-07-04T00:00:00Z", "--edges=false")
	scoreOut(t, rb, "--until", "2012-07-05T00:00:00Z", "--edges=false")
	header, rows, order := diffCSV(t, ra, rb, 20)
	if len(order) != 40 {
		t.Fatalf("want 20 rises and 20 falls, got %d rows", len(order))
	}
	checkIdentity(t, header, rows)
	for _, o := range order[:20] {
		if !strings.HasPrefix(o, "up ") {
			t.Fatalf("rows out of order: %v", order)
		}
	}
}
