package ingest

import (
	"fmt"
	"slices"
	"strconv"
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

// TestHiggsRetweetMentions reads hand-written logs under both policies. carried lists,
// by hand, the lines that are mentions a retweet carries: MT lines of a run (adjacent
// lines of one userA, as written, at one second) that holds an RT line. The events
// per layer are counted by hand; the edges and the order of the dense ids are checked
// against refHiggs, a second reader of these inputs that knows nothing of runs.
func TestHiggsRetweetMentions(t *testing.T) {
	RT, MT, RE := graph.Retweets, graph.Mentions, graph.Replies
	var long strings.Builder // one retweet that carries 300 mentions: a run longer than a batch
	long.WriteString("9 1000 100 RT\n")
	for i := range 300 {
		fmt.Fprintf(&long, "9 %d 100 MT\n", 2000+i)
	}
	long.WriteString("9 1000 101 RT\n")
	var longCarried []int
	for l := 2; l <= 301; l++ {
		longCarried = append(longCarried, l)
	}
	cases := []struct {
		name       string
		in         string
		o          Options
		carried    []int // line numbers
		keep, drop map[graph.Kind]int64
		selfLoops  [2]int64 // mention self-loops under keep, drop
	}{
		// "RT @2: … @2 … @3": the retweet names 2, whose tweet mentions 2 and 3.
		{name: "retweet with mentions", in: "1 2 100 RT\n1 2 100 MT\n1 3 100 MT\n", carried: []int{2, 3},
			keep: map[graph.Kind]int64{RT: 1, MT: 2}, drop: map[graph.Kind]int64{RT: 1}},
		{name: "mention before the retweet", in: "1 3 100 MT\n1 2 100 RT\n", carried: []int{1},
			keep: map[graph.Kind]int64{RT: 1, MT: 1}, drop: map[graph.Kind]int64{RT: 1}},
		{name: "reply that mentions", in: "4 5 100 MT\n4 5 100 RE\n",
			keep: map[graph.Kind]int64{MT: 1, RE: 1}, drop: map[graph.Kind]int64{MT: 1, RE: 1}},
		{name: "another account at the same second", in: "1 2 100 RT\n6 2 100 MT\n",
			keep: map[graph.Kind]int64{RT: 1, MT: 1}, drop: map[graph.Kind]int64{RT: 1, MT: 1}},
		{name: "the same account a second later", in: "1 2 100 RT\n1 3 101 MT\n",
			keep: map[graph.Kind]int64{RT: 1, MT: 1}, drop: map[graph.Kind]int64{RT: 1, MT: 1}},
		// A run is made of adjacent lines: a comment or a blank line between two
		// lines ends it, as it does in the awk count of the README.
		{name: "a comment ends the run", in: "1 2 100 RT\n# c\n1 3 100 MT\n",
			keep: map[graph.Kind]int64{RT: 1, MT: 1}, drop: map[graph.Kind]int64{RT: 1, MT: 1}},
		{name: "a blank line ends the run", in: "1 3 100 MT\n\n1 2 100 RT\n",
			keep: map[graph.Kind]int64{RT: 1, MT: 1}, drop: map[graph.Kind]int64{RT: 1, MT: 1}},
		// "007" and "7" are two users (Interner), so line 3 starts another run.
		{name: "leading zeros in userA", in: "007 2 100 RT\n007 3 100 MT\n7 4 100 MT\n", carried: []int{2},
			keep: map[graph.Kind]int64{RT: 1, MT: 2}, drop: map[graph.Kind]int64{RT: 1, MT: 1}},
		// Lines 1 and 3 take the slow path (userB "02", "04"), line 4 too (leading
		// blank); all four are one run of userA 1.
		{name: "leading zeros in userB", in: "1 02 100 RT\n1 3 100 MT\n1 04 100 MT\n 1 5 100 MT\n", carried: []int{2, 3, 4},
			keep: map[graph.Kind]int64{RT: 1, MT: 3}, drop: map[graph.Kind]int64{RT: 1}},
		{name: "window cuts the retweet's second out", in: "1 2 100 RT\n1 3 100 MT\n1 4 101 MT\n", o: Options{Since: 101},
			keep: map[graph.Kind]int64{MT: 1}, drop: map[graph.Kind]int64{MT: 1}},
		// Line 2 is outside the window: line 3 is not adjacent to line 1.
		{name: "a line outside the window ends the run", in: "1 2 101 RT\n1 9 100 MT\n1 3 101 MT\n", o: Options{Since: 101},
			keep: map[graph.Kind]int64{RT: 1, MT: 1}, drop: map[graph.Kind]int64{RT: 1, MT: 1}},
		{name: "a bad line skipped ends the run", in: "1 2 100 RT\n1 3 100 MT\n1 x 100 MT\n1 4 100 MT\n", o: Options{OnBadLine: Skip}, carried: []int{2},
			keep: map[graph.Kind]int64{RT: 1, MT: 2}, drop: map[graph.Kind]int64{RT: 1, MT: 1}},
		{name: "self-loop carried", in: "5 6 100 RT\n5 5 100 MT\n", carried: []int{2},
			keep: map[graph.Kind]int64{RT: 1, MT: 1}, drop: map[graph.Kind]int64{RT: 1}, selfLoops: [2]int64{1, 0}},
		{name: "a run longer than a batch", in: long.String(), carried: longCarried,
			keep: map[graph.Kind]int64{RT: 2, MT: 300}, drop: map[graph.Kind]int64{RT: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ids [2]*Interner
			for i, p := range []RetweetMentionPolicy{KeepRetweetMentions, DropRetweetMentions} {
				o := c.o
				o.RetweetMentions = p
				s := NewSink()
				rep, err := ReadHiggsActivity("h", strings.NewReader(c.in), s, o)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				want := c.keep
				if p == DropRetweetMentions {
					want = c.drop
				}
				for _, k := range []graph.Kind{RT, MT, RE} {
					if rep.Events[k] != want[k] {
						t.Errorf("%s: events[%s] = %d, want %d", p, k, rep.Events[k], want[k])
					}
				}
				if rep.RetweetMentions != int64(len(c.carried)) || rep.RetweetMentionsDropped != (p == DropRetweetMentions) {
					t.Errorf("%s: %d retweet mentions (dropped %v), want %d", p, rep.RetweetMentions, rep.RetweetMentionsDropped, len(c.carried))
				}
				if rep.SelfLoops[MT] != c.selfLoops[i] {
					t.Errorf("%s: %d mention self-loops, want %d", p, rep.SelfLoops[MT], c.selfLoops[i])
				}
				var leftOut []int
				if p == DropRetweetMentions {
					leftOut = c.carried
				}
				wantEdges, wantIDs := refHiggs(t, c.in, c.o, leftOut)
				if got := higgsEdges(t, s); !slices.Equal(got, wantEdges) {
					t.Errorf("%s: edges\n%v\nwant\n%v", p, got, wantEdges)
				}
				var got []string
				for u := range s.IDs.Len() {
					got = append(got, s.IDs.ID(uint32(u)))
				}
				if !slices.Equal(got, wantIDs) {
					t.Errorf("%s: dense ids name %v, want %v", p, got, wantIDs)
				}
				ids[i] = s.IDs
			}
			sameIDs(t, ids[0], ids[1])
		})
	}
}

// TestHiggsRetweetMentionErrors: errors keep their positions under both policies,
// and the events read before them are in. The positions are those of the lines as
// written (by hand); the interner is limited to 2 ids, so the third id fails.
func TestHiggsRetweetMentionErrors(t *testing.T) {
	cases := []struct {
		name       string
		in         string
		maxIDs     uint64
		pos, msg   string
		keep, drop int64 // events read before the error, all layers, by hand
		carried    int64
	}{
		// The run of lines 1-2 is over when line 3 fails: line 2 is carried.
		{name: "bad line after a run", in: "1 2 100 RT\n1 3 100 MT\n1 x 100 MT\n", pos: "3:3", msg: `expected an integer user id (userB), got "x"`, keep: 2, drop: 1, carried: 1},
		{name: "ids run out in a run", in: "1 2 100 RT\n1 3 100 MT\n", maxIDs: 2, pos: "2:3", msg: "more than 2^32-1 distinct user ids", keep: 1, drop: 1, carried: 1},
		{name: "ids run out at userB with leading zeros", in: "1 2 100 RT\n1 003 100 MT\n", maxIDs: 2, pos: "2:3", msg: "more than 2^32-1", keep: 1, drop: 1, carried: 1},
		{name: "ids run out at userA with leading zeros", in: "1 2 100 RT\n01 2 100 MT\n", maxIDs: 2, pos: "2:1", msg: "more than 2^32-1", keep: 1, drop: 1},
		{name: "ids run out after a raw run", in: "01 2 100 RT\n01 2 100 MT\n1 3 100 MT\n", maxIDs: 2, pos: "3:1", msg: "more than 2^32-1", keep: 2, drop: 1, carried: 1},
		{name: "line too long in a run", in: "1 2 100 RT\n1 3 100 MT\n" + strings.Repeat("9", maxLine) + "\n", pos: "3", msg: "line longer than", keep: 2, drop: 1, carried: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, p := range []RetweetMentionPolicy{KeepRetweetMentions, DropRetweetMentions} {
				s := NewSink()
				s.IDs.max = c.maxIDs
				rep, err := ReadHiggsActivity("in.txt", strings.NewReader(c.in), s, Options{RetweetMentions: p})
				if err == nil {
					t.Fatalf("%s: no error, want one at %s", p, c.pos)
				}
				if got := position(t, err); got != c.pos || !strings.HasPrefix(err.Error(), "in.txt:"+c.pos+": ") || !strings.Contains(err.Error(), c.msg) {
					t.Errorf("%s: error %q at %s, want %q at %s", p, err, got, c.msg, c.pos)
				}
				want := c.keep
				if p == DropRetweetMentions {
					want = c.drop
				}
				if rep.TotalEvents() != want || rep.RetweetMentions != c.carried {
					t.Errorf("%s: %d events, %d retweet mentions before the error; want %d, %d", p, rep.TotalEvents(), rep.RetweetMentions, want, c.carried)
				}
			}
		})
	}
}

// higgsEdges builds the graph of s and lists its edges as "layer a>b×count", with
// the users' ids, sorted.
func higgsEdges(t *testing.T, s *Sink) []string {
	t.Helper()
	g, err := s.Graph.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range []graph.Kind{graph.Retweets, graph.Mentions, graph.Replies} {
		l := g.Layer(k)
		for u := range uint32(l.Nodes()) {
			lo, hi := l.OutRange(u)
			for i := lo; i < hi; i++ {
				v, n, _, _ := l.EdgeAt(i)
				out = append(out, fmt.Sprintf("%s %s>%s×%d", k, s.IDs.ID(u), s.IDs.ID(v), n))
			}
		}
	}
	slices.Sort(out)
	return out
}

// refHiggs reads a test log the plain way, line by line with strings.Fields, with the
// window and the bad-line policy of o but without runs, and leaves out the lines
// numbered in leftOut. It returns the edges as higgsEdges lists them (self-loops
// dropped, as the graph Builder drops them) and the ids of all read lines in order of
// first appearance, the left-out lines' included.
func refHiggs(t *testing.T, in string, o Options, leftOut []int) (edges, ids []string) {
	t.Helper()
	count := map[string]int{}
	seen := map[string]bool{}
	for i, line := range strings.Split(in, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0][0] == '#' {
			continue
		}
		ts, err := strconv.ParseInt(f[2], 10, 64)
		k, ok := higgsKind([]byte(f[3]))
		if len(f) != 4 || !allDigits([]byte(f[0])) || !allDigits([]byte(f[1])) || err != nil || !ok {
			if o.OnBadLine != Skip {
				t.Fatalf("line %d is bad: give the case Skip", i+1)
			}
			continue
		}
		if !o.inWindow(ts) {
			continue
		}
		for _, id := range f[:2] {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if slices.Contains(leftOut, i+1) || f[0] == f[1] {
			continue
		}
		count[fmt.Sprintf("%s %s>%s", k, f[0], f[1])]++
	}
	for e, n := range count {
		edges = append(edges, fmt.Sprintf("%s×%d", e, n))
	}
	slices.Sort(edges)
	return edges, ids
}

// sameIDs checks that two interners gave the same ids the same dense ids.
func sameIDs(t *testing.T, a, b *Interner) {
	t.Helper()
	if a.Len() != b.Len() {
		t.Fatalf("%d ids against %d", a.Len(), b.Len())
	}
	for u := range uint32(a.Len()) {
		if a.ID(u) != b.ID(u) || a.PlatformOf(u) != b.PlatformOf(u) {
			t.Fatalf("dense id %d is %q against %q", u, a.ID(u), b.ID(u))
		}
	}
}
