package ingest

import (
	"errors"
	"strings"
	"testing"

	"github.com/clout-dev/clout/graph"
)

func TestReadEdgeList(t *testing.T) {
	F := graph.Follows
	cases := []errCase{
		{name: "plain", in: "1 2\n2 3\n", events: map[graph.Kind]int64{F: 2}},
		{name: "only # starts a comment", in: "% 2\n", events: map[graph.Kind]int64{F: 1}},
		{name: "bad weight before extra field", in: "1 2 x y\n", pos: "1:5", msg: `got "x"`},
		{name: "weights", in: "# c\n1\t2\t5\n\n2 3 1\n", events: map[graph.Kind]int64{F: 6}},
		{name: "integral floats", in: "1 2 1.0\n2 3 2e1\n3 4 007\n", events: map[graph.Kind]int64{F: 28}},
		{name: "crlf", in: "1 2\r\n3 4 2\r\n", events: map[graph.Kind]int64{F: 3}},
		{name: "no final newline", in: "1 2\n3 4", events: map[graph.Kind]int64{F: 2}},
		{name: "string ids", in: "alice bob\nbob @carol 2\n", events: map[graph.Kind]int64{F: 3}},
		{name: "self-loop counted", in: "1 1 3\n", events: map[graph.Kind]int64{F: 3}},
		{name: "empty", in: "", events: nil},
		{name: "zero weight", in: "1 2\n1 3 0\n", pos: "2:5", msg: `expected a positive integer weight (an event count), got "0"`},
		{name: "negative weight", in: "1 2 -3\n", pos: "1:5", msg: `got "-3"`},
		{name: "fractional weight", in: "10 20 1.5\n", pos: "1:7", msg: `expected an integer weight (an event count), got "1.5"`},
		{name: "word weight", in: "1 2 abc\n", pos: "1:5", msg: `got "abc"`},
		{name: "nan weight", in: "1 2 NaN\n", pos: "1:5", msg: `got "NaN"`},
		{name: "huge weight", in: "1 2 4294967296\n", pos: "1:5", msg: "expected a weight of at most 4294967295 events"},
		{name: "huge float weight", in: "1 2 1e10\n", pos: "1:5", msg: "expected a weight of at most 4294967295 events"},
		{name: "extra field", in: "1 2\n1 2 3 4\n", pos: "2:7", msg: `expected end of line after the weight (fields: actor target [weight]), got "4"`},
		{name: "missing target", in: "1 2\n  7 \n", pos: "2:5", msg: "expected a target id after the actor id, got end of line"},
		{name: "error after crlf", in: "1 2\r\n3 4 x\r\n", pos: "2:5", msg: `got "x"`},
	}
	runCases(t, cases, func(name, in string, s *Sink) (Report, error) {
		return ReadEdgeList(name, strings.NewReader(in), graph.Follows, s, Options{})
	})
}

func TestReadEdgeListReport(t *testing.T) {
	s := NewSink()
	in := "# header\n1 2 3\n2 1\n2 2\n\n9 1 2\n"
	rep, err := ReadEdgeList("x", strings.NewReader(in), graph.Retweets, s, Options{Platform: "twitter"})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: 4 data lines; weights 3+1+1+2; one self-loop (2 2); ids 1, 2, 9.
	if rep.Lines != 6 || rep.Records != 4 || rep.Events[graph.Retweets] != 7 || rep.SelfLoops[graph.Retweets] != 1 {
		t.Errorf("report %+v", rep)
	}
	if rep.Bytes != int64(len(in)) {
		t.Errorf("Bytes = %d, want %d", rep.Bytes, len(in))
	}
	if s.IDs.Len() != 3 || s.IDs.ID(2) != "9" || s.IDs.PlatformOf(0) != "twitter" {
		t.Errorf("ids: %d, %q", s.IDs.Len(), s.IDs.ID(2))
	}
	g, err := s.Graph.Build(1, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := g.Layer(graph.Retweets)
	if l == nil || l.Edges() != 3 || l.Events() != 6 || g.SelfLoops(graph.Retweets) != 1 {
		t.Errorf("layer: %v edges, %v events", l.Edges(), l.Events())
	}
	if g.Has(graph.Follows) {
		t.Error("follows declared")
	}
}

func TestReadEdgeListEmptyDeclares(t *testing.T) {
	s := NewSink()
	if _, err := ReadEdgeList("x", strings.NewReader("# nothing\n"), graph.Likes, s, Options{}); err != nil {
		t.Fatal(err)
	}
	if !s.Graph.Present(graph.Likes) {
		t.Error("an empty edge list must still declare its layer (zero, not null)")
	}
}

func TestLineTooLong(t *testing.T) {
	long := strings.Repeat("9", maxLine+10)
	in := "1 2\n" + long + " 3\n4 5\n"
	_, err := ReadEdgeList("x", strings.NewReader(in), graph.Follows, NewSink(), Options{})
	if got := position(t, err); got != "2" || !strings.Contains(err.Error(), "line longer than 1048576 bytes") {
		t.Fatalf("error %v", err)
	}
	rep, err := ReadEdgeList("x", strings.NewReader(in), graph.Follows, NewSink(), Options{OnBadLine: Skip})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped != 1 || rep.Records != 2 || rep.Lines != 3 || rep.Bytes != int64(len(in)) {
		t.Errorf("report %+v", rep)
	}
}

func TestSkipPolicy(t *testing.T) {
	// Bad lines at 2, 4, 5, 7, 8, 9 and 10; good ones at 1, 3, 6 and 11.
	in := strings.Join([]string{
		"1 2", "x", "2 3", "1 2 0", "1 2 3 4", "3 4 2", "5", "6", "7", "8 9 -1", "9 8",
	}, "\n")
	rep, err := ReadEdgeList("x", strings.NewReader(in), graph.Follows, NewSink(), Options{OnBadLine: Skip})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Skipped != 7 || rep.Records != 4 || rep.Events[graph.Follows] != 5 {
		t.Errorf("skipped %d, records %d, events %d; want 7, 4, 5", rep.Skipped, rep.Records, rep.Events[graph.Follows])
	}
	want := []string{"2:2", "4:5", "5:7", "7:2", "8:2"}
	if len(rep.FirstBad) != len(want) {
		t.Fatalf("%d first errors, want %d", len(rep.FirstBad), len(want))
	}
	for i, e := range rep.FirstBad {
		if got := position(t, e); got != want[i] {
			t.Errorf("FirstBad[%d] at %s, want %s", i, got, want[i])
		}
	}
	// Under Fail the first bad line stops the reader.
	rep, err = ReadEdgeList("x", strings.NewReader(in), graph.Follows, NewSink(), Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || rep.Records != 1 {
		t.Errorf("Fail: %v, %d records", err, rep.Records)
	}
}

func TestParseWeight(t *testing.T) {
	for in, want := range map[string]uint32{"1": 1, "42": 42, "0042": 42, "1.0": 1, "3.000": 3, "1e3": 1000, "+2": 2, "4294967295": 4294967295} {
		if got, msg := parseWeight([]byte(in)); msg != "" || got != want {
			t.Errorf("parseWeight(%q) = %d, %q; want %d", in, got, msg, want)
		}
	}
	for _, in := range []string{"0", "0.0", "-1", "1.5", "x", "inf", "0x10", "1e-3", "4294967296", "99999999999999999999999", ""} {
		if _, msg := parseWeight([]byte(in)); msg == "" {
			t.Errorf("parseWeight(%q) accepted", in)
		}
	}
}

func TestMixedFeedsRefused(t *testing.T) {
	s := NewSink()
	if _, err := ReadHiggsActivity("act.txt", strings.NewReader("1 2 5 RT\n"), s, Options{}); err != nil {
		t.Fatal(err)
	}
	_, err := ReadEdgeList("rt.edgelist", strings.NewReader("1 2 1\n"), graph.Retweets, s, Options{})
	want := "ingest: layer retweets is fed by both act.txt (events) and rt.edgelist (aggregated edge list): the same events would count twice; use one"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	// Another layer is fine.
	if _, err := ReadEdgeList("f.edgelist", strings.NewReader("1 2\n"), graph.Follows, s, Options{}); err != nil {
		t.Error(err)
	}
	// An interactions table meeting a layer an edge list fed fails at that row.
	_, err = ReadInteractions("t.csv", strings.NewReader("actor,target,type\n1,2,like\n1,2,follow\n"), s, Options{})
	if got := position(t, err); got != "3:5" || !strings.Contains(err.Error(), "layer follows is fed by both t.csv (events) and f.edgelist") {
		t.Errorf("got %v", err)
	}
}
