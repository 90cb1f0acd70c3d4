package sink

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
)

func TestParquetRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows int
		o    ParquetOptions
		// wantGroups is ceil(rows / row group rows).
		wantGroups int
	}{
		{"rows=0", 0, ParquetOptions{}, 0},
		{"rows=1", 1, ParquetOptions{}, 1},
		// 300000 = 2×131072 + 37856: three row groups, written in 64Ki-row batches.
		{"rows=300000", 300_000, ParquetOptions{}, 3},
		// Batches that straddle row groups: 1000 = 3×300 + 100.
		{"rows=1000,group=300,batch=128", 1000, ParquetOptions{RowGroupRows: 300, BatchRows: 128}, 4},
		{"rows=300000,page=16k", 300_000, ParquetOptions{PageBytes: 16 << 10}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
			defer mem.AssertSize(t, 0)

			want := scoreTable(tc.rows, 1)
			path := filepath.Join(t.TempDir(), "scores.parquet")
			o := tc.o
			o.mem = mem
			if err := WriteParquet(path, want, o); err != nil {
				t.Fatal(err)
			}
			got, err := readParquet(path, nil, mem)
			if err != nil {
				t.Fatal(err)
			}
			if err := equalTables(want, got); err != nil {
				t.Fatal(err)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("table read back is invalid: %v", err)
			}
			checkLayout(t, path, want, tc.wantGroups, o.withDefaults().RowGroupRows)
			assertNoTemps(t, filepath.Dir(path))
		})
	}
}

// checkLayout checks the physical layout of a written file: row groups of the
// requested size, zstd everywhere, statistics unless NoStats, dictionary pages for strings only.
func checkLayout(t *testing.T, path string, tbl *Table, wantGroups, groupRows int) {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	md := rdr.MetaData()
	if got := rdr.NumRowGroups(); got != wantGroups {
		t.Errorf("row groups: got %d, want %d", got, wantGroups)
	}
	if got := rdr.NumRows(); got != int64(tbl.Rows()) {
		t.Errorf("rows in footer: got %d, want %d", got, tbl.Rows())
	}
	for g := range rdr.NumRowGroups() {
		rg := md.RowGroup(g)
		wantRows := min(groupRows, tbl.Rows()-g*groupRows)
		if rg.NumRows() != int64(wantRows) {
			t.Errorf("row group %d: %d rows, want %d", g, rg.NumRows(), wantRows)
		}
		for i := range tbl.Columns {
			cc, err := rg.ColumnChunk(i)
			if err != nil {
				t.Fatal(err)
			}
			if cc.Compression() != compress.Codecs.Zstd {
				t.Errorf("row group %d column %q: compression %v", g, tbl.Columns[i].Name, cc.Compression())
			}
			if ok, err := cc.StatsSet(); ok == tbl.Columns[i].NoStats || err != nil {
				t.Errorf("row group %d column %q: statistics %v, want %v (%v)", g, tbl.Columns[i].Name, ok, !tbl.Columns[i].NoStats, err)
			}
			if dict := cc.HasDictionaryPage(); dict != (tbl.Columns[i].Type == String) {
				t.Errorf("row group %d column %q (%v): dictionary page %v", g, tbl.Columns[i].Name, tbl.Columns[i].Type, dict)
			}
		}
	}
	if v := md.KeyValueMetadata().FindValue("clout.version"); v == nil || *v != tbl.Meta["clout.version"] {
		t.Errorf("key-value metadata clout.version = %v, want %q", v, tbl.Meta["clout.version"])
	}
}

func TestReadParquetColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	full := scoreTable(5000, 2)
	path := filepath.Join(t.TempDir(), "scores.parquet")
	if err := WriteParquet(path, full, ParquetOptions{mem: mem}); err != nil {
		t.Fatal(err)
	}

	// In the order asked for, not the file's.
	names := []string{"score", "missing", "id"}
	got, err := readParquet(path, names, mem)
	if err != nil {
		t.Fatal(err)
	}
	want := &Table{Meta: full.Meta}
	for _, n := range names {
		want.Columns = append(want.Columns, *full.Col(n))
	}
	if err := equalTables(want, got); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		names []string
		want  string
	}{
		{[]string{"score", "nope"}, `no column "nope" (the file has id, handle,`},
		{[]string{"score", "score"}, `column "score" requested twice`},
	} {
		_, err := readParquet(path, tc.names, mem)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("ReadParquetColumns(%q): got error %v, want one naming the path and containing %q", tc.names, err, tc.want)
		}
	}
}

func TestWriteParquetInvalid(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		tbl  *Table
		want string
	}{
		{"no columns", &Table{}, "table has no columns"},
		{"ragged", &Table{Columns: []Column{
			{Name: "a", Type: Int64, Ints: []int64{1, 2}},
			{Name: "b", Type: Int64, Ints: []int64{1}},
		}}, `column "b" has 1 rows, want 2`},
		{"duplicate", &Table{Columns: []Column{
			{Name: "a", Type: Int64, Ints: []int64{1}},
			{Name: "a", Type: Int64, Ints: []int64{1}},
		}}, `duplicate column name "a"`},
		{"no type", &Table{Columns: []Column{{Name: "a", Ints: []int64{1}}}}, `column "a": invalid type Type(0)`},
		{"stray values", &Table{Columns: []Column{{Name: "a", Type: Float64, Floats: []float64{1}, Ints: []int64{1}}}},
			`column "a": float64 column holds values of another type`},
		{"short valid", &Table{Columns: []Column{{Name: "a", Type: Float64, Floats: []float64{1, 2}, Valid: []bool{true}}}},
			`column "a": Valid has 1 entries, want 2`},
		{"two-line doc", &Table{Columns: []Column{{Name: "a", Type: Float64, Floats: []float64{1}, Doc: "x\ny"}}},
			`column "a": doc is not one line`},
		{"no name", &Table{Columns: []Column{{Type: Float64, Floats: []float64{1}}}}, `column 0 has no name`},
		{"packed ends fall", &Table{Columns: []Column{{Name: "a", Type: String, Packed: &Packed{Bytes: []byte("abc"), Ends: []int32{2, 1, 3}}}}},
			`column "a": packed value 1 ends at 1, before its start 2`},
		{"packed ends short", &Table{Columns: []Column{{Name: "a", Type: String, Packed: &Packed{Bytes: []byte("abc"), Ends: []int32{2}}}}},
			`column "a": packed values end at 2, not at the end of their 3 bytes`},
		{"packed and strings", &Table{Columns: []Column{{Name: "a", Type: String, Strings: []string{"abc"}, Packed: &Packed{Bytes: []byte("abc"), Ends: []int32{3}}}}},
			`column "a" holds both Strings and Packed`},
		{"packed int", &Table{Columns: []Column{{Name: "a", Type: Int64, Ints: []int64{1}, Packed: &Packed{}}}},
			`column "a": int64 column holds values of another type`},
		{"reserved meta", &Table{Columns: []Column{{Name: "a", Type: Float64, Floats: []float64{1}}}, Meta: map[string]string{"ARROW:schema": "x"}},
			`metadata key "ARROW:schema" is reserved for Arrow`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.parquet")
			err := WriteParquet(path, tc.tbl, ParquetOptions{})
			if err == nil || err.Error() != "sink: write "+path+": "+tc.want {
				t.Errorf("got error %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a file was written: %v", err)
			}
		})
	}
}

func TestReadParquetBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	if err := WriteParquet(good, scoreTable(2000, 3), ParquetOptions{}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a Parquet file"},
		{"text", []byte("id,score\nalice,1\n"), "not a Parquet file"},
		{"magic only", []byte("PAR1PAR1"), "not a Parquet file"},
		{"truncated footer", data[:len(data)-10], "not a Parquet file"},
		{"no footer", data[:len(data)/2], "not a Parquet file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".parquet")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadParquet(path)
			if err == nil || !strings.HasPrefix(err.Error(), "sink: read "+path+": "+tc.want) {
				t.Errorf("got error %v, want %q", err, tc.want)
			}
		})
	}

	missing := filepath.Join(dir, "missing.parquet")
	_, err = ReadParquet(missing)
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != "sink: read "+missing+": no such file or directory" {
		t.Errorf("missing file: got %v", err)
	}
}

// FuzzReadParquet checks that no input makes ReadParquet panic and that every error
// names the file. The seeds are a valid file and damaged copies of it.
func FuzzReadParquet(f *testing.F) {
	path := filepath.Join(f.TempDir(), "seed.parquet")
	if err := WriteParquet(path, scoreTable(300, 4), ParquetOptions{RowGroupRows: 100}); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, at := range []int{4, len(data) / 3, len(data) / 2, len(data) - 200, len(data) - 9} {
		damaged := append([]byte(nil), data...)
		for i := at; i < at+8 && i < len(damaged); i++ {
			damaged[i] ^= 0xff
		}
		f.Add(damaged)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tbl, err := ReadParquet(path)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "sink: read "+path+": ") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		if err := tbl.Validate(); err != nil {
			t.Errorf("ReadParquet returned an invalid table: %v", err)
		}
	})
}

// assertNoTemps fails if dir holds a temporary file of WriteFileAtomic.
func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if isTempName(e.Name()) {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
