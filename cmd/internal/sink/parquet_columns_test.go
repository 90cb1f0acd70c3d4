package sink

import (
	"bytes"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeSerial writes t as writeParquet did before columnsWriter: record batches of
// o.BatchRows rows handed to pqarrow.FileWriter.WriteBuffered, all on one goroutine.
// It is the oracle of TestColumnsWriterSameBytes.
func writeSerial(w io.Writer, t *Table, o ParquetOptions) (err error) {
	as := arrowSchema(t)
	fw, err := pqarrow.NewFileWriter(as, w, writerProps(t, o),
		pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(o.mem), pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := fw.Close(); err == nil {
			err = cerr
		}
	}()
	rb := array.NewRecordBuilder(o.mem, as)
	defer rb.Release()
	rows := t.Rows()
	for off := 0; off < rows; off += o.BatchRows {
		end := min(off+o.BatchRows, rows)
		for i := range t.Columns {
			appendColumn(rb.Field(i), &t.Columns[i], off, end)
		}
		rec := rb.NewRecordBatch()
		err := fw.WriteBuffered(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// TestColumnsWriterSameBytes checks that columnsWriter and its workers change
// nothing in the file: writeParquet's bytes are pqarrow.FileWriter.WriteBuffered's, for tables
// with every kind of column (dictionary and plain strings, with and without
// statistics, nulls, Null columns), with batches that straddle row groups, and
// without rows. (The 1000-row tables' ids keep their dictionary: it fits a page.)
func TestColumnsWriterSameBytes(t *testing.T) {
	// plain turns off the dictionary of the named columns. Where a column's
	// dictionary outgrows its page (the ids of 300,000 rows), arrow-go falls back to
	// plain encoding and lists the chunk's encodings in map order, so that even two
	// files pqarrow writes from the same table can differ.
	plain := func(tbl *Table, names ...string) *Table {
		for _, n := range names {
			tbl.Col(n).Plain = true
		}
		return tbl
	}
	for _, tc := range []struct {
		name string
		tbl  *Table
		o    ParquetOptions
	}{
		{"rows=0", scoreTable(0, 1), ParquetOptions{}},
		{"rows=1", scoreTable(1, 1), ParquetOptions{}},
		{"rows=1000,group=300,batch=128", scoreTable(1000, 2), ParquetOptions{RowGroupRows: 300, BatchRows: 128}},
		{"rows=1000,group=128,batch=300", scoreTable(1000, 3), ParquetOptions{RowGroupRows: 128, BatchRows: 300}},
		{"rows=300000", plain(scoreTable(300_000, 4), "id"), ParquetOptions{}},
		{"rows=300000,plain,level=1,page=64k", plain(scoreTable(300_000, 5), "id", "handle", "missing_s", "dotted.name"), ParquetOptions{CompressionLevel: 1, PageBytes: 64 << 10}},
		{"rows=300000,workers=3,group=1000,batch=300", plain(scoreTable(300_000, 6), "id"), ParquetOptions{Workers: 3, RowGroupRows: 1000, BatchRows: 300}},
		{"rows=1000,workers=50", scoreTable(1000, 7), ParquetOptions{Workers: 50}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			o := tc.o
			o.mem = mem
			o.Workers = max(o.Workers, 2) // else writeParquet is writeSerial
			o = o.withDefaults()
			var got, want bytes.Buffer
			if err := writeParquet(&got, tc.tbl, o); err != nil {
				t.Fatal(err)
			}
			if err := writeSerial(&want, tc.tbl, o); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("file differs from pqarrow's: %d bytes, want %d; first difference at byte %d",
					got.Len(), want.Len(), firstDiff(got.Bytes(), want.Bytes()))
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// packed returns a copy of t with its String columns held as Packed.
func packed(t *Table) *Table {
	out := &Table{Meta: t.Meta, Columns: append([]Column(nil), t.Columns...)}
	for i := range out.Columns {
		c := &out.Columns[i]
		if c.Type != String || c.Strings == nil {
			continue
		}
		p := &Packed{}
		for _, s := range c.Strings {
			p.Append(s)
		}
		c.Strings, c.Packed = nil, p
	}
	return out
}

// TestPackedSameFile checks that a table whose strings are Packed is written as the
// same file, byte for byte, as with Strings (with nulls, a Null column, batches that
// straddle row groups), and as the same CSV.
func TestPackedSameFile(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows int
		o    ParquetOptions
	}{
		{"rows=0", 0, ParquetOptions{}},
		{"rows=1000,group=300,batch=128", 1000, ParquetOptions{RowGroupRows: 300, BatchRows: 128}},
		{"rows=100000", 100_000, ParquetOptions{}},
		{"rows=100000,workers=2", 100_000, ParquetOptions{Workers: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)
			o := tc.o
			o.mem = mem
			o = o.withDefaults()
			want := scoreTable(tc.rows, 7)
			want.Col("id").Plain = true // see TestColumnsWriterSameBytes
			got := packed(want)
			if got.Col("id").Packed == nil || got.Col("id").Strings != nil {
				t.Fatal("packed left the ids as Strings")
			}
			if err := got.Validate(); err != nil {
				t.Fatal(err)
			}
			var gotPQ, wantPQ, gotCSV, wantCSV bytes.Buffer
			if err := writeParquet(&gotPQ, got, o); err != nil {
				t.Fatal(err)
			}
			if err := writeParquet(&wantPQ, want, o); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(gotPQ.Bytes(), wantPQ.Bytes()) {
				t.Errorf("Parquet file differs: %d bytes, want %d; first difference at byte %d",
					gotPQ.Len(), wantPQ.Len(), firstDiff(gotPQ.Bytes(), wantPQ.Bytes()))
			}
			if err := WriteCSV(&gotCSV, got); err != nil {
				t.Fatal(err)
			}
			if err := WriteCSV(&wantCSV, want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(gotCSV.Bytes(), wantCSV.Bytes()) {
				t.Errorf("CSV differs at byte %d", firstDiff(gotCSV.Bytes(), wantCSV.Bytes()))
			}
		})
	}
}
