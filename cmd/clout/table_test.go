package main

import (
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
