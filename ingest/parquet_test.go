package ingest

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/clout-dev/clout/graph"
)

// pqRow is a row of the test table; nil pointers are nulls.
type pqRow struct {
	actor  *string
	target int64
	kind   string
	timeMS *int64
	post   *string
}

func ptr[T any](v T) *T { return &v }

// writeInteractionsParquet writes rows as a Parquet interactions table with row groups
// of at most groupRows rows, the way STYLE.md describes: schema, writer properties,
// NewFileWriter, record builder, write, Close.
func writeInteractionsParquet(t testing.TB, mem memory.Allocator, rows []pqRow, groupRows int64) []byte {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "Actor", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "target", Type: arrow.PrimitiveTypes.Int64},
		{Name: "extra", Type: arrow.PrimitiveTypes.Float64},
		{Name: "type", Type: arrow.BinaryTypes.String},
		{Name: "time", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "post_id", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(groupRows),
		parquet.WithCompression(compress.Codecs.Zstd), parquet.WithAllocator(mem))
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, r := range rows {
		if r.actor == nil {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.StringBuilder).Append(*r.actor)
		}
		b.Field(1).(*array.Int64Builder).Append(r.target)
		b.Field(2).(*array.Float64Builder).Append(0.5)
		b.Field(3).(*array.StringBuilder).Append(r.kind)
		if r.timeMS == nil {
			b.Field(4).AppendNull()
		} else {
			b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(*r.timeMS))
		}
		if r.post == nil {
			b.Field(5).AppendNull()
		} else {
			b.Field(5).(*array.StringBuilder).Append(*r.post)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var pqRows = []pqRow{
	{ptr("a"), 2, "retweet", ptr[int64](1000), ptr("p1")},
	{ptr("c"), 2, "rt", ptr[int64](2000), ptr("p1")},
	{ptr("c"), 2, "RT", nil, ptr("p2")},
	{ptr("a"), 3, "like", ptr[int64](-1500), nil}, // rounds down to -2 s
	{ptr("d"), 2, "mention", ptr[int64](5000), ptr("")},
	{ptr("a"), 2, "follow", nil, nil},
	{ptr(" e "), 9, "reply", ptr[int64](7000), ptr("x")},
}

func TestParquetRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	data := writeInteractionsParquet(t, mem, pqRows, 3)

	s := NewSink()
	rep, err := readParquet("t.parquet", bytes.NewReader(data), s, Options{Platform: "x"}, mem)
	if err != nil {
		t.Fatal(err)
	}
	want := [graph.NumKinds]int64{graph.Follows: 1, graph.Retweets: 3, graph.Mentions: 1, graph.Replies: 1, graph.Likes: 1}
	if rep.Events != want || rep.Records != 7 || rep.Bytes != int64(len(data)) {
		t.Errorf("report %+v", rep)
	}
	// Ids: a, 2, c, 3, d, e, 9; the integer target 2 is the same user as "2".
	if s.IDs.Len() != 7 {
		t.Errorf("%d ids", s.IDs.Len())
	}
	u2, ok := s.IDs.Lookup(s.IDs.Platform("x"), []byte("2"))
	if !ok {
		t.Fatal("no user 2")
	}
	if got := s.Posts.Retweeted(s.IDs.Len())[u2]; got != 2 {
		t.Errorf("retweeted[2] = %d, want 2 (p1, p2)", got)
	}
	if _, ok := s.IDs.Lookup(s.IDs.Platform("x"), []byte("e")); !ok {
		t.Error("ids are trimmed")
	}

	// The time window, with millisecond timestamps rounded down: [1, 6) drops -2 and 7.
	rep, err = readParquet("t.parquet", bytes.NewReader(data), NewSink(), Options{Since: 1, Until: 6}, mem)
	if err != nil || rep.OutOfWindow != 2 || rep.TotalEvents() != 5 {
		t.Errorf("window: %+v, %v", rep, err)
	}

	// From a file, through ReadInput, with the format detected.
	path := writeFile(t, t.TempDir(), "t.parquet", data)
	var p countProgress
	rep, err = ReadInput(Input{Path: path}, NewSink(), Options{Progress: &p})
	if err != nil || rep.Format != FormatInteractionsParquet || rep.TotalEvents() != 7 || rep.FileSize != int64(len(data)) {
		t.Errorf("ReadInput: %+v, %v", rep, err)
	}
	if p.total != int64(len(data)) || p.done != p.total {
		t.Errorf("progress %+v, want %d", p, len(data))
	}
}

func TestParquetErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := append([]pqRow(nil), pqRows...)
	rows[4].actor = nil // row group 1, row 1
	rows[6].kind = "poke"
	data := writeInteractionsParquet(t, mem, rows, 3)

	_, err := readParquet("t.parquet", bytes.NewReader(data), NewSink(), Options{}, mem)
	want := "t.parquet: record 5: row group 1, row 1 (0-based): column actor: expected an actor id, got null"
	var pe *ParseError
	if !errors.As(err, &pe) || err.Error() != want || pe.Record != 5 {
		t.Errorf("got %v\nwant %s", err, want)
	}
	rep, err := readParquet("t.parquet", bytes.NewReader(data), NewSink(), Options{OnBadLine: Skip}, mem)
	if err != nil || rep.Skipped != 2 || rep.Records != 5 || len(rep.FirstBad) != 2 ||
		!strings.Contains(rep.FirstBad[1].Error(), `record 7: row group 2, row 0 (0-based): column type: expected an interaction type`) {
		t.Errorf("skip: %+v, %v", rep, err)
	}

	// Not Parquet, or cut short: an error, not a panic.
	for _, bad := range [][]byte{[]byte("PAR1 but not really"), data[:len(data)/2], data[:len(data)-9]} {
		if _, err := readParquet("bad.parquet", bytes.NewReader(bad), NewSink(), Options{}, mem); err == nil || !strings.Contains(err.Error(), "bad.parquet") {
			t.Errorf("corrupt file: %v", err)
		}
	}
	if _, err := ReadInteractionsParquet(filepath.Join(t.TempDir(), "none.parquet"), NewSink(), Options{}); err == nil {
		t.Error("missing file accepted")
	}
}

func TestParquetMissingColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "actor", Type: arrow.BinaryTypes.String}}, nil)
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(schema, &buf, parquet.NewWriterProperties(parquet.WithAllocator(mem)), pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = readParquet("m.parquet", bytes.NewReader(buf.Bytes()), NewSink(), Options{}, mem)
	if err == nil || err.Error() != "ingest: m.parquet: expected the columns actor, target, type and optionally time and post_id; missing target, type" {
		t.Errorf("got %v", err)
	}
}
