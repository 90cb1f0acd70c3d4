package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/clout-dev/clout/graph"
)

// checkFuzzErr fails unless err is nil or a *ParseError with a line number.
func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	if pe.Line < 1 {
		t.Fatalf("error %v has no line", err)
	}
}

// checkSkip runs read under the Skip policy: it must not fail, and keep only
// positioned errors.
func checkSkip(t *testing.T, read func(o Options) (Report, error)) Report {
	t.Helper()
	rep, err := read(Options{OnBadLine: Skip})
	if err != nil {
		t.Fatalf("Skip: %v", err)
	}
	for _, e := range rep.FirstBad {
		checkFuzzErr(t, e)
	}
	if int64(len(rep.FirstBad)) != min(rep.Skipped, maxFirstBad) {
		t.Fatalf("%d first errors for %d skipped", len(rep.FirstBad), rep.Skipped)
	}
	if rep.Records+rep.Skipped > rep.Lines {
		t.Fatalf("%d records + %d skipped > %d lines", rep.Records, rep.Skipped, rep.Lines)
	}
	return rep
}

func FuzzReadEdgeList(f *testing.F) {
	for _, s := range []string{
		"1 2\n2 3 4\n", "# c\n\n1\t2\t1.0\r\n", "a b\nb c 2e1\n", "1 2 0\n", "1 2 3 4\n", "1\n",
		"1 2 -1\n", "1 2 1.5", "18446744073709551616 0 4294967295\n", "\x00 \xff\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSink()
		rep, err := ReadEdgeList("fuzz", bytes.NewReader(data), graph.Follows, s, Options{})
		checkFuzzErr(t, err)
		if err == nil && rep.Events[graph.Follows] < rep.Records {
			t.Fatalf("%d events for %d records", rep.Events[graph.Follows], rep.Records)
		}
		if s.IDs.Len() > 2*int(rep.Records) {
			t.Fatalf("%d ids for %d records", s.IDs.Len(), rep.Records)
		}
		checkSkip(t, func(o Options) (Report, error) {
			return ReadEdgeList("fuzz", bytes.NewReader(data), graph.Follows, NewSink(), o)
		})
	})
}

func FuzzReadHiggsActivity(f *testing.F) {
	for _, s := range []string{
		"223789 213163 1341100972 MT\n223789 213163 1341100972 RE\n", "1 2 -5 RT\r\n# c\n\n",
		"1 2 5 rt\n", "1 2 5\n", "1 2 5 RT x\n", "a 2 5 RT\n", "1 2 99999999999999999999 RE\n",
		"1 2 5 RT\n1 2 5 MT\n1 3 5 MT\n1 4 6 MT\n", "007 2 5 RT\n007 03 5 MT\n 7 4 5 MT\n# c\n7 5 5 RT\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSink()
		rep, err := ReadHiggsActivity("fuzz", bytes.NewReader(data), s, Options{Since: 3, Until: 1 << 40})
		checkFuzzErr(t, err)
		if err == nil && rep.TotalEvents()+rep.OutOfWindow != rep.Records {
			t.Fatalf("%d events + %d out of window != %d records", rep.TotalEvents(), rep.OutOfWindow, rep.Records)
		}
		// Dropping a retweet's mentions fails the same way, interns the same ids,
		// and leaves out of Events exactly the mentions it counts.
		ds := NewSink()
		drep, derr := ReadHiggsActivity("fuzz", bytes.NewReader(data), ds, Options{Since: 3, Until: 1 << 40, RetweetMentions: DropRetweetMentions})
		if fmt.Sprint(derr) != fmt.Sprint(err) {
			t.Fatalf("drop: error %v, keep: %v", derr, err)
		}
		sameIDs(t, s.IDs, ds.IDs)
		diff := rep.Events
		diff[graph.Mentions] -= drep.RetweetMentions
		if drep.RetweetMentions != rep.RetweetMentions || drep.Records != rep.Records || (err == nil && drep.Events != diff) {
			t.Fatalf("drop: events %v, %d retweet mentions, %d records; keep: %v, %d, %d", drep.Events, drep.RetweetMentions, drep.Records, rep.Events, rep.RetweetMentions, rep.Records)
		}
		for _, p := range []RetweetMentionPolicy{KeepRetweetMentions, DropRetweetMentions} {
			checkSkip(t, func(o Options) (Report, error) {
				o.RetweetMentions = p
				return ReadHiggsActivity("fuzz", bytes.NewReader(data), NewSink(), o)
			})
		}
	})
}

func FuzzReadInteractions(f *testing.F) {
	for _, s := range []string{
		"actor,target,type,time,post_id\na,b,retweet,2012-07-01T00:02:52Z,p1\nc,b,RT,1341100972,p1\n",
		"Type\tTime\tTarget\tActor\nmention\t5\t2\t1\n", "actor,target,type\n\"a,1\",\"b\"\"x\",rt\n",
		"actor,target\n", "actor,target,type\na,b\"c,rt\n", "actor,target,type\na,\"b,rt\n", "",
		"actor,target,type,time\na,b,rt\n", "\ufeffactor,target,type\n ,b,like\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewSink()
		rep, err := ReadInteractions("fuzz", bytes.NewReader(data), s, Options{})
		checkFuzzErr(t, err)
		if err == nil && rep.TotalEvents() != rep.Records {
			t.Fatalf("%d events for %d records", rep.TotalEvents(), rep.Records)
		}
		if _, err := ReadInteractions("fuzz", bytes.NewReader(data), NewSink(), Options{OnBadLine: Skip}); err != nil {
			checkFuzzErr(t, err) // a bad header still fails under Skip
		}
	})
}

// FuzzFastEdge checks the one-pass edge-list parser against the general one: when
// it accepts a line, splitting it and parsing its fields must give the same edge.
func FuzzFastEdge(f *testing.F) {
	for _, s := range []string{"1 2", "1\t2\t3", "0 0 1", "01 2", "1 2 0", "1 2 007", "1  2 \t", "12345678901234567890 1", "1 2 999999999", "1 2 1000000000"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		src, dst, w, dcol, ok := fastEdge(line)
		if !ok {
			return
		}
		var sp [4]span
		n := split(line, sp[:])
		if n < 2 || n > 3 || sp[0].lo != 0 || sp[1].lo+1 != dcol {
			t.Fatalf("fastEdge accepted %q, split gives %d fields %v", line, n, sp[:n])
		}
		sv, sok := canonicalUint(line[sp[0].lo:sp[0].hi])
		dv, dok := canonicalUint(line[sp[1].lo:sp[1].hi])
		wv := uint32(1)
		if n == 3 {
			var msg string
			if wv, msg = parseWeight(line[sp[2].lo:sp[2].hi]); msg != "" {
				t.Fatalf("fastEdge accepted %q, parseWeight says %s", line, msg)
			}
		}
		if !sok || !dok || sv != src || dv != dst || wv != w {
			t.Fatalf("fastEdge(%q) = %d %d %d, general %d %d %d", line, src, dst, w, sv, dv, wv)
		}
	})
}

// FuzzFastHiggs checks the one-pass activity-line parser against the general one.
func FuzzFastHiggs(f *testing.F) {
	for _, s := range []string{"1 2 3 RT", "223789 213163 1341100972 MT", "1\t2\t3\tRE\t", "01 2 3 RT", "1 2 -3 RT", "1 2 3 RTX", "1 2 3", "1 2 1234567890123456789 RE"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		a, b, ts, k, bcol, ok := fastHiggs(line)
		if !ok {
			return
		}
		var sp [5]span
		n := split(line, sp[:])
		if n != 4 || sp[0].lo != 0 || sp[1].lo+1 != bcol {
			t.Fatalf("fastHiggs accepted %q, split gives %v", line, sp[:n])
		}
		lr := &lineReader{name: "x", line: 1}
		gk, gt, bad := parseHiggs(lr, line, sp[:n])
		av, aok := canonicalUint(line[sp[0].lo:sp[0].hi])
		bv, bok := canonicalUint(line[sp[1].lo:sp[1].hi])
		if bad != nil || !aok || !bok || av != a || bv != b || gt != ts || gk != k {
			t.Fatalf("fastHiggs(%q) = %d %d %d %v; general %d %d %d %v (%v)", line, a, b, ts, k, av, bv, gt, gk, bad)
		}
	})
}
