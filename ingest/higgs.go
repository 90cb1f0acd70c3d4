package ingest

import (
	"bytes"
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
//
// A tweet is written as a run: adjacent lines (line n, n+1, …) of the same userA, as
// written, and the same time, each well-formed and in the window. Any other line
// between two of them (a comment, a blank line, a bad line skipped, a line outside
// the window) ends the run. When a run holds an RT line, its MT lines are the
// mentions of the retweeted tweet: they are counted in Report.RetweetMentions, and
// Options.RetweetMentions says whether they are kept (the log as published) or left
// out; left out, their users are still interned, in order, so the users and their
// dense ids do not depend on the policy.
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
	run := higgsRun{drop: o.RetweetMentions == DropRetweetMentions}
	rep.RetweetMentionsDropped = run.drop
	// fail returns err after the events read before it are in.
	fail := func(err error) (Report, error) {
		if ferr := run.end(batch); ferr != nil {
			return rep, ferr
		}
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
			if !run.continuesNum(lr.line, t, a) {
				if run.pending(batch) {
					if err := run.end(batch); err != nil {
						return rep, err
					}
				}
				run.startNum(t, a, len(batch.e))
			}
			batch.e = append(batch.e, pendingEdge{src: a, dst: b, t: t, off: lr.off, line: lr.line, scol: 1, dcol: int32(bcol), w: 1, k: k})
			run.note(lr.line, k)
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
		at, bt := line[f[0].lo:f[0].hi], line[f[1].lo:f[1].hi]
		av, aok := canonicalUint(at)
		bv, bok := canonicalUint(bt)
		if !(aok && bok) {
			if bad := badID(lr, f[0], at, f[1], bt); bad != nil {
				if err := rep.bad(&o, bad); err != nil {
					return fail(err)
				}
				continue
			}
		}
		if aok && !run.continuesNum(lr.line, t, av) || !aok && !run.continuesRaw(lr.line, t, at) {
			if err := run.end(batch); err != nil {
				return rep, err
			}
			if aok {
				run.startNum(t, av, len(batch.e))
			} else {
				run.startRaw(t, at, len(batch.e))
			}
		}
		e := pendingEdge{src: av, dst: bv, t: t, off: lr.off, line: lr.line, scol: int32(f[0].lo + 1), dcol: int32(f[1].lo + 1), w: 1, k: k}
		if aok && bok {
			batch.e = append(batch.e, e)
		} else {
			batch.pushRaw(e, at, bt) // ids with leading zeros: interned as written
		}
		if aok {
			run.note(lr.line, k)
		} else {
			run.noteRaw(lr.line, k)
		}
	}
}

// higgsRun is the current run of a Higgs activity log (one tweet: adjacent lines of
// one userA at one second, usually one to three). Its events are the tail of the
// edge batch, from start on: the batch is flushed only between runs, once the next
// line has shown that the run is over and whether it holds an RT line. So a run is
// held whole, 64 bytes a line (a file that is one run throughout costs that beside
// the graph builder's own copy of its events).
type higgsRun struct {
	drop bool // DropRetweetMentions
	// next is the number the run's next line would have, when userA is a canonical
	// decimal (a), and nextRaw when it is not (araw); else 0. Lines count from 1, so 0
	// continues nothing.
	next, nextRaw int
	t             int64  // the run's time
	a             uint64 // userA when next is set
	araw          []byte // userA as written when nextRaw is set
	start         int    // index of the run's first event in the batch
	kinds         uint8  // the layers of the run's lines, as bits 1<<k
}

// retweetMentions is higgsRun.kinds of a run holding RT and MT lines.
const retweetMentions = 1<<graph.Retweets | 1<<graph.Mentions

// continuesNum reports whether an event on line ln at time t by userA a (a canonical
// decimal) goes on with the run. It tests the three at once, with one branch: the
// fast path asks it for every line.
func (r *higgsRun) continuesNum(ln int, t int64, a uint64) bool {
	return uint64(ln-r.next)|uint64(t^r.t)|(a^r.a) == 0
}

// continuesRaw is continuesNum for a userA that is not a canonical decimal.
func (r *higgsRun) continuesRaw(ln int, t int64, a []byte) bool {
	return ln == r.nextRaw && t == r.t && bytes.Equal(a, r.araw)
}

// pending reports whether the run's end has work to do: MT lines to count, or a full
// batch to flush. When it does not, the next run may start without calling end.
func (r *higgsRun) pending(b *edgeBatch) bool {
	return r.kinds&retweetMentions == retweetMentions || len(b.e) >= batchLen
}

// startNum starts a run at time t by userA a, whose events are to start at index i
// of the batch; end must have ended the previous one (or pending said it need not).
func (r *higgsRun) startNum(t int64, a uint64, i int) {
	r.next, r.nextRaw, r.t, r.a, r.start, r.kinds = 0, 0, t, a, i, 0
}

// startRaw starts a run at time t by userA a, as written.
func (r *higgsRun) startRaw(t int64, a []byte, i int) {
	r.next, r.nextRaw, r.t, r.araw, r.start, r.kinds = 0, 0, t, append(r.araw[:0], a...), i, 0
}

// note records that the batch's last event, of layer k on line ln, is the run's,
// whose userA is a canonical decimal.
func (r *higgsRun) note(ln int, k graph.Kind) {
	r.next = ln + 1
	r.kinds |= 1 << k
}

// noteRaw is note for a run whose userA is not a canonical decimal.
func (r *higgsRun) noteRaw(ln int, k graph.Kind) {
	r.nextRaw = ln + 1
	r.kinds |= 1 << k
}

// end ends the run: when it holds an RT line, its MT lines are mentions the retweet
// carries, counted and under Drop marked to have their ids interned only. Then the
// batch is flushed if full. The only error is running out of ids.
func (r *higgsRun) end(b *edgeBatch) error {
	if r.kinds&retweetMentions == retweetMentions {
		for i := r.start; i < len(b.e); i++ {
			if b.e[i].k == graph.Mentions {
				b.rep.RetweetMentions++
				b.e[i].only = r.drop
			}
		}
	}
	r.kinds = 0
	if len(b.e) < batchLen {
		return nil
	}
	err := b.flush()
	if cap(b.e) > maxBatchRun {
		// A run of thousands of lines is no tweet: do not keep the batch it grew.
		b.e, b.raw, b.toks = make([]pendingEdge, 0, batchLen), nil, nil
	}
	return err
}

// maxBatchRun is the largest batch kept after a long run made it grow.
const maxBatchRun = 4 * batchLen

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
