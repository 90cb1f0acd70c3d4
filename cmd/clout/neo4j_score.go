package main

// PLACEHOLDER while the Neo4j source is being written (replaced before it lands).

import (
	"context"
	"errors"

	"github.com/clout-dev/clout/cmd/internal/sink"
	"github.com/clout-dev/clout/ingest"
)

func readNeo4j(ctx context.Context, c *scoreConfig, pg *progress, sk *ingest.Sink) ([]*source, error) {
	return nil, usageErr("--from neo4j: %w", errors.ErrUnsupported)
}

func writeBackNeo4j(ctx context.Context, c *scoreConfig, tbl *sink.Table) error {
	return errors.ErrUnsupported
}
