package sink

import (
	"bytes"
	"encoding/base64"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// storedSchema returns the ARROW:schema entry WriteParquet writes for tbl.
func storedSchema(t testing.TB, tbl *Table) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.parquet")
	if err := WriteParquet(path, tbl, ParquetOptions{}); err != nil {
		t.Fatal(err)
	}
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	v := rdr.MetaData().KeyValueMetadata().FindValue(arrowSchemaKey)
	if v == nil {
		t.Fatal("no ARROW:schema entry")
	}
	return *v
}

func TestFieldDocs(t *testing.T) {
	tbl := scoreTable(10, 1)
	got, err := fieldDocs(storedSchema(t, tbl))
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]string)
	for _, c := range tbl.Columns {
		if c.Doc != "" {
			want[c.Name] = c.Doc
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestReadParquetBadArrowSchema checks that a damaged ARROW:schema entry is an error,
// where arrow-go's own decoder could exhaust memory.
func TestReadParquetBadArrowSchema(t *testing.T) {
	good := storedSchema(t, scoreTable(10, 1))
	dir := t.TempDir()
	for _, tc := range []struct{ name, value string }{
		{"not base64", "!!!"},
		{"empty", ""},
		{"truncated", good[:len(good)/2]},
		{"short", "AAAA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			path := filepath.Join(dir, tc.name+".parquet")
			writeWithKV(t, mem, path, arrowSchemaKey, tc.value)
			_, err := readParquet(path, nil, mem)
			if want := "sink: read " + path + ": corrupt Parquet file: ARROW:schema: "; err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got %v, want an error starting %q", err, want)
			}
		})
	}
}

// writeWithKV writes a one-column file whose key-value metadata has key = value.
func writeWithKV(t *testing.T, mem memory.Allocator, path, key, value string) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(mem)
	b.AppendValues([]int64{1, 2}, nil)
	col := b.NewArray()
	b.Release()
	defer col.Release()
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, -1)
	defer rec.Release()
	var buf bytes.Buffer
	fw, err := pqarrow.NewFileWriter(schema, &buf, parquet.NewWriterProperties(parquet.WithAllocator(mem)),
		pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.AppendKeyValueMetadata(key, value); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzFieldDocs checks that no ARROW:schema value makes fieldDocs panic. It fuzzes
// the decoded bytes, which is where the structure is.
func FuzzFieldDocs(f *testing.F) {
	seed, err := base64.StdEncoding.DecodeString(storedSchema(f, scoreTable(10, 1)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		fieldDocs(base64.StdEncoding.EncodeToString(data))
	})
}
