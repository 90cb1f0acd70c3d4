package ingest

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/clout-dev/clout/graph"
)

// badID returns the error of the first of two ids (with their spans in the line)
// that checkID rejects, or nil.
func badID(lr *lineReader, fa span, a []byte, fb span, b []byte) *ParseError {
	if err := checkID(a); err != nil {
		return lr.errAt(fa.lo+1, "%w", err)
	}
	if err := checkID(b); err != nil {
		return lr.errAt(fb.lo+1, "%w", err)
	}
	return nil
}

// ReadEdgeList reads a SNAP-style edge list into layer k of s: one edge per line,
// "actor target" or "actor target weight", the fields separated by spaces or tabs.
// Lines starting with '#' and blank lines are skipped. Ids are arbitrary tokens
// (canonical decimals take the Interner's fast path). The weight is the number of
// events the edge aggregates, a positive integer up to 2^32-1; an integral float
// such as "3.0" is accepted. Edge lists carry no time, so Options.Since and Until do
// not apply.
//
// An edge list is aggregated: ReadEdgeList refuses a layer that an event log already
// fed into s, and the event readers refuse a layer an edge list fed.
func ReadEdgeList(name string, r io.Reader, k graph.Kind, s *Sink, o Options) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatEdgeList}
	if err := s.check(); err != nil {
		return rep, err
	}
	if k >= graph.NumKinds {
		return rep, fmt.Errorf("ingest: %s: no layer %v", name, k)
	}
	if err := s.claim(name, false, k); err != nil {
		return rep, err
	}
	s.Graph.Declare(k)
	plat := s.IDs.Platform(o.Platform)
	lr := newLineReader(name, r, maxLine)
	lr.skipLong = o.OnBadLine == Skip
	defer func() { rep.Bytes = lr.pos }()

	var (
		f       [4]span
		batch   = newEdgeBatch(name, s, plat, &rep)
		lastSrc = make([]byte, 0, 32) // SNAP lists are grouped by actor: skip its lookup
		srcID   uint32
		haveSrc bool
	)
	// fail returns err after the edges read before it are in.
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
		if sv, dv, w, dcol, ok := fastEdge(line); ok {
			e := pendingEdge{src: sv, dst: dv, t: graph.NoTime, off: lr.off, line: lr.line, scol: 1, dcol: int32(dcol), w: w, k: k}
			if err := batch.add(e); err != nil {
				return rep, err
			}
			continue
		}
		n := split(line, f[:])
		if n == 0 || isComment(line, f[0].lo) {
			continue
		}
		w := uint32(1)
		var bad *ParseError
		switch {
		case n == 1:
			bad = lr.errAt(len(line)+1, "expected a target id after the actor id, got end of line")
		case n >= 3:
			var msg string
			if w, msg = parseWeight(line[f[2].lo:f[2].hi]); msg != "" {
				bad = lr.errAt(f[2].lo+1, "%s", msg)
			} else if n == 4 {
				bad = lr.errAt(f[3].lo+1, "expected end of line after the weight (fields: actor target [weight]), got %s", quote(line[f[3].lo:f[3].hi]))
			}
		}
		if bad != nil {
			if err := rep.bad(&o, bad); err != nil {
				return fail(err)
			}
			continue
		}
		src, dst := line[f[0].lo:f[0].hi], line[f[1].lo:f[1].hi]
		sv, sok := canonicalUint(src)
		dv, dok := canonicalUint(dst)
		if sok && dok {
			e := pendingEdge{src: sv, dst: dv, t: graph.NoTime, off: lr.off, line: lr.line,
				scol: int32(f[0].lo + 1), dcol: int32(f[1].lo + 1), w: w, k: k}
			if err := batch.add(e); err != nil {
				return rep, err
			}
			continue
		}
		// Ids that are not canonical decimals: one edge at a time, in order. An id
		// that cannot be stored as text is a bad line.
		if bad := badID(lr, f[0], src, f[1], dst); bad != nil {
			if err := rep.bad(&o, bad); err != nil {
				return fail(err)
			}
			continue
		}
		if err := batch.flush(); err != nil {
			return rep, err
		}
		if !haveSrc || !bytes.Equal(src, lastSrc) {
			u, err := s.IDs.Intern(plat, src)
			if err != nil {
				return rep, lr.errAt(f[0].lo+1, "%w", err)
			}
			srcID, haveSrc = u, true
			lastSrc = append(lastSrc[:0], src...)
		}
		dstID, err := s.IDs.Intern(plat, dst)
		if err != nil {
			return rep, lr.errAt(f[1].lo+1, "%w", err)
		}
		rep.Records++
		rep.Events[k] += int64(w)
		if srcID == dstID {
			rep.SelfLoops[k] += int64(w)
		}
		s.Graph.Add(k, srcID, dstID, w)
	}
}

// parseWeight parses an edge weight: a positive integer count up to 2^32-1, or an
// integral float. It returns a message saying what was expected when b is not one.
func parseWeight(b []byte) (uint32, string) {
	if allDigits(b) {
		v, ok := parseInt(b)
		switch {
		case !ok || v > math.MaxUint32:
			return 0, fmt.Sprintf("expected a weight of at most %d events, got %s", uint32(math.MaxUint32), quote(b))
		case v == 0:
			return 0, fmt.Sprintf("expected a positive integer weight (an event count), got %s", quote(b))
		}
		return uint32(v), ""
	}
	// Slow path: a float such as "1.0" or "2e3". Only float syntax is tried, so that
	// "inf", "nan" and hexadecimal are refused.
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return 0, fmt.Sprintf("expected a positive integer weight (an event count), got %s", quote(b))
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	switch {
	case err != nil || v <= 0:
		return 0, fmt.Sprintf("expected a positive integer weight (an event count), got %s", quote(b))
	case v != math.Trunc(v):
		return 0, fmt.Sprintf("expected an integer weight (an event count), got %s", quote(b))
	case v > math.MaxUint32:
		return 0, fmt.Sprintf("expected a weight of at most %d events, got %s", uint32(math.MaxUint32), quote(b))
	}
	return uint32(v), ""
}
