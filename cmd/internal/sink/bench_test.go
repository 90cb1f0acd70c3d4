package sink

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"
)

// benchTable returns a table shaped like a real score table: a string id, an int64
// follower count and 25 float64 signal and score columns of random values (the
// worst case for compression), 1 row in 50 of each float column null.
func benchTable(rows int) *Table {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, rows)
	followers := make([]int64, rows)
	for i := range rows {
		ids[i] = fmt.Sprintf("user-%d", rng.Int64N(1e12))
		followers[i] = rng.Int64N(1e7)
	}
	tbl := &Table{
		Columns: []Column{
			{Name: "id", Type: String, Strings: ids},
			{Name: "followers", Type: Int64, Ints: followers},
		},
		Meta: map[string]string{"clout.version": "bench"},
	}
	for c := range 25 {
		vals := make([]float64, rows)
		valid := make([]bool, rows)
		for i := range rows {
			vals[i] = rng.ExpFloat64()
			valid[i] = rng.IntN(50) != 0
		}
		tbl.Columns = append(tbl.Columns, Column{Name: fmt.Sprintf("signal_%02d", c), Type: Float64, Floats: vals, Valid: valid})
	}
	return tbl
}

func BenchmarkWriteParquet(b *testing.B) {
	for _, rows := range []int{1e5, 1e6} {
		b.Run(fmt.Sprintf("rows=1e%d", int(math.Log10(float64(rows)))), func(b *testing.B) {
			tbl := benchTable(rows)
			path := filepath.Join(b.TempDir(), "scores.parquet")
			for b.Loop() {
				if err := WriteParquet(path, tbl, ParquetOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(fi.Size())/float64(rows), "file-B/row")

			rdr, err := file.OpenParquetFile(path, false)
			if err != nil {
				b.Fatal(err)
			}
			defer rdr.Close()
			if rdr.NumRows() != int64(rows) || rdr.MetaData().Schema.NumColumns() != len(tbl.Columns) {
				b.Fatalf("file has %d rows and %d columns, want %d and %d",
					rdr.NumRows(), rdr.MetaData().Schema.NumColumns(), rows, len(tbl.Columns))
			}
		})
	}
}

func BenchmarkReadParquet(b *testing.B) {
	const rows = 1e6
	tbl := benchTable(rows)
	path := filepath.Join(b.TempDir(), "scores.parquet")
	if err := WriteParquet(path, tbl, ParquetOptions{}); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		names []string
	}{
		{"rows=1e6,cols=all", nil},
		{"rows=1e6,cols=2", []string{"id", "signal_07"}}, // what `clout top` reads
	} {
		b.Run(tc.name, func(b *testing.B) {
			var got *Table
			for b.Loop() {
				var err error
				if got, err = ReadParquetColumns(path, tc.names); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			want := len(tc.names)
			if want == 0 {
				want = len(tbl.Columns)
			}
			if got.Rows() != rows || len(got.Columns) != want {
				b.Fatalf("read %d rows and %d columns, want %d and %d", got.Rows(), len(got.Columns), int(rows), want)
			}
		})
	}
}
