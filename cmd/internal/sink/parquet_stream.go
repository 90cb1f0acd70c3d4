package sink

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// WriteParquetStream writes a Parquet file whose rows come in batches, atomically
// (see WriteFileAtomic), so that a table larger than memory can be written with
// memory bounded by one batch. schema gives the columns (names, types, docs, Null
// flags; its values are ignored) and the file metadata. fill calls emit once per
// batch, each batch a Table with schema's columns in the same order; the file is
// laid out as WriteParquet lays out the concatenation of the batches. An error from
// fill or emit aborts the write and leaves any previous file at path untouched.
func WriteParquetStream(path string, schema *Table, o ParquetOptions, fill func(emit func(batch *Table) error) error) error {
	if len(schema.Columns) == 0 {
		return fmt.Errorf("sink: write %s: %w", path, errNoColumns)
	}
	o = o.withDefaults()
	return WriteFileAtomic(path, o.Perm, func(w io.Writer) (err error) {
		as := arrowSchema(schema)
		fw, err := pqarrow.NewFileWriter(as, w, writerProps(schema, o),
			pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(o.mem), pqarrow.WithStoreSchema()))
		if err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
		defer func() {
			if cerr := fw.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("parquet: close: %w", cerr)
			}
		}()
		rb := array.NewRecordBuilder(o.mem, as)
		defer rb.Release()
		written := 0
		return fill(func(b *Table) error {
			if len(b.Columns) != len(schema.Columns) {
				return fmt.Errorf("batch has %d columns, want %d", len(b.Columns), len(schema.Columns))
			}
			for i := range b.Columns {
				if b.Columns[i].Name != schema.Columns[i].Name || b.Columns[i].Type != schema.Columns[i].Type {
					return fmt.Errorf("batch column %d is %s %s, want %s %s", i, b.Columns[i].Name,
						b.Columns[i].Type, schema.Columns[i].Name, schema.Columns[i].Type)
				}
			}
			if err := b.validate(); err != nil {
				return err
			}
			rows := b.Rows()
			for off := 0; off < rows; off += o.BatchRows {
				end := min(off+o.BatchRows, rows)
				for i := range b.Columns {
					appendColumn(rb.Field(i), &b.Columns[i], off, end)
				}
				rec := rb.NewRecordBatch()
				err := fw.WriteBuffered(rec)
				rec.Release()
				if err != nil {
					return fmt.Errorf("parquet: rows [%d, %d): %w", written+off, written+end, err)
				}
			}
			written += rows
			return nil
		})
	})
}
