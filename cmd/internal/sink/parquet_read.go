package sink

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// readBatchRows is the number of rows in each record batch read from a file.
const readBatchRows = 64 << 10

// maxPrealloc bounds the rows for which a column's slices are allocated up front.
const maxPrealloc = 1 << 24

// arrowSchemaKey is the key-value metadata entry in which Arrow writers embed their
// schema; it is Arrow's business, so ReadParquet leaves it out of Table.Meta.
const arrowSchemaKey = "ARROW:schema"

// ReadParquet reads the Parquet file at path into a Table: every column, every row,
// and the file's key-value metadata. It reads any file that WriteParquet writes, and
// flat files from other writers (pyarrow, pandas, DuckDB, Spark) whose columns have
// these Parquet types:
//
//	BYTE_ARRAY annotated STRING (UTF8)          → String
//	INT32, INT64, and the INT(8…64, signed or not) → Int64 (a uint64 above MaxInt64 is an error)
//	FLOAT, DOUBLE                              → Float64
//	the NULL annotation (pandas' all-None column)  → Float64 with Null set
//
// Types are taken from the Parquet schema alone. An Arrow schema embedded by the
// writer (the "ARROW:schema" entry) is only consulted for each field's "doc"
// metadata, which becomes Column.Doc: arrow-go's decoder of that entry trusts its
// lengths, so a damaged one could exhaust memory (see arrowschema.go).
//
// A column with at least one row whose rows are all null comes back with Null set,
// Valid nil and zero values in a value slice of full length (so Rows works even when
// every column is Null). Otherwise Valid is nil when no row is null and marks the
// null rows when some are; the values of null rows are zero. Other types (booleans,
// timestamps, decimals, binary without the STRING annotation), nested columns (lists,
// structs, maps) and duplicate column names are errors.
//
// Errors name path, as in
//
//	sink: read out/scores.parquet: not a Parquet file: …
func ReadParquet(path string) (*Table, error) {
	return readParquet(path, nil, memory.DefaultAllocator)
}

// ReadParquetColumns is ReadParquet restricted to the named columns, in the order
// given; the others are not read from the file at all (projection), which makes
// `clout top` on a wide score file cheap. No names means every column. A name missing
// from the file, or given twice, is an error.
func ReadParquetColumns(path string, names []string) (*Table, error) {
	return readParquet(path, names, memory.DefaultAllocator)
}

// readParquet implements ReadParquet and ReadParquetColumns with the Arrow allocator
// mem (tests pass a checked one).
func readParquet(path string, names []string, mem memory.Allocator) (t *Table, err error) {
	defer func() {
		// arrow-go's decoders are not hardened against every malformed input; a panic
		// while decoding a damaged file is bad input, not a bug of ours.
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("corrupt Parquet file: decoder panic: %v", r)
		}
		if err != nil {
			err = fmt.Errorf("sink: read %s: %w", path, err)
		}
	}()

	rdr, err := file.OpenParquetFile(path, false, file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		if pe, ok := err.(*fs.PathError); ok { // could not open it
			return nil, pe.Err
		}
		return nil, fmt.Errorf("not a Parquet file: %w", err)
	}
	defer rdr.Close()
	docs, err := hideArrowSchema(rdr)
	if err != nil {
		return nil, fmt.Errorf("corrupt Parquet file: %s: %w", arrowSchemaKey, err)
	}

	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: readBatchRows}, mem)
	if err != nil {
		return nil, fmt.Errorf("corrupt Parquet file: %w", err)
	}
	schema, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("corrupt Parquet file: %w", err)
	}
	fields, err := selectFields(schema, names)
	if err != nil {
		return nil, err
	}

	rows := rdr.NumRows()
	// Preallocate for the rows the footer promises, within reason: a damaged footer
	// must not make us allocate terabytes.
	prealloc := int(min(max(rows, 0), maxPrealloc))
	t = &Table{Columns: make([]Column, len(fields))}
	accs := make([]accumulator, len(fields))
	leaves := make([]int, len(fields))
	for k, fi := range fields {
		sf := &fr.Manifest.Fields[fi]
		f := schema.Field(fi)
		if !sf.IsLeaf() {
			return nil, fmt.Errorf("column %q: unsupported nested type %s", f.Name, f.Type)
		}
		typ, err := sinkType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", f.Name, err)
		}
		leaves[k] = sf.ColIndex
		c := &t.Columns[k]
		c.Name, c.Type = f.Name, typ
		c.Doc = docs[f.Name]
		switch typ {
		case String:
			c.Strings = make([]string, 0, prealloc)
		case Int64:
			c.Ints = make([]int64, 0, prealloc)
		case Float64:
			c.Floats = make([]float64, 0, prealloc)
		}
		accs[k].c = c
	}
	t.Meta = fileMeta(rdr)
	if len(fields) == 0 { // a file without columns
		return t, nil
	}

	rr, err := fr.GetRecordReader(context.Background(), leaves, nil)
	if err != nil {
		return nil, fmt.Errorf("corrupt Parquet file: %w", err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		for k := range accs {
			if err := accs[k].append(rec.Column(k)); err != nil {
				return nil, fmt.Errorf("column %q: %w", accs[k].c.Name, err)
			}
		}
	}
	if err := rr.Err(); err != nil {
		return nil, fmt.Errorf("corrupt Parquet file: %w", err)
	}
	for k := range accs {
		a := &accs[k]
		if int64(a.n) != rows {
			return nil, fmt.Errorf("corrupt Parquet file: column %q has %d rows, the footer says %d",
				a.c.Name, a.n, rows)
		}
		if a.n > 0 && a.nulls == a.n {
			a.c.Null, a.c.Valid = true, nil
		}
	}
	return t, nil
}

// selectFields returns the indices of the named top-level fields of schema, or of
// every field when names is empty, checking that the names are found exactly once.
func selectFields(schema *arrow.Schema, names []string) ([]int, error) {
	seen := make(map[string]bool, schema.NumFields())
	for _, f := range schema.Fields() {
		if seen[f.Name] {
			return nil, fmt.Errorf("duplicate column name %q", f.Name)
		}
		seen[f.Name] = true
	}
	if len(names) == 0 {
		all := make([]int, schema.NumFields())
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	out := make([]int, len(names))
	asked := make(map[string]bool, len(names))
	for k, name := range names {
		if asked[name] {
			return nil, fmt.Errorf("column %q requested twice", name)
		}
		asked[name] = true
		idx := schema.FieldIndices(name)
		if len(idx) == 0 {
			have := make([]string, schema.NumFields())
			for i, f := range schema.Fields() {
				have[i] = f.Name
			}
			return nil, fmt.Errorf("no column %q (the file has %s)", name, strings.Join(have, ", "))
		}
		out[k] = idx[0]
	}
	return out, nil
}

// sinkType maps an Arrow type to the Type ReadParquet returns for it.
func sinkType(dt arrow.DataType) (Type, error) {
	switch dt.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return String, nil
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return Int64, nil
	case arrow.FLOAT32, arrow.FLOAT64, arrow.NULL:
		return Float64, nil
	}
	return 0, fmt.Errorf("unsupported type %s", dt)
}

// hideArrowSchema removes the ARROW:schema entry from the key-value metadata of
// rdr, which pqarrow.NewFileReader would otherwise decode unsafely (see
// arrowschema.go), and returns the field docs it holds.
func hideArrowSchema(rdr *file.Reader) (map[string]string, error) {
	md := rdr.MetaData().FileMetaData
	var docs map[string]string
	kept := md.KeyValueMetadata[:0:0]
	for _, kv := range md.KeyValueMetadata {
		if kv == nil || kv.Key != arrowSchemaKey {
			kept = append(kept, kv)
			continue
		}
		var err error
		if docs, err = fieldDocs(kv.GetValue()); err != nil {
			return nil, err
		}
	}
	md.KeyValueMetadata = kept
	return docs, nil
}

// fileMeta returns the key-value metadata of the file, less Arrow's schema (which
// hideArrowSchema took out), or nil.
func fileMeta(rdr *file.Reader) map[string]string {
	kv := rdr.MetaData().KeyValueMetadata()
	keys, vals := kv.Keys(), kv.Values()
	var m map[string]string
	for i, k := range keys {
		if k == arrowSchemaKey {
			continue
		}
		if m == nil {
			m = make(map[string]string, len(keys))
		}
		m[k] = vals[i]
	}
	return m
}

// accumulator appends the record batches of one column to its Column.
type accumulator struct {
	c     *Column
	n     int // rows appended so far
	nulls int // null rows among them
}

// stringValues is what the Arrow string arrays (utf8, large_utf8, string_view) share.
type stringValues interface {
	arrow.Array
	Value(i int) string
}

// append appends arr, whose type sinkType mapped to a.c.Type, to a.c.
func (a *accumulator) append(arr arrow.Array) error {
	n := arr.Len()
	c := a.c
	switch arr := arr.(type) {
	case stringValues:
		for i := range n {
			var s string
			if arr.IsValid(i) {
				s = strings.Clone(arr.Value(i)) // Value aliases Arrow memory that is about to be released
			}
			c.Strings = append(c.Strings, s)
		}
	case *array.Int64:
		c.Ints = append(c.Ints, arr.Int64Values()...)
	case *array.Int32:
		c.Ints = appendConv(c.Ints, arr.Int32Values())
	case *array.Int16:
		c.Ints = appendConv(c.Ints, arr.Int16Values())
	case *array.Int8:
		c.Ints = appendConv(c.Ints, arr.Int8Values())
	case *array.Uint32:
		c.Ints = appendConv(c.Ints, arr.Uint32Values())
	case *array.Uint16:
		c.Ints = appendConv(c.Ints, arr.Uint16Values())
	case *array.Uint8:
		c.Ints = appendConv(c.Ints, arr.Uint8Values())
	case *array.Uint64:
		for i, v := range arr.Uint64Values() {
			if v > math.MaxInt64 && arr.IsValid(i) {
				return fmt.Errorf("row %d: value %d out of int64 range", a.n+i, v)
			}
			c.Ints = append(c.Ints, int64(v))
		}
	case *array.Float64:
		c.Floats = append(c.Floats, arr.Float64Values()...)
	case *array.Float32:
		c.Floats = appendConv(c.Floats, arr.Float32Values())
	case *array.Null:
		c.Floats = append(c.Floats, make([]float64, n)...)
	default:
		return fmt.Errorf("unsupported type %s", arr.DataType())
	}
	if got := c.Len(); got != a.n+n {
		return fmt.Errorf("batch of type %s does not match the column's type %v", arr.DataType(), c.Type)
	}
	if nn := arr.NullN(); nn > 0 {
		if c.Valid == nil {
			c.Valid = make([]bool, a.n, cap(c.Strings)+cap(c.Ints)+cap(c.Floats))
			for i := range c.Valid {
				c.Valid[i] = true
			}
		}
		for i := range n {
			valid := arr.IsValid(i)
			c.Valid = append(c.Valid, valid)
			if !valid {
				zero(c, a.n+i)
			}
		}
		a.nulls += nn
	} else if c.Valid != nil {
		for range n {
			c.Valid = append(c.Valid, true)
		}
	}
	a.n += n
	return nil
}

// zero sets row i of c to its type's zero value; the values under a null are
// undefined in Arrow.
func zero(c *Column, i int) {
	switch c.Type {
	case String:
		c.Strings[i] = ""
	case Int64:
		c.Ints[i] = 0
	case Float64:
		c.Floats[i] = 0
	}
}

// appendConv appends src, converted element-wise, to dst.
func appendConv[D, S int64 | float64 | int32 | int16 | int8 | uint32 | uint16 | uint8 | float32](dst []D, src []S) []D {
	for _, v := range src {
		dst = append(dst, D(v))
	}
	return dst
}
