package sink

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeForeign writes one record of the given columns with pqarrow directly, the way
// another tool (pyarrow, DuckDB, Spark) might, embedding the Arrow schema (with types
// such as large_utf8 and dictionaries, which ReadParquet must not trip over) when
// storeSchema is set.
func writeForeign(t *testing.T, mem memory.Allocator, path string, fields []arrow.Field, cols []arrow.Array, storeSchema bool) {
	t.Helper()
	schema := arrow.NewSchema(fields, nil)
	rec := array.NewRecordBatch(schema, cols, -1)
	defer rec.Release()
	var buf bytes.Buffer
	aprops := []pqarrow.WriterOption{pqarrow.WithAllocator(mem)}
	if storeSchema {
		aprops = append(aprops, pqarrow.WithStoreSchema())
	}
	fw, err := pqarrow.NewFileWriter(schema, &buf, parquet.NewWriterProperties(parquet.WithAllocator(mem)),
		pqarrow.NewArrowWriterProperties(aprops...))
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadParquetForeignTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)

	valid := []bool{true, false, true, true}
	build := func(b array.Builder, appendVals func()) arrow.Array {
		defer b.Release()
		appendVals()
		return b.NewArray()
	}
	large := array.NewLargeStringBuilder(mem)
	dict := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	i32 := array.NewInt32Builder(mem)
	u8 := array.NewUint8Builder(mem)
	u64 := array.NewUint64Builder(mem)
	f32 := array.NewFloat32Builder(mem)
	nul := array.NewNullBuilder(mem)
	cols := []arrow.Array{
		build(large, func() { large.AppendValues([]string{"a", "", "ccc", "é"}, valid) }),
		build(dict, func() {
			for i, s := range []string{"x", "y", "x", "x"} {
				if valid[i] {
					dict.AppendString(s)
				} else {
					dict.AppendNull()
				}
			}
		}),
		build(i32, func() { i32.AppendValues([]int32{-1 << 31, 0, 7, 1<<31 - 1}, nil) }),
		build(u8, func() { u8.AppendValues([]uint8{0, 1, 255, 3}, valid) }),
		build(u64, func() { u64.AppendValues([]uint64{1 << 63, 1, 2, 3}, []bool{false, true, true, true}) }),
		build(f32, func() { f32.AppendValues([]float32{0.5, -1.25, 3, 1e30}, nil) }),
		build(nul, func() { nul.AppendNulls(4) }),
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	fields := []arrow.Field{
		{Name: "large", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "dict", Type: cols[1].DataType(), Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32},
		{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
		{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32},
		{Name: "nul", Type: arrow.Null, Nullable: true},
	}
	want := &Table{Columns: []Column{
		{Name: "large", Type: String, Strings: []string{"a", "", "ccc", "é"}, Valid: valid},
		{Name: "dict", Type: String, Strings: []string{"x", "", "x", "x"}, Valid: valid},
		{Name: "i32", Type: Int64, Ints: []int64{-1 << 31, 0, 7, 1<<31 - 1}},
		{Name: "u8", Type: Int64, Ints: []int64{0, 0, 255, 3}, Valid: valid},
		{Name: "u64", Type: Int64, Ints: []int64{0, 1, 2, 3}, Valid: []bool{false, true, true, true}},
		{Name: "f32", Type: Float64, Floats: []float64{0.5, -1.25, 3, float64(float32(1e30))}},
		{Name: "nul", Type: Float64, Null: true},
	}}

	dir := t.TempDir()
	for _, store := range []bool{true, false} {
		path := filepath.Join(dir, "foreign.parquet")
		writeForeign(t, mem, path, fields, cols, store)
		got, err := readParquet(path, nil, mem)
		if err != nil {
			t.Fatalf("storeSchema=%v: %v", store, err)
		}
		if err := equalTables(want, got); err != nil {
			t.Errorf("storeSchema=%v: %v", store, err)
		}
		for k, c := range got.Columns { // nulls read back as zero values
			for r := range c.Len() {
				if c.IsNull(r) && (c.Type == String && c.Strings[r] != "" || c.Type == Int64 && c.Ints[r] != 0 || c.Type == Float64 && c.Floats[r] != 0) {
					t.Errorf("storeSchema=%v: column %d row %d: null holds a value", store, k, r)
				}
			}
		}
	}
}

func TestReadParquetUnsupported(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()

	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int64)
	lb.Append(true)
	lb.ValueBuilder().(*array.Int64Builder).Append(1)
	list := lb.NewArray()
	lb.Release()
	defer list.Release()
	bb := array.NewBooleanBuilder(mem)
	bb.Append(true)
	boolean := bb.NewArray()
	bb.Release()
	defer boolean.Release()
	ub := array.NewUint64Builder(mem)
	ub.Append(1 << 63)
	big := ub.NewArray()
	ub.Release()
	defer big.Release()

	for _, tc := range []struct {
		name  string
		field arrow.Field
		col   arrow.Array
		want  string
	}{
		{"list", arrow.Field{Name: "l", Type: list.DataType(), Nullable: true}, list, `column "l": unsupported nested type list<element: int64, nullable>`},
		{"bool", arrow.Field{Name: "b", Type: arrow.FixedWidthTypes.Boolean}, boolean, `column "b": unsupported type bool`},
		{"uint64", arrow.Field{Name: "u", Type: arrow.PrimitiveTypes.Uint64}, big, `column "u": row 0: value 9223372036854775808 out of int64 range`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".parquet")
			writeForeign(t, mem, path, []arrow.Field{tc.field}, []arrow.Array{tc.col}, true)
			_, err := readParquet(path, nil, mem)
			if err == nil || !strings.HasSuffix(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "sink: read "+path+": ") {
				t.Errorf("got %v, want an error naming the path and ending %q", err, tc.want)
			}
		})
	}
}
