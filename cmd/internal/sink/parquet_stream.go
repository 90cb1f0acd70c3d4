package sink

import (
	"fmt"
	"io"
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
	return o.Put(path, o.Perm, func(w io.Writer) error {
		return writeParquetBatches(w, schema, o, fill)
	})
}
