package rank

import (
	"runtime"
	"sync"
)

// parallelFor runs f over [0, n) split into contiguous chunks, on workers goroutines
// (GOMAXPROCS when workers ≤ 0). Each index is handled by exactly one call, so
// results written per index are deterministic whatever the worker count.
func parallelFor(n, workers int, f func(lo, hi int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const minChunk = 4096
	chunks := min(8*workers, (n+minChunk-1)/minChunk)
	if chunks <= 1 || workers == 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, chunks)
	for c := 0; c < chunks; c++ {
		next <- c
	}
	close(next)
	for w := 0; w < min(workers, chunks); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				f(c*n/chunks, (c+1)*n/chunks)
			}
		}()
	}
	wg.Wait()
}
