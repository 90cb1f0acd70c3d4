package graph

// chunked is an append-only sequence stored in chunks, so that growing it never
// copies what it holds and never leaves more than one chunk of slack: a plain slice
// grown by append peaks at about twice its final size while it is copied. Chunks
// grow geometrically up to maxChunk elements.
type chunked[T any] struct {
	chunks [][]T
	n      int
}

const maxChunk = 1 << 20

func (c *chunked[T]) append(v T) {
	if len(c.chunks) == 0 || len(c.chunks[len(c.chunks)-1]) == cap(c.chunks[len(c.chunks)-1]) {
		c.chunks = append(c.chunks, make([]T, 0, min(maxChunk, max(4096, c.n))))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, v)
	c.n++
}

// filled returns a chunked holding n copies of v, chunked like c (len(c) == n).
func filled[T, U any](c *chunked[U], v T) chunked[T] {
	out := chunked[T]{n: c.n, chunks: make([][]T, len(c.chunks))}
	for i, ch := range c.chunks {
		x := make([]T, len(ch), cap(ch))
		for j := range x {
			x[j] = v
		}
		out.chunks[i] = x
	}
	return out
}

// len returns the number of elements.
func (c *chunked[T]) len() int { return c.n }

// each calls f with every element and its index, in order.
func (c *chunked[T]) each(f func(i int, v T)) {
	i := 0
	for _, ch := range c.chunks {
		for _, v := range ch {
			f(i, v)
			i++
		}
	}
}
