package ingest

import (
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

func TestReadHiggsActivity(t *testing.T) {
	RT, MT, RE := graph.Retweets, graph.Mentions, graph.Replies
	cases := []errCase{
		// The first two lines of the real file: one tweet that is both MT and RE.
		{name: "real head", in: "223789 213163 1341100972 MT\n223789 213163 1341100972 RE\n376989 50329 1341101181 RT\n", events: map[graph.Kind]int64{MT: 1, RE: 1, RT: 1}},
		{name: "tabs comments crlf", in: "# userA userB ts type\r\n\r\n1\t2\t5\tRT\r\n", events: map[graph.Kind]int64{RT: 1}},
		{name: "negative time", in: "1 2 -5 RE\n", events: map[graph.Kind]int64{RE: 1}},
		{name: "letters in userA", in: "1 2 5 RT\nabc 2 5 RT\n", pos: "2:1", msg: `expected an integer user id (userA), got "abc"`},
		{name: "signed userB", in: "1 -2 5 RT\n", pos: "1:3", msg: `expected an integer user id (userB), got "-2"`},
		{name: "bad time", in: "1 2 soon RT\n", pos: "1:5", msg: `expected a Unix time in seconds, got "soon"`},
		{name: "time overflow", in: "1 2 99999999999999999999 RT\n", pos: "1:5", msg: "expected a Unix time in seconds"},
		{name: "lower-case type", in: "1 2 5 rt\n", pos: "1:7", msg: `expected RT, MT or RE, got "rt"`},
		{name: "unknown type", in: "1 2 5 LK\n", pos: "1:7", msg: `expected RT, MT or RE, got "LK"`},
		{name: "missing type", in: "1 2 5\n", pos: "1:6", msg: "expected RT, MT or RE after 3 fields, got end of line"},
		{name: "missing time", in: "1 2 \n", pos: "1:5", msg: "expected a Unix time in seconds after 2 fields, got end of line"},
		{name: "missing userB", in: "17\n", pos: "1:3", msg: "expected an integer user id (userB) after 1 fields"},
		{name: "extra field", in: "1 2 5 RT x\n", pos: "1:10", msg: `expected end of line after the interaction type, got "x"`},
		{name: "bad field before missing one", in: "1 x\n", pos: "1:3", msg: `expected an integer user id (userB), got "x"`},
	}
	runCases(t, cases, func(name, in string, s *Sink) (Report, error) {
		return ReadHiggsActivity(name, strings.NewReader(in), s, Options{})
	})
}

func TestHiggsPostsAndLayers(t *testing.T) {
	s := NewSink()
	in := "1 2 100 MT\n1 2 100 RE\n1 3 100 MT\n1 4 200 RT\n2 1 100 RT\n5 5 300 MT\n"
	rep, err := ReadHiggsActivity("h", strings.NewReader(in), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []graph.Kind{graph.Retweets, graph.Mentions, graph.Replies} {
		if !s.Graph.Present(k) {
			t.Errorf("%s not declared", k)
		}
	}
	if s.Graph.Present(graph.Likes) || s.Graph.Present(graph.Follows) {
		t.Error("likes or follows declared")
	}
	if rep.SelfLoops[graph.Mentions] != 1 {
		t.Errorf("self-loops %v", rep.SelfLoops)
	}
	// By hand: user 1 posted at 100 (three lines) and 200; user 2 at 100; user 5 at 300.
	want := map[string]uint32{"1": 2, "2": 1, "3": 0, "4": 0, "5": 1}
	got := s.Posts.Authored(s.IDs.Len())
	for id, n := range want {
		u, ok := s.IDs.Lookup(s.IDs.Platform(""), []byte(id))
		if !ok || got[u] != n {
			t.Errorf("authored[%s] = %d, want %d", id, got[u], n)
		}
	}
	if r := s.Posts.Retweeted(s.IDs.Len()); r != nil {
		t.Errorf("Higgs has no retweeted post ids, got %v", r)
	}
}

func TestTimeWindow(t *testing.T) {
	in := "1 2 10 RT\n3 4 20 MT\n5 6 30 RE\n7 8 40 RT\n"
	s := NewSink()
	rep, err := ReadHiggsActivity("h", strings.NewReader(in), s, Options{Since: 20, Until: 40})
	if err != nil {
		t.Fatal(err)
	}
	// [20, 40) keeps the events at 20 and 30.
	if rep.Records != 4 || rep.OutOfWindow != 2 || rep.Events[graph.Mentions] != 1 || rep.Events[graph.Replies] != 1 || rep.Events[graph.Retweets] != 0 {
		t.Errorf("report %+v", rep)
	}
	if s.IDs.Len() != 4 {
		t.Errorf("%d users interned, want 4: out-of-window users are not", s.IDs.Len())
	}
	if !s.Graph.Present(graph.Retweets) {
		t.Error("retweets must stay declared when the window empties it")
	}
	// Open bounds: NoTime and 0.
	for _, o := range []Options{{Since: graph.NoTime, Until: graph.NoTime}, {}, {Since: 0, Until: 31}} {
		rep, err := ReadHiggsActivity("h", strings.NewReader(in), NewSink(), o)
		want := int64(4)
		if o.Until == 31 {
			want = 3
		}
		if err != nil || rep.TotalEvents() != want {
			t.Errorf("window [%d, %d): %d events, want %d (%v)", o.Since, o.Until, rep.TotalEvents(), want, err)
		}
	}
	// Events without a time are not affected; timed ones are.
	tab := "actor,target,type,time\na,b,like,\nc,d,like,1970-01-01T00:00:09Z\ne,f,like,25\n"
	rep, err = ReadInteractions("t", strings.NewReader(tab), NewSink(), Options{Since: 20, Until: 40})
	if err != nil || rep.Events[graph.Likes] != 2 || rep.OutOfWindow != 1 {
		t.Errorf("interactions: %+v, %v", rep, err)
	}
}
