package main

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPermuteInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, 1000} {
		a := make([]float64, n)
		for i := range a {
			a[i] = float64(i) * 1.5
		}
		order := make([]uint32, n)
		for i := range order {
			order[i] = uint32(i)
		}
		r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		want := make([]float64, n)
		for i, u := range order {
			want[i] = a[u]
		}
		visited := make([]bool, n)
		got := permuteInPlace(a, order, visited)
		if !slices.Equal(got, want) {
			t.Errorf("n=%d: got %v, want %v", n, got, want)
		}
		if slices.Contains(visited, true) {
			t.Errorf("n=%d: visited not cleared", n)
		}
	}
}

// TestWriteScoresBatches checks that the scores file written batch by batch (no
// --csv) holds the same table as the one laid out whole (--csv), on a seeded random
// graph of a few hundred users written in batches of 7 rows, and that the top rows
// printed are the same.
func TestWriteScoresBatches(t *testing.T) {
	defer func(b int) { scoreBatch = b }(scoreBatch)
	scoreBatch = 7
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	for range 2000 {
		fmt.Fprintf(&sb, "%d %d %d\n", r.IntN(1+r.IntN(400)), r.IntN(400), 1+r.IntN(3))
	}
	rt := writeFile(t, dir, "rt.txt", sb.String())
	fo := writeFile(t, dir, "fo.txt", "1 2\n3 2\n2 1\n")
	tables := map[string]*sink.Table{}
	tops := map[string]string{}
	for name, extra := range map[string][]string{"whole": {"--csv"}, "batches": nil} {
		out := filepath.Join(dir, name)
		args := append([]string{"score", "--retweets", rt, "--follows", fo, "--out", out, "--progress", "never", "--top", "15"}, extra...)
		stdout, stderr, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		tbl, err := sink.ReadParquet(filepath.Join(out, "scores.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		tables[name], tops[name] = tbl, stdout
	}
	w, b := tables["whole"], tables["batches"]
	if w.Rows() < 300 || w.Rows() != b.Rows() {
		t.Fatalf("rows: whole %d, batches %d", w.Rows(), b.Rows())
	}
	if !reflect.DeepEqual(w, b) {
		for i := range w.Columns {
			if !reflect.DeepEqual(w.Columns[i], b.Columns[i]) {
				t.Errorf("column %s differs", w.Columns[i].Name)
			}
		}
		t.Errorf("the tables differ (meta %v / %v)", w.Meta, b.Meta)
	}
	if tops["whole"] != tops["batches"] || strings.Count(tops["whole"], "\n") != 16 {
		t.Errorf("top 15 differ:\n%s\n%s", tops["whole"], tops["batches"])
	}
}
