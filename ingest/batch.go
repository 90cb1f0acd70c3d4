package ingest

import "github.com/clout-dev/clout/graph"

// batchLen is how many edges with numeric ids the text readers gather before
// interning them.
const batchLen = 256

// pendingEdge is a parsed edge whose ids are canonical decimals, waiting to be
// interned, with the position of its line for errors.
type pendingEdge struct {
	src, dst   uint64
	t          int64
	off        int64
	line       int
	scol, dcol int32
	w          uint32
	sid, did   uint32 // dense id + 1 found by the probe; 0 when not found
	k          graph.Kind
}

// edgeBatch interns edges with numeric ids in batches, and feeds them to the graph.
// Interning one edge at a time waits on one cache miss after another when ids are
// spread over a large table; a batch first probes the direct table for all its ids in
// a tight loop, so that the misses overlap, then interns the rest in input order, so
// dense ids come out exactly as one edge at a time would give them.
type edgeBatch struct {
	name    string
	s       *Sink
	plat    uint8
	rep     *Report
	authors bool // feed s.Posts.AddAuthored(src, TimeKey(t)) (the Higgs log)
	records bool // count Report.Records here (else the reader counts them)
	e       []pendingEdge
}

func newEdgeBatch(name string, s *Sink, plat uint8, rep *Report) *edgeBatch {
	return &edgeBatch{name: name, s: s, plat: plat, rep: rep, records: true, e: make([]pendingEdge, 0, batchLen)}
}

// add queues an edge, flushing when the batch is full.
func (b *edgeBatch) add(e pendingEdge) error {
	b.e = append(b.e, e)
	if len(b.e) == batchLen {
		return b.flush()
	}
	return nil
}

// flush interns and adds the queued edges. Its only error is running out of ids, as
// a *ParseError at the id that did.
func (b *edgeBatch) flush() error {
	if len(b.e) == 0 {
		return nil
	}
	in := b.s.IDs
	direct := in.num[b.plat].direct
	n := uint64(len(direct))
	for i := range b.e {
		e := &b.e[i]
		if e.src < n {
			e.sid = direct[e.src]
		}
		if e.dst < n {
			e.did = direct[e.dst]
		}
	}
	g, rep := b.s.Graph, b.rep
	for i := range b.e {
		e := &b.e[i]
		src, dst := e.sid-1, e.did-1
		if e.sid == 0 {
			u, err := in.InternUint(b.plat, e.src)
			if err != nil {
				return b.err(e, e.scol, err)
			}
			src = u
		}
		if e.did == 0 {
			u, err := in.InternUint(b.plat, e.dst)
			if err != nil {
				return b.err(e, e.dcol, err)
			}
			dst = u
		}
		if b.records {
			rep.Records++
		}
		rep.Events[e.k] += int64(e.w)
		if src == dst {
			rep.SelfLoops[e.k] += int64(e.w)
		}
		g.AddAt(e.k, src, dst, e.w, e.t)
		if b.authors && b.s.Posts != nil {
			b.s.Posts.AddAuthored(src, TimeKey(e.t))
		}
	}
	b.e = b.e[:0]
	return nil
}

func (b *edgeBatch) err(e *pendingEdge, col int32, err error) *ParseError {
	b.e = b.e[:0]
	return &ParseError{Path: b.name, Line: e.line, Column: int(col), Offset: e.off, Err: err}
}
