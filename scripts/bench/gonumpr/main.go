// Command gonumpr is scripts/bench.sh's gonum peer: it reads a SNAP edge list into
// gonum's simple.WeightedDirectedGraph (self-loops and duplicate edges dropped, every
// weight 1, as Clout scores it with --count-transform binary), runs
// network.PageRankSparse, and writes "id<TAB>rank" lines plus one JSON line of
// timings on stderr: read_s (reading and parsing the file into two slices), build_s
// (the graph from the slices) and rank_s. A benchmark peer only.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

func main() {
	damping := flag.Float64("damping", 0.85, "damping factor")
	tol := flag.Float64("tol", 1e-10, "tolerance (gonum: 2-norm of the change)")
	out := flag.String("out", "", "file for id<TAB>rank lines")
	flag.Parse()
	if flag.NArg() != 1 || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gonumpr [-damping D] [-tol T] -out FILE EDGES")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *out, *damping, *tol); err != nil {
		fmt.Fprintln(os.Stderr, "gonumpr:", err)
		os.Exit(1)
	}
}

func run(path, out string, damping, tol float64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		r = zr
	}
	// Read the whole list first: the build is timed from edges in memory, as the
	// Python peers' are and as Clout's build stage is (its reading is the ingest).
	t0 := time.Now()
	var us, vs []int64
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	edges := 0
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if s == "" || s[0] == '#' {
			continue
		}
		fs := strings.Fields(s)
		if len(fs) < 2 {
			return fmt.Errorf("%s:%d: want two ids", path, line)
		}
		u, err1 := strconv.ParseInt(fs[0], 10, 64)
		v, err2 := strconv.ParseInt(fs[1], 10, 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%s:%d: want integer ids", path, line)
		}
		us, vs = append(us, u), append(vs, v)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	read := time.Since(t0)
	t0 = time.Now()
	g := simple.NewWeightedDirectedGraph(0, 0)
	for i, u := range us {
		v := vs[i]
		for _, id := range []int64{u, v} {
			if g.Node(id) == nil {
				g.AddNode(simple.Node(id))
			}
		}
		if u == v || g.HasEdgeFromTo(u, v) {
			continue
		}
		g.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: 1})
		edges++
	}
	us, vs = nil, nil
	build := time.Since(t0)
	t1 := time.Now()
	pr := network.PageRankSparse(g, damping, tol)
	rank := time.Since(t1)

	w, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for id, v := range pr {
		fmt.Fprintf(bw, "%d\t%.17g\n", id, v)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return json.NewEncoder(os.Stderr).Encode(map[string]any{
		"tool": "gonum PageRankSparse", "edges": edges, "nodes": len(pr),
		"read_s": read.Seconds(), "build_s": build.Seconds(), "rank_s": rank.Seconds(), "heap_sys_bytes": ms.HeapSys,
	})
}
