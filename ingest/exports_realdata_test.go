package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// Conformance tests on the real exports of ../shared/datasets (see each folder's
// SOURCE.md). They are real people's data: read from there, never copied. Without
// the folder the tests skip, saying so; under CI=true they fail (needFile).
//
// Every expected figure was counted independently of the readers, with jq 1.7 on the
// files as stored (the commands are in the comments), and where SOURCE.md gives a
// figure, it agrees.

// sharedFile returns the path of a file of a shared dataset, skipping the test when
// it is absent.
func sharedFile(t *testing.T, dataset, name string) string {
	t.Helper()
	p := filepath.Join(sharedDatasets, dataset, name)
	needFile(t, p)
	return p
}

// TestTwitterV2RealData reads the twarc2 captures of twitter-api-v2-twarc-fixtures.
// The event counts are those of SOURCE.md's table, recounted with
//
//	jq -s '[.[] | (.data | if type=="array" then .[] elif type=="object" then . else empty end)] as $d
//	  | {tweets: ($d|length),
//	     rt: [$d[] | .referenced_tweets[]? | select(.type != "replied_to")] | length,   # retweeted + quoted
//	     re: [$d[] | .referenced_tweets[]? | select(.type == "replied_to")] | length,
//	     mt: [$d[] | select([.referenced_tweets[]?.type] | index("retweeted") | not)
//	            | [.entities.mentions[]? | (.id // .username)] | unique | length] | add}' FILE
//
// (a retweet's mentions are the original's; a tweet mentioning one user twice does
// so once). A mention by username only that no includes.users names is unresolved:
// 1 in noflat.jsonl and flat.jsonl, 9 in withheld.jsonl (same jq, selecting the
// mentions without id whose username is not among .includes.users[].username).
// withheld.jsonl's pages from /2/tweets lack the referenced_tweets.id expansion: 36
// retweets and quotes name a tweet absent from their page's includes and from every
// other page of the file, so they wait for Finish and stay unresolved.
func TestTwitterV2RealData(t *testing.T) {
	const ds = "twitter-api-v2-twarc-fixtures"
	cases := []struct {
		file                            string
		records, posts, rt, re, mt      int64
		unresolved, deferred, finishUnr int64
	}{
		{"2sets.jsonl", 2, 200, 145 + 11, 10, 34, 0, 0, 0},
		{"brexit.jsonl", 1, 100, 67 + 11, 10, 31, 0, 0, 0},
		{"kpop.jsonl", 1, 100, 78, 0, 3, 0, 0, 0},
		{"noflat.jsonl", 1, 100, 47 + 8, 31, 49, 1, 0, 0},
		{"flat.jsonl", 100, 100, 47 + 8, 31, 49, 1, 0, 0}, // the same tweets, flattened
		{"withheld.jsonl", 5, 215, 83 + 8 - 36, 62, 106 - 9, 9, 36, 36},
		{"entities_test.jsonl", 1, 474, 314 + 12, 84, 141, 0, 0, 0},
		{"media_policy_violation_off.jsonl", 1, 100, 42 + 14, 6, 12, 0, 0, 0},
		{"quoted_edit.jsonl", 1, 1, 1, 1, 1, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			s := NewSink()
			rep := readFixture(t, s, sharedFile(t, ds, c.file), Options{})
			if rep.Format != FormatTwitterV2 || rep.Records != c.records || rep.Posts != c.posts || rep.Duplicates != 0 {
				t.Errorf("format %s, records %d, posts %d, duplicates %d; want %d, %d, 0", rep.Format, rep.Records, rep.Posts, rep.Duplicates, c.records, c.posts)
			}
			want := [graph.NumKinds]int64{graph.Retweets: c.rt, graph.Replies: c.re, graph.Mentions: c.mt}
			if rep.Events != want || rep.Unresolved != c.unresolved || rep.Deferred != c.deferred {
				t.Errorf("events %v, unresolved %d, deferred %d; want %v, %d, %d", rep.Events, rep.Unresolved, rep.Deferred, want, c.unresolved, c.deferred)
			}
			fr, err := s.Finish()
			if err != nil || fr.Unresolved[graph.Retweets] != c.finishUnr {
				t.Errorf("finish: %v %s", err, fr)
			}
		})
	}

	// flat.jsonl is noflat.jsonl flattened: read after it, all its tweets are known.
	s := NewSink()
	readFixture(t, s, sharedFile(t, ds, "noflat.jsonl"), Options{})
	rep := readFixture(t, s, sharedFile(t, ds, "flat.jsonl"), Options{})
	if rep.Duplicates != 100 || rep.TotalEvents() != 0 || rep.Posts != 0 {
		t.Errorf("flat after noflat: %s", rep.String())
	}
	// williamserafino's public_metrics in both: followers_count 28341, listed_count 98
	// (jq '.author | select(.id=="2718660392") | .public_metrics' flat.jsonl).
	u, ok := s.IDs.Lookup(s.IDs.Platform(PlatformTwitter), []byte("2718660392"))
	if m, has := s.Profiles.Metrics(u); !ok || !has || m.Followers != 28341 || m.Listed != 98 || s.IDs.Handle(u) != "williamserafino" {
		t.Errorf("2718660392: %v %+v %q", ok, m, s.IDs.Handle(u))
	}

	// users.jsonl, a /2/users lookup: 96 user objects, 91 distinct
	// (jq '[.data[].id] | unique | length'), each with public_metrics.
	s = NewSink()
	rep = readFixture(t, s, sharedFile(t, ds, "users.jsonl"), Options{})
	if s.IDs.Len() != 91 || rep.TotalEvents() != 0 || len(s.Profiles.Followers(91)) != 91 {
		t.Errorf("users.jsonl: %d users, %s", s.IDs.Len(), rep.String())
	}

	// counts.jsonl and lists.jsonl hold no users or tweets; the compliance results
	// are not an input at all.
	for f, n := range map[string]int64{"counts.jsonl": 1, "lists.jsonl": 2} {
		if rep := readFixture(t, NewSink(), sharedFile(t, ds, f), Options{}); rep.Ignored != n || rep.TotalEvents() != 0 {
			t.Errorf("%s: %s", f, rep.String())
		}
	}
	if _, err := DetectFile(sharedFile(t, ds, "tweets_compliance.jsonl")); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("compliance results: %v", err)
	}

	// streaming_output_with_error.jsonl: line 8 is cut short at byte 30135 of the
	// file (`head -c 30135 FILE | wc -l` is 7); the 7 tweets before it hold 1 quote,
	// 3 replies and 3 mentions (jq on the first 7 lines).
	p := sharedFile(t, ds, "streaming_output_with_error.jsonl")
	_, err := ReadInput(Input{Path: p}, NewSink(), Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Record != 8 || pe.Offset != 30135 || !strings.Contains(err.Error(), "record 8 (byte offset 30135): data.author_id: expected ',' or '}' after an object member, got the end of the record") {
		t.Errorf("got %v", err)
	}
	rep = readFixture(t, NewSink(), p, Options{OnBadLine: Skip})
	want := [graph.NumKinds]int64{graph.Retweets: 1, graph.Replies: 3, graph.Mentions: 3}
	if rep.Records != 7 || rep.Skipped != 1 || rep.Posts != 7 || rep.Events != want {
		t.Errorf("skip: %s", rep.String())
	}
}

// TestTweepyRealData reads the follower, following, liking-users, retweeters and
// tweet responses of twitter-api-v2-tweepy-cassettes: tweepy_v2_responses.jsonl holds
// one recorded interaction per line, {"uri", "body", …}; each body is given to the
// reader with the request URI as twarc records it (__twarc.url), since the body alone
// does not say whose followers it lists. Figures from SOURCE.md's table, recounted
// with jq ('.body.data | length' per line): 84 followers of 783214 and 100 accounts
// 2244994945 follows; 43 likers of tweet 1293593516040269825 and 38 retweeters of
// 1415348607813832708, whose authors no response names (the tweets were fetched
// with the default fields: id and text, no author_id); 2 tweets of 783214 (the
// /users/:id/tweets endpoint names their author); 9 + 10 + 1 + 2 + 10 + 10 other
// tweets without author_id. 266 distinct user ids: the users listed and the two
// accounts (jq -s '[… .body.data[].id] + ["783214", "2244994945"] | unique | length').
func TestTweepyRealData(t *testing.T) {
	p := sharedFile(t, "twitter-api-v2-tweepy-cassettes", "tweepy_v2_responses.jsonl")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var pages bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec struct {
			URI  string                     `json:"uri"`
			Body map[string]json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		rec.Body["__twarc"], _ = json.Marshal(map[string]string{"url": rec.URI})
		line, _ := json.Marshal(rec.Body)
		pages.Write(append(line, '\n'))
	}
	s := NewSink()
	rep, err := ReadTwitterV2(p, &pages, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 11 || rep.Events[graph.Follows] != 84+100 || rep.Posts != 2 || rep.Deferred != 43+38 || rep.Unresolved != 9+10+1+2+10+10 {
		t.Errorf("%s; posts %d", rep.String(), rep.Posts)
	}
	fr, err := s.Finish()
	if err != nil || fr.Unresolved[graph.Likes] != 43 || fr.Unresolved[graph.Retweets] != 38 {
		t.Errorf("finish: %v %s", err, fr)
	}
	if s.IDs.Len() != 266 {
		t.Errorf("%d users, want 266", s.IDs.Len())
	}
	g, _ := s.Graph.Build(0, nil)
	tw, _ := s.IDs.Lookup(s.IDs.Platform(PlatformTwitter), []byte("783214"))
	if d := g.Layer(graph.Follows).InDegree(tw); d != 84 {
		t.Errorf("783214 has %d followers, want 84", d)
	}
}

// TestTwitterArchiveRealData reads the two real X archives, file by file, the owner
// found in the manifest.js beside each. SOURCE.md's counts (equal to manifest.js's):
// andreruffert (2022 layout) 1,986 tweets of which 643 "RT @" and 485 replies, 420
// followers, 295 followed, 66 mutual, 1,359 likes; RTIatMLA (2021 layout, tweet.js)
// 70 tweets, 12 retweets, 14 replies, 111 followers, 124 followed, 29 likes. The
// mentions (879 and 25) are the distinct user_mentions of the tweets that are not
// retweets: jq '[.[].tweet | select(.full_text | startswith("RT @") | not)
// | [.entities.user_mentions[].id_str] | unique | length] | add' on the array after
// the prefix; every retweet's handle is among its user_mentions (same jq, 643 of 643).
// No liked tweet is one of the owner's (jq), so no like finds its author.
func TestTwitterArchiveRealData(t *testing.T) {
	cases := []struct {
		ds, owner, handle, tweets             string
		posts, rt, re, mt, fo, fi, likes, mut int64
	}{
		{"twitter-account-archive-andreruffert", "112769581", "andreruffert", "tweets.js.gz", 1986, 643, 485, 879, 420, 295, 1359, 66},
		{"twitter-account-archive-rtiatmla-2021", "1321902678188974081", "RTIatMLA", "tweet.js", 70, 12, 14, 25, 111, 124, 29, -1},
	}
	for _, c := range cases {
		t.Run(c.ds, func(t *testing.T) {
			s := NewSink()
			tw := readFixture(t, s, sharedFile(t, c.ds, c.tweets), Options{})
			fo := readFixture(t, s, sharedFile(t, c.ds, "follower.js"), Options{})
			fi := readFixture(t, s, sharedFile(t, c.ds, "following.js"), Options{})
			li := readFixture(t, s, sharedFile(t, c.ds, "like.js"), Options{})
			readFixture(t, s, sharedFile(t, c.ds, "manifest.js"), Options{})
			want := [graph.NumKinds]int64{graph.Retweets: c.rt, graph.Replies: c.re, graph.Mentions: c.mt}
			if tw.Posts != c.posts || tw.Events != want || tw.Unresolved != 0 {
				t.Errorf("tweets: %s", tw.String())
			}
			if fo.Events[graph.Follows] != c.fo || fi.Events[graph.Follows] != c.fi || li.Deferred != c.likes {
				t.Errorf("follower %s; following %s; like %s", fo.String(), fi.String(), li.String())
			}
			fr, err := s.Finish()
			if err != nil || fr.Unresolved[graph.Likes] != c.likes {
				t.Errorf("finish: %v %s", err, fr)
			}
			owner, ok := s.IDs.Lookup(s.IDs.Platform(PlatformTwitter), []byte(c.owner))
			if !ok || s.IDs.Handle(owner) != c.handle {
				t.Fatalf("owner %s: %v, handle %q", c.owner, ok, s.IDs.Handle(owner))
			}
			g, _ := s.Graph.Build(0, nil)
			f := g.Layer(graph.Follows)
			if f.InDegree(owner) != int(c.fo) || f.OutDegree(owner) != int(c.fi) {
				t.Errorf("owner: %d followers, %d followed", f.InDegree(owner), f.OutDegree(owner))
			}
			if c.mut >= 0 {
				out, _ := f.Out(owner)
				in, _ := f.In(owner)
				m := 0
				for _, v := range out {
					for _, w := range in {
						if v == w {
							m++
						}
					}
				}
				if m != int(c.mut) {
					t.Errorf("%d mutual follows, want %d", m, c.mut)
				}
			}
		})
	}
	// A folder-level check: tweet-headers.js is detected as an archive file Clout
	// does not read.
	d, err := DetectFile(sharedFile(t, "twitter-account-archive-andreruffert", "tweet-headers.js"))
	if err != nil || d.Format != FormatTwitterArchive || d.Part != "tweet_headers" || !d.Unused {
		t.Errorf("tweet-headers.js: %+v %v", d, err)
	}
}

// TestBlueskyRealData reads bluesky-atproto-real-samples. SOURCE.md: the Jetstream
// file has 45 creates, 42 follows, 2 reposts and 1 profile; 47 distinct DIDs are
// named (jq -r '.did, (.commit.record.subject | if type=="object" then .uri else .
// end)' | grep -o 'did:[a-z]*:[a-z0-9]*' | sort -u | wc -l), one of them only by its
// profile record, which makes no user. The repository export has 38 records: 23
// posts (2 replies, 4 mention facets, 1 quote, of the author's own post: a
// self-loop), 3 follows, 2 likes, 1 repost, 1 profile and 8 records of other
// lexicons (jq -c '.value["$type"]' | sort | uniq -c). The firehose commits (CBOR in
// CAR) and the CAR file are not a format Clout reads.
func TestBlueskyRealData(t *testing.T) {
	const ds = "bluesky-atproto-real-samples"
	s := NewSink()
	rep := readFixture(t, s, sharedFile(t, ds, "jetstream_from_firehose.jsonl"), Options{})
	if rep.Records != 45 || rep.Events != [graph.NumKinds]int64{graph.Follows: 42, graph.Retweets: 2} || rep.Ignored != 1 || rep.Posts != 2 {
		t.Errorf("jetstream: %s", rep.String())
	}
	fr, err := s.Finish()
	if err != nil || fr.Records != 44 || fr.Deleted+fr.Duplicates != 0 {
		t.Errorf("finish: %v %+v", err, fr)
	}
	if s.IDs.Len() != 46 {
		t.Errorf("%d users, want 46", s.IDs.Len())
	}
	// time_us is the commit's time (SOURCE.md): the reposts at 01:05:06, the follows
	// at 01:05:27, the profile at 01:43:22 (jq -r '[(.time_us/1000000|floor|todate),
	// .commit.collection] | @tsv' | sort | uniq -c); [01:05:10, 02:00) leaves out the
	// reposts.
	since, _ := ParseTime("2025-02-06T01:05:10Z")
	until, _ := ParseTime("2025-02-06T02:00:00Z")
	rep = readFixture(t, NewSink(), sharedFile(t, ds, "jetstream_from_firehose.jsonl"), Options{Since: since, Until: until})
	if rep.OutOfWindow != 2 || rep.Events[graph.Follows] != 42 {
		t.Errorf("window: %s", rep.String())
	}

	s = NewSink()
	rep = readFixture(t, s, sharedFile(t, ds, "bnewbold.robocracy.org.20250310005405.records.jsonl"), Options{})
	want := [graph.NumKinds]int64{graph.Follows: 3, graph.Likes: 2, graph.Retweets: 1 + 1, graph.Replies: 2, graph.Mentions: 4}
	if rep.Records != 38 || rep.Posts != 23+1 || rep.Events != want || rep.Ignored != 1+8 || rep.SelfLoops[graph.Retweets] != 1 {
		t.Errorf("records: %s", rep.String())
	}
	for _, f := range []string{"indigo_firehose_commit_4621317030.json", "bnewbold.robocracy.org.20250310005405.car", "indigo_automod_capture_atprotocom.json"} {
		if _, err := DetectFile(sharedFile(t, ds, f)); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestMastodonRealData reads the archive of mastodon-account-archive-dealingwith,
// whose likes.json names no owner: ReadInput takes it from actor.json. SOURCE.md:
// 1,511 public activities (1,185 Create, 326 Announce), 383 replies of which 212 to
// the owner's own statuses, 290 Mention tags; 1,115 likes. Recounted with jq on
// .orderedItems: 382 of the 383 inReplyTo URIs have Mastodon's form
// (test("^https?://[^/]+/users/[^/]+/statuses/")), the other one names no author; 323
// of the 326 boosted URIs have it, and the 3 others are named by the boost's cc;
// 1,105 of the 1,115 liked URIs have it, by 572 distinct authors.
func TestMastodonRealData(t *testing.T) {
	const ds = "mastodon-account-archive-dealingwith"
	s := NewSink()
	readFixture(t, s, sharedFile(t, ds, "actor.json"), Options{})
	out := readFixture(t, s, sharedFile(t, ds, "outbox.public.json.gz"), Options{})
	want := [graph.NumKinds]int64{graph.Retweets: 326, graph.Replies: 382, graph.Mentions: 290}
	if out.Records != 1511 || out.Posts != 1185+326 || out.Events != want || out.Unresolved != 1 || out.SelfLoops[graph.Replies] != 212 || !out.Gzip {
		t.Errorf("outbox: %s; self-loops %v", out.String(), out.SelfLoops)
	}
	before := s.IDs.Len()
	likes := readFixture(t, s, sharedFile(t, ds, "likes.json"), Options{})
	if likes.Records != 1115 || likes.Events[graph.Likes] != 1105 || likes.Unresolved != 10 {
		t.Errorf("likes: %s", likes.String())
	}
	owner := s.IDs.ID(0)
	if owner != "https://indieweb.social/users/dealingwith" || s.IDs.Handle(0) != "@dealingwith@indieweb.social" {
		t.Errorf("owner %q %q", owner, s.IDs.Handle(0))
	}
	g, _ := s.Graph.Build(0, nil)
	if got := g.Layer(graph.Likes).OutDegree(0); got != 572 {
		t.Errorf("the owner liked %d distinct authors, want 572 (%d users before likes.json)", got, before)
	}
}
