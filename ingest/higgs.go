package ingest

import (
	"io"

	"github.com/clout-dev/clout/graph"
)

// higgsFields names the fields of a Higgs activity line, for error messages.
var higgsFields = [4]string{"an integer user id (userA)", "an integer user id (userB)", "a Unix time in seconds", "RT, MT or RE"}

// ReadHiggsActivity reads the SNAP Higgs Twitter activity log (De Domenico et al.,
// "The Anatomy of a Scientific Rumor", Scientific Reports 3:2980, 2013;
// https://snap.stanford.edu/data/higgs-twitter.html): one event per line,
// "userA userB unix_seconds RT|MT|RE", meaning userA retweeted (RT), mentioned (MT)
// or replied to (RE) userB at that time. Each event is added with its time to the
// Retweets, Mentions or Replies layer; all three are declared, since the log carries
// them even when a window leaves one empty.
//
// The log has no tweet ids, so each (userA, time) pair is taken as one post by userA
// (the same tweet appears once per type, e.g. as both MT and RE) and fed to
// s.Posts.AddAuthored with TimeKey. Which of userB's posts was retweeted is unknown,
// so the retweeted-posts signal is left unknown.
func ReadHiggsActivity(name string, r io.Reader, s *Sink, o Options) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatHiggsActivity}
	if err := s.check(); err != nil {
		return rep, err
	}
	kinds := [...]graph.Kind{graph.Retweets, graph.Mentions, graph.Replies}
	if err := s.claim(name, true, kinds[:]...); err != nil {
		return rep, err
	}
	for _, k := range kinds {
		s.Graph.Declare(k)
	}
	if s.Posts != nil {
		s.Posts.DeclareAuthored()
	}
	plat := s.IDs.Platform(o.Platform)
	lr := newLineReader(name, r, maxLine)
	lr.skipLong = o.OnBadLine == Skip
	defer func() { rep.Bytes = lr.pos }()

	var f [5]span
	batch := newEdgeBatch(name, s, plat, &rep)
	batch.authors, batch.records = true, false
	// fail returns err after the events read before it are in.
	fail := func(err error) (Report, error) {
		if ferr := batch.flush(); ferr != nil {
			return rep, ferr
		}
		return rep, err
	}
	for {
		line, err := lr.nextCounted(&rep, &o)
		if err == io.EOF {
			return fail(nil)
		}
		if err != nil {
			return fail(err)
		}
		if a, b, t, k, bcol, ok := fastHiggs(line); ok {
			rep.Records++
			if !o.inWindow(t) {
				rep.OutOfWindow++
				continue
			}
			e := pendingEdge{src: a, dst: b, t: t, off: lr.off, line: lr.line, scol: 1, dcol: int32(bcol), w: 1, k: k}
			if err := batch.add(e); err != nil {
				return rep, err
			}
			continue
		}
		n := split(line, f[:])
		if n == 0 || isComment(line, f[0].lo) {
			continue
		}
		k, t, bad := parseHiggs(lr, line, f[:n])
		if bad != nil {
			if err := rep.bad(&o, bad); err != nil {
				return fail(err)
			}
			continue
		}
		rep.Records++
		if !o.inWindow(t) {
			rep.OutOfWindow++
			continue
		}
		av, aok := canonicalUint(line[f[0].lo:f[0].hi])
		bv, bok := canonicalUint(line[f[1].lo:f[1].hi])
		if aok && bok {
			e := pendingEdge{src: av, dst: bv, t: t, off: lr.off, line: lr.line, scol: int32(f[0].lo + 1), dcol: int32(f[1].lo + 1), w: 1, k: k}
			if err := batch.add(e); err != nil {
				return rep, err
			}
			continue
		}
		// Ids with leading zeros: one event at a time, in order.
		if bad := badID(lr, f[0], line[f[0].lo:f[0].hi], f[1], line[f[1].lo:f[1].hi]); bad != nil {
			if err := rep.bad(&o, bad); err != nil {
				return rep, err
			}
			continue
		}
		if err := batch.flush(); err != nil {
			return rep, err
		}
		a, err := s.IDs.Intern(plat, line[f[0].lo:f[0].hi])
		if err != nil {
			return rep, lr.errAt(f[0].lo+1, "%w", err)
		}
		b, err := s.IDs.Intern(plat, line[f[1].lo:f[1].hi])
		if err != nil {
			return rep, lr.errAt(f[1].lo+1, "%w", err)
		}
		rep.Events[k]++
		if a == b {
			rep.SelfLoops[k]++
		}
		s.Graph.AddAt(k, a, b, 1, t)
		if s.Posts != nil {
			s.Posts.AddAuthored(a, TimeKey(t))
		}
	}
}

// parseHiggs checks the fields of one activity line, left to right, and returns its
// layer and time.
func parseHiggs(lr *lineReader, line []byte, f []span) (graph.Kind, int64, *ParseError) {
	for i := range min(len(f), 4) {
		tok := line[f[i].lo:f[i].hi]
		col := f[i].lo + 1
		switch i {
		case 0, 1:
			if !allDigits(tok) {
				return 0, 0, lr.errAt(col, "expected %s, got %s", higgsFields[i], quote(tok))
			}
		case 2:
			if _, ok := parseInt(tok); !ok {
				return 0, 0, lr.errAt(col, "expected %s, got %s", higgsFields[i], quote(tok))
			}
		case 3:
			if _, ok := higgsKind(tok); !ok {
				return 0, 0, lr.errAt(col, "expected %s, got %s", higgsFields[i], quote(tok))
			}
		}
	}
	if len(f) < 4 {
		return 0, 0, lr.errAt(len(line)+1, "expected %s after %d fields, got end of line", higgsFields[len(f)], len(f))
	}
	if len(f) > 4 {
		return 0, 0, lr.errAt(f[4].lo+1, "expected end of line after the interaction type, got %s", quote(line[f[4].lo:f[4].hi]))
	}
	t, _ := parseInt(line[f[2].lo:f[2].hi])
	k, _ := higgsKind(line[f[3].lo:f[3].hi])
	return k, t, nil
}

// fastHiggs parses the common activity line in one pass: "userA userB time TYPE",
// ids canonical decimals below 10^19, the time 0 to 10^18-1 seconds, TYPE RT, MT or
// RE, separated by spaces or tabs. It reports ok=false for anything else, which the
// general path then reads.
func fastHiggs(line []byte) (a, b uint64, t int64, k graph.Kind, bcol int, ok bool) {
	i := 0
	sep := func() bool {
		if i == len(line) || (line[i] != ' ' && line[i] != '\t') {
			return false
		}
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		return true
	}
	if a, i, ok = fastID(line, i); !ok || !sep() {
		return 0, 0, 0, 0, 0, false
	}
	bcol = i + 1
	if b, i, ok = fastID(line, i); !ok || !sep() {
		return 0, 0, 0, 0, 0, false
	}
	lo := i
	for i < len(line) && i-lo < 18 && line[i]-'0' <= 9 {
		t = t*10 + int64(line[i]-'0')
		i++
	}
	if i == lo || !sep() || len(line)-i < 2 {
		return 0, 0, 0, 0, 0, false
	}
	if k, ok = higgsKind(line[i : i+2]); !ok {
		return 0, 0, 0, 0, 0, false
	}
	for i += 2; i < len(line) && (line[i] == ' ' || line[i] == '\t'); i++ {
	}
	if i != len(line) {
		return 0, 0, 0, 0, 0, false
	}
	return a, b, t, k, bcol, true
}

// higgsKind maps RT, MT and RE to their layers.
func higgsKind(b []byte) (graph.Kind, bool) {
	if len(b) != 2 {
		return 0, false
	}
	switch string(b) {
	case "RT":
		return graph.Retweets, true
	case "MT":
		return graph.Mentions, true
	case "RE":
		return graph.Replies, true
	}
	return 0, false
}
