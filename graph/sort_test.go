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

// TestSortSegmentLong checks that a list long enough for the radix sort comes out
// sorted, with a repeat reported, and one without repeats reported as such.
func TestSortSegmentLong(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	perm := r.Perm(3 * radixMin)
	a := make([]uint32, len(perm))
	for i, v := range perm {
		a[i] = uint32(v) * 7
	}
	var scratch []uint32
	if sortSegment(a, nil, nil, nil, &scratch) {
		t.Fatal("distinct targets reported as repeating")
	}
	if !slices.IsSorted(a) {
		t.Fatal("not sorted")
	}
	a[0], a[len(a)-1] = a[len(a)-1], a[5] // unsorted, with a repeat
	if !sortSegment(a, nil, nil, nil, &scratch) || !slices.IsSorted(a) {
		t.Fatal("repeat not reported, or not sorted")
	}
}
