package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/clout-dev/clout/graph"
)

// The columns of an interactions table. Header names are matched case-insensitively
// and in any order; other columns are ignored.
const (
	ColActor  = "actor"   // who acted (required)
	ColTarget = "target"  // who was acted on (required)
	ColType   = "type"    // the layer, as graph.ParseKind reads it (required)
	ColTime   = "time"    // RFC 3339 or Unix seconds; empty for no time (optional)
	ColPostID = "post_id" // the target's post reacted to (optional)
)

// columns holds the positions of the known columns in a header; -1 when absent.
type columns struct {
	actor, target, kind, time, post int
}

// findColumns maps header names to positions. It returns the position (0-based) of
// the field at fault, or -1 with a missing column, and a message.
func findColumns(header []string) (columns, int, string) {
	c := columns{-1, -1, -1, -1, -1}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a byte order mark
		}
		var p *int
		switch strings.ToLower(strings.TrimSpace(h)) {
		case ColActor:
			p = &c.actor
		case ColTarget:
			p = &c.target
		case ColType:
			p = &c.kind
		case ColTime:
			p = &c.time
		case ColPostID:
			p = &c.post
		default:
			continue
		}
		if *p >= 0 {
			return c, i, fmt.Sprintf("column %q appears twice in the header", strings.TrimSpace(h))
		}
		*p = i
	}
	var missing []string
	for _, m := range []struct {
		pos  int
		name string
	}{{c.actor, ColActor}, {c.target, ColTarget}, {c.kind, ColType}} {
		if m.pos < 0 {
			missing = append(missing, m.name)
		}
	}
	if missing != nil {
		return c, -1, fmt.Sprintf("expected a header row naming the columns actor, target, type and optionally time and post_id; missing %s", strings.Join(missing, ", "))
	}
	return c, 0, ""
}

// ReadInteractions reads an interactions table, CSV or TSV, into s: a header row names
// the columns actor, target and type, and optionally time and post_id (see the Col
// constants); one row per event follows. The separator is a tab if the header line
// holds one, else a comma; quoting follows RFC 4180 (encoding/csv). The type is read
// by graph.ParseKind ("retweet", "mention", "reply", "like", "follow", …) and each
// layer met is declared. The time is RFC 3339 or Unix seconds, or empty for none.
//
// A post_id names the target's post that was reacted to: for retweets it is fed to
// s.Posts.AddRetweeted(target, PostKey(post_id)), and a post_id column makes the
// retweeted-posts signal known. The table says nothing of the posts the actor wrote,
// so it never feeds AddAuthored.
func ReadInteractions(name string, r io.Reader, s *Sink, o Options) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatInteractions}
	if err := s.check(); err != nil {
		return rep, err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	header, err := peekLine(br)
	if err != nil {
		return rep, &ParseError{Path: name, Line: 1, Err: err}
	}
	// encoding/csv holds a whole record in memory, however long: the limiter fails a
	// record (a line, or quoted lines) longer than maxLine instead.
	lim := &recordLimit{r: br, max: maxLine + csvReadAhead}
	cr := csv.NewReader(lim)
	cr.ReuseRecord = true
	if bytes.IndexByte(header, '\t') >= 0 {
		cr.Comma = '\t'
		cr.LazyQuotes = true // TSV does not quote; a stray quote is data
	}
	t := &tableReader{name: name, s: s, o: &o, rep: &rep, plat: s.IDs.Platform(o.Platform)}
	defer func() { rep.Bytes = cr.InputOffset() }()

	rec, err := cr.Read()
	if err == io.EOF {
		return rep, &ParseError{Path: name, Line: 1, Err: errors.New("expected a header row naming the columns actor, target, type and optionally time and post_id, got an empty input")}
	}
	if err != nil {
		return rep, t.csvErr(err, 0, rec)
	}
	rep.Lines = 1
	cols, at, msg := findColumns(rec)
	if msg != "" {
		pe := &ParseError{Path: name, Line: 1, Offset: 0, Err: errors.New(msg)}
		if at >= 0 {
			pe.Line, pe.Column = cr.FieldPos(at)
		}
		return rep, pe
	}
	t.cols = cols
	if cols.post >= 0 && s.Posts != nil {
		s.Posts.DeclareRetweeted()
	}
	width := len(rec)
	for {
		start := cr.InputOffset()
		lim.n = 0
		rec, err := cr.Read()
		if err == io.EOF {
			return rep, nil
		}
		record := int(rep.Records + rep.Skipped + 1)
		if err != nil {
			pe := t.csvErr(err, start, rec)
			pe.Record = record
			var ce *csv.ParseError
			if !errors.As(err, &ce) {
				return rep, pe // a read error
			}
			if errors.Is(err, csv.ErrFieldCount) {
				pe.Err = fmt.Errorf("expected %d fields as in the header, got %d", width, len(rec))
			}
			if err := rep.bad(&o, pe); err != nil {
				return rep, err
			}
			rep.Lines = int64(ce.Line)
			continue
		}
		line, _ := cr.FieldPos(len(rec) - 1)
		rep.Lines = int64(line)
		ev, msg, field := t.parse(rec)
		if msg != "" {
			line, col := cr.FieldPos(field)
			pe := &ParseError{Path: name, Line: line, Column: col, Offset: start, Record: record, Err: errors.New(msg)}
			if err := rep.bad(&o, pe); err != nil {
				return rep, err
			}
			continue
		}
		if err := t.add(ev); err != nil {
			field := t.cols.kind
			var fe *fieldError
			if errors.As(err, &fe) {
				field, err = fe.field, fe.err
			}
			line, col := cr.FieldPos(field)
			pe := &ParseError{Path: name, Line: line, Column: col, Offset: start, Record: record, Err: err}
			if errors.Is(err, ErrBadID) {
				if err := rep.bad(&o, pe); err != nil {
					return rep, err
				}
				continue
			}
			return rep, pe
		}
	}
}

// csvReadAhead bounds what encoding/csv's own buffer reads beyond a record: the
// limiter counts from the last record's end in the input, so the count of a record
// includes up to that much of read-ahead.
const csvReadAhead = 64 << 10

// recordLimit fails a read once more than max bytes have passed since n was last
// reset to 0 (at each record).
type recordLimit struct {
	r      io.Reader
	n, max int
}

// errRecordTooLong is the error of a record over the limit; it stops the reader
// whatever the bad-line policy, since the record's end is not known.
var errRecordTooLong = fmt.Errorf("expected a record of at most %d bytes, got a longer one (a missing newline or an unclosed quote?)", maxLine)

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n >= l.max {
		return 0, errRecordTooLong
	}
	if len(p) > l.max-l.n {
		p = p[:l.max-l.n]
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

// peekLine returns the first line of br without consuming it (at most the buffer).
func peekLine(br *bufio.Reader) ([]byte, error) {
	for n := 4096; ; n *= 2 {
		n = min(n, br.Size())
		b, err := br.Peek(n)
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[:i], nil
		}
		if err == io.EOF || err == bufio.ErrBufferFull || n == br.Size() {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// event is one parsed row.
type event struct {
	actor, target, post     string
	actorNum, targetNum     uint64 // the ids, when numeric (Parquet integer columns)
	actorIsNum, targetIsNum bool
	kind                    graph.Kind
	t                       int64
}

// tableReader holds what the interactions readers (CSV, TSV and Parquet) share: the
// column positions, a cache of type names and the last time parsed.
type tableReader struct {
	name string
	s    *Sink
	o    *Options
	rep  *Report
	plat uint8
	cols columns

	kinds    map[string]graph.Kind // type names seen
	claimed  [graph.NumKinds]bool
	lastTime string
	lastT    int64
}

// parse checks a row's fields and returns its event, or a message and the position of
// the bad field.
func (t *tableReader) parse(rec []string) (event, string, int) {
	var ev event
	ev.actor = strings.TrimSpace(rec[t.cols.actor])
	if ev.actor == "" {
		return ev, "expected an actor id, got an empty field", t.cols.actor
	}
	ev.target = strings.TrimSpace(rec[t.cols.target])
	if ev.target == "" {
		return ev, "expected a target id, got an empty field", t.cols.target
	}
	k, msg := t.kind(rec[t.cols.kind])
	if msg != "" {
		return ev, msg, t.cols.kind
	}
	ev.kind = k
	ev.t = graph.NoTime
	if t.cols.time >= 0 {
		ts, msg := t.time(rec[t.cols.time])
		if msg != "" {
			return ev, msg, t.cols.time
		}
		ev.t = ts
	}
	if t.cols.post >= 0 {
		ev.post = strings.TrimSpace(rec[t.cols.post])
	}
	return ev, "", 0
}

// kind reads a type name, remembering the names seen.
func (t *tableReader) kind(name string) (graph.Kind, string) {
	if k, ok := t.kinds[name]; ok {
		return k, ""
	}
	k, err := graph.ParseKind(name)
	if err != nil {
		return 0, fmt.Sprintf("expected an interaction type (follows, retweets, mentions, replies or likes), got %s", quote([]byte(name)))
	}
	if t.kinds == nil {
		t.kinds = make(map[string]graph.Kind)
	}
	if len(t.kinds) < 64 {
		t.kinds[strings.Clone(name)] = k
	}
	return k, ""
}

// time reads a time field: empty for none, Unix seconds or RFC 3339.
func (t *tableReader) time(s string) (int64, string) {
	if s == t.lastTime && s != "" {
		return t.lastT, ""
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return graph.NoTime, ""
	}
	v, err := ParseTime(s)
	if err != nil {
		return 0, fmt.Sprintf("expected a time as RFC 3339 (like 2012-07-01T00:02:52Z) or Unix seconds, got %s", quote([]byte(s)))
	}
	t.lastTime, t.lastT = strings.Clone(s), v
	return v, ""
}

// add feeds one well-formed event to the sink. Its errors are not the row's fault
// (mixed inputs, ids exhausted): they stop the reader under any policy.
func (t *tableReader) add(ev event) error {
	t.rep.Records++
	k := ev.kind
	if !t.claimed[k] {
		if err := t.s.claim(t.name, true, k); err != nil {
			return err
		}
		t.claimed[k] = true
		t.s.Graph.Declare(k)
	}
	if !t.o.inWindow(ev.t) {
		t.rep.OutOfWindow++
		return nil
	}
	if !ev.actorIsNum {
		if err := checkID(ev.actor); err != nil {
			return &fieldError{t.cols.actor, err}
		}
	}
	if !ev.targetIsNum {
		if err := checkID(ev.target); err != nil {
			return &fieldError{t.cols.target, err}
		}
	}
	a, err := t.id(ev.actor, ev.actorNum, ev.actorIsNum)
	if err != nil {
		return &fieldError{t.cols.actor, err}
	}
	b, err := t.id(ev.target, ev.targetNum, ev.targetIsNum)
	if err != nil {
		return &fieldError{t.cols.target, err}
	}
	t.rep.Events[k]++
	if a == b {
		t.rep.SelfLoops[k]++
	}
	t.s.Graph.AddAt(k, a, b, 1, ev.t)
	if k == graph.Retweets && ev.post != "" && t.s.Posts != nil {
		t.s.Posts.AddRetweeted(b, PostKey([]byte(ev.post)))
	}
	return nil
}

// fieldError is an error of add that one field (0-based) of the row is at fault for.
type fieldError struct {
	field int
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// id interns an id given as a string or a number.
func (t *tableReader) id(s string, n uint64, num bool) (uint32, error) {
	if num {
		return t.s.IDs.InternUint(t.plat, n)
	}
	return t.s.IDs.InternString(t.plat, s)
}

// csvErr turns an error of csv.Reader into a ParseError.
func (t *tableReader) csvErr(err error, start int64, rec []string) *ParseError {
	var ce *csv.ParseError
	if errors.As(err, &ce) {
		return &ParseError{Path: t.name, Line: ce.Line, Column: ce.Column, Offset: start, Err: ce.Err}
	}
	return &ParseError{Path: t.name, Line: int(t.rep.Lines) + 1, Offset: start, Err: err}
}

// ParseTime parses a time given as RFC 3339 ("2012-07-01T00:02:52Z", fractions
// allowed) or as integer Unix seconds, and returns Unix seconds (rounded down).
func ParseTime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if v, ok := parseInt([]byte(s)); ok {
		return v, nil
	}
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, fmt.Errorf("ingest: expected a time as RFC 3339 (like 2012-07-01T00:02:52Z) or Unix seconds, got %q", s)
	}
	return tm.Unix(), nil
}
