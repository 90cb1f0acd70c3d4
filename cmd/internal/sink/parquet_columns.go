package sink

import (
	"context"
	"encoding/base64"
	"io"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// columnsWriter writes Arrow record batches of a flat schema (primitive and string
// fields, as arrowSchema makes) as one Parquet file, the same file byte for byte as
// pqarrow.FileWriter.WriteBuffered writes, but it encodes and compresses the
// columns of each batch concurrently, on a few goroutines that take the columns in
// turn, where pqarrow does them one after another.
//
// As with WriteBuffered, each row group is held in memory, one buffer of encoded,
// compressed pages per column, until the row group is full; closing it copies the
// buffers into the file in column order. The goroutines share nothing but the
// writer properties (read only), the allocator and arrow-go's pool of zstd encoders
// (both safe for concurrent use): each column has its own column chunk writer, page
// writer, statistics and metadata builder in the row group.
type columnsWriter struct {
	fw      *file.Writer
	rg      file.BufferedRowGroupWriter // the open row group, or nil
	rgRows  int64                       // rows written to rg
	maxRows int64
	cols    []columnState
	workers []worker // one per goroutine of each
}

// columnState is what columnsWriter keeps for one column across batches.
type columnState struct {
	nullable bool // the field is nullable: its values carry definition levels
	// flush: the column is not dictionary-encoded, so its last page can be
	// compressed before the row group is closed (a dictionary-encoded column keeps
	// its data pages until the dictionary page is written, at Close).
	flush bool
}

// worker is the scratch of one of each's goroutines.
type worker struct {
	ctx    context.Context // pqarrow's write context
	levels []int16         // definition levels
}

// newColumnsWriter returns a writer of schema's columns to w, with the file layout
// and metadata pqarrow.NewFileWriter(schema, w, props, arrowProps) would give, and
// with schema stored (the "ARROW:schema" key, as pqarrow.WithStoreSchema does). It
// writes the columns of a batch on workers goroutines (at least 1, at most one per
// column).
func newColumnsWriter(schema *arrow.Schema, w io.Writer, props *parquet.WriterProperties, arrowProps pqarrow.ArrowWriterProperties, workers int) (*columnsWriter, error) {
	pqschema, err := pqarrow.ToParquet(schema, props, arrowProps)
	if err != nil {
		return nil, err
	}
	md := schema.Metadata()
	kv := make(metadata.KeyValueMetadata, 0, md.Len()+1)
	for i := range md.Len() {
		if err := kv.Append(md.Keys()[i], md.Values()[i]); err != nil {
			return nil, err
		}
	}
	// pqarrow stores the schema after renaming list elements, which a flat schema
	// does not have.
	if err := kv.Append(arrowSchemaKey, base64.StdEncoding.EncodeToString(flight.SerializeSchema(schema, props.Allocator()))); err != nil {
		return nil, err
	}
	fw, err := file.NewParquetWriterWithError(w, pqschema.Root(), file.WithWriterProps(props), file.WithWriteMetadata(kv))
	if err != nil {
		return nil, err
	}
	cw := &columnsWriter{fw: fw, maxRows: props.MaxRowGroupLength(), cols: make([]columnState, schema.NumFields()),
		workers: make([]worker, max(1, min(schema.NumFields(), workers)))}
	for i, f := range schema.Fields() {
		cw.cols[i] = columnState{nullable: f.Nullable, flush: !props.DictionaryEnabledFor(pqschema.Column(i).Path())}
	}
	for i := range cw.workers {
		cw.workers[i].ctx = pqarrow.NewArrowWriteContext(context.Background(), &arrowProps)
	}
	return cw, nil
}

// Write appends rec's rows, filling the open row group and starting a new one when
// it holds the writer properties' MaxRowGroupLength rows, as WriteBuffered does.
func (w *columnsWriter) Write(rec arrow.RecordBatch) error {
	n := rec.NumRows()
	for off := int64(0); off < n; {
		if w.rg == nil || w.rgRows == w.maxRows {
			if err := w.flush(); err != nil {
				return err
			}
			// AppendBufferedRowGroupChecked closes the previous row group.
			rg, err := w.fw.AppendBufferedRowGroupChecked()
			if err != nil {
				return err
			}
			w.rg, w.rgRows = rg, 0
		}
		size := min(n-off, w.maxRows-w.rgRows)
		err := w.each(func(wk *worker, i int, cw file.ColumnChunkWriter) error {
			return wk.write(cw, w.cols[i].nullable, rec.Column(i), off, size)
		})
		if err != nil {
			return err
		}
		off += size
		w.rgRows += size
	}
	return nil
}

// Close flushes the open row group and writes the footer. It must be called, also
// after a failed Write (then only to free the writer's buffers), and only once.
func (w *columnsWriter) Close() error {
	err := w.flush()
	if cerr := w.fw.Close(); err == nil {
		err = cerr
	}
	return err
}

// flush compresses the last page of each column of the open row group that can be
// (see columnState.flush), concurrently, so that closing the row group only copies.
// The pages are the same as those Close would make. (This holds every column's
// grown buffer at once, where Close frees each column's as it copies it out.)
func (w *columnsWriter) flush() error {
	if w.rg == nil {
		return nil
	}
	return w.each(func(_ *worker, i int, cw file.ColumnChunkWriter) error {
		f, ok := cw.(interface{ FlushBufferedDataPages() error })
		if !w.cols[i].flush || !ok {
			return nil
		}
		return f.FlushBufferedDataPages()
	})
}

// each calls f for every column of the open row group, on one goroutine per
// worker that take the columns in turn, and returns the error of the first column
// that failed. One goroutine per worker, not per column: each column being written
// holds a zstd encoder and its tables (16 MB at the default level) and scratch, and
// a score table has some thirty columns.
func (w *columnsWriter) each(f func(wk *worker, i int, cw file.ColumnChunkWriter) error) error {
	cws := make([]file.ColumnChunkWriter, len(w.cols))
	for i := range cws {
		var err error
		if cws[i], err = w.rg.Column(i); err != nil {
			return err
		}
	}
	errs := make([]error, len(w.cols))
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := range w.workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(cws); i = int(next.Add(1) - 1) {
				errs[i] = f(&w.workers[k], i, cws[i])
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// write writes rows [off, off+size) of arr, a column of a field that is nullable
// or not, to cw, with the definition levels and nullability pqarrow's level
// builder gives a top-level primitive column: level 1 for a value and 0 for a null
// in a nullable field, and none otherwise; the leaf is nullable when it has nulls.
func (wk *worker) write(cw file.ColumnChunkWriter, nullable bool, arr arrow.Array, off, size int64) error {
	a := array.NewSlice(arr, off, off+size)
	defer a.Release()
	var def []int16
	if nullable {
		if cap(wk.levels) < a.Len() {
			wk.levels = make([]int16, a.Len())
		}
		def = wk.levels[:a.Len()]
		switch a.NullN() {
		case 0:
			for i := range def {
				def[i] = 1
			}
		case a.Len():
			clear(def)
		default:
			for i := range def {
				def[i] = 0
				if a.IsValid(i) {
					def[i] = 1
				}
			}
		}
	}
	return pqarrow.WriteArrowToColumn(wk.ctx, cw, a, def, nil, nullable && a.NullN() > 0)
}
