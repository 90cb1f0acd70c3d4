package sink

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Defaults of ParquetOptions.
const (
	// DefaultRowGroupRows is the default number of rows in a row group: large enough
	// for good compression and few footer entries, small enough for readers (DuckDB,
	// pyarrow, Spark) to process and skip row groups in parallel.
	DefaultRowGroupRows = 128 << 10
	// DefaultBatchRows is the default number of rows in each Arrow record batch built
	// from the table and handed to the Parquet writer, which bounds the memory held in
	// Arrow buffers besides the table itself.
	DefaultBatchRows = 64 << 10
	// DefaultPerm is the default permission of a written file.
	DefaultPerm os.FileMode = 0o644
)

// docKey is the Arrow field metadata key under which Column.Doc is stored.
const docKey = "doc"

// ParquetOptions tunes WriteParquet. The zero value selects the defaults.
type ParquetOptions struct {
	RowGroupRows     int         // rows per row group; 0 means DefaultRowGroupRows
	BatchRows        int         // rows per record batch; 0 means DefaultBatchRows
	CompressionLevel int         // zstd level (1 fastest … 22 smallest); 0 means zstd's default, 3
	PageBytes        int         // target size of a data page before compression; 0 means arrow-go's default, 1 MiB
	Perm             os.FileMode // permission bits of the file; 0 means DefaultPerm

	// Workers is the number of goroutines that encode and compress the columns of
	// each record batch, concurrently; 0 or 1 means the writer goroutine alone,
	// with pqarrow's FileWriter. More cost memory: each holds a zstd encoder (16 MB
	// at the default level, less at level 1) and pages in the making, and all
	// columns' last pages are compressed before the row group is copied out; two
	// raise the peak of a score table's write by 10 to 30 MB (R-MAT scale 21).
	Workers int

	// Put puts the file in place; nil means WriteFileAtomic. Set.WriteFile stages it
	// for the set's commit instead.
	Put func(path string, perm os.FileMode, write func(io.Writer) error) error

	mem memory.Allocator // Arrow allocator; nil means memory.DefaultAllocator (tests set a checked one)
}

func (o ParquetOptions) withDefaults() ParquetOptions {
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = DefaultRowGroupRows
	}
	if o.BatchRows <= 0 {
		o.BatchRows = DefaultBatchRows
	}
	if o.Perm == 0 {
		o.Perm = DefaultPerm
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.mem == nil {
		o.mem = memory.DefaultAllocator
	}
	if o.Put == nil {
		o.Put = WriteFileAtomic
	}
	return o
}

// WriteParquet writes t to path as a Parquet file, atomically (see WriteFileAtomic).
//
// Every column becomes a nullable top-level field: String as utf8 (BYTE_ARRAY with
// the STRING logical type), Int64 as int64, Float64 as float64 (DOUBLE). Pages are
// zstd-compressed, string columns are dictionary-encoded (arrow-go falls back to plain
// encoding when the dictionary grows too large) unless Plain, every column has
// statistics unless NoStats, and row groups hold o.RowGroupRows rows. The Arrow
// schema is embedded (the "ARROW:schema" key), so each Column.Doc survives as field
// metadata "doc"; t.Meta becomes the file's key-value metadata.
//
// The table is converted to Arrow in record batches of o.BatchRows rows, never as one
// record of the whole table. An invalid table (see Table.Validate) or a table without
// columns is an error, and no file is written.
func WriteParquet(path string, t *Table, o ParquetOptions) error {
	if err := t.validate(); err != nil {
		return fmt.Errorf("sink: write %s: %w", path, err)
	}
	if len(t.Columns) == 0 {
		return fmt.Errorf("sink: write %s: %w", path, errNoColumns)
	}
	o = o.withDefaults()
	return o.Put(path, o.Perm, func(w io.Writer) error {
		return writeParquet(w, t, o)
	})
}

// arrowSchema returns the Arrow schema of t: one nullable field per column, carrying
// its Doc as field metadata, and t.Meta (sorted by key, for reproducible files) as
// schema metadata, which pqarrow.NewFileWriter copies into the file's key-value
// metadata.
func arrowSchema(t *Table) *arrow.Schema {
	fields := make([]arrow.Field, len(t.Columns))
	for i := range t.Columns {
		c := &t.Columns[i]
		f := arrow.Field{Name: c.Name, Nullable: true}
		switch c.Type {
		case String:
			f.Type = arrow.BinaryTypes.String
		case Int64:
			f.Type = arrow.PrimitiveTypes.Int64
		case Float64:
			f.Type = arrow.PrimitiveTypes.Float64
		}
		if c.Doc != "" {
			f.Metadata = arrow.NewMetadata([]string{docKey}, []string{c.Doc})
		}
		fields[i] = f
	}
	keys := make([]string, 0, len(t.Meta))
	for k := range t.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = t.Meta[k]
	}
	md := arrow.NewMetadata(keys, vals)
	return arrow.NewSchema(fields, &md)
}

// writerProps returns the Parquet writer properties for t under o.
func writerProps(t *Table, o ParquetOptions) *parquet.WriterProperties {
	opts := []parquet.WriterProperty{
		parquet.WithAllocator(o.mem),
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithStats(true),
		parquet.WithMaxRowGroupLength(int64(o.RowGroupRows)),
		parquet.WithDictionaryDefault(false),
	}
	if o.PageBytes > 0 {
		opts = append(opts, parquet.WithDataPageSize(int64(o.PageBytes)))
	}
	if o.CompressionLevel != 0 {
		opts = append(opts, parquet.WithCompressionLevel(o.CompressionLevel))
	}
	for i := range t.Columns {
		// A path, not a dotted string: a column name may contain dots.
		path := parquet.ColumnPath{t.Columns[i].Name}
		if t.Columns[i].Type == String && !t.Columns[i].Plain {
			opts = append(opts, parquet.WithDictionaryPath(path, true))
		}
		if t.Columns[i].NoStats {
			opts = append(opts, parquet.WithStatsPath(path, false))
		}
	}
	return parquet.NewWriterProperties(opts...)
}

// writeParquet writes t to w as Parquet. w must not be an io.Closer that should stay
// open: FileWriter.Close closes such a writer.
func writeParquet(w io.Writer, t *Table, o ParquetOptions) error {
	return writeParquetBatches(w, t, o, func(emit func(*Table) error) error { return emit(t) })
}

// writeParquetBatches writes the batches fill emits to w as one Parquet file with
// schema's columns, converting each to Arrow in record batches of o.BatchRows rows.
//
// The caller's goroutine runs fill and copies each batch into Arrow record batches
// (so that fill may reuse its batch as soon as emit returns), and a writer
// goroutine encodes, compresses and writes them, in order, with
// pqarrow.FileWriter.WriteBuffered, or, with more than one o.Workers, hands them to
// a columnsWriter, which encodes and compresses each batch's columns on o.Workers
// goroutines. At most two record batches wait between fill and the writer. The
// file is the same, byte for byte, as when one goroutine did everything; on 2
// cores the edges of R-MAT scale 20 were written in about two thirds of the time
// with the writer goroutine (figures in the commit that brought it), and the
// workers are measured in the commits that brought columnsWriter and Workers.
func writeParquetBatches(w io.Writer, schema *Table, o ParquetOptions, fill func(emit func(*Table) error) error) (err error) {
	as := arrowSchema(schema)
	props := writerProps(schema, o)
	arrowProps := pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(o.mem), pqarrow.WithStoreSchema())
	var fw recordWriter
	if o.Workers > 1 {
		fw, err = newColumnsWriter(as, w, props, arrowProps, o.Workers)
	} else {
		var pw *pqarrow.FileWriter
		pw, err = pqarrow.NewFileWriter(as, w, props, arrowProps)
		fw = bufferedWriter{pw}
	}
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	defer func() {
		// Close is required, to write the footer and to free the writer's buffers;
		// after a failure it only frees (Close is idempotent).
		if cerr := fw.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("parquet: close: %w", cerr)
		}
	}()

	type batch struct {
		rec    arrow.RecordBatch
		lo, hi int // its rows in the file
	}
	recs := make(chan batch, 1)
	stop := make(chan struct{}) // closed by the writer when a write fails
	done := make(chan struct{})
	var werr error // the writer's error; read after done
	go func() {
		defer close(done)
		for b := range recs {
			if werr == nil {
				// Write fills the current row group, starting a new one when full.
				if e := fw.Write(b.rec); e != nil {
					werr = fmt.Errorf("parquet: rows [%d, %d): %w", b.lo, b.hi, e)
					close(stop)
				}
			}
			b.rec.Release()
		}
	}()

	bs := newBuilders(o.mem, as)
	defer bs.release()
	written := 0
	ferr := fill(func(b *Table) error {
		if b != schema {
			if err := sameColumns(schema, b); err != nil {
				return err
			}
			if err := b.validate(); err != nil {
				return err
			}
		}
		rows := b.Rows()
		for off := 0; off < rows; off += o.BatchRows {
			end := min(off+o.BatchRows, rows)
			rec := bs.record(b, off, end)
			select {
			case recs <- batch{rec, written + off, written + end}:
			case <-stop:
				rec.Release()
				return errWriteFailed
			}
		}
		written += rows
		return nil
	})
	close(recs)
	<-done
	if werr != nil {
		return werr
	}
	return ferr
}

// recordWriter writes record batches as one Parquet file; Close is required.
type recordWriter interface {
	Write(arrow.RecordBatch) error
	Close() error
}

// bufferedWriter is pqarrow's FileWriter writing with WriteBuffered, which fills
// the current row group and starts a new one when full, encoding and compressing
// the columns one after another on the caller's goroutine.
type bufferedWriter struct{ *pqarrow.FileWriter }

func (w bufferedWriter) Write(rec arrow.RecordBatch) error { return w.WriteBuffered(rec) }

// errWriteFailed stops a fill whose rows the writer goroutine can no longer write;
// writeParquetBatches returns the writer's error instead.
var errWriteFailed = errors.New("parquet: the write failed")

// sameColumns checks that batch b has schema's columns, in order.
func sameColumns(schema, b *Table) error {
	if len(b.Columns) != len(schema.Columns) {
		return fmt.Errorf("batch has %d columns, want %d", len(b.Columns), len(schema.Columns))
	}
	for i := range b.Columns {
		if b.Columns[i].Name != schema.Columns[i].Name || b.Columns[i].Type != schema.Columns[i].Type {
			return fmt.Errorf("batch column %d is %s %s, want %s %s", i, b.Columns[i].Name,
				b.Columns[i].Type, schema.Columns[i].Name, schema.Columns[i].Type)
		}
	}
	return nil
}

// builders makes Arrow record batches of a schema's rows from Tables.
type builders struct {
	mem    memory.Allocator
	schema *arrow.Schema
	b      []array.Builder // one per field, made on first use
	arrs   []arrow.Array   // scratch
}

func newBuilders(mem memory.Allocator, schema *arrow.Schema) *builders {
	return &builders{mem: mem, schema: schema, b: make([]array.Builder, schema.NumFields()), arrs: make([]arrow.Array, schema.NumFields())}
}

// record returns rows [lo, hi) of t, whose columns match the schema, as a record
// batch: the caller releases it. The values are copied: t may change once it
// returns.
func (bs *builders) record(t *Table, lo, hi int) arrow.RecordBatch {
	for i := range t.Columns {
		c := &t.Columns[i]
		if c.Packed != nil && !c.Null {
			bs.arrs[i] = packedArray(bs.mem, c, lo, hi)
			continue
		}
		if bs.b[i] == nil {
			bs.b[i] = array.NewBuilder(bs.mem, bs.schema.Field(i).Type)
		}
		appendColumn(bs.b[i], c, lo, hi)
		bs.arrs[i] = bs.b[i].NewArray()
	}
	rec := array.NewRecordBatch(bs.schema, bs.arrs, int64(hi-lo))
	for i, a := range bs.arrs {
		a.Release()
		bs.arrs[i] = nil
	}
	return rec
}

func (bs *builders) release() {
	for _, b := range bs.b {
		if b != nil {
			b.Release()
		}
	}
}

// packedArray returns rows [lo, hi) of c, a String column held as Packed, as an
// Arrow string array: its bytes and offsets are copied in bulk, not value by value.
func packedArray(mem memory.Allocator, c *Column, lo, hi int) arrow.Array {
	p, n := c.Packed, hi-lo
	start, end := int32(0), int32(0)
	if n > 0 {
		start, end = p.start(lo), p.Ends[hi-1]
	}
	offsets := memory.NewResizableBuffer(mem)
	offsets.Resize(arrow.Int32Traits.BytesRequired(n + 1))
	o := arrow.Int32Traits.CastFromBytes(offsets.Bytes())
	o[0] = 0
	for i, e := range p.Ends[lo:hi] {
		o[i+1] = e - start
	}
	values := memory.NewResizableBuffer(mem)
	values.Resize(int(end - start))
	copy(values.Bytes(), p.Bytes[start:end])
	var valid *memory.Buffer // nil: all valid
	nulls := 0
	if c.Valid != nil {
		valid = memory.NewResizableBuffer(mem)
		valid.Resize(int(bitutil.BytesForBits(int64(n))))
		bits := valid.Bytes()
		clear(bits)
		for i, ok := range c.Valid[lo:hi] {
			if ok {
				bitutil.SetBit(bits, i)
			} else {
				nulls++
			}
		}
	}
	data := array.NewData(arrow.BinaryTypes.String, n, []*memory.Buffer{valid, offsets, values}, nil, nulls, 0)
	offsets.Release()
	values.Release()
	if valid != nil {
		valid.Release()
	}
	defer data.Release()
	return array.NewStringData(data)
}

// appendColumn appends rows [lo, hi) of c to b, a builder of c's Arrow type.
func appendColumn(b array.Builder, c *Column, lo, hi int) {
	n := hi - lo
	if c.Null {
		b.AppendNulls(n)
		return
	}
	var valid []bool // nil: all valid
	if c.Valid != nil {
		valid = c.Valid[lo:hi]
	}
	switch c.Type {
	case String:
		b.(*array.StringBuilder).AppendValues(c.Strings[lo:hi], valid)
	case Int64:
		b.(*array.Int64Builder).AppendValues(c.Ints[lo:hi], valid)
	case Float64:
		b.(*array.Float64Builder).AppendValues(c.Floats[lo:hi], valid)
	}
}
