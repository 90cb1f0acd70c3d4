// Package graph holds Clout's read-only multi-layer directed graph: one compressed
// sparse row (CSR) adjacency per interaction layer, out and in, with dense uint32 node
// ids, aggregated edge counts and first/last timestamps, and gonum views over it.
package graph
