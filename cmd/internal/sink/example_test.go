package sink_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/clout-dev/clout/cmd/internal/sink"
)

func ExampleWriteCSV() {
	t := &sink.Table{Columns: []sink.Column{
		{Name: "user", Type: sink.String, Strings: []string{"ada", "=1+1", "bob"}},
		{Name: "score", Type: sink.Float64, Floats: []float64{71.5, -0.25, 0}, Valid: []bool{true, true, false}},
		{Name: "followers", Type: sink.Int64, Ints: []int64{1200, 3, 0}},
		{Name: "retweets", Type: sink.Float64, Null: true, Doc: "not in this data set"},
	}}
	if err := sink.WriteCSV(os.Stdout, t); err != nil {
		fmt.Println(err)
	}
	// Output:
	// user,score,followers,retweets
	// ada,71.5,1200,
	// '=1+1,-0.25,3,
	// bob,,0,
}

func ExampleWriteParquet() {
	dir, err := os.MkdirTemp("", "sink-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "scores.parquet")

	t := &sink.Table{
		Columns: []sink.Column{
			{Name: "user", Type: sink.String, Strings: []string{"ada", "bob"}},
			{Name: "score", Type: sink.Float64, Doc: "Clout score, 0–100", Floats: []float64{71.5, 12}},
		},
		Meta: map[string]string{"clout.version": "v0.1.0"},
	}
	if err := sink.WriteParquet(path, t, sink.ParquetOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	back, err := sink.ReadParquetColumns(path, []string{"score"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := back.Col("score")
	fmt.Println(back.Rows(), c.Name, c.Doc, c.Floats, back.Meta["clout.version"])
	// Output:
	// 2 score Clout score, 0–100 [71.5 12] v0.1.0
}
