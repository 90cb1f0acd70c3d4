package main

import (
	"bytes"
	"context"
	"errors"
	"github.com/clout-dev/clout/rank"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-dev/clout/cmd/internal/sink"
)

// runCLI runs a command line in-process and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx := context.Background()
	code := report(ctx, run(ctx, args, &out, &errb), &errb)
	return out.String(), errb.String(), code
}

// TestScoreHiggs is the end-to-end run on the bundled data. Expected figures come
// from datasets/higgs/README.md (counted with awk from the file): 563,069 events,
// 304,691 users, RT 354,930, MT 171,237, RE 36,902.
func TestScoreHiggs(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run on the full bundled data")
	}
	dir := t.TempDir()
	stdout, stderr, code := runCLI(t, "score", "--out", dir, "--progress", "never", "--csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "rank") || strings.Count(stdout, "\n") != 21 {
		t.Errorf("want a header and 20 rows on stdout, got:\n%s", stdout)
	}

	info := readRunInfo(t, dir)
	in := info.Inputs[0]
	if in.Records != 563069 || in.Events["retweets"] != 354930 || in.Events["mentions"] != 171237 || in.Events["replies"] != 36902 {
		t.Errorf("input counts: records %d, events %v", in.Records, in.Events)
	}
	if in.SHA256 != "901b199716a23b0fc0371705e3ae9941b5c9493277aec65456abc4988674ad79" || in.Bytes != 4169461 {
		t.Errorf("input checksum %s, %d bytes; want SOURCE.md's", in.SHA256, in.Bytes)
	}
	if info.Graph.Users != 304691 {
		t.Errorf("users = %d, want 304691", info.Graph.Users)
	}
	if b := info.Parameters.EngagerBudget; b == nil || *b != rank.DefaultEngagerBudget {
		t.Errorf("run.json engager_budget %v, want %v", b, rank.DefaultEngagerBudget)
	}
	// Counted independently by scripts/check/closed_groups.py (its last figure).
	if info.OverBudget != 16 {
		t.Errorf("run.json over_engager_budget %d, want 16", info.OverBudget)
	}
	// Counted independently by scripts/check/closed_groups.py (Kosaraju in Python):
	// 3,528 closed groups with 7,626 members.
	if info.Closed.Groups != 3528 || info.Closed.Members != 7626 || info.Closed.Events == 0 {
		t.Errorf("closed groups netted: %+v, want 3528 groups of 7626 members, and some events", info.Closed)
	}
	for _, name := range []string{"followers", "unique_likers", "list_count", "likes_per_post"} {
		if _, ok := info.Missing[name]; !ok {
			t.Errorf("%s should be listed missing (Higgs has no follows, likes or lists)", name)
		}
	}
	if _, ok := info.Missing["unique_retweeters"]; ok {
		t.Errorf("unique_retweeters listed missing")
	}

	tbl, err := sink.ReadParquet(filepath.Join(dir, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Rows() != 304691 {
		t.Fatalf("rows = %d, want 304691", tbl.Rows())
	}
	ranks := tbl.Col("rank").Ints
	for i, r := range ranks {
		if r != int64(i+1) {
			t.Fatalf("row %d has rank %d: rows must be in rank order 1..N", i, r)
		}
	}
	for _, name := range []string{"clout", "reach", "amplification", "network"} {
		c := tbl.Col(name)
		if c == nil || c.Null {
			t.Fatalf("column %s missing or null", name)
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range c.Floats {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo < 1 || hi > 100 || hi != 100 {
			t.Errorf("%s spans [%g, %g], want within [1, 100] with max 100", name, lo, hi)
		}
	}
	clout := tbl.Col("clout").Floats
	for i := 1; i < len(clout); i++ {
		if clout[i] > clout[i-1] {
			t.Fatalf("clout rises from rank %d to %d", i, i+1)
		}
	}
	if c := tbl.Col("followers"); c == nil || !c.Null {
		t.Errorf("followers should be a null column")
	}
	// The CSV has the same rows.
	csvRaw, err := os.ReadFile(filepath.Join(dir, "scores.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(csvRaw, []byte("\n")); n != 304692 {
		t.Errorf("scores.csv has %d lines, want header + 304691", n)
	}

	// `clout top` reads the table back.
	stdout, stderr, code = runCLI(t, "top", "-n", "5", filepath.Join(dir, "scores.parquet"))
	if code != 0 || strings.Count(stdout, "\n") != 6 {
		t.Errorf("top: exit %d, stdout:\n%s\nstderr: %s", code, stdout, stderr)
	}
	stdout, _, code = runCLI(t, "top", "-n", "3", "--csv", filepath.Join(dir, "scores.parquet"))
	if code != 0 || !strings.HasPrefix(stdout, "platform,user_id,handle,rank,clout") || strings.Count(stdout, "\n") != 4 {
		t.Errorf("top --csv: exit %d, stdout:\n%s", code, stdout)
	}
}

// writeFile writes content to a new file under dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScoreSmallEdgeList(t *testing.T) {
	dir := t.TempDir()
	// a, b and c retweet d; d retweets a: d is the most retweeted.
	rt := writeFile(t, dir, "rt.txt", "# src dst count\na d\nb d 2\nc d\nd a\n")
	out := filepath.Join(dir, "out")
	stdout, stderr, code := runCLI(t, "score", "--retweets", rt, "--out", out, "--progress", "never", "--top", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], " d ") || !strings.Contains(lines[2], " a ") {
		t.Errorf("want d then a on top, got:\n%s", stdout)
	}
	tbl, err := sink.ReadParquet(filepath.Join(out, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	// a and d retweet each other once: the scorer nets returned engagement out
	// (README, anti-gaming), so d keeps b's 2 and c's 1 retweets: 3 events from 2
	// distinct retweeters, and a keeps nothing (it is second as the first of the
	// users tied at the floor).
	if tbl.Rows() != 4 || tbl.Col("user_id").Strings[0] != "d" ||
		tbl.Col("retweets_received").Floats[0] != 3 || tbl.Col("unique_retweeters").Floats[0] != 2 {
		t.Errorf("unexpected table: rows %d, first %q", tbl.Rows(), tbl.Col("user_id").Strings[0])
	}
}

// TestScoreBadInput checks that every bad input fails with exit code 3, a message
// naming the file (and line), and leaves the previous outputs byte-identical.
func TestScoreBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	good := writeFile(t, dir, "good.txt", "1 2\n2 3\n")
	if _, stderr, code := runCLI(t, "score", "--retweets", good, "--out", out, "--progress", "never", "--top", "0"); code != 0 {
		t.Fatalf("good run: exit %d: %s", code, stderr)
	}
	before := map[string][]byte{}
	for _, name := range []string{"scores.parquet", "edges.parquet", "run.json"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		before[name] = b
	}
	bad := writeFile(t, dir, "bad.txt", "1 2\n2 x3 y 4\n")
	empty := writeFile(t, dir, "empty.txt", "")
	nodata := filepath.Join(dir, "nodata")
	if err := os.Mkdir(nodata, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := writeFile(t, dir, "m.json", `{"name":"x","platform":"p","inputs":[{"path":"good.txt","format":"edgelist","layer":"shares"}]}`)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string // substrings of stderr
	}{
		{"malformed line", []string{"--retweets", bad}, exitInput, []string{"bad.txt:2:"}},
		{"missing file", []string{"--retweets", filepath.Join(dir, "nope.txt")}, exitInput, []string{"nope.txt"}},
		{"empty file", []string{"--retweets", empty}, exitInput, []string{"no users"}},
		{"folder without dataset", []string{nodata}, exitInput, []string{"nodata", "dataset"}},
		{"unknown layer", []string{"--dataset", manifest}, exitInput, []string{"m.json", "shares"}},
		{"bad flag", []string{"--damping", "-0.5"}, exitUsage, []string{"damping"}},
		{"zero iterations", []string{"--max-iter", "0"}, exitUsage, []string{"iter"}},
		{"damping NaN", []string{"--damping", "NaN"}, exitUsage, []string{"damping must be in (0, 1), got NaN"}},
		{"damping 1", []string{"--damping", "1"}, exitUsage, []string{"damping must be in (0, 1), got 1"}},
		{"negative tolerance", []string{"--tolerance", "-1"}, exitUsage, []string{"tolerance must be > 0"}},
		{"negative layer weight", []string{"--layer-weights", "follows=-1"}, exitUsage, []string{"weight of follows must be a number ≥ 0"}},
		{"all layer weights zero", []string{"--layer-weights", "follows=0,retweets=0,mentions=0,replies=0,likes=0"}, exitUsage, []string{"every layer weight is 0"}},
		{"negative half-life", []string{"--half-life", "-1"}, exitUsage, []string{"half-life"}},
		{"zero engager budget", []string{"--engager-budget", "0"}, exitUsage, []string{"engager-budget", "want a number of accounts > 0"}},
		{"engager budget NaN", []string{"--engager-budget", "NaN"}, exitUsage, []string{"engager-budget"}},
		{"negative top", []string{"--top", "-1"}, exitUsage, []string{"--top must be ≥ 0"}},
		{"negative workers", []string{"--workers", "-1"}, exitUsage, []string{"--workers must be ≥ 0"}},
		{"huge iteration cap", []string{"--max-iter", "1000000000000000000000"}, exitUsage, []string{"max-iter", "out of range"}},
		{"bad window", []string{"--since", "2012-07-05T00:00:00Z", "--until", "2012-07-04T00:00:00Z"}, exitUsage, []string{"until"}},
		{"bad retweet-mentions", []string{"--retweet-mentions", "both"}, exitUsage, []string{"retweet-mentions", `want keep or drop, got "both"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"score", "--out", out, "--progress", "never"}, tc.args...)
			_, stderr, code := runCLI(t, args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not mention %q", stderr, w)
				}
			}
			for name, b := range before {
				now, err := os.ReadFile(filepath.Join(out, name))
				if err != nil || !bytes.Equal(now, b) {
					t.Errorf("%s changed or vanished (%v)", name, err)
				}
			}
			entries, _ := os.ReadDir(out)
			if len(entries) != len(before) {
				t.Errorf("out holds %d entries, want the %d previous files", len(entries), len(before))
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, exitUsage},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"version"}, exitOK},
		{[]string{"--help"}, exitOK},
		{[]string{"top"}, exitUsage},
		{[]string{"top", "/nonexistent/scores.parquet"}, exitInput},
		{[]string{"gen", "rmat"}, exitUsage},
	} {
		if _, _, code := runCLI(t, tc.args...); code != tc.code {
			t.Errorf("clout %v: exit %d, want %d", tc.args, code, tc.code)
		}
	}
	if code := report(context.Background(), errors.New("boom"), &bytes.Buffer{}); code != exitInternal {
		t.Errorf("plain error: exit %d, want %d", code, exitInternal)
	}
}

// TestScoreWindow restricts the bundled data to 2012-07-04 UTC. Expected figures are
// counted with awk: zcat higgs-activity_time.txt.gz | awk '$3>=1341360000 &&
// $3<1341446400' gives 356,388 events (RT 233,331, MT 101,279, RE 21,778) among
// 203,520 users.
func TestScoreWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run on the full bundled data")
	}
	dir := t.TempDir()
	_, stderr, code := runCLI(t, "score", "--out", dir, "--progress", "never", "--top", "0",
		"--since", "2012-07-04T00:00:00Z", "--until", "1341446400", "--engager-budget", "none")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	info := readRunInfo(t, dir)
	in := info.Inputs[0]
	if in.Events["retweets"] != 233331 || in.Events["mentions"] != 101279 || in.Events["replies"] != 21778 {
		t.Errorf("events in window: %v", in.Events)
	}
	if in.OutOfWindow != 563069-356388 {
		t.Errorf("out of window = %d, want %d", in.OutOfWindow, 563069-356388)
	}
	if info.Graph.Users != 203520 {
		t.Errorf("users = %d, want 203520 (only users of in-window events)", info.Graph.Users)
	}
	if info.Window.Since != "2012-07-04T00:00:00Z" || info.Window.Until != "2012-07-05T00:00:00Z" {
		t.Errorf("window = %+v", info.Window)
	}
	if b := info.Parameters.EngagerBudget; b != nil || info.OverBudget != 0 {
		t.Errorf("--engager-budget none: run.json engager_budget %v, over_engager_budget %d; want null and 0", b, info.OverBudget)
	}
}

// TestScoreRetweetMentions scores the bundled data with --retweet-mentions drop. The
// README's awk counts 50,542 MT lines carried by a retweet (in a run of adjacent
// lines of one userA and second that holds an RT line): run.json records them, the
// mentions left are 171,237 − 50,542 = 120,695, and the users stay the 304,691 of
// datasets/higgs/README.md. The default run records "keep" and the same 50,542.
func TestScoreRetweetMentions(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run on the full bundled data")
	}
	for _, tc := range []struct {
		args     []string
		policy   string
		mentions int64
	}{
		{[]string{"--retweet-mentions", "drop"}, "drop", 171237 - 50542},
		{nil, "keep", 171237},
	} {
		dir := t.TempDir()
		args := append([]string{"score", "--out", dir, "--progress", "never", "--top", "0", "--edges=false"}, tc.args...)
		if _, stderr, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
		}
		info := readRunInfo(t, dir)
		in := info.Inputs[0]
		if info.Parameters.RetweetMentions != tc.policy || in.RetweetMentions != 50542 {
			t.Errorf("%s: run.json retweet_mentions parameter %q, input %d; want %q, 50542", tc.policy, info.Parameters.RetweetMentions, in.RetweetMentions, tc.policy)
		}
		if in.Events["retweets"] != 354930 || in.Events["mentions"] != tc.mentions || in.Events["replies"] != 36902 || in.Records != 563069 {
			t.Errorf("%s: records %d, events %v; want 563069, mentions %d", tc.policy, in.Records, in.Events, tc.mentions)
		}
		if info.Graph.Users != 304691 {
			t.Errorf("%s: users = %d, want 304691", tc.policy, info.Graph.Users)
		}
		raw, err := os.ReadFile(filepath.Join(dir, "run.json"))
		if err != nil {
			t.Fatal(err)
		}
		if want := `"retweet_mentions": "` + tc.policy + `"`; !bytes.Contains(raw, []byte(want)) || !bytes.Contains(raw, []byte(`"retweet_mentions": 50542`)) {
			t.Errorf("%s: run.json lacks %s or the count 50542", tc.policy, want)
		}
	}
}
