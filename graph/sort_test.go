package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRadixSort checks radixSort against slices.Sort on lists of every pass count
// (values of 0 to 32 bits: one, two or three passes, so an odd count that ends in the
// scratch buffer too) and of repeated, equal and all-zero values.
func TestRadixSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, radixMin - 1, radixMin, 5000} {
		for _, nb := range []int{0, 1, 7, 11, 12, 20, 22, 23, 32} {
			a := make([]uint32, n)
			for i := range a {
				if nb > 0 {
					a[i] = uint32(r.Uint64() >> (64 - nb))
				}
			}
			a = append(a, a[:n/3]...) // repeats
			want := slices.Sorted(slices.Values(a))
			tmp := make([]uint32, len(a))
			radixSort(a, tmp)
			if !slices.Equal(a, want) {
				t.Fatalf("n=%d bits=%d: radixSort disagrees with slices.Sort", n, nb)
			}
		}
	}
}

// TestSortListLong checks that a list long enough for the radix sort comes out
// sorted, with its repeats, and that one with counts and times carries them along.
func TestSortListLong(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	perm := r.Perm(3 * radixMin)
	a := make([]uint32, len(perm))
	for i, v := range perm {
		a[i] = uint32(v) * 7
	}
	a[0], a[len(a)-1] = a[len(a)-1], a[5] // a repeat
	want := slices.Sorted(slices.Values(a))
	var scratch []uint32
	sortList(a, nil, nil, nil, &scratch)
	if !slices.Equal(a, want) {
		t.Fatal("radix-sorted list differs from slices.Sort's")
	}

	// With counts and times: each count and time is its target's, so that the
	// sorted arrays must still agree with one another.
	b := []uint32{5, 3, 9, 3, 1}
	cnt := []uint32{50, 30, 90, 31, 10}
	first := []int64{500, 300, 900, 301, 100}
	last := []int64{-500, -300, -900, -301, -100}
	sortList(b, cnt, first, last, &scratch)
	if !slices.IsSorted(b) {
		t.Fatalf("not sorted: %v", b)
	}
	for i, v := range b {
		if c := cnt[i] / 10; c != v || first[i]/100 != int64(v) || -last[i]/100 != int64(v) {
			t.Errorf("%d: target %d carries count %d, times %d %d", i, v, cnt[i], first[i], last[i])
		}
	}
}
