// Package rank computes Clout's sub-scores from a graph: PageRank-style propagation,
// reach and amplification signals and 1–100 scaling; pure computation, no I/O.
package rank
