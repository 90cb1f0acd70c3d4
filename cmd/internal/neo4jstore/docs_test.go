package neo4jstore

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocQueries runs every query of docs/neo4j/queries.cypher against a small
// dataset: each must parse, run, and carry a LIMIT.
func TestDocQueries(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "neo4j", "queries.cypher"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") {
			lines = append(lines, l)
		}
	}
	var queries []string
	for _, q := range strings.Split(strings.Join(lines, "\n"), ";") {
		if q = strings.TrimSpace(q); q != "" {
			queries = append(queries, q)
		}
	}
	if len(queries) < 9 {
		t.Fatalf("found %d queries", len(queries))
	}
	limit := regexp.MustCompile(`(?m)^LIMIT \d+$`)
	for i, q := range queries {
		if !limit.MatchString(q) {
			t.Errorf("query %d has no LIMIT:\n%s", i+1, q)
		}
	}
	s := testStore(t)
	pl := testPlatform(t, s)
	if _, err := s.Load(context.Background(), smallDataset(pl), Options{}); err != nil {
		t.Fatal(err)
	}
	params := map[string]any{"platform": pl, "id": hostile[0], "other": "1"}
	rows := 0
	for i, q := range queries {
		recs, err := s.query(context.Background(), q, params)
		if err != nil {
			t.Errorf("query %d: %v\n%s", i+1, err, q)
		}
		rows += len(recs)
	}
	if rows == 0 {
		t.Errorf("no query returned anything")
	}
}
