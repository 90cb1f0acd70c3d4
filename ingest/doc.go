// Package ingest streams Clout's input formats into a graph.Builder, interning external
// user ids into dense uint32 ids and reporting every bad input with its position.
package ingest
