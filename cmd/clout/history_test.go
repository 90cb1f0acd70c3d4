package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/datasets"
)

// day0 is 2020-01-01T00:00:00Z, the first day of the hand-made activity logs.
const day0 = 1577836800

func dateOf(d int) string { return time.Unix(day0+int64(d)*day, 0).UTC().Format(time.DateOnly) }

// activityLog builds a SNAP Higgs activity file: "actor target unix_ts RT|MT|RE".
type activityLog struct{ b strings.Builder }

func (l *activityLog) add(actor, target, d int, sec int64, typ string) {
	fmt.Fprintf(&l.b, "%d %d %d %s\n", actor, target, day0+int64(d)*day+sec, typ)
}

// background adds, for each day in [from, to], events random users among 1..users
// direct at each other (seeded: the same log every run).
func (l *activityLog) background(rng *rand.Rand, users, perDay, from, to int) {
	types := []string{"RT", "RT", "MT", "RE"}
	for d := from; d <= to; d++ {
		for range perDay {
			a, b := 1+rng.IntN(users), 1+rng.IntN(users)
			if a == b {
				continue
			}
			l.add(a, b, d, rng.Int64N(day), types[rng.IntN(len(types))])
		}
	}
}

// histScore runs `clout score --history h --as-of date` on an activity file and
// returns the partition's scores.
func histScore(t *testing.T, h, date, activity string, extra ...string) *sink.Table {
	t.Helper()
	args := []string{"score", "--history", h, "--as-of", date, "--progress", "never", "--top", "0", "--platform", "twitter"}
	if activity != "" {
		args = append(args, "--activity", activity)
	}
	args = append(args, extra...)
	_, stderr, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	tbl, err := sink.ReadParquet(filepath.Join(h, "run="+date, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// byUser maps user_id to row.
func byUser(t *sink.Table) map[string]int {
	m := map[string]int{}
	for i, id := range t.Col("user_id").Strings {
		m[id] = i
	}
	return m
}

func TestHistoryPartitionsDeltasAndSmoothing(t *testing.T) {
	dir := t.TempDir()
	var l activityLog
	l.background(rand.New(rand.NewPCG(1, 2)), 40, 60, 0, 11)
	act := writeFile(t, dir, "act.txt", l.b.String())
	h := filepath.Join(dir, "hist")

	// Runs on days 1, 2, 4 and 11, each with --since the first day (growing windows).
	runs := map[int]*sink.Table{}
	for _, d := range []int{1, 2, 4, 11} {
		runs[d] = histScore(t, h, dateOf(d), act, "--since", dateOf(0)+"T00:00:00Z")
	}
	for _, f := range []string{"scores.parquet", "run.json", "edges.parquet"} {
		if _, err := os.Stat(filepath.Join(h, "run="+dateOf(4), f)); err != nil {
			t.Errorf("the partition lacks %s: %v", f, err)
		}
	}
	info := readRunInfo(t, filepath.Join(h, "run="+dateOf(4)))
	// --as-of without --until ends the window at the end of the as-of day.
	if info.History == nil || info.History.AsOf != dateOf(4) || info.Window.Until != dateOf(5)+"T00:00:00Z" {
		t.Errorf("run.json: history %+v, window %+v", info.History, info.Window)
	}

	// The delta rule (docs/HISTORY.md): the partition exactly 1/7/30 days earlier, else
	// the latest one up to 1/3/7 days further back; null when none.
	cases := []struct {
		run              int
		day, week, month int // the partition each delta is against; -1: null
	}{
		{1, -1, -1, -1},
		{2, 1, -1, -1},
		{4, 2, -1, -1},  // day 3 missing: day 2 is within the tolerance of 1 day
		{11, -1, 4, -1}, // days 10 and 9 missing; day 4 is exactly a week earlier
	}
	for _, c := range cases {
		tb := runs[c.run]
		for col, base := range map[string]int{"delta_day": c.day, "delta_week": c.week, "delta_month": c.month} {
			dc := tb.Col(col)
			if dc == nil {
				t.Fatalf("day %d: no %s column", c.run, col)
			}
			if base < 0 {
				if !dc.Null {
					t.Errorf("day %d: %s should be null", c.run, col)
				}
				continue
			}
			prev := runs[base]
			pu := byUser(prev)
			for i, id := range tb.Col("user_id").Strings {
				j, ok := pu[id]
				if !ok {
					if !dc.IsNull(i) {
						t.Errorf("day %d: %s of new user %s should be null", c.run, col, id)
					}
					continue
				}
				want := tb.Col("clout").Floats[i] - prev.Col("clout").Floats[j]
				if dc.IsNull(i) || math.Abs(dc.Floats[i]-want) > 1e-9 {
					t.Errorf("day %d: %s of %s = %v, want %.6f (clout minus day %d's)", c.run, col, id, dc.Floats[i], want, base)
				}
			}
		}
	}

	// The smoothing rule, restated here: against the previous partition (gap g days),
	// published = prev + clamp(α_g·(raw − prev), ±10·g) with α_g = 1 − 0.5^g, unless the
	// engaged audience changed by ≥ 5 accounts, and by a factor ≥ 2 or by ≥ 3·√(e + e_p)
	// accounts (then published = raw).
	checked := 0
	for _, pair := range [][2]int{{1, 2}, {2, 4}, {4, 11}} {
		prev, cur := runs[pair[0]], runs[pair[1]]
		g := float64(pair[1] - pair[0])
		pu := byUser(prev)
		for i, id := range cur.Col("user_id").Strings {
			rawV, pub := cur.Col("clout_raw").Floats[i], cur.Col("clout").Floats[i]
			j, ok := pu[id]
			if !ok {
				if pub != rawV {
					t.Errorf("new user %s: published %v, raw %v", id, pub, rawV)
				}
				continue
			}
			e, ep := cur.Col("engaged_audience").Floats[i], prev.Col("engaged_audience").Floats[j]
			if d := math.Abs(e - ep); d >= 5 && ((max(e, ep)+1)/(min(e, ep)+1) >= 2 || d >= 3*math.Sqrt(e+ep)) {
				if pub != rawV {
					t.Errorf("%s: real change %g → %g engagers, published %v != raw %v", id, ep, e, pub, rawV)
				}
				continue
			}
			p := prev.Col("clout").Floats[j]
			step := (1 - math.Pow(0.5, g)) * (rawV - p)
			step = max(-10*g, min(10*g, step))
			if math.Abs(pub-(p+step)) > 1e-9 {
				t.Errorf("days %v, %s: published %.4f, want %.4f (prev %.4f, raw %.4f)", pair, id, pub, p+step, p, rawV)
			}
			checked++
		}
		// Rows, rank and percentile follow the published score.
		c, rk := cur.Col("clout").Floats, cur.Col("rank").Ints
		for i := range c {
			if rk[i] != int64(i+1) || (i > 0 && c[i] > c[i-1]) {
				t.Fatalf("days %v: row %d has rank %d, clout %v after %v", pair, i, rk[i], c[i], c[max(0, i-1)])
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d users checked against the smoothing rule", checked)
	}
}

// TestRealChange checks the real-change rule on cases worked by hand: a change of
// fewer than 5 engagers is never real; 3 → 10 is real by the factor (11/4 = 2.75);
// 200 → 300 by the counting noise (100 ≥ 3·√500 = 67.08), though only a factor
// 301/201 = 1.50; 200 → 250 is neither (1.25; 50 < 3·√450 = 63.64); 1000 → 1100
// neither (100 < 3·√2100 = 137.5); 1000 → 1140 is (140 ≥ 3·√2140 = 138.78), and
// 1000 → 1138 is not (138 < 3·√2138 = 138.72).
func TestRealChange(t *testing.T) {
	for _, c := range []struct {
		e, ep float64
		want  bool
	}{
		{4, 0, false}, {5, 0, true}, {0, 5, true}, {10, 3, true}, {3, 10, true},
		{300, 200, true}, {200, 300, true}, {250, 200, false}, {200, 250, false},
		{1100, 1000, false}, {1140, 1000, true}, {1138, 1000, false},
	} {
		if got := realChange(c.e, c.ep); got != c.want {
			t.Errorf("realChange(%g, %g) = %v, want %v", c.e, c.ep, got, c.want)
		}
	}
}

// TestHistoryLargeAudience: a large audience's change beyond counting noise is real
// though less than a doubling. Over the background of TestHistoryRealChange, users
// 600 and 601 are each retweeted by 200 accounts on day 0; on day 1, 100 new
// accounts retweet 600 (200 → 300 engagers: a factor 301/201 = 1.50, but 100 ≥
// 3·√500 = 67.1) and 50 retweet 601 (200 → 250: 1.25, and 50 < 3·√450 = 63.6). So
// 600's published score follows its raw one on day 1, and 601's is smoothed: half way
// from day 0's published score to the raw one (the move is under the 10-point cap).
func TestHistoryLargeAudience(t *testing.T) {
	dir := t.TempDir()
	var l activityLog
	l.background(rand.New(rand.NewPCG(5, 6)), 40, 60, 0, 1)
	for i := range 200 {
		l.add(2000+i, 600, 0, int64(60*i), "RT")
		l.add(3000+i, 601, 0, int64(60*i), "RT")
	}
	for i := range 100 {
		l.add(2200+i, 600, 1, int64(60*i), "RT")
	}
	for i := range 50 {
		l.add(3200+i, 601, 1, int64(60*i), "RT")
	}
	act := writeFile(t, dir, "act.txt", l.b.String())
	h := filepath.Join(dir, "hist")
	d0 := histScore(t, h, dateOf(0), act, "--since", dateOf(0)+"T00:00:00Z")
	d1 := histScore(t, h, dateOf(1), act, "--since", dateOf(0)+"T00:00:00Z")
	u0, u1 := byUser(d0), byUser(d1)
	for _, c := range []struct {
		id     string
		e0, e1 float64
		real   bool
	}{{"600", 200, 300, true}, {"601", 200, 250, false}} {
		i, j := u0[c.id], u1[c.id]
		if e0, e1 := d0.Col("engaged_audience").Floats[i], d1.Col("engaged_audience").Floats[j]; e0 != c.e0 || e1 != c.e1 {
			t.Fatalf("user %s: %g → %g engagers, want %g → %g", c.id, e0, e1, c.e0, c.e1)
		}
		p, pub, raw := d0.Col("clout").Floats[i], d1.Col("clout").Floats[j], d1.Col("clout_raw").Floats[j]
		t.Logf("user %s: published %.2f → %.2f, raw %.2f on day 1", c.id, p, pub, raw)
		if c.real {
			if pub != raw {
				t.Errorf("user %s: a real change, but published %v != raw %v", c.id, pub, raw)
			}
			continue
		}
		if want := p + 0.5*(raw-p); math.Abs(raw-p) >= 20 || math.Abs(pub-want) > 1e-9 || pub == raw {
			t.Errorf("user %s: published %v, want %v (half way from %v to the raw %v)", c.id, pub, want, p, raw)
		}
	}
}

func TestHistoryFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"score", "--as-of", "2012-07-03"},                                                      // --as-of needs --history
		{"score", "--history", dir, "--out", dir},                                               // one or the other
		{"score", "--history", dir, "--as-of", "3 July"},                                        // not a date
		{"score", "--history", dir, "--as-of", "2012-07-03", "--until", "2012-07-05T00:00:00Z"}, // later events
		{"score", "--history", dir, "--smooth-alpha", "0"},                                      // closes nothing
		{"score", "--history", dir, "--smooth-alpha", "1.5"},
		{"score", "--history", dir, "--smooth-cap", "-1"},
		{"score", "--history", dir, "--smooth-cap", "Inf"},
	} {
		if _, stderr, code := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, stderr)
		}
	}
}

// TestHistorySmoothFlags: --smooth-alpha and --smooth-cap replace the rule's 0.5 and
// 10 points a day (restated here with 0.25 and 3: published = prev + clamp(0.25·(raw
// − prev), ±3) over a gap of one day, unless the change is real), and run.json says
// which were used.
func TestHistorySmoothFlags(t *testing.T) {
	dir := t.TempDir()
	var l activityLog
	l.background(rand.New(rand.NewPCG(1, 2)), 40, 60, 0, 3)
	act := writeFile(t, dir, "act.txt", l.b.String())
	h := filepath.Join(dir, "hist")
	flags := []string{"--since", dateOf(0) + "T00:00:00Z", "--smooth-alpha", "0.25", "--smooth-cap", "3"}
	prev := histScore(t, h, dateOf(1), act, flags...)
	cur := histScore(t, h, dateOf(2), act, flags...)
	pu := byUser(prev)
	checked, capped := 0, 0
	for i, id := range cur.Col("user_id").Strings {
		j, ok := pu[id]
		if !ok {
			continue
		}
		e, ep := cur.Col("engaged_audience").Floats[i], prev.Col("engaged_audience").Floats[j]
		if realChange(e, ep) {
			continue
		}
		rawV, pub, p := cur.Col("clout_raw").Floats[i], cur.Col("clout").Floats[i], prev.Col("clout").Floats[j]
		step := 0.25 * (rawV - p)
		if math.Abs(step) > 3 {
			capped++
		}
		step = max(-3, min(3, step))
		if math.Abs(pub-(p+step)) > 1e-9 {
			t.Errorf("%s: published %.4f, want %.4f (prev %.4f, raw %.4f)", id, pub, p+step, p, rawV)
		}
		checked++
	}
	if checked < 20 || capped == 0 {
		t.Errorf("%d users checked against the rule, %d of them capped: want ≥ 20 and some", checked, capped)
	}
	info := readRunInfo(t, filepath.Join(h, "run="+dateOf(2)))
	if sm := info.History.Smoothing; sm.Alpha != 0.25 || sm.CapPerDay != 3 {
		t.Errorf("run.json smoothing %+v, want alpha 0.25 and cap 3", sm)
	}
}

// TestHistoryRealChange: a user whose engagement really grows must move. The
// background is 40 users trading 60 random events a day; user 500 has one engager
// on days 0 and 1, and 60 new accounts retweet or mention it on day 2.
func TestHistoryRealChange(t *testing.T) {
	dir := t.TempDir()
	var l activityLog
	l.background(rand.New(rand.NewPCG(3, 4)), 40, 60, 0, 3)
	l.add(1, 500, 0, 3600, "RT")
	l.add(1, 500, 1, 3600, "RT")
	for i := range 60 {
		typ := "RT"
		if i%3 == 0 {
			typ = "MT"
		}
		l.add(1000+i, 500, 2, int64(600*i), typ)
	}
	act := writeFile(t, dir, "act.txt", l.b.String())
	h := filepath.Join(dir, "hist")
	var pub, raw []float64
	for d := range 4 {
		tb := histScore(t, h, dateOf(d), act, "--since", dateOf(0)+"T00:00:00Z")
		i, ok := byUser(tb)["500"]
		if !ok {
			t.Fatalf("day %d: user 500 missing", d)
		}
		pub, raw = append(pub, tb.Col("clout").Floats[i]), append(raw, tb.Col("clout_raw").Floats[i])
	}
	t.Logf("user 500, published %.1f, raw %.1f", pub, raw)
	// 1 → 61 engagers is a real change (≥ 5 more, ≥ 2×): the published score follows
	// the raw one on day 2, which puts 500, with three times anyone else's engagers,
	// at the top (100 by the scaling's definition).
	if pub[2] != raw[2] || raw[2] < 90 {
		t.Errorf("day 2: published %.1f, raw %.1f; want both ≥ 90", pub[2], raw[2])
	}
	if pub[2]-pub[1] < 30 || pub[3]-pub[1] < 30 {
		t.Errorf("published %.1f on day 1, %.1f and %.1f after: want a move of ≥ 30 points", pub[1], pub[2], pub[3])
	}
}

// higgsLines returns the lines of the bundled Higgs activity log.
func higgsLines(t *testing.T) []string {
	t.Helper()
	r, _ := datasets.HiggsActivity()
	zr, err := gzip.NewReader(r)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// TestHistoryNoiseHiggs: dropping a random 2 % of one day's events must not move any
// user's published score by 30 points or more. The runs are as of 3 and 4 July 2012
// (the day of the announcement, the busiest), windows from 1 July; the 4 July run is
// made twice on the same 3 July partition, from the full log and from the log less a
// seeded 2 % of 4 July's lines, and the two are compared user by user.
func TestHistoryNoiseHiggs(t *testing.T) {
	if testing.Short() {
		t.Skip("four runs on the bundled data")
	}
	dir := t.TempDir()
	lines := higgsLines(t)
	lo, hi := time.Date(2012, 7, 4, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2012, 7, 5, 0, 0, 0, 0, time.UTC).Unix()
	rng := rand.New(rand.NewPCG(5, 6))
	var kept strings.Builder
	dropped := 0
	for _, ln := range lines {
		var a, b string
		var ts int64
		if _, err := fmt.Sscan(ln, &a, &b, &ts); err == nil && ts >= lo && ts < hi && rng.Float64() < 0.02 {
			dropped++
			continue
		}
		kept.WriteString(ln + "\n")
	}
	clean := writeFile(t, dir, "clean.txt", strings.Join(lines, "\n")+"\n")
	noisy := writeFile(t, dir, "noisy.txt", kept.String())
	since := "--since=2012-07-01T00:00:00Z"
	hA, hB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	histScore(t, hA, "2012-07-03", clean, since)
	if err := os.CopyFS(filepath.Join(hB, "run=2012-07-03"), os.DirFS(filepath.Join(hA, "run=2012-07-03"))); err != nil {
		t.Fatal(err)
	}
	a := histScore(t, hA, "2012-07-04", clean, since)
	b := histScore(t, hB, "2012-07-04", noisy, since)
	bu := byUser(b)
	var maxPub, maxRaw, maxRawSmoothed float64
	var worst string
	smoothedBoth := 0
	for i, id := range a.Col("user_id").Strings {
		j, ok := bu[id]
		if !ok {
			continue // every event of the user was dropped
		}
		pa, pb := a.Col("clout").Floats[i], b.Col("clout").Floats[j]
		ra, rb := a.Col("clout_raw").Floats[i], b.Col("clout_raw").Floats[j]
		dp, dr := math.Abs(pa-pb), math.Abs(ra-rb)
		if dp > maxPub {
			maxPub, worst = dp, id
		}
		maxRaw = max(maxRaw, dr)
		// A user smoothed in both runs (in the 3 July partition, no real change: the
		// published score differs from the raw one) from the same previous score p:
		// published = p + clamp(½(raw − p)), so the noise reaches it at most halved.
		if pa != ra && pb != rb {
			smoothedBoth++
			maxRawSmoothed = max(maxRawSmoothed, dr)
			if dp > dr/2+1e-9 {
				t.Errorf("user %s: published moved %.3f on noise, more than half the raw move %.3f", id, dp, dr)
			}
		}
	}
	t.Logf("dropped %d of 4 July's events; largest move: published %.2f (user %s), raw %.2f; %d users smoothed in both runs (raw move up to %.2f)",
		dropped, maxPub, worst, maxRaw, smoothedBoth, maxRawSmoothed)
	if smoothedBoth < 1000 {
		t.Errorf("only %d users were smoothed in both runs", smoothedBoth)
	}
	if dropped < 1000 {
		t.Fatalf("dropped only %d events: the perturbation is not what the test means", dropped)
	}
	if maxPub >= 30 {
		t.Errorf("user %s moved %.1f published points on 2 %% noise", worst, maxPub)
	}
}

// TestHistoryAsOfDefault: without --as-of the partition is dated by the last second
// before --until, or by the latest event.
func TestHistoryAsOfDefault(t *testing.T) {
	dir := t.TempDir()
	var l activityLog
	l.add(1, 2, 0, 10, "RT")
	l.add(3, 2, 2, 86399, "MT") // the last second of day 2
	act := writeFile(t, dir, "act.txt", l.b.String())
	h := filepath.Join(dir, "hist")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, dateOf(2)},
		{[]string{"--until", dateOf(2) + "T00:00:00Z"}, dateOf(1)},
	} {
		args := append([]string{"score", "--history", h, "--activity", act, "--progress", "never", "--top", "0"}, c.args...)
		if _, stderr, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if _, err := os.Stat(filepath.Join(h, "run="+c.want, "scores.parquet")); err != nil {
			t.Errorf("%v: want the partition run=%s: %v", c.args, c.want, err)
		}
	}
}

func TestPermuteTable(t *testing.T) {
	tb := &sink.Table{Columns: []sink.Column{
		{Name: "s", Type: sink.String, Strings: []string{"a", "b", "c", "d"}},
		{Name: "i", Type: sink.Int64, Ints: []int64{0, 1, 2, 3}, Valid: []bool{true, false, true, true}},
		{Name: "n", Type: sink.Float64, Null: true},
	}}
	// Row i becomes the old row p[i]: a 3-cycle (0←2←3←0) and a fixed point (1).
	permuteTable(tb, []int{2, 1, 3, 0})
	if got := strings.Join(tb.Col("s").Strings, ""); got != "cbda" {
		t.Errorf("strings %q, want cbda", got)
	}
	if got := fmt.Sprint(tb.Col("i").Ints, tb.Col("i").Valid); got != "[2 1 3 0] [true false true true]" {
		t.Errorf("ints %s", got)
	}
}

// readRunInfo reads the run.json of the run folder dir.
func readRunInfo(t *testing.T, dir string) runInfo {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info runInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	return info
}
