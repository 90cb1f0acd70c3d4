package ingest

import (
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

func TestReadInteractions(t *testing.T) {
	RT, MT, LK, F := graph.Retweets, graph.Mentions, graph.Likes, graph.Follows
	cases := []errCase{
		{name: "csv", in: "actor,target,type,time,post_id\na,b,retweet,2012-07-01T00:02:52Z,p1\nc,b,RT,1341100972,p1\nc,b,like,,\n", events: map[graph.Kind]int64{RT: 2, LK: 1}},
		{name: "tsv any order extra column", in: "Type\tTime\textra\tTarget\tActor\nmention\t5\tx\t2\t1\nfollow\t\t\t1\t2\n", events: map[graph.Kind]int64{MT: 1, F: 1}},
		{name: "no time column", in: "actor,target,type\n1,2,like\n", events: map[graph.Kind]int64{LK: 1}},
		{name: "quoted", in: "actor,target,type,time\n\"a,1\",\"b\"\"x\",rt,\n", events: map[graph.Kind]int64{RT: 1}},
		{name: "bom and spaces in header", in: "\ufeffActor , TARGET,type\n1,2,like\n", events: map[graph.Kind]int64{LK: 1}},
		{name: "header only", in: "actor,target,type,time\n", events: nil},
		{name: "empty", in: "", pos: "1", msg: "expected a header row naming the columns actor, target, type and optionally time and post_id, got an empty input"},
		{name: "missing columns", in: "actor,to,kind\n1,2,rt\n", pos: "1", msg: "missing target, type"},
		{name: "duplicate column", in: "actor,target,type,Actor\n", pos: "1:19", msg: `column "Actor" appears twice in the header`},
		{name: "bad type", in: "actor,target,type,time\na,b,rt,1\na,b,poke,1\n", pos: "3:5", msg: `expected an interaction type (follows, retweets, mentions, replies or likes), got "poke"`},
		{name: "bad time", in: "actor,target,type,time\na,b,rt,yesterday\n", pos: "2:8", msg: `expected a time as RFC 3339 (like 2012-07-01T00:02:52Z) or Unix seconds, got "yesterday"`},
		{name: "bad time tsv", in: "actor\ttarget\ttype\ttime\na\tb\trt\t2012-07-01 00:02:52\n", pos: "2:8", msg: `got "2012-07-01 00:02:52"`},
		{name: "empty actor", in: "actor,target,type\n ,b,rt\n", pos: "2:1", msg: "expected an actor id, got an empty field"},
		{name: "empty target", in: "type,actor,target\nrt,a,\n", pos: "2:6", msg: "expected a target id, got an empty field"},
		{name: "too few fields", in: "actor,target,type,time\na,b,rt,1\na,b,rt\n", pos: "3:1", msg: "expected 4 fields as in the header, got 3"},
		{name: "bare quote", in: "actor,target,type\na,b\"c,rt\n", pos: "2:4", msg: `bare " in non-quoted-field`},
		{name: "unterminated quote", in: "actor,target,type\na,\"b,rt\n", pos: "2:9", msg: `extraneous or missing " in quoted-field`},
	}
	runCases(t, cases, func(name, in string, s *Sink) (Report, error) {
		return ReadInteractions(name, strings.NewReader(in), s, Options{})
	})
}

func TestInteractionsPosts(t *testing.T) {
	s := NewSink()
	in := "actor,target,type,post_id\n" +
		"a,b,retweet,p1\n" + // b's post p1 retweeted
		"c,b,retweet,p1\n" + // the same post again
		"c,b,retweet,p2\n" + // another post of b
		"a,c,retweet,p1\n" + // c's p1: another user's post, despite the same id
		"d,b,like,p3\n" + // a like: not a retweet
		"d,e,retweet,\n" // no post id
	if _, err := ReadInteractions("t", strings.NewReader(in), s, Options{}); err != nil {
		t.Fatal(err)
	}
	got := s.Posts.Retweeted(s.IDs.Len())
	want := map[string]uint32{"a": 0, "b": 2, "c": 1, "d": 0, "e": 0}
	for id, n := range want {
		u, _ := s.IDs.Lookup(0, []byte(id))
		if got[u] != n {
			t.Errorf("retweeted[%s] = %d, want %d", id, got[u], n)
		}
	}
	if a := s.Posts.Authored(s.IDs.Len()); a != nil {
		t.Errorf("an interactions table says nothing of authored posts, got %v", a)
	}
	// No post_id column: the signal stays unknown.
	s = NewSink()
	if _, err := ReadInteractions("t", strings.NewReader("actor,target,type\na,b,rt\n"), s, Options{}); err != nil {
		t.Fatal(err)
	}
	if r := s.Posts.Retweeted(s.IDs.Len()); r != nil {
		t.Errorf("no post_id column, got %v", r)
	}
}

func TestInteractionsSkip(t *testing.T) {
	in := "actor,target,type,time\n" +
		"a,b,rt,1\n" +
		"a,b,poke,1\n" + // 3:5
		"a,b\"c,rt,1\n" + // 4:4 bare quote
		"a,b,rt\n" + // 5:1 field count
		",b,rt,1\n" + // 6:1
		"a,b,rt,x\n" + // 7:8
		"a,b,rt,2\n"
	rep, err := ReadInteractions("t", strings.NewReader(in), NewSink(), Options{OnBadLine: Skip})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped != 5 || rep.Records != 2 || rep.Events[graph.Retweets] != 2 || rep.Lines != 8 {
		t.Errorf("report %+v", rep)
	}
	want := []string{"3:5", "4:4", "5:1", "6:1", "7:8"}
	for i, e := range rep.FirstBad {
		if got := position(t, e); got != want[i] {
			t.Errorf("FirstBad[%d] at %s, want %s (%v)", i, got, want[i], e)
		}
	}
}

func TestParseTime(t *testing.T) {
	ok := map[string]int64{
		"1341100972":                1341100972,
		" -5 ":                      -5,
		"2012-07-01T00:02:52Z":      1341100972,
		"2012-07-01T02:02:52+02:00": 1341100972,
		"2012-07-01T00:02:52.999Z":  1341100972,
		"1969-12-31T23:59:59.5Z":    -1,
	}
	for in, want := range ok {
		if got, err := ParseTime(in); err != nil || got != want {
			t.Errorf("ParseTime(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "yesterday", "2012-07-01", "2012-07-01 00:02:52", "1e9", "99999999999999999999"} {
		if _, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) accepted", in)
		}
	}
}
