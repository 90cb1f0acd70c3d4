package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// readFixture reads a file of testdata with ReadInput (format detected) into s.
func readFixture(t *testing.T, s *Sink, path string, o Options) Report {
	t.Helper()
	rep, err := ReadInput(Input{Path: path}, s, o)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rep
}

// edgeSet lists the edges of layer k of g as "actor>target" with external ids.
func edgeSet(g *graph.Graph, ids *Interner, k graph.Kind) []string {
	l := g.Layer(k)
	if l == nil {
		return nil
	}
	var out []string
	for u := range uint32(g.Nodes()) {
		targets, _ := l.Out(u)
		for _, v := range targets {
			out = append(out, ids.ID(u)+">"+ids.ID(v))
		}
	}
	slices.Sort(out)
	return out
}

// perUser maps the external ids of the users with a non-zero count to it.
func perUser(ids *Interner, counts []uint32) map[string]uint32 {
	m := map[string]uint32{}
	for u, c := range counts {
		if c != 0 {
			m[ids.ID(uint32(u))] = c
		}
	}
	return m
}

func checkEdges(t *testing.T, g *graph.Graph, ids *Interner, want map[graph.Kind][]string) {
	t.Helper()
	for k := range graph.NumKinds {
		if got := edgeSet(g, ids, k); !slices.Equal(got, want[k]) {
			t.Errorf("%s: %v, want %v", k, got, want[k])
		}
	}
}

func checkMap[V comparable](t *testing.T, what string, got, want map[string]V) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v", what, got, want)
			return
		}
	}
}

// TestReadTwitterV2Fixture reads testdata/twitter-v2/search.jsonl, whose lines the
// README of testdata describes; every expected figure is counted by hand from it.
func TestReadTwitterV2Fixture(t *testing.T) {
	s := NewSink()
	rep := readFixture(t, s, "testdata/twitter-v2/search.jsonl", Options{Platform: "ignored"})
	if rep.Format != FormatTwitterV2 {
		t.Errorf("format %q", rep.Format)
	}
	// 8 lines, 7 records (line 7 is blank), the counts page of line 8 unused.
	if rep.Lines != 8 || rep.Records != 7 || rep.Ignored != 1 || rep.Skipped != 0 {
		t.Errorf("lines %d, records %d, ignored %d, skipped %d; want 8, 7, 1, 0", rep.Lines, rep.Records, rep.Ignored, rep.Skipped)
	}
	// Posts 1001-1006 (1002 twice: once a duplicate); @ghost is in no includes; 1005's
	// original and the two likes of 1002 wait for Finish.
	if rep.Posts != 6 || rep.Duplicates != 1 || rep.Unresolved != 1 || rep.Deferred != 3 {
		t.Errorf("posts %d, duplicates %d, unresolved %d, deferred %d; want 6, 1, 1, 3", rep.Posts, rep.Duplicates, rep.Unresolved, rep.Deferred)
	}
	want := [graph.NumKinds]int64{graph.Follows: 4, graph.Retweets: 3, graph.Mentions: 2, graph.Replies: 1}
	if rep.Events != want {
		t.Errorf("events %v, want %v", rep.Events, want)
	}
	fr, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if fr.Resolved != [graph.NumKinds]int64{graph.Retweets: 1, graph.Likes: 2} || fr.Unresolved != [graph.NumKinds]int64{} {
		t.Errorf("finish: %+v", fr)
	}
	n := s.IDs.Len()
	g, err := s.Graph.Build(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkEdges(t, g, s.IDs, map[graph.Kind][]string{
		graph.Follows:  {"11>12", "11>14", "13>12", "15>12"},
		graph.Retweets: {"11>12", "12>14", "14>12", "15>13"}, // 1001, 1003 (a quote), 1005, 1006
		graph.Mentions: {"12>11", "13>12"},                   // "@Alice @alice" once; a retweet's mentions are not the retweeter's
		graph.Replies:  {"13>12"},
		graph.Likes:    {"11>13", "14>13"},
	})
	if s.IDs.PlatformOf(0) != PlatformTwitter {
		t.Errorf("platform %q", s.IDs.PlatformOf(0))
	}
	handles := map[string]string{}
	for u := range uint32(n) {
		handles[s.IDs.ID(u)] = s.IDs.Handle(u)
	}
	checkMap(t, "handles", handles, map[string]string{"11": "alice", "12": "bob", "13": "carol", "14": "dave", "15": "eve"})
	checkMap(t, "authored", perUser(s.IDs, s.Posts.Authored(n)), map[string]uint32{"11": 2, "12": 1, "13": 1, "14": 1, "15": 1})
	checkMap(t, "retweeted posts", perUser(s.IDs, s.Posts.Retweeted(n)), map[string]uint32{"12": 2, "13": 1, "14": 1})
	// bob's snapshot of line 2 is older (retrieved_at) than line 1's: line 1's stays.
	checkMap(t, "followers", perUser(s.IDs, s.Profiles.Followers(n)), map[string]uint32{"11": 100, "12": 5000, "14": 7, "15": 1})
	checkMap(t, "listed", perUser(s.IDs, s.Profiles.Listed(n)), map[string]uint32{"11": 2, "12": 40})
	checkMap(t, "posts count", perUser(s.IDs, s.Profiles.Posts(n)), map[string]uint32{"11": 50, "12": 900, "14": 3, "15": 3})
}

// TestReadTwitterV2Window restricts the fixture to [2021-05-19, 2021-05-21): only
// 1003 and 1004 are in; the follows and likes, without times, are always in.
func TestReadTwitterV2Window(t *testing.T) {
	since, _ := ParseTime("2021-05-19T00:00:00Z")
	until, _ := ParseTime("2021-05-21T00:00:00Z")
	s := NewSink()
	rep := readFixture(t, s, "testdata/twitter-v2/search.jsonl", Options{Since: since, Until: until})
	if rep.Posts != 2 || rep.OutOfWindow != 5 || rep.Deferred != 2 {
		t.Errorf("posts %d, out of window %d, deferred %d; want 2, 5 (1001, 1002 twice, 1005, 1006), 2", rep.Posts, rep.OutOfWindow, rep.Deferred)
	}
	want := [graph.NumKinds]int64{graph.Follows: 4, graph.Retweets: 1, graph.Mentions: 1}
	if rep.Events != want {
		t.Errorf("events %v, want %v", rep.Events, want)
	}
	if _, ok := s.IDs.Lookup(s.IDs.Platform(PlatformTwitter), []byte("15")); !ok {
		t.Error("eve follows bob (no time): she must be in")
	}
}

// TestReadTwitterV2Errors checks the bad records: each is named by its line, the byte
// offset of the fault and the path of the field at fault.
func TestReadTwitterV2Errors(t *testing.T) {
	good := `{"data": [{"id": "1", "author_id": "2", "text": "hi"}]}` + "\n"
	cases := []struct{ name, in, want string }{
		{"not JSON", good + "{\"data\": [\n", `record 2 (byte offset 66): data[0]: unexpected end of the record: expected an object`},
		{"bad type", good + `{"data": [{"id": "1", "text": "x"}, {"id": "3", "text": "x", "referenced_tweets": [{"type": "liked", "id": "4"}]}]}`,
			`record 2 (byte offset 148): data[1].referenced_tweets[0].type: expected retweeted, quoted or replied_to, got the string "liked"`},
		{"id as object", `{"data": [{"id": {"n": 1}, "text": "x"}]}`, `record 1 (byte offset 17): data[0].id: expected an id (a string or an integer), got an object`},
		{"no id", `{"data": [{"author_id": "1", "text": "x"}]}`, `record 1 (byte offset 10): data[0]: a tweet without an id`},
		{"bad time", `{"data": [{"id": "1", "text": "x", "created_at": "yesterday"}]}`, `record 1 (byte offset 49): data[0].created_at: expected a time as RFC 3339, got "yesterday"`},
		{"bad metric", `{"includes": {"users": [{"id": "1", "public_metrics": {"followers_count": "many"}}]}}`,
			`record 1 (byte offset 74): includes.users[0].public_metrics.followers_count: expected an integer, got the string "many"`},
		{"mentions not an array", `{"data": [{"id": "1", "text": "x", "entities": {"mentions": {"id": "2"}}}]}`,
			`record 1 (byte offset 60): data[0].entities.mentions: expected an array, got an object`},
		{"trailing data", `{"data": []} x`, `record 1 (byte offset 13): unexpected "x" after the record`},
		{"array line", `[1, 2]`, `record 1 (byte offset 0): expected an object, got an array`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadTwitterV2("in.jsonl", strings.NewReader(c.in), NewSink(), Options{})
			if err == nil || err.Error() != "in.jsonl: "+c.want {
				t.Fatalf("got  %v\nwant in.jsonl: %s", err, c.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > int64(len(c.in)) {
				t.Fatalf("not a positioned *ParseError: %#v", err)
			}
			// Under Skip the record is counted, and the good ones read.
			rep, err := ReadTwitterV2("in.jsonl", strings.NewReader(c.in), NewSink(), Options{OnBadLine: Skip})
			if err != nil || rep.Skipped != 1 || len(rep.FirstBad) != 1 {
				t.Fatalf("skip: %v, %d skipped", err, rep.Skipped)
			}
		})
	}
}

// TestReadTwitterV2LongLine checks that a line over the limit is a bad record that
// Skip steps over, and that a truncated gzip stream fails whatever the policy.
func TestReadTwitterV2LongLine(t *testing.T) {
	long := `{"data": [{"id": "1", "author_id": "2", "text": "` + strings.Repeat("x", maxRecord) + `"}]}` + "\n"
	in := long + `{"data": [{"id": "3", "author_id": "4", "text": "hi"}]}` + "\n"
	rep, err := ReadTwitterV2("in.jsonl", strings.NewReader(in), NewSink(), Options{OnBadLine: Skip})
	if err != nil || rep.Skipped != 1 || rep.Posts != 1 {
		t.Fatalf("%v: skipped %d, posts %d", err, rep.Skipped, rep.Posts)
	}
	if !strings.Contains(rep.FirstBad[0].Error(), "record 1 (byte offset 0): a line longer than") {
		t.Errorf("got %v", rep.FirstBad[0])
	}
	gz := gzipBytes(t, []byte(in))
	r, err := NewReader("in.jsonl.gz", bytes.NewReader(gz[:len(gz)/2]))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadTwitterV2("in.jsonl.gz", r, NewSink(), Options{OnBadLine: Skip})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated gzip: %v, want io.ErrUnexpectedEOF", err)
	}
}

// checkJSONErr fails unless err is nil or a *ParseError with a record number and an
// offset within the input.
func checkJSONErr(t *testing.T, err error, size int) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	if pe.Line == 0 && (pe.Offset < 0 || pe.Offset > int64(size)) {
		t.Fatalf("error %v: offset %d outside the %d bytes", err, pe.Offset, size)
	}
}

// fuzzRead runs a reader on data under both policies: it must not panic, every
// error must be positioned, and a record is either read or skipped.
func fuzzRead(t *testing.T, data []byte, read func(r io.Reader, s *Sink, o Options) (Report, error), jsonl bool) {
	s := NewSink()
	rep, err := read(bytes.NewReader(data), s, Options{Since: 1e9, Until: 2e9})
	checkJSONErr(t, err, len(data))
	if _, ferr := s.Finish(); ferr != nil {
		t.Fatal(ferr)
	}
	if _, berr := s.Graph.Build(1, nil); berr != nil {
		t.Fatal(berr)
	}
	if err == nil && rep.Skipped != 0 {
		t.Fatalf("%d skipped under Fail", rep.Skipped)
	}
	rep, err = read(bytes.NewReader(data), NewSink(), Options{OnBadLine: Skip})
	if jsonl && err != nil {
		t.Fatalf("Skip: %v", err) // a JSONL line is always skippable
	}
	checkJSONErr(t, err, len(data))
	for _, e := range rep.FirstBad {
		checkJSONErr(t, e, len(data))
	}
	if jsonl && rep.Records+rep.Skipped > rep.Lines {
		t.Fatalf("%d records + %d skipped > %d lines", rep.Records, rep.Skipped, rep.Lines)
	}
}

func FuzzReadTwitterV2(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "twitter-v2", "search.jsonl")); err == nil {
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(line)
		}
	}
	for _, s := range []string{`{"data": {"id": "1", "text": "x", "author_id": "2"}}`, `{"data": [{"id": 5, "username": "u"}], "__twarc": {"url": "https://api.twitter.com/2/users/1/following"}}`,
		`{"data": [{"id": "7", "name": "l"}], "__twarc": {"url": "https://api.twitter.com/2/users/1/list_memberships"}}`,
		`{"data": [{"id": "8", "text": "t"}], "__twarc": {"url": "https://api.twitter.com/2/users/1/liked_tweets"}}`, "{}\n\n[]\nnull"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, func(r io.Reader, s *Sink, o Options) (Report, error) { return ReadTwitterV2("fuzz", r, s, o) }, true)
	})
}
