package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/ingest"
	"github.com/clout-dev/clout/rank"
)

// fixtures is the ingest package's testdata: small exports in every platform format.
var fixtures = filepath.Join("..", "..", "ingest", "testdata")

// TestScoreExports scores a mix of export files and folders, formats detected: an
// X archive unpacked whole (its data/ folder is read), an API v2 capture, a Bluesky
// folder and a Mastodon archive folder, with an identity map.
func TestScoreExports(t *testing.T) {
	out := t.TempDir()
	stdout, stderr, code := runCLI(t, "score", "--out", out, "--progress", "never", "--top", "3", "--csv",
		"--identity", filepath.Join(fixtures, "identity.csv"),
		filepath.Join(fixtures, "x-archive-2022"), filepath.Join(fixtures, "twitter-v2", "search.jsonl"),
		filepath.Join(fixtures, "bluesky"), filepath.Join(fixtures, "mastodon"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"x-archive-2022/data/tweets.js: detected twitter-archive (tweets)\n",
		"x-archive-2022/data/manifest.js: detected twitter-archive (manifest)\n",
		"x-archive-2022/data/tweet-headers.js: detected twitter-archive (tweet_headers), which holds nothing Clout reads: skipped\n",
		"twitter-v2/search.jsonl: detected twitter-api-v2\n",
		"bluesky/jetstream.jsonl: detected bluesky-jetstream\n",
		"mastodon/following_accounts.csv: detected mastodon-csv (follows)\n",
		"mastodon/bookmarks.json: detected mastodon-archive (other), which holds nothing Clout reads: skipped\n",
		"clout: 1 likes of posts whose author no input names were left out", // like.js's 777
		"identity.csv: 1 accounts are in no input: twitter:999999 (line 7)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "handle") {
		t.Errorf("the top table has no handle column:\n%s", stdout)
	}
	tbl, err := sink.ReadParquet(filepath.Join(out, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, c := range tbl.Columns[:4] {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "platform,user_id,handle,rank" {
		t.Errorf("first columns %v", names)
	}
	handle := map[string]string{}
	platforms := map[string]bool{}
	hc, ids := tbl.Col("handle"), tbl.Col("user_id")
	for i := range tbl.Rows() {
		platforms[tbl.Col("platform").Strings[i]] = true
		if !hc.IsNull(i) {
			handle[ids.Strings[i]] = hc.Strings[i]
		}
	}
	for id, h := range map[string]string{"42": "owner", "12": "bob", "did:plc:alice": "alice.example.com", "https://example.social/users/ada": "@ada@example.social"} {
		if handle[id] != h {
			t.Errorf("handle of %s = %q, want %q", id, handle[id], h)
		}
	}
	if len(platforms) != 3 {
		t.Errorf("platforms %v", platforms)
	}
	// The published follower counts of the API v2 users count where the follows
	// layer shows fewer: bob (12) has 3 followers in the layer and 5,000 published.
	for i := range tbl.Rows() {
		if ids.Strings[i] == "12" && tbl.Col("followers").Ints[i] != 5000 {
			t.Errorf("followers of 12 = %d, want 5000", tbl.Col("followers").Ints[i])
		}
	}

	persons, err := sink.ReadParquet(filepath.Join(out, "persons.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if persons.Rows() != 2 || !fileExistsT(filepath.Join(out, "persons.csv")) {
		t.Fatalf("%d persons (want Ada and Bob)", persons.Rows())
	}
	// Recompute the combined scores from scores.parquet (persons.go's rule): S is the
	// sum of (clout − 1)/99 over a person's accounts, or an unclaimed account's own.
	rel := map[string]float64{}
	for i := range tbl.Rows() {
		rel[tbl.Col("platform").Strings[i]+":"+ids.Strings[i]] = (tbl.Col("clout").Floats[i] - 1) / 99
	}
	sums := map[string]float64{}
	maxS := 0.0
	for i := range persons.Rows() {
		name, n := persons.Col("person").Strings[i], persons.Col("accounts").Ints[i]
		if (name == "Ada Lovelace" && (n != 3 || persons.Col("platforms").Strings[i] != "bluesky,mastodon,twitter")) || (name == "Bob" && n != 2) {
			t.Errorf("%s: %d accounts on %s", name, n, persons.Col("platforms").Strings[i])
		}
		for _, a := range strings.Fields(persons.Col("account_ids").Strings[i]) {
			sums[name] += rel[a]
			delete(rel, a)
		}
		maxS = max(maxS, sums[name])
	}
	for _, s := range rel {
		maxS = max(maxS, s)
	}
	for i := range persons.Rows() {
		name := persons.Col("person").Strings[i]
		if got, want := persons.Col("clout").Floats[i], 1+99*sums[name]/maxS; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: combined clout %v, want %v", name, got, want)
		}
	}

	var info runInfo
	raw, _ := os.ReadFile(filepath.Join(out, "run.json"))
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, in := range info.Inputs {
		got[filepath.Base(in.Path)] = in.Format + "/" + in.Platform
	}
	for f, w := range map[string]string{"tweets.js": "twitter-archive/twitter", "search.jsonl": "twitter-api-v2/twitter", "jetstream.jsonl": "bluesky-jetstream/bluesky", "outbox.json": "mastodon-archive/mastodon", "lists.csv": "mastodon-csv/mastodon"} {
		if got[f] != w {
			t.Errorf("run.json input %s: %q, want %q", f, got[f], w)
		}
	}
	// The readers' own counts reach run.json: compare with a direct read of the
	// Bluesky sample, whose deletes and posts ingest's tests count with jq.
	checked := 0
	for _, in := range info.Inputs {
		if filepath.Base(in.Path) != "jetstream.jsonl" {
			continue
		}
		checked++
		f, err := os.Open(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := ingest.ReadBluesky(in.Path, f, ingest.NewSink(), ingest.Options{Platform: "bluesky"})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if in.Posts != rep.Posts || in.Deletes != rep.Deletes || in.Duplicates != rep.Duplicates || rep.Posts == 0 || rep.Deletes == 0 {
			t.Errorf("run.json counts posts %d, deletes %d, duplicates %d; the reader %d, %d, %d (want both non-zero)",
				in.Posts, in.Deletes, in.Duplicates, rep.Posts, rep.Deletes, rep.Duplicates)
		}
	}
	if checked != 1 {
		t.Errorf("jetstream.jsonl is %d times in run.json's inputs, want once", checked)
	}
	if _, ok := got["tweet-headers.js"]; ok {
		t.Error("tweet-headers.js was read")
	}
	if len(info.Outputs) < 4 || !strings.HasSuffix(info.Outputs[len(info.Outputs)-2].Path, "persons.parquet") {
		t.Errorf("outputs %+v", info.Outputs)
	}
}

func fileExistsT(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestScoreFormatFlag checks --format: an unknown one is a usage error; a known one
// reads a file whose content would not be detected (compliance results, which hold
// nothing) and says nothing of detection.
func TestScoreFormatFlag(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := runCLI(t, "score", "--format", "tweets", "--out", dir, "x")
	if code != exitUsage || !strings.Contains(stderr, "--format must be one of edgelist,") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	p := writeFile(t, dir, "capture.txt", `{"data": [{"id": "1", "author_id": "2", "text": "@x hi", "entities": {"mentions": [{"id": "3", "username": "x"}]}}]}`+"\n")
	_, stderr, code = runCLI(t, "score", "--format", "twitter-api-v2", "--out", filepath.Join(dir, "o"), "--progress", "never", "--top", "0", p)
	if code != 0 || strings.Contains(stderr, "detected") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	// A folder of nothing known is an input error.
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	writeFile(t, empty, "notes.md", "# notes\n")
	_, stderr, code = runCLI(t, "score", "--out", filepath.Join(dir, "o2"), empty)
	if code != exitInput || !strings.Contains(stderr, "no file of a known format") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	// A bad record names the file, the record and the byte offset, and the field.
	bad := writeFile(t, dir, "bad.jsonl", `{"data": [{"id": "1", "text": "x", "referenced_tweets": [{"type": "boosted", "id": "2"}]}]}`+"\n")
	_, stderr, code = runCLI(t, "score", "--out", filepath.Join(dir, "o3"), bad)
	if code != exitInput || !strings.Contains(stderr, "bad.jsonl: record 1 (byte offset 66): data[0].referenced_tweets[0].type: expected retweeted, quoted or replied_to") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestPersonsCombine checks the combination rule of persons.go on a hand-made
// result: accounts with Clout Scores 100, 50.5 and 1 have relative composites 1, 0.5
// and 0.
func TestPersonsCombine(t *testing.T) {
	ids := new(ingest.Interner)
	p := ids.Platform("x")
	for _, id := range []string{"a", "b", "c"} {
		ids.InternString(p, id)
	}
	res := &rank.Result{Clout: []float64{100, 50.5, 1}}
	res.Sub[rank.Reach] = []float64{100, 100, 1}
	for _, c := range []struct {
		csv               string
		clout, reach, pct float64
		rank              int64
	}{
		// b and c together: S = 0.5 + 0 against a's 1: 1 + 99·0.5 = 50.5, second of 2;
		// reach S = 1 + 0, as a's: 100.
		{"person,platform,id\nP,x,b\nP,x,c\n", 50.5, 100, 0, 2},
		// a and b: S = 1.5, the best entity: 100; reach S = 2, against c's 0.
		{"person,platform,id\nP,x,a\nP,x,b\n", 100, 100, 50, 1},
	} {
		m, err := ingest.ReadIdentityMap("id.csv", strings.NewReader(c.csv))
		if err != nil {
			t.Fatal(err)
		}
		tbl, missing := personsTable(m, res, ids)
		if len(missing) != 0 || tbl.Rows() != 1 {
			t.Fatalf("%d rows, missing %v", tbl.Rows(), missing)
		}
		if got := tbl.Col("clout").Floats[0]; math.Abs(got-c.clout) > 1e-9 {
			t.Errorf("%q: clout %v, want %v", c.csv, got, c.clout)
		}
		if got := tbl.Col("reach").Floats[0]; math.Abs(got-c.reach) > 1e-9 {
			t.Errorf("%q: reach %v, want %v", c.csv, got, c.reach)
		}
		if tbl.Col("rank").Ints[0] != c.rank || tbl.Col("percentile").Floats[0] != c.pct || !tbl.Col("amplification").Null {
			t.Errorf("%q: rank %d, percentile %v", c.csv, tbl.Col("rank").Ints[0], tbl.Col("percentile").Floats[0])
		}
	}
}
