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

// TestReadBlueskyFixture reads testdata/bluesky/jetstream.jsonl, whose 17 events are,
// in order: alice's handle (before any record of hers); follows alice→bob (f1) and
// carol→bob (f2); bob's post p1 mentioning alice (and a link); alice's reply to p1;
// carol's repost and like of p1; dave's post quoting p1 (recordWithMedia); dave's
// list item putting bob on a list; dave's like of a feed (not a post); carol's delete
// of f2; carol's profile; an account event; f1 again (a replayed event); erin's
// handle, her follow of alice (f3) and its update to carol. Counted by hand.
func TestReadBlueskyFixture(t *testing.T) {
	s := NewSink()
	rep := readFixture(t, s, filepath.Join("testdata", "bluesky", "jetstream.jsonl"), Options{})
	if rep.Format != FormatBluesky || rep.Records != 17 || rep.Posts != 4 || rep.Deletes != 1 || rep.Ignored != 2 || rep.Unresolved != 1 {
		t.Errorf("%s: records %d, posts %d", rep.String(), rep.Records, rep.Posts)
	}
	// Events of the creates read, before the log is applied.
	want := [graph.NumKinds]int64{graph.Follows: 5, graph.Retweets: 2, graph.Mentions: 1, graph.Replies: 1, graph.Likes: 1}
	if rep.Events != want {
		t.Errorf("events %v, want %v", rep.Events, want)
	}
	fr, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if fr.Records != 8 || fr.Deleted != 1 || fr.Replaced != 1 || fr.Duplicates != 1 {
		t.Errorf("finish: %+v", fr)
	}
	n := s.IDs.Len()
	g, err := s.Graph.Build(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	const a, b, c, d, e = "did:plc:alice", "did:plc:bob", "did:plc:carol", "did:plc:dave", "did:plc:erin"
	checkEdges(t, g, s.IDs, map[graph.Kind][]string{
		graph.Follows:  {a + ">" + b, e + ">" + c},
		graph.Retweets: {c + ">" + b, d + ">" + b},
		graph.Mentions: {b + ">" + a},
		graph.Replies:  {a + ">" + b},
		graph.Likes:    {c + ">" + b},
	})
	checkMap(t, "authored", perUser(s.IDs, s.Posts.Authored(n)), map[string]uint32{a: 1, b: 1, c: 1, d: 1})
	checkMap(t, "retweeted posts", perUser(s.IDs, s.Posts.Retweeted(n)), map[string]uint32{b: 1}) // p1, reposted and quoted
	checkMap(t, "lists", perUser(s.IDs, s.Lists.Counts(n)), map[string]uint32{b: 1})
	for id, h := range map[string]string{a: "alice.example.com", e: "erin.example.com", b: ""} {
		u, _ := s.IDs.Lookup(s.IDs.Platform(PlatformBluesky), []byte(id))
		if got := s.IDs.Handle(u); got != h {
			t.Errorf("handle of %s = %q, want %q", id, got, h)
		}
	}
}

// TestReadBlueskyRecords reads listRecords lines: the author is the URI's DID, the
// time the record's createdAt, and a collection Clout does not read may carry any
// createdAt.
func TestReadBlueskyRecords(t *testing.T) {
	s := NewSink()
	rep := readFixture(t, s, filepath.Join("testdata", "bluesky", "records.jsonl"), Options{})
	want := [graph.NumKinds]int64{graph.Follows: 1, graph.Mentions: 2}
	if rep.Records != 3 || rep.Posts != 1 || rep.Ignored != 1 || rep.Events != want {
		t.Errorf("%s", rep.String())
	}
	// The window applies to createdAt: the post (10:00) is in, the follow (10:01) out.
	since, _ := ParseTime("2025-03-01T09:00:00Z")
	until, _ := ParseTime("2025-03-01T10:01:00Z")
	rep = readFixture(t, NewSink(), filepath.Join("testdata", "bluesky", "records.jsonl"), Options{Since: since, Until: until})
	if rep.Posts != 1 || rep.OutOfWindow != 1 || rep.Events[graph.Follows] != 0 {
		t.Errorf("window: %s", rep.String())
	}
}

// TestReadBlueskyWindowDelete checks that a delete after the window does not remove
// a record that existed in it.
func TestReadBlueskyWindowDelete(t *testing.T) {
	in := `{"did": "did:plc:a", "time_us": 1000000, "kind": "commit", "commit": {"operation": "create", "collection": "app.bsky.graph.follow", "rkey": "k", "record": {"subject": "did:plc:b"}}}
{"did": "did:plc:a", "time_us": 9000000, "kind": "commit", "commit": {"operation": "delete", "collection": "app.bsky.graph.follow", "rkey": "k"}}
`
	for _, c := range []struct {
		until int64
		edges int
	}{{5, 1}, {0, 0}} {
		s := NewSink()
		if _, err := ReadBluesky("in.jsonl", strings.NewReader(in), s, Options{Until: c.until}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Finish(); err != nil {
			t.Fatal(err)
		}
		g, _ := s.Graph.Build(0, nil)
		if got := g.Layer(graph.Follows).Edges(); got != c.edges {
			t.Errorf("until %d: %d edges, want %d", c.until, got, c.edges)
		}
	}
}

func TestReadBlueskyErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"bad operation", `{"did": "did:plc:a", "kind": "commit", "commit": {"operation": "upsert"}}`, `record 1 (byte offset 63): commit.operation: expected create, update or delete, got the string "upsert"`},
		{"not a DID", `{"did": "alice", "kind": "commit", "commit": {"operation": "create"}}`, `record 1 (byte offset 0): did: expected a DID (did:method:…), got "alice"`},
		{"time not an integer", `{"did": "did:plc:a", "time_us": 1.5, "kind": "commit"}`, `record 1 (byte offset 32): time_us: expected an integer, got "1.5"`},
		{"record uri", `{"uri": "https://x", "value": {}}`, `record 1 (byte offset 8): uri: expected at://<did>/<collection>/<rkey>, got "https://x"`},
		{"record time", `{"uri": "at://did:plc:a/app.bsky.feed.post/1", "value": {"createdAt": "soon"}}`, `record 1 (byte offset 70): value.createdAt: expected a time as RFC 3339, got "soon"`},
		{"neither", `{"cid": "x"}`, `record 1 (byte offset 0): expected a Jetstream event (with kind) or a repository record (with uri and value)`},
		{"subject", `{"did": "did:plc:a", "kind": "commit", "commit": {"operation": "create", "collection": "app.bsky.feed.like", "rkey": "1", "record": {"subject": 5}}}`,
			`record 1 (byte offset 144): commit.record.subject: expected an object, got a number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadBluesky("in.jsonl", strings.NewReader(c.in), NewSink(), Options{})
			if err == nil || err.Error() != "in.jsonl: "+c.want {
				t.Fatalf("got  %v\nwant in.jsonl: %s", err, c.want)
			}
		})
	}
}

func FuzzReadBluesky(f *testing.F) {
	for _, name := range []string{"jetstream.jsonl", "records.jsonl"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "bluesky", name)); err == nil {
			for _, line := range bytes.Split(b, []byte("\n")) {
				f.Add(line)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, func(r io.Reader, s *Sink, o Options) (Report, error) { return ReadBluesky("fuzz", r, s, o) }, true)
	})
}
