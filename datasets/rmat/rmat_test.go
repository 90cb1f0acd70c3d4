package rmat

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"
)

type pair struct{ src, dst uint32 }

func edges(t *testing.T, scale, ef int, seed uint64) []pair {
	t.Helper()
	var out []pair
	if err := Generate(scale, ef, seed, func(s, d uint32) error {
		out = append(out, pair{s, d})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerateCountAndRange(t *testing.T) {
	for _, tc := range []struct{ scale, ef int }{
		{0, 3}, {1, 1}, {4, 16}, {10, 8}, {12, 1},
	} {
		t.Run(fmt.Sprintf("scale=%d,ef=%d", tc.scale, tc.ef), func(t *testing.T) {
			e := edges(t, tc.scale, tc.ef, 1)
			if want := tc.ef << tc.scale; len(e) != want || Edges(tc.scale, tc.ef) != int64(want) {
				t.Fatalf("got %d edges (Edges says %d), want %d", len(e), Edges(tc.scale, tc.ef), want)
			}
			n := uint32(1) << tc.scale
			for _, p := range e {
				if p.src >= n || p.dst >= n {
					t.Fatalf("edge %v out of [0, %d)", p, n)
				}
			}
		})
	}
}

// TestGenerateDeterministic checks that the edges depend on the seed only, not on
// GOMAXPROCS, and that different seeds give different graphs.
func TestGenerateDeterministic(t *testing.T) {
	const scale, ef = 12, 40 // 163840 edges: several blocks
	ref := edges(t, scale, ef, 7)
	for _, procs := range []int{1, 2, 5} {
		old := runtime.GOMAXPROCS(procs)
		got := edges(t, scale, ef, 7)
		runtime.GOMAXPROCS(old)
		if len(got) != len(ref) {
			t.Fatalf("GOMAXPROCS=%d: %d edges, want %d", procs, len(got), len(ref))
		}
		for i := range got {
			if got[i] != ref[i] {
				t.Fatalf("GOMAXPROCS=%d: edge %d is %v, want %v", procs, i, got[i], ref[i])
			}
		}
	}
	other := edges(t, scale, ef, 8)
	same := 0
	for i := range other {
		if other[i] == ref[i] {
			same++
		}
	}
	if same > len(ref)/100 {
		t.Errorf("seeds 7 and 8 share %d of %d edges", same, len(ref))
	}
}

// TestGenerateSkew checks the power-law shape loosely: with a = .57 the top vertex
// of a scale-14 graph draws (a+b)^14 ≈ 2.1% of the out-edges before permutation,
// far above the mean of 2^-14; and the permutation spreads the hubs over the ids.
func TestGenerateSkew(t *testing.T) {
	const scale, ef = 14, 16
	e := edges(t, scale, ef, 3)
	n := 1 << scale
	out := make([]int, n)
	in := make([]int, n)
	for _, p := range e {
		out[p.src]++
		in[p.dst]++
	}
	mean := float64(len(e)) / float64(n)
	maxOut, argmax, zero := 0, 0, 0
	for v, d := range out {
		if d > maxOut {
			maxOut, argmax = d, v
		}
		if d == 0 {
			zero++
		}
	}
	maxIn := 0
	for _, d := range in {
		maxIn = max(maxIn, d)
	}
	// (a+b)^14·E = .76^14·262144 ≈ 5580.
	if float64(maxOut) < 100*mean || float64(maxIn) < 100*mean {
		t.Errorf("max out-degree %d, in-degree %d: want ≥ 100× the mean %.1f", maxOut, maxIn, mean)
	}
	if zero < n/10 {
		t.Errorf("%d of %d vertices have no out-edge: want a heavy tail of empty ones", zero, n)
	}
	// Unpermuted, the hub would be vertex 0.
	if argmax == 0 {
		t.Logf("hub is vertex 0 (possible, but unlikely with the permutation)")
	}
	// The hubs are spread: the 1% top vertices by out-degree are not all in one half.
	low := 0
	for v, d := range out {
		if float64(d) > 20*mean && v < n/2 {
			low++
		}
	}
	high := 0
	for v, d := range out {
		if float64(d) > 20*mean && v >= n/2 {
			high++
		}
	}
	if low == 0 || high == 0 {
		t.Errorf("hubs in the low half: %d, in the high half: %d: the ids look unpermuted", low, high)
	}
}

// TestGenerateQuadrants checks the model itself: undoing the permutation, the share
// of edges in each quadrant of the adjacency matrix at every level of the recursion
// is A, B, C, D (Graph500 specification, section 3.3: A is row 0, column 0; B row 0,
// column 1; C row 1, column 0; D row 1, column 1), within 0.005 over 2^20 edges (a
// binomial standard deviation of at most 0.0005). The vertex that is the hub of the
// out-degrees is then the hub of the in-degrees too. An earlier version swapped the
// columns (B and D to column 0), which made the out-hubs the least-followed
// vertices: 97 % of the edges of scale 18 then pointed to vertices without out-edges.
func TestGenerateQuadrants(t *testing.T) {
	const scale, ef = 16, 16
	e := edges(t, scale, ef, 5)
	perm := permutation(scale, 5)
	inv := make([]uint32, len(perm))
	for i, p := range perm {
		inv[p] = uint32(i)
	}
	want := [4]float64{A, B, C, D}
	for level := range scale {
		shift := uint(scale - 1 - level)
		var q [4]int
		for _, p := range e {
			r, c := inv[p.src]>>shift&1, inv[p.dst]>>shift&1
			q[2*r+c]++
		}
		for i, k := range q {
			if got := float64(k) / float64(len(e)); math.Abs(got-want[i]) > 0.005 {
				t.Errorf("level %d: quadrant %c holds %.4f of the edges, want %.2f", level, "ABCD"[i], got, want[i])
			}
		}
	}
	out := make([]int, 1<<scale)
	in := make([]int, 1<<scale)
	for _, p := range e {
		out[p.src]++
		in[p.dst]++
	}
	hubOut, hubIn := 0, 0
	for v := range out {
		if out[v] > out[hubOut] {
			hubOut = v
		}
		if in[v] > in[hubIn] {
			hubIn = v
		}
	}
	if hubOut != int(perm[0]) || hubIn != int(perm[0]) {
		t.Errorf("out-hub %d, in-hub %d; want both perm[0] = %d", hubOut, hubIn, perm[0])
	}
}

func TestGenerateErrors(t *testing.T) {
	for _, tc := range []struct {
		scale, ef int
		want      string
	}{
		{-1, 1, "rmat: scale must be in [0, 32], got -1"},
		{33, 1, "rmat: scale must be in [0, 32], got 33"},
		{4, -2, "rmat: edge factor must be ≥ 0, got -2"},
		{32, 1 << 31, "do not fit"},
	} {
		err := Generate(tc.scale, tc.ef, 1, func(uint32, uint32) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(%d, %d): got %v, want %q", tc.scale, tc.ef, err, tc.want)
		}
	}
	// emit's error stops the generation and comes back unchanged.
	stop := errors.New("stop")
	calls := 0
	err := Generate(12, 40, 1, func(uint32, uint32) error {
		calls++
		if calls == 70000 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 70000 {
		t.Errorf("got %v after %d calls, want %v after 70000", err, calls, stop)
	}
}

func TestWriteEdgeList(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteEdgeList(&buf, 3, 2, 5); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if want := "# R-MAT scale=3 edgefactor=2 seed=5 a=.57 b=.19 c=.19 d=.05"; lines[0] != want {
		t.Errorf("header %q, want %q", lines[0], want)
	}
	e := edges(t, 3, 2, 5)
	if len(lines)-1 != len(e) {
		t.Fatalf("%d edge lines, want %d", len(lines)-1, len(e))
	}
	for i, p := range e {
		if want := fmt.Sprintf("%d\t%d", p.src, p.dst); lines[i+1] != want {
			t.Errorf("line %d: %q, want %q", i+2, lines[i+1], want)
		}
	}
	// Large enough to flush several times.
	h := fnv.New64a()
	if err := WriteEdgeList(h, 12, 16, 5); err != nil {
		t.Fatal(err)
	}
	h2 := fnv.New64a()
	if err := WriteEdgeList(h2, 12, 16, 5); err != nil {
		t.Fatal(err)
	}
	if h.Sum64() != h2.Sum64() {
		t.Error("two writes of the same seed differ")
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, os.ErrClosed
	}
	w.n--
	return len(p), nil
}

func TestWriteEdgeListError(t *testing.T) {
	err := WriteEdgeList(&failWriter{n: 2}, 12, 16, 1)
	if !errors.Is(err, os.ErrClosed) || !strings.HasPrefix(err.Error(), "rmat: ") {
		t.Errorf("got %v, want a wrapped os.ErrClosed", err)
	}
}

func Example() {
	// A tiny graph: 2^2 vertices, 2 edges per vertex.
	if err := WriteEdgeList(os.Stdout, 2, 2, 1); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # R-MAT scale=2 edgefactor=2 seed=1 a=.57 b=.19 c=.19 d=.05
	// 0	2
	// 2	1
	// 0	2
	// 0	3
	// 2	0
	// 2	2
	// 0	1
	// 2	0
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func BenchmarkGenerate(b *testing.B) {
	for _, scale := range []int{16, 20} {
		b.Run(fmt.Sprintf("scale=%d,ef=16", scale), func(b *testing.B) {
			var sum uint64
			for b.Loop() {
				if err := Generate(scale, 16, 1, func(s, d uint32) error {
					sum += uint64(s ^ d)
					return nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			if sum == 0 {
				b.Fatal("no edges")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(Edges(scale, 16)), "ns/edge")
		})
	}
}

func BenchmarkWriteEdgeList(b *testing.B) {
	for _, scale := range []int{16, 20} {
		b.Run(fmt.Sprintf("scale=%d,ef=16", scale), func(b *testing.B) {
			var w countWriter
			for b.Loop() {
				if err := WriteEdgeList(&w, scale, 16, 1); err != nil {
					b.Fatal(err)
				}
			}
			if w.n == 0 {
				b.Fatal("nothing written")
			}
			b.ReportMetric(float64(w.n)/float64(b.N)/1e6/b.Elapsed().Seconds()*float64(b.N), "MB/s")
		})
	}
}
