package sink

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteParquetStream(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.parquet")
	schema := &Table{Columns: []Column{
		{Name: "id", Type: String},
		{Name: "n", Type: Int64},
		{Name: "x", Type: Float64, Null: true},
	}}
	// Three batches of 5, 0 and 3 rows: the file holds their 8 rows in order.
	batches := [][]string{{"a", "b", "c", "d", "e"}, {}, {"f", "g", "h"}}
	err := WriteParquetStream(path, schema, ParquetOptions{BatchRows: 2}, func(emit func(*Table) error) error {
		k := int64(0)
		for _, ids := range batches {
			b := &Table{Columns: []Column{
				{Name: "id", Type: String, Strings: ids},
				{Name: "n", Type: Int64, Ints: make([]int64, len(ids))},
				{Name: "x", Type: Float64, Null: true},
			}}
			for i := range ids {
				b.Columns[1].Ints[i] = k
				k++
			}
			if err := emit(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	if got.Rows() != len(want) || !got.Col("x").Null {
		t.Fatalf("rows %d, x null %v", got.Rows(), got.Col("x").Null)
	}
	for i, w := range want {
		if got.Col("id").Strings[i] != w || got.Col("n").Ints[i] != int64(i) {
			t.Errorf("row %d = %s %d, want %s %d", i, got.Col("id").Strings[i], got.Col("n").Ints[i], w, i)
		}
	}

	// A failing fill keeps the previous file and leaves no temp file.
	before, _ := os.ReadFile(path)
	boom := errors.New("boom")
	err = WriteParquetStream(path, schema, ParquetOptions{}, func(emit func(*Table) error) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("previous file changed")
	}
	assertNoTemps(t, dir)

	// A batch with the wrong columns is refused.
	err = WriteParquetStream(path, schema, ParquetOptions{}, func(emit func(*Table) error) error {
		return emit(&Table{Columns: []Column{{Name: "id", Type: String, Strings: []string{"a"}}}})
	})
	if err == nil {
		t.Error("a batch with missing columns was accepted")
	}
}

// failAfter is an io.Writer that fails once n bytes have been written.
type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, f.err
	}
	f.n -= len(p)
	return len(p), nil
}

// TestWriteParquetBatchesWriterFails checks that an error of the writer goroutine
// (a full disk, say) stops the fill and is returned with the rows it was writing.
func TestWriteParquetBatchesWriterFails(t *testing.T) {
	schema := &Table{Columns: []Column{{Name: "id", Type: String}}}
	full := errors.New("no space left on device")
	w := &failAfter{n: 100, err: full} // the 4-byte magic and little more
	o := ParquetOptions{RowGroupRows: 10, BatchRows: 10}.withDefaults()
	const batches = 1000
	emitted := 0
	var emitErr error
	err := writeParquetBatches(w, schema, o, func(emit func(*Table) error) error {
		for range batches {
			ids := make([]string, 10)
			for i := range ids {
				ids[i] = "user-with-a-long-enough-id"
			}
			if emitErr = emit(&Table{Columns: []Column{{Name: "id", Type: String, Strings: ids}}}); emitErr != nil {
				return emitErr
			}
			emitted++
		}
		return nil
	})
	if !errors.Is(err, full) || !strings.Contains(err.Error(), "rows [") {
		t.Fatalf("err = %v, want the writer's error with its rows", err)
	}
	// The first row group (10 rows) overflows the 100 bytes; the fill is stopped
	// within the two batches that may wait in between, not after all 1000.
	if !errors.Is(emitErr, errWriteFailed) || emitted > 5 {
		t.Errorf("fill emitted %d batches, last error %v; want it stopped by errWriteFailed", emitted, emitErr)
	}
}
