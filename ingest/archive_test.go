package ingest

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// TestReadTwitterArchiveFixture reads the 2022-layout archive of account 42
// (testdata/x-archive-2022/data), each file by ReadInput, which finds the owner in
// manifest.js; then the 2021-layout archive of account 43. Figures counted by hand.
func TestReadTwitterArchiveFixture(t *testing.T) {
	dir := filepath.Join("testdata", "x-archive-2022", "data")
	s := NewSink()
	tw := readFixture(t, s, filepath.Join(dir, "tweets.js"), Options{})
	// 501 retweets @friend (id 7, spelt "Friend" in the mentions); 502 replies to 7 and
	// mentions 7 (twice) and 8; 503 only starts with @other: a mention, not a reply;
	// 504 replies to the owner's own 503 (a self-loop).
	if tw.Format != FormatTwitterArchive || tw.Records != 4 || tw.Posts != 4 || tw.Lines != 0 {
		t.Errorf("tweets.js: %s", tw.String())
	}
	want := [graph.NumKinds]int64{graph.Retweets: 1, graph.Replies: 2, graph.Mentions: 3}
	if tw.Events != want || tw.SelfLoops != [graph.NumKinds]int64{graph.Replies: 1} {
		t.Errorf("tweets.js: events %v, self-loops %v; want %v", tw.Events, tw.SelfLoops, want)
	}
	fo := readFixture(t, s, filepath.Join(dir, "follower.js"), Options{})
	fi := readFixture(t, s, filepath.Join(dir, "following.js"), Options{})
	li := readFixture(t, s, filepath.Join(dir, "like.js"), Options{})
	ma := readFixture(t, s, filepath.Join(dir, "manifest.js"), Options{})
	th := readFixture(t, s, filepath.Join(dir, "tweet-headers.js"), Options{})
	if fo.Events[graph.Follows] != 2 || fi.Events[graph.Follows] != 1 || li.Deferred != 2 || ma.Records != 1 || th.Ignored != 1 {
		t.Errorf("follower %v, following %v, like %v, manifest %v, tweet-headers %v", fo.String(), fi.String(), li.String(), ma.String(), th.String())
	}
	// The 2021 layout (tweet.js): 601 retweets the owner of the 2022 archive; 602's
	// retweeted account is not among its mentions.
	old := readFixture(t, s, filepath.Join("testdata", "x-archive-2021", "tweet.js"), Options{})
	if old.Posts != 2 || old.Events[graph.Retweets] != 1 || old.Unresolved != 1 {
		t.Errorf("tweet.js: %s", old.String())
	}
	// The likes: 1002 is in testdata/twitter-v2, by 13; nothing shows 777.
	readFixture(t, s, filepath.Join("testdata", "twitter-v2", "search.jsonl"), Options{})
	fr, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if fr.Resolved[graph.Likes] != 2+1 || fr.Unresolved[graph.Likes] != 1 {
		t.Errorf("finish: %s", fr)
	}
	n := s.IDs.Len()
	g, err := s.Graph.Build(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := g.Layer(graph.Likes)
	if got := edgeSet(g, s.IDs, graph.Likes); !slices2(got, "11>13", "14>13", "42>13") || l.Edges() != 3 {
		t.Errorf("likes %v", got)
	}
	if got := edgeSet(g, s.IDs, graph.Follows); !strings.Contains(strings.Join(got, " "), "42>7 7>42 9>42") {
		t.Errorf("follows %v", got)
	}
	handles := map[string]string{}
	for u := range uint32(n) {
		if h := s.IDs.Handle(u); h != "" {
			handles[s.IDs.ID(u)] = h
		}
	}
	// "friend" (from 502, read after 501's "Friend") and "owner" (manifest.js, also
	// named by the 2021 archive's mention).
	for id, h := range map[string]string{"42": "owner", "7": "friend", "8": "other", "12": "bob"} {
		if handles[id] != h {
			t.Errorf("handle of %s = %q, want %q", id, handles[id], h)
		}
	}
}

func slices2(got []string, want ...string) bool {
	return strings.Join(got, " ") == strings.Join(want, " ")
}

// TestReadTwitterArchiveOwner checks that a file without its owner fails with a
// message that says how to give it, and that Options.Owner gives it.
func TestReadTwitterArchiveOwner(t *testing.T) {
	in := "window.YTD.follower.part0 = [ { \"follower\" : { \"accountId\" : \"7\" } } ]"
	_, err := ReadTwitterArchive("follower.js", strings.NewReader(in), NewSink(), Options{})
	if err == nil || !strings.Contains(err.Error(), "does not say whose account it is") {
		t.Errorf("got %v", err)
	}
	dir := t.TempDir()
	p := writeFile(t, dir, "follower.js", []byte(in))
	_, err = ReadInput(Input{Path: p}, NewSink(), Options{})
	if err == nil || !strings.Contains(err.Error(), "no manifest.js or account.js in") {
		t.Errorf("got %v", err)
	}
	s := NewSink()
	rep, err := ReadInput(Input{Path: p, Owner: "99"}, s, Options{})
	if err != nil || rep.Events[graph.Follows] != 1 || s.IDs.ID(0) != "99" {
		t.Errorf("%v %s", err, rep.String())
	}
	// account.js names the owner when there is no manifest.js.
	writeFile(t, dir, "account.js", []byte(`window.YTD.account.part0 = [ { "account" : { "accountId" : "5", "username" : "five" } } ]`))
	s = NewSink()
	if _, err := ReadInput(Input{Path: p}, s, Options{}); err != nil || s.IDs.ID(0) != "5" {
		t.Errorf("%v, owner %q", err, s.IDs.ID(0))
	}
}

// TestReadTwitterArchiveErrors checks the bad records of an archive: the record is
// the element's number, the path starts with its index.
func TestReadTwitterArchiveErrors(t *testing.T) {
	const pre = "window.YTD.tweets.part0 = "
	cases := []struct{ name, in, want string }{
		{"no prefix", `[{"tweet": {}}]`, `byte offset 0: expected an X archive file starting "window.YTD.<type>.part<N> = "`},
		{"bad time", pre + `[ {"tweet": {"id_str": "1", "created_at": "Thu Nov 03 2022"}} ]`,
			`record 1 (byte offset 68): [0].tweet.created_at: expected a time like "Thu Nov 03 08:50:26 +0000 2022", got "Thu Nov 03 2022"`},
		{"wrong wrapper", pre + `[ {"tweet": {"id_str": "1"}}, {"like": {"tweetId": "2"}} ]`, `record 2 (byte offset 56): [1]: expected an object {"tweet": …}`},
		{"no id", pre + `[ {"tweet": {"full_text": "x"}} ]`, `record 1 (byte offset 28): [0]: tweet: no id_str`},
		{"mention without id", pre + `[ {"tweet": {"id_str": "1", "entities": {"user_mentions": [{"screen_name": "x"}]}}} ]`,
			`record 1 (byte offset 85): [0].tweet.entities.user_mentions[0]: a user mention without an id`},
		{"truncated", pre + `[ {"tweet": {"id_str": "1"}}, {"tweet": {"id_s`, `record 2 (byte offset 72): the input ends inside element 2: unexpected EOF`},
		{"unbalanced", pre + `[ {"tweet": {"id_str": "1"]} ]`, `record 1 (byte offset 52): expected '}' to close '{', got ']'`},
		{"after the array", pre + `[ ];x`, `byte offset 30: unexpected 'x' after the end of the document`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadTwitterArchive("tweets.js", strings.NewReader(c.in), NewSink(), Options{Owner: "42"})
			if err == nil || err.Error() != "tweets.js: "+c.want {
				t.Fatalf("got  %v\nwant tweets.js: %s", err, c.want)
			}
			checkJSONErr(t, err, len(c.in))
		})
	}
	// Under Skip a bad element is counted and the others read.
	in := pre + `[ {"tweet": {"id_str": "1"}}, {"tweet": {"id_str": {}}}, {"tweet": {"id_str": "3"}} ]`
	rep, err := ReadTwitterArchive("tweets.js", strings.NewReader(in), NewSink(), Options{Owner: "42", OnBadLine: Skip})
	if err != nil || rep.Skipped != 1 || rep.Posts != 2 {
		t.Errorf("%v: %s", err, rep.String())
	}
}

func FuzzReadTwitterArchive(f *testing.F) {
	for _, name := range []string{"tweets.js", "follower.js", "like.js", "manifest.js"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "x-archive-2022", "data", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`window.YTD.account.part0 = [{"account": {"accountId": 1, "username": "u"}}]`))
	f.Add([]byte(`window.YTD.tweet.part0 = [{"tweet": {"id": "1", "full_text": "RT @a: x", "entities": {"user_mentions": [{"id": 2, "screen_name": "A"}]}}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, func(r io.Reader, s *Sink, o Options) (Report, error) {
			o.Owner = "42"
			return ReadTwitterArchive("fuzz", r, s, o)
		}, false)
	})
}

// TestArchivePrefix checks the prefix is matched, never evaluated: only the
// assignment of an array or object literal to window.YTD.<type>.partN is read.
func TestArchivePrefix(t *testing.T) {
	for _, c := range []struct {
		in   string
		part string
		ok   bool
	}{
		{"window.YTD.tweets.part0 = [", "tweets", true},
		{"\ufeffwindow.YTD.like.part12=[", "", false}, // a byte order mark is not white space to JavaScript's parser here
		{"  window.YTD.direct_messages.part1 = [", "direct_messages", true},
		{"window.__THAR_CONFIG = {", "__THAR_CONFIG", true},
		{"alert(1); window.YTD.tweets.part0 = [", "", false},
		{"window.YTD.tweets.part0 += [", "", false},
	} {
		part, _, ok := archivePart([]byte(c.in))
		if ok != c.ok || part != c.part {
			t.Errorf("%q: %q %v, want %q %v", c.in, part, ok, c.part, c.ok)
		}
	}
	var buf bytes.Buffer
	buf.WriteString("window.YTD.follower.part0 = [")
	if _, err := ReadTwitterArchive("x", &buf, NewSink(), Options{Owner: "1"}); err == nil {
		t.Error("an array cut short must fail")
	}
}
