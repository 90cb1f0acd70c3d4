package ingest

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/clout-dev/clout/graph"
)

// parquetBatchRows is how many rows ReadInteractionsParquet decodes at a time.
const parquetBatchRows = 64 << 10

// ReadInteractionsParquet reads an interactions table stored as Parquet: the columns
// of ReadInteractions (actor, target, type, optional time and post_id; names matched
// case-insensitively), with the same meaning. Ids and post ids may be strings or
// integers; type a string; time integer Unix seconds, a timestamp of any unit
// (rounded down to seconds) or a string as ParseTime reads it, null for none. The
// file is read one row group at a time, in record batches, never as a whole table.
// Errors name the path, the row group and the row.
//
// o.Progress is given the file's size as the total and each row group's compressed
// bytes as it is read.
func ReadInteractionsParquet(path string, s *Sink, o Options) (Report, error) {
	rep := Report{Path: path, Format: FormatInteractionsParquet}
	f, err := os.Open(path)
	if err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	graph.OrNone(o.Progress).SetTotal(st.Size())
	rep, err = readParquet(path, f, s, o, nil)
	rep.FileSize = st.Size()
	return rep, err
}

// pqColumn is one column of a record batch, read row by row.
type pqColumn struct {
	arr  arrow.Array
	str  func(i int) string // for string and binary columns
	ints func(i int) int64  // for integer columns
	uint func(i int) uint64 // for unsigned integer columns
	unit int64              // for timestamps: units per second
}

// newPQColumn wraps a column; it returns an error for a type it cannot read.
func newPQColumn(a arrow.Array) (pqColumn, error) {
	c := pqColumn{arr: a}
	switch a := a.(type) {
	case *array.String:
		c.str = a.Value
	case *array.LargeString:
		c.str = a.Value
	case *array.Binary:
		c.str = a.ValueString
	case *array.LargeBinary:
		c.str = a.ValueString
	case *array.Int64:
		c.ints = a.Value
	case *array.Int32:
		c.ints = func(i int) int64 { return int64(a.Value(i)) }
	case *array.Uint64:
		c.uint = a.Value
	case *array.Uint32:
		c.uint = func(i int) uint64 { return uint64(a.Value(i)) }
	case *array.Timestamp:
		c.ints = func(i int) int64 { return int64(a.Value(i)) }
		switch a.DataType().(*arrow.TimestampType).Unit {
		case arrow.Second:
			c.unit = 1
		case arrow.Millisecond:
			c.unit = 1e3
		case arrow.Microsecond:
			c.unit = 1e6
		default:
			c.unit = 1e9
		}
	default:
		return c, fmt.Errorf("type %s cannot be read (want a string, an integer or, for time, a timestamp)", a.DataType())
	}
	return c, nil
}

// id reads an id field: a string (trimmed) or an integer.
func (c *pqColumn) id(i int) (s string, n uint64, num bool, ok bool) {
	if c.arr.IsNull(i) {
		return "", 0, false, false
	}
	switch {
	case c.str != nil:
		s = strings.TrimSpace(c.str(i))
		return s, 0, false, s != ""
	case c.uint != nil:
		return "", c.uint(i), true, true
	default:
		v := c.ints(i)
		if v >= 0 {
			return "", uint64(v), true, true
		}
		return strconv.FormatInt(v, 10), 0, false, true
	}
}

// readParquet reads an interactions table from r. mem may be nil.
func readParquet(name string, r parquet.ReaderAtSeeker, s *Sink, o Options, mem memory.Allocator) (rep Report, err error) {
	rep = Report{Path: name, Format: FormatInteractionsParquet}
	if err := s.check(); err != nil {
		return rep, err
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	// The Parquet decoder can panic on some corrupt files; bad input must not.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("ingest: %s: corrupt Parquet file: %v", name, p)
		}
	}()
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return rep, fmt.Errorf("ingest: %s: %w", name, err)
	}
	rep.Bytes = size
	pr, err := file.NewParquetReader(r, file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		return rep, fmt.Errorf("ingest: %s: not a readable Parquet file: %w", name, err)
	}
	defer pr.Close()
	fr, err := pqarrow.NewFileReader(pr, pqarrow.ArrowReadProperties{BatchSize: parquetBatchRows}, mem)
	if err != nil {
		return rep, fmt.Errorf("ingest: %s: %w", name, err)
	}

	// Find the columns among the top-level leaves.
	sc := pr.MetaData().Schema
	want := map[string]int{ColActor: -1, ColTarget: -1, ColType: -1, ColTime: -1, ColPostID: -1}
	for i := 0; i < sc.NumColumns(); i++ {
		col := sc.Column(i)
		if col.Path() != col.Name() {
			continue // nested
		}
		n := strings.ToLower(col.Name())
		if j, ok := want[n]; ok {
			if j >= 0 {
				return rep, fmt.Errorf("ingest: %s: column %q appears twice", name, n)
			}
			want[n] = i
		}
	}
	var missing []string
	for _, n := range []string{ColActor, ColTarget, ColType} {
		if want[n] < 0 {
			missing = append(missing, n)
		}
	}
	if missing != nil {
		return rep, fmt.Errorf("ingest: %s: expected the columns actor, target, type and optionally time and post_id; missing %s", name, strings.Join(missing, ", "))
	}
	// Request the present columns; pos maps a role to its place in the batch.
	var leaves []int
	pos := func(n string) int {
		if want[n] < 0 {
			return -1
		}
		leaves = append(leaves, want[n])
		return len(leaves) - 1
	}
	t := &tableReader{name: name, s: s, o: &o, rep: &rep, plat: s.IDs.Platform(o.Platform)}
	t.cols = columns{actor: pos(ColActor), target: pos(ColTarget), kind: pos(ColType), time: pos(ColTime), post: pos(ColPostID)}
	if t.cols.post >= 0 && s.Posts != nil {
		s.Posts.DeclareRetweeted()
	}

	p := graph.OrNone(o.Progress)
	var done int64
	ctx := context.Background()
	var row int // rows so far, over the file
	for rg := 0; rg < pr.NumRowGroups(); rg++ {
		rr, err := fr.GetRecordReader(ctx, leaves, []int{rg})
		if err != nil {
			return rep, fmt.Errorf("ingest: %s: row group %d: %w", name, rg, err)
		}
		inGroup := 0
		for rr.Next() {
			rec := rr.RecordBatch()
			n := int(rec.NumRows())
			if err := t.parquetBatch(rec, rg, inGroup, row); err != nil {
				rr.Release()
				return rep, err
			}
			inGroup += n
			row += n
		}
		err = rr.Err()
		rr.Release()
		if err != nil {
			return rep, fmt.Errorf("ingest: %s: row group %d (0-based), after row %d: %w", name, rg, inGroup, err)
		}
		c := pr.MetaData().RowGroup(rg).TotalCompressedSize()
		p.Add(c)
		done += c
	}
	if done < size {
		p.Add(size - done) // the footer and headers
	}
	return rep, nil
}

// parquetBatch reads one record batch; first is the number of the batch's first row
// within row group rg, base the number of rows before it in the file.
func (t *tableReader) parquetBatch(rec arrow.RecordBatch, rg, first, base int) error {
	cols := make([]pqColumn, rec.NumCols())
	for i := range cols {
		c, err := newPQColumn(rec.Column(i))
		if err != nil {
			return fmt.Errorf("ingest: %s: column %s: %w", t.name, rec.ColumnName(i), err)
		}
		cols[i] = c
	}
	if cols[t.cols.kind].str == nil {
		return fmt.Errorf("ingest: %s: column type has type %s; want a string", t.name, rec.Column(t.cols.kind).DataType())
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		ev, msg := t.parquetRow(cols, i)
		if msg == "" {
			err := t.add(ev)
			if err == nil {
				continue
			}
			return &ParseError{Path: t.name, Offset: -1, Record: base + i + 1, Err: fmt.Errorf("row group %d, row %d (0-based): %w", rg, first+i, err)}
		}
		pe := &ParseError{Path: t.name, Offset: -1, Record: base + i + 1, Err: fmt.Errorf("row group %d, row %d (0-based): %s", rg, first+i, msg)}
		if err := t.rep.bad(t.o, pe); err != nil {
			return err
		}
	}
	return nil
}

// parquetRow reads row i, or says what is wrong with it.
func (t *tableReader) parquetRow(cols []pqColumn, i int) (event, string) {
	ev := event{t: graph.NoTime}
	var ok bool
	c := &cols[t.cols.actor]
	if ev.actor, ev.actorNum, ev.actorIsNum, ok = c.id(i); !ok {
		return ev, "column actor: expected an actor id, got " + nullOrEmpty(c, i)
	}
	c = &cols[t.cols.target]
	if ev.target, ev.targetNum, ev.targetIsNum, ok = c.id(i); !ok {
		return ev, "column target: expected a target id, got " + nullOrEmpty(c, i)
	}
	c = &cols[t.cols.kind]
	if c.arr.IsNull(i) {
		return ev, "column type: expected an interaction type, got null"
	}
	k, msg := t.kind(c.str(i))
	if msg != "" {
		return ev, "column type: " + msg
	}
	ev.kind = k
	if t.cols.time >= 0 && !cols[t.cols.time].arr.IsNull(i) {
		c = &cols[t.cols.time]
		switch {
		case c.str != nil:
			ts, msg := t.time(c.str(i))
			if msg != "" {
				return ev, "column time: " + msg
			}
			ev.t = ts
		case c.uint != nil:
			v := c.uint(i)
			if v > 1<<62 {
				return ev, fmt.Sprintf("column time: expected Unix seconds, got %d", v)
			}
			ev.t = int64(v)
		default:
			v := c.ints(i)
			if c.unit > 1 {
				v = floorDiv(v, c.unit)
			}
			if v == graph.NoTime {
				return ev, fmt.Sprintf("column time: expected Unix seconds, got %d", v)
			}
			ev.t = v
		}
	}
	if t.cols.post >= 0 && !cols[t.cols.post].arr.IsNull(i) {
		if s, n, num, ok := cols[t.cols.post].id(i); ok {
			if num {
				s = strconv.FormatUint(n, 10)
			}
			ev.post = s
		}
	}
	return ev, ""
}

func nullOrEmpty(c *pqColumn, i int) string {
	if c.arr.IsNull(i) {
		return "null"
	}
	return "an empty string"
}

// floorDiv divides rounding toward minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}
